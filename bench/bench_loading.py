"""Loader benchmark: a generated 1M-row, 12-column sales CSV (ISO and French style) and XLSX.

Run by hand: ``.venv/bin/python bench/bench_loading.py [--rows N] [--xlsx]``. Each case runs in a
fresh subprocess so its peak memory (max RSS) is its own; the time is the best of 3 runs of
``kpi.data.loading.load_table`` on bytes already in memory (a warm server). Files are cached under
``bench/out/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

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
    for _ in range(3 if not path.endswith(".xlsx") else 1):
        t0 = time.perf_counter()
        table = load_table(data, Path(path).name)
        times.append(time.perf_counter() - t0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": round(min(times), 3),
        "peak_rss_mb": round(peak_mb),
        "rows": len(table.df),
        "file_mb": round(len(data) / 2**20, 1),
        "mapped": len(table.mapping),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx", action="store_true", help="also the XLSX case (slow to make)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    paths = write_files(args.rows, args.xlsx)
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
