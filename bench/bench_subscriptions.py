"""Benchmark of the MRR engine: 100k subscriptions over 5 years.

Targets (issue 15): every subscription KPI for one month ≤ 0.5 s warm; the MRR history
(60 month-end snapshots and movements) ≤ 1 s — measured on the MRR engine itself and through
the KPI engine as the app uses it (a new ``Engine`` per filter change, the table read once and
kept with it; the dashboard's previous period and last year included). Run by hand from the
repository root:

    .venv/bin/python bench/bench_subscriptions.py [--rows 100000] [--repeat 5]

The table is synthetic and deterministic (fixed seed): customers with one to several
subscription rows (plan changes as phases), monthly, annual and quarterly plans, seats, trials,
cancellations at period end, a status column. Timings on a shared machine are noisy: the best
of ``--repeat`` runs is reported next to the median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kpi.data import Table  # noqa: E402
from kpi.explore.subscriptions import recurring  # noqa: E402
from kpi.metrics import Engine, parse_period  # noqa: E402
from kpi.metrics.subscriptions import KPI_IDS, prepare  # noqa: E402

MAPPING = {
    "customer_id": "customer",
    "subscription_id": "id",
    "unit_price": "price",
    "quantity": "seats",
    "interval": "interval",
    "start_date": "start",
    "trial_end": "trial_end",
    "end_date": "ended_at",
    "canceled_at": "canceled_at",
    "cancel_at_period_end": "cancel_at_period_end",
    "current_period_end": "current_period_end",
    "status": "status",
    "region": "region",
}


def make_table(rows: int, seed: int = 15) -> pd.DataFrame:
    """``rows`` subscription rows from January 2021 to December 2025."""
    rng = np.random.default_rng(seed)
    first, last = pd.Timestamp("2021-01-01"), pd.Timestamp("2025-12-31")
    span = (last - first).days
    customer = rng.integers(0, rows * 2 // 5, rows)
    start = first + pd.to_timedelta(rng.integers(0, span, rows), unit="D")
    interval = rng.choice(
        ["month", "year", "every 3 months", "week"], rows, p=[0.7, 0.2, 0.08, 0.02]
    )
    price = rng.choice([19.0, 49.0, 99.0, 249.0], rows) * np.where(interval == "year", 10, 1)
    seats = rng.integers(1, 30, rows)
    life = pd.to_timedelta(rng.exponential(500, rows).astype(int) + 1, unit="D")
    ended = start + life
    open_ = ended > last
    trial = rng.random(rows) < 0.3
    at_period_end = rng.random(rows) < 0.2
    table = pd.DataFrame(
        {
            "id": [f"sub_{i:07d}" for i in range(rows)],
            "customer": [f"cus_{c:06d}" for c in customer],
            "price": price,
            "seats": seats,
            "interval": interval,
            "start": start,
            "trial_end": (start + pd.Timedelta(days=14)).where(trial),
            "ended_at": ended.where(~open_ & ~at_period_end),
            "canceled_at": (ended - pd.Timedelta(days=10)).where(~open_),
            "cancel_at_period_end": ~open_ & at_period_end,
            "current_period_end": ended.where(~open_, last + pd.Timedelta(days=20)),
            "status": np.where(open_, "active", "canceled"),
            "region": rng.choice(["Nord", "Sud", "Est", "Ouest"], rows),
        }
    )
    return table


def best(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    df = make_table(args.rows)
    print(f"{args.rows:,} subscriptions, {df['customer'].nunique():,} customers, 2021-01..2025-12")

    subs = prepare(df, MAPPING)
    subs.kpis("2025-06")  # warm: the MRR changes and monthly flows are built once
    checks = [
        ("prepare (validate, monthly amounts)", lambda: prepare(df, MAPPING), None),
        (
            "prepare + all KPIs of one month (cold)",
            lambda: prepare(df, MAPPING).kpis("2025-06"),
            None,
        ),
        ("all KPIs of one month (warm)", lambda: subs.kpis("2025-11"), 0.5),
        ("all KPIs of a quarter (warm)", lambda: subs.kpis("2025-Q3"), 0.5),
        ("prepare + 60-month history (cold)", lambda: prepare(df, MAPPING).history(), None),
        ("60-month history (warm)", subs.history, 1.0),
        ("waterfall of a year (warm)", lambda: subs.waterfall("2025"), None),
        ("customers behind a quarter's movements", lambda: subs.movements("2025-Q4"), None),
        ("NRR/GRR by start cohort", subs.cohorts, None),
        ("customer × month matrix (DataFrame)", subs.matrix, None),
    ]
    for label, fn, target in checks:
        low, mid = best(fn, args.repeat)
        verdict = "" if target is None else ("  ok" if low <= target else f"  OVER {target} s")
        print(f"{label:42} best {low:.3f} s  median {mid:.3f} s{verdict}")
    h = subs.history()
    print(f"history: {len(h)} months, MRR {h['end_mrr'].iloc[-1]:,.2f} at the end")

    # Through the KPI engine, as the dashboard and the Subscriptions page call it.
    table = Table("subs.csv", df, "subscriptions", dict(MAPPING))
    Engine([table]).value("mrr", "2025-06")  # warm: the table read once, kept with it
    nord = {"region": ["Nord"]}
    month, year = parse_period("2025-11"), parse_period("2025")

    def fresh_copy() -> None:  # a new upload: nothing cached
        t = Table("subs.csv", df.copy(), "subscriptions", dict(MAPPING))
        Engine([t]).results(month, kpi_ids=KPI_IDS)

    engine_checks = [
        ("engine: 12 KPIs of a month + prev + last year (cold)", fresh_copy, None),
        (
            "engine: 12 KPIs of a month + prev + last year (warm)",
            lambda: Engine([table]).results(month, kpi_ids=KPI_IDS),
            0.5,
        ),
        (
            "engine: same, filtered on one region (new filter)",
            lambda: Engine([table], filters=nord).results(month, kpi_ids=KPI_IDS),
            None,
        ),
        ("engine: MRR series, 60 months (sparkline)", lambda: Engine([table]).series("mrr"), 1.0),
        (
            "page: waterfall + 60-month history + cohorts",
            lambda: _page(Engine([table]), year),
            1.0,
        ),
    ]
    for label, fn, target in engine_checks:
        low, mid = best(fn, args.repeat)
        verdict = "" if target is None else ("  ok" if low <= target else f"  OVER {target} s")
        print(f"{label:52} best {low:.3f} s  median {mid:.3f} s{verdict}")


def _page(engine: Engine, period: object) -> None:
    view = recurring(engine, period)  # type: ignore[arg-type]
    assert view is not None
    view.waterfall()
    view.history(60)
    view.cohorts()


if __name__ == "__main__":
    main()
