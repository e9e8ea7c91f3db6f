"""The explore pages as a user drives them (AppTest): sample data, both languages, an empty
filter, and the real CRM and Online Retail files."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kpi.data import load_table, sample_files
from tests.conftest import ROOT, realdata

APP = str(ROOT / "app.py")
PAGES = ("pages/trends.py", "pages/funnel.py", "pages/customers.py", "pages/team.py")
_SAMPLES: dict = {}


def _samples() -> dict:
    if not _SAMPLES:
        for p in sample_files(".csv"):
            t = load_table(p.read_bytes(), p.name)
            _SAMPLES[t.name] = t
    return dict(_SAMPLES)


def _app(tmp_path, monkeypatch, tables: dict, lang: str = "fr") -> AppTest:  # noqa: ANN001
    monkeypatch.setenv("PILOTE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state["lang"] = lang
    at.session_state["tables"] = tables
    at.session_state["tables_version"] = 1
    at.run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "caption", "markdown", "info",
                                  "warning", "success") for e in getattr(at, kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_answers_on_the_sample_data(tmp_path, monkeypatch, lang: str) -> None:  # noqa: ANN001
    at = _app(tmp_path, monkeypatch, _samples(), lang)
    expected = {
        "fr": {
            "pages/trends.py": ["Tendances", "Par segment", "Modèle retenu", "saisonnier naïf"],
            "pages/funnel.py": ["Entonnoir", "Sources de leads", "Vélocité"],
            "pages/customers.py": ["Rétention par cohorte", "Segments RFM", "Satisfaction"],
            "pages/team.py": ["Classement", "Objectifs et rythme", "Détail d'un commercial"],
        },
        "en": {
            "pages/trends.py": ["Trends", "By segment", "Model chosen", "seasonal naive"],
            "pages/funnel.py": ["Funnel", "Lead sources", "Velocity"],
            "pages/customers.py": ["Retention by cohort", "RFM segments", "Satisfaction"],
            "pages/team.py": ["Leaderboard", "Targets and pacing", "One rep in detail"],
        },
    }[lang]
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        text = _texts(at)
        for snippet in expected[page]:
            assert snippet in text, (page, snippet)
        assert len(at.get("vega_lite_chart")) >= 2, page
        assert "nan" not in " ".join(m.value for m in at.metric).lower()


def test_trends_page_controls(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    at = _app(tmp_path, monkeypatch, _samples())
    at.switch_page("pages/trends.py").run()
    at.selectbox(key="tr_what_fr").set_value("m:orders").run()
    filters = {m.key for m in at.multiselect if str(m.key).startswith("w_filter_")}
    assert {"w_filter_region", "w_filter_status", "w_filter_interval"} <= filters
    assert "w_filter_currency" not in filters  # the demo has one currency: nothing to filter
    at.multiselect(key="w_filter_region").set_value(["Auvergne-Rhône-Alpes"]).run()
    assert not at.exception
    # the flood of March 2025 is flagged and explained
    warnings = " ".join(w.value for w in at.warning)
    assert "mars 2025" in warnings
    for freq in ("day", "week", "quarter"):
        at.session_state["tr_freq_fr"] = freq
        at.run()
        assert not at.exception, freq
        captions = " ".join(c.value for c in at.caption)
        if freq == "day":
            # public holidays are not judged, and the page says so in words
            assert "Non jugés" in captions and "jours fériés" in captions
        # the reasons a point was not judged reach the table as words, never as codes
        table = at.dataframe[0].value
        assert "Non jugé" in table.columns
        assert not set(table["Non jugé"]) & {"holiday", "closed", "partial", "missing"}
    at.selectbox(key="tr_what_fr").set_value("k:churn_rate").run()
    assert not at.exception
    assert any("mesures" in c.value for c in at.caption)


def test_an_empty_filter_says_so_everywhere(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    at = _app(tmp_path, monkeypatch, _samples())
    for page in PAGES:
        at.switch_page(page).run()
        # Hélène Marchetti is in Grands Comptes: with team Sud nothing is left
        at.multiselect(key="w_filter_rep").set_value(["Hélène Marchetti"])
        at.multiselect(key="w_filter_team").set_value(["Sud"]).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, page
        text = _texts(at)
        if page == "pages/team.py":
            # activities carry reps but no team: her calls still show, her sales are "–"
            assert "nan" not in text.lower()
        else:
            assert "Aucune donnée pour ce filtre" in text, page


def test_nothing_loaded(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    at = _app(tmp_path, monkeypatch, {})
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception
        assert any("Aucune donnée chargée" in i.value for i in at.info), page


@pytest.mark.realdata
def test_real_files(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    crm = realdata("crm_sales_opportunities/sales_pipeline.csv")
    retail = realdata("online_retail/online_retail_uci_by-day_concatenated.csv")
    tables = {}
    for path in (crm, retail):
        t = load_table(path.read_bytes(), path.name)
        tables[t.name] = t
    at = _app(tmp_path, monkeypatch, tables, "fr")
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, page
    at.switch_page("pages/funnel.py").run()
    at.segmented_control(key="w_granularity").set_value("all").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Taux de transformation"] == "63,2\u00a0%"  # 4,238 / (4,238 + 2,473) = 63.15 %
    assert metrics["Durée du cycle de vente"] == "51,8 j"
