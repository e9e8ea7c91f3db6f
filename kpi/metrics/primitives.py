"""Public primitives on one table, for pages and explore functions that need rows rather than a
KPI: each row's amount, whether it counts, a deal's outcome, the pipeline's stage order, the
rows a filter keeps, a filter widget's values.

They read the same prepared arrays as the engine (:mod:`kpi.metrics.prepared`), so that a row
counted here is counted there.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.dataset import Table
from kpi.data.sources import currency_summary
from kpi.errors import PiloteError
from kpi.metrics.prepared import (
    FILTER_ROLES,
    PreparedTable,
    check_filters,
    counted,
    filter_keep,
    mapped_column,
    outcomes,
    prepared,
    status_key,
    to_float,
)
from kpi.metrics.vocabularies import NOT_COUNTED, STAGE_RANKS, outcome_of_stage, status_class
from kpi.text import words

__all__ = [
    "ID_ROLES",
    "apply_filters",
    "counted_rows",
    "dataset_currency",
    "deal_outcomes",
    "dimension_role",
    "filter_mask",
    "filter_options",
    "line_amount",
    "stage_date_columns",
    "stage_order",
    "status_summary",
]

#: Identifier roles: never offered as a filter (a million order ids make no filter).
ID_ROLES: frozenset[str] = frozenset(
    {"order_id", "customer_id", "lead_id", "opportunity_id", "subscription_id"}
)


def line_amount(table: Table) -> pd.Series:
    """Each row's amount: the ``amount`` column; without it, ``quantity × unit_price``.

    When both exist the amount wins; a row whose amount is empty falls back to its
    quantity × unit price. Negative amounts (credit notes, returns) are kept. Returns a float
    Series aligned with ``table.df`` (NaN where nothing is known); the table is not modified.
    """
    df = table.df
    amount_col, qty_col, price_col = (
        mapped_column(table, r) for r in ("amount", "quantity", "unit_price")
    )
    product = None
    if qty_col and price_col:
        product = pd.Series(to_float(df[qty_col]) * to_float(df[price_col]), index=df.index)
    if amount_col:
        amount = pd.Series(to_float(df[amount_col]), index=df.index)
        return amount if product is None else amount.fillna(product)
    if product is not None:
        return product
    return pd.Series(np.nan, index=df.index)


def counted_rows(table: Table, statuses: Collection[str] | None = None) -> pd.Series:
    """Whether each row counts (boolean Series aligned with ``table.df``).

    Parameters
    ----------
    table : Table
    statuses : collection of str or None
        The status values that count, as edited by the user; ``None`` for the default: the
        ``counted`` column when one is mapped (a recognised export's own verdict: refunded,
        voided, failed, quotations, unpaid… do not count), else every status except those
        meaning cancelled, refunded, returned, lost or failed (see :func:`status_class`).
        Rows with an empty status, or with no status column, always count. A user's edit of
        the statuses wins over the ``counted`` column.
    """
    prep = PreparedTable(table)  # original row order
    return pd.Series(counted(prep, status_key(statuses)), index=table.df.index)


def status_summary(table: Table, statuses: Collection[str] | None = None) -> pd.DataFrame:
    """The status values of ``table`` for the "statuses that count" editor.

    Returns
    -------
    pandas.DataFrame
        Columns ``status``, ``rows``, ``meaning`` (:func:`status_class` or None), ``counted``
        (by default, or per ``statuses`` when given), most frequent first. Empty when the
        table has no status column.
    """
    cols = ["status", "rows", "meaning", "counted"]
    col = mapped_column(table, "status")
    if col is None:
        return pd.DataFrame(columns=cols)
    counts = table.df[col].value_counts(dropna=True)
    key = status_key(statuses)
    by_flag: dict[str, bool] = {}
    flag_col = mapped_column(table, "counted")
    if key is None and flag_col is not None:
        # Default from the counted column: a status counts when most of its rows do.
        flags = counted_rows(table).astype(float)
        by_flag = (flags.groupby(table.df[col].astype(str)).mean() >= 0.5).to_dict()
    rows = []
    for value, n in counts.items():
        meaning = status_class(value)
        if key is not None:
            counted = str(value).strip() in key
        elif by_flag:
            counted = bool(by_flag.get(str(value), True))
        else:
            counted = meaning not in NOT_COUNTED
        rows.append((str(value), int(n), meaning, counted))
    out = pd.DataFrame(rows, columns=cols)
    out["meaning"] = pd.Series([r[2] for r in rows], dtype=object)
    return out


def deal_outcomes(table: Table) -> pd.Series:
    """``won``, ``lost`` or ``open`` for each deal (Series aligned with ``table.df``).

    The stage decides when it means won (``Closed Won``, ``Gagné``, ``Won``, ``Signé``…) or
    lost (``Closed Lost``, ``Perdu``, ``Lost``…). Otherwise a ``won`` flag set to yes means won,
    and set to no means lost when the deal has a close date (or when the table has neither a
    stage nor a close-date column) — or whatever its dates when the flag is the one a
    recognised tool's status wrote (Pipedrive's ``lost``). Everything else is open.
    """
    arr = outcomes(PreparedTable(table))
    labels = np.array(["open", "won", "lost"], dtype=object)
    return pd.Series(labels[arr], index=table.df.index, dtype="str")


def stage_order(table: Table, order: Sequence[str] | None = None) -> list[str]:
    """The open (not won/lost) stages of a deals table, in pipeline order.

    ``order`` (given by the user) wins. Otherwise: by a leading number when every stage has one
    (``1 - Prospect``, ``02. Qualif``); else by a known FR/EN vocabulary when every stage is
    known (Prospecting < Qualification < Proposal < Negotiation…); else in order of first
    appearance in the data.
    """
    col = mapped_column(table, "stage")
    if col is None:
        return []
    seen = pd.unique(table.df[col].dropna())
    stages = [s for s in seen if str(s).strip() and outcome_of_stage(s) == 0]
    if order:
        given = [s for s in order if s in stages]
        return given + [s for s in stages if s not in given]
    numbers = [re.match(r"^\s*(\d+)", str(s)) for s in stages]
    if stages and all(numbers):
        return [
            s
            for _, s in sorted(
                zip([int(m.group(1)) for m in numbers], stages, strict=True), key=lambda x: x[0]
            )
        ]
    ranks = [STAGE_RANKS.get(words(s)) for s in stages]
    if stages and all(r is not None for r in ranks):
        return [s for _, _, s in sorted(zip(ranks, range(len(stages)), stages, strict=True))]
    return [str(s) for s in stages]


# Words of a header that do not name a stage ("Date de qualification", "Date entered
# 'Appointment scheduled (Sales pipeline)'", "engage_date").
_STAGE_DATE_NOISE = frozenset(
    words(w)
    for w in ("date", "de", "du", "des", "d", "l", "le", "la", "the", "of", "on", "at", "in",
              "a", "en", "dans", "stage", "étape", "entered", "entrée", "reached", "time")
)  # fmt: skip


def _stems(text: Any) -> set[str]:
    """The words of ``text`` that may name a stage, cut to 4 letters (``engage`` and
    ``Engaging``, ``qualified`` and ``Qualification`` meet)."""
    return {w[:4] for w in words(text).split() if len(w) >= 3 and not w.isdigit()} - {
        w[:4] for w in _STAGE_DATE_NOISE
    }


def stage_date_columns(table: Table, order: Sequence[str]) -> dict[str, str]:
    """The date column that says when a deal reached each open stage of ``order``, where the
    table has one: a date column whose header names the stage (``engage_date`` for
    ``Engaging``, ``Date de qualification`` for ``Qualification``, HubSpot's ``Date entered
    "Appointment scheduled (Sales pipeline)"``). Columns mapped to another role than the
    creation date (the close date, an expected close date) are not stage dates; each column
    serves one stage.

    Returns
    -------
    dict
        Stage → column name, in stage order; empty when the table has none.
    """
    roles_of = {c: r for r, c in table.mapping.items()}
    dated = [
        c
        for c in table.df.columns
        if pd.api.types.is_datetime64_any_dtype(table.df[c])
        and roles_of.get(c, "created_date") in ("created_date", "date")
    ]
    out: dict[str, str] = {}
    for stage in order:
        stems = _stems(stage)
        if not stems:
            continue
        for col in dated:
            if col not in out.values() and stems <= _stems(col):
                out[str(stage)] = str(col)
                break
    return out


def filter_mask(table: Table, filters: Mapping[str, Iterable[Any]] | None) -> pd.Series:
    """Rows of ``table`` kept by ``filters`` (``{"region": ["Nord"], ...}``).

    A filter on a role the table does not have leaves the table alone, and so does a status
    filter none of whose values the table holds (statuses are each kind's own words, see
    :data:`~kpi.metrics.prepared.OWN_VOCABULARY_ROLES`); an empty list of values means no
    filter. Values are compared as text, spaces trimmed.

    Raises
    ------
    PiloteError
        For an unknown role id.
    """
    mask = filter_keep(PreparedTable(table), check_filters(filters))
    if mask is None:
        mask = np.ones(len(table.df), dtype=bool)
    return pd.Series(mask, index=table.df.index)


def apply_filters(table: Table, filters: Mapping[str, Iterable[Any]] | None) -> Table:
    """A copy of ``table`` holding only the rows kept by ``filters`` (see :func:`filter_mask`)."""
    return replace(table, df=table.df.loc[filter_mask(table, filters).to_numpy()])


def filter_options(
    tables: Sequence[Table], role: str, limit: int = 500, strict: bool = False
) -> list[str]:
    """The distinct values of ``role`` across ``tables`` (for a filter widget), sorted.

    From the tables' cached factorisation (shared with the engine's filters), so a 1M-row
    column costs one pass, once. With ``strict``, identifiers and roles with more than
    ``limit`` values give no list at all (a million order ids make no filter) instead of the
    first ``limit`` values.
    """
    if strict and role in ID_ROLES:
        return []
    values: set[str] = set()
    for table in tables:
        if mapped_column(table, role) is None:
            continue
        values.update(str(v).strip() for v in prepared(table).codes(role)[1])
        if strict and len(values) > 2 * limit:
            return []
    values.discard("")
    if strict and len(values) > limit:
        return []
    return sorted(values, key=words)[:limit]


def dimension_role(tables: Sequence[Table], name: str) -> str:
    """The role a breakdown ``--by NAME`` means: a role id (``team``), or a column mapped to
    a role in one of the tables (``manager``, joined from a teams table, is the team role).

    Raises
    ------
    PiloteError
        ``compute.unknown_dimension`` with the roles and columns that can be used, or
        ``compute.unmapped_dimension`` for a column that plays no role yet.
    """
    from kpi.data.roles import role_label

    if name in FILTER_ROLES:
        return name
    for table in tables:
        for role, col in table.mapping.items():
            if col == name and role in FILTER_ROLES:
                return role
    if any(name in map(str, t.df.columns) for t in tables):
        raise PiloteError("compute.unmapped_dimension", column=name)
    usable = sorted(
        {f"{r} ({c})" for t in tables for r, c in t.mapping.items() if r in FILTER_ROLES}
    )
    raise PiloteError(
        "compute.unknown_dimension",
        value=name,
        valid=", ".join(usable) or ", ".join(f"{r} ({role_label(r, 'en')})" for r in FILTER_ROLES),
    )


def dataset_currency(tables: Sequence[Table]) -> str | None:
    """The currency the loader found in the first table that states one (one per dataset);
    else the one currency of a table's currency column (a Stripe export's ``eur``)."""
    for table in tables:
        cur = getattr(table.report, "currency", None)
        if cur:
            return str(cur)
    for table in tables:
        if table.has("currency") and table.mapping["currency"] in table.df.columns:
            summary = currency_summary(table.df, table.mapping)
            if summary.main and not summary.several:
                return summary.main
    return None


i18n.add_messages(
    {
        "compute.unknown_dimension": {
            "fr": "« {value} » n'est ni un rôle ni une colonne des fichiers. Dimensions possibles : {valid}.",
            "en": "'{value}' is neither a role nor a column of the files. Usable dimensions: {valid}.",
        },
        "compute.unmapped_dimension": {
            "fr": 'La colonne « {column} » n\'a pas de rôle : donnez-lui-en un, par exemple --map segment="{column}", puis --by "{column}".',
            "en": 'Column \'{column}\' plays no role: give it one, e.g. --map segment="{column}", then --by "{column}".',
        },
    }
)
