"""KPIs: what each one is (a record of the catalogue), how it is computed (its formula), and the
engine that computes it for a period with comparisons, targets and alerts.

- ``catalogue.py``    every KPI as a frozen record (labels, formula text, needs, objectives, unit…)
- ``suggestions.py``  which KPIs serve the user's objectives, and what would unlock the others
- ``engine.py``       :class:`Engine`: any KPI for any period, series, breakdowns
- ``formulas/``       one formula per KPI, registered against its id (``@formula("revenue")``)
- ``aggregates.py``   what counts as an order or a customer, shared by formulas and trends
- ``prepared.py``     a table's typed arrays, built once and cached while the data lives
- ``primitives.py``   row-level helpers: line amounts, counted rows, deal outcomes, filters
- ``vocabularies.py`` what status, stage, yes/no and activity words mean (FR/EN)
- ``results.py``      :class:`Value` and :class:`KPIResult`: never NaN, a status and a reason
- ``periods.py``      months, quarters, years, ranges
- ``coverage.py``     how far each table runs: complete and partial periods, the default period
- ``alerts.py``       below target, drops, anomalies
- ``scorecard.py``    what a dashboard card shows
- ``subscriptions/``  the MRR engine: a subscriptions table read once, MRR and its movements
"""

from __future__ import annotations

from kpi.metrics.alerts import Alert, alerts, anomaly
from kpi.metrics.catalogue import (
    AGGREGATIONS,
    CATALOGUE,
    FAMILIES,
    KPI,
    KPI_IDS,
    OBJECTIVE_IDS,
    OBJECTIVES,
    UNITS,
    Measure,
    Need,
    Objective,
    Serve,
    Text,
    check_objectives,
    get_kpi,
    get_objective,
    kpis_for,
)
from kpi.metrics.coverage import (
    Coverage,
    coverage,
    default_period,
    main_table,
    periods_with_data,
    selectable_span,
)
from kpi.metrics.engine import DECISIONS, Engine, check_targets, compute, kpi_series, warm
from kpi.metrics.periods import (
    ALL,
    Period,
    filter_period,
    parse_period,
    period_codes,
    period_from_code,
    period_mask,
    periods_between,
)
from kpi.metrics.prepared import FILTER_ROLES
from kpi.metrics.primitives import (
    ID_ROLES,
    apply_filters,
    counted_rows,
    dataset_currency,
    deal_outcomes,
    dimension_role,
    filter_mask,
    filter_options,
    line_amount,
    stage_order,
    status_summary,
)
from kpi.metrics.results import NO_DATA, OK, STATUSES, UNAVAILABLE, UNDEFINED, KPIResult, Value
from kpi.metrics.scorecard import Card, card, default_choice, target_unit_hint
from kpi.metrics.suggestions import (
    Availability,
    Suggestion,
    availability,
    clause_label,
    computable_kpis,
    default_kpis,
    find_table,
    suggest,
)
from kpi.metrics.vocabularies import parse_flag, status_class

__all__ = [
    "AGGREGATIONS",
    "ALL",
    "CATALOGUE",
    "DECISIONS",
    "FAMILIES",
    "FILTER_ROLES",
    "ID_ROLES",
    "KPI",
    "KPI_IDS",
    "NO_DATA",
    "OBJECTIVES",
    "OBJECTIVE_IDS",
    "OK",
    "STATUSES",
    "UNAVAILABLE",
    "UNDEFINED",
    "UNITS",
    "Alert",
    "Availability",
    "Card",
    "Coverage",
    "Engine",
    "KPIResult",
    "Measure",
    "Need",
    "Objective",
    "Period",
    "Serve",
    "Suggestion",
    "Text",
    "Value",
    "alerts",
    "anomaly",
    "apply_filters",
    "availability",
    "card",
    "check_objectives",
    "check_targets",
    "clause_label",
    "computable_kpis",
    "compute",
    "counted_rows",
    "coverage",
    "dataset_currency",
    "dimension_role",
    "deal_outcomes",
    "default_choice",
    "default_kpis",
    "default_period",
    "filter_mask",
    "filter_options",
    "filter_period",
    "find_table",
    "get_kpi",
    "get_objective",
    "kpi_series",
    "kpis_for",
    "line_amount",
    "main_table",
    "parse_flag",
    "parse_period",
    "period_codes",
    "period_from_code",
    "period_mask",
    "periods_between",
    "periods_with_data",
    "selectable_span",
    "stage_order",
    "status_class",
    "status_summary",
    "suggest",
    "target_unit_hint",
    "warm",
]
