"""kpi.text: the one accent- and case-folding, and the word and file-name forms built on it."""

from __future__ import annotations

import math

from kpi.text import fold, slug, words


def test_fold_drops_accents_and_case_keeps_punctuation() -> None:
    assert fold("  Élodie  MARTIN ") == "elodie martin"
    assert fold("Google-Ads") == "google-ads"
    assert fold("ANNULÉE") == fold("annulee") == "annulee"
    assert fold(None) == "" and fold(math.nan) == ""
    assert fold(12.5) == "12.5"


def test_words_split_on_everything_else() -> None:
    assert words("Closed-Won") == "closed won"
    assert words("N° de commande") == "n de commande"
    assert words("Rendez‑vous") == "rendez vous"  # a non-breaking hyphen separates words
    assert words("Annulée par l’acheteur") == "annulee par l acheteur"
    assert words("#N/A", keep="/#?.()-") == "#n/a"


def test_header_form_drops_what_is_left_outside_ascii() -> None:
    # saved mappings are found by this form: it must stay as it was
    assert words("Date d’échéance", ascii_only=True) == "date decheance"
    assert words("Montant (€)", ascii_only=True) == "montant"


def test_slug() -> None:
    assert slug("Chiffre d'affaires") == "chiffre-d-affaires"
    assert slug("€€", "table") == "table"
