"""Saved workspaces: an analysis (tables, mappings, settings) kept in a database to reopen later.

A workspace holds the loaded tables — each stored as Parquet (zstd) with its kind, mapping,
confidence and load report — and the analysis settings (objectives, chosen KPIs, targets,
counted statuses, filters, period, language…), which this module keeps as opaque JSON.

Two stores (:mod:`kpi.share.stores`) share one interface, :class:`WorkspaceStore`, and
:func:`kpi.share.stores.open_store` picks one:

- **SQLite** (the default): a file ``pilote.sqlite`` in the data folder, for one machine;
- **PostgreSQL**, when ``PILOTE_DATABASE_URL=postgresql://user:password@host:5432/db`` is set:
  one database shared by every replica of a team instance.

Every query names its owner (the signed-in user's id, or :data:`LOCAL_OWNER` without login),
so a user can never list, load, overwrite or delete another user's workspace, even by guessing
its name; the same goes for the mapping memory. SQL is parameterised throughout. The schema is
created on first use and carries a version row for future migrations.

| variable | default | what it sets |
| --- | --- | --- |
| PILOTE_DATABASE_URL | unset | PostgreSQL for a team instance (``postgresql://…``) |
| PILOTE_DATA_DIR | ./data | folder of the SQLite file |
| PILOTE_MAX_WORKSPACE_MB | 500 | largest workspace saved (compressed Parquet + settings) |
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import io
import json
import logging
import math
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kpi import i18n
from kpi.data.dataset import ColumnInfo, Dropped, LoadReport, Table
from kpi.data.roles import columns_signature, normalise_header, validate_mapping
from kpi.errors import PiloteError
from kpi.share.names import checked_name, validate_name

log = logging.getLogger("pilote")

SCHEMA_VERSION = 1
LOCAL_OWNER = "local"
SQLITE_FILE = "pilote.sqlite"
DEFAULT_MAX_WORKSPACE_MB = 500
_CONNECT_TIMEOUT_S = 5
# Key of the PostgreSQL advisory lock taken while creating or migrating the schema, so that
# replicas starting together do not race on CREATE TABLE.
_SCHEMA_LOCK_KEY = 7_432_001


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _max_bytes_from_env() -> int:
    try:
        mb = int(os.environ.get("PILOTE_MAX_WORKSPACE_MB", DEFAULT_MAX_WORKSPACE_MB))
    except ValueError:
        mb = DEFAULT_MAX_WORKSPACE_MB
    return mb * 2**20


# ---------------------------------------------------------------------------------------------
# What is saved


@dataclass
class Workspace:
    """An analysis to save and reopen.

    Attributes
    ----------
    name : str
        What the user calls it (1 to :data:`MAX_NAME_LENGTH` characters).
    owner : str
        The user's id; :data:`LOCAL_OWNER` when the app runs without login.
    tables : list of Table
        The loaded tables with their kind, mapping, confidence and load report.
    settings : dict
        JSON-serialisable analysis settings (objectives, chosen KPIs, targets, filters, period,
        language…). Kept as is; numpy scalars are saved as plain numbers.
    created_at, updated_at : datetime or None
        Set by the store (UTC); ``None`` on a workspace never saved.
    """

    name: str
    owner: str = LOCAL_OWNER
    tables: list[Table] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class WorkspaceSummary:
    """One line of a user's list of saved workspaces."""

    name: str
    owner: str
    tables: tuple[str, ...]
    size_bytes: int
    created_at: dt.datetime
    updated_at: dt.datetime


def _check_owner(owner: object) -> str:
    # The owner comes from the app (login or "local"), not from the user: a bad one is a bug.
    if not isinstance(owner, str) or not owner.strip():
        raise ValueError(f"a workspace owner must be a non-empty string, got {owner!r}")
    return owner


# ---------------------------------------------------------------------------------------------
# Load reports and tables as bytes


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    return str(value)


