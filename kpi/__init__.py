"""Pilote's engine: load sales exports, recognise their columns, compute sales KPIs.

Pure Python and pandas; never imports streamlit (``tests/test_architecture.py`` checks it). The
packages follow the data: ``kpi.data`` (a file becomes a table) → ``kpi.metrics`` (the KPI
records, their formulas and the engine) → ``kpi.explore`` (trends, funnel, customers, team) and
``kpi.scoring`` (lead scoring) → ``kpi.share`` (reports, exports, workspaces); ``kpi.cli`` is
``python -m kpi``. ``kpi.errors``, ``kpi.i18n``, ``kpi.settings`` and ``kpi.text`` serve them all.
"""

from __future__ import annotations

__version__ = "0.1.0"
