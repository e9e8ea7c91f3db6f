"""The demo company's subscription line of business: "Parc+" service contracts.

``make_samples.generate()`` calls ``make_subscriptions(customers)`` with the customer table of
``make_samples.make_orders()``, and ``make_samples.py`` writes ``abonnements.csv`` / ``.xlsx``
with the other demo files (French style: ``;``, decimal comma, dd/mm/yyyy, UTF-8 with BOM,
CRLF). ``python sample_data/subscriptions.py [OUT_DIR]`` writes the CSV alone.

The story. In January 2023 Démo Équipements SAS launched **Parc+**, a per-seat subscription
covering the upkeep of the equipment it sells (hotline, on-site repairs, replacement units):
``Parc+ Essentiel`` 15 €, ``Parc+ Pro`` 25 €, ``Parc+ Premium`` 39 € per seat (``Postes``) and
per month, excluding VAT. Businesses pay monthly (``Mensuel``), public bodies quarterly
(``Trimestriel``, 3 months' price) and many larger accounts yearly (``Annuel``, 12 months less
10 %). Only repeat business customers of the orders file subscribe (``PME``, ``Administration``,
``Grand compte``; same ``CLI-…`` ids, segments and reps), more often the larger ones, while they
buy equipment.

- Small firms usually start with a 30-day free trial (``Fin d'essai``); one trial in five is
  not converted (the row ends at the trial's end, ``Résilié``).
- Customers add seats or move up a plan (upgrades), some cut seats or move down (downgrades):
  the contract line ends that day (``Remplacé``) and a new line starts (an amendment, "avenant").
- Customers leave (``Résilié``): notice (``Date de résiliation``) up to a month before the end
  for monthly and quarterly contracts, at the anniversary for yearly ones; one customer in
  ten who stops buying equipment cancels the service within a few months. Two customers in
  five who cancel for other reasons come back later with a new contract (reactivation).
- The export is taken on 31 December 2025: running contracts are ``Actif`` (a few with a notice
  already given and an end in 2026), trials in progress ``Essai``, and a handful of contracts
  whose invoices went unpaid ``Impayé``.

Deterministic: fixed seed, no clock; the same customers give the same file byte for byte.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: make `sample_data` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sample_data.make_samples import END, SEED, SPECS, START, csv_bytes  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent
LAUNCH = pd.Timestamp("2023-01-02")
EXPORT = END  # the export is taken on the last day of the demo data

COLUMNS = [
    "N° abonnement", "Client", "Segment", "Commercial", "Formule", "Périodicité", "Postes",
    "Prix unitaire HT", "Devise", "Date de début", "Fin d'essai", "Date de résiliation",
    "Date de fin", "Statut",
]  # fmt: skip
SPEC = next(s for s in SPECS if s.stem == "abonnements")

PLANS = ("Parc+ Essentiel", "Parc+ Pro", "Parc+ Premium")
SEAT_PRICE = (15.0, 25.0, 39.0)  # per seat and month, excluding VAT
ANNUAL_DISCOUNT = 0.10
BILLING = {"Mensuel": 1, "Trimestriel": 3, "Annuel": 12}  # months per billing period


@dataclass(frozen=True)
class Profile:
    """How a segment subscribes."""

    adoption: float  # share of the segment's customers who ever subscribe
    plans: tuple[float, float, float]  # Essentiel, Pro, Premium
    billing: tuple[float, float, float]  # Mensuel, Trimestriel, Annuel
    seats: tuple[float, int, int]  # median, min, max
    trial: float  # probability of a free trial
    churn: float  # monthly churn hazard
    up: float  # monthly probability of an upgrade
    down: float  # monthly probability of a downgrade


PROFILES = {
    "PME": Profile(0.35, (0.55, 0.35, 0.10), (0.75, 0.0, 0.25), (6, 2, 30), 0.6, 0.008, 0.035, 0.008),
    "Administration": Profile(0.40, (0.30, 0.50, 0.20), (0.0, 0.6, 0.4), (18, 6, 80), 0.15, 0.004, 0.030, 0.006),
    "Grand compte": Profile(0.55, (0.10, 0.45, 0.45), (0.4, 0.0, 0.6), (30, 12, 150), 0.1, 0.0025, 0.035, 0.006),
}  # fmt: skip
TRIAL_DAYS = 30
TRIAL_CONVERSION = 0.8
COMEBACK = 0.4  # share of the customers who cancelled (not those who left) who come back
LEAVE_WITH_ORDERS = 0.1  # share of customers who cancel soon after they stop buying equipment
UNPAID = 4  # running monthly contracts whose invoices went unpaid at the export


def _price(plan: int, billing: str) -> float:
    """Price per seat and billing period."""
    months = BILLING[billing]
    discount = 1 - ANNUAL_DISCOUNT if billing == "Annuel" else 1.0
    return round(SEAT_PRICE[plan] * months * discount, 2)


def _day(ts: pd.Timestamp) -> int:
    return (ts - START).days


def _date(day: int) -> pd.Timestamp:
    return START + pd.Timedelta(days=int(day))


def _dates(days: pd.Series) -> pd.Series:
    """Day numbers (NaN when none) to timestamps (NaT)."""
    return START + pd.to_timedelta(days.astype("float64"), unit="D")


def make_subscriptions(customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The subscription contracts of the demo company (French headers, one row per contract line).

    Parameters
    ----------
    customers : pandas.DataFrame, optional
        The customer table of ``make_samples.make_orders()`` (index ``CLI-…``; columns
        ``segment``, ``rep``, ``start``, ``end`` as day numbers from 1 January 2024). Made
        when not given.
    """
    if customers is None:
        from sample_data.make_samples import make_orders

        customers = make_orders()[1]
    rng = np.random.default_rng([SEED, *b"subscriptions"])
    launch, export = _day(LAUNCH), _day(EXPORT)
    rows: list[dict[str, object]] = []
    business = customers["segment"].isin(list(PROFILES)) & (customers["buyer"] != "one-time")
    for cid, c in customers[business].iterrows():
        p = PROFILES[str(c["segment"])]
        if rng.random() >= p.adoption:
            continue
        # They subscribe while they buy equipment, and may leave soon after they stop.
        first, last = max(launch, int(c["start"])), min(export - 20, int(c["end"]))
        if last <= first:
            continue
        day = int(rng.integers(first, last + 1))
        leaves = None
        if c["end"] < export and rng.random() < LEAVE_WITH_ORDERS:
            leaves = int(c["end"]) + int(rng.integers(30, 120))
        rows += _customer_lines(rng, str(cid), c, p, day, leaves, export)
    df = pd.DataFrame(rows)
    _mark_unpaid(rng, df)
    df = df.sort_values(["start", "customer", "line"], kind="stable").reset_index(drop=True)
    year = df["start"].map(lambda d: _date(d).year % 100)
    seq = df.groupby(year).cumcount() + 1
    out = pd.DataFrame(
        {
            "N° abonnement": [f"ABO-{y:02d}-{n:04d}" for y, n in zip(year, seq, strict=True)],
            "Client": df["customer"],
            "Segment": df["segment"],
            "Commercial": df["rep"],
            "Formule": [PLANS[i] for i in df["plan"]],
            "Périodicité": df["billing"],
            "Postes": df["seats"].astype(int),
            "Prix unitaire HT": [
                _price(pl, b) for pl, b in zip(df["plan"], df["billing"], strict=True)
            ],
            "Devise": "EUR",
            "Date de début": [_date(d) for d in df["start"]],
            "Fin d'essai": _dates(df["trial_end"]),
            "Date de résiliation": _dates(df["notice"]),
            "Date de fin": _dates(df["end"]),
            "Statut": df["status"],
        },
        columns=COLUMNS,
    )
    return out


