"""Dashboard: the chosen KPIs for the period, compared, against targets, with alerts.

What the filters change (the caption's currency, the alerts, the cards) is drawn by one
fragment: a filter change reruns it alone, not the app's sidebar, the period and filter
controls, or the settings (see :func:`ui.analysis.filter_controls`).
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kpi.errors import PiloteError
from kpi.explore.anomalies import judge_last
from kpi.metrics import (
    KPI_IDS,
    Period,
    card,
    default_kpis,
    get_kpi,
    status_summary,
    target_unit_hint,
)
from kpi.metrics.scorecard import parse_target, target_text
from ui.analysis import (
    currency,
    engine,
    filter_controls,
    loaded,
    period_controls,
    period_label,
    rerun_alone,
)
from ui.cache import DATA, FILTERS, STATUSES, session_cached
from ui.currencies import currency_controls
from ui.markup import inert
from ui.shell import page_sidebar, require_shell
from ui.state import analysis, lang, log_timing, show_error, tr

CARDS = "dashboard_cards"  # the fragment a filter change reruns

require_shell()
rerun_alone(None)  # until this run has drawn the cards (see the end)

L = lang()
a = analysis()
st.title(tr("dash.title"))
if not loaded():
    st.info(tr("dash.no_data"))
    st.page_link("pages/data.py", label=tr("home.start"), icon=":material/upload_file:")
    st.stop()

with page_sidebar():
    period = period_controls()
    filter_controls(rerun=CARDS)

if not a.kpis:
    # No choice made yet: the headline KPIs of what is loaded, revenue first (or, with
    # objectives, the KPIs that serve them).
    a.kpis = default_kpis(a.objectives or None, loaded())
kpi_ids = [k for k in a.kpis if k in KPI_IDS]

currency_controls()  # several currencies: which one amounts are in, exchange rates
# The period, the currency and the number of KPIs, written by the fragment below: a filter
# on the currency changes the currency money KPIs are shown in.
context = st.empty()


def _reformat(key: str, kpi_id: str, lang: str) -> None:
    """Rewrite a typed number the way the language writes it (12000000 → 12 000 000)."""
    try:
        value = parse_target(st.session_state.get(key), kpi_id, lang)
    except PiloteError:
        return  # left as typed: the error shows under it
    st.session_state[key] = target_text(value, kpi_id, lang)


def settings(kpi_ids: list[str]) -> None:
    """Targets, the drop threshold, the counted statuses and the margin rate: each change
    reruns the app. A function, not module-level code: the fragment below keeps this
    script's globals alive for as long as the session keeps it, and a global here held the
    orders table."""
    L = lang()
    a = analysis()
    with st.expander(tr("dash.settings")):
        c1, c2 = st.columns(2)
        with c1:
            if "w_threshold" not in st.session_state:
                st.session_state["w_threshold"] = int(round(a.drop_threshold * 100))
            a.drop_threshold = (
                st.slider(
                    tr("dash.threshold"),
                    1,
                    50,
                    key="w_threshold",
                    format="%d",
                    help=tr("dash.threshold_help"),
                )
                / 100
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
                    tr("dash.statuses"),
                    options,
                    key="w_statuses",
                    help=tr("dash.statuses_help"),
                    placeholder=tr("dash.no_status"),
                    select_all=False,
                )
                a.statuses = None if set(counted) == set(default) else list(counted)
            no_cost = next(
                (
                    t
                    for t in loaded()
                    if t.kind == "orders" and not t.has("cost") and not t.has("profit")
                ),
                None,
            )
            if no_cost is not None:
                # CLV needs a margin: without a cost column, the user gives the rate (never 100 %).
                if "w_margin_rate" not in st.session_state:
                    st.session_state["w_margin_rate"] = (
                        ""
                        if a.margin_rate is None
                        else target_text(a.margin_rate, "gross_margin_pct", L)
                    )
                typed = st.text_input(
                    tr("dash.margin_rate"),
                    key="w_margin_rate",
                    placeholder=tr("dash.margin_unknown"),
                    help=tr("dash.margin_rate_help"),
                    on_change=_reformat,
                    args=("w_margin_rate", "gross_margin_pct", L),
                )
                try:
                    a.margin_rate = parse_target(typed, "gross_margin_pct", L)
                except PiloteError as exc:
                    st.error(exc.message(L))
        with c2:
            st.markdown(f"**{tr('dash.targets')}**")
            for kpi_id in kpi_ids:
                kpi = get_kpi(kpi_id)
                key = f"w_target_{kpi_id}"
                if key not in st.session_state:
                    st.session_state[key] = target_text(a.targets.get(kpi_id), kpi_id, L)
                hint = target_unit_hint(kpi_id, L)
                typed = st.text_input(
                    f"{kpi.label(L)}" + (f" ({hint})" if hint else ""),
                    key=key,
                    placeholder=tr("dash.no_target"),
                    on_change=_reformat,
                    args=(key, kpi_id, L),
                )
                try:
                    value = parse_target(typed, kpi_id, L)
                except PiloteError as exc:
                    st.error(exc.message(L))
                    continue
                if value is None:
                    a.targets.pop(kpi_id, None)
                else:
                    a.targets[kpi_id] = value


settings(kpi_ids)


@st.fragment(key=CARDS)
def cards(period: Period, kpi_ids: list[str], context: DeltaGenerator) -> None:
    """The context caption, the alerts and the KPI cards: everything the filters change."""
    started = time.perf_counter()
    try:
        show_cards(period, kpi_ids, context)
    finally:  # a filter change: this fragment alone, timed apart from the app's runs
        ctx = get_script_run_ctx()
        if ctx is not None and ctx.fragment_ids_this_run:
            log_timing("run dashboard-cards", started)


def show_cards(period: Period, kpi_ids: list[str], context: DeltaGenerator) -> None:
    """What :func:`cards` draws: the caption into ``context`` (above the settings), then the
    alerts and one card per KPI, with the engine of the current filters."""
    L = lang()
    a = analysis()
    cur = currency()
    context.caption(
        tr(
            "dash.context" if cur else "dash.context_no_currency",
            period=period_label(period),
            currency=inert(cur) if cur else "",
            n=len(kpi_ids),
        )
    )
    try:
        eng = engine()
        results = eng.results(period, kpi_ids=kpi_ids, targets=a.targets or None)
        alerts = eng.alerts(results, drop_threshold=a.drop_threshold, judge=judge_last)
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
            # the last 24 months of the series the alerts judged (computed once per engine)
            return eng.series(kpi_id, "month").tail(24).reset_index(drop=True)
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
                delta_arrow=c.delta_arrow,
                help=c.help,
                chart_data=c.spark if len(c.spark) >= 2 else None,
                chart_type="area",
            )
            if c.reason:
                st.caption(inert(c.reason))
            if c.projection:
                st.caption(c.projection)
            if c.currencies:
                st.caption(inert(c.currencies))  # "$US … $CA" must not read as a formula
            if c.last_year:
                st.caption(inert(c.last_year))
            if c.note and c.value != "–":
                st.caption(inert(c.note))
            if c.attainment is not None:
                st.progress(min(max(c.attainment, 0.0), 1.0), text=inert(c.attainment_text))
            if c.pacing_text:
                st.caption(inert(c.pacing_text))


cards(period, kpi_ids, context)
rerun_alone(CARDS)  # drawn: a filter change can now rerun the cards alone
