"""One series as the Trends page and ``python -m kpi trend`` show it: the values, the anomalies
judged on them, the forecast and what to say when either is missing.

- :func:`trend_series` — a measure (:data:`kpi.explore.trends.MEASURES`) or a catalogue KPI by
  day, week, month or quarter, optionally cut at a date ("what the data said then").
- :func:`trend_view` — anomalies (:mod:`kpi.explore.anomalies`) and forecast
  (:mod:`kpi.explore.forecast`) of that series, in a :class:`TrendView` that gives the notes,
  a table for people (reasons in words, never codes) and the CLI's JSON document.

Decisions where the issue is silent: ``until`` keeps the rows dated up to that day (measures)
or the buckets starting by then (catalogue KPIs), and makes it "today" — its bucket is partial
unless the day ends it — so anomalies and forecast see only what was known then. The forecast
learns from the series with its anomalies replaced by their expected values (a one-off flood
is not what next year's March will do; the back-test runs on the same history), and keeps its
values at or above zero when the series has no negative value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.errors import PiloteError
from kpi.explore.anomalies import DEFAULT_COUNTRIES, anomalies, anomalies_note, excluded_label
from kpi.explore.buckets import FREQS
from kpi.explore.forecast import Forecast, check_freq, forecast, no_forecast_note
from kpi.explore.trends import (
    Facts,
    TrendMeasure,
    available_measures,
    facts_for,
    get_measure,
    kpi_trend,
    measure_trend,
)
from kpi.metrics import CATALOGUE, Engine, Text, computable_kpis

__all__ = ["TrendSeries", "TrendView", "trend_ids", "trend_series", "trend_view"]


@dataclass(frozen=True)
class TrendSeries:
    """A series of :func:`trend_series`, with what it measures.

    Attributes
    ----------
    id : str
        The measure's or KPI's id.
    label : Text
    unit : str
    frame : pandas.DataFrame
        ``start``, ``end``, ``label``, ``value``, ``last_year``, ``moving_avg``, ``partial``.
    facts : Facts or None
        The rows a measure was summed from (``None`` for a catalogue KPI): what drove an
        anomaly is looked for in them.
    """

    id: str
    label: Text
    unit: str
    frame: pd.DataFrame
    facts: Facts | None = None


def trend_ids(engine: Engine) -> list[str]:
    """The measures and KPIs the engine's tables can draw over time: measures first (what the
    Trends page lists), then the computable catalogue KPIs that are not measures nor snapshots."""
    measures = [m.id for m in _measures(engine)]
    covered = set(measures)
    kpis = [k.id for k in computable_kpis(engine.tables) if k.id not in covered and not k.snapshot]
    return measures + kpis


def _measures(engine: Engine) -> list[TrendMeasure]:
    by_kind = {k: facts_for(engine, k) for k in ("orders", "deals", "leads")}
    return available_measures(by_kind)


def trend_series(
    engine: Engine,
    ident: str | None = None,
    freq: str = "month",
    *,
    until: Any = None,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> TrendSeries:
    """A measure or a catalogue KPI over time, as the Trends page draws it.

    Parameters
    ----------
    engine : Engine
        Tables, filters and counted statuses.
    ident : str, optional
        A measure id (``revenue``, ``orders``, ``deals_won``…) or a catalogue KPI id; default
        the first measure the tables allow (revenue for orders).
    freq : str
        ``day``, ``week``, ``month`` or ``quarter``.
    until : date-like, optional
        Use only the data up to this day (see the module notes).
    lang : str
        Language of the bucket labels.

    Raises
    ------
    PiloteError
        ``trends.invalid_freq`` for another granularity, ``trends.no_series`` when nothing can
        be drawn, ``trends.unavailable`` for an id the tables cannot give (the message lists
        those they can).
    """
    if freq not in FREQS:
        raise PiloteError("trends.invalid_freq", value=freq, valid=", ".join(FREQS))
    cut = None if until is None else pd.Timestamp(until).normalize()
    if cut is not None:
        engine = Engine(
            engine.tables, engine.filters, engine.statuses, engine.stage_order_, cut,
            engine.share_by, engine.margin_rate, engine.currency,
        )  # fmt: skip
    measures = {m.id: m for m in _measures(engine)}
    if ident is None:
        if not measures:
            ids = trend_ids(engine)
            if not ids:
                raise PiloteError("trends.no_series")
            ident = ids[0]
        else:
            ident = next(iter(measures))
    if ident in measures:
        m = get_measure(ident)
        f = facts_for(engine, m.kind)
        assert f is not None
        if cut is not None:
            dates = f.frame[m.date].to_numpy()
            keep = ~(dates >= (cut + pd.Timedelta(days=1)).to_datetime64())
            f = Facts(f.kind, f.frame.loc[keep].reset_index(drop=True), f.dims, f.table)
        as_of = cut if cut is not None else engine.as_of
        frame = measure_trend(f, ident, freq, as_of=as_of, lang=lang)
        return TrendSeries(ident, m.label, m.unit, frame, f)
    kpis = {k.id: k for k in CATALOGUE}
    if monthly_only(ident, freq):
        raise PiloteError("trends.monthly_only", label=kpis[ident].label)
    if ident not in trend_ids(engine):
        raise PiloteError(
            "trends.unavailable", value=ident, valid=", ".join(trend_ids(engine)) or "–"
        )
    frame = kpi_trend(engine, ident, freq, lang=lang)
    if cut is not None and not frame.empty:
        frame = frame[pd.to_datetime(frame["start"]) <= cut].reset_index(drop=True)
        frame["partial"] = pd.to_datetime(frame["end"]) > cut + pd.Timedelta(days=1)
    kpi = kpis[ident]
    return TrendSeries(ident, kpi.label, kpi.unit, frame, None)


def incomplete(series: pd.DataFrame) -> pd.Series:
    """Which buckets the data does not cover in full: the one in progress (``partial``) and a
    first one the data starts inside (``partial_start``, see :func:`trends.measure_trend`)."""
    out = series["partial"].astype(bool)
    if "partial_start" in series.columns:
        out = out | series["partial_start"].astype(bool)
    return out


def monthly_only(ident: str, freq: str) -> bool:
    """Whether KPI ``ident`` has no value by ``freq`` (day or week) because it is monthly
    (:attr:`KPI.monthly`)."""
    kpi = next((k for k in CATALOGUE if k.id == ident), None)
    return kpi is not None and kpi.monthly and freq in ("day", "week")


@dataclass(frozen=True)
class TrendView:
    """A series with its anomalies and forecast (see :func:`trend_view`).

    Attributes
    ----------
    series : pandas.DataFrame
        The series with ``expected``, ``score``, ``anomaly`` (−1, 0, 1) and ``excluded`` (why a
        point was not judged, as a code: see :meth:`table` for words).
    freq : str
    method : str or None
        The anomaly method (``seasonal``, ``rolling_median``, ``sparse``; ``None``: too short).
    forecast : Forecast or None
        Learnt from the series with its anomalies replaced by their expected values.
    replaced : int
        How many anomalies were so replaced.
    """

    series: pd.DataFrame
    freq: str
    method: str | None
    forecast: Forecast | None
    replaced: int = 0

    def forecast_text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """The model chosen, its back-test error next to the baselines', the band; and how
        many anomalies the forecast learnt from as their expected values."""
        if self.forecast is None:
            return None
        text = self.forecast.text(lang)
        if self.replaced:
            text += " " + i18n.t("trends.anomalies_replaced", lang, n=i18n.Count(self.replaced))
        return text

    def anomalies_note(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """Too short or too sparse to judge, or what was not judged (closed days, holidays)."""
        if self.series.empty:
            return None
        return anomalies_note(self.series, self.method, self.freq, lang)

    def forecast_note(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """Why there is no forecast (too short, too sparse); ``None`` when there is one."""
        if self.forecast is not None or self.series.empty:
            return None
        return no_forecast_note(self.series, self.freq, lang)

    def table(self, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
        """The series for people: ``anomaly`` as words (``baisse`` / ``hausse``) and
        ``not_judged`` (``jour férié``, ``fermeture habituelle``…) instead of codes."""
        out = self.series.copy()
        words = {
            -1: i18n.t("trends.anomaly.down", lang),
            1: i18n.t("trends.anomaly.up", lang),
        }
        out["anomaly"] = [words.get(int(a), "") for a in out["anomaly"]]
        out["not_judged"] = [excluded_label(r, lang) for r in out["excluded"]]
        out["partial"] = incomplete(out)
        return out.drop(columns=["excluded", "partial_start"], errors="ignore")

    def to_json(self) -> dict[str, Any]:
        """The document of ``python -m kpi trend --json`` (ratios as fractions, dates ISO)."""
        s = self.series.assign(partial=incomplete(self.series))
        points = [
            {
                "start": pd.Timestamp(r.start).date().isoformat(),
                "label": getattr(r, "label", None),
                "value": _num(r.value),
                "partial": bool(r.partial),
                "anomaly": int(r.anomaly),
                "expected": _num(r.expected),
                "score": _num(r.score),
                "not_judged": None if _missing(r.excluded) else str(r.excluded),
            }
            for r in s.itertuples(index=False)
        ]
        doc: dict[str, Any] = {
            "freq": self.freq,
            "points": points,
            "anomaly_method": self.method,
        }
        fc = self.forecast
        if fc is None:
            doc["forecast"] = None
        else:
            bt = fc.backtest
            doc["forecast"] = {
                "method": fc.method,
                "members": list(fc.members),
                "history": fc.history,
                "level": fc.level,
                "points": [
                    {
                        "start": pd.Timestamp(r.start).date().isoformat(),
                        "label": r.label,
                        "forecast": _num(r.forecast),
                        "lower": _num(r.lower),
                        "upper": _num(r.upper),
                    }
                    for r in fc.frame.itertuples(index=False)
                ],
                "backtest": {
                    "wape": _num(bt["wape"]),
                    "naive_wape": _num(bt["naive_wape"]),
                    "seasonal_naive_wape": _num(bt["seasonal_naive_wape"]),
                    "coverage": _num(bt["coverage"]),
                    "origins": bt["origins"],
                    "horizon": bt["horizon"],
                    "multi_step": {k: _num(v) for k, v in bt["multi_step"].items()},
                },
            }
        return doc


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _num(v: Any) -> float | None:
    """A JSON number: ``None`` for missing or not finite."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return round(f, 6) if math.isfinite(f) else None  # no float noise (16804.350000000002)


