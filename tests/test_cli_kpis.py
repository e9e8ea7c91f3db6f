"""`python -m kpi kpis`: the KPI_SPEC.md reference values on the real files, through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, realdata


def kpis(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "kpi", "kpis", *args, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    return {k["id"]: k for k in doc["kpis"]} | {"_doc": doc}


@pytest.mark.realdata
def test_online_retail() -> None:
    path = str(realdata("online_retail/online_retail_uci_by-day_concatenated.csv"))
    k = kpis(path)
    assert k["revenue"]["value"] == pytest.approx(9_747_747.93, abs=0.01)
    assert k["orders"]["value"] == 19_960
    assert k["aov"]["value"] == pytest.approx(488.36, abs=0.005)
    assert k["customers"]["value"] == 4_372
    nov = kpis(path, "--period", "2011-11")
    assert nov["revenue"]["value"] == pytest.approx(1_461_756.25, abs=0.01)


@pytest.mark.realdata
def test_crm_pipeline() -> None:
    k = kpis(str(realdata("crm_sales_opportunities/sales_pipeline.csv")))
    assert k["win_rate"]["value"] == pytest.approx(0.6315, abs=0.00005)
    assert k["sales_cycle_days"]["value"] == pytest.approx(51.78, abs=0.005)
    assert k["avg_deal_size"]["value"] == pytest.approx(2_360.91, abs=0.005)
    assert k["win_rate"]["detail"] == {"won": 4_238, "lost": 2_473}
    assert k["avg_deal_size"]["detail"]["won_value"] == pytest.approx(10_005_534)


@pytest.mark.realdata
def test_superstore() -> None:
    path = str(realdata("superstore/Sample - Superstore.csv"))
    k = kpis(path)
    assert k["revenue"]["value"] == pytest.approx(2_326_534.35, abs=0.01)
    assert k["gross_margin"]["value"] == pytest.approx(292_296.81, abs=0.01)
    assert k["gross_margin_pct"]["value"] == pytest.approx(0.1256, abs=0.00005)
    assert k["orders"]["value"] == 5_111
    assert kpis(path, "--period", "2022")["revenue"]["value"] == pytest.approx(745_567.53, abs=0.01)


@pytest.mark.realdata
def test_sales_data_sample_excludes_cancelled() -> None:
    k = kpis(str(realdata("sales_data_sample/sales_data_sample.csv")))
    assert k["revenue"]["value"] == pytest.approx(9_838_141.37, abs=0.01)


def test_sample_data_objectives_in_french() -> None:
    files = sorted(str(p) for p in (ROOT / "sample_data").glob("*.csv"))
    k = kpis(
        *files,
        "--objective",
        "grow_revenue",
        "--objective",
        "keep_customers",
        "--period",
        "2025-Q4",
        "--lang",
        "fr",
    )
    doc = k["_doc"]
    assert doc["currency"] == "EUR"
    assert k["revenue"]["label"] == "Chiffre d'affaires"
    for item in doc["kpis"]:
        assert {"id", "label", "value", "unit", "previous", "change", "target", "status"} <= set(
            item
        )
    # ratios are fractions
    assert 0 <= k["retention_rate"]["value"] <= 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--objective", "nope"], "grow_revenue"),
        (["--period", "2025-13"], "2024-Q1"),
        (["--map", "nope=X"], "Valid roles"),
        (["--map", "amount=NoSuchColumn"], "Available columns"),
        (["--target", "revenue=abc"], "KPI=VALUE"),
    ],
)
def test_bad_arguments_exit_2(args: list[str], needle: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kpi", "kpis", str(ROOT / "sample_data" / "ventes.csv"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_subscription_kpis_of_a_stripe_export() -> None:
    # the hand figures of tests/metrics/test_subscriptions.py, under the catalogue's ids
    path = str(ROOT / "tests" / "fixtures" / "sources" / "stripe_subscriptions.csv")
    k = kpis(path, "--period", "2024-03", "--objective", "recurring_revenue")
    assert k["_doc"]["currency"] == "EUR"
    expected = {"mrr": 805.09, "arr": 9661.08, "new_mrr": 79.60, "reactivation_mrr": 39.99,
                "expansion_mrr": 99.80, "contraction_mrr": 40.00, "churned_mrr": 79.00,
                "net_new_mrr": 100.39, "logo_churn_rate": 1 / 7, "arpa": 805.09 / 8}  # fmt: skip
    for kpi_id, value in expected.items():
        assert k[kpi_id]["value"] == pytest.approx(value, abs=0.005), kpi_id
    assert k["nrr"]["value"] == pytest.approx(548.49 / 478.69, abs=0.00005)
    assert k["mrr"]["previous"] == 704.70 and k["mrr"]["previous_year"] == 478.69
    assert k["mrr"]["detail"]["customers"] == 8 and k["mrr"]["formatted"] == "€805.09"


def test_text_output_changes_in_points_for_rates_and_labels_projections(tmp_path) -> None:  # noqa: ANN001
    # The sales of the demo company, cut on 9 December 2025: December is in progress.
    lines = (ROOT / "sample_data" / "ventes.csv").read_bytes().decode("cp1252").splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("N° commande"))
    kept = [
        line for line in lines[head + 1 :]
        if ";" in line and not line.startswith("Total") and not line.split(";")[1].startswith(
            tuple(f"{d:02d}/12/2025" for d in range(10, 32)))
    ]  # fmt: skip
    path = tmp_path / "ventes.csv"
    path.write_bytes("\r\n".join([lines[head], *kept]).encode("cp1252"))
    proc = subprocess.run(
        [sys.executable, "-m", "kpi", "kpis", str(path), "--period", "2025-12", "--lang", "fr"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("décembre 2025 — jusqu'au 9")
    revenue = next(line for line in out.splitlines() if "Chiffre d'affaires" in line)
    assert "vs période précédente, en projection" in revenue
    margin = next(line for line in out.splitlines() if "Taux de marge" in line)
    assert " pts vs période précédente" in margin  # a rate: points, not %
    doc = kpis(str(path), "--period", "2025-12")
    assert doc["_doc"]["period"]["state"] == "in_progress"
    assert doc["gross_margin_pct"]["change_kind"] == "points"
    assert doc["customers"]["change"] is None and doc["customers"]["notes"]
