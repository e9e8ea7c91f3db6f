"""Generate Pilote's demo data set: one fictional French company, eight tables, CSV and XLSX.

Usage: ``python sample_data/make_samples.py [OUT_DIR]`` (default: the folder of this script).

The company, "Démo Équipements SAS", sells office and workshop equipment to small firms (PME),
large accounts, public bodies and individuals. Every person, customer and figure is invented.
The output is deterministic: with the pinned dependencies, two runs give byte-identical files
(fixed seeds, no timestamps, fixed XLSX document properties). See ``README.md`` beside this file
for the story of the company and the deliberate quirks of each file.
"""

from __future__ import annotations

import argparse
import io
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import accumulate
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

SEED = 2024
START = pd.Timestamp("2024-01-01")
END = pd.Timestamp("2025-12-31")
MONTHS = pd.date_range(START, END, freq="MS")
COMPANY = "Démo Équipements SAS"
OUT_DIR = Path(__file__).resolve().parent

# Demand profile by calendar month (January first): slow August, strong fourth quarter.
SEASON = np.array([0.92, 0.95, 1.05, 1.0, 0.97, 1.05, 0.85, 0.55, 1.05, 1.1, 1.2, 1.3])

TEAMS: dict[str, tuple[str, ...]] = {
    "Grands Comptes": ("Hélène Marchetti", "Thomas Delaunay"),
    "Nord": ("Camille Roussel", "Mehdi Haddad", "Pauline Garnier"),
    "Sud": ("Lucas Fabre", "Inès Morel"),
}
REP_TEAM: dict[str, str] = {rep: team for team, reps in TEAMS.items() for rep in reps}
REPS: tuple[str, ...] = tuple(REP_TEAM)

REGIONS: dict[str, float] = {
    "Île-de-France": 0.32,
    "Auvergne-Rhône-Alpes": 0.22,
    "Provence-Alpes-Côte d'Azur": 0.16,
    "Nouvelle-Aquitaine": 0.16,
    "Hauts-de-France": 0.14,
}
REGION_TEAM: dict[str, str] = {
    "Île-de-France": "Nord",
    "Hauts-de-France": "Nord",
    "Auvergne-Rhône-Alpes": "Sud",
    "Provence-Alpes-Côte d'Azur": "Sud",
    "Nouvelle-Aquitaine": "Sud",
}

# The anomaly the trend page should find: the Lyon warehouse, which ships every order of the
# South, was flooded and closed for most of March 2025 (story in README.md), so four orders in
# five from the South's three regions that month never happened.
ANOMALY_REGION = "Auvergne-Rhône-Alpes"
ANOMALY_REGIONS = (ANOMALY_REGION, "Provence-Alpes-Côte d'Azur", "Nouvelle-Aquitaine")
ANOMALY_MONTH = pd.Timestamp("2025-03-01")
ANOMALY_KEEP = 0.1
# Share of the Lyon region's orders left after the first step (see _flood).
_LYON_FIRST_KEEP = 0.2


@dataclass(frozen=True)
class Product:
    """A catalogue item with its 2024 list price (euros, excluding VAT)."""

    name: str
    category: str
    price: float
    popularity: float = 1.0


PRODUCTS: tuple[Product, ...] = (
    Product("Bureau réglable", "Mobilier", 489.0, 1.2),
    Product("Fauteuil ergonomique", "Mobilier", 329.0, 1.5),
    Product("Caisson mobile", "Mobilier", 149.0, 0.8),
    Product("Armoire métallique", "Mobilier", 399.0, 0.6),
    Product("Ordinateur portable Pro", "Informatique", 1190.0, 1.0),
    Product("Écran 27 pouces", "Informatique", 279.0, 1.4),
    Product("Station d'accueil", "Informatique", 189.0, 0.9),
    Product("Imprimante laser", "Informatique", 449.0, 0.6),
    Product("Ramettes papier A4 (carton de 5)", "Consommables", 24.9, 1.5),
    Product("Toner noir", "Consommables", 89.9, 1.2),
    Product("Kit fournitures de bureau", "Consommables", 59.9, 0.8),
    Product("Installation sur site", "Services", 350.0, 1.0),
    Product("Contrat de maintenance annuel", "Services", 1200.0, 0.5),
    Product("Formation utilisateurs", "Services", 690.0, 0.6),
    Product("Extension de garantie 3 ans", "Services", 149.0, 0.9),
)
CATEGORIES: tuple[str, ...] = ("Mobilier", "Informatique", "Consommables", "Services")
# Gross margin at list price; discounts lower the realised margin.
MARGIN: dict[str, float] = {
    "Mobilier": 0.40,
    "Informatique": 0.28,
    "Consommables": 0.31,
    "Services": 0.47,
}
PRICE_RISE_2025 = 1.03

CHANNELS: tuple[str, ...] = ("Web", "Téléphone", "Salon", "Partenaire", "Terrain")
SEGMENTS: tuple[str, ...] = ("Particulier", "PME", "Administration", "Grand compte")
SEGMENT_SHARE = (0.40, 0.42, 0.12, 0.06)
B2B_SEGMENTS: tuple[str, ...] = ("PME", "Administration", "Grand compte")

# Per segment: channel weights (CHANNELS order), category weights (CATEGORIES order),
# probability of one-time / occasional / loyal buyer, orders per month of occasional and loyal
# buyers, mean quantity above one, number-of-lines weights, probability of a discount.
SEGMENT_CHANNELS: dict[str, list[float]] = {
    "Particulier": [0.85, 0.10, 0.05, 0.0, 0.0],
    "PME": [0.25, 0.30, 0.15, 0.15, 0.15],
    "Administration": [0.20, 0.30, 0.0, 0.20, 0.30],
    "Grand compte": [0.0, 0.20, 0.10, 0.10, 0.60],
}
SEGMENT_CATEGORIES: dict[str, list[float]] = {
    "Particulier": [0.45, 0.35, 0.18, 0.02],
    "PME": [0.25, 0.30, 0.30, 0.15],
    "Administration": [0.30, 0.25, 0.30, 0.15],
    "Grand compte": [0.25, 0.30, 0.20, 0.25],
}
SEGMENT_TYPES: dict[str, list[float]] = {
    "Particulier": [0.78, 0.22, 0.0],
    "PME": [0.38, 0.40, 0.22],
    "Administration": [0.20, 0.50, 0.30],
    "Grand compte": [0.05, 0.25, 0.70],
}
SEGMENT_RATES: dict[str, tuple[float, float]] = {
    "Particulier": (0.10, 0.0),
    "PME": (0.30, 1.3),
    "Administration": (0.25, 0.7),
    "Grand compte": (0.40, 1.4),
}
SEGMENT_QTY: dict[str, float] = {
    "Particulier": 0.2,
    "PME": 2.0,
    "Administration": 3.0,
    "Grand compte": 6.0,
}
SEGMENT_LINES: dict[str, list[float]] = {
    "Particulier": [0.78, 0.18, 0.04],
    "PME": [0.50, 0.25, 0.15, 0.10],
    "Administration": [0.45, 0.25, 0.18, 0.12],
    "Grand compte": [0.35, 0.25, 0.18, 0.10, 0.07, 0.05],
}
SEGMENT_DISCOUNT: dict[str, float] = {
    "Particulier": 0.05,
    "PME": 0.18,
    "Administration": 0.30,
    "Grand compte": 0.50,
}
DISCOUNTS = (0.05, 0.08, 0.10, 0.12, 0.15, 0.20)
LIFETIME_MONTHS = {"occasional": 18.0, "loyal": 40.0}
EXISTING_CANDIDATES = 2400  # customers acquired before 2024; those still active show up
NEW_PER_MONTH = 34.0  # new customers in January 2024, before season and growth
INTAKE_GROWTH = 0.25  # yearly growth of the intake of new customers
EXISTING_YEARS = 8  # the existing base was acquired over the years before 2024
BUYER_TYPES = ("one-time", "occasional", "loyal")

