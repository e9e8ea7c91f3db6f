"""Saved workspaces on SQLite and on a real PostgreSQL server.

The PostgreSQL half runs when PILOTE_TEST_DATABASE_URL is set (``make test`` starts a
throwaway server with ``scripts/start_postgres.sh`` and exports it). Without it the PostgreSQL
tests skip, except with CI=true, where they fail: CI must prove both stores work.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd
import pytest

from kpi import i18n
from kpi.data import ColumnInfo, Dropped, LoadReport, Table, columns_signature, load_table
from kpi.errors import PiloteError
from kpi.share import (
    LOCAL_OWNER,
    MAX_NAME_LENGTH,
    PostgresStore,
    SQLiteStore,
    Workspace,
    WorkspaceStore,
    apply_saved_mapping,
    open_store,
    validate_name,
)
from kpi.share.workspace import SCHEMA_VERSION, report_from_json, report_to_json
from tests.conftest import french_export

PG_ENV = "PILOTE_TEST_DATABASE_URL"
IN_CI = os.environ.get("CI") == "true"


# ---------------------------------------------------------------------------------------------
# Fixtures: one store per backend, each test in an empty database (a fresh PostgreSQL schema)


def _pg_url_or_skip() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if url:
        return url
    message = (
        f"{PG_ENV} is not set: start a server with `bash scripts/start_postgres.sh` and export "
        "the URL it prints (`make test` does both)"
    )
    if IN_CI:
        pytest.fail(f"PostgreSQL tests are required when CI=true. {message}")
    pytest.skip(message)


def _with_search_path(url: str, schema: str) -> str:
    parts = urlsplit(url)
    option = f"options=-csearch_path%3D{schema}"
    query = f"{parts.query}&{option}" if parts.query else option
    return urlunsplit(parts._replace(query=query))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL whose tables land in a schema of their own, dropped after the test."""
    import psycopg

    base = _pg_url_or_skip()
    schema = f"pilote_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_search_path(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> WorkspaceStore:
    monkeypatch.delenv("PILOTE_DATABASE_URL", raising=False)
    if request.param == "sqlite":
        return open_store(data_dir=tmp_path)
    return open_store(request.getfixturevalue("pg_url"))


def test_postgresql_is_tested_in_ci() -> None:
    configured = bool(os.environ.get(PG_ENV, "").strip())
    if IN_CI and not configured:
        pytest.fail(f"CI=true requires {PG_ENV} (make test sets it with scripts/start_postgres.sh)")


# ---------------------------------------------------------------------------------------------
# Data to save


def mixed_frame() -> pd.DataFrame:
    """Dates (with a missing one), numbers (with NaN), strings (with a missing one)."""
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    return pd.DataFrame(
        {
            "Date": pd.to_datetime(["2024-01-31", None, "2024-03-15", "2024-12-01"]).as_unit("us"),
            "Montant HT": [1234.5, np.nan, -12.25, 0.0],
            "Client": pd.array(["Société Générale", None, "Zoé & Cie", "北京"], dtype=text),
            "Statut": pd.array(["Livrée", "Annulée", "Livrée", "En cours"], dtype=text),
        }
    )


def report() -> LoadReport:
    r = LoadReport(
        "ventes.csv",
        "csv",
        2048,
        encoding="cp1252",
        delimiter=";",
        decimal=",",
        thousands="space",
        header_row=4,
        rows=4,
        columns=["Date", "Montant HT", "Client", "Statut"],
        currency="EUR",
        date_order="dmy",
        seconds=0.125,
    )
    r.column_info["Date"] = ColumnInfo("date", "%d/%m/%Y", 1, ["32/01/2024"])
    r.column_info["Montant HT"] = ColumnInfo("number", "decimal ','", percent=False)
    r.drop(2, "title", [1, 2])
    r.drop(1, "total", [9])
    r.warn("load.warn.unparseable", column="Date", n=np.int64(1), kind="date")
    r.warn("load.warn.no_header")
    return r


