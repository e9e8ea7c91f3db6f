"""Data page: upload exports or the sample data; check how each was read and its column roles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import i18n
from kpi.data import (
    KINDS,
    ROLES,
    LoadReport,
    Table,
    check,
    format_name,
    role_label,
    separator_name,
    validate_mapping,
)
from kpi.data import kind_label as dataset_kind_label
from kpi.errors import PiloteError
from kpi.explore import subscriptions
from kpi.settings import DEFAULT_LIMITS as LIMITS
from ui.analysis import linked
from ui.cache import DATA, session_cached
from ui.ingest import (
    forget_uploads,
    load_into_session,
    load_samples,
    notices,
    notify,
    process_uploads,
)
from ui.markup import css_string, inert
from ui.shell import require_shell
from ui.sources import links_panel, source_name, source_panel
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
_GB = LIMITS.max_file_bytes >= 1024**3
_SIZE = {
    "size": i18n.format_number(LIMITS.max_file_bytes / 1024 ** (3 if _GB else 2), L, 0),
    "unit": tr("data.gb" if _GB else "data.mb"),
}
# Streamlit 1.67 writes the uploader's texts in English ("Upload", "1GB per file" from its own
# upload limit, "Drag and drop files here" while a file is dragged over it) with no option to
# change them (streamlit#13500): a style sheet hides them and shows the user's language in their
# place, with Pilote's own size limit. (The drag text's element has no test id: its class is the
# one the pinned bundle gives it.) Style tags alone take no room on the page.
_ZONE = "[data-testid=stFileUploaderDropzone]"
_TEXTS = {
    f"{_ZONE} [data-testid=stBaseButton-secondary] p": tr("data.browse"),
    f"{_ZONE} [data-testid=stFileUploaderDropzoneInstructions] span": tr("data.per_file", **_SIZE),
    f"{_ZONE} .euud7oh2": tr("data.drop_here"),
}
st.html(
    "<style>"
    + "".join(
        f"{css}{{font-size:0}}{css}::after{{content:{css_string(text)};font-size:0.875rem}}"
        for css, text in _TEXTS.items()
    )
    + "</style>"
)
with left:
    uploads = st.file_uploader(
        tr("data.upload"),
        accept_multiple_files=True,
        key=f"uploader-{st.session_state.get('uploader_n', 0)}",
        help=tr("data.upload_help", **_SIZE),
    )
with right:
    st.write("")
    if st.button(tr("data.sample"), type="primary", icon=":material/science:", key="load_sample"):
        n = load_samples()
        if n:
            notify("data.sample_loaded", n=n)
        else:
            st.warning(tr("data.no_samples"))
    if tables() and st.button(tr("data.clear"), key="clear_all"):
        for name in list(tables()):
            remove_table(name)
        forget_uploads()
        st.rerun()

if uploads:
    process_uploads(uploads)
    # A fresh uploader, shown at once: the uploaded bytes are not kept once parsed, and the
    # next file must land in the uploader the browser shows. (Bumping the key without a rerun
    # left the old uploader on screen: the next file went to a widget the script had dropped.)
    st.session_state["uploader_n"] = st.session_state.get("uploader_n", 0) + 1
    st.rerun()

for key, params, kind in notices():
    {"error": st.error, "warning": st.warning}.get(kind, st.success)(inert(tr(key, **params)))


def role_name(role_id: str) -> str:
    return role_label(role_id, L)


def show_report(report: LoadReport) -> None:
    none = tr("data.none")
    delim = separator_name(report.delimiter, L) or none
    st.markdown(
        tr(
            "data.format_line",
            encoding=inert(report.encoding or none),
            delimiter=inert(delim),
            decimal=inert(report.decimal or none),
            thousands=inert(separator_name(report.thousands, L) or none),
            header=report.header_row,
            order={"dmy": "jj/mm", "mdy": "mm/jj"}.get(report.date_order or "", none)
            if L == "fr"
            else {"dmy": "dd/mm", "mdy": "mm/dd"}.get(report.date_order or "", none),
            currency=inert(report.currency or tr("dash.no_currency")),
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
    for text in report.warning_texts(L):
        st.warning(inert(text))
    info = pd.DataFrame(
        [
            {
                tr("data.col_name"): name,
                tr("data.col_type"): tr(f"data.type.{ci.type}"),
                tr("data.col_format"): format_name(ci.format, L),
                tr("data.col_bad"): i18n.format_number(ci.unparseable, L),
            }
            for name, ci in report.column_info.items()
        ]
    )
    st.dataframe(info, hide_index=True, width="stretch")


def _percent(fraction: float | None) -> int | None:
    return None if fraction is None else round(100 * fraction)


def mapping_editor(table: Table) -> None:
    found = " · ".join(f"{role_name(r)} ← **{inert(c)}**" for r, c in table.mapping.items())
    st.markdown(
        f"{tr('data.roles_found')} : {found}" if L == "fr" else f"{tr('data.roles_found')}: {found}"
    )
    st.caption(tr("data.mapping_help"))
    columns = [str(c) for c in table.df.columns]
    ordered = sorted(ROLES, key=lambda r: (r.id not in table.mapping, ROLES.index(r)))
    # An unmapped role shows "— aucune —", an option of its own: an empty cell (None or "")
    # would read "None", Streamlit's word for a missing value.
    no_column = tr("data.no_column")
    while no_column in columns:
        no_column += " "
    frame = pd.DataFrame(
        {
            "role_id": [r.id for r in ordered],
            tr("data.role"): [role_name(r.id) for r in ordered],
            tr("data.col_name"): [table.mapping.get(r.id, no_column) for r in ordered],
            tr("data.confidence"): [  # whole percentages, drawn in the UI's language
                _percent(table.confidence.get(r.id)) if r.id in table.mapping else None
                for r in ordered
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
            format_func=lambda k, lang_=L: dataset_kind_label(k, lang_),  # bound now
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
                tr("data.col_name"): st.column_config.SelectboxColumn(
                    options=[no_column, *columns], required=True
                ),
                tr("data.confidence"): st.column_config.ProgressColumn(
                    min_value=0, max_value=100, format=i18n.percent_printf(L)
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
            if isinstance(row[tr("data.col_name")], str)
            and row[tr("data.col_name")] not in ("", no_column)
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
    rows = [
        [
            (tr("data.rows"), q.rows),
            (tr("data.duplicates"), q.duplicates),
            (tr("data.negatives"), q.negative_amounts),
            (tr("data.outliers"), q.outliers),
        ]
    ]
    if q.quantity_column is not None:  # a row of their own: five labels do not fit in one
        rows.append(
            [
                (tr("data.negative_quantities"), q.negative_quantities),
                (tr("data.quantity_outliers"), q.quantity_outliers),
            ]
        )
    for metrics in rows:
        for col, (label, n) in zip(st.columns(4), metrics, strict=False):
            col.metric(label, i18n.format_number(n, L))
    if q.date_range is not None:
        start, end = (d.strftime("%d/%m/%Y" if L == "fr" else "%Y-%m-%d") for d in q.date_range)
        colon = " : " if L == "fr" else ": "
        st.markdown(f"{tr('data.period')}{colon}**{start} → {end}** ({inert(q.date_column)})")
    rows = q.rows_for_display(L)
    if rows:
        st.markdown(f"**{tr('data.missing')}**")
        st.dataframe(
            pd.DataFrame(
                {
                    tr("data.role"): [r["role"] for r in rows],
                    tr("data.missing"): [i18n.format_number(r["missing"], L) for r in rows],
                    tr("data.share"): [i18n.format_percent_value(r["share"], L) for r in rows],
                }
            ),
            hide_index=True,
        )
    for issue in q.issues:
        st.warning(inert(issue.text(L)))
    if not q.issues:
        st.caption(tr("data.no_issue"))
    if table.kind == "subscriptions":  # rows the MRR leaves out, counted and shown
        ok, lines = subscriptions.reading(table, L)
        (st.caption if ok else st.error)(inert(lines[0]))
        for line in lines[1:]:
            st.info(inert(line), icon=":material/filter_alt:")


loaded = tables()
if loaded:
    # Kinds as the pages use them: a lookup table (teams, accounts, products) once linked.
    kinds = {t.name: t.kind for t in linked().tables}
    summary = pd.DataFrame(
        [
            {
                tr("data.table"): name,
                tr("data.kind"): kind_label(kinds.get(name, t.kind)),
                tr("sources.source_col"): source_name(t),
                tr("data.rows"): i18n.format_number(len(t.df), L),
                tr("data.columns"): i18n.format_number(t.df.shape[1], L),
                tr("data.mapping"): ", ".join(role_name(r) for r in t.mapping),
            }
            for name, t in loaded.items()
        ]
    )
    if not any(source_name(t) for t in loaded.values()):
        summary = summary.drop(columns=[tr("sources.source_col")])
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
    source_panel(table)  # "Recognised as: Pipedrive — deals export (EN)" and its semantics
    links_panel(name)  # lookup tables: coverage, keys not found
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
