"""Subscription exports (Stripe, Chargebee, Baremetrics): what a recognised one says and how its
amounts are read.

Two readings live in the records (:class:`~kpi.data.sources._records.Profile`):
``minor_units`` (amounts written in cents, as Stripe's API and Sigma tables and Baremetrics'
import template write them: divided by 100 here, zero-decimal currencies excepted) and
``current_state`` (an export of each subscription as it is today: a price or quantity changed
since is not in the file, so its whole life is valued at today's price — said to the user).
The figures themselves are :mod:`kpi.metrics.subscriptions`'.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.sources._records import Profile, _cols, fold

# Currencies without a minor unit (Stripe's list): their amounts are not divided by 100.
ZERO_DECIMAL = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".lower().split()
)
_DERIVED = {"unit_price": ("Prix unitaire (Pilote)", "Unit price (Pilote)")}


def subscription_sentences(p: Profile, columns: Mapping[str, str]) -> list[i18n.Message]:
    """What reading a recognised subscriptions export implies, one sentence each."""
    out = []
    cents = [columns[f] for f in p.minor_units if f in columns]
    if cents:
        out.append(i18n.Message("sources.sem.minor_units", {"columns": _cols(cents)}))
    if p.current_state:
        out.append(i18n.Message("sources.sem.current_state", {"tool": p.tool_name}))
    return out


def minor_units(
    df: pd.DataFrame,
    p: Profile,
    lang: str,
    columns: Mapping[str, str],
    mapping: dict[str, str],
    notes: list[i18n.Message],
) -> None:
    """Amounts in cents divided by 100 into a derived column (``Unit price (Pilote)``), the
    mapping pointed at it, and a note with the count (``df`` is the caller's copy)."""
    currency = mapping.get("currency")
    for name in p.minor_units:
        field = next(f for f in p.fields if f.name == name)
        if name not in columns or field.role is None or mapping.get(field.role) != columns[name]:
            continue
        values = pd.to_numeric(df[columns[name]], errors="coerce").to_numpy(dtype=float)
        whole = np.ones(len(df), dtype=bool)
        if currency is not None:
            codes, uniques = pd.factorize(df[currency])
            lut = np.array([fold(u) not in ZERO_DECIMAL for u in uniques] + [True])
            whole = lut[np.where(codes >= 0, codes, len(uniques))]
        fr, en = _DERIVED.get(field.role, (f"{columns[name]} (Pilote)",) * 2)
        derived = en if lang == "en" else fr
        while derived in df.columns:
            derived += " "
        df[derived] = np.where(whole, values / 100, values)
        mapping[field.role] = derived
        notes.append(
            i18n.Message(
                "sources.note.minor_units",
                {"column": columns[name], "rows": int((whole & ~np.isnan(values)).sum())},
            )
        )


i18n.add_messages(
    {
        "sources.sem.minor_units": {
            "fr": "montants en centimes ({columns}) divisés par 100 (sauf devises sans centimes, comme le JPY)",
            "en": "amounts in cents ({columns}) divided by 100 (except currencies without cents, such as JPY)",
        },
        "sources.sem.current_state": {
            "fr": "l'export {tool} donne chaque abonnement tel qu'il est aujourd'hui : un prix ou un nombre de postes changé depuis son début n'y figure pas, toute sa durée est valorisée au prix actuel",
            "en": "the {tool} export gives each subscription as it is today: a price or seat count changed since it started is not in it, so its whole life is valued at today's price",
        },
        "sources.note.minor_units": {
            "fr": "{rows} montant(s) de « {column} » lus en centimes et divisés par 100.",
            "en": "{rows} amount(s) in “{column}” read as cents and divided by 100.",
        },
    }
)
