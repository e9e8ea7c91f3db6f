"""Column roles: what each column of a table means (date, amount, customer, rep, stage…).

Role ids are used everywhere, the CLI included.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from kpi import i18n
from kpi.errors import PiloteError
from kpi.text import words


@dataclass(frozen=True)
class Role:
    """A role a column can play.

    ``dtype`` is what the values must be: ``date``, ``number``, ``flag`` (yes/no, 1/0, won/lost)
    or ``any`` (text or numbers used as labels).
    """

    id: str
    dtype: str
    label_fr: str
    label_en: str


ROLES: tuple[Role, ...] = (
    Role("date", "date", "Date", "Date"),
    Role("amount", "number", "Montant", "Amount"),
    Role("quantity", "number", "Quantité", "Quantity"),
    Role("unit_price", "number", "Prix unitaire", "Unit price"),
    Role("order_id", "any", "N° de commande", "Order id"),
    Role("customer_id", "any", "Client", "Customer"),
    Role("status", "any", "Statut", "Status"),
    Role("cost", "number", "Coût", "Cost"),
    Role("profit", "number", "Marge / profit", "Profit / margin"),
    Role("discount", "number", "Taux de remise", "Discount rate"),
    Role("rep", "any", "Commercial", "Sales rep"),
    Role("team", "any", "Équipe", "Team"),
    Role("region", "any", "Région", "Region"),
    Role("country", "any", "Pays", "Country"),
    Role("product", "any", "Produit", "Product"),
    Role("category", "any", "Catégorie", "Category"),
    Role("channel", "any", "Canal", "Channel"),
    Role("source", "any", "Source", "Source"),
    Role("segment", "any", "Segment", "Segment"),
    Role("stage", "any", "Étape", "Stage"),
    Role("created_date", "date", "Date de création", "Created date"),
    Role("close_date", "date", "Date de clôture", "Close date"),
    Role("won", "flag", "Gagné", "Won"),
    Role("probability", "number", "Probabilité", "Probability"),
    Role("converted", "flag", "Converti", "Converted"),
    Role("lead_id", "any", "N° de lead", "Lead id"),
    Role("opportunity_id", "any", "N° d'opportunité", "Opportunity id"),
    Role("spend", "number", "Dépense", "Spend"),
    Role("nps", "number", "Note NPS (0–10)", "NPS score (0–10)"),
    Role("csat", "number", "Note de satisfaction (1–5)", "CSAT score (1–5)"),
    Role("target", "number", "Objectif", "Target"),
    # Activity tables (calls, emails, meetings): not in the first list of the foundation
    # issue, added so that the activity KPIs of KPI_SPEC.md can be computed.
    Role("activity_type", "any", "Type d'activité", "Activity type"),
    Role("duration", "number", "Durée (min)", "Duration (min)"),
    Role("replied", "flag", "Réponse reçue", "Replied"),
    Role("meeting", "flag", "RDV obtenu", "Meeting booked"),
    # Deals and orders as tools export them (issue 16: source profiles).
    Role("currency", "any", "Devise", "Currency"),
    Role("lost_reason", "any", "Raison de la perte", "Lost reason"),
    Role("counted", "flag", "Comptée", "Counted"),
    # Subscriptions (issue 15: MRR and its movements, KPI_SPEC's "Subscription" section).
    Role("subscription_id", "any", "N° d'abonnement", "Subscription id"),
    Role("interval", "any", "Périodicité", "Billing interval"),
    Role("interval_count", "number", "Nombre de périodes", "Interval count"),
    Role("start_date", "date", "Date de début", "Start date"),
    Role("end_date", "date", "Date de fin", "Ended at"),
    Role("canceled_at", "date", "Date de résiliation", "Canceled at"),
    Role("cancel_at_period_end", "flag", "Résiliation en fin de période", "Cancel at period end"),
    Role("current_period_end", "date", "Fin de la période en cours", "Current period end"),
    Role("trial_end", "date", "Fin d'essai", "Trial end"),
    Role("monthly_amount", "number", "Montant mensuel (MRR)", "Monthly amount (MRR)"),
)
ROLE_IDS: tuple[str, ...] = tuple(r.id for r in ROLES)
ROLES_BY_ID: dict[str, Role] = {r.id: r for r in ROLES}


# ---------------------------------------------------------------------------------------------
# Header vocabularies: normalised (lower case, no accents, words split on anything else,
# camelCase split). A header equal to a synonym scores 1.0; containing it as whole words, 0.85.
# The weight after a synonym lowers it where the word is a weaker hint.

SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "date",
        "date de commande",
        "date commande",
        "order date",
        "orderdate",
        "invoice date",
        "date facture",
        "date de facture",
        "date de vente",
        "sale date",
        "transaction date",
        "date transaction",
        "jour",
        "day",
        "mois",
        "month",
        "periode",
        "period",
        "date piece",
        "date document",
        "created",
        "timestamp",
    ),
    "amount": (
        "montant",
        "montant ht",
        "montant total",
        "montant net",
        "total ht",
        "ca",
        "ca ht",
        "chiffre d affaires",
        "chiffre affaires",
        "revenue",
        "sales",
        "sales amount",
        "net sales",
        "amount",
        "total amount",
        "order total",
        "total:0.8",
        "close value",
        "deal value",
        "deal amount",
        "opportunity amount",
        "valeur",
        "value:0.8",
        "dollar value",
        "line total",
        "montant ttc:0.7",
        "total ttc:0.7",
        "prix total",
        "net amount",
        "valeur de l opportunite",
        "montant de l opportunite",
    ),
    "quantity": (
        "quantite",
        "qte",
        "qty",
        "quantity",
        "quantity ordered",
        "quantityordered",
        "units",
        "unites",
        "nombre:0.8",
        "nb",
        "volume",
        "number of cds:0.8",
        "nb articles",
        "items",
        # subscriptions: seats
        "seats",
        "postes",
        "licences",
        "nb licences",
        "nombre de licences",
        "plan quantity",
    ),
    "unit_price": (
        "prix unitaire",
        "prix unitaire ht",
        "pu",
        "pu ht",
        "unit price",
        "price:0.9",
        "prix",
        "priceeach",
        "price each",
        "unit cost:0.5",
        "tarif",
        "prix de vente",
        # subscriptions: the price per billing interval
        "plan unit price",
        "price per unit",
        "prix par periode",
    ),
    "order_id": (
        "n commande",
        "no commande",
        "numero de commande",
        "numero commande",
        "commande",
        "order id",
        "order",
        "order number",
        "ordernumber",
        "order no",
        "invoice",
        "invoice no",
        "invoice number",
        "facture",
        "n facture",
        "numero de facture",
        "transaction id",
        "id commande",
        "ref commande",
        "reference commande",
    ),
    "customer_id": (
        "client",
        "code client",
        "id client",
        "n client",
        "numero client",
        "customer",
        "customer id",
        "customerid",
        "customer name:0.95",
        "customername:0.95",
        "account",
        "account name",
        "compte",
        "societe",
        "entreprise",
        "raison sociale",
        "nom client",
        "customer number",
        "buyer",
        "acheteur",
    ),
    "status": (
        "statut",
        "status",
        "etat",
        "order status",
        "statut commande",
        "state:0.6",
        "lead status",
        "statut du lead",
    ),
    "cost": (
        "cout",
        "couts",
        "cout d achat",
        "cout de revient",
        "prix d achat",
        "cost",
        "cogs",
        "unit cost:0.6",
        "cout total",
        "total cost",
        "achat",
    ),
    "profit": (
        "profit",
        "marge",
        "marge brute",
        "margin",
        "gross margin",
        "gross profit",
        "benefice",
        "marge ht",
    ),
    "rep": (
        "commercial",
        "vendeur",
        "vendeuse",
        "representant",
        "conseiller",
        "rep",
        "sales rep",
        "salesperson",
        "sales person",
        "sales agent",
        "agent",
        "opportunity owner",
        "owner",
        "account owner",
        "charge d affaires",
        "responsable",
        "proprietaire",
        "seller",
        "lead owner",
        "attribue a",
        "assigned to",
    ),
    "team": ("equipe", "team", "sales team", "agence", "manager", "service:0.5", "division"),
    "region": (
        "region",
        "zone",
        "secteur",
        "territoire",
        "territory",
        "area",
        "regional office",
        "departement",
        "state:0.6",
        "province:0.6",
    ),
    "country": ("pays", "country", "country region:0.9", "nation"),
    "product": (
        "produit",
        "product",
        "product name",
        "article:0.8",
        "designation",
        "libelle",
        "reference",
        "ref produit",
        "sku",
        "stock code:0.8",
        "stockcode:0.8",
        "item",
        "description:0.6",
        "product code:0.8",
        "productcode:0.8",
        "product id:0.7",
        "offre",
        # subscriptions: the plan
        "formule",
        "plan",
        "current plan",
        "plan name",
    ),
    "category": (
        "categorie",
        "category",
        "famille",
        "gamme",
        "product line",
        "productline",
        "product category",
        "categorie produit",
        "type de produit",
        "sub category:0.6",
        "series:0.7",
        "univers",
        "rayon",
    ),
    "channel": (
        "canal",
        "channel",
        "canal de vente",
        "sales channel",
        "canal marketing",
        "marketing channel",
        "medium",
        "support:0.5",
        "ship mode:0.3",
        "canal d acquisition",
    ),
    "source": (
        "source",
        "lead source",
        "origine",
        "source du lead",
        "origine du lead",
        "lead origin:0.8",
        "utm source",
        "campagne",
        "campaign",
        "provenance",
    ),
    "segment": (
        "segment",
        "type de client",
        "customer segment",
        "typologie",
        "cible",
        "industry",
        "secteur d activite",
        "sector",
        "company size:0.6",
        "taille",
        "deal size:0.7",
        "dealsize:0.7",
    ),
    "stage": (
        "etape",
        "stage",
        "deal stage",
        "phase",
        "etape de vente",
        "sales stage",
        "pipeline stage",
        "statut de l opportunite",
        "opportunity stage",
    ),
    "created_date": (
        "created date",
        "date de creation",
        "creation date",
        "created",
        "created on",
        "date creation",
        "create date",
        "engage date",
        "open date",
        "date d ouverture",
        "lead date",
        "date du lead",
    ),
    "close_date": (
        "close date",
        "date de cloture",
        "closed date",
        "date cloture",
        "closing date",
        "date de signature",
        "won date",
        "date de fin",
        "closed on",
        "expected close date:0.7",
    ),
    "won": ("gagne", "won", "is won", "closed won", "signe", "win"),
    "discount": (
        "remise",
        "remise %",
        "% remise",
        "taux de remise",
        "taux remise",
        "pourcentage de remise",
        "rabais",
        "discount",
        "discount %",
        "discount rate",
        "discount pct",
        "discount percent",
    ),
    "probability": (
        "probabilite",
        "probability",
        "proba",
        "probabilite de gain",
        "win probability",
    ),
    "converted": (
        "converti",
        "converted",
        "conversion",
        "is converted",
        "converti en client",
        "y:0.6",
        "outcome:0.6",
        "client converti",
    ),
    "lead_id": (
        "lead id",
        "id lead",
        "n lead",
        "prospect id",
        "id prospect",
        "lead number:0.9",
        "numero de lead",
        "lead",
    ),
    "opportunity_id": (
        "opportunity id",
        "id opportunite",
        "n opportunite",
        "opportunite",
        "opportunity",
        "deal id",
        "id affaire",
        "affaire",
        "deal",
    ),
    "spend": (
        "depenses",
        "depense",
        "spend",
        "budget",
        "cout marketing",
        "marketing spend",
        "ad spend",
        "investissement",
        "media spend",
        "cost:0.5",
        "montant depense",
    ),
    "nps": (
        "nps",
        "note nps",
        "nps score",
        "score nps",
        "recommandation",
        "likelihood to recommend",
    ),
    "csat": (
        "csat",
        "satisfaction",
        "note de satisfaction",
        "csat score",
        "note satisfaction",
        "rating:0.7",
        "note:0.6",
    ),
    "target": (
        "objectif",
        "objectif ca",
        "target",
        "quota",
        "objectif de vente",
        "sales target",
        "budget:0.5",
        "goal",
    ),
    "activity_type": (
        "activity type",
        "type d activite",
        "type activite",
        "activity",
        "activite",
        "type:0.6",
        "action",
        "canal de contact",
    ),
    "duration": ("duree", "duration", "duree min", "call duration", "duree de l appel", "minutes"),
    "replied": ("replied", "reponse", "repondu", "reply", "a repondu", "response"),
    "meeting": ("meeting booked", "rdv", "rendez vous", "rdv obtenu", "meeting", "rdv pris"),
    "currency": (
        "currency",
        "devise",
        "currency code",
        "code devise",
        "monnaie",
        "billing currency",
        "deal currency",
        "order currency",
        "devise de l opportunite",
        "opportunity currency",
        "currency of value:0.9",
        "converted currency:0.8",
    ),
    "lost_reason": (
        "raison de la perte",
        "raison de perte",
        "motif de perte",
        "motif de la perte",
        "lost reason",
        "closed lost reason",
        "reason for loss",
        "loss reason",
        "reason lost",
    ),
    "counted": (),  # set by source profiles; a user may map a yes/no column by hand
    "subscription_id": (
        "subscription id",
        "id abonnement",
        "n abonnement",
        "numero d abonnement",
        "numero abonnement",
        "reference abonnement",
        "abonnement:0.7",
        "subscription:0.7",
        "sub id",
        "n contrat:0.7",
        "contrat:0.5",
    ),
    "interval": (
        "interval",
        "billing interval",
        "plan interval",
        "recurring interval",
        "billing period unit",
        "subscription billing period",
        "billing frequency",
        "billing period:0.8",
        "billing cycle",
        "periodicite",
        "periodicite de facturation",
        "frequence de facturation",
        "frequence:0.7",
        "rythme de facturation",
        "recurrence",
        "cycle de facturation",
        "repetition:0.6",
    ),
    "interval_count": (
        "interval count",
        "plan interval count",
        "recurring interval count",
        "billing period:0.6",
        "nombre de periodes",
        "nb periodes",
        "intervalle:0.6",
    ),
    "start_date": (
        "start date",
        "start date utc",
        "started at",
        "started on",
        "subscription start",
        "date de debut",
        "date debut",
        "debut",
        "date de souscription",
        "souscrit le",
        "start utc:0.6",
        "created utc:0.5",
        "created on:0.5",
        "date de creation:0.5",
    ),
    "end_date": (
        "ended at",
        "ended at utc",
        "end date",
        "ended",
        "date de fin",
        "date fin",
        "fin:0.7",
        "fin de contrat",
        "date d arret",
        "canceled on:0.8",
        "cancelled on:0.8",
    ),
    "canceled_at": (
        "canceled at",
        "cancelled at",
        "canceled at utc",
        "cancellation date",
        "date de resiliation",
        "resilie le",
        "date d annulation",
        "date de la demande de resiliation",
    ),
    "cancel_at_period_end": (
        "cancel at period end",
        "cancel at end of period",
        "resiliation en fin de periode",
        "resiliation a echeance",
        "non renouvele:0.7",
    ),
    "current_period_end": (
        "current period end",
        "current period end utc",
        "current term end",
        "current billing term end date",
        "next billing on:0.7",
        "next billing date:0.7",
        "prochaine echeance",
        "fin de la periode en cours",
        "fin de periode",
        "date d echeance:0.6",
    ),
    "trial_end": (
        "trial end",
        "trial end utc",
        "trial ends at",
        "fin d essai",
        "fin de periode d essai",
        "date de fin d essai",
        "essai jusqu au",
        "activated on:0.5",
    ),
    "monthly_amount": (
        "mrr",
        "monthly recurring revenue",
        "monthly amount",
        "montant mensuel",
        "revenu mensuel recurrent",
        "revenu mensuel",
        "mensualite:0.7",
        "abonnement mensuel:0.6",
    ),
}

FLAG_TRUE = frozenset(
    {
        "1",
        "1.0",
        "yes",
        "y",
        "oui",
        "o",
        "true",
        "vrai",
        "won",
        "gagne",
        "x",
        "converted",
        "converti",
    }
)
FLAG_FALSE = frozenset(
    {
        "0",
        "0.0",
        "no",
        "n",
        "non",
        "false",
        "faux",
        "lost",
        "perdu",
        "not converted",
        "non converti",
    }
)

# Which roles make a table of each kind, with their weight.
KIND_EVIDENCE: dict[str, dict[str, float]] = {
    "orders": {
        "order_id": 2,
        "quantity": 1,
        "unit_price": 1,
        "amount": 1,
        "date": 1,
        "customer_id": 1,
        "product": 1,
        "cost": 0.5,
        "profit": 0.5,
    },
    "deals": {
        "stage": 2.5,
        "opportunity_id": 2.5,
        "close_date": 1,
        "created_date": 0.5,
        "probability": 1,
        "won": 1.5,
    },
    "leads": {"lead_id": 2.5, "converted": 3, "source": 0.5},
    "spend": {"spend": 3, "channel": 0.5},
    "survey": {"nps": 3, "csat": 3},
    "activities": {"activity_type": 2.5, "duration": 1, "replied": 1, "meeting": 1},
    "targets": {"target": 3},
    "subscriptions": {
        "subscription_id": 2.5,
        "interval": 2,
        "trial_end": 1.5,
        "current_period_end": 1.5,
        "cancel_at_period_end": 1.5,
        "monthly_amount": 2,
        "canceled_at": 1,
        "start_date": 1,
        "end_date": 0.5,
    },
}


# Below this a header is too weak a hint to map a column by itself.
MIN_SCORE = 0.56


@dataclass(frozen=True)
class Detection:
    """What :func:`detect` found: the kind, role → column, and a confidence per role."""

    kind: str
    mapping: dict[str, str]
    confidence: dict[str, float]
    kind_confidence: float


def role_label(role: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The user-facing name of a role (``Coût`` / ``Cost``); an unknown id as it is."""
    r = ROLES_BY_ID.get(role)
    if r is None:
        return role
    return r.label_en if lang == "en" else r.label_fr


