"""How far each table's data runs: complete and partial periods, and the period to open on.

``KPI_SPEC.md``: a period is *complete* when the table's data runs to its end, allowing for a last
day or two without sales; otherwise it is *partial* and says so wherever it is shown. Pilote
makes "a last day or two" precise with the table's own rhythm:

- the table's **grace** is the 90th percentile of the gaps, in days, between consecutive days
  with data over its last 365 days, rounded up, and at least 2 days. A shop closed on Saturdays
  (Online Retail) has gaps of 1 and 2 days: grace 2; Superstore: 2; a file with a few sales a
  week (``sales_data_sample``): 6; a monthly table dated on the 1st (spend, targets): 31, so
  that its last month counts as complete;
- a period is **in progress** when the last day with data is more than the grace before the
  period's last day (Online Retail, data to 9 December 2011: December is in progress;
  Superstore, data to 30 December 2022: December is complete);
- it **starts late** when the first day with data is more than the grace after the period's
  first day (2010 on Online Retail holds December only);
- otherwise it is **complete**.

The default period (:func:`default_period`) is the last complete month, quarter or year of the
*main* table — orders, else deals, else leads… (:data:`MAIN_KINDS`) — so that deals whose
expected close dates run into next year, or a month that has just started, do not decide what
the first screen shows. A period in progress stays selectable, labelled as such
(:meth:`Coverage.label`: ``décembre 2011 — jusqu'au 9``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from babel.dates import format_date

from kpi import i18n
from kpi.data.dataset import Table
from kpi.metrics.periods import ALL, Period, periods_between
from kpi.metrics.prepared import NAT, prepared

__all__ = [
    "COMPLETE",
    "IN_PROGRESS",
    "MAIN_KINDS",
    "OUTSIDE",
    "STARTS_LATE",
    "Coverage",
    "LongDay",
    "PeriodName",
    "coverage",
    "date_roles",
    "default_period",
    "grace_days",
    "main_table",
    "periods_with_data",
    "selectable_span",
]

COMPLETE, IN_PROGRESS, STARTS_LATE, OUTSIDE = "complete", "in_progress", "starts_late", "outside"
#: Which table decides the period to open on: the first kind loaded in this order.
MAIN_KINDS: tuple[str, ...] = (
    "orders",
    "deals",
    "leads",
    "subscriptions",
    "activities",
    "survey",
    "spend",
    "targets",
)
#: The date roles that say how far a table runs, per kind, first mapped wins. Deals use their
#: creation date first: CRMs fill the close date of open deals with an *expected* date, often
#: months ahead.
_DATE_ROLES: dict[str, tuple[str, ...]] = {
    "deals": ("created_date", "close_date", "date"),
    "leads": ("created_date", "date"),
    # a subscription export runs as far as its latest start (cancellations may be scheduled
    # in the future, end dates are often the end of a paid term)
    "subscriptions": ("date", "start_date"),
}
_DEFAULT_DATE_ROLES: tuple[str, ...] = ("date", "created_date", "close_date")
_MIN_GRACE = 2  # KPI_SPEC: "a last day or two"
_DAY_NS = 86_400 * 10**9


def date_roles(kind: str) -> tuple[str, ...]:
    """The date roles that place a table of ``kind`` in time, in order of preference."""
    return _DATE_ROLES.get(kind, _DEFAULT_DATE_ROLES)


def grace_days(days: np.ndarray | Sequence[int], window: int = 365, quantile: float = 0.9) -> int:
    """The number of days a table may go without data before its end still counts as reached.

    Parameters
    ----------
    days : array of int
        Days with data (any integer day numbering, e.g. days since 1970), any order, repeats
        allowed.
    window : int
        Only the last ``window`` days of the data are looked at (the table's current rhythm).
    quantile : float
        The share of gaps between consecutive days with data that the grace covers.

    Returns
    -------
    int
        ``ceil(quantile of the gaps)``, at least 2.
    """
    uniq = np.unique(np.asarray(days, dtype=np.int64))
    if len(uniq) < 2:
        return _MIN_GRACE
    recent = uniq[uniq > uniq[-1] - window]
    gaps = np.diff(recent if len(recent) >= 2 else uniq[-2:])
    return max(_MIN_GRACE, int(math.ceil(float(np.quantile(gaps, quantile)) - 1e-9)))


@dataclass(frozen=True)
class Coverage:
    """How far a table's data runs.

    Attributes
    ----------
    first, last : pandas.Timestamp
        The first and last days with data (midnight).
    grace : int
        Days without data allowed at either end of a period that still counts as covered
        (see :func:`grace_days`); 0 when "today" was given instead of read from the data.
    """

    first: pd.Timestamp
    last: pd.Timestamp
    grace: int = _MIN_GRACE

    def state(self, period: Period) -> str:
        """:data:`COMPLETE`, :data:`IN_PROGRESS` (the data stops before the period's end),
        :data:`STARTS_LATE` (it starts after the period's start) or :data:`OUTSIDE` (the period
        is outside the data). All the data is always complete."""
        if period.is_all:
            return COMPLETE
        assert period.start is not None and period.end is not None
        # in nanoseconds: a dashboard run asks hundreds of times (Timedelta arithmetic: 0.1 ms)
        start, last_day = period.start.value, period.end.value - _DAY_NS
        first, last, grace = self.first.value, self.last.value, self.grace * _DAY_NS
        if start > last or last_day < first:
            return OUTSIDE
        if last < last_day - grace:
            return IN_PROGRESS
        if first > start + grace:
            return STARTS_LATE
        return COMPLETE

    def complete(self, period: Period) -> bool:
        """Whether the data covers ``period`` from its start to its end (grace allowed)."""
        return self.state(period) == COMPLETE

    def elapsed(self, period: Period) -> float:
        """Share of ``period`` the data has reached: 1 unless the period is in progress (then
        the days up to the last day with data, that day included, over the period's days); 0
        for a period after the data."""
        if period.is_all:
            return 1.0
        state = self.state(period)
        if state == IN_PROGRESS:
            return period.elapsed_share(self.last)
        if state == OUTSIDE and period.start is not None and period.start > self.last:
            return 0.0
        return 1.0

    def label(self, period: Period, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """The period's label, saying when the data does not cover it all: ``décembre 2011 —
        jusqu'au 9`` / ``December 2011 — to the 9th``, ``2010 — depuis le 1er déc.`` /
        ``2010 — from 1 Dec``."""
        text = period.label(lang)
        state = self.state(period)
        if state not in (IN_PROGRESS, STARTS_LATE):
            return text
        key = "until" if state == IN_PROGRESS else "since"
        scope = "month" if period.kind == "month" else "other"
        day = self._day(self.last if state == IN_PROGRESS else self.first, period, lang)
        return i18n.t(f"coverage.{key}.{scope}", lang, period=text, day=day)

    def note(self, period: Period) -> i18n.Message | None:
        """Why ``period`` is not complete, as a message (``None`` when it is complete)."""
        state = self.state(period)
        if state == COMPLETE:
            return None
        day = self.last if state == IN_PROGRESS else self.first
        return i18n.Message(
            f"coverage.note.{state}", {"period": PeriodName(period), "day": LongDay(day)}
        )

    @staticmethod
    def _day(day: pd.Timestamp, period: Period, lang: str) -> str:
        """The day as a month label needs it: ``9`` / ``9th`` within a month, ``9 déc.`` /
        ``9 Dec`` otherwise."""
        if period.kind == "month":
            if lang == "fr":
                return "1er" if day.day == 1 else str(day.day)
            return _ordinal(day.day)
        if lang == "fr" and day.day == 1:
            return "1er " + format_date(day.date(), "MMM", locale=i18n.locale(lang))
        return format_date(day.date(), "d MMM", locale=i18n.locale(lang))


@dataclass(frozen=True)
class PeriodName:
    """A period's label as a message parameter (said in the message's language)."""

    period: Period

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return self.period.label(lang)


@dataclass(frozen=True)
class LongDay:
    """A day as a message parameter: ``1er décembre 2010`` / ``1 December 2010``."""

    day: pd.Timestamp

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        if lang == "fr" and self.day.day == 1:
            return "1er " + format_date(self.day.date(), "MMMM y", locale=i18n.locale(lang))
        return format_date(self.day.date(), "long", locale=i18n.locale(lang))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def coverage(table: Table, roles: Sequence[str] | None = None) -> Coverage | None:
    """How far ``table`` runs on its first mapped date role (of ``roles``, default
    :func:`date_roles` of its kind); ``None`` without dates. Computed once per table."""
    prep = prepared(table)
    role = prep.first(*(roles or date_roles(table.kind)))
    if role is None:
        return None

    def make() -> Coverage | None:
        d = prep.dates(role)
        d = d[d != NAT]
        if len(d) == 0:
            return None
        days = d // _DAY_NS
        first, last = int(days.min()), int(days.max())
        to_ts = lambda day: pd.Timestamp(day * _DAY_NS)  # noqa: E731
        return Coverage(to_ts(first), to_ts(last), grace_days(days))

    return prep.memo(("coverage", role), make)


def main_table(tables: Iterable[Table]) -> Table | None:
    """The table that decides the period to open on: the first dated table of the first kind
    of :data:`MAIN_KINDS` that is loaded (orders, else deals, else leads…), else the first dated
    table."""
    dated = [t for t in tables if coverage(t) is not None]
    for kind in MAIN_KINDS:
        for table in dated:
            if table.kind == kind:
                return table
    return dated[0] if dated else None


def default_period(tables: Sequence[Table], freq: str = "month") -> Period:
    """The last complete month, quarter or year of the main table (:func:`main_table`); when
    none is complete, the latest one with data. All the data for ``freq="all"`` or without
    dates."""
    table = main_table(tables)
    cov = None if table is None else coverage(table)
    if freq == "all" or cov is None:
        return ALL
    latest = Period.containing(cov.last, freq)
    candidate: Period | None = latest
    while candidate is not None and cov.state(candidate) != OUTSIDE:
        if cov.complete(candidate):
            return candidate
        candidate = candidate.previous()
    return latest


def selectable_span(tables: Sequence[Table]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """From the first to the last day with data over every table, each on its own date role
    (:func:`date_roles`): the periods a user can pick."""
    covs = [c for c in (coverage(t) for t in tables) if c is not None]
    if not covs:
        return None
    return min(c.first for c in covs), max(c.last for c in covs)


def periods_with_data(tables: Sequence[Table], freq: str) -> list[Period]:
    """Every month, quarter or year of :func:`selectable_span`, latest first."""
    span = selectable_span(tables)
    if span is None:
        return []
    return list(reversed(periods_between(span[0], span[1], freq)))


i18n.add_messages(
    {
        "coverage.until.month": {
            "fr": "{period} — jusqu'au {day}",
            "en": "{period} — to the {day}",
        },
        "coverage.until.other": {"fr": "{period} — jusqu'au {day}", "en": "{period} — to {day}"},
        "coverage.since.month": {
            "fr": "{period} — depuis le {day}",
            "en": "{period} — from the {day}",
        },
        "coverage.since.other": {"fr": "{period} — depuis le {day}", "en": "{period} — from {day}"},
        "coverage.note.in_progress": {
            "fr": "Période en cours : les données de {period} s'arrêtent le {day}.",
            "en": "Period in progress: the data for {period} stops on {day}.",
        },
        "coverage.note.starts_late": {
            "fr": "Période incomplète : les données de {period} commencent le {day}.",
            "en": "Incomplete period: the data for {period} starts on {day}.",
        },
        "coverage.note.outside": {
            "fr": "Aucune donnée sur {period}.",
            "en": "No data in {period}.",
        },
    }
)