def sample_workspace(owner: str = LOCAL_OWNER, name: str = "Mars 2024") -> Workspace:
    orders = Table(
        name="ventes.csv",
        df=mixed_frame(),
        kind="orders",
        mapping={"date": "Date", "amount": "Montant HT", "customer_id": "Client"},
        confidence={"date": 1.0, "amount": 0.85, "customer_id": 0.7},
        report=report(),
    )
    bare = Table(name="objectifs", df=pd.DataFrame({"Rep": ["A", "B"], "Target": [1.0, 2.5]}))
    settings = {
        "objectives": ["grow_revenue", "team"],
        "kpis": ["revenue", "orders", "aov"],
        "targets": {"revenue": 125000.0, "aov": np.float64(99.5)},
        "counted_statuses": ["Livrée"],
        "filters": {"region": ["Île-de-France"]},
        "period": {"start": "2024-01-01", "end": "2024-03-31", "grain": "month"},
        "lang": "fr",
    }
    return Workspace(name=name, owner=owner, tables=[orders, bare], settings=settings)


# ---------------------------------------------------------------------------------------------
# Round trips


def test_save_and_load_round_trip(store: WorkspaceStore) -> None:
    ws = sample_workspace()
    saved = store.save(ws)
    assert saved.created_at is not None and saved.created_at.tzinfo is not None
    assert saved.updated_at == saved.created_at

    back = store.load(LOCAL_OWNER, "Mars 2024")
    assert back.name == "Mars 2024" and back.owner == LOCAL_OWNER
    assert back.created_at == saved.created_at
    assert [t.name for t in back.tables] == ["ventes.csv", "objectifs"]
    for original, loaded in zip(ws.tables, back.tables, strict=True):
        pd.testing.assert_frame_equal(loaded.df, original.df)
        assert loaded.kind == original.kind
        assert loaded.mapping == original.mapping
        assert loaded.confidence == original.confidence
    orders = back.tables[0]
    assert str(orders.df["Client"].dtype) == "str"
    assert orders.df["Date"].dtype == "datetime64[us]"
    assert pd.isna(orders.df.loc[1, "Date"]) and pd.isna(orders.df.loc[1, "Montant HT"])
    assert pd.isna(orders.df.loc[1, "Client"])
    assert orders.report == ws.tables[0].report
    assert back.tables[1].report is None
    assert back.settings == {**ws.settings, "targets": {"revenue": 125000.0, "aov": 99.5}}
    # The caller's frames are left alone.
    pd.testing.assert_frame_equal(ws.tables[0].df, mixed_frame())


def test_real_french_export_round_trip(store: WorkspaceStore) -> None:
    table = load_table(french_export(), "ventes.csv")
    store.save(Workspace("Export", tables=[table]))
    back = store.load(LOCAL_OWNER, "Export").tables[0]
    pd.testing.assert_frame_equal(back.df, table.df)
    assert back.report == table.report
    assert back.report is not None and back.report.to_dict("fr") == table.report.to_dict("fr")
    assert (back.kind, back.mapping) == (table.kind, table.mapping)


def test_saving_again_replaces_and_keeps_creation_time(store: WorkspaceStore) -> None:
    first = store.save(sample_workspace())
    ws = sample_workspace()
    ws.tables = ws.tables[:1]
    ws.settings = {"lang": "en"}
    second = store.save(ws)
    assert second.created_at == first.created_at
    assert second.updated_at is not None and second.updated_at >= first.updated_at
    back = store.load(LOCAL_OWNER, "Mars 2024")
    assert [t.name for t in back.tables] == ["ventes.csv"]
    assert back.settings == {"lang": "en"}
    assert [s.name for s in store.list(LOCAL_OWNER)] == ["Mars 2024"]


