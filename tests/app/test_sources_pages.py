"""Tools' exports and related tables in the app (AppTest): the Data page says which tool and
which links, the dashboard never adds currencies up, the Team page ranks managers from the CRM
files as delivered, the scoring page learns from closed leads and scores the open ones."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from kpi.data import load_table
from tests.app.test_explore_pages import _app
from tests.conftest import ROOT, realdata
from ui.markup import inert
from ui.state import Analysis

APP = str(ROOT / "app.py")
FIXTURES = ROOT / "tests" / "fixtures" / "sources"


def _tables(*paths) -> dict:  # noqa: ANN002
    out = {}
    for p in paths:
        t = load_table(p.read_bytes(), p.name)
        out[t.name] = t
    return out


def _markdown(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "success", "error")
             for e in getattr(at, kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_data_page_says_which_tool(tmp_path, monkeypatch, lang: str) -> None:  # noqa: ANN001
    tables = _tables(FIXTURES / "pipedrive_deals_en.csv")
    at = _app(tmp_path, monkeypatch, tables, lang)
    at.switch_page("pages/data.py").run()
    assert not at.exception and not at.error
    text = _markdown(at)
    line = {
        "fr": "Reconnu : Pipedrive — export des affaires (EN)",
        "en": "Recognised as: Pipedrive — deals export (EN)",
    }[lang]
    assert f"**{line}**" in text
    semantics = {"fr": "victoire/perte lues dans « Deal - Status »",
                 "en": "won/lost read from “Deal - Status”"}[lang]  # fmt: skip
    assert inert(semantics) in text
    summary = at.dataframe[0].value
    tool = {"fr": "Outil reconnu", "en": "Recognised tool"}[lang]
    assert summary[tool].tolist() == ["Pipedrive — " + ("export des affaires (EN)" if lang == "fr"
                                                        else "deals export (EN)")]  # fmt: skip
    # The roles' confidence is a whole percentage drawn in the UI's language (Streamlit's own
    # "percent" format follows the browser's locale: "100 %" on an English page).
    (editor,) = [d for d in at.dataframe if "role_id" in d.value.columns]
    confidence = {"fr": "Confiance", "en": "Confidence"}[lang]
    config = json.loads(editor.proto.columns)[confidence]["type_config"]
    assert config["format"] == {"fr": "%d\u00a0%%", "en": "%d%%"}[lang]
    assert (config["min_value"], config["max_value"]) == (0, 100)
    shown = editor.value[confidence].dropna()
    assert len(shown) and shown.between(0, 100).all() and (shown == shown.round()).all()


def test_dashboard_gives_money_per_currency(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    tables = _tables(FIXTURES / "stripe_payments_multicurrency_en.csv")
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state["lang"] = "fr"
    at.session_state["tables"] = tables
    at.session_state["tables_version"] = 1
    at.session_state["analysis"] = Analysis(kpis=["revenue", "orders"], granularity="all")
    at.run()
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception and not at.error
    info = " ".join(i.value for i in at.info)
    assert inert("3 devises : EUR 80\u00a0%, USD 15\u00a0%, GBP 5\u00a0%") in info
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Chiffre d'affaires"] == "280,00\u00a0€"
    assert metrics["Commandes"] == "20"
    captions = " ".join(c.value for c in at.caption)
    assert inert("Autres devises, non additionnées : 81,00\u00a0$US · 29,00\u00a0£GB") in captions
    # every rate typed in: converted into EUR and added up
    at.number_input(key="w_rate_USD").set_value(0.9).run()
    at.number_input(key="w_rate_GBP").set_value(1.2).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Chiffre d'affaires"] == "387,70\u00a0€"  # 280 + 81 × 0.9 + 29 × 1.2


@pytest.mark.realdata
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_team_page_ranks_managers_from_the_crm_files(tmp_path, monkeypatch, lang) -> None:  # noqa: ANN001
    folder = realdata("crm_sales_opportunities/sales_pipeline.csv").parent
    tables = _tables(*(folder / f for f in ("sales_pipeline.csv", "sales_teams.csv",
                                            "accounts.csv", "products.csv")))  # fmt: skip
    at = _app(tmp_path, monkeypatch, tables, lang)
    at.switch_page("pages/data.py").run()
    text = _markdown(at)
    found = {"fr": "sales_teams.csv complète sales_pipeline.csv",
             "en": "sales_teams.csv adds to sales_pipeline.csv"}[lang]  # fmt: skip
    assert inert(found).split(inert(" "))[0] in text
    at.switch_page("pages/team.py").run()
    at.segmented_control(key=f"tm_by_{lang}").set_value("team").run()
    assert not at.exception and not at.error
    board = at.dataframe[0].value
    managers = {"Melvin Marxen", "Summer Sewald", "Dustin Brinkmann", "Rocco Neubert",
                "Celia Rouche", "Cara Losch"}  # fmt: skip
    first = board.columns[1]
    assert first == {"fr": "Équipe (manager)", "en": "Team (manager)"}[lang]
    assert set(board[first]) == managers


def test_scoring_learns_from_closed_leads_and_scores_open_ones(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    tables = _tables(FIXTURES / "salesforce_leads_history_fr.csv")
    at = _app(tmp_path, monkeypatch, tables, "fr")
    at.switch_page("pages/scoring.py").run()
    at.button[0].click().run()
    assert not at.exception and not at.error
    info = " ".join(i.value for i in at.info)
    assert "Appris sur 240 leads" in info and "60 leads encore ouverts" in info
    frames = [d.value for d in at.dataframe]
    listed = next(f for f in frames if "Raisons" in f.columns)
    assert list(listed.columns[:4]) == ["ID de la piste", "Score", "Niveau", "Raisons"]
    assert len(listed) == 60 and listed["ID de la piste"].str.startswith("00Q").all()
    one = at.selectbox(key="w_one_lead")
    assert one.options[0].startswith("00Q")
    factors = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert factors and all(f.count(f.split("**")[1]) == 1 for f in factors)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_scoring_page_with_orders_only_says_what_it_needs(tmp_path, monkeypatch, lang: str) -> None:  # noqa: ANN001
    tables = _tables(FIXTURES / "shopify_orders_fr_shop.csv")
    at = _app(tmp_path, monkeypatch, tables, lang)
    at.switch_page("pages/scoring.py").run()
    assert not at.exception and not at.error
    needle = {"fr": "Aucun tableau chargé n'a de colonne de résultat",
              "en": "No loaded table has an outcome column"}[lang]  # fmt: skip
    assert any(needle in i.value for i in at.info)
