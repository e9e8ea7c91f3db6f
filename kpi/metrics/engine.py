"""Compute the KPIs of the catalogue exactly as ``KPI_SPEC.md`` defines them.

The entry points:

- :class:`Engine` holds the loaded tables and the user's choices (filters, counted statuses,
  stage order, "today") and computes any KPI for any period, with comparisons to the previous
  period and to the same period last year (:meth:`Engine.result`), per-period series for
  sparklines (:meth:`Engine.series`) and breakdowns by a column role (:meth:`Engine.breakdown`).
- :func:`compute`, :func:`kpi_series`, :func:`alerts` and :func:`kpis_json` wrap it for the
  pages and the command line.
- Reusable primitives for the next pages: :func:`line_amount`, :func:`counted_rows`,
  :func:`status_class`, :func:`status_summary`, :func:`deal_outcomes`, :func:`stage_order`,
  :func:`filter_mask`, :func:`apply_filters`, :func:`filter_options`, :func:`parse_flag`,
  :func:`anomaly`, and :func:`kpi.metrics.periods.filter_period`.

A value is never NaN: a KPI that cannot be given returns ``value=None`` with a status —
``no_data`` (the selection is empty), ``undefined`` (a zero denominator, e.g. no orders), or
``unavailable`` (a table, column or date is missing) — and a reason the user can read.

Decisions where the spec is silent are listed in the docstrings of the functions concerned and
gathered in :data:`DECISIONS`.

Speed: each table is prepared once (typed numpy arrays, factorised ids, orders sorted by date so
that a period is a contiguous slice) and the preparation is cached while the DataFrame lives, so
that changing a filter only recomputes masks and sums.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
import weakref
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.dataset import Table
from kpi.data.roles import ROLES_BY_ID
from kpi.errors import PiloteError
from kpi.metrics.catalogue import (
    CATALOGUE,
    KPI,
    Text,
    availability,
    check_objectives,
    find_table,
    get_kpi,
    suggest,
)
from kpi.metrics.periods import ALL, FREQS, Period, parse_period, periods_between

__all__ = [
    "DECISIONS",
    "FILTER_ROLES",
    "STATUSES",
    "Alert",
    "Engine",
    "KPIResult",
    "Value",
    "alerts",
    "anomaly",
    "apply_filters",
    "compute",
    "counted_rows",
    "dataset_currency",
    "deal_outcomes",
    "filter_mask",
    "filter_options",
    "ID_ROLES",
    "warm",
    "kpi_series",
    "kpis_json",
    "line_amount",
    "parse_flag",
    "parse_period",
    "prepare",
    "stage_order",
    "status_class",
    "status_summary",
]

# Value statuses.
OK = "ok"
NO_DATA = "no_data"
UNDEFINED = "undefined"
UNAVAILABLE = "unavailable"
STATUSES: tuple[str, ...] = (OK, NO_DATA, UNDEFINED, UNAVAILABLE)

# Net amounts at or below this are "not > 0" (float noise of summed cents is ~1e-9).
_EPS = 1e-6
_NS_PER_DAY = 86_400 * 10**9
_NAT = np.iinfo(np.int64).min
_MAX = np.iinfo(np.int64).max
# KPIs whose value is a photo of the end of the data: no previous period, no series.
_SNAPSHOT = frozenset({"pipeline_value", "weighted_pipeline"})
# Categorical roles a user can filter on.
FILTER_ROLES: tuple[str, ...] = tuple(r.id for r in ROLES_BY_ID.values() if r.dtype == "any")

DECISIONS: tuple[str, ...] = (
    "Statuses not counted by default: those meaning cancelled (Annulée, Annulé, Cancelled, "
    "Canceled, Void), refunded (Remboursée, Refunded), returned (Retour, Retournée, Returned) "
    "or lost (Perdu, Lost), matched on words, case- and accent-insensitive; 'partially "
    "refunded' stays counted. Disputed/complaint statuses stay counted. Rows with an empty "
    "status always count, also when the user edits the counted set.",
    "A row with an empty amount falls back to its quantity × unit price when both are mapped.",
    "new_customers: first counted purchase over all data, whatever the filters; the customer "
    "must also buy in the period within the filters.",
    "repeat_rate: orders are positive-net orders (as in `orders`); without an order id each "
    "positive row is an order.",
    "clv: the 12 months ending with the period (all data: ending at the last date); yearly "
    "churn compares those 12 months with the 12 before; undefined when churn is 0 or there "
    "were no customers the year before.",
    "complaint_rate: orders whose status means returned, refunded, complaint or dispute, plus "
    "credit notes (orders with a negative net amount) / orders with a positive net amount "
    "whatever their status (distinct order ids, else rows).",
    "Deals: the stage decides when it means won or lost; otherwise a won flag set to yes "
    "means won, and set to no means lost when the deal has a close date (or when there is no "
    "stage and no close-date column); everything else is open.",
    "stage_conversion: deals created in the period; a lost deal whose stage only says 'lost' "
    "is counted as having reached the first stage only (where it was lost is unknown); the "
    "value is first stage → won.",
    "Probability column: percent when any value is above 1, else a fraction; empty values fall "
    "back to the historical stage-to-win rate (won / deals that reached the stage).",
    "pipeline_value and weighted_pipeline are snapshots at the end of the data: the period "
    "does not apply and they have no previous value.",
    "lead_conversion_rate: when the converted column holds explicit 'no' values, leads with an "
    "empty value are still open and left out of the denominator; otherwise empty means no.",
    "Activities: messages are e-mail/message rows when an activity type is mapped, calls "
    "are call rows; without types every row counts.",
    "roi: revenue of orders whose channel (or source) matches a spend channel, accent- and "
    "case-insensitively; the total is over channels with spend.",
    "Targets table: monthly revenue targets per rep or team; for 'all data' the actual revenue "
    "is taken over the months the targets cover.",
    "Typed targets: attainment = actual / target for every KPI; a lower-is-better KPI is "
    "below target when actual > target.",
    "Drops: relative change vs the previous period, direction-aware; accumulating KPIs of an "
    "unfinished period are projected (value / elapsed share) before comparing.",
    "Anomalies: last value outside median ± 3 × 1.4826 × MAD of up to 12 previous values "
    "(at least 6); not checked when MAD is 0.",
    "Filters: an empty list of values means no filter on that role.",
)


# ---------------------------------------------------------------------------------------------
# Vocabularies (FR/EN, case- and accent-insensitive)
# ---------------------------------------------------------------------------------------------


def _norm(value: Any) -> str:
    """Lower case, accents removed, every non-alphanumeric run as one space."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def _words(*words: str) -> frozenset[str]:
    return frozenset(_norm(w) for w in words)


_STATUS_WORDS: dict[str, frozenset[str]] = {
    "cancelled": _words(
        "annulé", "annulée", "annulés", "annulées", "annulation", "annule", "cancelled",
        "canceled", "cancel", "cancellation", "void", "voided",
    ),
    "refunded": _words(
        "remboursé", "remboursée", "remboursés", "remboursées", "remboursement", "refunded",
        "refund", "refunds",
    ),
    "returned": _words(
        "retour", "retours", "retourné", "retournée", "retournés", "retournées", "returned",
        "return", "returns",
    ),
    "lost": _words("perdu", "perdue", "perdus", "perdues", "lost"),
    "complaint": _words(
        "réclamation", "réclamations", "plainte", "litige", "litigieux", "contesté",
        "contestée", "disputed", "dispute", "complaint", "complaints", "claim",
    ),
}  # fmt: skip
_PARTIAL = _words("partiel", "partielle", "partiellement", "partial", "partially")
_NOT_COUNTED = ("cancelled", "refunded", "returned", "lost")

_WON = _words(
    "won", "win", "gagné", "gagnée", "gagnés", "gagnées", "signé", "signée", "signés",
    "signées", "closedwon", "remporté", "remportée", "conclu", "conclue", "vendu", "vendue",
    "sold", "success", "succès",
)  # fmt: skip
_LOST = _words(
    "lost", "perdu", "perdue", "perdus", "perdues", "closedlost", "abandonné", "abandonnée",
    "abandoned", "échec", "failed", "rejected", "refusé", "refusée", "disqualified",
    "disqualifié", "disqualifiée", "annulé", "annulée", "cancelled", "canceled", "dead",
)  # fmt: skip

# Known pipeline vocabularies (Salesforce, HubSpot, Pipedrive, Maven CRM, French CRMs), one
# string per rank, earliest first. Stages of equal rank keep their order of appearance.
_STAGE_VOCAB: tuple[str, ...] = (
    "lead|new|nouveau|nouvelle|lead in|prospect|prospecting|prospection|suspect|identification|"
    "identified|a contacter|to contact|appointment scheduled|appointmentscheduled|contact|"
    "contacted|contact made|premier contact|contacte",
    "qualification|qualified|qualifie|qualifiee|qualified to buy|qualifiedtobuy|discovery|"
    "decouverte|needs analysis|analyse des besoins|engaging|engaged|needs defined|rendez vous|"
    "rdv|meeting|demo scheduled",
    "demo|demonstration|presentation|presentation scheduled|presentationscheduled|"
    "value proposition|proposition de valeur|id decision makers|perception analysis|solution|"
    "evaluation",
    "proposal|proposition|proposal made|devis|quote|offre|chiffrage|proposal price quote|"
    "decision maker bought in|decisionmakerboughtin|proposition commerciale|devis envoye",
    "negotiation|negociation|negotiations started|negotiation review|contract sent|"
    "contractsent|contrat envoye|closing|commit|accord verbal|verbal|signature",
)
_STAGE_RANKS: dict[str, int] = {
    _norm(phrase): rank for rank, text in enumerate(_STAGE_VOCAB) for phrase in text.split("|")
}

_TRUE = _words(
    "1", "1.0", "true", "vrai", "yes", "oui", "y", "o", "x", "won", "gagné", "converted",
    "converti", "convertie", "replied", "répondu", "booked", "ok", "done",
)  # fmt: skip
_FALSE = _words(
    "0", "0.0", "false", "faux", "no", "non", "n", "lost", "perdu", "not converted",
    "non converti", "none",
)  # fmt: skip

_ACTIVITY_WORDS: dict[str, frozenset[str]] = {
    "call": _words("call", "calls", "appel", "appels", "phone", "téléphone", "tel", "phone call",
                   "cold call", "appel sortant", "appel entrant"),
    "message": _words("email", "emails", "e mail", "mail", "mails", "courriel", "message",
                      "messages", "linkedin", "inmail", "sms", "text"),
    "meeting": _words("meeting", "meetings", "rdv", "rendez vous", "réunion", "visite", "visit",
                      "demo", "démo", "rendezvous"),
}  # fmt: skip


def status_class(value: Any) -> str | None:
    """What an order status means: ``cancelled``, ``refunded``, ``returned``, ``lost``,
    ``complaint``, or ``None`` for an ordinary status (``Livrée``, ``Shipped``…).

    Matching is on words, case- and accent-insensitive: ``Annulée par le client`` is cancelled,
    ``Closed Lost`` is lost; a partial refund (``Partially refunded``) is ordinary.
    """
    words = set(_norm(value).split())
    if not words:
        return None
    joined = _norm(value)
    for cls, vocab in _STATUS_WORDS.items():
        if words & vocab or joined in vocab:
            if cls in ("refunded", "returned") and words & _PARTIAL:
                return None
            return cls
    return None


def _outcome_of_stage(value: Any) -> int:
    """0 open, 1 won, 2 lost, from a stage label."""
    joined = _norm(value)
    words = set(joined.split())
    if not words:
        return 0
    compact = joined.replace(" ", "")
    if words & _LOST or compact in _LOST:
        return 2
    if words & _WON or compact in _WON:
        return 1
    return 0


def _flag_value(value: Any) -> bool | None:
    """True, False or None (unknown) for one cell of a yes/no column."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return None if math.isnan(float(value)) else float(value) != 0
    text = _norm(value)
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    try:
        return float(text.replace(" ", ".")) != 0
    except ValueError:
        return None


def parse_flag(values: pd.Series) -> pd.Series:
    """A yes/no column as a nullable boolean Series (``oui``/``yes``/``1``/``x`` → True…).

    Unknown texts and empty cells are ``<NA>``.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lut = [_flag_value(u) for u in uniques]
    out = pd.array([None] * len(values), dtype="boolean")
    for i, v in enumerate(lut):
        if v is not None:
            out[codes == i] = v
    return pd.Series(out, index=values.index, name=values.name)


# ---------------------------------------------------------------------------------------------
# Prepared tables (typed arrays, cached while the DataFrame lives)
# ---------------------------------------------------------------------------------------------


