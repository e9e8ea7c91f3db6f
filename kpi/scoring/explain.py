"""Explanations: each column's effect on a lead's log-odds (centred partial dependence, computed
once at fit), turned into a lead's top reasons in French or English."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer

from kpi import i18n
from kpi.scoring.features import _prepared_names
from kpi.scoring.records import Bucket
from kpi.scoring.validation import _bucket_of
from kpi.scoring.values import MISSING_TOKENS, _clean_value, _norm

_STRONG = 0.7  # |log-odds| contribution for "strongly" (odds × 2)
_NOTABLE = 0.15  # smallest contribution worth naming in a lead's reasons
_TOP_REASONS = 3


_UNSEEN = -1.0  # the code of a category never seen in training


@dataclass(frozen=True, eq=False)
class _Effect:
    """One feature's centred partial dependence: its effect on the log-odds by value.

    The effect of value ``v`` is the model's mean log-odds over a sample of historical leads
    whose value is set to ``v``, minus the mean over the sample's own values; so a lead's
    effects say how it differs from a typical lead. For the logistic model this is exactly the
    coefficient × (value − mean).
    """

    kind: str
    grid: np.ndarray  # category codes, or sorted numbers (date: age in days)
    effect: np.ndarray
    weights: np.ndarray  # share of historical leads at each category (categories only)
    missing: float
    missing_share: float
    other: float  # categories only: a category outside the grid

    def lookup(self, values: np.ndarray) -> np.ndarray:
        missing = pd.isna(values)
        if self.kind == "cat":
            pos = pd.Index(self.grid).get_indexer(values)
            out = np.where(pos >= 0, self.effect[np.maximum(pos, 0)], self.other)
        elif len(self.grid):
            out = np.interp(np.where(missing, 0.0, values.astype(float)), self.grid, self.effect)
        else:
            out = np.zeros(len(values))
        return np.where(missing, self.missing, out)


def _partial_dependence(
    encoder: ColumnTransformer,
    clf: BaseEstimator,
    prepared: pd.DataFrame,
    kinds: Sequence[str],
    rng: np.random.Generator,
    n_background: int = 150,
    max_levels: int = 60,
    max_points: int = 25,
) -> list[_Effect]:
    """Partial-dependence tables of every feature, in one batched prediction.

    Done once at fit so that explaining any number of leads afterwards is a lookup.
    """
    n = len(prepared)
    background = prepared.iloc[np.sort(rng.choice(n, min(n, n_background), replace=False))]
    m = len(background)
    grids: list[dict[str, np.ndarray]] = []
    for i, kind in enumerate(kinds):
        names = _prepared_names(i, kind)
        first = prepared[names[0]]
        if kind == "cat":
            levels = first.value_counts(dropna=True).index[:max_levels].to_numpy(dtype=float)
            grids.append({names[0]: np.concatenate([levels, [np.nan, _UNSEEN]])})
            continue
        values = first.to_numpy(dtype=float)
        filled = np.flatnonzero(~np.isnan(values))
        if kind == "num":
            points = np.unique(values[filled])
            if len(points) > max_points:
                points = np.unique(np.quantile(values[filled], np.linspace(0, 1, max_points)))
            grids.append({names[0]: np.append(points, np.nan)})
            continue
        order = filled[np.argsort(values[filled], kind="stable")]
        picks = order[((np.arange(12) + 0.5) * len(order) / 12).astype(int)] if len(order) else []
        grids.append(
            {name: np.append(prepared[name].to_numpy(dtype=float)[picks], np.nan) for name in names}
        )
    sizes = [len(next(iter(g.values()))) for g in grids]
    total = sum(sizes)
    big = {col: np.tile(background[col].to_numpy(dtype=float), total) for col in prepared}
    offset = 0
    for grid, size in zip(grids, sizes, strict=True):
        for name, points in grid.items():
            big[name][offset * m : (offset + size) * m] = np.repeat(points, m)
        offset += size
    frame = pd.DataFrame(big, columns=prepared.columns)
    mean = clf.decision_function(encoder.transform(frame)).reshape(total, m).mean(axis=1)

    effects = []
    offset = 0
    for i, (kind, grid, size) in enumerate(zip(kinds, grids, sizes, strict=True)):
        first = _prepared_names(i, kind)[0]
        values = mean[offset : offset + size]
        offset += size
        points = grid[first]
        share_missing = float(prepared[first].isna().mean())
        if kind == "cat":
            counts = prepared[first].value_counts(dropna=True)
            raw = _Effect(
                kind,
                points[:-2],
                values[:-2],
                (counts.reindex(points[:-2]).to_numpy(dtype=float) / n),
                float(values[-2]),
                share_missing,
                float(values[-1]),
            )
        else:
            numbers = points[:-1].astype(float)
            keep = ~np.isnan(numbers)
            raw = _Effect(
                kind,
                numbers[keep],
                values[:-1][keep],
                np.zeros(0),
                float(values[-1]),
                share_missing,
                0.0,
            )
        centre = float(np.mean(raw.lookup(background[first].to_numpy())))
        effects.append(
            _Effect(
                raw.kind,
                raw.grid,
                raw.effect - centre,
                raw.weights,
                raw.missing - centre,
                raw.missing_share,
                raw.other - centre,
            )
        )
    return effects


def _raw_labels(s: pd.Series) -> dict[str, str]:
    """Cleaned category → its most frequent spelling in the data ("google" → "Google")."""
    labels: dict[str, str] = {}
    for raw in s.value_counts(dropna=True).index:  # most frequent first
        key = _clean_value(raw)
        if isinstance(key, str):
            labels.setdefault(key, str(raw).strip())
    return labels


def _display(value: Any, kind: str, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return i18n.t("scoring.value.missing", lang)
    if kind == "date":
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, (bool, np.bool_)):
        return i18n.t(f"scoring.value.{str(bool(value)).lower()}", lang)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        value = float(value)
        return i18n.format_number(value, lang, 0 if value.is_integer() else 2)
    text = str(value).strip()
    if _norm(text) in MISSING_TOKENS:
        return i18n.t("scoring.value.missing", lang)
    return text


def _reason_texts(
    df: pd.DataFrame,
    features: Sequence[str],
    kinds: Mapping[str, str],
    contrib: np.ndarray,
    lang: str,
) -> list[str]:
    """Each lead's strongest effects as ``Column = value: strongly up; …``."""
    template = i18n.t("scoring.reason", lang)
    effects = {
        key: i18n.t(f"scoring.effect.{key}", lang)
        for key in ("strong_up", "up", "down", "strong_down")
    }
    none = i18n.t("scoring.reason.none", lang)
    shown = []
    for col in features:
        # Each distinct value is formatted once (Babel is slow per call).
        codes, uniques = pd.factorize(df[col], use_na_sentinel=True)
        labels = [_display(u, kinds[col], lang) for u in uniques]
        table = np.array([*labels, i18n.t("scoring.value.missing", lang)], dtype=object)
        shown.append(table[codes])
    n = contrib.shape[0]
    order = np.argsort(-np.abs(contrib), axis=1, kind="stable")[:, :_TOP_REASONS]
    parts: list[list[str]] = [[] for _ in range(n)]
    for rank in range(order.shape[1]):
        j = order[:, rank]
        c = contrib[np.arange(n), j]
        for r in np.flatnonzero(np.abs(c) >= _NOTABLE):
            key = ("strong_" if abs(c[r]) >= _STRONG else "") + ("up" if c[r] > 0 else "down")
            col = j[r]
            parts[r].append(
                template.format(column=features[col], value=shown[col][r], effect=effects[key])
            )
    return ["; ".join(p) if p else none for p in parts]


def scored_headers(scored: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, str]:
    """Display names, in ``lang``, of the columns :meth:`LeadScorer.score` adds (``score``,
    ``bucket``, ``reasons``, or their ``_pilote`` twins): for the page and the downloads."""
    out = {}
    for name in ("score", "bucket", "reasons"):
        for col in (f"{name}_pilote", name):
            if col in scored.columns and (col != name or f"{name}_pilote" not in scored.columns):
                out[col] = i18n.t(f"scoring.column.{name}", lang)
                break
    return out


def _scored_frame(
    df: pd.DataFrame,
    scores: np.ndarray,
    buckets: Sequence[Bucket],
    reasons: list[str] | None,
    lang: str,
) -> pd.DataFrame:
    out = df.copy()
    names = {}
    for name in ("score", "bucket", "reasons"):
        names[name] = name if name not in df.columns else f"{name}_pilote"
    labels = {b.id: b.label(lang) for b in buckets}
    shown = np.clip(np.round(np.asarray(scores, dtype=float)), 0, 100)
    out[names["score"]] = shown.astype(int)
    out[names["bucket"]] = [labels[b] for b in _bucket_of(shown, buckets)]
    if reasons is not None:
        out[names["reasons"]] = reasons
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    return out.iloc[order]
