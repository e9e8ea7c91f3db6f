"""Trends: measures by hand on tiny frames, equality with the engine, anomalies, forecast,
contributions and price / volume / mix; reference figures on the real files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.data import Table, load_table
from kpi.errors import PiloteError
from kpi.explore import trends
from kpi.explore.anomalies import anomalies
from kpi.explore.buckets import series_frame
from kpi.explore.drivers import contributions, explain_anomalies, price_volume_mix
from kpi.explore.forecast import forecast, no_forecast_note
from kpi.explore.trends import Facts
from kpi.metrics import CATALOGUE, Engine, Period, parse_period
from tests.conftest import realdata


def facts_of(table: Table, filters: dict | None = None, statuses: list | None = None) -> Facts:
    """The facts of one table under an engine with ``filters`` and ``statuses``."""
    return trends.facts(Engine([table], filters, statuses), table)


def orders() -> Table:
    rows = [
        # order, date, customer, amount, qty, region, product, status
        ("A1", "2024-01-05", "C1", 100.0, 10, "Nord", "P1", "Livrée"),
        ("A1", "2024-01-05", "C1", 50.0, 5, "Nord", "P2", "Livrée"),
        ("A2", "2024-01-20", "C2", 200.0, 20, "Sud", "P1", "Annulée"),  # not counted
        ("A3", "2024-01-22", "C2", 50.0, 5, "Sud", "P1", "Livrée"),
        ("A4", "2024-02-03", "C1", 130.0, 13, "Nord", "P1", "Facturée"),
        ("A5", "2024-02-10", "C3", 40.0, 2, "Sud", "P2", "Facturée"),
        ("AV1", "2024-02-15", "C1", -30.0, -3, "Nord", "P1", "Facturée"),  # credit note
    ]
    df = pd.DataFrame(
        rows, columns=["order", "date", "customer", "amount", "qty", "region", "product", "st"]
    )
    df["date"] = pd.to_datetime(df["date"])
    df["qty"] = df["qty"].astype(float)
    mapping = {"order_id": "order", "date": "date", "customer_id": "customer",
               "amount": "amount", "quantity": "qty", "region": "region", "product": "product",
               "status": "st"}  # fmt: skip
    return Table("ventes", df, "orders", mapping)


def test_facts_keep_counted_rows_and_filters() -> None:
    f = facts_of(orders())
    # the cancelled line is out; the credit note stays (revenue is net)
    assert len(f.frame) == 6
    assert f.frame["amount"].sum() == pytest.approx(100 + 50 + 50 + 130 + 40 - 30)
    assert set(f.dims) == {"region", "product"}
    nord = facts_of(orders(), {"region": ["Nord"]})
    assert nord.frame["amount"].sum() == pytest.approx(100 + 50 + 130 - 30)
    with pytest.raises(PiloteError):
        facts_of(orders(), {"nope": ["x"]})


def test_facts_prefer_a_table_with_dates() -> None:
    # a price list read as orders (amounts, no dates) loaded before the real orders
    prices = pd.DataFrame({"product": ["P1", "P2"], "amount": [10.0, 20.0]})
    price_list = Table("products", prices, "orders", {"product": "product", "amount": "amount"})
    f = trends.facts_for(Engine([price_list, orders()]), "orders")
    assert f.table == "ventes" and len(f.frame) == 6
    only = trends.facts_for(Engine([price_list]), "orders")
    assert only.table == "products"
    # …whose amounts cannot be drawn over time: no measure offered from it
    assert trends.available_measures({"orders": only}) == []
    assert "revenue" in [m.id for m in trends.available_measures({"orders": f})]


def test_monthly_measures_by_hand() -> None:
    f = facts_of(orders())
    rev = trends.measure_trend(f, "revenue", "month")
    # January: 100 + 50 + 50 = 200 (A2 cancelled); February: 130 + 40 − 30 = 140
    assert rev["value"].tolist() == [200.0, 140.0]
    assert rev["label"].tolist() == ["janvier 2024", "février 2024"]
    n = trends.measure_trend(f, "orders", "month")
    # January: A1 (150) and A3 (50); February: A4, A5 (AV1 is negative, not an order)
    assert n["value"].tolist() == [2.0, 2.0]
    aov = trends.measure_trend(f, "aov", "month")
    assert aov["value"].tolist() == [100.0, 70.0]  # 200 / 2, 140 / 2
    cust = trends.measure_trend(f, "customers", "month")
    assert cust["value"].tolist() == [2.0, 2.0]  # C1, C2 then C1, C3
    units = trends.measure_trend(f, "units_sold", "month", lang="en")
    assert units["value"].tolist() == [20.0, 12.0]  # 10+5+5, 13+2−3
    assert units["label"].tolist() == ["January 2024", "February 2024"]


def test_weeks_start_on_monday_and_gaps_are_zero() -> None:
    f = facts_of(orders())
    w = trends.measure_trend(f, "revenue", "week", lang="fr")
    # 2024-01-05 is a Friday: its week starts Monday 2024-01-01 (ISO week 1)
    assert w["start"].iloc[0] == pd.Timestamp("2024-01-01")
    assert w["label"].iloc[0] == "S1 2024"
    assert (w["start"].dt.day_of_week == 0).all()
    # every week until the last one is present; a week without sales is 0, not missing
    assert len(w) == 7 and w["value"].notna().all()
    assert w["value"].sum() == pytest.approx(340.0)


def test_measures_equal_the_engine_month_by_month(samples: list[Table]) -> None:
    eng = Engine(samples)
    # every KPI whose record has a measure: its trend measure is the KPI, month by month
    pairs = [(k.id, k.id, k.needs[0].kind) for k in CATALOGUE if k.measure is not None]
    assert {p[0] for p in pairs} >= {"revenue", "orders", "aov", "customers", "units_sold",
                                     "gross_margin", "win_rate", "lead_conversion_rate"}  # fmt: skip
    for filters in (None, {"region": ["Auvergne-Rhône-Alpes"]}):
        eng = Engine(samples, filters)
        for measure, kpi, kind in pairs:
            f = trends.facts_for(Engine(samples, filters), kind)
            mine = trends.measure_trend(f, measure, "month")
            theirs = eng.series(kpi, "month")
            a = mine.set_index(mine["start"].dt.strftime("%Y-%m"))["value"]
            b = theirs.set_index("period")["value"]
            joined = pd.concat([a, b], axis=1, keys=["m", "e"]).dropna()
            assert len(joined) >= 20, measure
            np.testing.assert_allclose(joined["m"], joined["e"], rtol=1e-9, err_msg=measure)


def test_kpi_trend_weeks_are_engine_values(samples: list[Table]) -> None:
    eng = Engine(samples)
    t = trends.kpi_trend(eng, "win_rate", "week", lang="en")
    row = t.iloc[-3]
    v = eng.value("win_rate", Period("range", row["start"], row["end"]))
    assert row["value"] == pytest.approx(v.value)
    m = trends.kpi_trend(eng, "churn_rate", "quarter")
    assert len(m) == 8 and m["label"].iloc[-1] == "T4 2025"


def test_last_year_and_moving_average() -> None:
    s = pd.Series(np.arange(1.0, 25.0))
    f = series_frame(np.arange(600, 624), s.to_numpy(), "month", None, "en", None, 3, 1000)
    # the same month a year before is 12 values back; moving average of 3 trailing values
    assert f["last_year"].iloc[12] == 1.0 and np.isnan(f["last_year"].iloc[11])
    assert f["moving_avg"].iloc[2] == pytest.approx((1 + 2 + 3) / 3)


def test_breakdown_top_and_other_add_up(samples: list[Table]) -> None:
    f = trends.facts_for(Engine(samples), "orders")
    b = trends.breakdown_trend(f, "revenue", "product", "quarter", top=3, lang="en")
    assert b["segment"].nunique() == 4 and "Other" in set(b["segment"])
    total = trends.measure_trend(f, "revenue", "quarter")
    per_bucket = b.groupby("start")["value"].sum()
    np.testing.assert_allclose(per_bucket.to_numpy(), total["value"].to_numpy())


def test_anomaly_on_a_short_series_by_hand() -> None:
    values = [10, 11, 10, 12, 10, 40, 11, 10, 12, 11]
    s = pd.DataFrame(
        {
            "start": pd.date_range("2024-01-01", periods=10, freq="MS"),
            "label": [str(i) for i in range(10)],
            "value": np.array(values, dtype=float),
            "partial": False,
        }
    )
    flagged, method = anomalies(s, "month")
    # fewer than 24 months: no seasonal adjustment; on a log scale, expected = the median of
    # the 4 neighbours, the point itself left out (so that a spike does not lift its own
    # expected value). At index 5 the neighbours are [10, 12, 11, 10] → the median of their
    # logs is (log 10 + log 11) / 2, i.e. √110 ≈ 10.49; 40 is log(40 / √110) ≈ 1.34 above it.
    # The other residuals are within log(12 / 10) ≈ 0.18, so 1.34 is far beyond 3 robust
    # standard deviations.
    assert method == "rolling_median"
    assert flagged["anomaly"].tolist() == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
    assert flagged.loc[5, "expected"] == pytest.approx(np.sqrt(110.0))
    assert flagged["excluded"].isna().all()  # every point judged


def test_seasonal_anomaly_is_not_the_season() -> None:
    # Two years of months: every August is 40 % down (the season), and March of year 2 is a
    # one-off shock (−50 %). Only the shock is an anomaly.
    rng = np.random.default_rng(0)
    base = 100 + rng.normal(0, 2, 25)
    season = np.array([0, 0, 0, 0, 0, 0, 0, -40, 0, 0, 0, 10] * 2 + [0], dtype=float)
    y = base + season
    y[14] -= 50
    s = pd.DataFrame(
        {
            "start": pd.date_range("2024-01-01", periods=25, freq="MS"),
            "label": [str(i) for i in range(25)],
            "value": y,
            "partial": [False] * 24 + [True],
        }
    )
    flagged, method = anomalies(s, "month")
    assert method == "seasonal"
    assert list(np.flatnonzero(flagged["anomaly"].to_numpy())) == [14]
    assert flagged.loc[14, "anomaly"] == -1
    assert flagged.loc[24, "anomaly"] == 0  # the partial month is not judged
    assert anomalies(s.iloc[:5], "month")[1] is None


def test_anomaly_on_the_sample_flood_is_explained(samples: list[Table]) -> None:
    eng = Engine(samples)
    f = trends.facts_for(Engine(samples), "orders")
    for measure in ("orders", "revenue"):
        s = trends.measure_trend(f, measure, "month", as_of=eng.as_of)
        flagged, method = anomalies(s, "month")
        found = explain_anomalies(flagged, method, "month", f, measure)
        march = [a for a in found if a.start == pd.Timestamp("2025-03-01")]
        assert march and march[0].direction == "down", measure
        # the warehouse flood: the South (the Sud team's regions) lost most of its March 2025
        # orders; nothing else in the two years is as unusual
        assert march[0].driver["role"] == "team" and march[0].driver["segment"] == "Sud"
        assert len(found) == 1, [a.text("en", "count") for a in found]
        text = march[0].text("fr", "count")
        assert "mars 2025" in text and "Sud" in text and "mars 2024" in text
        assert "March 2025" in march[0].text("en", "count")


def test_forecast_follows_a_trend_and_says_when_too_short() -> None:
    n = 30
    y = 100 + 3 * np.arange(n) + np.sin(np.arange(n))  # a clear upward trend
    s = pd.DataFrame(
        {
            "start": pd.date_range("2023-01-01", periods=n, freq="MS"),
            "label": "",
            "value": y,
            "partial": False,
        }
    )
    fc = forecast(s, "month", 6, lang="en")
    # a model that follows the trend wins the back-test, not a copy of the last value
    assert fc.method not in ("naive", "seasonal_naive")
    assert len(fc.frame) == 6 and fc.frame["start"].iloc[0] == pd.Timestamp("2025-07-01")
    assert (fc.frame["lower"] <= fc.frame["forecast"]).all()
    assert (fc.frame["forecast"] <= fc.frame["upper"]).all()
    assert fc.frame["forecast"].iloc[0] > y[-1]  # it follows the trend upwards
    assert fc.backtest_wape is not None and fc.backtest_wape < 0.05
    assert fc.backtest_wape < fc.naive_wape  # and beats the naive forecast
    assert "back-test error" in fc.text("en")
    # five periods cannot both teach and test a model: no forecast, and the note says why
    assert forecast(s.iloc[:5], "month", 3) is None
    assert "at least 6 complete periods" in no_forecast_note(s.iloc[:5], "month", "en")
    six = forecast(s.iloc[:6], "month", 3)
    assert six is not None and len(six.frame) == 3
    assert forecast(s.iloc[:2], "month") is None


def test_contributions_by_hand() -> None:
    f = facts_of(orders())
    c = contributions(
        f, "revenue", "region", parse_period("2024-01"), parse_period("2024-02"), lang="en"
    )
    # January: Nord 150, Sud 50 (200 total); February: Nord 130 − 30 = 100, Sud 40.
    # Deltas: Nord −50, Sud −10; total −60; shares 50/60 and 10/60; growth points −50/200.
    assert c["segment"].tolist() == ["Nord", "Sud"]
    assert c["delta"].tolist() == [-50.0, -10.0]
    assert c["share"].tolist() == pytest.approx([50 / 60, 10 / 60])
    assert c["growth_points"].tolist() == pytest.approx([-0.25, -0.05])
    with pytest.raises(PiloteError):
        contributions(f, "aov", "region", parse_period("2024-01"), parse_period("2024-02"))


def test_price_volume_mix_by_hand() -> None:
    rows = [
        ("2024-01-10", "A", 10, 100.0),  # p0(A) = 10
        ("2024-01-11", "B", 10, 200.0),  # p0(B) = 20
        ("2024-02-10", "A", 10, 110.0),  # p1(A) = 11
        ("2024-02-11", "B", 20, 400.0),  # p1(B) = 20
        ("2024-02-12", "C", 5, 50.0),  # new item
    ]
    df = pd.DataFrame(rows, columns=["date", "product", "qty", "amount"])
    df["date"] = pd.to_datetime(df["date"])
    df["qty"] = df["qty"].astype(float)
    t = Table("o", df, "orders", {"date": "date", "product": "product", "quantity": "qty",
                                  "amount": "amount"})  # fmt: skip
    steps, items = price_volume_mix(
        facts_of(t), parse_period("2024-01"), parse_period("2024-02"), lang="en"
    )
    v = dict(zip(steps["step"], steps["value"], strict=True))
    # R0 = 300, R1 = 560. Comparable items A, B: Q0 = 20, Q1 = 30, P̄0 = 300 / 20 = 15.
    # volume = (30 − 20) × 15 = 150; mix = (10·10 + 20·20) − 30 × 15 = 50;
    # price = (11 − 10) × 10 + (20 − 20) × 20 = 10; other (new C) = 260 − 210 = 50.
    assert v == pytest.approx(
        {"base": 300, "volume": 150, "mix": 50, "price": 10, "other": 50, "current": 560}
    )
    assert steps["end"].iloc[-2] == pytest.approx(560)  # the bridge lands on the current
    assert items.loc[items["item"] == "C", "comparable"].item() is False or not bool(
        items.loc[items["item"] == "C", "comparable"].item()
    )
    no_qty = Table("o", df.drop(columns="qty"), "orders", {"date": "date", "amount": "amount",
                                                           "product": "product"})  # fmt: skip
    with pytest.raises(PiloteError):
        price_volume_mix(facts_of(no_qty), Period.all(), Period.all())


def test_an_empty_filter_gives_empty_results(samples: list[Table]) -> None:
    f = trends.facts_for(Engine(samples, {"rep": ["Hélène Marchetti"], "team": ["Sud"]}), "orders")
    assert f.empty
    assert trends.measure_trend(f, "revenue", "month").empty
    assert trends.breakdown_trend(f, "revenue", "region", "month").empty
    c = contributions(f, "revenue", "region", parse_period("2025-02"),
                             parse_period("2025-03"))  # fmt: skip
    assert c.empty
    flagged, method = anomalies(trends.measure_trend(f, "revenue", "month"), "month")
    assert method is None and flagged.empty
    assert forecast(trends.measure_trend(f, "revenue", "month"), "month") is None


@pytest.mark.realdata
def test_online_retail_november_2011() -> None:
    path = realdata("online_retail/online_retail_uci_by-day_concatenated.csv")
    t = load_table(path.read_bytes(), path.name)
    f = facts_of(t)
    s = trends.measure_trend(f, "revenue", "month")
    nov = s.loc[s["start"] == pd.Timestamp("2011-11-01"), "value"].item()
    assert nov == pytest.approx(1_461_756.25, abs=0.01)  # KPI_SPEC.md
    assert s["value"].sum() == pytest.approx(9_747_747.93, abs=0.01)
    assert trends.measure_totals(f, "orders")["value"].item() == 19_960


def _daily(last: str) -> Table:
    days = pd.date_range("2023-12-01", last)
    df = pd.DataFrame({"date": days, "amount": 10.0, "region": ["Nord", "Sud"] * (len(days) // 2)
                       + ["Nord"] * (len(days) % 2)})  # fmt: skip
    return Table("t", df, "orders", {"date": "date", "amount": "amount", "region": "region"})


def test_partial_buckets_allow_a_last_day_or_two_without_sales() -> None:
    # Data to 30 December (Superstore): December is complete, in trends as on the dashboard.
    full = facts_of(_daily("2024-12-30"))
    s = trends.measure_trend(full, "revenue", "month", as_of="2024-12-30")
    assert not s["partial"].any()
    # Data to 9 December (Online Retail): December is partial, and so left out of the
    # forecast's history and of the anomaly check.
    part = facts_of(_daily("2024-12-09"))
    s = trends.measure_trend(part, "revenue", "month", as_of="2024-12-09")
    assert s["partial"].tolist() == [False] * 12 + [True]
    flagged, _ = anomalies(s, "month")
    assert flagged["excluded"].iloc[-1] == "partial"
    # The breakdown says so too; weeks and days follow the same rule.
    b = trends.breakdown_trend(part, "revenue", "region", "month")
    assert b.loc[b["start"] == pd.Timestamp("2024-12-01"), "partial"].all()
    assert not b.loc[b["start"] == pd.Timestamp("2024-11-01"), "partial"].any()
    days = trends.measure_trend(part, "revenue", "day", as_of="2024-12-09")
    assert not days["partial"].any()
    # "Today" from another column or table (the CRM set: deals created to 27 December, closed
    # to the 31st) does not stretch this table's coverage: December stays in progress.
    late = facts_of(_daily("2024-12-27"))
    s = trends.measure_trend(late, "revenue", "month", as_of="2024-12-31")
    assert s["partial"].tolist() == [False] * 12 + [True]
    # A "today" before the table's last day cuts it there, with no grace.
    s = trends.measure_trend(full, "revenue", "month", as_of="2024-12-28")
    assert s["partial"].tolist()[-1] is True
    # The engine's own series and a KPI trend agree.
    eng = Engine([_daily("2024-12-09")])
    k = trends.kpi_trend(eng, "aov", "month")
    assert k["partial"].tolist() == [False] * 12 + [True]
