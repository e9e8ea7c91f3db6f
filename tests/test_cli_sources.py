"""The CLI on tools' exports and several related files: ``inspect`` says which tool, ``kpis``
breaks KPIs down by a dimension from a joined lookup (``--by manager``), and several
currencies are given per currency or converted with ``--rate``."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import ROOT, realdata

FIXTURES = ROOT / "tests" / "fixtures" / "sources"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_inspect_says_which_tool() -> None:
    proc = run("inspect", str(FIXTURES / "pipedrive_deals_fr.csv"), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["source"] == {"tool": "pipedrive", "export": "deals", "lang": "fr"}
    assert doc["kind"] == "deals" and doc["mapping"]["won"] == "Gagnée (Pilote)"
    text = run("inspect", str(FIXTURES / "pipedrive_deals_fr.csv"), "--lang", "fr").stdout
    assert "Reconnu : Pipedrive — export des affaires (FR)" in text
    assert "victoire/perte lues dans « Affaire - Statut »" in text


def test_kpis_per_currency_and_converted() -> None:
    path = str(FIXTURES / "stripe_payments_multicurrency_en.csv")
    proc = run("kpis", path, "--json")
    doc = json.loads(proc.stdout)
    revenue = next(k for k in doc["kpis"] if k["id"] == "revenue")
    assert revenue["currency"] == "EUR" and revenue["value"] == 280.0
    assert doc["warnings"] == ["3 currencies: EUR 80%, USD 15%, GBP 5%"]
    text = run("kpis", path).stdout
    assert "€280.00  [US$81.00 · £29.00]" in text
    usd = json.loads(run("kpis", path, "--currency", "USD", "--json").stdout)
    assert next(k for k in usd["kpis"] if k["id"] == "revenue")["value"] == 81.0
    converted = json.loads(
        run("kpis", path, "--rate", "USD=0,9", "--rate", "GBP=1.2", "--json").stdout
    )
    value = next(k for k in converted["kpis"] if k["id"] == "revenue")["value"]
    assert value == pytest.approx(280 + 81 * 0.9 + 29 * 1.2)
    bad = run("kpis", path, "--rate", "USD=-1")
    assert bad.returncode == 2 and "USD=-1" in bad.stderr


def test_by_needs_a_known_dimension() -> None:
    path = str(FIXTURES / "pipedrive_deals_en.csv")
    proc = run("kpis", path, "--by", "nothing")
    assert proc.returncode == 2
    assert "Usable dimensions" in proc.stderr and "rep (Deal - Owner)" in proc.stderr
    unmapped = run("kpis", path, "--by", "Organization - Name")
    assert unmapped.returncode == 2 and "--map segment=" in unmapped.stderr
    by_rep = json.loads(run("kpis", path, "--by", "Deal - Owner", "--json").stdout)
    assert by_rep["by"] == "rep" and by_rep["by_column"] == "Deal - Owner"
    # Ana Ruiz: deal 1 won, 5 lost, 3 open → 1/2; Ben Carter: 4 won, 2 lost → 1/2; won
    # amounts 1,000 and 3,000.
    got = {
        part["value"]: {k["id"]: k["value"] for k in part["kpis"]} for part in by_rep["breakdown"]
    }
    assert set(got) == {"Ana Ruiz", "Ben Carter"}
    assert got["Ana Ruiz"]["win_rate"] == 0.5 and got["Ana Ruiz"]["avg_deal_size"] == 1000
    assert got["Ben Carter"]["avg_deal_size"] == 3000


@pytest.mark.realdata
def test_a_leaderboard_by_manager_from_the_four_crm_files() -> None:
    folder = realdata("crm_sales_opportunities/sales_pipeline.csv").parent
    files = [str(folder / f) for f in ("sales_pipeline.csv", "sales_teams.csv",
                                        "accounts.csv", "products.csv")]  # fmt: skip
    proc = run("kpis", *files, "--by", "manager", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["by"] == "team" and doc["by_column"] == "manager"
    assert [lk["lookup"] for lk in doc["links"]] == ["sales_teams.csv", "accounts.csv",
                                                    "products.csv"]  # fmt: skip
    assert doc["links"][0]["coverage"] == 1.0
    assert doc["links"][2]["unmatched"] == ["GTXPro"]
    # By hand: pandas merge of the pipeline and the teams, per manager.
    deals = pd.read_csv(folder / "sales_pipeline.csv").merge(
        pd.read_csv(folder / "sales_teams.csv"), on="sales_agent"
    )
    won = deals[deals["deal_stage"] == "Won"].groupby("manager")
    lost = deals[deals["deal_stage"] == "Lost"].groupby("manager").size()
    expected_rate = won.size() / (won.size() + lost)
    expected_size = won["close_value"].mean()
    got = {part["value"]: {k["id"]: k["value"] for k in part["kpis"]} for part in doc["breakdown"]}
    assert set(got) == set(expected_rate.index) and len(got) == 6
    for manager, kpis in got.items():
        assert kpis["win_rate"] == pytest.approx(expected_rate[manager], abs=1e-4)
        assert kpis["avg_deal_size"] == pytest.approx(expected_size[manager], abs=0.01)
    text = run("kpis", *files, "--by", "manager", "--lang", "fr").stdout
    assert "Par Équipe (manager) :" in text and "Melvin Marxen" in text
