"""Aggregates the formulas share: an orders table's counted rows under one engine's choices, their
totals for a period, and the small reductions (distinct ids, sums per value) of the other tables.

What counts as an order (a distinct order id whose net amount over the rows at hand is > 0; a row
without an order id is an order of its own), an active customer (a distinct non-empty customer id
among the counted rows) or a new one (first order with a positive net amount over all data) is
written once, here:
the engine's formulas (:mod:`kpi.metrics.formulas`) and the trends' measures
(:mod:`kpi.explore.trends`) both use these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from kpi.metrics.periods import Period
from kpi.metrics.prepared import MAX_NS, NAT, PreparedTable, amounts, counted, zero_nan
from kpi.metrics.results import UNAVAILABLE, NoValue, no_value
from kpi.text import words

__all__ = [
    "EPS",
    "OrderRows",
    "OrderTotals",
    "counts_by",
    "distinct",
    "distinct_by",
    "first_purchase_dates",
    "order_totals",
    "orders_by",
    "positive_groups",
    "sums_by",
    "sums_codes",
    "union_names",
]

#: Net amounts at or below this are "not > 0" (float noise of summed cents is ~1e-9).
EPS = 1e-6


@dataclass(frozen=True)
class OrderTotals:
    """The counted orders of one period (see :func:`order_totals`).

    ``present`` marks, per customer code, the customers who bought in the period; ``new`` is
    ``None`` without dates, ``units``, ``cost`` and ``profit`` without their column.
    """

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


class OrderRows:
    """An orders table under one engine's choices: the counted rows within the filters, sorted
    by date and compressed once, so that a period is a contiguous slice of every array."""

    def __init__(
        self, prep: PreparedTable, statuses: frozenset[str] | None, keep_filter: np.ndarray | None
    ) -> None:
        self.prep = prep
        self.amount_all = amounts(prep)
        counts = counted(prep, statuses)
        self.filter_keep: np.ndarray | None = keep_filter
        keep = counts if keep_filter is None else counts & keep_filter
        idx = np.flatnonzero(keep)
        self.idx = idx
        self.dates = None if prep.sorted_dates is None else prep.sorted_dates[idx]
        self.amt = self.amount_all[idx]
        self.order = self.customer = self.order_customer = self.first_date = None
        self.n_orders = self.n_customers = 0
        if prep.has("order_id"):
            codes, self.n_orders = prep.ids("order_id")
            self.order = codes[idx]
        if prep.has("customer_id"):
            codes, uniq = prep.codes("customer_id")
            self.customer, self.n_customers = codes[idx], len(uniq)
            if self.order is not None:
                order_codes, n_orders = prep.ids("order_id")
                self.order_customer = prep.memo(
                    "order_customer", lambda: order_customer(order_codes, codes, n_orders)
                )
            if prep.sort_role is not None:
                self.first_date = first_purchase_dates(prep, statuses)
        # Whether every kept row has an order id / a customer: lets order_totals skip masks.
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
        return prep.memo(("num0", role), lambda: zero_nan(prep.number(role)))[self.idx]

    def weights(self, column: str | None) -> np.ndarray | None:
        """Per kept row, a measure's column (:class:`~kpi.metrics.catalogue.Measure`):
        ``amount``, ``quantity`` or ``margin`` (amount − cost, else profit); ``None`` when the
        table lacks it."""
        if column == "amount":
            return self.amt
        if column == "quantity":
            return self.qty
        if column == "margin":
            if self.cost is not None:
                return self.amt - self.cost
            return self.profit
        return None

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
            raise NoValue(no_value(UNAVAILABLE, "compute.reason.no_date"))
        assert period.start is not None and period.end is not None
        lo = int(np.searchsorted(self.dates, period.start.value, side="left"))
        hi = int(np.searchsorted(self.dates, period.end.value, side="left"))
        return slice(lo, hi)


def order_customer(order: np.ndarray, customer: np.ndarray, n_orders: int) -> np.ndarray:
    """The customer of each order (``-1`` when none; the largest code if an order has several,
    which only happens in inconsistent exports)."""
    valid = (order >= 0) & (customer >= 0)
    out = np.full(n_orders, -1, dtype=np.int64)
    np.maximum.at(out, order[valid], customer[valid])
    return out


def order_totals(o: OrderRows, period: Period) -> OrderTotals:
    """Revenue, orders, customers (present, new, repeat), units, cost and profit of the counted
    rows of ``period`` in one pass over their slice (see the module docstring for what counts)."""
    sl = o.slice(period)
    amt = o.amt[sl]
    rows = int(len(amt))
    revenue = float(amt.sum())
    positive_rows = amt > EPS
    loose = None  # rows without an order id, counted as one order each
    if o.order is not None:
        oc = o.order[sl]
        if o.orders_complete:
            pos_orders = positive_groups(oc, amt)
            orders = len(pos_orders)
        else:
            has = oc >= 0
            loose = ~has & positive_rows
            pos_orders = positive_groups(oc[has], amt[has])
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
            # every customer who ever bought (one with only returns or cancellations never did)
            new = (
                customers
                if o.first_date is None
                else int(np.count_nonzero(present & (o.first_date != MAX_NS)))
            )
        elif o.first_date is not None:
            assert period.start is not None and period.end is not None
            fd = o.first_date[present]
            new = int(np.count_nonzero((fd >= period.start.value) & (fd < period.end.value)))
    units = None if o.qty is None else float(o.qty[sl].sum())
    cost = None if o.cost is None else float(o.cost[sl].sum())
    profit = None if o.profit is None else float(o.profit[sl].sum())
    return OrderTotals(rows, revenue, orders, customers, present, new, repeat, units, cost, profit)


def first_purchase_dates(prep: PreparedTable, statuses: frozenset[str] | None) -> np.ndarray:
    """Each customer code's first purchase over all the data, whatever the filters (int64 ns;
    the largest int64 when the customer never bought), as ``new_customers``, the cohorts, RFM
    and BG/NBD date it (``KPI_SPEC.md``): the date of the customer's first order with a
    positive net amount over the counted rows — an order's net is the sum of its counted rows
    (a row without an order id is an order of its own), its date its earliest row's. A
    cancellation, a refund or a credit note never starts a customer."""

    def make() -> np.ndarray:
        codes, uniq = prep.codes("customer_id")
        dates = prep.dates("date")
        amount = amounts(prep)
        out = np.full(len(uniq), MAX_NS, dtype=np.int64)
        keep = counted(prep, statuses) & (codes >= 0)
        loose = keep
        if prep.has("order_id"):
            order, n = prep.ids("order_id")
            has = keep & (order >= 0)
            loose = keep & (order < 0)
            net = np.bincount(order[has], weights=amount[has], minlength=n)
            day = np.full(n, MAX_NS, dtype=np.int64)
            dated = has & (dates != NAT)
            np.minimum.at(day, order[dated], dates[dated])
            buyer = order_customer(order[has], codes[has], n)
            bought = (net > EPS) & (day != MAX_NS) & (buyer >= 0)
            np.minimum.at(out, buyer[bought], day[bought])
        loose = loose & (amount > EPS) & (dates != NAT)
        np.minimum.at(out, codes[loose], dates[loose])
        return out

    return prep.memo(("first_purchase", statuses), make)


def positive_groups(codes: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """The codes (order ids, or any int keys ≥ 0) whose summed amount is > :data:`EPS`."""
    if len(codes) == 0:
        return np.empty(0, dtype=np.int64)
    lo, hi = int(codes.min()), int(codes.max())
    if hi - lo > 4 * len(codes):  # sparse keys: sort them rather than count a huge range
        uniq, inverse = np.unique(codes, return_inverse=True)
        return uniq[np.bincount(inverse, weights=amounts) > EPS]
    net = np.bincount(codes - lo, weights=amounts)
    return np.flatnonzero(net > EPS) + lo


def orders_by(
    groups: np.ndarray, order: np.ndarray, amount: np.ndarray, n_groups: int
) -> np.ndarray:
    """Per group (bucket, segment…), the orders whose net amount over its rows is > 0 — what
    the ``orders`` KPI counts: rows of one order id (code ≥ 0) add up, and a row without an
    order id (code < 0) is an order of its own."""
    has = order >= 0
    out = np.bincount(groups[~has & (amount > EPS)], minlength=n_groups).astype(float)
    if has.any():
        base = int(order[has].max()) + 1
        keys = groups[has].astype(np.int64) * base + order[has]
        out += np.bincount(positive_groups(keys, amount[has]) // base, minlength=n_groups)
    return out


def distinct_by(groups: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the distinct non-empty codes (``-1`` is empty) — what the ``customers`` KPI
    counts."""
    valid = codes >= 0
    if not valid.any():
        return np.zeros(n_groups)
    base = int(codes[valid].max()) + 1
    keys = np.unique(groups[valid].astype(np.int64) * base + codes[valid])
    return np.bincount(keys // base, minlength=n_groups).astype(float)


def distinct(prep: PreparedTable, id_role: str, mask: np.ndarray) -> int:
    """Distinct ids among ``mask`` rows (rows without an id count one each); rows without an id
    column count one each."""
    if not prep.has(id_role):
        return int(mask.sum())
    codes, _ = prep.ids(id_role)
    c = codes[mask]
    return len(np.unique(c[c >= 0])) + int(np.count_nonzero(c < 0))


def sums_by(
    prep: PreparedTable, role: str, mask: np.ndarray, weights: np.ndarray, normalise: bool = True
) -> dict[str, tuple[str, float]]:
    """Σ weights per value of ``role`` among ``mask`` rows: {key: (display name, sum)}.

    Keys are accent- and case-insensitive when ``normalise`` (to join tables by channel)."""
    codes, uniq = prep.codes(role)
    return sums_codes(codes[mask], uniq, weights[mask], normalise)


def sums_codes(
    c: np.ndarray, uniq: np.ndarray, weights: np.ndarray, normalise: bool = True
) -> dict[str, tuple[str, float]]:
    """Σ weights per code (see :func:`sums_by`)."""
    w = np.nan_to_num(weights)
    valid = c >= 0
    sums = np.bincount(c[valid], weights=w[valid], minlength=len(uniq))
    present = np.bincount(c[valid], minlength=len(uniq)) > 0
    out: dict[str, tuple[str, float]] = {}
    for i in np.flatnonzero(present):
        name = str(uniq[i]).strip()
        key = words(name) if normalise else name
        prev = out.get(key, (name, 0.0))
        out[key] = (prev[0], prev[1] + float(sums[i]))
    return out


def union_names(
    a: Mapping[str, tuple[str, float]], b: Mapping[str, tuple[str, float]]
) -> list[tuple[str, str]]:
    """The keys of ``a`` then those only in ``b``, with their display names."""
    keys = list(a) + [k for k in b if k not in a]
    return [(k, (a.get(k) or b[k])[0]) for k in keys]


def counts_by(
    prep: PreparedTable, role: str, mask: np.ndarray, top: int = 25
) -> list[dict[str, Any]]:
    """The ``top`` most frequent values of ``role`` among ``mask`` rows, with their counts."""
    sums = sums_by(prep, role, mask, np.ones(prep.n), normalise=False)
    items = sorted(sums.values(), key=lambda x: -x[1])[:top]
    return [{"value": name, "count": int(n)} for name, n in items]
