"""Altair charts for the explore pages, in French or English.

Each function takes an aggregated frame from :mod:`kpi.explore.trends`, :mod:`kpi.explore.funnel`,
:mod:`kpi.explore.customers` or :mod:`kpi.explore.team` (a few thousand rows at most: ``st.altair_chart`` ships
the whole frame to the browser) and returns a finished chart: FR/EN titles and axis labels,
tooltips whose numbers are pre-formatted by :func:`kpi.i18n.format_value` (``1 234 567,89 €``),
and a Vega number/time locale so that the axes read the same way (``1 234 567`` and ``mars``
in French).
"""

from __future__ import annotations

import textwrap
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from babel.numbers import get_currency_symbol

from kpi import i18n

__all__ = [
    "attainment_chart",
    "bar_chart",
    "breakdown_chart",
    "cohort_heatmap",
    "contribution_chart",
    "funnel_chart",
    "locale_config",
    "monthly_target_chart",
    "trend_chart",
    "waterfall_chart",
]

_FR_TIME = {
    "dateTime": "%A %e %B %Y à %X",
    "date": "%d/%m/%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre"],
    "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                    "oct.", "nov.", "déc."],
}  # fmt: skip
_EN_TIME = {
    "dateTime": "%a %e %b %Y %X",
    "date": "%d/%m/%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
    "months": ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"],
    "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                    "Nov", "Dec"],
}  # fmt: skip
#: Characters per line of a chart title: a longer one goes on several lines (Vega would cut it
#: with "…"); pages put the titles of charts in half a page above them instead.
TITLE_WIDTH = 70
PALETTE = ["#1f5fa6", "#e07b39", "#3a9d5d", "#b8436a", "#7a5fb0", "#8c8c8c", "#c9a227"]
GOOD, BAD, NEUTRAL = "#3a9d5d", "#c0392b", "#8c8c8c"


def locale_config(lang: str = i18n.DEFAULT_LANGUAGE, currency: str | None = None) -> dict:
    """A Vega locale: French or English number separators, currency symbol and month names."""
    symbol = ""
    if currency:
        try:
            symbol = get_currency_symbol(currency, locale=i18n.locale(lang))
        except Exception:  # an unknown code: show the code itself
            symbol = currency
    if lang == "fr":
        number = {
            "decimal": ",",
            "thousands": "\u202f",
            "grouping": [3],
            "currency": ["", f"\u00a0{symbol}" if symbol else ""],
            "percent": "\u202f%",
        }
        time = _FR_TIME
    else:
        number = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": [symbol, ""]}
        time = _EN_TIME
    return {"number": number, "time": time}


def _t(key: str, lang: str, **params: Any) -> str:
    return i18n.t(f"charts.{key}", lang, **params)


def _axis_format(unit: str, currency: str | None) -> str:
    if unit == "percent":
        return ".0%"
    if unit == "money":
        return "$,.0f" if currency else ",.0f"
    if unit in ("ratio", "score", "days", "minutes"):
        return ",.1f"
    return ",.0f"


def _fmt_col(values: Any, unit: str, lang: str, currency: str | None) -> list[str]:
    return [i18n.format_value(v, unit, lang, currency) for v in values]


def _finish(chart: Any, lang: str, currency: str | None, title: str | None) -> Any:
    if title:
        # Vega cuts a title wider than the chart with "…": long ones go on several lines.
        lines = textwrap.wrap(title, TITLE_WIDTH) or [title]
        chart = chart.properties(title=alt.TitleParams(lines if len(lines) > 1 else title))
    return chart.configure(locale=locale_config(lang, currency)).configure_view(stroke=None)


def _empty(lang: str) -> alt.Chart:
    frame = pd.DataFrame({"text": [_t("no_data", lang)]})
    return alt.Chart(frame).mark_text(size=14, color=NEUTRAL).encode(text="text:N")


def _time_axis(freq: str, lang: str) -> alt.Axis:
    fmt = {"day": "%d %b", "week": "%d %b %Y", "month": "%b %Y", "quarter": "%b %Y"}.get(
        freq, "%b %Y"
    )
    return alt.Axis(title=None, format=fmt, labelAngle=0, labelOverlap=True)


