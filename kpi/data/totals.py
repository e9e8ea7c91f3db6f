"""Total rows at the bottom (or inside) of an export — ``Total``, ``Sous-total``, ``Grand
total``… — found and dropped, each drop counted in the load report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.data.columns import DATE_WORD, TEXT_DTYPE, is_total_label, total_prefix_rows, unreadable
from kpi.data.dataset import LoadReport

__all__ = ["drop_total_rows"]


def _labelled_total(
    df: pd.DataFrame, text_cols: list[Any], rows: np.ndarray, dated: Iterable[int] = ()
) -> list[int]:
    """The ``rows`` whose first filled text cell (among ``text_cols``) starts with a total word:
    a total's label comes first (``Total général (5 enregistrements)``), a line item's product
    named ``Subtotal mug`` comes after its order's number. Rows in ``dated`` had such a label
    in a date column, ahead of any text (see ``LoadReport.total_labels``).

    Vectorised: a line-item export (Shopify) has half its rows sparse, all of them candidates;
    reading them cell by cell took minutes on a million lines.
    """
    if not len(rows) or not text_cols:
        return []
    found = np.zeros(len(rows), dtype=bool)
    seen = np.zeros(len(rows), dtype=bool)  # a text cell came before in the row
    index = pa.array(rows)
    for c in text_cols:
        values = pa.array(df[c], from_pandas=True).take(index)
        hit = is_total_label(values)
        found |= ~seen & pc.fill_null(hit, False).to_numpy(zero_copy_only=False)
        seen |= pc.is_valid(values).to_numpy(zero_copy_only=False)
    found |= np.isin(rows, np.fromiter(dated, dtype=np.int64))
    return rows[found].tolist()


def drop_total_rows(df: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    """Drop rows labelled Total / Sous-total / Grand total that are not data.

    Candidates are the rows that are mostly empty and the last three rows (a total line in an
    export leaves most of its cells empty or closes the file). A candidate whose first text
    cells start with a total word — or whose date cell did (``report.total_labels``) — is
    dropped when it is mostly empty or one of its numbers equals the sum of the rows since the
    previous total, or of all data rows above (a grand total). An unlabelled last row is
    dropped when its labels (texts, dates) are empty while one of its numbers equals the sum
    of the rows above. A date cell labelled as a total on a row that stays is counted as an
    unreadable date after all.
    """
    dated, report.total_labels = report.total_labels, {}
    drop = _total_rows(df, dated)
    for column, n_bad in Counter(c for row, c in dated.items() if row not in drop).items():
        unreadable(report, column, n_bad, DATE_WORD)
    if not drop:
        return df
    lines = [int(i) + report.header_row + 1 for i in drop]
    report.drop(len(drop), "total", lines)
    return df.drop(index=df.index[drop]).reset_index(drop=True)


def _total_rows(df: pd.DataFrame, dated: dict[int, str]) -> list[int]:
    n = len(df)
    if n == 0:
        return []
    text_cols = [c for c in df.columns if df[c].dtype == TEXT_DTYPE][:6]
    num_cols = [c for c in df.columns if pd.api.types.is_float_dtype(df[c])]
    filled = np.zeros(n, dtype=np.int64)
    for c in df.columns:  # column by column: a third cheaper than the frame's notna().sum()
        filled += df[c].notna().to_numpy()
    sparse = filled <= 0.6 * df.shape[1]
    candidates = set(np.flatnonzero(sparse).tolist()) | set(range(max(0, n - 3), n))
    if text_cols:
        # In the first text column (where exports put a total's label) look at every row,
        # through a cheap prefix test; the exact pattern runs on the few hits only.
        candidates |= set(total_prefix_rows(pa.array(df[text_cols[0]], from_pandas=True)))
    candidates = sorted(candidates | set(dated))
    labelled = _labelled_total(df, text_cols, np.asarray(candidates, dtype=np.int64), dated)
    last = n - 1
    labels = [c for c in df.columns if c not in num_cols]
    unlabelled_last = last > 1 and bool(labels) and all(pd.isna(df[c].iat[last]) for c in labels)
    if not labelled and not unlabelled_last:
        return []  # the usual case: no sums needed (0.1 s over a million rows)
    nums = df[num_cols].to_numpy(dtype="float64", na_value=np.nan) if num_cols else None
    cum = np.nancumsum(nums, axis=0) if nums is not None else None

    def col_sum(a: int, b: int) -> np.ndarray:  # sum of rows a..b-1
        if cum is None or b <= a:
            return np.zeros(len(num_cols))
        return cum[b - 1] - (cum[a - 1] if a > 0 else 0.0)

    def equals(total: np.ndarray, values: np.ndarray) -> bool:
        ok = ~np.isnan(values) & (values != 0)
        return bool(np.any(np.isclose(total[ok], values[ok], rtol=1e-6, atol=0.011)))

    drop: list[int] = []
    removed = np.zeros(len(num_cols))
    start = 0
    for i in labelled:
        values = nums[i] if nums is not None else np.array([])
        since_last = col_sum(start, i)
        all_data = col_sum(0, i) - removed
        if sparse[i] or (
            nums is not None and (equals(since_last, values) or equals(all_data, values))
        ):
            drop.append(i)
            if nums is not None:
                removed = removed + np.nan_to_num(values)
            start = i + 1
    if last not in drop and unlabelled_last and nums is not None:
        if equals(col_sum(0, last) - removed, nums[last]):
            drop.append(last)
    return drop
