"""Lookup tables: find them among the loaded tables and join their attributes onto the facts.

Real CRM exports come as several tables — deals, plus accounts, owners/teams and products. A
*lookup* table has a key column whose values are unique (``sales_teams.csv``: one row per
``sales_agent``) and are found in a column of another table, the *fact* table
(``sales_pipeline.csv``'s ``sales_agent``). :func:`find_lookups` proposes those links with their
coverage (the share of the fact's rows whose key the lookup knows), :func:`join_lookups` adds the
lookup's other columns (manager, regional office, sector, product series…) to the fact table and
suggests a role for each new column, so that they work as filters, breakdowns and leaderboards.

Keys are compared as text with surrounding spaces removed; numbers written as ``17850.0`` and
``17850`` are the same key. Nothing is matched approximately: a key the lookup does not know is
counted and named (``GTXPro`` is not ``GTX Pro``), its joined columns stay empty, and a lookup
whose keys match nothing is reported and not joined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.dataset import Table

__all__ = ["JoinResult", "Linked", "LookupLink", "find_lookups", "join_lookups", "link_tables"]

# A lookup's key column must be filled on at least this share of its rows.
MIN_KEY_FILLED = 0.9
# Without the same header, a link needs this share of the fact column's distinct values known.
MIN_SHARED = 0.5
# Roles a joined attribute may take: dimensions only — a customer's own revenue is not sales.
DIMENSION_ROLES: tuple[str, ...] = (
    "team",
    "region",
    "country",
    "segment",
    "category",
    "channel",
    "source",
    "product",
    "rep",
    "customer_id",
)


def _role_scores(header: str) -> dict[str, float]:
    """How strongly a header says each dimension role (the one place tied to ``kpi.data.roles``;
    re-pointed to ``kpi.data.roles`` by the restructure)."""
    from kpi.data.roles import MIN_SCORE, header_score

    scores = {r: header_score(header, r) for r in DIMENSION_ROLES}
    return {r: s for r, s in scores.items() if s >= MIN_SCORE}


@dataclass(frozen=True)
class LookupLink:
    """A lookup table's key found in a column of a fact table.

    Attributes
    ----------
    lookup, key : str
        The lookup table's name and its key column (unique values).
    fact, fact_key : str
        The fact table's name and the column holding the keys.
    keyed_rows : int
        Fact rows with a key; ``matched_rows`` of them are found in the lookup.
    empty_rows : int
        Fact rows without a key.
    unmatched : tuple of str
        The most frequent keys the lookup does not know (at most 5).
    attributes : tuple of str
        The lookup's other columns, joined by :func:`join_lookups`.
    """

    lookup: str
    key: str
    fact: str
    fact_key: str
    keyed_rows: int
    matched_rows: int
    empty_rows: int
    unmatched: tuple[str, ...]
    attributes: tuple[str, ...]

    @property
    def coverage(self) -> float:
        """Share of the fact's keyed rows found in the lookup (0 to 1)."""
        return self.matched_rows / self.keyed_rows if self.keyed_rows else 0.0

    @property
    def joinable(self) -> bool:
        return self.matched_rows > 0

    @property
    def unmatched_rows(self) -> int:
        return self.keyed_rows - self.matched_rows

    def messages(self) -> list[i18n.Message]:
        """What the user reads about this link (FR/EN)."""
        base = {
            "lookup": self.lookup,
            "key_col": self.key,
            "fact": self.fact,
            "fact_key": self.fact_key,
        }
        if not self.joinable:
            return [i18n.Message("lookups.no_match", base)]
        out = [
            i18n.Message(
                "lookups.link",
                {
                    **base,
                    "matched": i18n.Count(self.matched_rows),
                    "keyed": i18n.Count(self.keyed_rows),
                    "share": i18n.Percent(self.coverage),
                },
            )
        ]
        if self.unmatched_rows:
            out.append(
                i18n.Message(
                    "lookups.unmatched",
                    {
                        **base,
                        "rows": i18n.Count(self.unmatched_rows),
                        "values": ", ".join(self.unmatched),
                    },
                )
            )
        if self.empty_rows:
            out.append(
                i18n.Message("lookups.empty_keys", {**base, "rows": i18n.Count(self.empty_rows)})
            )
        return out

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "lookup": self.lookup,
            "key": self.key,
            "fact": self.fact,
            "fact_key": self.fact_key,
            "coverage": round(self.coverage, 4),
            "keyed_rows": self.keyed_rows,
            "matched_rows": self.matched_rows,
            "empty_rows": self.empty_rows,
            "unmatched": list(self.unmatched),
            "attributes": list(self.attributes),
            "messages": [m.text(lang) for m in self.messages()],
        }


