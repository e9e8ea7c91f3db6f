"""Texts of the app's interface, in French and English."""

from __future__ import annotations

from kpi import i18n

i18n.add_messages(
    {
        "app.title": {"fr": "Pilote", "en": "Pilote"},
        "app.tagline": {
            "fr": "Vos exports de ventes, transformés en indicateurs qui servent vos objectifs.",
            "en": "Your sales exports, turned into the KPIs that serve your goals.",
        },
        "app.language": {"fr": "Langue", "en": "Language"},
        "app.loaded": {"fr": "Données chargées", "en": "Loaded data"},
        "app.nothing_loaded": {
            "fr": "Aucune donnée : commencez par la page Données.",
            "en": "No data yet: start with the Data page.",
        },
        "app.table_line": {"fr": "{kind} · {rows} lignes", "en": "{kind} · {rows} rows"},
        "nav.data": {"fr": "Données", "en": "Data"},
        "nav.home": {"fr": "Accueil", "en": "Home"},
        "home.steps": {
            "fr": "1. **Chargez** vos exports (ou les données de démonstration) : Pilote reconnaît le format et les colonnes.\n2. **Choisissez** vos objectifs : Pilote propose les indicateurs qui les mesurent et les explique.\n3. **Suivez** votre tableau de bord, explorez tendances, entonnoir, clients et équipe, et notez vos leads.",
            "en": "1. **Load** your exports (or the sample data): Pilote recognises the format and the columns.\n2. **Choose** your objectives: Pilote suggests the KPIs that measure them and explains each one.\n3. **Follow** your dashboard, explore trends, funnel, customers and team, and score your leads.",
        },
        "home.start": {"fr": "Commencer : charger des données", "en": "Start: load data"},
        "home.ready": {"fr": "{n} tableau(x) chargé(s).", "en": "{n} table(s) loaded."},
        "home.privacy": {
            "fr": "Vos fichiers restent sur ce serveur : aucun envoi extérieur, aucune télémétrie.",
            "en": "Your files stay on this server: nothing is sent out, no telemetry.",
        },
        "nav.objectives": {"fr": "Objectifs", "en": "Objectives"},
        "nav.dashboard": {"fr": "Tableau de bord", "en": "Dashboard"},
        "obj.title": {"fr": "Vos objectifs", "en": "Your objectives"},
        "obj.intro": {
            "fr": "Dites ce que vous cherchez à améliorer : Pilote propose les indicateurs qui le mesurent, explique pourquoi et comment les lire, et dit ce qui manque pour ceux qu'il ne peut pas encore calculer.",
            "en": "Say what you want to improve: Pilote suggests the KPIs that measure it, explains why and how to read them, and says what is missing for those it cannot compute yet.",
        },
        "obj.no_data": {
            "fr": "Aucune donnée chargée : les indicateurs sont proposés, mais aucun n'est calculable. Chargez vos fichiers sur la page Données.",
            "en": "No data loaded: KPIs are suggested but none can be computed. Load your files on the Data page.",
        },
        "obj.pick": {"fr": "Objectifs", "en": "Objectives"},
        "obj.placeholder": {
            "fr": "Choisissez un ou plusieurs objectifs",
            "en": "Choose one or more objectives",
        },
        "obj.suggested": {
            "fr": "Indicateurs proposés ({n} calculables)",
            "en": "Suggested KPIs ({n} computable)",
        },
        "obj.not_computable": {
            "fr": "Pas calculable avec les données chargées.",
            "en": "Not computable with the data loaded.",
        },
        "obj.formula": {"fr": "Formule", "en": "Formula"},
        "obj.reading": {"fr": "Lecture", "en": "How to read it"},
        "obj.tracked": {
            "fr": "{n} indicateur(s) suivi(s) sur le tableau de bord.",
            "en": "{n} KPI(s) tracked on the dashboard.",
        },
        "obj.to_dashboard": {"fr": "Voir le tableau de bord", "en": "Open the dashboard"},
        "dash.title": {"fr": "Tableau de bord", "en": "Dashboard"},
        "dash.no_data": {"fr": "Chargez d'abord des données.", "en": "Load some data first."},
        "dash.context": {
            "fr": "{period} · devise : {currency} · {n} indicateur(s) suivi(s) — choisissez-les sur la page Objectifs.",
            "en": "{period} · currency: {currency} · {n} KPI(s) tracked — choose them on the Objectives page.",
        },
        "dash.no_currency": {"fr": "non précisée", "en": "not stated"},
        "dash.settings": {
            "fr": "Objectifs chiffrés, alertes et statuts comptés",
            "en": "Targets, alerts and counted statuses",
        },
        "dash.threshold": {
            "fr": "Alerte si baisse de plus de",
            "en": "Alert on a drop of more than",
        },
        "dash.statuses": {"fr": "Statuts de commande comptés", "en": "Order statuses that count"},
        "dash.statuses_help": {
            "fr": "Par défaut, les commandes annulées, remboursées, retournées ou perdues ne comptent pas.",
            "en": "By default, cancelled, refunded, returned or lost orders do not count.",
        },
        "dash.targets": {
            "fr": "Objectifs chiffrés pour la période",
            "en": "Targets for the period",
        },
        "dash.no_target": {"fr": "aucun", "en": "none"},
        "dash.alerts": {"fr": "{n} alerte(s)", "en": "{n} alert(s)"},
        "dash.no_alert": {"fr": "Aucune alerte sur la période.", "en": "No alert for the period."},
        "data.roles_found": {"fr": "Rôles reconnus", "en": "Roles found"},
        "ui.unexpected": {
            "fr": "Une erreur inattendue ({kind}) s'est produite ; elle est consignée dans le journal du serveur. Vos données chargées sont conservées.",
            "en": "An unexpected error ({kind}) occurred; it is recorded in the server log. Your loaded data is kept.",
        },
        "kind.orders": {"fr": "Commandes / ventes", "en": "Orders / sales"},
        "kind.deals": {"fr": "Opportunités (pipeline)", "en": "Deals (pipeline)"},
        "kind.leads": {"fr": "Leads / prospects", "en": "Leads"},
        "kind.spend": {"fr": "Dépenses marketing", "en": "Marketing spend"},
        "kind.survey": {"fr": "Enquêtes de satisfaction", "en": "Satisfaction surveys"},
        "kind.activities": {"fr": "Activités commerciales", "en": "Sales activities"},
        "kind.targets": {"fr": "Objectifs", "en": "Targets"},
        "kind.other": {"fr": "Autre tableau", "en": "Other table"},
        "data.title": {"fr": "Données", "en": "Data"},
        "data.intro": {
            "fr": "Déposez vos exports (CSV, TXT, XLSX, XLS, ODS) : commandes, opportunités, leads, dépenses, enquêtes, activités, objectifs. Pilote reconnaît le format et les colonnes ; vérifiez et corrigez si besoin.",
            "en": "Drop your exports (CSV, TXT, XLSX, XLS, ODS): orders, deals, leads, spend, surveys, activities, targets. Pilote recognises the format and the columns; check and fix them if needed.",
        },
        "data.upload": {"fr": "Fichiers à analyser", "en": "Files to analyse"},
        "data.sample": {
            "fr": "Essayer avec les données de démonstration",
            "en": "Try with sample data",
        },
        "data.sample_loaded": {
            "fr": "{n} tableaux de démonstration chargés (Démo Équipements SAS).",
            "en": "{n} sample tables loaded (Démo Équipements SAS).",
        },
        "data.no_samples": {
            "fr": "Les données de démonstration sont absentes (lancez make samples).",
            "en": "The sample data is missing (run make samples).",
        },
        "data.clear": {"fr": "Tout retirer", "en": "Remove all"},
        "data.remove": {"fr": "Retirer ce tableau", "en": "Remove this table"},
        "data.loading": {"fr": "Lecture de « {name} »…", "en": "Reading '{name}'…"},
        "data.loaded_ok": {
            "fr": "« {name} » lu : {rows} lignes, {cols} colonnes, en {seconds} s.",
            "en": "'{name}' read: {rows} rows, {cols} columns, in {seconds} s.",
        },
        "data.mapping_reapplied": {
            "fr": "Correspondance enregistrée réappliquée (mêmes colonnes qu'un export précédent).",
            "en": "Saved mapping re-applied (same columns as an earlier export).",
        },
        "data.kind": {"fr": "Type de tableau", "en": "Kind of table"},
        "data.sheet": {"fr": "Feuille", "en": "Sheet"},
        "data.report": {"fr": "Comment le fichier a été lu", "en": "How the file was read"},
        "data.format_line": {
            "fr": "Encodage **{encoding}** · séparateur **{delimiter}** · décimale **{decimal}** · milliers **{thousands}** · ligne d'en-tête **{header}** · ordre des dates **{order}** · devise **{currency}**",
            "en": "Encoding **{encoding}** · delimiter **{delimiter}** · decimal **{decimal}** · thousands **{thousands}** · header row **{header}** · date order **{order}** · currency **{currency}**",
        },
        "data.sheet_line": {
            "fr": "Feuille lue : **{sheet}** (feuilles : {sheets})",
            "en": "Sheet read: **{sheet}** (sheets: {sheets})",
        },
        "data.nothing_dropped": {"fr": "Aucune ligne retirée.", "en": "No row removed."},
        "data.col_name": {"fr": "Colonne", "en": "Column"},
        "data.col_type": {"fr": "Type", "en": "Type"},
        "data.col_format": {"fr": "Format", "en": "Format"},
        "data.col_bad": {"fr": "Illisibles", "en": "Unreadable"},
        "data.type.date": {"fr": "date", "en": "date"},
        "data.type.number": {"fr": "nombre", "en": "number"},
        "data.type.text": {"fr": "texte", "en": "text"},
        "data.preview": {"fr": "Aperçu (premières lignes)", "en": "Preview (first rows)"},
        "data.mapping": {"fr": "Rôle des colonnes", "en": "Column roles"},
        "data.mapping_help": {
            "fr": "Chaque rôle indique à Pilote ce que contient une colonne. Corrigez la colonne d'un rôle si besoin, puis appliquez.",
            "en": "Each role tells Pilote what a column holds. Fix a role's column if needed, then apply.",
        },
        "data.role": {"fr": "Rôle", "en": "Role"},
        "data.confidence": {"fr": "Confiance", "en": "Confidence"},
        "data.apply": {"fr": "Appliquer", "en": "Apply"},
        "data.save_mapping": {
            "fr": "Mémoriser pour les prochains exports aux mêmes colonnes",
            "en": "Remember for next exports with the same columns",
        },
        "data.applied": {"fr": "Correspondance appliquée.", "en": "Mapping applied."},
        "data.saved": {"fr": "Correspondance mémorisée.", "en": "Mapping saved."},
        "data.quality": {"fr": "Qualité des données", "en": "Data quality"},
        "data.rows": {"fr": "Lignes", "en": "Rows"},
        "data.duplicates": {"fr": "Doublons", "en": "Duplicates"},
        "data.negatives": {"fr": "Montants négatifs", "en": "Negative amounts"},
        "data.outliers": {"fr": "Valeurs extrêmes", "en": "Extreme values"},
        "data.period": {"fr": "Période couverte", "en": "Period covered"},
        "data.missing": {"fr": "Valeurs manquantes", "en": "Missing values"},
        "data.share": {"fr": "Part", "en": "Share"},
        "data.no_issue": {"fr": "Rien à signaler.", "en": "Nothing to report."},
        "data.none": {"fr": "–", "en": "–"},
        "data.table": {"fr": "Tableau", "en": "Table"},
        "data.columns": {"fr": "Colonnes", "en": "Columns"},
        "data.inspect": {"fr": "Tableau à vérifier", "en": "Table to check"},
    }
)