def trend_chart(
    series: pd.DataFrame,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    unit: str = "number",
    currency: str | None = None,
    label: str = "",
    freq: str = "month",
    last_year: bool = True,
    moving_avg: bool = True,
    flagged: pd.DataFrame | None = None,
    forecast: pd.DataFrame | None = None,
    title: str | None = None,
) -> Any:
    """A series over time (from :func:`kpi.explore.trends.measure_trend`): the value, optionally the
    same period last year (dashed), a moving average, anomaly points (from
    :func:`kpi.explore.trends.anomalies`) and a forecast with its interval band."""
    if series is None or series.empty:
        return _finish(_empty(lang), lang, currency, title)
    base = series[["start", "label", "value", "last_year", "moving_avg", "partial"]].copy()
    base["start"] = pd.to_datetime(base["start"])
    long = []
    names = {
        "value": label or _t("value", lang),
        "last_year": _t("last_year", lang),
        "moving_avg": _t("moving_avg", lang),
    }
    kinds = (
        ["value"] + (["last_year"] if last_year else []) + (["moving_avg"] if moving_avg else [])
    )
    for kind in kinds:
        part = base[["start", "label", kind, "partial"]].rename(columns={kind: "y"})
        part = part[part["y"].notna()]
        part = part.assign(series=names[kind])
        long.append(part)
    data = pd.concat(long, ignore_index=True)
    data["y_text"] = _fmt_col(data["y"], unit, lang, currency)
    data["label"] = np.where(
        data["partial"], data["label"] + " " + _t("partial", lang), data["label"]
    )
    # A partial bucket (the month in progress) is drawn apart: a hollow point and a note, so
    # that its low value does not read as a fall.
    marked = data[data["partial"] & (data["series"] == names["value"])].copy()
    data = data.drop(columns="partial")
    domain = [names[k] for k in kinds]
    colors = [PALETTE[0], NEUTRAL, PALETTE[1]][: len(kinds)]
    dashes = [[1, 0], [5, 4], [2, 2]][: len(kinds)]
    y_axis = alt.Axis(title=label or None, format=_axis_format(unit, currency))
    tooltip = [
        alt.Tooltip("series:N", title=_t("series", lang)),
        alt.Tooltip("label:N", title=_t("period", lang)),
        alt.Tooltip("y_text:N", title=_t("value", lang)),
    ]
    lines = (
        alt.Chart(data)
        .mark_line(point=freq != "day", strokeWidth=2)
        .encode(
            x=alt.X("start:T", axis=_time_axis(freq, lang)),
            y=alt.Y("y:Q", axis=y_axis),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=domain, range=colors),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=dashes),
                                      legend=None),
            tooltip=tooltip,
        )
    )  # fmt: skip
    layers = [lines]
    if len(marked):
        marked["note"] = _t("partial_note", lang)
        hollow = (
            alt.Chart(marked.drop(columns="partial"))
            .mark_point(shape="circle", size=160, filled=True, fill="white", strokeWidth=2,
                        color=PALETTE[0])
            .encode(x="start:T", y="y:Q", tooltip=tooltip)
        )  # fmt: skip
        note = (
            alt.Chart(marked.drop(columns="partial"))
            .mark_text(dy=-16, fontSize=11, color=NEUTRAL, fontStyle="italic")
            .encode(x="start:T", y="y:Q", text="note:N")
        )
        layers += [hollow, note]
    if forecast is not None and not forecast.empty:
        fc = forecast.copy()
        fc["start"] = pd.to_datetime(fc["start"])
        fc["y_text"] = _fmt_col(fc["forecast"], unit, lang, currency)
        fc["range_text"] = [
            f"{i18n.format_value(lo, unit, lang, currency)} – "
            f"{i18n.format_value(hi, unit, lang, currency)}"
            for lo, hi in zip(fc["lower"], fc["upper"], strict=True)
        ]
        fc["series"] = _t("forecast", lang)
        ftip = [
            alt.Tooltip("label:N", title=_t("period", lang)),
            alt.Tooltip("y_text:N", title=_t("forecast", lang)),
            alt.Tooltip("range_text:N", title=_t("interval", lang)),
        ]
        band = (
            alt.Chart(fc)
            .mark_area(opacity=0.18, color=PALETTE[4])
            .encode(x="start:T", y="lower:Q", y2="upper:Q", tooltip=ftip)
        )
        fline = (
            alt.Chart(fc)
            .mark_line(strokeDash=[6, 3], color=PALETTE[4], point=True)
            .encode(x="start:T", y="forecast:Q", tooltip=ftip)
        )
        layers += [band, fline]
    if flagged is not None and not flagged.empty and "anomaly" in flagged:
        odd = flagged[flagged["anomaly"] != 0].copy()
        if len(odd):
            odd["start"] = pd.to_datetime(odd["start"])
            odd["y_text"] = _fmt_col(odd["value"], unit, lang, currency)
            odd["exp_text"] = _fmt_col(odd["expected"], unit, lang, currency)
            odd["kind"] = np.where(odd["anomaly"] > 0, _t("unusually_high", lang),
                                   _t("unusually_low", lang))  # fmt: skip
            points = (
                alt.Chart(odd[["start", "label", "value", "y_text", "exp_text", "kind"]])
                .mark_point(shape="circle", size=220, filled=False, strokeWidth=3, color=BAD)
                .encode(
                    x="start:T",
                    y="value:Q",
                    tooltip=[
                        alt.Tooltip("kind:N", title=_t("anomaly", lang)),
                        alt.Tooltip("label:N", title=_t("period", lang)),
                        alt.Tooltip("y_text:N", title=_t("value", lang)),
                        alt.Tooltip("exp_text:N", title=_t("expected", lang)),
                    ],
                )
            )
            layers.append(points)
    chart = alt.layer(*layers).properties(height=340, width="container")
    return _finish(chart, lang, currency, title)


