"""The two workspace stores — SQLite (one machine) and PostgreSQL (a team instance) — and
:func:`open_store`, which picks one from ``PILOTE_DATABASE_URL``."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from kpi import i18n
from kpi.errors import PiloteError
from kpi.share.workspace import _CONNECT_TIMEOUT_S, _SCHEMA_LOCK_KEY, SQLITE_FILE, WorkspaceStore

log = logging.getLogger("pilote")


class SQLiteStore(WorkspaceStore):
    """Workspaces in a SQLite file (one machine; the default).

    Parameters
    ----------
    path : Path
        The database file; its folder is created if needed.
    max_bytes : int, optional
        See :class:`WorkspaceStore`.
    """

    backend = "sqlite"

    def __init__(self, path: str | Path, max_bytes: int | None = None) -> None:
        super().__init__(max_bytes)
        self.path = Path(path)

    @property
    def location(self) -> str:
        return str(self.path)

    @contextmanager
    def _connection(self, write: bool) -> Iterator[Any]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions. A writer's BEGIN IMMEDIATE takes the
        # write lock up front, so two sessions saving at once wait for each other (up to the
        # timeout) instead of failing half-way.
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield cur
            except BaseException:
                if conn.in_transaction:
                    cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
        finally:
            conn.close()

    def _unavailable(self, exc: Exception) -> PiloteError | None:
        bug = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)
        if isinstance(exc, bug) or not isinstance(exc, sqlite3.Error | OSError):
            return None
        text = str(exc).lower()
        if isinstance(exc, OSError) or "unable to open" in text or "disk i/o" in text:
            reason = "cannot_open"
        elif "locked" in text or "busy" in text:
            reason = "busy"
        elif "readonly" in text or "read-only" in text:
            reason = "read_only"
        elif "full" in text:
            reason = "full"
        elif "not a database" in text or "malformed" in text or "corrupt" in text:
            reason = "damaged"
        else:
            reason = "other"
        return _unavailable(reason)

    def _ddl_types(self) -> dict[str, str]:
        return {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB"}

    def _schema_exists(self, cur: Any) -> bool:
        row = cur.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pilote_schema'"
        ).fetchone()
        return row is not None

    def ensure_schema(self) -> None:
        super().ensure_schema()
        # In WAL mode readers do not wait for a writer. The mode is kept in the file; it cannot
        # be set inside a transaction.
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
            finally:
                conn.close()
        except sqlite3.Error as exc:  # e.g. a network file system without shared memory
            log.info("SQLite WAL mode not available for %s: %s", self.path, exc)


class PostgresStore(WorkspaceStore):
    """Workspaces in PostgreSQL (a team instance: every replica shares one database).

    Parameters
    ----------
    url : str
        ``postgresql://user:password@host:port/database`` (``postgres://`` works too).
    max_bytes : int, optional
        See :class:`WorkspaceStore`.
    """

    backend = "postgresql"

    def __init__(self, url: str, max_bytes: int | None = None) -> None:
        super().__init__(max_bytes)
        self._url = url
        self._secrets: tuple[str, ...] = (url,)
        try:
            parts = urlsplit(url)
            self._secrets = (url, parts.password or "", unquote(parts.password or ""))
            host = parts.hostname or "localhost"
            netloc = parts.netloc.rpartition("@")[2]
            where = netloc if "," in netloc else f"{host}:{parts.port or 5432}"
        except ValueError as exc:
            raise PiloteError(
                "workspace.bad_url", problem=_scrub(str(exc), *self._secrets)
            ) from exc
        user = f"{parts.username}@" if parts.username else ""
        self._location = f"postgresql://{user}{where}{parts.path or '/'}"

    @property
    def location(self) -> str:
        return self._location

    def _psycopg(self) -> Any:
        try:
            import psycopg
        except ImportError as exc:
            log.warning("psycopg is not installed: pip install -r requirements.txt")
            raise _unavailable("missing_driver") from exc
        return psycopg

    @contextmanager
    def _connection(self, write: bool) -> Iterator[Any]:
        psycopg = self._psycopg()
        try:
            conn = psycopg.connect(
                self._url,
                autocommit=True,
                connect_timeout=_CONNECT_TIMEOUT_S,
                application_name="pilote",
            )
        except psycopg.ProgrammingError as exc:  # the URL itself does not parse
            raise PiloteError(
                "workspace.bad_url", problem=_scrub(str(exc), *self._secrets)
            ) from exc
        try:
            with conn.transaction(), conn.cursor(binary=True) as cur:
                yield cur
        finally:
            conn.close()

    def _sql(self, query: str) -> str:
        return query.replace("?", "%s")

    def _unavailable(self, exc: Exception) -> PiloteError | None:
        psycopg = self._psycopg()
        errors = psycopg.errors
        usable = (
            psycopg.OperationalError,
            psycopg.InterfaceError,
            errors.InsufficientPrivilege,
            errors.InvalidCatalogName,
            errors.InvalidAuthorizationSpecification,
            errors.ReadOnlySqlTransaction,
        )
        if not isinstance(exc, usable):
            return None
        text = str(exc).lower()
        if isinstance(exc, errors.InvalidAuthorizationSpecification) or (
            "password" in text or "authentication" in text or "pg_hba" in text
        ):
            reason = "login"
        elif isinstance(exc, errors.InsufficientPrivilege):
            reason = "permission"
        elif isinstance(exc, errors.InvalidCatalogName):
            reason = "no_database"
        elif isinstance(exc, errors.ReadOnlySqlTransaction):
            reason = "read_only"
        elif isinstance(exc, psycopg.OperationalError):
            reason = "unreachable"
        else:
            reason = "other"
        return _unavailable(reason)

    def _detail(self, exc: Exception) -> str:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        return _scrub(f"{type(exc).__name__}: {' '.join(lines[:2])}", *self._secrets)[:400]

    def _ddl_types(self) -> dict[str, str]:
        return {"id": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "blob": "BYTEA"}

    def _ddl_extra(self) -> tuple[str, ...]:
        # The Parquet bytes are already zstd-compressed: stored out of line, not compressed again.
        return ("ALTER TABLE pilote_tables ALTER COLUMN data SET STORAGE EXTERNAL",)

    def _schema_exists(self, cur: Any) -> bool:
        cur.execute("SELECT to_regclass('pilote_schema') IS NOT NULL")
        return bool(cur.fetchone()[0])

    def _lock_schema(self, cur: Any) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK_KEY,))


def _unavailable(reason: str) -> PiloteError:
    """The user's message when the database cannot be used: why, in their language, and no
    server name, path or database product (those go to the log)."""
    return PiloteError(
        "workspace.db_unavailable", reason=i18n.Message(f"workspace.reason.{reason}")
    )


def _scrub(text: str, *secrets: str) -> str:
    """``text`` with the database URL and password blanked out."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


