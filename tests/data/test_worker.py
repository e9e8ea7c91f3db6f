"""The worker: results come back whole, every way a child can die becomes a PiloteError, limits
hold, temporary files go. Jobs that could take memory run with the worker's own limits, and the
hostile files in a fenced Python process (tests/bombs.run_fenced) on top."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from kpi import i18n
from kpi.data import _standby, worker
from kpi.data.loading import load_bytes
from kpi.errors import PiloteError
from kpi.settings import Limits
from tests import bombs
from tests.conftest import french_export

pytestmark = pytest.mark.skipif(not worker.enabled(), reason="no forkserver on this platform")

MB = 2**20
SMALL = worker.Budget(memory_bytes=256 * MB, cpu_seconds=30, wall_seconds=60)


@pytest.fixture(autouse=True)
def job_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every job's temporary files in a folder of this test, checked empty afterwards."""
    root = tmp_path / "jobs"
    root.mkdir()
    monkeypatch.setenv("PILOTE_WORKER_DIR", str(root))
    yield root
    assert list(root.iterdir()) == [], "the worker left temporary files"


def _error(func, *args, budget: worker.Budget = SMALL) -> PiloteError:  # noqa: ANN001
    with pytest.raises(PiloteError) as info:
        worker.run(func, *args, budget=budget, name="ventes.xlsx")
    return info.value


def test_tables_come_back_whole_and_metadata_pickled() -> None:
    df, meta = worker.run(bombs.job_frame_and_meta, 3, budget=SMALL)
    expected, expected_meta = bombs.job_frame_and_meta(3)
    pd.testing.assert_frame_equal(df, expected)
    assert list(df.dtypes) == list(expected.dtypes)
    assert meta == expected_meta
    assert df["Montant"].isna().sum() == 3 and df["Région"].isna().sum() == 3


def test_load_in_worker_matches_the_loader_in_process(tmp_path: Path) -> None:
    data = french_export(rows=40)
    df_here, rep_here = load_bytes(data, "ventes.csv")
    df, rep = worker.load_in_worker(data, "ventes.csv")
    pd.testing.assert_frame_equal(df, df_here)
    assert (rep.rows, rep.encoding, rep.delimiter, rep.header_row) == (40, "cp1252", ";", 4)
    assert [(d.reason, d.rows) for d in rep.dropped] == [
        (d.reason, d.rows) for d in rep_here.dropped
    ]
    path = tmp_path / "ventes.csv"
    path.write_bytes(data)
    df_path, _ = worker.load_in_worker(path, "ventes.csv")
    pd.testing.assert_frame_equal(df_path, df_here)


def test_a_pilote_error_in_the_child_keeps_its_key_and_parameters() -> None:
    err = _error(bombs.job_raise_pilote)
    assert (err.key, err.params) == ("files.too_many_rows", {"n": 12, "limit": 10})


def test_running_out_of_memory_is_a_message_with_the_limit() -> None:
    err = _error(bombs.job_allocate, 600, budget=worker.Budget(128 * MB, 30, 60))
    assert err.key == "worker.out_of_memory"
    assert err.params == {"name": "ventes.xlsx", "limit_mb": i18n.Count(128)}
    assert "1\u202f024" in PiloteError(
        "worker.out_of_memory", name="x", limit_mb=i18n.Count(1024)
    ).message("fr")
    assert "128 MB" in err.message("en") and "128 Mo" in err.message("fr")


def test_tighten_lowers_the_limit_inside_a_job() -> None:
    err = _error(bombs.job_tighten_then_allocate, 200, budget=worker.Budget(1024 * MB, 30, 60))
    assert (err.key, err.params["limit_mb"].value) == ("worker.out_of_memory", 64)


@pytest.mark.parametrize(
    ("job", "key"),
    [
        (bombs.job_abort, "worker.crashed"),
        (bombs.job_segfault, "worker.crashed"),
        (bombs.job_sigkill, "worker.killed"),
    ],
)
def test_a_child_that_dies_becomes_a_message(job, key: str) -> None:  # noqa: ANN001
    err = _error(job)
    assert err.key == key
    assert "ventes.xlsx" in err.message("fr")


def test_wall_clock_timeout_kills_the_child() -> None:
    started = time.monotonic()
    err = _error(bombs.job_sleep, 60, budget=worker.Budget(128 * MB, 30, 1.5))
    assert (err.key, err.params["seconds"]) == ("worker.timeout", 1)
    assert time.monotonic() - started < 15


