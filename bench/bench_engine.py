"""Dashboard and CLI benchmark at 1M order lines.

``.venv/bin/python bench/bench_engine.py [--rows N]`` (uses bench/out/orders_N_iso.csv, made by
bench_loading.py). Measures, warm, best of 5:

- the dashboard's KPI computation after a filter change (Engine built for the new filter, all
  the default KPIs with previous period and last year, plus alerts), then the same with the
  anomaly check and the sparklines, as the page does it;
- the server side of an upload: bytes → typed table → prepared arrays → first dashboard;
- ``python -m kpi kpis FILE --json`` end to end vs a bare ``pandas.read_csv`` of the same file
  (pyarrow engine), each in a fresh process, ISO and French files (``--cli``: only this).
  Pilote's modules are byte-compiled first, as Python does on a user's machine at the first
  run (``--source``: compile them from source at every run, as this host does where
  ``PYTHONDONTWRITEBYTECODE`` is set, which the figures before 2026-11-27 did).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def best(fn, n: int = 5) -> float:  # noqa: ANN001
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="CLI runs per file")
    parser.add_argument("--cli", action="store_true", help="only the CLI against a bare read")
    parser.add_argument(
        "--source", action="store_true", help="CLI: no byte-compiled modules (compile each run)"
    )
    args = parser.parse_args()
    if args.cli:
        cli_ratio(args.rows, args.repeat, args.source)
        return
    path = ROOT / "bench" / "out" / f"orders_{args.rows}_iso.csv"
    if not path.exists():
        sys.exit(f"{path} missing: run bench/bench_loading.py --rows {args.rows} first")

    from kpi.data import load_path
    from kpi.explore.anomalies import judge_last
    from kpi.metrics import Engine, Period, default_choice, suggest, warm

    table = load_path(path)
    warm(table)  # as the app does after every load
    kpis = default_choice(suggest(None, [table]))
    period = Period.containing(table.df[table.mapping["date"]].max(), "month")
    regions = sorted(table.df[table.mapping["region"]].dropna().unique())
    eng = Engine([table])
    eng.results(period, kpi_ids=kpis)  # first computation: prepares the arrays (once per load)

    state = {"i": 0}

    def filter_change() -> None:
        state["i"] += 1
        e = Engine([table], filters={"region": [regions[state["i"] % len(regions)]]})
        res = e.results(period, kpi_ids=kpis)
        e.alerts(res, anomalies=False)

    def full_page() -> None:
        # what the dashboard computes after a filter change: KPIs, alerts with the anomaly
        # check on each KPI's monthly series, and the 24-month sparklines
        state["i"] += 1
        e = Engine([table], filters={"region": [regions[state["i"] % len(regions)]]})
        res = e.results(period, kpi_ids=kpis)
        e.alerts(res, judge=judge_last)  # the Trends page's method, as the dashboard
        for k in kpis:
            e.series(k, "month", max_periods=24)

    print(f"rows {len(table.df):,}; KPIs {kpis}")
    print(f"dashboard rerun after a filter change: {best(filter_change) * 1000:.0f} ms (KPIs)")
    print(f"  with anomaly alerts and sparklines: {best(full_page) * 1000:.0f} ms")

    from kpi.data import load_table

    for style in ("iso", "fr"):
        src = ROOT / "bench" / "out" / f"orders_{args.rows}_{style}.csv"
        if not src.exists():
            continue
        data = src.read_bytes()

        def pipeline(data: bytes = data, name: str = src.name) -> None:
            t = load_table(data, name)
            warm(t)
            e = Engine([t])
            ids = default_choice(suggest(None, [t]))
            p = Period.containing(t.df[t.mapping["date"]].max(), "month")
            res = e.results(p, kpi_ids=ids)
            e.alerts(res, judge=judge_last)
            for k in ids:
                e.series(k, "month", max_periods=24)

        print(
            f"upload received → dashboard computed, server side ({style}): "
            f"{best(pipeline, 3):.2f} s"
        )

    cli_ratio(args.rows, args.repeat, args.source)


def cli_ratio(rows: int, repeat: int, source: bool = False) -> None:
    """``python -m kpi kpis FILE --json`` against a bare ``pandas.read_csv(engine="pyarrow")``
    of the same file with the options it needs (the French file: ``sep=";"``,
    ``encoding="cp1252"``; the pyarrow engine has no ``decimal`` option), each a fresh
    process, runs interleaved (the host is shared); prints each run's ratio and the ranges."""

    py = sys.executable
    env = dict(os.environ)

    def run(cmd: list[str]) -> float:
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
        return time.perf_counter() - t0

    if source:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        for cache in ROOT.glob("kpi/**/__pycache__"):
            for pyc in cache.glob("*.pyc"):
                pyc.unlink()
    else:
        # What a user's machine has from the second run on (pandas' and pyarrow's modules come
        # compiled with their wheels; Pilote's are compiled by Python at its first import).
        subprocess.run([py, "-m", "compileall", "-q", "kpi"], check=True, cwd=ROOT)
    options = {"iso": "", "fr": ", sep=';', encoding='cp1252'"}
    for style, extra in options.items():
        src = ROOT / "bench" / "out" / f"orders_{rows}_{style}.csv"
        if not src.exists():
            continue
        read = f"import pandas as pd; pd.read_csv({str(src)!r}, engine='pyarrow'{extra})"
        bare, cli = [], []
        for _ in range(repeat):
            bare.append(run([py, "-c", read]))
            cli.append(run([py, "-m", "kpi", "kpis", str(src), "--json"]))
        ratios = [c / b for b, c in zip(bare, cli, strict=True)]
        print(
            f"{style}: bare pandas read {min(bare):.2f}–{max(bare):.2f} s; kpis CLI "
            f"{min(cli):.2f}–{max(cli):.2f} s; ratio per run {min(ratios):.1f}–{max(ratios):.1f}×, "
            f"best to best {min(cli) / min(bare):.1f}× (load {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
