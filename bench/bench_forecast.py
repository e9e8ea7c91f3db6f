"""Forecast benchmark: accuracy of the back-test-chosen model on real monthly revenue, coverage
of its 80 % band, and timings.

Accuracy is a nested rolling-origin evaluation: for each of the last months of a series, the
forecast is computed from the months before it only (its own back-test and model choice see
nothing later), and its one-step forecast and band are compared with the actual month, next to
the naive (last month) and seasonal naive (same month last year) forecasts at the same origins.

Series (plain pandas, not the app's loader, so that the check is independent):

- Online Retail: net Σ Quantity × UnitPrice by month of InvoiceDate; December 2011 is partial.
- Superstore: Σ Sales by month of Order Date (day-first ``%d/%m/%y``).
- sales_data_sample: Σ SALES by month of ORDERDATE, Cancelled lines excluded.

Timings: the forecast alone on generated series, then the Trends page's own path for one
measure (series from the facts, anomalies, forecast, drivers: ``page_timing``).

Run from the repository root: ``python bench/bench_forecast.py [--no-timing] [--realdata DIR]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.explore.forecast import forecast  # noqa: E402

#: Outer rolling origins per data set (the last months of each series).
OUTER = {"online_retail": 6, "superstore": 24, "sales_data_sample": 12}


def monthly_series(realdata: Path) -> dict[str, pd.DataFrame]:
    """The three monthly revenue series as trend frames (``start``, ``value``, ``partial``)."""
    out = {}
    df = pd.read_csv(
        realdata / "online_retail" / "online_retail_uci_by-day_concatenated.csv",
        usecols=["Quantity", "UnitPrice", "InvoiceDate"],
    )
    month = pd.to_datetime(df["InvoiceDate"]).dt.to_period("M")
    s = (df["Quantity"] * df["UnitPrice"]).groupby(month).sum()
    out["online_retail"] = _frame(s, partial_last=True)  # data end 9 December 2011
    df = pd.read_csv(
        realdata / "superstore" / "Sample - Superstore.csv",
        usecols=["Order Date", "Sales"],
        encoding="utf-8-sig",
    )
    month = pd.to_datetime(df["Order Date"], format="%d/%m/%y").dt.to_period("M")
    out["superstore"] = _frame(df["Sales"].groupby(month).sum())
    df = pd.read_csv(
        realdata / "sales_data_sample" / "sales_data_sample.csv",
        usecols=["SALES", "ORDERDATE", "STATUS"],
    )
    df = df[df["STATUS"] != "Cancelled"]
    month = pd.to_datetime(df["ORDERDATE"], format="%m/%d/%Y %H:%M").dt.to_period("M")
    out["sales_data_sample"] = _frame(df["SALES"].groupby(month).sum())
    return out


def _frame(s: pd.Series, partial_last: bool = False) -> pd.DataFrame:
    s = s.reindex(pd.period_range(s.index.min(), s.index.max(), freq="M"), fill_value=0.0)
    partial = np.zeros(len(s), dtype=bool)
    partial[-1] = partial_last
    return pd.DataFrame(
        {"start": s.index.to_timestamp(), "value": s.to_numpy(dtype=float), "partial": partial}
    )


def nested(frame: pd.DataFrame, outer: int, page: bool = False) -> dict:
    """Forecasts from each of the last ``outer`` full months, each from the months before it
    only: one-step figures (the issue's criterion) and every 1…6-step forecast whose month is
    known (pooled). With ``page``, through the Trends page's path (``trend_view``: anomalies
    flagged on the months before, taken at their expected value for learning); the actual
    months it is scored against are never cleaned."""
    from kpi.explore.trend_view import trend_view

    full = frame[~frame["partial"]].reset_index(drop=True)
    y = full["value"].to_numpy(dtype=float)
    n = len(y)
    rows = []
    for t in range(n - outer, n):
        fc = trend_view(full.iloc[:t], "month").forecast if page else forecast(full.iloc[:t])
        if fc is None:
            continue
        for k, row in enumerate(fc.frame.itertuples()):
            if t + k >= n:
                break
            rows.append(
                {
                    "step": k + 1,
                    "actual": y[t + k],
                    "chosen": float(row.forecast),
                    "lower": float(row.lower),
                    "upper": float(row.upper),
                    "naive": y[t - 1],
                    "seasonal_naive": y[t + k - 12] if t + k - 12 >= 0 and k < 12 else np.nan,
                    "method": fc.method,
                }
            )
    allr = pd.DataFrame(rows)
    out = {"origins": int((allr["step"] == 1).sum())}
    for label, r in (("one", allr[allr["step"] == 1]), ("multi", allr)):
        denom = r["actual"].abs().sum()
        wape = lambda col: float((r["actual"] - r[col]).abs().sum() / denom)  # noqa: E731, B023
        inside = (r["actual"] >= r["lower"]) & (r["actual"] <= r["upper"])
        has_sn = r["seasonal_naive"].notna().all()
        out[label] = {
            "chosen": wape("chosen"),
            "naive": wape("naive"),
            "seasonal_naive": wape("seasonal_naive") if has_sn else None,
            "inside": int(inside.sum()),
            "points": len(r),
        }
    first = allr[allr["step"] == 1]
    out["methods"] = first["method"].value_counts().to_dict()
    return out


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f} %"


def accuracy(realdata: Path) -> None:
    series = monthly_series(realdata)
    print("One step ahead (the issue's criterion): WAPE of the chosen forecast, the naive and "
          "the seasonal naive at the same origins, and the 80 % band's coverage.\n")  # fmt: skip
    print("| data set | months (full) | origins | chosen | naive | seasonal naive "
          "| 80 % band covers | models chosen |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    results = {name: nested(frame, OUTER[name]) for name, frame in series.items()}
    totals = {"one": [0, 0], "multi": [0, 0]}
    for name, r in results.items():
        one = r["one"]
        for key in totals:
            totals[key][0] += r[key]["inside"]
            totals[key][1] += r[key]["points"]
        methods = ", ".join(f"{k} {v}" for k, v in sorted(r["methods"].items()))
        months = int((~series[name]["partial"]).sum())
        print(
            f"| {name} | {months} | {r['origins']} | {_pct(one['chosen'])} "
            f"| {_pct(one['naive'])} | {_pct(one['seasonal_naive'])} "
            f"| {one['inside']} / {one['points']} | {methods} |"
        )
    a, b = totals["one"]
    print(f"\nOverall one-step band coverage: {a} / {b} = {100 * a / b:.0f} %")
    page = {name: nested(frame, OUTER[name], page=True) for name, frame in series.items()}
    print("\nThe Trends page's path (anomalies of the history taken at their expected value "
          "before learning), one step ahead:\n")  # fmt: skip
    print("| data set | chosen | 80 % band covers | anomalies replaced, last origin |")
    print("| --- | --- | --- | --- |")
    inside = points = 0
    for name, r in page.items():
        full = series[name][~series[name]["partial"]]
        replaced = __import__("kpi.explore.trend_view").explore.trend_view.trend_view(
            full.iloc[:-1], "month").replaced  # fmt: skip
        inside, points = inside + r["one"]["inside"], points + r["one"]["points"]
        print(f"| {name} | {_pct(r['one']['chosen'])} | {r['one']['inside']} / "
              f"{r['one']['points']} | {replaced} |")  # fmt: skip
    print(f"\nOverall: {inside} / {points} = {100 * inside / points:.0f} %")
    print("\n1 to 6 months ahead, pooled (every forecast month already known):\n")
    print("| data set | forecasts | chosen | naive | seasonal naive | 80 % band covers |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        m = r["multi"]
        print(
            f"| {name} | {m['points']} | {_pct(m['chosen'])} | {_pct(m['naive'])} "
            f"| {_pct(m['seasonal_naive'])} | {m['inside']} / {m['points']} |"
        )
    a, b = totals["multi"]
    print(f"\nOverall 1–6-step band coverage: {a} / {b} = {100 * a / b:.0f} %")


def _synthetic(n: int, freq: str) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    t = np.arange(n)
    if freq == "month":
        season = 1 + 0.3 * np.sin(2 * np.pi * t / 12)
        start = pd.date_range("2022-01-01", periods=n, freq="MS")
    else:
        season = np.where(t % 7 == 5, 0.0, 1 + 0.2 * (t % 7 == 0))
        start = pd.date_range("2022-01-03", periods=n, freq="D")
    y = (1000 + 5 * t) * season * rng.lognormal(0, 0.1, n)
    return pd.DataFrame({"start": start, "value": y, "partial": np.zeros(n, dtype=bool)})


def timing(repeat: int = 5) -> None:
    cases = {"36 monthly points": (_synthetic(36, "month"), "month"),
             "3 years of daily points (1,095)": (_synthetic(1095, "day"), "day")}  # fmt: skip
    print(f"\n| case | warm (median, min–max of {repeat}) | target |")
    print("| --- | --- | --- |")
    for (label, (frame, freq)), target in zip(cases.items(), ("1 s", "2 s"), strict=True):
        forecast(frame, freq)  # warm: imports and first call done
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            forecast(frame, freq)
            times.append(time.perf_counter() - t0)
        print(f"| {label} | {statistics.median(times):.2f} s ({min(times):.2f}–{max(times):.2f}) "
              f"| ≤ {target} |")  # fmt: skip
    code = (
        "import time; t0 = time.perf_counter(); import pandas, numpy; t1 = time.perf_counter();"
        "import kpi.explore.forecast as f; import statsmodels.tsa.exponential_smoothing.ets, "
        "statsmodels.tsa.forecasting.theta; t2 = time.perf_counter();"
        "import sys; sys.path.insert(0, 'bench'); from bench_forecast import _synthetic;"
        "s = _synthetic(36, 'month'); t3 = time.perf_counter(); f.forecast(s, 'month');"
        "t4 = time.perf_counter();"
        "print(f'{t1 - t0:.2f} {t2 - t1:.2f} {t4 - t3:.2f}')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    if out.returncode == 0:
        pd_s, sm_s, first_s = out.stdout.split()
        print(f"\nFresh process: pandas + numpy import {pd_s} s, forecast module + statsmodels "
              f"ETS/Theta import {sm_s} s, first call (36 months) {first_s} s")  # fmt: skip
    else:
        print(out.stderr)


def _orders_table(days: int = 1095, per_day: int = 60):  # noqa: ANN202
    """Three years of generated order lines (closed on Saturdays, busier on Mondays, a Q4
    season and growth), as a loaded orders table with order, customer and region columns."""
    from kpi.data import Table

    rng = np.random.default_rng(1)
    dates = pd.date_range("2022-01-03", periods=days, freq="D")
    level = (1 + 0.3 * np.arange(days) / 365) * np.where(dates.quarter == 4, 1.3, 1.0)
    level = level * np.where(dates.day_of_week == 5, 0.0, np.where(dates.day_of_week == 0, 1.3, 1))
    n = rng.poisson(per_day * level)
    day = np.repeat(dates.to_numpy(), n)
    rows = len(day)
    df = pd.DataFrame(
        {
            "order": np.arange(rows).astype(str),
            "date": day,
            "customer": rng.integers(0, 20_000, rows).astype(str),
            "region": rng.choice(["Nord", "Sud", "Est", "Ouest"], rows),
            "amount": np.round(rng.lognormal(4.5, 0.8, rows), 2),
        }
    )
    mapping = {"order_id": "order", "date": "date", "customer_id": "customer",
               "region": "region", "amount": "amount"}  # fmt: skip
    return Table("orders", df, "orders", mapping)


def page_timing(repeat: int = 5) -> None:
    """The Trends page's own path for one measure: the series from the (cached) facts, the
    anomalies and the forecast (kpi.explore.trend_view), and what drove each anomaly."""
    from kpi.explore import trends
    from kpi.explore.drivers import explain_anomalies
    from kpi.explore.trend_view import trend_view
    from kpi.metrics import Engine

    table = _orders_table()
    engine = Engine([table])
    t0 = time.perf_counter()
    f = trends.facts_for(engine, "orders")
    facts_s = time.perf_counter() - t0
    print(f"\nTrends page path, revenue of {len(table.df):,} generated order lines over 3 years "
          f"(facts, cached by the page: {facts_s:.2f} s)")  # fmt: skip
    print(f"\n| case | warm (median, min–max of {repeat}) | of which forecast | target |")
    print("| --- | --- | --- | --- |")
    for freq, label, target in (("month", "36 monthly points", "1 s"),
                                ("day", "3 years of daily points (1,095)", "2 s")):  # fmt: skip

        def run(freq: str = freq) -> tuple[float, float]:
            t0 = time.perf_counter()
            series = trends.measure_trend(f, "revenue", freq, as_of=engine.as_of)
            t1 = time.perf_counter()
            view = trend_view(series, freq)
            t2 = time.perf_counter()
            explain_anomalies(view.series, view.method, freq, f, "revenue")
            t3 = time.perf_counter()
            return t3 - t0, (t2 - t1)

        run()  # warm
        times = [run() for _ in range(repeat)]
        total = [t for t, _ in times]
        fc = statistics.median(t for _, t in times)
        print(f"| {label} | {statistics.median(total):.2f} s ({min(total):.2f}–{max(total):.2f}) "
              f"| {fc:.2f} s (anomalies included) | ≤ {target} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = os.environ.get("PILOTE_REALDATA", str(ROOT.parent / "shared" / "realdata"))
    parser.add_argument("--realdata", default=default)
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--no-accuracy", action="store_true")
    args = parser.parse_args()
    if not args.no_accuracy:
        accuracy(Path(args.realdata))
    if not args.no_timing:
        timing()
        page_timing()


if __name__ == "__main__":
    main()
