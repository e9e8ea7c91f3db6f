"""What a scorecard card shows for one KPI: texts and numbers ready to display.

The dashboard page and the reports render these cards; they never format or compare numbers
themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from babel.numbers import NumberFormatError, parse_decimal

from kpi import i18n
from kpi.errors import PiloteError
from kpi.metrics.catalogue import get_kpi
from kpi.metrics.results import KPIResult
from kpi.metrics.suggestions import one_per_fact


@dataclass(frozen=True)
class Card:
    """One KPI card.

    ``delta_color`` and ``delta_arrow`` follow ``st.metric``: ``normal`` when higher is better,
    ``inverse`` when lower is better (churn), ``off`` when neither or when the change shown is
    zero (then no arrow either). ``projection`` is the value projected over a
    period in progress (the changes are then computed on it, and ``delta`` says so); ``note``
    says why a comparison is missing (a period in progress, a reference period the data does
    not cover in full).
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
    delta_arrow: str = "auto"
    target: str | None = None
    attainment: float | None = None
    attainment_text: str | None = None
    pacing_text: str | None = None
    on_track: bool | None = None
    projection: str | None = None
    note: str | None = None
    currencies: str | None = None


def _spark(res: KPIResult, series: pd.DataFrame | None) -> list[float]:
    """The sparkline: the KPI's complete periods up to the one shown (a period in progress
    would draw a cliff)."""
    if series is None or not len(series):
        return []
    frame = series
    if "complete" in frame:
        frame = frame[frame["complete"].astype(bool)]
    if res.period.end is not None and "start" in frame:
        frame = frame[pd.to_datetime(frame["start"]) < res.period.end]
    vals = pd.to_numeric(frame["value"], errors="coerce").dropna()
    return [float(v) for v in vals.tail(24)]


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
    ly = None if res.last_year is None else res.last_year.value
    projected = res.projected is not None
    delta = kpi.format_change(res.shown_change, lang)
    # "0,0 pts" is no rise: neither an arrow up nor green or red (st.metric reads the sign of
    # the text)
    unchanged = delta is not None and not any(ch in "123456789" for ch in delta)
    if delta is not None:
        key = "scorecard.vs_previous_projected" if projected else "scorecard.vs_previous"
        delta = i18n.t(key, lang, change=delta)
    ly_text = kpi.format_change(res.shown_change_last_year, lang)
    if ly_text is not None:
        ly_text = i18n.t(
            "scorecard.vs_last_year_projected" if projected else "scorecard.vs_last_year",
            lang,
            change=ly_text,
            value=kpi.format(ly, lang, currency),
        )
    color = {True: "normal", False: "inverse", None: "off"}[kpi.higher_is_better]
    arrow = "auto"
    if unchanged:
        color, arrow = "off", "off"
    help_text = (
        f"**{i18n.t('scorecard.formula', lang)}** : {kpi.formula(lang)}\n\n"
        f"**{i18n.t('scorecard.reading', lang)}** : {kpi.reading(lang)}"
        if lang == "fr"
        else f"**{i18n.t('scorecard.formula', lang)}**: {kpi.formula(lang)}\n\n"
        f"**{i18n.t('scorecard.reading', lang)}**: {kpi.reading(lang)}"
    )
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
    projection = None
    if projected:
        projection = i18n.t(
            "scorecard.projection",
            lang,
            value=kpi.format(res.projected, lang, currency),
            elapsed=i18n.format_percent_value(res.elapsed, lang, 0),
        )
    note = " ".join(n.text(lang) for n in res.notes) or None
    return Card(
        kpi_id=kpi.id,
        label=kpi.label(lang),
        value=kpi.format(res.value, lang, currency),
        status=res.status,
        reason=res.current.reason_text(lang) if res.status != "ok" else None,
        delta=delta,
        delta_color=color,
        delta_arrow=arrow,
        last_year=ly_text,
        help=help_text,
        spark=_spark(res, series),
        target=target,
        attainment=res.attainment,
        attainment_text=attainment_text,
        pacing_text=pacing_text,
        on_track=on_track,
        projection=projection,
        note=note,
        currencies=others,
    )


def default_choice(suggestions: Sequence[object], limit: int = 8) -> list[str]:
    """KPIs ticked by default among ``suggestions`` (:func:`~kpi.metrics.suggest`): the most
    relevant computable ones, one per fact, at most ``limit``."""
    kpis = [s.kpi for s in suggestions if s.computable]  # type: ignore[attr-defined]
    return one_per_fact(kpis)[:limit]


def target_text(value: float | None, kpi_id: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A typed target as the user reads and edits it: ``12 000 000`` / ``12,000,000``, a
    percentage as ``12,5`` for 12.5 %; ``""`` for none."""
    if value is None:
        return ""
    shown = round(100 * value if get_kpi(kpi_id).unit == "percent" else value, 2)
    if float(shown).is_integer():
        return i18n.format_number(shown, lang, 0)
    return i18n.format_number(shown, lang, 2 if round(shown, 1) != shown else 1)


def parse_target(text: str | None, kpi_id: str, lang: str = i18n.DEFAULT_LANGUAGE) -> float | None:
    """A target typed by the user, read with the language's separators (``12 000 000``,
    ``12,5`` in French; ``12,000,000``, ``12.5`` in English); a percentage is typed in % (12,5
    for 12.5 %). ``None`` for an empty text.

    Raises
    ------
    PiloteError
        ``scorecard.bad_target`` when the text is not a number.
    """
    raw = (text or "").strip().replace("%", "").strip()
    if not raw:
        return None
    try:
        number = float(parse_decimal(raw, locale=i18n.locale(lang), strict=False))
    except (NumberFormatError, ValueError):
        raise PiloteError("scorecard.bad_target", value=raw) from None
    return number / 100 if get_kpi(kpi_id).unit == "percent" else number


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
        "scorecard.vs_previous": {
            "fr": "{change} vs période précédente",
            "en": "{change} vs previous period",
        },
        "scorecard.vs_last_year": {
            "fr": "{change} vs l'an dernier ({value})",
            "en": "{change} vs last year ({value})",
        },
        "scorecard.vs_previous_projected": {
            "fr": "{change} vs période précédente (projection)",
            "en": "{change} vs previous period (projection)",
        },
        "scorecard.vs_last_year_projected": {
            "fr": "{change} vs l'an dernier ({value}), en projection",
            "en": "{change} vs last year ({value}), projected",
        },
        "scorecard.projection": {
            "fr": "Projection sur la période entière : {value} (au rythme des {elapsed} écoulés)",
            "en": "Projected over the whole period: {value} (at the pace of the {elapsed} elapsed)",
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
        "scorecard.bad_target": {
            "fr": "« {value} » n'est pas un nombre : tapez par exemple 12 000 ou 12,5.",
            "en": "“{value}” is not a number: type for instance 12,000 or 12.5.",
        },
        "scorecard.target_hint.money": {"fr": "montant", "en": "amount"},
        "scorecard.target_hint.days": {"fr": "en jours", "en": "in days"},
    }
)
