"""Honest validation figures: the cross-validation summary from out-of-fold scores, and the Hot /
Warm / Cold buckets cut at their quantiles."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from kpi.scoring.records import Bucket, Validation
from kpi.scoring.values import _float

#: Share of historical leads (by out-of-fold score) in the Hot and Warm buckets.
HOT_SHARE = 0.2
WARM_SHARE = 0.3


def _validation(
    y: np.ndarray,
    oof: np.ndarray,
    fold_auc: list[float],
    baseline_auc: float | None,
    baseline_column: str | None,
) -> Validation:
    base = float(y.mean())
    order = np.argsort(-oof, kind="stable")
    deciles = np.empty(len(y), dtype=int)
    deciles[order] = np.arange(len(y)) * 10 // len(y) + 1
    lift = (
        pd.DataFrame({"decile": deciles, "y": y})
        .groupby("decile")
        .agg(leads=("y", "size"), conversions=("y", "sum"))
        .reset_index()
    )
    lift["rate"] = lift["conversions"] / lift["leads"]
    lift["lift"] = lift["rate"] / base
    lift["cum_leads_share"] = lift["leads"].cumsum() / len(y)
    lift["cum_gain"] = lift["conversions"].cumsum() / y.sum()
    bins = pd.qcut(pd.Series(oof).rank(method="first"), 10, labels=False)
    calibration = (
        pd.DataFrame({"bin": bins, "p": oof, "y": y})
        .groupby("bin")
        .agg(predicted=("p", "mean"), observed=("y", "mean"), leads=("y", "size"))
        .reset_index(drop=True)
    )
    return Validation(
        auc=float(np.mean(fold_auc)),
        auc_std=float(np.std(fold_auc)),
        fold_auc=tuple(fold_auc),
        pr_auc=float(average_precision_score(y, oof)),
        base_rate=base,
        baseline_auc=_float(baseline_auc),
        baseline_column=baseline_column,
        rows=len(y),
        positives=int(y.sum()),
        lift=lift,
        calibration=calibration,
    )


def _buckets(oof: np.ndarray, y: np.ndarray) -> list[Bucket]:
    """Hot ≈ top 20 % of historical leads by out-of-fold score, Warm ≈ next 30 %, Cold = rest.

    Bounds are whole scores, like the scores shown, so that a lead's bucket can be read from
    its score.
    """
    scores = np.round(oof * 100)
    hot = float(np.quantile(scores, 1 - HOT_SHARE, method="higher"))
    warm = float(np.quantile(scores, 1 - HOT_SHARE - WARM_SHARE, method="higher"))
    out = []
    for bid, low, high in (("hot", hot, 100.0), ("warm", warm, hot), ("cold", 0.0, warm)):
        mask = (scores >= low) & ((scores < high) | (bid == "hot"))
        n = int(mask.sum())
        out.append(
            Bucket(
                id=bid,
                min_score=low,
                max_score=high,
                leads=n,
                share=n / len(y),
                conversion=float(y[mask].mean()) if n else None,
            )
        )
    return out


def _bucket_of(scores: np.ndarray, buckets: Sequence[Bucket]) -> np.ndarray:
    ids = np.full(len(scores), buckets[-1].id, dtype=object)
    for b in reversed(buckets):
        ids[scores >= b.min_score] = b.id
    return ids
