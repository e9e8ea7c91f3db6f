"""Rule-based scoring for users with no history: points per criterion (BANT-like), with default
rules guessed from the column names."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.errors import PiloteError
from kpi.scoring.explain import _scored_frame
from kpi.scoring.outcome import _POSITIVE
from kpi.scoring.records import Bucket, Rule, _blank
from kpi.scoring.values import _clean_text, _is_text, _norm, _require_columns, _words

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
