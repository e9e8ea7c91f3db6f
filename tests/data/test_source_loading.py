"""Tools' exports through the product: the loader recognises them, applies their semantics and
gives the kind and roles; the engine computes their KPIs; bad inputs load generically with a
clear message. Expected figures are the hand counts of ``test_sources.py`` (from the fixture
rows, see ``tests/fixtures/sources/make_fixtures.py``)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest

from kpi import i18n
from kpi.data import sources as S
from kpi.data.dataset import Table
from kpi.data.loading import load_bytes, load_path, load_table
from kpi.data.lookups import link_tables
from kpi.metrics import Engine, counted_rows, deal_outcomes, status_summary
from kpi.share import kpis_json
from kpi.share.workspace import report_from_json, report_to_json
from tests.conftest import realdata
from tests.data.test_sources import DEALS, LEADS, ORDERS, RECOGNISED

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"

KINDS = {
    "salesforce.opportunities": "deals",
    "salesforce.leads": "leads",
    "salesforce.accounts": "lookup",
    "hubspot.deals": "deals",
    "hubspot.contacts": "leads",
    "hubspot.companies": "lookup",
    "pipedrive.deals": "deals",
    "pipedrive.leads": "leads",
    "zoho.deals": "deals",
    "zoho.leads": "leads",
    "odoo.crm": "deals",
    "odoo.sales": "orders",
    "dynamics.opportunities": "deals",
    "sellsy.quotes": "deals",
    "sellsy.invoices": "orders",
    "axonaut.quotes": "deals",
    "axonaut.invoices": "orders",
    "nocrm.leads": "deals",
    "shopify.orders": "orders",
    "woocommerce.orders": "orders",
    "prestashop.orders": "orders",
    "stripe.payments": "orders",
    "stripe.subscriptions": "subscriptions",
    "stripe.sigma_subscriptions": "subscriptions",
    "chargebee.subscriptions": "subscriptions",
    "baremetrics.subscriptions": "subscriptions",
}


def loaded(name: str) -> Table:
    return load_table((FIXTURES / name).read_bytes(), name)


@pytest.mark.parametrize(("name", "source", "rows", "roles"), RECOGNISED)
def test_every_fixture_loads_with_its_kind_roles_and_rows(name, source, rows, roles):
    table = loaded(name)
    reading = table.report.source
    assert reading is not None and reading.source == dict(
        zip(("tool", "export", "lang"), source, strict=True)
    )
    assert table.kind == KINDS[f"{source[0]}.{source[1]}"]
    assert len(table.df) == table.report.rows == rows
    for role, header in roles.items():
        assert table.mapping.get(role) == header, (role, table.mapping)
    # the profile's roles are certain; the load report says what was applied, in both languages
    assert all(table.confidence[r] == 1.0 for r in reading.mapping)
    assert reading.semantics["fr"] and reading.semantics["en"]
    assert reading.describe("en").startswith("Recognised as: ")
    assert reading.describe("fr").startswith("Reconnu : ")


@pytest.mark.parametrize(("name", "expected"), DEALS.items())
def test_deals_kpis_through_the_loader_and_engine(name, expected):
    won, lost, n_open, won_amount = expected
    table = loaded(name)
    assert table.kind == "deals"
    counts = deal_outcomes(table).value_counts()
    assert (counts.get("won", 0), counts.get("lost", 0), counts.get("open", 0)) == (
        won,
        lost,
        n_open,
    )
    engine = Engine([table])
    assert engine.value("win_rate", "all").value == pytest.approx(won / (won + lost))
    assert engine.value("avg_deal_size", "all").value == pytest.approx(won_amount / won)


@pytest.mark.parametrize(("name", "expected"), LEADS.items())
def test_leads_kpis_through_the_loader_and_engine(name, expected):
    converted, lost, unknown = expected
    table = loaded(name)
    assert table.kind == "leads"
    value = Engine([table]).value("lead_conversion_rate", "all")
    if converted + lost:
        # open leads (outcome unknown) are out of the denominator
        assert value.value == pytest.approx(converted / (converted + lost))
    else:
        assert value.value is None
    assert value.detail.get("open_leads", unknown) == unknown


@pytest.mark.parametrize(("name", "expected"), ORDERS.items())
def test_orders_kpis_through_the_loader_and_engine(name, expected):
    n_counted, revenue, _n_not = expected
    table = loaded(name)
    assert table.kind == "orders" and "counted" in table.mapping
    engine = Engine([table])
    assert engine.value("revenue", "all").value == pytest.approx(revenue)
    assert engine.value("orders", "all").value == n_counted


def test_lookup_exports_load_as_lookups():
    for name in ("salesforce_accounts_en.csv", "hubspot_companies_fr.csv"):
        assert loaded(name).kind == "lookup"


def test_unknown_files_keep_the_generic_reading():
    from kpi.data import sample_files

    for path in sample_files(".csv"):
        table = load_path(path)
        assert table.report.source is None, path.name
        assert table.report.to_dict()["source"] is None


def test_realdata_files_are_read_generically():
    for rel in (
        "crm_sales_opportunities/sales_pipeline.csv",
        "crm_sales_opportunities/sales_teams.csv",
        "superstore/superstore.csv",
        "sales_data_sample/sales_data_sample.csv",
        "leads_x_education/Leads.csv",
    ):
        try:
            path = realdata(rel)
        except pytest.skip.Exception:
            continue
        assert load_path(path).report.source is None, rel


# --- loader gaps found in part 1 --------------------------------------------------------------


def test_a_small_salesforce_csv_with_its_footer_loads():
    text = (FIXTURES / "salesforce_opportunities_en.csv").read_text()
    lines = text.splitlines()
    small = "\n".join(lines[:4] + lines[13:]) + "\n"  # 3 deals, a blank line, the footer
    table = load_table(small.encode(), "small_report.csv")
    assert len(table.df) == 3 and table.kind == "deals"
    assert table.report.source.source["tool"] == "salesforce"
    footer = next(d for d in table.report.dropped if d.reason == "footer")
    assert footer.rows == 4
    assert "pied de rapport" in footer.text("fr") and "footer" in footer.text("en")
    # the footer lines are not also reported as short rows kept
    assert not [w for w in table.report.warnings if w.key == "load.warn.ragged_kept"]


def test_dates_with_a_time_zone_offset_are_dates_even_in_an_unknown_file():
    data = (
        b"Ref,When,Total\n"
        b"A,2024-03-01 10:00:00 +0100,10\n"
        b"B,2024-03-02 23:30:00 -0500,20\n"
        b"C,2024-03-03T08:00:00+01:00,30\n"
        b"D,2024-03-04 08:00:00 UTC,40\n"
    )
    df, report = load_bytes(data, "plain.csv")
    assert report.source is None
    assert pd.api.types.is_datetime64_any_dtype(df["When"])
    # the wall-clock time written in the file, offset dropped
    assert df["When"].tolist() == [
        pd.Timestamp("2024-03-01 10:00"),
        pd.Timestamp("2024-03-02 23:30"),
        pd.Timestamp("2024-03-03 08:00"),
        pd.Timestamp("2024-03-04 08:00"),
    ]


def test_shopify_dates_are_typed_by_the_loader():
    table = loaded("shopify_orders_en.csv")
    assert pd.api.types.is_datetime64_any_dtype(table.df[table.mapping["date"]])


# --- engine semantics ------------------------------------------------------------------------


def test_a_lost_status_without_a_close_date_is_lost():
    data = (
        b"Deal - Title,Deal - Value,Deal - Stage,Deal - Status,Deal - Owner\n"
        b"A,100,Proposal,won,Ana\n"
        b"B,200,Proposal,lost,Ana\n"
        b"C,300,Negotiation,lost,Ben\n"
        b"D,400,Proposal,open,Ben\n"
    )
    table = load_table(data, "pipedrive.csv")
    assert "close_date" not in table.mapping  # no won/lost time in this export
    assert deal_outcomes(table).tolist() == ["won", "lost", "lost", "open"]
    assert Engine([table]).value("win_rate", "all").value == pytest.approx(1 / 3)
    # the same yes/no column mapped by hand (not a tool's status) keeps the generic rule
    plain = Table("plain", table.df, "deals", dict(table.mapping))
    assert deal_outcomes(plain).tolist() == ["won", "open", "open", "open"]


def test_failed_payments_are_not_counted_in_a_generic_file():
    df = pd.DataFrame(
        {
            "Order": ["1", "2", "3", "4", "5"],
            "Status": ["Paid", "Failed", "Paiement refusé", "Partially refunded", "Expired"],
            "Amount": [10.0, 20.0, 30.0, 40.0, 50.0],
        }
    )
    table = Table("t", df, "orders", {"order_id": "Order", "status": "Status", "amount": "Amount"})
    assert counted_rows(table).tolist() == [True, False, False, True, False]
    assert Engine([table]).value("revenue", "all").value == 50.0


def test_the_counted_column_decides_until_the_user_edits_the_statuses():
    table = loaded("shopify_orders_en.csv")
    # #1004 is paid but cancelled: the profile does not count it, a status word would
    status = table.df[table.mapping["status"]]
    counted = counted_rows(table)
    order = table.df[table.mapping["order_id"]]
    assert bool(status[order == "#1004"].eq("paid").all())
    assert not counted[order == "#1004"].any()
    summary = status_summary(table)
    assert dict(zip(summary["status"], summary["counted"], strict=True)) == {
        "paid": True,
        "partially_refunded": True,
        "refunded": False,
        "voided": False,
    }
    # a user's edit wins: counting refunded orders again
    edited = counted_rows(table, ["paid", "partially_refunded", "refunded"])
    assert bool(edited[order == "#1002"].all())
    assert bool(edited[order == "#1004"].all())  # the statuses alone decide now


# --- currencies ----------------------------------------------------------------------------


def test_several_currencies_are_never_summed():
    table = loaded("stripe_payments_multicurrency_en.csv")
    warning = next(w for w in table.report.warnings if w.key == "sources.currencies")
    assert warning.text("en") == "3 currencies: EUR 80%, USD 15%, GBP 5%"
    assert warning.text("fr").replace("\u00a0", " ") == "3 devises : EUR 80 %, USD 15 %, GBP 5 %"
    engine = Engine([table])
    # EUR rows 10…25 (16 payments), USD 26, 27, 28, GBP 29
    revenue = engine.result("revenue", "all")
    assert (revenue.currency, revenue.value) == ("EUR", sum(range(10, 26)))
    assert dict(revenue.per_currency) == {"EUR": 280.0, "USD": 81.0, "GBP": 29.0}
    assert engine.result("aov", "all").value == pytest.approx(280 / 16)
    # counts are not split: 20 orders
    orders = engine.result("orders", "all")
    assert orders.value == 20 and orders.currency is None
    usd = Engine([table], currency="usd").result("revenue", "all")
    assert (usd.currency, usd.value) == ("USD", 81.0)


def test_kpis_json_per_currency_and_with_rates():
    table = loaded("stripe_payments_multicurrency_en.csv")
    doc = kpis_json([table], lang="fr")
    assert doc["currency"] == "EUR"
    assert doc["currencies"]["currencies"][0] == {"currency": "EUR", "rows": 16, "share": 0.8}
    assert doc["warnings"][0].replace("\u00a0", " ") == "3 devises : EUR 80 %, USD 15 %, GBP 5 %"
    revenue = next(k for k in doc["kpis"] if k["id"] == "revenue")
    assert revenue["currency"] == "EUR" and revenue["value"] == 280.0
    assert [p["currency"] for p in revenue["per_currency"]] == ["EUR", "USD", "GBP"]
    assert revenue["per_currency"][1]["value"] == 81.0
    json.dumps(doc)
    # a rate is missing: nothing converted, said so
    partial = kpis_json([table], rates={"USD": 0.9}, lang="en")
    assert "No rate for GBP" in " ".join(partial["warnings"])
    assert next(k for k in partial["kpis"] if k["id"] == "revenue")["value"] == 280.0
    # every rate given: converted and added up
    full = kpis_json([table], rates={"USD": 0.9, "GBP": 1.2}, lang="en")
    revenue = next(k for k in full["kpis"] if k["id"] == "revenue")
    assert revenue["value"] == pytest.approx(280 + 81 * 0.9 + 29 * 1.2)
    assert "currency" not in revenue or revenue.get("per_currency") in (None, [])
    assert any("converted into EUR" in w for w in full["warnings"])


def test_currency_names_are_read_as_codes():
    assert [S.currency_code(v) for v in ("eur", " € ", "Euro", "US Dollar", None)] == [
        "EUR",
        "EUR",
        "EUR",
        "USD",
        "",
    ]


# --- bad input -------------------------------------------------------------------------------


def test_two_profiles_equally_matched_load_generically_with_a_message():
    base = S.get_profile("axonaut.invoices")
    twin = replace(base, tool="facturio", tool_name="Facturio")
    from kpi.data.sources import _reading

    real = _reading.recognise
    with mock.patch.object(
        _reading, "recognise", lambda columns, sample: real(columns, sample, (base, twin))
    ):
        table = loaded("axonaut_invoices_fr.csv")
    assert table.report.source is not None and not table.report.source.recognised
    assert table.report.to_dict()["source"] is None
    message = next(w for w in table.report.warnings if w.key == "sources.not_applied")
    assert "Axonaut" in message.text("fr") and "Facturio" in message.text("fr")
    assert "read generically" in message.text("en")
    assert len(table.df) == 4  # nothing dropped
    assert not [c for c in table.df.columns if "(Pilote)" in str(c)]
    # the report and its message survive a workspace round trip, in both languages
    back = report_from_json(report_to_json(table.report))
    assert [w.text("en") for w in back.warnings] == [w.text("en") for w in table.report.warnings]


def test_a_missing_key_column_is_said_and_the_rest_applies():
    table = loaded("pipedrive_deals_no_status_en.csv")
    assert table.report.source.source["tool"] == "pipedrive"
    warning = next(w for w in table.report.warnings if w.key == "sources.warning")
    assert "Deal - Status" in warning.text("en") and "Deal - Status" in warning.text("fr")
    assert table.mapping["amount"] == "Deal - Value" and len(table.df) == 2


def test_a_lookup_whose_keys_match_nothing_is_reported_and_not_joined():
    deals = Table(
        "deals.csv",
        pd.DataFrame(
            {
                "agent": ["Ana", "Ben", "Ana", "Cy"],
                "close": pd.to_datetime(["2024-01-01"] * 4),
                "value": [1.0, 2.0, 3.0, 4.0],
            }
        ),
        "deals",
        {"rep": "agent", "close_date": "close", "amount": "value"},
    )
    teams = Table(
        "teams.csv",
        pd.DataFrame({"agent": ["Zed", "Yan"], "manager": ["Mo", "Lu"]}),
        "other",
        {"rep": "agent", "team": "manager"},
    )
    result = link_tables([deals, teams])
    [link] = result.links
    assert not link.joinable
    fact = result.tables[0]
    assert list(fact.df.columns) == ["agent", "close", "value"] and "team" not in fact.mapping
    assert result.tables[1].kind == "other"  # not used as a lookup
    [message] = result.notes["deals.csv"]
    assert message.key == "lookups.no_match"
    assert "nothing joined" in message.text("en") and "pas de jointure" in message.text("fr")


# --- what the user reads ----------------------------------------------------------------------


def test_inspect_json_has_the_source():
    from kpi.cli import inspect_json

    doc = inspect_json(loaded("pipedrive_deals_en.csv"), "en")
    assert doc["source"] == {"tool": "pipedrive", "export": "deals", "lang": "en"}
    assert doc["recognition"]["name"] == "Pipedrive — deals export (EN)"
    assert "won/lost read from “Deal - Status”" in doc["recognition"]["semantics"]
    assert any("2 deal(s) won, 2 lost, 1 open" in n for n in doc["recognition"]["notes"])
    generic = inspect_json(load_table(b"Date,Montant\n01/02/2024,10\n02/02/2024,12\n", "x.csv"))
    assert generic["source"] is None and generic["recognition"] is None


def test_the_reading_survives_a_workspace_round_trip():
    table = loaded("shopify_orders_fr_shop.csv")
    back = report_from_json(report_to_json(table.report))
    assert back.source == table.report.source
    assert back.source.describe("fr") == "Reconnu : Shopify — export des commandes (EN)"
    restored = Table(table.name, table.df, table.kind, table.mapping, report=back)
    assert Engine([restored]).value("orders", "all").value == 3


def test_a_saved_mapping_applies_to_next_months_export(tmp_path):
    from kpi.share import LOCAL_OWNER, apply_saved_mapping, open_store

    store = open_store(data_dir=tmp_path)
    first = loaded("pipedrive_deals_en.csv")
    edited = {r: c for r, c in first.mapping.items() if c != "Organization - Name"}
    edited["segment"] = "Organization - Name"
    store.save_mapping(LOCAL_OWNER, [str(c) for c in first.df.columns], first.kind, edited)
    again, applied = apply_saved_mapping(store, LOCAL_OWNER, loaded("pipedrive_deals_en.csv"))
    assert applied and again.mapping == edited
    # the tool's outcome is still the tool's: the won flag is the profile's column
    assert Engine([again]).value("win_rate", "all").value == pytest.approx(0.5)


def test_messages_exist_in_both_languages():
    for key in (
        "load.dropped.footer",
        "sources.not_applied",
        "sources.warning",
        "currencies.missing_rates",
        "currencies.converted",
        "currencies.bad_rate",
        "compute.unknown_dimension",
        "compute.unmapped_dimension",
        "kind.lookup",
    ):
        texts = i18n.messages()[key]
        assert texts["fr"] and texts["en"], key


def test_a_line_item_export_keeps_its_sparse_lines_and_drops_its_total():
    # Half the lines of a line-item export are sparse (order fields on the first line only):
    # every one is a total-row candidate; only the labelled total goes.
    lines = ["Name,Email,Financial Status,Subtotal,Lineitem quantity,Lineitem name,Lineitem price"]
    total = 0.0
    for i in range(300):
        lines.append(f"#{i},c{i}@x.test,paid,30.00,1,Mug,10.00")
        lines.append(f"#{i},,,,2,Subtotal mug,10.00")  # a product named like a total word
        total += 30.0
    lines.append(f"Total,,,{total:.2f},,,")
    df, report = load_bytes(("\n".join(lines) + "\n").encode(), "lines.csv")
    assert len(df) == 600
    assert [(d.reason, d.rows) for d in report.dropped] == [("total", 1)]
