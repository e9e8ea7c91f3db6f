"""The Share page through AppTest: reports to download, workspaces saved and reopened in a new
session, and each signed-in user seeing only their own workspaces."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from kpi.share import LOCAL_OWNER, open_store
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
SHARE = "pages/share.py"
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-secret",
        "client_id": "pilote",
        "client_secret": "x",
        "server_metadata_url": "https://idp.invalid/.well-known/openid-configuration",
    }
}


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PILOTE_DATABASE_URL", raising=False)
    return tmp_path


def _session(
    user: dict | None = None, secrets: dict | None = None, sample: bool = False
) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if user is not None:
        at.user = user
    if secrets is not None:
        at.secrets.update(secrets)
    at.run()
    assert not at.exception
    if sample:
        next(b for b in at.button if b.key == "home_sample").click().run()
        assert not at.exception
    at.switch_page(SHARE).run()
    assert not at.exception, at.exception
    return at


def _button(at: AppTest, key: str):  # noqa: ANN202
    return next(b for b in at.button if b.key == key)


def _save(at: AppTest, name: str) -> None:
    at.text_input(key="share_name").input(name)
    next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert not at.exception


def _made(at: AppTest) -> dict[str, object]:
    """The report and its files the page made last (from the session cache)."""
    store = at.session_state["_pilote_cache"]
    return [value for key, value in store.items() if key[0] == "share_report"][-1]


def _downloads(at: AppTest) -> dict[str, object]:
    return {d.key: d for d in at.get("download_button")}


def test_reports_are_ready_to_download(data_dir: Path) -> None:
    at = _session(sample=True)
    assert at.title[0].value == "Partager"
    assert set(_downloads(at)) == {"share_dl_xlsx", "share_dl_html", "share_dl_csv"}
    made = _made(at)
    report = made["report"]
    assert report.period.key == "2025-12" and len(report.rows) == 10
    assert any("décembre 2025" in m.value and "10 indicateur(s)" in m.value for m in at.markdown)
    wb = openpyxl.load_workbook(io.BytesIO(made["xlsx"]))
    assert wb.sheetnames[0] == "Tableau de bord"
    assert made["html"].startswith(b"<!DOCTYPE html>")
    # a title typed by the user goes into a new report; the same settings reuse the cached one
    at.text_input(key="share_title").input("Revue mensuelle").run()
    assert _made(at)["report"].title == "Revue mensuelle"
    before = _made(at)
    at.run()
    assert _made(at) is before
    # English
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Share"
    assert _made(at)["report"].rows[0].kpi.label("en") in (
        _made(at)["report"].scorecard_frame()["KPI"].tolist()
    )


def test_report_follows_the_dashboard_choices(data_dir: Path) -> None:
    at = _session(sample=True)
    a = at.session_state["analysis"]
    a.kpis = ["revenue", "orders"]
    a.targets = {"revenue": 5_000_000.0}
    a.granularity, a.period = "quarter", "2025-Q3"
    at.run()
    report = _made(at)["report"]
    assert [r.kpi.id for r in report.rows] == ["revenue", "orders"]
    assert report.period.key == "2025-Q3" and report.rows[0].target == 5_000_000
    assert report.rows[0].status == "off_target"


def test_without_data_the_page_explains_and_cannot_save(data_dir: Path) -> None:
    at = _session()
    assert any("Aucune donnée chargée" in i.value for i in at.info)
    assert not _downloads(at)
    assert next(b for b in at.button if b.label == "Enregistrer").disabled
    assert any("Aucun espace de travail" in c.value for c in at.caption)


def test_save_then_reopen_in_a_new_session(data_dir: Path) -> None:
    at = _session(sample=True)
    a = at.session_state["analysis"]
    a.objectives = ["grow_revenue"]
    a.kpis = ["revenue", "aov", "win_rate"]
    a.targets = {"revenue": 1_200_000.0}
    a.statuses = ["Livrée", "Expédiée"]
    a.granularity, a.period = "month", "2025-09"
    at.run()
    _save(at, "  Client Durand — septembre ")
    assert [s.value for s in at.success] == [
        "Espace de travail « Client Durand — septembre » enregistré."
    ]
    assert at.dataframe[0].value.iloc[0, 0] == "Client Durand — septembre"
    saved = open_store(data_dir=data_dir).list(LOCAL_OWNER)
    assert [w.name for w in saved] == ["Client Durand — septembre"] and len(saved[0].tables) == 8

    # saving again under the same name asks first; cancel keeps the saved one as it was
    before = open_store(data_dir=data_dir).list(LOCAL_OWNER)[0].updated_at
    _save(at, "Client Durand — septembre")
    assert not at.success
    assert any("s'appelle déjà « Client Durand — septembre »" in w.value for w in at.warning)
    _button(at, "share_cancel").click().run()
    assert not any("s'appelle déjà" in w.value for w in at.warning)
    assert open_store(data_dir=data_dir).list(LOCAL_OWNER)[0].updated_at == before
    # …and replace replaces it, and says so (the same name in another Unicode form too)
    _save(at, "Client Durand — septembre".replace("é", "e\u0301"))
    _button(at, "share_replace").click().run()
    assert not at.exception
    assert "remplacée" in at.success[0].value
    saved = open_store(data_dir=data_dir).list(LOCAL_OWNER)
    assert len(saved) == 1 and saved[0].updated_at > before

    # a new session (another browser tab, tomorrow): nothing loaded, then the workspace reopened
    fresh = _session()
    assert not fresh.session_state["tables"]
    assert fresh.selectbox(key="share_pick").value == "Client Durand — septembre"
    _button(fresh, "share_open").click().run()
    assert not fresh.exception
    assert "ouvert : 8 tableau(x)" in fresh.success[0].value
    tables = fresh.session_state["tables"]
    assert sorted(t.kind for t in tables.values()) == sorted(
        t.kind for t in at.session_state["tables"].values()
    )
    original = at.session_state["tables"]["ventes.csv"]
    reopened = tables["ventes.csv"]
    assert reopened.mapping == original.mapping and len(reopened.df) == len(original.df)
    restored = fresh.session_state["analysis"]
    assert restored.kpis == ["revenue", "aov", "win_rate"]
    assert restored.targets == {"revenue": 1_200_000.0}
    assert restored.statuses == ["Livrée", "Expédiée"] and restored.period == "2025-09"
    # the reports and the dashboard run on the reopened analysis
    report = _made(fresh)["report"]
    assert report.period.key == "2025-09" and [r.kpi.id for r in report.rows] == restored.kpis
    fresh.switch_page("pages/dashboard.py").run()
    assert not fresh.exception
    labels = [m.label for m in fresh.metric]
    assert labels == ["Chiffre d'affaires", "Panier moyen", "Taux de transformation"]


def test_bad_name_and_delete(data_dir: Path) -> None:
    at = _session(sample=True)
    _save(at, "   ")
    assert any("ne convient pas comme nom" in e.value for e in at.error)
    _save(at, "Client\u200bA")
    assert any("200B" in e.value and "invisibles" in e.value for e in at.error)
    assert not open_store(data_dir=data_dir).list(LOCAL_OWNER)
    _save(at, "A")
    _save(at, "B")
    assert at.selectbox(key="share_pick").options == ["B", "A"]  # most recent first
    at.selectbox(key="share_pick").set_value("A").run()
    _button(at, "share_delete").click().run()
    assert not at.exception
    assert at.success[0].value == "Espace de travail « A » supprimé."
    assert [w.name for w in open_store(data_dir=data_dir).list(LOCAL_OWNER)] == ["B"]
    assert at.selectbox(key="share_pick").options == ["B"]


def test_without_login_the_page_says_everyone_sees_the_workspaces(data_dir: Path) -> None:
    at = _session()
    assert any("tout visiteur voit les espaces de travail" in i.value for i in at.info)
    at.session_state["lang"] = "en"
    at.run()
    assert any("every visitor sees the workspaces" in i.value for i in at.info)


def test_login_configured_asks_to_log_in(data_dir: Path) -> None:
    at = _session(user={}, secrets=AUTH)
    assert any("Connectez-vous" in i.value for i in at.info)
    assert any(b.key == "share_login" for b in at.button)
    assert not any(b.label == "Enregistrer" for b in at.button)
    assert not at.dataframe


def test_each_user_sees_only_their_workspaces(data_dir: Path) -> None:
    alice = {"is_logged_in": True, "iss": "https://idp.example", "sub": "alice", "name": "Alice"}
    bob = {"is_logged_in": True, "iss": "https://idp.example", "sub": "bob", "name": "Bob"}
    at = _session(user=alice, secrets=AUTH, sample=True)
    assert any("Connecté : Alice" in c.value for c in at.caption)
    assert not any("tout visiteur" in i.value for i in at.info)  # with login, each their own
    _save(at, "Pipeline Q3")
    store = open_store(data_dir=data_dir)
    assert [w.name for w in store.list("https://idp.example|alice")] == ["Pipeline Q3"]
    assert store.list(LOCAL_OWNER) == []

    other = _session(user=bob, secrets=AUTH)
    assert not other.dataframe and any("Aucun espace de travail" in c.value for c in other.caption)
    # Bob saving the same name makes his own workspace, Alice's stays as it was
    mine = _session(user=bob, secrets=AUTH, sample=True)
    _save(mine, "Pipeline Q3")
    assert len(store.list("https://idp.example|bob")) == 1
    assert len(store.list("https://idp.example|alice")) == 1
    again = _session(user=alice, secrets=AUTH)
    assert again.selectbox(key="share_pick").options == ["Pipeline Q3"]


@pytest.fixture()
def pg_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """PILOTE_DATABASE_URL pointing at a schema of its own on the test server, dropped after."""
    import psycopg

    base = os.environ.get("PILOTE_TEST_DATABASE_URL", "").strip()
    if not base:
        message = "PILOTE_TEST_DATABASE_URL is not set (`make test` starts a server)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    schema = f"pilote_share_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    parts = urlsplit(base)
    option = f"options=-csearch_path%3D{schema}"
    url = urlunsplit(parts._replace(query=f"{parts.query}&{option}" if parts.query else option))
    monkeypatch.setenv("PILOTE_DATABASE_URL", url)
    try:
        yield url
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_team_instance_on_postgresql(pg_url: str, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path))
    alice = {"is_logged_in": True, "iss": "https://idp.example", "sub": "alice", "name": "Alice"}
    at = _session(user=alice, secrets=AUTH, sample=True)
    assert any("postgresql" in c.value for c in at.caption)
    _save(at, "Équipe Nord")
    assert "enregistré" in at.success[0].value
    assert not (tmp_path / "pilote.sqlite").exists()  # nothing went to the local file
    again = _session(user=alice, secrets=AUTH)
    _button(again, "share_open").click().run()
    assert not again.exception
    assert len(again.session_state["tables"]) == 8
    bob = _session(user={**alice, "sub": "bob", "name": "Bob"}, secrets=AUTH)
    assert not bob.dataframe
    assert open_store(pg_url).list("https://idp.example|alice")[0].name == "Équipe Nord"
