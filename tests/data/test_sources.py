"""Source profiles: the registry, recognition, the tools' semantics and currencies.

Every fixture in ``tests/fixtures/sources`` is loaded by the real loader, recognised, and read
with its tool's semantics; the expected figures were counted by hand from the fixture rows (see
``tests/fixtures/sources/make_fixtures.py``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest

from kpi import i18n
from kpi.data import sources as S
from kpi.data.dataset import Table
from kpi.data.loading import load_bytes
from kpi.data.roles import ROLE_IDS

# The engine's current modules (re-pointed after the restructure: kpi.data.loading,
# kpi.data.dataset, kpi.metrics…).
from kpi.metrics import Engine, deal_outcomes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


def load(name: str) -> pd.DataFrame:
    """The typed table as the loader reads it *before* recognition (the semantics are applied
    by hand below; ``tests/data/test_source_loading.py`` checks the loader's own use)."""
    with mock.patch("kpi.data.loading._read_source", lambda df, _report: df):
        df, _report = load_bytes((FIXTURES / name).read_bytes(), name)
    return df


def read(name: str) -> tuple[S.SourceMatch, pd.DataFrame, dict[str, str], list[i18n.Message]]:
    df = load(name)
    match = S.detect_source(list(df.columns), df.head(50))
    assert match is not None, name
    df2, mapping, notes = S.apply_source(df, match)
    return match, df2, mapping, notes


# file, (tool, export, lang), rows after semantics, roles that must be mapped to these headers
RECOGNISED = [
    ("salesforce_opportunities_en.csv", ("salesforce", "opportunities", "en"), 12,
     {"stage": "Stage", "amount": "Amount", "rep": "Opportunity Owner", "close_date": "Close Date"}),
    ("salesforce_opportunities_fr.xlsx", ("salesforce", "opportunities", "fr"), 5,
     {"stage": "Étape", "amount": "Montant", "rep": "Propriétaire de l'opportunité"}),
    ("salesforce_leads_en.csv", ("salesforce", "leads", "en"), 6,
     {"rep": "Lead Owner", "lead_id": "Lead ID", "source": "Lead Source"}),
    ("salesforce_leads_fr.csv", ("salesforce", "leads", "fr"), 6,
     {"rep": "Propriétaire de la piste", "source": "Origine de la piste"}),
    ("salesforce_accounts_en.csv", ("salesforce", "accounts", "en"), 3,
     {"customer_id": "Account Name", "segment": "Industry", "country": "Billing Country"}),
    ("salesforce_accounts_fr.csv", ("salesforce", "accounts", "fr"), 3,
     {"customer_id": "Nom du compte", "segment": "Secteur d'activité"}),
    ("hubspot_deals_en.csv", ("hubspot", "deals", "en"), 5,
     {"stage": "Deal Stage", "amount": "Amount", "opportunity_id": "Record ID",
      "currency": "Currency"}),
    ("hubspot_deals_fr.csv", ("hubspot", "deals", "fr"), 5,
     {"stage": "Phase de la transaction", "amount": "Montant", "close_date": "Date de fermeture",
      "rep": "Propriétaire de la transaction"}),
    ("hubspot_contacts_en.csv", ("hubspot", "contacts", "en"), 6,
     {"lead_id": "Record ID", "rep": "Contact owner", "source": "Original Source"}),
    ("hubspot_contacts_fr.csv", ("hubspot", "contacts", "fr"), 6,
     {"lead_id": "ID de fiche d'informations", "source": "Source d'origine"}),
    ("hubspot_companies_en.csv", ("hubspot", "companies", "en"), 3,
     {"customer_id": "Company name", "segment": "Industry"}),
    ("hubspot_companies_fr.csv", ("hubspot", "companies", "fr"), 3,
     {"customer_id": "Nom de l'entreprise", "segment": "Secteur d'activité"}),
    ("pipedrive_deals_en.csv", ("pipedrive", "deals", "en"), 5,
     {"amount": "Deal - Value", "stage": "Deal - Stage", "customer_id": "Deal - Organization",
      "rep": "Deal - Owner", "currency": "Deal - Currency"}),
    ("pipedrive_deals_fr.csv", ("pipedrive", "deals", "fr"), 5,
     {"amount": "Affaire - Valeur", "stage": "Affaire - Étape",
      "created_date": "Affaire - Affaire créée", "lost_reason": "Affaire - Raison de la perte"}),
    ("pipedrive_leads_en.csv", ("pipedrive", "leads", "en"), 4,
     {"rep": "Lead - Owner", "source": "Lead - Source", "created_date": "Lead - Lead created"}),
    ("pipedrive_leads_fr.csv", ("pipedrive", "leads", "fr"), 4,
     {"rep": "Lead - Propriétaire", "created_date": "Lead - Lead créé"}),
    ("zoho_deals_en.csv", ("zoho", "deals", "en"), 5,
     {"stage": "Stage", "close_date": "Closing Date", "rep": "Deal Owner",
      "created_date": "Created Time"}),
    ("zoho_deals_fr.csv", ("zoho", "deals", "fr"), 5,
     {"stage": "Étape", "rep": "Propriétaire de l'affaire", "created_date": "Heure de création"}),
    ("zoho_leads_en.csv", ("zoho", "leads", "en"), 5,
     {"rep": "Lead Owner", "customer_id": "Company", "lead_id": "Record Id"}),
    ("zoho_leads_fr.csv", ("zoho", "leads", "fr"), 5,
     {"rep": "Propriétaire du prospect", "source": "Source du prospect"}),
    ("odoo_crm_en.csv", ("odoo", "crm", "en"), 5,
     {"amount": "Expected Revenue", "rep": "Salesperson", "team": "Sales Team",
      "lost_reason": "Lost Reason"}),
    ("odoo_crm_fr.csv", ("odoo", "crm", "fr"), 5,
     {"amount": "Revenu espéré", "rep": "Vendeur", "team": "Équipe commerciale"}),
    ("odoo_sales_en.csv", ("odoo", "sales", "en"), 5,
     {"order_id": "Order Reference", "amount": "Untaxed Amount", "date": "Order Date",
      "status": "Status"}),
    ("odoo_sales_fr.csv", ("odoo", "sales", "fr"), 5,
     {"order_id": "Référence de la commande", "amount": "Montant HT", "rep": "Vendeur"}),
    ("dynamics_opportunities_en.csv", ("dynamics", "opportunities", "en"), 5,
     {"customer_id": "Potential Customer", "rep": "Owner",
      "opportunity_id": "(Do Not Modify) Opportunity"}),
    ("dynamics_opportunities_fr.csv", ("dynamics", "opportunities", "fr"), 5,
     {"customer_id": "Client potentiel", "rep": "Propriétaire"}),
    ("sellsy_quotes_fr.csv", ("sellsy", "quotes", "fr"), 5,
     {"amount": "Total HT", "customer_id": "Tiers", "rep": "Collaborateur"}),
    ("sellsy_quotes_en.csv", ("sellsy", "quotes", "en"), 5,
     {"amount": "Total excl. tax", "customer_id": "Third party"}),
    ("sellsy_invoices_fr.csv", ("sellsy", "invoices", "fr"), 5,
     {"amount": "Total HT", "order_id": "Numéro", "status": "Statut"}),
    ("sellsy_invoices_en.csv", ("sellsy", "invoices", "en"), 5,
     {"amount": "Total excl. tax", "order_id": "Number"}),
    ("axonaut_quotes_fr.csv", ("axonaut", "quotes", "fr"), 4,
     {"amount": "Montant HT", "customer_id": "Entreprise", "rep": "Commercial"}),
    ("axonaut_quotes_en.csv", ("axonaut", "quotes", "en"), 4,
     {"amount": "Amount excl. tax", "customer_id": "Company"}),
    ("axonaut_invoices_fr.csv", ("axonaut", "invoices", "fr"), 4,
     {"amount": "Montant HT", "status": "Statut de paiement", "order_id": "Numéro"}),
    ("axonaut_invoices_en.csv", ("axonaut", "invoices", "en"), 4,
     {"amount": "Amount excl. tax", "status": "Payment status"}),
    ("nocrm_leads_en.csv", ("nocrm", "leads", "en"), 5,
     {"stage": "Step", "amount": "Amount", "rep": "User", "customer_id": "Client"}),
    ("nocrm_leads_fr.csv", ("nocrm", "leads", "fr"), 5,
     {"stage": "Étape", "amount": "Montant", "rep": "Utilisateur"}),
    ("shopify_orders_en.csv", ("shopify", "orders", "en"), 8,
     {"order_id": "Name", "status": "Financial Status", "quantity": "Lineitem quantity",
      "product": "Lineitem name", "unit_price": "Lineitem price", "customer_id": "Email",
      "date": "Created at", "currency": "Currency"}),
    ("shopify_orders_fr_shop.csv", ("shopify", "orders", "en"), 8,
     {"order_id": "Name", "status": "Financial Status", "date": "Created at"}),
    ("woocommerce_orders_en.csv", ("woocommerce", "orders", "en"), 6,
     {"order_id": "Order #", "status": "Status", "amount": "Net Sales", "customer_id": "Customer",
      "quantity": "Items sold"}),
    ("woocommerce_orders_fr.csv", ("woocommerce", "orders", "fr"), 6,
     {"order_id": "Commande n°", "status": "État", "amount": "Ventes nettes"}),
    ("prestashop_orders_fr.csv", ("prestashop", "orders", "fr"), 7,
     {"order_id": "Référence", "status": "État", "amount": "Total", "customer_id": "Client",
      "country": "Livraison"}),
    ("prestashop_orders_en.csv", ("prestashop", "orders", "en"), 7,
     {"order_id": "Reference", "status": "Status", "amount": "Total"}),
    ("stripe_payments_en.csv", ("stripe", "payments", "en"), 6,
     {"order_id": "id", "status": "Status", "customer_id": "Customer ID",
      "currency": "Converted Currency", "date": "Created date (UTC)"}),
    # subscriptions (issue 15): the engine's figures are in tests/metrics/test_subscription_kpis
    ("stripe_subscriptions.csv", ("stripe", "subscriptions", "en"), 16,
     {"subscription_id": "id", "customer_id": "Customer ID", "unit_price": "Amount",
      "interval": "Interval", "start_date": "Start Date (UTC)", "end_date": "Ended At (UTC)",
      "canceled_at": "Canceled At (UTC)", "cancel_at_period_end": "Cancel At Period End",
      "current_period_end": "Current Period End (UTC)", "trial_end": "Trial End (UTC)"}),
    ("stripe_sigma_subscriptions.csv", ("stripe", "sigma_subscriptions", "en"), 16,
     {"subscription_id": "id", "customer_id": "customer_id", "unit_price": "Unit price (Pilote)",
      "interval": "recurring_interval", "interval_count": "recurring_interval_count"}),
    ("chargebee_subscriptions.csv", ("chargebee", "subscriptions", "en"), 15,
     {"subscription_id": "Subscription ID", "unit_price": "Plan Unit Price",
      "monthly_amount": "MRR", "interval": "Subscription Billing Period",
      "end_date": "Canceled On", "current_period_end": "Current Billing Term End Date"}),
    ("baremetrics_subscriptions.csv", ("baremetrics", "subscriptions", "en"), 12,
     {"unit_price": "Unit price (Pilote)", "interval_count": "plan_interval_count",
      "start_date": "subscription_started_at", "end_date": "subscription_canceled_at"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "source", "rows", "roles"), RECOGNISED)
def test_fixture_is_recognised_with_its_roles(name, source, rows, roles):
    match, df2, mapping, _notes = read(name)
    assert (match.profile.tool, match.profile.export, match.lang) == source
    assert match.source == dict(zip(("tool", "export", "lang"), source, strict=True))
    assert len(df2) == rows
    for role, header in roles.items():
        assert mapping.get(role) == header, (role, mapping)
    assert set(mapping) <= set(ROLE_IDS)
    assert not match.warnings


def test_every_tool_of_the_issue_has_a_fixture():
    tools = {p.tool for p in S.PROFILES}
    assert tools >= {
        "salesforce", "hubspot", "pipedrive", "zoho", "odoo", "dynamics", "sellsy", "axonaut",
        "nocrm", "shopify", "woocommerce", "prestashop", "stripe",
    }  # fmt: skip
    covered = {(s[0], s[1], s[2]) for _n, s, _r, _m in RECOGNISED}
    for p in S.PROFILES:
        for lang in p.langs:
            assert (p.tool, p.export, lang) in covered, (p.id, lang)


# --- outcomes of deals: hand counts, and the engine reads them the same way -----------------

# file: (won, lost, open, Σ amount of won deals)
DEALS = {
    "salesforce_opportunities_en.csv": (4, 3, 5, 12000 + 3000 + 4000 + 2500),
    "salesforce_opportunities_fr.xlsx": (2, 1, 2, 12000 + 3000),
    "hubspot_deals_en.csv": (2, 1, 2, 12000 + 7500),
    "hubspot_deals_fr.csv": (2, 1, 2, 12000 + 7500),
    "pipedrive_deals_en.csv": (2, 2, 1, 1000 + 3000),
    "pipedrive_deals_fr.csv": (2, 2, 1, 1000 + 3000),
    "zoho_deals_en.csv": (1, 2, 2, 12000),
    "zoho_deals_fr.csv": (1, 2, 2, 12000),
    "odoo_crm_en.csv": (2, 2, 1, 12000 + 7500),
    "odoo_crm_fr.csv": (2, 2, 1, 12000 + 7500),
    # Actual Revenue 9,500 replaces the estimate of the first won deal; the second has none.
    "dynamics_opportunities_en.csv": (2, 2, 1, 9500 + 4000),
    "dynamics_opportunities_fr.csv": (2, 2, 1, 9500 + 4000),
    "sellsy_quotes_fr.csv": (2, 2, 1, 1000 + 3000),
    "sellsy_quotes_en.csv": (2, 2, 1, 1000 + 3000),
    "axonaut_quotes_fr.csv": (2, 1, 1, 1000 + 3000),
    "axonaut_quotes_en.csv": (2, 1, 1, 1000 + 3000),
    "nocrm_leads_en.csv": (1, 2, 2, 1000),
    "nocrm_leads_fr.csv": (1, 2, 2, 1000),
}


@pytest.mark.parametrize(("name", "expected"), DEALS.items())
def test_deal_outcomes_by_hand_and_through_the_engine(name, expected):
    won, lost, n_open, won_amount = expected
    match, df2, mapping, notes = read(name)
    flag = df2[mapping["won"]]
    assert (int(flag.eq(True).sum()), int(flag.eq(False).sum()), int(flag.isna().sum())) == (
        won,
        lost,
        n_open,
    )
    assert df2.loc[flag.fillna(False).astype(bool), mapping["amount"]].sum() == won_amount
    # The engine of today reads the derived columns to the same outcomes and win rate.
    table = Table(name, df2, "deals", mapping)
    counts = deal_outcomes(table).value_counts()
    assert (counts.get("won", 0), counts.get("lost", 0), counts.get("open", 0)) == (
        won,
        lost,
        n_open,
    )
    rate = Engine([table]).value("win_rate", "all").value
    assert rate == pytest.approx(won / (won + lost))
    assert any(n.key == "sources.note.outcomes" and n.params["won"] == won for n in notes)


def test_pipedrive_close_date_is_the_won_or_lost_time():
    _match, df2, mapping, _notes = read("pipedrive_deals_en.csv")
    close = df2[mapping["close_date"]]
    assert close.tolist()[:2] == [
        pd.Timestamp("2024-02-10 11:00"),
        pd.Timestamp("2024-02-20 16:00"),
    ]
    assert pd.isna(close.iloc[2])  # the open deal has no close date
    assert int(close.notna().sum()) == 4


def test_odoo_lost_is_archived_or_probability_zero_with_a_reason():
    _match, df2, mapping, _notes = read("odoo_crm_en.csv")
    flag = df2[mapping["won"]].tolist()
    # Globex: archived (Active False); Umbrella: active but probability 0 and a lost reason.
    assert flag[1] is False and flag[3] is False
    assert flag[0] is True and pd.isna(flag[2])


# --- leads: open statuses leave the outcome unknown ------------------------------------------

# file: (converted, lost, outcome unknown)
LEADS = {
    "salesforce_leads_en.csv": (2, 1, 3),
    "salesforce_leads_fr.csv": (2, 1, 3),
    "hubspot_contacts_en.csv": (2, 1, 3),
    "hubspot_contacts_fr.csv": (2, 1, 3),
    "zoho_leads_en.csv": (0, 2, 3),
    "zoho_leads_fr.csv": (0, 2, 3),
    "pipedrive_leads_en.csv": (0, 0, 4),
    "pipedrive_leads_fr.csv": (0, 0, 4),
}


@pytest.mark.parametrize(("name", "expected"), LEADS.items())
def test_lead_outcomes_leave_open_leads_unknown(name, expected):
    match, df2, mapping, _notes = read(name)
    converted = df2[mapping["converted"]]
    assert str(converted.dtype) == "boolean"
    got = (
        int(converted.eq(True).sum()),
        int(converted.eq(False).sum()),
        int(converted.isna().sum()),
    )
    assert got == expected
    keys = [m.key for m in match.semantics]
    assert "sources.sem.lead_outcome" in keys or "sources.sem.lead_all_open" in keys


def test_salesforce_open_lead_statuses_are_the_unknown_ones():
    df = load("salesforce_leads_en.csv")
    _m, df2, mapping, _n = read("salesforce_leads_en.csv")
    unknown = df.loc[df2[mapping["converted"]].isna().to_numpy(), "Lead Status"]
    assert set(unknown) == {"Open - Not Contacted", "Working - Contacted"}


# --- orders: counted statuses, refunds, revenue once per order -------------------------------

# file: (orders counted, revenue of counted orders, orders not counted)
ORDERS = {
    "odoo_sales_en.csv": (2, 1000 + 2000, 3),  # quotations and cancelled orders do not count
    "odoo_sales_fr.csv": (2, 1000 + 2000, 3),
    "sellsy_invoices_fr.csv": (3, 1000 + 2000 + 3000, 2),  # draft and cancelled
    "sellsy_invoices_en.csv": (3, 1000 + 2000 + 3000, 2),
    "axonaut_invoices_fr.csv": (3, 1000 + 2000 + 3000, 1),
    "axonaut_invoices_en.csv": (3, 1000 + 2000 + 3000, 1),
    # #1001 (20 + 30), #1003 (subtotal 90 − refunded 30), #1006 (45); refunded #1002, cancelled
    # #1004 and voided #1005 do not count.
    "shopify_orders_en.csv": (3, 50 + (90 - 30) + 45, 3),
    "shopify_orders_fr_shop.csv": (3, 50 + (90 - 30) + 45, 3),
    "woocommerce_orders_en.csv": (3, 50 + 30 + 40, 3),  # refunded, failed, cancelled
    "woocommerce_orders_fr.csv": (3, 50 + 30 + 40, 3),
    "prestashop_orders_fr.csv": (3, 120 + 80 + 100, 4),  # cancelled, refund, error, awaiting
    "prestashop_orders_en.csv": (3, 120 + 80 + 100, 4),
    # ch_001 100, ch_004 80 − 20 refunded, ch_006 70; refunded, failed, uncaptured do not count.
    "stripe_payments_en.csv": (3, 100 + (80 - 20) + 70, 3),
}


@pytest.mark.parametrize(("name", "expected"), ORDERS.items())
def test_orders_counted_and_revenue(name, expected):
    n_counted, revenue, n_not = expected
    _match, df2, mapping, notes = read(name)
    counted = df2[mapping["counted"]].to_numpy(dtype=bool)
    ids = df2[mapping["order_id"]]
    assert ids[counted].nunique() == n_counted
    assert ids[~counted].nunique() == n_not
    assert df2.loc[counted, mapping["amount"]].sum() == pytest.approx(revenue)
    assert any(n.key == "sources.note.not_counted" and n.params["orders"] == n_not for n in notes)


def test_shopify_line_items_fill_down_and_revenue_once_per_order():
    df = load("shopify_orders_en.csv")
    before = df.copy()
    match = S.detect_source(list(df.columns))
    df2, mapping, notes = S.apply_source(df, match)
    pd.testing.assert_frame_equal(df, before)  # the input is never modified
    # The second line of #1001 gets its order's status and date from the first line.
    assert df["Financial Status"].isna().sum() == 2
    assert df2["Financial Status"].tolist()[:2] == ["paid", "paid"]
    assert df2[mapping["date"]].notna().all()
    # Revenue: the subtotal once per order, spread over the lines by price × quantity —
    # never the subtotal on every line nor the subtotal plus the lines.
    amount = df2[mapping["amount"]]
    assert amount.tolist() == pytest.approx([20.0, 30.0, 40.0, 36.0, 24.0, 25.0, 15.0, 45.0])
    per_order = amount.groupby(df2["Name"]).sum()
    assert per_order["#1001"] == pytest.approx(50.0)  # Subtotal 50, not 50 × 2 lines
    assert per_order["#1003"] == pytest.approx(60.0)  # Subtotal 90 − Refunded Amount 30
    filled = next(n for n in notes if n.key == "sources.note.filled")
    # 2 continuation lines × 13 order-level columns present in the file (Name excluded).
    assert filled.params["cells"] == 2 * 13
    refunds = next(n for n in notes if n.key == "sources.note.refunds")
    assert refunds.params["orders"] == 1 and refunds.text("en").endswith(": 30.00")
    texts = [m.text("fr") for m in match.semantics]
    assert (
        "champs de commande recopiés depuis la première ligne de chaque commande (« Name »)"
        in texts
    )


def test_ht_is_preferred_to_ttc_and_said():
    match, _df2, mapping, _notes = read("sellsy_invoices_fr.csv")
    assert mapping["amount"] == "Total HT"
    assert "montant hors taxes « Total HT » préféré au montant TTC « Total TTC »" in [
        m.text("fr") for m in match.semantics
    ]
    match, _df2, mapping, _notes = read("prestashop_orders_en.csv")
    assert mapping["amount"] == "Total"
    assert "amounts include tax (“Total”): the export has no tax-free amount" in [
        m.text("en") for m in match.semantics
    ]


def test_salesforce_footer_rows_are_dropped_and_counted():
    df = load("salesforce_opportunities_en.csv")
    assert len(df) > 12  # the loader keeps the footer lines as rows
    _m, df2, _mapping, notes = read("salesforce_opportunities_en.csv")
    assert len(df2) == 12
    assert next(n for n in notes if n.key == "sources.note.footer").params["rows"] == len(df) - 12


# --- recognition ---------------------------------------------------------------------------


def test_headers_match_whatever_the_case_accents_and_prefix_spacing():
    columns = ["AFFAIRE - TITRE", "affaire-valeur", "Affaire – Etape", "Affaire - statut"]
    match = S.detect_source(columns)
    assert match is not None and match.source == {
        "tool": "pipedrive",
        "export": "deals",
        "lang": "fr",
    }


def test_pipedrive_headers_without_their_prefix_are_not_pipedrive():
    # "Title, Value, Stage, Status" is any generic table: the prefix is what says Pipedrive.
    assert S.detect_source(["Title", "Value", "Stage", "Status"]) is None


def test_semantics_and_name_in_both_languages():
    match, *_ = read("pipedrive_deals_en.csv")
    assert match.name("en") == "Pipedrive — deals export (EN)"
    assert match.describe("en") == "Recognised as: Pipedrive — deals export (EN)"
    assert match.describe("fr") == "Reconnu : Pipedrive — export des affaires (EN)"
    fr = [m.text("fr") for m in match.semantics]
    en = [m.text("en") for m in match.semantics]
    assert "victoire/perte lues dans « Deal - Status »" in fr
    assert "won/lost read from “Deal - Status”" in en
    assert "date de clôture des affaires gagnées = « Deal - Won time »" in fr
    payload = match.to_dict("en")
    assert payload["tool"] == "pipedrive" and payload["semantics"] == en


def test_generic_files_are_not_recognised():
    columns = ["opportunity_id", "sales_agent", "product", "account", "deal_stage",
               "engage_date", "close_date", "close_value"]  # fmt: skip
    recognition = S.recognise(columns)
    assert recognition.match is None and recognition.reason is None
    assert S.detect_source(["Date", "Montant", "Client"]) is None


def test_two_profiles_equally_matched_give_no_match_and_a_reason():
    base = S.get_profile("axonaut.invoices")
    twin = replace(base, tool="facturio", tool_name="Facturio")
    recognition = S.recognise(
        ["Numéro", "Entreprise", "Statut de paiement", "TVA", "Montant HT"], profiles=(base, twin)
    )
    assert recognition.match is None
    assert recognition.reason is not None and recognition.reason.key == "sources.ambiguous"
    fr, en = recognition.reason.text("fr"), recognition.reason.text("en")
    assert "Axonaut (export des factures)" in fr and "Facturio (export des factures)" in fr
    assert "Axonaut (invoices export)" in en and "Facturio (invoices export)" in en
    assert [c[0] for c in recognition.candidates] == ["axonaut.invoices", "facturio.invoices"]


def test_quotes_and_invoices_of_one_tool_are_told_apart_by_their_status_values():
    # Headers that fit Sellsy quotes and Sellsy invoices alike; the statuses decide.
    columns = ["Numéro", "Tiers", "Objet", "Statut", "Date d'échéance", "Total HT"]
    quotes = pd.DataFrame(
        {c: ["x"] * 3 for c in columns} | {"Statut": ["Accepté", "Refusé", "Envoyé"]}
    )
    invoices = quotes.assign(Statut=["Payée", "À payer", "Annulée"])
    assert S.detect_source(columns, quotes).profile.id == "sellsy.quotes"
    assert S.detect_source(columns, invoices).profile.id == "sellsy.invoices"


def test_a_missing_key_column_still_matches_with_a_warning():
    match, df2, mapping, notes = read("pipedrive_deals_no_status_en.csv")
    assert match.profile.id == "pipedrive.deals"
    assert [w.key for w in match.warnings] == ["sources.missing_key"]
    assert "Deal - Status" in match.warnings[0].text("en")
    assert "« Deal - Status »" in match.warnings[0].text("fr")
    # No outcome is invented: the won/lost reading is left to the generic rules.
    assert "won" not in mapping and len(df2) == 2
    assert [n.key for n in notes] == ["sources.note.no_outcome"]
    assert mapping["amount"] == "Deal - Value"


# --- currencies ----------------------------------------------------------------------------


def test_several_currencies_are_summarised_main_first():
    df = load("stripe_payments_multicurrency_en.csv")
    match = S.detect_source(list(df.columns))
    _df2, mapping, _notes = S.apply_source(df, match)
    summary = S.currency_summary(df, mapping)
    assert summary.main == "EUR" and summary.several
    assert [(c, r) for c, r, _s in summary.shares] == [("EUR", 16), ("USD", 3), ("GBP", 1)]
    message = summary.message()
    assert message.text("en") == "3 currencies: EUR 80%, USD 15%, GBP 5%"
    assert message.text("fr").replace("\u00a0", " ") == "3 devises : EUR 80 %, USD 15 %, GBP 5 %"
    assert summary.to_dict()["currencies"][1] == {"currency": "USD", "rows": 3, "share": 0.15}


def test_one_currency_and_no_currency():
    df = pd.DataFrame({"cur": ["eur", " EUR", "€", None]})
    one = S.currency_summary(df, {"currency": "cur"})
    assert one.main == "EUR" and not one.several and one.message() is None
    assert one.unknown_rows == 1
    none = S.currency_summary(df, {})
    assert none.main is None and none.shares == ()


def test_stripe_prefers_the_converted_amount_and_its_currency():
    match, df2, mapping, _notes = read("stripe_payments_en.csv")
    assert mapping["currency"] == "Converted Currency"
    assert any("“Converted Amount”" in m.text("en") for m in match.semantics)
    assert df2[mapping["amount"]].tolist() == pytest.approx([100, 50, 30, 60, 40, 70])


# --- the registry itself -------------------------------------------------------------------


def test_registry_records_are_complete():
    ids = [p.id for p in S.PROFILES]
    assert len(ids) == len(set(ids))
    for p in S.PROFILES:
        assert p.kind in S.KINDS, p.id
        assert set(p.langs) <= set(S.LANGS) and p.langs, p.id
        assert p.label_fr and p.label_en and p.docs, p.id
        names = [f.name for f in p.fields]
        assert len(names) == len(set(names)), p.id
        keys = [f for f in p.fields if f.key]
        assert len(keys) >= 3 or (len(keys) >= 2 and p.prefix_required), p.id
        for f in p.fields:
            assert f.role is None or f.role in set(ROLE_IDS), (p.id, f.name)
            for lang in p.langs:
                assert f.header_list(lang), (p.id, f.name, lang)
        for rule in p.rules:
            assert rule.outcome in {"won", "lost", "open", "not_counted", "partial", "counted"}
            for w in rule.when:
                assert w.field in names, (p.id, w.field)
                assert w.test in {"in", "filled", "empty", "true", "false", "zero", "positive"}
        for _outcome, fields in p.close:
            assert set(fields) <= set(names), p.id
        if p.line_items:
            li = p.line_items
            assert {li.order, *li.line_fields} <= set(names), p.id
        if p.money:
            assert {a.field for a in p.money.amounts} <= set(names), p.id
        # the outcome kinds match the table kind
        outcomes = {r.outcome for r in p.rules}
        if p.kind == "orders":
            assert outcomes <= {"not_counted", "partial", "counted"} and p.default == "counted"
        elif p.kind == "subscriptions":  # statuses are read by kpi.metrics.subscriptions
            assert not outcomes and set(p.minor_units) <= set(names)
        else:
            assert outcomes <= {"won", "lost", "open"} and p.default == "open"


def test_every_message_exists_in_both_languages():
    keys = [k for k in i18n.messages() if k.startswith("sources.")]
    assert len(keys) > 20
    for key in keys:
        texts = i18n.messages()[key]
        assert texts["fr"] and texts["en"]


def test_every_profile_matches_its_own_headers_in_each_language():
    for p in S.PROFILES:
        for lang in p.langs:
            prefix = p.prefix_list(lang)
            columns = [
                f"{prefix[0]} - {f.header_list(lang)[0]}" if prefix else f.header_list(lang)[0]
                for f in p.fields
            ]
            match = S.detect_source(columns)
            assert match is not None and match.profile.id == p.id, (p.id, lang)
            other = [x for x in p.langs if x != lang]
            distinct = other and any(
                S.fold(f.header_list(lang)[0]) != S.fold(f.header_list(other[0])[0])
                for f in p.fields
            )
            if distinct:
                assert match.lang == lang, (p.id, lang)


def test_fold():
    assert S.fold("Probabilité (%)") == "probabilite"
    assert S.fold("Commande n°") == "commande n"
    assert S.fold("Affaire – Étape") == "affaire etape"
    assert S.fold(None) == "" and S.fold(float("nan")) == ""


def test_subscription_amounts_in_cents_are_divided_except_zero_decimal_currencies():
    df = pd.DataFrame({
        "id": ["sub_1", "sub_2", "sub_3"], "customer_id": ["c1", "c2", "c3"],
        "current_period_end": ["2024-04-05"] * 3, "cancel_at_period_end": ["false"] * 3,
        "unit_amount": [4990, 120000, None], "currency": ["eur", "jpy", "usd"],
        "recurring_interval": ["month", "year", "month"],
    })  # fmt: skip
    match = S.detect_source(list(df.columns), df)
    assert match is not None and match.profile.id == "stripe.sigma_subscriptions"
    assert any("100" in m.text("fr") and "JPY" in m.text("en") for m in match.semantics)
    df2, mapping, notes = S.apply_source(df, match)
    assert mapping["unit_price"] == "Unit price (Pilote)"
    got = df2[mapping["unit_price"]].tolist()
    assert got[:2] == [49.90, 120000.0] and np.isnan(got[2])  # yen have no cents
    assert [n.key for n in notes] == ["sources.note.minor_units"]
    assert notes[0].params["rows"] == 1
    assert "unit_amount" not in df2 or df2["unit_amount"].tolist()[0] == 4990  # not modified
    assert df["unit_amount"].tolist()[0] == 4990