def breakdown_chart(
    data: pd.DataFrame,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    unit: str = "number",
    currency: str | None = None,
    stacked: bool = True,
    freq: str = "month",
    segment_title: str = "",
    title: str | None = None,
) -> Any:
    """Segments over time (from :func:`kpi.explore.trends.breakdown_trend`): stacked areas for sums
    and counts, lines for ratios."""
    if data is None or data.empty:
        return _finish(_empty(lang), lang, currency, title)
    d = data.copy()
    d["start"] = pd.to_datetime(d["start"])
    d["y_text"] = _fmt_col(d["value"], unit, lang, currency)
    partial_starts = []
    if "partial" in d:
        partial_starts = sorted(d.loc[d["partial"].astype(bool), "start"].unique())
        d["label"] = np.where(d["partial"], d["label"] + " " + _t("partial", lang), d["label"])
        d = d.drop(columns="partial")
    order = list(d.sort_values("rank")["segment"].drop_duplicates())
    enc = {
        "x": alt.X("start:T", axis=_time_axis(freq, lang)),
        "y": alt.Y("value:Q", stack="zero" if stacked else None,
                   axis=alt.Axis(title=None, format=_axis_format(unit, currency))),
        "color": alt.Color("segment:N", sort=order, scale=alt.Scale(range=PALETTE),
                           legend=alt.Legend(title=segment_title or None, orient="top",
                                             labelLimit=320)),
        "order": alt.Order("rank:Q"),
        "tooltip": [
            alt.Tooltip("segment:N", title=segment_title or _t("segment", lang)),
            alt.Tooltip("label:N", title=_t("period", lang)),
            alt.Tooltip("y_text:N", title=_t("value", lang)),
        ],
    }  # fmt: skip
    mark = alt.Chart(d).mark_area(opacity=0.85) if stacked else alt.Chart(d).mark_line(point=True)
    layers = [mark.encode(**enc)]
    if partial_starts:
        # The bucket in progress is marked: a dashed rule where it starts, and a note.
        marks = pd.DataFrame({"start": partial_starts, "note": _t("partial_note", lang)})
        rule = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color=NEUTRAL).encode(x="start:T")
        note = (
            alt.Chart(marks)
            .mark_text(align="left", baseline="top", dx=3, y=2, fontSize=11, color=NEUTRAL,
                       fontStyle="italic")
            .encode(x="start:T", text="note:N")
        )  # fmt: skip
        layers += [rule, note]
    chart = alt.layer(*layers).properties(height=320, width="container")
    return _finish(chart, lang, currency, title)