def test_list_and_delete(store: WorkspaceStore) -> None:
    assert store.list(LOCAL_OWNER) == []
    store.save(sample_workspace(name="Janvier"))
    store.save(Workspace("Février", settings={"x": 1}))
    summaries = store.list(LOCAL_OWNER)
    assert [s.name for s in summaries] == ["Février", "Janvier"]  # most recent first
    janvier = summaries[1]
    assert janvier.tables == ("ventes.csv", "objectifs")
    assert janvier.size_bytes > 0 and janvier.owner == LOCAL_OWNER
    assert isinstance(janvier.updated_at, dt.datetime)
    assert summaries[0].tables == ()

    store.delete(LOCAL_OWNER, "Janvier")
    assert [s.name for s in store.list(LOCAL_OWNER)] == ["Février"]
    with pytest.raises(PiloteError) as info:
        store.load(LOCAL_OWNER, "Janvier")
    assert info.value.key == "workspace.not_found"
    with pytest.raises(PiloteError) as info:
        store.delete(LOCAL_OWNER, "Janvier")
    assert info.value.key == "workspace.not_found"


def test_names_are_trimmed_and_quotes_are_data(store: WorkspaceStore) -> None:
    tricky = "Q1'); DROP TABLE pilote_workspaces; --"
    store.save(Workspace(f"  {tricky}  ", settings={"a": 1}))
    assert store.load(LOCAL_OWNER, tricky).settings == {"a": 1}
    assert store.load(LOCAL_OWNER, f" {tricky}").name == tricky
    assert [s.name for s in store.list(LOCAL_OWNER)] == [tricky]


# ---------------------------------------------------------------------------------------------
# Owners never see each other's data (a signed-in user's id is the owner)


def test_two_owners_never_see_each_other(store: WorkspaceStore) -> None:
    alice, bob = "https://idp.example|alice", "https://idp.example|bob"
    store.save(sample_workspace(owner=alice, name="Q1"))
    store.save(Workspace("Q1", owner=bob, settings={"who": "bob"}))
    store.save(Workspace("Alice only", owner=alice, settings={"secret": True}))

    assert store.load(bob, "Q1").settings == {"who": "bob"}
    assert len(store.load(alice, "Q1").tables) == 2
    assert [s.name for s in store.list(bob)] == ["Q1"]
    assert {s.name for s in store.list(alice)} == {"Q1", "Alice only"}
    assert store.list("' OR '1'='1") == []

    with pytest.raises(PiloteError) as info:
        store.load(bob, "Alice only")  # guessing the name is not enough
    assert info.value.key == "workspace.not_found"
    assert "Alice only" not in info.value.message("en").split("Your workspaces")[1]
    assert info.value.params["available"] == "Q1"

    with pytest.raises(PiloteError):
        store.delete(bob, "Alice only")
    store.delete(bob, "Q1")
    assert store.load(alice, "Q1").tables  # Alice's Q1 is still there
    assert store.list(bob) == []

    store.save_mapping(alice, ["Date", "Montant"], "orders", {"date": "Date"})
    assert store.find_mapping(bob, ["Date", "Montant"]) is None
    assert store.find_mapping(alice, ["Date", "Montant"]) == ("orders", {"date": "Date"})


# ---------------------------------------------------------------------------------------------
# Mapping memory


def test_mapping_reapplied_to_same_columns_in_another_order_and_case(
    store: WorkspaceStore,
) -> None:
    columns = ["N° commande", "Date de commande", "Client", "Montant HT"]
    mapping = {"order_id": "N° commande", "date": "Date de commande", "amount": "Montant HT"}
    signature = store.save_mapping(LOCAL_OWNER, columns, "orders", mapping)
    assert signature == columns_signature(columns)

    next_month = ["MONTANT HT", "client", "date de commande", "N° Commande"]
    kind, found = store.find_mapping(LOCAL_OWNER, next_month)
    assert kind == "orders"
    assert found == {
        "order_id": "N° Commande",
        "date": "date de commande",
        "amount": "MONTANT HT",
    }
    assert store.find_mapping(LOCAL_OWNER, [*columns, "Remise"]) is None

    # Saving again for the same columns replaces the mapping.
    store.save_mapping(LOCAL_OWNER, next_month, "deals", {"amount": "MONTANT HT"})
    assert store.find_mapping(LOCAL_OWNER, columns) == ("deals", {"amount": "Montant HT"})