def normalise_header(name: str) -> str:
    """Lower case, no accents, camelCase split, words separated by single spaces
    (``"N° de commande"`` → ``"n de commande"``, ``"customerID"`` → ``"customer id"``)."""
    return words(re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name)), ascii_only=True)


def _parsed_synonyms() -> dict[str, list[tuple[str, float]]]:
    out: dict[str, list[tuple[str, float]]] = {}
    for role, synonyms in SYNONYMS.items():
        items = []
        for w in synonyms:
            text, _, weight = w.partition(":")
            items.append((normalise_header(text), float(weight) if weight else 1.0))
        out[role] = items
    return out


_SYN = _parsed_synonyms()


def header_score(header: str, role: str) -> float:
    """How strongly a column name says it plays ``role`` (0 to 1), from its name alone."""
    h = normalise_header(header)
    if not h:
        return 0.0
    padded = f" {h} "
    best = 0.0
    for syn, weight in _SYN.get(role, []):
        if h == syn:
            score = 1.0
        elif f" {syn} " in padded and len(syn) >= 3:
            # longer synonyms covering more of the header are stronger hints
            score = 0.35 + 0.55 * len(syn) / len(h)
        elif len(syn) <= 2 and (h.startswith(syn + " ") or h.endswith(" " + syn)):
            score = 0.6
        else:
            continue
        best = max(best, score * weight)
    return best


