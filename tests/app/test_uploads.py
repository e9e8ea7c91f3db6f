"""An upload's bytes leave Streamlit's upload store once the file is parsed (on the pinned
Streamlit's own store and file classes)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import streamlit as st
from streamlit.proto.Common_pb2 import FileURLs
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner_utils.exceptions import StopException
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

from ui import ingest


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> MemoryUploadedFileManager:
    for key in list(st.session_state):
        del st.session_state[key]
    mgr = MemoryUploadedFileManager("/_stcore/upload_file")
    ctx = SimpleNamespace(uploaded_file_mgr=mgr, session_id="s1")
    monkeypatch.setattr(ingest, "get_script_run_ctx", lambda: ctx)
    for file_id, name in [("f1", "ventes.csv"), ("f2", "vide.csv")]:
        mgr.add_file("s1", UploadedFileRec(file_id, name, "text/csv", b"date;montant\n"))
    return mgr


def _uploads(mgr: MemoryUploadedFileManager) -> list[UploadedFile]:
    return [UploadedFile(rec, FileURLs()) for rec in mgr.get_files("s1", ["f1", "f2"])]


def test_loaded_and_refused_files_leave_the_store(
    store: MemoryUploadedFileManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def load(data: bytes, name: str, **_: object) -> object | None:
        seen.append(name)
        # the first file loads; the second is refused (its message is kept as a notice)
        return SimpleNamespace(name=name) if name == "ventes.csv" else None

    monkeypatch.setattr(ingest, "load_into_session", load)
    ingest.process_uploads(_uploads(store))
    assert seen == ["ventes.csv", "vide.csv"]
    assert store.get_files("s1", ["f1", "f2"]) == []
    assert store._total_bytes == 0


def test_a_load_cut_short_keeps_the_bytes_for_the_next_run(
    store: MemoryUploadedFileManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    def load(data: bytes, name: str, **_: object) -> object:
        if name == "vide.csv":
            raise StopException()  # the user clicked elsewhere while this file loaded
        return SimpleNamespace(name=name)

    monkeypatch.setattr(ingest, "load_into_session", load)
    with pytest.raises(StopException):
        ingest.process_uploads(_uploads(store))
    assert [r.file_id for r in store.get_files("s1", ["f1", "f2"])] == ["f2"]
