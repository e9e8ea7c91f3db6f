"""Trends: a measure or KPI over time, by segment, its anomalies and forecast, and what drove
the change between two periods."""

from __future__ import annotations

import streamlit as st

from kpi import i18n
from kpi.explore import charts, trends
from kpi.explore.buckets import FREQS
from kpi.explore.drivers import contributions, explain_anomalies, price_volume_mix
from kpi.explore.trend_view import monthly_only, trend_view
from kpi.metrics import Period, computable_kpis, get_kpi
from ui import explore as ex
from ui.analysis import currency, loaded
from ui.cache import session_cached
from ui.shell import require_shell
from ui.state import lang, tr

require_shell()
L = lang()
CUR = currency()
ex.need_data("explore.trends.title")
st.caption(tr("explore.trends.intro"))
period, eng = ex.sidebar()

by_kind = {k: ex.facts(k) for k in ("orders", "deals", "leads")}
measures = trends.available_measures(by_kind)
covered = {m.kpi for m in measures if m.kpi}
kpis = [k for k in computable_kpis(loaded()) if k.id not in covered and not k.snapshot]
options = [f"m:{m.id}" for m in measures] + [f"k:{k.id}" for k in kpis]
if not options:
    ex.no_data()
    st.stop()
# The chart, its table and sentences name the measure; only the list says which are KPIs.
names = {f"m:{m.id}": m.label(L) for m in measures}
names.update({f"k:{k.id}": k.label(L) for k in kpis})
units = {f"m:{m.id}": m.unit for m in measures}
units.update({f"k:{k.id}": k.unit for k in kpis})

c1, c2 = st.columns([2, 3])
choice = c1.selectbox(
    tr("explore.trends.what"),
    options,
    format_func=lambda o: (
        ex.t(L, "explore.trends.kpi_suffix", label=names[o]) if o.startswith("k:") else names[o]
    ),
    key=f"tr_what_{L}",
)
if f"tr_freq_{L}" not in st.session_state:
    st.session_state[f"tr_freq_{L}"] = "month"
freq = (
    c2.segmented_control(
        tr("explore.trends.freq"),
        FREQS,
        format_func=lambda f: ex.t(L, f"explore.freq.{f}"),
        key=f"tr_freq_{L}",
        wrap=True,
    )
    or "month"
)
t1, t2, t3, t4 = st.columns(4)
show_ly = t1.toggle(tr("explore.trends.last_year"), value=True, key="tr_ly")
show_ma = t2.toggle(tr("explore.trends.moving_avg"), value=True, key="tr_ma")
show_anom = t3.toggle(tr("explore.trends.anomalies"), value=True, key="tr_anom")
show_fc = t4.toggle(tr("explore.trends.forecast"), value=True, key="tr_fc")

kind, ident = choice.split(":", 1)
unit = units[choice]
measure = trends.get_measure(ident) if kind == "m" else None
f = by_kind.get(measure.kind) if measure else None


if kind == "k" and monthly_only(ident, freq):
    label = get_kpi(ident).label(L)
    st.info(i18n.t("trends.monthly_only", L, label=label), icon=":material/event:")
    st.stop()


def _series():  # noqa: ANN202
    if measure is not None:
        return trends.measure_trend(f, ident, freq, as_of=eng.as_of, lang=L)
    return trends.kpi_trend(eng, ident, freq, lang=L)


series = session_cached("trend", _series, choice, freq)
if series.empty or series["value"].notna().sum() == 0:
    ex.no_data()
    st.stop()

view = session_cached("trend_view", lambda: trend_view(series, freq, lang=L), choice, freq)
flagged, method, fc = view.series, view.method, view.forecast
found = session_cached(
    "explained",
    lambda: explain_anomalies(flagged, method, freq, f, ident if measure else None),
    choice,
    freq,
)

title = tr(
    "explore.trends.series_title", label=names[choice], freq=tr(f"explore.freq.{freq}").lower()
)
chart = charts.trend_chart(
    series,
    lang=L,
    unit=unit,
    currency=CUR,
    label=names[choice],
    freq=freq,
    last_year=show_ly,
    moving_avg=show_ma,
    flagged=flagged if show_anom else None,
    forecast=fc.frame if (show_fc and fc is not None) else None,
    title=title,
)
table = view.table(L).drop(columns=["end"])
# A bucket the data does not cover in full says so in the table and its downloads, in words.
table["partial"] = [tr("explore.partial") if p else "" for p in table["partial"]]
headers = {
    "label": tr("explore.col.period"),
    "start": tr("explore.col.start"),
    "value": tr("explore.col.value"),
    "last_year": tr("explore.col.last_year"),
    "moving_avg": tr("explore.col.moving_avg"),
    "expected": tr("explore.col.expected"),
    "score": tr("explore.col.score"),
    "anomaly": tr("explore.col.anomaly"),
    "not_judged": tr("explore.col.not_judged"),
    "partial": tr("explore.col.partial"),
}
display_units = {"value": unit, "last_year": unit, "moving_avg": unit, "expected": unit}
display_units["score"] = "ratio"
ex.show_chart(
    chart,
    ex.export_table(table, headers),
    f"{ident}-{freq}",
    "trend",
    display=ex.formatted(table, display_units, {k: v for k, v in headers.items() if k != "start"}),
)

if show_anom:
    if method in ("seasonal", "rolling_median") and not found:
        st.caption(tr("explore.trends.no_anomaly"))
    for anomaly in found:
        box = st.warning if anomaly.score < 0 else st.info
        box(ex.escape(anomaly.text(L, unit, CUR)), icon=":material/query_stats:")
    note = view.anomalies_note(L)
    if note:
        st.caption(note)
