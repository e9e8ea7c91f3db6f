"""Data-quality counts on a small frame computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.data import Table, check
from kpi.data.quality import duplicate_rows


def test_quality_counts() -> None:
    amounts = [10.0] * 20 + [12.0] * 20 + [-5.0, 10_000.0]
    df = pd.DataFrame(
        {
            "Date": pd.to_datetime(["2024-01-01"] * 41 + ["2024-03-31"]),
            "Montant": amounts,
            "Client": ["A"] * 40 + [None, "B"],
        }
    )
    t = Table("x", df, "orders", {"date": "Date", "amount": "Montant", "customer_id": "Client"})
    q = check(t)
    assert q.rows == 42
    # rows 0-19 are identical (same date, 10.0, A), and rows 20-39 too: 19 + 19 duplicates
    assert q.duplicates == 38
    assert q.negative_amounts == 1
    # quartiles 10 and 12, IQR 2: fences 10 - 6 = 4 and 12 + 6 = 18 → -5 and 10,000 are out
    assert q.outliers == 2
    assert q.missing_by_role == {"date": 0, "amount": 0, "customer_id": 1}
    assert q.date_range == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-31"))


def test_empty_table_has_no_crash() -> None:
    df = pd.DataFrame({"Montant": pd.Series([], dtype="float64")})
    q = check(Table("x", df, "orders", {"amount": "Montant"}))
    assert q.rows == 0 and q.outliers == 0 and q.date_range is None


def test_duplicate_rows_matches_pandas_on_mixed_frames() -> None:
    rng = np.random.default_rng(3)
    n = 3000
    df = pd.DataFrame(
        {
            "name": rng.choice(["a", "b", "c"], n),
            "amount": rng.choice([1.0, 2.5, np.nan], n),
            "day": pd.to_datetime(rng.choice(["2024-01-01", "2024-01-02"], n)),
            "ref": pd.array(rng.choice(["x", "y", None], n), dtype="string"),
        }
    )
    assert duplicate_rows(df) == int(df.duplicated().sum()) > 0
    unique = df.assign(k=np.arange(n))
    assert duplicate_rows(unique) == 0
    # alike on every number and date, different only in the text: no duplicate
    text_only = pd.DataFrame({"v": [1.0] * 4, "t": ["a", "b", "c", "d"]})
    assert duplicate_rows(text_only) == 0
    assert duplicate_rows(pd.DataFrame({"v": [1.0, 1.0], "t": ["a", "a"]})) == 1
    assert duplicate_rows(df.iloc[:0]) == 0 and duplicate_rows(df.iloc[:1]) == 0


def test_a_running_subscription_has_no_end_date_and_that_is_fine() -> None:
    df = pd.DataFrame(
        {
            "Client": ["A", "B", "C", None],
            "Début": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-03-01", "2024-03-02"]),
            "Fin": pd.to_datetime([None, None, "2024-06-01", None]),
            "Prix": [10.0, 20.0, 30.0, 40.0],
        }
    )
    mapping = {"customer_id": "Client", "start_date": "Début", "end_date": "Fin",
               "unit_price": "Prix"}  # fmt: skip
    q = check(Table("abonnements.csv", df, "subscriptions", mapping))
    assert q.missing_by_role["end_date"] == 3  # counted and shown in the table…
    columns = [m.params["column"] for m in q.issues if m.key == "quality.missing"]
    assert columns == ["Client"]  # …but only a missing customer is a problem
    assert q.date_column == "Début" and q.date_range[1] == pd.Timestamp("2024-03-02")


def test_quantities_are_checked_without_an_amount_column() -> None:
    # Online Retail has no amount: Quantity × UnitPrice. Its quality panel must see the
    # negative quantities (returns) and the ±80,995 typing slip, not "0 and 0".
    qty = [1.0] * 10 + [2.0] * 10 + [-1.0, -3.0, 80_995.0, -80_995.0]
    price = [2.0] * 20 + [2.0, 2.0, 0.5, 0.5]
    df = pd.DataFrame({"Quantity": qty, "UnitPrice": price})
    t = Table("x", df, "orders", {"quantity": "Quantity", "unit_price": "UnitPrice"})
    q = check(t)
    assert q.negative_quantities == 3
    # quantities: quartiles 1 and 2, IQR 1, fences -2 and 5 → -3, 80,995 and -80,995 are out
    assert q.quantity_outliers == 3 and q.quantity_range == (-80_995.0, 80_995.0)
    # line amounts: 2 (×10), 4 (×10), -2, -6, 40,497.5, -40,497.5 → 3 negative
    assert q.negative_amounts == 3 and q.outlier_column == "Quantity × UnitPrice"
    texts = [i.text("fr") for i in q.issues]
    assert any("3 quantité(s) négative(s) dans « Quantity »" in s for s in texts)
    assert any("de -80\u202f995 à 80\u202f995" in s for s in texts)
    en = [i.text("en") for i in q.issues]
    assert any("from -80,995 to 80,995" in s for s in en)


def test_counts_in_sentences_have_thousands_separators() -> None:
    df = pd.DataFrame({"a": [1.0] * 5268 + [2.0]})
    q = check(Table("x", df, "other", {}))
    assert q.issues[0].text("fr").startswith("5\u202f267 ligne(s) en double")
    assert q.issues[0].text("en").startswith("5,267 exactly duplicated")
