"""Lead scoring: learn from the user's own history which leads convert, and say how well it works.

Two ways to score leads:

* :class:`LeadScorer` trains on past leads whose outcome is known. It chooses the columns to
  learn from, leaves out the ones that would fool it (identifiers, free text, constant columns
  and *leaks*: columns that on their own almost give the outcome away, or whose name says they
  are recorded after it), cross-validates honestly (stratified 5-fold ROC AUC ± sd, PR AUC, lift
  by decile, calibration, a rule-of-thumb baseline), then scores open leads 0–100 with
  Hot / Warm / Cold buckets and, for each lead, its top reasons in French or English.
* :class:`RuleScorer` scores with points per criterion (BANT-like) for users with no history.

Why the choices:

* Scores are the model's probabilities × 100, not ranks, so "score 70" means "about 7 leads in
  10 like this one converted" (the calibration table shows how true that is out of fold). No
  class reweighting is applied (it would distort that meaning); imbalance is handled by
  stratified folds, PR AUC and buckets cut at quantiles of the out-of-fold scores, not at fixed
  probabilities.
* The single-column leak check must be cheap on 100k rows: each column is cut into levels
  (categories, or 20 quantile bins for numbers and date ages, missing as its own level) and
  scored by its out-of-fold smoothed conversion rate. The same figure gives the baseline: the
  best single usable column.
* Explanations are model-agnostic: a column's contribution to a lead's log-odds is the model's
  mean log-odds over a sample of historical leads given the lead's value for that column, minus
  the same for a typical value (centred partial dependence; exact for the logistic model). The
  tables are computed once at fit, so explaining 100k leads is a lookup. Global importance is
  the drop in out-of-fold AUC when a column is shuffled, and a category's "odds ratio" is its
  effect against a typical lead.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from kpi import i18n
from kpi.errors import PiloteError

Progress = Callable[[float, str], None]

MODELS: tuple[str, ...] = ("boosting", "logistic")
#: Fewest leads of each outcome needed to train and validate honestly.
MIN_PER_CLASS = 50
N_FOLDS = 5
#: Share of historical leads (by out-of-fold score) in the Hot and Warm buckets.
HOT_SHARE = 0.2
WARM_SHARE = 0.3
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
_POSITIVE = frozenset(
    {
        "1", "1.0", "yes", "y", "oui", "o", "true", "vrai", "t", "won", "win", "gagne",
        "gagnee", "converted", "converti", "convertie", "closed won", "won closed", "signed",
        "signe", "signee", "success", "succes", "reussi", "reussie",
    }
)
_NEGATIVE = frozenset(
    {
        "0", "0.0", "no", "n", "non", "false", "faux", "f", "lost", "loss", "lose", "perdu",
        "perdue", "not converted", "non converti", "non convertie", "closed lost",
        "lost closed", "failure", "echec", "echoue", "rejected", "rejete", "refuse",
        "abandoned", "abandonne",
    }
)
# Pipeline stages that mean "no outcome yet": such rows are open leads, not errors.
_OPEN = frozenset(
    {
        "open", "ouvert", "ouverte", "en cours", "in progress", "pending", "en attente",
        "engaging", "prospecting", "prospection", "new", "nouveau", "nouvelle", "negotiation",
        "negociation", "proposal", "proposition", "contacted", "contacte", "working",
        "nurturing", "qualification",
    }
)
# Outcome column names, best first; the last group only counts if the values read as outcomes.
_TARGET_NAMES: tuple[str, ...] = (
    "converted", "converti", "convertie", "conversion", "is converted", "lead converted",
    "won", "is won", "gagne", "gagnee", "y", "outcome", "result", "resultat", "target", "cible",
    "label", "signed", "signe",
)
_TARGET_WORDS: frozenset[str] = frozenset(
    {"converted", "converti", "convertie", "won", "gagne", "gagnee"}
)
_TARGET_FALLBACK_WORDS: frozenset[str] = frozenset(
    {"stage", "status", "statut", "etape", "outcome", "result", "resultat"}
)
# Name words that say a column is recorded after the outcome, or is someone's judgement of it.
_LEAK_WORDS: frozenset[str] = frozenset(
    {
        "status", "statut", "stage", "stages", "etape", "tag", "tags", "quality", "qualite",
        "outcome", "outcomes", "result", "results", "resultat", "resultats", "closed",
        "close", "closing", "cloture", "won", "lost", "gagne", "perdu", "convert", "converted",
        "conversion", "converti", "probability", "probabilite", "forecast", "prevision",
        "reason", "raison", "motif",
    }
)
# ... unless the name says it is about an earlier contact ("previous outcome" is legitimate).
_EARLIER_WORDS: frozenset[str] = frozenset(
    {"previous", "prev", "prior", "precedent", "precedente", "past", "last", "dernier", "derniere"}
)
_ID_WORDS: frozenset[str] = frozenset(
    {
        "id", "ids", "identifier", "identifiant", "number", "numero", "num", "no", "nr", "ref",
        "reference", "key", "cle", "uuid", "guid", "code",
    }
)
# fmt: on

_STRONG = 0.7  # |log-odds| contribution for "strongly" (odds × 2)
_NOTABLE = 0.15  # smallest contribution worth naming in a lead's reasons
_TOP_REASONS = 3


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _norm(text: Any) -> str:
    """Lower-case ASCII words separated by single spaces (accents and punctuation removed)."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z/#?.()-]+", " ", text).split())


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


# --------------------------------------------------------------------------------------------
# The outcome column
# --------------------------------------------------------------------------------------------


def to_outcome(series: pd.Series) -> pd.Series:
    """Read an outcome column as 1.0 (converted), 0.0 (not converted) or NaN (open / unknown).

    Accepts yes/no, oui/non, 1/0, true/false, vrai/faux, won/lost, gagné/perdu, converted/not
    converted, "Closed Won"/"Closed Lost" in any case. Empty cells, missing-value tokens and
    open pipeline stages (open, en cours, prospecting, negotiation…) become NaN: those rows are
    the open leads to score.

    Parameters
    ----------
    series : pandas.Series
        The outcome column.

    Returns
    -------
    pandas.Series
        ``float64`` with the same index and name.

    Raises
    ------
    PiloteError
        ``scoring.bad_target`` if some values cannot be read as an outcome; the message lists
        the distinct values seen.
    """
    name = series.name
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float).rename(name)
    if pd.api.types.is_numeric_dtype(series):
        values = series.astype(float)
        bad = values.dropna()
        bad = bad[~bad.isin([0.0, 1.0])]
        if len(bad):
            _raise_bad_target(name, series.dropna().unique())
        return values.rename(name)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    table = np.full(len(uniques) + 1, np.nan)  # code -1 (empty cell) → the last slot
    for i, value in enumerate(uniques):
        key = _outcome_key(value)
        if key in _POSITIVE:
            table[i] = 1.0
        elif key in _NEGATIVE:
            table[i] = 0.0
        elif key not in _OPEN and key not in MISSING_TOKENS:
            _raise_bad_target(name, uniques)
    return pd.Series(table[codes], index=series.index, name=name, dtype=float)


def _outcome_key(value: Any) -> str:
    key = _norm(value)
    if key in MISSING_TOKENS:
        return key
    return " ".join(re.sub(r"[^0-9a-z.]+", " ", key).split())


def _raise_bad_target(name: Any, values: Sequence[Any]) -> None:
    shown = sorted({str(v) for v in values})
    raise PiloteError("scoring.bad_target", column=str(name), values=_quote(shown, limit=12))


def _readable_outcome(series: pd.Series) -> bool:
    try:
        y = to_outcome(series)
    except PiloteError:
        return False
    return y.nunique() == 2


def detect_target(df: pd.DataFrame, mapping: Mapping[str, str] | None = None) -> str | None:
    """The column that most likely says whether each lead converted, or None.

    The column mapped to the ``converted`` or ``won`` role comes first (see :mod:`kpi.data.roles`);
    then names such as "Converted", "Converti", "Won", "Gagné", "y", "Outcome", then names
    containing those words, then stage / status columns — in each case only if the values read
    as an outcome with both classes present (see :func:`to_outcome`).

    Parameters
    ----------
    df : pandas.DataFrame
        The leads table.
    mapping : mapping, optional
        Role → column, as detected by the loader or confirmed by the user.

    Returns
    -------
    str or None
    """
    for role in ("converted", "won"):
        col = (mapping or {}).get(role)
        if col in df.columns and _readable_outcome(df[col]):
            return col
    by_norm: dict[str, list[str]] = {}
    for col in df.columns:
        by_norm.setdefault(_norm(col), []).append(col)
    for name in _TARGET_NAMES:
        for col in by_norm.get(name, []):
            if _readable_outcome(df[col]):
                return col
    for words in (_TARGET_WORDS, _TARGET_FALLBACK_WORDS):
        for col in df.columns:
            if _words(col) & words and _readable_outcome(df[col]):
                return col
    return None


