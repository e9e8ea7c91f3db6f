"""Buckets of time for trends: day, week, month or quarter, numbered so that consecutive buckets
have consecutive codes, labelled for people, and a regular series over them.

Decisions where the issue is silent: weeks start on Monday and are labelled with their ISO week;
the same week last year is 52 weeks before, the same day last year 364 days before (same weekday).
A bucket is *partial* when the data does not cover it from start to end — the month in progress,
allowing for a last day or two without sales (:mod:`kpi.metrics.coverage`), or a first month the
data starts in the middle of: it is shown, marked, but left out of anomaly detection and of the
forecast's history.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from babel.dates import format_date

from kpi import i18n
from kpi.errors import PiloteError
from kpi.metrics import Period
from kpi.metrics.coverage import IN_PROGRESS, STARTS_LATE, Coverage

__all__ = [
    "FREQS",
    "MOVING_AVERAGE",
    "SEASON",
    "bucket_codes",
    "bucket_end",
    "bucket_label",
    "bucket_start",
    "partial_rule",
    "year_lag",
    "series_frame",
]

FREQS: tuple[str, ...] = ("day", "week", "month", "quarter")
#: Buckets in one seasonal cycle (a week of days, a year of weeks, months or quarters).
SEASON: dict[str, int] = {"day": 7, "week": 52, "month": 12, "quarter": 4}
#: Buckets in the default trailing moving average.
MOVING_AVERAGE: dict[str, int] = {"day": 7, "week": 4, "month": 3, "quarter": 2}
# 1970-01-05 was a Monday: weeks are numbered from it.
_MONDAY_OFFSET = 4


def bucket_codes(dates: np.ndarray, freq: str) -> np.ndarray:
    """An int per date numbering its bucket; consecutive buckets have consecutive codes;
    missing dates get the minimum int64."""
    d = np.asarray(dates, dtype="datetime64[ns]")
    nat = np.isnat(d)
    days = d.astype("datetime64[D]").astype(np.int64)
    if freq == "day":
        codes = days
    elif freq == "week":
        codes = (days - _MONDAY_OFFSET) // 7
    elif freq in ("month", "quarter"):
        months = d.astype("datetime64[M]").astype(np.int64)
        codes = months if freq == "month" else months // 3
    else:
        raise PiloteError("trends.invalid_freq", value=freq, valid=", ".join(FREQS))
    return np.where(nat, np.iinfo(np.int64).min, codes)


def bucket_start(code: int, freq: str) -> pd.Timestamp:
    """The first day of bucket ``code`` (see :func:`bucket_codes`)."""
    if freq == "day":
        return pd.Timestamp(np.datetime64(int(code), "D"))
    if freq == "week":
        return pd.Timestamp(np.datetime64(int(code) * 7 + _MONDAY_OFFSET, "D"))
    months = int(code) if freq == "month" else int(code) * 3
    return pd.Timestamp(np.datetime64(months, "M"))


def bucket_end(start: pd.Timestamp, freq: str) -> pd.Timestamp:
    """The (exclusive) end of the bucket starting at ``start``."""
    if freq == "day":
        return start + pd.Timedelta(days=1)
    if freq == "week":
        return start + pd.Timedelta(days=7)
    return start + pd.DateOffset(months=1 if freq == "month" else 3)


def bucket_label(start: pd.Timestamp, freq: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """``12 mars 2025``, ``S11 2025`` / ``W11 2025``, ``mars 2025``, ``T1 2025`` / ``Q1 2025``."""
    ts = pd.Timestamp(start)
    if freq == "day":
        return format_date(ts.date(), "medium", locale=i18n.locale(lang))
    if freq == "week":
        iso = ts.isocalendar()
        return i18n.t("trends.week", lang, week=iso[1], year=iso[0])
    return Period.containing(ts, freq).label(lang)


def partial_rule(
    coverage: Coverage | None, as_of: object = None
) -> Callable[[pd.Timestamp, pd.Timestamp], bool]:
    """Whether a bucket ``[start, end)`` is partial: the data does not cover it from start to
    end (``coverage``, grace allowed; with an ``as_of`` before its last day, the data stops
    that day exactly), else, with ``as_of`` alone, the bucket ends after that day. An
    ``as_of`` after the table's last day (the last date of another column or table) does not
    stretch the table's coverage: the CRM set's deals are created to 27 December 2017 and
    closed to the 31st, and December is in progress for deals created, as on the dashboard."""
    if coverage is not None:
        if as_of is not None and pd.Timestamp(as_of).normalize() < coverage.last:
            coverage = Coverage(coverage.first, pd.Timestamp(as_of).normalize(), 0)
        cov = coverage
        return lambda start, end: (
            cov.state(Period("range", start, end))
            in (
                IN_PROGRESS,
                STARTS_LATE,
            )
        )
    if as_of is None:
        return lambda start, end: False
    day_end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    return lambda start, end: end > day_end


def year_lag(freq: str) -> int:
    """Buckets back to the same bucket last year."""
    return {"day": 364, "week": 52, "month": 12, "quarter": 4}[freq]


def series_frame(
    codes: np.ndarray,
    values: np.ndarray,
    freq: str,
    as_of: pd.Timestamp | None,
    lang: str,
    fill: float | None,
    ma_window: int | None,
    max_points: int,
    partial: Callable[[pd.Timestamp, pd.Timestamp], bool] | None = None,
) -> pd.DataFrame:
    """A regular series over every bucket from the first to the last code.

    ``partial(start, end)`` says whether the bucket ``[start, end)`` is partial (see
    :func:`partial_rule`); without it, a bucket ending after the day ``as_of`` is.
    """
    cols = ["start", "end", "label", "value", "last_year", "moving_avg", "partial"]
    if len(codes) == 0:
        return pd.DataFrame(columns=cols)
    lo, hi = int(codes.min()), int(codes.max())
    full = np.arange(lo, hi + 1)
    vals = np.full(len(full), np.nan if fill is None else fill, dtype=float)
    vals[codes - lo] = values
    back = year_lag(freq)
    last_year = np.full(len(full), np.nan)
    if len(full) > back:
        last_year[back:] = vals[:-back]
    window = ma_window or MOVING_AVERAGE[freq]
    ma = pd.Series(vals).rolling(window, min_periods=window).mean().to_numpy()
    keep = slice(max(0, len(full) - max_points), len(full))
    starts = [bucket_start(int(c), freq) for c in full[keep]]
    ends = [bucket_end(s, freq) for s in starts]
    if partial is None:
        partial = partial_rule(None, as_of)
    flags = [partial(s, e) for s, e in zip(starts, ends, strict=True)]
    return pd.DataFrame(
        {
            "start": pd.to_datetime(starts),
            "end": pd.to_datetime(ends),
            "label": [bucket_label(s, freq, lang) for s in starts],
            "value": vals[keep],
            "last_year": last_year[keep],
            "moving_avg": ma[keep],
            "partial": np.array(flags, dtype=bool),
        }
    )


i18n.add_messages(
    {
        "trends.invalid_freq": {
            "fr": "Granularité « {value} » inconnue. Valeurs possibles : {valid}.",
            "en": "Unknown granularity “{value}”. Valid values: {valid}.",
        },
        "trends.week": {"fr": "S{week} {year}", "en": "W{week} {year}"},
    }
)