def is_flag(series: pd.Series) -> bool:
    """Whether a column holds yes/no values (oui/non, 1/0, true/false, won/lost…)."""
    values = series.dropna()
    if values.empty:
        return False
    if pd.api.types.is_numeric_dtype(values):
        return bool(values.isin([0, 1]).all())
    uniq = {_plain_value(v) for v in values.unique()[:50]}
    return len(uniq) <= 4 and uniq <= (FLAG_TRUE | FLAG_FALSE)


def _plain_value(v: object) -> str:
    return normalise_header(str(v))


def _type_factor(role: Role, series: pd.Series) -> float:
    if role.dtype == "date":
        return 1.0 if pd.api.types.is_datetime64_any_dtype(series) else 0.0
    if role.dtype == "number":
        return 1.0 if pd.api.types.is_numeric_dtype(series) else 0.0
    if role.dtype == "flag":
        return 1.0 if is_flag(series) else 0.0
    if pd.api.types.is_datetime64_any_dtype(series):
        return 0.0
    if role.id in {
        "rep",
        "team",
        "region",
        "country",
        "product",
        "category",
        "channel",
        "source",
        "segment",
        "stage",
        "status",
        "activity_type",
    }:
        return 0.5 if pd.api.types.is_numeric_dtype(series) else 1.0
    return 1.0


