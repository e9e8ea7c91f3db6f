"""The MRR engine (kpi.metrics.subscriptions) against hand-computed figures.

One story runs through these tests, told as a plain table (``story()``) and as the three export
fixtures of ``tests/fixtures/sources`` (Stripe, Chargebee, a French "abonnements" table). In EUR,
month-end snapshots:

- Alpha: 3 seats × 49.90 monthly from 2023-01-15 (149.70); +2 seats on 2024-03-10 (249.50).
- Bravo: annual plan, 2 seats × 1 200.00 a year from 2023-03-01 → 200.00 a month.
- Charlie: 99.00 monthly from 2023-02-01, down to 59.00 on 2024-03-20.
- Delta: 79.00 monthly from 2023-05-10, cancelled at period end, period ending 2024-03-10.
- Echo: 29.99 monthly from 2023-01-01 to 2023-09-30; back on 2024-03-05 at 39.99.
- Foxtrot: trial from 2024-02-20 to 2024-03-05, then 4 seats × 19.90 = 79.60.
- Golf: trial from 2024-03-01, cancelled at its end (2024-03-15): never paid.
- Hotel: 300.00 every 3 months from 2023-06-01 → 100.00 a month.
- India: 12.00 a week from 2024-01-08 → 12 × 52 / 12 = 52.00 a month.
- Mike: 25.00 monthly from 2023-11-12, cancellation booked on 2024-03-28 for 2024-04-12.
- Juliet (never paid), Kilo (unpaid), Lima (still in trial): not counted.

February 2024: Alpha 149.70 + Bravo 200 + Charlie 99 + Delta 79 + Hotel 100 + India 52 +
Mike 25 = 704.70 (7 customers). March 2024: Alpha 249.50 + Bravo 200 + Charlie 59 + Echo 39.99
+ Foxtrot 79.60 + Hotel 100 + India 52 + Mike 25 = 805.09 (8 customers). March movements: new
79.60 (Foxtrot), reactivation 39.99 (Echo), expansion 99.80 (Alpha), contraction 40.00 (Charlie),
churn 79.00 (Delta); 79.60 + 39.99 + 99.80 − 40 − 79 = 100.39 = 805.09 − 704.70.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi import i18n
from kpi.errors import PiloteError
from kpi.metrics import subscriptions as subs
from kpi.metrics.subscriptions import parse_interval, prepare

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
T = pd.Timestamp
NaT = pd.NaT

MAPPING = {
    "subscription_id": "id",
    "customer_id": "customer",
    "product": "plan",
    "unit_price": "price",
    "quantity": "seats",
    "interval": "interval",
    "start_date": "start",
    "trial_end": "trial_end",
    "end_date": "ended_at",
    "canceled_at": "canceled_at",
    "cancel_at_period_end": "at_period_end",
    "current_period_end": "period_end",
    "status": "status",
    "currency": "currency",
}
ROWS = [
    # id, customer, plan, price, seats, interval, start, trial end, ended at, canceled at,
    # cancel at period end, current period end, status
    ("A1", "Alpha", "Pro", 49.90, 3, "month", "2023-01-15 10:12", None, "2024-03-10 14:03", None, False, None, "canceled"),
    ("A2", "Alpha", "Pro", 49.90, 5, "month", "2024-03-10 14:03", None, None, None, False, "2024-04-10", "active"),
    ("B1", "Bravo", "Team", 1200.00, 2, "year", "2023-03-01 09:00", None, None, None, False, "2025-03-01", "active"),
    ("C1", "Charlie", "Essentiel+", 99.00, 1, "month", "2023-02-01", None, "2024-03-20", None, False, None, "canceled"),
    ("C2", "Charlie", "Essentiel", 59.00, 1, "month", "2024-03-20", None, None, None, False, "2024-04-20", "active"),
    # cancelled at period end, no "ended at": ends at the current period end
    ("D1", "Delta", "Plus", 79.00, 1, "month", "2023-05-10", None, None, "2024-02-15", True, "2024-03-10 11:00", "canceled"),
    ("E1", "Echo", "Basic", 29.99, 1, "month", "2023-01-01", None, "2023-09-30", None, False, None, "canceled"),
    ("E2", "Echo", "Basic", 39.99, 1, "month", "2024-03-05", None, None, None, False, "2024-04-05", "active"),
    ("F1", "Foxtrot", "Seats", 19.90, 4, "month", "2024-02-20 15:30", "2024-03-05 15:30", None, None, False, "2024-04-05", "active"),
    ("G1", "Golf", "Seats", 19.90, 2, "month", "2024-03-01", "2024-03-15", "2024-03-15", "2024-03-15", False, None, "canceled"),
    ("H1", "Hotel", "Business", 300.00, 1, "every 3 months", "2023-06-01", None, None, None, False, "2024-06-01", "active"),
    ("I1", "India", "Weekly", 12.00, 1, "week", "2024-01-08", None, None, None, False, "2024-04-01", "active"),
    # cancellation booked, not due yet: ends at the current period end
    ("M1", "Mike", "Lite", 25.00, 1, "month", "2023-11-12", None, None, "2024-03-28", True, "2024-04-12", "active"),
    ("J1", "Juliet", "Plus", 79.00, 1, "month", "2024-03-18", None, None, None, False, None, "incomplete_expired"),
    ("K1", "Kilo", "Basic", 29.99, 1, "month", "2023-08-04", None, None, None, False, "2024-04-04", "unpaid"),
    ("L1", "Lima", "Pro", 49.90, 1, "month", "2024-03-25", "2024-04-08", None, None, False, "2024-04-08", "trialing"),
]  # fmt: skip
COLUMNS = ["id", "customer", "plan", "price", "seats", "interval", "start", "trial_end",
           "ended_at", "canceled_at", "at_period_end", "period_end", "status"]  # fmt: skip
DATES = ["start", "trial_end", "ended_at", "canceled_at", "period_end"]

# March 2024, computed by hand (module docstring).
MARCH = {
    "mrr": 805.09,
    "arr": 12 * 805.09,
    "new_mrr": 79.60,
    "reactivation_mrr": 39.99,
    "expansion_mrr": 99.80,
    "contraction_mrr": 40.00,
    "churned_mrr": 79.00,
    "net_new_mrr": 100.39,
    "logo_churn_rate": 1 / 7,
    "arpa": 805.09 / 8,
    # customers with MRR at 2023-03-31: Alpha 149.70, Bravo 200, Charlie 99, Echo 29.99
    "nrr": (249.50 + 200 + 59 + 39.99) / (149.70 + 200 + 99 + 29.99),
    "grr": (149.70 + 200 + 59 + 29.99) / (149.70 + 200 + 99 + 29.99),
}


def story(**changes: object) -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=COLUMNS)
    for c in DATES:
        df[c] = pd.to_datetime(df[c], format="ISO8601")
    df["currency"] = "EUR"
    for column, value in changes.items():
        df[column] = value
    return df


@pytest.fixture(scope="module")
def table() -> subs.Subscriptions:
    return prepare(story(), MAPPING, as_of="2024-03-31")


def values(kpis: dict[str, subs.Value]) -> dict[str, float | None]:
    return {k: v.value for k, v in kpis.items()}


# ---------------------------------------------------------------------------------------------
# Intervals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("month", ("month", 1)),
        ("Monthly", ("month", 1)),
        ("Mensuel", ("month", 1)),
        ("mensuelle", ("month", 1)),
        ("year", ("year", 1)),
        ("Annuel", ("year", 1)),
        ("1 Year", ("year", 1)),
        ("tous les ans", ("year", 1)),
        ("tous les deux ans", ("year", 2)),
        ("every 3 months", ("month", 3)),
        ("tous les 3 mois", ("month", 3)),
        ("3 Months", ("month", 3)),
        ("Trimestriel", ("month", 3)),
        ("quarterly", ("month", 3)),
        ("Semestriel", ("month", 6)),
        ("week", ("week", 1)),
        ("Hebdomadaire", ("week", 1)),
        ("Every 2 weeks", ("week", 2)),
        ("day", ("day", 1)),
        ("quotidien", ("day", 1)),
        ("P1M", ("month", 1)),
        ("P1Y", ("year", 1)),
        ("custom", None),
        ("sur mesure", None),
        ("0 month", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_interval(text: object, expected: tuple[str, int] | None) -> None:
    assert parse_interval(text) == expected


def test_monthly_normalisation_by_hand() -> None:
    # year ÷ 12, week × 52 ÷ 12, day × 365 ÷ 12, interval count divides, × quantity
    df = pd.DataFrame(
        {
            "c": ["a", "b", "c", "d", "e", "f"],
            "p": [1200.0, 12.0, 2.0, 90.0, 90.0, 600.0],
            "q": [2, 1, 1, 1, 1, 3],
            "i": ["year", "week", "day", "month", "every 3 months", "month"],
            "n": [1, 1, 1, 3, 3, 2],  # the count in "every 3 months" is not applied twice
            "s": pd.to_datetime(["2024-01-01"] * 6),
        }
    )
    m = {"customer_id": "c", "unit_price": "p", "quantity": "q", "interval": "i",
         "interval_count": "n", "start_date": "s"}  # fmt: skip
    t = prepare(df, m)
    amounts = dict(zip(t.table_["customer"], t.table_["monthly_amount"], strict=True))
    assert amounts == {"a": 200.0, "b": 52.0, "c": pytest.approx(365 * 2 / 12, abs=1e-8),
                       "d": 30.0, "e": 30.0, "f": 900.0}  # fmt: skip
    assert t.kpi("mrr", "2024-01").value == pytest.approx(200 + 52 + 365 * 2 / 12 + 30 + 30 + 900)


# ---------------------------------------------------------------------------------------------
# The KPIs of a month, a quarter, a year


def test_march_by_hand(table: subs.Subscriptions) -> None:
    got = table.kpis("2024-03")
    assert set(got) == set(subs.KPI_IDS)
    for kpi_id, expected in MARCH.items():
        assert got[kpi_id].status == subs.OK, kpi_id
        assert got[kpi_id].value == pytest.approx(expected, abs=0.005), kpi_id
    assert got["mrr"].value == 805.09 and got["net_new_mrr"].value == 100.39  # to the cent


def test_march_inputs_are_given(table: subs.Subscriptions) -> None:
    got = table.kpis("2024-03")
    assert got["mrr"].detail["customers"] == 8
    assert got["mrr"].detail["snapshot"] == "2024-03-31"
    assert got["logo_churn_rate"].detail["churned_customers"] == 1
    assert got["logo_churn_rate"].detail["customers_at_start"] == 7
    assert got["arpa"].detail["customers"] == 8
    assert got["nrr"].detail["denominator"] == pytest.approx(478.69)
    assert got["nrr"].detail["numerator"] == pytest.approx(548.49)
    assert got["grr"].detail["numerator"] == pytest.approx(438.69)
    assert got["nrr"].detail["base_customers"] == 4
    assert got["nrr"].detail["base_snapshot"] == "2023-03-31"
    assert got["net_new_mrr"].detail["start_mrr"] == 704.70
    assert got["net_new_mrr"].detail["end_mrr"] == 805.09
    for name in ("new", "reactivation", "expansion", "contraction", "churned"):
        assert got[f"{name}_mrr"].detail["customers"] == 1


def test_quarter_sums_movements_and_snapshots_its_last_day(table: subs.Subscriptions) -> None:
    # Dec 2023: Alpha 149.70, Bravo 200, Charlie 99, Delta 79, Hotel 100, Mike 25 = 652.70
    # (6 customers). Q1 2024: India new in January (52), Foxtrot in March (79.60).
    got = values(table.kpis("2024-Q1"))
    assert got["mrr"] == 805.09
    assert got["new_mrr"] == pytest.approx(52 + 79.60)
    assert got["reactivation_mrr"] == 39.99
    assert got["expansion_mrr"] == 99.80
    assert got["contraction_mrr"] == 40.00
    assert got["churned_mrr"] == 79.00
    assert got["net_new_mrr"] == pytest.approx(805.09 - 652.70)
    assert got["logo_churn_rate"] == pytest.approx(1 / 6)
    assert got["nrr"] == pytest.approx(MARCH["nrr"])  # twelve months before the quarter's end
    assert table.kpis("2024-T1")["mrr"].value == 805.09  # French quarter
    assert table.kpis(pd.Period("2024Q1", "Q"))["new_mrr"].value == pytest.approx(131.60)


def test_year_2023(table: subs.Subscriptions) -> None:
    # New in 2023: Alpha 149.70 + Echo 29.99 (Jan), Charlie 99 (Feb), Bravo 200 (Mar),
    # Delta 79 (May), Hotel 100 (Jun), Mike 25 (Nov) = 682.69; Echo churns in September.
    got = table.kpis("2023")
    assert got["mrr"].value == 652.70
    assert got["new_mrr"].value == 682.69
    assert got["new_mrr"].detail["customers"] == 7
    assert got["churned_mrr"].value == 29.99
    assert got["net_new_mrr"].value == 652.70
    assert got["arpa"].value == pytest.approx(652.70 / 6)
    # nobody had MRR at the end of 2022: undefined, with a reason
    for kpi_id in ("logo_churn_rate", "nrr", "grr"):
        assert got[kpi_id].value is None and got[kpi_id].status == subs.UNDEFINED
        assert got[kpi_id].reason_text("fr") and got[kpi_id].reason_text("en")
    assert got["logo_churn_rate"].reason == "subscriptions.reason.no_customers_at_start"
    assert got["nrr"].reason == "subscriptions.reason.no_history"


def test_period_objects_and_ranges(table: subs.Subscriptions) -> None:
    from kpi.metrics.periods import Period

    assert table.kpi("mrr", Period.month(2024, 3)).value == 805.09
    assert table.kpi("new_mrr", Period.quarter(2024, 1)).value == pytest.approx(131.60)
    assert table.kpi("churned_mrr", Period.year(2023)).value == 29.99
    whole = Period.between("2024-02-01", "2024-03-31")
    assert table.kpi("net_new_mrr", whole).value == pytest.approx(100.39)
    with pytest.raises(PiloteError) as err:
        table.kpis(Period.between("2024-02-10", "2024-03-31"))
    assert err.value.key == "subscriptions.period_not_months"
    with pytest.raises(PiloteError) as err:
        table.kpis("mars")
    assert err.value.key == "subscriptions.bad_period"
    with pytest.raises(PiloteError):
        table.kpis("2024-03", ("mrr", "revenue"))


def test_before_the_data_is_no_data(table: subs.Subscriptions) -> None:
    got = table.kpis("2022-06")
    assert all(v.value is None and v.status == subs.NO_DATA for v in got.values())
    assert got["mrr"].reason_text("fr")


def test_partial_period_is_flagged() -> None:
    t = prepare(story(), MAPPING)  # as_of: the latest event, Mike's cancellation on 2024-03-28
    assert t.as_of_ == T("2024-03-28")
    assert t.last_month_ == pd.Period("2024-03", "M")
    assert t.kpi("mrr", "2024-03").detail["partial"] is True  # data to the 28th of 31
    assert t.kpi("mrr", "2024-02").detail["partial"] is False
    late = prepare(story(), MAPPING, as_of="2024-03-29")  # a last day or two allowed
    assert late.kpi("mrr", "2024-03").detail["partial"] is False


# ---------------------------------------------------------------------------------------------
# History, waterfall, movements, cohorts, matrix


def test_history(table: subs.Subscriptions) -> None:
    h = table.history().set_index("month")
    assert h.index[0] == T("2023-01-01") and h.index[-1] == T("2024-03-01")
    assert h.loc["2023-09-01", "churned"] == 29.99
    assert h.loc["2023-09-01", "end_mrr"] == pytest.approx(627.70)
    assert h.loc["2024-02-01", "end_mrr"] == 704.70
    assert h.loc["2024-03-01", "start_mrr"] == 704.70
    assert h.loc["2024-03-01", "end_mrr"] == 805.09
    assert h.loc["2024-03-01", "customers"] == 8
    # every month: start + new + reactivation + expansion − contraction − churned = end
    rebuilt = h["start_mrr"] + h["new"] + h["reactivation"] + h["expansion"]
    rebuilt = rebuilt - h["contraction"] - h["churned"]
    assert np.allclose(rebuilt, h["end_mrr"], atol=1e-9)
    assert np.allclose(h["net_new"], h["end_mrr"] - h["start_mrr"], atol=1e-9)
    assert (h["start_mrr"].iloc[1:].to_numpy() == h["end_mrr"].iloc[:-1].to_numpy()).all()
    part = table.history("2024-01", "2024-03")
    assert list(part["month"]) == [T("2024-01-01"), T("2024-02-01"), T("2024-03-01")]
    assert part["new"].tolist() == [52.0, 0.0, 79.60]


def test_waterfall(table: subs.Subscriptions) -> None:
    w = table.waterfall("2024-03").set_index("step")
    assert list(w.index) == ["start", "new", "reactivation", "expansion", "contraction",
                             "churned", "end"]  # fmt: skip
    assert w["amount"].tolist() == [704.70, 79.60, 39.99, 99.80, -40.0, -79.0, 805.09]
    assert w["customers"].tolist() == [7, 1, 1, 1, 1, 1, 8]
    assert w.loc["new", "low"] == 704.70 and w.loc["new", "high"] == pytest.approx(784.30)
    assert w.loc["churned", "high"] == 884.09  # 704.70 + 79.60 + 39.99 + 99.80 − 40
    assert w.loc["churned", "low"] == 805.09
    assert w.loc["end", "low"] == 0 and w.loc["end", "high"] == 805.09


def test_movements_name_the_customers(table: subs.Subscriptions) -> None:
    m = table.movements("2024-03")
    got = list(zip(m["movement"], m["customer"], m["change"].round(2), strict=True))
    assert got == [
        ("new", "Foxtrot", 79.60),
        ("reactivation", "Echo", 39.99),
        ("expansion", "Alpha", 99.80),
        ("contraction", "Charlie", -40.0),
        ("churned", "Delta", -79.0),
    ]
    assert m.loc[m["customer"] == "Alpha", ["previous_mrr", "mrr"]].values.tolist() == [
        [149.70, 249.50]
    ]
    q = table.movements("2024-Q1")
    assert len(q) == 6 and q["customer"].iloc[0] == "India"  # new in January
    # movements add up to the KPIs
    for name in subs.MOVEMENTS:
        total = q.loc[q["movement"] == name, "change"].abs().sum()
        assert total == pytest.approx(table.kpi(f"{name}_mrr", "2024-Q1").value)


def test_cohorts(table: subs.Subscriptions) -> None:
    c = table.cohorts().set_index(["cohort", "age"])
    jan = c.loc[T("2023-01-01")]  # Alpha 149.70 and Echo 29.99
    assert jan.loc[0, "customers"] == 2 and jan.loc[0, "start_mrr"] == pytest.approx(179.69)
    # September 2023 (age 8): Echo gone
    assert jan.loc[8, "mrr"] == pytest.approx(149.70)
    assert jan.loc[8, "nrr"] == pytest.approx(149.70 / 179.69)
    assert jan.loc[8, "active_customers"] == 1
    # March 2024 (age 14): Alpha 249.50, Echo back at 39.99; GRR caps each at its start
    assert jan.loc[14, "nrr"] == pytest.approx((249.50 + 39.99) / 179.69)
    assert jan.loc[14, "grr"] == pytest.approx(1.0)
    assert jan.index.max() == 14
    assert c.loc[(T("2024-03-01"), 0), "customers"] == 1  # Foxtrot
    assert c.loc[(T("2024-03-01"), 0), "start_mrr"] == pytest.approx(79.60)
    assert T("2024-02-01") not in c.index.get_level_values(0)  # Foxtrot's trial month


def test_matrix(table: subs.Subscriptions) -> None:
    m = table.matrix("2024-02", "2024-03")
    assert list(m.columns) == [T("2024-02-01"), T("2024-03-01")]
    assert m.loc["Alpha"].tolist() == [149.70, 249.50]
    assert m.loc["Foxtrot"].tolist() == [0.0, 79.60]
    assert m.loc["India"].tolist() == [52.0, 52.0]
    assert m[T("2024-03-01")].sum() == pytest.approx(805.09)
    assert "Juliet" not in m.index and "Golf" in m.index
    assert (m.loc["Golf"] == 0).all()  # cancelled during its trial: never counted
    assert table.matrix("2022-11", "2022-12").to_numpy().sum() == 0


# ---------------------------------------------------------------------------------------------
# Dates, trials, statuses


def test_snapshot_is_23_59_59_on_the_last_day() -> None:
    df = pd.DataFrame(
        {
            "c": ["a", "b", "c", "d"],
            "p": [10.0, 20.0, 40.0, 80.0],
            "s": pd.to_datetime(
                ["2024-01-31 23:59:59", "2024-02-01 00:00:00", "2024-01-10", "2024-01-10"],
                format="ISO8601",
            ),  # fmt: skip
            "e": pd.to_datetime(
                [None, None, "2024-01-31 23:59:59", "2024-02-01 00:00:00"], format="ISO8601"
            ),  # fmt: skip
        }
    )
    t = prepare(df, {"customer_id": "c", "unit_price": "p", "start_date": "s", "end_date": "e"})
    # a: counted in January; b: from February; c: gone by the snapshot; d: still there
    assert t.kpi("mrr", "2024-01").value == 10 + 80
    assert t.kpi("mrr", "2024-02").value == 10 + 20


def test_time_zones_are_read_as_written() -> None:
    df = pd.DataFrame(
        {
            "c": ["a"],
            "p": [10.0],
            "s": pd.to_datetime(["2024-01-31 23:30"]).tz_localize("America/New_York"),
        }
    )
    t = prepare(df, {"customer_id": "c", "unit_price": "p", "start_date": "s"})
    assert t.kpi("mrr", "2024-01").value == 10  # not moved to February by a UTC conversion


def test_trials(table: subs.Subscriptions) -> None:
    assert table.matrix("2024-02", "2024-02").loc["Foxtrot"].iloc[0] == 0  # in trial
    assert table.table_.set_index("subscription").loc["F1", "counted_from"] == T("2024-03-05 15:30")
    still = {e.reason: e for e in table.exclusions_}["subscriptions.excluded.in_trial"]
    assert still.rows == 1 and still.examples == ("trialing",)
    assert still.monthly_amount == 49.90


def test_status_exclusions_are_counted_and_shown(table: subs.Subscriptions) -> None:
    got = {e.reason: (e.rows, e.examples) for e in table.exclusions_}
    assert got == {
        "subscriptions.excluded.incomplete": (1, ("incomplete_expired",)),
        "subscriptions.excluded.unpaid": (1, ("unpaid",)),
        "subscriptions.excluded.in_trial": (1, ("trialing",)),
    }
    assert table.rows_ == len(ROWS)
    assert len(table.table_) + sum(e.rows for e in table.exclusions_) == len(ROWS)
    texts = [e.text("fr") for e in table.exclusions_] + [e.text("en") for e in table.exclusions_]
    assert all("1" in t and "subscriptions." not in t for t in texts)


def test_past_due_counts_and_unknown_status_is_noted() -> None:
    df = story()
    df.loc[df["id"] == "H1", "status"] = "past_due"
    df.loc[df["id"] == "I1", "status"] = "gelé"
    t = prepare(df, MAPPING, as_of="2024-03-31")
    assert t.kpi("mrr", "2024-03").value == 805.09
    assert [n.key for n in t.notes_] == ["subscriptions.note.unknown_status"]
    assert "gelé" in t.notes_[0].text("fr")
    # the user can say what an unknown status means
    t = prepare(df, MAPPING, statuses={"gelé": "paused"}, as_of="2024-03-31")
    assert t.kpi("mrr", "2024-03").value == pytest.approx(805.09 - 52)
    assert not t.notes_


def test_ended_row_without_any_end_date_is_excluded() -> None:
    df = story()
    df.loc[df["id"] == "E1", "ended_at"] = NaT
    t = prepare(df, MAPPING, as_of="2024-03-31")
    ex = {e.reason: e for e in t.exclusions_}["subscriptions.excluded.ended_without_date"]
    assert ex.rows == 1 and ex.examples == ("canceled",)


def test_input_is_not_modified() -> None:
    df = story()
    before = df.copy()
    prepare(df, MAPPING).kpis("2024-03")
    pd.testing.assert_frame_equal(df, before)


# ---------------------------------------------------------------------------------------------
# Bad input


def test_no_customer_column() -> None:
    m = {k: v for k, v in MAPPING.items() if k != "customer_id"}
    with pytest.raises(PiloteError) as err:
        prepare(story(), m)
    assert err.value.key == "subscriptions.no_customer"
    assert "client" in err.value.message("fr") and "customer" in err.value.message("en")
    assert "customer" in err.value.message("en").split(":")[-1]  # lists the columns


def test_unknown_interval_is_a_counted_exclusion() -> None:
    df = story()
    df.loc[df["id"] == "H1", "interval"] = "custom"
    t = prepare(df, MAPPING, as_of="2024-03-31")
    ex = {e.reason: e for e in t.exclusions_}["subscriptions.excluded.unknown_interval"]
    assert (ex.rows, ex.examples) == (1, ("custom",))
    assert "custom" in ex.text("fr") and "custom" in ex.text("en")
    assert t.kpi("mrr", "2024-03").value == pytest.approx(805.09 - 100)
    df["interval"] = "custom"
    with pytest.raises(PiloteError) as err:
        prepare(df, MAPPING)
    assert err.value.key == "subscriptions.nothing_counted"
    assert "custom" in err.value.message("fr") and "custom" in err.value.message("en")


def test_empty_interval_is_not_read_as_monthly() -> None:
    df = story()
    df.loc[df["id"] == "B1", "interval"] = None
    t = prepare(df, MAPPING, as_of="2024-03-31")
    ex = {e.reason: e for e in t.exclusions_}["subscriptions.excluded.unknown_interval"]
    assert ex.rows == 1 and ex.examples == ("–",)


def test_end_before_start_is_a_counted_exclusion() -> None:
    df = story()
    df.loc[df["id"] == "C1", "ended_at"] = T("2022-12-01")
    t = prepare(df, MAPPING, as_of="2024-03-31")
    ex = {e.reason: e for e in t.exclusions_}["subscriptions.excluded.end_before_start"]
    assert ex.rows == 1 and ex.monthly_amount == 99.0
    assert t.kpi("mrr", "2024-02").value == pytest.approx(704.70 - 99)


def test_rows_with_missing_values() -> None:
    df = story()
    df.loc[df["id"] == "H1", "customer"] = None
    df.loc[df["id"] == "I1", "price"] = np.nan
    df.loc[df["id"] == "M1", "start"] = NaT
    df.loc[df["id"] == "B1", "price"] = -1200.0
    t = prepare(df, MAPPING, as_of="2024-03-31")
    got = {e.reason.rsplit(".", 1)[1]: e.rows for e in t.exclusions_}
    assert got == {"no_customer": 1, "no_price": 1, "no_start": 1, "negative_amount": 1,
                   "incomplete": 1, "unpaid": 1, "in_trial": 1}  # fmt: skip
    assert t.kpi("mrr", "2024-03").value == pytest.approx(805.09 - 100 - 52 - 25 - 200)


def test_several_currencies_are_never_summed() -> None:
    df = story()
    df.loc[df["customer"].isin(["Bravo", "Hotel"]), "currency"] = "usd"
    t = prepare(df, MAPPING, as_of="2024-03-31")
    assert t.currencies_ == {"EUR": 11, "USD": 2} and t.currency_ is None
    for call in (lambda: t.kpis("2024-03"), t.history, lambda: t.movements("2024-03")):
        with pytest.raises(PiloteError) as err:
            call()
        assert err.value.key == "subscriptions.several_currencies"
        assert "EUR 85 %" in err.value.message("fr") and "USD 15 %" in err.value.message("en")
    eur, usd = t.for_currency("EUR"), t.for_currency("$")
    assert eur.kpi("mrr", "2024-03").value == pytest.approx(805.09 - 300)
    assert usd.kpi("mrr", "2024-03").value == 300.0
    assert usd.currency_ == "USD"
    assert set(t.by_currency()) == {"EUR", "USD"}
    with pytest.raises(PiloteError) as err:
        t.for_currency("GBP")
    assert err.value.key == "subscriptions.unknown_currency"


def test_missing_currency_with_one_currency_is_filled_and_noted() -> None:
    df = story()
    df.loc[df["id"] == "H1", "currency"] = None
    t = prepare(df, MAPPING, as_of="2024-03-31")
    assert t.currency_ == "EUR"
    assert [n.key for n in t.notes_] == ["subscriptions.note.currency_filled"]
    df.loc[df["id"] == "B1", "currency"] = "USD"
    t = prepare(df, MAPPING, as_of="2024-03-31")
    got = {e.reason: e.rows for e in t.exclusions_}
    assert got["subscriptions.excluded.no_currency"] == 1


def test_mapping_problems_are_reported_together() -> None:
    df = story(start=["not a date"] + ["2024-01-01"] * (len(ROWS) - 1))
    m = {**MAPPING, "trial_end": "essai", "seats": "x"}
    with pytest.raises(PiloteError) as err:
        prepare(df, m)
    assert err.value.key == "subscriptions.bad_mapping"
    fr, en = err.value.message("fr"), err.value.message("en")
    assert "essai" in fr and "essai" in en
    assert "start" in en and "not a date" in en and "dates" in en and "dates" in fr
    with pytest.raises(PiloteError) as err:
        prepare(story(), {"customer_id": "customer"})
    assert "start date" in err.value.message("en") and "prix" in err.value.message("fr")
    with pytest.raises(PiloteError) as err:
        prepare(story(at_period_end="peut-être"), MAPPING)
    assert "oui ou non" in err.value.message("fr")


def test_text_columns_are_read() -> None:
    # what plain pandas gives for a French file read without dtype options
    df = story()
    for c in DATES:
        df[c] = df[c].dt.strftime("%d/%m/%Y %H:%M").where(df[c].notna(), "")
    df["price"] = df["price"].map(lambda v: f"{v:,.2f}".replace(",", " ").replace(".", ","))
    df["at_period_end"] = df["at_period_end"].map({True: "oui", False: "non"})
    t = prepare(df, MAPPING, as_of="2024-03-31")
    assert values(t.kpis("2024-03")) == pytest.approx(MARCH, abs=0.005)


def test_no_interval_column_reads_prices_as_monthly() -> None:
    df = pd.DataFrame({"c": ["a", "b"], "p": [10.0, 20.0], "s": pd.to_datetime(["2024-01-01"] * 2)})
    t = prepare(df, {"customer_id": "c", "unit_price": "p", "start_date": "s"})
    assert t.kpi("mrr", "2024-01").value == 30
    assert [n.key for n in t.notes_] == ["subscriptions.note.monthly_prices"]
    assert "« p »" in t.notes_[0].text("fr")


def test_monthly_amount_column() -> None:
    # The export's own MRR is used for rows with no price; the price wins when both exist: an
    # MRR column describes each subscription on the export day (a cancelled one may show 0,
    # as in the Chargebee fixture), which would erase its history.
    df = pd.DataFrame(
        {
            "c": ["a", "b", "c"],
            "price": [120.0, np.nan, np.nan],
            "i": ["year", None, None],
            "mrr": [0.0, 15.0, np.nan],
            "s": pd.to_datetime(["2024-01-01"] * 3),
        }
    )
    m = {"customer_id": "c", "unit_price": "price", "interval": "i", "monthly_amount": "mrr",
         "start_date": "s"}  # fmt: skip
    t = prepare(df, m)
    assert t.kpi("mrr", "2024-01").value == 10 + 15
    assert [(e.reason, e.rows) for e in t.exclusions_] == [("subscriptions.excluded.no_price", 1)]
    only = prepare(df, {"customer_id": "c", "monthly_amount": "mrr", "start_date": "s"})
    assert only.kpi("mrr", "2024-01").value == 0 + 15


def test_messages_exist_in_both_languages() -> None:
    keys = [k for k in i18n.messages() if k.startswith("subscriptions.")]
    assert len(keys) > 30
    for name in ("no_customer", "no_start", "no_price", "negative_amount", "unknown_interval",
                 "bad_interval_count", "end_before_start", "ended_without_date", "in_trial",
                 "incomplete", "unpaid", "paused", "no_currency"):  # fmt: skip
        texts = i18n.messages()[f"subscriptions.excluded.{name}"]
        assert texts["fr"] != texts["en"] and "{rows}" in texts["fr"] and "{rows}" in texts["en"]
    for name in (*subs.MOVEMENTS, "start", "end"):
        assert f"subscriptions.movement.{name}" in keys


# ---------------------------------------------------------------------------------------------
# The three export fixtures, read with plain pandas and a mapping


def read_stripe() -> tuple[pd.DataFrame, dict[str, str]]:
    df = pd.read_csv(FIXTURES / "stripe_subscriptions.csv")
    for c in [c for c in df.columns if c.endswith("(UTC)")]:
        df[c] = pd.to_datetime(df[c], format="ISO8601")
    return df, {
        "subscription_id": "id",
        "customer_id": "Customer ID",
        "product": "Product",
        "quantity": "Quantity",
        "currency": "Currency",
        "interval": "Interval",
        "unit_price": "Amount",
        "status": "Status",
        "start_date": "Start Date (UTC)",
        "trial_end": "Trial End (UTC)",
        "current_period_end": "Current Period End (UTC)",
        "canceled_at": "Canceled At (UTC)",
        "cancel_at_period_end": "Cancel At Period End",
        "end_date": "Ended At (UTC)",
    }


def read_chargebee() -> tuple[pd.DataFrame, dict[str, str]]:
    dates = ["Created On", "Started On", "Trial End", "Activated On",
             "Current Billing Term Start Date", "Current Billing Term End Date",
             "Next Billing On", "Canceled On"]  # fmt: skip
    df = pd.read_csv(FIXTURES / "chargebee_subscriptions.csv", parse_dates=dates)
    return df, {
        "subscription_id": "Subscription ID",
        "customer_id": "Customer ID",
        "product": "Current Plan",
        "quantity": "Plan Quantity",
        "unit_price": "Plan Unit Price",
        "monthly_amount": "MRR",
        "currency": "Currency",
        "interval": "Subscription Billing Period",
        "status": "Status",
        "start_date": "Started On",
        "trial_end": "Trial End",
        "current_period_end": "Current Billing Term End Date",
        "end_date": "Canceled On",  # "cancelled or set to be cancelled": the end itself
    }


def read_french() -> tuple[pd.DataFrame, dict[str, str]]:
    dates = ["Date de début", "Fin d'essai", "Date de résiliation", "Date de fin"]
    df = pd.read_csv(
        FIXTURES / "abonnements_fr.csv", sep=";", decimal=",", thousands=" ",
        encoding="utf-8-sig", parse_dates=dates, date_format="%d/%m/%Y",
    )  # fmt: skip
    return df, {
        "subscription_id": "N° abonnement",
        "customer_id": "Client",
        "product": "Formule",
        "interval": "Périodicité",
        "quantity": "Nb licences",
        "unit_price": "Prix unitaire HT",
        "currency": "Devise",
        "start_date": "Date de début",
        "trial_end": "Fin d'essai",
        "canceled_at": "Date de résiliation",
        "end_date": "Date de fin",
        "status": "Statut",
    }


@pytest.mark.parametrize(
    ("reader", "excluded", "as_of"),
    [
        (read_stripe, {"incomplete": 1, "unpaid": 1, "in_trial": 1}, T("2024-03-28 09:40")),
        (read_chargebee, {"paused": 1, "in_trial": 1}, T("2024-03-25 11:00")),
        (read_french, {"unpaid": 1, "in_trial": 1}, T("2024-03-28")),
    ],
    ids=["stripe", "chargebee", "abonnements_fr"],
)
def test_fixture_gives_the_hand_figures(reader, excluded: dict[str, int], as_of: T) -> None:  # noqa: ANN001
    df, mapping = reader()
    t = prepare(df, mapping)
    assert {e.reason.rsplit(".", 1)[1]: e.rows for e in t.exclusions_} == excluded
    assert t.currency_ == "EUR" and not t.notes_
    assert t.as_of_ == as_of and t.first_month_ == pd.Period("2023-01", "M")
    got = t.kpis("2024-03")
    for kpi_id, expected in MARCH.items():
        assert got[kpi_id].value == pytest.approx(expected, abs=0.005), kpi_id
    assert t.kpi("mrr", "2024-02").value == 704.70
    assert t.kpi("mrr", "2023-12").value == 652.70
    assert t.kpi("churned_mrr", "2023-09").value == 29.99
    assert t.kpi("mrr", "2024-04").value == pytest.approx(805.09 - 25)  # Mike has left
    assert t.waterfall("2024-03")["amount"].tolist() == [704.70, 79.60, 39.99, 99.80, -40.0,
                                                          -79.0, 805.09]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Against a plain re-implementation of KPI_SPEC on random tables


def _reference(df: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Each customer's MRR at each month-end, with no cleverness at all."""
    out = {}
    for month in months:
        snap = (month + 1).start_time - pd.Timedelta(seconds=1)
        start = df[["start", "trial_end"]].max(axis=1)
        active = (start <= snap) & (df["end"].isna() | (snap < df["end"]))
        out[month.start_time] = df[active].groupby("customer")["monthly"].sum()
    return pd.DataFrame(out).reindex(sorted(df["customer"].unique())).fillna(0.0)


