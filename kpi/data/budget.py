"""The memory and time budget of one worker job (:func:`budget_for`), in one place: the
worker applies it to its child (:mod:`kpi.data.worker`), the workbook reader tightens it once
it knows a workbook's unzipped size (:mod:`kpi.data.workbook`)."""

from __future__ import annotations

import contextlib
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpi.settings import DEFAULT_LIMITS, Limits

try:  # POSIX only
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

__all__ = ["Budget", "budget_for", "in_job", "tighten"]

log = logging.getLogger("kpi.data.worker")

MB = 2**20
_AS_SLACK = 256 * MB  # thread stacks and guard pages: address space that holds no data
_JOB_START: dict[str, Any] = {}
"""The job running in this process (a worker child): its folder and its starting sizes."""

# --- The budget (one place; documented in budget_for) ---------------------------------------
BASE_MEMORY = 256 * MB
"""Memory any job may add to the child's starting size: interpreter work, thread stacks,
reader buffers, pandas temporaries on small files."""
TEXT_FACTOR = 10
"""Memory per byte of a text file (CSV, TSV, whitespace text) or an .xls: a load measured
6–6.5 × the file at its peak on a 1M-row CSV (the hosting guide budgets ≈ 8 ×)."""
UNZIPPED_FACTOR = 2.5
"""Memory per byte of a workbook's *inflated* parts: calamine keeps every cell, then fastexcel
builds Arrow columns; measured 2.2 × the inflated XML on a 300k-row .xlsx."""
FILE_COPIES = 3
"""Copies of a workbook's bytes held while it is read (the file, python-calamine's, fastexcel's)."""
CPU_BASE_SECONDS = 20
CPU_SECONDS_PER_MB = 0.5
"""CPU time per MB of a text file or .xls (a 1M-row, 76 MB CSV takes 4–14 s of CPU)."""
CPU_SECONDS_PER_UNZIPPED_MB = 0.25
"""CPU time per inflated MB of a workbook (300k rows, 175 MB of XML: about 5 s)."""
RENDER_MEMORY = 1536 * MB
"""vl-convert's V8 commits about 600 MB of writable address space before its first chart
(resident memory stays near 100 MB); this is a backstop, not a tight budget."""
RENDER_CPU_SECONDS = 60


@dataclass(frozen=True)
class Budget:
    """What one job may use.

    Attributes
    ----------
    memory_bytes : int
        Memory the child may add to its starting size (``RLIMIT_DATA``, and ``RLIMIT_AS``
        when ``limit_address_space``).
    cpu_seconds : int
        CPU time of the child, all threads together (``RLIMIT_CPU``).
    wall_seconds : float
        Time after which the parent kills the child.
    limit_address_space : bool
        Also limit the address space. Off for vl-convert, whose V8 reserves tens of GB of
        address space it never touches.
    ceiling_bytes : int
        The hard memory limit: :func:`tighten` may later set the soft limit anywhere below it.
    """

    memory_bytes: int
    cpu_seconds: int
    wall_seconds: float
    limit_address_space: bool = True
    ceiling_bytes: int = 0

    @property
    def memory_mb(self) -> int:
        return self.memory_bytes // MB