def test_apply_saved_mapping_to_a_new_export(store: WorkspaceStore) -> None:
    table = load_table(french_export(), "mars.csv")
    chosen = {"date": "Date de commande", "amount": "Montant HT", "rep": "Client"}
    store.save_mapping(LOCAL_OWNER, list(table.df.columns), "orders", chosen)

    renamed = table.df.rename(columns=str.upper)[list(reversed(table.df.columns.str.upper()))]
    april = Table("avril.csv", renamed, kind="other", mapping={})
    applied, done = apply_saved_mapping(store, LOCAL_OWNER, april)
    assert done and applied.kind == "orders"
    assert applied.mapping == {"date": "DATE DE COMMANDE", "amount": "MONTANT HT", "rep": "CLIENT"}

    other, done = apply_saved_mapping(store, "someone else", april)
    assert not done and other is april


def test_saved_mapping_that_no_longer_fits_is_not_applied(store: WorkspaceStore) -> None:
    df = pd.DataFrame({"Date": ["x", "y"], "Montant": ["a", "b"]})
    store.save_mapping(LOCAL_OWNER, ["Date", "Montant"], "orders", {"amount": "Montant"})
    table = Table("t", df)
    same, done = apply_saved_mapping(store, LOCAL_OWNER, table)
    assert not done and same is table


# ---------------------------------------------------------------------------------------------
# Errors a user or an administrator can act on


@pytest.mark.parametrize("name", ["", "   ", "x" * (MAX_NAME_LENGTH + 1), "deux\nlignes", None])
def test_bad_names(store: WorkspaceStore, name: object) -> None:
    for call in (
        lambda: store.save(Workspace(name, settings={})),  # type: ignore[arg-type]
        lambda: store.load(LOCAL_OWNER, name),  # type: ignore[arg-type]
        lambda: store.delete(LOCAL_OWNER, name),  # type: ignore[arg-type]
    ):
        with pytest.raises(PiloteError) as info:
            call()
        assert info.value.key == "workspace.bad_name"
        assert str(MAX_NAME_LENGTH) in info.value.message("fr")
    assert store.list(LOCAL_OWNER) == []


def test_good_names() -> None:
    assert validate_name("x" * MAX_NAME_LENGTH) == "x" * MAX_NAME_LENGTH
    assert validate_name(" Bilan T1 — équipe Sud 👩‍💼 ") == "Bilan T1 — équipe Sud 👩‍💼"


def test_names_are_saved_in_one_unicode_form(store: WorkspaceStore) -> None:
    composed, decomposed = "Équipe été", "E\u0301quipe e\u0301te\u0301"
    assert composed != decomposed and validate_name(decomposed) == composed
    store.save(Workspace(decomposed, settings={"n": 1}))
    store.save(Workspace(composed, settings={"n": 2}))  # the same name: replaced, not added
    assert [w.name for w in store.list(LOCAL_OWNER)] == [composed]
    assert store.load(LOCAL_OWNER, decomposed).settings == {"n": 2}
    store.delete(LOCAL_OWNER, decomposed)
    assert store.list(LOCAL_OWNER) == []