if show_fc:
    if fc is None:
        st.caption(view.forecast_note(L) or tr("explore.trends.no_forecast"))
    else:
        st.caption(ex.escape(view.forecast_text(L)))
        with st.expander(tr("explore.col.forecast")):
            fheaders = {
                "label": tr("explore.col.period"),
                "forecast": tr("explore.col.forecast"),
                "lower": tr("explore.col.lower"),
                "upper": tr("explore.col.upper"),
            }
            funits = {"forecast": unit, "lower": unit, "upper": unit}
            st.dataframe(ex.formatted(fc.frame, funits, fheaders), hide_index=True)
            ex.downloads(ex.export_table(fc.frame, fheaders), f"{ident}-forecast", "forecast")

# -- by segment -------------------------------------------------------------------------------
st.subheader(tr("explore.trends.breakdown"))
if measure is None:
    st.caption(tr("explore.trends.kpi_no_breakdown"))
    st.stop()
if not f.dims:
    st.caption(tr("explore.trends.no_dims"))
    st.stop()
b1, b2 = st.columns([2, 3])
by = b1.selectbox(
    tr("explore.trends.by"), list(f.dims), format_func=ex.role_namer(L), key=f"tr_by_{L}"
)
top = b2.slider(tr("explore.trends.top"), 2, 10, 5, key="tr_top")
split = session_cached(
    "breakdown",
    lambda: trends.breakdown_trend(f, ident, by, freq, top=top, lang=L),
    ident,
    by,
    freq,
    top,
)
stacked = measure.additive or measure.agg == "customers"
bchart = charts.breakdown_chart(
    split,
    lang=L,
    unit=unit,
    currency=CUR,
    stacked=stacked,
    freq=freq,
    segment_title=ex.role_name(by),
)
bheaders = {
    "label": tr("explore.col.period"),
    "start": tr("explore.col.start"),
    "segment": ex.role_name(by),
    "value": names[choice],
}
ex.show_chart(
    bchart,
    ex.export_table(split, bheaders),
    f"{ident}-{by}-{freq}",
    "breakdown",
    display=ex.formatted(
        split, {"value": unit}, {k: v for k, v in bheaders.items() if k != "start"}
    ),
)

# -- what drove the change --------------------------------------------------------------------
st.subheader(tr("explore.trends.drivers"))
if period.is_all:
    st.info(tr("explore.trends.pick_period"))
    st.stop()
compare = st.radio(
    tr("explore.trends.compare_with"),
    ["previous", "year_before"],
    format_func=lambda c: ex.t(L, f"explore.trends.{c}"),
    horizontal=True,
    key=f"tr_compare_{L}",
)
base: Period = period.previous() if compare == "previous" else period.last_year()  # type: ignore[assignment]
# Growth figures compare whole periods: not a month in progress, nor a year holding one month.
source = [t for t in eng.tables if t.name == f.table]
incomplete = eng.period_note(period, source) or eng.period_note(base, source)
if incomplete is not None:
    st.info(tr("explore.trends.not_comparable", why=incomplete.text(L)), icon=":material/schedule:")
    st.stop()


def _drivers() -> None:
    contrib = session_cached(
        "contributions",
        lambda: contributions(f, ident, by, base, period, top=10, lang=L),
        ident,
        by,
        period.key,
        base.key,
    )
    if contrib.empty:
        ex.no_data()
        return
    totals = contrib[["base", "current", "delta"]].sum()
    st.markdown(
        ex.escape(
            tr(
                "explore.trends.change_line",
                measure=names[choice],
                current=ex.fmt(totals["current"], unit),
                period=period.label(L),
                base=ex.fmt(totals["base"], unit),
                base_period=base.label(L),
                delta=("+" if totals["delta"] > 0 else "") + ex.fmt(totals["delta"], unit),
            )
        )
    )
    cheaders = {
        "segment": ex.role_name(by),
        "base": f"{tr('explore.col.base')} ({base.label(L)})",
        "current": f"{tr('explore.col.current')} ({period.label(L)})",
        "delta": tr("explore.col.delta"),
        "share": tr("explore.col.share"),
        "growth_points": tr("explore.col.growth_points"),
    }
    cunits = {"base": unit, "current": unit, "delta": unit, "share": "percent",
              "growth_points": "percent"}  # fmt: skip
    ex.show_chart(
        charts.contribution_chart(contrib, lang=L, unit=unit, currency=CUR),
        ex.export_table(contrib, cheaders),
        f"{ident}-{by}-{period.key}-vs-{base.key}",
        "contrib",
        display=ex.formatted(contrib, cunits, cheaders),
    )


ex.guarded(_drivers)

if ident == "revenue" and "quantity" in f.frame.columns:
    st.subheader(tr("explore.trends.pvm"))
    st.caption(tr("explore.trends.pvm_help"))
    item = "product" if "product" in f.dims else by

    def _pvm() -> None:
        steps, items = session_cached(
            "pvm",
            lambda: price_volume_mix(f, base, period, item, lang=L),
            item,
            period.key,
            base.key,
        )
        pheaders = {
            "item": ex.role_name(item),
            "q0": tr("explore.col.q0"),
            "r0": tr("explore.col.r0"),
            "p0": tr("explore.col.p0"),
            "q1": tr("explore.col.q1"),
            "r1": tr("explore.col.r1"),
            "p1": tr("explore.col.p1"),
        }
        punits = {"q0": "count", "q1": "count", "r0": "money", "r1": "money", "p0": "money",
                  "p1": "money"}  # fmt: skip
        ex.show_chart(
            charts.waterfall_chart(steps, lang=L, currency=CUR),
            ex.export_table(items, pheaders),
            f"price-volume-mix-{period.key}-vs-{base.key}",
            "pvm",
            display=ex.formatted(items.head(200), punits, pheaders),
        )

    ex.guarded(_pvm)
