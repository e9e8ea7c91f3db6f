"""Every file in ../shared/realdata loads with the right row count and key roles."""

from __future__ import annotations

import pytest

from kpi.data import load_path
from tests.conftest import realdata

pytestmark = pytest.mark.realdata

CASES = [
    # file, data rows, kind, roles that must be found {role: column}
    (
        "online_retail/online_retail_uci_by-day_concatenated.csv",
        541_909,
        "orders",
        {
            "date": "InvoiceDate",
            "order_id": "InvoiceNo",
            "quantity": "Quantity",
            "unit_price": "UnitPrice",
            "customer_id": "CustomerID",
            "country": "Country",
        },
    ),
    (
        "superstore/Sample - Superstore.csv",
        10_194,
        "orders",
        {
            "date": "Order Date",
            "amount": "Sales",
            "profit": "Profit",
            "order_id": "Order ID",
            "customer_id": "Customer ID",
            "quantity": "Quantity",
            "segment": "Segment",
        },
    ),
    (
        "superstore/Sample - Superstore.xls",
        10_194,
        "orders",
        {"date": "Order Date", "amount": "Sales", "profit": "Profit", "order_id": "Order ID"},
    ),
    (
        "sales_data_sample/sales_data_sample.csv",
        2_823,
        "orders",
        {
            "date": "ORDERDATE",
            "amount": "SALES",
            "status": "STATUS",
            "order_id": "ORDERNUMBER",
            "quantity": "QUANTITYORDERED",
            "unit_price": "PRICEEACH",
            "customer_id": "CUSTOMERNAME",
        },
    ),
    (
        "sales_data_sample/sales_data_sample__variant_cp437bytes_crlf_mmddyy.csv",
        2_823,
        "orders",
        {"date": "ORDERDATE", "amount": "SALES", "status": "STATUS"},
    ),
    (
        "crm_sales_opportunities/sales_pipeline.csv",
        8_800,
        "deals",
        {
            "opportunity_id": "opportunity_id",
            "rep": "sales_agent",
            "stage": "deal_stage",
            "created_date": "engage_date",
            "close_date": "close_date",
            "amount": "close_value",
        },
    ),
    ("crm_sales_opportunities/accounts.csv", 85, None, {"customer_id": "account"}),
    ("crm_sales_opportunities/products.csv", 7, None, {"product": "product"}),
    ("crm_sales_opportunities/sales_teams.csv", 35, None, {"rep": "sales_agent"}),
    ("crm_sales_opportunities/data_dictionary.csv", 21, None, {}),
    (
        "leads_x_education/Leads.csv",
        9_240,
        "leads",
        {"lead_id": "Prospect ID", "source": "Lead Source", "converted": "Converted"},
    ),
    ("leads_x_education/Leads Data Dictionary.xlsx", None, None, {}),
    ("bank_marketing/bank-full.csv", 45_211, "leads", {"converted": "y"}),
    ("bank_marketing/bank.csv", 4_521, "leads", {"converted": "y"}),
    ("bank_marketing/bank-additional-full.csv", 41_188, "leads", {"converted": "y"}),
    ("bank_marketing/bank-additional.csv", 4_119, "leads", {"converted": "y"}),
    (
        "telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv",
        7_043,
        None,
        {"customer_id": "customerID"},
    ),
    (
        "cdnow/CDNOW_master.txt",
        69_659,
        "orders",
        {
            "customer_id": "customer_id",
            "date": "date",
            "amount": "dollar_value",
            "quantity": "number_of_cds",
        },
    ),
]


@pytest.mark.parametrize(("relative", "rows", "kind", "roles"), CASES, ids=[c[0] for c in CASES])
def test_real_file(relative: str, rows: int | None, kind: str | None, roles: dict) -> None:
    table = load_path(realdata(relative))
    if rows is not None:
        assert len(table.df) == rows
    if kind is not None:
        assert table.kind == kind
    for role, column in roles.items():
        assert table.mapping.get(role) == column, (role, table.mapping)


def test_online_retail_types() -> None:
    df = load_path(realdata("online_retail/online_retail_uci_by-day_concatenated.csv")).df
    assert str(df["InvoiceDate"].dtype).startswith("datetime64")
    assert df["InvoiceNo"].dtype == "str"  # C-prefixed cancellations keep it text
    assert df["CustomerID"].notna().sum() == 541_909 - 135_080
    net = (df["Quantity"] * df["UnitPrice"]).sum()
    assert net == pytest.approx(9_747_747.93, abs=0.01)


def test_superstore_dates_are_day_first() -> None:
    table = load_path(realdata("superstore/Sample - Superstore.csv"))
    assert table.report.date_order == "dmy"
    assert table.report.encoding == "utf-8-sig"
    df = table.df
    assert df["Order Date"].min().strftime("%Y-%m-%d") == "2019-01-03"
    assert df["Sales"].sum() == pytest.approx(2_326_534.35, abs=0.01)


def test_sales_data_sample_keeps_na_territory_and_month_first_dates() -> None:
    table = load_path(realdata("sales_data_sample/sales_data_sample.csv"))
    assert (table.df["TERRITORY"] == "NA").sum() == 1_074
    assert table.report.date_order == "mdy"
    assert table.df["SALES"].sum() == pytest.approx(10_032_628.85, abs=0.01)


def test_cp437_variant_is_read_not_refused() -> None:
    table = load_path(
        realdata("sales_data_sample/sales_data_sample__variant_cp437bytes_crlf_mmddyy.csv")
    )
    assert table.report.encoding not in ("utf-8", "utf-8-sig")
    assert table.df["ORDERDATE"].min().year == 2003


def test_leads_trailing_comma_column_is_dropped_and_said() -> None:
    table = load_path(realdata("leads_x_education/Leads.csv"))
    assert table.df.shape[1] == 37
    assert table.report.dropped_columns == ["Column 38"]


def test_telco_blank_total_charges_are_missing() -> None:
    df = load_path(realdata("telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv")).df
    assert df["TotalCharges"].isna().sum() == 11
