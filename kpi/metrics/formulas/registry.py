"""The formula registry: each KPI's formula registered against its id.

A formula is a function ``(engine, period, *tables) -> Value``: ``tables`` are the loaded tables
that meet the needs of the KPI's record, in the order of its ``needs`` (CAC gets the spend table,
then the orders table). It is registered with ``@formula("kpi_id")`` in its family's module
(``formulas/orders.py``…), so that a search for the id finds the record
(:mod:`kpi.metrics.catalogue`) and the formula, and the engine reaches it through
:func:`get_formula`, never by building a name at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import numpy as np
import pandas as pd

from kpi.data import Table
from kpi.metrics.aggregates import OrderRows, OrderTotals
from kpi.metrics.catalogue import get_kpi
from kpi.metrics.periods import Period
from kpi.metrics.prepared import PreparedTable
from kpi.metrics.results import Value

__all__ = ["FORMULAS", "EngineView", "Formula", "formula", "get_formula"]


class EngineView(Protocol):
    """What a formula may ask the engine (:class:`kpi.metrics.Engine` is one): the tables and
    the user's choices, and the rows and totals they select, memoised per engine."""

    tables: tuple[Table, ...]
    filters: dict[str, frozenset[str]]
    statuses: frozenset[str] | None
    stage_order_: list[str] | None
    share_by: str | None
    margin_rate: float | None

    @property
    def as_of(self) -> pd.Timestamp | None: ...

    def memo(self, key: Any, make: Callable[[], Any]) -> Any: ...

    def period_state(self, period: Period, tables: Sequence[Table] | None = None) -> str: ...

    def elapsed(self, period: Period, tables: Sequence[Table] | None = None) -> float: ...

    def keep(self, prep: PreparedTable) -> np.ndarray | None: ...

    def period_rows(
        self, prep: PreparedTable, roles: Sequence[str], period: Period
    ) -> np.ndarray: ...

    def rows(self, prep: PreparedTable, roles: Sequence[str], period: Period) -> np.ndarray: ...

    def order_rows(self, table: Table) -> OrderRows: ...

    def order_totals(self, table: Table, period: Period) -> OrderTotals: ...

    def orders(self, table: Table, period: Period) -> OrderTotals: ...


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
