"""The twelve subscription KPIs through the engine: loaded like any file, computed by their
catalogue formulas, with previous period, last year, targets, alerts, filters and cards.

The story is ``tests/metrics/test_subscriptions.py``'s (its docstring computes every figure by
hand): March 2024 MRR 805.09 (8 customers), February 704.70 (7), March 2023 478.69 (Alpha 149.70,
Echo 29.99, Charlie 99, Bravo 200 — Bravo new that month); March movements new 79.60 (Foxtrot,
out of trial), reactivation 39.99 (Echo), expansion 99.80 (Alpha, +2 seats), contraction 40.00
(Charlie, down a plan), churn 79.00 (Delta, annual Bravo unchanged at 200 a month).
"""

from __future__ import annotations

import gc
from pathlib import Path

import pandas as pd
import pytest

from kpi.data import Table, detect, load_bytes, load_table
from kpi.data import sources as S
from kpi.metrics import Engine, card, get_kpi, kpis_for, suggest
from kpi.metrics import prepared as prepared_module
from kpi.metrics import subscriptions as subs
from kpi.metrics.formulas.subscriptions import subscriptions_of
from tests.metrics.test_subscriptions import MAPPING, MARCH, story

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
SUBSCRIPTION_FILES = (
    "stripe_subscriptions.csv",
    "stripe_sigma_subscriptions.csv",
    "chargebee_subscriptions.csv",
    "baremetrics_subscriptions.csv",
    "abonnements_fr.csv",
)
# February 2024 by hand: nothing moved (India arrived in January, Foxtrot still in trial);
# NRR/GRR: the customers of February 2023 (Alpha 149.70, Echo 29.99, Charlie 99 = 278.69) now
# bring Alpha 149.70 + Charlie 99 = 248.70 (Echo gone, nobody grew).
FEBRUARY = {
    "mrr": 704.70, "arr": 12 * 704.70, "new_mrr": 0.0, "reactivation_mrr": 0.0,
    "expansion_mrr": 0.0, "contraction_mrr": 0.0, "churned_mrr": 0.0, "net_new_mrr": 0.0,
    "logo_churn_rate": 0.0, "arpa": 704.70 / 7, "nrr": 248.70 / 278.69, "grr": 248.70 / 278.69,
}  # fmt: skip
MARCH_2023 = {"mrr": 478.69, "new_mrr": 200.0, "arpa": 478.69 / 4}


def story_table(**changes: object) -> Table:
    return Table("story.csv", story(**changes), "subscriptions", dict(MAPPING))


def test_the_catalogue_has_the_twelve_with_their_objective() -> None:
    for kpi_id in subs.KPI_IDS:
        kpi = get_kpi(kpi_id)
        assert kpi.family == "subscriptions" and kpi.needs[0].kind == "subscriptions"
        assert not kpi.snapshot  # a level at the period's end, with a previous period
    money = {"mrr", "arr", "new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr",
             "churned_mrr", "net_new_mrr", "arpa"}  # fmt: skip
    assert {k for k in subs.KPI_IDS if get_kpi(k).unit == "money"} == money
    assert {k for k in subs.KPI_IDS if get_kpi(k).unit == "percent"} == {
        "logo_churn_rate", "nrr", "grr"}  # fmt: skip
    assert {k for k in subs.KPI_IDS if get_kpi(k).higher_is_better is False} == {
        "contraction_mrr", "churned_mrr", "logo_churn_rate"}  # fmt: skip
    assert {k for k in subs.KPI_IDS if get_kpi(k).accumulates} == {
        "new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr",
        "net_new_mrr", "logo_churn_rate"}  # fmt: skip
    chosen = [k.id for k in kpis_for(["recurring_revenue"])]
    assert set(chosen) == set(subs.KPI_IDS)
    assert chosen[:3] == ["mrr", "net_new_mrr", "nrr"]  # the headline ones first


def test_by_hand_through_the_engine_with_comparisons() -> None:
    eng = Engine([story_table()], as_of="2024-03-31")
    for res in eng.results("2024-03", kpi_ids=subs.KPI_IDS):
        assert res.current.status == "ok", res.id
        assert res.value == pytest.approx(MARCH[res.id], abs=0.005), res.id
        assert res.previous is not None and res.previous.value == pytest.approx(
            FEBRUARY[res.id], abs=0.005
        ), res.id
    got = {r.id: r for r in eng.results("2024-03", kpi_ids=subs.KPI_IDS)}
    assert got["mrr"].value == 805.09 and got["net_new_mrr"].value == 100.39  # to the cent
    assert got["mrr"].change == pytest.approx(805.09 / 704.70 - 1)
    assert got["mrr"].delta == pytest.approx(100.39)
    for kpi_id, expected in MARCH_2023.items():
        assert got[kpi_id].last_year.value == pytest.approx(expected), kpi_id
    # before March 2023 nobody had MRR twelve months earlier: undefined, with a reason
    assert got["nrr"].last_year.value is None and got["nrr"].last_year.status == "undefined"
    assert got["nrr"].last_year.reason_text("fr")