def bar_chart(
    data: pd.DataFrame,
    category: str,
    value: str,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    unit: str = "number",
    currency: str | None = None,
    value_title: str = "",
    category_title: str = "",
    sort: bool = True,
    extra_tooltips: list[tuple[str, str, str]] | None = None,
    reference: float | None = None,
    color: str | None = None,
    title: str | None = None,
) -> Any:
    """Horizontal bars of ``value`` per ``category`` (largest first unless ``sort`` is off).

    ``extra_tooltips``: ``(column, title, unit)`` shown in the tooltip, formatted.
    ``reference``: a vertical rule (a team average, 100 % of target).
    """
    if data is None or data.empty or data[value].notna().sum() == 0:
        return _finish(_empty(lang), lang, currency, title)
    d = data[[category, value] + [c for c, _, _ in extra_tooltips or []]].copy()
    d = d[d[value].notna()]
    d[category] = d[category].astype(str)
    d["v_text"] = _fmt_col(d[value], unit, lang, currency)
    tips = [
        alt.Tooltip(f"{category}:N", title=category_title or _t("segment", lang)),
        alt.Tooltip("v_text:N", title=value_title or _t("value", lang)),
    ]
    for col, col_title, col_unit in extra_tooltips or []:
        d[f"{col}_text"] = _fmt_col(d[col], col_unit, lang, currency)
        tips.append(alt.Tooltip(f"{col}_text:N", title=col_title))
    order = list(d.sort_values(value, ascending=False)[category]) if sort else list(d[category])
    bars = (
        alt.Chart(d)
        .mark_bar(color=color or PALETTE[0], cornerRadiusEnd=2)
        .encode(
            y=alt.Y(f"{category}:N", sort=order, title=category_title or None,
                    axis=alt.Axis(labelLimit=220, labelOverlap=False)),
            x=alt.X(f"{value}:Q", title=value_title or None,
                    axis=alt.Axis(format=_axis_format(unit, currency))),
            tooltip=tips,
        )
    )  # fmt: skip
    text = bars.mark_text(align="left", dx=4, color="#333").encode(text="v_text:N")
    layers = [bars, text]
    if reference is not None and np.isfinite(reference):
        rule = (
            alt.Chart(pd.DataFrame({"ref": [reference]}))
            .mark_rule(color=BAD, strokeDash=[4, 3], strokeWidth=2)
            .encode(x="ref:Q")
        )
        layers.append(rule)
    height = max(120, min(30 * len(d) + 40, 1200))
    chart = alt.layer(*layers).properties(height=height, width="container")
    return _finish(chart, lang, currency, title)


def contribution_chart(
    data: pd.DataFrame,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    unit: str = "money",
    currency: str | None = None,
    title: str | None = None,
) -> Any:
    """Each segment's change (from :func:`kpi.explore.trends.contributions`): green up, red down."""
    if data is None or data.empty:
        return _finish(_empty(lang), lang, currency, title)
    d = data.copy()
    d["segment"] = d["segment"].astype(str)
    d["delta_text"] = [("+" if v > 0 else "") + i18n.format_value(v, unit, lang, currency)
                       for v in d["delta"]]  # fmt: skip
    d["base_text"] = _fmt_col(d["base"], unit, lang, currency)
    d["current_text"] = _fmt_col(d["current"], unit, lang, currency)
    d["share_text"] = _fmt_col(d["share"], "percent", lang, currency)
    d["sign"] = np.where(d["delta"] >= 0, "up", "down")
    bars = (
        alt.Chart(d)
        .mark_bar()
        .encode(
            y=alt.Y("segment:N", sort=list(d["segment"]), title=None,
                    axis=alt.Axis(labelLimit=220, labelOverlap=False)),
            x=alt.X("delta:Q", title=_t("change", lang),
                    axis=alt.Axis(format=_axis_format(unit, currency))),
            color=alt.Color("sign:N", scale=alt.Scale(domain=["up", "down"], range=[GOOD, BAD]),
                            legend=None),
            tooltip=[
                alt.Tooltip("segment:N", title=_t("segment", lang)),
                alt.Tooltip("base_text:N", title=_t("base", lang)),
                alt.Tooltip("current_text:N", title=_t("current", lang)),
                alt.Tooltip("delta_text:N", title=_t("change", lang)),
                alt.Tooltip("share_text:N", title=_t("share_of_change", lang)),
            ],
        )
    )  # fmt: skip
    rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#555").encode(x="x:Q")
    chart = alt.layer(bars, rule).properties(height=max(120, 28 * len(d) + 40), width="container")
    return _finish(chart, lang, currency, title)


