"""Complete and partial periods, the default period and its label (kpi.metrics.coverage)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.data import Table, load_path, load_table, sample_files
from kpi.metrics import Engine, Period, default_period, main_table, parse_period
from kpi.metrics.coverage import (
    COMPLETE,
    IN_PROGRESS,
    OUTSIDE,
    STARTS_LATE,
    Coverage,
    coverage,
    grace_days,
    periods_with_data,
)
from tests.conftest import realdata

T = pd.Timestamp


def _days(*dates: str) -> np.ndarray:
    return (pd.to_datetime(list(dates)).to_numpy(dtype="datetime64[D]")).astype(np.int64)


def test_grace_is_the_tables_own_rhythm() -> None:
    # Every day but Saturday (Online Retail): gaps of 1 and 2 days → 2.
    days = pd.date_range("2024-01-01", "2024-12-31")
    no_saturday = days[days.day_of_week != 5]
    assert grace_days(no_saturday.to_numpy(dtype="datetime64[D]").astype(np.int64)) == 2
    # Monday to Friday: gaps of 1 and 3 (a weekend) → 3.
    weekdays = days[days.day_of_week < 5]
    assert grace_days(weekdays.to_numpy(dtype="datetime64[D]").astype(np.int64)) == 3
    # A monthly table dated on the 1st: about a month.
    months = pd.date_range("2024-01-01", "2025-12-01", freq="MS")
    assert grace_days(months.to_numpy(dtype="datetime64[D]").astype(np.int64)) == 31
    # Every day: still "a last day or two" (at least 2); one day only: 2.
    assert grace_days(days.to_numpy(dtype="datetime64[D]").astype(np.int64)) == 2
    assert grace_days(_days("2024-01-01")) == 2
    # Only the last 365 days count: an old quiet year does not widen it.
    old = pd.date_range("2020-01-01", "2020-12-31", freq="10D")
    both = np.concatenate([old, weekdays]).astype("datetime64[D]").astype(np.int64)
    assert grace_days(both) == 3


def test_states_elapsed_and_labels_on_online_retails_dates() -> None:
    cov = Coverage(T("2010-12-01"), T("2011-12-09"), 2)
    dec, nov = parse_period("2011-12"), parse_period("2011-11")
    assert cov.state(dec) == IN_PROGRESS and cov.state(nov) == COMPLETE
    assert cov.elapsed(dec) == pytest.approx(9 / 31) and cov.elapsed(nov) == 1.0
    assert cov.state(parse_period("2010")) == STARTS_LATE  # December 2010 only
    assert cov.state(parse_period("2010-12")) == COMPLETE
    assert cov.state(parse_period("2012-01")) == OUTSIDE
    assert cov.elapsed(parse_period("2012-01")) == 0.0
    assert cov.state(Period.all()) == COMPLETE
    assert cov.label(dec, "fr") == "décembre 2011 — jusqu'au 9"
    assert cov.label(dec, "en") == "December 2011 — to the 9th"
    assert cov.label(parse_period("2011-Q4"), "en") == "Q4 2011 — to 9 Dec"
    assert cov.label(parse_period("2010"), "fr") == "2010 — depuis le 1er déc."
    assert cov.label(nov, "fr") == "novembre 2011"
    note = cov.note(parse_period("2010"))
    assert note is not None and "1er décembre 2010" in note.text("fr")
    assert cov.note(nov) is None


def test_a_last_day_or_two_without_sales() -> None:
    # Data to the 30th: December complete; to the 28th (3 days short) with a grace of 2: not.
    assert Coverage(T("2022-01-03"), T("2022-12-30"), 2).complete(parse_period("2022-12"))
    assert not Coverage(T("2022-01-03"), T("2022-12-28"), 2).complete(parse_period("2022-12"))
    assert Coverage(T("2022-01-03"), T("2022-12-28"), 3).complete(parse_period("2022-12"))
    # January starting on the 3rd (a bank holiday and a weekend) is complete too.
    assert Coverage(T("2022-01-03"), T("2022-12-30"), 2).complete(parse_period("2022-01"))


def _orders(dates: list[str], kind: str = "orders") -> Table:
    df = pd.DataFrame({"date": pd.to_datetime(dates), "amount": 10.0})
    return Table(f"{kind}.csv", df, kind, {"date": "date", "amount": "amount"})


def test_default_period_is_the_last_complete_one_of_the_main_table() -> None:
    days = [str(d.date()) for d in pd.date_range("2024-01-01", "2024-12-09")]
    orders = _orders(days)
    assert default_period([orders], "month") == parse_period("2024-11")
    assert default_period([orders], "quarter") == parse_period("2024-Q3")
    # No complete year: the latest one with data.
    assert default_period([orders], "year") == parse_period("2024")
    assert default_period([orders], "all").is_all
    # Deals whose dates run to September 2025 do not decide: orders come first.
    late = pd.DataFrame(
        {
            "created": pd.to_datetime(["2024-06-01", "2025-09-30"]),
            "stage": ["Won", "Open"],
        }
    )
    deals = Table("deals.csv", late, "deals", {"created_date": "created", "stage": "stage"})
    assert main_table([deals, orders]) is orders
    assert default_period([deals, orders], "month") == parse_period("2024-11")
    # Without orders, the deals decide.
    assert main_table([deals]) is deals
    assert [p.key for p in periods_with_data([orders], "quarter")] == [
        "2024-Q4",
        "2024-Q3",
        "2024-Q2",
        "2024-Q1",
    ]
    assert default_period([], "month").is_all


def test_sample_data_opens_on_december_2025() -> None:
    tables = [load_table(p.read_bytes(), p.name) for p in sample_files(".csv")]
    assert main_table(tables).name == "ventes.csv"
    assert default_period(tables, "month") == parse_period("2025-12")
    assert default_period(tables, "year") == parse_period("2025")
    # The monthly spend and targets tables (dated on the 1st) cover December 2025 too.
    spend = next(t for t in tables if t.kind == "spend")
    assert coverage(spend).grace >= 28 and coverage(spend).complete(parse_period("2025-12"))


def test_engine_results_on_a_month_in_progress() -> None:
    # Ten orders of 10 a day in November; December to the 9th only.
    days = [str(d.date()) for d in pd.date_range("2024-11-01", "2024-12-09")]
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(days),
            "amount": 100.0,
            "customer": [f"C{i % 7}" for i in range(len(days))],
        }
    )
    t = Table("t", df, "orders", {"date": "date", "amount": "amount", "customer_id": "customer"})
    e = Engine([t])
    rev = e.result("revenue", "2024-12")
    # 900 over 9 of 31 days: projected 3,100 against 3,000 in November → +3.3 %, labelled.
    assert rev.state == IN_PROGRESS and rev.elapsed == pytest.approx(9 / 31)
    assert rev.value == pytest.approx(900.0) and rev.projected == pytest.approx(3100.0)
    assert rev.change == pytest.approx(100 / 3000)
    # Distinct customers are not projected: no comparison until December is over.
    cust = e.result("customers", "2024-12")
    assert cust.projected is None and cust.change is None and not cust.compared
    assert cust.notes and "9 décembre 2024" in cust.notes[0].text("fr")
    # A rate is compared as it is (the average order value: 100 both months).
    aov = e.result("aov", "2024-12")
    assert aov.compared and aov.change == pytest.approx(0.0)
    # Revenue growth is not given for a month in progress.
    growth = e.value("revenue_growth", "2024-12")
    assert growth.value is None and growth.reason == "compute.reason.growth_in_progress"
    # November is complete: plain values, no projection.
    nov = e.result("revenue", "2024-11")
    assert nov.state == COMPLETE and nov.projected is None and nov.elapsed == 1.0
    # The series says which months are complete.
    s = e.series("revenue")
    assert s["complete"].tolist() == [True, False]


@pytest.mark.realdata
def test_online_retail_opens_on_november_2011() -> None:
    t = load_path(realdata("online_retail/online_retail_uci_by-day_concatenated.csv"))
    assert default_period([t], "month") == parse_period("2011-11")
    e = Engine([t])
    assert e.result("revenue", "2011-11").value == pytest.approx(1_461_756.25, abs=0.01)
    dec = e.result("revenue", "2011-12")
    assert dec.state == IN_PROGRESS and dec.projected == pytest.approx(
        433_668.01 * 31 / 9, rel=1e-6
    )
    # 2011 against 2010, which holds December only: no growth rate.
    year = e.result("revenue", "2011")
    assert year.change is None and not year.compared
    assert "1er décembre 2010" in " ".join(n.text("fr") for n in year.notes)
    growth = e.value("revenue_growth", "2011")  # 2011 is in progress, 2010 starts late
    assert growth.value is None and growth.reason == "compute.reason.growth_in_progress"
    assert e.value("revenue_growth", "2011-01").value is not None  # two whole months
    # New customers in December (to the 9th): no "down 56 %" from a linear projection.
    new = e.result("new_customers", "2011-12")
    assert new.change is None and new.projected is None
    # The alerts of November agree with its cards: the revenue anomaly, if any, is on its
    # value, and nothing is projected.
    res = e.results("2011-11", ["revenue", "orders", "customers", "new_customers"])
    for alert in e.alerts(res):
        card_value = next(r.value for r in res if r.id == alert.kpi_id)
        assert not alert.projected
        if alert.kind in ("drop", "anomaly"):
            assert alert.value == pytest.approx(card_value)


@pytest.mark.realdata
def test_superstore_december_2022_is_complete() -> None:
    t = load_path(realdata("superstore/Sample - Superstore.csv"))
    cov = coverage(t)
    assert cov.last == T("2022-12-30")
    assert cov.complete(parse_period("2022-12")) and cov.complete(parse_period("2022"))
    assert default_period([t], "month") == parse_period("2022-12")
    assert Engine([t]).result("revenue", "2022").value == pytest.approx(745_567.53, abs=0.01)