def detect(df: pd.DataFrame) -> Detection:
    """Detect the table's kind and each column's role from FR/EN headers checked against values.

    Each column plays at most one role and each role goes to at most one column, the best
    scoring pairs first. Confidence is the header score times whether the values fit the role
    (a date role must hold dates, an amount numbers, a flag yes/no values).
    """
    candidates: list[tuple[float, int, str, str]] = []
    for col in df.columns:
        series = df[col]
        for order, role in enumerate(ROLES):
            hs = header_score(str(col), role.id)
            if hs <= 0:
                continue
            score = hs * _type_factor(role, series)
            if score >= MIN_SCORE:
                candidates.append((score, -order, role.id, str(col)))
    candidates.sort(reverse=True)
    mapping: dict[str, str] = {}
    confidence: dict[str, float] = {}
    used: set[str] = set()
    for score, _, role_id, col in candidates:
        if role_id in mapping or col in used:
            continue
        mapping[role_id] = col
        confidence[role_id] = round(min(score, 1.0), 2)
        used.add(col)
    kind, kind_conf = _detect_kind(mapping, df)
    _adjust_for_kind(kind, mapping, confidence, df, used)
    return Detection(kind, mapping, confidence, kind_conf)


def _detect_kind(mapping: dict[str, str], df: pd.DataFrame) -> tuple[str, float]:
    scores = {k: sum(w for r, w in ev.items() if r in mapping) for k, ev in KIND_EVIDENCE.items()}
    if "stage" in mapping and "won" not in mapping:
        scores["deals"] += 0.5
    kind, best = max(scores.items(), key=lambda kv: kv[1])
    if best < 2:
        return "other", 0.0
    total = sum(scores.values()) or 1.0
    return kind, round(best / total, 2)


