"""Imported first by the worker's forkserver process (and by nothing else).

The forkserver forks once for every job, so it must stay single-threaded: these variables,
set before numpy and pyarrow are imported, keep OpenBLAS and jemalloc from starting their
background threads there. They are set in that process only, never in the server's (changing
the environment of a running multi-threaded process is not safe).
"""

from __future__ import annotations

import os

for _name, _value in {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
}.items():
    os.environ.setdefault(_name, _value)
