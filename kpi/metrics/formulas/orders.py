"""Formulas of the orders family: revenue, orders, customers, retention, margin, CLV…

They read the engine's counted order rows and their totals for a period
(:class:`~kpi.metrics.aggregates.OrderTotals`), so that every orders KPI agrees on what an order
and a customer are."""

from __future__ import annotations

import numpy as np
import pandas as pd
from babel.dates import format_date

from kpi import i18n
from kpi.data import Table
from kpi.metrics.aggregates import EPS, OrderTotals
from kpi.metrics.coverage import IN_PROGRESS, STARTS_LATE, PeriodName
from kpi.metrics.formulas.registry import EngineView, formula
from kpi.metrics.periods import Period
from kpi.metrics.prepared import MAX_NS, prepared
from kpi.metrics.results import NO_DATA, UNAVAILABLE, UNDEFINED, NoValue, Value, no_value, ok
from kpi.metrics.vocabularies import complaint_class


def retention(engine: EngineView, period: Period, orders: Table) -> Value:
    """Customers of the previous period who bought again in ``period``, as a share of them."""
    prev_period = period.previous()
    if prev_period is None:
        return no_value(UNDEFINED, "compute.reason.no_previous_period")
    cur = engine.orders(orders, period)
    prev = engine.order_totals(orders, prev_period)
    if not prev.customers or prev.present is None or cur.present is None:
        return no_value(UNDEFINED, "compute.reason.no_previous_customers")
    kept = int(np.count_nonzero(prev.present & cur.present))
    return ok(
        kept / prev.customers,
        retained=kept,
        previous_customers=prev.customers,
        comparison_period=prev_period.key,
    )


def gross_margin_of(agg: OrderTotals) -> tuple[float, str]:
    """Revenue − cost when there is a cost, else the profit column; and which one was used."""
    if agg.cost is not None:
        return agg.revenue - agg.cost, "cost"
    if agg.profit is not None:
        return agg.profit, "profit"
    raise NoValue(no_value(UNAVAILABLE, "compute.reason.no_cost"))


def year_window(engine: EngineView, period: Period, orders: Table) -> Period:
    """The 12 months ending with ``period`` (all data: ending with the last order)."""
    if period.is_all:
        last = last_order_date(orders)
        if last is None:
            raise NoValue(no_value(UNAVAILABLE, "compute.reason.no_date"))
        end = last.normalize() + pd.Timedelta(days=1)
    else:
        assert period.end is not None
        end = period.end
    return Period("range", end - pd.DateOffset(months=12), end)


def last_order_date(orders: Table) -> pd.Timestamp | None:
    """The date of the last order (``None`` without dates)."""
    d = prepared(orders).sorted_dates
    if d is not None:
        valid = d[d != MAX_NS]
        if len(valid):
            return pd.Timestamp(int(valid[-1]))
    return None


def first_order_date(orders: Table) -> pd.Timestamp | None:
    """The date of the first row (``None`` without dates): when the data starts."""
    d = prepared(orders).sorted_dates
    if d is not None and len(d) and d[0] != MAX_NS:
        return pd.Timestamp(int(d[0]))
    return None


def _date_text(day: pd.Timestamp) -> i18n.Text:
    """A date as a message parameter: ``3 janvier 2019`` / ``3 January 2019``."""
    return i18n.Text(
        *(format_date(day.date(), "long", locale=i18n.locale(x)) for x in ("fr", "en"))
    )


#: Least data the 12 months before a CLV's year must hold for its yearly churn (KPI_SPEC).
CLV_MIN_HISTORY = pd.DateOffset(months=11)


