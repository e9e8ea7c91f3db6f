"""Subscriptions: the MRR bridge of the period, MRR and its movements over time, revenue
retention by start cohort, the customers behind each movement, and the rows left out."""

from __future__ import annotations

import streamlit as st

from kpi import i18n
from kpi.explore import charts, trends
from kpi.explore import subscriptions as xs
from kpi.metrics import get_kpi
from ui import explore as ex
from ui.analysis import loaded
from ui.cache import session_cached
from ui.shell import require_shell
from ui.state import lang, tr

require_shell()
L = lang()
ex.need_data("explore.subs.title")
st.caption(tr("explore.subs.intro"))
period, eng = ex.sidebar()

table = xs.subscriptions_table(loaded())
if table is None:
    st.info(tr("explore.subs.no_table"))
    st.page_link("pages/data.py", label=tr("home.start"), icon=":material/upload_file:")
    st.stop()


def _view(code: str | None) -> xs.Recurring | None:
    return session_cached(
        "recurring",
        lambda: xs.recurring(eng, period, currency=code, lang=L),
        period.key,
        code,
        keep=2,  # a filtered view holds its own copy of the counted rows
    )


view = ex.guarded(lambda: _view(st.session_state.get("subs_currency")))
if view is None:
    st.stop()
if len(view.currencies) > 1:  # amounts are never added across currencies: one at a time
    code = st.segmented_control(
        tr("explore.subs.currency"), view.currencies, default=view.currency, key="subs_currency"
    )
    st.caption(tr("explore.subs.currency_help", n=len(view.currencies)))
    if code and code != view.currency:
        view = _view(code)
CUR = view.currency

if view.partial:
    st.warning(
        tr(
            "explore.subs.partial",
            date=view.as_of.strftime("%d/%m/%Y" if L == "fr" else "%Y-%m-%d"),
            period=period.label(L),
        ),  # fmt: skip
        icon=":material/hourglass_bottom:",
    )

# -- headline figures ----------------------------------------------------------------------------
cols = st.columns(4)
for box, kpi_id in zip(cols, ("mrr", "net_new_mrr", "nrr", "logo_churn_rate"), strict=True):
    kpi = get_kpi(kpi_id)
    v = view.data.kpi(kpi_id, period)
    box.metric(
        kpi.label(L),
        kpi.format(v.value, L, CUR),
        help=v.reason_text(L) if v.value is None else kpi.formula(L),
    )

# -- the MRR bridge of the period ----------------------------------------------------------------
st.subheader(tr("explore.subs.waterfall", period=period.label(L)))
st.caption(tr("explore.subs.waterfall_help"))
bridge = view.waterfall()
wheaders = {
    "label": tr("explore.subs.col.step"),
    "value": tr("explore.subs.col.amount"),
    "customers": tr("explore.subs.col.customers"),
}
ex.show_chart(
    xs.waterfall_chart(bridge, lang=L, currency=CUR),
    ex.export_table(bridge, wheaders),
    f"mrr-waterfall-{period.key}",
    "subs_waterfall",
    display=ex.formatted(bridge, {"value": "money", "customers": "count"}, wheaders),
)

# -- MRR and its movements over time ----------------------------------------------------------
st.subheader(tr("explore.subs.over_time"))
if len(view.currencies) <= 1:  # the engine's series: one currency only
    mrr = session_cached("kpi_trend", lambda: trends.kpi_trend(eng, "mrr", "month", lang=L), "mrr")
    theaders = {"label": tr("explore.col.period"), "value": get_kpi("mrr").label(L)}
    ex.show_chart(
        charts.trend_chart(
            mrr,
            lang=L,
            unit="money",
            currency=CUR,
            label="MRR",
            moving_avg=False,
            title=tr("explore.subs.mrr_chart"),
        ),  # fmt: skip
        ex.export_table(mrr, theaders),
        "mrr-by-month",
        "subs_mrr",
        display=ex.formatted(mrr, {"value": "money"}, theaders),
    )
