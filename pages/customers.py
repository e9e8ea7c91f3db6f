"""Customers: cohorts and retention, churn and repeat purchases, lifetime value (historical and
predicted), RFM segments with an action each, and satisfaction."""

from __future__ import annotations

import streamlit as st

from kpi.explore import charts, customers, trends
from kpi.explore.clv import predict_clv
from kpi.metrics import get_kpi
from ui import explore as ex
from ui.analysis import currency, loaded
from ui.cache import session_cached
from ui.shell import require_shell
from ui.state import lang, tr

require_shell()
L = lang()
CUR = currency()
ex.need_data("explore.customers.title")
st.caption(tr("explore.customers.intro"))
period, eng = ex.sidebar()
tables = loaded()
orders = next(
    (t for t in tables if t.kind == "orders" and t.has("customer_id") and t.has("date")), None
)
f = ex.facts("orders") if orders is not None else None
# RFM and predicted CLV look at the history up to the end of the period chosen.
as_of = eng.as_of
if not period.is_all and period.last_day is not None and as_of is not None:
    as_of = min(as_of, period.last_day)

if f is None or "customer" not in f.frame.columns:
    st.info(tr("explore.customers.no_orders"))
elif f.empty:
    ex.no_data()
else:
    # -- cohorts ----------------------------------------------------------------------------
    st.subheader(tr("explore.customers.cohorts"))
    cfreq = (
        st.segmented_control(
            tr("explore.trends.freq"),
            ["month", "quarter"],
            format_func=lambda x: ex.t(L, f"explore.freq.{x}"),
            key=f"cu_freq_{L}",
            wrap=True,
            default="month",
        )
        or "month"
    )
    first = session_cached(
        "first_purchases", lambda: customers.first_purchases(eng, orders), orders.name
    )
    matrix = session_cached(
        "cohorts", lambda: customers.cohort_matrix(f, first, cfreq, lang=L), cfreq
    )
    st.caption(tr("explore.customers.cohort_help"))
    if matrix.empty:
        ex.no_data()
    else:
        mheaders = {
            "cohort_label": tr("explore.col.cohort"),
            "offset": tr("explore.col.offset"),
            "customers": tr("explore.col.customers"),
            "size": tr("explore.col.size"),
            "retention": tr("explore.col.retention"),
        }
        ex.show_chart(
            charts.cohort_heatmap(matrix, lang=L, freq=cfreq),
            ex.export_table(matrix, mheaders),
            f"cohorts-{cfreq}",
            "cohorts",
            display=ex.formatted(
                matrix, {"customers": "count", "size": "count", "retention": "percent"}, mheaders
            ),
        )

    # -- churn, repeat, CLV -----------------------------------------------------------------
    st.subheader(tr("explore.customers.churn"))
    cols = st.columns(2) + st.columns(2)
    for col, kpi_id in zip(
        cols, ("retention_rate", "churn_rate", "repeat_rate", "clv"), strict=True
    ):
        kpi = get_kpi(kpi_id)
        v = eng.value(kpi_id, period)
        col.metric(
            kpi.label(L),
            kpi.format(v.value, L, CUR),
            help=ex.escape(v.reason_text(L)) if v.value is None else kpi.formula(L),
        )
        if v.value is None and v.reason_text(L):
            col.caption(v.reason_text(L))  # why there is no value, not only in a tooltip
    clv = eng.value("clv", period)
    if clv.value is not None:
        d = clv.detail
        st.caption(
            tr(
                "explore.customers.clv_inputs",
                rpc=ex.fmt(d["revenue_per_customer_year"], "money"),
                margin=ex.fmt(d["gross_margin_pct"], "percent"),
                churn=ex.fmt(d["churn_rate_year"], "percent"),
                start=ex.fmt_date(d["window_start"]),
                end=ex.fmt_date(d["window_end"]),
            )
        )
    c1, c2 = st.columns(2)
    for box, kpi_id, key in (
        (c1, "churn_rate", "explore.customers.churn_chart"),
        (c2, "repeat_rate", "explore.customers.repeat_chart"),
    ):
        s = session_cached(
            "kpi_trend", lambda k=kpi_id: trends.kpi_trend(eng, k, "month", lang=L), kpi_id, "month"
        )
        with box:
            # The title above the chart and its meaning under it: a long title in half a
            # page would be cut.
            st.markdown(f"**{get_kpi(kpi_id).label(L)}**")
            st.caption(tr(key))
            chart = charts.trend_chart(
                s,
                lang=L,
                unit="percent",
                label=get_kpi(kpi_id).label(L),
                last_year=False,
                moving_avg=False,
            )
            s = s.assign(
                partial=[tr("explore.partial") if p else "" for p in s["partial"].astype(bool)]
            )
            theaders = {
                "label": tr("explore.col.period"),
                "value": get_kpi(kpi_id).label(L),
                "partial": tr("explore.col.partial"),
            }
            ex.show_chart(
                chart,
                ex.export_table(s, theaders),
                f"{kpi_id}-by-month",
                f"cu-{kpi_id}",
                display=ex.formatted(s, {"value": "percent"}, theaders),
            )

    # -- RFM ----------------------------------------------------------------------------------
    st.subheader(tr("explore.customers.rfm"))
    st.caption(tr("explore.customers.rfm_help"))
    scores, segments = session_cached("rfm", lambda: customers.rfm(f, as_of, L), str(as_of))
    if segments.empty:
        ex.no_data()
    else:
        sunits = {"customers": "count", "share": "percent", "revenue": "money",
                  "revenue_share": "percent", "avg_recency_days": "days",
                  "avg_orders": "ratio"}  # fmt: skip
        sheaders = {
            "label": tr("explore.col.rfm_segment"),
            "customers": tr("explore.col.customers"),
            "share": tr("explore.col.share_customers"),
            "revenue": tr("explore.col.revenue"),
            "revenue_share": tr("explore.col.revenue_share"),
            "avg_recency_days": tr("explore.col.avg_recency_days"),
            "avg_orders": tr("explore.col.avg_orders"),
            "action": tr("explore.col.action"),
        }
        ex.show_chart(
            charts.bar_chart(
                segments,
                "label",
                "customers",
                lang=L,
                unit="count",
                currency=CUR,
                sort=False,
                value_title=tr("explore.col.customers"),
                category_title=tr("explore.col.rfm_segment"),
                extra_tooltips=[
                    ("revenue", tr("explore.col.revenue"), "money"),
                    ("revenue_share", tr("explore.col.revenue_share"), "percent"),
                ],
            ),
            ex.export_table(segments, sheaders),
            "rfm-segments",
            "rfm",
            display=ex.formatted(segments, sunits, sheaders),
        )
        for _, row in segments[segments["customers"] > 0].iterrows():
            st.markdown(
                f"**{ex.escape(row['label'])}** ({ex.fmt(row['customers'], 'count')}) — "
                f"{ex.escape(row['action'])}"
            )
        cust_headers = {
            "customer": tr("explore.col.customer"),
            "recency_days": tr("explore.col.recency_days"),
            "orders": tr("explore.col.orders"),
            "revenue": tr("explore.col.revenue"),
            "r": "R",
            "f": "F",
            "m": "M",
            "segment_label": tr("explore.col.rfm_segment"),
        }
        st.caption(tr("explore.customers.rfm_customers"))
        ex.downloads(
            ex.export_table(scores.reset_index(names="customer"), cust_headers),
            "rfm-customers",
            "rfm-customers",
        )

    # -- predicted CLV ------------------------------------------------------------------------
    st.subheader(tr("explore.customers.predicted"))
    margin = eng.value("gross_margin_pct", period)

    def _predicted() -> None:
        pred = session_cached(
            "predict_clv",
            lambda: predict_clv(f, as_of, 365, margin.value),
            str(as_of),
            margin.value,
        )
        note = tr("explore.customers.margin_note") if margin.value is not None else ""
        st.caption(tr("explore.customers.predicted_help", margin=note))
        m1, m2 = st.columns(2)
        m1.metric(tr("explore.customers.predicted_total"), ex.fmt(pred.total, "money"))
        m2.metric(tr("explore.customers.repeat_alive"), ex.fmt(pred.repeat_alive, "percent"))
        if pred.note(L):
            st.caption(pred.note(L))
        dist = pred.distribution(L)
        # the title above the chart, not in it: a titled chart is drawn squashed (Streamlit
        # fits the title inside the chart's height)
        st.markdown(f"**{tr('explore.customers.alive_chart')}**")
        dheaders = {
            "activity": tr("explore.col.band"),
            "customers": tr("explore.col.customers"),
            "clv": tr("explore.col.clv"),
        }
        ex.show_chart(
            charts.bar_chart(
                dist,
                "activity",
                "customers",
                lang=L,
                unit="count",
                currency=CUR,
                sort=False,
                value_title=tr("explore.col.customers"),
                category_title=tr("explore.col.band"),
                extra_tooltips=[("clv", tr("explore.col.clv"), "money")],
            ),
            ex.export_table(dist, dheaders),
            "predicted-clv-by-activity",
            "clv_dist",
            display=ex.formatted(dist, {"customers": "count", "clv": "money"}, dheaders),
        )
        top = pred.customers.head(20).reset_index(names="customer")
        pheaders = {
            "customer": tr("explore.col.customer"),
            "orders": tr("explore.col.orders"),
            "revenue": tr("explore.col.revenue"),
            "p_alive": tr("explore.col.p_alive"),
            "expected_purchases": tr("explore.col.expected_purchases"),
            "expected_spend": tr("explore.col.expected_spend"),
            "clv": tr("explore.col.clv"),
        }
        punits = {"orders": "count", "revenue": "money", "p_alive": "percent",
                  "expected_purchases": "ratio", "expected_spend": "money", "clv": "money"}  # fmt: skip
        st.caption(tr("explore.customers.top"))
        st.dataframe(ex.formatted(top, punits, pheaders), hide_index=True, width="stretch")
        ex.downloads(
            ex.export_table(pred.customers.reset_index(names="customer"), pheaders),
            "predicted-clv",
            "clv",
        )

    ex.guarded(_predicted)

