"""Every chart renders to a Vega-Lite dict under Altair's 5,000-row limit, in both languages,
with formatted tooltips — on the sample data and on a large generated table."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kpi.data import Table
from kpi.explore import charts, customers, funnel, team, trends
from kpi.explore.anomalies import anomalies
from kpi.explore.drivers import contributions, price_volume_mix
from kpi.explore.forecast import forecast
from kpi.explore.trends import Facts
from kpi.metrics import Engine, parse_period


def facts_of(table: Table, filters: dict | None = None, statuses: list | None = None) -> Facts:
    """The facts of one table under an engine with ``filters`` and ``statuses``."""
    return trends.facts(Engine([table], filters, statuses), table)


def _rows(spec: dict) -> int:
    return max((len(v) for v in spec.get("datasets", {}).values()), default=0)


def _all_charts(tables: list[Table], lang: str) -> dict[str, object]:
    eng = Engine(tables)
    o = trends.facts_for(Engine(tables), "orders")
    s = trends.measure_trend(o, "revenue", "day", as_of=eng.as_of, lang=lang)
    flagged, _ = anomalies(s, "day")
    fc = forecast(s, "day", lang=lang)
    p1, p0 = parse_period("2025-03"), parse_period("2024-03")
    orders_t = next(t for t in tables if t.kind == "orders")
    b = team.leaderboard(eng, parse_period("2025"))
    out = {
        "trend": charts.trend_chart(s, lang=lang, unit="money", currency="EUR", freq="day",
                                    flagged=flagged, forecast=fc.frame),
        "breakdown": charts.breakdown_chart(
            trends.breakdown_trend(o, "revenue", "product", "week", top=10, lang=lang),
            lang=lang, unit="money", currency="EUR", freq="week"),
        "contrib": charts.contribution_chart(
            contributions(o, "revenue", "product", p0, p1, lang=lang), lang=lang,
            currency="EUR"),
        "pvm": charts.waterfall_chart(price_volume_mix(o, p0, p1, lang=lang)[0],
                                      lang=lang, currency="EUR"),
        "funnel": charts.funnel_chart(funnel.funnel(Engine(tables), lang=lang), lang=lang),
        "groups": charts.bar_chart(funnel.by_group(Engine(tables), "rep"), "segment", "win_rate",
                                   lang=lang, unit="percent"),
        "cohorts": charts.cohort_heatmap(
            customers.cohort_matrix(o, customers.first_purchases(Engine([orders_t]), orders_t), "month", lang=lang),
            lang=lang),
        "attainment": charts.attainment_chart(b, lang=lang, currency="EUR"),
        "monthly": charts.monthly_target_chart(
            team.rep_detail(b, b["member"].iloc[0], eng, lang=lang).monthly, lang=lang,
            currency="EUR"),
        "empty": charts.trend_chart(s.iloc[:0], lang=lang),
    }  # fmt: skip
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_chart_renders_small(samples: list[Table], lang: str) -> None:
    for name, chart in _all_charts(samples, lang).items():
        spec = chart.to_dict()  # raises MaxRowsError beyond 5,000 rows
        assert _rows(spec) <= 5000, name
        assert spec["config"]["locale"]["number"]["decimal"] == ("," if lang == "fr" else ".")
        json.dumps(spec)  # serialisable as sent to the browser


def test_french_labels_and_formatted_tooltips(samples: list[Table]) -> None:
    c = _all_charts(samples, "fr")
    text = json.dumps(c["trend"].to_dict(), ensure_ascii=False)
    assert "Même période N-1" in text and "Moyenne mobile" in text and "Prévision" in text
    assert "\u202f€" in text or "\u00a0€" in text  # values formatted as 1 234,56 €
    assert "mars" in json.dumps(c["trend"].to_dict()["config"]["locale"], ensure_ascii=False)
    en = json.dumps(_all_charts(samples, "en")["funnel"].to_dict())
    assert "Deals that reached the stage" in en
    assert "Aucune donnée pour ce filtre" in json.dumps(c["empty"].to_dict(), ensure_ascii=False)


def test_a_million_rows_still_make_small_charts() -> None:
    rng = np.random.default_rng(0)
    n = 1_000_000
    df = pd.DataFrame(
        {
            "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D"),
            "amount": rng.uniform(1, 100, n),
            "product": rng.choice([f"P{i}" for i in range(300)], n),
            "customer": rng.integers(0, 50_000, n).astype(str),
        }
    )
    t = Table("big", df, "orders", {"date": "date", "amount": "amount", "product": "product",
                                    "customer_id": "customer"})  # fmt: skip
    f = facts_of(t)
    s = trends.measure_trend(f, "revenue", "day")
    assert len(charts.trend_chart(s, freq="day").to_dict()["datasets"]) >= 1
    b = trends.breakdown_trend(f, "revenue", "product", "day", top=5)
    assert _rows(charts.breakdown_chart(b, freq="day").to_dict()) <= 5000
    m = customers.cohort_matrix(f, customers.first_purchases(Engine([t]), t), "month")
    assert _rows(charts.cohort_heatmap(m).to_dict()) <= 5000


def test_partial_bucket_is_marked_and_lead_funnel_axis_says_leads(samples: list[Table]) -> None:
    o = trends.facts_for(Engine(samples), "orders")
    s = trends.measure_trend(o, "revenue", "month", lang="fr")
    s.loc[s.index[-1], "partial"] = True  # as for a month in progress
    text = json.dumps(charts.trend_chart(s, lang="fr").to_dict(), ensure_ascii=False)
    assert '"en cours"' in text and "(en cours)" in text
    leads = funnel.lead_funnel(Engine(samples), lang="fr")
    axis = json.dumps(charts.funnel_chart(leads, lang="fr", items="leads").to_dict(),
                      ensure_ascii=False)  # fmt: skip
    assert "Leads ayant atteint l'étape" in axis and "Affaires" not in axis
    # A long title goes on two lines instead of being cut.
    long = "x" * 40 + " " + "y" * 40
    spec = charts.trend_chart(s, lang="fr", title=long).to_dict()
    assert spec["title"]["text"] == ["x" * 40, "y" * 40]
