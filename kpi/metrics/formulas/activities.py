"""Formulas of the activities family: response rate, meeting rate, average call length."""

from __future__ import annotations

import numpy as np

from kpi.data import Table
from kpi.metrics.formulas.registry import EngineView, formula
from kpi.metrics.periods import Period
from kpi.metrics.prepared import PreparedTable, prepared
from kpi.metrics.results import NO_DATA, UNAVAILABLE, UNDEFINED, NoValue, Value, no_value, ok
from kpi.metrics.vocabularies import activity_class


def activity_rows(
    engine: EngineView, table: Table, period: Period
) -> tuple[PreparedTable, np.ndarray, np.ndarray]:
    """Prepared activities, rows in period & filters, and each row's type (0 other, 1 call,
    2 message, 3 meeting)."""
    prep = prepared(table)
    m = engine.rows(prep, ("date",), period)
    if not m.any():
        raise NoValue(no_value(NO_DATA, "compute.reason.no_data"))
    kind = np.zeros(prep.n, dtype=np.int8)
    if prep.has("activity_type"):
        kind = prep.classes("activity_type", activity_class, "activity")
    return prep, m, kind


@formula("response_rate")
def response_rate(engine: EngineView, period: Period, activities: Table) -> Value:
    prep, m, kind = activity_rows(engine, activities, period)
    true, known = prep.flag("replied")
    sent = m & (kind == 2) if (kind == 2).any() else m
    if not (kind == 2).any() and (known & ~true).any():
        sent = sent & known
    n = int(sent.sum())
    if n == 0:
        return no_value(UNDEFINED, "compute.reason.no_messages")
    replies = int((sent & true).sum())
    return ok(replies / n, replies=replies, messages=n)


@formula("meeting_rate")
def meeting_rate(engine: EngineView, period: Period, activities: Table) -> Value:
    prep, m, kind = activity_rows(engine, activities, period)
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


@formula("avg_call_minutes")
def avg_call_minutes(engine: EngineView, period: Period, activities: Table) -> Value:
    prep, m, kind = activity_rows(engine, activities, period)
    calls = m & (kind == 1) if (kind == 1).any() else m
    d = prep.number("duration")[calls]
    d = d[~np.isnan(d)]
    if len(d) == 0:
        return no_value(UNDEFINED, "compute.reason.no_calls")
    return ok(d.mean(), calls=len(d))
