"""Pilote — entry point: page config, language, navigation over pages/, shared sidebar."""

from __future__ import annotations

import os
import time
from typing import Any

# Arrow on the system allocator, so that memory freed when a session ends can be handed back
# to the system (see ui/memory.py); must be set before pyarrow is first imported.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

import streamlit as st  # noqa: E402

from kpi import i18n
from ui import explore  # noqa: F401  (registers the explore pages' titles)
from ui.analysis import linked
from ui.ingest import finish_samples
from ui.markup import inert
from ui.memory import start_trimmer
from ui.shell import mark_shell, set_page_sidebar
from ui.state import kind_label, lang, log_timing, login_configured, start_worker, tables, tr

_script_started = time.perf_counter()

# A page icon of our own: without one, the browser tab shows the current page's Material icon,
# which Streamlit's front end fetches from fonts.gstatic.com (an external request). An emoji is
# drawn by the browser from a data: URL.
st.set_page_config(
    page_title="Pilote", page_icon="📊", layout="wide", initial_sidebar_state="expanded"
)
mark_shell()
start_trimmer()
start_worker()

# The language control can be cleared by clicking the selected option: keep one anyway.
if not st.session_state.get("lang"):
    st.session_state["lang"] = i18n.DEFAULT_LANGUAGE
with st.sidebar:
    st.segmented_control(
        i18n.t("app.language", lang()),
        options=list(i18n.LANGUAGES),
        format_func=lambda code: {"fr": "Français", "en": "English"}[code],
        key="lang",
        selection_mode="single",
    )

# With login configured ([auth] in .streamlit/secrets.toml), nobody goes further unsigned.
if login_configured() and not st.user.get("is_logged_in"):
    st.title(tr("app.title"))
    st.info(tr("app.login_needed"))
    st.button(tr("app.login"), type="primary", on_click=st.login)
    st.stop()
if login_configured():
    st.sidebar.button(tr("app.logout"), on_click=st.logout)

PAGES = [
    st.Page("pages/home.py", title=tr("nav.home"), icon=":material/home:", default=True),
    st.Page(
        "pages/data.py",
        title=tr("nav.data"),
        icon=":material/upload_file:",
        url_path="data",
    ),
    st.Page(
        "pages/objectives.py",
        title=tr("nav.objectives"),
        icon=":material/flag:",
        url_path="objectives",
    ),
    st.Page(
        "pages/dashboard.py",
        title=tr("nav.dashboard"),
        icon=":material/dashboard:",
        url_path="dashboard",
    ),
    st.Page("pages/trends.py", title=tr("nav.trends"), icon=":material/show_chart:"),
    st.Page("pages/funnel.py", title=tr("nav.funnel"), icon=":material/filter_alt:"),
    st.Page("pages/customers.py", title=tr("nav.customers"), icon=":material/groups:"),
    st.Page(
        "pages/subscriptions.py",
        title=tr("nav.subscriptions"),
        icon=":material/autorenew:",
        url_path="subscriptions",
    ),
    st.Page("pages/team.py", title=tr("nav.team"), icon=":material/leaderboard:"),
    st.Page(
        "pages/scoring.py", title=tr("nav.scoring"), icon=":material/target:", url_path="scoring"
    ),
    st.Page("pages/share.py", title=tr("nav.share"), icon=":material/share:", url_path="share"),
]
page = st.navigation(PAGES)


def loaded_tables_in_sidebar(slot: Any) -> None:
    # A function, not module-level code: this script's module outlives the run (it stays
    # sys.modules["__main__"] until the next run, of any session), so a global here would
    # keep the last user's table in memory after their session ends.
    with slot.container():
        st.subheader(tr("app.loaded"))
        loaded = tables()
        if not loaded:
            st.caption(tr("app.nothing_loaded"))
        kinds = {t.name: t.kind for t in linked().tables} if loaded else {}  # lookups named
        for table in loaded.values():
            rows = i18n.format_number(len(table.df), lang())
            kind = kind_label(kinds.get(table.name, table.kind))
            line = tr("app.table_line", kind=kind, rows=rows)
            st.markdown(f"**{inert(table.name)}**  \n{line}")


# The page's own sidebar controls (period, filters) first, then the loaded data. The list is
# drawn before the page runs — a page that ends early with st.stop() would leave it out — and
# again after, so that what the page just loaded is listed.
set_page_sidebar(st.sidebar.container())
_loaded_slot = st.sidebar.empty()
# The demo tables a click on another page interrupted are loaded before that page runs.
finish_samples()
loaded_tables_in_sidebar(_loaded_slot)
log_timing("app: before the page", _script_started)
_started = time.perf_counter()
try:
    page.run()
finally:  # also when the run is cut short by a rerun (a widget changed meanwhile)
    log_timing(f"run {page.url_path or 'home'}", _started)
loaded_tables_in_sidebar(_loaded_slot)