def budget_for(
    size_bytes: int,
    kind: str = "text",
    limits: Limits = DEFAULT_LIMITS,
    unzipped_bytes: int | None = None,
) -> Budget:
    """The memory and time budget of one job, from the size of its input.

    =========== ======================================================= =====================
    kind        memory (added to the child's start)                      CPU seconds
    =========== ======================================================= =====================
    ``text``    256 MB + 10 × file size                                  20 + 0.5 × MB of file
    ``xls``     same as text                                             same as text
    ``zip``     256 MB + 3 × file size + 2.5 × unzipped size              20 + 0.25 × MB unzipped
    ``render``  1.5 GB (data only: V8 reserves address space)           60
    =========== ======================================================= =====================

    Each is capped by what the largest allowed input could need: ``PILOTE_MAX_FILE_MB`` for
    text and .xls, ``PILOTE_MAX_UNZIPPED_MB`` for workbooks (zip). For a workbook whose unzipped
    size is not known yet (``unzipped_bytes`` None) the budget covers the file alone: the child
    checks the zip by inflating it as a stream (:mod:`kpi.data.zipguard`, flat memory) and then
    calls :func:`tighten` with the budget for the size it counted, up to the cap (the hard
    limit, set when the child starts). The wall-clock timeout is twice the CPU time plus 30 s
    (two cores shared by several users). ``PILOTE_WORKER_MAX_MB``, when set, caps every
    memory budget.

    Parameters
    ----------
    size_bytes : int
        Size of the file (or of the specs for ``render``).
    kind : {"text", "xls", "zip", "render"}
    limits : Limits
        The instance's limits (``PILOTE_MAX_*``).
    unzipped_bytes : int, optional
        For ``zip``: the inflated size counted by :func:`kpi.data.zipguard.check_workbook`.
    """
    if kind == "render":
        memory = _capped(RENDER_MEMORY)
        return Budget(memory, RENDER_CPU_SECONDS, 2.0 * RENDER_CPU_SECONDS + 30, False, memory)
    if kind == "zip":
        size = min(size_bytes, limits.max_file_bytes)
        ceiling = _capped(
            int(
                BASE_MEMORY
                + FILE_COPIES * limits.max_file_bytes
                + UNZIPPED_FACTOR * limits.max_unzipped_bytes
            )
        )
        memory = BASE_MEMORY + FILE_COPIES * size  # while zipguard inflates (flat memory)
        if unzipped_bytes is not None:
            memory += int(UNZIPPED_FACTOR * min(unzipped_bytes, limits.max_unzipped_bytes))
        memory = min(ceiling, memory)
        worst = min(limits.max_unzipped_bytes, limits.max_zip_ratio * max(size_bytes, 1))
        cpu = CPU_BASE_SECONDS + CPU_SECONDS_PER_UNZIPPED_MB * worst / MB
    elif kind in ("text", "xls"):
        ceiling = _capped(int(BASE_MEMORY + TEXT_FACTOR * limits.max_file_bytes))
        size = min(size_bytes, limits.max_file_bytes)
        memory = min(ceiling, int(BASE_MEMORY + TEXT_FACTOR * size))
        cpu = CPU_BASE_SECONDS + CPU_SECONDS_PER_MB * size / MB
    else:
        raise ValueError(f"unknown job kind {kind!r}")
    cpu_seconds = math.ceil(cpu)
    return Budget(memory, cpu_seconds, 2.0 * cpu_seconds + 30, True, ceiling)


def _capped(memory: int) -> int:
    cap = _env_int("PILOTE_WORKER_MAX_MB", 0)
    return min(memory, cap * MB) if cap > 0 else memory


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# --- The job running in this process -------------------------------------------------------
def in_job() -> bool:
    """Whether this process runs a worker job."""
    return "job_dir" in _JOB_START


def tighten(budget: Budget) -> None:
    """Inside a job: set the memory limit to ``budget`` (up to the job's ceiling, its hard
    limit) and give it ``budget.cpu_seconds`` more CPU time.

    A workbook job starts with a budget for its file alone; once :mod:`kpi.data.zipguard` has
    counted the unzipped size, the loader calls this with
    ``budget_for(size, "zip", limits, unzipped_bytes=n)``. Outside a job it does nothing.
    """
    start = _JOB_START.get("data")
    if start is None or resource is None:
        return
    _set_limit(resource.RLIMIT_DATA, start + budget.memory_bytes)
    if budget.limit_address_space and "as" in _JOB_START:
        _set_limit(resource.RLIMIT_AS, _JOB_START["as"] + budget.memory_bytes + _AS_SLACK)
    _record_limit(budget.memory_bytes)
    # CPU: what the job has used so far, plus the new budget.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _set_limit(resource.RLIMIT_CPU, used + budget.cpu_seconds, used + budget.cpu_seconds + 5)


def _record_limit(memory_bytes: int) -> None:
    job = _JOB_START.get("job_dir")
    if job is not None:
        with contextlib.suppress(OSError):
            Path(job).joinpath("limit.txt").write_text(str(memory_bytes))


def _set_limit(which: int, soft: int, hard: int | None = None) -> None:
    if resource is None:
        return
    try:
        current_hard = resource.getrlimit(which)[1]
        if hard is None:
            hard = current_hard
        if current_hard != resource.RLIM_INFINITY:
            hard = min(hard, current_hard)
        resource.setrlimit(which, (min(soft, hard), hard))
    except (ValueError, OSError):  # macOS ignores or refuses some limits
        log.debug("could not set resource limit %s", which, exc_info=True)
