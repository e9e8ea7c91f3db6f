"""Anomalies a user can believe: unusual points of a series, judged against its own season and
trend, leaving out the days the business does not trade.

A series from the trends module (``start``, ``value``, ``partial``) is judged point by point:

- **Not judged**: partial buckets, missing values, days of a weekday on which the business is
  closed week after week (at least 80 % zeros over at least 3 weeks: Online Retail's
  Saturdays; any position of the season for other granularities), and public holidays (daily
  series only; the ``holidays`` library, by default France, England and the United States —
  their union, since a file does not say its country). Closed days expect 0; holidays expect
  nothing.
- **A climbing start**: when a series' first judged values each rise above the one before
  (for one more bucket than half the trend's window), its first buckets (3 months, 7 days…)
  are not judged: their trend comes only from the buckets after them, and a build-up — a
  subscription book's first months, a new business — would read as "unusually low".
- **Too sparse to judge** (``method="sparse"``): more than 30 % of the judged values are 0
  (``sales_data_sample`` by day: 72 % zero days). Nothing is flagged and the page says so.
- **Scale**: non-negative series are judged on a log scale, so that a weekday or a month that
  sells twice the average still does when the level doubles (Q4): expected = trend × seasonal
  factor. Series with more than 5 % negative values are judged on their own scale.
- **Expected value**: a robust trend — the median of the seasonally adjusted values around the
  point, the point itself left out (14 days, 8 weeks, 6 months, 4 quarters) — times the effect
  of the point's position in the season (weekday, week of the year, month, quarter: the median
  deviation from the trend over the cycles; with two cycles, the deviation nearer zero, so that
  a one-off shock in one year does not become "the season"), with two full cycles of history;
  otherwise the median of the 4 neighbours and no seasonal adjustment.
- **Score**: the residual in robust standard deviations, drawn from each deviation minus the
  median of the other cycles at the same position (1.4826 × median absolute value, scaled for
  the number of cycles); below and above the expected value separately from 100 values on
  (sales have a long lower tail: a day with one small order is not news). A point is flagged
  when ``|score| > k`` (3 by default, as the dashboard's alerts) and it is at least 5 % away
  from the expected value.
- **Zeros** on a judged day (and negative values on a log scale) are flagged as drops when zeros
  are rare: at most 5 % of the judged values, and not a habit of that weekday (3 or more and
  over 10 % of them); where zeros are common (Superstore's Tuesdays, 40 % zero) a zero is not
  news.
- **Level shifts**: where the median of the next buckets (as many as the trend's window) moves
  at least 20 % and ``k`` standard deviations from the median of the previous ones, and the
  first bucket itself stands ``k`` deviations out (a gradual ramp is a trend, not a shift),
  that first bucket is flagged, expected at the level before; the trend is then fitted on each
  side separately, so the days around a shift are not judged against the other level.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.explore.forecast import SEASON, SPARSE_SHARE, check_freq, closed_positions

__all__ = [
    "ANOMALY_K",
    "DEFAULT_COUNTRIES",
    "anomalies",
    "anomalies_note",
    "excluded_label",
    "holiday_dates",
]

ANOMALY_K = 3.0
#: Smallest move, relative to the expected value, flagged as an anomaly.
MIN_RELATIVE_DEVIATION = 0.05
#: Fewest judged points to judge anything.
MIN_POINTS = 7
#: A zero is an anomaly only when zeros are this rare among the judged values…
RARE_ZERO_SHARE = 0.05
#: …and at its position of the season (weekday).
RARE_ZERO_POSITION = 0.10
#: Share of negative values above which a series is judged on its own scale, not a log scale.
NEGATIVE_SHARE = 0.05
#: Fewest residuals to give drops and rises their own scale.
ASYMMETRIC_MIN = 100
#: Smallest lasting change of level flagged (20 %).
MIN_SHIFT = 0.2
#: Public holidays not judged on daily series (ISO country codes; GB means England).
DEFAULT_COUNTRIES: tuple[str, ...] = ("FR", "GB", "US")
#: Centred rolling median of the seasonally adjusted values (buckets).
TREND_WINDOW: dict[str, int] = {"day": 15, "week": 9, "month": 7, "quarter": 5}
_SHORT_WINDOW = 5
#: Share of the pairwise slopes that must agree in sign before the ends of a series are carried
#: along their slope (a Mann–Kendall-like test: a flat, noisy end keeps the plain median).
TREND_AGREEMENT = 0.8
_SUBDIVISIONS = {"GB": "ENG"}


def anomalies(
    series: pd.DataFrame,
    freq: str = "month",
    k: float = ANOMALY_K,
    *,
    countries: Iterable[str] | None = DEFAULT_COUNTRIES,
) -> tuple[pd.DataFrame, str | None]:
    """Flag unusual points of a series (see the module notes).

    Parameters
    ----------
    series : pandas.DataFrame
        ``start`` (bucket start), ``value`` (NaN when undefined) and ``partial``, oldest first.
    freq : str
        ``day``, ``week``, ``month`` or ``quarter``.
    k : float
        Robust standard deviations beyond which a point is flagged.
    countries : iterable of str, optional
        Countries whose public holidays are not judged (daily series); ``None`` or empty for
        none.

    Returns
    -------
    (pandas.DataFrame, str or None)
        The series with ``expected``, ``score``, ``anomaly`` (−1, 0, 1) and ``excluded`` (why a
        point was not judged: ``partial``, ``missing``, ``closed``, ``holiday``; ``None`` when
        judged) columns, and the method: ``seasonal``, ``rolling_median``, ``sparse`` (too
        sparse to judge: nothing flagged, see :func:`anomalies_note`), or ``None`` when fewer
        than 7 points can be judged.

    Raises
    ------
    PiloteError
        ``forecast.invalid_freq`` for a granularity other than the four.
    """
    check_freq(freq)
    out = series.copy()
    judged = _judge(
        pd.to_numeric(out["value"], errors="coerce").to_numpy(dtype=float),
        pd.DatetimeIndex(pd.to_datetime(out["start"])),
        out["partial"].astype(bool).to_numpy(),
        freq,
        k,
        countries,
    )
    out["expected"] = judged.expected
    out["score"] = judged.score
    out["anomaly"] = judged.flags
    out["excluded"] = pd.Series(judged.excluded, index=out.index, dtype=object)
    return out, judged.method


def judge_last(series: pd.DataFrame, freq: str) -> tuple[int, float] | None:
    """The dashboard's anomaly alert (:data:`kpi.metrics.alerts.Judge`): the last value of a
    KPI's series of complete periods judged as the Trends page judges it (:func:`anomalies`,
    the same computation without its table), so both say the same. ``(direction, expected)``
    when it is flagged, else ``None`` (also for a granularity the method does not judge, such
    as years)."""
    if freq not in SEASON or series.empty:
        return None
    values = pd.to_numeric(series["value"], errors="coerce").to_numpy(dtype=float)
    starts = pd.DatetimeIndex(pd.to_datetime(series["start"]))
    judged = _judge(values, starts, np.zeros(len(values), dtype=bool), freq)
    if judged.method in (None, "sparse"):
        return None
    if int(judged.flags[-1]) == 0 or np.isnan(judged.expected[-1]):
        return None
    return int(judged.flags[-1]), float(judged.expected[-1])


class _Judged(NamedTuple):
    """Per point: expected value, score, flag (−1, 0, 1), why it was not judged (or None);
    and the method (see :func:`anomalies`)."""

    expected: np.ndarray
    score: np.ndarray
    flags: np.ndarray
    excluded: np.ndarray
    method: str | None


def _judge(
    values: np.ndarray,
    starts: pd.DatetimeIndex,
    partial: np.ndarray,
    freq: str,
    k: float = ANOMALY_K,
    countries: Iterable[str] | None = DEFAULT_COUNTRIES,
) -> _Judged:
    """:func:`anomalies` on arrays: the whole method, with no table to build (the dashboard
    judges eight series on every filter change)."""
    n = len(values)
    if not n:
        return _Judged(np.empty(0), np.empty(0), np.zeros(0, dtype=int), np.empty(0, object), None)
    excluded = np.full(n, None, dtype=object)
    excluded[np.isnan(values)] = "missing"
    excluded[partial] = "partial"
    usable = excluded == None  # noqa: E711 - elementwise
    period = SEASON.get(freq, 12)
    pos = _positions(starts, freq)
    if freq == "day" and countries:
        days = starts.normalize()
        holiday = days.isin(holiday_dates(tuple(countries), int(days.min().year),
                                          int(days.max().year)))  # fmt: skip
        excluded[usable & np.asarray(holiday)] = "holiday"
    judged = excluded == None  # noqa: E711
    closed = closed_positions(np.where(judged, values, np.nan), pos, period)
    shut = judged & np.isin(pos, sorted(closed))
    excluded[shut] = "closed"
    judged &= ~shut
    expected = np.full(n, np.nan)
    expected[shut] = 0.0

    def unjudged(method: str | None) -> _Judged:  # no score, nothing flagged
        return _Judged(expected, np.full(n, np.nan), np.zeros(n, dtype=int), excluded, method)

    if judged.sum() < MIN_POINTS:
        return unjudged(None)
    y = np.where(judged, values, np.nan)
    log_scale = (y[judged] < 0).mean() <= NEGATIVE_SHARE
    zero = judged & (values <= 0) if log_scale else np.zeros(n, dtype=bool)
    zero_share = float(zero.sum() / judged.sum())
    if zero_share > SPARSE_SHARE:
        return unjudged("sparse")
    fitted = judged & ~zero
    if fitted.sum() < MIN_POINTS:
        return unjudged(None)
    v = np.where(fitted, np.log(np.where(fitted, values, 1.0)) if log_scale else values, np.nan)
    window = TREND_WINDOW.get(freq, 7)
    seasonal = period >= 2 and _full_cycles(fitted, pos, period) >= 2
    method = "seasonal" if seasonal else "rolling_median"
    floor = math.log(0.5 * float(np.nanmin(values[fitted]))) if zero.any() else math.nan
    segment = np.zeros(n, dtype=np.int64)
    trend, effect, low, high = _fit(v, pos, period, window, segment, seasonal, zero, floor)
    to_value = np.exp if log_scale else np.asarray
    if not (math.isfinite(low) and math.isfinite(high) and min(low, high) > 1e-9):
        expected[judged] = to_value(trend + effect)[judged]
        return unjudged(method)
    shifts = _level_shifts(v - effect, fitted, window, low, high, k, log_scale)
    if shifts:
        # the level moved for good: each stretch gets its own trend, so that the days just
        # before a shift are not judged against the level after it (nor the reverse)
        for i, _, _ in shifts:
            segment[i:] += 1
        trend, effect, low, high = _fit(v, pos, period, window, segment, seasonal, zero, floor)
    centre = trend + effect
    resid = v - centre
    resid[zero] = floor - centre[zero]
    expected[judged] = to_value(centre[judged])
    score = np.full(n, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = resid[judged]
        # a side without noise (a perfectly regular stretch) gives no score rather than ∞
        score[judged] = np.where(r > 0, r / high if high > 1e-9 else np.nan,
                                 r / low if low > 1e-9 else np.nan)  # fmt: skip
    if zero.any() and zero_share > RARE_ZERO_SHARE:
        score[zero] = np.nan  # zeros are common in this series: not news
    elif zero.any():
        for p in np.unique(pos[zero]):
            at = judged & (pos == p)
            count = int((zero & at).sum())
            if count >= 3 and count > RARE_ZERO_POSITION * at.sum():
                score[zero & at] = np.nan  # a habit of this weekday: not news
    for i, stat, before in shifts:
        # the first bucket at a new level: judged against the level before it
        score[i] = stat
        expected[i] = to_value(before + effect[i])
    start = _climbing_start(values, judged, window // 2)
    excluded[start] = "start"
    score[start] = np.nan
    material = np.abs(values - expected) >= MIN_RELATIVE_DEVIATION * np.abs(expected)
    ok = judged & ~start & ~np.isnan(score) & material
    flags = np.where(ok & (score > k), 1, 0)
    flags = np.where(ok & (score < -k), -1, flags)
    return _Judged(expected, score, flags.astype(int), excluded, method)


def _climbing_start(values: np.ndarray, judged: np.ndarray, count: int) -> np.ndarray:
    """The first ``count`` judged buckets when the series starts by climbing: its first
    ``count + 1`` judged values each above the one before (a subscription book, a new business
    or the data beginning: the demo's MRR climbs from €1,315 in its first month). Their trend
    is fitted on the buckets after them only, so a build-up reads as "unusually low"; they are
    not judged. A start that falls back (Superstore's February 2019, below January) is judged."""
    out = np.zeros(len(values), dtype=bool)
    idx = np.flatnonzero(judged)[: count + 1]
    if count < 1 or len(idx) <= count or not bool(np.all(np.diff(values[idx]) > 0)):
        return out
    out[idx[:count]] = True
    return out


def _half_scales(sample: np.ndarray) -> tuple[float, float]:
    """Robust standard deviations below and above the median (1.4826 × the median distance of
    each half): sales have a longer tail on one side — a day with one small order is far below
    the usual on a log scale without being news. Below :data:`ASYMMETRIC_MIN` values, one
    symmetric scale (a half of 12 values is too few to estimate a tail)."""
    sample = np.asarray(sample, dtype=float)
    sample = sample[~np.isnan(sample)]
    if len(sample) < 4:
        return math.nan, math.nan
    med = float(np.median(sample))
    if len(sample) < ASYMMETRIC_MIN:
        # too few values to tell the two tails apart: one scale (1.4826 × MAD)
        mad = 1.4826 * float(np.median(np.abs(sample - med)))
        return mad, mad
    below, above = med - sample[sample < med], sample[sample > med] - med
    low = 1.4826 * float(np.median(below)) if len(below) else 0.0
    high = 1.4826 * float(np.median(above)) if len(above) else 0.0
    return low, high


def _level_shifts(
    adjusted: np.ndarray,
    fitted: np.ndarray,
    window: int,
    low: float,
    high: float,
    k: float,
    log_scale: bool,
) -> list[tuple[int, float, float]]:
    """Buckets where the level moved for good: the median of the next ``window`` seasonally
    adjusted values against the median of the ``window`` before, in standard deviations of that
    difference (a median of ``w`` values varies π/2w times one value's variance); the largest
    change within ``window`` of it, beyond ``k`` and at least :data:`MIN_SHIFT`, whose first
    bucket is itself more than ``k`` robust standard deviations from the level before, carried
    to it along the Theil–Sen slope of the values before when that trend is clear (see
    :data:`TREND_AGREEMENT`): a gradual ramp is a trend, not a shift.

    Returns ``(position, score of the change, level before carried to the position)`` for
    each shift.
    """
    idx = np.flatnonzero(fitted)
    a = adjusted[idx]
    m = len(a)
    if m < 2 * window + 1:
        return []
    windows = np.lib.stride_tricks.sliding_window_view(a, window)
    medians = np.median(windows, axis=1)  # medians[j] = median(a[j : j + window])
    j = np.arange(window, m - window + 1)
    before, after = medians[j - window], medians[j]
    diff = after - before
    sd = np.where(diff > 0, high, low) * math.sqrt(math.pi / window)
    stat = np.divide(diff, sd, out=np.zeros_like(diff), where=sd > 0)
    size = np.abs(np.expm1(diff)) if log_scale else np.abs(diff) / np.maximum(np.abs(before), 1e-12)
    # the first bucket itself must stand out from the level before it, carried to its own
    # position along the slope before it when that slope is clear (a ramp — a growing MRR — is
    # a trend, not a shift; a flat, noisy stretch keeps its plain median)
    slopes = np.nan_to_num(_clear_slopes(windows, np.arange(window, dtype=float)))
    carried = before + slopes[j - window] * (window + 1) / 2
    first = a[j] - carried
    with np.errstate(divide="ignore", invalid="ignore"):
        first_stat = first / np.where(first > 0, high, low)
    candidates = (np.abs(stat) > k) & (size >= MIN_SHIFT) & (np.abs(first_stat) > k)
    candidates &= np.sign(first) == np.sign(diff)
    strength = np.where(candidates, np.abs(stat), 0.0)
    out = []
    for t in np.flatnonzero(candidates):
        lo_, hi_ = max(0, t - window), min(len(stat), t + window + 1)
        if t == lo_ + int(np.argmax(strength[lo_:hi_])):  # the strongest, the first of equals
            out.append((int(idx[j[t]]), float(stat[t]), float(carried[t])))
    return out


def _positions(starts: pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Position of each bucket in its season: weekday, week of the year, month, quarter."""
    if freq == "day":
        return np.asarray(starts.day_of_week, dtype=np.int64)
    if freq == "week":
        return np.minimum(starts.isocalendar().week.to_numpy(dtype=np.int64), 52) - 1
    if freq == "quarter":
        return ((np.asarray(starts.month, dtype=np.int64) - 1) // 3).astype(np.int64)
    return np.asarray(starts.month, dtype=np.int64) - 1


def _full_cycles(fitted: np.ndarray, pos: np.ndarray, period: int) -> int:
    """Cycles of the season covered: the fewest values at an open position."""
    counts = [int((fitted & (pos == p)).sum()) for p in range(period)]
    counts = [c for c in counts if c > 0]
    return min(counts) if len(counts) >= max(2, period // 2) else 0


def _fit(
    v: np.ndarray,
    pos: np.ndarray,
    period: int,
    window: int,
    segment: np.ndarray,
    seasonal: bool,
    zero: np.ndarray,
    floor: float,
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Trend, seasonal effect of each bucket, and the noise scales below and above."""
    if seasonal:
        trend, effect, sample = _seasonal_fit(v, pos, period, window, segment)
    else:
        trend = _rolling(v, _SHORT_WINDOW, segment)
        effect = np.zeros(len(v))
        sample = (v - trend)[~np.isnan(v)]
    if zero.any():
        # a zero (or a negative value) counts as half the smallest positive value: far below
        # the expected value, and part of the lower tail the scale of drops is drawn from
        sample = np.concatenate([sample, floor - (trend + effect)[zero]])
    low, high = _half_scales(sample)
    return trend, effect, low, high


def _rolling(v: np.ndarray, window: int, segment: np.ndarray, edges: bool = True) -> np.ndarray:
    """Centred rolling median of the ``window − 1`` neighbours of each value in its segment,
    the value itself left out (so that a spike does not lift its own expected value, and the
    residuals keep the noise's full size); NaN values ignored, gaps interpolated."""
    half = window // 2
    pad = np.full(half, np.nan)
    views = np.lib.stride_tricks.sliding_window_view(np.concatenate([pad, v, pad]), 2 * half + 1)
    seg = np.concatenate([np.full(half, -1), segment, np.full(half, -1)])
    same = np.lib.stride_tricks.sliding_window_view(seg, 2 * half + 1) == segment[:, None]
    neighbours = np.delete(np.where(same, views, np.nan), half, axis=1)
    enough = (~np.isnan(neighbours)).sum(axis=1) >= max(2, half)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows
        med = np.where(enough, np.nanmedian(neighbours, axis=1), np.nan)
    if edges:
        _edges(med, neighbours, enough, half, v, segment)
    out = np.full(len(v), np.nan)
    for s_ in np.unique(segment):
        at = segment == s_
        part = _fill_linear(med[at])
        if np.isnan(part).all() and (~np.isnan(v[at])).any():
            part = np.full(int(at.sum()), np.nanmedian(v[at]))  # a short stretch: its median
        out[at] = part
    return _fill_linear(out)


def _fill_linear(a: np.ndarray) -> np.ndarray:
    """A copy of ``a`` with its gaps filled along straight lines between the known values and
    its ends carried flat, as pandas' ``interpolate(limit_direction="both")`` (which calls
    :func:`numpy.interp` the same way) without building a Series; all NaN stays NaN."""
    out = np.array(a, dtype=float)
    known = ~np.isnan(out)
    if known.any() and not known.all():
        x = np.arange(len(out))
        out[~known] = np.interp(x[~known], x[known], out[known])
    return out


def _edges(
    med: np.ndarray,
    neighbours: np.ndarray,
    enough: np.ndarray,
    half: int,
    v: np.ndarray,
    segment: np.ndarray,
) -> None:
    """Where a value's neighbours lie more on one side (the first and last buckets of a
    segment, a gap), their median lags a trending series — a growing MRR's last month would
    be "expected" at the level of two months before. There the level is the median of the
    neighbours moved along the Theil–Sen slope (median of the pairwise slopes, over twice the
    window, at least three values) to the value's own position, when the trend is clear (at
    least :data:`TREND_AGREEMENT` of the pairwise slopes share a sign); a centred window,
    unbiased for a straight trend, keeps its plain median."""
    offsets = np.delete(np.arange(-half, half + 1, dtype=float), half)
    known = ~np.isnan(neighbours)
    before = (known & (offsets < 0)).sum(axis=1)
    after = (known & (offsets > 0)).sum(axis=1)
    n = len(v)
    for i in np.flatnonzero(enough & (before != after)):
        near = np.arange(max(0, i - 2 * half), min(n, i + 2 * half + 1))
        near = near[(near != i) & (segment[near] == segment[i]) & ~np.isnan(v[near])]
        if len(near) < 3:
            continue  # one pair of values: no slope to trust
        slope = float(_clear_slopes(v[near][None, :], near.astype(float))[0])
        if math.isnan(slope):
            continue  # no clear trend (a flat, noisy stretch): the plain median
        at = known[i]
        med[i] = float(np.median(neighbours[i, at] - slope * offsets[at]))


def _clear_slopes(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The Theil–Sen slope (median of the pairwise slopes) of each row of ``y`` over the
    positions ``x``, where the trend is clear — at least :data:`TREND_AGREEMENT` of the
    pairwise slopes share a sign —, NaN elsewhere."""
    p, q = np.triu_indices(len(x), 1)
    pairwise = (y[:, q] - y[:, p]) / (x[q] - x[p])
    agree = np.maximum((pairwise > 0).mean(axis=1), (pairwise < 0).mean(axis=1))
    return np.where(agree >= TREND_AGREEMENT, np.median(pairwise, axis=1), np.nan)


def _effects(dev: np.ndarray, pos: np.ndarray, period: int) -> tuple[np.ndarray, list[float]]:
    """Seasonal effect per position and the leave-one-out residuals (scaled to one value's
    noise: a deviation minus the median of ``m`` others has about 1 + 1/m times its
    variance)."""
    effect = np.zeros(period)
    loo: list[float] = []
    for p in range(period):
        d = dev[(pos == p) & ~np.isnan(dev)]
        if len(d) >= 3:
            effect[p] = float(np.median(d))
        elif len(d) == 2:
            effect[p] = float(d[np.argmin(np.abs(d))])
        if len(d) >= 2:
            m = len(d)
            # row i: every deviation but the i-th (one median per row, not one call per value)
            others = np.broadcast_to(d, (m, m))[~np.eye(m, dtype=bool)].reshape(m, m - 1)
            loo.extend(((d - np.median(others, axis=1)) / math.sqrt(1 + 1 / (m - 1))).tolist())
    seen = [p for p in range(period) if ((pos == p) & ~np.isnan(dev)).any()]
    if seen:
        effect[seen] -= effect[seen].mean()
    return effect, loo


def _seasonal_fit(
    v: np.ndarray, pos: np.ndarray, period: int, window: int, segment: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trend, seasonal effect of each bucket (two passes), and the leave-one-out residuals the
    noise scale is drawn from."""
    first = period + 1 if period % 2 == 0 else period
    # first pass on the values with their season: carrying a level along a slope there
    # would carry the season too (a Q4 rise into next January)
    trend = _rolling(v, max(first, 5), segment, edges=False)
    effect, _ = _effects(v - trend, pos, period)
    trend = _rolling(v - effect[pos], window, segment)
    effect, loo = _effects(v - trend, pos, period)
    return trend, effect[pos], np.asarray(loo, dtype=float)


@functools.lru_cache(maxsize=32)
def holiday_dates(countries: tuple[str, ...], first_year: int, last_year: int) -> pd.DatetimeIndex:
    """Public holidays of ``countries`` between two years (the ``holidays`` library; GB is
    England, where Online Retail trades: Easter Monday and the bank holidays)."""
    import holidays

    days: set = set()
    for code in countries:
        try:
            cal = holidays.country_holidays(
                code, subdiv=_SUBDIVISIONS.get(code), years=range(first_year, last_year + 1)
            )
        except NotImplementedError:
            continue  # an unknown country: no holidays rather than an error
        days.update(cal.keys())
    return pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in days))


def anomalies_note(
    flagged: pd.DataFrame,
    method: str | None,
    freq: str = "month",
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> str | None:
    """What the page says next to the anomalies of :func:`anomalies`: too short, too sparse, or
    what was not judged (closed weekdays, holidays); ``None`` when there is nothing to say."""
    if method is None:
        return i18n.t("anomalies.too_short", lang, n=MIN_POINTS)
    if method == "sparse":
        judged = flagged["excluded"].isna()
        values = pd.to_numeric(flagged["value"], errors="coerce")
        share = float((values[judged] <= 0).mean()) if judged.any() else 0.0
        return i18n.t("anomalies.too_sparse", lang, share=i18n.format_percent_value(share, lang, 0))
    parts = []
    closed = flagged[flagged["excluded"] == "closed"]
    if len(closed) and freq == "day":
        days = sorted(set(pd.to_datetime(closed["start"]).dt.day_of_week))
        names = ", ".join(_weekday_name(d, lang) for d in days)
        parts.append(i18n.t("anomalies.closed", lang, n=len(closed), days=names))
    elif len(closed):
        parts.append(i18n.t("anomalies.closed_periods", lang, n=len(closed)))
    holidays_ = int((flagged["excluded"] == "holiday").sum())
    if holidays_:
        parts.append(i18n.t("anomalies.holidays", lang, n=holidays_))
    climbing = int((flagged["excluded"] == "start").sum())
    if climbing:
        parts.append(i18n.t("anomalies.start", lang, n=climbing))
    if not parts:
        return None
    return i18n.t("anomalies.not_judged", lang, what=(" ; " if lang == "fr" else "; ").join(parts))


def excluded_label(reason: str | None, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The ``excluded`` column for people: ``jour férié``, ``fermeture habituelle``… ("" when
    the point was judged)."""
    if reason is None or (isinstance(reason, float) and math.isnan(reason)):
        return ""
    return i18n.t(f"anomalies.excluded.{reason}", lang)


def _weekday_name(day: int, lang: str) -> str:
    from babel.dates import get_day_names

    return str(get_day_names("wide", locale=i18n.locale(lang))[day])


i18n.add_messages(
    {
        "anomalies.too_short": {
            "fr": "Trop peu de périodes pour juger des anomalies (il en faut au moins {n}).",
            "en": "Too few periods to judge anomalies (at least {n} are needed).",
        },
        "anomalies.too_sparse": {
            "fr": "Série trop clairsemée pour juger des anomalies : {share} des périodes "
            "jugeables sont à zéro. Regardez-la par semaine ou par mois.",
            "en": "Series too sparse to judge anomalies: {share} of the periods that could be "
            "judged are zero. Look at it by week or by month.",
        },
        "anomalies.not_judged": {
            "fr": "Non jugés : {what}.",
            "en": "Not judged: {what}.",
        },
        "anomalies.closed": {
            "fr": "{n} jours de fermeture habituelle ({days})",
            "en": "{n} days the business is usually closed ({days})",
        },
        "anomalies.closed_periods": {
            "fr": "{n} périodes à zéro d'une année sur l'autre (fermeture saisonnière)",
            "en": "{n} periods at zero year after year (seasonal closure)",
        },
        "anomalies.holidays": {
            "fr": "{n} jours fériés",
            "en": "{n} public holidays",
        },
        "anomalies.excluded.closed": {
            "fr": "fermeture habituelle",
            "en": "usually closed",
        },
        "anomalies.excluded.holiday": {"fr": "jour férié", "en": "public holiday"},
        "anomalies.excluded.partial": {"fr": "période incomplète", "en": "incomplete period"},
        "anomalies.excluded.missing": {"fr": "valeur manquante", "en": "missing value"},
        "anomalies.start": {
            "fr": "les {n} premières périodes, où la série ne fait encore que monter",
            "en": "the first {n} periods, where the series is still only climbing",
        },
        "anomalies.excluded.start": {
            "fr": "début de série en montée",
            "en": "start of a climbing series",
        },
    }
)
