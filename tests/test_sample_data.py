"""The demo data set in ``sample_data/``: reproducible, and showing what its README promises.

The figures are recomputed here with plain pandas, independently of ``kpi/``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from sample_data.make_samples import SPECS, generate, write_all

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
FILES = [f"{spec.stem}.{suffix}" for spec in SPECS for suffix in ("csv", "xlsx")]
NOT_COUNTED = ("Annulée", "Remboursée")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return generate()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory, tables: dict[str, pd.DataFrame]) -> Path:
    out = tmp_path_factory.mktemp("sample_data")
    write_all(out, tables)
    return out


def _zip_members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _french_number(values: pd.Series) -> pd.Series:
    """``"1 234,50"`` -> ``1234.5``."""
    return values.str.replace(" ", "", regex=False).str.replace(",", ".").astype(float)


def _read_orders_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path, sep=";", encoding="cp1252", skiprows=3, dtype=str, keep_default_na=False
    )


# --- reproducibility ------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_committed_file_is_regenerated_identically(name: str, regenerated: Path) -> None:
    committed = (SAMPLE_DIR / name).read_bytes()
    fresh = (regenerated / name).read_bytes()
    if name.endswith(".xlsx") and committed != fresh:
        # Another zlib build may compress differently; the workbook content must not differ.
        assert _zip_members(committed) == _zip_members(fresh), f"{name} is out of date"
    else:
        assert committed == fresh, f"{name} is out of date: run sample_data/make_samples.py"


def test_sample_data_stays_small() -> None:
    total = sum(path.stat().st_size for path in SAMPLE_DIR.iterdir() if path.is_file())
    assert total < 10_000_000


# --- file conventions -----------------------------------------------------------------------


def test_encodings_and_separators() -> None:
    orders = (SAMPLE_DIR / "ventes.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        orders.decode("utf-8")
    lines = orders.decode("cp1252").split("\r\n")
    assert lines[0] == "Export des ventes;;;"
    assert lines[1].startswith("Société Démo Équipements SAS")
    assert lines[2] == ""
    assert lines[3].startswith("N° commande;Date de commande;Client;")
    for stem in ("depenses_marketing", "enquetes_satisfaction", "objectifs"):
        content = (SAMPLE_DIR / f"{stem}.csv").read_bytes()
        assert content.startswith(b"\xef\xbb\xbf") and b";" in content.splitlines()[0]
    for stem in ("deals", "leads", "activities"):
        content = (SAMPLE_DIR / f"{stem}.csv").read_bytes()
        assert not content.startswith(b"\xef\xbb\xbf")
        assert b"," in content.decode("utf-8").encode().splitlines()[0]


def test_orders_csv_round_trips_and_total_row_is_the_sum(tables: dict[str, pd.DataFrame]) -> None:
    raw = _read_orders_csv(SAMPLE_DIR / "ventes.csv")
    data, total = raw.iloc[:-1], raw.iloc[-1]
    assert total["N° commande"] == "Total"
    assert int(total["Quantité"]) == data["Quantité"].astype(int).sum()
    for col in ("Montant HT", "Coût"):
        assert _french_number(pd.Series([total[col]]))[0] == pytest.approx(
            _french_number(data[col]).sum(), abs=0.005
        )
    assert data["Montant HT"].str.contains(r"^-?\d{1,3}(?: \d{3})+,\d\d$").any()
    orders = tables["ventes"]
    assert len(data) == len(orders)
    dates = pd.to_datetime(data["Date de commande"], format="%d/%m/%Y")
    assert (dates.to_numpy() == orders["Date de commande"].to_numpy()).all()
    assert _french_number(data["Montant HT"]).to_list() == orders["Montant HT"].to_list()


def test_xlsx_holds_real_dates_and_numbers(tables: dict[str, pd.DataFrame]) -> None:
    sheets = pd.read_excel(SAMPLE_DIR / "ventes.xlsx", sheet_name=None, engine="calamine")
    assert list(sheets) == ["Ventes", "Notes"]
    orders = sheets["Ventes"]
    assert list(orders.columns) == list(tables["ventes"].columns)
    assert len(orders) == len(tables["ventes"])
    assert pd.api.types.is_datetime64_any_dtype(orders["Date de commande"])
    assert pd.api.types.is_numeric_dtype(orders["Montant HT"])
    assert orders["Montant HT"].sum() == pytest.approx(tables["ventes"]["Montant HT"].sum())
    deals = pd.read_excel(SAMPLE_DIR / "deals.xlsx", engine="calamine")
    assert pd.api.types.is_datetime64_any_dtype(deals["Close Date"])
    assert deals["Close Date"].isna().sum() == tables["deals"]["Close Date"].isna().sum()


# --- the story the data tells ---------------------------------------------------------------


def test_orders_cover_two_full_years(tables: dict[str, pd.DataFrame]) -> None:
    orders = tables["ventes"]
    dates = orders["Date de commande"]
    assert dates.min() < pd.Timestamp("2024-01-08")
    assert dates.max() == pd.Timestamp("2025-12-31")
    assert 15_000 <= len(orders) <= 25_000
    assert orders.groupby("N° commande").size().max() > 1
    assert dates.dt.to_period("M").nunique() == 24


def test_statuses_and_credit_notes(tables: dict[str, pd.DataFrame]) -> None:
    orders = tables["ventes"]
    share = orders["Statut"].value_counts(normalize=True)
    assert 0.01 <= share["Annulée"] <= 0.06
    assert 0.003 <= share["Remboursée"] <= 0.03
    assert share["Facturée"] + share["Livrée"] > 0.9
    assert "En cours" in share
    credit = orders[orders["Montant HT"] < 0]
    assert len(credit) > 20
    assert credit["N° commande"].str.startswith("AV-").all()
    positive = orders[orders["Montant HT"] > 0]
    gross = positive["Quantité"] * positive["Prix unitaire HT"]
    discounted = positive["Montant HT"] < gross - 0.005
    assert 0.05 < discounted.mean() < 0.5
    assert (positive["Montant HT"] <= gross + 0.005).all()


def test_margins_by_category(tables: dict[str, pd.DataFrame]) -> None:
    orders = tables["ventes"]
    counted = orders[~orders["Statut"].isin(NOT_COUNTED)]
    by_cat = counted.groupby("Catégorie")[["Montant HT", "Coût"]].sum()
    margin = 1 - by_cat["Coût"] / by_cat["Montant HT"]
    assert margin.between(0.15, 0.5).all()
    assert margin.max() - margin.min() > 0.1


def test_customers_repeat_and_churn(tables: dict[str, pd.DataFrame]) -> None:
    orders = tables["ventes"]
    counted = orders[~orders["Statut"].isin(NOT_COUNTED)]
    per_customer = counted.groupby("Client")["N° commande"].nunique()
    assert 800 <= len(per_customer) <= 1500
    assert 0.3 < (per_customer == 1).mean() < 0.7
    assert (per_customer >= 10).sum() > 50
    last = counted.groupby("Client")["Date de commande"].max()
    repeaters = per_customer[per_customer >= 3].index
    assert (last[repeaters] < pd.Timestamp("2025-01-01")).sum() > 30  # some stopped buying


def test_growth_seasonality_and_anomaly(tables: dict[str, pd.DataFrame]) -> None:
    orders = tables["ventes"]
    counted = orders[~orders["Statut"].isin(NOT_COUNTED)]
    dates = counted["Date de commande"]
    yearly = counted.groupby(dates.dt.year)["Montant HT"].sum()
    assert 1.03 < yearly[2025] / yearly[2024] < 1.2
    monthly = counted.groupby(dates.dt.to_period("M"))["Montant HT"].sum()
    march = pd.Period("2025-03", "M")
    for year in (2024, 2025):
        months = monthly[monthly.index.year == year]
        assert months.drop(march, errors="ignore").idxmin().month == 8  # the flood aside
        assert months[months.index.quarter == 4].mean() > months.mean()
    # The anomaly: the South's share of revenue collapses in March 2025, and only then; the
    # month is the year's lowest, below August.
    south = ("Auvergne-Rhône-Alpes", "Provence-Alpes-Côte d'Azur", "Nouvelle-Aquitaine")
    for regions in (south, south[:1]):
        region = counted[counted["Région"].isin(regions)]
        share = region.groupby(region["Date de commande"].dt.to_period("M"))["Montant HT"].sum()
        share = share / monthly
        assert share[march] < 0.5 * share.drop(march).min(), regions
    assert monthly[monthly.index.year == 2025].idxmin() == march


def test_reps_are_the_same_everywhere(tables: dict[str, pd.DataFrame]) -> None:
    target_reps = set(tables["objectifs"]["Commercial"])
    assert 6 <= len(target_reps) <= 8
    assert target_reps <= set(tables["ventes"]["Commercial"])
    assert target_reps <= set(tables["deals"]["Opportunity Owner"])
    assert target_reps <= set(tables["activities"]["Rep"])
    teams = tables["objectifs"].drop_duplicates("Commercial").set_index("Commercial")["Équipe"]
    orders_teams = tables["ventes"].drop_duplicates("Commercial").set_index("Commercial")["Équipe"]
    assert teams.sort_index().equals(orders_teams.sort_index())


def test_targets_some_reps_above_some_below(tables: dict[str, pd.DataFrame]) -> None:
    orders, targets = tables["ventes"], tables["objectifs"]
    counted = orders[~orders["Statut"].isin(NOT_COUNTED)]
    actual = counted.groupby("Commercial")["Montant HT"].sum()
    attainment = actual / targets.groupby("Commercial")["Objectif CA (€)"].sum()
    assert (attainment > 1.02).any() and (attainment < 0.98).any()
    assert len(targets) == 24 * targets["Commercial"].nunique()


def test_channels_match_across_tables(tables: dict[str, pd.DataFrame]) -> None:
    channels = set(tables["ventes"]["Canal"])
    assert channels == set(tables["leads"]["Lead Source"])
    assert channels == set(tables["deals"]["Lead Source"])
    # marketing pays for the web and trade shows only (the others are sales channels)
    assert set(tables["depenses_marketing"]["Canal"]) == {"Web", "Salon"}
    assert tables["depenses_marketing"].groupby("Canal").size().eq(24).all()


def test_marketing_spend_is_believable(tables: dict[str, pd.DataFrame]) -> None:
    # ROI = (revenue of the channels with spend − spend) / spend, as KPI_SPEC defines it; in
    # December 2025 (the dashboard's default period) and over 2025, by plain pandas.
    orders, spend = tables["ventes"], tables["depenses_marketing"]
    counted = orders[~orders["Statut"].isin(NOT_COUNTED)]
    for first, last, low, high in (("2025-12-01", "2025-12-31", 2.0, 4.0),
                                   ("2025-01-01", "2025-12-31", 1.0, 3.0)):  # fmt: skip
        rows = counted[counted["Date de commande"].between(first, last)]
        revenue = rows.loc[rows["Canal"].isin(["Web", "Salon"]), "Montant HT"].sum()
        paid = spend.loc[spend["Mois"].between(first, last), "Dépenses (€)"].sum()
        assert low < (revenue - paid) / paid < high, (first, revenue, paid)
    assert spend["Dépenses (€)"].sum() == pytest.approx(1_976_880.27)
    share = spend["Dépenses (€)"].sum() / counted["Montant HT"].sum()
    assert 0.08 < share < 0.11  # of revenue: 9.5 %


def test_surveys_answer_known_customers(tables: dict[str, pd.DataFrame]) -> None:
    surveys = tables["enquetes_satisfaction"]
    assert 1_500 <= len(surveys) <= 3_000
    assert set(surveys["Client"]) <= set(tables["ventes"]["Client"])
    assert surveys["Note NPS (0-10)"].between(0, 10).all()
    assert surveys["Satisfaction (1-5)"].between(1, 5).all()


def test_deals_pipeline(tables: dict[str, pd.DataFrame]) -> None:
    deals = tables["deals"]
    assert 1_500 <= len(deals) <= 2_500
    closed = deals["Deal Stage"].isin(["Closed Won", "Closed Lost"])
    won_rate = (deals.loc[closed, "Deal Stage"] == "Closed Won").mean()
    assert 0.4 <= won_rate <= 0.6
    assert deals.loc[closed, "Close Date"].notna().all()
    assert deals.loc[closed, "Expected Close Date"].isna().all()
    assert deals.loc[~closed, "Close Date"].isna().all()
    assert deals.loc[~closed, "Expected Close Date"].notna().all()
    cycle = (deals["Close Date"] - deals["Created Date"]).dt.days[closed]
    assert cycle.between(10, 120).all()
    won = deals[deals["Deal Stage"] == "Closed Won"]
    by_source = (won["Close Date"] - won["Created Date"]).dt.days.groupby(won["Lead Source"])
    assert by_source.mean().max() > 1.5 * by_source.mean().min()


def test_leads_conversion_open_leads_and_leak(tables: dict[str, pd.DataFrame]) -> None:
    leads = tables["leads"]
    assert 3_000 <= len(leads) <= 5_000
    outcome = leads["Converted"]
    assert 0.05 <= outcome.isna().mean() <= 0.15
    closed = leads[outcome.notna()]
    converted = closed["Converted"] == "Yes"
    assert 0.15 <= converted.mean() <= 0.5
    agreement = ((closed["Lead Status"] == "Qualified - Won") == converted).mean()
    assert agreement > 0.95
    assert leads["Job Title"].isin(["Select", "N/A"]).mean() > 0.03
    demo = closed["Demo Requested"] == "Yes"
    assert converted[demo].mean() > converted[~demo].mean() + 0.1
