"""How the values of a subscriptions table are read: status words, billing intervals, yes/no
flags, dates, numbers, currencies and customer ids.

Vocabularies are accent- and case-folded; "_" and "-" read as spaces. The readers collect what
they cannot read as (French, English) problem sentences so that every problem of a table is
reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from kpi.text import words


def fold(value: object) -> str:
    """Lower case, no accents, words separated by single spaces (:func:`kpi.text.words`)."""
    return words(value, ascii_only=True)


def _words(*texts: str) -> frozenset[str]:
    return frozenset(fold(t) for text in texts for t in text.split(","))


# Status classes. trial: not counted (still in trial when exported); incomplete / unpaid /
# paused: never counted (Stripe: not paid; its Billing analytics count unpaid as churn and leave
# trials out); ended: counted until its end; active: counted from start (or trial end) to end.
STATUS_CLASSES: dict[str, frozenset[str]] = {
    "active": _words(
        "active,actif,active,actifs,en cours,past_due,past due,en retard,non_renewing,"
        "non renewing,future,à venir,live,paid,payé,payée,à jour,ongoing,running,renouvelé,"
        "valide,en vigueur"
    ),
    "trial": _words("trialing,trial,in_trial,in trial,free trial,essai,en essai,période d'essai"),
    "ended": _words(
        "canceled,cancelled,annulé,annulée,résilié,résiliée,terminé,terminée,expired,expiré,"
        "expirée,ended,churned,transferred,transféré,remplacé,remplacée,replaced,superseded,"
        "inactive,inactif,clos,clôturé,closed,arrêté,arrêtée"
    ),
    "incomplete": _words("incomplete,incomplete_expired,incomplet,en attente de paiement"),
    "unpaid": _words("unpaid,impayé,impayée"),
    "paused": _words("paused,en pause,suspendu,suspendue"),
}
CLASSES = tuple(STATUS_CLASSES)  # the order of the codes; "active" must be first
EXCLUDED_CLASSES = ("incomplete", "unpaid", "paused")

# Interval words → (unit, multiplier): "quarterly" is every 3 months.
_INTERVAL_WORDS: dict[str, tuple[str, int]] = {}
for _unit, _mult, _text in (
    ("day", 1, "day,days,daily,jour,jours,quotidien,quotidienne,journalier,journaliere"),
    ("week", 1, "week,weeks,weekly,semaine,semaines,hebdomadaire,hebdo"),
    ("month", 1, "month,months,monthly,mois,mensuel,mensuelle,mensuellement,mensualite"),
    ("month", 2, "bimestriel,bimestrielle,bimestre"),
    ("month", 3, "quarter,quarters,quarterly,trimestre,trimestres,trimestriel,trimestrielle"),
    (
        "month",
        6,
        "semester,semesters,semiannual,semi annual,half year,half yearly,semestre,semestres,"
        "semestriel,semestrielle",
    ),
    (
        "year",
        1,
        "year,years,yearly,annual,annually,an,ans,annee,annees,annuel,annuelle,annuellement",
    ),
):
    for _w in _words(_text):
        _INTERVAL_WORDS[_w] = (_unit, _mult)
_INTERVAL_FILLERS = _words("every,each,per,a,tous,toutes,les,chaque,par,billed,facture")
_NUMBER_WORDS = {
    **dict.fromkeys(("un", "une", "one"), 1), **dict.fromkeys(("deux", "two"), 2),
    **dict.fromkeys(("trois", "three"), 3), **dict.fromkeys(("quatre", "four"), 4),
    **dict.fromkeys(("six",), 6), **dict.fromkeys(("douze", "twelve"), 12),
}  # fmt: skip
_ISO_DURATION = re.compile(r"^p(\d+)([dwmy])$")
_ISO_UNITS = {"d": "day", "w": "week", "m": "month", "y": "year"}
# One interval of each unit, in months.
MONTHS_PER_UNIT = {"month": 1.0, "year": 12.0, "week": 12.0 / 52.0, "day": 12.0 / 365.0}

_FLAG_TRUE = _words("1,1.0,true,vrai,yes,oui,y,o,x,t")
_FLAG_FALSE = _words("0,0.0,false,faux,no,non,n,f")
_PLACEHOLDERS = frozenset({"", "-", "–", "n/a", "na", "none", "null", "nan", "nat"})  # lower case
_CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "CHF": "CHF"}


def parse_interval(value: object) -> tuple[str, int] | None:
    """A billing interval written in words, as ``(unit, count)``; ``None`` when not understood.

    ``unit`` is ``day``, ``week``, ``month`` or ``year``. French and English words, with or
    without a count: ``month``, ``Mensuel``, ``every 3 months``, ``tous les 3 mois``,
    ``Trimestriel`` (``("month", 3)``), ``tous les deux ans``, ``1 Year``, ``P1Y``.
    ``custom`` gives ``None``.
    """
    text = fold(value)
    iso = _ISO_DURATION.match(text.replace(" ", ""))
    if iso:
        count = int(iso.group(1))
        return (_ISO_UNITS[iso.group(2)], count) if count > 0 else None
    words = [w for w in text.split() if w not in _INTERVAL_FILLERS or w in _INTERVAL_WORDS]
    count = 1
    if words and (words[0].isdigit() or words[0] in _NUMBER_WORDS):
        first = words.pop(0)
        count = int(first) if first.isdigit() else _NUMBER_WORDS[first]
    phrase = " ".join(words)
    if count <= 0 or phrase not in _INTERVAL_WORDS:
        return None
    unit, mult = _INTERVAL_WORDS[phrase]
    return unit, count * mult


def has_count(value: object) -> bool:
    """Whether an interval text carries its own count ("every 3 months", "deux ans")."""
    words = fold(value).split()
    return bool(re.search(r"\d", fold(value))) or any(w in _NUMBER_WORDS for w in words)


# ---------------------------------------------------------------------------------------------
# Reading the columns

Problems = list[tuple[str, str]]  # (French, English) sentences, reported together


def read_dates(series: pd.Series, col: str, problems: Problems) -> np.ndarray:
    """int64 nanoseconds (``NAT`` when empty), wall time as written (time zones dropped).

    Text is read as ISO dates, else as dd/mm/yyyy; anything else is a problem to report.
    """
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    if not pd.api.types.is_datetime64_any_dtype(series):
        text = series.astype("string").str.strip()
        text = text.where(~text.str.lower().isin(_PLACEHOLDERS))
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
        for fmt in ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"):
            bad = parsed.isna() & text.notna()
            if bad.any():
                parsed = parsed.fillna(pd.to_datetime(text.where(bad), errors="coerce", format=fmt))
        bad = parsed.isna() & text.notna()
        if bad.any():
            examples = ", ".join(f"« {v} »" for v in text[bad].unique()[:3])
            problems.append((
                f"la colonne « {col} » ne contient pas que des dates ({examples})",
                f"column '{col}' does not hold dates only ({examples})",
            ))  # fmt: skip
        series = parsed
    return series.to_numpy(dtype="datetime64[ns]").view(np.int64).copy()


def read_numbers(series: pd.Series, col: str, problems: Problems) -> np.ndarray:
    """float64, NaN when empty; text such as ``1 234,50 €`` is read as a number."""
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        text = series.astype("string").str.replace(r"[\s\u00a0\u202f€$£]", "", regex=True)
        text = text.str.replace(",", ".", regex=False).replace("", pd.NA)
        parsed = pd.to_numeric(text, errors="coerce")
        bad = parsed.isna() & text.notna()
        if bad.any():
            examples = ", ".join(f"« {v} »" for v in series[bad].astype(str).unique()[:3])
            problems.append((
                f"la colonne « {col} » ne contient pas que des nombres ({examples})",
                f"column '{col}' does not hold numbers only ({examples})",
            ))  # fmt: skip
        series = parsed
    return series.to_numpy(dtype="float64", na_value=np.nan)


def read_flags(series: pd.Series, col: str, problems: Problems) -> np.ndarray:
    """bool; empty is false."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    folded = [fold(u) for u in uniques]
    bad = [
        str(u) for u, f in zip(uniques, folded, strict=True) if f not in _FLAG_TRUE | _FLAG_FALSE
    ]
    if bad:
        problems.append((
            f"la colonne « {col} » doit valoir oui ou non ({', '.join(bad[:3])})",
            f"column '{col}' must hold yes/no values ({', '.join(bad[:3])})",
        ))  # fmt: skip
    return np.array([f in _FLAG_TRUE for f in folded] + [False])[codes]


def status_codes(
    series: pd.Series, overrides: Mapping[str, str] | None
) -> tuple[np.ndarray, list[str]]:
    """Each row's status class as an index in ``CLASSES`` (active when empty) and the values
    read as active because the vocabulary does not know them."""
    extra = {fold(k): v for k, v in (overrides or {}).items()}
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    classes, unknown = [], []
    for value in uniques:
        folded = fold(value)
        cls = extra.get(folded) or next((c for c, w in STATUS_CLASSES.items() if folded in w), None)
        if cls is None and folded:
            unknown.append(str(value))
        classes.append(CLASSES.index(cls) if cls in CLASSES else 0)
    return np.array([*classes, 0], dtype=np.int8)[codes], unknown


def currency_code(value: object) -> str:
    text = str(value).strip()
    return _CURRENCY_SYMBOLS.get(text, text.upper())


def customer_codes(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (−1 when empty) and the sorted distinct customer ids, text stripped."""
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        if (whole == whole.round()).all():
            series = series.astype("Int64")
    elif not pd.api.types.is_numeric_dtype(series):
        series = series.astype("string").str.strip().replace("", pd.NA)
    codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    return codes, pd.Index(uniques)