# -- satisfaction -----------------------------------------------------------------------------
st.subheader(tr("explore.customers.satisfaction"))
survey = next((t for t in tables if t.kind == "survey" and (t.has("nps") or t.has("csat"))), None)
if survey is None:
    st.info(tr("explore.customers.no_survey"))
    st.stop()
scores_ids = [k for k in ("nps", "csat") if survey.has(k)]
cols = st.columns(len(scores_ids))
for box, kpi_id in zip(cols, scores_ids, strict=True):
    kpi = get_kpi(kpi_id)
    s = session_cached(
        "kpi_trend", lambda k=kpi_id: trends.kpi_trend(eng, k, "month", lang=L), kpi_id, "month"
    )
    with box:
        chart = charts.trend_chart(
            s, lang=L, unit=kpi.unit, label=kpi.label(L), last_year=False, title=kpi.label(L)
        )
        theaders = {"label": tr("explore.col.period"), "value": kpi.label(L)}
        ex.show_chart(
            chart,
            ex.export_table(s, theaders),
            f"{kpi_id}-by-month",
            f"sat-{kpi_id}",
            display=ex.formatted(s, {"value": kpi.unit}, theaders),
        )
roles = [
    r
    for r in ("segment", "region", "channel", "category", "rep", "team", "country")
    if survey.has(r) or any(t.kind == "orders" and t.has(r) for t in tables)
]
if roles and (survey.has("customer_id") or any(survey.has(r) for r in roles)):
    by = st.selectbox(
        tr("explore.customers.sat_by"), roles, format_func=ex.role_namer(L), key=f"cu_sat_by_{L}"
    )
    sat = session_cached(
        "satisfaction_by", lambda: customers.satisfaction_by(eng, by, period), by, period.key
    )
    if sat.empty:
        ex.no_data()
    else:
        metric = scores_ids[0]
        sheaders = {
            "segment": ex.role_name(by),
            "answers": tr("explore.col.answers"),
            "nps": tr("explore.col.nps"),
            "csat": tr("explore.col.csat"),
        }
        ex.show_chart(
            charts.bar_chart(
                sat,
                "segment",
                metric,
                lang=L,
                unit=get_kpi(metric).unit,
                value_title=get_kpi(metric).label(L),
                category_title=ex.role_name(by),
                extra_tooltips=[("answers", tr("explore.col.answers"), "count")]
                + ([("csat", tr("explore.col.csat"), "percent")] if "csat" in scores_ids else []),
            ),
            ex.export_table(sat, sheaders),
            f"satisfaction-by-{by}-{period.key}",
            "sat_by",
            display=ex.formatted(
                sat, {"answers": "count", "nps": "score", "csat": "percent"}, sheaders
            ),
        )
