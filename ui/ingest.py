"""Turning uploads and the sample files into tables in the session, with progress and errors."""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from kpi import i18n
from kpi.data import EXCEL_EXTENSIONS, Table, load_table, sample_files
from kpi.errors import PiloteError
from kpi.share import apply_saved_mapping
from ui.markup import inert
from ui.state import lang, log_timing, owner, put_table, show_error, store, tables, tr


def _remember_raw(label: str, file_name: str, data: bytes) -> None:
    # Workbooks keep their bytes so the user can switch sheets without uploading again.
    if Path(file_name).suffix.lower() in EXCEL_EXTENSIONS:
        st.session_state.setdefault("raw", {})[label] = data


def load_into_session(data: bytes, name: str, sheet: str | None = None) -> Table | None:
    """Load one file into the session; show its error instead of raising."""
    bar = st.progress(0.0, text=tr("data.loading", name=inert(name)))

    def progress(fraction: float, key: str) -> None:
        text = f"{inert(name)} — {i18n.t(key, lang())}"
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    started = time.perf_counter()
    try:
        # In a worker process with a memory and time budget: a hostile or broken file costs
        # only this load (its message is shown below), never the server.
        table = load_table(data, name, sheet=sheet, progress=progress, in_worker=True)
    except PiloteError as exc:
        bar.empty()
        text = exc.message(lang())
        if name not in text:  # the zip and size checks speak of "this workbook"
            text = tr("data.load_failed", name=name, reason=text)
        st.error(inert(text))
        return None
    except Exception as exc:  # a bug: logged, and a short apology on screen
        bar.empty()
        show_error(exc)
        return None
    bar.empty()
    log_timing(f"load {name}", started)
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
    return table


def process_uploads(files: list) -> None:
    """Load each uploaded file once, even across reruns (Streamlit gives every upload its own
    id: the same file uploaded again, corrected or not, is loaded again)."""
    seen: dict[str, str] = st.session_state.setdefault("seen_uploads", {})
    for f in files:
        upload_id = f.file_id
        if seen.get(f.name) == upload_id and any(t.startswith(f.name) for t in tables()):
            continue
        seen[f.name] = upload_id
        load_into_session(f.getvalue(), f.name)


def forget_uploads() -> None:
    """Forget which uploads were loaded (the tables were replaced: a workspace was opened),
    so that uploading the same file again loads it again."""
    st.session_state.pop("seen_uploads", None)


def load_samples() -> int:
    """Load every demo table; return how many loaded."""
    files = sample_files(".csv")
    n = 0
    for path in files:
        if load_into_session(path.read_bytes(), path.name) is not None:
            n += 1
    return n
