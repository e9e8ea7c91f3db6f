"""Semantics: a recognised tool's rules applied to its typed table."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi import i18n
from kpi.data.sources._recognise import SourceMatch
from kpi.data.sources._records import (
    Amount,
    LineItems,
    Profile,
    When,
    _chosen_amount,
    _cols,
    fold,
)
from kpi.data.sources._subscriptions import minor_units

# ---------------------------------------------------------------------------------------------
# Semantics
# ---------------------------------------------------------------------------------------------

# Derived columns, named in the language of the file's headers.
_DERIVED: dict[str, tuple[str, str]] = {
    "won": ("Gagnée (Pilote)", "Won (Pilote)"),
    "converted": ("Convertie (Pilote)", "Converted (Pilote)"),
    "close_date": ("Date de clôture (Pilote)", "Close date (Pilote)"),
    "amount": ("Montant net (Pilote)", "Net amount (Pilote)"),
    "counted": ("Comptée (Pilote)", "Counted (Pilote)"),
}
_FLAG_TRUE = frozenset({"1", "1 0", "true", "vrai", "yes", "oui", "y", "o", "x", "checked"})
_FLAG_FALSE = frozenset({"0", "0 0", "false", "faux", "no", "non", "n"})


def _folded_codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes (-1 for empty) and the folded unique values."""
    codes, uniques = pd.factorize(series)
    return codes, [fold(u) for u in uniques]


def _filled(series: pd.Series) -> np.ndarray:
    """Whether each cell holds something (not empty, not only spaces)."""
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        return series.notna().to_numpy().copy()
    values = getattr(series.array, "_pa_array", None)
    if values is not None and (
        pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
    ):
        # Arrow text (the loader's): three vectorised passes, no Python strings (5× faster).
        blank = pc.or_(pc.equal(pc.utf8_length(values), 0), pc.utf8_is_space(values))
        return pc.fill_null(pc.invert(blank), False).to_numpy(zero_copy_only=False).copy()
    filled = series.notna().to_numpy().copy()
    filled &= series.astype("string").str.strip().fillna("").ne("").to_numpy()
    return filled


