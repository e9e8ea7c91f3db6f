"""Make every page run inside the app shell (``app.py``).

Streamlit keeps its older "pages/ directory" multipage mode switched on until the first run that
calls ``st.navigation``. When the first request after a server start is a page URL (a bookmark to
``/dashboard``), it runs ``pages/dashboard.py`` on its own: no language switch, no sidebar, the
wrong navigation. Each page calls :func:`require_shell` first; in that case it switches the old
mode off and reruns, which goes through ``app.py`` and lands on the same page.
"""

from __future__ import annotations

import threading
from typing import Any

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

SHELL_KEY = "_pilote_shell"
# Per script thread (one run of one session at a time): the sidebar container of this run.
_RUN = threading.local()


def set_page_sidebar(container: Any) -> None:
    """Called by ``app.py``: where this run's page draws its sidebar controls (above the list
    of loaded data, which ``app.py`` draws even when the page stops early)."""
    _RUN.sidebar = container


def page_sidebar() -> Any:
    """The sidebar container for the page's controls (``st.sidebar`` outside the shell)."""
    return getattr(_RUN, "sidebar", None) or st.sidebar


def mark_shell() -> None:
    """Called by ``app.py``: this session runs its pages through the shell."""
    st.session_state[SHELL_KEY] = True


def require_shell() -> None:
    """Called first by every page: rerun through ``app.py`` when run on its own."""
    if PagesManager.uses_pages_directory and not st.session_state.get(SHELL_KEY):
        PagesManager.uses_pages_directory = False
        st.rerun()
