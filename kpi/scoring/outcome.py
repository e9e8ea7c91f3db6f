"""The outcome column: which column says a lead converted, and what its values mean (yes/no,
won/lost, or an open pipeline stage)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpi.errors import PiloteError
from kpi.scoring.values import MISSING_TOKENS, _norm, _quote, _require_columns, _words

# fmt: off
_POSITIVE = frozenset(
    {
        "1", "1.0", "yes", "y", "oui", "o", "true", "vrai", "t", "won", "win", "gagne",
        "gagnee", "converted", "converti", "convertie", "closed won", "won closed", "signed",
        "signe", "signee", "success", "succes", "reussi", "reussie",
        # CRM lead statuses (Salesforce, HubSpot) in generic files
        "closed converted", "ferme converti", "customer", "client",
    }
)
_NEGATIVE = frozenset(
    {
        "0", "0.0", "no", "n", "non", "false", "faux", "f", "lost", "loss", "lose", "perdu",
        "perdue", "not converted", "non converti", "non convertie", "closed lost",
        "lost closed", "failure", "echec", "echoue", "rejected", "rejete", "refuse",
        "abandoned", "abandonne",
        "closed not converted", "ferme non converti", "unqualified", "non qualifie",
        "not qualified", "junk lead", "lost lead",
    }
)
# Pipeline stages that mean "no outcome yet": such rows are open leads, not errors.
_OPEN = frozenset(
    {
        "open", "ouvert", "ouverte", "en cours", "in progress", "pending", "en attente",
        "engaging", "prospecting", "prospection", "new", "nouveau", "nouvelle", "negotiation",
        "negociation", "proposal", "proposition", "contacted", "contacte", "working",
        "nurturing", "qualification",
        # CRM lead statuses meaning "outcome not known yet" (Salesforce, HubSpot, FR and EN)
        "open not contacted", "working contacted", "ouvert non contacte", "en cours contacte",
        "attempted to contact", "tentative de contact", "connected", "connecte", "open deal",
        "transaction ouverte", "bad timing", "mauvais timing", "not contacted",
        "non contacte", "contact in future", "pre qualified", "pre qualifie",
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
# fmt: on


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