def open_leads(df: pd.DataFrame, target: str) -> pd.DataFrame:
    """The rows whose outcome is still unknown (empty, or an open stage), as a copy."""
    _require_columns(df, [target])
    return df.loc[to_outcome(df[target]).isna().to_numpy()].copy()


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
        """One line: the column and its strongest effects."""
        parts: list[str] = []
        if self.direction:
            parts.append(i18n.t(f"scoring.factor.{self.direction}", lang))
        for value, ratio in self.levels[:3]:
            shown = value if value is not None else i18n.t("scoring.value.missing", lang)
            parts.append(f"{shown} ×{i18n.format_number(ratio, lang, 1)}")
        return self.column + (f" — {', '.join(parts)}" if parts else "")


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


# --------------------------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------------------------


class _Prepare(TransformerMixin, BaseEstimator):
    """Raw leads table → numeric model-ready columns.

    Numbers become ``float64``. Text is trimmed and casefolded, with missing-value tokens as
    missing, then replaced by its position in the vocabulary learned at fit (``-1`` for a value
    never seen, NaN when missing), so that the encoders downstream work on numbers, which is
    several times faster than on Python strings. Each date becomes its age in days at the
    latest date of the history, and its month as a point on a circle (December next to
    January). Output columns are named by feature position (``"3"``, ``"4_age"``…) so that no
    header can collide with them.
    """

    def __init__(self, columns: tuple[str, ...] = (), kinds: tuple[str, ...] = ()) -> None:
        self.columns = columns
        self.kinds = kinds

    def fit(self, X: pd.DataFrame, y: Any = None) -> _Prepare:
        self.reference_ = {}
        self.vocabulary_ = {}
        for col, kind in zip(self.columns, self.kinds, strict=True):
            if kind == "date":
                self.reference_[col] = _naive_dates(X[col]).max()
            elif kind == "cat":
                values = _clean_text(X[col]).dropna().unique()
                self.vocabulary_[col] = pd.Index(sorted(values), dtype=object)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        out: dict[str, np.ndarray] = {}
        for i, (col, kind) in enumerate(zip(self.columns, self.kinds, strict=True)):
            s = X[col]
            if kind == "num":
                out[str(i)] = pd.to_numeric(s, errors="coerce").to_numpy(
                    dtype=float, na_value=np.nan
                )
            elif kind == "cat":
                clean = _clean_text(s)
                codes = self.vocabulary_[col].get_indexer(clean).astype(float)
                codes[clean.isna().to_numpy()] = np.nan
                out[str(i)] = codes
            else:
                dates = _naive_dates(s)
                age = (self.reference_[col] - dates).dt.total_seconds() / 86400.0
                angle = 2 * np.pi * (dates.dt.month.astype(float) - 1) / 12
                out[f"{i}_age"] = age.to_numpy(dtype=float, na_value=np.nan)
                out[f"{i}_sin"] = np.sin(angle).to_numpy(dtype=float, na_value=np.nan)
                out[f"{i}_cos"] = np.cos(angle).to_numpy(dtype=float, na_value=np.nan)
        return pd.DataFrame(out, index=X.index, dtype=float)


def _naive_dates(s: pd.Series) -> pd.Series:
    dates = pd.to_datetime(s, errors="coerce")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert(None)
    return dates


def _prepared_names(i: int, kind: str) -> list[str]:
    return [f"{i}_age", f"{i}_sin", f"{i}_cos"] if kind == "date" else [str(i)]


_MISSING_CODE = -2.0  # a missing category, as its own level for the logistic model


def _encoder(kinds: Sequence[str], model: str, n_rows: int) -> ColumnTransformer:
    """Categories first, then numbers and dates (see :func:`_groups` for which output is whose).

    Categories arrive as vocabulary codes (see :class:`_Prepare`); ``-1`` (never seen) is an
    unknown category for the encoders. Rare categories are pooled (``min_frequency``).
    """
    min_frequency = max(10, int(0.001 * n_rows))
    cats = [str(i) for i, kind in enumerate(kinds) if kind == "cat"]
    others = [n for i, kind in enumerate(kinds) if kind != "cat" for n in _prepared_names(i, kind)]
    if model == "logistic":
        cat_step: Any = make_pipeline(
            SimpleImputer(strategy="constant", fill_value=_MISSING_CODE),
            OneHotEncoder(
                handle_unknown="infrequent_if_exist",
                min_frequency=min_frequency,
                max_categories=60,
            ),
        )
        num_step: Any = make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            StandardScaler(),
        )
    else:
        # Boosting handles missing values and scales itself.
        cat_step = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=np.nan,
            encoded_missing_value=np.nan,
            min_frequency=min_frequency,
            max_categories=250,
        )
        num_step = "passthrough"
    parts = [("cat", cat_step, cats), ("num", num_step, others)]
    return ColumnTransformer(
        [p for p in parts if p[2]], sparse_threshold=0.3 if model == "logistic" else 0.0
    )


def _classifier(kinds: Sequence[str], model: str, random_state: int, n_rows: int) -> BaseEstimator:
    """The classifier for ``n_rows`` training leads.

    Boosting is smaller and learns more slowly on small histories, where it otherwise overfits
    (+0.01 to +0.02 AUC on synthetic leads below 5,000 rows), and faster on large ones, where
    the extra trees gain nothing measurable but time (100k leads: same AUC, a third less CPU).
    """
    if model == "logistic":
        # l1_ratio=0 is the L2 penalty (``penalty`` is deprecated since scikit-learn 1.8).
        return LogisticRegression(C=1.0, l1_ratio=0.0, max_iter=2000, random_state=random_state)
    n_cat = sum(kind == "cat" for kind in kinds)
    n_other = sum(len(_prepared_names(i, kind)) for i, kind in enumerate(kinds) if kind != "cat")
    categorical = [True] * n_cat + [False] * n_other  # the encoder's output order
    if n_rows < 5000:
        learning_rate, leaves, validation, patience = 0.05, 7, 0.2, 10
    elif n_rows < 50_000:
        learning_rate, leaves, validation, patience = 0.15, 15, 0.1, 10
    else:
        learning_rate, leaves, validation, patience = 0.2, 15, 0.1, 5
    return HistGradientBoostingClassifier(
        learning_rate=learning_rate,
        max_iter=300,
        max_leaf_nodes=leaves,
        min_samples_leaf=20,
        l2_regularization=1.0,
        categorical_features=np.array(categorical, dtype=bool),
        early_stopping=True,
        validation_fraction=validation,
        n_iter_no_change=patience,
        random_state=random_state,
    )


def _levels(values: pd.Series, kind: str) -> np.ndarray:
    """Integer level codes for the single-column check (missing is a level of its own).

    ``values`` are cleaned text (``cat``), numbers (``num``) or naive dates (``date``); numbers
    and dates are cut into 20 quantile bins.
    """
    if kind == "date":
        values = (values - values.min()).dt.total_seconds()
    if kind != "cat" and values.nunique() > 20:
        values = pd.qcut(values, 20, duplicates="drop", labels=False)
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    return codes


