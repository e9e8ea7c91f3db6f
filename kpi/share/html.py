"""The report as one self-contained HTML page: no script, no external request (a
Content-Security-Policy says so), charts as SVG ``data:`` images rendered by vl-convert in a
worker process (:func:`kpi.data.worker.render_svgs`: vl-convert aborts its process on some
inputs), a layout that prints on A4; every text escaped (:func:`kpi.data.sanitize.escape_for`)."""

from __future__ import annotations

import base64
import functools
import logging
from typing import TYPE_CHECKING

import pandas as pd
from babel.numbers import get_currency_symbol

from kpi import i18n
from kpi.data import kind_label, worker
from kpi.data.sanitize import escape_for
from kpi.metrics import KPI, Period
from kpi.share.report import Report, Trend, _change_tone, _colon

if TYPE_CHECKING:  # Altair (0.6 s to import) only when a report draws its charts
    import altair as alt

__all__ = ["to_html"]

log = logging.getLogger("pilote")
_escape = functools.partial(escape_for, "html")


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
    e = _escape
    lang = report.lang
    t = report.t
    colon = _colon(lang)
    meta = [
        (t("report.period"), report.period_text()),
        (t("report.generated"), report.generated_text()),
        (t("report.currency"), report.currency_text()),
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
        svgs = _SvgRenderer(lang, report.currency).svgs(report.trends)
        parts += ['<section class="trends">', f"<h2>{e(t('report.trends'))}</h2>"]
        parts.append('<div class="charts">')
        for trend, svg in zip(report.trends, svgs, strict=True):
            parts.append(_html_figure(report, trend, svg))
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


def _html_figure(report: Report, trend: Trend, svg: str | None) -> str:
    e = _escape
    lang = report.lang
    wide = " wide" if trend.kind == "bar" else ""
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
    e = _escape
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
    """Charts as SVG through Altair and vl-convert (no browser, no network), drawn in a worker
    process: vl-convert aborts the process it runs in on some inputs, and a report must never
    take the server down.

    ``svgs`` gives ``None`` for a chart when vl-convert is not installed or cannot draw it; the
    report then shows the chart's data as a table.
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
        import altair as alt

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
        import altair as alt

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
        # The labels are the user's categories: without control characters, on which
        # vl-convert panics (the loader removes them; a table from elsewhere may hold some).
        labels = [escape_for("vega", v) for v in trend.frame["label"].astype(str)]
        data = pd.DataFrame({"label": labels, "value": trend.frame["value"].to_numpy()})
        return (
            alt.Chart(data)
            .mark_bar(color="#4c78a8")
            .encode(
                y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
                x=alt.X("value:Q", title=None, axis=alt.Axis(format=fmt, tickCount=5)),
            )
            .properties(width=760, height=max(60, 22 * len(data)))
        )

    def svgs(self, trends: list[Trend]) -> list[str | None]:
        """Every chart as SVG, drawn together in one worker (V8 starts once)."""
        if self._vlc is None or not trends:
            return [None] * len(trends)
        specs = [self.chart(t).configure_view(stroke=None).to_dict() for t in trends]
        out = worker.render_svgs(
            specs,
            vl_version=self._version,
            allowed_base_urls=[],
            format_locale=self._number,
            time_format_locale=self._time,
        )
        for trend, svg in zip(trends, out, strict=True):
            if svg is None:  # a chart that cannot be drawn costs only itself
                log.warning("chart %s could not be rendered", trend.id)
        return out

    def svg(self, trend: Trend) -> str | None:
        """One chart as SVG (see :meth:`svgs`)."""
        return self.svgs([trend])[0]
