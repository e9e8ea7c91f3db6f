"""One formula per KPI, registered against its id where a search for the id finds it.

``formulas/orders.py`` holds ``@formula("revenue")``, ``@formula("aov")``…, one module per family
of the catalogue (orders, pipeline, leads, marketing, activities, satisfaction, targets,
subscriptions). Importing this package imports every family module, which fills
:data:`FORMULAS`; the engine calls ``get_formula(kpi.id)(engine, period, *tables)``.

To add a KPI: its record in :mod:`kpi.metrics.catalogue`, then its formula here, in its
family's module (see the README's "How to extend").
"""

from __future__ import annotations

from kpi.metrics.formulas import (  # noqa: F401  (each module registers its formulas)
    activities,
    leads,
    marketing,
    orders,
    pipeline,
    satisfaction,
    subscriptions,
    targets,
)
from kpi.metrics.formulas.registry import FORMULAS, EngineView, Formula, formula, get_formula

__all__ = ["FORMULAS", "EngineView", "Formula", "formula", "get_formula"]
