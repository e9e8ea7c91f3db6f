"""The formula registry: each KPI's formula registered against its id.

A formula is a function ``(engine, period, *tables) -> Value``: ``tables`` are the loaded tables
that meet the needs of the KPI's record, in the order of its ``needs`` (CAC gets the spend table,
then the orders table). It is registered with ``@formula("kpi_id")`` in its family's module
(``formulas/orders.py``…), so that a search for the id finds the record
(:mod:`kpi.metrics.catalogue`) and the formula, and the engine reaches it through
:func:`get_formula`, never by building a name at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from kpi.metrics.catalogue import get_kpi
from kpi.metrics.results import Value

__all__ = ["FORMULAS", "Formula", "formula", "get_formula"]

Formula = Callable[..., Value]
F = TypeVar("F", bound=Formula)

#: KPI id → its formula, filled by the ``@formula`` decorators when the family modules load.
FORMULAS: dict[str, Formula] = {}


def formula(kpi_id: str) -> Callable[[F], F]:
    """Register the decorated function as the formula of ``kpi_id``.

    Raises
    ------
    PiloteError
        When ``kpi_id`` has no record in the catalogue (a typo fails at import).
    ValueError
        When ``kpi_id`` already has a formula: each KPI has exactly one.
    """
    get_kpi(kpi_id)

    def register(fn: F) -> F:
        if kpi_id in FORMULAS:
            other = FORMULAS[kpi_id]
            raise ValueError(
                f"KPI {kpi_id!r} already has a formula: {other.__module__}.{other.__qualname__}"
            )
        FORMULAS[kpi_id] = fn
        return fn

    return register


def get_formula(kpi_id: str) -> Formula:
    """The formula registered for ``kpi_id``.

    Raises
    ------
    LookupError
        When no formula is registered for it.
    """
    try:
        return FORMULAS[kpi_id]
    except KeyError:
        raise LookupError(f"no formula is registered for KPI {kpi_id!r}") from None