ORDER_COLUMNS = [
    "N° commande", "Date de commande", "Client", "Segment", "Commercial", "Équipe", "Région",
    "Produit", "Catégorie", "Canal", "Quantité", "Prix unitaire HT", "Montant HT", "Coût",
    "Statut",
]  # fmt: skip


def _rng(table: str) -> np.random.Generator:
    """One independent random stream per table, so that tuning one table leaves the others."""
    return np.random.default_rng([SEED, *table.encode()])


# Dates are handled as day numbers (0 = 1 January 2024) while generating, for speed, and
# turned into timestamps when the DataFrames are built.
_CALENDAR = pd.date_range(START, END, freq="D")
N_DAYS = len(_CALENDAR)
N_MONTHS = len(MONTHS)
DAY_MONTH = np.asarray((_CALENDAR.year - START.year) * 12 + _CALENDAR.month - 1)
# French public holidays of 2024-2025: no B2B orders, deals or calls on these days.
HOLIDAYS = pd.to_datetime(
    [
        "2024-01-01", "2024-04-01", "2024-05-01", "2024-05-08", "2024-05-09", "2024-05-20",
        "2024-07-14", "2024-08-15", "2024-11-01", "2024-11-11", "2024-12-25",
        "2025-01-01", "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09",
        "2025-07-14", "2025-08-15", "2025-11-01", "2025-11-11", "2025-12-25",
    ]
)  # fmt: skip
DAY_IS_BUSINESS = np.asarray((_CALENDAR.day_of_week < 5) & ~_CALENDAR.isin(HOLIDAYS))
MONTH_FIRST_DAY = np.searchsorted(DAY_MONTH, np.arange(N_MONTHS + 1))
ANOMALY_MONTH_INDEX = int(MONTHS.get_loc(ANOMALY_MONTH))


def _day(value: str) -> int:
    """Day number of an ISO date."""
    return (pd.Timestamp(value) - START).days


def _to_dates(days: object) -> pd.DatetimeIndex:
    """Day numbers to timestamps (NaN becomes NaT)."""
    return START + pd.to_timedelta(np.asarray(days, dtype="float64"), unit="D")


def _season(month: int) -> float:
    """Demand factor of month index ``month`` (0 = January 2024)."""
    return float(SEASON[month % 12])


_CDF_CACHE: dict[tuple[float, ...], list[float]] = {}


def _pick(rng: np.random.Generator, weights: Sequence[float]) -> int:
    """An index drawn in proportion to ``weights``; much faster than ``rng.choice`` in loops."""
    key = tuple(weights)
    if key not in _CDF_CACHE:
        total = sum(key)
        _CDF_CACHE[key] = list(accumulate(w / total for w in key))
    cdf = _CDF_CACHE[key]
    return min(bisect_right(cdf, rng.random()), len(cdf) - 1)


_DAY_CACHE: dict[tuple[int, bool], np.ndarray] = {}


def _pick_day(rng: np.random.Generator, month: int, business_only: bool, after: int = 0) -> int:
    """A random day of month index ``month`` (weekdays only for businesses), not before
    ``after``; ``after`` itself when the month has no such day left."""
    key = (month, business_only)
    if key not in _DAY_CACHE:
        days = np.arange(MONTH_FIRST_DAY[month], MONTH_FIRST_DAY[month + 1])
        _DAY_CACHE[key] = days[DAY_IS_BUSINESS[days]] if business_only else days
    days = _DAY_CACHE[key]
    days = days[np.searchsorted(days, after) :]
    if len(days) == 0:
        return after
    return int(days[rng.integers(len(days))])


# --------------------------------------------------------------------------------------------
# Customers and orders
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Customer:
    """A simulated customer; ``start`` and ``end`` are day numbers (negative before 2024)."""

    segment: str
    buyer: str  # one-time, occasional or loyal
    start: int
    end: int
    existing: bool  # acquired before 2024
    region: str
    team: str
    rep: str
    channel: str  # preferred ordering channel
    rate: float  # orders per month while active, before seasonality


def _customers(rng: np.random.Generator) -> list[Customer]:
    """Customers with segment, region, rep, buying habits and active period.

    An existing base (acquired 2016-2023, still active in January 2024) plus a monthly intake of
    new customers growing slowly. Repeat buyers stop after an exponential lifetime (churn).
    """
    customers: list[Customer] = []
    regions = list(REGIONS)
    region_weights = list(REGIONS.values())

    def add(start: int, existing: bool, segment: str) -> None:
        types = SEGMENT_TYPES[segment]
        if existing:  # one-time buyers from before 2024 are not in the export
            types = [0.0, *types[1:]]
        buyer = BUYER_TYPES[_pick(rng, types)]
        end = start
        if buyer != "one-time":
            end = start + int(30.4 * rng.exponential(LIFETIME_MONTHS[buyer]))
        if end < 0:
            return
        region = regions[_pick(rng, region_weights)]
        team = "Grands Comptes" if segment == "Grand compte" else REGION_TEAM[region]
        reps = TEAMS[team]
        rep_weights = (1.3, 1.0, 0.8)[: len(reps)]
        occasional, loyal = SEGMENT_RATES[segment]
        rate = {"one-time": 0.0, "occasional": occasional, "loyal": loyal}[buyer]
        customers.append(
            Customer(
                segment=segment,
                buyer=buyer,
                start=start,
                end=end,
                existing=existing,
                region=region,
                team=team,
                rep=reps[_pick(rng, rep_weights)],
                channel=CHANNELS[_pick(rng, SEGMENT_CHANNELS[segment])],
                rate=rate * rng.gamma(4.0, 0.25),
            )
        )

    def segment() -> str:
        return SEGMENTS[_pick(rng, SEGMENT_SHARE)]

    for _ in range(EXISTING_CANDIDATES):
        add(-int(rng.integers(1, 365 * EXISTING_YEARS + 1)), True, segment())
    for month in range(N_MONTHS):
        intake = NEW_PER_MONTH * (1 + INTAKE_GROWTH * month / 12) * _season(month)
        for _ in range(rng.poisson(intake)):
            seg = segment()
            add(_pick_day(rng, month, seg != "Particulier"), False, seg)
    return customers


