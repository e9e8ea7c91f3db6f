"""KPI computations on small frames computed by hand, and on the real files of KPI_SPEC.md."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from kpi.data import Table
from kpi.errors import PiloteError
from kpi.metrics import (
    Engine,
    KPIResult,
    Value,
    alerts,
    anomaly,
    apply_filters,
    compute,
    counted_rows,
    deal_outcomes,
    filter_mask,
    get_kpi,
    kpi_series,
    line_amount,
    parse_flag,
    parse_period,
    stage_order,
    status_class,
    status_summary,
)
from kpi.metrics.alerts import within_chance
from kpi.share import kpis_json
from tests.conftest import realdata

# ---------------------------------------------------------------------------------------------
# Hand-made tables
# ---------------------------------------------------------------------------------------------


def _orders_df() -> pd.DataFrame:
    rows = [
        # order, date, customer, amount, qty, price, cost, status, region, rep, channel
        ("A1", "2024-01-05", "C1", 100.0, 2, 50.0, 60.0, "Livrée", "Nord", "Ana", "Web"),
        ("A1", "2024-01-05", "C1", 50.0, 1, 50.0, 20.0, "Livrée", "Nord", "Ana", "Web"),
        ("A2", "2024-01-20", "C2", 200.0, 4, 50.0, 120.0, "Annulée", "Sud", "Léo", "Salon"),
        ("A3", "2024-02-03", "C1", 80.0, 1, 80.0, 50.0, "Facturée", "Nord", "Ana", "Web"),
        ("A4", "2024-02-10", "C3", 120.0, 3, 40.0, 70.0, "Facturée", "Sud", "Léo", "Salon"),
        ("AV1", "2024-02-15", "C1", -30.0, -1, 30.0, -18.0, "Facturée", "Nord", "Ana", "Web"),
        ("A5", "2024-02-20", "C2", 60.0, 1, 60.0, 30.0, "Remboursée", "Sud", "Léo", "Web"),
        ("A6", "2024-03-01", "C3", 40.0, 1, 40.0, 25.0, "Livrée", "Sud", "Léo", "Salon"),
        ("A6", "2024-03-01", "C3", -40.0, -1, 40.0, -25.0, "Livrée", "Sud", "Léo", "Salon"),
    ]
    cols = ["order", "date", "customer", "amount", "qty", "price", "cost", "status", "region",
            "rep", "channel"]  # fmt: skip
    df = pd.DataFrame(rows, columns=cols)
    df["date"] = pd.to_datetime(df["date"])
    df["qty"] = df["qty"].astype(float)
    return df


ORDERS_MAP = {
    "order_id": "order",
    "date": "date",
    "customer_id": "customer",
    "amount": "amount",
    "quantity": "qty",
    "unit_price": "price",
    "cost": "cost",
    "status": "status",
    "region": "region",
    "rep": "rep",
    "channel": "channel",
}


def orders_table(mapping: dict[str, str] | None = None) -> Table:
    return Table("ventes.csv", _orders_df(), "orders", dict(mapping or ORDERS_MAP))


def deals_table(probability: list[float] | None = None) -> Table:
    df = pd.DataFrame(
        {
            "id": ["D1", "D2", "D3", "D4", "D5", "D6", "D7"],
            "stage": [
                "Prospecting",
                "Qualification",
                "Proposal",
                "Closed Won",
                "Gagné",
                "Closed Lost",
                "Perdu",
            ],  # fmt: skip
            "amount": [1000.0, 2000.0, 4000.0, 3000.0, 1000.0, 0.0, np.nan],
            "created": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-05",
                    "2024-01-10",
                    "2024-01-01",
                    "2024-01-15",
                    "2024-01-20",
                    "2024-02-01",
                ]
            ),  # fmt: skip
            "closed": pd.to_datetime(
                [None, None, None, "2024-02-10", "2024-02-14", "2024-02-20", "2024-03-01"]
            ),  # fmt: skip
            "rep": ["Ana", "Ana", "Léo", "Ana", "Léo", "Léo", "Ana"],
        }
    )
    mapping = {
        "opportunity_id": "id",
        "stage": "stage",
        "amount": "amount",
        "created_date": "created",
        "close_date": "closed",
        "rep": "rep",
    }
    if probability is not None:
        df["proba"] = probability
        mapping["probability"] = "proba"
    return Table("deals.csv", df, "deals", mapping)


def spend_table() -> Table:
    df = pd.DataFrame(
        {
            "mois": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-01"]),
            "canal": ["Web", "web ", "Salon"],
            "depense": [300.0, 200.0, 100.0],
        }
    )
    return Table(
        "depenses.csv", df, "spend", {"date": "mois", "channel": "canal", "spend": "depense"}
    )


def leads_table(converted: list[str | None] | None = None) -> Table:
    df = pd.DataFrame(
        {
            "id": ["L1", "L2", "L3", "L4", "L5"],
            "created": pd.to_datetime(
                ["2024-02-01", "2024-02-05", "2024-02-07", "2024-02-09", "2024-01-10"]
            ),
            "source": ["Web", "Web", "Salon", "salon", "Web"],
            "converted": converted or ["Oui", "Non", "Oui", None, "Non"],
        }
    )
    mapping = {"lead_id": "id", "created_date": "created", "source": "source",
               "converted": "converted"}  # fmt: skip
    return Table("leads.csv", df, "leads", mapping)


def activities_table(with_meeting_flag: bool = True) -> Table:
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-02-01"] * 6),
            "type": ["Call", "Appel", "Call", "Email", "E-mail", "Meeting"],
            "duration": [5.0, 10.0, 3.0, np.nan, np.nan, 60.0],
            "replied": [None, None, None, "Yes", "No", None],
            "booked": ["Oui", "Non", "Non", None, None, None],
        }
    )
    mapping = {"date": "date", "activity_type": "type", "duration": "duration",
               "replied": "replied"}  # fmt: skip
    if with_meeting_flag:
        mapping["meeting"] = "booked"
    return Table("activites.csv", df, "activities", mapping)


def survey_table() -> Table:
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-02-01"] * 8),
            "nps": [10.0, 9.0, 9.0, 8.0, 7.0, 6.0, 2.0, 10.0],
            "sat": [5.0, 4.0, 3.0, 2.0, 5.0, np.nan, np.nan, np.nan],
        }
    )
    return Table("enquete.csv", df, "survey", {"date": "date", "nps": "nps", "csat": "sat"})


def targets_table() -> Table:
    df = pd.DataFrame(
        {
            "mois": pd.to_datetime(["2024-02-01", "2024-02-01", "2024-03-01"]),
            "commercial": ["Ana", "Léo", "Ana"],
            "objectif": [100.0, 200.0, 100.0],
        }
    )
    return Table("objectifs.csv", df, "targets", {"date": "mois", "rep": "commercial",
                                                  "target": "objectif"})  # fmt: skip


def v(engine: Engine, kpi: str, period: str = "all") -> float | None:
    return engine.value(kpi, period).value


# ---------------------------------------------------------------------------------------------
# Primitives
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "meaning"),
    [
        ("Annulée", "cancelled"),
        ("annule", "cancelled"),
        ("ANNULÉ", "cancelled"),
        ("Cancelled", "cancelled"),
        ("Canceled by customer", "cancelled"),
        ("Remboursée", "refunded"),
        ("Refunded", "refunded"),
        ("Partially refunded", None),
        ("Retour", "returned"),
        ("Returned", "returned"),
        ("Perdu", "lost"),
        ("Closed Lost", "lost"),
        ("Disputed", "complaint"),
        ("Livrée", None),
        ("Shipped", None),
        ("On Hold", None),
        (None, None),
    ],
)
def test_status_class(status: str | None, meaning: str | None) -> None:
    assert status_class(status) == meaning


def test_counted_rows_default_and_edited() -> None:
    t = orders_table()
    df_before = t.df.copy()
    # Default: Annulée (A2) and Remboursée (A5) do not count.
    assert counted_rows(t).tolist() == [True, True, False, True, True, True, False, True, True]
    # The user re-includes Annulée: only Remboursée stays out.
    edited = counted_rows(t, ["Livrée", "Facturée", "Annulée"])
    assert edited.tolist() == [True, True, True, True, True, True, False, True, True]
    pd.testing.assert_frame_equal(t.df, df_before)  # never mutate the caller's frame
    summary = status_summary(t)
    assert summary.set_index("status")["counted"].to_dict() == {
        "Livrée": True,
        "Facturée": True,
        "Annulée": False,
        "Remboursée": False,
    }
    assert summary.set_index("status").loc["Annulée", "meaning"] == "cancelled"


def test_no_status_column_counts_everything() -> None:
    mapping = {k: c for k, c in ORDERS_MAP.items() if k != "status"}
    e = Engine([orders_table(mapping)])
    # 150 + 200 + 80 + 120 − 30 + 60 + 40 − 40 = 580
    assert v(e, "revenue") == pytest.approx(580.0)


def test_line_amount_precedence() -> None:
    df = pd.DataFrame(
        {"amount": [100.0, np.nan, 7.0], "qty": [3.0, 2.0, 1.0], "price": [40.0, 5.0, 9.0]}
    )
    both = Table("t", df, "orders", {"amount": "amount", "quantity": "qty", "unit_price": "price"})
    # amount wins over 3 × 40 = 120; an empty amount falls back to 2 × 5 = 10.
    assert line_amount(both).tolist() == [100.0, 10.0, 7.0]
    only_qp = Table("t", df, "orders", {"quantity": "qty", "unit_price": "price"})
    assert line_amount(only_qp).tolist() == [120.0, 10.0, 9.0]
    e = Engine([both])
    assert v(e, "revenue") == pytest.approx(117.0)  # 100 + 10 + 7
    assert v(Engine([only_qp]), "revenue") == pytest.approx(139.0)  # 120 + 10 + 9


def test_parse_flag() -> None:
    s = pd.Series(["Oui", "non", "X", "", None, "yes", "TRUE", "peut-être"], dtype=object)
    assert parse_flag(s).tolist() == [True, False, True, pd.NA, pd.NA, True, True, pd.NA]
    assert parse_flag(pd.Series([1.0, 0.0, np.nan])).tolist() == [True, False, pd.NA]


def test_filters() -> None:
    t = orders_table()
    assert filter_mask(t, {"region": ["Nord"]}).sum() == 4
    assert filter_mask(t, {"region": []}).all()  # empty list: no filter
    assert filter_mask(t, {"segment": ["PME"]}).all()  # role absent from the table: untouched
    assert len(apply_filters(t, {"rep": ["Léo"], "channel": ["Salon"]}).df) == 4
    with pytest.raises(PiloteError) as err:
        filter_mask(t, {"regoin": ["Nord"]})
    assert "region" in str(err.value)


# ---------------------------------------------------------------------------------------------
# Orders KPIs
# ---------------------------------------------------------------------------------------------


def test_orders_kpis_february() -> None:
    e = Engine([orders_table()])
    # Counted rows in Feb: A3 80, A4 120, AV1 −30 (credit note kept); A5 is Remboursée.
    assert v(e, "revenue", "2024-02") == pytest.approx(170.0)  # 80 + 120 − 30
    assert v(e, "orders", "2024-02") == 2  # A3, A4 (AV1 nets −30: not an order)
    assert v(e, "aov", "2024-02") == pytest.approx(85.0)  # 170 / 2
    assert v(e, "customers", "2024-02") == 2  # C1 (A3, AV1) and C3 (A4)
    assert v(e, "new_customers", "2024-02") == 1  # C3; C1 first bought in January
    assert v(e, "revenue_per_customer", "2024-02") == pytest.approx(85.0)  # 170 / 2
    assert v(e, "repeat_rate", "2024-02") == 0.0  # nobody has 2 positive orders
    assert v(e, "units_sold", "2024-02") == pytest.approx(3.0)  # 1 + 3 − 1
    # Gross margin: 170 − (50 + 70 − 18) = 68; 68 / 170 = 0.4.
    assert v(e, "gross_margin", "2024-02") == pytest.approx(68.0)
    assert v(e, "gross_margin_pct", "2024-02") == pytest.approx(0.4)
    assert v(e, "revenue_growth", "2024-02") == pytest.approx((170 - 150) / 150)


def test_orders_kpis_all_data() -> None:
    e = Engine([orders_table()])
    assert v(e, "revenue") == pytest.approx(320.0)  # 150 + 170 + (40 − 40)
    assert v(e, "orders") == 3  # A1, A3, A4; A6 nets 0, AV1 is negative
    assert v(e, "aov") == pytest.approx(320 / 3)
    assert v(e, "customers") == 2  # C1, C3; C2 has no counted row
    assert v(e, "new_customers") == 2
    assert v(e, "repeat_rate") == pytest.approx(0.5)  # C1 has A1 and A3
    share = e.value("revenue_share")
    # By product is not mapped → region: Nord 150 + 80 − 30 = 200, Sud 120 → 200 / 320.
    assert share.value == pytest.approx(0.625)
    assert share.detail["dimension"] == "region"
    assert [s["segment"] for s in share.detail["shares"]] == ["Nord", "Sud"]
    # Comparisons make no sense over all the data.
    growth = e.value("revenue_growth")
    assert growth.value is None and growth.status == "undefined"


def test_order_with_zero_net_is_not_an_order() -> None:
    e = Engine([orders_table()])
    # March: A6 is +40 and −40: revenue 0, no order, one active customer (C3).
    assert v(e, "revenue", "2024-03") == 0.0
    assert v(e, "orders", "2024-03") == 0
    assert v(e, "customers", "2024-03") == 1
    aov = e.value("aov", "2024-03")  # zero denominator → None with a reason
    assert aov.value is None and aov.status == "undefined"
    assert aov.reason == "compute.reason.no_orders"
    assert "positive" in aov.reason_text("en")
    pct = e.value("gross_margin_pct", "2024-03")
    assert pct.value is None and pct.reason == "compute.reason.zero_revenue"


def test_cancelled_excluded_then_reincluded() -> None:
    default = Engine([orders_table()])
    edited = Engine([orders_table()], statuses=["Livrée", "Facturée", "Annulée"])
    assert v(default, "revenue", "2024-01") == pytest.approx(150.0)  # A2 (Annulée) excluded
    assert v(edited, "revenue", "2024-01") == pytest.approx(350.0)  # 150 + 200
    assert v(edited, "orders", "2024-01") == 2
    assert v(edited, "customers", "2024-01") == 2  # C1 and C2
    assert v(edited, "new_customers", "2024-01") == 2


def test_retention_and_churn_across_periods() -> None:
    e = Engine([orders_table()])
    # Jan {C1} → Feb {C1, C3}: 1 of 1 kept.
    assert v(e, "retention_rate", "2024-02") == 1.0
    assert v(e, "churn_rate", "2024-02") == 0.0
    # Feb {C1, C3} → Mar {C3}: 1 of 2 kept.
    assert v(e, "retention_rate", "2024-03") == pytest.approx(0.5)
    assert v(e, "churn_rate", "2024-03") == pytest.approx(0.5)
    assert e.value("churn_rate", "2024-03").detail["lost"] == 1
    # Quarter: Q4 2023 has no customer → undefined, with the reason.
    q = e.value("retention_rate", "2024-Q1")
    assert q.value is None and q.reason == "compute.reason.no_previous_customers"


def test_no_previous_period() -> None:
    e = Engine([orders_table()])
    res = e.result("revenue", "2024-01")
    assert res.value == pytest.approx(150.0)
    assert res.previous is not None and res.previous.status == "no_data"  # December 2023
    assert res.change is None and res.delta is None
    growth = e.value("revenue_growth", "2024-01")
    assert growth.value is None and growth.reason == "compute.reason.no_previous_data"
    feb = e.result("revenue", "2024-02")
    assert feb.previous is not None and feb.previous.value == pytest.approx(150.0)
    assert feb.change == pytest.approx(20 / 150)
    assert feb.delta == pytest.approx(20.0)
    assert e.result("revenue", "all").previous is None


def test_empty_filter_gives_no_data() -> None:
    e = Engine([orders_table()], filters={"region": ["Atlantis"]})
    for res in e.results("2024-02"):
        assert res.value is None
        assert res.status in ("no_data", "undefined", "unavailable")
    rev = e.value("revenue", "2024-02")
    assert rev.status == "no_data"
    assert rev.reason_text("fr") == "Aucune donnée pour cette sélection."
    # A month with no data at all is no data too, not NaN.
    assert Engine([orders_table()]).value("revenue", "2031-01").status == "no_data"


def test_filters_apply_to_orders() -> None:
    e = Engine([orders_table()], filters={"region": ["Nord"]})
    assert v(e, "revenue", "2024-02") == pytest.approx(50.0)  # 80 − 30
    e = Engine([orders_table()], filters={"region": []})  # no filter
    assert v(e, "revenue", "2024-02") == pytest.approx(170.0)


def test_a_status_filter_leaves_alone_the_tables_without_those_statuses() -> None:
    # One "Status" filter serves every table: orders say Facturée, leads Qualifié.
    leads = leads_table()
    leads.df["status"] = ["Qualifié", "Nouveau", "Qualifié", "Nouveau", "Qualifié"]
    leads.mapping["status"] = "status"
    e = Engine([orders_table(), leads], filters={"status": ["Facturée"]})
    assert v(e, "revenue", "all") == pytest.approx(170.0)  # A3 80 + A4 120 − AV1 30
    assert v(e, "leads", "2024-02") == 4  # the leads hold no "Facturée": all four of February
    e = Engine([orders_table(), leads], filters={"status": ["Facturée", "Nouveau"]})
    assert v(e, "revenue", "all") == pytest.approx(170.0)
    assert v(e, "leads", "2024-02") == 2  # L2, L4
    e = Engine([orders_table(), leads], filters={"status": ["Qualifié"]})
    assert v(e, "revenue", "all") == pytest.approx(320.0)  # untouched: A1 150, Feb 170, A6 0
    assert v(e, "leads", "2024-02") == 2  # L1, L3
    # Any other role keeps its meaning: a region no table holds leaves nothing.
    e = Engine([orders_table(), leads], filters={"region": ["Atlantis"]})
    assert e.value("revenue", "2024-02").status == "no_data"
    assert filter_mask(leads, {"status": ["Facturée"]}).all()
    assert filter_mask(orders_table(), {"status": ["Qualifié"]}).all()
    assert filter_mask(orders_table(), {"status": ["Livrée"]}).sum() == 4


def test_complaint_rate() -> None:
    e = Engine([orders_table()])
    # Orders with a positive net, any status: A1, A2, A3, A4, A5 = 5.
    # Returns/complaints: A5 (Remboursée) and AV1 (credit note, net −30) = 2.
    assert v(e, "complaint_rate") == pytest.approx(2 / 5)


def test_clv_inputs() -> None:
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(
                [
                    "2023-01-20",
                    "2023-04-01",
                    "2023-05-01",
                    "2023-06-01",
                    "2024-03-01",
                    "2024-04-01",
                    "2024-05-01",
                ]
            ),  # fmt: skip
            "customer": ["C1", "C2", "C3", "C4", "C1", "C2", "C5"],
            "amount": [100.0, 100.0, 100.0, 100.0, 300.0, 200.0, 100.0],
            "cost": [50.0, 50.0, 50.0, 50.0, 150.0, 100.0, 50.0],
        }
    )
    mapping = {"date": "date", "customer_id": "customer", "amount": "amount"}
    e = Engine([Table("t", df, "orders", mapping)])
    # No cost column and no margin rate given: undefined, never a silent 100 % margin.
    assert e.value("clv", "2024").reason == "compute.reason.clv_no_margin"
    assert "taux de marge" in (e.value("clv", "2024").reason_text("fr") or "")
    given = Engine([Table("t", df, "orders", mapping)], margin_rate=0.4)
    clv = given.value("clv", "2024")
    # 2024: revenue 600, 3 customers → 200 per customer. 2023 had C1..C4; C1, C2 came back:
    # yearly churn 1 − 2/4 = 0.5. Margin rate given: 40 %. CLV = 200 × 0.4 / 0.5 = 160.
    assert clv.value == pytest.approx(160.0)
    assert clv.detail["revenue_per_customer_year"] == pytest.approx(200.0)
    assert clv.detail["churn_rate_year"] == pytest.approx(0.5)
    assert clv.detail["margin_basis"] == "given" and clv.detail["gross_margin_pct"] == 0.4
    assert given.with_filter("region", None).margin_rate == 0.4  # kept by derived engines
    with_cost = Engine([Table("t", df, "orders", {**mapping, "cost": "cost"})])
    # Margin 2024: (600 − 300) / 600 = 0.5 → CLV = 200 × 0.5 / 0.5 = 200.
    assert v(with_cost, "clv", "2024") == pytest.approx(200.0)
    # 2023 has no year before it: undefined with a reason.
    assert e.value("clv", "2023").reason == "compute.reason.clv_short_history"
    # The year before must hold 11 months of data (KPI_SPEC): data from 20 January 2023 does
    # (11.4 months of 2023); from 1 March 2023 it does not (10 months), whatever the figures.
    late = df.assign(date=df["date"].where(df["date"] != pd.Timestamp("2023-01-20"),
                                           pd.Timestamp("2023-03-01")))  # fmt: skip
    short = Engine([Table("t", late, "orders", mapping)]).value("clv", "2024")
    assert short.value is None and short.reason == "compute.reason.clv_short_history"
    assert "1 March 2023" in short.reason_text("en") and "1 mars 2023" in short.reason_text("fr")
    # 12 months before the window (1 January 2023 to 31 December 2023) are named
    assert "1 January 2023 to 31 December 2023" in short.reason_text("en")
    # With 11 months of data but no customer then (a filter): the other reason.
    filtered = Engine([Table("t", df.assign(region=["N", "N", "N", "N", "S", "S", "S"]),
                             "orders", {**mapping, "region": "region"})], {"region": ["S"]})  # fmt: skip
    assert filtered.value("clv", "2024").reason == "compute.reason.clv_history"


def test_superstore_style_profit_column() -> None:
    mapping = {k: c for k, c in ORDERS_MAP.items() if k != "cost"}
    df = _orders_df().rename(columns={"cost": "profit"})
    e = Engine([Table("t", df, "orders", {**mapping, "profit": "profit"})])
    # Σ profit in Feb (counted rows): 50 + 70 − 18 = 102; 102 / 170 = 0.6.
    assert v(e, "gross_margin", "2024-02") == pytest.approx(102.0)
    assert v(e, "gross_margin_pct", "2024-02") == pytest.approx(0.6)


# ---------------------------------------------------------------------------------------------
# Pipeline KPIs
# ---------------------------------------------------------------------------------------------


def test_deal_outcomes_and_stage_order() -> None:
    t = deals_table()
    assert deal_outcomes(t).tolist() == ["open", "open", "open", "won", "won", "lost", "lost"]
    assert stage_order(t) == ["Prospecting", "Qualification", "Proposal"]
    odd = Table("t", pd.DataFrame({"s": ["Étape B", "Étape A", "Étape B"]}), "deals",
                {"stage": "s"})  # fmt: skip
    assert stage_order(odd) == ["Étape B", "Étape A"]  # unknown vocabulary: as given
    numbered = Table("t", pd.DataFrame({"s": ["2 - Offre", "10 - Signature", "1 - Découverte"]}),
                     "deals", {"stage": "s"})  # fmt: skip
    assert stage_order(numbered) == ["1 - Découverte", "2 - Offre", "10 - Signature"]
    fr = Table("t", pd.DataFrame({"s": ["Négociation", "Devis", "Prospection", "Signé"]}),
               "deals", {"stage": "s"})  # fmt: skip
    assert stage_order(fr) == ["Prospection", "Devis", "Négociation"]
    assert stage_order(fr, ["Devis", "Prospection"]) == ["Devis", "Prospection", "Négociation"]


def test_won_flag_without_stage() -> None:
    df = pd.DataFrame(
        {
            "won": ["Oui", "Non", "Non", None],
            "closed": pd.to_datetime(["2024-01-05", "2024-01-06", None, None]),
        }
    )
    t = Table("t", df, "deals", {"won": "won", "close_date": "closed"})
    # "Non" with a close date is lost; "Non" without one is still open.
    assert deal_outcomes(t).tolist() == ["won", "lost", "open", "open"]
    assert v(Engine([t]), "win_rate") == pytest.approx(0.5)


def test_pipeline_kpis() -> None:
    e = Engine([deals_table()])
    # Closed in Feb: won D4, D5; lost D6 → 2 / 3.
    assert v(e, "win_rate", "2024-02") == pytest.approx(2 / 3)
    assert v(e, "win_rate") == pytest.approx(0.5)  # all: won 2, lost 2 (D7 closed in March)
    assert v(e, "avg_deal_size", "2024-02") == pytest.approx(2000.0)  # (3000 + 1000) / 2
    assert v(e, "sales_cycle_days", "2024-02") == pytest.approx(35.0)  # (40 + 30) / 2
    assert v(e, "pipeline_value") == pytest.approx(7000.0)  # 1000 + 2000 + 4000 open
    assert v(e, "deals_created", "2024-01") == 6
    assert v(e, "deals_created", "2024-02") == 1
    # Velocity: 3 open × 2/3 × 2000 / 35 per day.
    assert v(e, "sales_velocity", "2024-02") == pytest.approx(3 * (2 / 3) * 2000 / 35)
    # Snapshot KPIs have no previous period.
    assert e.result("pipeline_value", "2024-02").previous is None


def test_stage_conversion_won_deals_reach_all_stages() -> None:
    e = Engine([deals_table()])
    conv = e.value("stage_conversion")
    # Ranks: D1 Prospecting 0, D2 Qualification 1, D3 Proposal 2, D4/D5 won (all stages),
    # D6/D7 lost (first stage only). Reached: Prospecting 7, Qualification 4 (D2, D3, D4,
    # D5), Proposal 3 (D3, D4, D5), won 2.
    assert conv.detail["reached"] == [7, 4, 3, 2]
    assert [s["rate"] for s in conv.detail["steps"]] == pytest.approx([4 / 7, 3 / 4, 2 / 3])
    assert conv.value == pytest.approx(2 / 7)


def test_weighted_pipeline_with_and_without_probability() -> None:
    # Without a probability column: historical stage-to-win rate = won / reached(stage):
    # Prospecting 2/7, Qualification 2/4, Proposal 2/3.
    hist = 1000 * 2 / 7 + 2000 * 2 / 4 + 4000 * 2 / 3
    assert v(Engine([deals_table()]), "weighted_pipeline") == pytest.approx(hist)
    # Probability in percent (a value above 1): 1000 × 10 % + 2000 × 20 % + 4000 × 40 %.
    pct = deals_table([10, 20, 40, 100, 100, 0, 0])
    assert v(Engine([pct]), "weighted_pipeline") == pytest.approx(2100.0)
    # The same as fractions gives the same value.
    frac = deals_table([0.1, 0.2, 0.4, 1, 1, 0, 0])
    assert v(Engine([frac]), "weighted_pipeline") == pytest.approx(2100.0)
    # An empty probability falls back to the historical rate of its stage.
    gap = deals_table([10, np.nan, 40, 100, 100, 0, 0])
    assert v(Engine([gap]), "weighted_pipeline") == pytest.approx(100 + 2000 * 2 / 4 + 1600)


def test_open_deals_without_amount() -> None:
    t = deals_table()
    df = t.df.copy()
    df.loc[df["stage"].isin(["Prospecting", "Qualification", "Proposal"]), "amount"] = np.nan
    pv = Engine([Table("t", df, "deals", t.mapping)]).value("pipeline_value")
    assert pv.value is None and pv.reason == "compute.reason.no_open_amount"


# ---------------------------------------------------------------------------------------------
# Leads, spend, activities, satisfaction
# ---------------------------------------------------------------------------------------------


def test_leads_kpis() -> None:
    e = Engine([leads_table()])
    assert v(e, "leads", "2024-02") == 4
    # Explicit "Non" values exist, so L4's empty value means "no outcome yet": 2 of 3.
    assert v(e, "lead_conversion_rate", "2024-02") == pytest.approx(2 / 3)
    # When the column only says yes or nothing, nothing means no: 2 of 4.
    e = Engine([leads_table(["Oui", None, "Oui", None, None])])
    assert v(e, "lead_conversion_rate", "2024-02") == pytest.approx(2 / 4)


def test_cac_roi_cost_per_lead_joins() -> None:
    e = Engine([orders_table(), spend_table(), leads_table()])
    # CAC Feb: spend 200 + 100 = 300; one new customer (C3) → 300.
    assert v(e, "cac", "2024-02") == pytest.approx(300.0)
    assert v(e, "cac", "2024-01") == pytest.approx(300.0)  # 300 / 1 (C1)
    # ROI Feb: revenue Web 80 − 30 = 50, Salon 120; spend Web 200 ("web " matches "Web"),
    # Salon 100 → (170 − 300) / 300.
    roi = e.value("roi", "2024-02")
    assert roi.value == pytest.approx((170 - 300) / 300)
    by = {r["channel"]: r["roi"] for r in roi.detail["by_channel"]}
    assert by["Web"] == pytest.approx((50 - 200) / 200)
    assert by["Salon"] == pytest.approx((120 - 100) / 100)
    # Cost per lead Feb: 300 / 4 leads; Web 200 / 2, Salon 100 / 2 ("salon" = "Salon").
    cpl = e.value("cost_per_lead", "2024-02")
    assert cpl.value == pytest.approx(75.0)
    per = {r["channel"]: r["cost_per_lead"] for r in cpl.detail["by_channel"]}
    assert per == {"Web": pytest.approx(100.0), "Salon": pytest.approx(50.0)}
    # LTV/CAC needs CLV, which needs a year of history before: undefined, not a crash.
    assert e.value("ltv_cac", "2024-02").value is None


def test_spend_kpis_without_spend_table_are_unavailable() -> None:
    e = Engine([orders_table()])
    cac = e.value("cac", "2024-02")
    assert cac.status == "unavailable"
    assert "marketing spend" in (cac.reason_text("en") or "")
    assert "dépenses marketing" in (cac.reason_text("fr") or "")


def test_activity_kpis() -> None:
    e = Engine([activities_table()])
    assert v(e, "response_rate") == pytest.approx(0.5)  # 1 reply of 2 e-mails
    assert v(e, "meeting_rate") == pytest.approx(1 / 3)  # 1 booked of 3 calls
    assert v(e, "avg_call_minutes") == pytest.approx(6.0)  # (5 + 10 + 3) / 3
    # Without a "meeting booked" column: meeting rows / calls and e-mails = 1 / 5.
    assert v(Engine([activities_table(False)]), "meeting_rate") == pytest.approx(0.2)


def test_nps_and_csat() -> None:
    e = Engine([survey_table()])
    # NPS: promoters 10, 9, 9, 10 = 4; detractors 6, 2 = 2; (4 − 2) / 8 × 100 = 25.
    assert v(e, "nps") == pytest.approx(25.0)
    # CSAT: 5, 4, 5 of 5 answers → 3 / 5.
    assert v(e, "csat") == pytest.approx(0.6)
    assert e.value("nps", "2024-03").status == "no_data"


# ---------------------------------------------------------------------------------------------
# Targets, pacing and alerts
# ---------------------------------------------------------------------------------------------


def test_attainment_and_pacing_from_targets_table() -> None:
    e = Engine([orders_table(), targets_table()], as_of="2024-02-14")
    # Feb targets: Ana 100 + Léo 200 = 300; revenue 170 → 170 / 300.
    assert v(e, "attainment", "2024-02") == pytest.approx(170 / 300)
    # 14 of 29 days elapsed → pacing = attainment / (14 / 29).
    assert v(e, "pacing", "2024-02") == pytest.approx((170 / 300) / (14 / 29))
    table = e.attainment_table("2024-02", "rep").set_index("rep")
    assert table.loc["Ana", "attainment"] == pytest.approx(50 / 100)  # 80 − 30
    assert table.loc["Léo", "attainment"] == pytest.approx(120 / 200)
    # The revenue KPI takes its target from the table when none is typed in.
    res = e.result("revenue", "2024-02")
    assert res.target == pytest.approx(300.0)
    # A filter on rep applies to the targets table too.
    ana = Engine([orders_table(), targets_table()], filters={"rep": ["Ana"]})
    assert v(ana, "attainment", "2024-02") == pytest.approx(0.5)


def test_typed_targets_attainment_and_pacing() -> None:
    res = compute([orders_table()], "2024-02", ["revenue", "aov"], targets={"revenue": 200},
                  as_of="2024-02-14")  # fmt: skip
    revenue = res[0]
    assert revenue.attainment == pytest.approx(170 / 200)
    assert revenue.elapsed == pytest.approx(14 / 29)
    assert revenue.pacing == pytest.approx((170 / 200) / (14 / 29))
    assert res[1].target is None and res[1].pacing is None
    with pytest.raises(PiloteError):
        compute([orders_table()], "2024-02", targets={"chiffre": 1})


def _result(kpi: str, value: float, previous: float | None, **kw: object) -> KPIResult:
    prev = None if previous is None else Value(previous)
    change = None if previous is None else (value - previous) / abs(previous)
    return KPIResult(get_kpi(kpi), parse_period("2024-02"), Value(value), prev, None,
                     change, **kw)  # type: ignore[arg-type]  # fmt: skip


def test_alerts_below_target_drops_direction_aware() -> None:
    results = [
        _result("revenue", 95.0, 100.0, target=120.0, attainment=95 / 120),  # −5 %, below
        _result("churn_rate", 0.3, 0.2),  # churn up 10 pts: a drop in performance
        _result("nps", 20.0, 35.0),  # −15 points (a score: points, not −42.9 %)
        _result("gross_margin_pct", 0.30, 0.33),  # −3 pts: under a 10-point threshold
        _result("cac", 80.0, 100.0),  # CAC down 20 %: good news, no alert
        _result("avg_call_minutes", 3.0, 10.0),  # neither better high nor low: no alert
    ]
    out = alerts(results, drop_threshold=-0.10)
    kinds = [(a.kind, a.kpi_id, a.direction) for a in out]
    assert kinds == [
        ("below_target", "revenue", "down"),
        ("drop", "churn_rate", "up"),
        ("drop", "nps", "down"),
    ]
    assert out[0].message("en") == "Revenue: 95.00, below the target of 120.00 (-20.8%)."
    assert out[1].change == pytest.approx(10.0)
    assert "Taux d'attrition en hausse de 10,0 pts" in out[1].message("fr")
    assert "Net Promoter Score down 15.0 pts on" in out[2].message("en")
    # A 4 % threshold catches the revenue dip too (and 4 points, not the 3-point margin dip).
    found = [(a.kind, a.kpi_id) for a in alerts(results, None, 0.04)]
    assert ("drop", "revenue") in found and ("drop", "gross_margin_pct") not in found
    assert ("drop", "gross_margin_pct") in [(a.kind, a.kpi_id) for a in alerts(results, None, 0.03)]


def test_alerts_one_per_fact() -> None:
    # Churn is 1 − retention: one alert, the first of the two; attainment and pacing too.
    results = [
        _result("retention_rate", 0.26, 0.48),
        _result("churn_rate", 0.74, 0.52),
        _result("attainment", 0.5, 1.2),
        _result("pacing", 0.5, 1.2),
    ]
    assert [a.kpi_id for a in alerts(results)] == ["retention_rate", "attainment"]
    # A drop and an anomaly of the same KPI: the drop (what the card shows) only.
    history = pd.DataFrame({"value": [100.0, 102, 98, 101, 99, 100, 103, 40.0]})
    out = alerts([_result("revenue", 40.0, 103.0)], {"revenue": history})
    assert [a.kind for a in out] == ["drop"]


def test_a_count_s_fall_within_chance_is_no_drop() -> None:
    # Superstore, December 2022: 0 new customers against 1, "down 100 %"; November: 1 vs 2.
    # Counts at one rate differ by a − b with variance a + b: |0 − 1| ≤ 2·√1, |1 − 2| ≤ 2·√3.
    assert alerts([_result("new_customers", 0.0, 1.0)]) == []
    assert alerts([_result("new_customers", 1.0, 2.0)]) == []
    assert alerts([_result("deals_created", 6.0, 12.0)]) == []  # |−6| ≤ 2·√18 = 8.5
    # October 2022: 151 orders against 231, −80 beyond 2·√382 = 39.1: a drop.
    (drop,) = alerts([_result("orders", 151.0, 231.0)])
    assert (drop.kind, drop.direction, drop.reference) == ("drop", "down", 231.0)
    assert [a.kpi_id for a in alerts([_result("leads", 4.0, 13.0)])] == ["leads"]  # 9 > 8.1
    # The rule is for counts: an amount or a rate on as few sales still alerts.
    assert [a.kpi_id for a in alerts([_result("revenue", 0.0, 1.0)])] == ["revenue"]
    assert within_chance(_result("new_customers", 0.0, 1.0))
    assert not within_chance(_result("revenue", 0.0, 1.0))
    assert within_chance(KPIResult(get_kpi("orders"), parse_period("2024-02"), Value(0.0),
                                   Value(0.0)))  # fmt: skip
    assert not within_chance(_result("orders", 10.0, None))  # nothing to compare with
    # A period in progress: 30 orders over a third of it against 150 last period. At one rate,
    # 50 were expected; 30 − 50 = −20 beyond 2·√(⅓·180) = 15.5: a drop of the projection, 90.
    part = KPIResult(get_kpi("orders"), parse_period("2024-02"), Value(30.0), Value(150.0),
                     None, -0.4, elapsed=1 / 3, state="in_progress", projected=90.0)  # fmt: skip
    assert not within_chance(part)
    (drop,) = alerts([part])
    assert drop.projected and drop.value == pytest.approx(90.0)
    # 40 so far (120 projected, −20 %): −10 within 2·√(⅓·190) = 15.9, chance.
    part = KPIResult(get_kpi("orders"), parse_period("2024-02"), Value(40.0), Value(150.0),
                     None, -0.2, elapsed=1 / 3, state="in_progress", projected=120.0)  # fmt: skip
    assert within_chance(part) and alerts([part]) == []


def test_alerts_period_in_progress_compare_what_the_card_shows() -> None:
    # Online Retail in December 2011: data to the 9th (9 of 31 days), 41 new customers
    # against 321 in November. New customers are distinct customers: not projected, not
    # compared until December is over — no "down 56 %" from a linear projection.
    elapsed = 9 / 31
    new = KPIResult(get_kpi("new_customers"), parse_period("2011-12"), Value(41.0), Value(321.0),
                    None, None, elapsed=elapsed, state="in_progress", compared=False)  # fmt: skip
    assert alerts([new]) == []
    # Revenue is projected: 433,668 over 9 days → 1,493,745 over the month, +2.2 % on
    # November's 1,461,756: no drop; the card and any alert say "projection".
    projected = 433_668.01 / elapsed
    rev = KPIResult(get_kpi("revenue"), parse_period("2011-12"), Value(433_668.01),
                    Value(1_461_756.25), None, (projected - 1_461_756.25) / 1_461_756.25,
                    elapsed=elapsed, state="in_progress", projected=projected)  # fmt: skip
    assert alerts([rev]) == []
    assert alerts([rev], drop_threshold=0.0001) == []  # a rise is no drop
    low = KPIResult(get_kpi("revenue"), parse_period("2011-12"), Value(200_000.0),
                    Value(1_461_756.25), None, (200_000 / elapsed - 1_461_756.25) / 1_461_756.25,
                    elapsed=elapsed, state="in_progress", projected=200_000 / elapsed)  # fmt: skip
    (drop,) = alerts([low])
    assert drop.projected and drop.value == pytest.approx(200_000 / elapsed)
    assert drop.message("fr").startswith("Chiffre d'affaires : projection sur la période de")
    # On track for a target: 60 over half the month projects to 120 ≥ 110.
    res = KPIResult(get_kpi("revenue"), parse_period("2024-02"), Value(60.0), Value(100.0),
                    None, 0.2, target=110.0, attainment=60 / 110, pacing=(60 / 110) / 0.5,
                    elapsed=0.5, state="in_progress", projected=120.0)  # fmt: skip
    assert alerts([res]) == []


def test_anomaly() -> None:
    history = [100, 102, 98, 101, 99, 100, 103, 97, 100, 101, 99, 100]
    assert anomaly([*history, 100]) == 0
    assert anomaly([*history, 160]) == 1
    assert anomaly([*history, 40]) == -1
    assert anomaly([100, 100, 100, 100, 100, 100, 100, 150]) == 0  # flat history: MAD 0
    assert anomaly([100, 150]) == 0  # too short
    series = pd.DataFrame({"value": [*history, 160.0], "elapsed": [1.0] * 13})
    out = alerts([_result("orders", 160.0, 100.0)], {"orders": series}, drop_threshold=0.7)
    assert [(a.kind, a.direction) for a in out] == [("anomaly", "up")]


def test_engine_alerts_use_the_series_up_to_the_period() -> None:
    # Twelve steady months of 100, then a month of 10: a drop and an anomaly in 2024-01 only.
    dates = pd.date_range("2023-01-01", "2024-02-01", freq="MS")
    amounts = [100.0 + (i % 3) for i in range(12)] + [10.0, 100.0]
    df = pd.DataFrame({"date": dates, "amount": amounts})
    e = Engine([Table("t", df, "orders", {"date": "date", "amount": "amount"})])
    out = e.alerts(e.results("2024-01", ["revenue"]))
    assert [(a.kind, a.direction) for a in out] == [("drop", "down")]  # one per fact
    out = e.alerts(e.results("2024-01", ["revenue"]), drop_threshold=0.95)
    assert [(a.kind, a.direction) for a in out] == [("anomaly", "down")]
    assert out[0].value == pytest.approx(10.0)  # the card's value, not a projection
    assert e.alerts(e.results("2023-12", ["revenue"])) == []
    # No period-over-period alert, and no anomaly, on all the data.
    assert e.alerts(e.results("all", ["revenue"]), drop_threshold=0.0001) == []


def test_breakdown_by_rep() -> None:
    e = Engine([orders_table()])
    board = e.breakdown("revenue", "rep", "2024-02").set_index("rep")["value"]
    assert board.to_dict() == {"Ana": pytest.approx(50.0), "Léo": pytest.approx(120.0)}


# ---------------------------------------------------------------------------------------------
# Series and JSON
# ---------------------------------------------------------------------------------------------


def test_series() -> None:
    t = orders_table()
    s = kpi_series([t], "revenue")
    assert s["period"].tolist() == ["2024-01", "2024-02", "2024-03"]
    assert s["value"].tolist() == pytest.approx([150.0, 170.0, 0.0])
    aov = kpi_series([t], "aov")
    assert aov["value"].iloc[:2].tolist() == pytest.approx([150.0, 85.0])
    assert math.isnan(aov["value"].iloc[2]) and aov["status"].iloc[2] == "undefined"
    q = kpi_series([t], "customers", "quarter")
    assert q["period"].tolist() == ["2024-Q1"] and q["value"].tolist() == [2.0]
    assert Engine([deals_table()]).series("pipeline_value").empty  # snapshot


def test_a_series_is_computed_once_per_engine_and_handed_out_as_a_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The dashboard's alerts and sparklines ask for the same series: one computation; a
    caller changing its frame does not change the next caller's."""
    eng = Engine([orders_table()])
    calls = []
    real = Engine._series
    monkeypatch.setattr(Engine, "_series", lambda self, *a: calls.append(a) or real(self, *a))
    first = eng.series("aov")
    first.loc[0, "value"] = -1.0
    again = eng.series("aov")
    assert len(calls) == 1
    assert again["value"].iloc[:2].tolist() == pytest.approx([150.0, 85.0])
    # the sparkline's 24 months are the end of the alerts' 60
    assert (
        eng.series("revenue")
        .tail(2)
        .reset_index(drop=True)
        .equals(eng.series("revenue", max_periods=2))
    )


