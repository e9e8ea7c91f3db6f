"""Recurring revenue from a subscriptions table: MRR, its movements, retention.

Definitions are those of the "Subscription" section of ``KPI_SPEC.md``. In short: a row's
**monthly amount** is its price per billing interval × quantity, normalised to a month (year ÷ 12,
week × 52 ÷ 12, day × 365 ÷ 12, interval count divides); a row is active at a date when
``start ≤ date < end`` (not before its trial end); a customer's MRR is the sum of its active
rows; the MRR of a month is the snapshot at 23:59:59 on its last day, timestamps read as written.

Lifetimes style: everything starts from a :class:`pandas.DataFrame` and a ``mapping`` of role id
→ column name (no header is hard-coded)::

    subs = prepare(df, {"customer_id": "Customer ID", "unit_price": "Amount", ...})
    subs.kpis("2024-03")          # mrr, arr, new_mrr, … nrr, grr: Value records
    subs.history()                # month by month: start MRR, movements, end MRR
    subs.waterfall("2024-Q1")     # the MRR bridge of a period
    subs.movements("2024-Q1")     # the customers behind each movement (to download)
    subs.cohorts()                # NRR / GRR by start cohort and age
    subs.matrix()                 # each customer's MRR at each month-end

Where to look: ``_prepare`` (validation, monthly amounts, activity, exclusions),
``_table`` (the prepared table and every figure), ``_vocabulary`` (status words, intervals,
column readers), ``_messages`` (French and English texts).

Money is carried as integers (1e-8 of the currency unit) once the monthly amounts are known, so
that sums, differences and "is it zero?" are exact and the movements of a month add up to the
change of MRR to the cent.
"""

from __future__ import annotations

from kpi.metrics.results import NO_DATA, OK, UNAVAILABLE, UNDEFINED, Value
from kpi.metrics.subscriptions import _messages  # noqa: F401  (registers the texts)
from kpi.metrics.subscriptions._prepare import ROLE_IDS, prepare
from kpi.metrics.subscriptions._table import (
    KPI_IDS,
    MOVEMENTS,
    SCALE,
    Exclusion,
    Subscriptions,
)
from kpi.metrics.subscriptions._vocabulary import STATUS_CLASSES, parse_interval

__all__ = [
    "KPI_IDS",
    "MOVEMENTS",
    "NO_DATA",
    "OK",
    "ROLE_IDS",
    "SCALE",
    "STATUS_CLASSES",
    "UNAVAILABLE",
    "UNDEFINED",
    "Exclusion",
    "Subscriptions",
    "Value",
    "parse_interval",
    "prepare",
]