def _order_headers(rng: np.random.Generator, customers: list[Customer]) -> list[tuple[int, int]]:
    """One ``(customer index, day)`` per order, from each customer's buying process."""
    orders: list[tuple[int, int]] = []
    for idx, c in enumerate(customers):
        if not c.existing:
            orders.append((idx, c.start))
        if c.rate == 0:
            continue
        business = c.segment != "Particulier"
        last = min(c.end, N_DAYS - 1)
        for month in range(int(DAY_MONTH[max(c.start, 0)]), int(DAY_MONTH[last]) + 1):
            for _ in range(rng.poisson(c.rate * _season(month))):
                day = _pick_day(rng, month, business, max(c.start + 1, 0))
                if day <= last and DAY_MONTH[day] == month:
                    orders.append((idx, day))
    # The warehouse closure: most orders of the Lyon region that month never happened (those of
    # the South's two other regions are taken out later, by _flood).
    kept = []
    for idx, day in orders:
        hit = customers[idx].region == ANOMALY_REGION and DAY_MONTH[day] == ANOMALY_MONTH_INDEX
        if not hit or rng.random() < _LYON_FIRST_KEEP:
            kept.append((idx, day))
    return sorted(kept, key=lambda o: (o[1], o[0]))


_IN_PROGRESS_AFTER = _day("2025-12-19")
_NOT_YET_INVOICED_AFTER = _day("2025-11-30")
_FIRST_DAY_2025 = _day("2025-01-01")


def _status(rng: np.random.Generator, day: int) -> str:
    """Order status: invoiced once old enough, a few cancelled or refunded, recent ones open."""
    if day > _IN_PROGRESS_AFTER and rng.random() < 0.7:
        return "En cours"
    u = rng.random()
    if u < 0.03:
        return "Annulée"
    if u < 0.04:
        return "Remboursée"
    if day > _NOT_YET_INVOICED_AFTER:
        return "Livrée" if rng.random() < 0.7 else "Facturée"
    return "Livrée" if rng.random() < 0.08 else "Facturée"


def _unit_price(product: Product, day: int) -> float:
    """List price; 2025 prices rose about 3 %, rounded to end in ,90 (small items unchanged)."""
    if day < _FIRST_DAY_2025:
        return product.price
    return float(round(product.price * PRICE_RISE_2025 / 5) * 5 - 0.1)


def _quantity(rng: np.random.Generator, product: Product, segment: str) -> int:
    """Quantity ordered: larger for big customers and for consumables."""
    if product.category == "Services":
        return 1 + int(rng.poisson(0.3 + SEGMENT_QTY[segment] / 10))
    if product.category == "Consommables":
        return 1 + int(rng.poisson(3 * SEGMENT_QTY[segment] + 1))
    return 1 + int(rng.poisson(SEGMENT_QTY[segment]))


def _order_lines(
    rng: np.random.Generator,
    customers: list[Customer],
    orders: list[tuple[int, int]],
) -> pd.DataFrame:
    """Expand orders into product lines with quantity, price, discount, cost and status."""
    weights = {
        segment: [
            SEGMENT_CATEGORIES[segment][CATEGORIES.index(p.category)] * p.popularity
            for p in PRODUCTS
        ]
        for segment in SEGMENTS
    }
    counters: dict[int, int] = {}
    lines: list[tuple[object, ...]] = []
    for idx, day in orders:
        c = customers[idx]
        segment = c.segment
        year = 2024 + int(DAY_MONTH[day]) // 12
        counters[year] = counters.get(year, 0) + 1
        order_id = f"CMD-{year % 100:02d}-{counters[year]:06d}"
        channel = c.channel
        if rng.random() < 0.25:
            channel = CHANNELS[_pick(rng, SEGMENT_CHANNELS[segment])]
        status = _status(rng, day)
        n_lines = 1 + _pick(rng, SEGMENT_LINES[segment])
        picks: list[int] = []
        while len(picks) < n_lines:  # distinct products
            k = _pick(rng, weights[segment])
            if k not in picks:
                picks.append(k)
        for pick in picks:
            product = PRODUCTS[pick]
            qty = _quantity(rng, product, segment)
            price = _unit_price(product, day)
            discount = 0.0
            if rng.random() < SEGMENT_DISCOUNT[segment]:
                discount = DISCOUNTS[int(rng.integers(len(DISCOUNTS)))]
            amount = round(qty * price * (1 - discount), 2)
            unit_cost = price * (1 - MARGIN[product.category])
            cost = round(qty * unit_cost * rng.uniform(0.94, 1.06), 2)
            lines.append(
                (order_id, day, idx, segment, c.rep, c.team, c.region, product.name,
                 product.category, channel, qty, price, amount, cost, status)
            )  # fmt: skip
    return pd.DataFrame(lines, columns=ORDER_COLUMNS)


def _credit_notes(rng: np.random.Generator, lines: pd.DataFrame) -> pd.DataFrame:
    """Credit notes ("avoirs") for returned goods: negative quantity, amount and cost."""
    eligible = lines[
        (lines["Statut"] == "Facturée") & (lines["Catégorie"] != "Services")
    ].index.to_numpy()
    chosen = np.sort(rng.choice(eligible, size=int(len(lines) * 0.006), replace=False))
    notes = lines.loc[chosen].copy()
    returned = np.array([rng.integers(1, q + 1) for q in notes["Quantité"]])
    share = returned / notes["Quantité"].to_numpy()
    notes["Date de commande"] += rng.integers(5, 46, size=len(notes))
    notes["Quantité"] = -returned
    notes["Montant HT"] = -(notes["Montant HT"] * share).round(2)
    notes["Coût"] = -(notes["Coût"] * share).round(2)
    notes["Statut"] = "Facturée"
    notes = notes[notes["Date de commande"] < N_DAYS]
    notes = notes.sort_values("Date de commande", kind="stable")
    years = 2024 + DAY_MONTH[notes["Date de commande"].to_numpy()] // 12
    seq = notes.groupby(years).cumcount() + 1
    notes["N° commande"] = [f"AV-{y % 100:02d}-{n:05d}" for y, n in zip(years, seq, strict=True)]
    return notes


