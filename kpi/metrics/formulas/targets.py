"""Formulas of the targets family: attainment and pacing against a targets table, and the
targets helpers the engine and the team page use (:func:`target_total`,
:func:`attainment_table`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kpi.data import Table, role_label
from kpi.metrics.aggregates import sums_by, sums_codes, union_names
from kpi.metrics.catalogue import Text
from kpi.metrics.formulas.registry import EngineView, formula
from kpi.metrics.periods import Period, parse_period
from kpi.metrics.prepared import NAT, mapped_column, prepared
from kpi.metrics.results import NO_DATA, UNAVAILABLE, UNDEFINED, NoValue, Value, no_value, ok


def target_span(engine: EngineView, targets: Table) -> Period:
    """The months the targets table covers (within the filters), as one range."""
    prep = prepared(targets)
    if not prep.has("date"):
        raise NoValue(no_value(UNAVAILABLE, "compute.reason.no_date"))
    d = prep.dates("date")
    keep = engine.keep(prep)
    d = d[(d != NAT) & (True if keep is None else keep)]
    if len(d) == 0:
        raise NoValue(no_value(NO_DATA, "compute.reason.no_targets"))
    first = Period.containing(pd.Timestamp(int(d.min())), "month")
    last = Period.containing(pd.Timestamp(int(d.max())), "month")
    assert first.start is not None and last.end is not None
    return Period("range", first.start, last.end)


def target_total(
    engine: EngineView, period: Period | str, targets: Table | None = None
) -> float | None:
    """Σ of the targets table for ``period`` within the filters (``None`` without a table
    or rows)."""
    period = parse_period(period)
    targets = targets or next(
        (t for t in engine.tables if t.kind == "targets" and mapped_column(t, "target")), None
    )
    if targets is None or uncovered_filter(engine, targets) is not None:
        return None
    prep = prepared(targets)
    try:
        m = engine.rows(prep, ("date",), period)
    except NoValue:
        return None
    if not m.any():
        return None
    return float(np.nansum(prep.number("target")[m]))


def uncovered_filter(engine: EngineView, targets: Table) -> str | None:
    """A filtered role the targets table cannot be split by (a region filter on targets set
    per rep): its total would not match the filtered revenue."""
    return next((role for role in engine.filters if not mapped_column(targets, role)), None)


def attain(
    engine: EngineView, period: Period, targets: Table, orders: Table
) -> tuple[Value, Period]:
    """Revenue / target for ``period`` (all data: the months the targets cover), and that span."""
    role = uncovered_filter(engine, targets)
    if role is not None:
        raise NoValue(
            no_value(
                UNAVAILABLE,
                "compute.reason.targets_not_by",
                role=Text(role_label(role, "fr"), role_label(role, "en")),
            )
        )
    span = target_span(engine, targets) if period.is_all else period
    total = target_total(engine, span, targets)
    if total is None:
        return no_value(NO_DATA, "compute.reason.no_targets"), span
    if total <= 0:
        return no_value(UNDEFINED, "compute.reason.zero_target"), span
    actual = engine.order_totals(orders, span).revenue
    detail: dict[str, Any] = {"actual": actual, "target": total, "period": span.key}
    return ok(actual / total, **detail), span


@formula("attainment")
def attainment(engine: EngineView, period: Period, targets: Table, orders: Table) -> Value:
    value, span = attain(engine, period, targets, orders)
    if value.value is None:
        return value
    detail = dict(value.detail)
    for by in ("rep", "team"):
        if mapped_column(targets, by) and mapped_column(orders, by):
            table = attainment_table(engine, span, by)
            detail["by"] = by
            detail["rows"] = table.to_dict("records")
            break
    return ok(value.value, **detail)


@formula("pacing")
def pacing(engine: EngineView, period: Period, targets: Table, orders: Table) -> Value:
    value, span = attain(engine, period, targets, orders)
    if value.value is None:
        return value
    share = engine.elapsed(span, (orders,))
    if share <= 0:
        return no_value(UNDEFINED, "compute.reason.not_started")
    if share >= 1:
        # Pacing is for a period in progress; over a finished one it would repeat attainment.
        return no_value(UNDEFINED, "compute.reason.period_over")
    return ok(
        value.value / share,
        attainment=value.value,
        elapsed=share,
        **{k: v for k, v in value.detail.items() if k != "attainment"},
    )


def attainment_table(engine: EngineView, period: Period | str, by: str = "rep") -> pd.DataFrame:
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
            for t in engine.tables
            if t.kind == "targets" and mapped_column(t, "target") and mapped_column(t, by)
        ),
        None,
    )
    orders = next((t for t in engine.tables if t.kind == "orders" and mapped_column(t, by)), None)
    if targets is None or orders is None:
        return pd.DataFrame(columns=cols)
    try:
        span = target_span(engine, targets) if period.is_all else period
        tprep = prepared(targets)
        tm = engine.rows(tprep, ("date",), span)
        engine.order_totals(orders, span)
    except NoValue:
        return pd.DataFrame(columns=cols)
    target_by = sums_by(tprep, by, tm, tprep.number("target"), normalise=False)
    o = engine.order_rows(orders)
    sl = o.slice(span)
    codes, uniq = o.take(by)
    actual_by = sums_codes(codes[sl], uniq, o.amt[sl], normalise=False)
    share = engine.elapsed(span, (orders,))
    rows = []
    for key, name in union_names(target_by, actual_by):
        tgt = target_by.get(key, (name, 0.0))[1]
        act = actual_by.get(key, (name, 0.0))[1]
        att = act / tgt if tgt > 0 else None
        pace = att / share if att is not None and share > 0 else None
        rows.append((name, tgt, act, att, pace))
    return pd.DataFrame(rows, columns=cols)