@dataclass
class JoinResult:
    """The fact table with the lookups' attributes.

    Attributes
    ----------
    df : pandas.DataFrame
        A new table (the input is not modified).
    added : dict
        New column → ``(lookup table, attribute)``.
    roles : dict
        Suggested role → new column (``team`` → ``manager``), for roles the fact's mapping
        does not have yet.
    notes : list of Message
    """

    df: pd.DataFrame
    added: dict[str, tuple[str, str]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    notes: list[i18n.Message] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------


def _keys_as_text(values: pd.Series | pd.Index | np.ndarray) -> pd.Index:
    """Values as comparable text: stripped, integral floats without their ``.0``."""
    idx = pd.Index(values)
    if pd.api.types.is_float_dtype(idx.dtype):
        arr = idx.to_numpy(dtype=float)
        integral = np.isfinite(arr) & (arr == np.round(arr))
        text = np.where(integral, np.char.mod("%d", np.where(integral, arr, 0)), idx.astype(str))
        return pd.Index(text, dtype=object)
    if pd.api.types.is_integer_dtype(idx.dtype):
        return idx.astype(str)
    return pd.Index([str(v).strip() for v in idx], dtype=object)


def _can_be_key(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series) or pd.api.types.is_bool_dtype(series):
        return False
    if pd.api.types.is_float_dtype(series):
        arr = series.dropna().to_numpy(dtype=float)
        return bool(len(arr)) and bool(np.all(arr == np.round(arr)))
    return True


def _same_header(a: str, b: str) -> bool:
    from kpi.data.sources import fold

    return fold(a) == fold(b)


@dataclass
class _Column:
    """A fact column's keys: codes per row and the distinct values as text."""

    codes: np.ndarray
    uniques: pd.Index
    counts: np.ndarray  # rows per distinct value


def _column(series: pd.Series) -> _Column:
    codes, uniques = pd.factorize(series)
    text = _keys_as_text(uniques)
    blank = np.asarray(text == "", dtype=bool)
    if blank.any():
        remap = np.where(blank, -1, np.arange(len(text)))
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    counts = np.bincount(codes[codes >= 0], minlength=len(text))
    return _Column(codes, text, counts)


# Rows of a fact column checked before reading all of it.
_SAMPLE = 2000


def _sample_overlaps(series: pd.Series, keys: pd.Index, min_shared: float) -> bool:
    """Whether a sample of the column's values could reach ``min_shared`` known keys: a cheap
    test that spares reading every value of an id or amount column (1M distinct values)."""
    values = series.dropna()
    if len(values) > _SAMPLE:
        step = len(values) // _SAMPLE
        values = values.iloc[::step]
    uniques = _keys_as_text(pd.unique(values))
    if not len(uniques):
        return False
    return (keys.get_indexer(uniques) >= 0).mean() >= min_shared / 2


def _unique_keys(series: pd.Series) -> pd.Index | None:
    """The column's values as text when they are unique (a lookup key), else None."""
    values = series.dropna()
    if not values.head(5000).is_unique or not values.is_unique:
        return None
    text = _keys_as_text(values.to_numpy())
    return text if text.is_unique else None


def find_lookups(
    tables: Mapping[str, pd.DataFrame], min_shared: float = MIN_SHARED
) -> list[LookupLink]:
    """Propose lookup links among loaded tables.

    Parameters
    ----------
    tables : mapping of name → DataFrame
        The loaded tables (typed), by the name the user knows them by.
    min_shared : float
        Share of a fact column's distinct values the lookup must know, when the two columns do
        not have the same header. Columns with the same header are always reported, even when
        no key matches (so that the user learns why nothing was joined).

    Returns
    -------
    list of LookupLink
        At most one link per (lookup, fact) pair — the best-covered — ordered by fact, then
        lookup. A link with ``joinable`` False matched nothing and is only reported.
    """
    names = list(tables)
    fact_columns: dict[tuple[str, str], _Column] = {}
    links: list[LookupLink] = []
    for lookup_name in names:
        lookup = tables[lookup_name]
        # Key candidates: filled enough and id-like; uniqueness and text are checked lazily,
        # only for a column some fact column could use (a 1M-row id column is never read
        # whole unless a smaller table has a column of the same name).
        keys = [
            str(k)
            for k in lookup.columns
            if lookup[k].notna().mean() >= MIN_KEY_FILLED
            and lookup[k].notna().sum() >= 2
            and _can_be_key(lookup[k])
        ]
        if not keys:
            continue
        key_texts: dict[str, pd.Index | None] = {}

        for fact_name in names:
            if fact_name == lookup_name:
                continue
            fact = tables[fact_name]
            best: tuple[tuple[int, int, float], LookupLink] | None = None
            for key in keys:
                for c in fact.columns:
                    s = fact[c]
                    same = _same_header(key, str(c))
                    if not _can_be_key(s) or (len(fact) <= len(lookup) and not same):
                        continue
                    if key not in key_texts:
                        key_texts[key] = _unique_keys(lookup[key])
                    key_set = key_texts[key]
                    if key_set is None:
                        break
                    if not same and not _sample_overlaps(s, key_set, min_shared):
                        continue
                    col = fact_columns.get((fact_name, str(c)))
                    if col is None:
                        col = fact_columns[(fact_name, str(c))] = _column(s)
                    if not len(col.uniques):
                        continue
                    known = key_set.get_indexer(col.uniques) >= 0
                    shared = known.sum() / len(col.uniques)
                    if not same and (shared < min_shared or known.sum() < 2):
                        continue
                    if col.counts.max(initial=0) <= 1 and len(fact) <= len(lookup):
                        continue  # one-to-one the other way round: not a lookup of this fact
                    matched = int(col.counts[known].sum())
                    keyed = int(col.counts.sum())
                    order = np.argsort(-col.counts[~known], kind="stable")[:5]
                    link = LookupLink(
                        lookup_name,
                        key,
                        fact_name,
                        str(c),
                        keyed,
                        matched,
                        int(len(fact) - keyed),
                        tuple(str(v) for v in col.uniques[~known][order]),
                        tuple(str(a) for a in lookup.columns if str(a) != key),
                    )
                    rank = (matched, int(same), shared)
                    if best is None or rank > best[0]:
                        best = (rank, link)
            if best is not None:
                links.append(best[1])
    links.sort(key=lambda lk: (names.index(lk.fact), names.index(lk.lookup)))
    return links


def join_lookups(
    fact: pd.DataFrame,
    links: Sequence[LookupLink],
    tables: Mapping[str, pd.DataFrame],
    mapping: Mapping[str, str] | None = None,
) -> JoinResult:
    """Add the lookups' attributes to ``fact`` (a new DataFrame; ``fact`` is not modified).

    Parameters
    ----------
    fact : pandas.DataFrame
        The fact table the links point to.
    links : sequence of LookupLink
        From :func:`find_lookups`, for this fact table; links that matched nothing are skipped
        and reported.
    tables : mapping of name → DataFrame
        The lookup tables by name.
    mapping : mapping of role → column, optional
        The fact's current roles: a role it already has is not suggested again.

    Returns
    -------
    JoinResult
        New columns are named after the lookup's headers (``manager``), or ``header (lookup)``
        when the fact already has that header. Roles are suggested from the headers, among
        dimension roles only (``manager`` → ``team``, ``regional_office`` → ``region``,
        ``sector`` → ``segment``, ``series`` → ``category``); numeric attributes get none.
    """
    taken = set(mapping or {})
    data: dict[str, Any] = {}
    result = JoinResult(fact)
    scored: list[tuple[float, str, str]] = []
    for link in links:
        result.notes.extend(link.messages())
        if not link.joinable:
            continue
        lookup = tables[link.lookup]
        col = _column(fact[link.fact_key])
        key_text = _keys_as_text(lookup[link.key])
        positions = pd.Index(key_text).get_indexer(col.uniques)
        rows = np.where(col.codes >= 0, positions[np.maximum(col.codes, 0)], -1)
        added = []
        for attr in link.attributes:
            values = lookup[attr]
            name = (
                attr if attr not in fact.columns and attr not in data else f"{attr} ({link.lookup})"
            )
            if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(
                values
            ):
                joined = pd.api.extensions.take(values.to_numpy(), rows, allow_fill=True)
            else:
                # Text as a categorical over the lookup's few values: no string is copied
                # a million times (2 attributes of 1M rows: 0.1 s → a few ms).
                codes, uniques = pd.factorize(values)
                picked = np.where(rows >= 0, codes[np.maximum(rows, 0)], -1)
                joined = pd.Categorical.from_codes(picked, categories=pd.Index(uniques))
            data[name] = pd.Series(joined, index=fact.index, name=name)
            result.added[name] = (link.lookup, attr)
            added.append(name)
            if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(
                values
            ):
                continue
            for role, score in _role_scores(attr).items():
                scored.append((score, role, name))
        result.notes.append(
            i18n.Message(
                "lookups.joined", {"lookup": link.lookup, "n": len(added), "columns": added}
            )
        )
    for _score, role, name in sorted(scored, key=lambda x: -x[0]):
        if role in taken or name in result.roles.values():
            continue
        result.roles[role] = name
        taken.add(role)
    # Each added column with the role it got: "manager (Équipe), regional_office (Région)".
    role_of = {c: r for r, c in result.roles.items()}
    for note in result.notes:
        if note.key == "lookups.joined":
            note.params["columns"] = _columns_text(note.params["columns"], role_of)
    result.df = fact.copy(deep=False)
    for name, series in data.items():
        result.df[name] = series
    return result


# ---------------------------------------------------------------------------------------------
# Loaded tables


_DATE_ROLES = ("date", "created_date", "close_date", "start_date")
# Kinds a table may have been given by the generic detection while being a lookup: a product
# list with a price reads as orders, a team list as another table.
_MAY_BE_LOOKUP = ("lookup", "orders", "other")


@dataclass
class Linked:
    """The loaded tables with their lookups joined.

    Attributes
    ----------
    tables : list of Table
        In the order given: each fact table with the lookups' attributes added (and their
        roles: ``manager`` → team…), each lookup table with kind ``lookup``, the others as
        they were.
    links : list of LookupLink
        Every link found between a lookup and a fact, joined or (matching nothing) only
        reported.
    notes : dict
        Table name → what the user reads about its links (coverage, unmatched keys, columns
        added).
    joined : dict
        Table name → {added column → the lookup table it comes from}.
    """

    tables: list[Table]
    links: list[LookupLink] = field(default_factory=list)
    notes: dict[str, list[i18n.Message]] = field(default_factory=dict)
    joined: dict[str, dict[str, str]] = field(default_factory=dict)

    def joined_role(self, role: str) -> tuple[str, str] | None:
        """``(column, lookup table)`` when ``role`` is played, in the first table that has it,
        by a column a lookup added (the team role by ``manager`` from ``sales_teams.csv``)."""
        for table in self.tables:
            col = table.mapping.get(role)
            if col is not None and col in table.df.columns:
                lookup = self.joined.get(table.name, {}).get(col)
                return None if lookup is None else (col, lookup)
        return None


def _dated(table: Table) -> bool:
    return any(r in table.mapping for r in _DATE_ROLES)


def link_tables(tables: Sequence[Table]) -> Linked:
    """Find the lookup tables among ``tables`` and join them to the tables they describe.

    A table is a lookup of another when one of its columns holds unique keys that a column of
    the other (larger) table uses (see :func:`find_lookups`), and it is not itself dated facts:
    its kind is ``lookup`` (a recognised accounts or companies export), or ``orders``/``other``
    without a date column (``products.csv`` with a price reads as orders, ``sales_teams.csv``
    as another table). The facts get the lookups' attributes as new columns (text columns as
    categoricals, no copy of the data) with a dimension role each where their header says one
    and the fact has none yet — so they work as filters, breakdowns and leaderboards.

    Parameters
    ----------
    tables : sequence of Table
        The loaded tables (names unique).

    Returns
    -------
    Linked
        The tables themselves when there are fewer than two or no link.
    """
    tables = list(tables)
    if len(tables) < 2:
        return Linked(tables)
    by_name = {t.name: t for t in tables}
    candidates = {
        n: t
        for n, t in by_name.items()
        if t.kind == "lookup" or (t.kind in _MAY_BE_LOOKUP and not _dated(t))
    }
    if not candidates:
        return Linked(tables)
    links = [
        link
        for link in find_lookups({n: t.df for n, t in by_name.items()})
        if link.lookup in candidates and link.fact not in candidates
    ]
    if not links:
        return Linked(tables)
    frames = {n: t.df for n, t in by_name.items()}
    out: list[Table] = []
    notes: dict[str, list[i18n.Message]] = {}
    joined_columns: dict[str, dict[str, str]] = {}
    used = {lk.lookup for lk in links if lk.joinable}
    for table in tables:
        mine = [lk for lk in links if lk.fact == table.name]
        if mine:
            joined = join_lookups(table.df, mine, frames, table.mapping)
            mapping = {**table.mapping, **joined.roles}
            confidence = {**table.confidence, **dict.fromkeys(joined.roles, 0.8)}
            notes[table.name] = list(joined.notes)
            joined_columns[table.name] = {c: lookup for c, (lookup, _a) in joined.added.items()}
            table = replace(table, df=joined.df, mapping=mapping, confidence=confidence)
        elif table.name in used and table.kind != "lookup":
            table = replace(table, kind="lookup")
        out.append(table)
    return Linked(out, links, notes, joined_columns)


def _columns_text(columns: Sequence[str], role_of: Mapping[str, str]) -> i18n.Text:
    from kpi.data.roles import role_label

    def text(lang: str) -> str:
        return ", ".join(
            f"{c} ({role_label(role_of[c], lang)})" if c in role_of else c for c in columns
        )

    return i18n.Text(text("fr"), text("en"))


i18n.add_messages(
    {
        "lookups.link": {
            "fr": "{lookup} complète {fact} par « {key_col} » : {matched} ligne(s) sur {keyed} retrouvée(s) ({share})",
            "en": "{lookup} adds to {fact} by “{key_col}”: {matched} of {keyed} row(s) found ({share})",
        },
        "lookups.unmatched": {
            "fr": "{rows} ligne(s) de {fact} ont une valeur de « {fact_key} » absente de {lookup} ({values}) : leurs colonnes ajoutées restent vides",
            "en": "{rows} row(s) of {fact} have a “{fact_key}” value {lookup} does not have ({values}): their added columns stay empty",
        },
        "lookups.empty_keys": {
            "fr": "{rows} ligne(s) de {fact} n'ont pas de « {fact_key} »",
            "en": "{rows} row(s) of {fact} have no “{fact_key}”",
        },
        "lookups.no_match": {
            "fr": "Aucune valeur de « {fact_key} » de {fact} ne se retrouve dans « {key_col} » de {lookup} : pas de jointure.",
            "en": "No “{fact_key}” value of {fact} is found in “{key_col}” of {lookup}: nothing joined.",
        },
        "lookups.joined": {
            "fr": "{n} colonne(s) ajoutée(s) depuis {lookup} : {columns}",
            "en": "{n} column(s) added from {lookup}: {columns}",
        },
    }
)
