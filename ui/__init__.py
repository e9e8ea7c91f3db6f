"""Streamlit glue shared by the pages: session state, language, messages. No KPI logic here."""