def clv_value(engine: EngineView, period: Period, orders: Table) -> Value:
    """CLV = yearly revenue per customer × gross margin % / yearly churn, with its inputs."""
    engine.orders(orders, period)  # no data in the period → no CLV
    window = year_window(engine, period, orders)
    assert window.start is not None
    # the 12 months before (calendar months, as the window: not its length in days)
    previous = Period("range", window.start - pd.DateOffset(months=12), window.start)
    year = engine.order_totals(orders, window)
    before = engine.order_totals(orders, previous)
    if not year.customers:
        return no_value(UNDEFINED, "compute.reason.no_customers")
    start = first_order_date(orders)
    if start is not None and start > previous.end - CLV_MIN_HISTORY:
        # churn against a year that is mostly empty is not churn (Online Retail: 8 days)
        return no_value(
            UNDEFINED,
            "compute.reason.clv_short_history",
            start=_date_text(start),
            first=_date_text(previous.start),
            last=_date_text(previous.last_day),  # type: ignore[arg-type]
        )
    if not before.customers or before.present is None or year.present is None:
        return no_value(UNDEFINED, "compute.reason.clv_history")
    churn = 1 - np.count_nonzero(before.present & year.present) / before.customers
    rpc = year.revenue / year.customers
    if year.cost is not None or year.profit is not None:
        if year.revenue == 0:
            return no_value(UNDEFINED, "compute.reason.zero_revenue")
        margin, basis = gross_margin_of(year)
        margin_pct = margin / year.revenue
    elif engine.margin_rate is not None:
        margin_pct, basis = float(engine.margin_rate), "given"
    else:
        # KPI_SPEC: never a silent 100 % margin.
        return no_value(UNDEFINED, "compute.reason.clv_no_margin")
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


@formula("revenue")
def revenue(engine: EngineView, period: Period, orders: Table) -> Value:
    return ok(engine.orders(orders, period).revenue)


@formula("revenue_growth")
def revenue_growth(engine: EngineView, period: Period, orders: Table) -> Value:
    prev_period = period.previous()
    if prev_period is None:
        return no_value(UNDEFINED, "compute.reason.no_previous_period")
    cur = engine.orders(orders, period)
    prev = engine.order_totals(orders, prev_period)
    if prev.rows == 0:
        return no_value(UNDEFINED, "compute.reason.no_previous_data")
    # A growth rate compares two whole periods: not a month in progress with a full one, nor a
    # year with one that holds a single month of data.
    for p in (period, prev_period):
        if engine.period_state(p, (orders,)) == IN_PROGRESS:
            return no_value(UNDEFINED, "compute.reason.growth_in_progress", period=PeriodName(p))
        if engine.period_state(p, (orders,)) == STARTS_LATE:
            return no_value(UNDEFINED, "compute.reason.growth_starts_late", period=PeriodName(p))
    if prev.revenue <= 0:
        return no_value(UNDEFINED, "compute.reason.previous_revenue_not_positive")
    return ok(
        (cur.revenue - prev.revenue) / prev.revenue,
        revenue=cur.revenue,
        comparison_revenue=prev.revenue,
        comparison_period=prev_period.key,
    )


@formula("orders")
def order_count(engine: EngineView, period: Period, orders: Table) -> Value:
    return ok(engine.orders(orders, period).orders)


@formula("aov")
def aov(engine: EngineView, period: Period, orders: Table) -> Value:
    agg = engine.orders(orders, period)
    if agg.orders == 0:
        return no_value(UNDEFINED, "compute.reason.no_orders")
    return ok(agg.revenue / agg.orders, revenue=agg.revenue, orders=agg.orders)


@formula("customers")
def customers(engine: EngineView, period: Period, orders: Table) -> Value:
    return ok(engine.orders(orders, period).customers or 0)


@formula("new_customers")
def new_customers(engine: EngineView, period: Period, orders: Table) -> Value:
    agg = engine.orders(orders, period)
    if agg.new is None:
        return no_value(UNAVAILABLE, "compute.reason.no_date")
    return ok(agg.new)


@formula("revenue_per_customer")
def revenue_per_customer(engine: EngineView, period: Period, orders: Table) -> Value:
    agg = engine.orders(orders, period)
    if not agg.customers:
        return no_value(UNDEFINED, "compute.reason.no_customers")
    return ok(agg.revenue / agg.customers, revenue=agg.revenue, customers=agg.customers)


@formula("repeat_rate")
def repeat_rate(engine: EngineView, period: Period, orders: Table) -> Value:
    agg = engine.orders(orders, period)
    if not agg.customers:
        return no_value(UNDEFINED, "compute.reason.no_customers")
    return ok(
        (agg.repeat or 0) / agg.customers, repeat_customers=agg.repeat, customers=agg.customers
    )


@formula("retention_rate")
def retention_rate(engine: EngineView, period: Period, orders: Table) -> Value:
    return retention(engine, period, orders)


