"""The child side of :mod:`kpi.data.worker`: limits, a lean allocator, the job, its result.

Private to the worker; :func:`main` is what the forkserver's child runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import pickle
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi.data.budget import _AS_SLACK, _JOB_START, _record_limit, _set_limit
from kpi.errors import PiloteError

if TYPE_CHECKING:
    from kpi.data.budget import Budget

try:  # POSIX only
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

log = logging.getLogger("kpi.data.worker")

MB = 2**20
CHILD_THREADS = 4
"""Most threads pyarrow may use in a child: one user's file does not get every core of a
shared server, and each thread's stack counts in the child's memory limit."""
_M_ARENA_MAX = -8  # glibc mallopt parameters
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_HEAP_KEEP = 512 * MB
"""Freed memory a child keeps for its next allocation instead of handing it back."""
_MMAP_FROM = 8 * MB
"""Allocations from this size on get their own mapping, handed back when freed; smaller ones
come from the heap. A file's whole text (its bytes, a cp1252 file decoded, then encoded as
UTF-8) and a 1M-row column's buffers are that large and short-lived: kept in the heap, they
stayed in the child's resident memory to its end, seldom reused. With 256 MB here, a 1M-row
CSV's child peaked at 590–612 MB (ISO) and 746–756 MB (French); with 8 MB at 518–530 and
528–557 MB, its load time within the noise (``bench/bench_worker.py --only load``, 2026-11-27:
ISO 1.50–1.75 → 1.28–1.59 s, French 1.87–2.12 → 2.23–2.31 s)."""


_TIMES: dict[str, float] = {}
"""The job's own steps, in seconds: ``job_seconds`` (the function), ``store_seconds`` (its
result written as Arrow files)."""


@dataclass(frozen=True)
class TableRef:
    """Where a result table went: ``table-<index>.arrow`` in the job folder."""

    index: int
    pandas: bool


def serve(conn: Any, warm: bool) -> None:
    """What a worker child runs: get ready, wait for its one job on ``conn``, run it.

    A *warm* child (the standby the parent keeps ready for the next upload) first loads two
    tiny files with the real loader and writes a tiny Arrow file, in its own memory: the first
    call of every step (pyarrow's CSV reader and thread pool, compute kernels, the number and
    date parsers, charset detection, the IPC writer) is then paid before the user's file
    arrives, not while they wait. Its limits are set when the job arrives.
    """
    _lean_allocator()
    if warm:
        try:
            _warm_up()
        except Exception:  # a failed warm-up only makes the job slower
            log.debug("worker warm-up failed", exc_info=True)
    try:
        spec = conn.recv()
    except (EOFError, OSError):  # the server went away before giving a job
        return
    job, func, args, kwargs, budget, wants_progress = spec
    main(job, func, args, kwargs, budget, conn if wants_progress else None)


WARM_UP_FILES = (
    ("warm.csv", "Date;Client;Région;Montant\n31/01/2024;C1;Nord;1 234,50\n01/02/2024;C2;Sud;-5\n"),
    ("warm.csv", "date,client,amount\n2024-01-31,Chloé,12.5\n2024-02-01,Zoé,3\n"),
)


def _warm_up() -> None:
    import io

    import pyarrow as pa

    from kpi.data.loading import load_bytes

    for name, text in WARM_UP_FILES:
        for encoding in ("utf-8", "cp1252"):
            df, _report = load_bytes(text.encode(encoding), name)
    table = pa.Table.from_pandas(df)
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def main(
    job: str,
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    budget: Budget,
    sender: Any,
) -> None:
    job_dir = Path(job)
    _JOB_START["job_dir"] = job
    # Temporary files the job makes (a large sheet's halves, hundreds of MB) go in its job
    # folder, which the server removes even when it had to kill this child.
    tempfile.tempdir = job
    _redirect_output(job_dir)
    try:
        _apply_limits(budget)
        _record_limit(budget.memory_bytes)
        _lean_allocator()  # again: a no-op in a child that served() already
        if sender is not None:
            kwargs = {**kwargs, "progress": _Progress(sender)}
        started = time.perf_counter()
        result = func(*args, **kwargs)
        _TIMES["job_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        outcome: tuple[Any, ...] = ("ok", _store(result, job_dir))
        _TIMES["store_seconds"] = time.perf_counter() - started
    except PiloteError as exc:
        outcome = ("pilote", exc.key, exc.params)
    except MemoryError:
        outcome = ("memory", traceback.format_exc())
    except BaseException:  # noqa: BLE001 - reported to the parent, which logs it
        outcome = ("error", traceback.format_exc())
    try:
        payload = pickle.dumps((*outcome, _own_stats()), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an unpicklable parameter: the parent still learns what happened
        payload = pickle.dumps(("error", traceback.format_exc(), _own_stats()))
    tmp = job_dir / "result.pickle.part"
    tmp.write_bytes(payload)
    os.replace(tmp, job_dir / "result.pickle")
    sys.stdout.flush()
    sys.stderr.flush()


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _own_stats() -> dict[str, float]:
    stats: dict[str, float] = dict(_TIMES)
    if resource is not None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        # the job's own CPU time (a standby's warm-up came before)
        stats["cpu_seconds"] = _cpu_seconds() - _JOB_START.get("cpu", 0.0)
        stats["system_seconds"] = usage.ru_stime - _JOB_START.get("system", 0.0)
        # Linux reports kilobytes, macOS bytes.
        scale = 1 if sys.platform == "darwin" else 1024
        stats["peak_rss_bytes"] = usage.ru_maxrss * scale
    start = _JOB_START.get("data")
    peak = _status_kb("VmPeak")
    if peak is not None and "as" in _JOB_START:
        stats["peak_address_space_growth_bytes"] = peak - _JOB_START["as"]
    if start is not None:
        now = _status_kb("VmData")
        stats["data_growth_bytes"] = (now or start) - start
    return stats


def _redirect_output(job: Path) -> None:
    # What native code prints (a Rust panic, V8's fatal error) goes to a file the parent reads
    # and logs, not to the server's terminal.
    fd = os.open(job / "stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.dup2(fd, 1)
    os.close(fd)


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _apply_limits(budget: Budget) -> None:
    if resource is None:
        return
    _set_limit(resource.RLIMIT_CORE, 0, 0)
    # RLIMIT_CPU counts the whole process: a standby's warm-up is added to the job's budget.
    _JOB_START["cpu"] = _cpu_seconds()
    _JOB_START["system"] = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    used = int(_JOB_START["cpu"])
    _set_limit(resource.RLIMIT_CPU, used + budget.cpu_seconds, used + budget.cpu_seconds + 5)
    # Files the child writes: its result tables, which cannot exceed its memory.
    fsize = max(budget.ceiling_bytes, budget.memory_bytes) + 64 * MB
    _set_limit(resource.RLIMIT_FSIZE, fsize, fsize)
    data = _status_kb("VmData")
    if data is not None:
        _JOB_START["data"] = data
        ceiling = data + max(budget.ceiling_bytes, budget.memory_bytes)
        _set_limit(resource.RLIMIT_DATA, data + budget.memory_bytes, ceiling)
    size = _status_kb("VmSize")
    if budget.limit_address_space and size is not None:
        _JOB_START["as"] = size
        ceiling = size + max(budget.ceiling_bytes, budget.memory_bytes) + _AS_SLACK
        _set_limit(resource.RLIMIT_AS, size + budget.memory_bytes + _AS_SLACK, ceiling)


def _lean_allocator() -> None:
    # Address space close to the memory really used, so that the limits measure what they
    # should: pyarrow's mimalloc reserves small arenas (set in kpi._forkserver), glibc
    # keeps two arenas instead of one per thread, pyarrow uses at most CHILD_THREADS threads.
    try:
        import pyarrow as pa

        threads = max(1, min(os.cpu_count() or 1, CHILD_THREADS))
        pa.set_cpu_count(threads)
        pa.set_io_thread_count(threads)
    except Exception:  # pyarrow absent: the limits still hold
        log.debug("could not set pyarrow's thread counts", exc_info=True)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None)
            libc.mallopt(_M_ARENA_MAX, 2)
            # A child runs one job and exits: small blocks the job frees are better kept for
            # its next allocation than handed back to the system and faulted in again (a
            # fresh process has no warm heap): half the page faults on a 1M-row CSV. Large
            # ones go back at once (_MMAP_FROM).
            libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_FROM)
            libc.mallopt(_M_TRIM_THRESHOLD, _HEAP_KEEP)


class _Progress:
    """``progress(fraction, key)`` for code in the child: sent to the parent, never blocking
    the work for long (the parent reads as they come)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def __call__(self, fraction: float, key: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._conn.send((float(fraction), str(key)))


def _store(result: Any, job: Path) -> Any:
    counter = iter(range(1 << 30))

    def one(value: Any) -> Any:
        ref = _write_table(value, job, counter)
        return value if ref is None else ref

    ref = _write_table(result, job, counter)
    if ref is not None:
        return ref
    if isinstance(result, tuple):
        return tuple(one(v) for v in result)
    if isinstance(result, list):
        return [one(v) for v in result]
    if isinstance(result, dict):
        return {k: one(v) for k, v in result.items()}
    return result


def _write_table(value: Any, job: Path, counter: Any) -> TableRef | None:
    import pandas as pd
    import pyarrow as pa

    if isinstance(value, pd.DataFrame):
        table, is_pandas = pa.Table.from_pandas(value), True
    elif isinstance(value, pa.Table):
        table, is_pandas = value, False
    else:
        return None
    index = next(counter)
    # Uncompressed IPC file format: the parent maps it and reads it without copying.
    with pa.OSFile(str(job / f"table-{index}.arrow"), "wb") as sink:
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    return TableRef(index, is_pandas)
