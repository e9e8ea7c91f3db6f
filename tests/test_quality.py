"""Data-quality counts on a small frame computed by hand."""

from __future__ import annotations

import pandas as pd

from kpi.dataset import Table
from kpi.quality import check


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