@pytest.mark.parametrize(
    ("name", "shown", "chars"),
    [
        ("Client\u200bA", "Client<U+200B>A", "U+200B"),  # zero-width space
        ("\u2060Bilan", "<U+2060>Bilan", "U+2060"),  # word joiner
        ("Budget\u202etxt.exe", "Budget<U+202E>txt.exe", "U+202E"),  # right-to-left override
        ("a\u2066b\u2069", "a<U+2066>b<U+2069>", "U+2066, U+2069"),  # bidi isolates
        ("Nord\u00adEst", "Nord<U+00AD>Est", "U+00AD"),  # soft hyphen
        ("Ventes\u3164", "Ventes<U+3164>", "U+3164"),  # Hangul filler
        ("a\u200db", "a<U+200D>b", "U+200D"),  # a joiner between letters
    ],
)
def test_invisible_and_direction_characters_are_refused(
    store: WorkspaceStore, name: str, shown: str, chars: str
) -> None:
    with pytest.raises(PiloteError) as info:
        store.save(Workspace(name, settings={}))
    assert (info.value.key, info.value.params) == (
        "workspace.invisible_name",
        {"name": shown, "chars": chars},
    )
    for lang in ("fr", "en"):
        text = info.value.message(lang)
        assert shown in text and not any(ch in text for ch in "\u200b\u2060\u202e\u2066")
    assert store.list(LOCAL_OWNER) == []


def test_a_name_saved_before_the_check_still_opens_and_deletes(store: WorkspaceStore) -> None:
    old = "Client\u200bA"
    with store._transaction() as cur:  # as an earlier version saved it
        now = "2024-01-01T00:00:00+00:00"
        store._run(
            cur,
            "INSERT INTO pilote_workspaces (owner, name, settings, size_bytes, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (LOCAL_OWNER, old, "{}", 2, now, now),
        )
    assert store.load(LOCAL_OWNER, old).name == old
    store.delete(LOCAL_OWNER, old)
    assert store.list(LOCAL_OWNER) == []


def test_missing_workspace_lists_what_there_is(store: WorkspaceStore) -> None:
    with pytest.raises(PiloteError) as info:
        store.load(LOCAL_OWNER, "Nulle part")
    assert info.value.key == "workspace.not_found"
    assert info.value.params == {"name": "Nulle part", "available": "—"}
    store.save(Workspace("Mars", settings={}))
    with pytest.raises(PiloteError) as info:
        store.load(LOCAL_OWNER, "Avril")
    assert "Vos espaces de travail : Mars." in info.value.message("fr")
    assert "Avril" in info.value.message("en")


def test_workspace_over_the_size_limit_is_refused(store: WorkspaceStore) -> None:
    store.max_bytes = 2_000
    big = pd.DataFrame({"x": np.random.default_rng(0).normal(size=5_000)})
    with pytest.raises(PiloteError) as info:
        store.save(Workspace("Gros", tables=[Table("big", big)]))
    assert info.value.key == "workspace.too_big"
    assert info.value.params["size_mb"] >= 1 and info.value.params["limit_mb"] == 0
    assert "Mo" in info.value.message("fr") and "MB" in info.value.message("en")
    assert store.list(LOCAL_OWNER) == []


def test_size_limit_from_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("PILOTE_DATABASE_URL", raising=False)
    monkeypatch.setenv("PILOTE_MAX_WORKSPACE_MB", "7")
    assert open_store(data_dir=tmp_path).max_bytes == 7 * 2**20
    monkeypatch.delenv("PILOTE_MAX_WORKSPACE_MB")
    assert open_store(data_dir=tmp_path).max_bytes == 500 * 2**20
    assert open_store(data_dir=tmp_path, max_bytes=10).max_bytes == 10


def test_settings_must_be_json(store: WorkspaceStore) -> None:
    with pytest.raises(TypeError, match="JSON"):
        store.save(Workspace("x", settings={"when": dt.date(2024, 1, 1)}))


