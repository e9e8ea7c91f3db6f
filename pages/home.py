"""Home: what Pilote does and where to start."""

from __future__ import annotations

import streamlit as st

from ui.ingest import load_samples
from ui.shell import require_shell
from ui.state import tables, tr

require_shell()

st.title(tr("app.title"))
st.subheader(tr("app.tagline"))
st.markdown(tr("home.steps"))
if not tables():
    c1, c2 = st.columns(2)
    with c1:
        if st.button(
            tr("data.sample"), type="primary", icon=":material/science:", key="home_sample"
        ):
            n = load_samples()
            if n:
                st.session_state.setdefault("notices", []).append(("data.sample_loaded", {"n": n}))
            st.switch_page("pages/data.py")
    with c2:
        st.page_link("pages/data.py", label=tr("home.start"), icon=":material/upload_file:")
else:
    st.success(tr("home.ready", n=len(tables())))
    st.page_link("pages/data.py", label=tr("nav.data"), icon=":material/upload_file:")
st.caption(tr("home.privacy"))