def trend_view(
    series: pd.DataFrame,
    freq: str = "month",
    horizon: int | None = None,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    countries: Iterable[str] | None = DEFAULT_COUNTRIES,
) -> TrendView:
    """Judge the anomalies of ``series`` and forecast its next buckets.

    Parameters
    ----------
    series : pandas.DataFrame
        From :func:`trend_series` (``start``, ``value``, ``partial``…).
    freq : str
        ``day``, ``week``, ``month`` or ``quarter``.
    horizon : int, optional
        Buckets to forecast (default per granularity, see :data:`kpi.explore.forecast.HORIZON`).
    lang : str
        Language of the forecast's labels.
    countries : iterable of str, optional
        Whose public holidays are not judged on daily series.
    """
    check_freq(freq)
    if horizon is not None and horizon < 1:
        raise PiloteError("trends.bad_horizon", value=horizon)
    shown = series
    # a first bucket the data starts inside is incomplete too: neither judged nor learnt
    series = series.assign(partial=incomplete(series))
    flagged, method = anomalies(series, freq, countries=countries)
    flagged["partial"] = shown["partial"]  # "in progress" is the end's; the reason says both
    if series.empty:
        return TrendView(flagged, freq, method, None)
    values = pd.to_numeric(series["value"], errors="coerce").to_numpy(dtype=float)
    non_negative = bool(np.all(values[~np.isnan(values)] >= 0))
    # a one-off is not what comes next: the forecast learns from the anomalies' expected
    # values (a seasonal model would otherwise copy last March's flood into next March) —
    # only when they were judged against the season: with less than two cycles, a "spike"
    # may be the season itself (sales_data_sample's Novembers)
    odd = (flagged["anomaly"].to_numpy() != 0) & flagged["expected"].notna().to_numpy()
    odd &= method == "seasonal"
    learnt = series.assign(value=np.where(odd, flagged["expected"].to_numpy(), values))
    fc = forecast(learnt, freq, horizon, lang=lang, non_negative=non_negative)
    return TrendView(flagged, freq, method, fc, int(odd.sum()))


