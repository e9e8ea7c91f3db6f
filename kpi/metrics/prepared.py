"""Prepared tables: the typed arrays of a table, built once and shared while its data lives.

:func:`prepared` gives a table's :class:`PreparedTable` — dates as int64 nanoseconds, numbers as
floats, categorical columns factorised into integer codes, orders sorted by date so that a period
is a contiguous slice — from one process-wide cache keyed by the table's DataFrame object, held
weakly: two users' tables can never share an entry, and a gone user's arrays are dropped as soon
as their DataFrame is freed. The engine (:mod:`kpi.metrics.engine`), the explore functions
(:mod:`kpi.explore`) and the primitives (:mod:`kpi.metrics.primitives`) all read their rows
from here, so that they agree row for row.

The functions below derive per-row arrays from a prepared table: :func:`amounts` (amount, else
quantity × unit price), :func:`counted` (rows whose status counts), :func:`outcomes` (deals won,
lost or open), :func:`filter_keep` (rows kept by the user's filters).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.dataset import Table
from kpi.data.roles import ROLES_BY_ID
from kpi.errors import PiloteError
from kpi.metrics.periods import Period
from kpi.metrics.vocabularies import NOT_COUNTED, flag_value, outcome_of_stage, status_class

__all__ = [
    "FILTER_ROLES",
    "MAX_NS",
    "NAT",
    "PreparedTable",
    "amounts",
    "check_filters",
    "counted",
    "data_span",
    "filter_keep",
    "mapped_column",
    "outcomes",
    "prepared",
    "status_key",
    "to_float",
    "to_ns",
    "zero_nan",
]

#: A missing date in the int64 nanosecond arrays.
NAT = np.iinfo(np.int64).min
#: Where rows without a date sort (last).
MAX_NS = np.iinfo(np.int64).max
#: Categorical roles a user can filter on.
FILTER_ROLES: tuple[str, ...] = tuple(r.id for r in ROLES_BY_ID.values() if r.dtype == "any")


def mapped_column(table: Table, role: str) -> str | None:
    """The column mapped to ``role`` when it exists in the table."""
    name = table.mapping.get(role)
    return name if name is not None and name in table.df.columns else None


def to_ns(series: pd.Series) -> np.ndarray:
    """Dates as int64 nanoseconds, missing as the minimum int64."""
    s = series
    if not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(s, errors="coerce")
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[ns]").view(np.int64)


def to_float(series: pd.Series) -> np.ndarray:
    """Numbers as float64, missing and unreadable values as NaN."""
    if pd.api.types.is_float_dtype(series) and not isinstance(series.dtype, pd.ArrowDtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


class _KeyLocks:
    """Build a value once per key even when threads ask for it at the same time: the second
    waits for the first and gets its result (a background warm-up and a page run share work).

    ``lookup()`` returns the value or raises KeyError; ``build()`` makes and stores it.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Any, threading.Lock] = {}

    def once(self, key: Any, lookup: Any, build: Any) -> Any:
        try:
            return lookup()
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            try:
                return lookup()
            except KeyError:
                value = build()
        with self._guard:
            self._locks.pop(key, None)
        return value


