"""Objectives page: what the user wants → the KPIs that measure it, explained."""

from __future__ import annotations

import streamlit as st

from kpi.metrics import (
    OBJECTIVE_IDS,
    default_choice,
    default_kpis,
    get_kpi,
    get_objective,
    suggest,
)
from ui.analysis import loaded
from ui.shell import require_shell
from ui.state import analysis, lang, tr

require_shell()

L = lang()
a = analysis()
st.title(tr("obj.title"))
st.caption(tr("obj.intro"))
if not loaded():
    st.info(tr("obj.no_data"))

if "w_objectives" not in st.session_state:
    st.session_state["w_objectives"] = list(a.objectives)
chosen = st.multiselect(
    tr("obj.pick"),
    OBJECTIVE_IDS,
    format_func=lambda o: get_objective(o).label(L),
    key="w_objectives",
    placeholder=tr("obj.placeholder"),
    select_all=False,
)
for o in chosen:
    st.caption(f"**{get_objective(o).label(L)}** — {get_objective(o).description(L)}")

if chosen != a.objectives:
    a.objectives = list(chosen)
    # a new set of objectives proposes its own KPIs (none: the headline ones); the user then
    # ticks or unticks them
    a.kpis = default_choice(suggest(chosen, loaded())) if chosen else default_kpis(None, loaded())
    for key in [k for k in st.session_state if str(k).startswith("w_track_")]:
        del st.session_state[key]


def headline_note() -> None:
    """Without an objective: what the dashboard shows (the headline KPIs of the data)."""
    ids = default_kpis(None, loaded())
    if ids:
        names = ", ".join(get_kpi(k).label(L) for k in ids)
        st.info(tr("obj.default", kpis=names), icon=":material/dashboard:")
        st.page_link(
            "pages/dashboard.py", label=tr("obj.to_dashboard"), icon=":material/dashboard:"
        )


# No st.stop() here: the app's sidebar (the loaded data) is drawn after the page.
suggestions = suggest(chosen, loaded()) if chosen else []
if not chosen:
    headline_note()
else:
    st.subheader(tr("obj.suggested", n=sum(s.computable for s in suggestions)))
picked: list[str] = []
for s in suggestions:
    kpi = s.kpi
    with st.container(border=True):
        left, right = st.columns([3, 2])
        with left:
            key = f"w_track_{kpi.id}"
            if key not in st.session_state:
                st.session_state[key] = kpi.id in a.kpis
            on = st.checkbox(
                f"**{kpi.label(L)}**",
                key=key,
                disabled=not s.computable,
                help=kpi.description(L),
            )
            st.markdown(s.why(L))
            if not s.computable:
                st.warning(s.unlock(L) or tr("obj.not_computable"), icon=":material/lock:")
        with right:
            st.caption(f"{tr('obj.formula')} — {kpi.formula(L)}")
            st.caption(f"{tr('obj.reading')} — {kpi.reading(L)}")
        if on and s.computable:
            picked.append(kpi.id)
if chosen:
    a.kpis = picked
    st.success(tr("obj.tracked", n=len(picked)))
    st.page_link("pages/dashboard.py", label=tr("obj.to_dashboard"), icon=":material/dashboard:")