def test_unreachable_postgresql_says_why_and_logs_where_without_the_password(caplog) -> None:
    url = "postgresql://pilote:S3cr3t-pw@127.0.0.1:1/pilote"
    with caplog.at_level("WARNING", logger="pilote"), pytest.raises(PiloteError) as info:
        open_store(url)
    error = info.value
    assert error.key == "workspace.db_unavailable"
    assert error.message("en").startswith(
        "The workspace database is not available right now (the database server does not answer)"
    )
    for lang in ("fr", "en"):
        text = error.message(lang)
        # users read no server address, database product or password; the log has them
        assert not any(s in text for s in ("S3cr3t-pw", "127.0.0.1", "PostgreSQL", "postgres"))
    assert "S3cr3t-pw" not in repr(error.params) and "S3cr3t-pw" not in str(error)
    logged = caplog.text
    assert "postgresql://pilote@127.0.0.1:1/pilote" in logged and "S3cr3t-pw" not in logged


@pytest.mark.parametrize(
    "url",
    ["mysql://u:p@localhost/db", "localhost:5432", "postgresql://u:pw@host:notaport/db"],
)
def test_malformed_database_url(url: str) -> None:
    with pytest.raises(PiloteError) as info:
        open_store(url)
    assert info.value.key == "workspace.bad_url"
    assert "pw" not in str(info.value.params)


def test_database_url_from_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PILOTE_DATABASE_URL", "postgresql://u:pw@127.0.0.1:1/db")
    with pytest.raises(PiloteError) as info:
        open_store(data_dir=tmp_path)  # the URL wins over the data folder
    assert info.value.key == "workspace.db_unavailable"
    assert not (tmp_path / "pilote.sqlite").exists()

    monkeypatch.setenv("PILOTE_DATABASE_URL", f"sqlite:///{tmp_path / 'team.sqlite'}")
    assert isinstance(open_store(), SQLiteStore)
    assert (tmp_path / "team.sqlite").exists()


def test_default_sqlite_file_in_data_dir(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("PILOTE_DATABASE_URL", raising=False)
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path / "donnees"))
    store = open_store()
    assert isinstance(store, SQLiteStore)
    assert store.location == str(tmp_path / "donnees" / "pilote.sqlite")
    store.save(Workspace("a", settings={}))
    assert (tmp_path / "donnees" / "pilote.sqlite").exists()