def test_kpis_json_is_json_safe() -> None:
    tables = [orders_table(), deals_table(), spend_table(), leads_table(), survey_table()]
    out = kpis_json(tables, None, "2024-02", "fr", {"revenue": 200})
    text = json.dumps(out, allow_nan=False)  # no NaN, no numpy types
    assert "NaN" not in text
    assert out["period"]["id"] == "2024-02"
    ids = [k["id"] for k in out["kpis"]]
    assert "revenue" in ids and "activities" not in ids and "response_rate" not in ids
    rev = next(k for k in out["kpis"] if k["id"] == "revenue")
    assert rev["value"] == pytest.approx(170.0)
    assert rev["previous"] == pytest.approx(150.0)
    assert rev["change"] == pytest.approx(20 / 150)
    assert rev["target"] == 200.0
    assert rev["label"] == "Chiffre d'affaires"
    orders = next(k for k in out["kpis"] if k["id"] == "orders")
    assert orders["value"] == 2 and isinstance(orders["value"], int)
    for item in out["kpis"]:
        assert set(item) >= {"id", "label", "value", "unit", "previous", "change", "target",
                             "status"}  # fmt: skip


def test_kpis_json_objectives_and_errors() -> None:
    out = kpis_json([orders_table()], ["profitability"], "all", "en")
    ids = [k["id"] for k in out["kpis"]]
    assert ids[:2] == ["gross_margin_pct", "gross_margin"]  # headline first among equals
    cac = next(k for k in out["kpis"] if k["id"] == "cac")
    assert cac["status"] == "unavailable"
    assert cac["unlock"].startswith("Load a marketing spend table")
    with pytest.raises(PiloteError) as err:
        kpis_json([orders_table()], ["grow"], "all")
    assert "grow_revenue" in str(err.value)
    with pytest.raises(PiloteError) as err:
        kpis_json([orders_table()], None, "last month")
    assert "2024-Q1" in str(err.value)