def _numpy_only(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``data`` that are fields of the dataclass ``cls`` (others are ignored,
    so that a report saved by another version still loads)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def report_to_dict(report: LoadReport) -> dict[str, Any]:
    """A :class:`~kpi.data.loading.LoadReport` as JSON-safe data; :func:`report_from_dict` reverses it.

    Warning parameters that JSON cannot hold (numpy numbers, dates) become numbers and text.
    """
    data = dataclasses.asdict(report)
    return json.loads(json.dumps(data, ensure_ascii=False, default=_json_default))


def report_from_dict(data: dict[str, Any]) -> LoadReport:
    """Rebuild a :class:`~kpi.data.loading.LoadReport` from :func:`report_to_dict`'s output."""
    data = dict(data)
    column_info = {
        str(k): ColumnInfo(**_fields(ColumnInfo, v)) for k, v in data.get("column_info", {}).items()
    }
    dropped = [Dropped(**_fields(Dropped, d)) for d in data.get("dropped", [])]
    warnings = [
        i18n.Message(w["key"], {k: _param(v) for k, v in (w.get("params") or {}).items()})
        for w in data.get("warnings", [])
    ]
    base = _fields(LoadReport, data)
    base.update(column_info=column_info, dropped=dropped, warnings=warnings)
    if isinstance(data.get("source"), dict):
        from kpi.data.sources import SourceReading

        base["source"] = SourceReading.from_dict(data["source"])
    return LoadReport(**base)


def _param(value: Any) -> Any:
    """A message parameter as it was before :func:`dataclasses.asdict` made it a dict: a
    language-dependent :class:`~kpi.i18n.Count`, :class:`~kpi.i18n.Percent`,
    :class:`~kpi.i18n.Text` or :class:`~kpi.i18n.Message`."""
    if not isinstance(value, dict):
        return value
    keys = set(value)
    if keys == {"value"}:
        return i18n.Count(value["value"])
    if keys == {"value", "decimals"}:
        return i18n.Percent(value["value"], value["decimals"])
    if keys == {"fr", "en"}:
        return i18n.Text(value["fr"], value["en"])
    if keys == {"key", "params"}:
        return i18n.Message(value["key"], {k: _param(v) for k, v in value["params"].items()})
    return value


def report_to_json(report: LoadReport) -> str:
    """A load report as a JSON text (see :func:`report_to_dict`)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False)


def report_from_json(text: str) -> LoadReport:
    """A load report from :func:`report_to_json`'s text."""
    return report_from_dict(json.loads(text))


def table_to_parquet(df: pd.DataFrame, name: str = "") -> bytes:
    """A DataFrame as zstd-compressed Parquet bytes, dtypes kept (``str``, dates, floats…).

    Raises
    ------
    PiloteError
        ``workspace.table_unsaveable`` when a column mixes values Parquet cannot store
        together (e.g. numbers and text in one ``object`` column).
    """
    try:
        arrow = pa.Table.from_pandas(df, preserve_index=None)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise PiloteError("workspace.table_unsaveable", table=name, reason=str(exc)[:200]) from exc
    buffer = io.BytesIO()
    pq.write_table(arrow, buffer, compression="zstd")
    return buffer.getvalue()


def table_from_parquet(data: bytes) -> pd.DataFrame:
    """A DataFrame from :func:`table_to_parquet`'s bytes."""
    return pq.read_table(pa.BufferReader(data)).to_pandas()


# ---------------------------------------------------------------------------------------------
# The stores


_DDL = (
    """CREATE TABLE IF NOT EXISTS pilote_schema (
        version INTEGER PRIMARY KEY,
        applied_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS pilote_workspaces (
        id {id},
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        settings TEXT NOT NULL,
        size_bytes BIGINT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (owner, name)
    )""",
    """CREATE TABLE IF NOT EXISTS pilote_tables (
        workspace_id BIGINT NOT NULL REFERENCES pilote_workspaces (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        mapping TEXT NOT NULL,
        confidence TEXT NOT NULL,
        report TEXT,
        data {blob} NOT NULL,
        PRIMARY KEY (workspace_id, position)
    )""",
    """CREATE TABLE IF NOT EXISTS pilote_mappings (
        owner TEXT NOT NULL,
        signature TEXT NOT NULL,
        kind TEXT NOT NULL,
        mapping TEXT NOT NULL,
        columns TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (owner, signature)
    )""",
)
# Migrations from version N-1 to N, in order; version 1 is the DDL above.
_MIGRATIONS: dict[int, tuple[str, ...]] = {}


class WorkspaceStore(ABC):
    """Saved workspaces and remembered mappings, each scoped by owner.

    Use :func:`open_store` rather than the subclasses. A store keeps no open connection: each
    call opens one, runs in a single transaction and closes it, so one store can serve every
    Streamlit session (thread) of a process.

    Parameters
    ----------
    max_bytes : int, optional
        Largest workspace :meth:`save` accepts (compressed tables + settings); default
        ``PILOTE_MAX_WORKSPACE_MB`` (500 MB).
    """

    backend: str = ""

    def __init__(self, max_bytes: int | None = None) -> None:
        self.max_bytes = int(max_bytes) if max_bytes is not None else _max_bytes_from_env()

    # -- what each database provides ------------------------------------------------------

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the data is, safe to show: a file path or a URL without its password."""

    @abstractmethod
    @contextmanager
    def _connection(self, write: bool) -> Iterator[Any]:
        """A DB-API cursor inside one transaction, committed on success."""

    @abstractmethod
    def _unavailable(self, exc: Exception) -> PiloteError | None:
        """The user-facing error for a driver exception, or None when it is a bug."""

    @abstractmethod
    def _ddl_types(self) -> dict[str, str]: ...

    @abstractmethod
    def _schema_exists(self, cur: Any) -> bool: ...

    def _ddl_extra(self) -> tuple[str, ...]:
        """Statements of this database only, run after :data:`_DDL`."""
        return ()

    def _lock_schema(self, cur: Any) -> None:  # noqa: B027  (optional hook)
        """Serialise schema creation between processes (SQLite's write lock already does)."""

    def _sql(self, query: str) -> str:
        return query

    # -- plumbing -------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, write: bool = True) -> Iterator[Any]:
        try:
            with self._connection(write) as cur:
                yield cur
        except PiloteError:
            raise
        except Exception as exc:
            error = self._unavailable(exc)
            if error is None:
                raise
            # Users read a message that names no server, path or database product; which
            # database and why is for the administrator, in the log.
            log.warning(
                "workspace store %s (%s) unavailable: %s",
                self.location,
                self.backend,
                self._detail(exc),
            )
            raise error from exc

    def _detail(self, exc: Exception) -> str:
        """What went wrong, for the log (never a password)."""
        return f"{type(exc).__name__}: {exc}"

    def _run(self, cur: Any, query: str, params: tuple[Any, ...] = ()) -> Any:
        cur.execute(self._sql(query), params)
        return cur

    def ensure_schema(self) -> None:
        """Create the tables on first use, or migrate them; called by :func:`open_store`.

        Raises
        ------
        PiloteError
            ``workspace.db_unavailable`` when the database cannot be reached or written;
            ``workspace.schema_newer`` when a newer Pilote already upgraded it.
        """
        with self._transaction(write=False) as cur:
            if self._schema_exists(cur) and self._version(cur) == SCHEMA_VERSION:
                return
        with self._transaction() as cur:
            self._lock_schema(cur)
            if not self._schema_exists(cur):
                for statement in (*_DDL, *self._ddl_extra()):
                    cur.execute(statement.format(**self._ddl_types()))
            version = self._version(cur)
            if version is None:
                self._run(
                    cur,
                    "INSERT INTO pilote_schema (version, applied_at) VALUES (?, ?)",
                    (SCHEMA_VERSION, _utcnow().isoformat()),
                )
                return
            if version > SCHEMA_VERSION:
                raise PiloteError("workspace.schema_newer", found=version, supported=SCHEMA_VERSION)
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS.get(target, ()):
                    cur.execute(statement.format(**self._ddl_types()))
                self._run(
                    cur,
                    "INSERT INTO pilote_schema (version, applied_at) VALUES (?, ?)",
                    (target, _utcnow().isoformat()),
                )

    def _version(self, cur: Any) -> int | None:
        row = self._run(cur, "SELECT MAX(version) FROM pilote_schema").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def _names(self, cur: Any, owner: str) -> builtins.list[str]:
        rows = self._run(
            cur, "SELECT name FROM pilote_workspaces WHERE owner = ? ORDER BY name", (owner,)
        ).fetchall()
        return [str(r[0]) for r in rows]

    def _find(self, cur: Any, columns: str, owner: str, name: str, typed: object) -> Any:
        """The row of ``owner``'s workspace ``name`` (NFC), or of the name exactly as
        ``typed`` (a workspace saved before names were normalised)."""
        exact = typed.strip() if isinstance(typed, str) else name
        rows = self._run(
            cur,
            f"SELECT {columns}, name FROM pilote_workspaces"
            " WHERE owner = ? AND (name = ? OR name = ?)",
            (owner, name, exact),
        ).fetchall()
        if not rows:
            return None
        return next((r[:-1] for r in rows if r[-1] == exact), rows[0][:-1])

    def _not_found(self, cur: Any, owner: str, name: str) -> PiloteError:
        names = self._names(cur, owner)
        shown = ", ".join(names[:20]) + (", …" if len(names) > 20 else "")
        return PiloteError("workspace.not_found", name=name, available=shown or "—")

    # -- workspaces -----------------------------------------------------------------------

    def save(self, workspace: Workspace) -> Workspace:
        """Save ``workspace`` under its owner and name, replacing a previous save of that name.

        Returns
        -------
        Workspace
            The workspace as saved: stripped name, creation and update times (UTC).

        Raises
        ------
        PiloteError
            ``workspace.bad_name``, ``workspace.too_big`` (over :attr:`max_bytes`),
            ``workspace.table_unsaveable`` or ``workspace.db_unavailable``.
        TypeError
            When ``settings`` is not JSON-serialisable (a bug in the caller).
        """
        name = validate_name(workspace.name)
        owner = _check_owner(workspace.owner)
        try:
            settings = json.dumps(workspace.settings, ensure_ascii=False, default=_numpy_only)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"workspace settings must be JSON-serialisable: {exc}") from exc
        rows = []
        total = len(settings.encode("utf-8"))
        for position, table in enumerate(workspace.tables):
            blob = table_to_parquet(table.df, table.name)
            report = report_to_json(table.report) if table.report is not None else None
            total += len(blob) + len((report or "").encode("utf-8"))
            rows.append(
                (
                    position,
                    table.name,
                    table.kind,
                    json.dumps(dict(table.mapping), ensure_ascii=False),
                    json.dumps(dict(table.confidence), default=_numpy_only),
                    report,
                    blob,
                )
            )
        if total > self.max_bytes:
            raise PiloteError(
                "workspace.too_big",
                name=name,
                size_mb=math.ceil(total / 2**20),
                limit_mb=self.max_bytes // 2**20,
            )
        now = _utcnow().isoformat()
        with self._transaction() as cur:
            self._run(
                cur,
                "INSERT INTO pilote_workspaces"
                " (owner, name, settings, size_bytes, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (owner, name) DO UPDATE SET settings = excluded.settings,"
                " size_bytes = excluded.size_bytes, updated_at = excluded.updated_at",
                (owner, name, settings, total, now, now),
            )
            workspace_id, created = self._run(
                cur,
                "SELECT id, created_at FROM pilote_workspaces WHERE owner = ? AND name = ?",
                (owner, name),
            ).fetchone()
            self._run(cur, "DELETE FROM pilote_tables WHERE workspace_id = ?", (workspace_id,))
            for row in rows:
                self._run(
                    cur,
                    "INSERT INTO pilote_tables (workspace_id, position, name, kind, mapping,"
                    " confidence, report, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (workspace_id, *row),
                )
        return replace(
            workspace,
            name=name,
            created_at=dt.datetime.fromisoformat(str(created)),
            updated_at=dt.datetime.fromisoformat(now),
        )

    def load(self, owner: str, name: str) -> Workspace:
        """The workspace ``name`` of ``owner``.

        Raises
        ------
        PiloteError
            ``workspace.not_found`` (listing the owner's workspaces) when ``owner`` has none by
            that name, whoever else might; ``workspace.bad_name``; ``workspace.corrupt``;
            ``workspace.db_unavailable``.
        """
        typed = name
        name = checked_name(name)
        owner = _check_owner(owner)
        with self._transaction(write=False) as cur:
            found = self._find(
                cur, "id, settings, created_at, updated_at, name", owner, name, typed
            )
            if found is None:
                raise self._not_found(cur, owner, name)
            workspace_id, settings, created, updated, name = found
            rows = self._run(
                cur,
                "SELECT name, kind, mapping, confidence, report, data FROM pilote_tables"
                " WHERE workspace_id = ? ORDER BY position",
                (workspace_id,),
            ).fetchall()
        tables = []
        for table_name, kind, mapping, confidence, report, data in rows:
            try:
                df = table_from_parquet(bytes(data))
                loaded_report = report_from_json(report) if report else None
            except (pa.ArrowException, OSError, ValueError, KeyError, TypeError) as exc:
                raise PiloteError("workspace.corrupt", name=name, table=table_name) from exc
            tables.append(
                Table(
                    name=str(table_name),
                    df=df,
                    kind=str(kind),
                    mapping={str(k): str(v) for k, v in json.loads(mapping).items()},
                    confidence={str(k): float(v) for k, v in json.loads(confidence).items()},
                    report=loaded_report,
                )
            )
        return Workspace(
            name=name,
            owner=owner,
            tables=tables,
            settings=json.loads(settings),
            created_at=dt.datetime.fromisoformat(str(created)),
            updated_at=dt.datetime.fromisoformat(str(updated)),
        )

    def list(self, owner: str) -> builtins.list[WorkspaceSummary]:
        """The saved workspaces of ``owner``, most recently saved first."""
        owner = _check_owner(owner)
        with self._transaction(write=False) as cur:
            rows = self._run(
                cur,
                "SELECT name, size_bytes, created_at, updated_at FROM pilote_workspaces"
                " WHERE owner = ? ORDER BY updated_at DESC, name",
                (owner,),
            ).fetchall()
            table_rows = self._run(
                cur,
                "SELECT w.name, t.name FROM pilote_tables t"
                " JOIN pilote_workspaces w ON w.id = t.workspace_id"
                " WHERE w.owner = ? ORDER BY w.name, t.position",
                (owner,),
            ).fetchall()
        tables: dict[str, builtins.list[str]] = {}
        for workspace_name, table_name in table_rows:
            tables.setdefault(str(workspace_name), []).append(str(table_name))
        return [
            WorkspaceSummary(
                name=str(name),
                owner=owner,
                tables=tuple(tables.get(str(name), [])),
                size_bytes=int(size),
                created_at=dt.datetime.fromisoformat(str(created)),
                updated_at=dt.datetime.fromisoformat(str(updated)),
            )
            for name, size, created, updated in rows
        ]

    def delete(self, owner: str, name: str) -> None:
        """Delete the workspace ``name`` of ``owner``.

        Raises
        ------
        PiloteError
            ``workspace.not_found`` when ``owner`` has no workspace by that name.
        """
        typed = name
        name = checked_name(name)
        owner = _check_owner(owner)
        with self._transaction() as cur:
            found = self._find(cur, "id", owner, name, typed)
            if found is None:
                raise self._not_found(cur, owner, name)
            # Explicit, so that it does not depend on SQLite's foreign_keys pragma.
            self._run(cur, "DELETE FROM pilote_tables WHERE workspace_id = ?", (found[0],))
            self._run(
                cur,
                "DELETE FROM pilote_workspaces WHERE id = ? AND owner = ?",
                (found[0], owner),
            )

    # -- mapping memory -------------------------------------------------------------------

    def save_mapping(
        self, owner: str, columns: builtins.list[str], kind: str, mapping: dict[str, str]
    ) -> str:
        """Remember ``owner``'s confirmed mapping for tables with these columns.

        Returns
        -------
        str
            The columns' signature (:func:`kpi.data.roles.columns_signature`).
        """
        owner = _check_owner(owner)
        columns = [str(c) for c in columns]
        signature = columns_signature(columns)
        now = _utcnow().isoformat()
        with self._transaction() as cur:
            self._run(
                cur,
                "INSERT INTO pilote_mappings (owner, signature, kind, mapping, columns, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (owner, signature) DO UPDATE SET kind = excluded.kind,"
                " mapping = excluded.mapping, columns = excluded.columns,"
                " updated_at = excluded.updated_at",
                (
                    owner,
                    signature,
                    kind,
                    json.dumps(dict(mapping), ensure_ascii=False),
                    json.dumps(columns, ensure_ascii=False),
                    now,
                ),
            )
        return signature

    def find_mapping(
        self, owner: str, columns: builtins.list[str]
    ) -> tuple[str, dict[str, str]] | None:
        """``owner``'s saved ``(kind, mapping)`` for a table with these columns, or None.

        The columns may come in another order or case than when the mapping was saved (the
        signature ignores both); the mapping returned names this table's own columns.
        """
        owner = _check_owner(owner)
        columns = [str(c) for c in columns]
        with self._transaction(write=False) as cur:
            row = self._run(
                cur,
                "SELECT kind, mapping FROM pilote_mappings WHERE owner = ? AND signature = ?",
                (owner, columns_signature(columns)),
            ).fetchone()
        if row is None:
            return None
        by_norm = {normalise_header(c): c for c in columns}
        mapping = {}
        for role, column in json.loads(row[1]).items():
            here = column if column in columns else by_norm.get(normalise_header(column))
            if here is not None:
                mapping[str(role)] = here
        return str(row[0]), mapping


def apply_saved_mapping(store: WorkspaceStore, owner: str, table: Table) -> tuple[Table, bool]:
    """``table`` with ``owner``'s saved mapping for its columns, when there is one that fits.

    Returns
    -------
    (Table, bool)
        The table (with the saved mapping and kind, or unchanged) and whether a saved mapping
        was applied. A saved mapping whose columns no longer hold the right kind of values
        (:func:`kpi.data.roles.validate_mapping` fails) is not applied.
    """
    found = store.find_mapping(owner, [str(c) for c in table.df.columns])
    if found is None:
        return table, False
    kind, mapping = found
    try:
        validate_mapping(table.df, mapping)
    except PiloteError:
        return table, False
    return table.with_mapping(mapping, kind=kind), True


i18n.add_messages(
    {
        "workspace.not_found": {
            "fr": "Aucun espace de travail enregistré ne s'appelle « {name} ». Vos espaces de travail : {available}.",
            "en": "No saved workspace is called '{name}'. Your workspaces: {available}.",
        },
        "workspace.db_unavailable": {
            "fr": "La base des espaces de travail est indisponible pour le moment ({reason}). Les tableaux chargés dans cette session ne sont pas touchés. Réessayez dans un instant ; si cela dure, prévenez l'administrateur : le journal du serveur dit quelle base et pourquoi.",
            "en": "The workspace database is not available right now ({reason}). The tables loaded in this session are not affected. Try again in a moment; if it lasts, tell the administrator: the server's log says which database and why.",
        },
        "workspace.reason.unreachable": {
            "fr": "le serveur de la base ne répond pas",
            "en": "the database server does not answer",
        },
        "workspace.reason.login": {
            "fr": "la base a refusé la connexion : identifiant ou mot de passe",
            "en": "the database refused the login: user name or password",
        },
        "workspace.reason.permission": {
            "fr": "droits insuffisants sur la base",
            "en": "not enough rights on the database",
        },
        "workspace.reason.no_database": {
            "fr": "la base indiquée n'existe pas",
            "en": "the database named does not exist",
        },
        "workspace.reason.read_only": {
            "fr": "la base est en lecture seule",
            "en": "the database is read-only",
        },
        "workspace.reason.full": {
            "fr": "le disque de la base est plein",
            "en": "the database's disk is full",
        },
        "workspace.reason.damaged": {
            "fr": "le fichier de la base est endommagé",
            "en": "the database file is damaged",
        },
        "workspace.reason.busy": {
            "fr": "la base est occupée par un autre enregistrement",
            "en": "the database is busy with another save",
        },
        "workspace.reason.cannot_open": {
            "fr": "le fichier de la base ne peut être ni ouvert ni créé",
            "en": "the database file can be neither opened nor created",
        },
        "workspace.reason.missing_driver": {
            "fr": "le pilote de la base n'est pas installé sur le serveur",
            "en": "the database driver is not installed on the server",
        },
        "workspace.reason.other": {
            "fr": "erreur inattendue de la base",
            "en": "unexpected database error",
        },
        "workspace.bad_url": {
            "fr": "PILOTE_DATABASE_URL n'est pas une adresse de base utilisable ({problem}). Forme attendue : postgresql://utilisateur:motdepasse@hôte:5432/base.",
            "en": "PILOTE_DATABASE_URL is not a usable database address ({problem}). Expected form: postgresql://user:password@host:5432/database.",
        },
        "workspace.too_big": {
            "fr": "L'espace de travail « {name} » pèse {size_mb} Mo une fois compressé, au-delà de la limite de {limit_mb} Mo. Retirez des tables ou chargez une période plus courte avant d'enregistrer.",
            "en": "Workspace '{name}' is {size_mb} MB compressed, over the {limit_mb} MB limit. Remove tables or load a shorter period before saving.",
        },
        "workspace.table_unsaveable": {
            "fr": "La table « {table} » ne peut pas être enregistrée : {reason}.",
            "en": "Table '{table}' cannot be saved: {reason}.",
        },
        "workspace.corrupt": {
            "fr": "La table « {table} » de l'espace de travail « {name} » est illisible dans la base. Chargez à nouveau le fichier et enregistrez l'espace de travail.",
            "en": "Table '{table}' of workspace '{name}' cannot be read from the database. Load the file again and save the workspace.",
        },
        "workspace.schema_newer": {
            "fr": "La base des espaces de travail a été mise à jour par une version plus récente de Pilote (schéma {found}, cette version connaît le schéma {supported}). Administrateur : mettez à jour Pilote sur toutes les instances.",
            "en": "The workspace database was upgraded by a newer Pilote (schema {found}; this version knows schema {supported}). Administrator: upgrade Pilote on every instance.",
        },
    }
)
