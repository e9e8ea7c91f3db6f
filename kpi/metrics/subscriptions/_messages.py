"""French and English texts of the subscription engine (errors, reasons, exclusions, notes,
movement names), registered at import."""

from __future__ import annotations

from kpi import i18n

i18n.add_messages(
    {
        "subscriptions.bad_mapping": {
            "fr": "Table d'abonnements illisible : {problems}.",
            "en": "Cannot read the subscriptions table: {problems}.",
        },
        "subscriptions.no_customer": {
            "fr": "Aucune colonne client : les indicateurs d'abonnement (MRR, churn, NRR…) se calculent par client. Indiquez la colonne qui identifie le client parmi : {columns}.",
            "en": "No customer column: subscription KPIs (MRR, churn, NRR…) are computed per customer. Say which column identifies the customer among: {columns}.",
        },
        "subscriptions.nothing_counted": {
            "fr": "Aucun des {rows} abonnements ne peut être compté. {details} Vérifiez la correspondance des colonnes.",
            "en": "None of the {rows} subscriptions can be counted. {details} Check the column mapping.",
        },
        "subscriptions.several_currencies": {
            "fr": "Les abonnements sont en plusieurs devises ({currencies}) : les montants ne sont jamais additionnés d'une devise à l'autre. Choisissez une devise.",
            "en": "The subscriptions are in several currencies ({currencies}): amounts are never added across currencies. Choose a currency.",
        },
        "subscriptions.unknown_currency": {
            "fr": "Pas d'abonnement en « {currency} » (devises : {currencies}).",
            "en": "No subscription in '{currency}' (currencies: {currencies}).",
        },
        "subscriptions.bad_period": {
            "fr": "Période « {period} » non comprise : un mois (2024-03), un trimestre (2024-T1) ou une année (2024).",
            "en": "Period '{period}' not understood: a month (2024-03), a quarter (2024-Q1) or a year (2024).",
        },
        "subscriptions.period_not_months": {
            "fr": "Les indicateurs d'abonnement se calculent sur des mois entiers ; la période « {period} » n'en est pas.",
            "en": "Subscription KPIs are computed over whole months; the period '{period}' is not.",
        },
        "subscriptions.unknown_kpi": {
            "fr": "Indicateur d'abonnement inconnu : {kpi}.",
            "en": "Unknown subscription KPI: {kpi}.",
        },
        "subscriptions.reason.before_data": {
            "fr": "La période se termine avant le premier abonnement compté.",
            "en": "The period ends before the first counted subscription.",
        },
        "subscriptions.reason.no_customers": {
            "fr": "Aucun client abonné à la fin de la période.",
            "en": "No subscribed customer at the end of the period.",
        },
        "subscriptions.reason.no_customers_at_start": {
            "fr": "Aucun client abonné au début de la période.",
            "en": "No subscribed customer at the start of the period.",
        },
        "subscriptions.reason.no_history": {
            "fr": "Aucun client abonné douze mois avant la fin de la période : la rétention se calcule à partir de douze mois d'historique.",
            "en": "No subscribed customer twelve months before the end of the period: retention needs twelve months of history.",
        },
        "subscriptions.excluded.no_customer": {
            "fr": "{rows} abonnement(s) sans client, non comptés.",
            "en": "{rows} subscription(s) with no customer, not counted.",
        },
        "subscriptions.excluded.no_start": {
            "fr": "{rows} abonnement(s) sans date de début, non comptés.",
            "en": "{rows} subscription(s) with no start date, not counted.",
        },
        "subscriptions.excluded.no_price": {
            "fr": "{rows} abonnement(s) sans prix, non comptés.",
            "en": "{rows} subscription(s) with no price, not counted.",
        },
        "subscriptions.excluded.negative_amount": {
            "fr": "{rows} abonnement(s) à prix négatif, non comptés.",
            "en": "{rows} subscription(s) with a negative price, not counted.",
        },
        "subscriptions.excluded.unknown_interval": {
            "fr": "{rows} abonnement(s) à périodicité inconnue ({examples}), non comptés : utilisez jour, semaine, mois, trimestre, an ou « tous les 3 mois ».",
            "en": "{rows} subscription(s) with an unknown billing interval ({examples}), not counted: use day, week, month, quarter, year or 'every 3 months'.",
        },
        "subscriptions.excluded.bad_interval_count": {
            "fr": "{rows} abonnement(s) dont le nombre de périodes n'est pas positif ({examples}), non comptés.",
            "en": "{rows} subscription(s) whose interval count is not positive ({examples}), not counted.",
        },
        "subscriptions.excluded.end_before_start": {
            "fr": "{rows} abonnement(s) dont la fin précède le début, non comptés.",
            "en": "{rows} subscription(s) ending before they start, not counted.",
        },
        "subscriptions.excluded.ended_without_date": {
            "fr": "{rows} abonnement(s) terminés ({examples}) sans date de fin, non comptés.",
            "en": "{rows} ended subscription(s) ({examples}) with no end date, not counted.",
        },
        "subscriptions.excluded.in_trial": {
            "fr": "{rows} abonnement(s) encore en période d'essai ({examples}), pas encore comptés.",
            "en": "{rows} subscription(s) still in trial ({examples}), not counted yet.",
        },
        "subscriptions.excluded.incomplete": {
            "fr": "{rows} abonnement(s) jamais payés ({examples}), non comptés.",
            "en": "{rows} subscription(s) never paid ({examples}), not counted.",
        },
        "subscriptions.excluded.unpaid": {
            "fr": "{rows} abonnement(s) impayés ({examples}), non comptés.",
            "en": "{rows} unpaid subscription(s) ({examples}), not counted.",
        },
        "subscriptions.excluded.paused": {
            "fr": "{rows} abonnement(s) en pause ({examples}), non comptés.",
            "en": "{rows} paused subscription(s) ({examples}), not counted.",
        },
        "subscriptions.excluded.no_currency": {
            "fr": "{rows} abonnement(s) sans devise alors que la table en a plusieurs, non comptés.",
            "en": "{rows} subscription(s) with no currency in a table with several, not counted.",
        },
        "subscriptions.note.unknown_status": {
            "fr": "Statuts non reconnus, lus comme actifs : {values}.",
            "en": "Statuses not recognised, read as active: {values}.",
        },
        "subscriptions.note.monthly_prices": {
            "fr": "Pas de colonne de périodicité : les prix de « {column} » sont lus comme mensuels.",
            "en": "No billing interval column: the prices in '{column}' are read as monthly.",
        },
        "subscriptions.note.currency_filled": {
            "fr": "{rows} abonnement(s) sans devise, lus en {currency} comme les autres.",
            "en": "{rows} subscription(s) with no currency, read as {currency} like the others.",
        },
        "subscriptions.movement.new": {"fr": "Nouveaux", "en": "New"},
        "subscriptions.movement.reactivation": {"fr": "Réactivations", "en": "Reactivation"},
        "subscriptions.movement.expansion": {"fr": "Expansion", "en": "Expansion"},
        "subscriptions.movement.contraction": {"fr": "Contraction", "en": "Contraction"},
        "subscriptions.movement.churned": {"fr": "Churn", "en": "Churn"},
        "subscriptions.movement.start": {"fr": "MRR de début", "en": "Starting MRR"},
        "subscriptions.movement.end": {"fr": "MRR de fin", "en": "Ending MRR"},
    }
)
