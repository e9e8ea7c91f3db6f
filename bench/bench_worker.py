"""Worker benchmark: what running untrusted work in a child process costs, and what it saves.

Run by hand: ``.venv/bin/python bench/bench_worker.py [--rows N] [--only start,load,bomb,guard,
sanitize]``. Sections:

- ``start``: the fixed cost of one job (a tiny CSV loaded through the worker) for each start
  method — fork, forkserver (Pilote's choice), spawn — in a fresh process that has already
  imported the loader, as the server has.
- ``load``: a 1M-row CSV (generated as ``bench/bench_loading.py`` does), loaded in the process
  and through the worker from bytes (an upload), with the warm standby child and without it
  (``worker_cold``); best of ``--repeat`` each (wall and CPU time), every case in a fresh
  process so that its peak memory (max RSS) is its own, ``--rounds`` times interleaved (the
  host is shared). The worker's added cost should stay ≤ 10 %.
- ``bomb``: the issue's lying workbook (directory claims 900 kB, the sheet inflates to 3.2 GB)
  and its bomb inside the old limits (ratio 172, 2 GB unzipped): time to refusal and the
  parent's peak memory, with the worker in place.
- ``guard``: the streaming zip check on the 1M-row .xlsx (``--xlsx``, 64 MB), against a plain
  inflate and against fastexcel's load.
- ``sanitize``: control characters removed from 1M cells.

Timings on a shared machine are noisy: the load average is printed with each run. Generated
files are cached under ``bench/out/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

MB = 2**20
TINY_CSV = "Date;Client;Montant\n" + "".join(
    f"0{1 + i % 9}/01/2024;C{i};{i},50\n" for i in range(50)
)


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _child(section: str, *args: str, env: dict[str, str] | None = None) -> dict:
    """Run one measurement in a fresh interpreter (with ``env`` added); returns its JSON
    line."""
    env = {**os.environ, **(env or {})}
    out = subprocess.run(
        [sys.executable, __file__, "--child", section, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if out.returncode:
        return {"section": section, "args": args, "failed": out.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# Measurements (each runs in its own process)


def measure_start(method: str) -> dict:
    os.environ["PILOTE_WORKER_START"] = method
    import kpi.data.loading  # noqa: F401 - the server has the loader imported
    from kpi.data import worker

    data = TINY_CSV.encode("cp1252")
    t0 = time.perf_counter()
    worker.load_in_worker(data, "tiny.csv")
    first = time.perf_counter() - t0
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        worker.load_in_worker(data, "tiny.csv")
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    kpi.data.loading.load_bytes(data, "tiny.csv")
    in_process = time.perf_counter() - t0
    return {
        "method": method,
        "first_job_s": round(first, 3),
        "job_median_s": round(statistics.median(times), 3),
        "job_min_s": round(min(times), 3),
        "same_load_in_process_s": round(in_process, 3),
    }


def measure_load(path: str, mode: str, repeat: int = 3) -> dict:
    """``mode``: ``in_process``, ``worker`` (a warm standby child takes each job) or
    ``worker_cold`` (``PILOTE_WORKER_STANDBY=off``: every child starts cold, as in part 1).
    Uploads come seconds apart in the app: each load here waits 2 s after the previous one
    (time for the standby to be re-armed), in every mode alike."""
    if mode == "worker_cold":
        os.environ["PILOTE_WORKER_STANDBY"] = "off"
    from kpi.data import worker
    from kpi.data.loading import load_bytes

    data = Path(path).read_bytes()
    in_worker = mode.startswith("worker")
    if in_worker:
        worker.warm_up(background=False)
        worker.load_in_worker(b"a;b\n1;2\n", "warm.csv")  # the forkserver has started
    base = _peak_mb()
    times, cpu_times, stats = [], [], {}
    for _ in range(repeat):
        time.sleep(2)
        t0 = time.perf_counter()
        c0 = time.process_time()
        if in_worker:
            df, _rep = worker.load_in_worker(data, Path(path).name)
            stats = worker.last_stats()
        else:
            df, _rep = load_bytes(data, Path(path).name)
        times.append(time.perf_counter() - t0)
        # the parent's CPU time, plus the child's own (its warm-up excluded)
        cpu_times.append(time.process_time() - c0 + stats.get("cpu_seconds", 0.0))
        del df
    out = {
        "file": Path(path).name,
        "mode": mode,
        "seconds": round(min(times), 3),
        "all_seconds": [round(t, 2) for t in times],
        "cpu_seconds": round(min(cpu_times), 2),
        "file_mb": round(len(data) / MB, 1),
        "parent_peak_rss_mb": _peak_mb(),
        "parent_peak_over_start_mb": _peak_mb() - base,
    }
    if stats:
        out["child_peak_rss_mb"] = round(stats.get("peak_rss_bytes", 0) / MB)
        out["child_cpu_s"] = round(stats.get("cpu_seconds", 0), 2)
        out["child_data_growth_mb"] = round(stats.get("data_growth_bytes", 0) / MB)
        out["overhead_parts_s"] = _overhead_parts(data, Path(path).name)
    return out


def _overhead_parts(data: bytes, name: str) -> dict:
    """The worker's own steps, timed one by one (steadier than the difference of two noisy
    load times): the upload written to a temporary file, a job that does nothing, the table
    written as Arrow IPC, and read back memory-mapped into pandas."""
    import tempfile

    import pyarrow as pa

    from kpi.data import worker
    from kpi.data.loading import load_bytes

    df, _ = load_bytes(data, name)
    parts = {}
    t0 = time.perf_counter()
    with tempfile.NamedTemporaryFile() as fh:
        fh.write(data)
        fh.flush()
    parts["write_input"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    worker.run(worker.input_kind, b"x", budget=worker.budget_for(1, "text"))
    parts["empty_job"] = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        table = pa.Table.from_pandas(df)
        with pa.OSFile(f"{tmp}/t.arrow", "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
            w.write_table(table)
        parts["ipc_write"] = time.perf_counter() - t0
        del table
        t0 = time.perf_counter()
        with pa.memory_map(f"{tmp}/t.arrow") as source:
            back = pa.ipc.open_file(source).read_all().to_pandas()
        parts["ipc_read_to_pandas"] = time.perf_counter() - t0
        del back
    parts["total"] = sum(parts.values())
    return {k: round(v, 3) for k, v in parts.items()}


def measure_bomb(path: str) -> dict:
    from kpi.data import worker
    from kpi.errors import PiloteError

    worker.warm_up(background=False)
    worker.load_in_worker(b"a;b\n1;2\n", "warm.csv")
    base = _peak_mb()
    t0 = time.perf_counter()
    try:
        worker.load_in_worker(path, Path(path).name)
        outcome = "loaded"
    except PiloteError as exc:
        outcome = f"{exc.key} {exc.params}"
    stats = worker.last_stats()
    return {
        "file": Path(path).name,
        "file_mb": round(os.path.getsize(path) / MB, 1),
        "outcome": outcome,
        "seconds": round(time.perf_counter() - t0, 2),
        "parent_peak_rss_mb": _peak_mb(),
        "parent_peak_over_start_mb": _peak_mb() - base,
        "child_peak_rss_mb": round(stats.get("peak_rss_bytes", 0) / MB),
    }


def measure_guard(path: str) -> dict:
    import zipfile

    import fastexcel

    from kpi.data.zipguard import check_workbook

    data = Path(path).read_bytes()
    t0 = time.perf_counter()
    scan = check_workbook(data)
    guard = time.perf_counter() - t0
    t0 = time.perf_counter()
    z = zipfile.ZipFile(path)
    n = 0
    for info in z.infolist():
        with z.open(info) as fh:
            while chunk := fh.read(4 * MB):
                n += len(chunk)
    plain = time.perf_counter() - t0
    t0 = time.perf_counter()
    reader = fastexcel.read_excel(data)
    reader.load_sheet(0, header_row=0).to_arrow()
    load = time.perf_counter() - t0
    return {
        "file_mb": round(len(data) / MB, 1),
        "unzipped_mb": round(scan.unzipped_bytes / MB),
        "rows": scan.rows,
        "guard_s": round(guard, 2),
        "plain_inflate_s": round(plain, 2),
        "fastexcel_load_s": round(load, 2),
        "guard_peak_rss_mb": _peak_mb(),
    }


def measure_sanitize(rows: int) -> dict:
    import numpy as np
    import pyarrow as pa

    from kpi.data.sanitize import clean_array

    rng = np.random.default_rng(0)
    labels = np.array(["Nord", "Sud", "Est", "Ouest", "Île-de-France", "Chloé Martin"])
    clean = pa.array(rng.choice(labels, rows))
    dirty_values = rng.choice(labels, rows).astype(object)
    dirty_values[::1000] = "Nord\x0bEst"
    dirty = pa.array(dirty_values)
    out = {"cells": rows}
    for name, arr in (("clean_column", clean), ("dirty_column_0.1pct", dirty)):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            _cleaned, n = clean_array(arr)
            times.append(time.perf_counter() - t0)
        out[name + "_s"] = round(min(times), 3)
        out[name + "_changed"] = n
    return out


# ---------------------------------------------------------------------------------------------
# Files


def lying_bomb_path() -> Path:
    from tests import bombs

    path = OUT / "lying_3200MB.xlsx"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with open(tmp, "wb") as fh:
            bombs.lying_workbook(fh, inflated_bytes=3_200_000_000, claimed_bytes=900_000)
        tmp.rename(path)
    return path


def honest_bomb_path() -> Path:
    from tests import bombs

    path = OUT / "honest_ratio172_2GB.xlsx"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with open(tmp, "wb") as fh:
            bombs.honest_bomb(fh, 2_000_000_000, ratio=172)
        tmp.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", default="start,load,bomb,guard,sanitize")
    parser.add_argument("--xlsx", action="store_true", help="the guard on the 1M-row .xlsx")
    parser.add_argument("--repeat", type=int, default=3, help="loads per mode (best kept)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="times every mode is measured, interleaved"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        section, *rest = args.child
        func = {
            "start": lambda: measure_start(rest[0]),
            "load": lambda: measure_load(rest[0], rest[1], int(rest[2]) if rest[2:] else 3),
            "bomb": lambda: measure_bomb(rest[0]),
            "guard": lambda: measure_guard(rest[0]),
            "sanitize": lambda: measure_sanitize(int(rest[0])),
        }[section]
        print(json.dumps(func(), ensure_ascii=False))
        return
    only = set(args.only.split(","))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"
    )

    def show(result: dict) -> None:
        result["load_avg"] = round(os.getloadavg()[0], 1)
        print(json.dumps(result, ensure_ascii=False), flush=True)

    if "start" in only:
        for method in ("forkserver", "fork", "spawn"):
            show(_child("start", method))
    if "load" in only:
        sys.path.insert(0, str(ROOT / "bench"))
        from bench_loading import write_files

        paths = write_files(args.rows, False)
        for _round in range(args.rounds):
            for key in ("csv_iso", "csv_fr"):
                for mode in ("in_process", "worker", "worker_cold"):
                    show(_child("load", str(paths[key]), mode, str(args.repeat)))
    if "bomb" in only:
        show(_child("bomb", str(lying_bomb_path())))
        honest = str(honest_bomb_path())
        # with the unzipped budget proposed as the new default (1 GB)
        show({**_child("bomb", honest, env={"PILOTE_MAX_UNZIPPED_MB": "1024"}), "unzipped": 1024})
        # with today's default (2 GB, which the zip check lets through): the worker's memory
        # limit stops it; capped at 1.5 GB here so as not to take a shared machine's memory
        old = {"PILOTE_MAX_UNZIPPED_MB": "2048", "PILOTE_WORKER_MAX_MB": "1500"}
        show({**_child("bomb", honest, env=old), "unzipped": 2048, "worker_max_mb": 1500})
    if "guard" in only and args.xlsx:
        sys.path.insert(0, str(ROOT / "bench"))
        from bench_loading import write_files

        show(_child("guard", str(write_files(args.rows, True)["xlsx"])))
    if "sanitize" in only:
        show(_child("sanitize", str(args.rows)))


if __name__ == "__main__":
    main()
