"""The Subscriptions page (AppTest): the demo company's contracts in both languages, a filter,
several currencies, a quarter, and no subscriptions table at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.data import Table, load_table
from tests.app.test_explore_pages import _app, _samples, _texts
from tests.metrics.test_subscriptions import MAPPING, story

PAGE = "pages/subscriptions.py"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


def _open(at: AppTest) -> AppTest:
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_demo_subscriptions_in_both_languages(tmp_path, monkeypatch, lang: str) -> None:  # noqa: ANN001
    at = _open(_app(tmp_path, monkeypatch, _samples(), lang))
    text = _texts(at).replace("\\", "")  # Markdown escapes
    expected = {
        "fr": ["Abonnements", "Cascade du MRR — décembre 2025", "Le MRR dans le temps",
               "Rétention du revenu par cohorte", "Les clients derrière chaque mouvement",
               "4 abonnement(s) impayés", "Montant mensuel laissé de côté"],
        "en": ["Subscriptions", "MRR waterfall — December 2025", "MRR over time",
               "Revenue retention by cohort", "The customers behind each movement",
               "4 unpaid subscription(s)", "Monthly amount left out"],
    }[lang]  # fmt: skip
    for snippet in expected:
        assert snippet in text, snippet
    assert len(at.get("vega_lite_chart")) == 4  # waterfall, MRR, movements, cohorts
    metrics = {m.label: m.value for m in at.metric}
    mrr = "MRR (revenu mensuel récurrent)" if lang == "fr" else "MRR (monthly recurring revenue)"
    assert metrics[mrr].replace("\u202f", " ").replace("\u00a0", " ") in (
        "94 937,80 €",
        "€94,937.80",
    )
    assert "nan" not in " ".join(str(v) for v in metrics.values()).lower()
    # the movements table: headers in the UI language, December's customers
    frames = [df.value for df in at.dataframe]
    moves = next(f for f in frames if ("Client" if lang == "fr" else "Customer") in f.columns)
    assert ("Mouvement" if lang == "fr" else "Movement") in moves.columns
    assert len(moves) == 13 + 1 + 6 + 2  # new, reactivation, expansion, contraction


def test_a_quarter_a_filter_and_one_movement(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    at = _app(tmp_path, monkeypatch, _samples(), "en")
    _open(at)
    # the granularity as the analysis holds it (clicking it is in the browser tests)
    at.session_state["analysis"].granularity = "quarter"
    at.session_state["analysis"].period = None
    at.run()
    at.multiselect(key="w_filter_segment").set_value(["PME"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "MRR waterfall — Q4 2025" in _texts(at)
    at.selectbox(key="subs_pick_en").set_value("churned").run()
    assert not at.exception
    moves = next(df.value for df in at.dataframe if "Customer" in df.value.columns)
    assert set(moves["Movement"]) <= {"Churn"}


def test_several_currencies_one_at_a_time(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    df = story()
    df.loc[df["customer"].isin(["Bravo", "Hotel"]), "currency"] = "usd"
    tables = {"subs.csv": Table("subs.csv", df, "subscriptions", dict(MAPPING))}
    at = _open(_app(tmp_path, monkeypatch, tables, "en"))
    assert "never added across currencies" in _texts(at)
    # March 2024 in EUR: 805.09 − Bravo 200 − Hotel 100
    at.session_state["analysis"].granularity = "month"
    at.session_state["analysis"].period = "2024-03"
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["MRR (monthly recurring revenue)"] == "€505.09"
    at.segmented_control(key="subs_currency").set_value("USD").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["MRR (monthly recurring revenue)"] == "US$300.00"


def test_stripe_export_alone(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    name = "stripe_subscriptions.csv"
    t = load_table((FIXTURES / name).read_bytes(), name)
    at = _open(_app(tmp_path, monkeypatch, {name: t}, "fr"))
    text = _texts(at)
    assert "Cascade du MRR — mars 2024" in text
    assert "28/03/2024" in text  # the export stops before the month's end: said so
    metrics = {m.label: m.value for m in at.metric}
    assert (
        metrics["MRR (revenu mensuel récurrent)"].replace("\u202f", " ").replace("\u00a0", " ")
        == "805,09 €"
    )


def test_without_a_subscriptions_table(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    tables = {k: v for k, v in _samples().items() if v.kind != "subscriptions"}
    at = _open(_app(tmp_path, monkeypatch, tables, "fr"))
    assert "Aucune table d'abonnements" in _texts(at)


def test_trends_page_draws_recurring_revenue_by_month_only(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    at = _app(tmp_path, monkeypatch, _samples(), "en")
    at.switch_page("pages/trends.py").run()
    at.selectbox(key="tr_what_en").set_value("k:mrr").run()
    assert not at.exception and len(at.get("vega_lite_chart")) >= 1
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "MRR (monthly recurring revenue) by month" in spec and "(KPI)" not in spec
    # the book's first months climb: not judged, and the page says so (not "unusually low")
    captions = " ".join(c.value for c in at.caption)
    assert "Not judged: the first 3 periods, where the series is still only climbing" in captions
    assert not any("January 2023" in i.value for i in at.info)
    at.segmented_control(key="tr_freq_en").set_value("week").run()
    assert not at.exception
    assert any("is measured per month" in i.value for i in at.info)