def _numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _flags(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(true, false) boolean arrays of a yes/no column; unknown values are neither."""
    if pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=object)
        true = np.array([v is True or v is np.True_ for v in values], dtype=bool)
        false = np.array([v is False or v is np.False_ for v in values], dtype=bool)
        return true, false
    if pd.api.types.is_numeric_dtype(series):
        num = _numbers(series)
        return (num != 0) & ~np.isnan(num), num == 0
    codes, folded = _folded_codes(series)
    t = np.array([v in _FLAG_TRUE for v in folded] + [False])
    f = np.array([v in _FLAG_FALSE for v in folded] + [False])
    idx = np.where(codes >= 0, codes, len(folded))
    return t[idx], f[idx]


def _when_mask(
    df: pd.DataFrame,
    columns: Mapping[str, str],
    when: When,
    cache: dict[str, tuple[np.ndarray, list[str], Any]] | None = None,
) -> np.ndarray:
    s = df[columns[when.field]]
    if when.test == "in":
        vocab = {fold(v) for v in when.values}
        cache = {} if cache is None else cache
        if when.field not in cache:
            codes, uniques = pd.factorize(s)
            cache[when.field] = (codes, [fold(u) for u in uniques], uniques)
        codes, folded, _uniques = cache[when.field]
        lut = np.array([v in vocab for v in folded] + [False])
        return lut[np.where(codes >= 0, codes, len(folded))]
    if when.test in ("filled", "empty"):
        filled = _filled(s)
        return filled if when.test == "filled" else ~filled
    if when.test in ("true", "false"):
        true, false = _flags(s)
        return true if when.test == "true" else false
    num = _numbers(s)
    if when.test == "zero":
        return num == 0
    if when.test == "positive":
        return num > 0
    raise ValueError(f"unknown test {when.test!r}")


def _outcomes(
    df: pd.DataFrame,
    p: Profile,
    columns: Mapping[str, str],
    cache: dict[str, tuple[np.ndarray, list[str], Any]] | None = None,
) -> np.ndarray:
    """Per row, the outcome of the first matching rule, or the profile's default.

    ``cache`` keeps one factorisation per status field (reused by :func:`_unknown_values`).
    """
    out = np.full(len(df), "", dtype="U11")  # fixed width: vectorised comparisons
    cache = {} if cache is None else cache
    for rule in p.rules:
        if any(w.field not in columns for w in rule.when):
            continue
        mask = np.ones(len(df), dtype=bool)
        for w in rule.when:
            mask &= _when_mask(df, columns, w, cache)
        out[mask & (out == "")] = rule.outcome
    out[out == ""] = p.default
    return out


def _unique_name(df: pd.DataFrame, role: str, lang: str) -> str:
    fr, en = _DERIVED[role]
    base = en if lang == "en" else fr
    name, n = base, 2
    while name in df.columns:
        name, n = f"{base} {n}", n + 1
    return name


def _per_lang(value: float, decimals: int = 2) -> dict[str, i18n.Text]:
    fr, en = (i18n.format_number(value, lang, decimals) for lang in ("fr", "en"))
    return {"amount": i18n.Text(fr, en)}


def apply_source(
    df: pd.DataFrame, match: SourceMatch
) -> tuple[pd.DataFrame, dict[str, str], list[i18n.Message]]:
    """Apply a recognised tool's semantics to its typed table.

    Parameters
    ----------
    df : pandas.DataFrame
        The typed table as loaded (not modified).
    match : SourceMatch
        From :func:`detect_source` on the same table's headers.

    Returns
    -------
    df2 : pandas.DataFrame
        A new table: report footer rows dropped, order-level fields filled down within each
        order (line-item exports), and derived columns named ``… (Pilote)``: the won/lost
        outcome of deals (``won`` role: yes, no, empty for open), the conversion of leads
        (``converted``: empty while the outcome is not known), the close date from the
        won/lost times, the net amount (order amount spread over its lines, partial refunds
        subtracted, a won deal's actual revenue) and whether each order counts (``counted``).
    mapping : dict
        Role → column of ``df2``, the derived columns included.
    notes : list of Message
        What was changed, with counts.
    """
    p, lang, columns = match.profile, match.lang, dict(match.columns)
    df2 = df.copy(deep=False)
    mapping = dict(match.mapping)
    notes: list[i18n.Message] = []
    if p.footer and len(df2):
        df2, dropped = _drop_footer(df2, p.footer)
        if dropped:
            notes.append(i18n.Message("sources.note.footer", {"rows": dropped}))
    fixed = _read_dates(df2, p, columns, mapping)
    if fixed:
        notes.append(i18n.Message("sources.note.dates", {"columns": _cols(fixed)}))
    li = p.line_items
    codes: np.ndarray | None = None
    first_rows: np.ndarray | None = None
    if li is not None and li.order in columns and len(df2):
        df2, codes, first_rows, filled = _fill_down(df2, p, columns)
        if filled:
            notes.append(i18n.Message("sources.note.filled", {"cells": filled}))
    if p.kind in ("deals", "leads"):
        _deal_semantics(df2, p, lang, columns, mapping, notes)
    elif p.kind == "orders":
        _order_semantics(df2, p, lang, columns, mapping, notes, codes, first_rows)
    if p.minor_units:
        minor_units(df2, p, lang, columns, mapping, notes)
    mapping = {r: c for r, c in mapping.items() if c in df2.columns}
    return df2, mapping, notes


def _drop_footer(df: pd.DataFrame, footer: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """Drop the report footer: from the first of the last rows whose only filled cell starts
    with a footer text (``Copyright (c)…``) to the end, when every row there has at most one
    filled cell (the company name follows "Generated By")."""
    tail = df.tail(12)
    cells = [[v for v in row if not _is_blank(v)] for row in tail.itertuples(index=False)]
    start = None
    for i, filled in enumerate(cells):
        if len(filled) == 1 and isinstance(filled[0], str):
            if any(fold(filled[0]).startswith(f) for f in footer):
                start = i
                break
    if start is None or any(len(filled) > 1 for filled in cells[start:]):
        return df, 0
    while start > 0 and not cells[start - 1]:
        start -= 1
    drop = tail.index[start:]
    return df.drop(index=drop), len(drop)


_DATE_ROLES = frozenset({"date", "created_date", "close_date"})
_TZ_SUFFIX = r"\s*(?:[+-]\d{2}:?\d{2}|UTC|GMT|Z)$"


def _read_dates(
    df: pd.DataFrame, p: Profile, columns: Mapping[str, str], mapping: Mapping[str, str]
) -> list[str]:
    """Date fields the loader left as text because of a time-zone suffix (Shopify's
    ``2024-03-01 10:00:00 +0100``): read as the wall-clock time written, offset dropped."""
    names = {f.name for f in p.fields if f.role in _DATE_ROLES}
    names |= {f for _o, fields in p.close for f in fields}
    fixed = []
    for name in sorted(names & columns.keys()):
        col = columns[name]
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_numeric_dtype(s):
            continue
        text = s.astype("string").str.strip().str.replace(_TZ_SUFFIX, "", regex=True)
        dates = pd.to_datetime(text, format="ISO8601", errors="coerce")
        filled = int(text.fillna("").ne("").sum())
        if filled and dates.notna().sum() >= 0.9 * filled:
            df[col] = dates
            fixed.append(col)
    return fixed


def _is_blank(v: Any) -> bool:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return True
    return isinstance(v, str) and not v.strip()


def _fill_down(
    df: pd.DataFrame, p: Profile, columns: Mapping[str, str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, int]:
    """Copy each order-level cell left empty from the order's first line.

    Returns the table, the order code of each row (-1 without an order), the first row of
    each order (by code) and the number of cells filled. Taking the first line (rather than the previous one) stays right when an
    order's lines are not contiguous.
    """
    li = p.line_items
    assert li is not None
    codes = pd.factorize(df[columns[li.order]])[0]
    valid = codes >= 0
    # factorize numbers orders in order of first appearance: their first rows, in that order
    _uniq, first_rows = np.unique(codes[valid], return_index=True)
    first_rows = np.flatnonzero(valid)[first_rows]
    source = np.where(valid, first_rows[np.maximum(codes, 0)], np.arange(len(df)))
    targets = [
        columns[f.name]
        for f in p.fields
        if f.name in columns and f.name not in li.line_fields and f.name != li.order
    ]
    filled_cells = 0
    for c in targets:
        s = df[c]
        filled = _filled(s)
        take = ~filled & filled[source]  # empty here, filled on the order's first line
        n = int(take.sum())
        if n:
            filled_cells += n
            rows = np.where(take, source, np.arange(len(df)))
            df[c] = pd.Series(s.take(rows).array, index=s.index, name=s.name)
    return df, codes, first_rows, filled_cells


def _filled_is_native(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series)


def _deal_semantics(
    df: pd.DataFrame,
    p: Profile,
    lang: str,
    columns: Mapping[str, str],
    mapping: dict[str, str],
    notes: list[i18n.Message],
) -> None:
    cache: dict[str, Any] = {}
    outcome = _outcomes(df, p, columns, cache)
    won, lost = outcome == "won", outcome == "lost"
    n_open = int(len(df) - won.sum() - lost.sum())
    unknown = _unknown_values(df, p, columns, outcome, cache)
    role = "won" if p.kind == "deals" else "converted"
    flag = pd.array(np.where(won, True, False), dtype="boolean")
    flag[~(won | lost)] = pd.NA
    name = _unique_name(df, role, lang)
    applicable = any(all(w.field in columns for w in r.when) for r in p.rules)
    if applicable or (p.kind == "leads" and not p.rules):
        df[name] = pd.Series(flag, index=df.index)
        mapping[role] = name
        mapping.pop("status", None)
    key = "sources.note.outcomes" if p.kind == "deals" else "sources.note.lead_outcomes"
    if p.rules and not applicable:
        notes.append(i18n.Message("sources.note.no_outcome", {}))
    else:
        notes.append(
            i18n.Message(key, {"won": int(won.sum()), "lost": int(lost.sum()), "open": n_open})
        )
    if unknown:
        notes.append(
            i18n.Message(
                "sources.note.unknown_values",
                {"rows": sum(unknown.values()), "values": ", ".join(list(unknown)[:5])},
            )
        )
    close = _close_dates(df, p, columns, outcome)
    if close is not None:
        name = _unique_name(df, "close_date", lang)
        df[name] = close
        mapping["close_date"] = name
        notes.append(i18n.Message("sources.note.close_dates", {"rows": int(close.notna().sum())}))
    money = p.money
    if money and money.won_amount in columns and "amount" in mapping:
        actual = _numbers(df[columns[money.won_amount]])
        use = won & ~np.isnan(actual)
        if use.any():
            base = _numbers(df[mapping["amount"]])
            name = _unique_name(df, "amount", lang)
            df[name] = np.where(use, actual, base)
            mapping["amount"] = name
            notes.append(i18n.Message("sources.note.won_amount", {"rows": int(use.sum())}))


def _unknown_values(
    df: pd.DataFrame,
    p: Profile,
    columns: Mapping[str, str],
    outcome: np.ndarray,
    cache: dict[str, Any] | None = None,
) -> dict[str, int]:
    """Filled values of a closed vocabulary that no rule knows (rows left at the default).

    Only fields with an explicit ``open`` or ``counted`` rule have a closed vocabulary: a stage
    that is neither won nor lost is open by definition and is not reported.
    """
    out: dict[str, int] = {}
    fields = {
        w.field
        for r in p.rules
        if r.outcome in ("open", "counted")
        for w in r.when
        if w.test == "in" and w.field in columns
    }
    if not fields:
        return out
    vocab = {fold(v) for r in p.rules for w in r.when if w.test == "in" for v in w.values}
    default = outcome == p.default
    for name in sorted(fields):
        # Through the column's distinct values: no string is copied per row.
        if cache is not None and name in cache:
            codes, _folded, uniques = cache[name]
        else:
            codes, uniques = pd.factorize(df[columns[name]])
        counts = np.bincount(codes[default & (codes >= 0)], minlength=len(uniques))
        for value, n in zip(uniques, counts, strict=True):
            text = str(value)
            if n and text.strip() and fold(text) not in vocab:
                out[text] = out.get(text, 0) + int(n)
    return out


def _close_dates(
    df: pd.DataFrame, p: Profile, columns: Mapping[str, str], outcome: np.ndarray
) -> pd.Series | None:
    if not p.close:
        return None
    out = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    found = False
    for result, fields in p.close:
        rows = outcome == result
        for f in fields:
            if f not in columns:
                continue
            found = True
            dates = pd.to_datetime(df[columns[f]], errors="coerce")
            if isinstance(dates.dtype, pd.DatetimeTZDtype):
                dates = dates.dt.tz_localize(None)
            take = rows & out.isna().to_numpy() & dates.notna().to_numpy()
            out[take] = dates[take].astype("datetime64[ns]")
    return out if found else None


def _order_semantics(
    df: pd.DataFrame,
    p: Profile,
    lang: str,
    columns: Mapping[str, str],
    mapping: dict[str, str],
    notes: list[i18n.Message],
    codes: np.ndarray | None,
    first_rows: np.ndarray | None,
) -> None:
    cache: dict[str, Any] = {}
    outcome = _outcomes(df, p, columns, cache)
    counted = outcome != "not_counted"
    partial = outcome == "partial"
    name = _unique_name(df, "counted", lang)
    df[name] = counted
    mapping["counted"] = name
    order_col = mapping.get("order_id")
    if codes is not None:
        n_orders = int(np.unique(codes[~counted & (codes >= 0)]).size)
    elif order_col is not None:
        ids = df[order_col]
        n_orders = int(ids[~counted].nunique())
    else:
        n_orders = int((~counted).sum())
    if n_orders:
        notes.append(
            i18n.Message(
                "sources.note.not_counted", {"orders": n_orders, "rows": int((~counted).sum())}
            )
        )
    unknown = _unknown_values(df, p, columns, outcome, cache)
    if unknown:
        notes.append(
            i18n.Message(
                "sources.note.unknown_statuses",
                {"rows": sum(unknown.values()), "values": ", ".join(list(unknown)[:5])},
            )
        )
    amount = _chosen_amount(p, columns)
    li = p.line_items
    refunded = None
    if amount is not None and amount.refunded in columns:
        refunded = np.nan_to_num(_numbers(df[columns[amount.refunded]]), nan=0.0)
    if li is not None and codes is not None and first_rows is not None:
        net, refund_total, n_refunds = _line_amounts(
            df, li, columns, amount, codes, first_rows, partial, refunded
        )
        name = _unique_name(df, "amount", lang)
        df[name] = net
        mapping["amount"] = name
    elif amount is not None and refunded is not None and partial.any():
        base = _numbers(df[columns[amount.field]])
        cut = np.where(partial, np.minimum(refunded, np.nan_to_num(base, nan=0.0)), 0.0)
        refund_total, n_refunds = float(cut.sum()), int((partial & (cut > 0)).sum())
        name = _unique_name(df, "amount", lang)
        df[name] = base - cut
        mapping["amount"] = name
    else:
        refund_total, n_refunds = 0.0, 0
    if n_refunds:
        notes.append(
            i18n.Message("sources.note.refunds", {"orders": n_refunds, **_per_lang(refund_total)})
        )


def _line_amounts(
    df: pd.DataFrame,
    li: LineItems,
    columns: Mapping[str, str],
    amount: Amount | None,
    codes: np.ndarray,
    first_rows: np.ndarray,
    partial: np.ndarray,
    refunded: np.ndarray | None,
) -> tuple[np.ndarray, float, int]:
    """Each line's share of its order's amount (refunds of partial orders subtracted)."""
    n = len(df)
    valid = codes >= 0
    k = int(codes.max()) + 1 if valid.any() else 0
    safe = np.where(valid, codes, k)  # rows without an order: their own slot
    line = np.zeros(n)
    if li.price in columns and li.quantity in columns:
        line = np.nan_to_num(_numbers(df[columns[li.price]]) * _numbers(df[columns[li.quantity]]))
    # first line of each order (stable: the lowest row position)
    first_pos = np.full(k + 1, n, dtype=np.int64)
    first_pos[:k] = first_rows
    if li.revenue == "subtotal" and amount is not None:
        base = _numbers(df[columns[amount.field]])
        order_amount = np.zeros(k + 1)
        has = first_pos[:k] < n
        order_amount[:k][has] = np.nan_to_num(base[first_pos[:k][has]])
    else:
        order_amount = np.bincount(safe, weights=line, minlength=k + 1)
    refund_total, n_refunds = 0.0, 0
    if refunded is not None:
        is_partial = np.zeros(k + 1, dtype=bool)
        is_partial[safe[partial & valid]] = True
        order_refund = np.zeros(k + 1)
        has = first_pos[:k] < n
        order_refund[:k][has] = refunded[first_pos[:k][has]]
        cut = np.where(is_partial, np.minimum(order_refund, np.maximum(order_amount, 0)), 0.0)
        cut[k] = 0.0
        order_amount = order_amount - cut
        refund_total, n_refunds = float(cut.sum()), int((cut > 0).sum())
    line_sum = np.bincount(safe, weights=line, minlength=k + 1)
    share = np.divide(line, line_sum[safe], out=np.zeros(n), where=line_sum[safe] != 0)
    rows = np.arange(n)
    no_weights = line_sum[safe] == 0
    share[no_weights] = (rows == first_pos[safe])[no_weights].astype(float)
    net = order_amount[safe] * share
    if not valid.all() and amount is not None:
        base = _numbers(df[columns[amount.field]])
        net[~valid] = np.where(np.isnan(base[~valid]), line[~valid], base[~valid])
    return net, refund_total, n_refunds


i18n.add_messages(
    {
        "sources.note.footer": {
            "fr": "{rows} ligne(s) de pied de rapport retirée(s)",
            "en": "{rows} report footer row(s) removed",
        },
        "sources.note.filled": {
            "fr": "{cells} cellule(s) de commande recopiée(s) depuis la première ligne",
            "en": "{cells} order cell(s) filled down from the first line",
        },
        "sources.note.outcomes": {
            "fr": "{won} affaire(s) gagnée(s), {lost} perdue(s), {open} ouverte(s)",
            "en": "{won} deal(s) won, {lost} lost, {open} open",
        },
        "sources.note.lead_outcomes": {
            "fr": "{won} lead(s) converti(s), {lost} perdu(s), {open} encore ouvert(s) : issue inconnue",
            "en": "{won} lead(s) converted, {lost} lost, {open} still open: outcome unknown",
        },
        "sources.note.no_outcome": {
            "fr": "pas de colonne de statut : victoire/perte lues de façon générique",
            "en": "no status column: won/lost read generically",
        },
        "sources.note.unknown_values": {
            "fr": "{rows} ligne(s) au statut non reconnu ({values}) : traitées comme ouvertes",
            "en": "{rows} row(s) with an unrecognised status ({values}): treated as open",
        },
        "sources.note.unknown_statuses": {
            "fr": "{rows} ligne(s) au statut non reconnu ({values}) : comptées",
            "en": "{rows} row(s) with an unrecognised status ({values}): counted",
        },
        "sources.note.dates": {
            "fr": "dates lues sans leur fuseau horaire dans {columns}",
            "en": "dates read without their time-zone offset in {columns}",
        },
        "sources.note.close_dates": {
            "fr": "{rows} date(s) de clôture prises des dates de gain/perte",
            "en": "{rows} close date(s) taken from the won/lost dates",
        },
        "sources.note.won_amount": {
            "fr": "{rows} affaire(s) gagnée(s) au montant réel",
            "en": "{rows} won deal(s) at their actual amount",
        },
        "sources.note.not_counted": {
            "fr": "{orders} commande(s) non comptée(s) ({rows} ligne(s))",
            "en": "{orders} order(s) not counted ({rows} row(s))",
        },
        "sources.note.refunds": {
            "fr": "{orders} remboursement(s) partiel(s) déduit(s) : {amount}",
            "en": "{orders} partial refund(s) subtracted: {amount}",
        },
    }
)
