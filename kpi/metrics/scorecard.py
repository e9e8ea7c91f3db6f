"""What a scorecard card shows for one KPI: texts and numbers ready to display.

The dashboard page and the reports render these cards; they never format or compare numbers
themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from kpi import i18n
from kpi.metrics.catalogue import get_kpi
from kpi.metrics.results import KPIResult


@dataclass(frozen=True)
class Card:
    """One KPI card.

    ``delta_color`` follows ``st.metric``: ``normal`` when higher is better, ``inverse`` when
    lower is better (churn), ``off`` when neither.
    """

    kpi_id: str
    label: str
    value: str
    status: str
    reason: str | None
    delta: str | None
    delta_color: str
    last_year: str | None
    help: str
    spark: list[float] = field(default_factory=list)
    target: str | None = None
    attainment: float | None = None
    attainment_text: str | None = None
    pacing_text: str | None = None
    on_track: bool | None = None
    currencies: str | None = None


def _change_text(
    res: KPIResult, change: float | None, reference: float | None, lang: str
) -> str | None:
    """Percent points for rates (``+2,1 pts``), relative change otherwise (``+12,5 %``)."""
    if res.value is None or reference is None:
        return None
    if res.kpi.unit == "percent":
        pts = 100 * (res.value - reference)
        return i18n.t(
            "scorecard.points",
            lang,
            value=i18n.format_number(pts, lang, 1),
            sign="+" if pts >= 0 else "",
        )
    if change is None:
        return None
    text = i18n.format_percent_value(change, lang)
    return text if change < 0 else f"+{text}"


def card(
    res: KPIResult,
    lang: str = i18n.DEFAULT_LANGUAGE,
    currency: str | None = None,
    series: pd.DataFrame | None = None,
) -> Card:
    """Build the card for one KPI result (and its monthly series for the sparkline).

    A money KPI of data in several currencies is shown in its own currency
    (``res.currency``), the other currencies' values on a line of their own
    (``currencies``: ``USD 81,00 $US · GBP 29,00 £GB``) — never added up.
    """
    kpi = res.kpi
    currency = res.currency or currency
    others = None
    if res.currency is not None:
        others = " · ".join(
            kpi.format(value, lang, code)
            for code, value in res.per_currency
            if code != res.currency and value is not None
        )
        others = i18n.t("scorecard.other_currencies", lang, values=others) if others else None
    prev = None if res.previous is None else res.previous.value
    ly = None if res.last_year is None else res.last_year.value
    delta = _change_text(res, res.change, prev, lang)
    if delta is not None:
        delta = i18n.t("scorecard.vs_previous", lang, change=delta)
    ly_text = _change_text(res, res.change_last_year, ly, lang)
    if ly_text is not None:
        ly_text = i18n.t(
            "scorecard.vs_last_year", lang, change=ly_text, value=kpi.format(ly, lang, currency)
        )
    color = {True: "normal", False: "inverse", None: "off"}[kpi.higher_is_better]
    help_text = (
        f"**{i18n.t('scorecard.formula', lang)}** : {kpi.formula(lang)}\n\n"
        f"**{i18n.t('scorecard.reading', lang)}** : {kpi.reading(lang)}"
        if lang == "fr"
        else f"**{i18n.t('scorecard.formula', lang)}**: {kpi.formula(lang)}\n\n"
        f"**{i18n.t('scorecard.reading', lang)}**: {kpi.reading(lang)}"
    )
    spark: list[float] = []
    if series is not None and len(series):
        vals = pd.to_numeric(series["value"], errors="coerce").dropna()
        spark = [float(v) for v in vals.tail(24)]
    target = attainment_text = pacing_text = None
    on_track = None
    if res.target is not None:
        target = kpi.format(res.target, lang, currency)
        if res.attainment is not None:
            attainment_text = i18n.t(
                "scorecard.attainment",
                lang,
                value=i18n.format_percent_value(res.attainment, lang),
                target=target,
            )
            good = res.attainment >= 1 if kpi.higher_is_better is not False else res.attainment <= 1
            on_track = good
        if res.pacing is not None and 0 < res.elapsed < 1:
            pacing_text = i18n.t(
                "scorecard.pacing",
                lang,
                value=i18n.format_percent_value(res.pacing, lang),
                elapsed=i18n.format_percent_value(res.elapsed, lang, 0),
            )
            on_track = res.pacing >= 1 if kpi.higher_is_better is not False else res.pacing <= 1
    return Card(
        kpi_id=kpi.id,
        label=kpi.label(lang),
        value=kpi.format(res.value, lang, currency),
        status=res.status,
        reason=res.current.reason_text(lang) if res.status != "ok" else None,
        delta=delta,
        delta_color=color,
        last_year=ly_text,
        help=help_text,
        spark=spark,
        target=target,
        attainment=res.attainment,
        attainment_text=attainment_text,
        pacing_text=pacing_text,
        on_track=on_track,
        currencies=others,
    )


def default_choice(suggestions: Sequence[object], limit: int = 8) -> list[str]:
    """KPIs ticked by default: the most relevant computable ones, at most ``limit``."""
    picked = [s.kpi.id for s in suggestions if s.computable]  # type: ignore[attr-defined]
    return picked[:limit]


def target_unit_hint(kpi_id: str, lang: str) -> str:
    """How to type a target for this KPI (percentages as 12.5 for 12.5 %)."""
    unit = get_kpi(kpi_id).unit
    return (
        i18n.t(f"scorecard.target_hint.{unit}", lang)
        if unit in ("percent", "money", "days")
        else ""
    )


i18n.add_messages(
    {
        "scorecard.points": {"fr": "{sign}{value} pts", "en": "{sign}{value} pts"},
        "scorecard.vs_previous": {
            "fr": "{change} vs période précédente",
            "en": "{change} vs previous period",
        },
        "scorecard.vs_last_year": {
            "fr": "{change} vs l'an dernier ({value})",
            "en": "{change} vs last year ({value})",
        },
        "scorecard.other_currencies": {
            "fr": "Autres devises, non additionnées : {values}",
            "en": "Other currencies, not added up: {values}",
        },
        "scorecard.formula": {"fr": "Formule", "en": "Formula"},
        "scorecard.reading": {"fr": "Lecture", "en": "How to read it"},
        "scorecard.attainment": {
            "fr": "{value} de l'objectif ({target})",
            "en": "{value} of target ({target})",
        },
        "scorecard.pacing": {
            "fr": "Rythme : {value} ({elapsed} de la période écoulée)",
            "en": "Pace: {value} ({elapsed} of the period elapsed)",
        },
        "scorecard.target_hint.percent": {"fr": "en %, ex. 12,5", "en": "in %, e.g. 12.5"},
        "scorecard.target_hint.money": {"fr": "montant", "en": "amount"},
        "scorecard.target_hint.days": {"fr": "en jours", "en": "in days"},
    }
)
