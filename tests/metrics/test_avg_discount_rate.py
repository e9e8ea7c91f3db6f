"""avg_discount_rate: Σ (rate × amount) / Σ amount over the counted rows of the period with an
amount > 0 — by hand on a tiny table, and on Superstore 2022 against plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.data import Table, detect, load_path
from kpi.metrics import Engine, get_kpi, suggest
from tests.conftest import realdata

MAPPING = {"date": "date", "amount": "amount", "status": "status", "discount": "remise",
           "region": "region"}  # fmt: skip


def orders(remise: list[float | None]) -> Table:
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2024-01-05", "2024-01-10", "2024-01-20", "2024-01-25", "2024-01-28", "2024-02-03"]
            ),  # fmt: skip
            "amount": [100.0, 300.0, 50.0, -40.0, 200.0, 80.0],
            "status": ["Livrée", "Livrée", "Livrée", "Avoir", "Annulée", "Livrée"],
            "remise": remise,
            "region": ["Nord", "Sud", "Nord", "Nord", "Sud", "Nord"],
        }
    )
    return Table("ventes.csv", df, "orders", MAPPING)


def test_by_hand_with_fractions() -> None:
    t = orders([0.10, 0.20, None, 0.50, 0.30, 0.05])
    v = Engine([t]).value("avg_discount_rate", "2024-01")
    # January, counted (the cancelled 200 is out), amount > 0 (the -40 credit note is out):
    # 100 at 10 %, 300 at 20 %, 50 without a rate (0 %) → (10 + 60 + 0) / 450
    assert v.value == pytest.approx(70 / 450)
    assert v.detail == {"revenue": 450.0, "rows": 3, "discounted_rows": 2}
    assert Engine([t]).value("avg_discount_rate", "2024-02").value == pytest.approx(0.05)
    # filters apply as for every KPI: Nord in January is 100 at 10 % and 50 at 0 %
    nord = Engine([t], filters={"region": ["Nord"]}).value("avg_discount_rate", "2024-01")
    assert nord.value == pytest.approx(10 / 150)


def test_percent_values_give_the_same_rate() -> None:
    as_percent = orders([10.0, 20.0, None, 50.0, 30.0, 5.0])
    v = Engine([as_percent]).value("avg_discount_rate", "2024-01")
    assert v.value == pytest.approx(70 / 450)
    assert Engine([as_percent]).result("avg_discount_rate", "2024-02").previous.value == (
        pytest.approx(70 / 450)
    )


def test_values_that_are_not_rates_make_it_unavailable() -> None:
    amounts = orders([10.0, 60.0, None, 5.0, 150.0, 8.0])  # 150: a discount amount, not a rate
    v = Engine([amounts]).value("avg_discount_rate", "2024-01")
    assert v.value is None and v.status == "unavailable"
    assert "taux de remise" in v.reason_text("fr") and "discount rate" in v.reason_text("en")


def test_empty_selection_and_no_sale() -> None:
    t = orders([0.1] * 6)
    assert Engine([t]).value("avg_discount_rate", "2023-05").status == "no_data"
    # rows, but none sold (only credit notes): no revenue to weigh by
    credits = Table("v.csv", t.df.assign(amount=-1.0), "orders", MAPPING)
    assert Engine([credits]).value("avg_discount_rate", "2024-01").status == "undefined"


def test_the_role_is_found_from_french_and_english_headers() -> None:
    for header in ("Remise", "Remise %", "Taux de remise", "Discount", "Discount rate"):
        df = pd.DataFrame({"Date": pd.to_datetime(["2024-01-01"]), "Montant HT": [10.0],
                           header: [0.1]})  # fmt: skip
        assert detect(df).mapping.get("discount") == header, header


def test_record_and_suggestion() -> None:
    kpi = get_kpi("avg_discount_rate")
    assert kpi.unit == "percent" and kpi.higher_is_better is False and not kpi.spec
    assert kpi.weight("profitability") == 2
    t = orders([0.1] * 6)
    found = {s.kpi.id: s for s in suggest(["profitability"], [t])}
    assert found["avg_discount_rate"].computable
    no_discount = Table("v.csv", t.df, "orders", {k: v for k, v in MAPPING.items()
                                                  if k != "discount"})  # fmt: skip
    s = {s.kpi.id: s for s in suggest(["profitability"], [no_discount])}["avg_discount_rate"]
    assert not s.computable and "Taux de remise" in s.unlock("fr")


@pytest.mark.realdata
def test_superstore_2022_against_pandas() -> None:
    path = realdata("superstore/Sample - Superstore.csv")
    table = load_path(path)
    assert table.mapping["discount"] == "Discount" and table.mapping["amount"] == "Sales"
    got = Engine([table]).value("avg_discount_rate", "2022")
    # independently: the raw file with pandas, day-first dates, no status column (all count)
    raw = pd.read_csv(path, encoding="utf-8-sig")
    year = raw[pd.to_datetime(raw["Order Date"], format="%d/%m/%y").dt.year == 2022]
    sold = year[year["Sales"] > 0]
    expected = float((sold["Discount"] * sold["Sales"]).sum() / sold["Sales"].sum())
    assert got.value == pytest.approx(expected, rel=1e-9)
    assert round(got.value, 4) == 0.1371 and got.detail["rows"] == len(sold) == 3379
    assert np.isclose(got.detail["revenue"], 745_567.53, atol=0.01)  # KPI_SPEC: 2022 sales
