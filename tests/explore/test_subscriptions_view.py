"""The subscription view (kpi.explore.subscriptions): tables by hand on the story of
``tests/metrics/test_subscriptions.py`` and its charts through ``to_dict()``."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kpi.data import Table
from kpi.explore import subscriptions as xs
from kpi.metrics import Engine, parse_period
from tests.metrics.test_subscriptions import MAPPING, story


def engine(**changes: object) -> Engine:
    t = Table("subs.csv", story(**changes), "subscriptions", dict(MAPPING))
    return Engine([t], as_of="2024-03-31")


def view(period: str = "2024-03", lang: str = "fr", **kw: object) -> xs.Recurring:
    v = xs.recurring(engine(), parse_period(period), lang=lang, **kw)
    assert v is not None
    return v


def _values(spec: dict) -> list[dict]:
    """Every data row of a chart spec (inline data and named datasets)."""
    rows = []
    for layer in spec.get("layer", [spec]):
        rows += layer.get("data", {}).get("values", [])
    for values in spec.get("datasets", {}).values():
        rows += values
    return rows


def test_waterfall_of_march_in_both_languages() -> None:
    w = view().waterfall()
    assert w["step"].tolist() == ["start", "new", "reactivation", "expansion", "contraction",
                                  "churned", "end"]  # fmt: skip
    assert w["label"].tolist() == ["MRR de début", "Nouveaux", "Réactivations", "Expansion",
                                   "Contraction", "Churn", "MRR de fin"]  # fmt: skip
    assert w["value"].tolist() == [704.70, 79.60, 39.99, 99.80, -40.0, -79.0, 805.09]
    assert w["customers"].tolist() == [7, 1, 1, 1, 1, 1, 8]
    assert view(lang="en").waterfall()["label"].iloc[0] == "Starting MRR"
    spec = xs.waterfall_chart(w, lang="fr", currency="EUR").to_dict()
    rows = _values(spec)
    texts = {r["label"]: r["v_text"] for r in rows if "v_text" in r}
    assert texts["MRR de fin"].replace("\u202f", " ").replace("\u00a0", " ") == "805,09 €"
    assert texts["Churn"].startswith("-79,00") or texts["Churn"].startswith("−79,00")
    assert texts["Nouveaux"].startswith("+79,60")
    kinds = {r["label"]: r["kind"] for r in rows if "kind" in r}
    assert kinds["MRR de début"] == kinds["MRR de fin"] == "total"
    assert kinds["Nouveaux"] == "up" and kinds["Contraction"] == "down"
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_history_and_movements_chart() -> None:
    h = view().history()
    assert h["month"].iloc[0] == pd.Timestamp("2023-01-01")  # the data starts there
    assert h["month"].iloc[-1] == pd.Timestamp("2024-03-01")
    assert h["label"].iloc[-1] == "mars 2024"
    assert view().history(months=3)["label"].tolist() == ["janvier 2024", "février 2024",
                                                          "mars 2024"]  # fmt: skip
    spec = xs.movements_chart(h, lang="en", currency="EUR").to_dict()
    rows = [r for r in _values(spec) if "movement" in r and r["month"].startswith("2024-03")]
    amounts = {r["movement"]: r["amount"] for r in rows}
    assert amounts == {"New": 79.60, "Reactivation": 39.99, "Expansion": 99.80,
                       "Contraction": -40.0, "Churn": -79.0}  # fmt: skip
    nets = [r for r in _values(spec) if "net_new" in r and r["month"].startswith("2024-03")]
    assert nets[0]["net_new"] == pytest.approx(100.39)
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["y"]["stack"] == "zero"
    assert bars["encoding"]["color"]["scale"]["domain"][-1] == "Churn"


def test_the_customers_behind_each_movement() -> None:
    m = view(lang="en").movements()
    assert list(m.columns) == ["month", "label", "customer", "movement", "movement_label",
                               "previous_mrr", "mrr", "change"]  # fmt: skip
    assert list(zip(m["movement_label"], m["customer"], m["change"].round(2), strict=True)) == [
        ("New", "Foxtrot", 79.60), ("Reactivation", "Echo", 39.99),
        ("Expansion", "Alpha", 99.80), ("Contraction", "Charlie", -40.0),
        ("Churn", "Delta", -79.0),
    ]  # fmt: skip


def test_cohorts_and_their_chart() -> None:
    c = view().cohorts()
    jan = c[c["cohort"] == pd.Timestamp("2023-01-01")].set_index("age")
    assert jan.loc[14, "nrr"] == pytest.approx((249.50 + 39.99) / 179.69)
    assert jan["cohort_label"].iloc[0] == "janvier 2023"
    spec = xs.cohort_chart(c, "grr", lang="en").to_dict()
    rect = spec["layer"][0]
    assert rect["encoding"]["color"]["field"] == "grr"
    assert rect["encoding"]["color"]["scale"]["domain"][:2] == [0.5, 1]  # 100 % in the middle
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Months since the first subscription"
    empty = xs.cohort_chart(c.iloc[0:0], lang="fr").to_dict()
    assert "Aucune donnée" in json.dumps(empty, ensure_ascii=False)


def test_notes_say_what_is_left_out() -> None:
    notes = view().notes()
    assert any("jamais payés" in n for n in notes)
    trial = next(n for n in notes if "essai" in n)
    assert "49,90" in trial and "Montant mensuel laissé de côté" in trial
    assert view(lang="en").notes()[0].startswith("1 subscription(s) never paid")


def test_partial_period_and_as_of() -> None:
    t = Table("subs.csv", story(), "subscriptions", dict(MAPPING))
    v = xs.recurring(Engine([t]), parse_period("2024-03"))
    assert v is not None and v.partial and v.as_of == pd.Timestamp("2024-03-28")
    assert not xs.recurring(Engine([t]), parse_period("2024-02")).partial


def test_several_currencies_one_at_a_time() -> None:
    df = story()
    df.loc[df["customer"].isin(["Bravo", "Hotel"]), "currency"] = "usd"
    eng = Engine([Table("subs.csv", df, "subscriptions", dict(MAPPING))])
    eur = xs.recurring(eng, parse_period("2024-03"))
    assert eur.currencies == ("EUR", "USD") and eur.currency == "EUR"
    assert eur.waterfall()["value"].iloc[-1] == pytest.approx(505.09)
    usd = xs.recurring(eng, parse_period("2024-03"), currency="USD")
    assert usd.waterfall()["value"].iloc[-1] == pytest.approx(300.0)


def test_no_subscriptions_table() -> None:
    orders = Table("o.csv", pd.DataFrame({"a": [1]}), "orders", {})
    assert xs.recurring(Engine([orders]), parse_period("2024-03")) is None


def test_reading_for_the_data_page() -> None:
    t = Table("subs.csv", story(), "subscriptions", dict(MAPPING))
    ok, lines = xs.reading(t, "en")
    assert ok and lines[0] == (
        "Read as a subscriptions table: 13 row(s) counted out of 16, 10 customer(s)."
    )
    assert any("never paid" in line for line in lines[1:])
    no_customer = {k: v for k, v in MAPPING.items() if k != "customer_id"}
    ok, lines = xs.reading(Table("subs.csv", story(), "subscriptions", no_customer), "fr")
    assert not ok and lines[0].startswith("Aucune colonne client")