def test_a_killed_job_leaves_no_temporary_folder(job_dir: Path) -> None:
    """A job's temporary folders (the halves of a large sheet: hundreds of MB) live in its job
    folder, which the server removes even when the child was killed mid-job; in the system's
    temporary folder they would stay behind."""
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("pilote-sheet-*"))
    err = _error(bombs.job_temp_then_sleep, 60, budget=worker.Budget(128 * MB, 30, 1.5))
    assert err.key == "worker.timeout"
    assert set(Path(tempfile.gettempdir()).glob("pilote-sheet-*")) == before
    # and a job that ends normally made its folder inside its job folder
    assert str(job_dir) in worker.run(bombs.job_temp_then_sleep, 0, budget=SMALL, name="x.csv")


def test_cpu_limit_stops_a_spinning_child() -> None:
    err = _error(bombs.job_spin, budget=worker.Budget(128 * MB, 1, 60))
    assert err.key == "worker.timeout"


def test_progress_reaches_the_caller() -> None:
    seen: list[tuple[float, str]] = []
    out = worker.run(bombs.job_progress, budget=SMALL, progress=lambda f, k: seen.append((f, k)))
    assert out == 7
    assert seen == [(0.25, "load.progress.reading"), (0.75, "load.progress.typing")]


def test_the_child_is_another_process_unless_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert worker.run(bombs.job_pid, budget=SMALL) != os.getpid()
    monkeypatch.setenv("PILOTE_WORKER", "off")
    assert not worker.enabled()
    assert worker.run(bombs.job_pid, budget=SMALL) == os.getpid()


def _armed(timeout: float = 60) -> int:
    """The pid of the warm standby child, once one is waiting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        child = _standby.waiting()
        if child is not None and child.proc.is_alive():
            return child.proc.pid
        time.sleep(0.1)
    raise AssertionError("no standby child was armed")


def test_a_warm_standby_child_takes_the_next_job_and_is_replaced() -> None:
    worker.run(bombs.job_pid, budget=SMALL)
    first = _armed()
    assert worker.run(bombs.job_pid, budget=SMALL) == first  # the job ran in the standby
    second = _armed()  # re-armed after the job
    assert second != first
    # a standby that died while waiting (the system killed it) is replaced, the job still runs
    _standby.waiting().proc.kill()
    _standby.waiting().proc.join()
    pid = worker.run(bombs.job_pid, budget=SMALL)
    assert pid not in (first, second, os.getpid())
    _armed()


def test_the_next_standby_waits_until_the_busy_moment_after_a_job_is_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_standby, "AFTER_JOB_DELAY", 2.0)
    while any(t.name == _standby.THREAD_NAME for t in threading.enumerate()):
        time.sleep(0.1)  # a standby being armed by an earlier job
    worker.run(bombs.job_pid, budget=SMALL)
    ended = time.monotonic()
    time.sleep(1.0)
    assert _standby.waiting() is None  # not yet: the page that loaded the file comes first
    _armed()
    assert time.monotonic() - ended >= 2.0


def test_the_standby_warm_up_is_not_counted_in_the_job() -> None:
    worker.run(bombs.job_pid, budget=SMALL)
    _armed()
    time.sleep(3)  # time to finish its warm-up
    df, report = worker.load_in_worker(b"a;b\n1;2\n", "petit.csv")
    assert report.rows == 1
    # the warm-up (two loads, the Arrow writer) took CPU before the job: not the job's
    assert worker.last_stats()["cpu_seconds"] < 1.0


def test_without_standby_each_child_starts_cold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PILOTE_WORKER_STANDBY", "off")
    while any(t.name == _standby.THREAD_NAME for t in threading.enumerate()):
        time.sleep(0.1)  # a standby being armed by an earlier job
    waiting = _standby.take()
    if waiting is not None:
        waiting.close()
    assert worker.run(bombs.job_pid, budget=SMALL) != os.getpid()
    time.sleep(1)
    assert _standby.waiting() is None


def test_jobs_are_forked_from_a_single_threaded_server() -> None:
    assert worker.start_method() == "forkserver"
    assert worker.run(bombs.job_parent_threads, budget=SMALL) == 1


def test_messages_of_every_job_are_known_to_the_parent() -> None:
    code = """