def _adjust_for_kind(
    kind: str,
    mapping: dict[str, str],
    confidence: dict[str, float],
    df: pd.DataFrame,
    used: set[str],
) -> None:
    """Role fixes that only make sense once the kind is known."""
    if kind == "subscriptions":
        _adjust_subscriptions(mapping, confidence)
        return
    if kind == "spend" and "spend" not in mapping:
        for r in ("cost", "amount"):
            if r in mapping:
                mapping["spend"] = mapping.pop(r)
                confidence["spend"] = confidence.pop(r)
                break
    if kind == "targets" and "target" not in mapping and "amount" in mapping:
        mapping["target"] = mapping.pop("amount")
        confidence["target"] = confidence.pop("amount")
    if kind in ("deals", "leads") and "created_date" not in mapping and "date" in mapping:
        mapping["created_date"] = mapping.pop("date")
        confidence["created_date"] = confidence.pop("date")
    # A table with no date role but exactly one date column: use it, with low confidence.
    dated = {"date", "created_date", "close_date"} & mapping.keys()
    if not dated:
        dates = [
            c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c]) and c not in used
        ]
        if len(dates) == 1:
            role = "created_date" if kind in ("deals", "leads") else "date"
            mapping[role] = str(dates[0])
            confidence[role] = 0.5


