"""A scorer as a JSON-safe dict, for ``python -m kpi score --json``."""

from __future__ import annotations

from typing import Any

from kpi.scoring.model import LeadScorer
from kpi.scoring.records import Bucket
from kpi.scoring.rules import RuleScorer
from kpi.scoring.values import _float

# --------------------------------------------------------------------------------------------
# Command-line summary
# --------------------------------------------------------------------------------------------


def summary_json(result: LeadScorer | RuleScorer) -> dict[str, Any]:
    """The figures of ``python -m kpi score … --json``, JSON-serialisable (no numpy types).

    Keys: ``rows``, ``base_rate``, ``model``, ``cv_auc``, ``cv_auc_std``, ``excluded``
    (``[{column, reason, auc}]``), ``top_factors``; plus ``target``, ``rows_open``,
    ``features``, ``pr_auc``, ``baseline_auc``, ``baseline_column``, ``buckets``, ``lift``.
    For a :class:`RuleScorer` the validation figures are None and ``top_factors`` lists the
    rules.
    """
    if isinstance(result, RuleScorer):
        return {
            "rows": None,
            "base_rate": None,
            "model": "rules",
            "cv_auc": None,
            "cv_auc_std": None,
            "excluded": [],
            "top_factors": [
                {
                    "column": str(r.column),
                    "operator": r.operator,
                    "value": list(r.value) if isinstance(r.value, (list, tuple)) else r.value,
                    "points": float(r.points),
                    "criterion": r.criterion,
                }
                for r in result.top_factors_
            ],
            "buckets": [_bucket_json(b) for b in result.buckets_],
        }
    result._check_fitted()
    cv = result.cv_
    return {
        "rows": int(result.n_rows_),
        "base_rate": _float(result.base_rate_),
        "model": result.model,
        "cv_auc": _float(cv.auc),
        "cv_auc_std": _float(cv.auc_std),
        "excluded": [
            {"column": str(e.column), "reason": e.reason, "auc": _float(e.auc)}
            for e in result.excluded_
        ],
        "top_factors": [
            {
                "column": str(f.column),
                "importance": _float(f.importance),
                "own_auc": _float(f.own_auc),
                "direction": f.direction,
                "levels": [{"value": v, "odds_ratio": _float(ratio)} for v, ratio in f.levels],
            }
            for f in result.top_factors_[:10]
        ],
        "target": str(result.target_),
        "rows_open": int(result.n_open_),
        "features": [str(c) for c in result.features_],
        "pr_auc": _float(cv.pr_auc),
        "baseline_auc": _float(cv.baseline_auc),
        "baseline_column": cv.baseline_column,
        "buckets": [_bucket_json(b) for b in result.buckets_],
        "lift": [
            {
                k: (int(v) if k in ("decile", "leads", "conversions") else _float(v))
                for k, v in row.items()
            }
            for row in cv.lift.to_dict("records")
        ],
    }


def _bucket_json(b: Bucket) -> dict[str, Any]:
    return {
        "bucket": b.id,
        "min_score": _float(b.min_score),
        "max_score": _float(b.max_score),
        "leads": int(b.leads),
        "share": _float(b.share),
        "conversion": _float(b.conversion),
    }