import json
from kpi import i18n
from kpi.data import worker
from kpi.errors import PiloteError
keys = ["zipguard.bomb", "files.too_many_rows", "worker.crashed"]
print(json.dumps({"texts": {k: PiloteError(k).message("fr") for k in keys}}))
"""
    out = bombs.run_fenced(code, memory_mb=1000)
    assert out["returncode"] == 0
    assert len(out["texts"]) == 3
    assert all(text != key for key, text in out["texts"].items())  # i18n.t gives back unknown keys


def test_a_crash_in_one_job_leaves_a_concurrent_job_alone() -> None:
    results: dict[str, object] = {}

    def good() -> None:
        results["good"] = worker.run(bombs.job_frame_and_meta, 1000, budget=SMALL)[1]

    def bad() -> None:
        try:
            worker.run(bombs.job_abort, budget=SMALL)
        except PiloteError as exc:
            results["bad"] = exc.key

    threads = [threading.Thread(target=good), threading.Thread(target=bad)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == {"good": {"n": 1000, "note": "métadonnées"}, "bad": "worker.crashed"}


def test_stats_of_the_last_job() -> None:
    worker.run(bombs.job_allocate, 50, budget=SMALL)
    stats = worker.last_stats()
    assert stats["peak_rss_bytes"] > 50 * MB
    assert stats["wall_seconds"] > 0 and stats["cpu_seconds"] >= 0


def test_stale_job_folders_of_dead_servers_are_swept(job_dir: Path) -> None:
    dead = job_dir / "pilote-worker-999999999-abc"
    dead.mkdir()
    (dead / "table-0.arrow").write_bytes(b"x")
    mine = job_dir / f"pilote-worker-{os.getpid()}-abc"
    mine.mkdir()
    assert worker.sweep_stale() == 1
    assert not dead.exists() and mine.exists()
    mine.rmdir()


# ---------------------------------------------------------------------------------------------
# The budget


def test_budget_formula_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PILOTE_WORKER_MAX_MB", raising=False)
    limits = Limits(max_file_bytes=200 * MB, max_unzipped_bytes=1024 * MB, max_zip_ratio=200)
    text = worker.budget_for(100 * MB, "text", limits)
    assert text.memory_bytes == (256 + 10 * 100) * MB  # 256 MB + 10 × the file
    assert text.cpu_seconds == 70  # 20 s + 0.5 s per MB
    assert text.wall_seconds == 2 * 70 + 30
    assert text.ceiling_bytes == (256 + 10 * 200) * MB
    assert text.limit_address_space
    # a file over the size limit is budgeted as the largest allowed file
    assert worker.budget_for(900 * MB, "text", limits).memory_bytes == text.ceiling_bytes
    zipped = worker.budget_for(10 * MB, "zip", limits)
    assert zipped.memory_bytes == (256 + 3 * 10) * MB  # while the zip is checked
    assert zipped.ceiling_bytes == int((256 + 3 * 200 + 2.5 * 1024) * MB)
    assert zipped.cpu_seconds == 20 + 0.25 * 1024  # ratio 200 × 10 MB is over the 1 GB cap
    counted = worker.budget_for(10 * MB, "zip", limits, unzipped_bytes=100 * MB)
    assert counted.memory_bytes == (256 + 30 + 250) * MB
    render = worker.budget_for(5000, "render", limits)
    assert (render.memory_bytes, render.limit_address_space) == (1536 * MB, False)
    monkeypatch.setenv("PILOTE_WORKER_MAX_MB", "300")
    assert worker.budget_for(100 * MB, "text", limits).memory_bytes == 300 * MB
    with pytest.raises(ValueError):
        worker.budget_for(1, "pdf", limits)


def test_input_kind_from_the_first_bytes() -> None:
    assert worker.input_kind(b"PK\x03\x04rest") == "zip"
    assert worker.input_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "xls"
    assert worker.input_kind(b"Date;Montant") == "text"


# ---------------------------------------------------------------------------------------------
# Hostile files, fenced


def _fenced(code: str, memory_mb: int = 1500) -> dict:
    out = bombs.run_fenced(code, memory_mb=memory_mb)
    assert out["returncode"] == 0, out["stderr"]
    return out


_FENCE_HEAD = """
import io, json, os, tempfile, time
from kpi import i18n
from kpi.data import worker
from kpi.errors import PiloteError
from tests import bombs
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
"""


def test_lying_workbook_is_refused_while_the_parent_stays_flat(tmp_path: Path) -> None:
    code = (
        _FENCE_HEAD
        + f"""
path = os.path.join({str(tmp_path)!r}, "menteur.xlsx")
with open(path, "wb") as fh:
    compressed, real = bombs.lying_workbook(fh, inflated_bytes=600_000_000)
before = hwm()
started = time.monotonic()
try:
    worker.load_in_worker(path, "menteur.xlsx")
    key = None
