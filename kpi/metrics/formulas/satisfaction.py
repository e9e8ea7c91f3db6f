"""Formulas of the satisfaction family: NPS and CSAT."""

from __future__ import annotations

import numpy as np

from kpi.data import Table
from kpi.metrics.formulas.registry import EngineView, formula
from kpi.metrics.periods import Period
from kpi.metrics.prepared import prepared
from kpi.metrics.results import NO_DATA, UNDEFINED, NoValue, Value, no_value, ok


def answers(engine: EngineView, table: Table, role: str, period: Period) -> np.ndarray:
    """The survey scores of ``role`` answered in ``period`` within the filters."""
    prep = prepared(table)
    m = engine.rows(prep, ("date", "created_date"), period)
    scores = prep.number(role)[m]
    scores = scores[~np.isnan(scores)]
    if len(scores) == 0:
        raise NoValue(no_value(NO_DATA, "compute.reason.no_answers"))
    return scores


@formula("nps")
def nps(engine: EngineView, period: Period, survey: Table) -> Value:
    s = answers(engine, survey, "nps", period)
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


@formula("csat")
def csat(engine: EngineView, period: Period, survey: Table) -> Value:
    s = answers(engine, survey, "csat", period)
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
