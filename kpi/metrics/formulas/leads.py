"""Formulas of the leads family: leads and their conversion rate."""

from __future__ import annotations

from typing import Any

import numpy as np

from kpi.data import Table
from kpi.metrics.aggregates import counts_by, distinct
from kpi.metrics.formulas.registry import EngineView, formula
from kpi.metrics.periods import Period
from kpi.metrics.prepared import PreparedTable, prepared
from kpi.metrics.results import NO_DATA, UNDEFINED, NoValue, Value, no_value, ok


def lead_rows(engine: EngineView, leads: Table, period: Period) -> tuple[PreparedTable, np.ndarray]:
    """Prepared leads and the rows created in ``period`` within the filters (no data when none)."""
    prep = prepared(leads)
    m = engine.rows(prep, ("created_date", "date"), period)
    if not m.any():
        raise NoValue(no_value(NO_DATA, "compute.reason.no_leads"))
    return prep, m


@formula("leads")
def lead_count(engine: EngineView, period: Period, leads: Table) -> Value:
    prep, m = lead_rows(engine, leads, period)
    detail: dict[str, Any] = {}
    role = prep.first("source", "channel")
    if role:
        detail["by"] = role
        detail["counts"] = counts_by(prep, role, m)
    return ok(distinct(prep, "lead_id", m), **detail)


@formula("lead_conversion_rate")
def lead_conversion_rate(engine: EngineView, period: Period, leads: Table) -> Value:
    prep, m = lead_rows(engine, leads, period)
    true, known = prep.flag("converted")
    # Empty means "still open" when the column also says "no" somewhere, or when a recognised
    # tool's status wrote it (open leads: outcome unknown).
    explicit_no = "converted" in prep.from_source or bool((known & ~true).any())
    decided = m & known if explicit_no else m
    n = int(decided.sum())
    if n == 0:
        return no_value(UNDEFINED, "compute.reason.no_decided_leads")
    converted = int((decided & true).sum())
    return ok(converted / n, converted=converted, leads=n, open_leads=int(m.sum()) - n)