def _customer_lines(
    rng: np.random.Generator,
    cid: str,
    c: pd.Series,
    p: Profile,
    day: int,
    leaves: int | None,
    export: int,
) -> list[dict[str, object]]:
    """Every contract line of one customer, from its first subscription to the export."""
    lines: list[dict[str, object]] = []
    plan = int(rng.choice(3, p=p.plans))
    billing = list(BILLING)[int(rng.choice(3, p=p.billing))]
    median, low, high = p.seats
    seats = int(np.clip(round(median * rng.lognormal(0, 0.5)), low, high))
    trial = rng.random() < p.trial
    base = {"customer": cid, "segment": c["segment"], "rep": c["rep"]}

    def add(
        start: int, end: int | None, notice: int | None, status: str, trial_end: int | None
    ) -> None:
        lines.append({**base, "line": len(lines), "plan": plan, "billing": billing,
                      "seats": seats, "start": start, "trial_end": trial_end, "end": end,
                      "notice": notice, "status": status})  # fmt: skip

    if trial:
        trial_end = day + TRIAL_DAYS
        if trial_end > export:
            add(day, None, None, "Essai", trial_end)
            return lines
        if rng.random() >= TRIAL_CONVERSION:
            add(day, trial_end, trial_end - int(rng.integers(0, 10)), "Résilié", trial_end)
            return lines
    start, trial_end = day, (day + TRIAL_DAYS if trial else None)
    t = trial_end or day
    while True:
        t += 30
        term = BILLING[billing]
        anniversary = (t - (trial_end or start)) // 30 % term == 0
        forced = leaves is not None and t >= leaves
        churn = forced or (anniversary and rng.random() < p.churn * term)
        notice = t - int(rng.integers(10, 31 if term == 1 else 90)) if churn else None
        if t > export and (notice is None or notice > export):
            add(start, None, None, "Actif", trial_end)
            return lines
        if notice is not None:
            if t > export:  # notice given, contract still running at the export
                add(start, t, notice, "Actif", trial_end)
                return lines
            add(start, t, notice, "Résilié", trial_end)
            if forced or rng.random() >= COMEBACK:
                return lines
            t += int(rng.integers(60, 270))
            if t > export - 10:
                return lines
            start, trial_end, leaves = t, None, None
            plan = int(rng.choice(3, p=p.plans))
            continue
        move = rng.random()
        if move < p.up + p.down:
            old_plan, old_seats = plan, seats
            if move < p.up:
                if plan < 2 and rng.random() < 0.35:
                    plan += 1
                else:
                    seats = min(high * 2, seats + max(1, round(seats * rng.uniform(0.1, 0.4))))
            else:
                if plan > 0 and rng.random() < 0.35:
                    plan -= 1
                else:
                    seats = max(1, seats - max(1, round(seats * rng.uniform(0.1, 0.4))))
            if (plan, seats) != (old_plan, old_seats):
                new_plan, new_seats = plan, seats
                plan, seats = old_plan, old_seats
                add(start, t, None, "Remplacé", trial_end)
                plan, seats = new_plan, new_seats
                start, trial_end = t, None


def _mark_unpaid(rng: np.random.Generator, df: pd.DataFrame) -> None:
    """A few running monthly contracts of small firms whose invoices went unpaid."""
    running = df.index[(df["status"] == "Actif") & df["end"].isna() & (df["billing"] == "Mensuel")
                       & (df["segment"] == "PME")]  # fmt: skip
    chosen = rng.choice(running, size=min(UNPAID, len(running)), replace=False)
    df.loc[chosen, "status"] = "Impayé"


def write(out_dir: Path | str = OUT_DIR, customers: pd.DataFrame | None = None) -> Path:
    """Write ``abonnements.csv`` into ``out_dir`` and return its path."""
    path = Path(out_dir) / f"{SPEC.stem}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(make_subscriptions(customers), SPEC))
    return path


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Write the demo subscriptions file.")
    parser.add_argument("out_dir", nargs="?", default=str(OUT_DIR), help="output directory")
    path = write(parser.parse_args(argv).out_dir)
    print(f"{path.name:30} {path.stat().st_size:>10,} bytes")


if __name__ == "__main__":
    main()
