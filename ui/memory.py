"""Give memory back to the system after sessions end.

Two things kept a closed tab's data in the server's memory:

* Streamlit keeps a disconnected session for ``server.disconnectedSessionTTL`` (120 s) so a
  reconnecting tab finds its state, but it forgets expired sessions only lazily — on a later
  disconnect, and without shutting them down — so on a quiet server a closed session's tables
  stayed resident indefinitely. :func:`reap_closed_sessions` shuts down the expired ones.
* The allocators keep freed pages for reuse, so a server that served a few large files would
  stay at its peak. Arrow's pool and glibc are asked to release unused memory.

A daemon thread, started once per process, does both every 30 s.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import sys
import threading
import time
import types

import pyarrow as pa
import streamlit as st

_LOG = logging.getLogger("pilote.memory")


def _describe(obj: object, target: object) -> str:
    name = type(obj).__name__
    if hasattr(obj, "__qualname__"):
        return f"{name} {getattr(obj, '__module__', '')}.{obj.__qualname__}"
    if isinstance(obj, dict):
        keys = [k for k, v in obj.items() if v is target][:3]
        return f"dict[{keys}]"
    return name


def _holders(target: object, depth: int, seen: set[int], skip: set[int]) -> list[str]:
    """Chains of referrers above ``target`` (types, dict keys, function names), up to a
    running function's frame in another thread (named with its line: a thread that never
    ends keeps what its frame holds)."""
    if depth == 0:
        return []
    out = []
    referrers = gc.get_referrers(target)
    skip.add(id(referrers))  # this walk's own list, not a holder further up
    for ref in referrers:
        if id(ref) in skip or id(ref) in seen:
            continue
        seen.add(id(ref))
        if isinstance(ref, types.FrameType):
            code = ref.f_code
            out.append(f"frame {code.co_qualname} ({code.co_filename}:{ref.f_lineno})")
            continue
        label = _describe(ref, target)
        above = _holders(ref, depth - 1, seen, skip)
        out += [f"{label} <- {a}" for a in above] or [label]
    return out[:12]


def _rows(df: object) -> int:
    """Rows of a DataFrame found by the garbage collector, 0 for one another thread is still
    building (it has no data yet: ``len`` raises)."""
    try:
        return len(df)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001
        return 0


def _session_manager() -> object | None:
    """Streamlit's session manager (internal), None without a running server."""
    from streamlit import runtime

    return getattr(runtime.get_instance(), "_session_mgr", None) if runtime.exists() else None


def _census() -> None:
    """Log the large DataFrames still alive and what holds them (PILOTE_MEMORY_CENSUS=1):
    the tool to find who keeps a closed session's data."""
    import pandas as pd
    from streamlit.runtime.app_session import AppSession

    mgr = _session_manager()
    active = getattr(mgr, "_active_session_info_by_id", {})
    stored = getattr(getattr(getattr(mgr, "_session_storage", None), "_cache", None), "_data", {})
    sessions = f"{len(active)} active, {len(stored)} kept for reconnection"
    everything = gc.get_objects()
    big = [o for o in everything if isinstance(o, pd.DataFrame) and _rows(o) >= 100_000]
    del everything
    # Python 3.11 makes a running function's frame an object only when asked for: asked for
    # here, each thread's frames show among the holders (a thread that never ends keeps its
    # locals). The census's own frames are not holders.
    threads = sys._current_frames()
    own, frame = {id(big), id(threads)}, sys._getframe()
    while frame is not None:
        own.add(id(frame))
        frame = frame.f_back
    _LOG.warning("census: sessions %s; %d DataFrame(s) of 100k+ rows alive", sessions, len(big))
    for df in big:
        _LOG.warning("  %d rows × %d, held by:", len(df), df.shape[1])
        for chain in _holders(df, 6, set(), own):
            _LOG.warning("    %s", chain)
    for sess in [o for o in gc.get_objects() if isinstance(o, AppSession)]:
        _LOG.warning("  session %s alive, held by:", sess.id)
        for chain in _holders(sess, 5, set(), own):
            _LOG.warning("    %s", chain)
    del big, threads


def _reap(mgr: object) -> int:
    """Remove the expired sessions from ``mgr``'s storage and shut each down (its state,
    uploaded files and caches go). Runs on Streamlit's event loop."""
    storage = mgr._session_storage  # type: ignore[attr-defined]
    with mgr._storage_lock:  # type: ignore[attr-defined]
        removed = storage._cache.expire()
    for _, info in removed:
        info.session.shutdown()
        # Streamlit's flush loop keeps a reference to the last session it served until
        # another session connects: empty the state so that reference holds no data.
        state = getattr(info.session, "session_state", None)
        if state is not None:
            state.clear()
            # clear() keeps the widgets' metadata, whose callbacks and format functions are
            # functions of the page scripts: through their globals they held the last table
            # a page showed (the Data page's ``table``), 0.4 GB at 1M rows, after the end.
            new_widgets = getattr(state, "_new_widget_state", None)
            metadata = getattr(new_widgets, "widget_metadata", None)
            if isinstance(metadata, dict):
                metadata.clear()
    if removed:
        _LOG.info(
            "shut down %d session(s) closed more than the reconnection delay ago", len(removed)
        )
    return len(removed)


def reap_closed_sessions() -> bool:
    """Ask Streamlit's event loop to shut down sessions whose tab closed more than
    ``server.disconnectedSessionTTL`` ago. Returns False when this Streamlit has no such
    internals (a version change; tests/test_memory.py fails on the pinned one)."""
    from streamlit import runtime

    mgr = _session_manager()
    if mgr is None:
        return False
    try:
        mgr._session_storage._cache.expire  # type: ignore[attr-defined]  # noqa: B018
        loop = runtime.get_instance()._get_async_objs().eventloop
    except (AttributeError, RuntimeError):
        return False
    try:
        loop.call_soon_threadsafe(_reap, mgr)
    except RuntimeError:  # the loop is closed: the server is stopping
        return False
    return True


def _trim_forever(every: float) -> None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: Arrow's own release is all we can do
        libc = None
    while True:
        time.sleep(every)
        try:
            reap_closed_sessions()
        except Exception:  # never let the trimmer die; the allocator release still helps
            _LOG.exception("could not reap closed sessions")
        time.sleep(1.0)  # let the event loop run the shutdowns before collecting
        gc.collect()
        if os.environ.get("PILOTE_MEMORY_CENSUS"):
            try:
                _census()
            except Exception:  # a diagnostic: never at the cost of the trimmer itself
                _LOG.exception("memory census failed")
        pa.default_memory_pool().release_unused()
        if libc is not None:
            libc.malloc_trim(0)


@st.cache_resource(show_spinner=False)
def start_trimmer(every: float = 30.0) -> threading.Thread:
    thread = threading.Thread(target=_trim_forever, args=(every,), name="pilote-trim", daemon=True)
    thread.start()
    return thread
