"""The report as an Excel workbook (xlsxwriter): numbers stored as numbers with formats for the unit
and the language, coloured status cells, one sheet per chart table with a native Excel chart, and
every text cell written as text (never parsed as a formula)."""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from babel.numbers import get_currency_symbol

from kpi import i18n
from kpi.data import kind_label
from kpi.share.report import (
    _BAD,
    _GOOD,
    _NEUTRAL,
    Report,
    Trend,
    _change_tone,
    _mapping_text,
    _safe_text,
)

__all__ = ["excel_number_format", "to_excel"]

log = logging.getLogger("pilote")


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
            "subject": report.period_text(),
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
        (report.t("report.period"), report.period_text()),
        (report.t("report.generated"), report.generated_text()),
        (report.t("report.currency"), report.currency_text()),
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
                change,
                num_format=_CHANGE_FORMATS[(lang, r.points)],
                **colour,
                **border,
            )
        s.number(row, 4, r.last_year, num_format=num, **border)
        s.number(row, 6, r.target, num_format=num, **border)
        fill = {} if r.tone == _NEUTRAL else {"bg_color": bg, "font_color": fg}
        s.number(row, 7, r.attainment, num_format=pct, **fill, **border)
        s.text(row, 8, r.status_text, bg_color=bg, font_color=fg, text_wrap=True, **border)
        s.fit_row(row, [(kpi.label(lang), 34), (r.status_text, 36)])
    ws.freeze_panes(header_row + 1, 1)
    s.print_setup(header_row)
    ws.set_column(0, 0, 34, formats(text_wrap=True))
    ws.set_column(1, 7, 16)
    ws.set_column(8, 8, 36)
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
    ]
    s.header(0, labels)
    widths = (30, 45, 50, 60, 14, 18)
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
