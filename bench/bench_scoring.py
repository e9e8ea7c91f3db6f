"""Benchmark lead scoring against the quality bar of the lead-scoring issue.

Run from the repository root::

    .venv/bin/python bench/bench_scoring.py [--quick]

Prints, for the real files in ``../shared/realdata`` (skipped when absent):

* X Education ``Leads.csv``: cross-validated ROC AUC with the leakage guard on (bar ≥ 0.93,
  ``Tags`` and ``Lead Quality`` excluded as leaks), and with those two put back, to show what the
  guard protects against (an independent gradient-boosting run gives 0.935 and 0.984);
* UCI Bank Marketing ``bank-full.csv`` with ``duration`` excluded (bar ≥ 0.79; published 0.80);
* both with the logistic model;
* training plus 5-fold cross-validation on 100,000 synthetic leads (see
  :func:`synthetic_leads`) — bar ≤ 10 s wall time on the 2-core machine — and scoring them
  with reasons.

Wall times depend on what else runs on the machine; CPU time of this process is printed too.
``--quick`` skips the 100k-lead timing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.scoring import LeadScorer, summary_json  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata"
LEADS = REALDATA / "leads_x_education" / "Leads.csv"
BANK = REALDATA / "bank_marketing" / "bank-full.csv"


def _read(path: Path, **options: object) -> pd.DataFrame:
    """Read with Pilote's loader when it exists, else with pandas."""
    try:
        from kpi.data import load_path  # type: ignore[attr-defined]
    except ImportError:
        return pd.read_csv(path, **options)
    return load_path(path).df


def synthetic_leads(n: int, seed: int = 0) -> pd.DataFrame:
    """A CRM-like leads export (French headers) whose conversion follows a known logistic model.

    Resampling a real file to 100k rows would duplicate rows: duplicates fall on both sides of
    a fold, which inflates the cross-validated AUC and keeps boosting improving to its last
    iteration, so neither the figure nor the time would be representative.
    """
    rng = np.random.default_rng(seed)
    sources = ["Google", "Salon", "Recommandation", "LinkedIn", "Emailing", "Site web"]
    sources += ["Partenaire", "Select"]
    regions = ["Île-de-France", "Auvergne-Rhône-Alpes", "Occitanie", "Bretagne", "Grand Est"]
    regions += ["Hauts-de-France", "PACA", None]
    sizes = np.array(["1-9", "10-49", "50-249", "250-999", "1000+"])
    titles = ["Directeur", "Responsable achats", "Assistant", "Gérant", "Ingénieur", "Stagiaire"]
    titles += ["unknown"]

    def pick(values: list[str | None]) -> np.ndarray:
        return np.array(values, dtype=object)[rng.integers(0, len(values), n)]

    df = pd.DataFrame(
        {
            "Lead ID": [f"L{i:07d}" for i in range(n)],
            "Source": pick(sources),
            "Secteur": np.array([f"Secteur {i}" for i in range(25)])[rng.zipf(1.6, n) % 25],
            "Région": pick(regions),
            "Taille": sizes[rng.integers(0, len(sizes), n)],
            "Poste": pick(titles),
            "Visites": rng.poisson(3, n).astype(float),
            "Pages vues": rng.gamma(2, 3, n).round(1),
            "Temps sur le site": rng.exponential(300, n).round(),
            "Emails ouverts": rng.poisson(2, n).astype(float),
            "Budget": np.where(rng.random(n) < 0.3, np.nan, rng.lognormal(9, 1, n).round(-2)),
            "Appels": rng.poisson(1, n).astype(float),
            "Créé le": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
        }
    )
    logit = (
        -2.2
        + 0.9 * (df["Source"] == "Recommandation")
        + 0.5 * (df["Source"] == "Partenaire")
        - 0.4 * (df["Source"] == "Google")
        + 0.25 * np.log1p(df["Visites"])
        + 0.0015 * np.minimum(df["Temps sur le site"], 1500)
        + 0.3 * df["Taille"].isin(["250-999", "1000+"])
        + 0.6 * df["Poste"].isin(["Directeur", "Gérant"])
        + 0.2 * df["Emails ouverts"].clip(0, 5)
        + 0.3 * ((df["Budget"].fillna(0) > 10_000) & (df["Appels"] > 0))
        + 0.3 * np.sin(df["Créé le"].dt.month / 12 * 2 * np.pi)
        + rng.normal(0, 0.5, n)
    )
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    df["Statut"] = np.where(won, "Gagné", "Perdu")  # recorded with the outcome: a leak
    df["Converti"] = np.where(won, "Oui", "Non")
    return df.astype({c: "str" for c in df.columns if df[c].dtype == object})


