"""Data page: upload exports or the sample data; check how each was read and its column roles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import i18n
from kpi.data import KINDS, ROLES, LoadReport, Table, check, role_label, validate_mapping
from kpi.errors import PiloteError
from ui.cache import DATA, session_cached
from ui.ingest import forget_uploads, load_into_session, load_samples, process_uploads
from ui.markup import inert
from ui.shell import require_shell
from ui.state import (
    kind_label,
    lang,
    owner,
    put_table,
    remove_table,
    store,
    tables,
    tr,
)

require_shell()

L = lang()
st.title(tr("data.title"))
st.caption(tr("data.intro"))

left, right = st.columns([2, 1])
with left:
    uploads = st.file_uploader(
        tr("data.upload"),
        accept_multiple_files=True,
        key=f"uploader-{st.session_state.get('uploader_n', 0)}",
    )
with right:
    st.write("")
    if st.button(tr("data.sample"), type="primary", icon=":material/science:", key="load_sample"):
        n = load_samples()
        if n:
            st.session_state.setdefault("notices", []).append(("data.sample_loaded", {"n": n}))
        else:
            st.warning(tr("data.no_samples"))
    if tables() and st.button(tr("data.clear"), key="clear_all"):
        for name in list(tables()):
            remove_table(name)
        forget_uploads()
        st.rerun()

if uploads:
    process_uploads(uploads)
    # A fresh uploader on the next run: the uploaded bytes are not kept once parsed.
    st.session_state["uploader_n"] = st.session_state.get("uploader_n", 0) + 1

for key, params in st.session_state.pop("notices", []):
    st.success(tr(key, **params))


def role_name(role_id: str) -> str:
    return role_label(role_id, L)


def show_report(report: LoadReport) -> None:
    none = tr("data.none")
    delim = {"\t": "tab", " ": "espace"}.get(report.delimiter or "", report.delimiter or none)
    st.markdown(
        tr(
            "data.format_line",
            encoding=inert(report.encoding or none),
            delimiter=inert(delim),
            decimal=inert(report.decimal or none),
            thousands=inert(report.thousands or none),
            header=report.header_row,
            order={"dmy": "jj/mm", "mdy": "mm/jj"}.get(report.date_order or "", none)
            if L == "fr"
            else {"dmy": "dd/mm", "mdy": "mm/dd"}.get(report.date_order or "", none),
            currency=inert(report.currency or none),
        )
    )
    if report.sheet:
        st.markdown(
            tr(
                "data.sheet_line",
                sheet=inert(report.sheet),
                sheets=inert(", ".join(report.sheets)),
            )
        )
    if report.dropped:
        for d in report.dropped:
            lines = (
                f" ({', '.join(map(str, d.lines[:10]))}{'…' if len(d.lines) > 10 else ''})"
                if d.lines
                else ""
            )
            st.info(inert(d.text(L) + lines), icon=":material/filter_alt:")
    else:
        st.caption(tr("data.nothing_dropped"))
    for w in report.warnings:
        st.warning(inert(w.text(L)))
    info = pd.DataFrame(
        [
            {
                tr("data.col_name"): name,
                tr("data.col_type"): tr(f"data.type.{ci.type}"),
                tr("data.col_format"): ci.format,
                tr("data.col_bad"): ci.unparseable,
            }
            for name, ci in report.column_info.items()
        ]
    )
    st.dataframe(info, hide_index=True, width="stretch")


def mapping_editor(table: Table) -> None:
    found = " · ".join(f"{role_name(r)} ← **{inert(c)}**" for r, c in table.mapping.items())
    st.markdown(
        f"{tr('data.roles_found')} : {found}" if L == "fr" else f"{tr('data.roles_found')}: {found}"
    )
    st.caption(tr("data.mapping_help"))
    columns = [str(c) for c in table.df.columns]
    ordered = sorted(ROLES, key=lambda r: (r.id not in table.mapping, ROLES.index(r)))
    frame = pd.DataFrame(
        {
            "role_id": [r.id for r in ordered],
            tr("data.role"): [role_name(r.id) for r in ordered],
            tr("data.col_name"): [table.mapping.get(r.id) for r in ordered],
            tr("data.confidence"): [
                table.confidence.get(r.id) if r.id in table.mapping else None for r in ordered
            ],
        }
    )
    version = st.session_state.setdefault("mapping_version", {}).get(table.name, 0)
    wkey = f"{table.name}-{version}-{L}"
    with st.form(key=f"mapform-{wkey}", border=False):
        kind = st.selectbox(
            tr("data.kind"),
            options=list(KINDS),
            index=list(KINDS).index(table.kind),
            format_func=kind_label,
            key=f"kind-{wkey}",
        )
        edited = st.data_editor(
            frame,
            hide_index=True,
            width="stretch",
            height=420,
            disabled=["role_id", tr("data.role"), tr("data.confidence")],
            column_config={
                "role_id": None,
                tr("data.col_name"): st.column_config.SelectboxColumn(options=columns),
                tr("data.confidence"): st.column_config.ProgressColumn(
                    min_value=0.0, max_value=1.0, format="percent"
                ),
            },
            key=f"mapping-{wkey}",
        )
        save = st.checkbox(tr("data.save_mapping"), value=False, key=f"save-{wkey}")
        submitted = st.form_submit_button(tr("data.apply"), type="primary")
    if submitted:
        new_mapping = {
            row["role_id"]: row[tr("data.col_name")]
            for _, row in edited.iterrows()
            if isinstance(row[tr("data.col_name")], str) and row[tr("data.col_name")]
        }
        try:
            validate_mapping(table.df, new_mapping)
        except PiloteError as exc:
            st.error(inert(exc.message(L)))
            return
        put_table(table.with_mapping(new_mapping, kind=kind))
        if save and owner() is not None:
            try:
                store().save_mapping(owner(), columns, kind, new_mapping)
                st.session_state.setdefault("notices", []).append(("data.saved", {}))
            except PiloteError as exc:
                st.error(inert(exc.message(L)))
        st.session_state.setdefault("notices", []).append(("data.applied", {}))
        st.session_state["mapping_version"][table.name] = version + 1
        st.rerun()


def quality_panel(table: Table) -> None:
    q = session_cached(  # 0.2 s at 1M rows: not per rerun
        "quality", lambda: check(table), table.name, depends=(DATA,), keep=1
    )
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(tr("data.rows"), i18n.format_number(q.rows, L))
    c2.metric(tr("data.duplicates"), i18n.format_number(q.duplicates, L))
    c3.metric(tr("data.negatives"), i18n.format_number(q.negative_amounts, L))
    c4.metric(tr("data.outliers"), i18n.format_number(q.outliers, L))
    if q.date_range is not None:
        start, end = (d.strftime("%d/%m/%Y" if L == "fr" else "%Y-%m-%d") for d in q.date_range)
        st.markdown(f"{tr('data.period')} : **{start} → {end}** ({inert(q.date_column)})")
    rows = q.rows_for_display(L)
    if rows:
        st.markdown(f"**{tr('data.missing')}**")
        st.dataframe(
            pd.DataFrame(rows).rename(
                columns={
                    "role": tr("data.role"),
                    "missing": tr("data.missing"),
                    "share": tr("data.share"),
                }
            ),
            hide_index=True,
            column_config={tr("data.share"): st.column_config.NumberColumn(format="percent")},
        )
    for issue in q.issues:
        st.warning(inert(issue.text(L)))
    if not q.issues:
        st.caption(tr("data.no_issue"))


loaded = tables()
if loaded:
    summary = pd.DataFrame(
        [
            {
                tr("data.table"): name,
                tr("data.kind"): kind_label(t.kind),
                tr("data.rows"): len(t.df),
                tr("data.columns"): t.df.shape[1],
                tr("data.mapping"): ", ".join(role_name(r) for r in t.mapping),
            }
            for name, t in loaded.items()
        ]
    )
    st.dataframe(summary, hide_index=True, width="stretch")
    names = list(loaded)
    name = st.selectbox(tr("data.inspect"), names, key="inspected_table")
    table = loaded[name]
    raw = st.session_state.get("raw", {}).get(name)
    if table.report is not None and len(table.report.sheets) > 1 and raw is not None:
        sheets = table.report.sheets
        chosen = st.selectbox(
            tr("data.sheet"), sheets, index=sheets.index(table.report.sheet), key=f"sheet-{name}"
        )
        if chosen != table.report.sheet:
            remove_table(name)
            load_into_session(raw, table.report.file_name, sheet=chosen)
            st.rerun()
    # on_change="rerun": a tab's .open says whether it is shown, so the quality checks
    # (0.2 s at 1M rows) run only when the user opens their tab.
    tab_map, tab_report, tab_preview, tab_quality = st.tabs(
        [tr("data.mapping"), tr("data.report"), tr("data.preview"), tr("data.quality")],
        key=f"tabs-{name}",
        on_change="rerun",
    )
    with tab_map:
        mapping_editor(table)
    with tab_report:
        if table.report is not None:
            show_report(table.report)
    with tab_preview:
        st.dataframe(table.df.head(50), width="stretch")
    with tab_quality:
        if tab_quality.open:
            quality_panel(table)
    if st.button(tr("data.remove"), key=f"remove-{name}", icon=":material/delete:"):
        remove_table(name)
        st.rerun()