def _oof_rates(
    codes: np.ndarray, y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """Out-of-fold conversion rate of each row's level, smoothed towards the fold's base rate."""
    k = int(codes.max()) + 1 if len(codes) else 1
    out = np.empty(len(y), dtype=float)
    for train, test in folds:
        sums = np.bincount(codes[train], weights=y[train], minlength=k)
        counts = np.bincount(codes[train], minlength=k)
        prior = y[train].mean()
        out[test] = ((sums + 20 * prior) / (counts + 20))[codes[test]]
    return out


# --------------------------------------------------------------------------------------------
# The learned scorer
# --------------------------------------------------------------------------------------------


class LeadScorer(BaseEstimator):
    """Learn from past leads which ones convert; score open leads 0–100 with reasons.

    Parameters
    ----------
    model : {"boosting", "logistic"}
        Gradient boosting (scikit-learn's ``HistGradientBoostingClassifier``, usually the most
        accurate) or logistic regression (easiest to read).
    exclude : sequence of str
        Columns never to learn from.
    include : sequence of str
        Columns to learn from even though Pilote would leave them out (e.g. a suspected leak the
        user knows is recorded before the outcome). Empty and constant columns stay out.
    leak_auc : float or None
        A column whose own out-of-fold AUC reaches this is treated as a leak; None turns the
        check off (name-based leak detection stays on; use ``include`` to override).
    random_state : int
        Seed for folds, boosting and sampling: the same data gives the same result.
    n_jobs : int
        Models fitted side by side (threads) during cross-validation; the result does not
        depend on it.

    Attributes
    ----------
    target_ : str
    features_ : list of str
        Columns the model learns from.
    kinds_ : dict
        Column → ``"num"``, ``"cat"`` or ``"date"``.
    excluded_ : list of Exclusion
    cv_ : Validation
    base_rate_ : float
    buckets_ : list of Bucket
        Hot, Warm, Cold.
    top_factors_ : list of Factor
        Most important columns first.
    n_rows_ : int
        Leads with a known outcome (used for training).
    n_open_ : int
        Leads of the training table with no outcome yet.
    pipeline_ : sklearn.pipeline.Pipeline
        Preparation, encoding and classifier, fitted on all leads with a known outcome.
    """

    def __init__(
        self,
        model: str = "boosting",
        exclude: Sequence[str] = (),
        include: Sequence[str] = (),
        leak_auc: float | None = 0.9,
        random_state: int = 0,
        n_jobs: int = 2,
    ) -> None:
        self.model = model
        self.exclude = exclude
        self.include = include
        self.leak_auc = leak_auc
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- fitting ------------------------------------------------------------------------------

    def fit(
        self, df: pd.DataFrame, target: str | None = None, progress: Progress | None = None
    ) -> LeadScorer:
        """Choose the columns, cross-validate, then train on all leads with a known outcome.

        Parameters
        ----------
        df : pandas.DataFrame
            Leads table from Pilote's loader; rows with an empty outcome are open leads and are
            not used for training. Never modified.
        target : str, optional
            Outcome column; detected with :func:`detect_target` when omitted.
        progress : callable, optional
            Called as ``progress(fraction, message_key)``; the key's text is registered in
            :mod:`kpi.i18n`.

        Returns
        -------
        LeadScorer
            ``self``, fitted.

        Raises
        ------
        PiloteError
            Unknown model or column, no outcome column, unreadable outcome, a single outcome,
            fewer than :data:`MIN_PER_CLASS` leads of either outcome, or no usable column.
        """
        if self.model not in MODELS:
            raise PiloteError("scoring.bad_model", model=self.model, models=", ".join(MODELS))
        _report(progress, 0.0, "scoring.progress.prepare")
        if target is None:
            target = detect_target(df)
            if target is None:
                raise PiloteError("scoring.no_target", available=_quote(df.columns))
        _require_columns(df, [target, *_names(self.exclude), *_names(self.include)])
        outcome = to_outcome(df[target])
        known = outcome.notna().to_numpy()
        y = outcome.to_numpy()[known].astype(int)
        positives, negatives = int(y.sum()), int(len(y) - y.sum())
        if len(y) and (positives == 0 or negatives == 0):
            seen = df[target][known]
            raise PiloteError(
                "scoring.single_class",
                column=target,
                value=str(seen.iloc[0]) if len(seen) else "–",
                n=len(y),
            )
        if min(positives, negatives) < MIN_PER_CLASS:
            raise PiloteError(
                "scoring.too_few",
                column=target,
                positives=positives,
                negatives=negatives,
                minimum=MIN_PER_CLASS,
            )
        history = df.loc[known]
        folds = list(
            StratifiedKFold(N_FOLDS, shuffle=True, random_state=self.random_state).split(
                np.zeros(len(y)), y
            )
        )

        _report(progress, 0.05, "scoring.progress.leaks")
        kinds, excluded, own_auc = self._choose_columns(history, target, y, folds)
        features = list(kinds)
        if not features:
            raise PiloteError(
                "scoring.no_features",
                excluded=_quote(e.column for e in excluded),
            )
        baseline_column = max(features, key=lambda c: own_auc.get(c, 0.0))

        prepare = _Prepare(tuple(features), tuple(kinds[c] for c in features))
        prepared = prepare.fit_transform(history)
        kind_list = list(prepare.kinds)
        oof = np.empty(len(y), dtype=float)
        fold_auc = [0.0] * N_FOLDS
        importance = np.zeros(len(features))
        tasks = [(k, train, test) for k, (train, test) in enumerate(folds)]
        tasks.append((N_FOLDS, np.arange(len(y)), None))  # the final model, on all leads
        jobs = Parallel(n_jobs=self.n_jobs, prefer="threads", return_as="generator")(
            delayed(_fit_one)(prepared, y, train, test, kind_list, self.model, k, self.random_state)
            for k, train, test in tasks
        )
        encoder = clf = None
        _report(progress, 0.1, "scoring.progress.cv")
        # BLAS threads are process-wide: limited here, around all the fits (see _fit_one).
        with threadpool_limits(limits=1, user_api="blas"):
            for done, (k, fitted_encoder, fitted_clf, proba, drops) in enumerate(jobs, start=1):
                _report(progress, 0.1 + 0.75 * done / len(tasks), "scoring.progress.cv")
                if k == N_FOLDS:
                    encoder, clf = fitted_encoder, fitted_clf
                    continue
                test = folds[k][1]
                oof[test] = proba
                fold_auc[k] = float(roc_auc_score(y[test], proba))
                importance += drops / N_FOLDS
        rng = np.random.default_rng(self.random_state)

        self.pipeline_ = Pipeline([("prepare", prepare), ("encode", encoder), ("model", clf)])

        self.target_ = target
        self.features_ = features
        self.kinds_ = kinds
        self.excluded_ = excluded
        self.n_rows_ = len(y)
        self.n_open_ = int((~known).sum())
        self.base_rate_ = float(y.mean())
        self.oof_ = oof
        self.y_ = y
        self.cv_ = _validation(y, oof, fold_auc, own_auc.get(baseline_column), baseline_column)
        self.buckets_ = _buckets(oof, y)

        _report(progress, 0.9, "scoring.progress.explain")
        with threadpool_limits(limits=1):
            self._effects = _partial_dependence(encoder, clf, prepared, kind_list, rng)
        self.top_factors_ = self._factors(history, importance, own_auc)
        _report(progress, 1.0, "scoring.progress.done")
        return self

    def _choose_columns(
        self,
        history: pd.DataFrame,
        target: str,
        y: np.ndarray,
        folds: list[tuple[np.ndarray, np.ndarray]],
    ) -> tuple[dict[str, str], list[Exclusion], dict[str, float]]:
        """Decide each column's kind, or why it is left out; measure each column's own AUC."""
        exclude, include = set(_names(self.exclude)), set(_names(self.include))
        kinds: dict[str, str] = {}
        excluded: list[Exclusion] = []
        own_auc: dict[str, float] = {}
        for col in history.columns:
            if col == target:
                continue
            s = history[col]
            if col in exclude:
                excluded.append(Exclusion(col, "user"))
                continue
            words = _words(col)
            if pd.api.types.is_datetime64_any_dtype(s):
                kind, values = "date", _naive_dates(s)
            elif _is_text(s):
                kind, values = "cat", s
                raw_filled = max(int(s.notna().sum()), 1)
                raw_distinct = s.nunique(dropna=True)
                if not (raw_distinct / raw_filled >= 0.9 and raw_distinct > 50):
                    values = _clean_text(s)  # near-unique text is left out below: no need
            else:
                kind, values = "num", pd.to_numeric(s, errors="coerce").astype(float)
            distinct = values.nunique(dropna=True)
            if distinct == 0:
                excluded.append(Exclusion(col, "empty"))
                continue
            if distinct == 1 and values.notna().all():
                # One value in some rows only still says something by being there or not.
                excluded.append(Exclusion(col, "constant"))
                continue
            filled = max(int(values.notna().sum()), 1)
            reason = None
            if kind == "num" and words & _ID_WORDS and distinct / filled >= 0.9:
                reason = "identifier"
            elif kind == "cat" and distinct / filled >= 0.5 and distinct > 50:
                avg_words = values.dropna().astype(str).str.strip().str.count(" ").mean() + 1
                if avg_words >= 4:
                    reason = "text"
                elif distinct / filled >= 0.9 or words & _ID_WORDS:
                    reason = "identifier"
                else:
                    reason = "near_unique"
            if reason and col not in include:
                excluded.append(Exclusion(col, reason))
                continue
            if kind == "cat" and values is s:
                values = _clean_text(s)
            auc = _fast_auc(y, _oof_rates(_levels(values, kind), y, folds))
            own_auc[col] = auc
            leak_word = sorted(words & _LEAK_WORDS)
            if col not in include:
                if self.leak_auc is not None and auc >= self.leak_auc:
                    excluded.append(Exclusion(col, "leak", auc=auc))
                    continue
                if leak_word and not words & _EARLIER_WORDS:
                    excluded.append(Exclusion(col, "leak_name", auc=auc, word=leak_word[0]))
                    continue
            kinds[col] = kind
        return kinds, excluded, own_auc

    # -- explanations -------------------------------------------------------------------------

    def _contributions(self, prepared: pd.DataFrame) -> np.ndarray:
        """Each feature's effect on each row's log-odds (rows × features), by table lookup."""
        out = np.zeros((len(prepared), len(self.features_)))
        for j, (col, effect) in enumerate(zip(self.features_, self._effects, strict=True)):
            first = _prepared_names(j, self.kinds_[col])[0]
            out[:, j] = effect.lookup(prepared[first].to_numpy())
        return out

    def _factors(
        self, history: pd.DataFrame, importance: np.ndarray, own_auc: dict[str, float]
    ) -> list[Factor]:
        factors = []
        for j, col in enumerate(self.features_):
            effect = self._effects[j]
            direction, levels = None, ()
            if effect.kind == "cat":
                labels = _raw_labels(history[col])
                vocabulary = self.pipeline_.named_steps["prepare"].vocabulary_[col]
                rows = [
                    (labels.get(vocabulary[int(code)], vocabulary[int(code)]), e, w)
                    for code, e, w in zip(effect.grid, effect.effect, effect.weights, strict=True)
                ]
                if effect.missing_share > 0:
                    rows.append((None, effect.missing, effect.missing_share))
                rows = [r for r in rows if r[2] >= 0.01 and abs(r[1]) >= 0.05]
                rows.sort(key=lambda r: -abs(r[1]))
                levels = tuple((label, float(np.exp(e))) for label, e, _ in rows[:4])
            elif len(effect.grid) > 2 and np.ptp(effect.effect) > 0.05:
                rho = pd.Series(effect.grid).corr(pd.Series(effect.effect), method="spearman")
                prefix = "higher"
                if effect.kind == "date":
                    rho, prefix = -rho, "later"  # the grid is the age: older is earlier
                if rho >= 0.5:
                    direction = f"{prefix}_up"
                elif rho <= -0.5:
                    direction = f"{prefix}_down"
            factors.append(Factor(col, float(importance[j]), own_auc.get(col), direction, levels))
        return sorted(factors, key=lambda f: -f.importance)

    # -- using the model ----------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "pipeline_"):
            raise PiloteError("scoring.not_fitted")

    def _check_columns(self, df: pd.DataFrame) -> None:
        missing = [c for c in self.features_ if c not in df.columns]
        if missing:
            raise PiloteError(
                "scoring.missing_features", columns=_quote(missing), available=_quote(df.columns)
            )

    def predict_proba(self, df: pd.DataFrame) -> np.ndarray:
        """Probability of converting for each row (shape ``(n,)``)."""
        self._check_fitted()
        self._check_columns(df)
        with threadpool_limits(limits=1):
            return self.pipeline_.predict_proba(df)[:, 1]

    def explain(self, df: pd.DataFrame) -> pd.DataFrame:
        """Each feature's contribution to each lead's log-odds (positive raises the score)."""
        self._check_fitted()
        self._check_columns(df)
        contrib = self._contributions(self.pipeline_.named_steps["prepare"].transform(df))
        return pd.DataFrame(contrib, index=df.index, columns=self.features_)

    def score(
        self,
        df: pd.DataFrame,
        lang: str = i18n.DEFAULT_LANGUAGE,
        open_only: bool = False,
        reasons: bool = True,
    ) -> pd.DataFrame:
        """Score leads: the original columns plus ``score``, ``bucket`` and ``reasons``.

        Parameters
        ----------
        df : pandas.DataFrame
            Leads with the training columns (the history itself, or a new file). Never modified.
        lang : {"fr", "en"}
            Language of ``bucket`` and ``reasons``.
        open_only : bool
            Score only the rows whose outcome is empty (``df`` must then hold the outcome
            column).
        reasons : bool
            Write each lead's top reasons (a few seconds on 100k leads).

        Returns
        -------
        pandas.DataFrame
            A copy sorted best first (index kept). ``score`` is the conversion probability ×
            100 rounded to an integer; ``bucket`` is Chaud / Tiède / Froid (Hot / Warm / Cold).
            A column of ``df`` already named like one of these gets the new one suffixed
            ``_pilote``.
        """
        self._check_fitted()
        if open_only:
            _require_columns(df, [self.target_])
            df = df.loc[to_outcome(df[self.target_]).isna().to_numpy()]
        self._check_columns(df)
        prepared = self.pipeline_.named_steps["prepare"].transform(df)
        proba = np.zeros(0)
        if len(df):
            x = self.pipeline_.named_steps["encode"].transform(prepared)
            with threadpool_limits(limits=1):
                proba = self.pipeline_.named_steps["model"].predict_proba(x)[:, 1]
        texts = None
        if reasons:
            contrib = self._contributions(prepared)
            texts = _reason_texts(df, self.features_, self.kinds_, contrib, lang)
        return _scored_frame(df, proba * 100, self.buckets_, texts, lang)

    def confusion(self, threshold: float = 50.0) -> Confusion:
        """Out-of-fold confusion matrix when leads scoring ``threshold`` (0–100) or more are
        flagged as likely to convert."""
        self._check_fitted()
        if not 0 <= threshold <= 100:
            raise PiloteError("scoring.bad_threshold", threshold=threshold)
        flagged = self.oof_ * 100 >= threshold
        y = self.y_.astype(bool)
        return Confusion(
            threshold=float(threshold),
            true_positive=int((flagged & y).sum()),
            false_positive=int((flagged & ~y).sum()),
            false_negative=int((~flagged & y).sum()),
            true_negative=int((~flagged & ~y).sum()),
        )


def _groups(encoder: ColumnTransformer, n_features: int) -> list[np.ndarray]:
    """Encoded column indices of each feature, read from the output names.

    Names look like ``cat__3_1.0`` (one-hot), ``cat__3``, ``num__4_age`` or
    ``num__missingindicator_5``: the feature's position is the first number after ``__``.
    """
    owner = []
    for name in encoder.get_feature_names_out():
        local = name.split("__", 1)[1].removeprefix("missingindicator_")
        owner.append(int(local.split("_", 1)[0]))
    owner_array = np.array(owner)
    return [np.flatnonzero(owner_array == i) for i in range(n_features)]


def _fit_one(
    prepared: pd.DataFrame,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray | None,
    kinds: Sequence[str],
    model: str,
    task: int,
    random_state: int,
) -> tuple[int, ColumnTransformer, BaseEstimator, np.ndarray | None, np.ndarray | None]:
    """Fit encoder and classifier on ``train``; score ``test`` and shuffle-test its columns.

    Runs in a worker thread. OpenMP is limited to one thread per fit: folds run side by side
    instead, and on a busy machine OpenMP threads waiting for a core slow a fit down tenfold.
    """
    with threadpool_limits(limits=1, user_api="openmp"):
        encoder = _encoder(kinds, model, len(train))
        clf = _classifier(kinds, model, random_state, len(train))
        clf.fit(encoder.fit_transform(prepared.iloc[train]), y[train])
        if test is None:
            return task, encoder, clf, None, None
        x_test = encoder.transform(prepared.iloc[test])
        proba = clf.predict_proba(x_test)[:, 1]
        rng = np.random.default_rng([random_state, task])
        drops = _permutation_drop(clf, x_test, y[test], _groups(encoder, len(kinds)), rng)
    return task, encoder, clf, proba, drops


def _permutation_drop(
    clf: BaseEstimator,
    x: Any,
    y: np.ndarray,
    groups: list[np.ndarray],
    rng: np.random.Generator,
    max_rows: int = 1000,
) -> np.ndarray:
    """Drop in AUC when each feature's encoded columns are shuffled together (held-out rows).

    All shuffled copies are scored in one call: a tree ensemble's per-call cost dominates on
    small batches.
    """
    if x.shape[0] > max_rows:
        keep = np.sort(rng.choice(x.shape[0], max_rows, replace=False))
        x, y = x[keep], y[keep]
    x = x.toarray() if sparse.issparse(x) else np.array(x, dtype=float)
    if y.min() == y.max():
        return np.zeros(len(groups))
    copies = [x]
    for g in groups:
        shuffled = x.copy()
        shuffled[:, g] = x[rng.permutation(x.shape[0])][:, g]
        copies.append(shuffled)
    scores = clf.decision_function(np.vstack(copies)).reshape(len(copies), x.shape[0])
    base = _fast_auc(y, scores[0])
    return np.array([base - _fast_auc(y, row) for row in scores[1:]])


_UNSEEN = -1.0  # the code of a category never seen in training


@dataclass(frozen=True, eq=False)
class _Effect:
    """One feature's centred partial dependence: its effect on the log-odds by value.

    The effect of value ``v`` is the model's mean log-odds over a sample of historical leads
    whose value is set to ``v``, minus the mean over the sample's own values; so a lead's
    effects say how it differs from a typical lead. For the logistic model this is exactly the
    coefficient × (value − mean).
    """

    kind: str
    grid: np.ndarray  # category codes, or sorted numbers (date: age in days)
    effect: np.ndarray
    weights: np.ndarray  # share of historical leads at each category (categories only)
    missing: float
    missing_share: float
    other: float  # categories only: a category outside the grid

    def lookup(self, values: np.ndarray) -> np.ndarray:
        missing = pd.isna(values)
        if self.kind == "cat":
            pos = pd.Index(self.grid).get_indexer(values)
            out = np.where(pos >= 0, self.effect[np.maximum(pos, 0)], self.other)
        elif len(self.grid):
            out = np.interp(np.where(missing, 0.0, values.astype(float)), self.grid, self.effect)
        else:
            out = np.zeros(len(values))
        return np.where(missing, self.missing, out)


def _partial_dependence(
    encoder: ColumnTransformer,
    clf: BaseEstimator,
    prepared: pd.DataFrame,
    kinds: Sequence[str],
    rng: np.random.Generator,
    n_background: int = 150,
    max_levels: int = 60,
    max_points: int = 25,
) -> list[_Effect]:
    """Partial-dependence tables of every feature, in one batched prediction.

    Done once at fit so that explaining any number of leads afterwards is a lookup.
    """
    n = len(prepared)
    background = prepared.iloc[np.sort(rng.choice(n, min(n, n_background), replace=False))]
    m = len(background)
    grids: list[dict[str, np.ndarray]] = []
    for i, kind in enumerate(kinds):
        names = _prepared_names(i, kind)
        first = prepared[names[0]]
        if kind == "cat":
            levels = first.value_counts(dropna=True).index[:max_levels].to_numpy(dtype=float)
            grids.append({names[0]: np.concatenate([levels, [np.nan, _UNSEEN]])})
            continue
        values = first.to_numpy(dtype=float)
        filled = np.flatnonzero(~np.isnan(values))
        if kind == "num":
            points = np.unique(values[filled])
            if len(points) > max_points:
                points = np.unique(np.quantile(values[filled], np.linspace(0, 1, max_points)))
            grids.append({names[0]: np.append(points, np.nan)})
            continue
        order = filled[np.argsort(values[filled], kind="stable")]
        picks = order[((np.arange(12) + 0.5) * len(order) / 12).astype(int)] if len(order) else []
        grids.append(
            {name: np.append(prepared[name].to_numpy(dtype=float)[picks], np.nan) for name in names}
        )
    sizes = [len(next(iter(g.values()))) for g in grids]
    total = sum(sizes)
    big = {col: np.tile(background[col].to_numpy(dtype=float), total) for col in prepared}
    offset = 0
    for grid, size in zip(grids, sizes, strict=True):
        for name, points in grid.items():
            big[name][offset * m : (offset + size) * m] = np.repeat(points, m)
        offset += size
    frame = pd.DataFrame(big, columns=prepared.columns)
    mean = clf.decision_function(encoder.transform(frame)).reshape(total, m).mean(axis=1)

    effects = []
    offset = 0
    for i, (kind, grid, size) in enumerate(zip(kinds, grids, sizes, strict=True)):
        first = _prepared_names(i, kind)[0]
        values = mean[offset : offset + size]
        offset += size
        points = grid[first]
        share_missing = float(prepared[first].isna().mean())
        if kind == "cat":
            counts = prepared[first].value_counts(dropna=True)
            raw = _Effect(
                kind,
                points[:-2],
                values[:-2],
                (counts.reindex(points[:-2]).to_numpy(dtype=float) / n),
                float(values[-2]),
                share_missing,
                float(values[-1]),
            )
        else:
            numbers = points[:-1].astype(float)
            keep = ~np.isnan(numbers)
            raw = _Effect(
                kind,
                numbers[keep],
                values[:-1][keep],
                np.zeros(0),
                float(values[-1]),
                share_missing,
                0.0,
            )
        centre = float(np.mean(raw.lookup(background[first].to_numpy())))
        effects.append(
            _Effect(
                raw.kind,
                raw.grid,
                raw.effect - centre,
                raw.weights,
                raw.missing - centre,
                raw.missing_share,
                raw.other - centre,
            )
        )
    return effects


def _raw_labels(s: pd.Series) -> dict[str, str]:
    """Cleaned category → its most frequent spelling in the data ("google" → "Google")."""
    labels: dict[str, str] = {}
    for raw in s.value_counts(dropna=True).index:  # most frequent first
        key = _clean_value(raw)
        if isinstance(key, str):
            labels.setdefault(key, str(raw).strip())
    return labels


def _validation(
    y: np.ndarray,
    oof: np.ndarray,
    fold_auc: list[float],
    baseline_auc: float | None,
    baseline_column: str | None,
) -> Validation:
    base = float(y.mean())
    order = np.argsort(-oof, kind="stable")
    deciles = np.empty(len(y), dtype=int)
    deciles[order] = np.arange(len(y)) * 10 // len(y) + 1
    lift = (
        pd.DataFrame({"decile": deciles, "y": y})
        .groupby("decile")
        .agg(leads=("y", "size"), conversions=("y", "sum"))
        .reset_index()
    )
    lift["rate"] = lift["conversions"] / lift["leads"]
    lift["lift"] = lift["rate"] / base
    lift["cum_leads_share"] = lift["leads"].cumsum() / len(y)
    lift["cum_gain"] = lift["conversions"].cumsum() / y.sum()
    bins = pd.qcut(pd.Series(oof).rank(method="first"), 10, labels=False)
    calibration = (
        pd.DataFrame({"bin": bins, "p": oof, "y": y})
        .groupby("bin")
        .agg(predicted=("p", "mean"), observed=("y", "mean"), leads=("y", "size"))
        .reset_index(drop=True)
    )
    return Validation(
        auc=float(np.mean(fold_auc)),
        auc_std=float(np.std(fold_auc)),
        fold_auc=tuple(fold_auc),
        pr_auc=float(average_precision_score(y, oof)),
        base_rate=base,
        baseline_auc=_float(baseline_auc),
        baseline_column=baseline_column,
        rows=len(y),
        positives=int(y.sum()),
        lift=lift,
        calibration=calibration,
    )


def _buckets(oof: np.ndarray, y: np.ndarray) -> list[Bucket]:
    """Hot ≈ top 20 % of historical leads by out-of-fold score, Warm ≈ next 30 %, Cold = rest.

    Bounds are whole scores, like the scores shown, so that a lead's bucket can be read from
    its score.
    """
    scores = np.round(oof * 100)
    hot = float(np.quantile(scores, 1 - HOT_SHARE, method="higher"))
    warm = float(np.quantile(scores, 1 - HOT_SHARE - WARM_SHARE, method="higher"))
    out = []
    for bid, low, high in (("hot", hot, 100.0), ("warm", warm, hot), ("cold", 0.0, warm)):
        mask = (scores >= low) & ((scores < high) | (bid == "hot"))
        n = int(mask.sum())
        out.append(
            Bucket(
                id=bid,
                min_score=low,
                max_score=high,
                leads=n,
                share=n / len(y),
                conversion=float(y[mask].mean()) if n else None,
            )
        )
    return out


def _bucket_of(scores: np.ndarray, buckets: Sequence[Bucket]) -> np.ndarray:
    ids = np.full(len(scores), buckets[-1].id, dtype=object)
    for b in reversed(buckets):
        ids[scores >= b.min_score] = b.id
    return ids


def _display(value: Any, kind: str, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return i18n.t("scoring.value.missing", lang)
    if kind == "date":
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, (bool, np.bool_)):
        return i18n.t(f"scoring.value.{str(bool(value)).lower()}", lang)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        value = float(value)
        return i18n.format_number(value, lang, 0 if value.is_integer() else 2)
    text = str(value).strip()
    if _norm(text) in MISSING_TOKENS:
        return i18n.t("scoring.value.missing", lang)
    return text


def _reason_texts(
    df: pd.DataFrame,
    features: Sequence[str],
    kinds: Mapping[str, str],
    contrib: np.ndarray,
    lang: str,
) -> list[str]:
    """Each lead's strongest effects as ``Column = value: strongly up; …``."""
    template = i18n.t("scoring.reason", lang)
    effects = {
        key: i18n.t(f"scoring.effect.{key}", lang)
        for key in ("strong_up", "up", "down", "strong_down")
    }
    none = i18n.t("scoring.reason.none", lang)
    shown = []
    for col in features:
        # Each distinct value is formatted once (Babel is slow per call).
        codes, uniques = pd.factorize(df[col], use_na_sentinel=True)
        labels = [_display(u, kinds[col], lang) for u in uniques]
        table = np.array([*labels, i18n.t("scoring.value.missing", lang)], dtype=object)
        shown.append(table[codes])
    n = contrib.shape[0]
    order = np.argsort(-np.abs(contrib), axis=1, kind="stable")[:, :_TOP_REASONS]
    parts: list[list[str]] = [[] for _ in range(n)]
    for rank in range(order.shape[1]):
        j = order[:, rank]
        c = contrib[np.arange(n), j]
        for r in np.flatnonzero(np.abs(c) >= _NOTABLE):
            key = ("strong_" if abs(c[r]) >= _STRONG else "") + ("up" if c[r] > 0 else "down")
            col = j[r]
            parts[r].append(
                template.format(column=features[col], value=shown[col][r], effect=effects[key])
            )
    return ["; ".join(p) if p else none for p in parts]


def _scored_frame(
    df: pd.DataFrame,
    scores: np.ndarray,
    buckets: Sequence[Bucket],
    reasons: list[str] | None,
    lang: str,
) -> pd.DataFrame:
    out = df.copy()
    names = {}
    for name in ("score", "bucket", "reasons"):
        names[name] = name if name not in df.columns else f"{name}_pilote"
    labels = {b.id: b.label(lang) for b in buckets}
    shown = np.clip(np.round(np.asarray(scores, dtype=float)), 0, 100)
    out[names["score"]] = shown.astype(int)
    out[names["bucket"]] = [labels[b] for b in _bucket_of(shown, buckets)]
    if reasons is not None:
        out[names["reasons"]] = reasons
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    return out.iloc[order]


# --------------------------------------------------------------------------------------------
# Rule-based scoring (no history needed)
# --------------------------------------------------------------------------------------------

RULE_OPERATORS: tuple[str, ...] = (
    "=",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "contains",
    "in",
    "missing",
    "present",
)
_NUMERIC_OPERATORS = frozenset({">", ">=", "<", "<="})


class RuleScorer:
    """Score leads with points per criterion, for users with no history to learn from.

    The score is the lead's points over the most points a lead can get (the sum of positive
    points), × 100, clipped to 0–100. Buckets are fixed bands: Hot from ``hot`` points of score,
    Warm from ``warm``.

    Parameters
    ----------
    rules : iterable of Rule, mapping or tuple
        ``(column, operator, value, points[, criterion])`` records; see :class:`Rule`.
    hot, warm : float
        Lowest score of the Hot and Warm buckets.
    """

    model = "rules"

    def __init__(self, rules: Iterable[Any], hot: float = 60.0, warm: float = 30.0) -> None:
        self.rules = [Rule.of(r) for r in rules]
        self.hot = hot
        self.warm = warm

    @property
    def buckets_(self) -> list[Bucket]:
        return [
            Bucket("hot", float(self.hot), 100.0),
            Bucket("warm", float(self.warm), float(self.hot)),
            Bucket("cold", 0.0, float(self.warm)),
        ]

    @property
    def top_factors_(self) -> list[Rule]:
        return sorted(self.rules, key=lambda r: -abs(r.points))

    def _validate(self, df: pd.DataFrame) -> None:
        if not self.rules:
            raise PiloteError("scoring.no_rules")
        _require_columns(df, dict.fromkeys(r.column for r in self.rules))
        for i, rule in enumerate(self.rules, start=1):
            if rule.operator not in RULE_OPERATORS:
                raise PiloteError(
                    "scoring.rule_operator",
                    index=i,
                    operator=rule.operator,
                    operators=", ".join(RULE_OPERATORS),
                )
            if rule.operator in _NUMERIC_OPERATORS and _number(rule.value) is None:
                raise PiloteError(
                    "scoring.rule_value", index=i, column=rule.column, value=rule.value
                )

    def matches(self, df: pd.DataFrame) -> pd.DataFrame:
        """One boolean column per rule (named by its position), True where the rule applies."""
        self._validate(df)
        return pd.DataFrame(
            {i: _rule_mask(df[r.column], r) for i, r in enumerate(self.rules)}, index=df.index
        )

    def points(self, df: pd.DataFrame) -> pd.Series:
        """Each lead's total points."""
        hits = self.matches(df)
        weights = np.array([float(r.points) for r in self.rules])
        return pd.Series(hits.to_numpy(dtype=float) @ weights, index=df.index, dtype=float)

    def score(self, df: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
        """The original columns plus ``score`` (0–100), ``bucket`` and ``reasons``, best first.

        ``reasons`` lists the rules the lead meets, most points first.
        """
        hits = self.matches(df).to_numpy()
        weights = np.array([float(r.points) for r in self.rules])
        best = max(float(weights[weights > 0].sum()), 1e-9)
        scores = np.clip(hits.astype(float) @ weights / best * 100, 0, 100)
        texts_by_rule = [r.text(lang) for r in self.rules]
        order = np.argsort(-np.abs(weights), kind="stable")
        none = i18n.t("scoring.reason.none", lang)
        reasons = ["; ".join(texts_by_rule[i] for i in order if row[i]) or none for row in hits]
        return _scored_frame(df, scores, self.buckets_, reasons, lang)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None
    return None if math.isnan(number) else number


def _rule_mask(s: pd.Series, rule: Rule) -> np.ndarray:
    op = rule.operator
    if pd.api.types.is_datetime64_any_dtype(s):
        present = s.notna()
        if op in ("missing", "present"):
            return (~present if op == "missing" else present).to_numpy()
        value = pd.to_datetime(rule.value, errors="coerce")
        compare = s
    elif _is_text(s):
        clean = _clean_text(s)
        present = clean.notna()
        if op in ("missing", "present"):
            return (~present if op == "missing" else present).to_numpy()
        if op in _NUMERIC_OPERATORS:
            compare = pd.to_numeric(clean.str.replace(",", ".", regex=False), errors="coerce")
            value = _number(rule.value)
        else:
            keys = clean.map(_norm, na_action="ignore")
            if op == "contains":
                needle = _norm(rule.value)
                return keys.str.contains(needle, regex=False, na=False).to_numpy(dtype=bool)
            if op == "in":
                items = rule.value
                if isinstance(items, str):
                    items = items.split(",")
                wanted = {_norm(v) for v in items}
                return keys.isin(wanted).to_numpy()
            hit = keys == _norm(rule.value)
            hit = hit.fillna(False).astype(bool)
            return (hit if op == "=" else ~hit & present).to_numpy()
    else:
        values = pd.to_numeric(s, errors="coerce").astype(float)
        present = values.notna()
        if op in ("missing", "present"):
            return (~present if op == "missing" else present).to_numpy()
        if op == "in":
            items = rule.value.split(",") if isinstance(rule.value, str) else rule.value
            return values.isin([_number(v) for v in items]).to_numpy()
        if op == "contains":
            return values.astype("string").str.contains(str(rule.value), na=False).to_numpy()
        compare, value = values, _number(rule.value)
        if op == "=":
            return (compare == value).to_numpy()
        if op == "!=":
            return ((compare != value) & present).to_numpy()
    if value is None or (not isinstance(value, float) and pd.isna(value)):
        return np.zeros(len(s), dtype=bool)
    result = {
        ">": compare > value,
        ">=": compare >= value,
        "<": compare < value,
        "<=": compare <= value,
        "=": compare == value,
        "!=": compare != value,
    }[op]
    return result.fillna(False).to_numpy(dtype=bool)


# fmt: off
# Header words for the default BANT-like rules (budget, authority, need, timing, engagement).
_BUDGET_WORDS = frozenset(
    {"budget", "amount", "montant", "revenue", "chiffre", "ca", "value", "valeur", "size",
     "taille", "employees", "salaries", "effectif", "balance"}
)
_AUTHORITY_WORDS = frozenset(
    {"title", "job", "poste", "fonction", "role", "occupation", "position", "seniority"}
)
_SENIOR_VALUES = (
    "director", "directeur", "directrice", "head", "chief", "ceo", "cfo", "cto", "coo", "cmo",
    "vp", "vice", "president", "owner", "founder", "fondateur", "gerant", "manager",
    "responsable", "partner", "associe", "decision", "working professional", "business",
)
_NEED_WORDS = frozenset({"need", "needs", "besoin", "besoins", "interest", "interet", "pain"})
_TIMING_WORDS = frozenset(
    {"timeline", "timeframe", "timing", "delai", "echeance", "horizon", "urgency", "urgence"}
)
_SOON_VALUES = ("immediate", "immediat", "urgent", "asap", "this month", "ce mois", "< 1",
                "<1", "1 month", "1 mois", "this quarter", "ce trimestre", "0-3", "< 3")
_ENGAGEMENT_WORDS = frozenset(
    {"visits", "visit", "visites", "time", "temps", "pages", "views", "vues", "opens",
     "opened", "clicks", "clics", "calls", "appels", "meetings", "rdv", "replies", "reponses",
     "emails", "downloads", "telechargements", "activity", "activite", "engagement"}
)
_SOURCE_WORDS = frozenset({"source", "origin", "origine", "channel", "canal"})
_REFERRAL_VALUES = (
    "referr", "recommand", "partner", "partenaire", "parrain", "word of mouth", "bouche",
    "reference", "existing customer", "client existant",
)
_OPT_OUT_WORDS = frozenset({"unsubscribe", "unsubscribed", "desinscrit", "optout"})
# fmt: on


def default_rules(df: pd.DataFrame, mapping: Mapping[str, str] | None = None) -> list[Rule]:
    """BANT-like starting rules built from the columns ``df`` has; the user edits them.

    * Budget: an amount / budget / company-size column at or above its median: +20.
    * Authority: a job title / role containing director, head, owner, manager…: +25.
    * Need: a need / interest column filled in: +15.
    * Timing: a timeline column saying now / this month / < 3 months: +20.
    * Engagement: visits, time on site, opens, calls… at or above their 75th percentile: +10.
    * Source: referral / partner / recommendation: +15.
    * Opt-out ("Do not email", unsubscribed) = yes: −20.

    Parameters
    ----------
    df : pandas.DataFrame
        The leads to score.
    mapping : mapping, optional
        Role → column (see :mod:`kpi.data.roles`); the ``amount`` and ``source`` roles are used first
        when mapped.

    Returns
    -------
    list of Rule
        Possibly empty when no column fits a criterion.
    """
    mapping = dict(mapping or {})
    rules: list[Rule] = []
    used: set[str] = set()

    def text_values(col: str) -> pd.Series:
        return _clean_text(df[col]).dropna().map(_norm)

    def add(rule: Rule) -> None:
        rules.append(rule)
        used.add(rule.column)

    def pick(words: frozenset[str], want: str, role: str | None = None) -> list[str]:
        cols = [mapping[role]] if role and mapping.get(role) in df.columns else []
        for col in df.columns:
            if col in used or col in cols:
                continue
            s = df[col]
            is_num = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
            if _words(col) & words and (is_num if want == "num" else _is_text(s)):
                cols.append(col)
        return cols

    for col in pick(_BUDGET_WORDS, "num", "amount")[:1]:
        median = pd.to_numeric(df[col], errors="coerce").median()
        if pd.notna(median) and median > 0:
            add(Rule(col, ">=", float(median), 20, "budget"))
    for col in pick(_AUTHORITY_WORDS, "text"):
        values = text_values(col)
        senior = sorted({v for v in values.unique() if any(w in v for w in _SENIOR_VALUES)})
        if senior:
            add(Rule(col, "in", [_first_raw(df[col], v) for v in senior], 25, "authority"))
            break
    for col in pick(_NEED_WORDS, "text")[:1]:
        add(Rule(col, "present", None, 15, "need"))
    for col in pick(_TIMING_WORDS, "text"):
        values = text_values(col)
        soon = sorted({v for v in values.unique() if any(w in v for w in _SOON_VALUES)})
        if soon:
            add(Rule(col, "in", [_first_raw(df[col], v) for v in soon], 20, "timing"))
            break
    for col in pick(_ENGAGEMENT_WORDS, "num")[:3]:
        values = pd.to_numeric(df[col], errors="coerce")
        q75 = values.quantile(0.75)
        if pd.notna(q75) and q75 > 0:
            add(Rule(col, ">=", float(q75), 10, "engagement"))
    for col in pick(_SOURCE_WORDS, "text", "source"):
        values = text_values(col)
        referral = sorted({v for v in values.unique() if any(w in v for w in _REFERRAL_VALUES)})
        if referral:
            add(Rule(col, "in", [_first_raw(df[col], v) for v in referral], 15, "source"))
            break
    for col in df.columns:
        words = _words(col)
        if col in used or not _is_text(df[col]):
            continue
        opt_out = words & _OPT_OUT_WORDS or {"do", "not"} <= words or {"ne", "pas"} <= words
        if opt_out and text_values(col).isin(_POSITIVE).any():
            add(Rule(col, "in", ["yes", "oui", "true", "1"], -20, "opt_out"))
    return rules


def _first_raw(s: pd.Series, key: str) -> str:
    """The value as written in the data whose normalised form is ``key``."""
    raw = s.dropna().astype("string").str.strip()
    hits = raw[raw.map(_norm) == key]
    return str(hits.iloc[0]) if len(hits) else key


def rules_frame(rules: Iterable[Any]) -> pd.DataFrame:
    """Rules as an editable table (one row per rule); read back with :func:`rules_from_frame`."""
    rows = []
    for r in (Rule.of(x) for x in rules):
        value = ", ".join(map(str, r.value)) if isinstance(r.value, (list, tuple)) else r.value
        rows.append(
            {
                "column": r.column,
                "operator": r.operator,
                "value": None if value is None else str(value),
                "points": float(r.points),
                "criterion": r.criterion,
            }
        )
    columns = ["column", "operator", "value", "points", "criterion"]
    return pd.DataFrame(rows, columns=columns)


def rules_from_frame(frame: pd.DataFrame) -> list[Rule]:
    """Rules from an edited table; rows without a column or an operator are skipped."""
    rules = []
    for record in frame.to_dict("records"):
        if _blank(record.get("column")) or _blank(record.get("operator")):
            continue
        points = _number(record.get("points"))
        record["points"] = 0.0 if points is None else points
        rules.append(Rule.of(record))
    return rules


# --------------------------------------------------------------------------------------------
# Command-line summary
# --------------------------------------------------------------------------------------------


def summary_json(result: LeadScorer | RuleScorer) -> dict[str, Any]:
    """The figures of ``python -m kpi score … --json``, JSON-serialisable (no numpy types).

    Keys: ``rows``, ``base_rate``, ``model``, ``cv_auc``, ``cv_auc_std``, ``excluded``
    (``[{column, reason, auc}]``), ``top_factors``; plus ``target``, ``rows_open``,
    ``features``, ``pr_auc``, ``baseline_auc``, ``baseline_column``, ``buckets``, ``lift``.
    For a :class:`RuleScorer` the validation figures are None and ``top_factors`` lists the
    rules.
    """
    if isinstance(result, RuleScorer):
        return {
            "rows": None,
            "base_rate": None,
            "model": "rules",
            "cv_auc": None,
            "cv_auc_std": None,
            "excluded": [],
            "top_factors": [
                {
                    "column": str(r.column),
                    "operator": r.operator,
                    "value": list(r.value) if isinstance(r.value, (list, tuple)) else r.value,
                    "points": float(r.points),
                    "criterion": r.criterion,
                }
                for r in result.top_factors_
            ],
            "buckets": [_bucket_json(b) for b in result.buckets_],
        }
    result._check_fitted()
    cv = result.cv_
    return {
        "rows": int(result.n_rows_),
        "base_rate": _float(result.base_rate_),
        "model": result.model,
        "cv_auc": _float(cv.auc),
        "cv_auc_std": _float(cv.auc_std),
        "excluded": [
            {"column": str(e.column), "reason": e.reason, "auc": _float(e.auc)}
            for e in result.excluded_
        ],
        "top_factors": [
            {
                "column": str(f.column),
                "importance": _float(f.importance),
                "own_auc": _float(f.own_auc),
                "direction": f.direction,
                "levels": [{"value": v, "odds_ratio": _float(ratio)} for v, ratio in f.levels],
            }
            for f in result.top_factors_[:10]
        ],
        "target": str(result.target_),
        "rows_open": int(result.n_open_),
        "features": [str(c) for c in result.features_],
        "pr_auc": _float(cv.pr_auc),
        "baseline_auc": _float(cv.baseline_auc),
        "baseline_column": cv.baseline_column,
        "buckets": [_bucket_json(b) for b in result.buckets_],
        "lift": [
            {
                k: (int(v) if k in ("decile", "leads", "conversions") else _float(v))
                for k, v in row.items()
            }
            for row in cv.lift.to_dict("records")
        ],
    }


def _bucket_json(b: Bucket) -> dict[str, Any]:
    return {
        "bucket": b.id,
        "min_score": _float(b.min_score),
        "max_score": _float(b.max_score),
        "leads": int(b.leads),
        "share": _float(b.share),
        "conversion": _float(b.conversion),
    }


# --------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------

i18n.add_messages(
    {
        "scoring.not_fitted": {
            "fr": "Le modèle de scoring n'est pas encore entraîné : entraînez-le d'abord sur "
            "votre historique de leads (fit).",
            "en": "The lead scoring model has not been fit yet: train it on your lead history "
            "first (fit).",
        },
        "scoring.bad_model": {
            "fr": "Modèle « {model} » inconnu. Modèles disponibles : {models}.",
            "en": "Unknown model “{model}”. Available models: {models}.",
        },
        "scoring.unknown_columns": {
            "fr": "Colonne(s) introuvable(s) : {columns}. Colonnes disponibles : {available}. "
            "Vérifiez l'orthographe (majuscules comprises).",
            "en": "Column(s) not found: {columns}. Available columns: {available}. Check the "
            "spelling (case matters).",
        },
        "scoring.no_target": {
            "fr": "Aucune colonne de résultat trouvée. Pilote cherche une colonne comme "
            "« Converti », « Gagné » ou « y » avec des valeurs oui/non, 1/0, vrai/faux ou "
            "gagné/perdu. Colonnes disponibles : {available}. Choisissez vous-même la colonne "
            "qui dit si le lead a converti.",
            "en": "No outcome column found. Pilote looks for a column such as “Converted”, "
            "“Won” or “y” with yes/no, 1/0, true/false or won/lost values. Available columns: "
            "{available}. Choose the column that says whether each lead converted.",
        },
        "scoring.bad_target": {
            "fr": "La colonne « {column} » ne se lit pas comme un résultat : valeurs vues "
            "{values}. Pilote comprend oui/non, 1/0, vrai/faux, gagné/perdu (et les étapes "
            "en cours comme leads ouverts). Choisissez la colonne qui dit si le lead a "
            "converti, ou recodez ces valeurs.",
            "en": "Column “{column}” cannot be read as an outcome: values seen {values}. "
            "Pilote reads yes/no, 1/0, true/false, won/lost (and open stages as open leads). "
            "Choose the column that says whether each lead converted, or recode these values.",
        },
        "scoring.single_class": {
            "fr": "Tous les leads dont le résultat est connu dans « {column} » ont la même "
            "valeur ({value}, {n} leads) : il faut des leads convertis et non convertis pour "
            "apprendre. Ajoutez un historique avec les deux issues, ou utilisez le scoring par "
            "règles, qui n'en demande pas.",
            "en": "Every lead with a known outcome in “{column}” has the same value ({value}, "
            "{n} leads): the model needs both converted and unconverted leads to learn. Add "
            "history with both outcomes, or use rule-based scoring, which needs none.",
        },
        "scoring.too_few": {
            "fr": "Historique trop court pour entraîner et valider un modèle : {positives} "
            "leads convertis et {negatives} non convertis dans « {column} » ; il en faut au "
            "moins {minimum} de chaque. Ajoutez de l'historique, ou utilisez le scoring par "
            "règles, qui n'en demande pas.",
            "en": "Too little history to train and validate a model: {positives} converted "
            "and {negatives} unconverted leads in “{column}”; at least {minimum} of each are "
            "needed. Add more history, or use rule-based scoring, which needs none.",
        },
        "scoring.no_features": {
            "fr": "Il ne reste aucune colonne dont apprendre : {excluded}. Remettez une "
            "colonne avec « inclure », ou ajoutez des colonnes qui décrivent les leads.",
            "en": "No column is left to learn from: {excluded}. Put a column back with "
            "“include”, or add columns that describe the leads.",
        },
        "scoring.missing_features": {
            "fr": "Le fichier à scorer n'a pas la ou les colonnes {columns} sur lesquelles le "
            "modèle a appris. Colonnes disponibles : {available}. Scorez un fichier avec les "
            "mêmes colonnes que l'historique.",
            "en": "The file to score lacks column(s) {columns} the model was trained on. "
            "Available columns: {available}. Score a file with the same columns as the "
            "history.",
        },
        "scoring.bad_threshold": {
            "fr": "Seuil {threshold} hors de 0–100. Choisissez un score entre 0 et 100.",
            "en": "Threshold {threshold} is outside 0–100. Choose a score between 0 and 100.",
        },
        "scoring.no_rules": {
            "fr": "Aucune règle de scoring. Ajoutez au moins une règle (colonne, opérateur, "
            "valeur, points).",
            "en": "No scoring rule. Add at least one rule (column, operator, value, points).",
        },
        "scoring.rule_operator": {
            "fr": "La règle {index} utilise un opérateur inconnu « {operator} ». Opérateurs "
            "possibles : {operators}.",
            "en": "Rule {index} uses an unknown operator “{operator}”. Operators: {operators}.",
        },
        "scoring.rule_value": {
            "fr": "La règle {index} (« {column} ») compare à « {value} », qui n'est pas un "
            "nombre. Donnez un nombre, ou utilisez =, ≠, contains ou in.",
            "en": "Rule {index} (“{column}”) compares with “{value}”, which is not a number. "
            "Give a number, or use =, !=, contains or in.",
        },
        "scoring.rule.reason": {
            "fr": "{condition} : {points} pts",
            "en": "{condition}: {points} pts",
        },
        "scoring.rule.op.missing": {"fr": "non renseigné", "en": "not given"},
        "scoring.rule.op.present": {"fr": "renseigné", "en": "given"},
        "scoring.excluded.user": {
            "fr": "exclue à votre demande",
            "en": "excluded at your request",
        },
        "scoring.excluded.empty": {"fr": "toujours vide", "en": "always empty"},
        "scoring.excluded.constant": {
            "fr": "constante : une seule valeur",
            "en": "constant: a single value",
        },
        "scoring.excluded.identifier": {
            "fr": "identifiant : une valeur différente par lead",
            "en": "identifier: a different value for each lead",
        },
        "scoring.excluded.text": {
            "fr": "texte libre",
            "en": "free text",
        },
        "scoring.excluded.near_unique": {
            "fr": "presque une valeur différente par lead",
            "en": "almost a different value for each lead",
        },
        "scoring.excluded.leak": {
            "fr": "fuite probable : à elle seule, elle donne presque le résultat (AUC {auc}). "
            "Remettez-la seulement si elle est connue avant l'issue du lead.",
            "en": "likely leak: on its own it almost gives the outcome away (AUC {auc}). Put "
            "it back only if it is known before the lead's outcome.",
        },
        "scoring.excluded.leak_name": {
            "fr": "fuite probable : son nom (« {word} ») indique une information notée après "
            "l'issue ou un jugement sur elle (AUC seule {auc}). Remettez-la seulement si elle "
            "est connue avant l'issue du lead.",
            "en": "likely leak: its name (“{word}”) suggests it is recorded after the outcome "
            "or is someone's judgement of it (AUC alone {auc}). Put it back only if it is "
            "known before the lead's outcome.",
        },
        "scoring.factor.higher_up": {
            "fr": "plus c'est élevé, plus le score monte",
            "en": "higher values raise the score",
        },
        "scoring.factor.higher_down": {
            "fr": "plus c'est élevé, plus le score baisse",
            "en": "higher values lower the score",
        },
        "scoring.factor.later_up": {
            "fr": "plus c'est récent, plus le score monte",
            "en": "later dates raise the score",
        },
        "scoring.factor.later_down": {
            "fr": "plus c'est récent, plus le score baisse",
            "en": "later dates lower the score",
        },
        "scoring.value.true": {"fr": "oui", "en": "yes"},
        "scoring.value.false": {"fr": "non", "en": "no"},
        "scoring.bucket.hot": {"fr": "Chaud", "en": "Hot"},
        "scoring.bucket.warm": {"fr": "Tiède", "en": "Warm"},
        "scoring.bucket.cold": {"fr": "Froid", "en": "Cold"},
        "scoring.effect.strong_up": {"fr": "fortement à la hausse", "en": "strongly up"},
        "scoring.effect.up": {"fr": "à la hausse", "en": "up"},
        "scoring.effect.down": {"fr": "à la baisse", "en": "down"},
        "scoring.effect.strong_down": {"fr": "fortement à la baisse", "en": "strongly down"},
        "scoring.reason": {
            "fr": "{column} = {value} : {effect}",
            "en": "{column} = {value}: {effect}",
        },
        "scoring.reason.none": {
            "fr": "aucun facteur marquant",
            "en": "no stand-out factor",
        },
        "scoring.value.missing": {"fr": "(non renseigné)", "en": "(not given)"},
        "scoring.progress.prepare": {
            "fr": "Lecture de l'historique…",
            "en": "Reading the history…",
        },
        "scoring.progress.leaks": {
            "fr": "Choix des colonnes et recherche de fuites…",
            "en": "Choosing columns and looking for leaks…",
        },
        "scoring.progress.cv": {
            "fr": "Validation croisée…",
            "en": "Cross-validating…",
        },
        "scoring.progress.fit": {
            "fr": "Entraînement du modèle final…",
            "en": "Training the final model…",
        },
        "scoring.progress.explain": {
            "fr": "Calcul des facteurs…",
            "en": "Working out the factors…",
        },
        "scoring.progress.done": {"fr": "Terminé", "en": "Done"},
    }
)
