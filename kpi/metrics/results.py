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
        Share of the period the data has reached (1 for a complete period; see
        :mod:`kpi.metrics.coverage`).
    state : str
        How the data covers the period: ``complete``, ``in_progress`` (the data stops before its
        end), ``starts_late`` or ``outside`` (:mod:`kpi.metrics.coverage`).
    projected : float or None
        For a period in progress and a KPI that grows in proportion to the days elapsed
        (``partial_basis`` ``project``): the value projected over the whole period
        (value / elapsed). The changes are then computed on it, and say so.
    compared, compared_last_year : bool
        Whether a change against the previous period (the same period last year) is given:
        both periods hold values on the same basis (see ``notes`` when not).
    delta_last_year : float or None
        ``value − last year's value`` (on the same basis as ``change_last_year``).
    notes : tuple of Message
        Why a comparison is not given (a period in progress, a reference period the data does
        not cover in full).
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
    state: str = "complete"
    projected: float | None = None
    compared: bool = True
    compared_last_year: bool = True
    delta_last_year: float | None = None
    notes: tuple[i18n.Message, ...] = ()
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
    def basis(self) -> float | None:
        """The value the comparisons are made on: the projection over the whole period when
        there is one, else the value."""
        return self.projected if self.projected is not None else self.value

    @property
    def shown_change(self) -> float | None:
        """The change vs the previous period as the card shows it: points for rates and
        scores (``2.1``), relative otherwise (``0.125``); see :meth:`KPI.change_between`."""
        if not self.compared or self.previous is None:
            return None
        return self.kpi.change_between(self.basis, self.previous.value)

    @property
    def shown_change_last_year(self) -> float | None:
        """The change vs the same period last year, as :attr:`shown_change`."""
        if not self.compared_last_year or self.last_year is None:
            return None
        return self.kpi.change_between(self.basis, self.last_year.value)

    @property
    def projected_change(self) -> float | None:
        """Relative change vs the previous period on the basis the card shows (the projection
        for a period in progress when the KPI is projected; ``None`` when not compared)."""
        return self.change

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
            "change_kind": self.kpi.change_kind,
            "change_points": json_number(
                self.shown_change if self.kpi.change_kind == "points" else None, "number"
            ),
            "period_state": self.state,
            "projected": json_number(self.projected, unit),
            "notes": [n.text(lang) for n in self.notes],
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
        "compute.reason.clv_no_margin": {
            "fr": "Marge inconnue : sans colonne Coût ou Marge, indiquez votre taux de marge "
            "(réglages du tableau de bord) ou associez une colonne Coût.",
            "en": "Margin unknown: without a cost or profit column, give your margin rate "
            "(dashboard settings) or map a Cost column.",
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
        "compute.reason.period_over": {
            "fr": "La période est terminée : le rythme ne sert que pour une période en cours "
            "(voir l'atteinte de l'objectif).",
            "en": "The period is over: pacing is for a period in progress (see attainment).",
        },
        "compute.reason.growth_in_progress": {
            "fr": "Pas de taux de croissance : {period} est en cours.",
            "en": "No growth rate: {period} is in progress.",
        },
        "compute.reason.growth_starts_late": {
            "fr": "Pas de taux de croissance : les données ne couvrent pas toute la période "
            "{period}.",
            "en": "No growth rate: the data does not cover all of {period}.",
        },
        "compute.reason.not_started": {
            "fr": "La période n'a pas commencé.",
            "en": "The period has not started.",
        },
    }
)
