"""Data-quality checks on a loaded table: what a user should know before trusting its KPIs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.dataset import Table
from kpi.data.roles import role_label


@dataclass
class QualityReport:
    """Counts per role and table-wide facts. Every number is a count of rows unless stated."""

    rows: int
    duplicates: int
    missing_by_role: dict[str, int] = field(default_factory=dict)
    unparseable_by_column: dict[str, int] = field(default_factory=dict)
    date_range: tuple[pd.Timestamp, pd.Timestamp] | None = None
    date_column: str | None = None
    negative_amounts: int = 0
    outliers: int = 0
    outlier_column: str | None = None
    negative_quantities: int = 0
    quantity_outliers: int = 0
    quantity_range: tuple[float, float] | None = None
    quantity_column: str | None = None
    issues: list[i18n.Message] = field(default_factory=list)

    def rows_for_display(self, lang: str) -> list[dict[str, object]]:
        """One line per role: its column, missing count and share."""
        out = []
        for role, n in self.missing_by_role.items():
            label = role_label(role, lang)
            out.append(
                {
                    "role": label,
                    "missing": n,
                    "share": n / self.rows if self.rows else 0.0,
                }
            )
        return out


def duplicate_rows(df: pd.DataFrame) -> int:
    """How many rows repeat an earlier row exactly (``df.duplicated().sum()``), faster.

    Rows can only be duplicates if they agree on every column, so the candidates are narrowed
    first on one hash of the numbers and dates (cheap), then text column by text column among
    the rows still alike; the exact comparison runs only on what is left.
    """
    if len(df) < 2 or df.shape[1] == 0:
        return 0
    cheap = [
        c
        for c in df.columns
        if pd.api.types.is_numeric_dtype(df[c].dtype) or df[c].dtype.kind in "Mmb"
    ]
    rest = [c for c in df.columns if c not in cheap]
    candidates = df
    if cheap:
        hashed = pd.Series(pd.util.hash_pandas_object(df[cheap], index=False).to_numpy())
        alike = hashed.duplicated(keep=False).to_numpy()  # a hash collision only adds rows
        if not alike.any():
            return 0
        candidates = df[alike]
    for i in range(1, len(rest)):
        alike = candidates.duplicated(subset=rest[:i], keep=False).to_numpy()
        if not alike.any():
            return 0
        if alike.mean() <= 0.5:  # narrowing: compare the remaining columns on fewer rows
            candidates = candidates[alike]
    return int(candidates.duplicated().sum())


# Roles whose empty cells say something rather than lack something: a subscription with no end
# date is running, with no trial end had no trial (counted in the missing values, not warned).
EMPTY_IS_AN_ANSWER = frozenset(
    {"end_date", "canceled_at", "trial_end", "current_period_end", "cancel_at_period_end"}
)


def _far_out(values: np.ndarray) -> int:
    """How many values lie beyond Tukey's far-out fences (three inter-quartile ranges below the
    first quartile or above the third); 0 under 20 values or without spread."""
    if len(values) < 20:
        return 0
    q1, q3 = np.percentile(values, [25, 75])
    iqr = q3 - q1
    if iqr <= 0:
        return 0
    return int(((values > q3 + 3 * iqr) | (values < q1 - 3 * iqr)).sum())


def check(table: Table) -> QualityReport:
    """Run the data-quality checks on a table.

    Duplicates are fully identical rows. Amounts are the amount column (or spend), else the
    line amounts quantity × unit price; quantities are checked on their own too (negative
    quantities are returns or stock adjustments, huge ones typing slips). Outliers are values
    beyond Tukey's far-out fences, more than three inter-quartile ranges below the first
    quartile or above the third.
    """
    df = table.df
    rep = QualityReport(rows=len(df), duplicates=duplicate_rows(df))
    for role, col in table.mapping.items():
        rep.missing_by_role[role] = int(df[col].isna().sum())
    if table.report is not None:
        rep.unparseable_by_column = {
            c: info.unparseable for c, info in table.report.column_info.items() if info.unparseable
        }
    date_col = next(
        (
            table.mapping[r]
            for r in ("date", "created_date", "close_date", "start_date")
            if r in table.mapping
        ),
        None,
    )
    if date_col is not None:
        dates = df[date_col].dropna()
        if not dates.empty:
            rep.date_range = (dates.min(), dates.max())
            rep.date_column = date_col
    amount_col = next((table.mapping[r] for r in ("amount", "spend") if r in table.mapping), None)
    qty_col, price_col = table.mapping.get("quantity"), table.mapping.get("unit_price")
    values = None
    if amount_col is not None:
        values = _numbers(df[amount_col])
    elif qty_col is not None and price_col is not None:
        # No amount column: the line amounts the KPIs use (quantity × unit price).
        amount_col = f"{qty_col} × {price_col}"
        values = _numbers(df[qty_col]) * _numbers(df[price_col])
    if values is not None:
        values = values[~np.isnan(values)]
        rep.negative_amounts = int((values < 0).sum())
        rep.outliers = _far_out(values)
        rep.outlier_column = amount_col if rep.outliers else None
    if qty_col is not None:
        qty = _numbers(df[qty_col])
        qty = qty[~np.isnan(qty)]
        rep.quantity_column = qty_col
        rep.negative_quantities = int((qty < 0).sum())
        rep.quantity_outliers = _far_out(qty)
        if len(qty):
            rep.quantity_range = (float(qty.min()), float(qty.max()))
    if rep.duplicates:
        rep.issues.append(i18n.Message("quality.duplicates", {"n": i18n.Count(rep.duplicates)}))
    if rep.negative_amounts:
        rep.issues.append(
            i18n.Message(
                "quality.negative",
                {"n": i18n.Count(rep.negative_amounts), "column": amount_col or ""},
            )
        )
    if rep.outliers:
        rep.issues.append(
            i18n.Message(
                "quality.outliers", {"n": i18n.Count(rep.outliers), "column": rep.outlier_column}
            )
        )
    if rep.negative_quantities:
        rep.issues.append(
            i18n.Message(
                "quality.negative_quantities",
                {"n": i18n.Count(rep.negative_quantities), "column": qty_col or ""},
            )
        )
    if rep.quantity_outliers and rep.quantity_range is not None:
        lo, hi = rep.quantity_range
        rep.issues.append(
            i18n.Message(
                "quality.quantity_outliers",
                {
                    "n": i18n.Count(rep.quantity_outliers),
                    "column": qty_col or "",
                    "low": _Number(lo),
                    "high": _Number(hi),
                },
            )
        )
    for role, n in rep.missing_by_role.items():
        if role in EMPTY_IS_AN_ANSWER:
            continue
        if n and rep.rows and n / rep.rows >= 0.05:
            rep.issues.append(
                i18n.Message(
                    "quality.missing",
                    {
                        "n": i18n.Count(n),
                        "column": table.mapping[role],
                        "share": i18n.Percent(n / rep.rows),
                    },
                )
            )
    for col, n in rep.unparseable_by_column.items():
        rep.issues.append(i18n.Message("quality.unparseable", {"n": i18n.Count(n), "column": col}))
    return rep


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


@dataclass(frozen=True)
class _Number:
    """A number as a message parameter, written for the language (``-80 995``)."""

    value: float

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        decimals = 0 if float(self.value).is_integer() else 2
        return i18n.format_number(self.value, lang, decimals)


i18n.add_messages(
    {
        "quality.negative_quantities": {
            "fr": "{n} quantité(s) négative(s) dans « {column} » (retours, annulations, "
            "ajustements de stock) : gardées.",
            "en": "{n} row(s) with a negative '{column}' (returns, cancellations, stock "
            "adjustments): kept.",
        },
        "quality.quantity_outliers": {
            "fr": "{n} quantité(s) extrême(s) dans « {column} », de {low} à {high} : "
            "vérifiez-les (une faute de frappe fausse le CA et les unités vendues).",
            "en": "{n} extreme value(s) in '{column}', from {low} to {high}: worth a check (a "
            "typing slip distorts revenue and units sold).",
        },
        "quality.duplicates": {
            "fr": "{n} ligne(s) en double exact (gardées : vérifiez si l'export les a répétées).",
            "en": "{n} exactly duplicated row(s) (kept: check whether the export repeated them).",
        },
        "quality.negative": {
            "fr": "{n} montant(s) négatif(s) dans « {column} » (avoirs, retours) : gardés, le CA est net.",
            "en": "{n} negative amount(s) in '{column}' (credit notes, returns): kept, revenue is net.",
        },
        "quality.outliers": {
            "fr": "{n} valeur(s) extrême(s) dans « {column} » : vérifiez-les.",
            "en": "{n} extreme value(s) in '{column}': worth a check.",
        },
        "quality.missing": {
            "fr": "« {column} » est vide sur {n} ligne(s) ({share}).",
            "en": "'{column}' is empty on {n} row(s) ({share}).",
        },
        "quality.unparseable": {
            "fr": "« {column} » : {n} valeur(s) illisible(s), laissée(s) vide(s).",
            "en": "'{column}': {n} unreadable value(s), left empty.",
        },
    }
)
