"""Reports to hand over: an Excel workbook and a self-contained HTML page, in French or English.

:func:`build_report` computes everything once from the loaded tables and the analysis settings
(the same dict the app saves in a workspace, see :class:`ReportOptions`); :func:`to_excel` and
:func:`to_html` only lay it out, and :func:`write_report` picks one from the file extension.

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
  (:data:`kpi.share.export.FORMULA_PREFIXES`), so that a customer called ``=HYPERLINK(…)`` stays text
  here and in any spreadsheet the cell is copied to.
- **HTML**: one file, no script, no external font or request (a Content-Security-Policy says
  so to the browser), charts as SVG images in ``data:`` URLs rendered by vl-convert (Vega-Lite
  without a browser or the network), a layout that prints on A4 from any browser. Every text is
  escaped. Without vl-convert the chart data is shown as a table instead.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import logging
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from babel.dates import format_datetime
from babel.numbers import get_currency_symbol

from kpi import i18n
from kpi.data.dataset import Table, kind_label
from kpi.data.roles import ROLES_BY_ID
from kpi.errors import PiloteError
from kpi.metrics.catalogue import KPI, KPI_IDS, availability, check_objectives, get_kpi, suggest
from kpi.metrics.engine import Alert, Engine, KPIResult, dataset_currency
from kpi.metrics.periods import Period, parse_period
from kpi.metrics.scorecard import Card, card, default_choice
from kpi.share.export import safe_sheet_name, safe_text

__all__ = [
    "FORMATS",
    "GRANULARITIES",
    "Report",
    "ReportOptions",
    "ScoreRow",
    "Source",
    "Trend",
    "build_report",
    "check_output_path",
    "excel_number_format",
    "file_name",
    "render",
    "report_period",
    "to_excel",
    "to_html",
    "write_report",
]

log = logging.getLogger("pilote")

GRANULARITIES: tuple[str, ...] = ("month", "quarter", "year", "all")
# File extension → report format.
FORMATS: dict[str, str] = {".xlsx": "xlsx", ".html": "html", ".htm": "html"}
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
    latest month (quarter, year) in the data — as the app's period picker does.

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
    if gran == "all":
        return Period.all()
    last = engine.as_of
    return Period.all() if last is None else Period.containing(last, gran)


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

    ``change`` and ``change_last_year`` are relative changes, except for percentage KPIs where
    they are differences in points (``0.021`` for +2.1 points): see ``points``.
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
        """Whether the changes are in points (percentage KPIs)."""
        return self.kpi.unit == "percent"

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

    def t(self, key: str, **params: Any) -> str:
        """A message in the report's language."""
        return i18n.t(key, self.lang, **params)

    def fmt(self, kpi: KPI, value: float | None) -> str:
        """A KPI value as text in the report's language and currency."""
        return kpi.format(value, self.lang, self.currency)

    def change_text(self, row: ScoreRow, change: float | None) -> str:
        """``+2,1 pts`` for a rate, ``+12,5 %`` otherwise, ``–`` when there is none."""
        return _change_text(change, row.points, self.lang)

    def alert_texts(self) -> list[str]:
        """Each alert as a sentence."""
        return [a.message(self.lang, self.currency) for a in self.alerts]

    def filter_text(self) -> str:
        """``Région : Nord, Sud · Canal : Web`` or ``none``."""
        parts = [
            f"{_role_label(role, self.lang)}{_colon(self.lang)}{', '.join(values)}"
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
                    self.t("report.col.change"): _change_number(r.change, r.points),
                    self.t("report.col.last_year"): r.last_year,
                    self.t("report.col.change_last_year"): _change_number(
                        r.change_last_year, r.points
                    ),
                    self.t("report.col.target"): r.target,
                    self.t("report.col.attainment"): r.attainment,
                    self.t("report.col.status"): r.status_text,
                    self.t("report.col.unit"): self.t(f"report.unit.{r.kpi.unit}"),
                    self.t("report.col.code"): r.kpi.id,
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
                _role_label(trend.role, self.lang): f["label"].astype(str),
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
        kpi_ids = default_choice(suggest(objectives or None, tables))
    if not kpi_ids:
        raise PiloteError("report.no_kpi")
    period = report_period(options, engine)
    currency = options.currency or dataset_currency(tables)
    targets = {k: v for k, v in options.targets.items() if k in kpi_ids}
    results = engine.results(period, kpi_ids=kpi_ids, targets=targets or None)
    alerts = engine.alerts(results, drop_threshold=options.drop_threshold)
    rows = tuple(_score_row(res, lang, currency) for res in results)
    trends = _trends(engine, tables, results, period, lang)
    title = (options.title or "").strip() or i18n.t(
        "report.default_title", lang, period=period.label(lang)
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
    )


def _score_row(res: KPIResult, lang: str, currency: str | None) -> ScoreRow:
    kpi = res.kpi
    c = card(res, lang, currency)
    prev = None if res.previous is None else res.previous.value
    ly = None if res.last_year is None else res.last_year.value
    v = res.value
    if kpi.unit == "percent":
        change = None if v is None or prev is None else v - prev
        change_ly = None if v is None or ly is None else v - ly
    else:
        change, change_ly = res.change, res.change_last_year
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
    role_label = _role_label(role, lang).lower() if lang == "fr" else _role_label(role, lang)
    name = i18n.t("report.breakdown_sheet", lang, kpi=kpi.label(lang), role=role_label)
    return Trend(
        id=f"breakdown_{role}",
        kind="bar",
        kpi=kpi,
        title=i18n.t(
            "report.breakdown_title",
            lang,
            kpi=kpi.label(lang),
            role=role_label,
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


def _role_label(role: str, lang: str) -> str:
    r = ROLES_BY_ID.get(role)
    if r is None:
        return role
    return r.label_en if lang == "en" else r.label_fr


def _mapping_text(mapping: Mapping[str, str], lang: str) -> str:
    return "; ".join(f"{_role_label(r, lang)} ← {c}" for r, c in mapping.items())


def _change_number(change: float | None, points: bool) -> float | None:
    """A change as stored in tables: points ×100 for rates (2.1 for +2.1 pts)."""
    if change is None:
        return None
    return 100 * change if points else change


def _change_text(change: float | None, points: bool, lang: str) -> str:
    if change is None or not math.isfinite(change):
        return "–"
    if points:
        pts = 100 * change
        return i18n.t(
            "scorecard.points",
            lang,
            value=i18n.format_number(pts, lang, 1),
            sign="+" if pts >= 0 else "",
        )
    text = i18n.format_percent_value(change, lang)
    return text if change < 0 else f"+{text}"


def _change_tone(row: ScoreRow, change: float | None) -> str:
    better = row.kpi.higher_is_better
    if change is None or better is None or change == 0:
        return _NEUTRAL
    return _GOOD if (change > 0) == better else _BAD


def _safe_text(value: object) -> str:
    """Cell text as a string, neutralised like every export (:func:`kpi.share.export.safe_text`)."""
    return safe_text("" if value is None else str(value))


# ---------------------------------------------------------------------------------------------
# Excel


_COLOURS = {
    _GOOD: ("#E6F4EA", "#0D652D"),
    _BAD: ("#FCE8E6", "#A50E0E"),
    _NEUTRAL: ("#F1F3F4", "#3C4043"),
}
_HEADER_BG = "#1F4E79"
_LOCALE_TAG = {"fr": "[$-40C]", "en": "[$-809]"}  # French (France), English (UK) month names


def excel_number_format(
    unit: str,
    lang: str,
    currency: str | None = None,
    suffix: str | None = None,
    axis: bool = False,
) -> str:
    """The Excel number format for a KPI unit in the user's language.

    Excel shows the thousands and decimal separators of the reader's system; the format sets
    the decimals, where the currency symbol goes and the unit words. ``axis``: fewer decimals,
    for chart axes.
    """
    fr = lang == "fr"
    decimals = {"money": 2, "percent": 1, "count": 0, "ratio": 2, "score": 1}.get(unit, 1)
    if unit == "number":
        decimals = 2
    if axis:
        decimals = 2 if unit == "ratio" else 0
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    if unit == "money" and currency:
        symbol = get_currency_symbol(currency, locale=i18n.locale(lang)).replace('"', "")
        base = f'{number} "{symbol}"' if fr else f'"{symbol}"{number}'
    elif unit == "percent":
        base = number.replace("#,##", "") + (" %" if fr else "%")
    elif unit == "days":
        base = f'{number} "{"j" if fr else "d"}"'
    elif unit == "minutes":
        base = f'{number} "min"'
    else:
        base = number
    if suffix:
        base += ' "' + suffix.replace('"', "") + '"'
    return base


_CHANGE_FORMATS = {
    # relative change, points
    ("fr", False): "+0.0 %;-0.0 %;0.0 %",
    ("en", False): "+0.0%;-0.0%;0.0%",
    ("fr", True): '+0.0 "pts";-0.0 "pts";0.0 "pts"',
    ("en", True): '+0.0 "pts";-0.0 "pts";0.0 "pts"',
}


class _Formats:
    """xlsxwriter formats made once per combination of properties."""

    def __init__(self, workbook: Any) -> None:
        self._wb = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Any] = {}

    def __call__(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
            self._cache[key] = self._wb.add_format({**base, **props})
        return self._cache[key]


class _Sheet:
    """A worksheet where text goes through :func:`_safe_text` and ``write_string`` and
    numbers through ``write_number`` (blank when missing)."""

    def __init__(self, ws: Any, formats: _Formats) -> None:
        self.ws = ws
        self.f = formats

    def text(self, row: int, col: int, value: object, **fmt: Any) -> None:
        text = _safe_text(value)
        if text:
            self.ws.write_string(row, col, text, self.f(**fmt))
        else:
            self.ws.write_blank(row, col, None, self.f(**fmt))

    def number(self, row: int, col: int, value: float | None, **fmt: Any) -> None:
        if value is None or not math.isfinite(float(value)):
            self.ws.write_blank(row, col, None, self.f(**fmt))
        else:
            self.ws.write_number(row, col, float(value), self.f(**fmt))

    def print_setup(self, header_row: int | None = None) -> None:
        """Landscape A4, one page wide, the header row repeated on each printed page."""
        self.ws.set_landscape()
        self.ws.set_paper(9)
        self.ws.fit_to_pages(1, 0)
        self.ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        if header_row is not None:
            self.ws.repeat_rows(header_row)

    def fit_row(self, row: int, texts: Sequence[tuple[str, float]]) -> None:
        """Give a row the height its wrapped texts need (spreadsheets do not compute it for a
        file they did not write themselves). ``texts``: (text, column width) pairs."""
        lines = 1
        for text, width in texts:
            per_line = max(1, int(width * 1.1))
            lines = max(
                lines, sum(math.ceil(max(1, len(part)) / per_line) for part in text.split("\n"))
            )
        self.ws.set_row(row, 13.5 * lines)

    def header(self, row: int, labels: Sequence[str]) -> None:
        for col, label in enumerate(labels):
            self.text(
                row,
                col,
                label,
                bold=True,
                font_color="#FFFFFF",
                bg_color=_HEADER_BG,
                text_wrap=True,
                border=1,
                border_color="#BFBFBF",
            )


def to_excel(report: Report) -> bytes:
    """The report as an .xlsx workbook (see the module doc for what it holds)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    wb.set_properties(
        {
            "title": _safe_text(report.title),
            "subject": report.period.label(report.lang),
            "author": "Pilote",
            "created": report.generated.replace(tzinfo=None),
        }
    )
    formats = _Formats(wb)
    _excel_scorecard(wb, formats, report)
    _excel_definitions(wb, formats, report)
    for trend in report.trends:
        _excel_trend(wb, formats, report, trend)
    _excel_sources(wb, formats, report)
    wb.close()
    return buf.getvalue()


def _excel_scorecard(wb: Any, formats: _Formats, report: Report) -> None:
    lang = report.lang
    s = _Sheet(wb.add_worksheet(report.t("report.sheet.scorecard")), formats)
    ws = s.ws
    s.text(0, 0, report.title, bold=True, font_size=16, valign="vcenter")
    ws.set_row(0, 26)
    meta = [
        (report.t("report.period"), report.period.label(lang)),
        (report.t("report.generated"), report.generated_text()),
        (report.t("report.currency"), report.currency or report.t("report.none")),
        (report.t("report.filters"), report.filter_text()),
    ]
    if report.statuses is not None:
        meta.append((report.t("report.statuses"), ", ".join(report.statuses)))
    row = 1
    for label, value in meta:
        s.text(row, 0, label, bold=True, font_color="#595959")
        s.text(row, 1, value)
        row += 1
    row += 1
    labels = [
        report.t("report.col.kpi"),
        report.t("report.col.value"),
        report.t("report.col.previous"),
        report.t("report.col.change"),
        report.t("report.col.last_year"),
        report.t("report.col.change_last_year"),
        report.t("report.col.target"),
        report.t("report.col.attainment"),
        report.t("report.col.status"),
        report.t("report.col.code"),
    ]
    header_row = row
    s.header(header_row, labels)
    ws.set_row(header_row, 30)
    border = {"border": 1, "border_color": "#D9D9D9"}
    pct = excel_number_format("percent", lang)
    for r in report.rows:
        row += 1
        kpi = r.kpi
        suffix = kpi.suffix(lang) if kpi.suffix is not None else None
        num = excel_number_format(kpi.unit, lang, report.currency, suffix)
        bg, fg = _COLOURS[r.tone]
        s.text(row, 0, kpi.label(lang), bold=True, **border)
        s.number(row, 1, r.value, num_format=num, bold=True, **border)
        s.number(row, 2, r.previous, num_format=num, **border)
        for col, change in ((3, r.change), (5, r.change_last_year)):
            tone = _change_tone(r, change)
            colour = {} if tone == _NEUTRAL else {"font_color": _COLOURS[tone][1]}
            s.number(
                row,
                col,
                _change_number(change, r.points),
                num_format=_CHANGE_FORMATS[(lang, r.points)],
                **colour,
                **border,
            )
        s.number(row, 4, r.last_year, num_format=num, **border)
        s.number(row, 6, r.target, num_format=num, **border)
        fill = {} if r.tone == _NEUTRAL else {"bg_color": bg, "font_color": fg}
        s.number(row, 7, r.attainment, num_format=pct, **fill, **border)
        s.text(row, 8, r.status_text, bg_color=bg, font_color=fg, text_wrap=True, **border)
        s.text(row, 9, kpi.id, font_color="#7F7F7F", **border)
        s.fit_row(row, [(kpi.label(lang), 34), (r.status_text, 36)])
    ws.freeze_panes(header_row + 1, 1)
    s.print_setup(header_row)
    ws.set_column(0, 0, 34, formats(text_wrap=True))
    ws.set_column(1, 7, 16)
    ws.set_column(8, 8, 36)
    ws.set_column(9, 9, 20)
    ws.autofilter(header_row, 0, row, len(labels) - 1)
    row += 2
    s.text(row, 0, report.t("report.alerts"), bold=True, font_size=12)
    texts = report.alert_texts() or [report.t("report.no_alert")]
    kinds = [a.kind for a in report.alerts] or [""]
    for text, kind in zip(texts, kinds, strict=True):
        row += 1
        colour = _COLOURS[_BAD][1] if kind == "below_target" else "#7F4F00" if kind else "#3C4043"
        s.text(row, 0, text, font_color=colour)
    ws.activate()


def _excel_definitions(wb: Any, formats: _Formats, report: Report) -> None:
    lang = report.lang
    s = _Sheet(wb.add_worksheet(report.t("report.sheet.definitions")), formats)
    labels = [
        report.t("report.col.kpi"),
        report.t("report.col.description"),
        report.t("report.col.formula"),
        report.t("report.col.reading"),
        report.t("report.col.unit"),
        report.t("report.col.direction"),
        report.t("report.col.code"),
    ]
    s.header(0, labels)
    widths = (30, 45, 50, 60, 14, 18, 20)
    wrap = {"text_wrap": True, "border": 1, "border_color": "#D9D9D9"}
    for i, r in enumerate(report.rows, start=1):
        kpi = r.kpi
        direction = {True: "up", False: "down", None: "none"}[kpi.higher_is_better]
        s.text(i, 0, kpi.label(lang), bold=True, **wrap)
        s.text(i, 1, kpi.description(lang), **wrap)
        s.text(i, 2, kpi.formula(lang), **wrap)
        s.text(i, 3, kpi.reading(lang), **wrap)
        s.text(i, 4, report.t(f"report.unit.{kpi.unit}"), **wrap)
        s.text(i, 5, report.t(f"report.direction.{direction}"), **wrap)
        s.text(i, 6, kpi.id, font_color="#7F7F7F", **wrap)
        s.fit_row(
            i,
            [
                (kpi.label(lang), widths[0]),
                (kpi.description(lang), widths[1]),
                (kpi.formula(lang), widths[2]),
                (kpi.reading(lang), widths[3]),
            ],
        )
    s.ws.freeze_panes(1, 1)
    s.print_setup(0)
    for col, width in enumerate(widths):
        s.ws.set_column(col, col, width)


def _excel_trend(wb: Any, formats: _Formats, report: Report, trend: Trend) -> None:
    lang = report.lang
    kpi = trend.kpi
    s = _Sheet(wb.add_worksheet(trend.sheet), formats)
    frame = report.trend_frame(trend)
    s.header(0, [str(c) for c in frame.columns])
    suffix = kpi.suffix(lang) if kpi.suffix is not None else None
    num = excel_number_format(kpi.unit, lang, report.currency, suffix)
    month_fmt = _LOCALE_TAG.get(lang, "") + "mmmm yyyy"
    n = len(frame)
    for i in range(n):
        first, value, third = frame.iloc[i, 0], frame.iloc[i, 1], frame.iloc[i, 2]
        if trend.kind == "line":
            s.ws.write_datetime(
                i + 1, 0, pd.Timestamp(first).to_pydatetime(), s.f(num_format=month_fmt)
            )
            s.number(i + 1, 1, value, num_format=num)
            s.text(i + 1, 2, third, font_color="#7F7F7F", italic=True)
        else:
            s.text(i + 1, 0, first)
            s.number(i + 1, 1, value, num_format=num)
            s.number(i + 1, 2, third, num_format=excel_number_format("percent", lang))
    s.ws.freeze_panes(1, 0)
    s.ws.set_column(0, 0, 34 if trend.kind == "bar" else 16)
    s.ws.set_column(1, 1, 20)
    s.ws.set_column(2, 2, 22)
    sheet = trend.sheet
    if trend.kind == "line":
        chart = wb.add_chart({"type": "line"})
        chart.add_series(
            {
                "name": _safe_text(kpi.label(lang)),
                "categories": [sheet, 1, 0, n, 0],
                "values": [sheet, 1, 1, n, 1],
                "line": {"color": "#1F77B4", "width": 2.25},
                "marker": {
                    "type": "circle",
                    "size": 5,
                    "fill": {"color": "#1F77B4"},
                    "border": {"color": "#1F77B4"},
                },
            }
        )
        chart.set_x_axis(
            {
                "date_axis": True,
                "num_format": _LOCALE_TAG.get(lang, "") + "mmm yy",
                "major_unit": 3 if n > 12 else 1,
                "major_unit_type": "months",
                "num_font": {"rotation": -45},
            }
        )
        chart.show_blanks_as("gap")
    else:
        chart = wb.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": _safe_text(kpi.label(lang)),
                "categories": [sheet, 1, 0, n, 0],
                "values": [sheet, 1, 1, n, 1],
                "fill": {"color": "#4C78A8"},
                "gap": 60,
            }
        )
        # Largest bar on top, values along the bottom.
        chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"size": 9}})
    value_axis = {
        "num_format": excel_number_format(kpi.unit, lang, report.currency, suffix, axis=True),
        "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}},
    }
    if trend.kind == "line":
        chart.set_y_axis(value_axis)
    else:
        chart.set_x_axis(value_axis)
    chart.set_title({"name": _safe_text(trend.title), "name_font": {"size": 12, "bold": True}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 760, "height": 380 if trend.kind == "line" else 90 + 30 * n})
    s.ws.insert_chart(1, 4, chart)
    s.print_setup(0)


def _excel_sources(wb: Any, formats: _Formats, report: Report) -> None:
    s = _Sheet(wb.add_worksheet(report.t("report.sheet.sources")), formats)
    frame = report.sources_frame()
    s.header(0, [str(c) for c in frame.columns])
    for i, src in enumerate(report.sources, start=1):
        s.text(i, 0, src.name)
        s.text(i, 1, kind_label(src.kind, report.lang))
        s.number(i, 2, src.rows, num_format="#,##0")
        s.number(i, 3, src.columns, num_format="#,##0")
        s.text(i, 4, _mapping_text(src.mapping, report.lang), text_wrap=True)
    for col, width in enumerate((34, 24, 10, 10, 90)):
        s.ws.set_column(col, col, width)
    s.ws.freeze_panes(1, 0)
    s.print_setup(0)


# ---------------------------------------------------------------------------------------------
# HTML


_CSS = """
:root { --ink: #1f2328; --muted: #5f6368; --line: #d0d7de; --head: #1f4e79;
  --good-bg: #e6f4ea; --good: #0d652d; --bad-bg: #fce8e6; --bad: #a50e0e;
  --neutral-bg: #f1f3f4; --neutral: #3c4043; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1100px; padding: 28px 32px; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; background: #fff; }
h1 { font-size: 26px; margin: 0 0 6px; color: var(--head); }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid
  var(--head); color: var(--head); }
.meta { color: var(--muted); margin: 0; }
.meta b { color: var(--ink); font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
th { background: var(--head); color: #fff; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.kpi { font-weight: 600; }
.good { color: var(--good); } .bad { color: var(--bad); }
.badge { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 12px; }
.badge.good { background: var(--good-bg); } .badge.bad { background: var(--bad-bg); }
.badge.neutral { background: var(--neutral-bg); color: var(--neutral); }
ul.alerts { padding-left: 0; list-style: none; margin: 0; }
ul.alerts li { padding: 6px 10px; margin: 4px 0; border-left: 4px solid #e8a100;
  background: #fff8e1; }
ul.alerts li.below_target { border-color: var(--bad); background: var(--bad-bg); }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 18px; }
figure { margin: 0; padding: 10px; border: 1px solid var(--line); border-radius: 6px;
  break-inside: avoid; page-break-inside: avoid; }
figure.wide { grid-column: 1 / -1; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-weight: 600; margin-bottom: 6px; }
figure p { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
dl { margin: 0; } dt { font-weight: 600; margin-top: 10px; }
dd { margin: 2px 0 0 0; color: var(--ink); }
dd span { color: var(--muted); }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  h1 { font-size: 20px; } h2 { font-size: 15px; break-after: avoid; page-break-after: avoid; }
  table { font-size: 10.5px; }
  thead { display: table-header-group; }
  tr, li, dt, dd { break-inside: avoid; page-break-inside: avoid; }
  .charts { gap: 10px; }
  section.definitions { break-before: page; page-break-before: always; }
}
"""

# No script, no remote anything: the browser is told so too.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def to_html(report: Report) -> str:
    """The report as one self-contained HTML page (see the module doc)."""
    e = html.escape
    lang = report.lang
    t = report.t
    colon = _colon(lang)
    meta = [
        (t("report.period"), report.period.label(lang)),
        (t("report.generated"), report.generated_text()),
        (t("report.currency"), report.currency or t("report.none")),
        (t("report.filters"), report.filter_text()),
    ]
    if report.statuses is not None:
        meta.append((t("report.statuses"), ", ".join(report.statuses)))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Pilote">',
        f"<title>{e(report.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{e(report.title)}</h1>",
        "".join(f'<p class="meta"><b>{e(k)}</b>{e(colon)}{e(v)}</p>' for k, v in meta),
        "</header>",
    ]
    # Scorecard
    parts += [
        '<section class="scorecard">',
        f"<h2>{e(t('report.scorecard'))}</h2>",
        "<table><thead><tr>",
        "".join(
            f"<th>{e(t(k))}</th>"
            for k in (
                "report.col.kpi",
                "report.col.value",
                "report.col.previous",
                "report.col.change",
                "report.col.last_year",
                "report.col.target",
                "report.col.attainment",
                "report.col.status",
            )
        ),
        "</tr></thead><tbody>",
    ]
    for r in report.rows:
        kpi = r.kpi
        change_tone = _change_tone(r, r.change)
        ly = report.fmt(kpi, r.last_year)
        if r.last_year is not None:
            ly += f" ({report.change_text(r, r.change_last_year)})"
        attainment = (
            i18n.format_percent_value(r.attainment, lang) if r.attainment is not None else "–"
        )
        parts.append(
            "<tr>"
            f'<td class="kpi" title="{e(kpi.description(lang))}">{e(kpi.label(lang))}</td>'
            f'<td class="num"><b>{e(report.fmt(kpi, r.value))}</b></td>'
            f'<td class="num">{e(report.fmt(kpi, r.previous))}</td>'
            f'<td class="num {change_tone}">{e(report.change_text(r, r.change))}</td>'
            f'<td class="num">{e(ly)}</td>'
            f'<td class="num">{e(report.fmt(kpi, r.target))}</td>'
            f'<td class="num">{e(attainment)}</td>'
            f'<td><span class="badge {r.tone}">{e(r.status_text)}</span></td>'
            "</tr>"
        )
    parts.append("</tbody></table></section>")
    # Alerts
    parts += ['<section class="alerts">', f"<h2>{e(t('report.alerts'))}</h2>"]
    if report.alerts:
        parts.append('<ul class="alerts">')
        for alert, text in zip(report.alerts, report.alert_texts(), strict=True):
            parts.append(f'<li class="{e(alert.kind)}">{e(text)}</li>')
        parts.append("</ul>")
    else:
        parts.append(f"<p>{e(t('report.no_alert'))}</p>")
    parts.append("</section>")
    # Charts
    if report.trends:
        renderer = _SvgRenderer(lang, report.currency)
        parts += ['<section class="trends">', f"<h2>{e(t('report.trends'))}</h2>"]
        parts.append('<div class="charts">')
        for trend in report.trends:
            parts.append(_html_figure(report, trend, renderer))
        parts.append("</div></section>")
    # Sources
    parts += [
        '<section class="sources">',
        f"<h2>{e(t('report.sources'))}</h2>",
        "<table><thead><tr>",
        "".join(
            f"<th>{e(t(k))}</th>"
            for k in ("report.col.table", "report.col.kind", "report.col.rows")
        ),
        "</tr></thead><tbody>",
    ]
    for src in report.sources:
        parts.append(
            f"<tr><td>{e(src.name)}</td><td>{e(kind_label(src.kind, report.lang))}</td>"
            f'<td class="num">{e(i18n.format_number(src.rows, lang))}</td></tr>'
        )
    parts.append("</tbody></table></section>")
    # Definitions
    parts += [
        '<section class="definitions">',
        f"<h2>{e(t('report.definitions'))}</h2>",
        "<dl>",
    ]
    for r in report.rows:
        kpi = r.kpi
        parts.append(
            f"<dt>{e(kpi.label(lang))}</dt>"
            f"<dd>{e(kpi.description(lang))}</dd>"
            f"<dd><span>{e(t('report.col.formula'))}{e(colon)}</span>{e(kpi.formula(lang))}</dd>"
            f"<dd><span>{e(t('report.col.reading'))}{e(colon)}</span>{e(kpi.reading(lang))}</dd>"
        )
    parts += [
        "</dl></section>",
        f"<footer>{e(t('report.made_with', when=report.generated_text()))}</footer>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _html_figure(report: Report, trend: Trend, renderer: _SvgRenderer) -> str:
    e = html.escape
    lang = report.lang
    wide = " wide" if trend.kind == "bar" else ""
    svg = renderer.svg(trend)
    note = ""
    if trend.kind == "line":
        last = float(trend.frame["elapsed"].iloc[-1]) if len(trend.frame) else 1.0
        if 0 < last < 1:
            note = report.t("report.partial_last", elapsed=i18n.format_percent_value(last, lang, 0))
    if svg is not None:
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        body = f'<img src="data:image/svg+xml;base64,{data}" alt="{e(trend.title)}">'
    else:
        body = _html_table(report.trend_frame(trend), trend, report)
    caption = f"<figcaption>{e(trend.title)}</figcaption>"
    extra = f"<p>{e(note)}</p>" if note else ""
    return f'<figure class="{trend.kind}{wide}">{caption}{body}{extra}</figure>'


def _html_table(frame: pd.DataFrame, trend: Trend, report: Report) -> str:
    """A chart's data as a small table (when charts cannot be drawn)."""
    e = html.escape
    lang = report.lang
    head = "".join(f"<th>{e(str(c))}</th>" for c in frame.columns[:2])
    rows = []
    for first, value in zip(frame.iloc[:, 0], frame.iloc[:, 1], strict=True):
        if trend.kind == "line":
            first = Period.containing(first, "month").label(lang)
        shown = report.fmt(trend.kpi, None if pd.isna(value) else float(value))
        rows.append(f'<tr><td>{e(str(first))}</td><td class="num">{e(shown)}</td></tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


class _SvgRenderer:
    """Charts as SVG through Altair and vl-convert (no browser, no network).

    ``svg`` returns ``None`` when vl-convert is not installed or fails; the report then shows
    the chart's data as a table.
    """

    _D3_LOCALE = {"fr": "fr-FR", "en": "en-GB"}

    def __init__(self, lang: str, currency: str | None) -> None:
        self.lang = lang
        self.currency = currency
        try:
            import vl_convert
        except ImportError:  # optional: the report still has every figure
            log.info("vl-convert-python is not installed: HTML reports show tables, not charts")
            self._vlc = None
            return
        self._vlc = vl_convert
        tag = self._D3_LOCALE.get(lang, "en-GB")
        number = dict(vl_convert.get_format_locale(tag))
        if currency:
            symbol = get_currency_symbol(currency, locale=i18n.locale(lang))
            number["currency"] = ["", "\u00a0" + symbol] if lang == "fr" else [symbol, ""]
        self._number = number
        self._time = vl_convert.get_time_format_locale(tag)
        wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
        self._version = wanted if wanted in vl_convert.get_vegalite_versions() else None

    def _axis_format(self, kpi: KPI) -> str:
        return {
            "money": "$,.0f" if self.currency else ",.0f",
            "percent": ".0%",
            "count": ",.0f",
            "days": ",.0f",
            "minutes": ",.1f",
            "ratio": ",.2f",
            "score": ",.0f",
        }.get(kpi.unit, ",.2f")

    def chart(self, trend: Trend) -> alt.Chart:
        """The Altair chart of a trend (aggregated data only: at most a few dozen rows)."""
        kpi = trend.kpi
        fmt = self._axis_format(kpi)
        if trend.kind == "line":
            # Local midnight: a date alone would be read as UTC and could shift a month.
            months = pd.to_datetime(trend.frame["start"]).dt.strftime("%Y-%m-%dT00:00:00")
            data = pd.DataFrame({"month": months, "value": trend.frame["value"].astype(float)})
            base = alt.Chart(data).encode(
                x=alt.X(
                    "month:T",
                    timeUnit="yearmonth",
                    title=None,
                    axis=alt.Axis(
                        format="%b %y",
                        labelAngle=0,
                        labelOverlap=True,
                        labelFlush=False,
                        grid=False,
                    ),
                ),
                y=alt.Y("value:Q", title=None, axis=alt.Axis(format=fmt, tickCount=5)),
            )
            chart = base.mark_line(color="#1f77b4", strokeWidth=2) + base.mark_point(
                color="#1f77b4", filled=True, size=28
            )
            return chart.properties(width=420, height=200)
        data = pd.DataFrame(
            {"label": trend.frame["label"].astype(str), "value": trend.frame["value"]}
        )
        return (
            alt.Chart(data)
            .mark_bar(color="#4c78a8")
            .encode(
                y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
                x=alt.X("value:Q", title=None, axis=alt.Axis(format=fmt, tickCount=5)),
            )
            .properties(width=760, height=max(60, 22 * len(data)))
        )

    def svg(self, trend: Trend) -> str | None:
        if self._vlc is None:
            return None
        spec = self.chart(trend).configure_view(stroke=None).to_dict()
        try:
            return self._vlc.vegalite_to_svg(
                spec,
                vl_version=self._version,
                allowed_base_urls=[],
                format_locale=self._number,
                time_format_locale=self._time,
            )
        except Exception:  # a chart that cannot be drawn must not cost the whole report
            log.exception("chart %s could not be rendered", trend.id)
            return None


# ---------------------------------------------------------------------------------------------
# Files


def check_output_path(path: str | os.PathLike[str]) -> str:
    """The report format for ``path`` (``xlsx`` or ``html``), checked before any work.

    Raises
    ------
    PiloteError
        ``report.bad_extension`` for another extension, ``report.cannot_write`` when the
        folder does not exist or cannot be written.
    """
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise PiloteError("report.bad_extension", path=str(p))
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise PiloteError("report.cannot_write", path=str(p), reason="no such folder")
    if not os.access(folder, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise PiloteError("report.cannot_write", path=str(p), reason="permission denied")
    if p.is_dir():
        raise PiloteError("report.cannot_write", path=str(p), reason="it is a folder")
    return fmt


def render(report: Report, fmt: str) -> bytes:
    """The report's bytes in ``fmt`` (``xlsx`` or ``html``)."""
    if fmt == "xlsx":
        return to_excel(report)
    if fmt == "html":
        return to_html(report).encode("utf-8")
    raise ValueError(f"unknown report format {fmt!r}")


def write_report(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write the report to ``path``; the extension (.xlsx, .html) picks the format.

    The file is written next to its destination and then renamed, so that a scheduled run
    never leaves half a report behind.

    Raises
    ------
    PiloteError
        ``report.bad_extension``, ``report.cannot_write``.
    """
    fmt = check_output_path(path)
    data = render(report, fmt)
    p = Path(path)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".pilote-", suffix=p.suffix, dir=p.parent or ".")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, p)
        tmp = None
    except OSError as exc:
        raise PiloteError("report.cannot_write", path=str(p), reason=exc.strerror or exc) from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return p


def file_name(report: Report, fmt: str) -> str:
    """A download name such as ``pilote-2024-06.xlsx``."""
    key = report.period.key.replace("..", "_")
    return f"pilote-{key}.{fmt}"


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
        "report.col.code": {"fr": "Code", "en": "Code"},
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
