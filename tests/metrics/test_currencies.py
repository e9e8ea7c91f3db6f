"""Several currencies: counted per currency, money KPIs per currency, conversion at given rates
— by hand on a tiny orders table."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.data.dataset import Table
from kpi.errors import PiloteError
from kpi.metrics import Engine
from kpi.metrics.currencies import (
    convert_tables,
    dataset_currencies,
    parse_rates,
    rates_from_frame,
    raw_values,
)


def orders() -> Table:
    df = pd.DataFrame(
        {
            "id": ["o1", "o2", "o3", "o4", "o5", "o6"],
            "date": pd.to_datetime(
                ["2024-03-05", "2024-03-01", "2024-03-09", "2024-03-02", "2024-03-07", "2024-03-03"]
            ),
            "amount": [100.0, 200.0, 10.0, 20.0, 50.0, 5.0],
            "cost": [60.0, 100.0, 5.0, 10.0, 20.0, 1.0],
            "cur": ["EUR", "eur", "€", "USD", "usd", None],
        }
    )
    mapping = {"order_id": "id", "date": "date", "amount": "amount", "cost": "cost",
               "currency": "cur"}  # fmt: skip
    return Table("orders.csv", df, "orders", mapping)


def test_currencies_are_counted_per_code() -> None:
    found = dataset_currencies([orders()])
    assert found.rows == (("EUR", 3), ("USD", 2)) and found.missing == 1
    assert found.main == "EUR" and found.several
    assert found.message().text("en") == "2 currencies: EUR 60%, USD 40%"
    assert raw_values([orders()], "EUR") == ["EUR", "eur", "€"]
    assert (
        found.missing_message().text("en")
        == "1 row(s) without a currency: in the counts, in no amount."
    )


def test_money_kpis_per_currency_counts_on_every_row() -> None:
    engine = Engine([orders()])
    revenue = engine.result("revenue", "all")
    # EUR rows: 100 + 200 + 10; USD: 20 + 50; the row without a currency is in neither
    assert (revenue.currency, revenue.value) == ("EUR", 310.0)
    assert revenue.per_currency == (("EUR", 310.0), ("USD", 70.0))
    margin = engine.result("gross_margin_pct", "all")
    assert margin.value == pytest.approx((310 - 165) / 310)
    assert engine.result("orders", "all").value == 6  # every row, whatever its currency
    assert Engine([orders()], currency="USD").value("revenue", "all").value == 70.0
    # a filter keeping one currency: no split
    assert Engine([orders()], filters={"currency": ["usd"]}).money_currency is None


def test_conversion_with_a_rate_for_every_currency() -> None:
    converted, missing = convert_tables([orders()], {"USD": 0.5}, "EUR")
    assert missing == []
    df = converted[0].df
    assert df["amount"].tolist()[:5] == [100.0, 200.0, 10.0, 10.0, 25.0]
    assert df["cost"].tolist()[3:5] == [5.0, 10.0]
    assert df["cur"].tolist()[:5] == ["EUR"] * 5 and pd.isna(df["cur"].iloc[5])
    engine = Engine(converted)
    assert engine.money_currency is None
    # 310 + 35; the row without a currency has no rate: its amount is unknown
    assert engine.value("revenue", "all").value == 345.0
    assert orders().df["amount"].tolist()[3] == 20.0  # the original is not modified


def test_a_missing_rate_converts_nothing() -> None:
    table = orders()
    converted, missing = convert_tables([table], {}, "EUR")
    assert missing == ["USD"] and converted[0] is table


def test_rates_typed_or_uploaded() -> None:
    assert parse_rates(["usd=0,92", "GBP=1.17"]) == {"USD": 0.92, "GBP": 1.17}
    assert parse_rates({"£": "1,2"}) == {"GBP": 1.2}
    for bad in (["USD=0"], ["USD=-1"], ["USD=abc"], ["=1"]):
        with pytest.raises(PiloteError) as err:
            parse_rates(bad)
        assert err.value.key == "currencies.bad_rate"
    frame = pd.DataFrame({"Devise": ["USD", "GBP"], "Taux": [0.92, 1.17]})
    assert rates_from_frame(frame) == {"USD": 0.92, "GBP": 1.17}
    with pytest.raises(PiloteError) as err:
        rates_from_frame(pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}))
    assert err.value.key == "currencies.bad_rates_file"
    assert "a, b" in err.value.message("en")