def waterfall_chart(
    steps: pd.DataFrame,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    currency: str | None = None,
    title: str | None = None,
    zoom: bool = False,
) -> Any:
    """Price / volume / mix bridge (from :func:`kpi.explore.trends.price_volume_mix`).

    ``zoom``: the value axis spans the levels the bridge goes through rather than starting at
    zero (the total bars are cut at the bottom), for movements small against the totals (an
    MRR bridge)."""
    if steps is None or steps.empty:
        return _finish(_empty(lang), lang, currency, title)
    d = steps.copy()
    scale = alt.Scale()
    if zoom:
        totals = d["step"].isin(["base", "current"])
        levels = np.r_[d.loc[~totals, ["start", "end"]].to_numpy().ravel(), d.loc[totals, "end"]]
        lo, hi = float(levels.min()), float(levels.max())
        pad = max(0.15 * (hi - lo), 0.01 * abs(hi)) or 1.0
        scale = alt.Scale(domain=[max(lo - pad, 0.0) if lo >= 0 else lo - pad, hi + pad],
                          zero=False, nice=False)  # fmt: skip
    d["kind"] = np.where(
        d["step"].isin(["base", "current"]), "total", np.where(d["value"] >= 0, "up", "down")
    )
    d["v_text"] = [
        i18n.format_value(v, "money", lang, currency)
        if k == "total"
        else ("+" if v > 0 else "") + i18n.format_value(v, "money", lang, currency)
        for v, k in zip(d["value"], d["kind"], strict=True)
    ]
    bars = (
        alt.Chart(d)
        .mark_bar(size=46, clip=True)
        .encode(
            x=alt.X("label:N", sort=list(d["label"]), title=None,
                    axis=alt.Axis(labelAngle=0, labelLimit=160)),
            y=alt.Y("start:Q", title=None, scale=scale,
                    axis=alt.Axis(format=_axis_format("money", currency))),
            y2="end:Q",
            color=alt.Color("kind:N", scale=alt.Scale(domain=["total", "up", "down"],
                            range=[PALETTE[0], GOOD, BAD]), legend=None),
            tooltip=[alt.Tooltip("label:N", title=_t("step", lang)),
                     alt.Tooltip("v_text:N", title=_t("value", lang))],
        )
    )  # fmt: skip
    d["top"] = d[["start", "end"]].max(axis=1)
    text = (
        alt.Chart(d)
        .mark_text(dy=-8, color="#333")
        .encode(x=alt.X("label:N", sort=list(d["label"])), y="top:Q", text="v_text:N")
    )
    chart = alt.layer(bars, text).properties(height=340, width="container")
    return _finish(chart, lang, currency, title)


def funnel_chart(
    data: pd.DataFrame,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    title: str | None = None,
    items: str = "deals",
) -> Any:
    """Deals (or leads, ``items="leads"``) reaching each stage, in order, with conversions in
    the tooltip and the overall conversion as text (from :func:`kpi.explore.funnel.funnel`)."""
    reached = _t("reached_leads" if items == "leads" else "reached", lang)
    if data is None or data.empty:
        return _finish(_empty(lang), lang, None, title)
    d = data.copy()
    d["reached_text"] = _fmt_col(d["reached"], "count", lang, None)
    d["conv_text"] = _fmt_col(d["conversion"], "percent", lang, None)
    d["overall_text"] = _fmt_col(d["overall"], "percent", lang, None)
    d["label_text"] = [f"{r} ({o})" for r, o in zip(d["reached_text"], d["overall_text"],
                                                   strict=True)]  # fmt: skip
    tips = [
        alt.Tooltip("stage:N", title=_t("stage", lang)),
        alt.Tooltip("reached_text:N", title=reached),
        alt.Tooltip("conv_text:N", title=_t("conversion_step", lang)),
        alt.Tooltip("overall_text:N", title=_t("conversion_overall", lang)),
    ]
    if "drop_off" in d:
        d["drop_text"] = _fmt_col(d["drop_off"], "count", lang, None)
        tips.append(alt.Tooltip("drop_text:N", title=_t("drop_off", lang)))
    order = list(d["stage"])
    bars = (
        alt.Chart(d)
        .mark_bar(color=PALETTE[0], cornerRadiusEnd=2)
        .encode(
            y=alt.Y(
                "stage:N", sort=order, title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)
            ),
            x=alt.X("reached:Q", title=reached, axis=alt.Axis(format=",.0f")),
            tooltip=tips,
        )
    )
    text = bars.mark_text(align="left", dx=4, color="#333").encode(text="label_text:N")
    chart = alt.layer(bars, text).properties(height=max(140, 44 * len(d)), width="container")
    return _finish(chart, lang, None, title)