def test_corrupt_sqlite_file(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("PILOTE_DATABASE_URL", raising=False)
    (tmp_path / "pilote.sqlite").write_bytes(b"this is not a database, just text " * 100)
    with pytest.raises(PiloteError) as info:
        open_store(data_dir=tmp_path)
    assert info.value.key == "workspace.db_unavailable"
    for lang in ("fr", "en"):  # no server path, and no other database's name
        text = info.value.message(lang)
        assert "pilote.sqlite" not in text and str(tmp_path) not in text
        assert "PostgreSQL" not in text and "PILOTE_DATABASE_URL" not in text
    assert "(the database file is damaged)" in info.value.message("en")


def test_data_dir_that_cannot_be_created(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("PILOTE_DATABASE_URL", raising=False)
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(PiloteError) as info:
        open_store(data_dir=tmp_path / "file" / "data")
    assert info.value.key == "workspace.db_unavailable"


def test_corrupt_table_data(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("PILOTE_DATABASE_URL", raising=False)
    store = open_store(data_dir=tmp_path)
    store.save(sample_workspace())
    with sqlite3.connect(tmp_path / "pilote.sqlite") as conn:
        conn.execute("UPDATE pilote_tables SET data = ?", (b"PAR1 garbage",))
    with pytest.raises(PiloteError) as info:
        store.load(LOCAL_OWNER, "Mars 2024")
    assert info.value.key == "workspace.corrupt"


# ---------------------------------------------------------------------------------------------
# Schema and versions


def _schema_versions(store: WorkspaceStore) -> list[int]:
    with store._transaction(write=False) as cur:
        return [int(r[0]) for r in store._run(cur, "SELECT version FROM pilote_schema").fetchall()]


def test_schema_created_once_with_a_version_row(store: WorkspaceStore) -> None:
    assert _schema_versions(store) == [SCHEMA_VERSION]
    store.ensure_schema()
    store.ensure_schema()
    assert _schema_versions(store) == [SCHEMA_VERSION]


def test_database_from_a_newer_pilote_is_refused(store: WorkspaceStore) -> None:
    with store._transaction() as cur:
        store._run(
            cur,
            "INSERT INTO pilote_schema (version, applied_at) VALUES (?, ?)",
            (SCHEMA_VERSION + 1, "2099-01-01T00:00:00+00:00"),
        )
    with pytest.raises(PiloteError) as info:
        store.ensure_schema()
    assert info.value.key == "workspace.schema_newer"


# ---------------------------------------------------------------------------------------------
# PostgreSQL only


def test_postgresql_wrong_password_is_not_shown(pg_url: str) -> None:
    parts = urlsplit(pg_url)
    wrong = "Wr0ng-P4ss"
    netloc = f"{parts.username}:{wrong}@{parts.hostname}:{parts.port}"
    with pytest.raises(PiloteError) as info:
        open_store(urlunsplit(parts._replace(netloc=netloc)))
    assert info.value.key == "workspace.db_unavailable"
    assert wrong not in info.value.message("fr") and wrong not in info.value.message("en")
    assert "refused the login: user name or password" in info.value.message("en")


def test_postgresql_replicas_start_together(pg_url: str) -> None:
    """Several processes creating the schema at once (replicas starting) do not collide."""
    errors: list[BaseException] = []

    def start() -> None:
        try:
            open_store(pg_url)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _schema_versions(PostgresStore(pg_url)) == [SCHEMA_VERSION]


def test_store_chosen_by_url(pg_url: str, tmp_path) -> None:
    store = open_store(pg_url, data_dir=tmp_path)
    assert isinstance(store, PostgresStore)
    assert not (tmp_path / "pilote.sqlite").exists()
    password = urlsplit(pg_url).password
    assert password and password not in store.location
    assert store.location.startswith("postgresql://pilote@127.0.0.1:")


# ---------------------------------------------------------------------------------------------
# Load report as JSON


def test_load_report_json_round_trip() -> None:
    r = report()
    back = report_from_json(report_to_json(r))
    assert back == r
    assert isinstance(back.column_info["Date"], ColumnInfo)
    assert isinstance(back.dropped[0], Dropped)
    assert back.warnings[0].text("fr") == r.warnings[0].text("fr")
    assert back.to_dict("en") == r.to_dict("en")


def test_language_dependent_warning_parameters_survive_a_save() -> None:
    r = load_table(
        "Date;Région;Montant\n2024-01-02;Nord\x0bEst;abc\n".encode()
        + b"".join(b"2024-%02d-%02d;Sud;%d,5\n" % (1 + d // 28, 1 + d % 28, d) for d in range(80)),
        "ventes.csv",
    ).report
    keys = {w.key for w in r.warnings}
    assert {"load.warn.control_chars", "load.warn.unparseable"} <= keys
    back = report_from_json(report_to_json(r))
    for lang in ("fr", "en"):
        assert [w.text(lang) for w in back.warnings] == [w.text(lang) for w in r.warnings]
    text = next(w for w in back.warnings if w.key == "load.warn.unparseable").text("fr")
    assert "illisible(s) comme nombre" in text


def test_load_report_json_tolerates_other_versions() -> None:
    text = '{"file_name": "a.csv", "file_type": "csv", "size_bytes": 3, "someday": 1}'
    back = report_from_json(text)
    assert (back.file_name, back.rows, back.warnings) == ("a.csv", 0, [])


def test_messages_in_both_languages() -> None:
    keys = [k for k in i18n.messages() if k.startswith("workspace.")]
    assert len(keys) >= 6
    for key in keys:
        texts = i18n.messages()[key]
        assert texts["fr"] != texts["en"]
