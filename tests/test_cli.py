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
