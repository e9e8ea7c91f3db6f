"""Share: download the report (Excel, web page, CSV), save the analysis as a workspace and reopen
it later — each user sees only their own workspaces when login is configured."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st
from babel.dates import format_datetime

from kpi import i18n
from kpi.errors import PiloteError
from kpi.share import (
    LOCAL_OWNER,
    MAX_NAME_LENGTH,
    ReportOptions,
    Workspace,
    build_report,
    file_name,
    to_csv_bytes,
    to_excel,
    to_html,
    validate_name,
)
from kpi.text import slug
from ui.analysis import currency, current_period, engine, loaded, open_analysis, period_label
from ui.cache import clear_session_cache, session_cached
from ui.ingest import forget_uploads
from ui.markup import inert
from ui.shell import require_shell
from ui.state import (
    analysis,
    lang,
    owner,
    put_table,
    remove_table,
    show_error,
    store,
    tables,
    tr,
)

require_shell()

i18n.add_messages(
    {
        "share.title": {"fr": "Partager", "en": "Share"},
        "share.reports": {"fr": "Rapports", "en": "Reports"},
        "share.preparing": {"fr": "Préparation des rapports…", "en": "Preparing the reports…"},
        "share.no_data": {
            "fr": "Aucune donnée chargée : chargez vos fichiers (ou ouvrez un espace de travail ci-dessous) pour produire un rapport.",
            "en": "No data loaded: load your files (or open a workspace below) to make a report.",
        },
        "share.context": {
            "fr": "Rapport de la période **{period}** : {n} indicateur(s), {charts} graphique(s), {alerts} alerte(s). Il reprend les indicateurs, objectifs, filtres et statuts du tableau de bord.",
            "en": "Report for **{period}**: {n} KPI(s), {charts} chart(s), {alerts} alert(s). It uses the dashboard's KPIs, targets, filters and statuses.",
        },
        "share.report_title": {"fr": "Titre du rapport", "en": "Report title"},
        "share.excel": {"fr": "Classeur Excel", "en": "Excel workbook"},
        "share.html": {"fr": "Page web (imprimable)", "en": "Web page (printable)"},
        "share.csv": {"fr": "Tableau en CSV", "en": "Table as CSV"},
        "share.csv_pick": {"fr": "Tableau à exporter en CSV", "en": "Table to export as CSV"},
        "share.pdf_hint": {
            "fr": "Pour un PDF, ouvrez la page web dans votre navigateur et imprimez-la (Ctrl+P). Le classeur Excel contient aussi les définitions et les tableaux derrière chaque graphique.",
            "en": "For a PDF, open the web page in your browser and print it (Ctrl+P). The Excel workbook also holds the definitions and the tables behind each chart.",
        },
        "share.workspaces": {"fr": "Espaces de travail", "en": "Workspaces"},
        "share.workspaces_intro": {
            "fr": "Un espace de travail garde vos tableaux, leurs colonnes reconnues, vos objectifs, indicateurs, statuts et objectifs chiffrés, pour reprendre l'analyse plus tard.",
            "en": "A workspace keeps your tables, their recognised columns, your objectives, KPIs, statuses and targets, so you can pick the analysis up later.",
        },
        "share.login_needed": {
            "fr": "Connectez-vous pour enregistrer vos analyses et retrouver vos espaces de travail : chacun ne voit que les siens.",
            "en": "Log in to save your analyses and find your workspaces: each person sees only their own.",
        },
        "share.login": {"fr": "Se connecter", "en": "Log in"},
        "share.logout": {"fr": "Se déconnecter", "en": "Log out"},
        "share.signed_in": {"fr": "Connecté : {who}", "en": "Logged in: {who}"},
        "share.name": {"fr": "Nom de l'espace de travail", "en": "Workspace name"},
        "share.name_placeholder": {
            "fr": "ex. Client Durand — juin",
            "en": "e.g. Durand account — June",
        },
        "share.save": {"fr": "Enregistrer", "en": "Save"},
        "share.save_needs_data": {
            "fr": "Chargez des données avant d'enregistrer un espace de travail.",
            "en": "Load data before saving a workspace.",
        },
        "share.saved": {
            "fr": "Espace de travail « {name} » enregistré.",
            "en": "Workspace '{name}' saved.",
        },
        "share.replaced": {
            "fr": "Espace de travail « {name} » mis à jour (la version précédente est remplacée).",
            "en": "Workspace '{name}' updated (the previous version is replaced).",
        },
        "share.none_saved": {
            "fr": "Aucun espace de travail enregistré.",
            "en": "No saved workspace yet.",
        },
        "share.col_name": {"fr": "Nom", "en": "Name"},
        "share.col_tables": {"fr": "Tableaux", "en": "Tables"},
        "share.col_updated": {"fr": "Enregistré le", "en": "Saved on"},
        "share.col_size": {"fr": "Taille (Ko)", "en": "Size (KB)"},
        "share.pick": {"fr": "Espace de travail", "en": "Workspace"},
        "share.open": {"fr": "Ouvrir", "en": "Open"},
        "share.open_help": {
            "fr": "Remplace les données et réglages de cette session par ceux de l'espace de travail.",
            "en": "Replaces this session's data and settings with the workspace's.",
        },
        "share.opened": {
            "fr": "Espace de travail « {name} » ouvert : {n} tableau(x) et vos réglages sont de retour.",
            "en": "Workspace '{name}' opened: {n} table(s) and your settings are back.",
        },
        "share.delete": {"fr": "Supprimer…", "en": "Delete…"},
        "share.delete_confirm": {
            "fr": "Supprimer définitivement « {name} »",
            "en": "Delete '{name}' for good",
        },
        "share.deleted": {
            "fr": "Espace de travail « {name} » supprimé.",
            "en": "Workspace '{name}' deleted.",
        },
        "share.where": {"fr": "Stockage : {backend}", "en": "Storage: {backend}"},
        "share.exists": {
            "fr": "Un espace de travail s'appelle déjà « {name} » (enregistré le {when}). Le remplacer par l'analyse en cours ? L'ancienne version sera perdue.",
            "en": "A workspace is already called '{name}' (saved on {when}). Replace it with the current analysis? The previous version will be lost.",
        },
        "share.replace": {"fr": "Remplacer", "en": "Replace"},
        "share.cancel": {"fr": "Annuler", "en": "Cancel"},
        "share.visible_to_all": {
            "fr": "Connexion désactivée sur ce serveur : tout visiteur voit les espaces de travail enregistrés ici, peut les ouvrir, les remplacer et les supprimer. N'y enregistrez rien que tous ne doivent pas voir ; l'administrateur peut activer la connexion (docs/hosting.md, section 3).",
            "en": "Login is off on this server: every visitor sees the workspaces saved here and can open, replace and delete them. Save nothing here that not everyone may see; the administrator can turn login on (docs/hosting.md, section 3).",
        },
    }  # fmt: skip
)


# ---------------------------------------------------------------------------------------------
# Who owns the workspaces, and where they are


# ---------------------------------------------------------------------------------------------
# Actions (button callbacks: they run before the page is drawn, so it shows their result)


def _notice(kind: str, text: str) -> None:
    """A message shown at the next run; ``text`` is Markdown (data in it made inert)."""
    st.session_state["share_notice"] = (kind, text)


def _error(exc: BaseException) -> None:
    if isinstance(exc, PiloteError):
        _notice("error", inert(exc.message(lang())))
    else:
        st.session_state["share_failure"] = exc


def _save(who: str, confirmed: str | None = None) -> None:
    """Save under the typed name; when a workspace has that name already, ask first (the
    page shows the question) unless ``confirmed`` is that name."""
    name = confirmed if confirmed is not None else st.session_state.get("share_name") or ""
    st.session_state.pop("share_confirm", None)
    try:
        ws_store = store()
        clean = validate_name(name)
        existing = next((w for w in ws_store.list(who) if w.name == clean), None)
        if existing is not None and confirmed != clean:
            st.session_state["share_confirm"] = (clean, _local_time(existing.updated_at))
            return
        saved = ws_store.save(
            Workspace(
                name=clean,
                owner=who,
                tables=list(tables().values()),
                settings=analysis().to_dict(),
            )
        )
    except Exception as exc:  # shown by the page
        _error(exc)
        return
    key = "share.replaced" if existing is not None else "share.saved"
    _notice("success", tr(key, name=inert(saved.name)))


def _cancel_save() -> None:
    st.session_state.pop("share_confirm", None)


def _open(who: str) -> None:
    name = st.session_state.get("share_pick")
    try:
        workspace = store().load(who, name)
    except Exception as exc:  # shown by the page
        _error(exc)
        return
    for old in list(tables()):
        remove_table(old)
    for table in workspace.tables:
        put_table(table)
    open_analysis(workspace.settings)
    clear_session_cache()
    forget_uploads()
    _notice("success", tr("share.opened", name=inert(workspace.name), n=len(workspace.tables)))


def _delete(who: str) -> None:
    name = st.session_state.get("share_pick")
    try:
        store().delete(who, name)
    except Exception as exc:  # shown by the page
        _error(exc)
        return
    st.session_state.pop("share_pick", None)
    _notice("success", tr("share.deleted", name=inert(name)))


# ---------------------------------------------------------------------------------------------
# Reports


def _reports(title: str) -> dict[str, Any]:
    """The report and its files, made once per change of data, settings, language or title."""
    settings = analysis().to_dict()
    period = current_period()

    def make() -> dict[str, Any]:
        options = ReportOptions.from_settings(
            settings, period=period.key, lang=lang(), title=title, currency=currency()
        )
        with st.spinner(tr("share.preparing")):
            report = build_report(loaded(), options, engine=engine())
            return {
                "report": report,
                "xlsx": to_excel(report),
                "html": to_html(report).encode("utf-8"),
            }

    params = (json.dumps(settings, sort_keys=True, default=str), period.key, title, currency())
    return session_cached("share_report", make, *params, keep=1)


def _local_time(when: dt.datetime) -> str:
    tz: Any = dt.UTC
    try:
        if st.context.timezone:
            tz = ZoneInfo(st.context.timezone)
    except Exception:  # an unknown zone name from the browser: UTC
        tz = dt.UTC
    return format_datetime(when, "medium", tzinfo=tz, locale=i18n.locale(lang()))


L = lang()
st.title(tr("share.title"))

st.subheader(tr("share.reports"))
if not loaded():
    st.info(tr("share.no_data"))
else:
    period = current_period()
    title = st.text_input(
        tr("share.report_title"),
        key="share_title",
        placeholder=i18n.t("report.default_title", L, period=period_label(period)),
        max_chars=200,
    )
    try:
        made = _reports(title.strip())
    except Exception as exc:  # a user-fixable problem shows its message; a bug is logged
        show_error(exc)
    else:
        report = made["report"]
        st.markdown(
            tr(
                "share.context",
                period=inert(report.period_text()),
                n=len(report.rows),
                charts=len(report.trends),
                alerts=len(report.alerts),
            )
        )
        c1, c2 = st.columns(2)
        c1.download_button(
            tr("share.excel"),
            data=made["xlsx"],
            file_name=file_name(report, "xlsx"),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="share_dl_xlsx",
            on_click="ignore",
            type="primary",
            icon=":material/table_view:",
            width="stretch",
        )
        c2.download_button(
            tr("share.html"),
            data=made["html"],
            file_name=file_name(report, "html"),
            mime="text/html",
            key="share_dl_html",
            on_click="ignore",
            type="primary",
            icon=":material/print:",
            width="stretch",
        )
        frames = report.tables()
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        pick = c1.selectbox(tr("share.csv_pick"), list(frames), key="share_csv_pick")
        c2.download_button(
            tr("share.csv"),
            data=to_csv_bytes(frames[pick], L),
            file_name=f"{Path(file_name(report, 'csv')).stem}-{slug(pick, 'table')}.csv",
            mime="text/csv",
            key="share_dl_csv",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
        st.caption(tr("share.pdf_hint"))

st.subheader(tr("share.workspaces"))
st.caption(tr("share.workspaces_intro"))
notice = st.session_state.pop("share_notice", None)
failure = st.session_state.pop("share_failure", None)
if failure is not None:
    show_error(failure)
if notice is not None:
    (st.success if notice[0] == "success" else st.error)(notice[1])

who = owner()
if who is None:
    st.info(tr("share.login_needed"), icon=":material/lock:")
    if st.button(tr("share.login"), key="share_login", type="primary", icon=":material/login:"):
        st.login()
    st.stop()
if who != LOCAL_OWNER:
    shown = st.user.get("name") or st.user.get("email") or st.user.get("sub")
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    c1.caption(tr("share.signed_in", who=inert(shown)))
    if c2.button(tr("share.logout"), key="share_logout", icon=":material/logout:"):
        st.logout()

if who == LOCAL_OWNER:
    st.info(tr("share.visible_to_all"), icon=":material/group:")

try:
    ws_store = store()
    saved = ws_store.list(who)
except Exception as exc:  # the database is down or misconfigured: say so, keep the page
    show_error(exc)
    st.stop()

with st.form("share_save_form", clear_on_submit=False, border=True):
    st.text_input(
        tr("share.name"),
        key="share_name",
        max_chars=MAX_NAME_LENGTH,
        placeholder=tr("share.name_placeholder"),
    )
    st.form_submit_button(
        tr("share.save"),
        icon=":material/save:",
        disabled=not loaded(),
        on_click=_save,
        args=(who,),
        help=None if loaded() else tr("share.save_needs_data"),
    )

pending = st.session_state.get("share_confirm")
if pending is not None:
    pending_name, pending_when = pending
    with st.container(border=True):
        st.warning(
            tr("share.exists", name=inert(pending_name), when=pending_when),
            icon=":material/warning:",
        )
        c1, c2, _ = st.columns([1, 1, 3])
        c1.button(
            tr("share.replace"),
            key="share_replace",
            type="primary",
            on_click=_save,
            args=(who, pending_name),
        )
        c2.button(tr("share.cancel"), key="share_cancel", on_click=_cancel_save)

if not saved:
    st.caption(tr("share.none_saved"))
else:
    st.dataframe(
        pd.DataFrame(
            {
                tr("share.col_name"): [w.name for w in saved],
                tr("share.col_tables"): [", ".join(w.tables) for w in saved],
                tr("share.col_updated"): [_local_time(w.updated_at) for w in saved],
                tr("share.col_size"): [round(w.size_bytes / 1024) for w in saved],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    names = [w.name for w in saved]
    if st.session_state.get("share_pick") not in names:
        st.session_state["share_pick"] = names[0]
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    c1.selectbox(tr("share.pick"), names, key="share_pick")
    c2.button(
        tr("share.open"),
        key="share_open",
        type="primary",
        icon=":material/folder_open:",
        on_click=_open,
        args=(who,),
        help=tr("share.open_help"),
        width="stretch",
    )
    with c3.popover(tr("share.delete"), icon=":material/delete:", width="stretch"):
        st.button(
            tr("share.delete_confirm", name=inert(st.session_state["share_pick"])),
            key="share_delete",
            on_click=_delete,
            args=(who,),
        )
st.caption(tr("share.where", backend=store().backend))
