"""Turning uploads and the sample files into tables in the session, with progress and errors.

Messages about a load can be *notices* (:func:`notify`): kept in the session and shown by the
Data page on its next run, so that they survive the rerun that resets the uploader.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kpi import i18n
from kpi.data import EXCEL_EXTENSIONS, Table, sample_files, worker
from kpi.data.worker import load_table_in_worker
from kpi.errors import PiloteError
from kpi.metrics import main_table
from kpi.share import apply_saved_mapping
from ui.markup import inert
from ui.state import lang, log_seconds, log_timing, owner, put_table, show_error, store, tables, tr

log = logging.getLogger("pilote")


def notify(key: str, kind: str = "success", **params: Any) -> None:
    """Keep a message for the Data page's next run (``kind``: success, warning, error)."""
    st.session_state.setdefault("notices", []).append((key, params, kind))


def notices() -> list[tuple[str, dict[str, Any], str]]:
    """The kept messages, forgotten once read: ``(key, params, kind)``."""
    out = []
    for item in st.session_state.pop("notices", []):
        key, params, *rest = item
        out.append((key, params, rest[0] if rest else "success"))
    return out


def _remember_raw(label: str, file_name: str, data: bytes) -> None:
    # Workbooks keep their bytes so the user can switch sheets without uploading again.
    if Path(file_name).suffix.lower() in EXCEL_EXTENSIONS:
        st.session_state.setdefault("raw", {})[label] = data


def load_into_session(
    data: bytes, name: str, sheet: str | None = None, *, keep_messages: bool = False
) -> Table | None:
    """Load one file into the session; show its error instead of raising. With
    ``keep_messages``, its success or error is a notice (:func:`notify`) instead, so that it
    outlives a rerun."""
    bar = st.progress(0.0, text=tr("data.loading", name=inert(name)))

    def progress(fraction: float, key: str) -> None:
        text = f"{inert(name)} — {i18n.t(key, lang())}"
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    started = time.perf_counter()
    try:
        # In a worker process with a memory and time budget: a hostile or broken file costs
        # only this load (its message is shown below), never the server.
        table = load_table_in_worker(data, name, sheet=sheet, progress=progress)
    except Exception as exc:  # noqa: BLE001 — a bad file (PiloteError) or a bug, never a traceback
        bar.empty()
        if isinstance(exc, PiloteError):
            error = exc.message(lang())
        elif not keep_messages:
            show_error(exc)  # a bug: logged, and a short apology on screen
            return None
        else:
            log.exception("unexpected error loading %s", name, exc_info=exc)
            error = i18n.t("ui.unexpected", lang(), kind=type(exc).__name__)
        # Each rejected file gets its own message, naming it unless the message already does
        # (the zip and size checks speak of "this workbook").
        key = "data.load_failed" if name not in error else "data.error"
        if keep_messages:
            notify(key, "error", name=name, error=error)
        else:
            st.error(inert(tr(key, name=name, error=error)))
        return None
    bar.empty()
    log_timing(f"load {name}", started)
    for step, seconds in worker.last_stats().items():
        if step.endswith("_seconds") and step != "cpu_seconds" and step != "system_seconds":
            log_seconds(f"load {name}: worker {step.removesuffix('_seconds')}", seconds)
    applied = False
    who = owner()
    if who is not None:
        try:
            table, applied = apply_saved_mapping(store(), who, table)
        except PiloteError as exc:  # the store is down: keep the detected mapping, say why
            st.warning(inert(exc.message(lang())))
    if applied:
        st.session_state.setdefault("notices", []).append(("data.mapping_reapplied", {}))
    _remember_raw(table.name, name, data)
    put_table(table)
    if keep_messages:
        notify(
            "data.loaded_ok",
            name=name,
            rows=i18n.Count(len(table.df)),
            cols=i18n.Count(table.df.shape[1]),
            seconds=i18n.format_number(time.perf_counter() - started, lang(), 1),
        )
    return table


def process_uploads(files: list) -> None:
    """Load each uploaded file once, even across reruns (Streamlit gives every upload its own
    id: the same file uploaded again, corrected or not, is loaded again). Each file gets its
    own message, kept for the next run (the Data page then resets the uploader and reruns)."""
    seen: dict[str, str] = st.session_state.setdefault("seen_uploads", {})
    for f in files:
        upload_id = f.file_id
        if seen.get(f.name) == upload_id and any(t.startswith(f.name) for t in tables()):
            continue
        seen[f.name] = upload_id
        table = load_into_session(f.getvalue(), f.name, keep_messages=True)
        _release(upload_id)  # parsed (or refused, its message kept): the bytes are not needed
        if table is not None:
            st.session_state["inspected_table"] = table.name


def _release(file_id: str) -> None:
    """Drop an upload's bytes from Streamlit's upload store. It keeps them until the session
    ends, or until the user removes the file from the uploader, which the Data page replaces
    with a fresh one once the files are loaded: a 1M-row CSV's 80 MB stayed in the server for
    as long as the tab was open. A load cut short by another click keeps them, for the next run
    to load the file again."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.uploaded_file_mgr is not None:
        ctx.uploaded_file_mgr.remove_file(ctx.session_id, file_id)


def forget_uploads() -> None:
    """Forget which uploads were loaded (the tables were replaced: a workspace was opened),
    so that uploading the same file again loads it again."""
    st.session_state.pop("seen_uploads", None)


def load_samples() -> int:
    """Load every demo table; return how many loaded.

    The files still to load are kept in the session: a click elsewhere (another page) stops
    this run, and the next run, on whatever page, finishes the load (:func:`finish_samples`)
    instead of leaving two tables of eight."""
    st.session_state[_PENDING_SAMPLES] = [p.name for p in sample_files(".csv")]
    return finish_samples()


_PENDING_SAMPLES = "pending_samples"


def finish_samples() -> int:
    """Load the demo tables a previous run did not get to; return how many loaded."""
    pending: list[str] = st.session_state.get(_PENDING_SAMPLES) or []
    if not pending:
        return 0
    paths = {p.name: p for p in sample_files(".csv")}
    n = 0
    while pending:
        path = paths.get(pending[0])
        if path is not None and load_into_session(path.read_bytes(), path.name) is not None:
            n += 1
        pending.pop(0)  # after the load: a run stopped mid-file loads that file again
    st.session_state.pop(_PENDING_SAMPLES, None)
    # Open the Data page on the table the dashboard is about (the sales), not the first file.
    main = main_table(tables().values())
    if main is not None:
        st.session_state["inspected_table"] = main.name
    return n
