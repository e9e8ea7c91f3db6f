"""Formulas of the marketing family: cost per lead, CAC, LTV:CAC and ROI (a spend table with the
leads or orders it paid for)."""

from __future__ import annotations

from typing import Any

import numpy as np

from kpi.data import Table
from kpi.metrics.aggregates import distinct, sums_by, sums_codes, union_names
from kpi.metrics.formulas.leads import lead_rows
from kpi.metrics.formulas.orders import clv_value
from kpi.metrics.formulas.registry import EngineView, formula
from kpi.metrics.periods import Period
from kpi.metrics.prepared import PreparedTable, prepared
from kpi.metrics.results import NO_DATA, UNAVAILABLE, UNDEFINED, NoValue, Value, no_value, ok


def spend_rows(
    engine: EngineView, spend: Table, period: Period
) -> tuple[PreparedTable, np.ndarray]:
    """Prepared spend and the rows of ``period`` within the filters."""
    prep = prepared(spend)
    return prep, engine.rows(prep, ("date",), period)


def spend_total(engine: EngineView, spend: Table, period: Period) -> float:
    """Σ spend of ``period`` within the filters (no data when there is no row)."""
    prep, m = spend_rows(engine, spend, period)
    if not m.any():
        raise NoValue(no_value(NO_DATA, "compute.reason.no_spend"))
    return float(np.nansum(prep.number("spend")[m]))


@formula("cost_per_lead")
def cost_per_lead(engine: EngineView, period: Period, spend: Table, leads: Table) -> Value:
    total = spend_total(engine, spend, period)
    lprep, lm = lead_rows(engine, leads, period)
    n = distinct(lprep, "lead_id", lm)
    detail: dict[str, Any] = {"spend": total, "leads": n}
    sprep, sm = spend_rows(engine, spend, period)
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


@formula("cac")
def cac(engine: EngineView, period: Period, spend: Table, orders: Table) -> Value:
    total = spend_total(engine, spend, period)
    agg = engine.orders(orders, period)
    if agg.new is None:
        return no_value(UNAVAILABLE, "compute.reason.no_date")
    if agg.new == 0:
        return no_value(UNDEFINED, "compute.reason.no_new_customers")
    return ok(total / agg.new, spend=total, new_customers=agg.new)


@formula("ltv_cac")
def ltv_cac(engine: EngineView, period: Period, spend: Table, orders: Table) -> Value:
    clv = clv_value(engine, period, orders)
    if clv.value is None:
        return clv
    acquisition = cac(engine, period, spend, orders)
    if acquisition.value is None:
        return acquisition
    if acquisition.value <= 0:
        return no_value(UNDEFINED, "compute.reason.no_spend")
    return ok(clv.value / acquisition.value, clv=clv.value, cac=acquisition.value)


@formula("roi")
def roi(engine: EngineView, period: Period, spend: Table, orders: Table) -> Value:
    sprep, sm = spend_rows(engine, spend, period)
    if not sm.any():
        return no_value(NO_DATA, "compute.reason.no_spend")
    engine.orders(orders, period)
    o = engine.order_rows(orders)
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
    return ok((tot_rev - tot_spend) / tot_spend, spend=tot_spend, revenue=tot_rev, by_channel=rows)