history = view.history()
hunits = {c: "money" for c in ("start_mrr", *xs.UP, *xs.DOWN, "net_new", "end_mrr")}
hunits["customers"] = "count"
hheaders = {"label": tr("explore.col.period"), "start_mrr": tr("explore.subs.col.start_mrr")}
hheaders.update({m: i18n.t(f"subscriptions.movement.{m}", L) for m in (*xs.UP, *xs.DOWN)})
hheaders.update({
    "net_new": tr("explore.subs.col.net_new"), "end_mrr": tr("explore.subs.col.end_mrr"),
    "customers": tr("explore.subs.col.subscribers"),
})  # fmt: skip
ex.show_chart(
    xs.movements_chart(history, lang=L, currency=CUR, title=tr("explore.subs.movements_chart")),
    ex.export_table(history, hheaders),
    "mrr-movements-by-month",
    "subs_history",
    display=ex.formatted(history, hunits, hheaders),
)

# -- revenue retention by start cohort --------------------------------------------------------
st.subheader(tr("explore.subs.cohorts"))
metric = (
    st.segmented_control(
        tr("explore.subs.metric"),
        ["nrr", "grr"],
        format_func=lambda m: ex.t(L, f"explore.subs.metric.{m}"),
        default="nrr",
        key=f"subs_metric_{L}",
    )
    or "nrr"
)
st.caption(tr(f"explore.subs.cohorts_help.{metric}"))
cohorts = view.cohorts()
cheaders = {
    "cohort_label": tr("explore.subs.col.cohort"),
    "age": tr("explore.subs.col.age"),
    "customers": tr("explore.subs.col.cohort_size"),
    "active_customers": tr("explore.subs.col.active"),
    "start_mrr": tr("explore.subs.col.cohort_start"),
    "mrr": tr("explore.subs.col.mrr"),
    "nrr": "NRR",
    "grr": "GRR",
}
ex.show_chart(
    xs.cohort_chart(cohorts, metric, lang=L),
    ex.export_table(cohorts, cheaders),
    "revenue-retention-by-cohort",
    "subs_cohorts",
    display=ex.formatted(
        cohorts,
        {
            "customers": "count",
            "active_customers": "count",
            "start_mrr": "money",
            "mrr": "money",
            "nrr": "percent",
            "grr": "percent",
        },
        cheaders,
    ),  # fmt: skip
)

# -- the customers behind each movement ---------------------------------------------------------
st.subheader(tr("explore.subs.customers", period=period.label(L)))
moves = view.movements()
if moves.empty:
    st.info(tr("explore.subs.no_movement"))
else:
    names = ["all", *xs.UP, *xs.DOWN]
    pick = st.selectbox(
        tr("explore.subs.movement"),
        names,
        format_func=lambda m: (
            ex.t(L, "explore.subs.all") if m == "all" else ex.t(L, f"subscriptions.movement.{m}")
        ),
        key=f"subs_pick_{L}",
    )
    shown = moves if pick == "all" else moves[moves["movement"] == pick]
    mheaders = {
        "label": tr("explore.col.period"),
        "customer": tr("explore.col.customer"),
        "movement_label": tr("explore.subs.movement"),
        "previous_mrr": tr("explore.subs.col.previous_mrr"),
        "mrr": tr("explore.subs.col.mrr"),
        "change": tr("explore.subs.col.change"),
    }
    munits = {"previous_mrr": "money", "mrr": "money", "change": "money"}
    st.caption(tr("explore.subs.customers_help", n=ex.fmt(len(shown), "count")))
    st.dataframe(ex.formatted(shown, munits, mheaders), hide_index=True, width="stretch")
    ex.downloads(ex.export_table(shown, mheaders), f"mrr-movements-{period.key}", "subs_moves")

# -- what the figures leave out -------------------------------------------------------------
st.subheader(tr("explore.subs.notes"))
notes = view.notes()
for line in notes:
    st.info(ex.escape(line), icon=":material/filter_alt:")
if not notes:
    st.caption(tr("explore.subs.all_counted", rows=ex.fmt(view.data.rows_, "count")))
else:
    counted = view.data.rows_ - sum(e.rows for e in view.data.exclusions_)
    st.caption(
        tr(
            "explore.subs.counted",
            rows=ex.fmt(view.data.rows_, "count"),
            counted=ex.fmt(counted, "count"),
        )  # fmt: skip
    )