# Subscriptions: roles read generically as an order's, and what they are in a subscription.
_SUBSCRIPTION_FIXES = (
    ("close_date", "end_date"),  # "Date de fin"
    ("date", "start_date"),
    ("created_date", "start_date"),
    ("amount", "unit_price"),  # Stripe's "Amount": the price per billing interval
)


def _adjust_subscriptions(mapping: dict[str, str], confidence: dict[str, float]) -> None:
    """A subscriptions table: a close date is the end, a date or creation date the start, an
    amount the price per interval; a sale or creation date left over means nothing here."""
    for generic, role in _SUBSCRIPTION_FIXES:
        if generic in mapping and role not in mapping:
            mapping[role] = mapping.pop(generic)
            confidence[role] = confidence.pop(generic)
    for generic in ("date", "created_date", "close_date"):
        if generic in mapping:
            del mapping[generic]
            confidence.pop(generic, None)


def validate_mapping(df: pd.DataFrame, mapping: dict[str, str]) -> None:
    """Check a user's mapping; raise one :class:`PiloteError` listing every problem at once."""
    problems: list[str] = []
    columns = [str(c) for c in df.columns]
    for role_id, col in mapping.items():
        if role_id not in ROLES_BY_ID:
            problems.append(f"unknown role '{role_id}' (valid: {', '.join(ROLE_IDS)})")
            continue
        if col not in columns:
            problems.append(f"{role_id}: no column '{col}' (columns: {', '.join(columns)})")
            continue
        role = ROLES_BY_ID[role_id]
        if _type_factor(role, df[col]) == 0.0:
            problems.append(f"{role_id}: column '{col}' does not hold {role.dtype} values")
    dup = [c for c, n in Counter(mapping.values()).items() if n > 1]
    if dup:
        problems.append(f"column(s) mapped to several roles: {', '.join(dup)}")
    if problems:
        raise PiloteError("roles.bad_mapping", problems="; ".join(problems))


def detect_kind(mapping: dict[str, str]) -> str:
    """The kind implied by a (user-edited) mapping."""
    return _detect_kind(mapping, pd.DataFrame())[0]


# ---------------------------------------------------------------------------------------------
# Saved mappings (kept by kpi.share.workspace) are found again by the columns' signature.


def columns_signature(columns: list[str]) -> str:
    """A stable fingerprint of a table's columns (order and case do not matter)."""
    norm = sorted(normalise_header(c) for c in columns)
    return hashlib.sha256("\x1f".join(norm).encode()).hexdigest()[:16]


i18n.add_messages(
    {
        "roles.bad_mapping": {
            "fr": "Correspondance des colonnes invalide : {problems}.",
            "en": "Invalid column mapping: {problems}.",
        },
    }
)
