"""Dashboard: the chosen KPIs for the period, compared, against targets, with alerts."""

from __future__ import annotations

import streamlit as st

from kpi.metrics import (
    KPI_IDS,
    card,
    default_choice,
    get_kpi,
    status_summary,
    suggest,
    target_unit_hint,
)
from ui.analysis import currency, engine, filter_controls, loaded, period_controls
from ui.cache import DATA, FILTERS, STATUSES, session_cached
from ui.markup import inert
from ui.shell import require_shell
from ui.state import analysis, lang, show_error, tr

require_shell()

L = lang()
a = analysis()
st.title(tr("dash.title"))
if not loaded():
    st.info(tr("dash.no_data"))
    st.page_link("pages/data.py", label=tr("home.start"), icon=":material/upload_file:")
    st.stop()

with st.sidebar:
    period = period_controls()
    filter_controls()

if not a.kpis:
    # No choice made yet: the most relevant computable KPIs over every objective.
    a.kpis = default_choice(suggest(a.objectives or None, loaded()))
kpi_ids = [k for k in a.kpis if k in KPI_IDS]

cur = currency()
st.caption(
    tr(
        "dash.context",
        period=period.label(L),
        currency=inert(cur) if cur else tr("dash.no_currency"),
        n=len(kpi_ids),
    )
)

with st.expander(tr("dash.settings")):
    c1, c2 = st.columns(2)
    with c1:
        if "w_threshold" not in st.session_state:
            st.session_state["w_threshold"] = int(round(a.drop_threshold * 100))
        a.drop_threshold = (
            st.slider(tr("dash.threshold"), 1, 50, key="w_threshold", format="%d %%") / 100
        )
        orders = next((t for t in loaded() if t.kind == "orders" and t.has("status")), None)
        if orders is not None:
            summary = session_cached(
                "status_summary",
                lambda: status_summary(orders),
                orders.name,
                depends=(DATA,),
                keep=1,
            )
            options = [str(v) for v in summary["status"]]
            default = [str(v) for v in summary["status"][summary["counted"]]]
            if "w_statuses" not in st.session_state:
                chosen = default if a.statuses is None else a.statuses
                st.session_state["w_statuses"] = [v for v in chosen if v in options]
            counted = st.multiselect(
                tr("dash.statuses"), options, key="w_statuses", help=tr("dash.statuses_help")
            )
            a.statuses = None if set(counted) == set(default) else list(counted)
    with c2:
        st.markdown(f"**{tr('dash.targets')}**")
        for kpi_id in kpi_ids:
            kpi = get_kpi(kpi_id)
            key = f"w_target_{kpi_id}"
            scale = 100.0 if kpi.unit == "percent" else 1.0
            if key not in st.session_state:
                st.session_state[key] = a.targets[kpi_id] * scale if kpi_id in a.targets else None
            hint = target_unit_hint(kpi_id, L)
            value = st.number_input(
                f"{kpi.label(L)}" + (f" ({hint})" if hint else ""),
                key=key,
                value=None,
                min_value=None,
                step=None,
                placeholder=tr("dash.no_target"),
            )
            if value is None:
                a.targets.pop(kpi_id, None)
            else:
                a.targets[kpi_id] = float(value) / scale

try:
    eng = engine()
    results = eng.results(period, kpi_ids=kpi_ids, targets=a.targets or None)
    alerts = eng.alerts(results, drop_threshold=a.drop_threshold)
except Exception as exc:  # a user-fixable problem shows its message; a bug is logged
    show_error(exc)
    st.stop()

if alerts:
    with st.container(border=True):
        st.markdown(f"**{tr('dash.alerts', n=len(alerts))}**")
        for al in alerts:
            text = inert(al.message(L, cur))
            if al.kind == "below_target":
                st.error(text, icon=":material/flag:")
            elif al.kind == "drop":
                st.warning(text, icon=":material/trending_down:")
            else:
                st.info(text, icon=":material/query_stats:")
else:
    st.success(tr("dash.no_alert"), icon=":material/check_circle:")


def sparkline(kpi_id: str) -> object:
    try:
        return eng.series(kpi_id, "month", max_periods=24)
    except Exception:  # a KPI without a series (snapshots) just has no sparkline
        return None


cols = st.columns(3)
for i, res in enumerate(results):
    spark = session_cached(
        "sparkline",
        lambda res=res: sparkline(res.id),
        res.id,
        depends=(DATA, FILTERS, STATUSES),
        keep=64,
    )
    c = card(res, L, cur, spark)
    with cols[i % 3].container(border=True):
        st.metric(
            c.label,
            c.value,
            delta=c.delta,
            delta_color=c.delta_color,
            help=c.help,
            chart_data=c.spark if len(c.spark) >= 2 else None,
            chart_type="area",
        )
        if c.reason:
            st.caption(inert(c.reason))
        if c.last_year:
            st.caption(inert(c.last_year))
        if c.attainment is not None:
            st.progress(min(max(c.attainment, 0.0), 1.0), text=inert(c.attainment_text))
        if c.pacing_text:
            st.caption(inert(c.pacing_text))