i18n.add_messages(
    {
        "trends.anomalies_replaced": {
            "fr": "Anomalies prises à leur valeur attendue pour apprendre : {n}.",
            "en": "Anomalies taken at their expected value to learn from: {n}.",
        },
        "trends.anomaly.down": {"fr": "baisse", "en": "drop"},
        "trends.anomaly.up": {"fr": "hausse", "en": "rise"},
        "trends.no_series": {
            "fr": "Rien à suivre dans le temps : aucune table de commandes, d'affaires ou de "
            "leads avec une date.",
            "en": "Nothing to follow over time: no orders, deals or leads table with a date.",
        },
        "trends.monthly_only": {
            "fr": "{label} se mesure par mois (fin de mois et mouvements du mois) : choisissez "
            "la granularité Mois ou Trimestre.",
            "en": "{label} is measured per month (month-end and the month's movements): choose "
            "the Month or Quarter granularity.",
        },
        "trends.unavailable": {
            "fr": "« {value} » ne peut pas être tracé avec ces fichiers. Possibles : {valid}.",
            "en": "“{value}” cannot be drawn from these files. Available: {valid}.",
        },
        "trends.bad_horizon": {
            "fr": "Horizon de prévision « {value} » : donnez un nombre de périodes d'au moins 1.",
            "en": "Forecast horizon “{value}”: give a number of periods of at least 1.",
        },
    }
)
