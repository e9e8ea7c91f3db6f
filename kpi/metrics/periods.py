"""Periods: a calendar month, quarter or year, a custom date range, or all the data.

A :class:`Period` is a half-open interval ``[start, end)`` of timestamps, so that a month holds
every time of its last day and two consecutive periods never share a row. Comparisons follow
``KPI_SPEC.md``: the *previous* period is the period of the same length just before (the month,
quarter or year before; for a custom range, the same number of days before) and the *same period
last year* is shifted back 12 months.

Text forms, used by the command line and saved settings: ``all``, ``2024``, ``2024-Q1`` (or the
French ``2024-T1``), ``2024-03`` and ``2024-01-01..2024-03-31`` (both ends included).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from babel.dates import format_date

from kpi import i18n
from kpi.errors import PiloteError

KINDS: tuple[str, ...] = ("all", "year", "quarter", "month", "range")
FREQS: tuple[str, ...] = ("month", "quarter", "year")
VALID_FORMS = "all, 2024, 2024-Q1, 2024-03, 2024-01-01..2024-03-31"
FIRST_YEAR, LAST_YEAR = 1900, 2199
"""Years a typed period may cover: dates are nanosecond timestamps (1677–2262), and a period
is compared with the one before it and the same one a year earlier."""

_DAY = pd.Timedelta(days=1)
_RE_YEAR = re.compile(r"^(\d{4})$")
_RE_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[QT]([1-4])$", re.IGNORECASE)
_RE_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RE_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|→)\s*(\d{4}-\d{2}-\d{2})$")
_ALL_WORDS = frozenset({"all", "tout", "toutes", "tout l'historique", "all data", ""})


@functools.lru_cache(maxsize=4096)
def _month(cls: type[Period], year: int, month: int) -> Period:
    # Periods are immutable: one object per month. A dashboard run asks for the same months
    # hundreds of times (series, comparisons, coverage); pd.DateOffset cost 0.2 ms each.
    end_year, end_month = (year + 1, 1) if month == 12 else (year, month + 1)
    start = pd.Timestamp(year=year, month=month, day=1)
    return cls("month", start, pd.Timestamp(year=end_year, month=end_month, day=1))


@dataclass(frozen=True)
class Period:
    """A half-open time interval ``[start, end)``, or all the data.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    start, end : pandas.Timestamp or None
        Inclusive start and exclusive end (midnight); both ``None`` for ``all``.
    """

    kind: str
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def all(cls) -> Period:
        """All the data."""
        return cls("all")

    @classmethod
    def year(cls, year: int) -> Period:
        """A calendar year."""
        start = pd.Timestamp(year=year, month=1, day=1)
        return cls("year", start, pd.Timestamp(year=year + 1, month=1, day=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """A calendar quarter (1–4)."""
        start = pd.Timestamp(year=year, month=3 * (quarter - 1) + 1, day=1)
        end_year, end_month = (year + 1, 1) if quarter == 4 else (year, 3 * quarter + 1)
        return cls("quarter", start, pd.Timestamp(year=end_year, month=end_month, day=1))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """A calendar month (1–12)."""
        return _month(cls, year, month)

    @classmethod
    def between(cls, first_day: object, last_day: object) -> Period:
        """A custom range from ``first_day`` to ``last_day``, both days included."""
        start = pd.Timestamp(first_day).normalize()
        end = pd.Timestamp(last_day).normalize() + _DAY
        if end <= start:
            raise PiloteError("periods.empty_range", start=start.date(), end=(end - _DAY).date())
        return cls("range", start, end)

    @classmethod
    def containing(cls, when: object, freq: str = "month") -> Period:
        """The month, quarter or year that contains ``when``."""
        ts = pd.Timestamp(when)
        if freq == "month":
            return cls.month(ts.year, ts.month)
        if freq == "quarter":
            return cls.quarter(ts.year, (ts.month - 1) // 3 + 1)
        if freq == "year":
            return cls.year(ts.year)
        raise PiloteError("periods.invalid_freq", value=freq, valid=", ".join(FREQS))

    # -- properties ---------------------------------------------------------------------------
    @property
    def is_all(self) -> bool:
        """Whether this is all the data (no bounds)."""
        return self.kind == "all"

    @property
    def key(self) -> str:
        """The text form, which :func:`parse_period` reads back."""
        if self.is_all:
            return "all"
        assert self.start is not None and self.end is not None
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.date()}..{(self.end - _DAY).date()}"

    @property
    def last_day(self) -> pd.Timestamp | None:
        """The last day included (``end`` minus one day)."""
        return None if self.end is None else self.end - _DAY

    def __str__(self) -> str:
        return self.key

    def label(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """A human label: ``mars 2024`` / ``March 2024``, ``T1 2024`` / ``Q1 2024``…"""
        if self.is_all:
            return i18n.t("periods.all", lang)
        assert self.start is not None and self.end is not None
        loc = i18n.locale(lang)
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return i18n.t("periods.quarter", lang, q=q, year=self.start.year)
        if self.kind == "month":
            return format_date(self.start.date(), "LLLL y", locale=loc)
        first = format_date(self.start.date(), "medium", locale=loc)
        last = format_date((self.end - _DAY).date(), "medium", locale=loc)
        return f"{first} – {last}"

    # -- comparisons --------------------------------------------------------------------------
    def previous(self) -> Period | None:
        """The period of the same length just before; ``None`` for all the data."""
        if self.is_all:
            return None
        assert self.start is not None and self.end is not None
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        if self.kind == "quarter":
            start = self.start - pd.DateOffset(months=3)
            return Period("quarter", start, self.start)
        if self.kind == "month":
            start = self.start - pd.DateOffset(months=1)
            return Period("month", start, self.start)
        length = self.end - self.start
        return Period("range", self.start - length, self.start)

    def last_year(self) -> Period | None:
        """The same period shifted back 12 months; ``None`` for all the data."""
        return None if self.is_all else self.shifted(-12)

    def shifted(self, months: int) -> Period:
        """The period moved by ``months`` (negative: back in time)."""
        if self.is_all:
            return self
        assert self.start is not None and self.end is not None
        shift = pd.DateOffset(months=months)
        return Period(self.kind, self.start + shift, self.end + shift)

    def contains(self, when: object) -> bool:
        """Whether the timestamp ``when`` falls in the period (always true for all the data)."""
        if self.is_all:
            return True
        ts = pd.Timestamp(when)
        return bool(self.start <= ts < self.end)

    def elapsed_share(self, as_of: object) -> float:
        """Share of the period elapsed at the end of the day ``as_of``, in [0, 1].

        ``as_of`` is the last date in the data or "today": that whole day counts as elapsed.
        A finished period gives 1, a future one 0, and all the data always 1.
        """
        if self.is_all:
            return 1.0
        assert self.start is not None and self.end is not None
        day_end = pd.Timestamp(as_of).normalize() + _DAY
        share = (day_end - self.start) / (self.end - self.start)
        return float(min(1.0, max(0.0, share)))


ALL = Period.all()


def parse_period(text: str | Period | None) -> Period:
    """Read a period from its text form.

    Parameters
    ----------
    text : str, Period or None
        ``all`` (or ``None``/empty), ``2024``, ``2024-Q1`` (``2024-T1``), ``2024-03`` or
        ``2024-01-01..2024-03-31`` (both days included). A :class:`Period` is returned as is.

    Returns
    -------
    Period

    Raises
    ------
    PiloteError
        ``periods.invalid`` with the valid forms when the text is not one of them;
        ``periods.out_of_range`` for a year before :data:`FIRST_YEAR` or after
        :data:`LAST_YEAR`.
    """
    if isinstance(text, Period):
        return text
    raw = "" if text is None else str(text).strip()
    low = raw.lower()
    if low in _ALL_WORDS:
        return ALL
    years = [int(y) for y in re.findall(r"\d{4}", raw)[:2]]
    if years and not all(FIRST_YEAR <= y <= LAST_YEAR for y in years):
        raise PiloteError("periods.out_of_range", value=raw, first=FIRST_YEAR, last=LAST_YEAR)
    try:
        if m := _RE_YEAR.match(raw):
            return Period.year(int(m.group(1)))
        if m := _RE_QUARTER.match(raw):
            return Period.quarter(int(m.group(1)), int(m.group(2)))
        if (m := _RE_MONTH.match(raw)) and 1 <= int(m.group(2)) <= 12:
            return Period.month(int(m.group(1)), int(m.group(2)))
        if m := _RE_RANGE.match(raw):
            return Period.between(m.group(1), m.group(2))
    except (ValueError, OverflowError):
        pass
    raise PiloteError("periods.invalid", value=raw, valid=VALID_FORMS)


def period_mask(dates: pd.Series | np.ndarray, period: Period) -> np.ndarray:
    """Boolean mask of the ``dates`` that fall in ``period``.

    For all the data every row is in, missing dates included; otherwise missing dates are out.
    """
    values = _as_datetime64(dates)
    if period.is_all:
        return np.ones(len(values), dtype=bool)
    assert period.start is not None and period.end is not None
    start = np.datetime64(period.start.to_datetime64(), "ns")
    end = np.datetime64(period.end.to_datetime64(), "ns")
    return (values >= start) & (values < end)


def filter_period(df: pd.DataFrame, column: str, period: Period | str) -> pd.DataFrame:
    """The rows of ``df`` whose ``column`` (a date) falls in ``period``; ``df`` is not modified."""
    period = parse_period(period)
    if period.is_all:
        return df
    return df.loc[period_mask(df[column], period)]


def periods_between(first: object, last: object, freq: str = "month") -> list[Period]:
    """Every month, quarter or year from the one containing ``first`` to the one of ``last``."""
    current = Period.containing(first, freq)
    stop = pd.Timestamp(last)
    out: list[Period] = []
    while current.start is not None and current.start <= stop:
        out.append(current)
        assert current.end is not None
        current = Period.containing(current.end, freq)
    return out


def period_codes(dates: pd.Series | np.ndarray, freq: str = "month") -> np.ndarray:
    """An integer per date numbering its month, quarter or year (``-1`` for missing dates).

    Months are counted from January 1970, quarters and years likewise, so that consecutive
    periods have consecutive codes; used for vectorised per-period sums.
    """
    values = _as_datetime64(dates)
    missing = np.isnat(values)
    months = values.astype("datetime64[M]").astype(np.int64)
    if freq == "month":
        codes = months
    elif freq == "quarter":
        codes = months // 3
    elif freq == "year":
        codes = months // 12
    else:
        raise PiloteError("periods.invalid_freq", value=freq, valid=", ".join(FREQS))
    return np.where(missing, -1, codes)


def period_from_code(code: int, freq: str = "month") -> Period:
    """The :class:`Period` numbered ``code`` by :func:`period_codes`."""
    if freq == "month":
        return Period.month(1970 + code // 12, code % 12 + 1)
    if freq == "quarter":
        return Period.quarter(1970 + code // 4, code % 4 + 1)
    if freq == "year":
        return Period.year(1970 + code)
    raise PiloteError("periods.invalid_freq", value=freq, valid=", ".join(FREQS))


def _as_datetime64(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Dates as a ``datetime64[ns]`` numpy array (time zones dropped, missing as NaT)."""
    if isinstance(dates, pd.Series):
        series = dates
        if not pd.api.types.is_datetime64_any_dtype(series):
            series = pd.to_datetime(series, errors="coerce")
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
        return series.to_numpy(dtype="datetime64[ns]")
    arr = np.asarray(dates)
    if arr.dtype.kind != "M":
        arr = pd.to_datetime(arr, errors="coerce").to_numpy(dtype="datetime64[ns]")
    return arr.astype("datetime64[ns]")


i18n.add_messages(
    {
        "periods.all": {"fr": "Toutes les données", "en": "All data"},
        "periods.quarter": {"fr": "T{q} {year}", "en": "Q{q} {year}"},
        "periods.invalid": {
            "fr": "Période « {value} » non reconnue. Formes valides : {valid} (« tout » pour "
            "all, 2024-T1 pour 2024-Q1).",
            "en": "Unknown period “{value}”. Valid forms: {valid}.",
        },
        "periods.out_of_range": {
            "fr": "Période « {value} » hors des années possibles ({first} à {last}).",
            "en": "Period “{value}” is outside the years Pilote handles ({first} to {last}).",
        },
        "periods.empty_range": {
            "fr": "La période du {start} au {end} est vide : la date de fin doit suivre la date "
            "de début.",
            "en": "The range {start} to {end} is empty: the end date must come after the start.",
        },
        "periods.invalid_freq": {
            "fr": "Fréquence « {value} » inconnue. Valeurs possibles : {valid}.",
            "en": "Unknown frequency “{value}”. Valid values: {valid}.",
        },
    }
)
