"""Formulas of the pipeline family: win rate, deal size, cycle, open and weighted pipeline,
velocity, stage conversion, deals created."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kpi.data import Table
from kpi.metrics.aggregates import distinct
from kpi.metrics.formulas.registry import EngineView, formula
from kpi.metrics.periods import Period
from kpi.metrics.prepared import NAT, PreparedTable, outcomes, prepared, to_ns
from kpi.metrics.primitives import stage_date_columns, stage_order
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
    reach = stage_reach(prep, outcome, keep, order, stage_dates(deals, prep, order))
    return reach.order, reach.reached, reach.rank


@dataclass(frozen=True)
class StageDates:
    """When deals reached the open stages, from the table's stage-date columns.

    ``columns`` maps a stage to its date column (:func:`kpi.metrics.stage_date_columns`);
    ``last`` is, per row, the index in the stage order of the last stage with a date (−1:
    none, or no such column).
    """

    columns: dict[str, str]
    last: np.ndarray


def stage_dates(deals: Table, prep: PreparedTable, order: list[str]) -> StageDates:
    """The stage dates of ``deals`` for the open stages of ``order`` (see :class:`StageDates`)."""
    columns = stage_date_columns(deals, order)

    def make() -> np.ndarray:
        last = np.full(prep.n, -1, dtype=np.int64)
        for k, stage in enumerate(order):
            col = columns.get(str(stage))
            if col is not None:
                has = to_ns(deals.df[col]) != NAT
                last = np.where(has, k, last)  # stages in order: the later one wins
        return last if prep.perm is None else last[prep.perm]

    return StageDates(columns, prep.memo(("stage_dates", tuple(columns.items())), make))


@dataclass(frozen=True)
class StageReach:
    """Deals reaching each stage (:func:`stage_reach`).

    ``order``: the open stages (``[None]`` without any), then won is last in ``reached``;
    ``rank``: per row, the index of the last stage reached (``len(order)`` for won);
    ``known``: per row, whether the deal's stage column names one of the open stages.
    """

    order: list[str]
    reached: np.ndarray
    rank: np.ndarray
    known: np.ndarray


def stage_reach(
    prep: PreparedTable,
    outcome: np.ndarray,
    mask: np.ndarray,
    order: list[str],
    dates: StageDates | None = None,
) -> StageReach:
    """Deals (of ``mask``) that reached each stage then won (``KPI_SPEC.md``): a deal reached
    every stage up to its current one; a won deal every stage; a lost deal every stage up to
    the last one it is known to have reached — from the stage dates where the table has them,
    else from the stage recorded with the loss (the first stage when the stage only says
    "lost")."""
    # Without any open stage, one unnamed first stage (every deal) precedes "won".
    order = list(order) if order else [None]  # type: ignore[list-item]
    k = len(order)
    rank = np.zeros(prep.n, dtype=np.int64)  # unknown or lost stage: the first stage
    known = np.zeros(prep.n, dtype=bool)
    if prep.has("stage"):
        codes, uniq = prep.codes("stage")
        pos = {s: i for i, s in enumerate(order) if s is not None}
        idx = [pos.get(u, pos.get(str(u))) for u in uniq]
        lut = np.array([0 if i is None else i for i in idx] + [0])
        known_lut = np.array([i is not None for i in idx] + [False])
        at = np.where(codes >= 0, codes, len(uniq))
        rank, known = lut[at], known_lut[at]
    if dates is not None and dates.columns:
        rank = np.maximum(rank, dates.last)  # a stage date says the deal got that far
    rank = np.where(outcome == 1, k, rank)  # won deals reached every stage
    counts = np.bincount(rank[mask], minlength=k + 1)
    reach = counts[::-1].cumsum()[::-1]  # reached stage j = deals at rank >= j
    return StageReach(order, reach, rank, known)


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
    dates = stage_dates(deals, prep, order)
    reach = stage_reach(prep, outcome, keep & created, order, dates)
    order, reached = reach.order, reach.reached
    if reached[0] == 0:
        return no_value(NO_DATA, "compute.reason.no_data")
    # where each lost deal was placed: from a stage date, from the stage recorded with the
    # loss, or at the first stage (the export does not say)
    lost = keep & created & (outcome == 2)
    by_dates = lost & (dates.last >= 0)
    by_stage = lost & ~by_dates & reach.known
    lost_at = {
        "stage_dates": int(by_dates.sum()),
        "lost_stage": int(by_stage.sum()),
        "first_stage": int((lost & ~by_dates & ~by_stage).sum()),
    }
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
        reached[-1] / reached[0],
        stages=names,
        steps=steps,
        reached=[int(x) for x in reached],
        lost_at=lost_at,
        stage_dates=dict(dates.columns),
    )


@formula("deals_created")
def deals_created(engine: EngineView, period: Period, deals: Table) -> Value:
    prep = prepared(deals)
    m = engine.rows(prep, ("created_date", "date"), period)
    n = distinct(prep, "opportunity_id", m)
    if n == 0:
        return no_value(NO_DATA, "compute.reason.no_data")
    return ok(n)
