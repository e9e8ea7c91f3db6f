"""Loader benchmark: a generated 1M-row, 12-column sales CSV (ISO and French style) and XLSX.

Run by hand: ``.venv/bin/python bench/bench_loading.py [--rows N] [--xlsx] [--profile]``. Each
case runs in a fresh subprocess so its peak memory (max RSS) is its own; the time is the best of 3
runs of ``kpi.data.loading.load_table`` on bytes already in memory (a warm server). Files are
cached under ``bench/out/`` (git-ignored).

``--profile``: each step of an upload (decode, parse, type, total rows, tool recognition, roles,
prepared arrays, first dashboard), in process and through the worker (the app's path), with
the runs' range per step (``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def make_frame(rows: int):  # noqa: ANN201
    import pandas as pd

    rng = np.random.default_rng(0)
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, rows), unit="D")
    qty = rng.integers(1, 20, rows)
    price = np.round(rng.uniform(5, 500, rows), 2)
    return pd.DataFrame(
        {
            "order_id": [f"C{i:07d}" for i in range(rows)],
            "date": dates,
            "customer": [f"CUST{v:05d}" for v in rng.integers(0, 50_000, rows)],
            "rep": rng.choice(["Alice", "Bruno", "Chloé", "David", "Émile", "Fanny"], rows),
            "region": rng.choice(["Nord", "Sud", "Est", "Ouest", "IDF"], rows),
            "product": rng.choice([f"P{i:03d}" for i in range(200)], rows),
            "category": rng.choice(["A", "B", "C", "D"], rows),
            "channel": rng.choice(["Web", "Téléphone", "Salon"], rows),
            "quantity": qty,
            "unit_price": price,
            "amount": np.round(qty * price, 2),
            "status": rng.choice(["Livrée", "Livrée", "Livrée", "Annulée"], rows),
        }
    )


def write_files(rows: int, xlsx: bool) -> dict[str, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    paths = {
        "csv_iso": OUT / f"orders_{rows}_iso.csv",
        "csv_fr": OUT / f"orders_{rows}_fr.csv",
    }
    if xlsx:
        paths["xlsx"] = OUT / f"orders_{rows}.xlsx"
    if all(p.exists() for p in paths.values()):
        return paths
    df = make_frame(rows)
    if not paths["csv_iso"].exists():
        df.to_csv(paths["csv_iso"], index=False, date_format="%Y-%m-%d")
    if not paths["csv_fr"].exists():
        fr = df.copy()
        fr["date"] = fr["date"].dt.strftime("%d/%m/%Y")
        for c in ("unit_price", "amount"):
            fr[c] = fr[c].map(lambda v: f"{v:,.2f}".replace(",", "\xa0").replace(".", ","))
        fr.to_csv(paths["csv_fr"], index=False, sep=";", encoding="cp1252")
    if xlsx and not paths["xlsx"].exists():
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(paths["xlsx"]), {"constant_memory": True})
        ws = wb.add_worksheet("Orders")
        fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
        ws.write_row(0, 0, list(df.columns))
        cols = [df[c].tolist() for c in df.columns]
        for r in range(rows):
            for c, col in enumerate(cols):
                v = col[r]
                if c == 1:
                    ws.write_datetime(r + 1, c, v.to_pydatetime(), fmt)
                else:
                    ws.write(r + 1, c, v.item() if hasattr(v, "item") else v)
        wb.close()
    return paths


def measure(path: str) -> dict[str, float]:
    """Run in a child process: best-of-3 load time and peak RSS."""
    import resource

    from kpi.data import load_table

    data = Path(path).read_bytes()
    times = []
    cpu = []
    for _ in range(3 if not path.endswith(".xlsx") else 1):
        before = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        table = load_table(data, Path(path).name)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": round(min(times), 3),
        # CPU time of the best run, all threads: on a busy machine, what the load costs
        "cpu_seconds": round(cpu[times.index(min(times))], 2),
        "peak_rss_mb": round(peak_mb),
        "load_average": round(os.getloadavg()[0], 2),
        "rows": len(table.df),
        "file_mb": round(len(data) / 2**20, 1),
        "mapped": len(table.mapping),
    }


# ---------------------------------------------------------------------------------------------
# Profile: each step of an upload at 1M rows


class _Steps:
    """Wall time of named steps, taken by wrapping the loader's own functions (no change to
    the product: the wrappers are installed in this benchmark process only)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, module: Any, attr: str, step: str) -> None:
        inner = getattr(module, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - t0

        setattr(module, attr, timed)

    def add(self, step: str, seconds: float) -> None:
        self.seconds[step] = self.seconds.get(step, 0.0) + seconds


def _dashboard(table: Any) -> None:
    """The dashboard's first run as the page computes it: the default KPIs with previous
    period and last year, alerts with the anomaly check, the 24-month sparklines."""
    from kpi.metrics import Engine, Period, default_choice, suggest

    engine = Engine([table])
    ids = default_choice(suggest(None, [table]))
    period = Period.containing(table.df[table.mapping["date"]].max(), "month")
    results = engine.results(period, kpi_ids=ids)
    engine.alerts(results)
    for k in ids:
        engine.series(k, "month", max_periods=24)


def _upload_to_dashboard(load: Any, data: bytes, name: str) -> tuple[float, float, float]:
    """Seconds of ``load(data, name)`` (in process or through the worker), of the prepared
    arrays (:func:`kpi.metrics.warm`) and of the first dashboard, for one upload."""
    from kpi.metrics import warm

    t0 = time.perf_counter()
    table = load(data, name)
    t1 = time.perf_counter()
    warm(table)
    t2 = time.perf_counter()
    _dashboard(table)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


WORKER_STEPS = {
    "input_seconds": "worker:   the upload written for the child",
    "job_seconds": "worker:   the child's load (decode, parse, type)",
    "store_seconds": "worker:   the child writes the table (Arrow IPC)",
    "restore_seconds": "worker:   the table mapped back, as pandas",
}
"""The worker's own steps (:func:`kpi.data.worker.last_stats`), under its child's wall time."""


def profile(path: str, repeat: int) -> dict[str, Any]:
    """Run in a child process: the steps of an upload in this process (the CLI's path), then
    the same file through the worker (the app's path: the warm standby child parses, the
    table comes back as memory-mapped Arrow), ``repeat`` times each; per step the runs'
    seconds."""
    from kpi.data import _standby, columns, loading, worker

    steps = _Steps()
    # nested: "type" includes "control characters"; "parse" is pyarrow's CSV reader
    steps.wrap(loading, "_decode", "decode (encoding → UTF-8)")
    steps.wrap(loading, "read_csv_limited", "parse (pyarrow CSV, all text)")
    steps.wrap(loading, "type_columns", "type (numbers, dates, text)")
    steps.wrap(columns, "_without_control_characters", "  type: of which control characters")
    steps.wrap(loading, "drop_total_rows", "total rows")
    steps.wrap(loading, "_read_source", "tool recognition")
    steps.wrap(loading, "table_from_frame", "roles (kind, mapping, currencies)")
    data = Path(path).read_bytes()
    loading.load_table(data[:300_000], Path(path).name)  # first-call costs, as in a server
    runs: dict[str, list[float]] = {}
    for _ in range(repeat):
        steps.seconds.clear()
        load, prepare, first = _upload_to_dashboard(loading.load_table, data, Path(path).name)
        steps.add("load (bytes → typed table + roles)", load)
        steps.add("prepared arrays (warm: sort, codes, counted rows)", prepare)
        steps.add("first dashboard (KPIs, alerts, sparklines)", first)
        steps.add("total, in process", load + prepare + first)
        for k, v in steps.seconds.items():
            runs.setdefault(k, []).append(round(v, 3))
    if worker.enabled():
        worker.warm_up(background=False)
        for _ in range(repeat):
            # the standby child re-arms in the background, as between uploads
            time.sleep(_standby.AFTER_JOB_DELAY + 4.0)
            load, prepare, first = _upload_to_dashboard(
                worker.load_table_in_worker, data, Path(path).name
            )
            stats = worker.last_stats()
            runs.setdefault("worker: upload → table (app path)", []).append(round(load, 3))
            runs.setdefault("worker: child's job (wall)", []).append(
                round(stats.get("wall_seconds", 0.0), 3)
            )
            for key, label in WORKER_STEPS.items():
                runs.setdefault(label, []).append(round(stats.get(key, 0.0), 3))
            runs.setdefault("worker: prepared arrays", []).append(round(prepare, 3))
            runs.setdefault("worker: first dashboard", []).append(round(first, 3))
            total = load + prepare + first
            runs.setdefault("total, through the worker (app path)", []).append(round(total, 3))
    return {"file_mb": round(len(data) / 2**20, 1), "runs": runs}


def print_profile(name: str, result: dict[str, Any]) -> None:
    print(f"\n{name} ({result['file_mb']} MB), seconds per run (min–max of the runs, median)")
    runs = result["runs"]
    order = [s for s in runs if not s.startswith("  ")]
    at = next((i for i, s in enumerate(order) if s.startswith("type")), len(order) - 1)
    order[at + 1 : at + 1] = [s for s in runs if s.startswith("  ")]
    for step in order:
        values = runs[step]
        lo, hi, mid = min(values), max(values), statistics.median(values)
        print(f"  {step:<55} {lo:6.2f} – {hi:5.2f}  (median {mid:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx", action="store_true", help="also the XLSX case (slow to make)")
    parser.add_argument(
        "--profile", action="store_true", help="each step of an upload, in process and worker"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (--profile)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = profile(args.child, args.repeat) if args.profile else measure(args.child)
        print(json.dumps(result))
        return
    paths = write_files(args.rows, args.xlsx)
    if args.profile:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores; load {os.getloadavg()}")
        for name, path in paths.items():
            if name == "xlsx":
                continue
            cmd = [sys.executable, __file__, "--child", str(path), "--profile"]
            out = subprocess.run(
                [*cmd, "--repeat", str(args.repeat)], capture_output=True, text=True
            )
            if out.returncode:
                print(name, "FAILED", out.stderr[-2000:])
                continue
            print_profile(name, json.loads(out.stdout.strip().splitlines()[-1]))
        return
    print(
        f"machine: {platform.machine()}, {platform.processor() or ''} python {platform.python_version()}"
    )
    for name, path in paths.items():
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True
        )
        if out.returncode:
            print(name, "FAILED", out.stderr[-2000:])
            continue
        print(name, out.stdout.strip())


if __name__ == "__main__":
    main()