def test_tables_are_not_mutated() -> None:
    t = orders_table()
    before = t.df.copy()
    compute([t, spend_table()], "2024-02", filters={"region": ["Nord"]})
    kpi_series([t], "aov")
    pd.testing.assert_frame_equal(t.df, before)


# ---------------------------------------------------------------------------------------------
# Real files (KPI_SPEC.md reference values)
# ---------------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_real_online_retail() -> None:
    df = pd.read_csv(
        realdata("online_retail/online_retail_uci_by-day_concatenated.csv"),
        dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str},
        parse_dates=["InvoiceDate"],
    )
    mapping = {"order_id": "InvoiceNo", "date": "InvoiceDate", "quantity": "Quantity",
               "unit_price": "UnitPrice", "customer_id": "CustomerID"}  # fmt: skip
    e = Engine([Table("online_retail", df, "orders", mapping)])
    assert v(e, "revenue") == pytest.approx(9_747_747.93, abs=0.01)
    assert v(e, "orders") == 19_960
    assert v(e, "aov") == pytest.approx(488.36, abs=0.005)
    assert v(e, "customers") == 4_372
    assert v(e, "revenue", "2011-11") == pytest.approx(1_461_756.25, abs=0.01)


@pytest.mark.realdata
def test_real_crm_pipeline() -> None:
    df = pd.read_csv(
        realdata("crm_sales_opportunities/sales_pipeline.csv"),
        parse_dates=["engage_date", "close_date"],
    )
    mapping = {"stage": "deal_stage", "created_date": "engage_date", "close_date": "close_date",
               "amount": "close_value", "rep": "sales_agent"}  # fmt: skip
    e = Engine([Table("sales_pipeline", df, "deals", mapping)])
    win = e.value("win_rate")
    assert (win.detail["won"], win.detail["lost"]) == (4_238, 2_473)
    assert win.value == pytest.approx(0.6315, abs=0.00005)
    assert v(e, "sales_cycle_days") == pytest.approx(51.78, abs=0.005)
    size = e.value("avg_deal_size")
    assert size.detail["won_value"] == pytest.approx(10_005_534)
    assert size.value == pytest.approx(2_360.91, abs=0.005)


