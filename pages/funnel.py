"""Funnel: where deals stall, which sources, reps and segments win, and the lead funnel."""

from __future__ import annotations

import streamlit as st

from kpi.explore import charts, funnel
from kpi.metrics import get_kpi
from ui import explore as ex
from ui.analysis import currency, loaded
from ui.cache import session_cached
from ui.shell import require_shell
from ui.state import lang, tr

require_shell()
L = lang()
CUR = currency()
ex.need_data("explore.funnel.title")
st.caption(tr("explore.funnel.intro"))
period, eng = ex.sidebar()
tables = loaded()
deals = funnel.deals_table(tables)

if deals is None:
    st.info(tr("explore.funnel.no_deals"))
else:
    inferred = session_cached("stage_order", lambda: funnel.infer_stage_order(deals), deals.name)
    order_key = f"fn_order_{deals.name}"
    if order_key not in st.session_state or not set(st.session_state[order_key]) <= set(inferred):
        st.session_state[order_key] = list(inferred)
    if inferred:
        chosen = st.multiselect(
            tr("explore.funnel.stages"),
            inferred,
            key=order_key,
            help=tr("explore.funnel.stages_help"),
            placeholder=tr("explore.funnel.stages_placeholder"),
            select_all=False,
        )
        order = list(chosen) + [s for s in inferred if s not in chosen]
    else:
        order = []
    staged = eng.derive(stage_order=order)

    steps = session_cached(
        "funnel",
        lambda: funnel.funnel(staged, period, lang=L),
        deals.name,
        tuple(order),
        period.key,
    )
    pipe = session_cached(
        "pipeline",
        lambda: funnel.pipeline(staged, period, lang=L),
        deals.name,
        tuple(order),
        period.key,
    )
    if pipe is not None:
        cols = st.columns(3) + st.columns(3)
        ids = ("win_rate", "avg_deal_size", "sales_cycle_days", "pipeline_value",
               "weighted_pipeline", "sales_velocity")  # fmt: skip
        for col, kpi_id in zip(cols, ids, strict=True):
            v = pipe.values[kpi_id]
            col.metric(
                get_kpi(kpi_id).label(L),
                get_kpi(kpi_id).format(v.value, L, CUR),
                help=ex.escape(v.reason_text(L)) if v.value is None else get_kpi(kpi_id).formula(L),
            )
        vel = pipe.values["sales_velocity"]
        if vel.value is not None:
            st.caption(
                tr(
                    "explore.funnel.velocity_help",
                    open=ex.fmt(vel.detail["open_deals"], "count"),
                    win_rate=ex.fmt(vel.detail["win_rate"], "percent"),
                    size=ex.fmt(vel.detail["avg_deal_size"], "money"),
                    cycle=ex.fmt(vel.detail["sales_cycle_days"], "days"),
                )
            )
    if steps.empty:
        ex.no_data()
    else:
        headers = {
            "stage": tr("explore.col.stage"),
            "reached": tr("explore.col.reached"),
            "conversion": tr("explore.col.conversion"),
            "overall": tr("explore.col.overall"),
            "drop_off": tr("explore.col.drop_off"),
            "drop_rate": tr("explore.col.drop_rate"),
        }
        units = {"reached": "count", "conversion": "percent", "overall": "percent",
                 "drop_off": "count", "drop_rate": "percent"}  # fmt: skip
        ex.show_chart(
            charts.funnel_chart(steps, lang=L, title=tr("explore.funnel.chart")),
            ex.export_table(steps, headers),
            f"funnel-{period.key}",
            "funnel",
            display=ex.formatted(steps, units, headers),
        )
        lost_note = session_cached(
            "lost_deals_note",
            lambda: funnel.lost_deals_note(staged, period, lang=L),
            deals.name,
            tuple(order),
            period.key,
        )
        if lost_note:
            st.caption(ex.escape(lost_note))

    roles = [r for r in funnel.GROUP_ROLES if deals.has(r)]
    if roles:
        g1, g2 = st.columns(2)
        by = g1.selectbox(
            tr("explore.funnel.by"), roles, format_func=ex.role_namer(L), key=f"fn_by_{L}"
        )
        metric = (
            g2.segmented_control(
                tr("explore.funnel.metric"),
                ["win_rate", "avg_deal_size", "cycle_days", "won_value"],
                format_func=lambda m: ex.t(L, f"explore.col.{m}"),
                key=f"fn_metric_{L}",
                wrap=True,
            )
            or "win_rate"
        )
        groups = session_cached(
            "by_group",
            lambda: funnel.by_group(staged, by, period),
            deals.name,
            by,
            tuple(order),
            period.key,
        )
        gunits = {"won": "count", "lost": "count", "win_rate": "percent",
                  "avg_deal_size": "money", "cycle_days": "days", "won_value": "money"}  # fmt: skip
        gheaders = {"segment": ex.role_name(by)} | {c: tr(f"explore.col.{c}") for c in gunits}
        chart = charts.bar_chart(
            groups,
            "segment",
            metric,
            lang=L,
            unit=gunits[metric],
            currency=CUR,
            value_title=tr(f"explore.col.{metric}"),
            category_title=ex.role_name(by),
            extra_tooltips=[
                ("won", tr("explore.col.won"), "count"),
                ("lost", tr("explore.col.lost"), "count"),
            ],
        )
        ex.show_chart(
            chart,
            ex.export_table(groups, gheaders),
            f"deals-by-{by}-{period.key}",
            "by_group",
            display=ex.formatted(groups, gunits, gheaders),
        )

    if pipe is not None and len(pipe.by_stage):
        st.subheader(tr("explore.funnel.pipeline"))
        sheaders = {
            "stage": tr("explore.col.stage"),
            "deals": tr("explore.col.deals"),
            "amount": tr("explore.col.amount"),
        }
        ex.show_chart(
            charts.bar_chart(
                pipe.by_stage,
                "stage",
                "amount",
                lang=L,
                unit="money",
                currency=CUR,
                sort=False,
                value_title=tr("explore.col.amount"),
                category_title=tr("explore.col.stage"),
                extra_tooltips=[("deals", tr("explore.col.deals"), "count")],
            ),
            ex.export_table(pipe.by_stage, sheaders),
            "open-pipeline",
            "pipeline",
            display=ex.formatted(pipe.by_stage, {"deals": "count", "amount": "money"}, sheaders),
        )