class PreparedTable:
    """Typed arrays of one table, optionally sorted by its date so that periods are slices.

    Holds the DataFrame weakly: the shared cache must not keep a user's data alive.
    """

    def __init__(self, table: Table, sort_role: str | None = None) -> None:
        self._df = weakref.ref(table.df)
        self.mapping = {r: c for r, c in table.mapping.items() if c in table.df.columns}
        self.n = len(table.df)
        self.perm: np.ndarray | None = None
        self.sorted_dates: np.ndarray | None = None
        self._cache: dict[Any, Any] = {}
        self._building = _KeyLocks()
        self.date_ordered_ids = False  # see codes(); set by warm() before any code is made
        # Roles whose column a recognised tool's profile wrote (kpi.data.sources) and the user
        # kept: such a won/lost flag is the tool's own outcome, not a guess.
        reading = getattr(table.report, "source", None)
        self.from_source = frozenset(
            r for r, c in getattr(reading, "mapping", {}).items() if self.mapping.get(r) == c
        )
        col = self.mapping.get(sort_role) if sort_role else None
        if col is not None:
            dates = to_ns(table.df[col])
            keyed = np.where(dates == NAT, MAX_NS, dates)
            if self.n > 1 and not bool(np.all(keyed[1:] >= keyed[:-1])):
                self.perm = np.argsort(keyed, kind="stable")
                keyed = keyed[self.perm]
            self.sorted_dates = keyed
            self._cache[("date", sort_role)] = np.where(keyed == MAX_NS, NAT, keyed)
        self.sort_role = sort_role if col is not None else None

    def column(self, role: str) -> pd.Series:
        df = self._df()
        if df is None:  # only if a caller dropped its table while computing on it
            raise RuntimeError("the table's data was released")
        return df[self.mapping[role]]

    def _arrange(self, arr: np.ndarray) -> np.ndarray:
        return arr if self.perm is None else arr[self.perm]

    def memo(self, key: Any, make: Any) -> Any:
        """Compute once per prepared table, even when two threads ask at once (the second
        waits for the first: a background warm-up and a page run share the work)."""

        def build() -> Any:
            value = self._cache[key] = make()
            return value

        return self._building.once(key, lambda: self._cache[key], build)

    def has(self, role: str) -> bool:
        return role in self.mapping

    def first(self, *roles: str) -> str | None:
        """The first of ``roles`` that is mapped to an existing column."""
        return next((r for r in roles if self.has(r)), None)

    def dates(self, role: str) -> np.ndarray:
        return self.memo(("date", role), lambda: self._arrange(to_ns(self.column(role))))

    def number(self, role: str) -> np.ndarray:
        return self.memo(("num", role), lambda: self._arrange(to_float(self.column(role))))

    def codes(self, role: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes (``-1`` for empty) and the unique values they index, an object array.
        To count distinct values, :meth:`ids` gives the same codes without the values."""

        def make() -> tuple[np.ndarray, np.ndarray]:
            codes, uniques, order = self._factorised(role)
            values = uniques if order is None else uniques.take(order)
            return codes, np.asarray(values, dtype=object)

        return self.memo(("codes", role), make)

    def ids(self, role: str) -> tuple[np.ndarray, int]:
        """The codes of :meth:`codes` (the same array) and how many distinct values there
        are: what counting orders needs. The values stay as pandas holds them (a million order
        ids are one Arrow buffer of 16 MB, not a million Python strings: 65 MB and 0.1 s)."""
        codes, uniques, _ = self._factorised(role)
        return codes, len(uniques)

    def _factorised(self, role: str) -> tuple[np.ndarray, pd.Index, np.ndarray | None]:
        """Codes (``-1`` for empty), the unique values as pandas gives them, and the order
        the codes number them in (``uniques.take(order)``; None: as given). Reordering a
        million order ids (0.13 s) waits for a page that shows them."""

        def make() -> tuple[np.ndarray, pd.Index, np.ndarray | None]:
            codes, uniques = pd.factorize(self.column(role))
            codes = self._arrange(codes.astype(np.int64, copy=False))
            order = None
            if self.date_ordered_ids and self.perm is not None and len(uniques) > 1000:
                # Number many-valued columns (ids) in date order: the ids of one period then
                # span a narrow range of codes, which keeps per-period counts (bincount of
                # codes - min) small. Worth its ~0.3 s per 1M ids for the app, which computes
                # many periods (sparklines, anomalies) again on every filter change; a one-shot
                # computation (the CLI) does without.
                valid = codes >= 0
                first = np.full(len(uniques), len(codes), dtype=np.int64)
                np.minimum.at(first, codes[valid], np.flatnonzero(valid))
                at_pos = np.full(len(codes) + 1, -1, dtype=np.int64)
                at_pos[first] = np.arange(len(uniques))  # first positions are distinct
                by_first = at_pos[at_pos >= 0]  # old codes in order of first appearance
                rank = np.empty(len(uniques), dtype=np.int64)
                rank[by_first] = np.arange(len(uniques))
                codes = np.where(valid, rank[np.maximum(codes, 0)], -1)
                order = by_first  # every value occurs: a permutation
            if pd.api.types.is_numeric_dtype(uniques.dtype):
                blank = np.zeros(len(uniques), dtype=bool)
            elif pd.api.types.is_string_dtype(uniques.dtype) and uniques.dtype != object:
                blank = np.asarray(uniques.str.strip() == "", dtype=bool)
            else:
                blank = np.array([str(u).strip() == "" for u in uniques], dtype=bool)
            if order is not None:
                blank = blank[order]
            if blank.any():
                remap = np.where(blank, -1, np.arange(len(uniques)))
                codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
            return codes, uniques, order

        return self.memo(("factorised", role), make)

    def flag(self, role: str) -> tuple[np.ndarray, np.ndarray]:
        """(true, known) boolean arrays of a yes/no column."""

        def make() -> tuple[np.ndarray, np.ndarray]:
            codes, uniq = self.codes(role)
            lut = [flag_value(u) for u in uniq]
            true_lut = np.array([v is True for v in lut] + [False])
            known_lut = np.array([v is not None for v in lut] + [False])
            idx = np.where(codes >= 0, codes, len(uniq))
            return true_lut[idx], known_lut[idx]

        return self.memo(("flag", role), make)

    def classes(self, role: str, classify: Any, tag: str) -> np.ndarray:
        """Per row, ``classify(unique value)`` (an int) through the factorised codes."""

        def make() -> np.ndarray:
            codes, uniq = self.codes(role)
            lut = np.array([classify(u) for u in uniq] + [0], dtype=np.int8)
            return lut[np.where(codes >= 0, codes, len(uniq))]

        return self.memo(("class", role, tag), make)

    def slice_for(self, period: Period) -> slice:
        """The rows of ``period`` on the sort date (NaT rows only in all the data)."""
        if period.is_all:
            return slice(0, self.n)
        assert self.sorted_dates is not None and period.start is not None
        assert period.end is not None
        lo = int(np.searchsorted(self.sorted_dates, period.start.value, side="left"))
        hi = int(np.searchsorted(self.sorted_dates, period.end.value, side="left"))
        return slice(lo, hi)


_PREPS: OrderedDict[tuple[Any, ...], tuple[weakref.ref, PreparedTable]] = OrderedDict()
_PREPS_LOCK = threading.RLock()  # re-entrant: a DataFrame can die (callback) while we hold it
_PREPS_MAX = 24


def _forget(key: tuple[Any, ...]) -> Any:
    """A weakref callback dropping a prepared table as soon as its DataFrame is freed, so the
    shared cache never keeps a closed session's arrays in memory."""

    def callback(_ref: weakref.ref) -> None:
        with _PREPS_LOCK:
            entry = _PREPS.get(key)
            if entry is not None and entry[0] is _ref:
                del _PREPS[key]

    return callback


_BUILDING = _KeyLocks()


def prepared(table: Table) -> PreparedTable:
    """The prepared arrays of ``table`` (an orders table sorted by its date), cached while its
    DataFrame lives (keyed by the object, never hashed).

    Built once even when two threads ask at once: the second waits for the first.
    """
    sort_role = "date" if table.kind == "orders" else None
    key = (id(table.df), tuple(sorted(table.mapping.items())), sort_role)

    def cached() -> PreparedTable:
        with _PREPS_LOCK:
            hit = _PREPS.get(key)
            if hit is None or hit[0]() is not table.df or hit[1].n != len(table.df):
                raise KeyError(key)
            _PREPS.move_to_end(key)
            return hit[1]

    def build() -> PreparedTable:
        prep = PreparedTable(table, sort_role)
        with _PREPS_LOCK:
            for dead in [k for k, (ref, _) in _PREPS.items() if ref() is None]:
                del _PREPS[dead]
            _PREPS[key] = (weakref.ref(table.df, _forget(key)), prep)
            while len(_PREPS) > _PREPS_MAX:
                _PREPS.popitem(last=False)
        return prep

    return _BUILDING.once(key, cached, build)


def amounts(prep: PreparedTable) -> np.ndarray:
    """Sorted-order amounts with NaN as 0 (a row with no amount adds nothing)."""

    def make() -> np.ndarray:
        given = prep.number("amount") if prep.has("amount") else None
        product = None
        if prep.has("quantity") and prep.has("unit_price"):
            if given is None or bool(np.isnan(given).any()):
                product = prep.number("quantity") * prep.number("unit_price")
        if given is None or product is None:
            amount = given if product is None else product
        else:
            amount = np.where(np.isnan(given), product, given)
        if amount is None:
            return np.zeros(prep.n)
        return zero_nan(amount)

    return prep.memo("amount", make)


def zero_nan(arr: np.ndarray) -> np.ndarray:
    """``arr`` with NaN as 0 (infinities as the largest floats, as :func:`numpy.nan_to_num`);
    ``arr`` itself when all its values are finite, not a copy: a prepared table shares its
    numbers, and a million amounts are 8 MB."""
    return arr if bool(np.isfinite(arr).all()) else np.nan_to_num(arr, nan=0.0)


def status_key(statuses: Collection[str] | None) -> frozenset[str] | None:
    """The counted statuses as a hashable key (``None``: the default ones)."""
    return None if statuses is None else frozenset(str(s).strip() for s in statuses)


def counted(prep: PreparedTable, statuses: frozenset[str] | None) -> np.ndarray:
    """Whether each row counts under ``statuses`` (see :func:`kpi.metrics.counted_rows`)."""

    def make() -> np.ndarray:
        if statuses is None and prep.has("counted"):
            # The source's own verdict (a recognised export, or a yes/no column the user
            # mapped): unknown values count, like an empty status.
            true, known = prep.flag("counted")
            return true | ~known
        if not prep.has("status"):
            return np.ones(prep.n, dtype=bool)
        codes, uniq = prep.codes("status")
        if statuses is None:
            lut = [status_class(u) not in NOT_COUNTED for u in uniq]
        else:
            lut = [str(u).strip() in statuses for u in uniq]
        return np.array(lut + [True], dtype=bool)[np.where(codes >= 0, codes, len(uniq))]

    return prep.memo(("counted", statuses), make)


def outcomes(prep: PreparedTable) -> np.ndarray:
    """0 open, 1 won, 2 lost per deal (see :func:`deal_outcomes`)."""

    def make() -> np.ndarray:
        out = np.zeros(prep.n, dtype=np.int8)
        if prep.has("stage"):
            out = prep.classes("stage", outcome_of_stage, "outcome").copy()
        if prep.has("won"):
            true, known = prep.flag("won")
            closed_evidence = np.ones(prep.n, dtype=bool)
            close_role = prep.first("close_date")
            if "won" in prep.from_source:
                pass  # the tool's status says lost: lost, with or without a close date
            elif close_role:
                closed_evidence = prep.dates(close_role) != NAT
            elif prep.has("stage"):
                closed_evidence = np.zeros(prep.n, dtype=bool)
            undecided = out == 0
            out[undecided & true] = 1
            out[undecided & known & ~true & closed_evidence] = 2
        return out

    return prep.memo("outcome", make)


def check_filters(filters: Mapping[str, Iterable[Any]] | None) -> dict[str, frozenset[str]]:
    """Filters checked and normalised: known roles, values as trimmed text, empty lists dropped."""
    out: dict[str, frozenset[str]] = {}
    for role, values in (filters or {}).items():
        if role not in FILTER_ROLES:
            raise PiloteError(
                "compute.unknown_filter_role", value=role, valid=", ".join(FILTER_ROLES)
            )
        if values is None or isinstance(values, str | bytes):
            values = [] if values is None else [values]
        chosen = frozenset(str(v).strip() for v in values)
        if chosen:
            out[role] = chosen
    return out


#: Roles whose values are each kind's own vocabulary: an order is ``Livrée``, a lead
#: ``Qualifié``, a subscription ``Résilié``. A filter on them leaves alone a table that holds
#: none of the values picked (one "Status" filter serves every table; picking delivered orders
#: must not empty the leads).
OWN_VOCABULARY_ROLES: frozenset[str] = frozenset({"status"})


def filter_keep(prep: PreparedTable, filters: Mapping[str, frozenset[str]]) -> np.ndarray | None:
    """The rows kept by ``filters`` (``None`` when no filter applies to the table: it lacks
    the role, or the role is one of :data:`OWN_VOCABULARY_ROLES` and it holds none of the
    values picked)."""
    mask: np.ndarray | None = None
    for role, values in filters.items():
        if not prep.has(role):
            continue
        codes, uniq = prep.codes(role)
        lut = np.array([str(u).strip() in values for u in uniq] + [False], dtype=bool)
        if role in OWN_VOCABULARY_ROLES and not lut.any():
            continue
        m = lut[np.where(codes >= 0, codes, len(uniq))]
        mask = m if mask is None else mask & m
    return mask


def data_span(
    tables: Sequence[Table],
    roles: Sequence[str] = ("date", "created_date", "close_date", "start_date", "canceled_at"),
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last date found in ``roles`` of ``tables`` (a subscription's start and
    cancellation request are past events; its end may be booked in the future)."""
    lo = hi = None
    for table in tables:
        prep = prepared(table)
        for role in roles:
            if not prep.has(role):
                continue
            bounds = prep.memo(("bounds", role), lambda p=prep, r=role: _bounds(p.dates(r)))
            if bounds is not None:
                lo = bounds[0] if lo is None else min(lo, bounds[0])
                hi = bounds[1] if hi is None else max(hi, bounds[1])
    return None if lo is None else (pd.Timestamp(lo), pd.Timestamp(hi))


def _bounds(dates: np.ndarray) -> tuple[int, int] | None:
    d = dates[dates != NAT]
    return None if len(d) == 0 else (int(d.min()), int(d.max()))


i18n.add_messages(
    {
        "compute.unknown_filter_role": {
            "fr": "Filtre sur un rôle inconnu « {value} ». Rôles possibles : {valid}.",
            "en": "Filter on an unknown role “{value}”. Valid roles: {valid}.",
        },
    }
)