@pytest.mark.realdata
def test_real_superstore() -> None:
    df = pd.read_csv(realdata("superstore/Sample - Superstore.csv"), encoding="utf-8-sig")
    df["Order Date"] = pd.to_datetime(df["Order Date"], format="%d/%m/%y")
    mapping = {"order_id": "Order ID", "date": "Order Date", "customer_id": "Customer ID",
               "amount": "Sales", "profit": "Profit", "quantity": "Quantity"}  # fmt: skip
    e = Engine([Table("superstore", df, "orders", mapping)])
    assert v(e, "revenue") == pytest.approx(2_326_534.35, abs=0.01)
    assert v(e, "gross_margin") == pytest.approx(292_296.81, abs=0.01)
    assert v(e, "gross_margin_pct") == pytest.approx(0.1256, abs=0.00005)
    assert v(e, "orders") == 5_111
    assert v(e, "revenue", "2022") == pytest.approx(745_567.53, abs=0.01)


@pytest.mark.realdata
def test_real_sales_data_sample() -> None:
    df = pd.read_csv(realdata("sales_data_sample/sales_data_sample.csv"))
    df["ORDERDATE"] = pd.to_datetime(df["ORDERDATE"], format="%m/%d/%Y %H:%M")
    mapping = {
        "order_id": "ORDERNUMBER",
        "date": "ORDERDATE",
        "amount": "SALES",
        "quantity": "QUANTITYORDERED",
        "unit_price": "PRICEEACH",
        "status": "STATUS",
    }
    t = Table("sales_data_sample", df, "orders", mapping)
    # SALES wins over the capped QUANTITYORDERED × PRICEEACH; Cancelled is not counted.
    assert v(Engine([t]), "revenue") == pytest.approx(9_838_141.37, abs=0.01)
    everything = sorted(df["STATUS"].unique())
    assert v(Engine([t], statuses=everything), "revenue") == pytest.approx(10_032_628.85, abs=0.01)


def test_a_change_shown_as_zero_has_no_arrow_nor_colour() -> None:
    from kpi.metrics.scorecard import card

    df = pd.DataFrame(
        {
            "Date": pd.to_datetime(["2025-10-03", "2025-11-04", "2025-12-05"]),
            "Montant": [100.0, 100.0, 110.0],
        }
    )
    eng = Engine([Table("ca.csv", df, "orders", {"date": "Date", "amount": "Montant"})])
    cards = {r.id: card(r, "fr", "EUR") for r in eng.results("2025-12")}
    orders, revenue = cards["orders"], cards["revenue"]
    assert orders.delta == "0,0\u00a0% vs période précédente"  # one order each month
    assert (orders.delta_color, orders.delta_arrow) == ("off", "off")
    assert revenue.delta.startswith("+10,0") and revenue.delta_color == "normal"
    assert revenue.delta_arrow == "auto"
