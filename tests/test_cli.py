"""`python -m kpi inspect`: output, JSON keys, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kpi.cli import main
from tests.conftest import ROOT, french_export, realdata


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_inspect_json_keys(tmp_path, capsys) -> None:  # noqa: ANN001
    path = tmp_path / "ventes.csv"
    path.write_bytes(french_export())
    assert main(["inspect", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"rows", "columns", "kind", "mapping", "format", "dropped", "warnings"} <= set(doc)
    assert doc["rows"] == 40 and doc["kind"] == "orders"
    assert doc["mapping"]["amount"] == "Montant HT"
    fmt = doc["format"]
    assert (fmt["encoding"], fmt["delimiter"], fmt["decimal"], fmt["header_row"]) == (
        "cp1252",
        ";",
        ",",
        4,
    )
    assert fmt["sheet"] is None
    assert {d["code"]: d["rows"] for d in doc["dropped"]} == {"title": 2, "total": 1}


def test_inspect_text_in_french(tmp_path, capsys) -> None:  # noqa: ANN001
    path = tmp_path / "ventes.csv"
    path.write_bytes(french_export())
    assert main(["inspect", str(path), "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    assert "Montant HT" in out and "ligne(s) de total" in out


def test_map_override(tmp_path, capsys) -> None:  # noqa: ANN001
    path = tmp_path / "ventes.csv"
    path.write_bytes(french_export())
    assert main(["inspect", str(path), "--json", "--map", "customer_id=Commercial"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["mapping"]["customer_id"] == "Commercial"
    assert "rep" not in doc["mapping"]  # the column moved to the role the user chose


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["inspect", "/nonexistent/x.csv"], "not found"),
        (["inspect", "{empty}"], "empty"),
        (["inspect", "{ok}", "--map", "nope=Client"], "Valid roles: date, amount"),
        (["inspect", "{ok}", "--map", "amount=Client"], "does not hold number"),
        (["inspect", "{ok}", "--map", "amount"], "ROLE=COLUMN"),
        (["inspect", "{ok}", "--sheet", "X"], ""),  # a sheet on a CSV is ignored
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, args: list[str], needle: str) -> None:  # noqa: ANN001
    ok = tmp_path / "ok.csv"
    ok.write_bytes(french_export())
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    args = [a.format(ok=ok, empty=empty) for a in args]
    proc = run(*args)
    if needle == "":
        assert proc.returncode == 0
        return
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert needle in proc.stderr


def test_unknown_command_exits_2() -> None:
    proc = run("frobnicate")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_real_file_through_the_cli() -> None:
    path = realdata("crm_sales_opportunities/sales_pipeline.csv")
    proc = run("inspect", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["rows"] == 8_800 and doc["kind"] == "deals"
    assert doc["mapping"]["stage"] == "deal_stage"


# ---------------------------------------------------------------------------------------------
# Hostile paths and arguments: exit 2 with one line, before any long work


def _read_only_folder(tmp_path) -> str:  # noqa: ANN001
    """A folder nobody may write to: sysfs as root (who ignores file modes), else a chmod."""
    import os

    if os.geteuid() == 0:
        return "/sys"
    folder = tmp_path / "lecture_seule"
    folder.mkdir()
    folder.chmod(0o555)
    return str(folder)


def _one_line_exit_2(proc: subprocess.CompletedProcess[str], needle: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert needle in proc.stderr


@pytest.mark.parametrize(
    ("command", "needle"),
    [
        (["inspect", "{dir}"], "is a folder, not a file"),
        (["inspect", "{fifo}"], "is a named pipe (FIFO), not a file"),
        (["inspect", "/dev/zero"], "is a device, not a file"),
        (["inspect", "/dev/null"], "is a device, not a file"),
        (["kpis", "{ok}", "{dir}"], "is a folder, not a file"),
        (["report", "{ok}", "{fifo}", "--out", "{tmp}/r.html"], "is a named pipe"),
        (["score", "/dev/zero"], "is a device, not a file"),
        (["score", "{ok}", "--predict", "{dir}"], "is a folder, not a file"),
    ],
)
def test_only_regular_files_are_read(tmp_path, command: list[str], needle: str) -> None:  # noqa: ANN001
    import os

    ok = tmp_path / "ok.csv"
    ok.write_bytes(french_export())
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)  # reading it would wait forever for a writer
    args = [a.format(ok=ok, dir=tmp_path, fifo=fifo, tmp=tmp_path) for a in command]
    _one_line_exit_2(run(*args), needle)
    assert not (tmp_path / "r.html").exists()


def test_an_unreadable_file_exits_2(tmp_path, monkeypatch, capsys) -> None:  # noqa: ANN001
    import os

    path = tmp_path / "secret.csv"
    path.write_bytes(french_export())
    real_open = os.open

    def refuse(file, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003 - as a chmod 000 would
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    assert main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: Cannot read {path} (Permission denied). Check the file's permissions."]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--period", "0001-01"], "outside the years Pilote handles (1900 to 2199)"),
        (["--period", "0001"], "outside the years"),
        (["--period", "1899-Q4"], "outside the years"),
        (["--period", "2024-01-01..9999-12-31"], "outside the years"),
        (["--period", "2024-13"], "Unknown period"),
        (["--target", "revenue=1e308"], "a target must be a finite number"),
        (["--target", "revenue=-1e16"], "a target must be a finite number"),
        (["--target", "revenue=nan"], "a target must be a finite number"),
        (["--target", "revenue=inf"], "a target must be a finite number"),
    ],
)
def test_out_of_range_periods_and_targets_exit_2(tmp_path, extra: list[str], needle: str) -> None:  # noqa: ANN001
    ok = tmp_path / "ok.csv"
    ok.write_bytes(french_export())
    _one_line_exit_2(run("kpis", str(ok), *extra), needle)
    _one_line_exit_2(run("report", str(ok), *extra, "--out", str(tmp_path / "r.xlsx")), needle)


def test_score_checks_its_output_before_training(tmp_path, monkeypatch, capsys) -> None:  # noqa: ANN001
    from kpi.scoring import LeadScorer

    def never(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("the model was trained before the output path was checked")

    monkeypatch.setattr(LeadScorer, "fit", never)
    leads = str(ROOT / "sample_data" / "leads.csv")
    folder = _read_only_folder(tmp_path)
    for out, needle in (
        (f"{folder}/scores.csv", "Cannot write"),
        (str(tmp_path / "missing" / "scores.csv"), "does not exist"),
        (str(tmp_path), "possible extensions are .csv, .xlsx"),
    ):
        assert main(["score", leads, "--out", out]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and needle in err[0], err


def test_report_to_a_read_only_place_exits_2_before_reading(tmp_path) -> None:  # noqa: ANN001
    folder = _read_only_folder(tmp_path)
    proc = run("report", "/dev/zero", "--out", f"{folder}/rapport.html")
    _one_line_exit_2(proc, "Cannot write the report")