def cohort_heatmap(
    data: pd.DataFrame,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    freq: str = "month",
    title: str | None = None,
) -> Any:
    """Retention by cohort (rows) and periods since the first purchase (columns), from
    :func:`kpi.explore.customers.cohort_matrix`."""
    if data is None or data.empty:
        return _finish(_empty(lang), lang, None, title)
    d = data.copy()
    d["ret_text"] = _fmt_col(d["retention"], "percent", lang, None)
    d["cust_text"] = _fmt_col(d["customers"], "count", lang, None)
    d["size_text"] = _fmt_col(d["size"], "count", lang, None)
    d["cell"] = [f"{round(100 * r)}" for r in d["retention"]]
    order = list(d.sort_values("cohort")["cohort_label"].drop_duplicates())
    x_title = _t(f"offset_{freq}", lang)
    base = alt.Chart(d).encode(
        x=alt.X("offset:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cohort_label:N", sort=order, title=_t("cohort", lang)),
    )
    rect = base.mark_rect().encode(
        color=alt.Color(
            "retention:Q",
            scale=alt.Scale(scheme="blues", domain=[0, 1]),
            legend=alt.Legend(title=_t("retention", lang), format=".0%"),
        ),
        tooltip=[
            alt.Tooltip("cohort_label:N", title=_t("cohort", lang)),
            alt.Tooltip("size_text:N", title=_t("cohort_size", lang)),
            alt.Tooltip("offset:O", title=x_title),
            alt.Tooltip("cust_text:N", title=_t("active_customers", lang)),
            alt.Tooltip("ret_text:N", title=_t("retention", lang)),
        ],
    )
    text = base.mark_text(fontSize=10).encode(
        text="cell:N",
        color=alt.condition(alt.datum.retention > 0.5, alt.value("white"), alt.value("#222")),
    )
    n_rows = d["cohort_label"].nunique()
    chart = alt.layer(rect, text).properties(height=max(160, 22 * n_rows), width="container")
    return _finish(chart, lang, None, title)


def attainment_chart(
    data: pd.DataFrame,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    currency: str | None = None,
    member_title: str = "",
    title: str | None = None,
) -> Any:
    """Attainment per rep with a rule at 100 % (from :func:`kpi.explore.team.leaderboard`); pacing
    and amounts in the tooltip."""
    if data is None or data.empty or "attainment" not in data or data["attainment"].isna().all():
        return _finish(_empty(lang), lang, currency, title)
    d = data[["member", "attainment", "pacing", "target", "revenue"]].copy()
    d = d[d["attainment"].notna()]
    d["status"] = np.where(d["pacing"].fillna(d["attainment"]) >= 1, "ok", "late")
    chart = bar_chart(
        d.rename(columns={"member": "m"}),
        "m",
        "attainment",
        lang=lang,
        unit="percent",
        currency=currency,
        value_title=_t("attainment", lang),
        category_title=member_title,
        extra_tooltips=[
            ("pacing", _t("pacing", lang), "percent"),
            ("revenue", _t("actual", lang), "money"),
            ("target", _t("target", lang), "money"),
        ],
        reference=1.0,
        title=title,
    )
    return chart


