"""What the scorers return to the page and the command line: excluded columns, factors, buckets,
the confusion matrix, the cross-validation summary, point rules."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from kpi import i18n
from kpi.scoring.values import _float

#: Why a column is left out of the model (see :meth:`Exclusion.text`).
EXCLUSION_REASONS: tuple[str, ...] = (
    "user",
    "empty",
    "constant",
    "identifier",
    "text",
    "near_unique",
    "leak",
    "leak_name",
)


# --------------------------------------------------------------------------------------------
# Records returned to the page and the CLI
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    """A column left out of the model, and why.

    Attributes
    ----------
    column : str
    reason : str
        One of :data:`EXCLUSION_REASONS`.
    auc : float or None
        The column's own out-of-fold AUC, when it was measured.
    word : str or None
        For ``leak_name``: the word of the name that gave it away.
    """

    column: str
    reason: str
    auc: float | None = None
    word: str | None = None

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """Why the column is left out, in plain words."""
        auc = i18n.format_number(self.auc, lang, 2) if self.auc is not None else "–"
        return i18n.t(f"scoring.excluded.{self.reason}", lang, auc=auc, word=self.word or "")


@dataclass(frozen=True)
class Factor:
    """A column's weight in the model, for the global "top factors" list.

    Attributes
    ----------
    column : str
    importance : float
        Drop in out-of-fold ROC AUC when the column's values are shuffled (0 = useless).
    own_auc : float or None
        The column's own out-of-fold AUC.
    direction : str or None
        For numbers: ``"higher_up"`` or ``"higher_down"`` (higher values raise or lower the
        score); for dates: ``"later_up"`` or ``"later_down"``; None when unclear.
    levels : tuple of (str or None, float)
        For categories: (value, odds ratio against a typical lead), strongest first; None as a
        value means "not given".
    """

    column: str
    importance: float
    own_auc: float | None = None
    direction: str | None = None
    levels: tuple[tuple[str | None, float], ...] = ()

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """One line, the column named once: ``Source = Recommandation ×1,7, Publicité ×0,4``
        for a category (odds against a typical lead), ``Employés — plus c'est élevé, plus le
        score monte`` for a number or a date."""
        text = self.column
        levels = []
        for value, ratio in self.levels[:3]:
            shown = value if value is not None else i18n.t("scoring.value.missing", lang)
            levels.append(f"{shown} ×{i18n.format_number(ratio, lang, 1)}")
        if levels:
            text += " = " + ", ".join(levels)
        if self.direction:
            text += " — " + i18n.t(f"scoring.factor.{self.direction}", lang)
        return text


@dataclass(frozen=True)
class Bucket:
    """A score band (Hot / Warm / Cold) and how its leads converted out of fold.

    Attributes
    ----------
    id : str
        ``"hot"``, ``"warm"`` or ``"cold"``.
    min_score, max_score : float
        The band on the 0–100 score: ``min_score <= score < max_score`` (100 included in Hot).
    leads : int
        Historical leads in the band (out-of-fold scores); 0 for rule-based scoring.
    share : float or None
        Their share of all historical leads.
    conversion : float or None
        Their observed conversion rate (None for rule-based scoring).
    """

    id: str
    min_score: float
    max_score: float
    leads: int = 0
    share: float | None = None
    conversion: float | None = None

    def label(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """ "Chaud" / "Hot"…"""
        return i18n.t(f"scoring.bucket.{self.id}", lang)


@dataclass(frozen=True)
class Confusion:
    """Leads flagged (score ≥ threshold) against their actual outcome, out of fold."""

    threshold: float
    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int

    @property
    def flagged(self) -> int:
        return self.true_positive + self.false_positive

    @property
    def precision(self) -> float | None:
        """Share of flagged leads that converted (None when none is flagged)."""
        return self.true_positive / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        """Share of converted leads that were flagged."""
        pos = self.true_positive + self.false_negative
        return self.true_positive / pos if pos else None

    @property
    def accuracy(self) -> float:
        total = self.flagged + self.false_negative + self.true_negative
        return (self.true_positive + self.true_negative) / total if total else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe figures."""
        return {
            **asdict(self),
            "flagged": self.flagged,
            "precision": self.precision,
            "recall": self.recall,
            "accuracy": _float(self.accuracy),
        }


@dataclass(frozen=True, eq=False)
class Validation:
    """How well the model ranks leads it did not see (stratified 5-fold cross-validation).

    Attributes
    ----------
    auc, auc_std : float
        Mean and standard deviation of ROC AUC over the folds.
    fold_auc : tuple of float
    pr_auc : float
        Average precision of the pooled out-of-fold scores (compare with ``base_rate``).
    base_rate : float
        Share of historical leads that converted.
    baseline_auc : float or None
        AUC of the rule-of-thumb baseline: the best single usable column's out-of-fold
        conversion rate.
    baseline_column : str or None
    rows, positives : int
    lift : pandas.DataFrame
        By decile of score (1 = best 10 %): ``decile``, ``leads``, ``conversions``, ``rate``,
        ``lift`` (rate / base rate), ``cum_leads_share``, ``cum_gain`` (share of all
        conversions found in the deciles so far).
    calibration : pandas.DataFrame
        By tenth of score: ``predicted`` (mean score / 100), ``observed`` (conversion), ``leads``.
    """

    auc: float
    auc_std: float
    fold_auc: tuple[float, ...]
    pr_auc: float
    base_rate: float
    baseline_auc: float | None
    baseline_column: str | None
    rows: int
    positives: int
    lift: pd.DataFrame
    calibration: pd.DataFrame


@dataclass(frozen=True)
class Rule:
    """A rule-based scoring criterion: leads where ``column operator value`` get ``points``.

    Operators: ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``contains``, ``in`` (value: list or
    comma-separated text), ``missing``, ``present``. Text compares ignoring case and accents.
    """

    column: str
    operator: str
    value: Any = None
    points: float = 0.0
    criterion: str = "other"

    @classmethod
    def of(cls, rule: Rule | Mapping[str, Any] | Sequence[Any]) -> Rule:
        """A rule from a Rule, a mapping (e.g. a row of an edited table) or a tuple."""
        if isinstance(rule, Rule):
            return rule
        if isinstance(rule, Mapping):
            keys = ("column", "operator", "value", "points", "criterion")
            return cls(**{k: rule[k] for k in keys if k in rule and not _blank(rule[k])})
        return cls(*rule)

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """``Budget ≥ 10 000 : +20 pts``."""
        op = {">=": "≥", "<=": "≤", "!=": "≠"}.get(self.operator, self.operator)
        if self.operator in ("missing", "present"):
            cond = f"{self.column} {i18n.t(f'scoring.rule.op.{self.operator}', lang)}"
        else:
            value = self.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = i18n.format_number(value, lang, 0 if float(value).is_integer() else 2)
            elif isinstance(value, (list, tuple, set)):
                value = ", ".join(str(v) for v in value)
            cond = f"{self.column} {op} {value}"
        points = i18n.format_number(self.points, lang, 0 if float(self.points).is_integer() else 1)
        sign = "+" if self.points >= 0 else ""
        return i18n.t("scoring.rule.reason", lang, condition=cond, points=f"{sign}{points}")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
