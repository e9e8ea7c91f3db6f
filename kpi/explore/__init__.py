"""Explore: the figures behind the Trends, Funnel, Customers and Team pages, and their charts.

Every function takes what the engine already knows (an :class:`~kpi.metrics.Engine`, or the
:class:`Facts` of a table) and returns small DataFrames ready for a chart or a table.

- ``trends.py``     facts (counted rows), measures, series by day/week/month/quarter, by segment
- ``buckets.py``    time buckets: codes, labels, a regular series
- ``anomalies.py``  unusual points of a series and the segment behind them
- ``forecast.py``   the next buckets of a series, with a back-tested error
- ``trend_view.py`` one series as the Trends page and ``python -m kpi trend`` show it
- ``drivers.py``    what drove a change: contributions, price / volume / mix
- ``funnel.py``     deal stages, win rate by group, pipeline, lead funnel and sources
- ``customers.py``  cohorts, RFM, satisfaction by segment
- ``clv.py``        customer lifetime value, historical and predicted (BG/NBD + Gamma-Gamma)
- ``team.py``       the leaderboard, team totals and one rep in detail
- ``subscriptions.py`` recurring revenue: MRR waterfall, movements by month, NRR/GRR cohorts
- ``charts.py``     Altair charts for all of the above
"""

from __future__ import annotations

from kpi.explore.clv import BetaGeoGammaGamma, CLVPrediction, historical_clv, predict_clv
from kpi.explore.customers import (
    RFM_SEGMENTS,
    cohort_matrix,
    first_purchases,
    purchases_summary,
    rfm,
    satisfaction_by,
)
from kpi.explore.drivers import Anomaly, contributions, explain_anomalies, price_volume_mix
from kpi.explore.forecast import Forecast
from kpi.explore.funnel import (
    PipelineSummary,
    by_group,
    deals_table,
    infer_stage_order,
    lead_funnel,
    lead_sources,
    leads_table,
    pipeline,
)
from kpi.explore.team import RepDetail, leaderboard, rep_detail, team_totals
from kpi.explore.trends import (
    DIMENSIONS,
    MEASURES,
    Facts,
    available_measures,
    breakdown_trend,
    facts,
    facts_for,
    kpi_trend,
    measure_totals,
    measure_trend,
)

# ``anomalies()``, ``forecast()`` and ``funnel()`` are reached through their modules
# (``kpi.explore.anomalies.anomalies``…): re-exported here, they would hide the modules.
__all__ = [
    "DIMENSIONS",
    "MEASURES",
    "RFM_SEGMENTS",
    "Anomaly",
    "BetaGeoGammaGamma",
    "CLVPrediction",
    "Facts",
    "Forecast",
    "PipelineSummary",
    "RepDetail",
    "available_measures",
    "breakdown_trend",
    "by_group",
    "cohort_matrix",
    "contributions",
    "deals_table",
    "explain_anomalies",
    "facts",
    "facts_for",
    "first_purchases",
    "historical_clv",
    "infer_stage_order",
    "kpi_trend",
    "lead_funnel",
    "lead_sources",
    "leaderboard",
    "leads_table",
    "measure_totals",
    "measure_trend",
    "pipeline",
    "predict_clv",
    "price_volume_mix",
    "purchases_summary",
    "rep_detail",
    "rfm",
    "satisfaction_by",
    "team_totals",
]
