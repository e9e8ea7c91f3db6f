"""Anomalies: the unusual points of a trend series, and the segment that moved most.

Decisions where the issue is silent: the expected value is a robust trend (centred rolling median
over one season) plus the seasonal effect of that position (median deviation from the trend over
the cycles; with two cycles, the one nearer zero) when the series covers two seasonal cycles
(7 days, 52 weeks, 12 months, 4 quarters), else a centred rolling median; a point is flagged when
its residual is more than 3 robust standard deviations from the expected value (as the
dashboard's alerts: 3 × 1.4826 × MAD) and at least 5 % away from it. STL was tried first: with
two cycles (two years of months, the usual export) its seasonal component absorbs a one-off
shock, so it flagged nothing. Each flag is explained by the segment that moved most against the
same period last year (else the previous period).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data import role_label
from kpi.explore.buckets import (
    SEASON,
    bucket_codes,
    bucket_end,
    bucket_label,
    bucket_start,
    year_lag,
)
from kpi.explore.drivers import contributions
from kpi.explore.trends import Facts, TrendMeasure, get_measure
from kpi.metrics import Period, period_mask

__all__ = ["ANOMALY_K", "MIN_RELATIVE_DEVIATION", "Anomaly", "anomalies", "explain_anomalies"]

ANOMALY_K = 3.0
#: Smallest move, relative to the expected value, flagged as an anomaly.
MIN_RELATIVE_DEVIATION = 0.05


@dataclass(frozen=True)
class Anomaly:
    """An unusual point of a series, and why.

    Attributes
    ----------
    start : pandas.Timestamp
        Start of the bucket.
    freq : str
        Its granularity (``day``, ``week``, ``month``, ``quarter``).
    value, expected : float
        The value, and what the seasonal and trend components predicted.
    score : float
        Robust standard deviations between residual and median residual (signed).
    method : str
        ``seasonal`` (seasonally adjusted) or ``rolling_median``.
    driver : dict or None
        The segment that moved most: ``{"role", "segment", "delta", "share", "reference"}``
        (``reference``: start of the bucket compared with).
    """

    start: pd.Timestamp
    freq: str
    value: float
    expected: float
    score: float
    method: str
    driver: Mapping[str, Any] | None = None

    @property
    def direction(self) -> str:
        return "up" if self.score > 0 else "down"

    def label(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """The bucket, for people (``mars 2025``)."""
        return bucket_label(self.start, self.freq, lang)

    def text(
        self, lang: str = i18n.DEFAULT_LANGUAGE, unit: str = "number", currency: str | None = None
    ) -> str:
        """One or two sentences for the user."""
        fmt = lambda v: i18n.format_value(v, unit, lang, currency)  # noqa: E731
        text = i18n.t(
            f"trends.anomaly.{self.direction}.{self.method}",
            lang,
            label=self.label(lang),
            value=fmt(self.value),
            expected=fmt(self.expected),
            score=i18n.format_number(abs(self.score), lang, 1),
        )
        d = self.driver
        if d:
            role = d["role"]
            text += " " + i18n.t(
                "trends.anomaly.driver",
                lang,
                role=role_label(role, lang),
                segment=d["segment"],
                delta=("+" if d["delta"] > 0 else "") + fmt(d["delta"]),
                reference=bucket_label(d["reference"], self.freq, lang),
                share=i18n.format_percent_value(d["share"], lang, 0),
            )
        return text


def anomalies(
    series: pd.DataFrame, freq: str = "month", k: float = ANOMALY_K
) -> tuple[pd.DataFrame, str | None]:
    """Flag unusual points of a series from :func:`measure_trend` or :func:`kpi_trend`.

    Partial buckets and missing values are left out. With two full seasonal cycles the expected
    value is a robust trend (centred rolling median over one season) plus the seasonal effect of
    that position (median deviation over the cycles, see :func:`_expected`); otherwise it is a
    centred rolling median over 5 buckets and no seasonal adjustment is made. A residual more
    than ``k`` robust standard deviations from the expected value is an anomaly.

    Returns
    -------
    (pandas.DataFrame, str or None)
        The series with ``expected``, ``score`` and ``anomaly`` (−1, 0, 1) columns, and the
        method used (``seasonal``, ``rolling_median``; ``None`` when the series is too short:
        fewer than 7 usable points).
    """
    out = series.copy()
    out["expected"] = np.nan
    out["score"] = np.nan
    out["anomaly"] = 0
    if out.empty:
        return out, None
    usable = (~out["partial"].astype(bool)) & out["value"].notna()
    idx = np.flatnonzero(usable.to_numpy())
    if len(idx) < 7:
        return out, None
    # a run of usable points (interior gaps interpolated for the decomposition only)
    y = out["value"].iloc[idx[0] : idx[-1] + 1].astype(float)
    y = y.interpolate(limit_direction="both")
    expected, scale, method = _expected(y.to_numpy(), SEASON.get(freq, 12))
    resid = y.to_numpy() - expected
    positions = np.arange(idx[0], idx[-1] + 1)
    valid = usable.to_numpy()[positions] & ~np.isnan(resid)
    if scale <= 1e-12 * max(1.0, float(np.nanmax(np.abs(y.to_numpy())))):
        return out, method
    score = np.where(valid, resid / scale, np.nan)
    # a statistically unusual but tiny move (a very regular series) is not worth a flag
    material = np.abs(resid) >= MIN_RELATIVE_DEVIATION * np.abs(expected)
    flags = np.where(valid & material & (score > k), 1, 0)
    flags = np.where(valid & material & (score < -k), -1, flags)
    exp_col = out.columns.get_loc("expected")
    out.iloc[positions, exp_col] = expected
    out.iloc[positions, out.columns.get_loc("score")] = np.where(valid, score, np.nan)
    out.iloc[positions, out.columns.get_loc("anomaly")] = flags
    return out, method


def _expected(y: np.ndarray, period: int) -> tuple[np.ndarray, float, str]:
    """Expected values (trend + seasonal effect), the noise scale, and the method.

    The trend is a centred rolling median over one season. The seasonal effect of a position
    (March, Monday…) is the median of its deviations from the trend over the cycles; with only
    two cycles, the deviation nearer to zero, so that a one-off shock in one year does not
    become "the season". The noise scale is a robust standard deviation (1.4826 × median
    absolute value / √2) of the differences between each deviation and the other cycles' at the
    same position. Without two full cycles the expected value is a centred rolling median over
    5 buckets, the scale 1.4826 × MAD of the residuals, and the method ``rolling_median``.
    """
    n = len(y)
    if n < 2 * period or period < 2:
        trend = pd.Series(y).rolling(5, center=True, min_periods=3).median().to_numpy()
        r = y - trend
        r = r[~np.isnan(r)]
        med = float(np.median(r)) if len(r) else 0.0
        scale = 1.4826 * float(np.median(np.abs(r - med))) if len(r) else 0.0
        return trend, scale, "rolling_median"
    window = period + 1 if period % 2 == 0 else period
    trend = (
        pd.Series(y).rolling(window, center=True, min_periods=window // 2 + 1).median().to_numpy()
    )
    dev = y - trend
    seasonal = np.zeros(n)
    loo: list[float] = []
    for pos in range(period):
        d = dev[pos::period]
        ok = ~np.isnan(d)
        if not ok.any():
            continue
        dd = d[ok]
        effect = float(np.median(dd)) if len(dd) >= 3 else float(dd[np.argmin(np.abs(dd))])
        seasonal[pos::period] = effect
        for i in range(len(dd)):
            others = np.delete(dd, i)
            if len(others):
                loo.append(float(dd[i] - np.median(others)))
    scale = 1.4826 * float(np.median(np.abs(loo))) / math.sqrt(2) if loo else 0.0
    return trend + seasonal, scale, "seasonal"


def explain_anomalies(
    flagged: pd.DataFrame,
    method: str | None,
    freq: str,
    f: Facts | None = None,
    measure_id: str | None = None,
    *,
    limit: int = 5,
) -> list[Anomaly]:
    """The anomalies of :func:`anomalies`, largest first, each with the segment that moved most
    (for additive measures with facts): against the same bucket last year, else the previous
    bucket, over every dimension the facts have."""
    if method is None or flagged.empty:
        return []
    rows = flagged[flagged["anomaly"] != 0]
    rows = rows.reindex(rows["score"].abs().sort_values(ascending=False).index)[:limit]
    out = []
    m = None if measure_id is None else get_measure(measure_id)
    for _, row in rows.iterrows():
        driver = None
        if f is not None and m is not None and m.additive:
            driver = _driver(f, m, pd.Timestamp(row["start"]), freq, int(row["anomaly"]))
        out.append(
            Anomaly(
                pd.Timestamp(row["start"]),
                freq,
                float(row["value"]),
                float(row["expected"]),
                float(row["score"]),
                method,
                driver,
            )
        )
    return out


def _driver(
    f: Facts, m: TrendMeasure, start: pd.Timestamp, freq: str, direction: int
) -> dict[str, Any] | None:
    cur = Period("range", start, bucket_end(start, freq))
    code = int(bucket_codes(np.array([start.to_datetime64()]), freq)[0])
    dates = f.frame[m.date].to_numpy()
    # dimensions that split the rows at hand (a filter on one region leaves one region)
    dims = [r for r in f.dims if f.frame[r].nunique(dropna=True) > 1]
    in_cur = period_mask(dates, cur)
    for ref_code in (code - year_lag(freq), code - 1):
        ref_start = bucket_start(ref_code, freq)
        ref = Period("range", ref_start, bucket_end(ref_start, freq))
        in_ref = period_mask(dates, ref)
        if not in_ref.any():
            continue
        # the two buckets' rows only: contributions per dimension then cost little
        sub = Facts(f.kind, f.frame.loc[in_cur | in_ref], f.dims, f.table)
        best = None
        for role in dims:
            c = contributions(sub, m.id, role, ref, cur, top=1)
            if len(c) < 2:
                continue
            total = float(c["delta"].sum())
            first = c.iloc[0]
            if direction * float(first["delta"]) <= 0:
                continue
            share = float(first["delta"]) / total if total * direction > 0 else 1.0
            if best is None or abs(first["delta"]) > abs(best["delta"]) * 1.0001:
                best = {
                    "role": role,
                    "segment": str(first["segment"]),
                    "delta": float(first["delta"]),
                    "share": min(share, 9.99),
                    "reference": ref_start,
                }
        if best is not None:
            return best
    return None


i18n.add_messages(
    {
        "trends.anomaly.up.seasonal": {
            "fr": "{label} : {value}, au-dessus des {expected} attendus une fois la saison et "
            "la tendance prises en compte ({score} écarts robustes).",
            "en": "{label}: {value}, above the {expected} expected once season and trend are "
            "taken into account ({score} robust deviations).",
        },
        "trends.anomaly.down.seasonal": {
            "fr": "{label} : {value}, en dessous des {expected} attendus une fois la saison et "
            "la tendance prises en compte ({score} écarts robustes).",
            "en": "{label}: {value}, below the {expected} expected once season and trend are "
            "taken into account ({score} robust deviations).",
        },
        "trends.anomaly.up.rolling_median": {
            "fr": "{label} : {value}, au-dessus des {expected} habituels autour de cette date "
            "({score} écarts robustes ; historique trop court pour corriger la saison).",
            "en": "{label}: {value}, above the usual {expected} around that date ({score} "
            "robust deviations; too little history to adjust for the season).",
        },
        "trends.anomaly.down.rolling_median": {
            "fr": "{label} : {value}, en dessous des {expected} habituels autour de cette date "
            "({score} écarts robustes ; historique trop court pour corriger la saison).",
            "en": "{label}: {value}, below the usual {expected} around that date ({score} "
            "robust deviations; too little history to adjust for the season).",
        },
        "trends.anomaly.driver": {
            "fr": "Principal écart — {role} « {segment} » : {delta} par rapport à {reference} "
            "({share} de la variation).",
            "en": "Main mover — {role} “{segment}”: {delta} against {reference} ({share} of "
            "the change).",
        },
    }
)
