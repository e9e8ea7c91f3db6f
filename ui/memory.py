"""Give memory back to the system after sessions end.

A closed session's tables are freed by Python when Streamlit drops the session
(``server.disconnectedSessionTTL``), but the allocators keep the pages for reuse, so a server
that served a few large files would stay at its peak. A daemon thread, started once per
process, collects garbage and asks Arrow's pool and glibc to release unused memory every 30 s.
"""

from __future__ import annotations

import ctypes
import gc
import threading
import time

import pyarrow as pa
import streamlit as st


def _trim_forever(every: float) -> None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: Arrow's own release is all we can do
        libc = None
    while True:
        time.sleep(every)
        gc.collect()
        pa.default_memory_pool().release_unused()
        if libc is not None:
            libc.malloc_trim(0)


@st.cache_resource(show_spinner=False)
def start_trimmer(every: float = 30.0) -> threading.Thread:
    thread = threading.Thread(target=_trim_forever, args=(every,), name="pilote-trim", daemon=True)
    thread.start()
    return thread
