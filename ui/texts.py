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
        "obj.default": {
            "fr": "Sans objectif choisi, le tableau de bord montre les indicateurs clés de vos "
            "données : {kpis}.",
            "en": "With no objective chosen, the dashboard shows the headline KPIs of your "
            "data: {kpis}.",
        },
        "obj.to_dashboard": {"fr": "Voir le tableau de bord", "en": "Open the dashboard"},
        "dash.title": {"fr": "Tableau de bord", "en": "Dashboard"},
        "dash.no_data": {"fr": "Chargez d'abord des données.", "en": "Load some data first."},
        "dash.context": {
            "fr": "{period} · devise : {currency} · {n} indicateur(s) suivi(s) — choisissez-les sur la page Objectifs.",
            "en": "{period} · currency: {currency} · {n} KPI(s) tracked — choose them on the Objectives page.",
        },
        "dash.context_no_currency": {
            "fr": "{period} · {n} indicateur(s) suivi(s) — choisissez-les sur la page Objectifs.",
            "en": "{period} · {n} KPI(s) tracked — choose them on the Objectives page.",
        },
        "dash.no_currency": {"fr": "non précisée", "en": "not stated"},
        "dash.threshold_help": {
            "fr": "Pour les montants et les nombres, en % de la période précédente ; pour les "
            "taux et les scores, en points (10 = 10 points).",
            "en": "For amounts and counts, in % of the previous period; for rates and scores, "
            "in points (10 = 10 points).",
        },
        "dash.margin_rate": {
            "fr": "Taux de marge brute, en % (pas de colonne Coût)",
            "en": "Gross margin rate, in % (no Cost column)",
        },
        "dash.margin_unknown": {"fr": "inconnu", "en": "unknown"},
        "dash.margin_rate_help": {
            "fr": "La valeur vie client (CLV) a besoin d'une marge. Sans colonne Coût ou Marge, "
            "Pilote ne la suppose pas : indiquez votre taux de marge moyen, ou associez une "
            "colonne Coût sur la page Données.",
            "en": "Customer lifetime value needs a margin. Without a cost or profit column, "
            "Pilote does not assume one: give your average margin rate, or map a Cost column on "
            "the Data page.",
        },
        "dash.settings": {
            "fr": "Objectifs chiffrés, alertes et statuts comptés",
            "en": "Targets, alerts and counted statuses",
        },
        "dash.threshold": {
            "fr": "Alerte si baisse de plus de (% ou points)",
            "en": "Alert on a drop of more than (% or points)",
        },
        "dash.statuses": {"fr": "Statuts de commande comptés", "en": "Order statuses that count"},
        "dash.no_status": {
            "fr": "Aucun statut compté : choisissez-en",
            "en": "No status counted: pick some",
        },
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
        "nav.share": {"fr": "Partager", "en": "Share"},
        "app.login": {"fr": "Se connecter", "en": "Log in"},
        "app.login_needed": {
            "fr": "Cette instance de Pilote est réservée à votre équipe : connectez-vous pour retrouver vos analyses.",
            "en": "This Pilote instance is for your team: log in to get your analyses.",
        },
        "app.logout": {"fr": "Se déconnecter", "en": "Log out"},
        "nav.scoring": {"fr": "Scoring des leads", "en": "Lead scoring"},
        "score.title": {"fr": "Scoring des leads", "en": "Lead scoring"},
        "score.intro": {
            "fr": "Un modèle entraîné sur votre propre historique dit quels leads appeler d'abord. Pilote montre honnêtement sa qualité (validation croisée), écarte les colonnes qui trichent (connues après coup) et explique chaque note.",
            "en": "A model trained on your own history tells which leads to call first. Pilote shows its quality honestly (cross-validation), leaves out columns that cheat (known after the fact) and explains every score.",
        },
        "score.no_outcome": {
            "fr": "Aucun tableau chargé n'a de colonne de résultat (converti, gagné/perdu) : "
            "chargez un export de leads ou d'opportunités pour noter vos leads. Vous pouvez "
            "aussi choisir un tableau et sa colonne de résultat ci-dessous.",
            "en": "No loaded table has an outcome column (converted, won/lost): load a leads or "
            "deals export to score your leads. You can also pick a table and its outcome "
            "column below.",
        },
        "score.no_data": {
            "fr": "Chargez d'abord un fichier de leads avec leur résultat (converti oui/non).",
            "en": "Load a leads file with their outcome (converted yes/no) first.",
        },
        "score.table": {"fr": "Tableau de leads", "en": "Leads table"},
        "score.tab_model": {"fr": "Modèle sur votre historique", "en": "Model from your history"},
        "score.tab_rules": {"fr": "Règles (sans historique)", "en": "Rules (no history)"},
        "score.target": {"fr": "Colonne du résultat", "en": "Outcome column"},
        "score.target_help": {
            "fr": "Oui/non, 1/0, gagné/perdu… Les lignes vides sont les leads encore ouverts, à noter.",
            "en": "Yes/no, 1/0, won/lost… Empty rows are open leads, to be scored.",
        },
        "score.model": {"fr": "Modèle", "en": "Model"},
        "score.model.boosting": {
            "fr": "Gradient boosting (précis)",
            "en": "Gradient boosting (accurate)",
        },
        "score.model.logistic": {
            "fr": "Régression logistique (lisible)",
            "en": "Logistic regression (readable)",
        },
        "score.include": {
            "fr": "Remettre des colonnes écartées",
            "en": "Put back left-out columns",
        },
        "score.include_help": {
            "fr": "Seulement si la valeur est connue avant l'issue du lead.",
            "en": "Only if the value is known before the lead's outcome.",
        },
        "score.exclude": {"fr": "Écarter aussi", "en": "Also leave out"},
        "score.none": {"fr": "aucune", "en": "none"},
        "score.train": {"fr": "Entraîner et valider", "en": "Train and validate"},
        "score.training": {"fr": "Entraînement…", "en": "Training…"},
        "score.press_train": {
            "fr": "Choisissez la colonne du résultat puis lancez l'entraînement.",
            "en": "Pick the outcome column, then train.",
        },
        "score.stale": {
            "fr": "Les réglages ont changé depuis l'entraînement : relancez-le pour en tenir compte.",
            "en": "Settings changed since training: train again to apply them.",
        },
        "score.auc": {"fr": "AUC (validation croisée)", "en": "AUC (cross-validated)"},
        "score.auc_help": {
            "fr": "Probabilité qu'un lead converti ait une meilleure note qu'un lead non converti : 0,5 = hasard, 1 = parfait. Moyenne ± écart-type sur 5 plis.",
            "en": "Chance that a converted lead scores higher than a non-converted one: 0.5 = random, 1 = perfect. Mean ± sd over 5 folds.",
        },
        "score.pr_auc": {"fr": "AUC précision-rappel", "en": "PR AUC"},
        "score.pr_auc_help": {
            "fr": "À comparer au taux de base : plus c'est au-dessus, mieux le modèle trouve les convertis.",
            "en": "Compare with the base rate: the higher above it, the better the model finds converters.",
        },
        "score.base_rate": {"fr": "Taux de conversion de base", "en": "Base conversion rate"},
        "score.baseline": {"fr": "AUC d'une règle simple", "en": "Simple rule AUC"},
        "score.baseline_help": {
            "fr": "La meilleure colonne seule ({column}) : le modèle doit faire mieux.",
            "en": "The best single column ({column}): the model must beat it.",
        },
        "score.verdict.excellent": {
            "fr": "Qualité **excellente** sur {rows} leads dont {positives} convertis.",
            "en": "**Excellent** quality on {rows} leads, {positives} converted.",
        },
        "score.verdict.good": {
            "fr": "**Bonne** qualité sur {rows} leads dont {positives} convertis.",
            "en": "**Good** quality on {rows} leads, {positives} converted.",
        },
        "score.verdict.fair": {
            "fr": "Qualité **correcte** sur {rows} leads dont {positives} convertis : utile pour trier, pas pour décider seul.",
            "en": "**Fair** quality on {rows} leads, {positives} converted: useful to sort, not to decide alone.",
        },
        "score.verdict.weak": {
            "fr": "Qualité **faible** sur {rows} leads dont {positives} convertis : les colonnes disponibles prédisent peu le résultat.",
            "en": "**Weak** quality on {rows} leads, {positives} converted: the columns available say little about the outcome.",
        },
        "score.buckets": {"fr": "Chaud, tiède, froid", "en": "Hot, warm, cold"},
        "score.bucket": {"fr": "Catégorie", "en": "Bucket"},
        "score.range": {"fr": "Notes", "en": "Scores"},
        "score.leads": {"fr": "Leads (historique)", "en": "Leads (history)"},
        "score.share": {"fr": "Part", "en": "Share"},
        "score.observed": {"fr": "Conversion observée", "en": "Observed conversion"},
        "score.threshold_title": {
            "fr": "Qui appeler ? Seuil de note",
            "en": "Whom to call? Score threshold",
        },
        "score.threshold": {
            "fr": "Appeler les leads dont la note est au moins",
            "en": "Call leads scoring at least",
        },
        "score.actual_yes": {"fr": "Convertis", "en": "Converted"},
        "score.actual_no": {"fr": "Non convertis", "en": "Not converted"},
        "score.flagged": {"fr": "Appelés", "en": "Called"},
        "score.not_flagged": {"fr": "Non appelés", "en": "Not called"},
        "score.precision_recall": {
            "fr": "Parmi les appelés, {precision} convertissent ; ils représentent {recall} de tous les convertis (validation croisée).",
            "en": "Of the leads called, {precision} convert; they are {recall} of all converters (cross-validated).",
        },
        "score.factors": {
            "fr": "Ce qui fait monter ou baisser la note",
            "en": "What moves the score",
        },
        "score.excluded": {
            "fr": "{n} colonne(s) écartée(s), et pourquoi",
            "en": "{n} column(s) left out, and why",
        },
        "score.scored": {"fr": "Leads notés", "en": "Scored leads"},
        "score.learned_scored": {
            "fr": "Appris sur {learned} leads dont l'issue est connue (convertis ou perdus) ; {scored} leads encore ouverts, à l'issue inconnue, ne servent pas à l'apprentissage : ce sont eux qui sont notés ci-dessous.",
            "en": "Learned from {learned} leads whose outcome is known (converted or lost); {scored} leads still open, outcome unknown, are not learned from: they are the ones scored below.",
        },
        "score.line": {"fr": "ligne {n}", "en": "line {n}"},
        "score.source": {"fr": "Leads à noter", "en": "Leads to score"},
        "score.source.open": {
            "fr": "Leads ouverts du tableau ({n})",
            "en": "Open leads of the table ({n})",
        },
        "score.source.file": {"fr": "Un nouveau fichier", "en": "A new file"},
        "score.no_open": {
            "fr": "Aucun lead ouvert (sans résultat) dans ce tableau : chargez un nouveau fichier.",
            "en": "No open lead (without outcome) in this table: upload a new file.",
        },
        "score.new_file": {
            "fr": "Fichier de nouveaux leads (mêmes colonnes)",
            "en": "New leads file (same columns)",
        },
        "score.one_lead": {"fr": "Pourquoi cette note ?", "en": "Why this score?"},
        "score.reasons": {"fr": "Raisons", "en": "Reasons"},
        "score.download_csv": {"fr": "Télécharger (CSV)", "en": "Download (CSV)"},
        "score.download_xlsx": {"fr": "Télécharger (Excel)", "en": "Download (Excel)"},
        "score.rules_intro": {
            "fr": "Sans historique, notez vos leads avec des règles à points (type BANT) : modifiez-les, la note se met à jour.",
            "en": "With no history, score leads with point rules (BANT-like): edit them and scores update.",
        },
        "data.roles_found": {"fr": "Rôles reconnus", "en": "Roles found"},
        "ui.unexpected": {
            "fr": "Une erreur inattendue ({kind}) s'est produite ; elle est consignée dans le journal du serveur. Vos données chargées sont conservées.",
            "en": "An unexpected error ({kind}) occurred; it is recorded in the server log. Your loaded data is kept.",
        },
        "data.title": {"fr": "Données", "en": "Data"},
        "data.intro": {
            "fr": "Déposez vos exports (CSV, TXT, XLSX, XLS, ODS) : commandes, opportunités, leads, dépenses, enquêtes, activités, objectifs. Pilote reconnaît le format et les colonnes ; vérifiez et corrigez si besoin.",
            "en": "Drop your exports (CSV, TXT, XLSX, XLS, ODS): orders, deals, leads, spend, surveys, activities, targets. Pilote recognises the format and the columns; check and fix them if needed.",
        },
        "data.upload": {"fr": "Fichiers à analyser", "en": "Files to analyse"},
        "data.browse": {"fr": "Parcourir", "en": "Browse files"},
        "data.drop_here": {"fr": "Déposez vos fichiers ici", "en": "Drop your files here"},
        "data.per_file": {
            "fr": "{size} {unit} max. par fichier",
            "en": "Up to {size} {unit} per file",
        },
        "data.upload_help": {
            "fr": "Glissez vos fichiers ici ou cliquez sur le bouton pour les choisir (un ou "
            "plusieurs à la fois, jusqu'à {size} {unit} chacun). CSV, TXT, XLSX, XLS ou ODS.",
            "en": "Drop your files here or click the button to pick them (one or several at "
            "once, up to {size} {unit} each). CSV, TXT, XLSX, XLS or ODS.",
        },
        "data.gb": {"fr": "Go", "en": "GB"},
        "data.mb": {"fr": "Mo", "en": "MB"},
        "data.load_failed": {"fr": "« {name} » : {error}", "en": "'{name}': {error}"},
        "data.error": {"fr": "{error}", "en": "{error}"},
        "data.no_column": {"fr": "— aucune —", "en": "— none —"},
        "data.negative_quantities": {"fr": "Quantités négatives", "en": "Negative quantities"},
        "data.quantity_outliers": {"fr": "Quantités extrêmes", "en": "Extreme quantities"},
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
            "fr": "« {name} » lu : {rows} ligne(s), {cols} colonne(s), en {seconds} s.",
            "en": "'{name}' read: {rows} row(s), {cols} column(s), in {seconds} s.",
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