def _col(table: Table, role: str) -> str | None:
    name = table.mapping.get(role)
    return name if name is not None and name in table.df.columns else None


def _to_ns(series: pd.Series) -> np.ndarray:
    """Dates as int64 nanoseconds, missing as the minimum int64."""
    s = series
    if not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(s, errors="coerce")
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _to_float(series: pd.Series) -> np.ndarray:
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


class _Prep:
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
        col = self.mapping.get(sort_role) if sort_role else None
        if col is not None:
            dates = _to_ns(table.df[col])
            keyed = np.where(dates == _NAT, _MAX, dates)
            if self.n > 1 and not bool(np.all(keyed[1:] >= keyed[:-1])):
                self.perm = np.argsort(keyed, kind="stable")
                keyed = keyed[self.perm]
            self.sorted_dates = keyed
            self._cache[("date", sort_role)] = np.where(keyed == _MAX, _NAT, keyed)
        self.sort_role = sort_role if col is not None else None

    @property
    def alive(self) -> bool:
        return self._df() is not None

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
        return self.memo(("date", role), lambda: self._arrange(_to_ns(self.column(role))))

    def number(self, role: str) -> np.ndarray:
        return self.memo(("num", role), lambda: self._arrange(_to_float(self.column(role))))

    def codes(self, role: str) -> tuple[np.ndarray, np.ndarray]:
        """Integer codes (``-1`` for empty) and the unique values they index."""

        def make() -> tuple[np.ndarray, np.ndarray]:
            codes, uniques = pd.factorize(self.column(role))
            codes = self._arrange(codes.astype(np.int64, copy=False))
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
                uniques = uniques.take(by_first)  # before the object array: 3× faster
            uniq = np.asarray(uniques, dtype=object)
            if pd.api.types.is_numeric_dtype(uniques.dtype):
                blank = np.zeros(len(uniq), dtype=bool)
            elif pd.api.types.is_string_dtype(uniques.dtype) and uniques.dtype != object:
                blank = np.asarray(uniques.str.strip() == "", dtype=bool)
            else:
                blank = np.array([str(u).strip() == "" for u in uniq], dtype=bool)
            if blank.any():
                remap = np.where(blank, -1, np.arange(len(uniq)))
                codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
            return codes, uniq

        return self.memo(("codes", role), make)

    def flag(self, role: str) -> tuple[np.ndarray, np.ndarray]:
        """(true, known) boolean arrays of a yes/no column."""

        def make() -> tuple[np.ndarray, np.ndarray]:
            codes, uniq = self.codes(role)
            lut = [_flag_value(u) for u in uniq]
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


_PREPS: OrderedDict[tuple[Any, ...], tuple[weakref.ref, _Prep]] = OrderedDict()
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


def _prep(table: Table, sort_role: str | None = None) -> _Prep:
    """The prepared arrays of ``table``, cached while its DataFrame lives (not hashed).

    Built once even when two threads ask at once: the second waits for the first.
    """
    key = (id(table.df), tuple(sorted(table.mapping.items())), sort_role)

    def cached() -> _Prep:
        with _PREPS_LOCK:
            hit = _PREPS.get(key)
            if hit is None or hit[0]() is not table.df or hit[1].n != len(table.df):
                raise KeyError(key)
            _PREPS.move_to_end(key)
            return hit[1]

    def build() -> _Prep:
        prep = _Prep(table, sort_role)
        with _PREPS_LOCK:
            for dead in [k for k, (ref, _) in _PREPS.items() if ref() is None]:
                del _PREPS[dead]
            _PREPS[key] = (weakref.ref(table.df, _forget(key)), prep)
            while len(_PREPS) > _PREPS_MAX:
                _PREPS.popitem(last=False)
        return prep

    return _BUILDING.once(key, cached, build)


def warm(table: Table) -> None:
    """Prepare what the dashboard needs first for ``table`` (sorted dates, amounts, id codes,
    counted rows), so that its first display does not pay for it. Meant for a background
    thread right after a load; a page that asks meanwhile waits for the same work."""
    if table.kind != "orders" or "date" not in table.mapping:
        return
    try:
        prep = _prep(table, "date")
        prep.date_ordered_ids = True
        _Orders(prep, None, None)
        for role in FILTER_ROLES:
            if prep.has(role) and role not in ID_ROLES:
                prep.codes(role)
    except RuntimeError:  # the table was released meanwhile (user removed it)
        return


# ---------------------------------------------------------------------------------------------
# Public primitives
# ---------------------------------------------------------------------------------------------


def line_amount(table: Table) -> pd.Series:
    """Each row's amount: the ``amount`` column; without it, ``quantity × unit_price``.

    When both exist the amount wins; a row whose amount is empty falls back to its
    quantity × unit price. Negative amounts (credit notes, returns) are kept. Returns a float
    Series aligned with ``table.df`` (NaN where nothing is known); the table is not modified.
    """
    df = table.df
    amount_col, qty_col, price_col = (_col(table, r) for r in ("amount", "quantity", "unit_price"))
    product = None
    if qty_col and price_col:
        product = pd.Series(_to_float(df[qty_col]) * _to_float(df[price_col]), index=df.index)
    if amount_col:
        amount = pd.Series(_to_float(df[amount_col]), index=df.index)
        return amount if product is None else amount.fillna(product)
    if product is not None:
        return product
    return pd.Series(np.nan, index=df.index)


def _amount_array(prep: _Prep) -> np.ndarray:
    """Sorted-order amounts with NaN as 0 (a row with no amount adds nothing)."""

    def make() -> np.ndarray:
        amount = None
        if prep.has("quantity") and prep.has("unit_price"):
            amount = prep.number("quantity") * prep.number("unit_price")
        if prep.has("amount"):
            amount = (
                prep.number("amount")
                if amount is None
                else np.where(np.isnan(prep.number("amount")), amount, prep.number("amount"))
            )
        if amount is None:
            return np.zeros(prep.n)
        return np.nan_to_num(amount, nan=0.0)

    return prep.memo("amount", make)


def _status_key(statuses: Collection[str] | None) -> frozenset[str] | None:
    return None if statuses is None else frozenset(str(s).strip() for s in statuses)


def _counted_array(prep: _Prep, statuses: frozenset[str] | None) -> np.ndarray:
    def make() -> np.ndarray:
        if not prep.has("status"):
            return np.ones(prep.n, dtype=bool)
        codes, uniq = prep.codes("status")
        if statuses is None:
            lut = [status_class(u) not in _NOT_COUNTED for u in uniq]
        else:
            lut = [str(u).strip() in statuses for u in uniq]
        return np.array(lut + [True], dtype=bool)[np.where(codes >= 0, codes, len(uniq))]

    return prep.memo(("counted", statuses), make)


def counted_rows(table: Table, statuses: Collection[str] | None = None) -> pd.Series:
    """Whether each row counts (boolean Series aligned with ``table.df``).

    Parameters
    ----------
    table : Table
    statuses : collection of str or None
        The status values that count, as edited by the user; ``None`` for the default: every
        status except those meaning cancelled, refunded, returned or lost (see
        :func:`status_class`). Rows with an empty status, or with no status column, always
        count.
    """
    prep = _Prep(table)  # original row order
    return pd.Series(_counted_array(prep, _status_key(statuses)), index=table.df.index)


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
    col = _col(table, "status")
    if col is None:
        return pd.DataFrame(columns=cols)
    counts = table.df[col].value_counts(dropna=True)
    key = _status_key(statuses)
    rows = []
    for value, n in counts.items():
        meaning = status_class(value)
        counted = meaning not in _NOT_COUNTED if key is None else str(value).strip() in key
        rows.append((str(value), int(n), meaning, counted))
    out = pd.DataFrame(rows, columns=cols)
    out["meaning"] = pd.Series([r[2] for r in rows], dtype=object)
    return out


def _deal_outcome_array(prep: _Prep) -> np.ndarray:
    """0 open, 1 won, 2 lost per deal (see :func:`deal_outcomes`)."""

    def make() -> np.ndarray:
        out = np.zeros(prep.n, dtype=np.int8)
        if prep.has("stage"):
            out = prep.classes("stage", _outcome_of_stage, "outcome").copy()
        if prep.has("won"):
            true, known = prep.flag("won")
            closed_evidence = np.ones(prep.n, dtype=bool)
            close_role = prep.first("close_date")
            if close_role:
                closed_evidence = prep.dates(close_role) != _NAT
            elif prep.has("stage"):
                closed_evidence = np.zeros(prep.n, dtype=bool)
            undecided = out == 0
            out[undecided & true] = 1
            out[undecided & known & ~true & closed_evidence] = 2
        return out

    return prep.memo("outcome", make)


def deal_outcomes(table: Table) -> pd.Series:
    """``won``, ``lost`` or ``open`` for each deal (Series aligned with ``table.df``).

    The stage decides when it means won (``Closed Won``, ``Gagné``, ``Won``, ``Signé``…) or
    lost (``Closed Lost``, ``Perdu``, ``Lost``…). Otherwise a ``won`` flag set to yes means won,
    and set to no means lost when the deal has a close date (or when the table has neither a
    stage nor a close-date column). Everything else is open.
    """
    arr = _deal_outcome_array(_Prep(table))
    labels = np.array(["open", "won", "lost"], dtype=object)
    return pd.Series(labels[arr], index=table.df.index, dtype="str")


def stage_order(table: Table, order: Sequence[str] | None = None) -> list[str]:
    """The open (not won/lost) stages of a deals table, in pipeline order.

    ``order`` (given by the user) wins. Otherwise: by a leading number when every stage has one
    (``1 - Prospect``, ``02. Qualif``); else by a known FR/EN vocabulary when every stage is
    known (Prospecting < Qualification < Proposal < Negotiation…); else in order of first
    appearance in the data.
    """
    col = _col(table, "stage")
    if col is None:
        return []
    seen = pd.unique(table.df[col].dropna())
    stages = [s for s in seen if str(s).strip() and _outcome_of_stage(s) == 0]
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
    ranks = [_STAGE_RANKS.get(_norm(s)) for s in stages]
    if stages and all(r is not None for r in ranks):
        return [s for _, _, s in sorted(zip(ranks, range(len(stages)), stages, strict=True))]
    return [str(s) for s in stages]


def _check_filters(filters: Mapping[str, Iterable[Any]] | None) -> dict[str, frozenset[str]]:
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


def _filter_mask_prep(prep: _Prep, filters: Mapping[str, frozenset[str]]) -> np.ndarray | None:
    mask: np.ndarray | None = None
    for role, values in filters.items():
        if not prep.has(role):
            continue
        codes, uniq = prep.codes(role)
        lut = np.array([str(u).strip() in values for u in uniq] + [False], dtype=bool)
        m = lut[np.where(codes >= 0, codes, len(uniq))]
        mask = m if mask is None else mask & m
    return mask


def filter_mask(table: Table, filters: Mapping[str, Iterable[Any]] | None) -> pd.Series:
    """Rows of ``table`` kept by ``filters`` (``{"region": ["Nord"], ...}``).

    A filter on a role the table does not have leaves the table alone; an empty list of values
    means no filter. Values are compared as text, spaces trimmed.

    Raises
    ------
    PiloteError
        For an unknown role id.
    """
    mask = _filter_mask_prep(_Prep(table), _check_filters(filters))
    if mask is None:
        mask = np.ones(len(table.df), dtype=bool)
    return pd.Series(mask, index=table.df.index)


def apply_filters(table: Table, filters: Mapping[str, Iterable[Any]] | None) -> Table:
    """A copy of ``table`` holding only the rows kept by ``filters`` (see :func:`filter_mask`)."""
    from dataclasses import replace

    return replace(table, df=table.df.loc[filter_mask(table, filters).to_numpy()])