except PiloteError as exc:
    key = exc.key
print(json.dumps({{"key": key, "growth": hwm() - before, "seconds": time.monotonic() - started,
                   "compressed": compressed, "real": real}}))
"""
    )
    out = _fenced(code)
    assert out["real"] > 590_000_000 and out["compressed"] < 3_000_000
    # counted, not claimed: 7 million rows, ratio about 300 — whichever check trips first
    assert out["key"] in ("zipguard.too_many_rows", "zipguard.bomb", "zipguard.too_big")
    assert out["growth"] < 60  # MB: the parent never held the inflated sheet


def test_without_the_zip_check_the_worker_still_holds_the_line(tmp_path: Path) -> None:
    # Today's loader trusts the directory's sizes; run it on the lying workbook in a worker
    # with a 400 MB budget: the child dies of it, the parent does not notice.
    code = (
        _FENCE_HEAD
        + f"""
path = os.path.join({str(tmp_path)!r}, "menteur.xlsx")
with open(path, "wb") as fh:
    bombs.lying_workbook(fh, inflated_bytes=600_000_000)
before = hwm()
try:
    worker.run(bombs.job_load_unguarded, path, "menteur.xlsx",
               budget=worker.Budget(400 << 20, 60, 120), name="menteur.xlsx")
    key = None
except PiloteError as exc:
    key = exc.key
print(json.dumps({{"key": key, "growth": hwm() - before}}))
"""
    )
    out = _fenced(code)
    assert out["key"] in ("worker.out_of_memory", "worker.crashed")
    assert out["growth"] < 60


def test_sparse_workbook_that_asks_gigabytes_is_stopped(tmp_path: Path) -> None:
    # Two cells, A1 and SF1048576: calamine allocates the whole 1,048,576 × 500 grid (16 GB).
    # The zip check sees the far cell and refuses the sheet before any reader allocates it;
    # without that check, the worker's memory limit stops the reader.
    code = (
        _FENCE_HEAD
        + f"""
buf = io.BytesIO()
bombs.sparse_workbook(buf)
path = os.path.join({str(tmp_path)!r}, "creux.xlsx")
with open(path, "wb") as fh:
    fh.write(buf.getvalue())
before = hwm()
keys = []
for job in ("loader", "unguarded"):
    started = time.monotonic()
    try:
        if job == "loader":
            worker.load_in_worker(buf.getvalue(), "creux.xlsx")
        else:
            worker.run(bombs.job_load_unguarded, path, "creux.xlsx",
                       budget=worker.budget_for(len(buf.getvalue()), "zip"), name="creux.xlsx")
        keys.append(None)
    except PiloteError as exc:
        keys.append(exc.key)
    keys.append(time.monotonic() - started)
print(json.dumps({{"keys": keys, "size": len(buf.getvalue()), "growth": hwm() - before}}))
"""
    )
    out = _fenced(code)
    assert out["size"] < 2000
    guarded, guarded_s, unguarded, _ = out["keys"]
    assert (guarded, unguarded) == ("zipguard.sparse_sheet", "worker.out_of_memory")
    assert guarded_s < 5
    assert out["growth"] < 60


def test_control_character_file_loads_in_the_worker() -> None:
    df, rep = worker.load_in_worker(bombs.control_characters_csv(), "régions.csv")
    assert rep.rows == 20
    # removed at load, and counted: 4 of the 5 labels hold one control character each
    assert set(df["Région"]) == {"NordEst", "Sud", "Ouest[31m", "Centre", "IDF"}
    warning = next(w for w in rep.warnings if w.key == "load.warn.control_chars")
    assert warning.text("fr").startswith("16 caractère(s) de contrôle retiré(s) dans 1 colonne(s)")


def test_result_tables_are_memory_mapped_not_copied(job_dir: Path) -> None:
    df, _meta = worker.run(bombs.job_frame_and_meta, 100_000, budget=SMALL)
    # The text column's bytes lie inside the mapping of the job's Arrow file (already
    # deleted): the parent made no copy of them.
    data = df["Région"].array.__arrow_array__().chunk(0).buffers()[2]
    mapped = []
    with open("/proc/self/maps") as fh:
        for line in fh:
            if "table-0.arrow" in line and "(deleted)" in line:
                start, end = (int(x, 16) for x in line.split()[0].split("-"))
                mapped.append((start, end))
    assert any(start <= data.address < end for start, end in mapped)
    assert not data.is_mutable
    assert not list(job_dir.iterdir())
    assert int(df["Montant"].isna().sum()) == 100_000
