"""What the engine returns: a :class:`Value` (one KPI for one period) and a :class:`KPIResult`
(with its comparisons and target), never NaN.

A KPI that cannot be given has ``value=None``, a status — ``no_data`` (the selection is empty),
``undefined`` (a zero denominator, e.g. no orders) or ``unavailable`` (a table, column or date is
missing) — and a reason the user can read (``compute.reason.*`` messages, registered here).
Formulas build values with :func:`ok` and :func:`no_value`, and raise :class:`NoValue` from deep
inside a computation when the KPI cannot be given at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.metrics.catalogue import KPI, Text
from kpi.metrics.periods import Period

__all__ = [
    "NO_DATA",
    "OK",
    "STATUSES",
    "UNAVAILABLE",
    "UNDEFINED",
    "KPIResult",
    "NoValue",
    "Value",
    "relative_change",
    "json_number",
    "json_safe",
    "no_value",
    "ok",
    "tidy",
]


# Value statuses.
OK = "ok"
NO_DATA = "no_data"
UNDEFINED = "undefined"
UNAVAILABLE = "unavailable"
STATUSES: tuple[str, ...] = (OK, NO_DATA, UNDEFINED, UNAVAILABLE)


@dataclass(frozen=True)
class Value:
    """One KPI value for one period.

    Attributes
    ----------
    value : float or None
        ``None`` unless ``status`` is ``ok``.
    status : str
        ``ok``, ``no_data`` (empty selection), ``undefined`` (zero denominator) or
        ``unavailable`` (a table, column or date is missing).
    reason : str or None
        Message key of the reason (``compute.reason.*``), see :meth:`reason_text`.
    params : dict
        Parameters of the reason message.
    detail : dict
        JSON-safe extra figures: the inputs of CLV, shares per segment, steps of a funnel…
    """

    value: float | None
    status: str = OK
    reason: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    detail: Mapping[str, Any] = field(default_factory=dict)

    def reason_text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """Why there is no value, in ``lang``."""
        if self.reason is None:
            return None
        params = {k: v(lang) if isinstance(v, Text) else v for k, v in self.params.items()}
        return i18n.t(self.reason, lang, **params)


def ok(value: float, **detail: Any) -> Value:
    """A value with its ``detail`` (an infinite or NaN value becomes ``undefined``)."""
    v = float(value)
    if not math.isfinite(v):
        return Value(None, UNDEFINED, "compute.reason.undefined")
    return Value(v, OK, None, {}, detail)


def no_value(status: str, reason: str, **params: Any) -> Value:
    """No value: its ``status`` and the message key of its ``reason`` (with ``params``)."""
    return Value(None, status, reason, params)


class NoValue(Exception):
    """Raised inside a KPI computation when it cannot be given at all; the engine returns the
    :class:`Value` it carries."""

    def __init__(self, value: Value) -> None:
        super().__init__(value.reason)
        self.value = value


@dataclass(frozen=True)
class KPIResult:
    """A KPI for a period, with its comparisons and target.

    Attributes
    ----------
    kpi : KPI
    period : Period
    current : Value
        The value for the period.
    previous, last_year : Value or None
        The same KPI for the previous period and the same period last year (``None`` when
        there is no such period: all the data, snapshot KPIs).
    change, change_last_year : float or None
        Relative change ``(value − reference) / |reference|``.
    delta : float or None
        ``value − previous`` (points for percentages).
    target, attainment, pacing : float or None
        Target, ``value / target``, and ``attainment / elapsed`` for KPIs that accumulate over
        the period.
    elapsed : float
        Share of the period elapsed at ``as_of`` (1 for a finished period).
    currency : str or None
        When the data holds several currencies, the one this money KPI is given in (its values,
        comparisons and target are in that currency only); None otherwise.
    per_currency : tuple of (str, float or None)
        Then, the value in each currency, the main one first.
    """

    kpi: KPI
    period: Period
    current: Value
    previous: Value | None = None
    last_year: Value | None = None
    change: float | None = None
    change_last_year: float | None = None
    delta: float | None = None
    target: float | None = None
    attainment: float | None = None
    pacing: float | None = None
    elapsed: float = 1.0
    currency: str | None = None
    per_currency: tuple[tuple[str, float | None], ...] = ()

    @property
    def id(self) -> str:
        """The KPI id."""
        return self.kpi.id

    @property
    def value(self) -> float | None:
        """The value for the period (``None`` when there is none)."""
        return self.current.value

    @property
    def status(self) -> str:
        """The status of the value."""
        return self.current.status

    @property
    def projected_change(self) -> float | None:
        """Change vs the previous period, the value projected to the whole period first when
        the KPI accumulates and the period is unfinished."""
        prev = None if self.previous is None else self.previous.value
        if self.value is None or prev is None:
            return None
        value = self.value
        if self.kpi.accumulates and 0 < self.elapsed < 1:
            value = value / self.elapsed
        return relative_change(value, prev)

    def to_dict(self, lang: str = "en", currency: str | None = None) -> dict[str, Any]:
        """JSON-safe dict (``None`` for missing values, plain Python numbers).

        A money KPI of data in several currencies also has ``currency`` (the one its value is
        in) and ``per_currency``: ``[{"currency", "value", "formatted"}, …]``, main first.
        """
        unit = self.kpi.unit
        currency = self.currency or currency
        extra: dict[str, Any] = {}
        if self.currency is not None:
            extra = {
                "currency": self.currency,
                "per_currency": [
                    {
                        "currency": code,
                        "value": json_number(value, unit),
                        "formatted": self.kpi.format(value, lang, code),
                    }
                    for code, value in self.per_currency
                ],
            }
        return {
            "id": self.kpi.id,
            "label": self.kpi.label(lang),
            "value": json_number(self.value, unit),
            "unit": unit,
            "previous": json_number(self.previous and self.previous.value, unit),
            "change": json_number(self.change, "percent"),
            "previous_year": json_number(self.last_year and self.last_year.value, unit),
            "change_year": json_number(self.change_last_year, "percent"),
            "target": json_number(self.target, unit),
            "attainment": json_number(self.attainment, "percent"),
            "pacing": json_number(self.pacing, "percent"),
            "status": self.current.status,
            "reason": self.current.reason_text(lang),
            "formatted": self.kpi.format(self.value, lang, currency),
            "detail": json_safe(dict(self.current.detail)),
            **extra,
        }


def relative_change(value: float | None, reference: float | None) -> float | None:
    """Relative change ``(value − reference) / |reference|`` (``None`` without a reference)."""
    if value is None or reference is None or reference == 0:
        return None
    return float((value - reference) / abs(reference))


def json_number(value: Any, unit: str) -> float | int | None:
    """A number for JSON: ``None`` for missing or infinite, an int for whole counts."""
    if value is None:
        return None
    v = float(value)
    if not math.isfinite(v):
        return None
    if unit == "count" and v == round(v):
        return int(round(v))
    return tidy(v)


def tidy(v: float) -> float:
    """Float noise of sums removed (12 significant digits): 9747747.934000001 → 9747747.934."""
    return float(f"{v:.12g}")


def json_safe(obj: Any) -> Any:
    """Recursively make ``obj`` JSON-safe: no NaN, no numpy types, no timestamps."""
    if isinstance(obj, Mapping):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        v = float(obj)
        return tidy(v) if math.isfinite(v) else None
    if isinstance(obj, pd.Timestamp):
        return None if pd.isna(obj) else obj.isoformat()
    if obj is None or isinstance(obj, str):
        return obj
    if obj is pd.NaT or (isinstance(obj, float) and math.isnan(obj)):
        return None
    return str(obj)


i18n.add_messages(
    {
        "compute.reason.no_data": {
            "fr": "Aucune donnée pour cette sélection.",
            "en": "No data for this selection.",
        },
        "compute.reason.undefined": {
            "fr": "Valeur non définie pour cette sélection.",
            "en": "Not defined for this selection.",
        },
        "compute.reason.unavailable": {
            "fr": "Non calculable avec les données chargées. {unlock}",
            "en": "Cannot be computed from the loaded data. {unlock}",
        },
        "compute.reason.no_date": {
            "fr": "La table n'a pas de colonne de date : choisissez « toutes les données » ou "
            "associez une colonne Date.",
            "en": "The table has no date column: choose “all data” or map a Date column.",
        },
        "compute.reason.no_previous_period": {
            "fr": "Pas de période de comparaison pour « toutes les données » : choisissez un "
            "mois, un trimestre ou une année.",
            "en": "No comparison period for “all data”: choose a month, quarter or year.",
        },
        "compute.reason.no_previous_data": {
            "fr": "Aucune vente sur la période de comparaison.",
            "en": "No sales in the comparison period.",
        },
        "compute.reason.previous_revenue_not_positive": {
            "fr": "Le CA de la période de comparaison est nul ou négatif : la croissance n'a "
            "pas de sens.",
            "en": "Revenue of the comparison period is zero or negative: growth is meaningless.",
        },
        "compute.reason.no_orders": {
            "fr": "Aucune commande au montant positif sur la période.",
            "en": "No order with a positive amount in the period.",
        },
        "compute.reason.no_customers": {
            "fr": "Aucun client identifié sur la période.",
            "en": "No identified customer in the period.",
        },
        "compute.reason.no_previous_customers": {
            "fr": "Aucun client sur la période précédente.",
            "en": "No customer in the previous period.",
        },
        "compute.reason.no_cost": {
            "fr": "Associez une colonne Coût ou Marge pour calculer la marge.",
            "en": "Map a Cost or Profit column to compute the margin.",
        },
        "compute.reason.zero_revenue": {
            "fr": "Le CA de la sélection est nul.",
            "en": "Revenue of the selection is zero.",
        },
        "compute.reason.no_quantity": {
            "fr": "Associez une colonne Quantité.",
            "en": "Map a Quantity column.",
        },
        "compute.reason.clv_history": {
            "fr": "Il faut des clients sur les 12 mois précédant l'année étudiée pour estimer "
            "l'attrition annuelle.",
            "en": "Yearly churn needs customers in the 12 months before the year studied.",
        },
        "compute.reason.zero_churn": {
            "fr": "Aucune attrition sur l'année : la durée de vie client est infinie, la CLV "
            "n'est pas définie.",
            "en": "No churn over the year: customer lifetime is infinite, CLV is not defined.",
        },
        "compute.reason.no_dimension": {
            "fr": "Associez une colonne Produit, Région, Canal, Commercial ou Segment.",
            "en": "Map a Product, Region, Channel, Sales rep or Segment column.",
        },
        "compute.reason.no_closed_deals": {
            "fr": "Aucune affaire gagnée ou perdue sur la période.",
            "en": "No deal won or lost in the period.",
        },
        "compute.reason.no_won_deals": {
            "fr": "Aucune affaire gagnée sur la période.",
            "en": "No deal won in the period.",
        },
        "compute.reason.no_open_amount": {
            "fr": "Les affaires ouvertes n'ont pas de montant.",
            "en": "Open deals have no amount.",
        },
        "compute.reason.zero_cycle": {
            "fr": "Durée de cycle nulle.",
            "en": "Zero cycle length.",
        },
        "compute.reason.no_leads": {
            "fr": "Aucun lead sur la période.",
            "en": "No lead in the period.",
        },
        "compute.reason.no_decided_leads": {
            "fr": "Aucun lead de la période n'a encore d'issue.",
            "en": "No lead of the period has an outcome yet.",
        },
        "compute.reason.no_spend": {
            "fr": "Aucune dépense sur la période.",
            "en": "No spend in the period.",
        },
        "compute.reason.no_new_customers": {
            "fr": "Aucun nouveau client sur la période.",
            "en": "No new customer in the period.",
        },
        "compute.reason.no_messages": {
            "fr": "Aucun message envoyé sur la période.",
            "en": "No message sent in the period.",
        },
        "compute.reason.no_contacts": {
            "fr": "Aucun appel ni contact sur la période.",
            "en": "No call or contact in the period.",
        },
        "compute.reason.no_meeting_type": {
            "fr": "Associez une colonne RDV obtenu, ou un type d'activité « rendez-vous ».",
            "en": "Map a Meeting booked column, or an activity type with meetings.",
        },
        "compute.reason.no_calls": {
            "fr": "Aucun appel avec une durée sur la période.",
            "en": "No call with a duration in the period.",
        },
        "compute.reason.no_answers": {
            "fr": "Aucune réponse d'enquête sur la période.",
            "en": "No survey answer in the period.",
        },
        "compute.reason.no_targets": {
            "fr": "Aucun objectif pour cette période.",
            "en": "No target for this period.",
        },
        "compute.reason.targets_not_by": {
            "fr": "Les objectifs ne sont pas détaillés par « {role} » : retirez ce filtre pour "
            "comparer au total des objectifs.",
            "en": "Targets are not broken down by “{role}”: remove that filter to compare with "
            "the total target.",
        },
        "compute.reason.zero_target": {
            "fr": "L'objectif de la période est nul.",
            "en": "The period's target is zero.",
        },
        "compute.reason.not_started": {
            "fr": "La période n'a pas commencé.",
            "en": "The period has not started.",
        },
    }
)
