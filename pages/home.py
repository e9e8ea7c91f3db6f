"""Home: what Pilote does and where to start."""

from __future__ import annotations

import streamlit as st

from ui.state import tables, tr

st.title(tr("app.title"))
st.subheader(tr("app.tagline"))
st.markdown(tr("home.steps"))
if not tables():
    st.page_link("pages/data.py", label=tr("home.start"), icon=":material/upload_file:")
else:
    st.success(tr("home.ready", n=len(tables())))
    st.page_link("pages/data.py", label=tr("nav.data"), icon=":material/upload_file:")
st.caption(tr("home.privacy"))