ID_ROLES: frozenset[str] = frozenset({"order_id", "customer_id", "lead_id", "opportunity_id"})


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
        if _col(table, role) is None:
            continue
        values.update(str(v).strip() for v in _table_prep(table).codes(role)[1])
        if strict and len(values) > 2 * limit:
            return []
    values.discard("")
    if strict and len(values) > limit:
        return []
    return sorted(values, key=lambda v: _norm(v))[:limit]


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One KPI value for one period.

    Attributes
    ----------
    value : float or None
        ``None`` unless ``status`` is ``ok``.
    status : str
        ``ok``, ``no_data`` (empty selection), ``undefined`` (zero denominator) or
        ``unavailable`` (a table, column or date is missing).
    reason : str or None
        Message key of the reason (``compute.reason.*``), see :meth:`reason_text`.
    params : dict
        Parameters of the reason message.
    detail : dict
        JSON-safe extra figures: the inputs of CLV, shares per segment, steps of a funnel…
    """

    value: float | None
    status: str = OK
    reason: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    detail: Mapping[str, Any] = field(default_factory=dict)

    def reason_text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """Why there is no value, in ``lang``."""
        if self.reason is None:
            return None
        params = {k: v(lang) if isinstance(v, Text) else v for k, v in self.params.items()}
        return i18n.t(self.reason, lang, **params)


def _ok(value: float, **detail: Any) -> Value:
    v = float(value)
    if not math.isfinite(v):
        return Value(None, UNDEFINED, "compute.reason.undefined")
    return Value(v, OK, None, {}, detail)


def _none(status: str, reason: str, **params: Any) -> Value:
    return Value(None, status, reason, params)


class _Missing(Exception):
    """Raised inside a KPI computation when it cannot be given at all."""

    def __init__(self, value: Value) -> None:
        super().__init__(value.reason)
        self.value = value


@dataclass(frozen=True)
class KPIResult:
    """A KPI for a period, with its comparisons and target.

    Attributes
    ----------
    kpi : KPI
    period : Period
    current : Value
        The value for the period.
    previous, last_year : Value or None
        The same KPI for the previous period and the same period last year (``None`` when
        there is no such period: all the data, snapshot KPIs).
    change, change_last_year : float or None
        Relative change ``(value − reference) / |reference|``.
    delta : float or None
        ``value − previous`` (points for percentages).
    target, attainment, pacing : float or None
        Target, ``value / target``, and ``attainment / elapsed`` for KPIs that accumulate over
        the period.
    elapsed : float
        Share of the period elapsed at ``as_of`` (1 for a finished period).
    """

    kpi: KPI
    period: Period
    current: Value
    previous: Value | None = None
    last_year: Value | None = None
    change: float | None = None
    change_last_year: float | None = None
    delta: float | None = None
    target: float | None = None
    attainment: float | None = None
    pacing: float | None = None
    elapsed: float = 1.0

    @property
    def id(self) -> str:
        """The KPI id."""
        return self.kpi.id

    @property
    def value(self) -> float | None:
        """The value for the period (``None`` when there is none)."""
        return self.current.value

    @property
    def status(self) -> str:
        """The status of the value."""
        return self.current.status

    @property
    def projected_change(self) -> float | None:
        """Change vs the previous period, the value projected to the whole period first when
        the KPI accumulates and the period is unfinished."""
        prev = None if self.previous is None else self.previous.value
        if self.value is None or prev is None:
            return None
        value = self.value
        if self.kpi.accumulates and 0 < self.elapsed < 1:
            value = value / self.elapsed
        return _change(value, prev)

    def to_dict(self, lang: str = "en", currency: str | None = None) -> dict[str, Any]:
        """JSON-safe dict (``None`` for missing values, plain Python numbers)."""
        unit = self.kpi.unit
        return {
            "id": self.kpi.id,
            "label": self.kpi.label(lang),
            "value": _json_number(self.value, unit),
            "unit": unit,
            "previous": _json_number(self.previous and self.previous.value, unit),
            "change": _json_number(self.change, "percent"),
            "previous_year": _json_number(self.last_year and self.last_year.value, unit),
            "change_year": _json_number(self.change_last_year, "percent"),
            "target": _json_number(self.target, unit),
            "attainment": _json_number(self.attainment, "percent"),
            "pacing": _json_number(self.pacing, "percent"),
            "status": self.current.status,
            "reason": self.current.reason_text(lang),
            "formatted": self.kpi.format(self.value, lang, currency),
            "detail": _json_safe(dict(self.current.detail)),
        }


def _change(value: float | None, reference: float | None) -> float | None:
    if value is None or reference is None or reference == 0:
        return None
    return float((value - reference) / abs(reference))


def _json_number(value: Any, unit: str) -> float | int | None:
    if value is None:
        return None
    v = float(value)
    if not math.isfinite(v):
        return None
    if unit == "count" and v == round(v):
        return int(round(v))
    return _tidy(v)


def _role_label(role: str, lang: str) -> str:
    r = ROLES_BY_ID.get(role)
    return role if r is None else (r.label_en if lang == "en" else r.label_fr)


def _tidy(v: float) -> float:
    """Float noise of sums removed (12 significant digits): 9747747.934000001 → 9747747.934."""
    return float(f"{v:.12g}")


def _json_safe(obj: Any) -> Any:
    """Recursively make ``obj`` JSON-safe: no NaN, no numpy types, no timestamps."""
    if isinstance(obj, Mapping):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        v = float(obj)
        return _tidy(v) if math.isfinite(v) else None
    if isinstance(obj, pd.Timestamp):
        return None if pd.isna(obj) else obj.isoformat()
    if obj is None or isinstance(obj, str):
        return obj
    if obj is pd.NaT or (isinstance(obj, float) and math.isnan(obj)):
        return None
    return str(obj)


# ---------------------------------------------------------------------------------------------
# Aggregates of an orders table for one period
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _OrdersAgg:
    rows: int
    revenue: float
    orders: int
    customers: int | None
    present: np.ndarray | None
    new: int | None
    repeat: int | None
    units: float | None
    cost: float | None
    profit: float | None


class _Orders:
    """An orders table under one engine's choices: the counted rows within the filters, sorted
    by date and compressed once, so that a period is a contiguous slice of every array."""

    def __init__(self, prep: _Prep, statuses: frozenset[str] | None, keep_filter: Any) -> None:
        self.prep = prep
        self.amount_all = _amount_array(prep)
        counted = _counted_array(prep, statuses)
        self.filter_keep: np.ndarray | None = keep_filter
        keep = counted if keep_filter is None else counted & keep_filter
        idx = np.flatnonzero(keep)
        self.idx = idx
        self.dates = None if prep.sorted_dates is None else prep.sorted_dates[idx]
        self.amt = self.amount_all[idx]
        self.order = self.customer = self.order_customer = self.first_date = None
        self.n_orders = self.n_customers = 0
        if prep.has("order_id"):
            codes, uniq = prep.codes("order_id")
            self.order, self.n_orders = codes[idx], len(uniq)
        if prep.has("customer_id"):
            codes, uniq = prep.codes("customer_id")
            self.customer, self.n_customers = codes[idx], len(uniq)
            if self.order is not None:
                order_codes, n_orders = prep.codes("order_id")[0], self.n_orders
                self.order_customer = prep.memo(
                    "order_customer", lambda: _order_customer(order_codes, codes, n_orders)
                )
            if prep.sort_role is not None:
                self.first_date = prep.memo(
                    ("first_date", statuses),
                    lambda: _first_dates(prep.dates("date"), codes, counted, len(uniq)),
                )
        # Whether every kept row has an order id / a customer: lets _agg skip masks.
        self.orders_complete = self.order is not None and bool((self.order >= 0).all())
        self.customers_complete = self.customer is not None and bool((self.customer >= 0).all())
        self.qty = self._numbers("quantity")
        self.cost = self._numbers("cost")
        self.profit = self._numbers("profit")
        self._taken: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def _numbers(self, role: str) -> np.ndarray | None:
        if not self.prep.has(role):
            return None
        prep = self.prep
        return prep.memo(("num0", role), lambda: np.nan_to_num(prep.number(role)))[self.idx]

    def take(self, role: str) -> tuple[np.ndarray, np.ndarray]:
        """Codes of ``role`` for the kept rows, and the unique values."""
        if role not in self._taken:
            codes, uniq = self.prep.codes(role)
            self._taken[role] = (codes[self.idx], uniq)
        return self._taken[role]

    def slice(self, period: Period) -> slice:
        """The kept rows of ``period`` (rows without a date only in all the data)."""
        if period.is_all:
            return slice(0, len(self.idx))
        if self.dates is None:
            raise _Missing(_none(UNAVAILABLE, "compute.reason.no_date"))
        assert period.start is not None and period.end is not None
        lo = int(np.searchsorted(self.dates, period.start.value, side="left"))
        hi = int(np.searchsorted(self.dates, period.end.value, side="left"))
        return slice(lo, hi)


def _order_customer(order: np.ndarray, customer: np.ndarray, n_orders: int) -> np.ndarray:
    """The customer of each order (``-1`` when none; the largest code if an order has several,
    which only happens in inconsistent exports)."""
    valid = (order >= 0) & (customer >= 0)
    out = np.full(n_orders, -1, dtype=np.int64)
    np.maximum.at(out, order[valid], customer[valid])
    return out


# ---------------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------------


class Engine:
    """Compute catalogue KPIs from loaded tables.

    Parameters
    ----------
    tables : sequence of Table
        The loaded tables (any kinds). For each need of a KPI, the first table of the right kind
        with the needed roles is used.
    filters : mapping of role → values, optional
        ``{"region": ["Nord"], "rep": ["Ana", "Léo"]}``, applied to every table that has the
        role (an empty list means no filter).
    statuses : collection of str, optional
        Order status values that count (``None``: the default, see :func:`counted_rows`).
    stage_order : sequence of str, optional
        Open pipeline stages in order, overriding :func:`stage_order`'s guess.
    as_of : date-like, optional
        "Today" for pacing and unfinished periods; default: the last date in the data.
    share_by : str, optional
        Role for ``revenue_share`` (default: the first mapped of product, region, channel, rep,
        segment).

    Raises
    ------
    PiloteError
        For a filter on an unknown role.
    """

    def __init__(
        self,
        tables: Sequence[Table],
        filters: Mapping[str, Iterable[Any]] | None = None,
        statuses: Collection[str] | None = None,
        stage_order: Sequence[str] | None = None,
        as_of: Any = None,
        share_by: str | None = None,
    ) -> None:
        self.tables = tuple(tables)
        self.filters = _check_filters(filters)
        self.statuses = _status_key(statuses)
        self.stage_order_ = list(stage_order) if stage_order else None
        self.share_by = share_by
        self._as_of = None if as_of is None else pd.Timestamp(as_of)
        self._memo: dict[Any, Any] = {}

    # -- helpers ------------------------------------------------------------------------------
    def _once(self, key: Any, make: Any) -> Any:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @property
    def as_of(self) -> pd.Timestamp | None:
        """ "Today": the date given, else the last date found in any table."""
        if self._as_of is not None:
            return self._as_of
        return self._once("as_of", self._last_date)

    def _last_date(self) -> pd.Timestamp | None:
        span = _data_span(self.tables)
        return None if span is None else span[1]

    def _tables_for(self, kpi: KPI) -> list[Table]:
        """One table per need of ``kpi``; raises _Missing when some need is not met."""
        out = []
        for need in kpi.needs:
            table = find_table(need, self.tables)
            if table is None:
                avail = availability(kpi, self.tables)
                unlock = Text(avail.unlock("fr") or "", avail.unlock("en") or "")
                raise _Missing(_none(UNAVAILABLE, "compute.reason.unavailable", unlock=unlock))
            out.append(table)
        return out

    def _keep(self, prep: _Prep) -> np.ndarray | None:
        # Cached per engine (one filter choice), not per table: masks of old filter choices
        # must not pile up in the shared table cache.
        return self._once(("keep", id(prep)), lambda: _filter_mask_prep(prep, self.filters))

    def _period_mask(self, prep: _Prep, roles: Sequence[str], period: Period) -> np.ndarray:
        """Rows of ``period`` on the first mapped date role of ``roles`` (all rows for all)."""
        if period.is_all:
            return np.ones(prep.n, dtype=bool)
        role = prep.first(*roles)
        if role is None:
            raise _Missing(_none(UNAVAILABLE, "compute.reason.no_date"))
        assert period.start is not None and period.end is not None
        d = prep.dates(role)
        return (d >= period.start.value) & (d < period.end.value)

    def _rows(self, prep: _Prep, roles: Sequence[str], period: Period) -> np.ndarray:
        """Filter mask & period mask."""
        mask = self._period_mask(prep, roles, period)
        keep = self._keep(prep)
        return mask if keep is None else mask & keep

    # -- orders -------------------------------------------------------------------------------
    def _orders_base(self, table: Table) -> _Orders:
        def make() -> _Orders:
            prep = _prep(table, "date")
            return _Orders(prep, self.statuses, self._keep(prep))

        return self._once(("orders_base", id(table)), make)

    def _orders_agg(self, table: Table, period: Period) -> _OrdersAgg:
        return self._once(("orders_agg", id(table), period), lambda: self._agg(table, period))

    def _agg(self, table: Table, period: Period) -> _OrdersAgg:
        o = self._orders_base(table)
        sl = o.slice(period)
        amt = o.amt[sl]
        rows = int(len(amt))
        revenue = float(amt.sum())
        positive_rows = amt > _EPS
        loose = None  # rows without an order id, counted as one order each
        if o.order is not None:
            oc = o.order[sl]
            if o.orders_complete:
                pos_orders = _positive_groups(oc, amt)
                orders = len(pos_orders)
            else:
                has = oc >= 0
                loose = ~has & positive_rows
                pos_orders = _positive_groups(oc[has], amt[has])
                orders = len(pos_orders) + int(np.count_nonzero(loose))
        else:
            pos_orders = None
            orders = int(np.count_nonzero(positive_rows))
        customers = new = repeat = None
        present = None
        if o.customer is not None:
            cc = o.customer[sl]
            known = cc if o.customers_complete else cc[cc >= 0]
            present = np.bincount(known, minlength=o.n_customers) > 0
            customers = int(np.count_nonzero(present))
            # Buyers of each positive order (or positive row without an order id).
            if pos_orders is not None:
                assert o.order_customer is not None
                buyers = o.order_customer[pos_orders]
                if loose is not None:
                    buyers = np.concatenate([buyers, cc[loose]])
            else:
                buyers = cc[positive_rows]
            buyers = buyers[buyers >= 0]
            repeat = int(np.count_nonzero(np.bincount(buyers, minlength=1) >= 2))
            if period.is_all:
                new = customers
            elif o.first_date is not None:
                assert period.start is not None and period.end is not None
                fd = o.first_date[present]
                new = int(np.count_nonzero((fd >= period.start.value) & (fd < period.end.value)))
        units = None if o.qty is None else float(o.qty[sl].sum())
        cost = None if o.cost is None else float(o.cost[sl].sum())
        profit = None if o.profit is None else float(o.profit[sl].sum())
        return _OrdersAgg(
            rows, revenue, orders, customers, present, new, repeat, units, cost, profit
        )

    def _orders(self, table: Table, period: Period) -> _OrdersAgg:
        """The aggregate, raising no_data when the selection is empty."""
        agg = self._orders_agg(table, period)
        if agg.rows == 0:
            raise _Missing(_none(NO_DATA, "compute.reason.no_data"))
        return agg

    def _k_revenue(self, period: Period, orders: Table) -> Value:
        return _ok(self._orders(orders, period).revenue)

    def _k_revenue_growth(self, period: Period, orders: Table) -> Value:
        prev_period = period.previous()
        if prev_period is None:
            return _none(UNDEFINED, "compute.reason.no_previous_period")
        cur = self._orders(orders, period)
        prev = self._orders_agg(orders, prev_period)
        if prev.rows == 0:
            return _none(UNDEFINED, "compute.reason.no_previous_data")
        if prev.revenue <= 0:
            return _none(UNDEFINED, "compute.reason.previous_revenue_not_positive")
        return _ok(
            (cur.revenue - prev.revenue) / prev.revenue,
            revenue=cur.revenue,
            comparison_revenue=prev.revenue,
            comparison_period=prev_period.key,
        )

    def _k_orders(self, period: Period, orders: Table) -> Value:
        return _ok(self._orders(orders, period).orders)

    def _k_aov(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        if agg.orders == 0:
            return _none(UNDEFINED, "compute.reason.no_orders")
        return _ok(agg.revenue / agg.orders, revenue=agg.revenue, orders=agg.orders)

    def _k_customers(self, period: Period, orders: Table) -> Value:
        return _ok(self._orders(orders, period).customers or 0)

    def _k_new_customers(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        if agg.new is None:
            return _none(UNAVAILABLE, "compute.reason.no_date")
        return _ok(agg.new)

    def _k_revenue_per_customer(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        if not agg.customers:
            return _none(UNDEFINED, "compute.reason.no_customers")
        return _ok(agg.revenue / agg.customers, revenue=agg.revenue, customers=agg.customers)

    def _k_repeat_rate(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        if not agg.customers:
            return _none(UNDEFINED, "compute.reason.no_customers")
        return _ok(
            (agg.repeat or 0) / agg.customers, repeat_customers=agg.repeat, customers=agg.customers
        )

    def _retention(self, period: Period, orders: Table) -> Value:
        prev_period = period.previous()
        if prev_period is None:
            return _none(UNDEFINED, "compute.reason.no_previous_period")
        cur = self._orders(orders, period)
        prev = self._orders_agg(orders, prev_period)
        if not prev.customers or prev.present is None or cur.present is None:
            return _none(UNDEFINED, "compute.reason.no_previous_customers")
        kept = int(np.count_nonzero(prev.present & cur.present))
        return _ok(
            kept / prev.customers,
            retained=kept,
            previous_customers=prev.customers,
            comparison_period=prev_period.key,
        )

    def _k_retention_rate(self, period: Period, orders: Table) -> Value:
        return self._retention(period, orders)

    def _k_churn_rate(self, period: Period, orders: Table) -> Value:
        ret = self._retention(period, orders)
        if ret.value is None:
            return ret
        detail = dict(ret.detail)
        detail["lost"] = detail["previous_customers"] - detail["retained"]
        return _ok(1 - ret.value, **detail)

    def _margin(self, agg: _OrdersAgg) -> tuple[float, str]:
        if agg.cost is not None:
            return agg.revenue - agg.cost, "cost"
        if agg.profit is not None:
            return agg.profit, "profit"
        raise _Missing(_none(UNAVAILABLE, "compute.reason.no_cost"))

    def _k_gross_margin(self, period: Period, orders: Table) -> Value:
        margin, basis = self._margin(self._orders(orders, period))
        return _ok(margin, basis=basis)

    def _k_gross_margin_pct(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        margin, basis = self._margin(agg)
        if agg.revenue == 0:
            return _none(UNDEFINED, "compute.reason.zero_revenue")
        return _ok(margin / agg.revenue, gross_margin=margin, revenue=agg.revenue, basis=basis)

    def _k_units_sold(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        if agg.units is None:
            return _none(UNAVAILABLE, "compute.reason.no_quantity")
        return _ok(agg.units)

    def _year_window(self, period: Period, orders: Table) -> Period:
        if period.is_all:
            last = self._last_date_of_orders(orders)
            if last is None:
                raise _Missing(_none(UNAVAILABLE, "compute.reason.no_date"))
            end = last.normalize() + pd.Timedelta(days=1)
        else:
            assert period.end is not None
            end = period.end
        return Period("range", end - pd.DateOffset(months=12), end)

    def _last_date_of_orders(self, orders: Table) -> pd.Timestamp | None:
        d = _prep(orders, "date").sorted_dates
        if d is not None:
            valid = d[d != _MAX]
            if len(valid):
                return pd.Timestamp(int(valid[-1]))
        return None

    def _clv(self, period: Period, orders: Table) -> Value:
        self._orders(orders, period)  # no data in the period → no CLV
        window = self._year_window(period, orders)
        year = self._orders_agg(orders, window)
        before = self._orders_agg(orders, window.previous())  # type: ignore[arg-type]
        if not year.customers:
            return _none(UNDEFINED, "compute.reason.no_customers")
        if not before.customers or before.present is None or year.present is None:
            return _none(UNDEFINED, "compute.reason.clv_history")
        churn = 1 - np.count_nonzero(before.present & year.present) / before.customers
        rpc = year.revenue / year.customers
        margin_pct = 1.0
        basis = "none"
        if year.cost is not None or year.profit is not None:
            if year.revenue == 0:
                return _none(UNDEFINED, "compute.reason.zero_revenue")
            margin, basis = self._margin(year)
            margin_pct = margin / year.revenue
        detail = {
            "revenue_per_customer_year": rpc,
            "gross_margin_pct": margin_pct,
            "margin_basis": basis,
            "churn_rate_year": float(churn),
            "window_start": window.start.date().isoformat(),  # type: ignore[union-attr]
            "window_end": window.last_day.date().isoformat(),  # type: ignore[union-attr]
        }
        if churn <= 0:
            return Value(None, UNDEFINED, "compute.reason.zero_churn", {}, detail)
        return _ok(rpc * margin_pct / churn, **detail)

    def _k_clv(self, period: Period, orders: Table) -> Value:
        return self._clv(period, orders)

    def _k_revenue_share(self, period: Period, orders: Table) -> Value:
        o = self._orders_base(orders)
        roles = [self.share_by] if self.share_by else []
        roles += ["product", "region", "channel", "rep", "segment"]
        role = o.prep.first(*roles)
        if role is None:
            return _none(UNAVAILABLE, "compute.reason.no_dimension")
        agg = self._orders(orders, period)
        if agg.revenue <= 0:
            return _none(UNDEFINED, "compute.reason.zero_revenue")
        sl = o.slice(period)
        codes, uniq = o.take(role)
        c = codes[sl]
        c = np.where(c >= 0, c, len(uniq))
        sums = np.bincount(c, weights=o.amt[sl], minlength=len(uniq) + 1)
        order = np.argsort(-sums, kind="stable")
        order = order[sums[order] != 0]

        def name(i: int) -> str | None:
            return None if i == len(uniq) else str(uniq[i])

        top = [
            {"segment": name(i), "revenue": float(sums[i]), "share": float(sums[i] / agg.revenue)}
            for i in order[:25]
        ]
        if len(order) > 25:
            other = float(sums[order[25:]].sum())
            top.append({"segment": "…", "revenue": other, "share": other / agg.revenue})
        return _ok(top[0]["share"], dimension=role, top=top[0]["segment"], shares=top)

    def _k_complaint_rate(self, period: Period, orders: Table) -> Value:
        o = self._orders_base(orders)
        prep = o.prep
        if not period.is_all and prep.sort_role is None:
            return _none(UNAVAILABLE, "compute.reason.no_date")
        sl = prep.slice_for(period)
        keep = o.filter_keep

        def rows(arr: np.ndarray) -> np.ndarray:
            return arr[sl] if keep is None else arr[sl][keep[sl]]

        amt = rows(o.amount_all)
        if len(amt) == 0:
            return _none(NO_DATA, "compute.reason.no_data")
        flagged = np.zeros(len(amt), dtype=bool)
        if prep.has("status"):
            flagged = rows(prep.classes("status", _complaint_class, "complaint")) == 1
        if prep.has("order_id"):
            oc = rows(prep.codes("order_id")[0])
            has = oc >= 0
            every = bool(has.all())
            codes = oc if every else oc[has]
            lo = int(codes.min()) if len(codes) else 0
            codes = codes - lo
            net = np.bincount(codes, weights=amt if every else amt[has])
            bad = np.zeros(len(net), dtype=bool)
            fl = flagged if every else flagged[has]
            bad[codes[fl]] = True
            n_orders = int(np.count_nonzero(net > _EPS))
            n_bad = int(np.count_nonzero(bad | (net < -_EPS)))
            if not every:
                n_orders += int(np.count_nonzero(~has & (amt > _EPS)))
                n_bad += int(np.count_nonzero(~has & (flagged | (amt < -_EPS))))
        else:
            n_orders = int(np.count_nonzero(amt > _EPS))
            n_bad = int(np.count_nonzero(flagged | (amt < -_EPS)))
        if n_orders == 0:
            return _none(UNDEFINED, "compute.reason.no_orders")
        return _ok(n_bad / n_orders, returns_or_complaints=n_bad, orders=n_orders)

    # -- deals --------------------------------------------------------------------------------
    def _deals(self, table: Table) -> tuple[_Prep, np.ndarray, np.ndarray]:
        """Prepared deals, outcomes, and the filter mask (all True without filters)."""
        prep = _prep(table)
        keep = self._keep(prep)
        if keep is None:
            keep = np.ones(prep.n, dtype=bool)
        return prep, _deal_outcome_array(prep), keep

    def _closed_in(self, table: Table, period: Period) -> tuple[np.ndarray, np.ndarray]:
        """(won, lost) masks of deals closed in ``period`` within the filters."""
        prep, outcome, keep = self._deals(table)
        in_period = self._period_mask(prep, ("close_date", "date"), period)
        m = keep & in_period
        return m & (outcome == 1), m & (outcome == 2)

    def _k_win_rate(self, period: Period, deals: Table) -> Value:
        won, lost = self._closed_in(deals, period)
        n_won, n_lost = int(won.sum()), int(lost.sum())
        if n_won + n_lost == 0:
            return _none(NO_DATA, "compute.reason.no_closed_deals")
        return _ok(n_won / (n_won + n_lost), won=n_won, lost=n_lost)

    def _k_avg_deal_size(self, period: Period, deals: Table) -> Value:
        won, _ = self._closed_in(deals, period)
        amounts = _prep(deals).number("amount")[won]
        amounts = amounts[~np.isnan(amounts)]
        if len(amounts) == 0:
            return _none(NO_DATA, "compute.reason.no_won_deals")
        return _ok(amounts.mean(), won_deals=len(amounts), won_value=float(amounts.sum()))

    def _k_sales_cycle_days(self, period: Period, deals: Table) -> Value:
        prep = _prep(deals)
        won, _ = self._closed_in(deals, period)
        close_role = prep.first("close_date", "date")
        if close_role is None or not prep.has("created_date"):
            return _none(UNAVAILABLE, "compute.reason.no_date")
        created, closed = prep.dates("created_date"), prep.dates(close_role)
        ok = won & (created != _NAT) & (closed != _NAT)
        days = (closed[ok] - created[ok]) / _NS_PER_DAY
        negative = int(np.count_nonzero(days < 0))
        days = days[days >= 0]
        if len(days) == 0:
            return _none(NO_DATA, "compute.reason.no_won_deals")
        return _ok(days.mean(), won_deals=len(days), excluded_negative=negative)

    def _open_deals(self, deals: Table) -> tuple[np.ndarray, np.ndarray]:
        """(open mask within filters, all deals within filters)."""
        prep, outcome, keep = self._deals(deals)
        if not keep.any():
            raise _Missing(_none(NO_DATA, "compute.reason.no_data"))
        return keep & (outcome == 0), keep

    def _k_pipeline_value(self, period: Period, deals: Table) -> Value:
        open_, _ = self._open_deals(deals)
        amounts = _prep(deals).number("amount")[open_]
        known = ~np.isnan(amounts)
        if open_.any() and not known.any():
            return _none(UNDEFINED, "compute.reason.no_open_amount")
        return _ok(float(amounts[known].sum()), open_deals=int(open_.sum()), as_of=self.as_of)

    def _stage_rates(self, deals: Table) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Stage order, reached counts per stage (+ won at the end), and each deal's rank."""
        prep, outcome, keep = self._deals(deals)
        order = stage_order(deals, self.stage_order_)
        return self._reached(prep, outcome, keep, order)

    def _reached(
        self, prep: _Prep, outcome: np.ndarray, mask: np.ndarray, order: list[str]
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        # Without any open stage, one unnamed first stage (every deal) precedes "won".
        order = list(order) if order else [None]  # type: ignore[list-item]
        k = len(order)
        rank = np.zeros(prep.n, dtype=np.int64)  # unknown or lost stage: the first stage
        if prep.has("stage"):
            codes, uniq = prep.codes("stage")
            pos = {s: i for i, s in enumerate(order) if s is not None}
            lut = np.array([pos.get(u, pos.get(str(u), 0)) for u in uniq] + [0])
            rank = lut[np.where(codes >= 0, codes, len(uniq))]
        rank = np.where(outcome == 1, k, rank)  # won deals reached every stage
        counts = np.bincount(rank[mask], minlength=k + 1)
        reached = counts[::-1].cumsum()[::-1]  # reached stage j = deals at rank >= j
        return order, reached, rank

    def _k_weighted_pipeline(self, period: Period, deals: Table) -> Value:
        prep = _prep(deals)
        open_, keep = self._open_deals(deals)
        amounts = prep.number("amount")
        known = open_ & ~np.isnan(amounts)
        if open_.any() and not known.any():
            return _none(UNDEFINED, "compute.reason.no_open_amount")
        _, outcome, _ = self._deals(deals)
        order, reached, rank = self._stage_rates(deals)
        won_total = reached[-1]
        hist = np.divide(won_total, reached, out=np.zeros(len(reached)), where=reached > 0)
        if not prep.has("stage"):  # won flag only: overall win rate of closed deals
            closed = keep & (outcome > 0)
            rate = (keep & (outcome == 1)).sum() / closed.sum() if closed.any() else 0.0
            weight = np.full(prep.n, rate)
        else:
            weight = hist[np.clip(rank, 0, len(hist) - 1)]
        source = "historical"
        if prep.has("probability"):
            prob = prep.number("probability")
            scale = 100.0 if np.nanmax(np.append(prob, 0)) > 1 else 1.0
            prob = np.clip(prob / scale, 0, 1)
            weight = np.where(np.isnan(prob), weight, prob)
            source = "column"
        value = float((amounts[known] * weight[known]).sum())
        return _ok(value, open_deals=int(open_.sum()), probability=source, as_of=self.as_of)

    def _k_sales_velocity(self, period: Period, deals: Table) -> Value:
        open_, _ = self._open_deals(deals)
        parts = {
            "win_rate": self._k_win_rate(period, deals),
            "avg_deal_size": self._k_avg_deal_size(period, deals),
            "sales_cycle_days": self._k_sales_cycle_days(period, deals),
        }
        for part in parts.values():
            if part.value is None:
                return part
        cycle = parts["sales_cycle_days"].value
        if not cycle:
            return _none(UNDEFINED, "compute.reason.zero_cycle")
        n_open = int(open_.sum())
        wr, size = parts["win_rate"].value, parts["avg_deal_size"].value
        assert wr is not None and size is not None
        return _ok(
            n_open * wr * size / cycle,
            open_deals=n_open,
            win_rate=wr,
            avg_deal_size=size,
            sales_cycle_days=cycle,
        )

    def _k_stage_conversion(self, period: Period, deals: Table) -> Value:
        prep, outcome, keep = self._deals(deals)
        created = self._period_mask(prep, ("created_date", "date"), period)
        order = stage_order(deals, self.stage_order_)
        order, reached, _ = self._reached(prep, outcome, keep & created, order)
        if reached[0] == 0:
            return _none(NO_DATA, "compute.reason.no_data")
        names = [*order, "won"]
        steps = [
            {
                "from": names[j],
                "to": names[j + 1],
                "reached_from": int(reached[j]),
                "reached_to": int(reached[j + 1]),
                "rate": float(reached[j + 1] / reached[j]) if reached[j] else None,
            }
            for j in range(len(names) - 1)
        ]
        return _ok(
            reached[-1] / reached[0], stages=names, steps=steps, reached=[int(x) for x in reached]
        )

    def _k_deals_created(self, period: Period, deals: Table) -> Value:
        prep = _prep(deals)
        m = self._rows(prep, ("created_date", "date"), period)
        n = _distinct(prep, "opportunity_id", m)
        if n == 0:
            return _none(NO_DATA, "compute.reason.no_data")
        return _ok(n)

    # -- leads and spend ----------------------------------------------------------------------
    def _lead_rows(self, leads: Table, period: Period) -> tuple[_Prep, np.ndarray]:
        prep = _prep(leads)
        m = self._rows(prep, ("created_date", "date"), period)
        if not m.any():
            raise _Missing(_none(NO_DATA, "compute.reason.no_leads"))
        return prep, m

    def _k_leads(self, period: Period, leads: Table) -> Value:
        prep, m = self._lead_rows(leads, period)
        detail: dict[str, Any] = {}
        role = prep.first("source", "channel")
        if role:
            detail["by"] = role
            detail["counts"] = _counts_by(prep, role, m)
        return _ok(_distinct(prep, "lead_id", m), **detail)

    def _k_lead_conversion_rate(self, period: Period, leads: Table) -> Value:
        prep, m = self._lead_rows(leads, period)
        true, known = prep.flag("converted")
        explicit_no = bool((known & ~true).any())
        decided = m & known if explicit_no else m
        n = int(decided.sum())
        if n == 0:
            return _none(UNDEFINED, "compute.reason.no_decided_leads")
        converted = int((decided & true).sum())
        return _ok(converted / n, converted=converted, leads=n, open_leads=int(m.sum()) - n)

    def _spend_rows(self, spend: Table, period: Period) -> tuple[_Prep, np.ndarray]:
        prep = _prep(spend)
        return prep, self._rows(prep, ("date",), period)

    def _spend_total(self, spend: Table, period: Period) -> float:
        prep, m = self._spend_rows(spend, period)
        if not m.any():
            raise _Missing(_none(NO_DATA, "compute.reason.no_spend"))
        return float(np.nansum(prep.number("spend")[m]))

    def _k_cost_per_lead(self, period: Period, spend: Table, leads: Table) -> Value:
        total = self._spend_total(spend, period)
        lprep, lm = self._lead_rows(leads, period)
        n = _distinct(lprep, "lead_id", lm)
        detail: dict[str, Any] = {"spend": total, "leads": n}
        sprep, sm = self._spend_rows(spend, period)
        s_role, l_role = sprep.first("channel", "source"), lprep.first("channel", "source")
        if s_role and l_role:
            spend_by = _sums_by(sprep, s_role, sm, sprep.number("spend"))
            leads_by = _sums_by(lprep, l_role, lm, np.ones(lprep.n))
            detail["by_channel"] = [
                {
                    "channel": name,
                    "spend": spend_by.get(key, (name, 0.0))[1],
                    "leads": int(leads_by.get(key, (name, 0.0))[1]),
                    "cost_per_lead": (
                        spend_by[key][1] / leads_by[key][1]
                        if key in spend_by and leads_by.get(key, (0, 0))[1] > 0
                        else None
                    ),
                }
                for key, name in _union_names(leads_by, spend_by)
            ]
        return _ok(total / n, **detail) if n else _none(UNDEFINED, "compute.reason.no_leads")

    def _k_cac(self, period: Period, spend: Table, orders: Table) -> Value:
        total = self._spend_total(spend, period)
        agg = self._orders(orders, period)
        if agg.new is None:
            return _none(UNAVAILABLE, "compute.reason.no_date")
        if agg.new == 0:
            return _none(UNDEFINED, "compute.reason.no_new_customers")
        return _ok(total / agg.new, spend=total, new_customers=agg.new)

    def _k_ltv_cac(self, period: Period, spend: Table, orders: Table) -> Value:
        clv = self._clv(period, orders)
        if clv.value is None:
            return clv
        cac = self._k_cac(period, spend, orders)
        if cac.value is None:
            return cac
        if cac.value <= 0:
            return _none(UNDEFINED, "compute.reason.no_spend")
        return _ok(clv.value / cac.value, clv=clv.value, cac=cac.value)

    def _k_roi(self, period: Period, spend: Table, orders: Table) -> Value:
        sprep, sm = self._spend_rows(spend, period)
        if not sm.any():
            return _none(NO_DATA, "compute.reason.no_spend")
        self._orders(orders, period)
        o = self._orders_base(orders)
        sl = o.slice(period)
        s_role = sprep.first("channel", "source")
        o_role = o.prep.first("channel", "source")
        assert s_role is not None and o_role is not None
        spend_by = _sums_by(sprep, s_role, sm, sprep.number("spend"))
        codes, uniq = o.take(o_role)
        rev_by = _sums_codes(codes[sl], uniq, o.amt[sl])
        rows = []
        tot_spend = tot_rev = 0.0
        for key, name in _union_names(rev_by, spend_by):
            s = spend_by.get(key, (name, 0.0))[1]
            r = rev_by.get(key, (name, 0.0))[1]
            rows.append(
                {"channel": name, "spend": s, "revenue": r, "roi": (r - s) / s if s > 0 else None}
            )
            if s > 0:
                tot_spend += s
                tot_rev += r
        if tot_spend <= 0:
            return _none(UNDEFINED, "compute.reason.no_spend")
        return _ok(
            (tot_rev - tot_spend) / tot_spend, spend=tot_spend, revenue=tot_rev, by_channel=rows
        )

    # -- activities and satisfaction ----------------------------------------------------------
    def _activity(self, table: Table, period: Period) -> tuple[_Prep, np.ndarray, np.ndarray]:
        """Prepared activities, rows in period & filters, and each row's type (0 other, 1 call,
        2 message, 3 meeting)."""
        prep = _prep(table)
        m = self._rows(prep, ("date",), period)
        if not m.any():
            raise _Missing(_none(NO_DATA, "compute.reason.no_data"))
        kind = np.zeros(prep.n, dtype=np.int8)
        if prep.has("activity_type"):
            kind = prep.classes("activity_type", _activity_class, "activity")
        return prep, m, kind

    def _k_response_rate(self, period: Period, activities: Table) -> Value:
        prep, m, kind = self._activity(activities, period)
        true, known = prep.flag("replied")
        sent = m & (kind == 2) if (kind == 2).any() else m
        if not (kind == 2).any() and (known & ~true).any():
            sent = sent & known
        n = int(sent.sum())
        if n == 0:
            return _none(UNDEFINED, "compute.reason.no_messages")
        replies = int((sent & true).sum())
        return _ok(replies / n, replies=replies, messages=n)

    def _k_meeting_rate(self, period: Period, activities: Table) -> Value:
        prep, m, kind = self._activity(activities, period)
        if prep.has("meeting"):
            true, known = prep.flag("meeting")
            contacts = m & (kind == 1) if (kind == 1).any() else m
            if not (kind == 1).any() and (known & ~true).any():
                contacts = contacts & known
            meetings = int((contacts & true).sum())
        else:
            if not (kind == 3).any():
                return _none(UNAVAILABLE, "compute.reason.no_meeting_type")
            contacts = m & ((kind == 1) | (kind == 2))
            meetings = int((m & (kind == 3)).sum())
        n = int(contacts.sum())
        if n == 0:
            return _none(UNDEFINED, "compute.reason.no_contacts")
        return _ok(meetings / n, meetings=meetings, contacts=n)

    def _k_avg_call_minutes(self, period: Period, activities: Table) -> Value:
        prep, m, kind = self._activity(activities, period)
        calls = m & (kind == 1) if (kind == 1).any() else m
        d = prep.number("duration")[calls]
        d = d[~np.isnan(d)]
        if len(d) == 0:
            return _none(UNDEFINED, "compute.reason.no_calls")
        return _ok(d.mean(), calls=len(d))

    def _scores(self, table: Table, role: str, period: Period) -> np.ndarray:
        prep = _prep(table)
        m = self._rows(prep, ("date", "created_date"), period)
        scores = prep.number(role)[m]
        scores = scores[~np.isnan(scores)]
        if len(scores) == 0:
            raise _Missing(_none(NO_DATA, "compute.reason.no_answers"))
        return scores

    def _k_nps(self, period: Period, survey: Table) -> Value:
        s = self._scores(survey, "nps", period)
        valid = s[(s >= 0) & (s <= 10)]
        if len(valid) == 0:
            return _none(UNDEFINED, "compute.reason.no_answers")
        promoters = int(np.count_nonzero(valid >= 9))
        detractors = int(np.count_nonzero(valid <= 6))
        return _ok(
            100.0 * (promoters - detractors) / len(valid),
            answers=len(valid),
            promoters=promoters,
            detractors=detractors,
            out_of_scale=len(s) - len(valid),
        )

    def _k_csat(self, period: Period, survey: Table) -> Value:
        s = self._scores(survey, "csat", period)
        valid = s[(s >= 1) & (s <= 5)]
        if len(valid) == 0:
            return _none(UNDEFINED, "compute.reason.no_answers")
        satisfied = int(np.count_nonzero(valid >= 4))
        return _ok(
            satisfied / len(valid),
            answers=len(valid),
            satisfied=satisfied,
            out_of_scale=len(s) - len(valid),
        )

    # -- targets ------------------------------------------------------------------------------
    def _target_span(self, targets: Table) -> Period:
        prep = _prep(targets)
        if not prep.has("date"):
            raise _Missing(_none(UNAVAILABLE, "compute.reason.no_date"))
        d = prep.dates("date")
        keep = self._keep(prep)
        d = d[(d != _NAT) & (True if keep is None else keep)]
        if len(d) == 0:
            raise _Missing(_none(NO_DATA, "compute.reason.no_targets"))
        first = Period.containing(pd.Timestamp(int(d.min())), "month")
        last = Period.containing(pd.Timestamp(int(d.max())), "month")
        assert first.start is not None and last.end is not None
        return Period("range", first.start, last.end)

    def target_total(self, period: Period | str, targets: Table | None = None) -> float | None:
        """Σ of the targets table for ``period`` within the filters (``None`` without a table
        or rows)."""
        period = parse_period(period)
        targets = targets or next(
            (t for t in self.tables if t.kind == "targets" and _col(t, "target")), None
        )
        if targets is None or self._uncovered_filter(targets) is not None:
            return None
        prep = _prep(targets)
        try:
            m = self._rows(prep, ("date",), period)
        except _Missing:
            return None
        if not m.any():
            return None
        return float(np.nansum(prep.number("target")[m]))

    def _uncovered_filter(self, targets: Table) -> str | None:
        """A filtered role the targets table cannot be split by (a region filter on targets set
        per rep): its total would not match the filtered revenue."""
        return next((role for role in self.filters if not _col(targets, role)), None)

    def _attain(self, period: Period, targets: Table, orders: Table) -> tuple[Value, Period]:
        role = self._uncovered_filter(targets)
        if role is not None:
            raise _Missing(
                _none(
                    UNAVAILABLE,
                    "compute.reason.targets_not_by",
                    role=Text(_role_label(role, "fr"), _role_label(role, "en")),
                )
            )
        span = self._target_span(targets) if period.is_all else period
        total = self.target_total(span, targets)
        if total is None:
            return _none(NO_DATA, "compute.reason.no_targets"), span
        if total <= 0:
            return _none(UNDEFINED, "compute.reason.zero_target"), span
        actual = self._orders_agg(orders, span).revenue
        detail: dict[str, Any] = {"actual": actual, "target": total, "period": span.key}
        return _ok(actual / total, **detail), span

    def _k_attainment(self, period: Period, targets: Table, orders: Table) -> Value:
        value, span = self._attain(period, targets, orders)
        if value.value is None:
            return value
        detail = dict(value.detail)
        for by in ("rep", "team"):
            if _col(targets, by) and _col(orders, by):
                table = self.attainment_table(span, by)
                detail["by"] = by
                detail["rows"] = table.to_dict("records")
                break
        return _ok(value.value, **detail)

    def _k_pacing(self, period: Period, targets: Table, orders: Table) -> Value:
        value, span = self._attain(period, targets, orders)
        if value.value is None:
            return value
        share = span.elapsed_share(self.as_of) if self.as_of is not None else 1.0
        if share <= 0:
            return _none(UNDEFINED, "compute.reason.not_started")
        return _ok(
            value.value / share,
            attainment=value.value,
            elapsed=share,
            **{k: v for k, v in value.detail.items() if k != "attainment"},
        )

    def attainment_table(self, period: Period | str, by: str = "rep") -> pd.DataFrame:
        """Revenue vs targets per rep or team for ``period``.

        Returns
        -------
        pandas.DataFrame
            Columns ``by`` value (named after the role), ``target``, ``actual``,
            ``attainment``, ``pacing``; empty when the targets table or the orders table lacks
            the role. Values present in only one table appear with the other side 0/None.
        """
        period = parse_period(period)
        cols = [by, "target", "actual", "attainment", "pacing"]
        targets = next(
            (t for t in self.tables if t.kind == "targets" and _col(t, "target") and _col(t, by)),
            None,
        )
        orders = next((t for t in self.tables if t.kind == "orders" and _col(t, by)), None)
        if targets is None or orders is None:
            return pd.DataFrame(columns=cols)
        try:
            span = self._target_span(targets) if period.is_all else period
            tprep = _prep(targets)
            tm = self._rows(tprep, ("date",), span)
            self._orders_agg(orders, span)
        except _Missing:
            return pd.DataFrame(columns=cols)
        target_by = _sums_by(tprep, by, tm, tprep.number("target"), normalise=False)
        o = self._orders_base(orders)
        sl = o.slice(span)
        codes, uniq = o.take(by)
        actual_by = _sums_codes(codes[sl], uniq, o.amt[sl], normalise=False)
        share = span.elapsed_share(self.as_of) if self.as_of is not None else 1.0
        rows = []
        for key, name in _union_names(target_by, actual_by):
            tgt = target_by.get(key, (name, 0.0))[1]
            act = actual_by.get(key, (name, 0.0))[1]
            att = act / tgt if tgt > 0 else None
            pace = att / share if att is not None and share > 0 else None
            rows.append((name, tgt, act, att, pace))
        return pd.DataFrame(rows, columns=cols)

    # -- generic entry points -----------------------------------------------------------------
    def value(self, kpi_id: str, period: Period | str = ALL) -> Value:
        """The value of one KPI for one period (never raises for missing data).

        Raises
        ------
        PiloteError
            For an unknown KPI id or period text.
        """
        kpi = get_kpi(kpi_id)
        period = parse_period(period)
        return self._once(("value", kpi.id, period), lambda: self._value(kpi, period))

    def _value(self, kpi: KPI, period: Period) -> Value:
        try:
            tables = self._tables_for(kpi)
            return getattr(self, f"_k_{kpi.id}")(period, *tables)
        except _Missing as missing:
            return missing.value

    def result(
        self, kpi_id: str, period: Period | str = ALL, target: float | None = None
    ) -> KPIResult:
        """A KPI for ``period`` with previous period, same period last year and target.

        The revenue KPI takes its target from the targets table when none is typed in.
        """
        kpi = get_kpi(kpi_id)
        period = parse_period(period)
        current = self.value(kpi.id, period)
        prev = last = None
        if kpi.id not in _SNAPSHOT and not period.is_all:
            p, y = period.previous(), period.last_year()
            prev = None if p is None else self.value(kpi.id, p)
            last = None if y is None else self.value(kpi.id, y)
        v = current.value
        pv = None if prev is None else prev.value
        lv = None if last is None else last.value
        if target is None and kpi.id == "revenue" and not period.is_all:
            target = self.target_total(period)
        elapsed = 1.0
        if self.as_of is not None and not period.is_all:
            elapsed = period.elapsed_share(self.as_of)
        attainment = pacing = None
        if target is not None and v is not None and target != 0:
            attainment = v / target
            if kpi.accumulates and elapsed > 0:
                pacing = attainment / elapsed
        return KPIResult(
            kpi=kpi,
            period=period,
            current=current,
            previous=prev,
            last_year=last,
            change=_change(v, pv),
            change_last_year=_change(v, lv),
            delta=None if v is None or pv is None else v - pv,
            target=None if target is None else float(target),
            attainment=attainment,
            pacing=pacing,
            elapsed=elapsed,
        )

    def results(
        self,
        period: Period | str = ALL,
        kpi_ids: Iterable[str] | None = None,
        targets: Mapping[str, float] | None = None,
    ) -> list[KPIResult]:
        """:meth:`result` for several KPIs (default: every KPI that can be computed)."""
        targets = _check_targets(targets)
        ids = (
            list(kpi_ids)
            if kpi_ids is not None
            else [k.id for k in CATALOGUE if availability(k, self.tables).computable]
        )
        return [self.result(i, period, targets.get(i)) for i in ids]

    def series(self, kpi_id: str, freq: str = "month", max_periods: int = 60) -> pd.DataFrame:
        """The KPI for each month (quarter, year) of the data, for sparklines and trends.

        Returns
        -------
        pandas.DataFrame
            One row per period, oldest first, at most ``max_periods`` (the latest): ``period``
            (key such as ``2024-03``), ``start`` (Timestamp), ``value`` (float, NaN when there is
            no value), ``status``, ``elapsed`` (share of the period elapsed at ``as_of``; below
            1 for the current, unfinished period). Empty for snapshot KPIs and when the KPI's
            table has no dates.
        """
        kpi = get_kpi(kpi_id)
        if freq not in FREQS:
            raise PiloteError("periods.invalid_freq", value=freq, valid=", ".join(FREQS))
        cols = ["period", "start", "value", "status", "elapsed"]
        if kpi.id in _SNAPSHOT:
            return pd.DataFrame(columns=cols)
        try:
            tables = self._tables_for(kpi)
        except _Missing:
            return pd.DataFrame(columns=cols)
        span = self._span(kpi, tables)
        if span is None:
            return pd.DataFrame(columns=cols)
        periods = periods_between(span[0], span[1], freq)[-max_periods:]
        fast = self._additive_series(kpi, tables, periods, freq)
        rows = []
        for i, p in enumerate(periods):
            if fast is not None:
                v = fast[i]
            else:
                v = self.value(kpi.id, p)
            elapsed = p.elapsed_share(self.as_of) if self.as_of is not None else 1.0
            value = np.nan if v.value is None else v.value
            rows.append((p.key, p.start, value, v.status, elapsed))
        return pd.DataFrame(rows, columns=cols)

    def _span(self, kpi: KPI, tables: list[Table]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        table = tables[-1] if kpi.family in ("marketing", "targets") else tables[0]
        roles = {
            "deals": ("close_date", "created_date", "date"),
            "leads": ("created_date", "date"),
        }.get(table.kind, ("date", "created_date"))
        return _data_span([table], roles)

    def _additive_series(
        self, kpi: KPI, tables: list[Table], periods: list[Period], freq: str
    ) -> list[Value] | None:
        """Revenue, gross margin and units per period in one vectorised pass."""
        if kpi.id not in ("revenue", "gross_margin", "units_sold") or not periods:
            return None
        o = self._orders_base(tables[0])
        if o.dates is None:
            return None
        if kpi.id == "revenue":
            weights = o.amt
        elif kpi.id == "units_sold":
            if o.qty is None:
                return None
            weights = o.qty
        elif o.cost is not None:
            weights = o.amt - o.cost
        elif o.profit is not None:
            weights = o.profit
        else:
            return None
        # Orders are sorted by date: each period is a contiguous run, summed with reduceat.
        last_end = periods[-1].end
        assert last_end is not None
        edges = [p.start.value for p in periods if p.start is not None] + [last_end.value]
        bounds = np.searchsorted(o.dates, np.array(edges, dtype=np.int64), side="left")
        rows = np.diff(bounds)
        sums = np.zeros(len(periods))
        filled = rows > 0
        if filled.any():
            w = weights[bounds[0] : bounds[-1]]
            sums[filled] = np.add.reduceat(w, (bounds[:-1] - bounds[0])[filled])
        return [
            _ok(sums[i]) if rows[i] else _none(NO_DATA, "compute.reason.no_data")
            for i in range(len(periods))
        ]

    def alerts(
        self,
        results: Iterable[KPIResult],
        drop_threshold: float = 0.10,
        anomalies: bool = True,
    ) -> list[Alert]:
        """:func:`alerts` for ``results``, with the anomaly check on each KPI's monthly series
        up to the end of its period (the last month of a quarter or year; the last month of
        the data for all data)."""
        results = list(results)
        series: dict[str, pd.DataFrame] = {}
        if anomalies:
            for res in results:
                if res.value is None or res.kpi.higher_is_better is None:
                    continue
                frame = self.series(res.id, "month")
                if res.period.end is not None and len(frame):
                    frame = frame[frame["start"] < res.period.end]
                series[res.id] = frame
        return alerts(results, series, drop_threshold)

    def breakdown(
        self, kpi_id: str, by: str, period: Period | str = ALL, limit: int = 50
    ) -> pd.DataFrame:
        """The KPI for each value of role ``by`` (rep, team, region…) in ``period``.

        One computation per value (the ``limit`` most frequent values of the first table that
        has the role), each with the engine's filters plus ``{by: [value]}``.

        Returns
        -------
        pandas.DataFrame
            Columns ``by`` value (named after the role), ``value`` (float, NaN when none),
            ``status``.
        """
        get_kpi(kpi_id)
        period = parse_period(period)
        values: list[str] = []
        for table in self.tables:
            col = _col(table, by)
            if col is not None:
                counts = table.df[col].dropna().astype(str).str.strip().value_counts()
                values = [v for v in counts.index[:limit] if v]
                break
        rows = []
        for v in values:
            sub = Engine(
                self.tables,
                {**self.filters, by: [v]},
                self.statuses,
                self.stage_order_,
                self._as_of or self.as_of,
                self.share_by,
            )
            val = sub.value(kpi_id, period)
            rows.append((v, np.nan if val.value is None else val.value, val.status))
        return pd.DataFrame(rows, columns=[by, "value", "status"])


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _first_dates(
    dates: np.ndarray, customer: np.ndarray, counted: np.ndarray, n: int
) -> np.ndarray:
    """Each customer's first counted purchase date (int64 ns; max int when none)."""
    out = np.full(n, _MAX, dtype=np.int64)
    valid = counted & (customer >= 0) & (dates != _NAT)
    np.minimum.at(out, customer[valid], dates[valid])
    return out


def _positive_groups(codes: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """Codes whose summed amount is > 0."""
    if len(codes) == 0:
        return np.empty(0, dtype=np.int64)
    lo = int(codes.min())
    net = np.bincount(codes - lo, weights=amounts)
    return np.flatnonzero(net > _EPS) + lo


def _distinct(prep: _Prep, id_role: str, mask: np.ndarray) -> int:
    """Distinct ids among ``mask`` rows (rows without an id count one each); rows without an id
    column count one each."""
    if not prep.has(id_role):
        return int(mask.sum())
    codes, _ = prep.codes(id_role)
    c = codes[mask]
    return len(np.unique(c[c >= 0])) + int(np.count_nonzero(c < 0))


def _sums_by(
    prep: _Prep, role: str, mask: np.ndarray, weights: np.ndarray, normalise: bool = True
) -> dict[str, tuple[str, float]]:
    """Σ weights per value of ``role`` among ``mask`` rows: {key: (display name, sum)}.

    Keys are accent- and case-insensitive when ``normalise`` (to join tables by channel)."""
    codes, uniq = prep.codes(role)
    return _sums_codes(codes[mask], uniq, weights[mask], normalise)


def _sums_codes(
    c: np.ndarray, uniq: np.ndarray, weights: np.ndarray, normalise: bool = True
) -> dict[str, tuple[str, float]]:
    """Σ weights per code (see :func:`_sums_by`)."""
    w = np.nan_to_num(weights)
    valid = c >= 0
    sums = np.bincount(c[valid], weights=w[valid], minlength=len(uniq))
    present = np.bincount(c[valid], minlength=len(uniq)) > 0
    out: dict[str, tuple[str, float]] = {}
    for i in np.flatnonzero(present):
        name = str(uniq[i]).strip()
        key = _norm(name) if normalise else name
        prev = out.get(key, (name, 0.0))
        out[key] = (prev[0], prev[1] + float(sums[i]))
    return out


def _union_names(
    a: Mapping[str, tuple[str, float]], b: Mapping[str, tuple[str, float]]
) -> list[tuple[str, str]]:
    keys = list(a) + [k for k in b if k not in a]
    return [(k, (a.get(k) or b[k])[0]) for k in keys]


def _counts_by(prep: _Prep, role: str, mask: np.ndarray, top: int = 25) -> list[dict[str, Any]]:
    sums = _sums_by(prep, role, mask, np.ones(prep.n), normalise=False)
    items = sorted(sums.values(), key=lambda x: -x[1])[:top]
    return [{"value": name, "count": int(n)} for name, n in items]


def _complaint_class(value: Any) -> int:
    return 1 if status_class(value) in ("returned", "refunded", "complaint") else 0


def _activity_class(value: Any) -> int:
    text = _norm(value)
    words = set(text.split())
    for code, cls in ((3, "meeting"), (1, "call"), (2, "message")):
        vocab = _ACTIVITY_WORDS[cls]
        if text in vocab or words & vocab:
            return code
    return 0


def _check_targets(targets: Mapping[str, Any] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for kpi_id, value in (targets or {}).items():
        get_kpi(kpi_id)
        if value is None:
            continue
        try:
            out[kpi_id] = float(value)
        except (TypeError, ValueError):
            raise PiloteError("compute.bad_target", kpi=kpi_id, value=value) from None
    return out


# ---------------------------------------------------------------------------------------------
# Module-level API
# ---------------------------------------------------------------------------------------------


def compute(
    tables: Sequence[Table],
    period: Period | str = ALL,
    kpis: Iterable[str] | None = None,
    *,
    filters: Mapping[str, Iterable[Any]] | None = None,
    statuses: Collection[str] | None = None,
    targets: Mapping[str, float] | None = None,
    as_of: Any = None,
    stage_order: Sequence[str] | None = None,
) -> list[KPIResult]:
    """Compute KPIs for a period with comparisons and targets.

    Parameters
    ----------
    tables : sequence of Table
    period : Period or str
        ``all``, ``2024``, ``2024-Q1``, ``2024-03``, ``2024-01-01..2024-03-31``.
    kpis : iterable of str, optional
        KPI ids; default every KPI that can be computed from ``tables``.
    filters, statuses, as_of, stage_order
        See :class:`Engine`.
    targets : mapping of KPI id → value, optional

    Returns
    -------
    list of KPIResult
    """
    engine = Engine(tables, filters, statuses, stage_order, as_of)
    return engine.results(period, kpis, targets)


def prepare(tables: Sequence[Table], statuses: Collection[str] | None = None) -> None:
    """Build the cached arrays of ``tables`` now (right after loading, say), so that the first
    dashboard render is as fast as the next ones. Optional: everything is built on demand."""
    for table in tables:
        prep = _table_prep(table)
        for role in ("order_id", "customer_id", "status", "stage"):
            if prep.has(role):
                prep.codes(role)
        if table.kind == "orders":
            Engine([table], statuses=statuses)._orders_base(table)


def kpi_series(
    tables: Sequence[Table],
    kpi_id: str,
    freq: str = "month",
    *,
    filters: Mapping[str, Iterable[Any]] | None = None,
    statuses: Collection[str] | None = None,
    as_of: Any = None,
    max_periods: int = 60,
) -> pd.DataFrame:
    """The KPI per month (quarter, year): see :meth:`Engine.series`."""
    return Engine(tables, filters, statuses, None, as_of).series(kpi_id, freq, max_periods)


def anomaly(values: Sequence[float] | np.ndarray, window: int = 12, k: float = 3.0) -> int:
    """Whether the last value is outside median ± k·MAD of the ``window`` values before it.

    MAD is scaled by 1.4826 (comparable to a standard deviation). Needs at least 6 earlier
    values; a flat history (MAD 0) is not judged.

    Returns
    -------
    int
        ``1`` (unusually high), ``-1`` (unusually low) or ``0``.
    """
    arr = np.asarray(values, dtype=float)
    if len(arr) < 2 or np.isnan(arr[-1]):
        return 0
    history = arr[:-1][-window:]
    history = history[~np.isnan(history)]
    if len(history) < 6:
        return 0
    med = float(np.median(history))
    mad = 1.4826 * float(np.median(np.abs(history - med)))
    if mad == 0:
        return 0
    if arr[-1] > med + k * mad:
        return 1
    if arr[-1] < med - k * mad:
        return -1
    return 0


@dataclass(frozen=True)
class Alert:
    """Something the user should look at.

    Attributes
    ----------
    kind : str
        ``below_target``, ``drop`` or ``anomaly``.
    kpi_id : str
    value : float or None
        The KPI value (projected to the whole period for accumulating KPIs when relevant).
    reference : float or None
        The target, the previous value, or the median of the history.
    change : float or None
        Relative change vs the reference.
    direction : str
        ``up`` or ``down``: which way the value moved.
    """

    kind: str
    kpi_id: str
    value: float | None
    reference: float | None
    change: float | None
    direction: str

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE, currency: str | None = None) -> str:
        """One sentence for the user."""
        kpi = get_kpi(self.kpi_id)
        return i18n.t(
            f"compute.alert.{self.kind}.{self.direction}",
            lang,
            kpi=kpi.label(lang),
            value=kpi.format(self.value, lang, currency),
            reference=kpi.format(self.reference, lang, currency),
            change=i18n.format_percent_value(
                None if self.change is None else abs(self.change), lang
            ),
        )

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-safe dict."""
        return _json_safe(
            {
                "kind": self.kind,
                "kpi": self.kpi_id,
                "value": self.value,
                "reference": self.reference,
                "change": self.change,
                "direction": self.direction,
                "message": self.message(lang),
            }
        )


def alerts(
    results: Iterable[KPIResult],
    series: Mapping[str, pd.DataFrame] | None = None,
    drop_threshold: float = 0.10,
    window: int = 12,
    k: float = 3.0,
) -> list[Alert]:
    """Alerts for KPIs below target, drops beyond ``drop_threshold`` and anomalies.

    Parameters
    ----------
    results : iterable of KPIResult
        From :meth:`Engine.results` or :func:`compute` (with targets for target alerts).
    series : mapping of KPI id → DataFrame, optional
        Monthly series from :meth:`Engine.series`, for the anomaly check.
    drop_threshold : float
        A worsening of this relative size vs the previous period is a drop (``0.10`` or
        ``-0.10`` both mean 10 %). Direction-aware: a rise in churn is a drop in performance;
        KPIs that are neither better high nor low never raise drops. An accumulating KPI of
        an unfinished period is projected to the whole period first.
    window, k : int, float
        Anomaly check on the last point of each series (see :func:`anomaly`); an unfinished
        last period of an accumulating KPI is projected first.

    Returns
    -------
    list of Alert
        Below-target first, then drops, then anomalies.
    """
    threshold = abs(drop_threshold)
    below: list[Alert] = []
    drops: list[Alert] = []
    odd: list[Alert] = []
    for res in results:
        kpi = res.kpi
        better = kpi.higher_is_better
        v = res.value
        if v is None or better is None:
            continue
        if res.target is not None:
            paced = kpi.accumulates and res.elapsed < 1 and res.pacing is not None
            projected = v / res.elapsed if paced and res.elapsed > 0 else v
            miss = projected < res.target if better else projected > res.target
            if miss:
                below.append(
                    Alert(
                        "below_target",
                        kpi.id,
                        projected,
                        res.target,
                        _change(projected, res.target),
                        "down" if projected < res.target else "up",
                    )
                )
        change = res.projected_change
        if change is not None and threshold > 0:
            worse = change <= -threshold if better else change >= threshold
            if worse:
                prev = res.previous.value if res.previous is not None else None
                drops.append(Alert("drop", kpi.id, v, prev, change, "down" if change < 0 else "up"))
        frame = (series or {}).get(kpi.id)
        if frame is not None and len(frame):
            vals = frame["value"].to_numpy(dtype=float).copy()
            elapsed = float(frame["elapsed"].iloc[-1]) if "elapsed" in frame else 1.0
            if kpi.accumulates and 0 < elapsed < 1:
                vals[-1] = vals[-1] / elapsed
            flag = anomaly(vals, window, k)
            if flag:
                hist = vals[:-1][-window:]
                med = float(np.nanmedian(hist))
                odd.append(
                    Alert(
                        "anomaly",
                        kpi.id,
                        float(vals[-1]),
                        med,
                        _change(float(vals[-1]), med),
                        "up" if flag > 0 else "down",
                    )
                )
    return below + drops + odd


def dataset_currency(tables: Sequence[Table]) -> str | None:
    """The currency the loader found in the first table that states one (one per dataset)."""
    for table in tables:
        cur = getattr(table.report, "currency", None)
        if cur:
            return str(cur)
    return None


def kpis_json(
    tables: Sequence[Table],
    objectives: Iterable[str] | None = None,
    period: Period | str = "all",
    lang: str = "en",
    targets: Mapping[str, float] | None = None,
    *,
    filters: Mapping[str, Iterable[Any]] | None = None,
    statuses: Collection[str] | None = None,
    as_of: Any = None,
    currency: str | None = None,
    drop_threshold: float = 0.10,
    anomalies: bool = False,
) -> dict[str, Any]:
    """KPIs as a JSON-safe dict, for ``python -m kpi kpis … --json``.

    With no objective, every KPI that can be computed from ``tables``; with objectives, every
    KPI serving them, most relevant first, those that cannot be computed included with status
    ``unavailable`` and an ``unlock`` hint.

    Parameters
    ----------
    tables : sequence of Table
    objectives : iterable of str, optional
        Objective ids (:data:`kpi.metrics.catalogue.OBJECTIVE_IDS`).
    period : Period or str
        ``all`` (default), ``2024``, ``2024-Q1``, ``2024-03`` or ``2024-01-01..2024-03-31``.
    lang : str
        ``en`` or ``fr``, for labels, reasons and alert messages.
    targets : mapping of KPI id → value, optional
    filters, statuses, as_of
        See :class:`Engine`.
    currency : str, optional
        ISO code; default: the one the loader found in the data (``LoadReport.currency``).
    drop_threshold : float
        Relative worsening vs the previous period that raises a drop alert.
    anomalies : bool
        Also check each KPI's monthly series for an anomaly (slower: one series per KPI).

    Returns
    -------
    dict
        ``{"period": {...}, "currency": str | None, "objectives": [...], "kpis": [{"id",
        "label", "value", "unit", "previous", "change", "target", "status", ...}],
        "alerts": [...]}``. Ratios are fractions (0.1256 for 12.56 %), durations in days,
        money in the data's currency; no NaN, no numpy types.

    Raises
    ------
    PiloteError
        For an unknown objective, period or KPI id in ``targets`` (the message lists the valid
        values).
    """
    chosen = check_objectives(objectives)
    period = parse_period(period)
    checked = _check_targets(targets)
    engine = Engine(tables, filters, statuses, None, as_of)
    if chosen:
        ids = [s.kpi.id for s in suggest(chosen, tables)]
    else:
        ids = [k.id for k in CATALOGUE if availability(k, tables).computable]
    results = [engine.result(i, period, checked.get(i)) for i in ids]
    currency = currency or dataset_currency(tables)
    kpis = []
    for res in results:
        item = res.to_dict(lang, currency)
        if res.current.status == UNAVAILABLE:
            avail = availability(res.kpi, tables)
            item["unlock"] = avail.unlock(lang) or item.get("reason")
            item["reason"] = item["unlock"]
        kpis.append(item)
    start = period.start
    end = period.last_day
    if period.is_all:
        first_last = _data_span(tables)
        start, end = first_last if first_last else (None, None)
    return _json_safe(
        {
            "period": {
                "id": period.key,
                "label": period.label(lang),
                "start": None if start is None else pd.Timestamp(start).date().isoformat(),
                "end": None if end is None else pd.Timestamp(end).date().isoformat(),
                "previous": None if period.previous() is None else period.previous().key,
                "last_year": None if period.last_year() is None else period.last_year().key,
            },
            "currency": currency,
            "lang": lang,
            "objectives": list(chosen),
            "filters": {k: sorted(v) for k, v in engine.filters.items()},
            "kpis": kpis,
            "alerts": [a.to_dict(lang) for a in engine.alerts(results, drop_threshold, anomalies)],
        }
    )


def _data_span(
    tables: Sequence[Table], roles: Sequence[str] = ("date", "created_date", "close_date")
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last date found in ``roles`` of ``tables``."""
    lo = hi = None
    for table in tables:
        prep = _table_prep(table)
        for role in roles:
            if not prep.has(role):
                continue
            bounds = prep.memo(("bounds", role), lambda p=prep, r=role: _bounds(p.dates(r)))
            if bounds is not None:
                lo = bounds[0] if lo is None else min(lo, bounds[0])
                hi = bounds[1] if hi is None else max(hi, bounds[1])
    return None if lo is None else (pd.Timestamp(lo), pd.Timestamp(hi))


def _bounds(dates: np.ndarray) -> tuple[int, int] | None:
    d = dates[dates != _NAT]
    return None if len(d) == 0 else (int(d.min()), int(d.max()))


def _table_prep(table: Table) -> _Prep:
    """The cached preparation of a table (orders sorted by date)."""
    return _prep(table, "date" if table.kind == "orders" else None)


i18n.add_messages(
    {
        "compute.unknown_filter_role": {
            "fr": "Filtre sur un rôle inconnu « {value} ». Rôles possibles : {valid}.",
            "en": "Filter on an unknown role “{value}”. Valid roles: {valid}.",
        },
        "compute.bad_target": {
            "fr": "L'objectif de « {kpi} » doit être un nombre (reçu : {value}).",
            "en": "The target for “{kpi}” must be a number (got: {value}).",
        },
        "compute.reason.no_data": {
            "fr": "Aucune donnée pour cette sélection.",
            "en": "No data for this selection.",
        },
        "compute.reason.undefined": {
            "fr": "Valeur non définie pour cette sélection.",
            "en": "Not defined for this selection.",
        },
        "compute.reason.unavailable": {
            "fr": "Non calculable avec les données chargées. {unlock}",
            "en": "Cannot be computed from the loaded data. {unlock}",
        },
        "compute.reason.no_date": {
            "fr": "La table n'a pas de colonne de date : choisissez « toutes les données » ou "
            "associez une colonne Date.",
            "en": "The table has no date column: choose “all data” or map a Date column.",
        },
        "compute.reason.no_previous_period": {
            "fr": "Pas de période de comparaison pour « toutes les données » : choisissez un "
            "mois, un trimestre ou une année.",
            "en": "No comparison period for “all data”: choose a month, quarter or year.",
        },
        "compute.reason.no_previous_data": {
            "fr": "Aucune vente sur la période de comparaison.",
            "en": "No sales in the comparison period.",
        },
        "compute.reason.previous_revenue_not_positive": {
            "fr": "Le CA de la période de comparaison est nul ou négatif : la croissance n'a "
            "pas de sens.",
            "en": "Revenue of the comparison period is zero or negative: growth is meaningless.",
        },
        "compute.reason.no_orders": {
            "fr": "Aucune commande au montant positif sur la période.",
            "en": "No order with a positive amount in the period.",
        },
        "compute.reason.no_customers": {
            "fr": "Aucun client identifié sur la période.",
            "en": "No identified customer in the period.",
        },
        "compute.reason.no_previous_customers": {
            "fr": "Aucun client sur la période précédente.",
            "en": "No customer in the previous period.",
        },
        "compute.reason.no_cost": {
            "fr": "Associez une colonne Coût ou Marge pour calculer la marge.",
            "en": "Map a Cost or Profit column to compute the margin.",
        },
        "compute.reason.zero_revenue": {
            "fr": "Le CA de la sélection est nul.",
            "en": "Revenue of the selection is zero.",
        },
        "compute.reason.no_quantity": {
            "fr": "Associez une colonne Quantité.",
            "en": "Map a Quantity column.",
        },
        "compute.reason.clv_history": {
            "fr": "Il faut des clients sur les 12 mois précédant l'année étudiée pour estimer "
            "l'attrition annuelle.",
            "en": "Yearly churn needs customers in the 12 months before the year studied.",
        },
        "compute.reason.zero_churn": {
            "fr": "Aucune attrition sur l'année : la durée de vie client est infinie, la CLV "
            "n'est pas définie.",
            "en": "No churn over the year: customer lifetime is infinite, CLV is not defined.",
        },
        "compute.reason.no_dimension": {
            "fr": "Associez une colonne Produit, Région, Canal, Commercial ou Segment.",
            "en": "Map a Product, Region, Channel, Sales rep or Segment column.",
        },
        "compute.reason.no_closed_deals": {
            "fr": "Aucune affaire gagnée ou perdue sur la période.",
            "en": "No deal won or lost in the period.",
        },
        "compute.reason.no_won_deals": {
            "fr": "Aucune affaire gagnée sur la période.",
            "en": "No deal won in the period.",
        },
        "compute.reason.no_open_amount": {
            "fr": "Les affaires ouvertes n'ont pas de montant.",
            "en": "Open deals have no amount.",
        },
        "compute.reason.zero_cycle": {
            "fr": "Durée de cycle nulle.",
            "en": "Zero cycle length.",
        },
        "compute.reason.no_leads": {
            "fr": "Aucun lead sur la période.",
            "en": "No lead in the period.",
        },
        "compute.reason.no_decided_leads": {
            "fr": "Aucun lead de la période n'a encore d'issue.",
            "en": "No lead of the period has an outcome yet.",
        },
        "compute.reason.no_spend": {
            "fr": "Aucune dépense sur la période.",
            "en": "No spend in the period.",
        },
        "compute.reason.no_new_customers": {
            "fr": "Aucun nouveau client sur la période.",
            "en": "No new customer in the period.",
        },
        "compute.reason.no_messages": {
            "fr": "Aucun message envoyé sur la période.",
            "en": "No message sent in the period.",
        },
        "compute.reason.no_contacts": {
            "fr": "Aucun appel ni contact sur la période.",
            "en": "No call or contact in the period.",
        },
        "compute.reason.no_meeting_type": {
            "fr": "Associez une colonne RDV obtenu, ou un type d'activité « rendez-vous ».",
            "en": "Map a Meeting booked column, or an activity type with meetings.",
        },
        "compute.reason.no_calls": {
            "fr": "Aucun appel avec une durée sur la période.",
            "en": "No call with a duration in the period.",
        },
        "compute.reason.no_answers": {
            "fr": "Aucune réponse d'enquête sur la période.",
            "en": "No survey answer in the period.",
        },
        "compute.reason.no_targets": {
            "fr": "Aucun objectif pour cette période.",
            "en": "No target for this period.",
        },
        "compute.reason.targets_not_by": {
            "fr": "Les objectifs ne sont pas détaillés par « {role} » : retirez ce filtre pour "
            "comparer au total des objectifs.",
            "en": "Targets are not broken down by “{role}”: remove that filter to compare with "
            "the total target.",
        },
        "compute.reason.zero_target": {
            "fr": "L'objectif de la période est nul.",
            "en": "The period's target is zero.",
        },
        "compute.reason.not_started": {
            "fr": "La période n'a pas commencé.",
            "en": "The period has not started.",
        },
        "compute.alert.below_target.down": {
            "fr": "{kpi} : {value}, sous l'objectif de {reference} (−{change}).",
            "en": "{kpi}: {value}, below the target of {reference} (−{change}).",
        },
        "compute.alert.below_target.up": {
            "fr": "{kpi} : {value}, au-dessus du plafond visé de {reference} (+{change}).",
            "en": "{kpi}: {value}, above the target of {reference} (+{change}).",
        },
        "compute.alert.drop.down": {
            "fr": "{kpi} en baisse de {change} par rapport à la période précédente "
            "({value} contre {reference}).",
            "en": "{kpi} down {change} on the previous period ({value} vs {reference}).",
        },
        "compute.alert.drop.up": {
            "fr": "{kpi} en hausse de {change} par rapport à la période précédente "
            "({value} contre {reference}).",
            "en": "{kpi} up {change} on the previous period ({value} vs {reference}).",
        },
        "compute.alert.anomaly.up": {
            "fr": "{kpi} inhabituellement haut : {value} contre {reference} habituellement.",
            "en": "{kpi} unusually high: {value} against a usual {reference}.",
        },
        "compute.alert.anomaly.down": {
            "fr": "{kpi} inhabituellement bas : {value} contre {reference} habituellement.",
            "en": "{kpi} unusually low: {value} against a usual {reference}.",
        },
    }
)
