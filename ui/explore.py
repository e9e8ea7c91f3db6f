"""Helpers shared by the explore pages (trends, funnel, customers, team): the sidebar, the
facts of a table, charts with their table and downloads, formatted tables. Aggregates are cached
with :func:`ui.cache.session_cached`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st
from babel.dates import format_date

from kpi import i18n
from kpi.data import ROLE_IDS
from kpi.errors import PiloteError
from kpi.explore import Facts, facts_for
from kpi.metrics import Engine, Period
from kpi.share import to_csv_bytes, to_excel_bytes
from ui.analysis import (
    currency,
    engine,
    filter_controls,
    loaded,
    period_controls,
    role_title,
)
from ui.cache import DATA, FILTERS, STATUSES, session_cached
from ui.markup import inert
from ui.shell import page_sidebar
from ui.state import lang, show_error, tr

log = logging.getLogger("pilote")


def sidebar() -> tuple[Period, Engine]:
    """The shared period and filter controls; the period chosen and the engine."""
    with page_sidebar():
        period = period_controls()
        filter_controls()
    return period, engine()


def facts(kind: str) -> Facts | None:
    """Facts of the first table of ``kind`` under the current filters and statuses (cached:
    only the current ones are kept, they can hold a million rows)."""
    return session_cached(
        "facts", lambda: facts_for(engine(), kind), kind, depends=(DATA, FILTERS, STATUSES), keep=3
    )


def need_data(page_title_key: str) -> None:
    """Title, and stop with a pointer to the Data page when nothing is loaded."""
    st.title(tr(page_title_key))
    if not loaded():
        st.info(tr("explore.no_tables"))
        st.page_link("pages/data.py", label=tr("home.start"), icon=":material/upload_file:")
        st.stop()


def no_data() -> None:
    """The message for an empty selection."""
    st.info(tr("explore.no_data"), icon=":material/filter_alt_off:")


def role_name(role: str) -> str:
    """A role's name in the user's language; with the column's name when a lookup table
    brought it (``Équipe (manager)``, joined from ``sales_teams.csv``)."""
    return role_namer(lang())(role)


def role_namer(lang_: str) -> Callable[[str], str]:
    """A ``format_func`` naming roles in ``lang_`` (bound now: widgets may call it later)."""
    # Named now, in the script's thread: a format_func may be called outside it (AppTest).
    names = {role: role_title(role, lang_) for role in ROLE_IDS}
    return lambda role: names.get(role, role)


def t(lang_: str, key: str, **params: Any) -> str:
    """A message in ``lang_`` (for ``format_func``, which must not read the session)."""
    return i18n.t(key, lang_, **params)


def fmt(value: Any, unit: str) -> str:
    """A number in the user's language and the data's currency."""
    return i18n.format_value(value, unit, lang(), currency())


def fmt_date(value: Any) -> str:
    """A date in the user's language: ``1 janv. 2025`` / ``1 Jan 2025``."""
    return format_date(pd.Timestamp(value).date(), "medium", locale=i18n.locale(lang()))


def formatted(
    df: pd.DataFrame, units: Mapping[str, str], headers: Mapping[str, str]
) -> pd.DataFrame:
    """A table for display: numbers formatted (``1 234,50 €``, ``12,5 %``, ``–``) and
    columns renamed; columns not in ``headers`` are dropped."""
    out = pd.DataFrame(index=df.index)
    for col, header in headers.items():
        if col not in df.columns:
            continue
        unit = units.get(col)
        out[header] = [fmt(v, unit) for v in df[col]] if unit else df[col].astype(str)
    return out.reset_index(drop=True)


