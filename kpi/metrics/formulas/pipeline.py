"""Formulas of the pipeline family: win rate, deal size, cycle, open and weighted pipeline,
velocity, stage conversion, deals created."""

from __future__ import annotations

import numpy as np

from kpi.data import Table
from kpi.metrics.aggregates import distinct
from kpi.metrics.formulas.registry import EngineView, formula
from kpi.metrics.periods import Period
from kpi.metrics.prepared import NAT, PreparedTable, outcomes, prepared
from kpi.metrics.primitives import stage_order
from kpi.metrics.results import NO_DATA, UNAVAILABLE, UNDEFINED, NoValue, Value, no_value, ok

_NS_PER_DAY = 86_400 * 10**9


def deal_state(engine: EngineView, table: Table) -> tuple[PreparedTable, np.ndarray, np.ndarray]:
    """Prepared deals, outcomes, and the filter mask (all True without filters)."""
    prep = prepared(table)
    keep = engine.keep(prep)
    if keep is None:
        keep = np.ones(prep.n, dtype=bool)
    return prep, outcomes(prep), keep


def closed_in(engine: EngineView, table: Table, period: Period) -> tuple[np.ndarray, np.ndarray]:
    """(won, lost) masks of deals closed in ``period`` within the filters."""
    prep, outcome, keep = deal_state(engine, table)
    in_period = engine.period_rows(prep, ("close_date", "date"), period)
    m = keep & in_period
    return m & (outcome == 1), m & (outcome == 2)


def open_deals(engine: EngineView, deals: Table) -> tuple[np.ndarray, np.ndarray]:
    """(open mask within filters, all deals within filters)."""
    prep, outcome, keep = deal_state(engine, deals)
    if not keep.any():
        raise NoValue(no_value(NO_DATA, "compute.reason.no_data"))
    return keep & (outcome == 0), keep


def stage_rates(engine: EngineView, deals: Table) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Stage order, reached counts per stage (+ won at the end), and each deal's rank."""
    prep, outcome, keep = deal_state(engine, deals)
    order = stage_order(deals, engine.stage_order_)
    return stage_reach(prep, outcome, keep, order)


def stage_reach(
    prep: PreparedTable, outcome: np.ndarray, mask: np.ndarray, order: list[str]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Stage order, deals (of ``mask``) that reached each stage then won, and each deal's rank."""
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
    reach = counts[::-1].cumsum()[::-1]  # reached stage j = deals at rank >= j
    return order, reach, rank


@formula("win_rate")
def win_rate(engine: EngineView, period: Period, deals: Table) -> Value:
    won, lost = closed_in(engine, deals, period)
    n_won, n_lost = int(won.sum()), int(lost.sum())
    if n_won + n_lost == 0:
        return no_value(NO_DATA, "compute.reason.no_closed_deals")
    return ok(n_won / (n_won + n_lost), won=n_won, lost=n_lost)


@formula("avg_deal_size")
def avg_deal_size(engine: EngineView, period: Period, deals: Table) -> Value:
    won, _ = closed_in(engine, deals, period)
    amounts = prepared(deals).number("amount")[won]
    amounts = amounts[~np.isnan(amounts)]
    if len(amounts) == 0:
        return no_value(NO_DATA, "compute.reason.no_won_deals")
    return ok(amounts.mean(), won_deals=len(amounts), won_value=float(amounts.sum()))


@formula("sales_cycle_days")
def sales_cycle_days(engine: EngineView, period: Period, deals: Table) -> Value:
    prep = prepared(deals)
    won, _ = closed_in(engine, deals, period)
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


@formula("pipeline_value")
def pipeline_value(engine: EngineView, period: Period, deals: Table) -> Value:
    open_, _ = open_deals(engine, deals)
    amounts = prepared(deals).number("amount")[open_]
    known = ~np.isnan(amounts)
    if open_.any() and not known.any():
        return no_value(UNDEFINED, "compute.reason.no_open_amount")
    return ok(float(amounts[known].sum()), open_deals=int(open_.sum()), as_of=engine.as_of)


@formula("weighted_pipeline")
def weighted_pipeline(engine: EngineView, period: Period, deals: Table) -> Value:
    prep = prepared(deals)
    open_, keep = open_deals(engine, deals)
    amounts = prep.number("amount")
    known = open_ & ~np.isnan(amounts)
    if open_.any() and not known.any():
        return no_value(UNDEFINED, "compute.reason.no_open_amount")
    _, outcome, _ = deal_state(engine, deals)
    order, reached, rank = stage_rates(engine, deals)
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
    return ok(value, open_deals=int(open_.sum()), probability=source, as_of=engine.as_of)


@formula("sales_velocity")
def sales_velocity(engine: EngineView, period: Period, deals: Table) -> Value:
    open_, _ = open_deals(engine, deals)
    parts = {
        "win_rate": win_rate(engine, period, deals),
        "avg_deal_size": avg_deal_size(engine, period, deals),
        "sales_cycle_days": sales_cycle_days(engine, period, deals),
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


@formula("stage_conversion")
def stage_conversion(engine: EngineView, period: Period, deals: Table) -> Value:
    prep, outcome, keep = deal_state(engine, deals)
    created = engine.period_rows(prep, ("created_date", "date"), period)
    order = stage_order(deals, engine.stage_order_)
    order, reached, _ = stage_reach(prep, outcome, keep & created, order)
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


@formula("deals_created")
def deals_created(engine: EngineView, period: Period, deals: Table) -> Value:
    prep = prepared(deals)
    m = engine.rows(prep, ("created_date", "date"), period)
    n = distinct(prep, "opportunity_id", m)
    if n == 0:
        return no_value(NO_DATA, "compute.reason.no_data")
    return ok(n)