# ---------------------------------------------------------------------------------------------
# Entry points


def open_store(
    url: str | None = None, data_dir: Path | None = None, max_bytes: int | None = None
) -> WorkspaceStore:
    """The workspace store for this instance, its schema created if needed.

    Parameters
    ----------
    url : str, optional
        ``postgresql://user:password@host:port/db`` or ``sqlite:///path/to/file.sqlite``;
        default ``PILOTE_DATABASE_URL``. Without one, a SQLite file ``pilote.sqlite`` in
        ``data_dir``.
    data_dir : Path, optional
        Folder of the SQLite file; default ``PILOTE_DATA_DIR`` or ``./data``.
    max_bytes : int, optional
        Largest workspace accepted; default ``PILOTE_MAX_WORKSPACE_MB`` (500) MB.

    Raises
    ------
    PiloteError
        ``workspace.bad_url`` for a URL that is neither PostgreSQL nor SQLite,
        ``workspace.db_unavailable`` when the database cannot be reached or written (the
        message says what to check and never shows the password), ``workspace.schema_newer``.
    """
    url = url or os.environ.get("PILOTE_DATABASE_URL", "").strip() or None
    store: WorkspaceStore
    if url is None:
        folder = data_dir or Path(os.environ.get("PILOTE_DATA_DIR") or "data")
        store = SQLiteStore(Path(folder) / SQLITE_FILE, max_bytes=max_bytes)
    else:
        scheme = url.partition("://")[0].lower() if "://" in url else ""
        if scheme in ("postgresql", "postgres"):
            store = PostgresStore(url, max_bytes=max_bytes)
        elif scheme == "sqlite" and url[len("sqlite://") :].strip("/"):
            store = SQLiteStore(Path(url[len("sqlite://") :]), max_bytes=max_bytes)
        else:
            problem = f"scheme « {scheme} »" if scheme else "no scheme"
            raise PiloteError("workspace.bad_url", problem=problem)
    store.ensure_schema()
    return store
