"""Imported first by the worker's forkserver process (and by nothing else).

Set before numpy and pyarrow are imported, in that process only (never in the server's:
changing the environment of a running multi-threaded process is not safe), and inherited by
every job forked from it:

- OpenBLAS and jemalloc start no background thread: the forkserver forks once for every job,
  so it must stay single-threaded.
- pyarrow's mimalloc reserves 64 MB arenas instead of 1 GB ones. With 1 GB arenas a 1M-row
  CSV load grew the address space by 1.4 GB for 0.4 GB of data; with 64 MB ones by about the
  data, so the job's memory limit measures the memory really used (and the load was no slower:
  bench/bench_worker.py).
"""

from __future__ import annotations

import os

for _name, _value in {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
    "MIMALLOC_ARENA_RESERVE": "65536",  # KiB
}.items():
    os.environ.setdefault(_name, _value)
