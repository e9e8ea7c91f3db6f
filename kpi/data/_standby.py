"""The warm standby child of :mod:`kpi.data.worker`: one child forked ahead of time, warmed
(:func:`kpi.data._child.serve`), waiting for the next job on a pipe.

Private to the worker. The parent takes the standby for a job (:func:`take`) and starts the
next one in the background once the job has ended (:func:`rearm`): warming competes for the
CPU, and on a small shared server it must not slow the job it was made for.
``PILOTE_WORKER_STANDBY=off`` keeps none (every child then starts cold, as a benchmark
baseline).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kpi.data import _child

log = logging.getLogger("kpi.data.worker")

THREAD_NAME = "pilote-worker-standby"


@dataclass
class Child:
    """A worker child and the two-way connection it receives its job on (and sends progress
    back on)."""

    proc: Any
    conn: Any
    given_at: float = 0.0

    @classmethod
    def start(
        cls, ctx: multiprocessing.context.BaseContext, process_class: Any, warm: bool
    ) -> Child:
        """Start a child that runs :func:`kpi.data._child.serve` (warmed first if ``warm``)."""
        mine, theirs = ctx.Pipe(duplex=True)
        proc = process_class(
            target=_child.serve, args=(theirs, warm), name="pilote-worker", daemon=True
        )
        proc.start()
        theirs.close()
        return cls(proc, mine)

    def give(self, spec: tuple[Any, ...]) -> bool:
        """Send the job; False when the child is gone."""
        self.given_at = time.monotonic()
        if not self.proc.is_alive():
            self.close()
            return False
        try:
            self.conn.send(spec)
        except (OSError, EOFError, ValueError):
            self.close()
            return False
        return True

    def close(self) -> None:
        """Stop the child if it still runs (a job interrupted by the caller, or a standby no
        longer needed) and release its connection."""
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        with contextlib.suppress(OSError):
            self.conn.close()


_waiting: Child | None = None
_lock = threading.Lock()


def enabled() -> bool:
    """Whether a warm child waits for the next job (``PILOTE_WORKER_STANDBY``, on by default)."""
    flag = os.environ.get("PILOTE_WORKER_STANDBY", "on").strip().lower()
    return flag not in ("off", "0", "false", "no")


def waiting() -> Child | None:
    """The standby child, if one is there."""
    return _waiting


def take() -> Child | None:
    """The standby child for a job (it is no longer the standby), or None."""
    global _waiting
    with _lock:
        child, _waiting = _waiting, None
    return child


AFTER_JOB_DELAY = 3.0
"""Seconds between the end of a job and the start of the next standby. Right after a load the
server has its busiest moment (the page's rerun, the dashboard's arrays prepared in the
background, the browser drawing the page, all on a few shared cores): the next standby's
warm-up (~0.25 s of CPU) waits until then, since the next upload is rarely seconds away."""


def rearm(start: Callable[[], Child], delay: float = 0.0) -> None:
    """Start the next standby in the background with ``start``, unless one is waiting, after
    ``delay`` seconds (a job that comes meanwhile starts its own child)."""
    with _lock:
        if _waiting is not None and _waiting.proc.is_alive():
            return
    threading.Thread(target=_arm, args=(start, delay), name=THREAD_NAME, daemon=True).start()


def _arm(start: Callable[[], Child], delay: float = 0.0) -> None:
    global _waiting
    if delay > 0:
        time.sleep(delay)
        with _lock:
            if _waiting is not None and _waiting.proc.is_alive():
                return  # another job's re-arm was quicker
    try:
        child = start()
    except Exception:  # the next job starts a child itself
        log.exception("could not start a standby worker")
        return
    with _lock:
        previous, _waiting = _waiting, child
    if previous is not None:  # two re-arms raced: keep one
        previous.close()
