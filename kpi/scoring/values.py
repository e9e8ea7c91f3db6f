"""Cell values and column names as the scorer reads them: trimmed, casefolded, accents removed,
missing-value tokens (``Select``, ``n/a``…) as empty; and the small helpers every part shares."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from kpi.errors import PiloteError
from kpi.text import words

Progress = Callable[[float, str], None]


# fmt: off
# Cell values that mean "not answered" (compared after trimming, casefolding, removing accents).
MISSING_TOKENS: frozenset[str] = frozenset(
    {
        "", "select", "selectionner", "choisir", "please select", "-- select --",
        "unknown", "inconnu", "inconnue", "n/a", "na", "n.a.", "#n/a", "-", "--", "?",
        "null", "nan", "not specified", "non renseigne", "non renseignee", "nr",
        "(blank)", "(vide)", "vide",
    }
)
# fmt: on


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


#: Punctuation kept when comparing cell values, so that "n/a", "#n/a", "?" and "(blank)" stay
#: themselves.
TOKEN_CHARS = "/#?.()-"


def _norm(text: Any) -> str:
    """A cell value compared to :data:`MISSING_TOKENS` and the outcome words."""
    return words(text, keep=TOKEN_CHARS)


def _words(name: Any) -> set[str]:
    """The words of a column name, camelCase split: ``customerID`` → {customer, id}."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name))
    return set(re.sub(r"[^0-9a-z]+", " ", _norm(spaced)).split())


def _is_text(s: pd.Series) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(s)
        or pd.api.types.is_bool_dtype(s)
        or pd.api.types.is_datetime64_any_dtype(s)
    )


def _clean_text(s: pd.Series) -> pd.Series:
    """Trimmed, casefolded text with missing-value tokens as NaN (object dtype).

    Each distinct value is cleaned once: exports repeat a few values over many rows.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    cleaned = [_clean_value(u) for u in uniques]
    table = np.array([*cleaned, np.nan], dtype=object)  # code -1 (missing) → the last slot
    return pd.Series(table[codes], index=s.index, dtype=object)


def _clean_value(value: Any) -> Any:
    text = str(value).strip().casefold()
    return np.nan if _norm(text) in MISSING_TOKENS else text


def _require_columns(df: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise PiloteError(
            "scoring.unknown_columns",
            columns=_quote(missing),
            available=_quote(df.columns),
        )


def _names(columns: str | Iterable[str]) -> tuple[str, ...]:
    """Column names given as one name or several."""
    return (columns,) if isinstance(columns, str) else tuple(columns)


def _quote(items: Iterable[Any], limit: int = 30) -> str:
    items = [str(i) for i in items]
    more = len(items) - limit
    text = ", ".join(f"“{i}”" for i in items[:limit])
    return text + (f", … (+{more})" if more > 0 else "")


def _fast_auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC (Mann–Whitney, ties counted half); NaN with a single class."""
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = pd.Series(p).rank(method="average").to_numpy()
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _float(value: Any) -> float | None:
    """A JSON-safe float (None for NaN)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _report(progress: Progress | None, fraction: float, key: str) -> None:
    if progress is not None:
        progress(float(min(max(fraction, 0.0), 1.0)), key)