def test_quarter_year_and_all() -> None:
    eng = Engine([story_table()], as_of="2024-03-31")
    q1 = eng.value("new_mrr", "2024-Q1")
    assert q1.value == pytest.approx(52 + 79.60)  # India in January, Foxtrot in March
    assert eng.value("mrr", "2024-Q1").value == 805.09
    assert eng.value("net_new_mrr", "2023").value == 652.70
    assert eng.value("mrr", "all").value == 805.09  # the end of the data
    assert eng.value("new_mrr", "all").value == pytest.approx(682.69 + 52 + 79.60)
    assert eng.result("mrr", "all").previous is None


def test_cards_show_money_changes_in_percent_and_rates_in_points() -> None:
    eng = Engine([story_table()], as_of="2024-03-31")
    res = {r.id: r for r in eng.results("2024-03", kpi_ids=["mrr", "logo_churn_rate", "nrr"])}
    mrr = card(res["mrr"], "fr", "EUR")
    assert mrr.value.replace("\u202f", " ").replace("\u00a0", " ") == "805,09 €"
    assert mrr.delta.startswith("+14,2") and "%" in mrr.delta and "pts" not in mrr.delta
    assert mrr.delta_color == "normal"
    churn = card(res["logo_churn_rate"], "en", "EUR")
    assert churn.delta == "+14.3 pts vs previous period"  # 1/7 against 0 in February
    assert churn.delta_color == "inverse"  # lower is better
    nrr = card(res["nrr"], "en", "EUR")
    assert nrr.delta.startswith("+25.3 pts")  # 114.58 % against 89.24 %
    assert "MRR" in mrr.help and "23:59:59" in mrr.help


def test_targets_and_alerts() -> None:
    eng = Engine([story_table()], as_of="2024-03-31")
    results = eng.results("2024-03", kpi_ids=["mrr", "churned_mrr"],
                          targets={"mrr": 1000.0, "churned_mrr": 50.0})  # fmt: skip
    mrr, churned = results
    assert mrr.attainment == pytest.approx(0.80509) and mrr.pacing is None  # a level
    assert churned.attainment == pytest.approx(79 / 50)
    kinds = {(a.kpi_id, a.kind) for a in eng.alerts(results, anomalies=False)}
    assert ("mrr", "below_target") in kinds and ("churned_mrr", "below_target") in kinds
    texts = [a.message("fr", "EUR") for a in eng.alerts(results, anomalies=False)]
    assert all("{" not in t for t in texts)


def test_filters_apply_to_the_subscriptions() -> None:
    t = story_table(segment=["PME"] * 8 + ["ETI"] * 8)  # rows A1…E2 PME, F1… ETI
    t = Table(t.name, t.df, "subscriptions", {**t.mapping, "segment": "segment"})
    whole = Engine([t], as_of="2024-03-31")
    pme = Engine([t], filters={"segment": ["PME"]}, as_of="2024-03-31")
    # PME rows: Alpha (249.50), Bravo (200), Charlie (59), Delta (gone), Echo (39.99)
    assert pme.value("mrr", "2024-03").value == pytest.approx(249.50 + 200 + 59 + 39.99)
    assert whole.value("mrr", "2024-03").value == 805.09
    # the filtered copy is dated like the whole table (data to Mike's notice on 28 March),
    # not by its own last event
    assert pme.value("mrr", "2024-03").detail["partial"] is True
    assert subscriptions_of(pme, t).as_of_ == subscriptions_of(whole, t).as_of_


def test_read_once_kept_with_the_table_and_freed_with_it() -> None:
    t = story_table()
    eng = Engine([t])
    first = subscriptions_of(eng, t)
    assert subscriptions_of(Engine([t]), t) is first  # a new engine (filter change) reuses it
    key = id(t.df)
    assert any(k[0] == key for k in prepared_module._PREPS)
    del t, eng, first
    gc.collect()
    assert not any(k[0] == key for k in prepared_module._PREPS)