def export_table(df: pd.DataFrame, headers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The table behind a chart with readable headers (numbers kept as numbers)."""
    if headers is None:
        return df.reset_index(drop=True)
    cols = [c for c in headers if c in df.columns]
    return df[cols].rename(columns=dict(headers)).reset_index(drop=True)


def downloads(table: pd.DataFrame, name: str, key: str) -> None:
    """CSV and Excel buttons for ``table`` (files made only when clicked)."""
    L = lang()
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(
        tr("explore.csv"),
        data=lambda: to_csv_bytes(table, L),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv-{key}",
        icon=":material/download:",
        on_click="ignore",
    )
    c2.download_button(
        tr("explore.excel"),
        data=lambda: to_excel_bytes(table, name),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{key}",
        icon=":material/table_view:",
        on_click="ignore",
    )


def show_chart(
    chart: Any,
    table: pd.DataFrame,
    name: str,
    key: str,
    display: pd.DataFrame | None = None,
) -> None:
    """The chart, then a collapsed table behind it with its CSV/Excel downloads."""
    st.altair_chart(chart, width="stretch")
    with st.expander(tr("explore.table")):
        st.dataframe(display if display is not None else table, hide_index=True, width="stretch")
        downloads(table, name, key)


def guarded(fn: Callable[[], Any]) -> Any:
    """Run a section; a user-fixable problem shows its message, a bug is logged."""
    try:
        return fn()
    except PiloteError as exc:
        st.info(inert(exc.message(lang())))
    except Exception as exc:  # one failing section must not take the page down
        show_error(exc)
    return None


escape = inert
"""Data-derived text made inert in Markdown: :func:`ui.markup.inert`, the one helper."""


i18n.add_messages(
    {
        "nav.trends": {"fr": "Tendances", "en": "Trends"},
        "nav.funnel": {"fr": "Entonnoir", "en": "Funnel"},
        "nav.customers": {"fr": "Clients", "en": "Customers"},
        "nav.team": {"fr": "Équipe", "en": "Team"},
        "explore.no_tables": {
            "fr": "Aucune donnée chargée : commencez par la page Données.",
            "en": "No data loaded: start with the Data page.",
        },
        "explore.no_data": {
            "fr": "Aucune donnée pour ce filtre.",
            "en": "No data for this filter.",
        },
        "explore.table": {"fr": "Tableau des données du graphique", "en": "Data behind the chart"},
        "explore.csv": {"fr": "CSV", "en": "CSV"},
        "explore.excel": {"fr": "Excel", "en": "Excel"},
        # Trends
        "explore.trends.title": {"fr": "Tendances", "en": "Trends"},
        "explore.trends.intro": {
            "fr": "Quels mois, quels segments ? Une mesure dans le temps, ses anomalies, sa "
            "prévision, et ce qui a fait bouger le chiffre entre deux périodes. Les filtres "
            "s'appliquent ; la période choisie sert à la comparaison.",
            "en": "Which months, which segments? A measure over time, its anomalies, its "
            "forecast, and what moved the figure between two periods. Filters apply; the "
            "period chosen is the one compared.",
        },
        "explore.trends.what": {"fr": "Mesure ou indicateur", "en": "Measure or KPI"},
        "explore.trends.kpi_suffix": {"fr": "{label} (indicateur)", "en": "{label} (KPI)"},
        "explore.trends.freq": {"fr": "Granularité", "en": "Granularity"},
        "explore.freq.day": {"fr": "Jour", "en": "Day"},
        "explore.freq.week": {"fr": "Semaine", "en": "Week"},
        "explore.freq.month": {"fr": "Mois", "en": "Month"},
        "explore.freq.quarter": {"fr": "Trimestre", "en": "Quarter"},
        "explore.trends.last_year": {"fr": "Comparer à N-1", "en": "Compare with last year"},
        "explore.trends.moving_avg": {"fr": "Moyenne mobile", "en": "Moving average"},
        "explore.trends.anomalies": {"fr": "Anomalies", "en": "Anomalies"},
        "explore.trends.forecast": {"fr": "Prévision", "en": "Forecast"},
        "explore.trends.series_title": {"fr": "{label} par {freq}", "en": "{label} by {freq}"},
        "explore.trends.no_anomaly": {
            "fr": "Aucune anomalie : chaque période reste dans sa fourchette habituelle.",
            "en": "No anomaly: every period stays within its usual range.",
        },
        "explore.trends.no_forecast": {
            "fr": "Pas de prévision pour cette série.",
            "en": "No forecast for this series.",
        },
        "explore.trends.breakdown": {"fr": "Par segment", "en": "By segment"},
        "explore.trends.by": {"fr": "Découper par", "en": "Break down by"},
        "explore.trends.top": {"fr": "Segments montrés", "en": "Segments shown"},
        "explore.trends.no_dims": {
            "fr": "Aucune colonne de segment (région, produit, canal…) dans ce tableau.",
            "en": "No segment column (region, product, channel…) in this table.",
        },
        "explore.trends.kpi_no_breakdown": {
            "fr": "Le découpage par segment et les contributions portent sur les mesures "
            "(CA, commandes, affaires, leads…) ; les indicateurs du catalogue se filtrent "
            "dans la barre latérale.",
            "en": "Breakdowns and contributions work on measures (revenue, orders, deals, "
            "leads…); catalogue KPIs can be filtered in the sidebar.",
        },
        "explore.partial": {"fr": "en cours", "en": "in progress"},
        "explore.trends.not_comparable": {
            "fr": "{why} Les variations se comparent entre périodes complètes : choisissez-en "
            "une dans la barre latérale.",
            "en": "{why} Changes are compared between whole periods: pick one in the sidebar.",
        },
        "explore.trends.drivers": {
            "fr": "Ce qui a fait bouger le chiffre",
            "en": "What drove the change",
        },
        "explore.trends.compare_with": {"fr": "Comparer avec", "en": "Compare with"},
        "explore.trends.previous": {"fr": "La période précédente", "en": "The previous period"},
        "explore.trends.year_before": {
            "fr": "La même période N-1",
            "en": "The same period last year",
        },
        "explore.trends.pick_period": {
            "fr": "Choisissez un mois, un trimestre ou une année dans la barre latérale pour "
            "comparer deux périodes.",
            "en": "Pick a month, quarter or year in the sidebar to compare two periods.",
        },
        "explore.trends.change_line": {
            "fr": "{measure} : {current} sur {period} contre {base} sur {base_period} ({delta}).",
            "en": "{measure}: {current} in {period} against {base} in {base_period} ({delta}).",
        },
        "explore.trends.pvm": {"fr": "Prix, volume, mix", "en": "Price, volume, mix"},
        "explore.trends.pvm_help": {
            "fr": "Volume : plus ou moins d'unités au prix moyen de la référence. Mix : "
            "vendre davantage d'articles chers (ou bon marché). Prix : prix réalisés en hausse "
            "ou en baisse. Le reste vient des articles nouveaux, arrêtés ou seulement "
            "retournés.",
            "en": "Volume: more or fewer units at the base period's average price. Mix: "
            "selling more of the dearer (or cheaper) items. Price: realised prices up or down. "
            "The rest comes from new, discontinued or returns-only items.",
        },
        "explore.col.period": {"fr": "Période", "en": "Period"},
        "explore.col.start": {"fr": "Début", "en": "Start"},
        "explore.col.value": {"fr": "Valeur", "en": "Value"},
        "explore.col.last_year": {"fr": "N-1", "en": "Last year"},
        "explore.col.moving_avg": {"fr": "Moyenne mobile", "en": "Moving average"},
        "explore.col.expected": {"fr": "Attendu", "en": "Expected"},
        "explore.col.score": {"fr": "Écart robuste", "en": "Robust deviation"},
        "explore.col.anomaly": {"fr": "Anomalie", "en": "Anomaly"},
        "explore.col.partial": {"fr": "En cours", "en": "In progress"},
        "explore.col.not_judged": {"fr": "Non jugé", "en": "Not judged"},
        "explore.col.forecast": {"fr": "Prévision", "en": "Forecast"},
        "explore.col.lower": {"fr": "Borne basse (80 %)", "en": "Lower (80%)"},
        "explore.col.upper": {"fr": "Borne haute (80 %)", "en": "Upper (80%)"},
        "explore.col.segment": {"fr": "Segment", "en": "Segment"},
        "explore.col.base": {"fr": "Référence", "en": "Base"},
        "explore.col.current": {"fr": "Période étudiée", "en": "Current"},
        "explore.col.delta": {"fr": "Variation", "en": "Change"},
        "explore.col.share": {"fr": "Part de la variation", "en": "Share of the change"},
        "explore.col.growth_points": {
            "fr": "Contribution à la croissance",
            "en": "Contribution to growth",
        },
        "explore.col.step": {"fr": "Effet", "en": "Effect"},
        "explore.col.item": {"fr": "Article", "en": "Item"},
        "explore.col.q0": {"fr": "Quantité (réf.)", "en": "Quantity (base)"},
        "explore.col.q1": {"fr": "Quantité", "en": "Quantity"},
        "explore.col.r0": {"fr": "CA (réf.)", "en": "Revenue (base)"},
        "explore.col.r1": {"fr": "CA", "en": "Revenue"},
        "explore.col.p0": {"fr": "Prix réalisé (réf.)", "en": "Realised price (base)"},
        "explore.col.p1": {"fr": "Prix réalisé", "en": "Realised price"},
        # Funnel
        "explore.funnel.title": {"fr": "Entonnoir", "en": "Funnel"},
        "explore.funnel.intro": {
            "fr": "Où les affaires calent-elles ? Étapes du pipeline, taux de transformation "
            "par source, commercial et segment, pipeline ouvert et vélocité, puis l'entonnoir "
            "des leads et la comparaison des sources.",
            "en": "Where do deals stall? Pipeline stages, win rate by source, rep and segment, "
            "open pipeline and velocity, then the lead funnel and a comparison of sources.",
        },
        "explore.funnel.no_deals": {
            "fr": "Chargez un export d'opportunités (étape ou statut gagné/perdu) pour voir "
            "l'entonnoir des affaires.",
            "en": "Load an opportunities export (stage or won/lost flag) to see the deal funnel.",
        },
        "explore.funnel.stages": {"fr": "Ordre des étapes", "en": "Stage order"},
        "explore.funnel.stages_help": {
            "fr": "Ordre déduit des noms d'étapes (vocabulaires CRM français et anglais) ou des "
            "données. Pour le corriger, videz la liste et choisissez les étapes dans l'ordre.",
            "en": "Order inferred from the stage names (French and English CRM vocabularies) "
            "or from the data. To fix it, clear the list and pick the stages in order.",
        },
        "explore.funnel.chart": {
            "fr": "Affaires créées sur la période, par étape atteinte",
            "en": "Deals created in the period, by stage reached",
        },
        "explore.funnel.by": {"fr": "Comparer par", "en": "Compare by"},
        "explore.funnel.stages_placeholder": {
            "fr": "Choisissez les étapes dans l'ordre",
            "en": "Pick the stages in order",
        },
        "explore.funnel.metric": {"fr": "Indicateur", "en": "Metric"},
        "explore.funnel.pipeline": {
            "fr": "Pipeline ouvert par étape",
            "en": "Open pipeline by stage",
        },
        "explore.funnel.velocity_help": {
            "fr": "Vélocité = affaires ouvertes × taux de transformation × montant moyen / "
            "durée du cycle : {open} × {win_rate} × {size} / {cycle}.",
            "en": "Velocity = open deals × win rate × average deal size / cycle length: "
            "{open} × {win_rate} × {size} / {cycle}.",
        },
        "explore.funnel.leads": {"fr": "Entonnoir des leads", "en": "Lead funnel"},
        "explore.funnel.sources": {"fr": "Sources de leads", "en": "Lead sources"},
        "explore.funnel.no_leads": {
            "fr": "Chargez un export de leads (avec une colonne Converti) pour l'entonnoir des "
            "leads et la comparaison des sources.",
            "en": "Load a leads export (with a Converted column) for the lead funnel and the "
            "comparison of sources.",
        },
        "explore.funnel.source_metric": {
            "fr": "Comparer les sources sur",
            "en": "Compare sources on",
        },
        "explore.col.stage": {"fr": "Étape", "en": "Stage"},
        "explore.col.reached": {"fr": "Atteinte", "en": "Reached"},
        "explore.col.conversion": {"fr": "Conversion (étape)", "en": "Conversion (step)"},
        "explore.col.overall": {"fr": "Conversion (globale)", "en": "Conversion (overall)"},
        "explore.col.drop_off": {"fr": "Perdues", "en": "Dropped"},
        "explore.col.drop_rate": {"fr": "Taux de perte", "en": "Drop rate"},
        "explore.col.won": {"fr": "Gagnées", "en": "Won"},
        "explore.col.lost": {"fr": "Perdues", "en": "Lost"},
        "explore.col.win_rate": {"fr": "Taux de transformation", "en": "Win rate"},
        "explore.col.avg_deal_size": {"fr": "Montant moyen gagné", "en": "Average deal size"},
        "explore.col.cycle_days": {"fr": "Cycle moyen", "en": "Average cycle"},
        "explore.col.won_value": {"fr": "Montant gagné", "en": "Won value"},
        "explore.col.deals_won": {"fr": "Affaires gagnées", "en": "Deals won"},
        "explore.col.deals": {"fr": "Affaires", "en": "Deals"},
        "explore.col.amount": {"fr": "Montant", "en": "Amount"},
        "explore.col.source": {"fr": "Source", "en": "Source"},
        "explore.col.leads": {"fr": "Leads", "en": "Leads"},
        "explore.col.converted": {"fr": "Convertis", "en": "Converted"},
        "explore.col.lead_conversion": {"fr": "Taux de conversion", "en": "Conversion rate"},
        "explore.col.spend": {"fr": "Dépenses", "en": "Spend"},
        "explore.col.cost_per_lead": {"fr": "Coût par lead", "en": "Cost per lead"},
        "explore.col.won_deals": {"fr": "Affaires gagnées", "en": "Deals won"},
        "explore.col.revenue": {"fr": "CA", "en": "Revenue"},
        # Customers
        "explore.customers.title": {"fr": "Clients", "en": "Customers"},
        "explore.customers.intro": {
            "fr": "Qui reste, qui part, combien valent vos clients et que faire pour chaque "
            "groupe. RFM et CLV prédictive portent sur l'historique jusqu'à la fin de la "
            "période choisie.",
            "en": "Who stays, who leaves, what your customers are worth and what to do for "
            "each group. RFM and predicted CLV use the history up to the end of the period "
            "chosen.",
        },
        "explore.customers.no_orders": {
            "fr": "Chargez un export de commandes avec une colonne Client et une colonne Date.",
            "en": "Load an orders export with a Customer and a Date column.",
        },
        "explore.customers.cohorts": {"fr": "Rétention par cohorte", "en": "Retention by cohort"},
        "explore.customers.cohort_help": {
            "fr": "Chaque ligne : les clients dont le premier achat tombe dans cette période ; "
            "chaque case : la part d'entre eux qui a de nouveau acheté n périodes plus tard.",
            "en": "Each row: the customers whose first purchase falls in that period; each "
            "cell: the share of them who bought again n periods later.",
        },
        "explore.customers.churn": {
            "fr": "Attrition et réachat",
            "en": "Churn and repeat purchases",
        },
        "explore.customers.churn_chart": {
            "fr": "Par mois : les clients du mois précédent qui n'ont pas racheté.",
            "en": "By month: the customers of the previous month who did not buy again.",
        },
        "explore.customers.repeat_chart": {
            "fr": "Par mois : les clients qui ont passé au moins 2 commandes dans le mois.",
            "en": "By month: the customers who placed at least 2 orders in the month.",
        },
        "explore.customers.clv": {"fr": "Valeur vie client", "en": "Customer lifetime value"},
        "explore.customers.clv_inputs": {
            "fr": "CLV historique = CA par client sur 12 mois ({rpc}) × taux de marge ({margin}) "
            "/ attrition annuelle ({churn}), sur la fenêtre {start} → {end}.",
            "en": "Historical CLV = revenue per customer over 12 months ({rpc}) × margin "
            "({margin}) / yearly churn ({churn}), over {start} → {end}.",
        },
        "explore.customers.predicted": {
            "fr": "CLV prédictive (BG/NBD + Gamma-Gamma)",
            "en": "Predicted CLV (BG/NBD + Gamma-Gamma)",
        },
        "explore.customers.predicted_help": {
            "fr": "Pour chaque client : achats attendus sur les 12 prochains mois × montant "
            "attendu par achat{margin}, d'après la fréquence, l'ancienneté et la récence de ses "
            "achats. Probabilité d'être encore actif : le client n'est pas parti sans le dire.",
            "en": "For each customer: expected purchases over the next 12 months × expected "
            "value per purchase{margin}, from how often, how long and how recently they "
            "bought. Probability of being active: the customer has not silently left.",
        },
        "explore.customers.margin_note": {"fr": " × taux de marge", "en": " × margin"},
        "explore.customers.repeat_alive": {
            "fr": "Probabilité d'être actif (clients ayant racheté)",
            "en": "Probability active (repeat customers)",
        },
        "explore.customers.predicted_total": {
            "fr": "Valeur attendue sur 12 mois",
            "en": "Expected value over 12 months",
        },
        "explore.customers.alive_chart": {
            "fr": "Clients par probabilité d'être encore actifs",
            "en": "Customers by probability of being still active",
        },
        "explore.customers.top": {
            "fr": "Clients les plus précieux",
            "en": "Most valuable customers",
        },
        "explore.customers.rfm": {"fr": "Segments RFM", "en": "RFM segments"},
        "explore.customers.rfm_help": {
            "fr": "Récence (jours depuis le dernier achat), fréquence (commandes) et montant "
            "(CA) notés de 1 à 5 par quintile ; le segment vient de la récence et de la "
            "fréquence.",
            "en": "Recency (days since the last purchase), frequency (orders) and monetary "
            "value (revenue) scored 1 to 5 by quintile; the segment comes from recency and "
            "frequency.",
        },
        "explore.customers.rfm_customers": {
            "fr": "Liste des clients avec leurs scores",
            "en": "Customer list with scores",
        },
        "explore.customers.satisfaction": {"fr": "Satisfaction", "en": "Satisfaction"},
        "explore.customers.no_survey": {
            "fr": "Chargez des réponses d'enquête (note NPS ou CSAT) pour suivre la satisfaction.",
            "en": "Load survey answers (NPS or CSAT score) to follow satisfaction.",
        },
        "explore.customers.sat_by": {"fr": "Satisfaction par", "en": "Satisfaction by"},
        "explore.col.cohort": {"fr": "Cohorte", "en": "Cohort"},
        "explore.col.offset": {"fr": "Périodes après", "en": "Periods after"},
        "explore.col.customers": {"fr": "Clients", "en": "Customers"},
        "explore.col.size": {"fr": "Taille", "en": "Size"},
        "explore.col.retention": {"fr": "Rétention", "en": "Retention"},
        "explore.col.rfm_segment": {"fr": "Segment", "en": "Segment"},
        "explore.col.share_customers": {"fr": "Part des clients", "en": "Share of customers"},
        "explore.col.revenue_share": {"fr": "Part du CA", "en": "Share of revenue"},
        "explore.col.avg_recency_days": {"fr": "Récence moyenne", "en": "Average recency"},
        "explore.col.avg_orders": {"fr": "Commandes moyennes", "en": "Average orders"},
        "explore.col.action": {"fr": "Action suggérée", "en": "Suggested action"},
        "explore.col.customer": {"fr": "Client", "en": "Customer"},
        "explore.col.orders": {"fr": "Commandes", "en": "Orders"},
        "explore.col.p_alive": {"fr": "Probabilité d'être actif", "en": "Probability active"},
        "explore.col.expected_purchases": {
            "fr": "Achats attendus (12 mois)",
            "en": "Expected purchases (12 months)",
        },
        "explore.col.expected_spend": {
            "fr": "Montant attendu par achat",
            "en": "Expected spend per purchase",
        },
        "explore.col.clv": {"fr": "CLV prédictive", "en": "Predicted CLV"},
        "explore.col.band": {"fr": "Probabilité d'être actif", "en": "Probability active"},
        "explore.col.recency_days": {
            "fr": "Jours depuis le dernier achat",
            "en": "Days since last purchase",
        },
        "explore.col.r": {"fr": "R", "en": "R"},
        "explore.col.f": {"fr": "F", "en": "F"},
        "explore.col.m": {"fr": "M", "en": "M"},
        "explore.col.answers": {"fr": "Réponses", "en": "Answers"},
        "explore.col.nps": {"fr": "NPS", "en": "NPS"},
        "explore.col.csat": {"fr": "CSAT", "en": "CSAT"},
        # Team
        "explore.team.title": {"fr": "Équipe", "en": "Team"},
        "explore.team.intro": {
            "fr": "Qui a besoin d'aide ? Classement des commerciaux sur la période, objectifs "
            "et rythme, et le détail d'un commercial face à l'équipe.",
            "en": "Who needs help? Reps ranked over the period, targets and pacing, and one "
            "rep's detail against the team.",
        },
        "explore.team.no_reps": {
            "fr": "Aucune colonne Commercial ni Équipe dans les données chargées.",
            "en": "No Sales rep or Team column in the loaded data.",
        },
        "explore.team.by": {"fr": "Classer par", "en": "Rank by"},
        "explore.team.leaderboard": {"fr": "Classement", "en": "Leaderboard"},
        "explore.team.metric": {"fr": "Indicateur du graphique", "en": "Chart metric"},
        "explore.team.median_note": {
            "fr": "Trait rouge : médiane de l'équipe.",
            "en": "Red line: team median.",
        },
        "explore.team.totals": {"fr": "Toute l'équipe", "en": "Whole team"},
        "explore.team.attainment": {"fr": "Objectifs et rythme", "en": "Targets and pacing"},
        "explore.team.attainment_help": {
            "fr": "Atteinte = réalisé / objectif ; rythme = atteinte / part de la période "
            "écoulée (au-dessus de 100 % : en avance).",
            "en": "Attainment = actual / target; pacing = attainment / share of the period "
            "elapsed (above 100%: ahead).",
        },
        "explore.team.no_targets": {
            "fr": "Chargez un tableau d'objectifs par commercial pour suivre l'atteinte.",
            "en": "Load a targets table per rep to follow attainment.",
        },
        "explore.team.drill": {"fr": "Détail d'un commercial", "en": "One rep in detail"},
        "explore.team.drill_by": {"fr": "Détail : {role}", "en": "In detail: {role}"},
        "explore.team.member": {"fr": "Commercial", "en": "Rep"},
        "explore.team.rank": {"fr": "{rank}ᵉ sur {of}", "en": "Ranked {rank} of {of}"},
        "explore.team.vs_team": {
            "fr": "équipe (médiane) : {median}",
            "en": "team (median): {median}",
        },
        "explore.team.monthly": {
            "fr": "CA mensuel et objectif (pointillés)",
            "en": "Monthly revenue and target (dashed)",
        },
        "explore.team.helps": {
            "fr": "À accompagner sur : {items}.",
            "en": "Needs help on: {items}.",
        },
        "explore.team.strengths": {"fr": "Points forts : {items}.", "en": "Strengths: {items}."},
        "explore.col.member": {"fr": "Nom", "en": "Name"},
        "explore.col.rank": {"fr": "Rang", "en": "Rank"},
        "explore.col.target": {"fr": "Objectif", "en": "Target"},
        "explore.col.attainment": {"fr": "Atteinte", "en": "Attainment"},
        "explore.col.pacing": {"fr": "Rythme", "en": "Pacing"},
        "explore.col.kpi": {"fr": "Indicateur", "en": "KPI"},
        "explore.col.team_median": {"fr": "Médiane équipe", "en": "Team median"},
        "explore.col.team_best": {"fr": "Meilleur", "en": "Best"},
        "explore.col.flag": {"fr": "Lecture", "en": "Reading"},
    }
)


# -- Subscriptions page (issue 15) ------------------------------------------------------------
i18n.add_messages(
    {
        "nav.subscriptions": {"fr": "Abonnements", "en": "Subscriptions"},
        "explore.subs.title": {"fr": "Abonnements", "en": "Subscriptions"},
        "explore.subs.intro": {
            "fr": "Le revenu récurrent de la table d'abonnements : d'où vient la variation du MRR "
            "sur la période, mois par mois, ce que les clients de chaque cohorte rapportent "
            "encore, et qui est derrière chaque mouvement. Les filtres s'appliquent ; les "
            "montants sont mensuels (un abonnement annuel compte pour un douzième).",
            "en": "Recurring revenue from the subscriptions table: where the period's change of "
            "MRR comes from, month by month, what each cohort of customers still brings in, "
            "and who is behind each movement. Filters apply; amounts are monthly (a yearly "
            "plan counts for one twelfth).",
        },
        "explore.subs.no_table": {
            "fr": "Aucune table d'abonnements chargée. Chargez l'export des abonnements de votre "
            "outil de facturation (Stripe, Chargebee…) ou un tableau avec un client, une date "
            "de début, un prix et une périodicité.",
            "en": "No subscriptions table loaded. Load the subscriptions export of your billing "
            "tool (Stripe, Chargebee…) or a table with a customer, a start date, a price and "
            "a billing interval.",
        },
        "explore.subs.currency": {"fr": "Devise", "en": "Currency"},
        "explore.subs.currency_help": {
            "fr": "Les abonnements sont en {n} devises : les montants ne sont jamais additionnés "
            "d'une devise à l'autre, la page en montre une à la fois.",
            "en": "The subscriptions are in {n} currencies: amounts are never added across "
            "currencies, the page shows one at a time.",
        },
        "explore.subs.partial": {
            "fr": "Les abonnements s'arrêtent au {date} : {period} n'est pas terminé, le MRR "
            "de fin est celui de ce jour-là.",
            "en": "The subscriptions run to {date}: {period} is not over, the ending MRR is "
            "that day's.",
        },
        "explore.subs.waterfall": {
            "fr": "Cascade du MRR — {period}",
            "en": "MRR waterfall — {period}",
        },
        "explore.subs.waterfall_help": {
            "fr": "MRR de début (fin du mois précédent) + nouveaux + réactivations + expansion − "
            "contraction − churn = MRR de fin (dernier jour de la période à 23:59:59). Les "
            "mouvements d'un trimestre ou d'une année additionnent ceux de ses mois.",
            "en": "Starting MRR (end of the previous month) + new + reactivation + expansion − "
            "contraction − churn = ending MRR (the period's last day at 23:59:59). A quarter's "
            "or a year's movements add up those of its months.",
        },
        "explore.subs.over_time": {"fr": "Le MRR dans le temps", "en": "MRR over time"},
        "explore.subs.mrr_chart": {
            "fr": "MRR en fin de mois",
            "en": "MRR at each month's end",
        },
        "explore.subs.movements_chart": {
            "fr": "Mouvements du MRR par mois (net en noir)",
            "en": "MRR movements by month (net in black)",
        },
        "explore.subs.cohorts": {
            "fr": "Rétention du revenu par cohorte",
            "en": "Revenue retention by cohort",
        },
        "explore.subs.metric": {"fr": "Mesure", "en": "Measure"},
        "explore.subs.metric.nrr": {"fr": "Rétention nette (NRR)", "en": "Net retention (NRR)"},
        "explore.subs.metric.grr": {"fr": "Rétention brute (GRR)", "en": "Gross retention (GRR)"},
        "explore.subs.cohorts_help.nrr": {
            "fr": "Chaque ligne : les clients dont le premier MRR date de ce mois-là. Chaque "
            "case : leur MRR n mois plus tard rapporté à leur MRR de départ, hausses comprises "
            "(au-dessus de 100 %, la cohorte rapporte plus qu'à ses débuts).",
            "en": "Each row: the customers whose first MRR is in that month. Each cell: their "
            "MRR n months later against their starting MRR, upgrades included (above 100%, "
            "the cohort brings in more than at its start).",
        },
        "explore.subs.cohorts_help.grr": {
            "fr": "Comme la NRR, chaque client plafonné à son MRR de départ : seules les pertes "
            "(baisses et départs) comptent, 100 % au plus.",
            "en": "As NRR with each customer capped at its starting MRR: only losses "
            "(downgrades and cancellations) count, 100% at most.",
        },
        "explore.subs.customers": {
            "fr": "Les clients derrière chaque mouvement — {period}",
            "en": "The customers behind each movement — {period}",
        },
        "explore.subs.customers_help": {
            "fr": "{n} mouvement(s), les plus gros d'abord ; MRR à la fin du mois précédent et "
            "du mois.",
            "en": "{n} movement(s), the largest first; MRR at the end of the previous month and "
            "of the month.",
        },
        "explore.subs.no_movement": {
            "fr": "Aucun mouvement de MRR sur la période.",
            "en": "No MRR movement in the period.",
        },
        "explore.subs.all": {"fr": "Tous les mouvements", "en": "Every movement"},
        "explore.subs.notes": {
            "fr": "Lignes non comptées et remarques",
            "en": "Rows not counted and notes",
        },
        "explore.subs.all_counted": {
            "fr": "Les {rows} lignes de la table sont comptées.",
            "en": "All {rows} rows of the table are counted.",
        },
        "explore.subs.counted": {
            "fr": "{counted} lignes comptées sur {rows} ; les autres sont listées ci-dessus.",
            "en": "{counted} rows counted out of {rows}; the others are listed above.",
        },
        "explore.subs.col.step": {"fr": "Étape", "en": "Step"},
        "explore.subs.col.amount": {"fr": "MRR", "en": "MRR"},
        "explore.subs.col.customers": {"fr": "Clients", "en": "Customers"},
        "explore.subs.col.start_mrr": {"fr": "MRR de début", "en": "Starting MRR"},
        "explore.subs.col.end_mrr": {"fr": "MRR de fin", "en": "Ending MRR"},
        "explore.subs.col.net_new": {"fr": "MRR net nouveau", "en": "Net new MRR"},
        "explore.subs.col.subscribers": {"fr": "Clients abonnés", "en": "Subscribed customers"},
        "explore.subs.col.cohort": {"fr": "Cohorte", "en": "Cohort"},
        "explore.subs.col.age": {"fr": "Mois écoulés", "en": "Months since"},
        "explore.subs.col.cohort_size": {"fr": "Clients de la cohorte", "en": "Cohort customers"},
        "explore.subs.col.active": {"fr": "Encore abonnés", "en": "Still subscribed"},
        "explore.subs.col.cohort_start": {"fr": "MRR de départ", "en": "Starting MRR"},
        "explore.subs.col.mrr": {"fr": "MRR", "en": "MRR"},
        "explore.subs.col.previous_mrr": {"fr": "MRR avant", "en": "MRR before"},
        "explore.subs.col.change": {"fr": "Variation", "en": "Change"},
    }
)