def _reference_movements(m: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i, month in enumerate(m.columns):
        totals = dict.fromkeys(subs.MOVEMENTS, 0.0)
        for _, values_ in m.iterrows():
            c, p = values_.iloc[i], values_.iloc[i - 1] if i else 0.0
            had_before = (values_.iloc[:i] > 0).any()
            if p == 0 and c > 0:
                totals["reactivation" if had_before else "new"] += c
            elif p > 0 and c > p:
                totals["expansion"] += c - p
            elif c > 0 and c < p:
                totals["contraction"] += p - c
            elif p > 0 and c == 0:
                totals["churned"] += p
        rows.append({"month": month, **totals, "end_mrr": m[month].sum()})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_tables_match_a_plain_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 80
    start = T("2022-01-01") + pd.to_timedelta(rng.integers(0, 800, n), unit="D")
    start = start + pd.to_timedelta(rng.integers(0, 86400, n), unit="s")
    life = pd.to_timedelta(rng.integers(1, 500, n), unit="D")
    end = (start + life).where(rng.random(n) < 0.6)
    trial = (start + pd.Timedelta(days=14)).where(rng.random(n) < 0.3)
    interval = rng.choice(["month", "year", "week"], n)
    price = rng.integers(100, 20000, n) / 100
    seats = rng.integers(1, 4, n)
    df = pd.DataFrame({"customer": rng.choice(list("ABCDEFGHIJKLMNOP"), n), "price": price,
                       "seats": seats, "interval": interval, "start": start, "end": end,
                       "trial_end": trial})  # fmt: skip
    per_month = {"month": 1.0, "year": 12.0, "week": 12 / 52}
    df["monthly"] = df["price"] * df["seats"] / df["interval"].map(per_month)
    m = {"customer_id": "customer", "unit_price": "price", "quantity": "seats",
         "interval": "interval", "start_date": "start", "end_date": "end",
         "trial_end": "trial_end"}  # fmt: skip
    t = prepare(df, m, as_of="2024-12-31")
    months = pd.period_range("2022-01", "2024-12", freq="M")
    ref = _reference(df, months)
    got = t.matrix("2022-01", "2024-12").reindex(ref.index).fillna(0.0)
    assert np.allclose(got.to_numpy(), ref.to_numpy(), atol=1e-6)
    moves = _reference_movements(ref)
    hist = t.history("2022-01", "2024-12")
    for name in (*subs.MOVEMENTS, "end_mrr"):
        assert np.allclose(hist[name], moves[name], atol=1e-6), name
    # NRR / GRR of one month against the plain matrix
    now, then = ref[T("2024-06-01")], ref[T("2023-06-01")]
    had = then > 0
    assert t.kpi("nrr", "2024-06").value == pytest.approx(now[had].sum() / then[had].sum())
    capped = np.minimum(now, then)[had].sum() / then[had].sum()
    assert t.kpi("grr", "2024-06").value == pytest.approx(capped)
    # cohorts against the plain matrix
    first = (ref > 0).idxmax(axis=1)[(ref > 0).any(axis=1)]
    cohorts = t.cohorts("2024-12").set_index(["cohort", "age"])
    for (cohort, age), row in cohorts.sample(10, random_state=seed).iterrows():
        members = first.index[first == cohort]
        col = ref.columns.get_loc(cohort)
        base, now_ = ref.loc[members].iloc[:, col], ref.loc[members].iloc[:, col + age]
        assert row["customers"] == len(members)
        assert row["nrr"] == pytest.approx(now_.sum() / base.sum())
        assert row["grr"] == pytest.approx(np.minimum(now_, base).sum() / base.sum())


# ---------------------------------------------------------------------------------------------
# The demo company's subscriptions (sample_data/abonnements.csv)

DEMO = Path(__file__).resolve().parents[2] / "sample_data" / "abonnements.csv"
DEMO_MAPPING = {
    "subscription_id": "N° abonnement",
    "customer_id": "Client",
    "product": "Formule",
    "interval": "Périodicité",
    "quantity": "Postes",
    "unit_price": "Prix unitaire HT",
    "currency": "Devise",
    "start_date": "Date de début",
    "trial_end": "Fin d'essai",
    "canceled_at": "Date de résiliation",
    "end_date": "Date de fin",
    "status": "Statut",
}


@pytest.fixture(scope="module")
def demo_customers() -> pd.DataFrame:
    from sample_data.make_samples import make_orders

    return make_orders()[1]


def test_demo_file_is_what_the_generator_writes(demo_customers: pd.DataFrame) -> None:
    from sample_data.make_samples import csv_bytes
    from sample_data.subscriptions import SPEC, make_subscriptions

    df = make_subscriptions(demo_customers)
    assert csv_bytes(df, SPEC) == DEMO.read_bytes()
    assert set(df["Client"]) <= set(demo_customers.index)  # the customers of the orders
    business = demo_customers.loc[df["Client"].unique(), "segment"]
    assert set(business) <= {"PME", "Administration", "Grand compte"}


def test_demo_story() -> None:
    dates = ["Date de début", "Fin d'essai", "Date de résiliation", "Date de fin"]
    df = pd.read_csv(DEMO, sep=";", decimal=",", encoding="utf-8-sig", parse_dates=dates,
                     date_format="%d/%m/%Y")  # fmt: skip
    t = prepare(df, DEMO_MAPPING)
    assert t.as_of_ <= T("2025-12-31") and t.last_month_ == pd.Period("2025-12", "M")
    assert t.first_month_ <= pd.Period("2024-01", "M")  # at least two years
    assert {e.reason.rsplit(".", 1)[1]: e.rows for e in t.exclusions_} == {
        "unpaid": 4,
        "in_trial": 5,
    }
    assert t.currency_ == "EUR" and not t.notes_
    assert {"Mensuel", "Trimestriel", "Annuel"} == set(df["Périodicité"])
    assert df["Fin d'essai"].notna().sum() > 20 and df["Postes"].max() > 20
    for year in ("2024", "2025"):
        got = t.kpis(year)
        for kpi_id in ("new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr",
                       "churned_mrr"):  # fmt: skip
            assert got[kpi_id].value > 0, (year, kpi_id)
    dec = t.kpis("2025-12")
    assert dec["mrr"].value == 94937.80 and dec["mrr"].detail["customers"] == 222
    assert 0.95 < dec["nrr"].value < 1.15 and 0.8 < dec["grr"].value < 0.95
    h = t.history("2024-01", "2025-12")
    assert (h["end_mrr"].iloc[-1] > 2 * h["end_mrr"].iloc[0]) and len(h) == 24
