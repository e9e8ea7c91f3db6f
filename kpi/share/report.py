"""Reports to hand over: an Excel workbook and a self-contained HTML page, in French or English.

:func:`build_report` computes everything once from the loaded tables and the analysis settings
(the same dict the app saves in a workspace, see :class:`ReportOptions`);
:func:`kpi.share.excel.to_excel` and :func:`kpi.share.html.to_html` only lay it out, and
:func:`kpi.share.files.write_report` picks one from the file extension.

What a report holds: a title, the period, the data sources (file names, rows), the scorecard
(for each KPI: value, previous period, change, same period last year, target, attainment,
status), the alerts, the KPI definitions (formula, how to read it), and the tables behind the
charts — each chosen KPI by month, revenue by month when there are orders, and revenue by
product (or region, channel…) for the period.

- **Excel** (xlsxwriter): numbers are stored as numbers with number formats for the unit and the
  language (``#,##0.00 "€"`` and ``0.0 %`` in French, ``"€"#,##0.00`` and ``0.0%`` in English),
  the status cells are coloured, each chart table has its own sheet with a native Excel chart.
  Every text cell is written with ``write_string`` (never parsed as a formula) and text that
  starts like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading ``'``
  (:data:`kpi.data.sanitize.FORMULA_PREFIXES`), so that a customer called ``=HYPERLINK(…)`` stays text
  here and in any spreadsheet the cell is copied to.
- **HTML**: one file, no script, no external font or request (a Content-Security-Policy says
  so to the browser), charts as SVG images in ``data:`` URLs rendered by vl-convert (Vega-Lite
  without a browser or the network), a layout that prints on A4 from any browser. Every text is
  escaped. Without vl-convert the chart data is shown as a table instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from babel.dates import format_datetime

from kpi import i18n
from kpi.data import Table, kind_label, role_label
from kpi.data.sanitize import escape_for
from kpi.errors import PiloteError
from kpi.explore.anomalies import judge_last
from kpi.metrics import (
    KPI,
    KPI_IDS,
    Alert,
    Card,
    Engine,
    KPIResult,
    Period,
    availability,
    card,
    check_objectives,
    dataset_currency,
    default_kpis,
    default_period,
    get_kpi,
    main_table,
    parse_period,
)
from kpi.share.export import safe_sheet_name

__all__ = [
    "GRANULARITIES",
    "Report",
    "ReportOptions",
    "ScoreRow",
    "Source",
    "Trend",
    "build_report",
    "report_period",
]

log = logging.getLogger("pilote")

GRANULARITIES: tuple[str, ...] = ("month", "quarter", "year", "all")
# Roles to break revenue down by, first mapped wins (as for the revenue share KPI).
BREAKDOWN_ROLES: tuple[str, ...] = ("product", "category", "region", "channel", "segment", "rep")
TREND_MONTHS = 36
BREAKDOWN_ROWS = 15

_GOOD, _BAD, _NEUTRAL = "good", "bad", "neutral"
_STATUS_TONE = {
    "on_target": _GOOD,
    "on_track": _GOOD,
    "off_target": _BAD,
    "behind": _BAD,
    "no_target": _NEUTRAL,
    "no_value": _NEUTRAL,
}


# ---------------------------------------------------------------------------------------------
# What to report on


@dataclass(frozen=True)
class ReportOptions:
    """The analysis choices a report is made from.

    The field names are those of the app's analysis settings (``ui.analysis.Analysis``), so that
    :meth:`from_settings` reads a saved workspace's settings as they are.

    Attributes
    ----------
    objectives : tuple of str
        Objective ids; used to choose the KPIs when ``kpis`` is empty.
    kpis : tuple of str
        KPI ids, in order. Empty: the most relevant computable KPIs for the objectives.
    granularity : str
        ``month``, ``quarter``, ``year`` or ``all`` (see :func:`report_period`).
    period : str or None
        A period key (``2024-06``, ``2024-Q2``, ``2024``, ``all``, ``a..b``); ``None``: the
        latest period of ``granularity`` in the data.
    filters : mapping of role → list of values
    statuses : list of str or None
        Order statuses counted (``None``: the default ones).
    targets : mapping of KPI id → float
        Ratios as fractions (0.3 for 30 %).
    drop_threshold : float
        Relative worsening vs the previous period that raises an alert.
    currency : str or None
        ISO code; default: the one found in the data.
    lang : str
        ``fr`` or ``en``.
    title : str or None
        Default: "Pilote report — <period>".
    """

    objectives: tuple[str, ...] = ()
    kpis: tuple[str, ...] = ()
    granularity: str = "month"
    period: str | None = None
    filters: Mapping[str, list[str]] = field(default_factory=dict)
    statuses: tuple[str, ...] | None = None
    targets: Mapping[str, float] = field(default_factory=dict)
    drop_threshold: float = 0.10
    currency: str | None = None
    lang: str = i18n.DEFAULT_LANGUAGE
    title: str | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], **overrides: Any) -> ReportOptions:
        """Options from analysis settings (a workspace's ``settings``), then ``overrides``.

        Unknown keys are ignored and missing ones take their defaults, so that settings saved
        by another version still make a report.
        """
        data = {**dict(settings), **overrides}
        statuses = data.get("statuses")
        lang = data.get("lang") or i18n.DEFAULT_LANGUAGE
        return cls(
            objectives=tuple(str(o) for o in data.get("objectives") or ()),
            kpis=tuple(str(k) for k in data.get("kpis") or ()),
            granularity=str(data.get("granularity") or "month"),
            period=data.get("period") or None,
            filters={str(r): [str(v) for v in vs] for r, vs in (data.get("filters") or {}).items()},
            statuses=None if statuses is None else tuple(str(s) for s in statuses),
            targets={str(k): float(v) for k, v in (data.get("targets") or {}).items()},
            drop_threshold=float(data.get("drop_threshold", 0.10)),
            currency=data.get("currency") or None,
            lang=lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE,
            title=data.get("title") or None,
        )


def report_period(options: ReportOptions, engine: Engine) -> Period:
    """The period to report on: ``options.period`` when it fits the granularity, else the
    last complete month (quarter, year) of the main table — as the app's period picker does
    (:func:`kpi.metrics.default_period`).

    Raises
    ------
    PiloteError
        When ``options.period`` is set but is not a period (the message lists the forms).
    """
    gran = options.granularity if options.granularity in GRANULARITIES else "month"
    if options.period:
        chosen = parse_period(options.period)
        if chosen.is_all or chosen.kind in (gran, "range"):
            return chosen
    return default_period(engine.tables, gran)


# ---------------------------------------------------------------------------------------------
# The report, computed once


@dataclass(frozen=True)
class Source:
    """One loaded table: its name (file, sheet), kind, size and recognised columns."""

    name: str
    kind: str
    rows: int
    columns: int
    mapping: Mapping[str, str]


@dataclass(frozen=True)
class ScoreRow:
    """One scorecard line.

    ``change`` and ``change_last_year`` are the changes the card shows
    (:attr:`KPIResult.shown_change`): relative for amounts and counts (``0.125`` for
    +12.5 %), in points for rates and scores (``2.1`` for +2.1 points): see ``points``;
    ``None`` when the periods are not compared (a period in progress, a reference period the
    data does not cover in full).
    ``status`` is one of ``on_target``, ``off_target``, ``on_track``, ``behind`` (an
    unfinished period, paced), ``no_target``, ``no_value``.
    """

    kpi: KPI
    result: KPIResult
    card: Card
    value: float | None
    previous: float | None
    change: float | None
    last_year: float | None
    change_last_year: float | None
    target: float | None
    attainment: float | None
    status: str
    status_text: str

    @property
    def points(self) -> bool:
        """Whether the changes are in points (rates and scores)."""
        return self.kpi.change_kind == "points"

    @property
    def tone(self) -> str:
        """``good``, ``bad`` or ``neutral``: the colour of the status."""
        return _STATUS_TONE[self.status]


@dataclass(frozen=True)
class Trend:
    """The table behind one chart.

    ``frame`` has ``start`` (month start), ``value`` and ``elapsed`` for a monthly series
    (``kind="line"``), or ``label``, ``value`` and ``share`` for a breakdown (``kind="bar"``).
    """

    id: str
    kind: str
    kpi: KPI
    title: str
    sheet: str
    frame: pd.DataFrame
    role: str | None = None


@dataclass(frozen=True)
class Report:
    """Everything a report shows, computed; the writers only lay it out."""

    title: str
    lang: str
    currency: str | None
    period: Period
    generated: dt.datetime
    sources: tuple[Source, ...]
    rows: tuple[ScoreRow, ...]
    alerts: tuple[Alert, ...]
    trends: tuple[Trend, ...]
    filters: Mapping[str, list[str]]
    statuses: tuple[str, ...] | None
    period_label: str = ""

    def period_text(self) -> str:
        """The period, saying when the data does not cover all of it (``décembre 2011 —
        jusqu'au 9``)."""
        return self.period_label or self.period.label(self.lang)

    def currency_text(self) -> str:
        """The currency code, or "not stated"."""
        return self.currency or self.t("report.currency_unknown")

    def t(self, key: str, **params: Any) -> str:
        """A message in the report's language."""
        return i18n.t(key, self.lang, **params)

    def fmt(self, kpi: KPI, value: float | None) -> str:
        """A KPI value as text in the report's language and currency."""
        return kpi.format(value, self.lang, self.currency)

    def change_text(self, row: ScoreRow, change: float | None) -> str:
        """``+2,1 pts`` for a rate or a score, ``+12,5 %`` otherwise, ``–`` when there is
        none; marked when computed on the projection of a period in progress."""
        if change is None or not math.isfinite(change):
            return "–"
        text = row.kpi.format_change(change, self.lang) or "–"
        if row.result.projected is not None:
            text = f"{text} {self.t('report.projected')}"
        return text

    def alert_texts(self) -> list[str]:
        """Each alert as a sentence."""
        return [a.message(self.lang, self.currency) for a in self.alerts]

    def filter_text(self) -> str:
        """``Région : Nord, Sud · Canal : Web`` or ``none``."""
        parts = [
            f"{role_label(role, self.lang)}{_colon(self.lang)}{', '.join(values)}"
            for role, values in self.filters.items()
            if values
        ]
        return " · ".join(parts) if parts else self.t("report.none")

    def generated_text(self) -> str:
        """When the report was made, in the report's language."""
        return format_datetime(self.generated, "medium", locale=i18n.locale(self.lang))

    def scorecard_frame(self) -> pd.DataFrame:
        """The scorecard as a table with the report's column names (numbers as numbers;
        percentages as fractions; changes of rates in points)."""
        rows = []
        for r in self.rows:
            rows.append(
                {
                    self.t("report.col.kpi"): r.kpi.label(self.lang),
                    self.t("report.col.value"): r.value,
                    self.t("report.col.previous"): r.previous,
                    self.t("report.col.change"): r.change,
                    self.t("report.col.last_year"): r.last_year,
                    self.t("report.col.change_last_year"): r.change_last_year,
                    self.t("report.col.target"): r.target,
                    self.t("report.col.attainment"): r.attainment,
                    self.t("report.col.status"): r.status_text,
                    self.t("report.col.unit"): self.t(f"report.unit.{r.kpi.unit}"),
                }
            )
        return pd.DataFrame(rows)

    def trend_frame(self, trend: Trend) -> pd.DataFrame:
        """A chart's table with the report's column names."""
        f = trend.frame
        if trend.kind == "line":
            notes = [
                self.t("report.partial", elapsed=i18n.format_percent_value(e, self.lang, 0))
                if 0 < e < 1
                else ""
                for e in f["elapsed"]
            ]
            return pd.DataFrame(
                {
                    self.t("report.col.month"): pd.to_datetime(f["start"]),
                    trend.kpi.label(self.lang): f["value"].astype(float),
                    self.t("report.col.note"): notes,
                }
            )
        assert trend.role is not None
        return pd.DataFrame(
            {
                role_label(trend.role, self.lang): f["label"].astype(str),
                trend.kpi.label(self.lang): f["value"].astype(float),
                self.t("report.col.share"): f["share"].astype(float),
            }
        )

    def sources_frame(self) -> pd.DataFrame:
        """The loaded tables as a table with the report's column names."""
        return pd.DataFrame(
            [
                {
                    self.t("report.col.table"): s.name,
                    self.t("report.col.kind"): kind_label(s.kind, self.lang),
                    self.t("report.col.rows"): s.rows,
                    self.t("report.col.columns"): s.columns,
                    self.t("report.col.roles"): _mapping_text(s.mapping, self.lang),
                }
                for s in self.sources
            ]
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the report by sheet name (scorecard, sources, chart tables), for
        CSV downloads (:func:`kpi.share.export.to_csv_bytes` neutralises their formulas)."""
        out = {self.t("report.sheet.scorecard"): self.scorecard_frame()}
        for trend in self.trends:
            out[trend.sheet] = self.trend_frame(trend)
        out[self.t("report.sheet.sources")] = self.sources_frame()
        return out


def build_report(
    tables: Sequence[Table],
    options: ReportOptions | None = None,
    *,
    engine: Engine | None = None,
    generated: dt.datetime | None = None,
) -> Report:
    """Compute a report.

    Parameters
    ----------
    tables : sequence of Table
        The loaded tables.
    options : ReportOptions, optional
        What to report on (default: the latest month, the most relevant computable KPIs).
    engine : Engine, optional
        An engine already built on ``tables`` with the options' filters and statuses (the app
        passes its own so as not to prepare the tables twice).
    generated : datetime, optional
        When the report is made (default: now, local time).

    Raises
    ------
    PiloteError
        ``report.no_tables`` without tables, ``report.no_kpi`` when no KPI can be computed,
        and the engine's errors (unknown objective, KPI, filter role or period).
    """
    options = options or ReportOptions()
    lang = options.lang
    if not tables:
        raise PiloteError("report.no_tables")
    objectives = check_objectives(options.objectives or None)
    if engine is None:
        filters = {r: list(v) for r, v in options.filters.items() if v}
        engine = Engine(tables, filters=filters or None, statuses=options.statuses)
    kpi_ids = [k for k in options.kpis if k in KPI_IDS]
    unknown = [k for k in options.kpis if k not in KPI_IDS]
    if unknown:
        raise PiloteError("report.unknown_kpi", kpi=unknown[0], kpis=", ".join(KPI_IDS))
    if not kpi_ids:
        kpi_ids = default_kpis(objectives or None, tables)
    if not kpi_ids:
        raise PiloteError("report.no_kpi")
    period = report_period(options, engine)
    currency = options.currency or dataset_currency(tables)
    targets = {k: v for k, v in options.targets.items() if k in kpi_ids}
    results = engine.results(period, kpi_ids=kpi_ids, targets=targets or None)
    alerts = engine.alerts(results, drop_threshold=options.drop_threshold, judge=judge_last)
    rows = tuple(_score_row(res, lang, currency) for res in results)
    trends = _trends(engine, tables, results, period, lang)
    main = main_table(tables)
    cov = None if main is None else engine.coverage(main)
    period_label = period.label(lang) if cov is None else cov.label(period, lang)
    title = (options.title or "").strip() or i18n.t(
        "report.default_title", lang, period=period_label
    )
    return Report(
        title=title,
        lang=lang,
        currency=currency,
        period=period,
        generated=generated or dt.datetime.now().replace(microsecond=0),
        sources=tuple(
            Source(t.name, t.kind, len(t.df), len(t.df.columns), dict(t.mapping)) for t in tables
        ),
        rows=rows,
        alerts=tuple(alerts),
        trends=trends,
        filters={r: list(v) for r, v in engine.filters.items()},
        statuses=None if options.statuses is None else tuple(options.statuses),
        period_label=period_label,
    )


def _score_row(res: KPIResult, lang: str, currency: str | None) -> ScoreRow:
    kpi = res.kpi
    c = card(res, lang, currency)
    prev = None if res.previous is None else res.previous.value
    ly = None if res.last_year is None else res.last_year.value
    v = res.value
    change, change_ly = res.shown_change, res.shown_change_last_year
    if v is None:
        status = "no_value"
        text = res.current.reason_text(lang) or i18n.t("report.status.no_value", lang)
    elif res.target is None or c.on_track is None:
        status = "no_target"
        text = i18n.t("report.status.no_target", lang)
    elif c.pacing_text is not None:
        status = "on_track" if c.on_track else "behind"
        text = i18n.t(f"report.status.{status}", lang)
    else:
        status = "on_target" if c.on_track else "off_target"
        text = i18n.t(f"report.status.{status}", lang)
    # A period in progress: the changes are on a projection, or not given; say which.
    text = " — ".join(t for t in (text, c.projection, c.note if v is not None else None) if t)
    return ScoreRow(
        kpi=kpi,
        result=res,
        card=c,
        value=v,
        previous=prev,
        change=change,
        last_year=ly,
        change_last_year=change_ly,
        target=res.target,
        attainment=res.attainment,
        status=status,
        status_text=text,
    )


def _trends(
    engine: Engine,
    tables: Sequence[Table],
    results: Sequence[KPIResult],
    period: Period,
    lang: str,
) -> tuple[Trend, ...]:
    """The chart tables: each KPI by month, revenue by month, revenue by product (…)."""
    ids = [r.id for r in results]
    revenue_ok = availability(get_kpi("revenue"), tables).computable
    wanted = ids + (["revenue"] if revenue_ok and "revenue" not in ids else [])
    out: list[Trend] = []
    # Sheet names are unique in a workbook, the fixed sheets included.
    used = {
        i18n.t(f"report.sheet.{n}", lang).lower() for n in ("scorecard", "definitions", "sources")
    }
    for kpi_id in wanted:
        frame = engine.series(kpi_id, "month", max_periods=600)
        if period.end is not None and len(frame):
            frame = frame[frame["start"] < period.end]
        frame = frame.tail(TREND_MONTHS).reset_index(drop=True)
        if frame["value"].notna().sum() < 2:
            continue  # a snapshot KPI, no dates, or a single point: nothing to chart
        kpi = get_kpi(kpi_id)
        out.append(
            Trend(
                id=f"trend_{kpi_id}",
                kind="line",
                kpi=kpi,
                title=i18n.t("report.trend_title", lang, kpi=kpi.label(lang)),
                sheet=_sheet_name(kpi.label(lang), used),
                frame=frame[["start", "value", "elapsed"]].assign(
                    value=frame["value"].astype(float)
                ),
            )
        )
    if revenue_ok:
        breakdown = _breakdown(engine, tables, period, lang, used)
        if breakdown is not None:
            out.append(breakdown)
    return tuple(out)


def _breakdown(
    engine: Engine, tables: Sequence[Table], period: Period, lang: str, used: set[str]
) -> Trend | None:
    orders = [t for t in tables if t.kind == "orders"]
    role = next((r for r in BREAKDOWN_ROLES if any(t.has(r) for t in orders)), None)
    if role is None:
        return None
    frame = engine.breakdown("revenue", role, period, limit=100)
    frame = frame[frame["value"].notna() & (frame["value"] != 0)]
    if len(frame) < 2:
        return None
    frame = frame.sort_values("value", ascending=False, kind="stable").head(BREAKDOWN_ROWS)
    total = engine.result("revenue", period).value
    share = frame["value"] / total if total else np.nan
    kpi = get_kpi("revenue")
    role_name = role_label(role, lang).lower() if lang == "fr" else role_label(role, lang)
    name = i18n.t("report.breakdown_sheet", lang, kpi=kpi.label(lang), role=role_name)
    return Trend(
        id=f"breakdown_{role}",
        kind="bar",
        kpi=kpi,
        title=i18n.t(
            "report.breakdown_title",
            lang,
            kpi=kpi.label(lang),
            role=role_name,
            period=period.label(lang),
        ),
        sheet=_sheet_name(name, used),
        frame=pd.DataFrame(
            {
                "label": frame[role].astype(str).to_numpy(),
                "value": frame["value"].astype(float).to_numpy(),
                "share": np.asarray(share, dtype=float),
            }
        ),
        role=role,
    )


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid sheet name not used yet (Excel compares them case-insensitively)."""
    base = safe_sheet_name(name)
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


# ---------------------------------------------------------------------------------------------
# Text helpers


def _colon(lang: str) -> str:
    return "\u00a0: " if lang == "fr" else ": "


def _mapping_text(mapping: Mapping[str, str], lang: str) -> str:
    return "; ".join(f"{role_label(r, lang)} ← {c}" for r, c in mapping.items())


def _change_tone(row: ScoreRow, change: float | None) -> str:
    better = row.kpi.higher_is_better
    if change is None or better is None or change == 0:
        return _NEUTRAL
    return _GOOD if (change > 0) == better else _BAD


def _safe_text(value: object) -> str:
    """Cell text for the Excel report: no control characters (Excel calls such a file
    damaged), formulas neutralised like every export, at most 32,767 characters."""
    return escape_for("excel", value)


i18n.add_messages(
    {
        "report.default_title": {
            "fr": "Rapport Pilote — {period}",
            "en": "Pilote report — {period}",
        },
        "report.period": {"fr": "Période", "en": "Period"},
        "report.generated": {"fr": "Produit le", "en": "Made on"},
        "report.currency": {"fr": "Devise", "en": "Currency"},
        "report.filters": {"fr": "Filtres", "en": "Filters"},
        "report.statuses": {"fr": "Statuts de commande comptés", "en": "Order statuses counted"},
        "report.none": {"fr": "aucun", "en": "none"},
        "report.currency_unknown": {"fr": "non précisée", "en": "not stated"},
        "report.projected": {"fr": "en projection", "en": "projected"},
        "report.scorecard": {"fr": "Tableau de bord", "en": "Scorecard"},
        "report.alerts": {"fr": "Alertes", "en": "Alerts"},
        "report.no_alert": {
            "fr": "Aucune alerte sur la période.",
            "en": "No alert for the period.",
        },
        "report.trends": {"fr": "Tendances", "en": "Trends"},
        "report.sources": {"fr": "Données utilisées", "en": "Data used"},
        "report.definitions": {"fr": "Définitions des indicateurs", "en": "KPI definitions"},
        "report.made_with": {
            "fr": "Rapport produit par Pilote le {when}.",
            "en": "Report made with Pilote on {when}.",
        },
        "report.sheet.scorecard": {"fr": "Tableau de bord", "en": "Scorecard"},
        "report.sheet.definitions": {"fr": "Définitions", "en": "Definitions"},
        "report.sheet.sources": {"fr": "Sources", "en": "Sources"},
        "report.col.kpi": {"fr": "Indicateur", "en": "KPI"},
        "report.col.value": {"fr": "Valeur", "en": "Value"},
        "report.col.previous": {"fr": "Période précédente", "en": "Previous period"},
        "report.col.change": {"fr": "Évolution", "en": "Change"},
        "report.col.last_year": {"fr": "Même période N-1", "en": "Same period last year"},
        "report.col.change_last_year": {"fr": "Évolution sur un an", "en": "Year-on-year change"},
        "report.col.target": {"fr": "Objectif", "en": "Target"},
        "report.col.attainment": {"fr": "Atteinte", "en": "Attainment"},
        "report.col.status": {"fr": "Statut", "en": "Status"},
        "report.col.description": {"fr": "Description", "en": "Description"},
        "report.col.formula": {"fr": "Formule", "en": "Formula"},
        "report.col.reading": {"fr": "Comment le lire", "en": "How to read it"},
        "report.col.unit": {"fr": "Unité", "en": "Unit"},
        "report.col.direction": {"fr": "Sens", "en": "Direction"},
        "report.col.month": {"fr": "Mois", "en": "Month"},
        "report.col.note": {"fr": "Remarque", "en": "Note"},
        "report.col.share": {"fr": "Part du total", "en": "Share of total"},
        "report.col.table": {"fr": "Tableau", "en": "Table"},
        "report.col.kind": {"fr": "Type", "en": "Kind"},
        "report.col.rows": {"fr": "Lignes", "en": "Rows"},
        "report.col.columns": {"fr": "Colonnes", "en": "Columns"},
        "report.col.roles": {"fr": "Colonnes reconnues", "en": "Columns recognised"},
        "report.status.on_target": {"fr": "Objectif atteint", "en": "Target met"},
        "report.status.off_target": {"fr": "Objectif manqué", "en": "Target missed"},
        "report.status.on_track": {"fr": "En bonne voie", "en": "On track"},
        "report.status.behind": {"fr": "En retard sur l'objectif", "en": "Behind target"},
        "report.status.no_target": {"fr": "Pas d'objectif", "en": "No target"},
        "report.status.no_value": {"fr": "Pas de valeur", "en": "No value"},
        "report.direction.up": {"fr": "Plus haut = mieux", "en": "Higher is better"},
        "report.direction.down": {"fr": "Plus bas = mieux", "en": "Lower is better"},
        "report.direction.none": {"fr": "Ni l'un ni l'autre", "en": "Neither"},
        "report.unit.money": {"fr": "Montant", "en": "Amount"},
        "report.unit.percent": {"fr": "Pourcentage", "en": "Percentage"},
        "report.unit.count": {"fr": "Nombre", "en": "Count"},
        "report.unit.days": {"fr": "Jours", "en": "Days"},
        "report.unit.minutes": {"fr": "Minutes", "en": "Minutes"},
        "report.unit.ratio": {"fr": "Ratio", "en": "Ratio"},
        "report.unit.score": {"fr": "Score", "en": "Score"},
        "report.unit.number": {"fr": "Nombre", "en": "Number"},
        "report.trend_title": {"fr": "{kpi} par mois", "en": "{kpi} by month"},
        "report.breakdown_title": {
            "fr": "{kpi} par {role} — {period}",
            "en": "{kpi} by {role} — {period}",
        },
        "report.breakdown_sheet": {"fr": "{kpi} par {role}", "en": "{kpi} by {role}"},
        "report.partial": {
            "fr": "mois en cours ({elapsed} écoulé)",
            "en": "month in progress ({elapsed} elapsed)",
        },
        "report.partial_last": {
            "fr": "Le dernier mois est en cours ({elapsed} écoulé) : sa valeur est partielle.",
            "en": "The last month is in progress ({elapsed} elapsed): its value is partial.",
        },
        "report.no_input": {
            "fr": "Donnez au moins un FICHIER, ou --workspace NOM pour reprendre les tableaux d'un espace de travail enregistré.",
            "en": "Give at least one FILE, or --workspace NAME to use the tables of a saved workspace.",
        },
        "report.done": {
            "fr": "{path} : {n} indicateurs, {period} ({seconds} s)",
            "en": "{path}: {n} KPIs, {period} ({seconds} s)",
        },
        "report.unknown_kpi": {
            "fr": "Indicateur inconnu « {kpi} ». Indicateurs valides : {kpis}.",
            "en": "Unknown KPI '{kpi}'. Valid KPIs: {kpis}.",
        },
        "report.no_tables": {
            "fr": "Aucun tableau chargé : chargez un export ou ouvrez un espace de travail avant de produire un rapport.",
            "en": "No table loaded: load an export or open a workspace before making a report.",
        },
        "report.no_kpi": {
            "fr": "Aucun indicateur ne peut être calculé avec ces données : choisissez des objectifs ou des indicateurs, ou vérifiez les colonnes reconnues.",
            "en": "No KPI can be computed from this data: choose objectives or KPIs, or check the columns recognised.",
        },
        "report.bad_extension": {
            "fr": "« {path} » : le rapport doit être un fichier .xlsx (Excel) ou .html (page web).",
            "en": "'{path}': the report must be an .xlsx (Excel) or .html (web page) file.",
        },
        "report.cannot_write": {
            "fr": "Impossible d'écrire le rapport « {path} » ({reason}) : vérifiez que le dossier existe et que vous pouvez y écrire.",
            "en": "Cannot write the report '{path}' ({reason}): check that the folder exists and that you can write to it.",
        },
    }  # fmt: skip
)