def make_orders() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Order lines (French headers) and the customer table behind them (index: customer id)."""
    planned, customers = _planned_orders()
    lines, _ = _flood(planned)
    return lines, customers


def _planned_orders() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Order lines before :func:`_flood` (with a ``_source`` column: the order a credit note
    refers to), and the customer table."""
    rng = _rng("orders")
    customers = _customers(rng)
    orders = _order_headers(rng, customers)
    lines = _order_lines(rng, customers, orders)
    notes = _credit_notes(rng, lines)
    notes["_source"] = lines.loc[notes.index, "N° commande"].to_numpy()
    lines = pd.concat([lines, notes], ignore_index=True)
    # Customers with no order in 2024-2025 are not in the export. The others are numbered in
    # order of acquisition, so that CLI-00001 is the oldest customer.
    table = pd.DataFrame([asdict(c) for c in customers])
    table = table.loc[np.unique(lines["Client"])].sort_values("start", kind="stable")
    new_ids = [f"CLI-{i:05d}" for i in range(1, len(table) + 1)]
    lines["Client"] = lines["Client"].map(dict(zip(table.index, new_ids, strict=True)))
    table.index = pd.Index(new_ids, name="id")
    lines = lines.sort_values(["Date de commande", "N° commande"], kind="stable")
    lines["Date de commande"] = _to_dates(lines["Date de commande"].to_numpy())
    return lines.reset_index(drop=True), table


