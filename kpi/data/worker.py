"""Untrusted work in a child process with a memory and time budget.

Parsing an uploaded file and rendering a chart to SVG run native code (pyarrow, calamine,
vl-convert's V8 and resvg) on data a user sent. A hostile or broken file can make that code
allocate gigabytes, spin for minutes, or abort the whole process (vl-convert panics on a
control character; Rust aborts when an allocation fails). In the Streamlit server that would
end every user's session, and ``except Exception`` cannot catch an abort. So the work runs in
a child process:

- **Limits** (set in the child with :func:`resource.setrlimit`, from :func:`budget_for`):
  ``RLIMIT_DATA`` (private writable memory) and, for loads, ``RLIMIT_AS`` (address space);
  ``RLIMIT_CPU``; ``RLIMIT_FSIZE`` (files it writes); no core dumps. The parent adds a
  wall-clock timeout and kills the child when it passes.
- **Results** come back through a temporary directory: tables (pandas or Arrow) as Arrow IPC
  files that the parent memory-maps (no pickling of the data, no copy of the text columns);
  small metadata (the load report) is pickled.
- **Failures** — a :class:`~kpi.errors.PiloteError` raised in the child, out of memory, out of
  time, an abort, a segmentation fault, a kill — become a :class:`~kpi.errors.PiloteError` in
  the caller with a French/English message, for that user only. The temporary files are removed
  in every case.

Start method: a **forkserver** whose server process imports pandas, pyarrow and the readers once
(:data:`PRELOAD`) and is then forked for each job. ``fork`` from the server would copy a
multi-threaded process (Tornado, script threads, pyarrow's pools) whose locks may be held at
that instant; ``spawn`` is safe but pays 1–3 s of imports per job. The forkserver is started
single-threaded (OpenBLAS and jemalloc's background threads are turned off for it, see
:mod:`kpi._forkserver`), so each job starts in tens of milliseconds (see
``bench/bench_worker.py``). A child forked that way still pays every first call (pyarrow's CSV
reader and thread pool, compute kernels, the parsers, charset detection, the Arrow writer) on
the user's file: so one **warm standby child** is kept ready — forked ahead of time, warmed
with two tiny loads in its own memory (the forkserver must stay single-threaded: it cannot warm
itself), waiting for its one job on a pipe; its limits are set when the job arrives, and the
next one is started when the job ends (``PILOTE_WORKER_STANDBY=off`` starts every child cold).
:func:`warm_up` starts the forkserver and the first standby in the background when the app
starts.

Platforms: on Linux everything above applies. On macOS the child still isolates crashes and
the CPU and wall-clock limits hold, but the kernel does not enforce ``RLIMIT_AS``/``RLIMIT_DATA``
(set as a best effort). Where :mod:`resource` or the forkserver do not exist (Windows), and
with ``PILOTE_WORKER=off`` (for debugging), the work runs in the calling process with no limits.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kpi import i18n
from kpi.data import _child, _standby
from kpi.data import files as _files  # noqa: F401 - registers the messages its jobs may raise
from kpi.data import zipguard as _zipguard  # noqa: F401 - idem
from kpi.data.budget import Budget, budget_for
from kpi.errors import PiloteError
from kpi.settings import DEFAULT_LIMITS, Limits

try:  # POSIX only
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

MB = 2**20

# --- Start method --------------------------------------------------------------------------
PRELOAD: tuple[str, ...] = (
    "kpi._forkserver",  # first, and outside kpi.data (whose face imports pandas): keeps the
    # forkserver single-threaded
    "kpi.data.worker",
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.csv",
    "pyarrow.compute",
    "pyarrow.ipc",
    "fastexcel",
    "python_calamine",
    "charset_normalizer",
    # The loader itself, and the tool profiles it recognises exports with (imported here
    # once rather than by every job: ~50–100 ms).
    "kpi.data.loading",
    "kpi.data.sources",
)
"""Modules the forkserver imports once, so that each job starts without importing them."""
_start_lock = threading.Lock()
_launch_lock = threading.Lock()
_last = threading.local()
_warned_disabled = False


def input_kind(head: bytes) -> str:
    """The job kind of a file from its first bytes: ``zip`` (xlsx, xlsm, ods), ``xls`` (OLE2)
    or ``text``."""
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    return "text"


# ---------------------------------------------------------------------------------------------
# Switches


def enabled() -> bool:
    """Whether jobs run in a child process (else in the calling process, without limits).

    False with ``PILOTE_WORKER=off`` (debugging) and where the platform has no
    :mod:`resource` module or forkserver (Windows).
    """
    global _warned_disabled
    if os.environ.get("PILOTE_WORKER", "on").strip().lower() in ("off", "0", "false", "no"):
        return False
    ok = resource is not None and "forkserver" in multiprocessing.get_all_start_methods()
    if not ok and not _warned_disabled:
        _warned_disabled = True
        log.warning("no forkserver on this platform: files are parsed in the server process")
    return ok


def start_method() -> str:
    """``forkserver`` unless ``PILOTE_WORKER_START`` says ``fork`` or ``spawn`` (benchmarks)."""
    method = os.environ.get("PILOTE_WORKER_START", "forkserver").strip().lower()
    return method if method in ("fork", "forkserver", "spawn") else "forkserver"


def _context() -> multiprocessing.context.BaseContext:
    method = start_method()
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        _ensure_forkserver(ctx)
    return ctx


def _ensure_forkserver(ctx: multiprocessing.context.BaseContext) -> None:
    from multiprocessing import forkserver

    with _start_lock:
        ctx.set_forkserver_preload(list(PRELOAD))
        forkserver.ensure_running()  # starts it, or restarts it if it died


@contextlib.contextmanager
def _without_main() -> Iterator[None]:
    """Leave the main module out of what a new child is told to import.

    multiprocessing re-runs the parent's main module in every forkserver or spawn child so that
    functions defined there can be unpickled. Pilote's jobs live in importable modules, and the
    server's main module is Streamlit's command-line script: importing it again would cost each
    job a second of imports (and run a script that is not written for it).
    """
    from multiprocessing import spawn

    with _launch_lock:
        original = spawn.get_preparation_data

        def without_main(name: str) -> dict[str, Any]:
            data = original(name)
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
            return data

        spawn.get_preparation_data = without_main
        try:
            yield
        finally:
            spawn.get_preparation_data = original


class _ForkServerProcess(multiprocessing.context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        from multiprocessing.popen_forkserver import Popen

        with _without_main():
            return Popen(process_obj)


class _SpawnProcess(multiprocessing.context.SpawnProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        from multiprocessing.popen_spawn_posix import Popen

        with _without_main():
            return Popen(process_obj)


def _process_class(ctx: multiprocessing.context.BaseContext) -> Any:
    method = ctx.get_start_method()
    if method == "forkserver":
        return _ForkServerProcess
    if method == "spawn" and sys.platform != "win32":
        return _SpawnProcess
    return ctx.Process


def warm_up(background: bool = True) -> None:
    """Start the forkserver now (it imports pandas, pyarrow and the readers: 1–3 s) and the
    first warm standby child, so that the first upload waits for neither; also remove job
    folders left by a killed server."""

    def start() -> None:
        try:
            sweep_stale()
            if enabled():
                _context()
                _rearm()
        except Exception:  # a failed warm-up is retried by the first job
            log.exception("worker warm-up failed")

    if background:
        threading.Thread(target=start, name="pilote-worker-warm-up", daemon=True).start()
    else:
        start()


# ---------------------------------------------------------------------------------------------
# Jobs


def run(
    func: Callable[..., Any],
    /,
    *args: Any,
    budget: Budget,
    name: str = "",
    progress: Callable[[float, str], None] | None = None,
    **kwargs: Any,
) -> Any:
    """``func(*args, **kwargs)`` in a child process within ``budget``.

    ``func`` and its arguments must be picklable (a module-level function). Its result may
    be a pandas DataFrame, a ``pyarrow.Table``, or a tuple, list or dict holding some at its
    first level: those travel as Arrow IPC files that the parent memory-maps; the rest is
    pickled (keep it small).

    Parameters
    ----------
    func : callable
        Module-level function to run.
    budget : Budget
        From :func:`budget_for`.
    name : str
        What the user knows the input as (a file name), for messages.
    progress : callable, optional
        When given, ``func`` also receives ``progress=`` and its calls
        ``progress(fraction, message_key)`` reach this callable in the calling thread.

    Raises
    ------
    PiloteError
        The child's own :class:`PiloteError`; ``worker.out_of_memory``, ``worker.timeout``,
        ``worker.crashed`` or ``worker.killed`` when it failed.
    """
    if not enabled():
        if progress is not None:
            kwargs["progress"] = progress
        return func(*args, **kwargs)
    ctx = _context()
    job = Path(tempfile.mkdtemp(prefix=f"pilote-worker-{os.getpid()}-", dir=_temp_root()))
    child: _standby.Child | None = None
    timed_out = False
    try:
        spec = (str(job), func, args, kwargs, budget, progress is not None)
        child = _standby.take()
        if child is not None and not child.give(spec):
            child = None  # it died while waiting (killed by the system): start another
        if child is None:
            child = _standby.Child.start(ctx, _process_class(ctx), warm=False)
            if not child.give(spec):
                raise PiloteError("worker.crashed", name=name)
        started = child.given_at
        deadline = started + budget.wall_seconds
        waiting: list[Any] = [child.proc.sentinel, child.conn]
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                child.proc.kill()
                child.proc.join()
                break
            ready = multiprocessing.connection.wait(waiting, timeout=min(left, 1.0))
            if child.conn in ready:
                try:
                    fraction, key = child.conn.recv()
                except (EOFError, OSError, pickle.UnpicklingError):
                    waiting.remove(child.conn)
                else:
                    if progress is not None:
                        progress(fraction, key)
                    continue
            if child.proc.sentinel in ready:
                child.proc.join()
                break
        wall = time.monotonic() - started
        return _collect(job, child.proc.exitcode, budget, name, timed_out, wall)
    finally:
        if child is not None:
            child.close()
        shutil.rmtree(job, ignore_errors=True)
        _rearm(_standby.AFTER_JOB_DELAY)


def _rearm(delay: float = 0.0) -> None:
    """The next warm child, started in the background after ``delay`` seconds (see
    :mod:`kpi.data._standby`)."""
    if enabled() and _standby.enabled():
        _standby.rearm(_start_warm_child, delay)


def _start_warm_child() -> _standby.Child:
    ctx = _context()
    return _standby.Child.start(ctx, _process_class(ctx), warm=True)


def _temp_root() -> str | None:
    root = os.environ.get("PILOTE_WORKER_DIR")
    return root if root and os.path.isdir(root) else None


def sweep_stale() -> int:
    """Remove job folders whose server process is gone (killed mid-job); returns how many."""
    root = Path(_temp_root() or tempfile.gettempdir())
    removed = 0
    for path in root.glob("pilote-worker-*-*"):
        try:
            pid = int(path.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid() or _pid_alive(pid):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---------------------------------------------------------------------------------------------
# Parent side: what came back


def last_stats() -> dict[str, float]:
    """What the last job run by this thread used: ``peak_rss_bytes`` (the child's resident
    memory at its peak, forkserver pages shared with it included), ``cpu_seconds``,
    ``wall_seconds`` (start to result, as the caller waited); its steps: ``job_seconds`` (the
    job's function in the child), ``store_seconds`` (the child writing its result tables),
    ``restore_seconds`` (this process mapping them back), and for an upload
    ``input_seconds`` (its bytes written to the file the child reads). Empty when it left no
    result."""
    return dict(getattr(_last, "stats", {}))


def _collect(
    job: Path,
    exitcode: int | None,
    budget: Budget,
    name: str,
    timed_out: bool,
    wall_seconds: float = 0.0,
) -> Any:
    _last.stats = {}
    result_path = job / "result.pickle"
    outcome = None
    if result_path.exists():
        try:
            outcome = pickle.loads(result_path.read_bytes())
        except Exception:  # a child killed while writing leaves no result (renamed at the end)
            outcome = None
    output = _head_and_tail(job / "stderr.txt")
    limit_mb = _applied_limit_mb(job, budget)
    if timed_out:
        log.warning("worker job %r stopped after %.0f s", name, budget.wall_seconds)
        raise PiloteError("worker.timeout", name=name, seconds=int(budget.wall_seconds))
    if outcome is not None:
        _last.stats = {**outcome[-1], "wall_seconds": wall_seconds}
        outcome = outcome[:-1]
        status = outcome[0]
        if status == "ok":
            started = time.perf_counter()
            result = _restore(outcome[1], job)
            _last.stats["restore_seconds"] = time.perf_counter() - started
            return result
        if status == "pilote":
            raise PiloteError(outcome[1], **outcome[2])
        if status == "memory":
            log.warning("worker job %r ran out of memory (%s MB)", name, limit_mb)
            raise PiloteError("worker.out_of_memory", name=name, limit_mb=i18n.Count(limit_mb))
        log.error("worker job %r failed:\n%s", name, outcome[1])
        raise PiloteError("worker.crashed", name=name)
    sig = -exitcode if exitcode is not None and exitcode < 0 else None
    log.error(
        "worker job %r ended without a result (exit code %s)%s",
        name,
        exitcode,
        f"; its output:\n{output}" if output else "",
    )
    if sig == signal.SIGXCPU:
        raise PiloteError("worker.timeout", name=name, seconds=budget.cpu_seconds)
    # Rust prints "memory allocation of N bytes failed" and aborts; V8 "Fatal process out of
    # memory"; both before a long backtrace, hence the head of the output as well as its end.
    if "memory allocation of" in output or "out of memory" in output.lower():
        raise PiloteError("worker.out_of_memory", name=name, limit_mb=i18n.Count(limit_mb))
    if sig == signal.SIGKILL:
        raise PiloteError("worker.killed", name=name)
    raise PiloteError("worker.crashed", name=name)


def _head_and_tail(path: Path, size: int = 3000) -> str:
    """The start and the end of what the child printed (a panic's message comes first, its
    backtrace can be long)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(size)
            fh.seek(0, os.SEEK_END)
            end = fh.tell()
            if end <= size:
                return head.decode("utf-8", "replace")
            fh.seek(max(size, end - size))
            tail = fh.read()
    except OSError:
        return ""
    return head.decode("utf-8", "replace") + "\n[…]\n" + tail.decode("utf-8", "replace")


def _applied_limit_mb(job: Path, budget: Budget) -> int:
    """The memory limit the child applied last (after :func:`tighten`), in MB."""
    try:
        return int((job / "limit.txt").read_text()) // MB
    except (OSError, ValueError):
        return budget.memory_mb


def _restore(payload: Any, job: Path) -> Any:
    if isinstance(payload, _child.TableRef):
        return _read_table(job, payload)
    if isinstance(payload, tuple):
        return tuple(_restore_one(v, job) for v in payload)
    if isinstance(payload, list):
        return [_restore_one(v, job) for v in payload]
    if isinstance(payload, dict):
        return {k: _restore_one(v, job) for k, v in payload.items()}
    return payload


def _restore_one(value: Any, job: Path) -> Any:
    return _read_table(job, value) if isinstance(value, _child.TableRef) else value


def _read_table(job: Path, ref: _child.TableRef) -> Any:
    import pyarrow as pa

    # Memory-mapped: Arrow columns (text above all) point into the file's pages, nothing is
    # copied. The file is deleted with the job folder right after; on Linux the mapping keeps
    # its pages until the last column using them is dropped.
    with pa.memory_map(str(job / f"table-{ref.index}.arrow")) as source:
        table = pa.ipc.open_file(source).read_all()
    return table.to_pandas() if ref.pandas else table


# ---------------------------------------------------------------------------------------------
# The jobs Pilote runs


def load_in_worker(
    source: bytes | str | os.PathLike[str],
    name: str,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[float, str], None] | None = None,
) -> tuple[Any, Any]:
    """Read a file into a typed DataFrame and its load report, in a worker.

    ``source`` is the file's bytes (an upload: written to a temporary file that the child
    reads) or its path (the CLI). Returns what ``load_bytes`` returns.

    Raises
    ------
    PiloteError
        The loader's errors, and the worker's (memory, time, crash).
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if not enabled():
            return _load_job(data, name, sheet, limits, progress=progress)
        started = time.perf_counter()
        with _input_file(data) as path:
            written = time.perf_counter() - started
            result = _run_load(path, len(data), data[:8], name, sheet, limits, progress)
        _last.stats["input_seconds"] = written
        return result
    path = os.fspath(source)
    size = os.stat(path).st_size
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not enabled():
        return _load_job(path, name, sheet, limits, progress=progress)
    return _run_load(path, size, head, name, sheet, limits, progress)


def load_table_in_worker(
    data: bytes | Path,
    name: str,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[float, str], None] | None = None,
) -> Any:
    """:func:`kpi.data.load_table` with the parse in a child process (:func:`load_in_worker`),
    as the app does for every upload: a file that crashes or exhausts the reader costs only
    its own load. The kind and roles are recognised here, on the returned frame."""
    from kpi.data.loading import table_from_frame

    df, report = load_in_worker(data, name, sheet=sheet, limits=limits, progress=progress)
    return table_from_frame(df, report, name)


def _run_load(
    path: str,
    size: int,
    head: bytes,
    name: str,
    sheet: str | None,
    limits: Limits,
    progress: Callable[[float, str], None] | None,
) -> tuple[Any, Any]:
    budget = budget_for(size, input_kind(head), limits)
    return run(_load_job, path, name, sheet, limits, budget=budget, name=name, progress=progress)


@contextlib.contextmanager
def _input_file(data: bytes) -> Any:
    fd, path = tempfile.mkstemp(prefix=f"pilote-worker-{os.getpid()}-in-", dir=_temp_root())
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _load_job(
    source: bytes | str,
    name: str,
    sheet: str | None,
    limits: Limits,
    progress: Callable[[float, str], None] | None = None,
) -> tuple[Any, Any]:
    # The one import of the loader.
    from kpi.data.loading import load_bytes

    # A workbook's zip is checked by the loader (kpi.data.workbook.check_zip), which then
    # raises this job's memory limit to what the counted unzipped size needs (tighten).
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    return load_bytes(data, name, sheet=sheet, limits=limits, progress=progress)


def render_svgs(specs: list[dict[str, Any]], **options: Any) -> list[str | None]:
    """Vega-Lite specs → SVG texts, rendered by vl-convert in a worker.

    All charts render in one child (V8 starts once). If that child dies — vl-convert aborts
    on some inputs — each chart is tried alone, and the ones that fail come back as None
    (the report then shows the chart's data as a table). ``options`` go to
    ``vl_convert.vegalite_to_svg`` (``vl_version``, ``format_locale``, ...).
    """
    if not specs:
        return []
    size = sum(len(repr(s)) for s in specs)
    budget = budget_for(size, "render")
    try:
        return list(run(_render_job, specs, options, budget=budget, name="chart"))
    except PiloteError:
        if len(specs) == 1:
            return [None]
    out: list[str | None] = []
    for spec in specs:
        try:
            out.append(run(_render_job, [spec], options, budget=budget, name="chart")[0])
        except PiloteError:
            out.append(None)
    return out


def render_svg(spec: dict[str, Any], **options: Any) -> str | None:
    """One Vega-Lite spec → SVG in a worker; None when it cannot be drawn."""
    return render_svgs([spec], **options)[0]


def _render_job(specs: list[dict[str, Any]], options: dict[str, Any]) -> list[str | None]:
    import vl_convert

    out: list[str | None] = []
    for spec in specs:
        try:
            out.append(vl_convert.vegalite_to_svg(spec, **options))
        except Exception:  # a chart that cannot be drawn costs only itself
            traceback.print_exc()
            out.append(None)
    return out


i18n.add_messages(
    {
        "worker.out_of_memory": {
            "fr": "La lecture de « {name} » demandait plus de {limit_mb} Mo de mémoire, la limite par fichier sur ce serveur : elle a été arrêtée (les autres utilisateurs n'en ont pas souffert). Si c'est un vrai export, exportez moins de lignes ou de colonnes, ou enregistrez-le en CSV.",
            "en": "Reading '{name}' needed more than {limit_mb} MB of memory, this server's limit per file: it was stopped (other users were not affected). If it is a genuine export, export fewer rows or columns, or save it as CSV.",
        },
        "worker.timeout": {
            "fr": "La lecture de « {name} » a dépassé {seconds} s : elle a été arrêtée. Si c'est un vrai export, exportez une période plus courte ou enregistrez-le en CSV.",
            "en": "Reading '{name}' took more than {seconds} s: it was stopped. If it is a genuine export, export a shorter period or save it as CSV.",
        },
        "worker.crashed": {
            "fr": "Le lecteur de fichiers s'est arrêté net sur « {name} » (fichier endommagé ou piégé) ; le serveur et les autres utilisateurs n'en ont pas souffert. Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou exportez-le en CSV.",
            "en": "The file reader stopped abruptly on '{name}' (a damaged or booby-trapped file); the server and other users were not affected. Open it in Excel or LibreOffice and save it again, or export it as CSV.",
        },
        "worker.killed": {
            "fr": "La lecture de « {name} » a été interrompue par le système (mémoire du serveur épuisée ?). Réessayez dans un instant ; si cela se reproduit, exportez moins de lignes ou enregistrez le fichier en CSV.",
            "en": "Reading '{name}' was stopped by the system (server out of memory?). Try again in a moment; if it happens again, export fewer rows or save the file as CSV.",
        },
    }
)
