"""Anomaly detector benchmark: precision and recall on generated series with injected
anomalies, and the flags on the real daily and monthly revenue series.

Generated series (fixed seeds):

- **daily**, two years from a Monday: a level growing 30 % a year and up to 1.8 times higher
  in mid-December (ramping up from October), a weekly pattern that scales with it (Friday +20 %, Sunday −40 %), the
  shop closed on Saturdays and on French public holidays, log-normal noise (σ = 0.15). Injected:
  3 spikes (× 2–3), 3 drops (× 0.2–0.45), 2 zeros on trading days and 1 level shift (× 1.6 or
  × 0.55 from that day on), on trading days at least 10 days apart.
- **monthly**, four years: growth 20 % a year, a yearly season (± 35 %, a December peak),
  noise σ = 0.08. Injected: 1 spike (× 1.8–2.2), 1 drop (× 0.4–0.55), 1 level shift (× 1.5).

An injected event is found when a flag falls on it (for a level shift: from the bucket before
its start to 7 days, or 3 months, after it). Recall = events found / events; precision = flags on an event / all flags.

Real series (plain pandas): net revenue per day and per month of Online Retail, Superstore and
sales_data_sample (Cancelled excluded), every calendar day present (0 without sales).

Run from the repository root: ``python bench/bench_anomalies.py [--seeds N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.explore.anomalies import anomalies, holiday_dates  # noqa: E402

WEEKDAY = np.array([1.0, 1.0, 1.0, 1.05, 1.2, 0.0, 0.6])


def daily_case(seed: int) -> tuple[pd.DataFrame, list[tuple[str, int, int]]]:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2022-01-03")
    days = pd.date_range(start, periods=730, freq="D")
    level = _daily_level(days)
    y = level * WEEKDAY[days.day_of_week] * rng.lognormal(0, 0.15, len(days))
    holidays = days.isin(holiday_dates(("FR",), 2022, 2023))
    y[holidays] = 0.0
    trading = np.flatnonzero((WEEKDAY[days.day_of_week] > 0) & ~holidays)
    events = _inject(rng, y, trading, [("spike", 3), ("drop", 3), ("zero", 2), ("shift", 1)], 7)
    return _frame(days, y), events


def _daily_level(days: pd.DatetimeIndex) -> np.ndarray:
    """Growth of 30 % a year and a Q4 season: up to 1.8 times in mid-December, ramping up from
    October and down in January."""
    t = np.arange(len(days))
    doy = days.day_of_year.to_numpy()
    dist = np.minimum(np.abs(doy - 350), 365 - np.abs(doy - 350))  # days from 16 December
    bump = np.where(dist < 75, 0.5 * (1 + np.cos(np.pi * dist / 75)), 0.0)
    return 1000 * (1 + 0.3 * t / 365) * (1 + 0.8 * bump)


def monthly_case(seed: int) -> tuple[pd.DataFrame, list[tuple[str, int, int]]]:
    rng = np.random.default_rng(1000 + seed)
    months = pd.date_range("2021-01-01", periods=48, freq="MS")
    t = np.arange(48)
    month = months.month.to_numpy()
    season = 1 + 0.35 * np.sin(2 * np.pi * (month - 3) / 12) + 0.4 * (month == 12)
    y = 100_000 * (1.2 ** (t / 12)) * season * rng.lognormal(0, 0.08, 48)
    events = _inject(rng, y, np.arange(48), [("spike", 1), ("drop", 1), ("shift", 1)], 3)
    return _frame(months, y), events


def _inject(rng, y, candidates, plan, shift_window):
    """Inject events at random positions at least 10 buckets apart (level shifts last)."""
    events = []
    taken: list[int] = []
    margin = 10 if len(y) > 100 else 3
    for kind, count in plan:
        for _ in range(count):
            for _try in range(1000):
                i = int(rng.choice(candidates[margin:-margin]))
                if all(abs(i - j) >= margin for j in taken):
                    break
            taken.append(i)
            if kind == "spike":
                y[i] *= rng.uniform(2.0, 3.0) if len(y) > 100 else rng.uniform(1.8, 2.2)
                events.append((kind, i, i + 1))
            elif kind == "drop":
                y[i] *= rng.uniform(0.2, 0.45) if len(y) > 100 else rng.uniform(0.4, 0.55)
                events.append((kind, i, i + 1))
            elif kind == "zero":
                y[i] = 0.0
                events.append((kind, i, i + 1))
            else:
                factor = 1.5 if len(y) <= 100 else rng.choice([1.6, 0.55])
                y[i:] *= factor
                # a change point found one bucket early (noise) still finds it
                events.append((kind, i - 1, i + shift_window))
    return events


def _frame(starts, y) -> pd.DataFrame:
    return pd.DataFrame(
        {"start": starts, "value": np.asarray(y, float), "partial": np.zeros(len(y), bool)}
    )


def score(cases, freq: str) -> dict:
    found: dict[str, list[int]] = {}
    flags = hits = 0
    for frame, events in cases:
        out, _ = anomalies(frame, freq)
        flagged = np.flatnonzero(out["anomaly"].to_numpy() != 0)
        flags += len(flagged)
        inside = np.zeros(len(frame), bool)
        for kind, a, b in events:
            inside[a:b] = True
            found.setdefault(kind, []).append(int(((flagged >= a) & (flagged < b)).any()))
        hits += int(inside[flagged].sum())
    events_total = sum(len(v) for v in found.values())
    return {
        "precision": hits / flags if flags else float("nan"),
        "recall": sum(sum(v) for v in found.values()) / events_total,
        "by_kind": {k: (sum(v), len(v)) for k, v in found.items()},
        "flags": flags,
        "cases": len(cases),
    }


def generated(seeds: int) -> None:
    print("| generated series | series | flags | precision | recall | recall by kind |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, make, freq in (("daily, 2 years", daily_case, "day"),
                             ("monthly, 4 years", monthly_case, "month")):  # fmt: skip
        r = score([make(s) for s in range(seeds)], freq)
        kinds = ", ".join(f"{k} {a}/{b}" for k, (a, b) in r["by_kind"].items())
        print(f"| {name} | {r['cases']} | {r['flags']} | {100 * r['precision']:.0f} % "
              f"| {100 * r['recall']:.0f} % | {kinds} |")  # fmt: skip
    clean_flags = clean_points = 0
    for s in range(seeds):
        frame, _ = daily_case(s)
        rng = np.random.default_rng(s)
        days = pd.to_datetime(frame["start"])
        level = _daily_level(pd.DatetimeIndex(days))
        y = level * WEEKDAY[days.dt.day_of_week] * rng.lognormal(0, 0.15, len(frame))
        y[days.isin(holiday_dates(("FR",), 2022, 2023))] = 0.0
        out, _ = anomalies(_frame(days, y), "day")
        clean_flags += int((out["anomaly"] != 0).sum())
        clean_points += int(out["excluded"].isna().sum())
    print(f"\nSame daily series without injections: {clean_flags} flags on {clean_points} "
          f"judged days ({100 * clean_flags / clean_points:.2f} %).")  # fmt: skip


def real_series(realdata: Path) -> dict[str, pd.Series]:
    """Revenue per calendar day of the three real data sets."""
    out = {}
    df = pd.read_csv(
        realdata / "online_retail" / "online_retail_uci_by-day_concatenated.csv",
        usecols=["Quantity", "UnitPrice", "InvoiceDate"],
    )
    day = pd.to_datetime(df["InvoiceDate"]).dt.normalize()
    out["online_retail"] = (df["Quantity"] * df["UnitPrice"]).groupby(day).sum()
    df = pd.read_csv(realdata / "superstore" / "Sample - Superstore.csv",
                     usecols=["Order Date", "Sales"], encoding="utf-8-sig")  # fmt: skip
    day = pd.to_datetime(df["Order Date"], format="%d/%m/%y")
    out["superstore"] = df["Sales"].groupby(day).sum()
    df = pd.read_csv(realdata / "sales_data_sample" / "sales_data_sample.csv",
                     usecols=["SALES", "ORDERDATE", "STATUS"])  # fmt: skip
    df = df[df["STATUS"] != "Cancelled"]
    day = pd.to_datetime(df["ORDERDATE"], format="%m/%d/%Y %H:%M").dt.normalize()
    out["sales_data_sample"] = df["SALES"].groupby(day).sum()
    return out


def real(realdata: Path) -> None:
    print("\n| real series | buckets | method | flags (up / down) | not judged: closed, holidays "
          "| notes |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    for name, daily in real_series(realdata).items():
        full = daily.reindex(pd.date_range(daily.index.min(), daily.index.max()), fill_value=0.0)
        monthly = full.groupby(full.index.to_period("M")).sum()
        monthly.index = monthly.index.to_timestamp()
        for freq, s in (("day", full), ("month", monthly)):
            frame = _frame(s.index, s.to_numpy())
            if name == "online_retail" and freq == "month":
                frame.loc[frame.index[-1], "partial"] = True  # data end 9 December 2011
            t0 = time.perf_counter()
            out, method = anomalies(frame, freq)
            elapsed = time.perf_counter() - t0
            a = out["anomaly"]
            notes = []
            if freq == "day":
                sat = out[pd.to_datetime(out["start"]).dt.day_of_week == 5]
                notes.append(f"Saturdays flagged {int((sat['anomaly'] != 0).sum())}")
                xmas = out[pd.to_datetime(out["start"]) == pd.Timestamp(
                    f"{pd.Timestamp(out['start'].iloc[0]).year}-12-25")]  # fmt: skip
                if len(xmas):
                    e = xmas["expected"].iloc[0]
                    notes.append(f"25 Dec: expected {'—' if pd.isna(e) else f'{e:,.0f}'} "
                                 f"({xmas['excluded'].iloc[0] or 'judged'})")  # fmt: skip
            notes.append(f"{elapsed * 1000:.0f} ms")
            print(
                f"| {name} by {freq} | {len(out)} | {method} | {int((a != 0).sum())} "
                f"({int((a > 0).sum())} / {int((a < 0).sum())}) "
                f"| {int((out['excluded'] == 'closed').sum())}, "
                f"{int((out['excluded'] == 'holiday').sum())} | {'; '.join(notes)} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = os.environ.get("PILOTE_REALDATA", str(ROOT.parent / "shared" / "realdata"))
    parser.add_argument("--realdata", default=default)
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    generated(args.seeds)
    real(Path(args.realdata))


if __name__ == "__main__":
    main()