@pytest.mark.parametrize("name", SUBSCRIPTION_FILES)
def test_export_fixtures_load_as_subscriptions_and_give_the_hand_figures(name: str) -> None:
    table = load_table((FIXTURES / name).read_bytes(), name)
    assert table.kind == "subscriptions"
    for role in ("customer_id", "start_date", "interval"):
        assert role in table.mapping, (name, role)
    assert "date" not in table.mapping and "amount" not in table.mapping
    match = S.detect_source(list(table.df.columns), table.df.head(50))
    if match is not None:  # a tool's export: its profile's semantics (cents ÷ 100…)
        df, mapping, _notes = S.apply_source(table.df, match)
        assert match.profile.kind == "subscriptions"
        table = Table(name, df, "subscriptions", mapping)
    else:
        assert name == "abonnements_fr.csv"  # no tool: read by the role synonyms alone
    eng = Engine([table], as_of="2024-03-31")
    for kpi_id, expected in MARCH.items():
        assert eng.value(kpi_id, "2024-03").value == pytest.approx(expected, abs=0.005), kpi_id
    assert eng.value("mrr", "2024-02").value == 704.70


def test_a_stripe_export_is_read_with_the_right_roles_through_load_bytes() -> None:
    data = (FIXTURES / "stripe_subscriptions.csv").read_bytes()
    df, report = load_bytes(data, "subscriptions.csv")
    found = detect(df)
    assert found.kind == "subscriptions"
    assert found.mapping == {
        "customer_id": "Customer ID", "product": "Product", "quantity": "Quantity",
        "unit_price": "Amount", "currency": "Currency", "interval": "Interval",
        "status": "Status", "start_date": "Start Date (UTC)", "trial_end": "Trial End (UTC)",
        "canceled_at": "Canceled At (UTC)", "cancel_at_period_end": "Cancel At Period End",
        "current_period_end": "Current Period End (UTC)", "end_date": "Ended At (UTC)",
    }  # fmt: skip
    match = S.detect_source(list(df.columns), df.head(50))
    assert match is not None and match.profile.id == "stripe.subscriptions"
    assert match.mapping["subscription_id"] == "id"  # "id" alone is too vague for synonyms
    assert match.mapping["start_date"] == "Start Date (UTC)"  # not the legacy "Start (UTC)"
    assert not report.dropped


def test_an_orders_file_stays_orders() -> None:
    df = pd.DataFrame(
        {
            "N° commande": ["C1", "C2"],
            "Date": pd.to_datetime(["2024-01-02", "2024-01-03"]),
            "Client": ["A", "B"],
            "Montant HT": [10.0, 20.0],
            "Date de fin": pd.to_datetime(["2024-02-02", None]),  # a warranty end, say
        }
    )
    assert detect(df).kind == "orders"


def test_several_currencies_give_each_currency_never_a_sum() -> None:
    df = story()
    df.loc[df["customer"].isin(["Bravo", "Hotel"]), "currency"] = "usd"
    t = Table("story.csv", df, "subscriptions", dict(MAPPING))
    engine = Engine([t], as_of="2024-03-31")
    # As every money KPI (kpi.metrics.currencies): the main currency's figure (most rows),
    # the others beside it, never added up.
    res = engine.result("mrr", "2024-03")
    assert res.currency == "EUR" and res.value == pytest.approx(505.09)
    assert res.per_currency == (("EUR", pytest.approx(505.09)), ("USD", 300.0))
    assert Engine([t], as_of="2024-03-31", currency="USD").value("mrr", "2024-03").value == 300.0
    # picking one currency with the filters gives its figures
    eur = Engine([t], filters={"currency": ["EUR"]}, as_of="2024-03-31")
    assert eur.value("mrr", "2024-03").value == pytest.approx(505.09)


def test_a_table_that_cannot_be_read_says_why() -> None:
    df = story(interval="custom")
    t = Table("story.csv", df, "subscriptions", dict(MAPPING))
    v = Engine([t]).value("mrr", "2024-03")
    assert v.value is None and v.status == "unavailable"
    assert v.reason == "subscriptions.nothing_counted"
    assert "custom" in v.reason_text("fr") and "custom" in v.reason_text("en")


def test_no_customer_column_is_named_as_what_unlocks_the_kpis() -> None:
    mapping = {k: v for k, v in MAPPING.items() if k != "customer_id"}
    t = Table("story.csv", story(), "subscriptions", mapping)
    v = Engine([t]).value("mrr", "2024-03")
    assert v.status == "unavailable"
    assert "Client" in v.reason_text("fr") and "Customer" in v.reason_text("en")
    assert not next(s for s in suggest(["recurring_revenue"], [t]) if s.kpi.id == "mrr").computable


def test_a_range_that_is_not_whole_months_is_explained() -> None:
    v = Engine([story_table()]).value("mrr", "2024-03-05..2024-03-31")
    assert v.status == "unavailable" and v.reason == "subscriptions.period_not_months"
    assert v.reason_text("en")


def test_series_for_sparklines_and_anomalies() -> None:
    s = Engine([story_table()], as_of="2024-03-31").series("mrr", "month")
    assert s["period"].iloc[0] == "2023-01" and s["period"].iloc[-1] == "2024-03"
    assert s.set_index("period").loc["2024-02", "value"] == 704.70
    assert s["value"].notna().all()
