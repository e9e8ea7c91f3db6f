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


def check(table: Table) -> QualityReport:
    """Run the data-quality checks on a table.

    Duplicates are fully identical rows. Outliers are amounts beyond Tukey's far-out fences,
    more than three inter-quartile ranges below the first quartile or above the third.
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
    if amount_col is not None:
        values = df[amount_col].dropna().to_numpy(dtype="float64")
        rep.negative_amounts = int((values < 0).sum())
        if len(values) >= 20:
            q1, q3 = np.percentile(values, [25, 75])
            iqr = q3 - q1
            if iqr > 0:
                rep.outliers = int(((values > q3 + 3 * iqr) | (values < q1 - 3 * iqr)).sum())
                rep.outlier_column = amount_col
    if rep.duplicates:
        rep.issues.append(i18n.Message("quality.duplicates", {"n": rep.duplicates}))
    if rep.negative_amounts:
        rep.issues.append(
            i18n.Message(
                "quality.negative", {"n": rep.negative_amounts, "column": amount_col or ""}
            )
        )
    if rep.outliers:
        rep.issues.append(
            i18n.Message("quality.outliers", {"n": rep.outliers, "column": rep.outlier_column})
        )
    for role, n in rep.missing_by_role.items():
        if role in EMPTY_IS_AN_ANSWER:
            continue
        if n and rep.rows and n / rep.rows >= 0.05:
            rep.issues.append(
                i18n.Message(
                    "quality.missing",
                    {"n": n, "column": table.mapping[role], "share": round(100 * n / rep.rows)},
                )
            )
    for col, n in rep.unparseable_by_column.items():
        rep.issues.append(i18n.Message("quality.unparseable", {"n": n, "column": col}))
    return rep


i18n.add_messages(
    {
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
            "fr": "« {column} » est vide sur {n} ligne(s) ({share} %).",
            "en": "'{column}' is empty on {n} row(s) ({share}%).",
        },
        "quality.unparseable": {
            "fr": "« {column} » : {n} valeur(s) illisible(s), laissée(s) vide(s).",
            "en": "'{column}': {n} unreadable value(s), left empty.",
        },
    }
)
