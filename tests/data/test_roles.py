"""Recognising what each column means from FR/EN headers checked against values."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.data import ROLE_IDS, columns_signature, detect, validate_mapping
from kpi.data.roles import SYNONYMS, header_score, normalise_header
from kpi.errors import PiloteError


def test_every_synonym_list_is_for_a_real_role() -> None:
    assert set(SYNONYMS) <= set(ROLE_IDS)


def test_normalise_header() -> None:
    assert normalise_header("  Chiffre d'Affaires (€) ") == "chiffre d affaires"
    assert normalise_header("CustomerID") == "customer id"
    assert normalise_header("N° commande") == "n commande"
    assert normalise_header("Étape") == "etape"


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Montant HT", "amount"),
        ("CA", "amount"),
        ("Chiffre d'affaires", "amount"),
        ("Commercial", "rep"),
        ("Vendeur", "rep"),
        ("Date de commande", "date"),
        ("Étape", "stage"),
        ("Deal Stage", "stage"),
        ("Opportunity Owner", "rep"),
        ("Lead Source", "source"),
        ("Converted", "converted"),
        ("Quantité", "quantity"),
        ("Prix unitaire HT", "unit_price"),
    ],
)
def test_header_vocabulary(header: str, role: str) -> None:
    assert header_score(header, role) == 1.0


def test_values_must_fit_the_role() -> None:
    df = pd.DataFrame(
        {
            "Date": ["pas une date", "x"],  # text: cannot be the date role
            "Montant": [10.0, 20.0],
            "Client": ["A", "B"],
        }
    ).astype({"Date": "str", "Client": "str"})
    det = detect(df)
    assert "date" not in det.mapping
    assert det.mapping["amount"] == "Montant"


def test_french_orders() -> None:
    df = pd.DataFrame(
        {
            "N° commande": ["C1", "C2"],
            "Date de commande": pd.to_datetime(["2024-01-02", "2024-01-03"]),
            "Client": ["A", "B"],
            "Vendeur": ["Zoé", "Jean"],
            "Montant HT": [10.0, 20.0],
            "Coût": [5.0, 6.0],
            "Statut": ["Livrée", "Annulée"],
        }
    )
    det = detect(df)
    assert det.kind == "orders"
    assert det.mapping == {
        "order_id": "N° commande",
        "date": "Date de commande",
        "customer_id": "Client",
        "rep": "Vendeur",
        "amount": "Montant HT",
        "cost": "Coût",
        "status": "Statut",
    }
    assert all(0 < c <= 1 for c in det.confidence.values())


def test_deals_use_created_and_close_dates() -> None:
    df = pd.DataFrame(
        {
            "Opportunity ID": ["O1", "O2"],
            "Opportunity Owner": ["A", "B"],
            "Deal Stage": ["Closed Won", "Prospecting"],
            "Amount": [100.0, 200.0],
            "Created Date": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "Close Date": pd.to_datetime(["2024-03-01", None]),
        }
    )
    det = detect(df)
    assert det.kind == "deals"
    assert det.mapping["created_date"] == "Created Date"
    assert det.mapping["close_date"] == "Close Date"
    assert det.mapping["stage"] == "Deal Stage"


def test_flags() -> None:
    df = pd.DataFrame({"Lead ID": ["L1", "L2", "L3"], "Converti": ["oui", "non", "Oui"]})
    det = detect(df)
    assert det.kind == "leads" and det.mapping["converted"] == "Converti"


def test_validate_mapping_reports_every_problem_at_once() -> None:
    df = pd.DataFrame({"Date": pd.to_datetime(["2024-01-01"]), "Client": ["A"]})
    with pytest.raises(PiloteError) as err:
        validate_mapping(df, {"amount": "Client", "nope": "Date", "rep": "Missing"})
    text = err.value.message("en")
    assert "amount" in text and "nope" in text and "Missing" in text and "Date, Client" in text


def test_columns_signature_ignores_order_and_case() -> None:
    cols = ["Date", "Montant", "Client"]
    assert columns_signature(["client", "DATE", "montant"]) == columns_signature(cols)
    assert columns_signature(["Date", "Montant"]) != columns_signature(cols)
