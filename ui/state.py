"""Session state: the user's language, loaded tables and analysis settings live in
``st.session_state`` (widget state is lost when the user changes page; session state is not)."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from kpi import i18n
from kpi.data import Table, dataset, worker
from kpi.errors import PiloteError
from kpi.metrics import warm
from kpi.share import LOCAL_OWNER, WorkspaceStore, open_store
from ui import texts  # noqa: F401  (registers the UI messages)
from ui.markup import inert

log = logging.getLogger("pilote")


def data_dir() -> Path:
    """Where saved mappings (and, later, workspaces) live: $PILOTE_DATA_DIR or ./data."""
    default = Path(__file__).resolve().parent.parent / "data"
    return Path(os.environ.get("PILOTE_DATA_DIR", default))


def lang() -> str:
    """The UI language ("fr" by default)."""
    return st.session_state.get("lang") or i18n.DEFAULT_LANGUAGE


def tr(key: str, **params: Any) -> str:
    """Translate a message key into the user's language."""
    return i18n.t(key, lang(), **params)


def tables() -> dict[str, Table]:
    """Loaded tables by name, in load order."""
    return st.session_state.setdefault("tables", {})


def tables_version() -> int:
    """A number bumped whenever the tables change (load, removal, mapping edit)."""
    return int(st.session_state.get("tables_version", 0))


@dataclass
class Analysis:
    """What the user chose; JSON-friendly so that a workspace can save it."""

    objectives: list[str] = field(default_factory=list)
    kpis: list[str] = field(default_factory=list)
    granularity: str = "month"
    period: str | None = None  # a Period key; None = the latest period in the data
    filters: dict[str, list[str]] = field(default_factory=dict)
    statuses: list[str] | None = None  # None = the default counted statuses
    targets: dict[str, float] = field(default_factory=dict)
    drop_threshold: float = 0.10
    currency: str | None = None
    margin_rate: float | None = None  # the gross margin rate typed in, without a cost column
    # Exchange rates typed in by the user: 1 unit of the code = rate units of the main currency.
    rates: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def analysis() -> Analysis:
    """The session's analysis settings."""
    return st.session_state.setdefault("analysis", Analysis())


def _bump() -> None:
    # Anything built from the tables (the KPI engine, charts) is rebuilt when this changes.
    st.session_state["tables_version"] = int(st.session_state.get("tables_version", 0)) + 1


def log_timing(what: str, started: float) -> None:
    """With PILOTE_TIMINGS set, log when and how long ``what`` took since ``started``
    (``time.perf_counter()``); bench/load_test.py reads these lines."""
    log_seconds(what, time.perf_counter() - started)


def log_seconds(what: str, seconds: float) -> None:
    """With PILOTE_TIMINGS set, log when and that ``what`` took ``seconds`` (also a step
    measured elsewhere, such as the worker's)."""
    if os.environ.get("PILOTE_TIMINGS"):
        logging.getLogger("pilote.timings").warning("%.3f %s %.3f s", time.time(), what, seconds)


def put_table(table: Table) -> None:
    """Add or replace a table in the session, and prepare its dashboard arrays in the
    background (~1 s at 1M rows) while the user is still on the page that loaded it; a page
    that needs them sooner waits for that same work instead of repeating it."""
    tables()[table.name] = table
    _bump()
    threading.Thread(target=_warm, args=(table,), name="pilote-warm", daemon=True).start()


def _warm(table: Table) -> None:
    started = time.perf_counter()
    warm(table)
    log_timing(f"prepared arrays {table.name}", started)


def remove_table(name: str) -> None:
    tables().pop(name, None)
    st.session_state.setdefault("raw", {}).pop(name, None)
    _bump()


@st.cache_resource(show_spinner=False)
def _open_store(url: str | None, folder: str) -> WorkspaceStore:
    # One store per database for the whole process: it keeps no user data, only where the
    # database is; every query names its owner.
    return open_store(url, Path(folder))


@st.cache_resource(show_spinner=False)
def start_worker() -> bool:
    """Once per server process: the worker's forkserver and its first warm child, so that the
    first upload waits for neither (:func:`kpi.data.worker.warm_up`; ``PILOTE_WORKER=off``
    parses in the server process instead)."""
    worker.warm_up()
    return True


def store() -> WorkspaceStore:
    """The workspace store: PostgreSQL when PILOTE_DATABASE_URL is set, else SQLite in the
    data folder."""
    url = os.environ.get("PILOTE_DATABASE_URL", "").strip() or None
    return _open_store(url, str(data_dir()))


def login_configured() -> bool:
    """Whether an ``[auth]`` section in the secrets turns login (OIDC) on."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:  # unreadable secrets: no login rather than a crash
        return False


def owner() -> str | None:
    """Whose workspaces and saved mappings these are: the signed-in user (``issuer|subject``),
    the single local user when login is not configured, or ``None`` when login is configured
    and nobody is signed in yet."""
    user = st.user
    if user.get("is_logged_in") and user.get("sub"):
        return f"{user.get('iss') or ''}|{user.get('sub')}"
    return None if login_configured() else LOCAL_OWNER


def show_error(exc: BaseException) -> None:
    """A user-fixable problem shows its translated message; anything else is logged with its
    traceback and shown as a short apology, never as a traceback."""
    if isinstance(exc, PiloteError):
        # Its parameters may be file, column or workspace names: shown as text, not Markdown.
        st.error(inert(exc.message(lang())))
    else:
        log.exception("unexpected error", exc_info=exc)
        st.error(tr("ui.unexpected", kind=type(exc).__name__))


def kind_label(kind: str) -> str:
    return dataset.kind_label(kind, lang())
