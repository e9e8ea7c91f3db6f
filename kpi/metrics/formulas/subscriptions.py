"""Formulas of the subscriptions family: MRR, ARR, the MRR movements, logo churn, ARPA, NRR and
GRR (KPI_SPEC's "Subscription" section), read from :mod:`kpi.metrics.subscriptions`.

A subscriptions table is read once (:func:`subscriptions_of`: monthly amounts, activity,
exclusions) and kept in the table's prepared cache, so it is freed with the table; the user's
filters (rep, segment, currency…) give a filtered copy kept by the engine for that filter choice.
The twelve KPIs of a period are computed together (one pass over the period's MRR changes) and
each formula takes its own.

Several currencies are never added up: each KPI then has no value, and its reason gives the
figure of each currency, the main one first, with the way to pick one (the Currency filter).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kpi import i18n
from kpi.data import Table
from kpi.errors import PiloteError
from kpi.metrics import subscriptions as subs
from kpi.metrics.catalogue import get_kpi
from kpi.metrics.formulas.registry import EngineView, formula
from kpi.metrics.periods import Period
from kpi.metrics.prepared import prepared
from kpi.metrics.results import UNAVAILABLE, Value

__all__ = ["subscriptions_of", "subscription_kpis"]

_SEVERAL = "subscriptions.several_currencies"


def _read(table: Table, keep: np.ndarray | None = None, as_of: Any = None) -> Any:
    """The table read by :func:`kpi.metrics.subscriptions.prepare` (its rows ``keep`` only), or
    the :class:`PiloteError` saying why it cannot be read (kept, not raised: cached as well)."""
    df = table.df if keep is None else table.df[keep]
    mapping = {r: c for r, c in table.mapping.items() if r in subs.ROLE_IDS}
    try:
        return subs.prepare(df, mapping, as_of=as_of)
    except PiloteError as err:
        return err


def subscriptions_of(engine: EngineView, table: Table) -> subs.Subscriptions:
    """The subscriptions of ``table`` within the engine's filters, read once.

    The whole table is kept in its prepared cache (freed with the table); a filtered copy in
    the engine's memo (one filter choice), dated like the whole table so that its periods and
    partial months agree.

    Raises
    ------
    PiloteError
        When the table cannot be read as subscriptions (no customer, no price, nothing
        countable…).
    """
    prep = prepared(table)
    whole = prep.memo("subscriptions", lambda: _read(table))
    keep = engine.keep(prep)
    if isinstance(whole, PiloteError):
        raise whole
    if keep is None or keep.all():
        return whole
    part = engine.memo(("subscriptions", id(table)), lambda: _read(table, keep, as_of=whole.as_of_))
    if isinstance(part, PiloteError):
        raise part
    return part


# Computed together: the ten figures of the period's MRR flows (one pass), and the two that
# compare each customer with twelve months before (NRR, GRR: per-customer arrays, dearer), so
# that a sparkline of MRR does not pay for the retention figures.
RETENTION: tuple[str, ...] = ("nrr", "grr")
FLOWS: tuple[str, ...] = tuple(k for k in subs.KPI_IDS if k not in RETENTION)


def subscription_kpis(
    engine: EngineView, period: Period, table: Table, ids: tuple[str, ...] = subs.KPI_IDS
) -> dict[str, Value]:
    """Subscription KPIs of ``period`` (memoised per engine, period and group of KPIs).

    A table that cannot be read, or a period that is not whole months, gives every KPI the
    status ``unavailable`` with the reason; several currencies give each KPI its figure per
    currency (see the module docstring).
    """
    out: dict[str, Value] = {}
    for group in (FLOWS, RETENTION):
        if any(k in group for k in ids):
            out.update(engine.memo(
                ("subscription_kpis", id(table), period, group),
                lambda group=group: _compute(engine, period, table, group),
            ))  # fmt: skip
    return {k: out[k] for k in ids}


def _compute(
    engine: EngineView, period: Period, table: Table, ids: tuple[str, ...]
) -> dict[str, Value]:
    try:
        return subscriptions_of(engine, table).kpis(period, ids)
    except PiloteError as err:
        if err.key == _SEVERAL:
            return _per_currency(subscriptions_of(engine, table), period, ids)
        return {k: Value(None, UNAVAILABLE, err.key, dict(err.params)) for k in ids}


def _per_currency(
    table_subs: subs.Subscriptions, period: Period, ids: tuple[str, ...]
) -> dict[str, Value]:
    """Each KPI per currency (the main one first), given in the reason and the detail."""
    total = sum(table_subs.currencies_.values())

    def share_text(lang: str) -> str:
        return ", ".join(
            f"{c} {i18n.format_percent_value(n / total, lang, 0)}"
            for c, n in table_subs.currencies_.items()
        )

    shares = i18n.Text(share_text("fr"), share_text("en"))
    per: dict[str, dict[str, Value]] = {}
    for code, part in table_subs.by_currency().items():
        try:
            per[code] = part.kpis(period, ids)
        except PiloteError:  # e.g. a currency whose rows all start after the period
            continue
    out = {}
    for kpi_id in ids:
        kpi = get_kpi(kpi_id)
        values = {c: v[kpi_id].value for c, v in per.items()}

        def listed(
            lang: str, values: dict[str, float | None] = values, unit: str = kpi.unit
        ) -> str:
            return " ; ".join(
                f"{c} {i18n.format_value(v, unit, lang, c)}" if unit != "money"
                else i18n.format_value(v, unit, lang, c)
                for c, v in values.items()
            )  # fmt: skip

        params = {"currencies": shares, "values": i18n.Text(listed("fr"), listed("en"))}
        out[kpi_id] = Value(
            None, UNAVAILABLE, "subscriptions.reason.several_currencies", params,
            {"by_currency": values},
        )  # fmt: skip
    return out


# One formula per KPI, registered where a search for its id finds it.


@formula("mrr")
def mrr(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("mrr",))["mrr"]


@formula("arr")
def arr(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("arr",))["arr"]


@formula("new_mrr")
def new_mrr(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("new_mrr",))["new_mrr"]


@formula("reactivation_mrr")
def reactivation_mrr(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("reactivation_mrr",))["reactivation_mrr"]


@formula("expansion_mrr")
def expansion_mrr(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("expansion_mrr",))["expansion_mrr"]


@formula("contraction_mrr")
def contraction_mrr(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("contraction_mrr",))["contraction_mrr"]


@formula("churned_mrr")
def churned_mrr(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("churned_mrr",))["churned_mrr"]


@formula("net_new_mrr")
def net_new_mrr(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("net_new_mrr",))["net_new_mrr"]


@formula("logo_churn_rate")
def logo_churn_rate(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("logo_churn_rate",))["logo_churn_rate"]


@formula("arpa")
def arpa(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("arpa",))["arpa"]


@formula("nrr")
def nrr(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("nrr",))["nrr"]


@formula("grr")
def grr(engine: EngineView, period: Period, table: Table) -> Value:
    return subscription_kpis(engine, period, table, ("grr",))["grr"]


i18n.add_messages(
    {
        "subscriptions.reason.several_currencies": {
            "fr": "Abonnements en plusieurs devises ({currencies}) : les montants ne sont jamais "
            "additionnés d'une devise à l'autre. Par devise : {values}. Choisissez une devise "
            "dans les filtres (Devise).",
            "en": "Subscriptions in several currencies ({currencies}): amounts are never added "
            "across currencies. Per currency: {values}. Pick one currency in the filters "
            "(Currency).",
        },
    }
)