def monthly_target_chart(
    data: pd.DataFrame,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    currency: str | None = None,
    title: str | None = None,
) -> Any:
    """Revenue per month (bars) against the target (line), from :func:`kpi.explore.team.rep_detail`."""
    if data is None or data.empty:
        return _finish(_empty(lang), lang, currency, title)
    d = data.copy()
    d["start"] = pd.to_datetime(d["start"])
    d["rev_text"] = _fmt_col(d["revenue"], "money", lang, currency)
    d["tgt_text"] = _fmt_col(d["target"], "money", lang, currency)
    tips = [
        alt.Tooltip("label:N", title=_t("period", lang)),
        alt.Tooltip("rev_text:N", title=_t("actual", lang)),
        alt.Tooltip("tgt_text:N", title=_t("target", lang)),
    ]
    x = alt.X("yearmonth(start):T", axis=_time_axis("month", lang))
    bars = (
        alt.Chart(d)
        .mark_bar(color=PALETTE[0], opacity=0.85)
        .encode(
            x=x,
            y=alt.Y("revenue:Q", title=None, axis=alt.Axis(format=_axis_format("money", currency))),
            tooltip=tips,
        )
    )
    layers = [bars]
    if d["target"].notna().any():
        line = (
            alt.Chart(d[d["target"].notna()])
            .mark_line(color=BAD, strokeDash=[5, 3], point=True)
            .encode(x=x, y="target:Q", tooltip=tips)
        )
        layers.append(line)
    chart = alt.layer(*layers).properties(height=300, width="container")
    return _finish(chart, lang, currency, title)


i18n.add_messages(
    {
        "charts.no_data": {"fr": "Aucune donnée pour ce filtre", "en": "No data for this filter"},
        "charts.value": {"fr": "Valeur", "en": "Value"},
        "charts.series": {"fr": "Série", "en": "Series"},
        "charts.period": {"fr": "Période", "en": "Period"},
        "charts.partial": {"fr": "(en cours)", "en": "(in progress)"},
        "charts.partial_note": {"fr": "en cours", "en": "in progress"},
        "charts.last_year": {"fr": "Même période N-1", "en": "Same period last year"},
        "charts.moving_avg": {"fr": "Moyenne mobile", "en": "Moving average"},
        "charts.forecast": {"fr": "Prévision", "en": "Forecast"},
        "charts.interval": {"fr": "Intervalle à 80 %", "en": "80% interval"},
        "charts.anomaly": {"fr": "Anomalie", "en": "Anomaly"},
        "charts.expected": {"fr": "Attendu", "en": "Expected"},
        "charts.unusually_high": {"fr": "Inhabituellement haut", "en": "Unusually high"},
        "charts.unusually_low": {"fr": "Inhabituellement bas", "en": "Unusually low"},
        "charts.segment": {"fr": "Segment", "en": "Segment"},
        "charts.change": {"fr": "Variation", "en": "Change"},
        "charts.base": {"fr": "Référence", "en": "Base"},
        "charts.current": {"fr": "Période étudiée", "en": "Current"},
        "charts.share_of_change": {"fr": "Part de la variation", "en": "Share of the change"},
        "charts.step": {"fr": "Étape", "en": "Step"},
        "charts.stage": {"fr": "Étape", "en": "Stage"},
        "charts.reached": {
            "fr": "Affaires ayant atteint l'étape",
            "en": "Deals that reached the stage",
        },
        "charts.reached_leads": {
            "fr": "Leads ayant atteint l'étape",
            "en": "Leads that reached the stage",
        },
        "charts.conversion_step": {
            "fr": "Conversion depuis l'étape précédente",
            "en": "Conversion from the previous stage",
        },
        "charts.conversion_overall": {
            "fr": "Conversion depuis la première étape",
            "en": "Conversion from the first stage",
        },
        "charts.drop_off": {"fr": "Perdues en route", "en": "Dropped off"},
        "charts.cohort": {"fr": "Cohorte (premier achat)", "en": "Cohort (first purchase)"},
        "charts.cohort_size": {"fr": "Taille de la cohorte", "en": "Cohort size"},
        "charts.offset_month": {
            "fr": "Mois après le premier achat",
            "en": "Months after first purchase",
        },
        "charts.offset_quarter": {
            "fr": "Trimestres après le premier achat",
            "en": "Quarters after first purchase",
        },
        "charts.active_customers": {"fr": "Clients actifs", "en": "Active customers"},
        "charts.retention": {"fr": "Rétention", "en": "Retention"},
        "charts.attainment": {"fr": "Atteinte de l'objectif", "en": "Target attainment"},
        "charts.pacing": {"fr": "Rythme", "en": "Pacing"},
        "charts.actual": {"fr": "Réalisé", "en": "Actual"},
        "charts.target": {"fr": "Objectif", "en": "Target"},
    }
)