@formula("churn_rate")
def churn_rate(engine: EngineView, period: Period, orders: Table) -> Value:
    ret = retention(engine, period, orders)
    if ret.value is None:
        return ret
    detail = dict(ret.detail)
    detail["lost"] = detail["previous_customers"] - detail["retained"]
    return ok(1 - ret.value, **detail)


@formula("gross_margin")
def gross_margin(engine: EngineView, period: Period, orders: Table) -> Value:
    margin, basis = gross_margin_of(engine.orders(orders, period))
    return ok(margin, basis=basis)


@formula("gross_margin_pct")
def gross_margin_pct(engine: EngineView, period: Period, orders: Table) -> Value:
    agg = engine.orders(orders, period)
    margin, basis = gross_margin_of(agg)
    if agg.revenue == 0:
        return no_value(UNDEFINED, "compute.reason.zero_revenue")
    return ok(margin / agg.revenue, gross_margin=margin, revenue=agg.revenue, basis=basis)


@formula("units_sold")
def units_sold(engine: EngineView, period: Period, orders: Table) -> Value:
    agg = engine.orders(orders, period)
    if agg.units is None:
        return no_value(UNAVAILABLE, "compute.reason.no_quantity")
    return ok(agg.units)


@formula("clv")
def clv(engine: EngineView, period: Period, orders: Table) -> Value:
    return clv_value(engine, period, orders)


@formula("revenue_share")
def revenue_share(engine: EngineView, period: Period, orders: Table) -> Value:
    o = engine.order_rows(orders)
    roles = [engine.share_by] if engine.share_by else []
    roles += ["product", "region", "channel", "rep", "segment"]
    role = o.prep.first(*roles)
    if role is None:
        return no_value(UNAVAILABLE, "compute.reason.no_dimension")
    agg = engine.orders(orders, period)
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


@formula("complaint_rate")
def complaint_rate(engine: EngineView, period: Period, orders: Table) -> Value:
    o = engine.order_rows(orders)
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
        oc = rows(prep.ids("order_id")[0])
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


@formula("avg_discount_rate")
def avg_discount_rate(engine: EngineView, period: Period, orders: Table) -> Value:
    """Revenue-weighted mean discount rate of the counted rows of ``period`` within the filters:
    Σ (rate × amount) / Σ amount over the rows with an amount > 0 (credit notes and returns
    left out); rates are fractions, or percent when any value of the column is above 1; a row
    without a rate had no discount (0 %). A column with values below 0 or above 100 holds no
    rates (a discount amount, say): the KPI is then unavailable."""
    o = engine.order_rows(orders)
    engine.orders(orders, period)  # no row in the period: no data
    column = o.prep.number("discount")
    known = column[~np.isnan(column)]
    if len(known) and (known.min() < 0 or known.max() > 100):
        return no_value(UNAVAILABLE, "compute.reason.discount_not_rate")
    scale = 100.0 if len(known) and known.max() > 1 else 1.0
    sl = o.slice(period)
    amount = o.amt[sl]
    rate = np.nan_to_num(column[o.idx][sl]) / scale
    sold = amount > EPS
    if not sold.any():
        return no_value(UNDEFINED, "compute.reason.no_orders")
    revenue = float(amount[sold].sum())
    return ok(
        float((rate[sold] * amount[sold]).sum()) / revenue,
        revenue=revenue,
        rows=int(sold.sum()),
        discounted_rows=int(np.count_nonzero(rate[sold] > 0)),
    )


i18n.add_messages(
    {
        "compute.reason.clv_short_history": {
            "fr": "L'attrition annuelle compare l'année étudiée aux 12 mois d'avant (du {first} "
            "au {last}), mais les données ne commencent que le {start} : il faut au moins 11 "
            "mois de données sur ces 12 mois.",
            "en": "Yearly churn compares the year studied with the 12 months before ({first} to "
            "{last}), but the data only starts on {start}: at least 11 of those 12 months must "
            "hold data.",
        },
        "compute.reason.discount_not_rate": {
            "fr": "La colonne de remise ne contient pas des taux (valeurs hors de 0–100 %) : "
            "associez une colonne de taux de remise.",
            "en": "The discount column does not hold rates (values outside 0–100%): map a "
            "discount rate column.",
        },
    }
)
