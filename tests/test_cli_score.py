"""`python -m kpi score`: JSON keys, the leakage guard on real data, scored file, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import ROOT, realdata


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpi", "score", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_sample_leads_json_and_scored_file(tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "scored.csv"
    proc = run(str(ROOT / "sample_data" / "leads.csv"), "--json", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert {"rows", "base_rate", "model", "cv_auc", "cv_auc_std", "excluded", "top_factors"} <= set(
        doc
    )
    assert doc["model"] == "boosting"
    assert 0.65 < doc["cv_auc"] < 0.95
    excluded = {e["column"]: e["reason"] for e in doc["excluded"]}
    assert excluded.get("Lead Status", "").startswith("leak")
    scored = pd.read_csv(out, sep=None, engine="python", encoding="utf-8-sig")
    assert "score" in scored.columns
    assert scored["score"].is_monotonic_decreasing  # best first


@pytest.mark.realdata
def test_x_education_leaks_are_excluded() -> None:
    proc = run(str(realdata("leads_x_education/Leads.csv")), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    excluded = {e["column"]: e["reason"] for e in doc["excluded"]}
    assert excluded["Tags"].startswith("leak") and excluded["Lead Quality"].startswith("leak")
    assert doc["cv_auc"] >= 0.93


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--target", "Nope"], "Available columns"),
        (["--exclude", "Nope"], "Available columns"),
        (["--out", "x.pdf"], ".csv, .xlsx"),
        (["--model", "forest"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2(args: list[str], needle: str) -> None:
    proc = run(str(ROOT / "sample_data" / "leads.csv"), *args)
    assert proc.returncode == 2 and needle in proc.stderr and "Traceback" not in proc.stderr


def test_no_outcome_column_exits_2() -> None:
    proc = run(str(ROOT / "sample_data" / "depenses_marketing.csv"))
    assert proc.returncode == 2 and "--target" in proc.stderr