def _flood(planned: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """The warehouse closure in the South's other two regions: four orders in five of March
    2025 never happened, nor their credit notes; order and credit-note numbers stay gapless.

    The Lyon region's lost orders are left out before their lines are drawn
    (:func:`_order_headers`: the story first hit that region alone); these are taken out here,
    with their own random stream, so that every other figure of the demo stays as it was.

    Returns the order lines and the numbers (as planned) of the orders that never happened.
    """
    rng = _rng("flood")
    number = planned["N° commande"]
    heads = planned[number.str.startswith("CMD")].drop_duplicates("N° commande")
    month = heads["Date de commande"].dt.to_period("M") == ANOMALY_MONTH.to_period("M")
    hit = heads[month & heads["Région"].isin(ANOMALY_REGIONS)]
    lyon = (hit["Région"] == ANOMALY_REGION).to_numpy()
    keep = np.where(lyon, ANOMALY_KEEP / _LYON_FIRST_KEEP, ANOMALY_KEEP)
    lost = set(hit.loc[rng.random(len(hit)) >= keep, "N° commande"])
    gone = number.isin(lost) | planned["_source"].isin(lost)
    lines = planned.loc[~gone].drop(columns="_source").reset_index(drop=True)
    # renumber each series (CMD-25-…, AV-25-…) in its order, without the gaps
    series = lines["N° commande"].str.rsplit("-", n=1).str[0]
    digits = lines["N° commande"].str.rsplit("-", n=1).str[1].str.len()
    heads = lines.drop_duplicates("N° commande").sort_values("N° commande", kind="stable")
    seq = heads.groupby(series.loc[heads.index]).cumcount() + 1
    renamed = {
        old: f"{prefix}-{n:0{width}d}"
        for old, prefix, n, width in zip(
            heads["N° commande"], series.loc[heads.index], seq, digits.loc[heads.index],
            strict=True,
        )
    }  # fmt: skip
    lines["N° commande"] = lines["N° commande"].map(renamed)
    return lines, lost


# --------------------------------------------------------------------------------------------
# Pipeline, leads, marketing spend
# --------------------------------------------------------------------------------------------

STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost")
STAGE_PROBABILITY = {
    "Prospecting": 10,
    "Qualification": 20,
    "Proposal": 40,
    "Negotiation": 70,
    "Closed Won": 100,
    "Closed Lost": 0,
}
N_PROSPECTS = 600
DEALS_PER_MONTH = 80.0
SOURCE_WEIGHTS = (0.30, 0.20, 0.15, 0.15, 0.20)
SOURCE_WIN = {"Web": -0.45, "Téléphone": -0.2, "Salon": 0.0, "Partenaire": 0.55, "Terrain": 0.3}
SOURCE_CYCLE = {"Web": 24, "Téléphone": 32, "Salon": 45, "Partenaire": 38, "Terrain": 55}
REP_SKILL = dict(zip(REPS, [0.35, -0.1, 0.2, -0.45, 0.0, 0.4, -0.25], strict=True))
REP_SPEED = dict(zip(REPS, [1.1, 1.3, 0.85, 1.0, 1.15, 0.8, 1.2], strict=True))


def make_deals(customers: pd.DataFrame) -> pd.DataFrame:
    """CRM opportunities (English headers) owned by the same reps, on B2B accounts."""
    rng = _rng("deals")
    b2b = customers[customers["segment"].isin(B2B_SEGMENTS)]
    b2b_ids = b2b.index.to_list()
    b2b_segments, b2b_reps = b2b["segment"].to_list(), b2b["rep"].to_list()
    # Prospects: accounts that never ordered, numbered after the customers.
    first = len(customers) + 1
    prospect_ids = [f"CLI-{i:05d}" for i in range(first, first + N_PROSPECTS)]
    rows: list[dict[str, object]] = []
    for month in range(N_MONTHS):
        n = rng.poisson(DEALS_PER_MONTH * (1 + 0.12 * month / 12) * _season(month))
        for _ in range(n):
            created = _pick_day(rng, month, True)
            if rng.random() < 0.7:
                k = int(rng.integers(len(b2b_ids)))
                account, segment, rep = b2b_ids[k], b2b_segments[k], b2b_reps[k]
            else:
                account = prospect_ids[rng.integers(N_PROSPECTS)]
                segment = B2B_SEGMENTS[_pick(rng, (0.7, 0.2, 0.1))]
                team = (
                    "Grands Comptes"
                    if segment == "Grand compte"
                    else ("Nord", "Sud")[_pick(rng, (0.55, 0.45))]
                )
                rep = TEAMS[team][rng.integers(len(TEAMS[team]))]
            source = CHANNELS[_pick(rng, SOURCE_WEIGHTS)]
            median = {"PME": 6000, "Administration": 12000, "Grand compte": 32000}[segment]
            amount = float(round(median * rng.lognormal(0, 0.6), -1))
            logit = SOURCE_WIN[source] + REP_SKILL[rep] + (-0.3 if segment == "Grand compte" else 0)
            won = rng.random() < 1 / (1 + np.exp(-logit))
            seg_factor = {"PME": 1.0, "Administration": 1.4, "Grand compte": 1.7}[segment]
            cycle = SOURCE_CYCLE[source] * REP_SPEED[rep] * seg_factor * rng.lognormal(0, 0.35)
            cycle = int(np.clip(cycle * (1.0 if won else 1.15), 10, 120))
            close = created + cycle
            # A few deals are forgotten in the CRM: open, early stage, expected date passed.
            stale = rng.random() < 0.015
            expected = close_date = np.nan
            if close < N_DAYS and not stale:
                stage = "Closed Won" if won else "Closed Lost"
                close_date = close
            else:
                progress = (N_DAYS - 1 - created) / cycle
                if stale:
                    progress = rng.uniform(0, 0.5)
                stage = STAGES[min(int(progress * 4), 3)]
                expected = close
            prob = STAGE_PROBABILITY[stage]
            if stage not in ("Closed Won", "Closed Lost") and rng.random() < 0.12:
                prob = int(np.clip(prob + (-10, 10)[int(rng.integers(2))], 5, 90))
            rows.append(
                {
                    "Created Date": created,
                    "Account": account,
                    "Opportunity Owner": rep,
                    "Team": REP_TEAM[rep],
                    "Lead Source": source,
                    "Segment": segment,
                    "Deal Stage": stage,
                    "Amount": amount,
                    "Probability (%)": prob,
                    "Close Date": close_date,
                    "Expected Close Date": expected,
                }
            )
    deals = pd.DataFrame(rows)
    for col in ("Created Date", "Close Date", "Expected Close Date"):
        deals[col] = _to_dates(deals[col])
    deals.insert(0, "Opportunity ID", [f"OPP-{i:05d}" for i in range(1, len(deals) + 1)])
    columns = [
        "Opportunity ID", "Account", "Opportunity Owner", "Team", "Lead Source", "Segment",
        "Deal Stage", "Amount", "Probability (%)", "Created Date", "Close Date",
        "Expected Close Date",
    ]  # fmt: skip
    return deals[columns]


LEAD_SOURCE_WEIGHTS = np.array([0.45, 0.18, 0.15, 0.12, 0.10])
LEAD_SOURCE_EFFECT = {
    "Web": -0.35, "Téléphone": -0.1, "Salon": 0.2, "Partenaire": 0.55, "Terrain": 0.35,
}  # fmt: skip
COMPANY_SIZES = ("1-10", "11-50", "51-200", "201-1000", "1000+")
SIZE_WEIGHTS = np.array([0.30, 0.32, 0.20, 0.12, 0.06])
SIZE_EFFECT = np.array([-0.5, 0.0, 0.3, 0.4, 0.2])
INDUSTRIES = {
    "Manufacturing": 0.25, "Retail": -0.2, "Healthcare": 0.1, "Public Sector": 0.0,
    "Professional Services": 0.15, "Construction": -0.05, "Education": -0.25,
    "Hospitality": -0.3,
}  # fmt: skip
JOB_TITLES = {
    "Owner": 0.3, "CEO": 0.2, "Purchasing Manager": 0.45, "Office Manager": 0.25,
    "IT Manager": 0.1, "Operations Director": 0.3, "Assistant": -0.3, "Student": -1.2,
}  # fmt: skip
LEAD_REGIONS = {**REGIONS, "Belgique": 0.0, "Suisse": 0.0}
LEAD_DECISION_DAYS = 45.0
LEAD_DECISION_MAX_DAYS = 120
LEADS_PER_MONTH = 150.0


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def make_leads() -> pd.DataFrame:
    """Marketing leads (English headers) whose features genuinely predict conversion.

    A hidden buying intent drives both the behaviour columns (visits, time on site, e-mail
    opened, demo requested) and conversion, with noise, so a model reaches an AUC near 0.8.
    ``Lead Status`` is filled in after the outcome: a leak. Leads whose outcome was not known
    yet at the end of the data (see the decision delay below) have none: they are open.
    """
    rng = _rng("leads")
    per_month = [LEADS_PER_MONTH * (1 + 0.15 * m / 12) * _season(m) for m in range(N_MONTHS)]
    created = np.sort(
        np.concatenate(
            [
                rng.integers(MONTH_FIRST_DAY[m], MONTH_FIRST_DAY[m + 1], size=count)
                for m, count in enumerate(rng.poisson(per_month))
            ]
        )
    )
    n = len(created)
    source = rng.choice(len(CHANNELS), size=n, p=LEAD_SOURCE_WEIGHTS)
    size = rng.choice(len(COMPANY_SIZES), size=n, p=SIZE_WEIGHTS)
    industry = rng.integers(len(INDUSTRIES), size=n)
    title = rng.integers(len(JOB_TITLES), size=n)
    region_p = np.array([*REGIONS.values(), 0.05, 0.03])
    region = rng.choice(len(LEAD_REGIONS), size=n, p=region_p / region_p.sum())
    intent = rng.normal(size=n)
    visits = rng.poisson(np.exp(1.0 + 0.55 * intent))
    time_on_site = np.round(visits * rng.gamma(2.0, 1.2 + 0.3 * np.maximum(intent, -1)), 1)
    email = rng.random(n) < _sigmoid(0.2 + 0.7 * intent)
    demo = rng.random(n) < _sigmoid(-1.6 + 0.9 * intent + 0.3 * (size >= 2))
    logit = (
        -1.6
        + 1.05 * intent
        + 1.0 * demo
        + 0.35 * email
        + np.array([LEAD_SOURCE_EFFECT[c] for c in CHANNELS])[source]
        + SIZE_EFFECT[size]
        + np.array(list(INDUSTRIES.values()))[industry]
        + np.array(list(JOB_TITLES.values()))[title]
    )
    converted = rng.random(n) < _sigmoid(logit)
    u = rng.random(n)
    shown_title = np.where(
        u < 0.05, "Select", np.where(u < 0.08, "N/A", np.array(list(JOB_TITLES))[title])
    )
    v = rng.random(n)
    # Outcomes are known some weeks after a lead arrives (a quick disqualification, a demo
    # then a first order): each lead's decision delay is exponential, mean LEAD_DECISION_DAYS,
    # at most LEAD_DECISION_MAX_DAYS. Leads still undecided at the end of the data are open: most
    # of December's, a third of November's, a few older ones — as in a real CRM export.
    delay = np.minimum(rng.exponential(LEAD_DECISION_DAYS, size=n), LEAD_DECISION_MAX_DAYS).astype(
        int
    )
    is_open = created + delay > (END - START).days
    # The leak: the status a sales assistant sets once the outcome is known.
    status = np.select(
        [is_open & (v < 0.6), is_open, converted & (v < 0.98), converted, v < 0.01, v < 0.66],
        ["Open", "Working", "Qualified - Won", "Nurturing", "Qualified - Won", "Disqualified"],
        "Nurturing",
    )
    yes_no = np.array(["No", "Yes"])
    outcome = pd.Series(yes_no[converted.astype(int)]).where(~is_open, None)
    return pd.DataFrame(
        {
            "Lead ID": [f"L-{i:06d}" for i in range(1, n + 1)],
            "Created Date": _to_dates(created),
            "Lead Source": np.array(CHANNELS)[source],
            "Company Size": np.array(COMPANY_SIZES)[size],
            "Industry": np.array(list(INDUSTRIES))[industry],
            "Region": np.array(list(LEAD_REGIONS))[region],
            "Website Visits": visits,
            "Time on Site (min)": time_on_site,
            "Email Opened": yes_no[email.astype(int)],
            "Demo Requested": yes_no[demo.astype(int)],
            "Job Title": shown_title,
            "Lead Status": status,
            "Converted": outcome,
        }
    )


# Monthly marketing spend per channel: base euros, yearly growth, and months with a trade show.
# Marketing pays for two channels: the web (ads, search, the web shop's campaigns) and trade
# shows. Téléphone (inside sales), Terrain (field reps) and Partenaire (resellers, paid by
# commission) are sales channels: their cost is in the sales budget, not in this table. About
# 9.5 % of revenue, so that ROI (revenue of those channels against their spend) reads in the low
# hundreds of percent and CLV / CAC around 3–4, as a consultant would expect of a B2B seller.
SPEND_BASE = {"Web": 55000.0, "Salon": 5000.0}
MARKETING_CHANNELS: tuple[str, ...] = tuple(SPEND_BASE)
TRADE_SHOW_MONTHS = {3: 70000.0, 10: 80000.0}


def make_spend() -> pd.DataFrame:
    """Monthly marketing spend per channel (French headers) for the channels marketing pays for
    (``MARKETING_CHANNELS``), labelled as in orders and leads."""
    rng = _rng("spend")
    rows: list[dict[str, object]] = []
    for month, first_day in zip(range(N_MONTHS), MONTHS, strict=True):
        growth = 1 + 0.12 * month / 12
        for channel in MARKETING_CHANNELS:
            base = SPEND_BASE[channel] * growth
            if channel == "Web":
                base *= 0.7 + 0.3 * _season(month) ** 2
            if channel == "Salon" and first_day.month in TRADE_SHOW_MONTHS:
                base += TRADE_SHOW_MONTHS[first_day.month] * growth
            rows.append(
                {
                    "Mois": first_day,
                    "Canal": channel,
                    "Dépenses (€)": round(base * rng.uniform(0.9, 1.1), 2),
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Surveys, activities, targets
# --------------------------------------------------------------------------------------------

COMMENTS: dict[str, tuple[str, ...]] = {
    "promoter": (
        "Très satisfait, livraison rapide.",
        "Commercial à l'écoute et réactif.",
        "Produits de qualité, je recommande.",
        "Installation impeccable ; équipe très professionnelle.",
        "Rien à redire, comme d'habitude.",
        "Excellent rapport qualité-prix.",
    ),
    "passive": (
        "Correct dans l'ensemble.",
        "Délai un peu long mais produit conforme.",
        "Bon produit, service client à améliorer.",
        "Prix un peu élevés par rapport à la concurrence.",
        "Satisfait, sans plus.",
    ),
    "detractor": (
        "Livraison en retard et pas de nouvelles.",
        "Produit arrivé abîmé, remplacement trop lent.",
        "Difficile de joindre le service client.",
        "Facture erronée, il a fallu relancer deux fois.",
        'Le "devis express" a mis trois semaines.',
        "Commande annulée sans explication.",
    ),
}


SURVEYS_SENT = 2600  # about 83 % answer, before the end of 2025


def make_surveys(orders: pd.DataFrame, lost: set[str] | None = None) -> pd.DataFrame:
    """Satisfaction answers sent after an order: NPS (0-10), satisfaction (1-5), comment.

    Scores depend on the segment, drop after a cancelled or refunded order, and drop in the
    South during the warehouse closure and the month after. ``orders`` are the lines as
    planned (:func:`_planned_orders`): the ``lost`` orders (:func:`_flood`) get no answer.
    """
    rng = _rng("surveys")
    lost = lost or set()
    heads = orders[orders["N° commande"].str.startswith("CMD")].drop_duplicates("N° commande")
    heads = heads[heads["Statut"] != "En cours"]
    picked = heads.loc[np.sort(rng.choice(heads.index, size=SURVEYS_SENT, replace=False))]
    order_days = (picked["Date de commande"] - START).dt.days.to_numpy()
    base = {"Particulier": 7.9, "PME": 8.3, "Administration": 7.5, "Grand compte": 8.6}
    bad_months = (ANOMALY_MONTH_INDEX, ANOMALY_MONTH_INDEX + 1)
    rows: list[dict[str, object]] = []
    for order_day, client, segment, region, status, number in zip(
        order_days,
        picked["Client"],
        picked["Segment"],
        picked["Région"],
        picked["Statut"],
        picked["N° commande"],
        strict=True,
    ):
        day = int(order_day + rng.integers(5, 31))
        if day >= N_DAYS or rng.random() < 0.15:  # not everyone answers
            continue
        score = base[segment] + rng.normal(0, 1.9)
        if status in ("Annulée", "Remboursée"):
            score -= 3.5
        if region in ANOMALY_REGIONS and DAY_MONTH[day] in bad_months:
            score -= 3.0
        nps = int(np.clip(round(score), 0, 10))
        satisfaction = int(np.clip(round(1 + nps * 0.4 + rng.normal(0, 0.6)), 1, 5))
        band = "promoter" if nps >= 9 else ("passive" if nps >= 7 else "detractor")
        comment = None
        if rng.random() < 0.55:
            pool = COMMENTS[band]
            comment = pool[rng.integers(len(pool))]
        if number in lost:
            continue  # the order never happened (its draws are made: the others stay)
        rows.append(
            {
                "Date": day,
                "Client": client,
                "Note NPS (0-10)": nps,
                "Satisfaction (1-5)": satisfaction,
                "Commentaire": comment,
            }
        )
    surveys = pd.DataFrame(rows).sort_values("Date", kind="stable").reset_index(drop=True)
    surveys["Date"] = _to_dates(surveys["Date"])
    return surveys


# Per rep: activities per working day, share of calls / emails / meetings, meeting-booked rate
# of calls, reply rate of emails.
REP_ACTIVITY: dict[str, tuple[float, tuple[float, float, float], float, float]] = {
    "Hélène Marchetti": (1.6, (0.35, 0.35, 0.30), 0.24, 0.34),
    "Thomas Delaunay": (1.4, (0.40, 0.35, 0.25), 0.18, 0.28),
    "Camille Roussel": (2.3, (0.55, 0.35, 0.10), 0.16, 0.25),
    "Mehdi Haddad": (2.6, (0.60, 0.30, 0.10), 0.09, 0.17),
    "Pauline Garnier": (2.0, (0.50, 0.40, 0.10), 0.13, 0.22),
    "Lucas Fabre": (2.2, (0.50, 0.35, 0.15), 0.20, 0.30),
    "Inès Morel": (1.9, (0.45, 0.45, 0.10), 0.11, 0.20),
}


def make_activities() -> pd.DataFrame:
    """Calls, e-mails and meetings logged by each rep on working days (English headers).

    Calls have a duration and a meeting-booked flag, e-mails a replied flag, meetings a
    duration; the other cells are empty. Half of August is holidays.
    """
    rng = _rng("activities")
    days = np.flatnonzero(DAY_IS_BUSINESS)
    august = np.asarray(_CALENDAR[days].month == 8)
    days = days[~august | (rng.random(len(days)) < 0.5)]
    frames = []
    for rep in REPS:
        per_day, mix, meeting_rate, reply_rate = REP_ACTIVITY[rep]
        when = np.repeat(days, rng.poisson(per_day, size=len(days)))
        n = len(when)
        kind = np.array(["Call", "Email", "Meeting"])[rng.choice(3, size=n, p=mix)]
        calls, emails, meetings = kind == "Call", kind == "Email", kind == "Meeting"
        call_minutes = np.maximum(1, np.round(rng.lognormal(np.log(6), 0.6, size=n)))
        meeting_minutes = rng.choice([30, 45, 60, 90], size=n, p=[0.35, 0.3, 0.28, 0.07])
        duration = np.where(calls, call_minutes, np.where(meetings, meeting_minutes, np.nan))
        yes_no = np.where(rng.random(n) < reply_rate, "Yes", "No")
        booked = np.where(rng.random(n) < meeting_rate, "Yes", "No")
        frames.append(
            pd.DataFrame(
                {
                    "Date": when,
                    "Rep": rep,
                    "Activity Type": kind,
                    "Duration (min)": pd.array(duration, dtype="Float64").astype("Int64"),
                    "Replied": pd.Series(yes_no).where(emails, None),
                    "Meeting Booked": pd.Series(booked).where(calls, None),
                }
            )
        )
    activities = pd.concat(frames, ignore_index=True)
    activities = activities.sort_values("Date", kind="stable").reset_index(drop=True)
    activities["Date"] = _to_dates(activities["Date"])
    return activities


# Targets are set from the year's expected revenue; a factor above 1 makes a harder target
# (rep below target), below 1 an easier one (rep above target).
TARGET_FACTOR = dict(zip(REPS, [0.93, 1.08, 0.95, 1.15, 1.02, 0.9, 1.06], strict=True))
TARGET_SEASON = np.array([0.95, 0.95, 1.05, 1.0, 1.0, 1.05, 0.9, 0.7, 1.05, 1.1, 1.1, 1.15])


def make_targets(orders: pd.DataFrame) -> pd.DataFrame:
    """Monthly revenue target per rep (French headers), rounded to 500 euros."""
    rng = _rng("targets")
    counted = orders[~orders["Statut"].isin(["Annulée", "Remboursée"])]
    yearly = counted.groupby([counted["Commercial"], counted["Date de commande"].dt.year])[
        "Montant HT"
    ].sum()
    rows: list[dict[str, object]] = []
    for rep in REPS:
        for month in MONTHS:
            share = TARGET_SEASON[month.month - 1] / TARGET_SEASON.sum()
            target = yearly[(rep, month.year)] * share * TARGET_FACTOR[rep]
            target *= rng.uniform(0.97, 1.03)
            rows.append(
                {
                    "Mois": month,
                    "Commercial": rep,
                    "Équipe": REP_TEAM[rep],
                    "Objectif CA (€)": float(round(target / 500) * 500),
                }
            )
    return pd.DataFrame(rows)


def generate() -> dict[str, pd.DataFrame]:
    """All demo tables as DataFrames, keyed by file stem (``ventes``, ``deals``, ...).

    Dates are ``datetime64``, amounts floats, empty cells NaN/None. The orders table holds the
    data rows only: the title block and the ``Total`` row are added when writing the CSV.
    """
    from sample_data.subscriptions import make_subscriptions  # it imports this module

    planned, customers = _planned_orders()
    orders, lost = _flood(planned)
    return {
        "ventes": orders,
        "deals": make_deals(customers),
        "leads": make_leads(),
        "depenses_marketing": make_spend(),
        "enquetes_satisfaction": make_surveys(planned, lost),
        "activities": make_activities(),
        # targets are set on the year's plan, before the flood
        "objectifs": make_targets(planned),
        "abonnements": make_subscriptions(customers),
    }


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileSpec:
    """How one table is written: French or English conventions and per-column formats.

    ``kinds`` maps a column to ``date``, ``month``, ``money``, ``money_thousands``, ``int`` or
    ``float1``; other columns are text.
    """

    stem: str
    sheet: str
    french: bool
    kinds: dict[str, str]
    encoding: str = "utf-8"


SPECS: tuple[FileSpec, ...] = (
    FileSpec(
        "ventes",
        "Ventes",
        True,
        {
            "Date de commande": "date",
            "Quantité": "int",
            "Prix unitaire HT": "money",
            "Montant HT": "money_thousands",
            "Coût": "money",
        },
        "cp1252",
    ),
    FileSpec(
        "deals",
        "Deals",
        False,
        {
            "Amount": "money",
            "Probability (%)": "int",
            "Created Date": "date",
            "Close Date": "date",
            "Expected Close Date": "date",
        },
    ),
    FileSpec(
        "leads",
        "Leads",
        False,
        {"Created Date": "date", "Website Visits": "int", "Time on Site (min)": "float1"},
    ),
    FileSpec(
        "depenses_marketing",
        "Dépenses",
        True,
        {"Mois": "month", "Dépenses (€)": "money"},
        "utf-8-sig",
    ),
    FileSpec(
        "enquetes_satisfaction",
        "Enquêtes",
        True,
        {"Date": "date", "Note NPS (0-10)": "int", "Satisfaction (1-5)": "int"},
        "utf-8-sig",
    ),
    FileSpec("activities", "Activities", False, {"Date": "date", "Duration (min)": "int"}),
    FileSpec(
        "objectifs",
        "Objectifs",
        True,
        {"Mois": "month", "Objectif CA (€)": "money"},
        "utf-8-sig",
    ),
    FileSpec(
        "abonnements",
        "Abonnements",
        True,
        {
            "Postes": "int",
            "Prix unitaire HT": "money",
            "Date de début": "date",
            "Fin d'essai": "date",
            "Date de résiliation": "date",
            "Date de fin": "date",
        },
        "utf-8-sig",
    ),
)


def _french_number(value: float, thousands: bool = False) -> str:
    """``1234.5`` -> ``1234,50`` (or ``1 234,50`` with a space as thousands separator)."""
    text = f"{value:,.2f}" if thousands else f"{value:.2f}"
    return text.replace(",", " ").replace(".", ",")


def _formatter(kind: str, french: bool) -> Callable[[object], str]:
    date_fmt = "%d/%m/%Y" if french else "%Y-%m-%d"
    formats: dict[str, Callable[[object], str]] = {
        "date": lambda v: v.strftime(date_fmt),  # type: ignore[attr-defined]
        "month": lambda v: v.strftime(date_fmt),  # type: ignore[attr-defined]
        "int": lambda v: str(int(v)),  # type: ignore[call-overload]
        "float1": lambda v: f"{v:.1f}".replace(".", "," if french else "."),
        "money": (lambda v: _french_number(v)) if french else (lambda v: f"{v:.2f}"),
        "money_thousands": (lambda v: _french_number(v, True)) if french else "{:,.2f}".format,
    }
    return formats[kind]


def _as_text(df: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Every cell as the string the CSV holds; missing values become empty strings."""
    out = {}
    for col in df.columns:
        kind = spec.kinds.get(col)
        fmt = _formatter(kind, spec.french) if kind else str
        missing = df[col].isna().to_numpy()
        out[col] = [
            "" if empty else fmt(v) for v, empty in zip(df[col].tolist(), missing, strict=True)
        ]
    return pd.DataFrame(out, columns=df.columns)


def _orders_title_and_total(df: pd.DataFrame, spec: FileSpec) -> tuple[str, list[str]]:
    """The title block above the header and the final ``Total`` row of the orders export."""
    title_lines = (
        "Export des ventes;;;",
        f"Société {COMPANY} — période du 01/01/2024 au 31/12/2025",
        "",
    )
    title = "".join(line + "\r\n" for line in title_lines)
    total = [""] * len(df.columns)
    total[0] = "Total"
    total[df.columns.get_loc("Quantité")] = str(int(df["Quantité"].sum()))
    total[df.columns.get_loc("Montant HT")] = _french_number(df["Montant HT"].sum(), True)
    total[df.columns.get_loc("Coût")] = _french_number(df["Coût"].sum())
    return title, total


def csv_bytes(df: pd.DataFrame, spec: FileSpec) -> bytes:
    """The CSV file content: French (``;``, decimal comma, dd/mm/yyyy, CRLF) or English."""
    text = _as_text(df, spec)
    sep, newline = (";", "\r\n") if spec.french else (",", "\n")
    prefix = ""
    if spec.stem == "ventes":
        prefix, total = _orders_title_and_total(df, spec)
        text = pd.concat([text, pd.DataFrame([total], columns=text.columns)], ignore_index=True)
    buffer = io.StringIO()
    text.to_csv(buffer, sep=sep, index=False, lineterminator=newline)
    return (prefix + buffer.getvalue()).encode(spec.encoding)


ORDERS_NOTES = (
    f"{COMPANY} — export des ventes (données fictives de démonstration)",
    "Période : 01/01/2024 au 31/12/2025",
    "Une ligne par article commandé ; les avoirs (N° AV-…) ont des montants négatifs.",
    "Statuts : Facturée, Livrée, En cours, Annulée, Remboursée.",
    "Montants en euros hors taxes.",
)


def xlsx_bytes(df: pd.DataFrame, spec: FileSpec) -> bytes:
    """The XLSX file content: one sheet, header in row 1, real dates and numbers."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {
            "title": f"{COMPANY} — {spec.sheet}",
            "author": "Pilote sample data",
            "company": COMPANY,
            "created": datetime(2025, 1, 1),
        }
    )
    date_fmt = "dd/mm/yyyy" if spec.french else "yyyy-mm-dd"
    formats = {
        "date": workbook.add_format({"num_format": date_fmt}),
        "month": workbook.add_format({"num_format": "mm/yyyy"}),
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "money_thousands": workbook.add_format({"num_format": "#,##0.00"}),
        "int": workbook.add_format({"num_format": "0"}),
        "float1": workbook.add_format({"num_format": "0.0"}),
    }
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(spec.sheet)
    sheet.write_row(0, 0, list(df.columns), bold)
    sheet.freeze_panes(1, 0)
    for j, col in enumerate(df.columns):
        kind = spec.kinds.get(col)
        cell_format = formats[kind] if kind else None
        width = 12 if kind else max(12, min(32, int(df[col].astype(str).str.len().max()) + 2))
        sheet.set_column(j, j, max(width, len(col) + 2))
        missing = df[col].isna().to_numpy()
        values = df[col].tolist()
        if kind in ("date", "month"):
            write: Callable[..., object] = sheet.write_datetime
            values = [v if v is pd.NaT else v.to_pydatetime() for v in values]
        elif kind is not None:
            write = sheet.write_number
        else:
            write = sheet.write_string
        for i, (value, empty) in enumerate(zip(values, missing, strict=True), start=1):
            if not empty:
                write(i, j, value, cell_format)
    if spec.stem == "ventes":
        notes = workbook.add_worksheet("Notes")
        notes.set_column(0, 0, 90)
        for i, line in enumerate(ORDERS_NOTES):
            notes.write_string(i, 0, line)
    workbook.close()
    return buffer.getvalue()


def write_all(
    out_dir: Path | str = OUT_DIR, tables: dict[str, pd.DataFrame] | None = None
) -> list[Path]:
    """Write every table's CSV and XLSX files into ``out_dir`` and return their paths.

    ``tables`` defaults to ``generate()``; pass it to avoid generating twice.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if tables is None:
        tables = generate()
    written: list[Path] = []
    for spec in SPECS:
        df = tables[spec.stem]
        for suffix, content in (("csv", csv_bytes(df, spec)), ("xlsx", xlsx_bytes(df, spec))):
            path = out / f"{spec.stem}.{suffix}"
            path.write_bytes(content)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Write the Pilote demo data files.")
    parser.add_argument("out_dir", nargs="?", default=str(OUT_DIR), help="output directory")
    args = parser.parse_args(argv)
    for path in write_all(args.out_dir):
        print(f"{path.name:30} {path.stat().st_size:>10,} bytes")


if __name__ == "__main__":
    import sys

    # run as a script, this folder is on the path but not the project that holds the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
