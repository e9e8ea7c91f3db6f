"""The prepared subscriptions table and its figures.

:class:`Subscriptions` holds one row per counted subscription (customer, monthly amount in money
units, counted from, counted until). Everything else comes from the *changes*: the (customer,
month) cells whose month-end MRR differs from the month before, found once by sorting the rows'
start and end months (:func:`find_changes`). Monthly flows, the KPIs of any run of months, the
customers behind each movement and the cohorts are sums over those cells, so the cost follows
the number of changes, not customers × months.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.errors import PiloteError
from kpi.metrics.results import NO_DATA, UNDEFINED, Value, ok
from kpi.metrics.subscriptions._vocabulary import currency_code

KPI_IDS: tuple[str, ...] = (
    "mrr", "arr", "new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr",
    "churned_mrr", "net_new_mrr", "logo_churn_rate", "arpa", "nrr", "grr",
)  # fmt: skip
MOVEMENTS: tuple[str, ...] = ("new", "reactivation", "expansion", "contraction", "churned")

SCALE = 10**8  # money units per currency unit in the integer arithmetic
NAT = np.iinfo(np.int64).min
OPEN = np.iinfo(np.int64).max
_SECOND = 10**9
_CHURNED = MOVEMENTS.index("churned")
_GRACE = pd.Timedelta(days=2)  # KPI_SPEC: "allowing for a last day or two"


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Exclusion:
    """Rows left out of every figure, with why: shown to the user, never silent.

    ``reason`` is a message key (``subscriptions.excluded.*``); ``rows`` how many rows;
    ``examples`` a few of the values at fault (an unknown interval, a status);
    ``monthly_amount`` what those rows would weigh per month when it is known.
    """

    reason: str
    rows: int
    examples: tuple[str, ...] = ()
    monthly_amount: float | None = None

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """The sentence to show, in ``lang``."""
        return i18n.t(
            self.reason, lang, rows=i18n.format_number(self.rows, lang, 0),
            examples=", ".join(self.examples),
        )  # fmt: skip


def money(units: float) -> float:
    """Money units back to the currency, without float noise (12 significant digits)."""
    return float(f"{units / SCALE:.12g}")


# KPI values are the engine's (kpi.metrics.results.Value): ``value`` is None unless the status
# is ok; a reason is a ``subscriptions.reason.*`` message key; ``detail`` holds the inputs
# (numerator, denominator, customer counts, snapshot dates) so that a page can explain a figure.
_ok = ok


def _none(status: str, reason: str, detail: Mapping[str, Any] | None = None) -> Value:
    return Value(None, status, reason, {}, dict(detail or {}))


# ---------------------------------------------------------------------------------------------
# Months: a month is numpy's month number (datetime64[M] as an integer).


def _month_number(ts: Any) -> int:
    return int(np.datetime64(pd.Timestamp(ts).to_period("M").start_time, "M").astype(np.int64))


def _month_start(month: Any) -> Any:
    return np.asarray(month, dtype=np.int64).astype("datetime64[M]").astype("datetime64[ns]")


def _last_day(month: int) -> str:
    return str(_month_start(month + 1).astype("datetime64[D]") - np.timedelta64(1, "D"))


def _snapshots(first: int, last: int) -> np.ndarray:
    """End of each month from ``first`` to ``last``: 23:59:59 on its last day, as int64 ns."""
    return _month_start(np.arange(first + 1, last + 2)).view(np.int64) - _SECOND


def _label(month: int) -> str:
    return str(np.datetime64(int(month), "M"))


def _months_of(period: Any, first_data: int, last_data: int) -> tuple[int, int]:
    """First and last month of ``period``: "2024-03", "2024-Q1" (or "2024-T1"), "2024", a
    :class:`pandas.Period`, or an object with ``kind``, ``start`` and exclusive ``end`` such as
    ``kpi.metrics.periods.Period`` (kind ``all``: every month of the data; a range must be whole
    months)."""
    if isinstance(period, str):
        text = period.strip().upper().replace("-T", "Q").replace("-Q", "Q")
        freq = "Q" if "Q" in text else ("Y" if re.fullmatch(r"\d{4}", text) else "M")
        try:
            period = pd.Period(text, freq=freq)
        except ValueError:
            raise PiloteError("subscriptions.bad_period", period=period) from None
    if isinstance(period, pd.Period):
        return _month_number(period.start_time), _month_number(period.end_time)
    if getattr(period, "kind", None) == "all":
        return first_data, last_data
    start, end = getattr(period, "start", None), getattr(period, "end", None)
    if start is None or end is None:
        raise PiloteError("subscriptions.bad_period", period=str(period))
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start != start.to_period("M").start_time or end != end.to_period("M").start_time:
        raise PiloteError("subscriptions.period_not_months", period=str(period))
    if end <= start:
        raise PiloteError("subscriptions.bad_period", period=str(period))
    return _month_number(start), _month_number(end) - 1


@dataclass(frozen=True)
class _Changes:
    """Where customers' MRR changes: one cell per (customer, month) whose month-end MRR differs
    from the month before, sorted by customer then month (int64 money units)."""

    months: int  # how many months, from the first month of the data
    customer: np.ndarray
    month: np.ndarray  # 0 = the first month of the data
    before: np.ndarray
    now: np.ndarray
    kind: np.ndarray  # index in MOVEMENTS
    first_month: np.ndarray  # per customer: the month of its first MRR (``months`` if none)
    flows: Mapping[str, np.ndarray]  # per month: mrr, customers, each movement and its customers
    key: np.ndarray  # customer × months + month: sorted, to find a customer's last change


def find_changes(
    cust: np.ndarray, amount: np.ndarray, start: np.ndarray, end: np.ndarray,
    n_customers: int, first: int, last: int,
) -> _Changes:  # fmt: skip
    """The MRR changes of every customer from month ``first`` to ``last``.

    Each counted row adds its amount at the first month-end where it is active and takes it back
    at the first where it no longer is; summing those steps per (customer, month) gives the
    cells where a customer's MRR changes, and a running sum per customer its MRR before and
    after. Movements follow KPI_SPEC: up from 0 is *new* at the customer's first MRR, else a
    *reactivation*; a rise from above 0 is *expansion*; a fall to above 0 *contraction*; a fall
    to 0 *churn*.
    """
    k = last - first + 1
    snaps = _snapshots(first, last)
    # Active at a snapshot when counted_from ≤ snapshot < end: months [a, b).
    a = np.searchsorted(snaps, start, "left")
    b = np.searchsorted(snaps, end, "left")
    live = a < b
    stops = live & (b < k)
    cell = np.concatenate([cust[live] * k + a[live], cust[stops] * k + b[stops]])
    step = np.concatenate([amount[live], -amount[stops]])
    order = np.argsort(cell, kind="stable")
    cell, step = cell[order], step[order]
    heads = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]]) if len(cell) else np.array([], int)
    cell, diff = cell[heads], np.add.reduceat(step, heads) if len(heads) else step[:0]
    cell, diff = cell[diff != 0], diff[diff != 0]
    customer, month = cell // k, cell % k
    # Running MRR within each customer: cumulative sum, restarted at each customer's first cell.
    total = np.cumsum(diff)
    firsts = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]]) if len(cell) else cell
    offset = np.repeat(total[firsts] - diff[firsts], np.diff(np.r_[firsts, len(cell)]))
    now = total - offset
    before = now - diff
    up = (before == 0) & (now > 0)
    first_month = np.full(n_customers, k, dtype=np.int64)
    first_up = np.flatnonzero(up)
    seen, where = np.unique(customer[first_up], return_index=True)
    first_month[seen] = month[first_up[where]]
    kind = np.select(
        [up & (month == first_month[customer]), up, now > before, now > 0, now == 0],
        list(range(len(MOVEMENTS))),  # new, reactivation, expansion, contraction, churned
    )
    flows: dict[str, np.ndarray] = {}
    change = np.zeros(k, dtype=np.int64)
    np.add.at(change, month, diff)
    flows["mrr"] = np.cumsum(change)
    flows["customers"] = np.cumsum(
        np.bincount(month[up], minlength=k) - np.bincount(month[kind == _CHURNED], minlength=k)
    )
    for i, name in enumerate(MOVEMENTS):
        amounts = np.zeros(k, dtype=np.int64)
        np.add.at(amounts, month[kind == i], np.abs(diff[kind == i]))
        flows[name] = amounts
        flows[f"{name}_customers"] = np.bincount(month[kind == i], minlength=k)
    return _Changes(k, customer, month, before, now, kind, first_month, flows, cell)


# ---------------------------------------------------------------------------------------------
# The prepared table


class Subscriptions:
    """A subscriptions table read once: monthly amounts, activity intervals, exclusions.

    Build it with :func:`prepare`. Attributes ending in ``_`` describe what was read.

    Attributes
    ----------
    rows_ : int
        Rows in the table.
    exclusions_ : tuple of Exclusion
        Rows left out, by reason (trial still running, unknown interval, end before start,
        never paid…); every row is either counted or in one of these.
    notes_ : tuple of kpi.i18n.Message
        Readings the user should know (statuses not recognised and read as active, prices
        read as monthly because there is no interval column…).
    currencies_ : dict
        Counted rows per currency (empty without a currency column). With more than one
        currency the figures are given per currency (:meth:`for_currency`), never summed.
    currency_ : str or None
        The one currency of the figures (``None`` without a currency column).
    as_of_ : pandas.Timestamp
        The date the data runs to: the latest start, cancellation or end of an ended row,
        unless given.
    first_month_, last_month_ : pandas.Period
        The month of the earliest counted start, and the month of ``as_of_``.
    table_ : pandas.DataFrame
        The counted rows: ``row`` (index in the input), ``customer``, ``subscription``,
        ``product``, ``currency``, ``monthly_amount``, ``counted_from`` (start, or trial end
        when later) and ``counted_until`` (end; NaT while running).
    """

    def __init__(
        self,
        customers: pd.Index,
        cust: np.ndarray,
        amount: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        currency: np.ndarray,
        table: pd.DataFrame,
        info: Mapping[str, Any],
    ) -> None:
        """Internal: use :func:`prepare`."""
        self._customers, self._cust, self._amount = customers, cust, amount
        self._start, self._end, self._currency = start, end, currency
        self._info = dict(info)
        self.table_ = table
        self.rows_ = info["rows"]
        self.exclusions_ = info["exclusions"]
        self.notes_ = info["notes"]
        self.as_of_ = info["as_of"]
        counts = pd.Series(currency[currency != ""], dtype=object).value_counts()
        self.currencies_ = {str(k): int(v) for k, v in counts.items()}
        self.currency_ = next(iter(self.currencies_)) if len(self.currencies_) == 1 else None
        earliest = np.array(start.min()).view("datetime64[ns]")
        self._first = int(earliest.astype("datetime64[M]").astype(np.int64))
        self._last = max(_month_number(self.as_of_), self._first)
        self.first_month_ = pd.Period(_label(self._first), "M")
        self.last_month_ = pd.Period(_label(self._last), "M")
        self._cache: _Changes | None = None

    # -- currencies -------------------------------------------------------------------------
    def for_currency(self, currency: str) -> Subscriptions:
        """The rows in ``currency`` only (figures never add two currencies up)."""
        code = currency_code(currency)
        if code not in self.currencies_:
            raise PiloteError(
                "subscriptions.unknown_currency", currency=currency,
                currencies=", ".join(self.currencies_) or "-",
            )  # fmt: skip
        keep = self._currency == code
        used, cust = np.unique(self._cust[keep], return_inverse=True)
        return Subscriptions(
            self._customers[used], cust.astype(np.int64), self._amount[keep], self._start[keep],
            self._end[keep], self._currency[keep], self.table_[keep].reset_index(drop=True),
            self._info,
        )  # fmt: skip

    def by_currency(self) -> dict[str, Subscriptions]:
        """One table per currency (one entry, keyed ``""`` without a currency column)."""
        if len(self.currencies_) <= 1:
            return {self.currency_ or "": self}
        return {c: self.for_currency(c) for c in self.currencies_}

    # -- the changes of MRR -----------------------------------------------------------------
    def _changes(self, last: int) -> _Changes:
        """The MRR changes from the first month of the data to ``last`` (built once, rebuilt
        only to reach further)."""
        if len(self.currencies_) > 1:
            total = sum(self.currencies_.values())
            shares = ", ".join(f"{c} {100 * n / total:.0f} %" for c, n in self.currencies_.items())
            raise PiloteError("subscriptions.several_currencies", currencies=shares)
        last = max(last, self._last)
        if self._cache is None or self._first + self._cache.months - 1 < last:
            self._cache = find_changes(
                self._cust, self._amount, self._start, self._end, len(self._customers),
                self._first, last,
            )  # fmt: skip
        return self._cache

    def _values_at(self, month: int) -> np.ndarray:
        """Each customer's MRR at the end of ``month`` (int64; zeros before the data)."""
        ch = self._changes(month)
        i = month - self._first
        out = np.zeros(len(self._customers), dtype=np.int64)
        if i < 0 or not len(ch.customer):
            return out
        # The last change of each customer up to month i.
        pos = np.searchsorted(ch.key, np.arange(len(out)) * ch.months + i, "right") - 1
        found = pos >= 0
        found[found] = ch.customer[pos[found]] == np.flatnonzero(found)
        out[found] = ch.now[pos[found]]
        return out

    def _flow(self, key: str, months: np.ndarray) -> np.ndarray:
        """A monthly flow (see :class:`_Changes`) for the given months (0 before the data)."""
        arr = self._changes(int(months.max())).flows[key]
        i = months - self._first
        return np.where(i >= 0, arr[np.clip(i, 0, len(arr) - 1)], 0)

    def _window(self, period: Any) -> tuple[int, int]:
        return _months_of(period, self._first, self._last)

    def _range(self, first: Any, last: Any) -> tuple[int, int]:
        f = self._first if first is None else self._window(first)[0]
        la = self._last if last is None else self._window(last)[1]
        if la < f:
            raise PiloteError("subscriptions.bad_period", period=f"{first}..{last}")
        return f, la

    # -- figures ----------------------------------------------------------------------------
    def matrix(self, first: Any = None, last: Any = None) -> pd.DataFrame:
        """Each customer's MRR at the end of each month: rows are customers, columns the first
        day of each month from ``first`` to ``last`` (default: every month of the data)."""
        f, la = self._range(first, last)
        ch = self._changes(la)
        dense = np.zeros((len(self._customers), ch.months + 1), dtype=np.int64)
        dense[ch.customer, ch.month + 1] = ch.now - ch.before
        dense = np.cumsum(dense, axis=1)
        cols = np.arange(f, la + 1) - self._first + 1
        values = np.where(cols >= 1, dense[:, np.clip(cols, 0, None)], 0) / SCALE
        months = pd.DatetimeIndex(_month_start(np.arange(f, la + 1)), name="month")
        return pd.DataFrame(values, index=self._customers.rename("customer"), columns=months)

    def kpis(self, period: Any, ids: tuple[str, ...] = KPI_IDS) -> dict[str, Value]:
        """The subscription KPIs of a month, quarter or year (or a run of whole months).

        MRR, ARR, ARPA and customer counts are snapshots at the end of the period's last day;
        movements add up over its months; the logo churn rate is the customers lost over the
        period (summed over its months) over the customers with MRR at its start; NRR and GRR
        compare the customers who had MRR twelve months before the period's end with
        themselves at its end.
        """
        unknown = [i for i in ids if i not in KPI_IDS]
        if unknown:
            raise PiloteError("subscriptions.unknown_kpi", kpi=", ".join(unknown))
        first, last = self._window(period)
        base = {
            "first_month": _label(first), "last_month": _label(last),
            "snapshot": _last_day(last),
            # complete when the data runs to the period's end, a last day or two allowed
            "partial": bool(self.as_of_.normalize() < pd.Timestamp(_last_day(last)) - _GRACE),
        }  # fmt: skip
        if last < self._first:
            return {i: _none(NO_DATA, "subscriptions.reason.before_data", base) for i in ids}
        tot, start, end = self._totals(first, last)
        retention: dict[str, np.ndarray] = {}  # each customer's MRR then and now, once
        return {i: self._kpi(i, last, tot, start, end, base, retention) for i in ids}

    def _totals(
        self, first: int, last: int
    ) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
        """Movements summed over the months, and MRR / customers before and at the end."""
        months = np.arange(first, last + 1)
        tot = {k: int(self._flow(k, months).sum()) for k in self._changes(last).flows}
        end = {k: int(self._flow(k, months[-1:])[0]) for k in ("mrr", "customers")}
        start = {k: int(self._flow(k, months[:1] - 1)[0]) for k in ("mrr", "customers")}
        return tot, start, end

    def kpi(self, kpi_id: str, period: Any) -> Value:
        """One subscription KPI of a period (see :meth:`kpis`)."""
        return self.kpis(period, (kpi_id,))[kpi_id]

    def _kpi(
        self,
        kpi_id: str,
        last: int,
        tot: Mapping[str, int],
        start: Mapping[str, int],
        end: Mapping[str, int],
        base: Mapping[str, Any],
        retention: dict[str, np.ndarray] | None = None,
    ) -> Value:
        d = dict(base)
        if kpi_id == "mrr":
            return _ok(money(end["mrr"]), customers=end["customers"], **d)
        if kpi_id == "arr":
            return _ok(money(12 * end["mrr"]), mrr=money(end["mrr"]), **d)
        name = kpi_id.removesuffix("_mrr")
        if name in MOVEMENTS:
            return _ok(money(tot[name]), customers=tot[f"{name}_customers"], **d)
        if kpi_id == "net_new_mrr":
            net = sum(tot[n] for n in MOVEMENTS[:3]) - tot["contraction"] - tot["churned"]
            parts = {n: money(tot[n]) for n in MOVEMENTS}
            return _ok(money(net), start_mrr=money(start["mrr"]), end_mrr=money(end["mrr"]),
                       **parts, **d)  # fmt: skip
        if kpi_id == "logo_churn_rate":
            d.update(
                churned_customers=tot["churned_customers"], customers_at_start=start["customers"]
            )
            if start["customers"] == 0:
                return _none(UNDEFINED, "subscriptions.reason.no_customers_at_start", d)
            return _ok(tot["churned_customers"] / start["customers"], **d)
        if kpi_id == "arpa":
            d.update(mrr=money(end["mrr"]), customers=end["customers"])
            if end["customers"] == 0:
                return _none(UNDEFINED, "subscriptions.reason.no_customers", d)
            return _ok(money(end["mrr"] / end["customers"]), **d)
        # nrr, grr: the customers with MRR twelve months before the period end, then and now
        then = last - 12
        retention = {} if retention is None else retention
        if not retention:
            retention.update(before=self._values_at(then), now=self._values_at(last))
        before, now = retention["before"], retention["now"]
        had = before > 0
        den = int(before[had].sum())
        num = int((now if kpi_id == "nrr" else np.minimum(now, before))[had].sum())
        d.update(numerator=money(num), denominator=money(den), base_customers=int(had.sum()),
                 base_snapshot=_last_day(then))  # fmt: skip
        if den == 0:
            return _none(UNDEFINED, "subscriptions.reason.no_history", d)
        return _ok(num / den, **d)

    def history(self, first: Any = None, last: Any = None) -> pd.DataFrame:
        """Month by month: MRR at the start, each movement, MRR at the end, customers.

        Columns: ``month`` (first day), ``start_mrr``, ``new``, ``reactivation``,
        ``expansion``, ``contraction``, ``churned`` (amounts, all positive), ``net_new``,
        ``end_mrr``, ``customers`` (with MRR at the end) and ``<movement>_customers``;
        ``start_mrr + new + reactivation + expansion − contraction − churned = end_mrr``.
        Default range: every month of the data.
        """
        f, la = self._range(first, last)
        months = np.arange(f, la + 1)
        out = pd.DataFrame({"month": _month_start(months)})
        out["start_mrr"] = self._flow("mrr", months - 1) / SCALE
        for name in MOVEMENTS:
            out[name] = self._flow(name, months) / SCALE
        net = sum(self._flow(n, months) for n in MOVEMENTS[:3])
        net = net - self._flow("contraction", months) - self._flow("churned", months)
        out["net_new"] = net / SCALE
        out["end_mrr"] = self._flow("mrr", months) / SCALE
        out["customers"] = self._flow("customers", months)
        for name in MOVEMENTS:
            out[f"{name}_customers"] = self._flow(f"{name}_customers", months)
        return out

    def waterfall(self, period: Any) -> pd.DataFrame:
        """The MRR bridge of a period: ``start``, the five movements, ``end``.

        Columns: ``step``, ``amount`` (signed: contraction and churn negative), ``customers``
        (who made the movement; with MRR for start and end) and ``low`` / ``high`` (the ends
        of each bar of a waterfall chart).
        """
        first, last = self._window(period)
        tot, start, end = self._totals(first, last)
        rows = [("start", money(start["mrr"]), start["customers"])]
        for name in MOVEMENTS:
            sign = -1 if name in ("contraction", "churned") else 1
            rows.append((name, money(sign * tot[name]) + 0.0, tot[f"{name}_customers"]))
        rows.append(("end", money(end["mrr"]), end["customers"]))
        out = pd.DataFrame(rows, columns=["step", "amount", "customers"])
        steps = [start["mrr"]] + [
            sign * tot[n] for n, sign in zip(MOVEMENTS, (1, 1, 1, -1, -1), strict=True)
        ]
        level = np.cumsum(steps)  # MRR after each step, exact
        low = [0, *np.minimum(level[:-1], level[1:]), 0]
        high = [start["mrr"], *np.maximum(level[:-1], level[1:]), end["mrr"]]
        out["low"] = [money(v) for v in low]
        out["high"] = [money(v) for v in high]
        return out

    def movements(self, period: Any) -> pd.DataFrame:
        """The customers behind each movement of a period: one row per customer and month.

        Columns: ``month``, ``customer``, ``movement`` (``new``, ``reactivation``,
        ``expansion``, ``contraction``, ``churned``), ``previous_mrr``, ``mrr``, ``change``;
        sorted by month, movement and size of the change.
        """
        first, last = self._window(period)
        ch = self._changes(last)
        i = ch.month + self._first
        sel = np.flatnonzero((i >= first) & (i <= last))
        out = pd.DataFrame({
            "month": _month_start(i[sel]), "customer": self._customers[ch.customer[sel]],
            "movement": np.asarray(MOVEMENTS, dtype=object)[ch.kind[sel]],
            "previous_mrr": ch.before[sel] / SCALE, "mrr": ch.now[sel] / SCALE,
            "change": (ch.now[sel] - ch.before[sel]) / SCALE,
            "_kind": ch.kind[sel], "_size": -np.abs(ch.now[sel] - ch.before[sel]),
        })  # fmt: skip
        out = out.sort_values(["month", "_kind", "_size"], kind="stable")
        return out.drop(columns=["_kind", "_size"]).reset_index(drop=True)

    def cohorts(self, last: Any = None) -> pd.DataFrame:
        """NRR and GRR by start cohort (the month of a customer's first MRR) and age.

        Columns: ``cohort`` (first day of the month), ``age`` (months since; 0 = the cohort's
        month), ``customers`` (cohort size), ``active_customers``, ``start_mrr`` (the cohort's
        MRR at age 0), ``mrr``, ``nrr`` = mrr / start_mrr and ``grr`` (each customer capped at
        its MRR at age 0). Ages run as far as the data (or ``last``) reaches.
        """
        _, la = self._range(None, last)
        ch = self._changes(la)
        k = la - self._first + 1
        sel = ch.month < k
        cust, month, now, before = ch.customer[sel], ch.month[sel], ch.now[sel], ch.before[sel]
        cohort = ch.first_month[cust]
        age = month - cohort
        start = np.zeros(len(self._customers), dtype=np.int64)
        first_cell = month == cohort
        start[cust[first_cell]] = now[first_cell]
        cap = start[cust]
        grid = cohort * k + age

        def grid_sum(values: np.ndarray) -> np.ndarray:
            out = np.zeros(k * k, dtype=np.int64)
            np.add.at(out, grid, values)
            return np.cumsum(out.reshape(k, k), axis=1)

        mrr = grid_sum(now - before)
        capped = grid_sum(np.minimum(now, cap) - np.minimum(before, cap))
        active = grid_sum((now > 0).astype(np.int64) - (before > 0))
        first_month = ch.first_month[ch.first_month < k]
        size = np.bincount(first_month, minlength=k)
        c, a = np.divmod(np.arange(k * k), k)
        keep = (size[c] > 0) & (c + a < k)
        c, a = c[keep], a[keep]
        base = mrr[c, 0]
        return pd.DataFrame({
            "cohort": _month_start(c + self._first), "age": a, "customers": size[c],
            "active_customers": active[c, a], "start_mrr": base / SCALE,
            "mrr": mrr[c, a] / SCALE, "nrr": mrr[c, a] / base, "grr": capped[c, a] / base,
        })  # fmt: skip
