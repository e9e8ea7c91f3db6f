"""What the words in a status, stage, yes/no or activity-type column mean (FR/EN, case- and
accent-insensitive).

Each vocabulary is data (sets of words); the functions classify one cell, and the prepared
tables (:mod:`kpi.metrics.prepared`) apply them once per distinct value of a column.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from kpi.text import words

__all__ = [
    "NOT_COUNTED",
    "STAGE_RANKS",
    "activity_class",
    "complaint_class",
    "flag_value",
    "outcome_of_stage",
    "parse_flag",
    "status_class",
]


def _vocab(*items: str) -> frozenset[str]:
    return frozenset(words(w) for w in items)


_STATUS_WORDS: dict[str, frozenset[str]] = {
    "cancelled": _vocab(
        "annulé", "annulée", "annulés", "annulées", "annulation", "annule", "cancelled",
        "canceled", "cancel", "cancellation", "void", "voided",
    ),
    "refunded": _vocab(
        "remboursé", "remboursée", "remboursés", "remboursées", "remboursement", "refunded",
        "refund", "refunds",
    ),
    "returned": _vocab(
        "retour", "retours", "retourné", "retournée", "retournés", "retournées", "returned",
        "return", "returns",
    ),
    "lost": _vocab("perdu", "perdue", "perdus", "perdues", "lost"),
    # Payments that never went through (KPI_SPEC: "failed or voided payments are not sales").
    "failed": _vocab(
        "failed", "échoué", "échouée", "échec", "payment error", "erreur de paiement",
        "paiement refusé", "declined", "expired", "expiré", "expirée",
    ),
    "complaint": _vocab(
        "réclamation", "réclamations", "plainte", "litige", "litigieux", "contesté",
        "contestée", "disputed", "dispute", "complaint", "complaints", "claim",
    ),
}  # fmt: skip
_PARTIAL = _vocab("partiel", "partielle", "partiellement", "partial", "partially")
NOT_COUNTED = ("cancelled", "refunded", "returned", "lost", "failed")

_WON = _vocab(
    "won", "win", "gagné", "gagnée", "gagnés", "gagnées", "signé", "signée", "signés",
    "signées", "closedwon", "remporté", "remportée", "conclu", "conclue", "vendu", "vendue",
    "sold", "success", "succès", "accepted", "accepté", "acceptée", "invoiced", "facturé",
    "facturée",
)  # fmt: skip
_LOST = _vocab(
    "lost", "perdu", "perdue", "perdus", "perdues", "closedlost", "abandonné", "abandonnée",
    "abandoned", "échec", "failed", "rejected", "refusé", "refusée", "disqualified",
    "disqualifié", "disqualifiée", "annulé", "annulée", "cancelled", "canceled", "dead",
    "refused", "expired", "expiré", "expirée", "out sold", "outsold",
    "vendu par la concurrence",
)  # fmt: skip

# Known pipeline vocabularies (Salesforce, HubSpot, Pipedrive, Maven CRM, French CRMs), one
# string per rank, earliest first. Stages of equal rank keep their order of appearance.
_STAGE_VOCAB: tuple[str, ...] = (
    "lead|new|nouveau|nouvelle|lead in|prospect|prospecting|prospection|suspect|identification|"
    "identified|a contacter|to contact|appointment scheduled|appointmentscheduled|contact|"
    "contacted|contact made|premier contact|contacte|rendez vous programme",
    "qualification|qualified|qualifie|qualifiee|qualified to buy|qualifiedtobuy|discovery|"
    "decouverte|needs analysis|analyse des besoins|engaging|engaged|needs defined|rendez vous|"
    "rdv|meeting|demo scheduled|qualifie pour acheter",
    "demo|demonstration|presentation|presentation scheduled|presentationscheduled|"
    "value proposition|proposition de valeur|id decision makers|perception analysis|solution|"
    "evaluation|presentation programmee|identification des decideurs|"
    "analyse de la perception",
    "proposal|proposition|proposal made|devis|quote|offre|chiffrage|proposal price quote|"
    "decision maker bought in|decisionmakerboughtin|proposition commerciale|devis envoye|"
    "decideur convaincu|proposition devis",
    "negotiation|negociation|negotiations started|negotiation review|contract sent|"
    "contractsent|contrat envoye|closing|commit|accord verbal|verbal|signature|"
    "negociation revision",
)
STAGE_RANKS: dict[str, int] = {
    words(phrase): rank for rank, text in enumerate(_STAGE_VOCAB) for phrase in text.split("|")
}

_TRUE = _vocab(
    "1", "1.0", "true", "vrai", "yes", "oui", "y", "o", "x", "won", "gagné", "converted",
    "converti", "convertie", "replied", "répondu", "booked", "ok", "done",
)  # fmt: skip
_FALSE = _vocab(
    "0", "0.0", "false", "faux", "no", "non", "n", "lost", "perdu", "not converted",
    "non converti", "none",
)  # fmt: skip

_ACTIVITY_WORDS: dict[str, frozenset[str]] = {
    "call": _vocab("call", "calls", "appel", "appels", "phone", "téléphone", "tel", "phone call",
                   "cold call", "appel sortant", "appel entrant"),
    "message": _vocab("email", "emails", "e mail", "mail", "mails", "courriel", "message",
                      "messages", "linkedin", "inmail", "sms", "text"),
    "meeting": _vocab("meeting", "meetings", "rdv", "rendez vous", "réunion", "visite", "visit",
                      "demo", "démo", "rendezvous"),
}  # fmt: skip


def status_class(value: Any) -> str | None:
    """What an order status means: ``cancelled``, ``refunded``, ``returned``, ``lost``,
    ``failed`` (a payment that did not go through), ``complaint``, or ``None`` for an ordinary status (``Livrée``, ``Shipped``…).

    Matching is on words, case- and accent-insensitive: ``Annulée par le client`` is cancelled,
    ``Closed Lost`` is lost; a partial refund (``Partially refunded``) is ordinary.
    """
    found = set(words(value).split())
    if not found:
        return None
    joined = words(value)
    for cls, vocab in _STATUS_WORDS.items():
        if found & vocab or joined in vocab:
            if cls in ("refunded", "returned") and found & _PARTIAL:
                return None
            return cls
    return None


def outcome_of_stage(value: Any) -> int:
    """0 open, 1 won, 2 lost, from a stage label."""
    joined = words(value)
    found = set(joined.split())
    if not found:
        return 0
    compact = joined.replace(" ", "")
    if found & _LOST or compact in _LOST or joined in _LOST:
        return 2
    if found & _WON or compact in _WON:
        return 1
    return 0


def flag_value(value: Any) -> bool | None:
    """True, False or None (unknown) for one cell of a yes/no column."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return None if math.isnan(float(value)) else float(value) != 0
    text = words(value)
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    try:
        return float(text.replace(" ", ".")) != 0
    except ValueError:
        return None


def parse_flag(values: pd.Series) -> pd.Series:
    """A yes/no column as a nullable boolean Series (``oui``/``yes``/``1``/``x`` → True…).

    Unknown texts and empty cells are ``<NA>``.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lut = [flag_value(u) for u in uniques]
    out = pd.array([None] * len(values), dtype="boolean")
    for i, v in enumerate(lut):
        if v is not None:
            out[codes == i] = v
    return pd.Series(out, index=values.index, name=values.name)


def complaint_class(value: Any) -> int:
    """1 for a status meaning returned, refunded, complaint or dispute, else 0."""
    return 1 if status_class(value) in ("returned", "refunded", "complaint") else 0


def activity_class(value: Any) -> int:
    """0 other, 1 call, 2 message, 3 meeting, from an activity type."""
    text = words(value)
    found = set(text.split())
    for code, cls in ((3, "meeting"), (1, "call"), (2, "message")):
        vocab = _ACTIVITY_WORDS[cls]
        if text in vocab or found & vocab:
            return code
    return 0