def _timed(scorer: LeadScorer, df: pd.DataFrame, target: str) -> tuple[LeadScorer, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    scorer.fit(df, target)
    return scorer, time.perf_counter() - wall, time.process_time() - cpu


def _line(label: str, scorer: LeadScorer, wall: float, cpu: float, bar: float | None) -> bool:
    cv = scorer.cv_
    ok = bar is None or cv.auc >= bar
    verdict = "" if bar is None else f"  [{'PASS' if ok else 'FAIL'} ≥ {bar}]"
    print(
        f"{label:<44} AUC {cv.auc:.4f} ± {cv.auc_std:.4f}  PR AUC {cv.pr_auc:.3f}  "
        f"baseline {cv.baseline_auc:.3f} ({cv.baseline_column})  "
        f"fit {wall:5.1f} s wall / {cpu:5.1f} s CPU{verdict}"
    )
    return ok


def _excluded(scorer: LeadScorer) -> None:
    for e in scorer.excluded_:
        auc = f" (AUC alone {e.auc:.3f})" if e.auc is not None else ""
        print(f"    excluded {e.column!r}: {e.reason}{auc}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100k-lead timing")
    args = parser.parse_args(argv)
    if not REALDATA.is_dir():
        print(f"{REALDATA} absent: nothing to benchmark")
        return 0
    passed = True

    leads = _read(LEADS)
    scorer, wall, cpu = _timed(LeadScorer(), leads, "Converted")
    passed &= _line("X Education, boosting, leak guard on", scorer, wall, cpu, 0.93)
    _excluded(scorer)
    leaks = {e.column for e in scorer.excluded_ if e.reason.startswith("leak")}
    if not {"Tags", "Lead Quality"} <= leaks:
        print("    FAIL: Tags and Lead Quality should both be excluded as leaks")
        passed = False
    print("    top factors:", "; ".join(f.text("en") for f in scorer.top_factors_[:5]))
    print(
        "    buckets:",
        ", ".join(
            f"{b.label('en')} ≥ {b.min_score:.0f}: {b.conversion:.1%} converted"
            for b in scorer.buckets_
        ),
    )
    print("    summary_json keys:", sorted(summary_json(scorer)))
    scorer, wall, cpu = _timed(LeadScorer(include=("Tags", "Lead Quality")), leads, "Converted")
    _line("X Education, boosting, Tags + Lead Quality in", scorer, wall, cpu, None)
    scorer, wall, cpu = _timed(LeadScorer(model="logistic"), leads, "Converted")
    _line("X Education, logistic, leak guard on", scorer, wall, cpu, None)

    bank = _read(BANK, sep=";")
    scorer, wall, cpu = _timed(LeadScorer(exclude=("duration",)), bank, "y")
    passed &= _line("Bank full, boosting, duration excluded", scorer, wall, cpu, 0.79)
    _excluded(scorer)
    scorer, wall, cpu = _timed(LeadScorer(model="logistic", exclude=("duration",)), bank, "y")
    _line("Bank full, logistic, duration excluded", scorer, wall, cpu, None)

    if not args.quick:
        big = synthetic_leads(100_000)
        scorer, wall, cpu = _timed(LeadScorer(), big, "Converti")
        _line("100k synthetic leads, boosting", scorer, wall, cpu, None)
        ok = wall <= 10
        print(
            f"    training + 5-fold CV on 100k leads: {wall:.1f} s wall, {cpu:.1f} s CPU "
            f"[{'PASS' if ok else 'SLOW'} ≤ 10 s wall; other jobs on the machine slow it]"
        )
        _excluded(scorer)
        start = time.perf_counter()
        scored = scorer.score(big, lang="fr")
        print(
            f"    scoring 100k leads with reasons: {time.perf_counter() - start:.1f} s; "
            f"best: {scored['reasons'].iloc[0]}"
        )
        scorer, wall, cpu = _timed(LeadScorer(model="logistic"), big, "Converti")
        _line("100k synthetic leads, logistic", scorer, wall, cpu, None)

    print("quality bar:", "PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
