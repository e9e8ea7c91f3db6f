"""The engine: every KPI of the catalogue for any period, exactly as ``KPI_SPEC.md`` defines it.

:class:`Engine` holds the loaded tables and the user's choices (filters, counted statuses, stage
order, "today") and computes any KPI for any period, with comparisons to the previous period and
to the same period last year (:meth:`Engine.result`), per-period series for sparklines
(:meth:`Engine.series`) and breakdowns by a column role (:meth:`Engine.breakdown`).
:func:`compute` and :func:`kpi_series` wrap it for one-off calls.

Decisions where the spec is silent are listed in the docstrings of the functions concerned and
gathered in :data:`DECISIONS`.

Speed: each table is prepared once (:mod:`kpi.metrics.prepared`) and the preparation is cached
while the DataFrame lives, so that changing a filter only recomputes masks and sums.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.dataset import Table
from kpi.data.roles import role_label
from kpi.errors import PiloteError
from kpi.metrics.aggregates import (
    EPS,
    OrderRows,
    OrderTotals,
    counts_by,
    distinct,
    order_totals,
    sums_by,
    sums_codes,
    union_names,
)
from kpi.metrics.alerts import Alert, alerts
from kpi.metrics.catalogue import CATALOGUE, KPI, Text, get_kpi
from kpi.metrics.periods import ALL, FREQS, Period, parse_period, periods_between
from kpi.metrics.prepared import (
    FILTER_ROLES,
    MAX_NS,
    NAT,
    PreparedTable,
    check_filters,
    data_span,
    filter_keep,
    mapped_column,
    outcomes,
    prepared,
    status_key,
)
from kpi.metrics.primitives import ID_ROLES, stage_order
from kpi.metrics.results import (
    NO_DATA,
    UNAVAILABLE,
    UNDEFINED,
    KPIResult,
    NoValue,
    Value,
    no_value,
    ok,
    relative_change,
)
from kpi.metrics.suggestions import availability, find_table
from kpi.metrics.vocabularies import activity_class, complaint_class

__all__ = ["DECISIONS", "Engine", "check_targets", "compute", "kpi_series", "warm"]

_NS_PER_DAY = 86_400 * 10**9
# KPIs whose value is a photo of the end of the data: no previous period, no series.
_SNAPSHOT = frozenset({"pipeline_value", "weighted_pipeline"})


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


def warm(table: Table) -> None:
    """Prepare what the dashboard needs first for ``table`` (sorted dates, amounts, id codes,
    counted rows), so that its first display does not pay for it. Meant for a background
    thread right after a load; a page that asks meanwhile waits for the same work."""
    if table.kind != "orders" or "date" not in table.mapping:
        return
    try:
        prep = prepared(table)
        prep.date_ordered_ids = True
        OrderRows(prep, None, None)
        for role in FILTER_ROLES:
            if prep.has(role) and role not in ID_ROLES:
                prep.codes(role)
    except RuntimeError:  # the table was released meanwhile (user removed it)
        return


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
        self.filters = check_filters(filters)
        self.statuses = status_key(statuses)
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
        span = data_span(self.tables)
        return None if span is None else span[1]

    def _tables_for(self, kpi: KPI) -> list[Table]:
        """One table per need of ``kpi``; raises NoValue when some need is not met."""
        out = []
        for need in kpi.needs:
            table = find_table(need, self.tables)
            if table is None:
                avail = availability(kpi, self.tables)
                unlock = Text(avail.unlock("fr") or "", avail.unlock("en") or "")
                raise NoValue(no_value(UNAVAILABLE, "compute.reason.unavailable", unlock=unlock))
            out.append(table)
        return out

    def _keep(self, prep: PreparedTable) -> np.ndarray | None:
        # Cached per engine (one filter choice), not per table: masks of old filter choices
        # must not pile up in the shared table cache.
        return self._once(("keep", id(prep)), lambda: filter_keep(prep, self.filters))

    def _period_mask(self, prep: PreparedTable, roles: Sequence[str], period: Period) -> np.ndarray:
        """Rows of ``period`` on the first mapped date role of ``roles`` (all rows for all)."""
        if period.is_all:
            return np.ones(prep.n, dtype=bool)
        role = prep.first(*roles)
        if role is None:
            raise NoValue(no_value(UNAVAILABLE, "compute.reason.no_date"))
        assert period.start is not None and period.end is not None
        d = prep.dates(role)
        return (d >= period.start.value) & (d < period.end.value)

    def _rows(self, prep: PreparedTable, roles: Sequence[str], period: Period) -> np.ndarray:
        """Filter mask & period mask."""
        mask = self._period_mask(prep, roles, period)
        keep = self._keep(prep)
        return mask if keep is None else mask & keep

    # -- orders -------------------------------------------------------------------------------
    def _orders_base(self, table: Table) -> OrderRows:
        def make() -> OrderRows:
            prep = prepared(table)
            return OrderRows(prep, self.statuses, self._keep(prep))

        return self._once(("orders_base", id(table)), make)

    def _orders_agg(self, table: Table, period: Period) -> OrderTotals:
        return self._once(
            ("orders_agg", id(table), period),
            lambda: order_totals(self._orders_base(table), period),
        )

    def _orders(self, table: Table, period: Period) -> OrderTotals:
        """The aggregate, raising no_data when the selection is empty."""
        agg = self._orders_agg(table, period)
        if agg.rows == 0:
            raise NoValue(no_value(NO_DATA, "compute.reason.no_data"))
        return agg

    def _k_revenue(self, period: Period, orders: Table) -> Value:
        return ok(self._orders(orders, period).revenue)

    def _k_revenue_growth(self, period: Period, orders: Table) -> Value:
        prev_period = period.previous()
        if prev_period is None:
            return no_value(UNDEFINED, "compute.reason.no_previous_period")
        cur = self._orders(orders, period)
        prev = self._orders_agg(orders, prev_period)
        if prev.rows == 0:
            return no_value(UNDEFINED, "compute.reason.no_previous_data")
        if prev.revenue <= 0:
            return no_value(UNDEFINED, "compute.reason.previous_revenue_not_positive")
        return ok(
            (cur.revenue - prev.revenue) / prev.revenue,
            revenue=cur.revenue,
            comparison_revenue=prev.revenue,
            comparison_period=prev_period.key,
        )

    def _k_orders(self, period: Period, orders: Table) -> Value:
        return ok(self._orders(orders, period).orders)

    def _k_aov(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        if agg.orders == 0:
            return no_value(UNDEFINED, "compute.reason.no_orders")
        return ok(agg.revenue / agg.orders, revenue=agg.revenue, orders=agg.orders)

    def _k_customers(self, period: Period, orders: Table) -> Value:
        return ok(self._orders(orders, period).customers or 0)

    def _k_new_customers(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        if agg.new is None:
            return no_value(UNAVAILABLE, "compute.reason.no_date")
        return ok(agg.new)

    def _k_revenue_per_customer(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        if not agg.customers:
            return no_value(UNDEFINED, "compute.reason.no_customers")
        return ok(agg.revenue / agg.customers, revenue=agg.revenue, customers=agg.customers)

    def _k_repeat_rate(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        if not agg.customers:
            return no_value(UNDEFINED, "compute.reason.no_customers")
        return ok(
            (agg.repeat or 0) / agg.customers, repeat_customers=agg.repeat, customers=agg.customers
        )

    def _retention(self, period: Period, orders: Table) -> Value:
        prev_period = period.previous()
        if prev_period is None:
            return no_value(UNDEFINED, "compute.reason.no_previous_period")
        cur = self._orders(orders, period)
        prev = self._orders_agg(orders, prev_period)
        if not prev.customers or prev.present is None or cur.present is None:
            return no_value(UNDEFINED, "compute.reason.no_previous_customers")
        kept = int(np.count_nonzero(prev.present & cur.present))
        return ok(
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
        return ok(1 - ret.value, **detail)

    def _margin(self, agg: OrderTotals) -> tuple[float, str]:
        if agg.cost is not None:
            return agg.revenue - agg.cost, "cost"
        if agg.profit is not None:
            return agg.profit, "profit"
        raise NoValue(no_value(UNAVAILABLE, "compute.reason.no_cost"))

    def _k_gross_margin(self, period: Period, orders: Table) -> Value:
        margin, basis = self._margin(self._orders(orders, period))
        return ok(margin, basis=basis)

    def _k_gross_margin_pct(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        margin, basis = self._margin(agg)
        if agg.revenue == 0:
            return no_value(UNDEFINED, "compute.reason.zero_revenue")
        return ok(margin / agg.revenue, gross_margin=margin, revenue=agg.revenue, basis=basis)

    def _k_units_sold(self, period: Period, orders: Table) -> Value:
        agg = self._orders(orders, period)
        if agg.units is None:
            return no_value(UNAVAILABLE, "compute.reason.no_quantity")
        return ok(agg.units)

    def _year_window(self, period: Period, orders: Table) -> Period:
        if period.is_all:
            last = self._last_date_of_orders(orders)
            if last is None:
                raise NoValue(no_value(UNAVAILABLE, "compute.reason.no_date"))
            end = last.normalize() + pd.Timedelta(days=1)
        else:
            assert period.end is not None
            end = period.end
        return Period("range", end - pd.DateOffset(months=12), end)

    def _last_date_of_orders(self, orders: Table) -> pd.Timestamp | None:
        d = prepared(orders).sorted_dates
        if d is not None:
            valid = d[d != MAX_NS]
            if len(valid):
                return pd.Timestamp(int(valid[-1]))
        return None

    def _clv(self, period: Period, orders: Table) -> Value:
        self._orders(orders, period)  # no data in the period → no CLV
        window = self._year_window(period, orders)
        year = self._orders_agg(orders, window)
        before = self._orders_agg(orders, window.previous())  # type: ignore[arg-type]
        if not year.customers:
            return no_value(UNDEFINED, "compute.reason.no_customers")
        if not before.customers or before.present is None or year.present is None:
            return no_value(UNDEFINED, "compute.reason.clv_history")
        churn = 1 - np.count_nonzero(before.present & year.present) / before.customers
        rpc = year.revenue / year.customers
        margin_pct = 1.0
        basis = "none"
        if year.cost is not None or year.profit is not None:
            if year.revenue == 0:
                return no_value(UNDEFINED, "compute.reason.zero_revenue")
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
        return ok(rpc * margin_pct / churn, **detail)

    def _k_clv(self, period: Period, orders: Table) -> Value:
        return self._clv(period, orders)

    def _k_revenue_share(self, period: Period, orders: Table) -> Value:
        o = self._orders_base(orders)
        roles = [self.share_by] if self.share_by else []
        roles += ["product", "region", "channel", "rep", "segment"]
        role = o.prep.first(*roles)
        if role is None:
            return no_value(UNAVAILABLE, "compute.reason.no_dimension")
        agg = self._orders(orders, period)
        if agg.revenue <= 0:
            return no_value(UNDEFINED, "compute.reason.zero_revenue")
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
        return ok(top[0]["share"], dimension=role, top=top[0]["segment"], shares=top)

    def _k_complaint_rate(self, period: Period, orders: Table) -> Value:
        o = self._orders_base(orders)
        prep = o.prep
        if not period.is_all and prep.sort_role is None:
            return no_value(UNAVAILABLE, "compute.reason.no_date")
        sl = prep.slice_for(period)
        keep = o.filter_keep

        def rows(arr: np.ndarray) -> np.ndarray:
            return arr[sl] if keep is None else arr[sl][keep[sl]]

        amt = rows(o.amount_all)
        if len(amt) == 0:
            return no_value(NO_DATA, "compute.reason.no_data")
        flagged = np.zeros(len(amt), dtype=bool)
        if prep.has("status"):
            flagged = rows(prep.classes("status", complaint_class, "complaint")) == 1
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
            n_orders = int(np.count_nonzero(net > EPS))
            n_bad = int(np.count_nonzero(bad | (net < -EPS)))
            if not every:
                n_orders += int(np.count_nonzero(~has & (amt > EPS)))
                n_bad += int(np.count_nonzero(~has & (flagged | (amt < -EPS))))
        else:
            n_orders = int(np.count_nonzero(amt > EPS))
            n_bad = int(np.count_nonzero(flagged | (amt < -EPS)))
        if n_orders == 0:
            return no_value(UNDEFINED, "compute.reason.no_orders")
        return ok(n_bad / n_orders, returns_or_complaints=n_bad, orders=n_orders)

    # -- deals --------------------------------------------------------------------------------
    def _deals(self, table: Table) -> tuple[PreparedTable, np.ndarray, np.ndarray]:
        """Prepared deals, outcomes, and the filter mask (all True without filters)."""
        prep = prepared(table)
        keep = self._keep(prep)
        if keep is None:
            keep = np.ones(prep.n, dtype=bool)
        return prep, outcomes(prep), keep

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
            return no_value(NO_DATA, "compute.reason.no_closed_deals")
        return ok(n_won / (n_won + n_lost), won=n_won, lost=n_lost)

    def _k_avg_deal_size(self, period: Period, deals: Table) -> Value:
        won, _ = self._closed_in(deals, period)
        amounts = prepared(deals).number("amount")[won]
        amounts = amounts[~np.isnan(amounts)]
        if len(amounts) == 0:
            return no_value(NO_DATA, "compute.reason.no_won_deals")
        return ok(amounts.mean(), won_deals=len(amounts), won_value=float(amounts.sum()))

    def _k_sales_cycle_days(self, period: Period, deals: Table) -> Value:
        prep = prepared(deals)
        won, _ = self._closed_in(deals, period)
        close_role = prep.first("close_date", "date")
        if close_role is None or not prep.has("created_date"):
            return no_value(UNAVAILABLE, "compute.reason.no_date")
        created, closed = prep.dates("created_date"), prep.dates(close_role)
        dated = won & (created != NAT) & (closed != NAT)
        days = (closed[dated] - created[dated]) / _NS_PER_DAY
        negative = int(np.count_nonzero(days < 0))
        days = days[days >= 0]
        if len(days) == 0:
            return no_value(NO_DATA, "compute.reason.no_won_deals")
        return ok(days.mean(), won_deals=len(days), excluded_negative=negative)

    def _open_deals(self, deals: Table) -> tuple[np.ndarray, np.ndarray]:
        """(open mask within filters, all deals within filters)."""
        prep, outcome, keep = self._deals(deals)
        if not keep.any():
            raise NoValue(no_value(NO_DATA, "compute.reason.no_data"))
        return keep & (outcome == 0), keep

    def _k_pipeline_value(self, period: Period, deals: Table) -> Value:
        open_, _ = self._open_deals(deals)
        amounts = prepared(deals).number("amount")[open_]
        known = ~np.isnan(amounts)
        if open_.any() and not known.any():
            return no_value(UNDEFINED, "compute.reason.no_open_amount")
        return ok(float(amounts[known].sum()), open_deals=int(open_.sum()), as_of=self.as_of)

    def _stage_rates(self, deals: Table) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Stage order, reached counts per stage (+ won at the end), and each deal's rank."""
        prep, outcome, keep = self._deals(deals)
        order = stage_order(deals, self.stage_order_)
        return self._reached(prep, outcome, keep, order)

    def _reached(
        self, prep: PreparedTable, outcome: np.ndarray, mask: np.ndarray, order: list[str]
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
        prep = prepared(deals)
        open_, keep = self._open_deals(deals)
        amounts = prep.number("amount")
        known = open_ & ~np.isnan(amounts)
        if open_.any() and not known.any():
            return no_value(UNDEFINED, "compute.reason.no_open_amount")
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
        return ok(value, open_deals=int(open_.sum()), probability=source, as_of=self.as_of)

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
            return no_value(UNDEFINED, "compute.reason.zero_cycle")
        n_open = int(open_.sum())
        wr, size = parts["win_rate"].value, parts["avg_deal_size"].value
        assert wr is not None and size is not None
        return ok(
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
            return no_value(NO_DATA, "compute.reason.no_data")
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
        return ok(
            reached[-1] / reached[0], stages=names, steps=steps, reached=[int(x) for x in reached]
        )

    def _k_deals_created(self, period: Period, deals: Table) -> Value:
        prep = prepared(deals)
        m = self._rows(prep, ("created_date", "date"), period)
        n = distinct(prep, "opportunity_id", m)
        if n == 0:
            return no_value(NO_DATA, "compute.reason.no_data")
        return ok(n)

    # -- leads and spend ----------------------------------------------------------------------
    def _lead_rows(self, leads: Table, period: Period) -> tuple[PreparedTable, np.ndarray]:
        prep = prepared(leads)
        m = self._rows(prep, ("created_date", "date"), period)
        if not m.any():
            raise NoValue(no_value(NO_DATA, "compute.reason.no_leads"))
        return prep, m

    def _k_leads(self, period: Period, leads: Table) -> Value:
        prep, m = self._lead_rows(leads, period)
        detail: dict[str, Any] = {}
        role = prep.first("source", "channel")
        if role:
            detail["by"] = role
            detail["counts"] = counts_by(prep, role, m)
        return ok(distinct(prep, "lead_id", m), **detail)

    def _k_lead_conversion_rate(self, period: Period, leads: Table) -> Value:
        prep, m = self._lead_rows(leads, period)
        true, known = prep.flag("converted")
        explicit_no = bool((known & ~true).any())
        decided = m & known if explicit_no else m
        n = int(decided.sum())
        if n == 0:
            return no_value(UNDEFINED, "compute.reason.no_decided_leads")
        converted = int((decided & true).sum())
        return ok(converted / n, converted=converted, leads=n, open_leads=int(m.sum()) - n)

    def _spend_rows(self, spend: Table, period: Period) -> tuple[PreparedTable, np.ndarray]:
        prep = prepared(spend)
        return prep, self._rows(prep, ("date",), period)

    def _spend_total(self, spend: Table, period: Period) -> float:
        prep, m = self._spend_rows(spend, period)
        if not m.any():
            raise NoValue(no_value(NO_DATA, "compute.reason.no_spend"))
        return float(np.nansum(prep.number("spend")[m]))

    def _k_cost_per_lead(self, period: Period, spend: Table, leads: Table) -> Value:
        total = self._spend_total(spend, period)
        lprep, lm = self._lead_rows(leads, period)
        n = distinct(lprep, "lead_id", lm)
        detail: dict[str, Any] = {"spend": total, "leads": n}
        sprep, sm = self._spend_rows(spend, period)
        s_role, l_role = sprep.first("channel", "source"), lprep.first("channel", "source")
        if s_role and l_role:
            spend_by = sums_by(sprep, s_role, sm, sprep.number("spend"))
            leads_by = sums_by(lprep, l_role, lm, np.ones(lprep.n))
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
                for key, name in union_names(leads_by, spend_by)
            ]
        return ok(total / n, **detail) if n else no_value(UNDEFINED, "compute.reason.no_leads")

    def _k_cac(self, period: Period, spend: Table, orders: Table) -> Value:
        total = self._spend_total(spend, period)
        agg = self._orders(orders, period)
        if agg.new is None:
            return no_value(UNAVAILABLE, "compute.reason.no_date")
        if agg.new == 0:
            return no_value(UNDEFINED, "compute.reason.no_new_customers")
        return ok(total / agg.new, spend=total, new_customers=agg.new)

    def _k_ltv_cac(self, period: Period, spend: Table, orders: Table) -> Value:
        clv = self._clv(period, orders)
        if clv.value is None:
            return clv
        cac = self._k_cac(period, spend, orders)
        if cac.value is None:
            return cac
        if cac.value <= 0:
            return no_value(UNDEFINED, "compute.reason.no_spend")
        return ok(clv.value / cac.value, clv=clv.value, cac=cac.value)

    def _k_roi(self, period: Period, spend: Table, orders: Table) -> Value:
        sprep, sm = self._spend_rows(spend, period)
        if not sm.any():
            return no_value(NO_DATA, "compute.reason.no_spend")
        self._orders(orders, period)
        o = self._orders_base(orders)
        sl = o.slice(period)
        s_role = sprep.first("channel", "source")
        o_role = o.prep.first("channel", "source")
        assert s_role is not None and o_role is not None
        spend_by = sums_by(sprep, s_role, sm, sprep.number("spend"))
        codes, uniq = o.take(o_role)
        rev_by = sums_codes(codes[sl], uniq, o.amt[sl])
        rows = []
        tot_spend = tot_rev = 0.0
        for key, name in union_names(rev_by, spend_by):
            s = spend_by.get(key, (name, 0.0))[1]
            r = rev_by.get(key, (name, 0.0))[1]
            rows.append(
                {"channel": name, "spend": s, "revenue": r, "roi": (r - s) / s if s > 0 else None}
            )
            if s > 0:
                tot_spend += s
                tot_rev += r
        if tot_spend <= 0:
            return no_value(UNDEFINED, "compute.reason.no_spend")
        return ok(
            (tot_rev - tot_spend) / tot_spend, spend=tot_spend, revenue=tot_rev, by_channel=rows
        )

    # -- activities and satisfaction ----------------------------------------------------------
    def _activity(
        self, table: Table, period: Period
    ) -> tuple[PreparedTable, np.ndarray, np.ndarray]:
        """Prepared activities, rows in period & filters, and each row's type (0 other, 1 call,
        2 message, 3 meeting)."""
        prep = prepared(table)
        m = self._rows(prep, ("date",), period)
        if not m.any():
            raise NoValue(no_value(NO_DATA, "compute.reason.no_data"))
        kind = np.zeros(prep.n, dtype=np.int8)
        if prep.has("activity_type"):
            kind = prep.classes("activity_type", activity_class, "activity")
        return prep, m, kind

    def _k_response_rate(self, period: Period, activities: Table) -> Value:
        prep, m, kind = self._activity(activities, period)
        true, known = prep.flag("replied")
        sent = m & (kind == 2) if (kind == 2).any() else m
        if not (kind == 2).any() and (known & ~true).any():
            sent = sent & known
        n = int(sent.sum())
        if n == 0:
            return no_value(UNDEFINED, "compute.reason.no_messages")
        replies = int((sent & true).sum())
        return ok(replies / n, replies=replies, messages=n)

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
                return no_value(UNAVAILABLE, "compute.reason.no_meeting_type")
            contacts = m & ((kind == 1) | (kind == 2))
            meetings = int((m & (kind == 3)).sum())
        n = int(contacts.sum())
        if n == 0:
            return no_value(UNDEFINED, "compute.reason.no_contacts")
        return ok(meetings / n, meetings=meetings, contacts=n)

    def _k_avg_call_minutes(self, period: Period, activities: Table) -> Value:
        prep, m, kind = self._activity(activities, period)
        calls = m & (kind == 1) if (kind == 1).any() else m
        d = prep.number("duration")[calls]
        d = d[~np.isnan(d)]
        if len(d) == 0:
            return no_value(UNDEFINED, "compute.reason.no_calls")
        return ok(d.mean(), calls=len(d))

    def _scores(self, table: Table, role: str, period: Period) -> np.ndarray:
        prep = prepared(table)
        m = self._rows(prep, ("date", "created_date"), period)
        scores = prep.number(role)[m]
        scores = scores[~np.isnan(scores)]
        if len(scores) == 0:
            raise NoValue(no_value(NO_DATA, "compute.reason.no_answers"))
        return scores

    def _k_nps(self, period: Period, survey: Table) -> Value:
        s = self._scores(survey, "nps", period)
        valid = s[(s >= 0) & (s <= 10)]
        if len(valid) == 0:
            return no_value(UNDEFINED, "compute.reason.no_answers")
        promoters = int(np.count_nonzero(valid >= 9))
        detractors = int(np.count_nonzero(valid <= 6))
        return ok(
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
            return no_value(UNDEFINED, "compute.reason.no_answers")
        satisfied = int(np.count_nonzero(valid >= 4))
        return ok(
            satisfied / len(valid),
            answers=len(valid),
            satisfied=satisfied,
            out_of_scale=len(s) - len(valid),
        )

    # -- targets ------------------------------------------------------------------------------
    def _target_span(self, targets: Table) -> Period:
        prep = prepared(targets)
        if not prep.has("date"):
            raise NoValue(no_value(UNAVAILABLE, "compute.reason.no_date"))
        d = prep.dates("date")
        keep = self._keep(prep)
        d = d[(d != NAT) & (True if keep is None else keep)]
        if len(d) == 0:
            raise NoValue(no_value(NO_DATA, "compute.reason.no_targets"))
        first = Period.containing(pd.Timestamp(int(d.min())), "month")
        last = Period.containing(pd.Timestamp(int(d.max())), "month")
        assert first.start is not None and last.end is not None
        return Period("range", first.start, last.end)

    def target_total(self, period: Period | str, targets: Table | None = None) -> float | None:
        """Σ of the targets table for ``period`` within the filters (``None`` without a table
        or rows)."""
        period = parse_period(period)
        targets = targets or next(
            (t for t in self.tables if t.kind == "targets" and mapped_column(t, "target")), None
        )
        if targets is None or self._uncovered_filter(targets) is not None:
            return None
        prep = prepared(targets)
        try:
            m = self._rows(prep, ("date",), period)
        except NoValue:
            return None
        if not m.any():
            return None
        return float(np.nansum(prep.number("target")[m]))

    def _uncovered_filter(self, targets: Table) -> str | None:
        """A filtered role the targets table cannot be split by (a region filter on targets set
        per rep): its total would not match the filtered revenue."""
        return next((role for role in self.filters if not mapped_column(targets, role)), None)

    def _attain(self, period: Period, targets: Table, orders: Table) -> tuple[Value, Period]:
        role = self._uncovered_filter(targets)
        if role is not None:
            raise NoValue(
                no_value(
                    UNAVAILABLE,
                    "compute.reason.targets_not_by",
                    role=Text(role_label(role, "fr"), role_label(role, "en")),
                )
            )
        span = self._target_span(targets) if period.is_all else period
        total = self.target_total(span, targets)
        if total is None:
            return no_value(NO_DATA, "compute.reason.no_targets"), span
        if total <= 0:
            return no_value(UNDEFINED, "compute.reason.zero_target"), span
        actual = self._orders_agg(orders, span).revenue
        detail: dict[str, Any] = {"actual": actual, "target": total, "period": span.key}
        return ok(actual / total, **detail), span

    def _k_attainment(self, period: Period, targets: Table, orders: Table) -> Value:
        value, span = self._attain(period, targets, orders)
        if value.value is None:
            return value
        detail = dict(value.detail)
        for by in ("rep", "team"):
            if mapped_column(targets, by) and mapped_column(orders, by):
                table = self.attainment_table(span, by)
                detail["by"] = by
                detail["rows"] = table.to_dict("records")
                break
        return ok(value.value, **detail)

    def _k_pacing(self, period: Period, targets: Table, orders: Table) -> Value:
        value, span = self._attain(period, targets, orders)
        if value.value is None:
            return value
        share = span.elapsed_share(self.as_of) if self.as_of is not None else 1.0
        if share <= 0:
            return no_value(UNDEFINED, "compute.reason.not_started")
        return ok(
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
            (
                t
                for t in self.tables
                if t.kind == "targets" and mapped_column(t, "target") and mapped_column(t, by)
            ),
            None,
        )
        orders = next((t for t in self.tables if t.kind == "orders" and mapped_column(t, by)), None)
        if targets is None or orders is None:
            return pd.DataFrame(columns=cols)
        try:
            span = self._target_span(targets) if period.is_all else period
            tprep = prepared(targets)
            tm = self._rows(tprep, ("date",), span)
            self._orders_agg(orders, span)
        except NoValue:
            return pd.DataFrame(columns=cols)
        target_by = sums_by(tprep, by, tm, tprep.number("target"), normalise=False)
        o = self._orders_base(orders)
        sl = o.slice(span)
        codes, uniq = o.take(by)
        actual_by = sums_codes(codes[sl], uniq, o.amt[sl], normalise=False)
        share = span.elapsed_share(self.as_of) if self.as_of is not None else 1.0
        rows = []
        for key, name in union_names(target_by, actual_by):
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
        except NoValue as missing:
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
            change=relative_change(v, pv),
            change_last_year=relative_change(v, lv),
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
        targets = check_targets(targets)
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
        except NoValue:
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
        return data_span([table], roles)

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
            ok(sums[i]) if rows[i] else no_value(NO_DATA, "compute.reason.no_data")
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
            col = mapped_column(table, by)
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


def check_targets(targets: Mapping[str, Any] | None) -> dict[str, float]:
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
        prep = prepared(table)
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


i18n.add_messages(
    {
        "compute.bad_target": {
            "fr": "L'objectif de « {kpi} » doit être un nombre (reçu : {value}).",
            "en": "The target for “{kpi}” must be a number (got: {value}).",
        },
    }
)