# -- leads ------------------------------------------------------------------------------------
st.subheader(tr("explore.funnel.leads"))
if funnel.leads_table(tables) is None:
    st.info(tr("explore.funnel.no_leads"))
    st.stop()
lsteps = session_cached("lead_funnel", lambda: funnel.lead_funnel(eng, period, L), period.key)
if lsteps.empty:
    ex.no_data()
else:
    lheaders = {
        "stage": tr("explore.col.stage"),
        "reached": tr("explore.col.reached"),
        "conversion": tr("explore.col.conversion"),
        "overall": tr("explore.col.overall"),
    }
    ex.show_chart(
        charts.funnel_chart(lsteps, lang=L, items="leads"),
        ex.export_table(lsteps, lheaders),
        f"lead-funnel-{period.key}",
        "lead_funnel",
        display=ex.formatted(
            lsteps, {"reached": "count", "conversion": "percent", "overall": "percent"}, lheaders
        ),
    )

st.subheader(tr("explore.funnel.sources"))
sources = session_cached("lead_sources", lambda: funnel.lead_sources(eng, period, L), period.key)
if sources.empty:
    ex.no_data()
    st.stop()
sunits = {"leads": "count", "converted": "count", "conversion": "percent", "spend": "money",
          "cost_per_lead": "money", "won_deals": "count", "won_value": "money"}  # fmt: skip
present = [c for c in sunits if sources[c].notna().any()]
if st.session_state.get(f"fn_source_metric_{L}") not in present:
    st.session_state[f"fn_source_metric_{L}"] = present[0]
metric = (
    st.segmented_control(
        tr("explore.funnel.source_metric"),
        present,
        format_func=lambda c: ex.t(
            L, "explore.col.lead_conversion" if c == "conversion" else f"explore.col.{c}"
        ),
        key=f"fn_source_metric_{L}",
        wrap=True,
    )
    or present[0]
)
sheaders = {"source": tr("explore.col.source")} | {
    c: tr("explore.col.lead_conversion" if c == "conversion" else f"explore.col.{c}")
    for c in present
}
ex.show_chart(
    charts.bar_chart(
        sources,
        "source",
        metric,
        lang=L,
        unit=sunits[metric],
        currency=CUR,
        value_title=sheaders[metric],
        category_title=tr("explore.col.source"),
        extra_tooltips=[(c, sheaders[c], sunits[c]) for c in present if c != metric],
    ),
    ex.export_table(sources, sheaders),
    f"lead-sources-{period.key}",
    "sources",
    display=ex.formatted(sources, sunits, sheaders),
)
