"""Trends: any measure or KPI over time, broken down, with anomalies, a forecast, and what drove
a change between two periods.

Two sources of series:

- **Measures** (:data:`MEASURES`): sums, counts and ratios of sums computed from *facts*, the
  counted rows of a table within the filters (:func:`facts`), for any granularity (day, week,
  month, quarter), by segment, and decomposable (contributions, price / volume / mix).
- **Catalogue KPIs** (:func:`kpi_trend`): every KPI of :mod:`kpi.metrics.catalogue` through the engine,
  period by period, exactly as the dashboard computes it.

Facts reuse the engine's primitives (:func:`kpi.metrics.engine.counted_rows`,
:func:`~kpi.metrics.engine.line_amount`, :func:`~kpi.metrics.engine.filter_mask`,
:func:`~kpi.metrics.engine.deal_outcomes`, :func:`~kpi.metrics.engine.parse_flag`); :mod:`kpi.explore.customers` and
:mod:`kpi.explore.team` build on them too. Tests check that monthly measures equal the engine's series.

Decisions where the issue is silent:

- Weeks start on Monday and are labelled with their ISO week; the same week last year is 52
  weeks before, the same day last year 364 days before (same weekday).
- A bucket is *partial* when the data ends before it does (the current month): it is shown but
  left out of anomaly detection and of the forecast's history.
- Anomalies: the expected value is a robust trend (centred rolling median over one season)
  plus the seasonal effect of that position (median deviation from the trend over the cycles;
  with two cycles, the one nearer zero) when the series covers two seasonal cycles (7 days,
  52 weeks, 12 months, 4 quarters), else a centred rolling median; a point is flagged when its
  residual is more than 3 robust standard deviations from the expected value (as the
  dashboard's alerts: 3 × 1.4826 × MAD) and at least 5 % away from it. STL was tried first: with two cycles (two years of months, the usual export) its
  seasonal component absorbs a one-off shock, so it flagged nothing. Each flag is
  explained by the segment that moved most against the same period last year (else the
  previous period).
- Forecast: ETS (additive errors, damped additive trend, additive seasonality when the history
  allows it and the back-test too) from statsmodels, with an 80 % prediction interval. The
  back-test refits the same model on the history minus the last ``h`` periods and reports the
  weighted absolute percentage error (WAPE) on them. With fewer than 10 periods (or no
  statsmodels) the forecast is the mean of the last 3 periods ± 1.28 standard deviations.
- Contributions only for additive measures (sums and counts); price / volume / mix uses the
  realised price (revenue / quantity) of each product; products sold in only one of the two
  periods, or with a net quantity ≤ 0, form the "new, discontinued and returns" effect, so the
  effects always add up to the change.
"""

from __future__ import annotations

import math
import unicodedata
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from babel.dates import format_date

from kpi import i18n
from kpi.data.dataset import Table
from kpi.errors import PiloteError
from kpi.metrics.catalogue import Text, get_kpi
from kpi.metrics.engine import (
    Engine,
    _amount_array,
    _check_filters,
    _counted_array,
    _deal_outcome_array,
    _filter_mask_prep,
    _status_key,
    _table_prep,
)
from kpi.metrics.periods import Period, period_mask

__all__ = [
    "DIMENSIONS",
    "FREQS",
    "MEASURES",
    "Anomaly",
    "Facts",
    "Forecast",
    "Measure",
    "anomalies",
    "available_measures",
    "breakdown_trend",
    "bucket_codes",
    "bucket_end",
    "bucket_label",
    "bucket_start",
    "contributions",
    "explain_anomalies",
    "facts",
    "facts_for",
    "forecast",
    "kpi_trend",
    "measure_totals",
    "measure_trend",
    "price_volume_mix",
]

FREQS: tuple[str, ...] = ("day", "week", "month", "quarter")
#: Categorical roles a measure can be broken down by (when the table has them).
DIMENSIONS: tuple[str, ...] = (
    "region",
    "country",
    "product",
    "category",
    "channel",
    "source",
    "segment",
    "rep",
    "team",
    "stage",
)
SEASON: dict[str, int] = {"day": 7, "week": 52, "month": 12, "quarter": 4}
MOVING_AVERAGE: dict[str, int] = {"day": 7, "week": 4, "month": 3, "quarter": 2}
HORIZON: dict[str, int] = {"day": 28, "week": 8, "month": 6, "quarter": 4}
MAX_POINTS = 1000
ANOMALY_K = 3.0
#: Smallest move, relative to the expected value, flagged as an anomaly.
MIN_RELATIVE_DEVIATION = 0.05
_EPS = 1e-6
_NS_DAY = 86_400 * 10**9
# 1970-01-05 was a Monday: weeks are numbered from it.
_MONDAY_OFFSET = 4


# ---------------------------------------------------------------------------------------------
# Facts: the counted rows of a table within the filters, as a compact frame
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """Rows of one table that count, within the filters, with typed columns.

    Attributes
    ----------
    kind : str
        ``orders``, ``deals`` or ``leads``.
    frame : pandas.DataFrame
        Orders: ``date``, ``amount`` (empty as 0), ``order`` (int code, −1 without id),
        ``customer`` (categorical), optional ``quantity`` and ``margin``. Deals: ``created``,
        ``closed``, ``outcome`` (0 open, 1 won, 2 lost), ``amount``. Leads: ``created``,
        ``converted`` (1.0, 0.0 or NaN), ``decided`` (bool). Plus one categorical column per
        mapped role of :data:`DIMENSIONS` (named after the role).
    dims : tuple of str
        The dimension roles present.
    table : str
        Name of the source table.
    """

    kind: str
    frame: pd.DataFrame
    dims: tuple[str, ...]
    table: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return len(self.frame) == 0


def _cat(codes: np.ndarray, uniq: np.ndarray) -> pd.Categorical:
    """A categorical from the engine's factorised codes (−1 = empty), labels as trimmed text."""
    labels = pd.Index([str(u).strip() for u in uniq], dtype=object)
    if labels.is_unique:
        return pd.Categorical.from_codes(codes, categories=labels)
    # two raw values that only differ by spaces: merge them
    merged, cats = pd.factorize(labels)
    lut = np.append(merged, -1)
    return pd.Categorical.from_codes(lut[np.where(codes >= 0, codes, len(merged))], cats)


def _prepared(table: Table) -> Any:
    """The engine's cached typed arrays of ``table`` (orders sorted by date).

    :mod:`kpi.metrics.engine` keeps factorised codes, amounts, counted rows and deal outcomes per
    table while its DataFrame lives; facts are slices of them, so that they match the engine
    row for row and cost a few array takes instead of re-parsing a million rows.
    """
    return _table_prep(table)


def facts(
    table: Table,
    filters: Mapping[str, Iterable[Any]] | None = None,
    statuses: Collection[str] | None = None,
) -> Facts:
    """The rows of ``table`` that count, within ``filters``, as :class:`Facts`.

    Orders: counted rows (:func:`kpi.metrics.engine.counted_rows`) with their amount
    (:func:`kpi.metrics.engine.line_amount`, empty as 0); deals: outcomes of
    :func:`kpi.metrics.engine.deal_outcomes`; leads: the converted flag of
    :func:`kpi.metrics.engine.parse_flag`. The arrays come from the engine's cached preparation of the
    table, so the facts are the engine's rows exactly.

    Parameters
    ----------
    table : Table
        An orders, deals or leads table (another kind is read as orders).
    filters : mapping of role → values, optional
        As for :class:`kpi.metrics.engine.Engine` (``{"region": ["Nord"]}``).
    statuses : collection of str, optional
        Order status values that count (``None``: the default of
        :func:`kpi.metrics.engine.counted_rows`). Ignored for deals and leads.

    Raises
    ------
    PiloteError
        For a filter on an unknown role.
    """
    kind = table.kind if table.kind in ("orders", "deals", "leads") else "orders"
    prep = _prepared(table)
    keep = _filter_mask_prep(prep, _check_filters(filters))
    if kind == "orders":
        counted = _counted_array(prep, _status_key(statuses))
        keep = counted if keep is None else keep & counted
    idx = np.arange(prep.n) if keep is None else np.flatnonzero(keep)

    def dates(*roles: str) -> np.ndarray:
        role = prep.first(*roles)
        if role is None:
            return np.full(len(idx), np.datetime64("NaT"), dtype="datetime64[ns]")
        return prep.dates(role)[idx].view("datetime64[ns]")

    def number(role: str) -> np.ndarray | None:
        return prep.number(role)[idx] if prep.has(role) else None

    cols: dict[str, Any] = {}
    if kind == "orders":
        cols["date"] = dates("date")
        cols["amount"] = _amount_array(prep)[idx]
        qty = number("quantity")
        if qty is not None:
            cols["quantity"] = np.nan_to_num(qty)
        cost, profit = number("cost"), number("profit")
        if cost is not None:
            cols["margin"] = cols["amount"] - np.nan_to_num(cost)
        elif profit is not None:
            cols["margin"] = np.nan_to_num(profit)
        order = prep.codes("order_id")[0][idx] if prep.has("order_id") else None
        cols["order"] = np.full(len(idx), -1, dtype=np.int64) if order is None else order
        if prep.has("customer_id"):
            cols["customer"] = _cat(prep.codes("customer_id")[0][idx], prep.codes("customer_id")[1])
    elif kind == "deals":
        cols["created"] = dates("created_date", "date")
        cols["closed"] = dates("close_date", "date")
        cols["outcome"] = _deal_outcome_array(prep)[idx]
        amount = number("amount")
        cols["amount"] = np.full(len(idx), np.nan) if amount is None else amount
        if prep.has("customer_id"):
            cols["customer"] = _cat(prep.codes("customer_id")[0][idx], prep.codes("customer_id")[1])
    else:
        cols["created"] = dates("created_date", "date")
        if prep.has("converted"):
            true, known = (a[idx] for a in prep.flag("converted"))
            # The engine's rule (lead_conversion_rate): with explicit "no" values in the
            # table, an empty value means the lead is still open.
            all_true, all_known = prep.flag("converted")
            explicit_no = bool((all_known & ~all_true).any())
            cols["converted"] = true.astype(float)
            cols["decided"] = known if explicit_no else np.ones(len(idx), dtype=bool)
    dims = []
    for role in DIMENSIONS:
        if prep.has(role) and role not in cols:
            codes, uniq = prep.codes(role)
            cols[role] = _cat(codes[idx], uniq)
            dims.append(role)
    frame = pd.DataFrame(cols)
    return Facts(kind, frame, tuple(dims), table.name)


def facts_for(
    tables: Sequence[Table],
    kind: str,
    filters: Mapping[str, Iterable[Any]] | None = None,
    statuses: Collection[str] | None = None,
) -> Facts | None:
    """:func:`facts` of the first table of ``kind`` that has what the measures need."""
    needs = {
        "orders": (("amount",), ("quantity", "unit_price")),
        "deals": (("stage",), ("won",)),
        "leads": (("created_date",), ("date",)),
    }[kind]
    for table in tables:
        if table.kind == kind and any(table.has(*alt) for alt in needs):
            return facts(table, filters, statuses)
    return None


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A quantity computed from facts for any bucket or segment.

    ``agg`` is ``sum`` (of ``num``), ``ratio`` (Σ num / Σ den), ``orders`` (orders with a
    positive net amount), ``customers`` (distinct customers) or ``aov`` (revenue / orders).
    ``date`` is the facts column that places a row in time.
    """

    id: str
    kind: str
    label: Text
    unit: str
    agg: str
    date: str
    requires: tuple[str, ...] = ()
    kpi: str | None = None  # the catalogue KPI it equals, period by period

    @property
    def additive(self) -> bool:
        """Whether segment values add up to the total (contributions make sense)."""
        return self.agg in ("sum", "orders")


MEASURES: tuple[Measure, ...] = (
    Measure("revenue", "orders", Text("Chiffre d'affaires", "Revenue"), "money", "sum", "date",
            kpi="revenue"),
    Measure("orders", "orders", Text("Commandes", "Orders"), "count", "orders", "date",
            kpi="orders"),
    Measure("aov", "orders", Text("Panier moyen", "Average order value"), "money", "aov",
            "date", kpi="aov"),
    Measure("customers", "orders", Text("Clients actifs", "Active customers"), "count",
            "customers", "date", ("customer",), kpi="customers"),
    Measure("units", "orders", Text("Unités vendues", "Units sold"), "count", "sum", "date",
            ("quantity",), kpi="units_sold"),
    Measure("gross_margin", "orders", Text("Marge brute", "Gross margin"), "money", "sum",
            "date", ("margin",), kpi="gross_margin"),
    Measure("deals_created", "deals", Text("Affaires créées", "Deals created"), "count", "sum",
            "created"),
    Measure("deals_won", "deals", Text("Affaires gagnées", "Deals won"), "count", "sum",
            "closed"),
    Measure("won_value", "deals", Text("Montant gagné", "Won value"), "money", "sum", "closed"),
    Measure("win_rate", "deals", Text("Taux de transformation", "Win rate"), "percent", "ratio",
            "closed", kpi="win_rate"),
    Measure("leads", "leads", Text("Leads", "Leads"), "count", "sum", "created"),
    Measure("converted_leads", "leads", Text("Leads convertis", "Converted leads"), "count",
            "sum", "created", ("converted",)),
    Measure("lead_conversion", "leads", Text("Taux de conversion des leads",
            "Lead conversion rate"), "percent", "ratio", "created", ("converted",),
            kpi="lead_conversion_rate"),
)  # fmt: skip
_MEASURES = {m.id: m for m in MEASURES}


def get_measure(measure_id: str) -> Measure:
    """The measure ``measure_id``.

    Raises
    ------
    PiloteError
        For an unknown id (the message lists the valid ones).
    """
    try:
        return _MEASURES[measure_id]
    except KeyError:
        raise PiloteError(
            "trends.unknown_measure", value=measure_id, valid=", ".join(_MEASURES)
        ) from None


def available_measures(by_kind: Mapping[str, Facts | None]) -> list[Measure]:
    """The measures computable from the facts at hand (``{"orders": Facts, …}``)."""
    out = []
    for m in MEASURES:
        f = by_kind.get(m.kind)
        if f is None:
            continue
        if all(r in f.frame.columns for r in m.requires):
            out.append(m)
    return out


def _components(f: Facts, m: Measure) -> tuple[np.ndarray, np.ndarray | None]:
    """Per row: numerator weight, and denominator weight for ratios."""
    fr = f.frame
    if m.id in ("revenue", "aov"):
        return fr["amount"].to_numpy(), None
    if m.id == "units":
        return fr["quantity"].to_numpy(), None
    if m.id == "gross_margin":
        return fr["margin"].to_numpy(), None
    if m.id in ("orders", "customers"):
        return np.ones(len(fr)), None
    if m.id == "deals_created" or m.id == "leads":
        return np.ones(len(fr)), None
    if m.id == "deals_won":
        return (fr["outcome"].to_numpy() == 1).astype(float), None
    if m.id == "won_value":
        won = fr["outcome"].to_numpy() == 1
        return np.where(won, np.nan_to_num(fr["amount"].to_numpy(dtype=float)), 0.0), None
    if m.id == "win_rate":
        out = fr["outcome"].to_numpy()
        return (out == 1).astype(float), (out > 0).astype(float)
    if m.id == "converted_leads":
        return np.nan_to_num(fr["converted"].to_numpy(dtype=float)), None
    if m.id == "lead_conversion":
        dec = fr["decided"].to_numpy(dtype=bool)
        return np.where(dec, np.nan_to_num(fr["converted"].to_numpy(dtype=float)), 0.0), dec.astype(
            float
        )
    raise PiloteError("trends.unknown_measure", value=m.id, valid=", ".join(_MEASURES))


def _aggregate(f: Facts, m: Measure, keys: Mapping[str, np.ndarray], rows: np.ndarray | None):
    """The measure per combination of ``keys`` (arrays aligned with the facts) over ``rows``.

    Returns a DataFrame with the key columns and ``value`` (plus ``num``/``den``).
    """
    fr = f.frame
    sel = np.ones(len(fr), dtype=bool) if rows is None else rows
    key_names = list(keys)
    data = {k: np.asarray(v)[sel] for k, v in keys.items()}
    num, den = _components(f, m)
    base = pd.DataFrame({**data, "num": num[sel]})
    if den is not None:
        base["den"] = den[sel]
    if m.agg in ("sum", "ratio"):
        if not key_names:
            g = base[["num"] + (["den"] if den is not None else [])].sum().to_frame().T
        else:
            g = base.groupby(key_names, sort=True, observed=True).sum().reset_index()
        if m.agg == "ratio":
            g["value"] = np.where(g["den"] > 0, g["num"] / g["den"].where(g["den"] > 0), np.nan)
        else:
            g["value"] = g["num"]
        return g
    if m.agg == "customers":
        cust = fr["customer"].cat.codes.to_numpy()[sel]
        base["customer"] = cust
        base = base[base["customer"] >= 0]
        if not key_names:
            n = float(base["customer"].nunique())
            return pd.DataFrame({"num": [n], "value": [n]})
        g = base.groupby(key_names, sort=True, observed=True)["customer"].nunique()
        g = g.reset_index(name="num")
        g["value"] = g["num"].astype(float)
        return g
    # orders / aov: an order counts when its net amount over the rows at hand is > 0
    amount = fr["amount"].to_numpy()[sel]
    order = fr["order"].to_numpy()[sel]
    loose = order < 0
    order = np.where(loose, -1 - np.arange(len(order)), order)  # a row without id is an order
    base["order"] = order
    base["amount"] = amount
    gk = key_names + ["order"]
    per_order = base.groupby(gk, sort=False, observed=True)["amount"].sum().reset_index()
    per_order["positive"] = (per_order["amount"] > _EPS).astype(float)
    if not key_names:
        orders = float(per_order["positive"].sum())
        revenue = float(amount.sum())
        g = pd.DataFrame({"num": [revenue], "den": [orders]})
    else:
        g = per_order.groupby(key_names, sort=True, observed=True)[["amount", "positive"]].sum()
        g = g.reset_index().rename(columns={"amount": "num", "positive": "den"})
    if m.agg == "orders":
        g["value"] = g["den"].astype(float)
    else:
        g["value"] = np.where(g["den"] > 0, g["num"] / g["den"].where(g["den"] > 0), np.nan)
    return g


def measure_totals(
    f: Facts, measure_id: str, by: str | None = None, period: Period | None = None
) -> pd.DataFrame:
    """The measure over ``period`` (all the data by default), per value of ``by`` if given.

    Returns
    -------
    pandas.DataFrame
        ``segment`` (when ``by``), ``value``, and the sums ``num`` and ``den`` it is made of
        (``den`` for ratios, the order count for ``aov``); largest value first.
    """
    m = get_measure(measure_id)
    rows = None if period is None or period.is_all else period_mask(f.frame[m.date], period)
    keys = {} if by is None else {"segment": f.frame[by].cat.codes.to_numpy()}
    g = _aggregate(f, m, keys, rows)
    if "den" not in g:
        g["den"] = np.nan
    if by is None:
        return g[["value", "num", "den"]]
    g = g[g["segment"] >= 0]
    cats = f.frame[by].cat.categories
    g["segment"] = [str(cats[i]) for i in g["segment"]]
    out = g[["segment", "value", "num", "den"]]
    return out.sort_values("value", ascending=False, kind="stable")


# ---------------------------------------------------------------------------------------------
# Buckets (day, week, month, quarter)
# ---------------------------------------------------------------------------------------------


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


def _lag(freq: str) -> int:
    """Buckets back to the same bucket last year."""
    return {"day": 364, "week": 52, "month": 12, "quarter": 4}[freq]


def _series_frame(
    codes: np.ndarray,
    values: np.ndarray,
    freq: str,
    as_of: pd.Timestamp | None,
    lang: str,
    fill: float | None,
    ma_window: int | None,
    max_points: int,
) -> pd.DataFrame:
    """A regular series over every bucket from the first to the last code."""
    cols = ["start", "end", "label", "value", "last_year", "moving_avg", "partial"]
    if len(codes) == 0:
        return pd.DataFrame(columns=cols)
    lo, hi = int(codes.min()), int(codes.max())
    full = np.arange(lo, hi + 1)
    vals = np.full(len(full), np.nan if fill is None else fill, dtype=float)
    vals[codes - lo] = values
    lag = _lag(freq)
    last_year = np.full(len(full), np.nan)
    if len(full) > lag:
        last_year[lag:] = vals[:-lag]
    window = ma_window or MOVING_AVERAGE[freq]
    ma = pd.Series(vals).rolling(window, min_periods=window).mean().to_numpy()
    keep = slice(max(0, len(full) - max_points), len(full))
    starts = [bucket_start(int(c), freq) for c in full[keep]]
    ends = [bucket_end(s, freq) for s in starts]
    partial = [
        as_of is not None and e > pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
        for e in ends
    ]
    return pd.DataFrame(
        {
            "start": pd.to_datetime(starts),
            "end": pd.to_datetime(ends),
            "label": [bucket_label(s, freq, lang) for s in starts],
            "value": vals[keep],
            "last_year": last_year[keep],
            "moving_avg": ma[keep],
            "partial": np.array(partial, dtype=bool),
        }
    )


def measure_trend(
    f: Facts,
    measure_id: str,
    freq: str = "month",
    *,
    as_of: Any = None,
    lang: str = i18n.DEFAULT_LANGUAGE,
    ma_window: int | None = None,
    max_points: int = MAX_POINTS,
) -> pd.DataFrame:
    """A measure per day, week, month or quarter.

    Parameters
    ----------
    f : Facts
        From :func:`facts` (the kind the measure needs).
    measure_id : str
        One of :data:`MEASURES`.
    freq : str
        ``day``, ``week``, ``month`` or ``quarter``.
    as_of : date-like, optional
        The last day of the data ("today"): the bucket holding it is marked partial.
    lang : str
        Language of the ``label`` column.
    ma_window : int, optional
        Buckets in the trailing moving average (default per granularity: 7, 4, 3, 2).
    max_points : int
        The latest buckets kept (charts stay small).

    Returns
    -------
    pandas.DataFrame
        One row per bucket, oldest first: ``start``, ``end`` (exclusive), ``label``, ``value``
        (0 for a bucket without rows for sums and counts, NaN for an undefined ratio),
        ``last_year`` (the same bucket a year before), ``moving_avg``, ``partial``. Empty when
        no row has a date.
    """
    m = get_measure(measure_id)
    codes = bucket_codes(f.frame[m.date].to_numpy(), freq)
    dated = codes != np.iinfo(np.int64).min
    g = _aggregate(f, m, {"bucket": codes}, dated)
    fill = 0.0 if m.agg in ("sum", "orders", "customers") else None
    return _series_frame(
        g["bucket"].to_numpy(dtype=np.int64),
        g["value"].to_numpy(dtype=float),
        freq,
        None if as_of is None else pd.Timestamp(as_of),
        lang,
        fill,
        ma_window,
        max_points,
    )


def kpi_trend(
    engine: Engine,
    kpi_id: str,
    freq: str = "month",
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    ma_window: int | None = None,
    max_points: int = 400,
) -> pd.DataFrame:
    """A catalogue KPI per day, week, month or quarter, computed by the engine for each
    bucket exactly as on the dashboard. Same columns as :func:`measure_trend`.

    Months and quarters come from :meth:`Engine.series`; days and weeks are date ranges given
    to :meth:`Engine.value` (at most ``max_points`` of them, the latest).
    """
    kpi = get_kpi(kpi_id)
    if freq not in FREQS:
        raise PiloteError("trends.invalid_freq", value=freq, valid=", ".join(FREQS))
    as_of = engine.as_of
    if freq in ("month", "quarter"):
        s = engine.series(kpi.id, freq, max_periods=max_points)
        if s.empty:
            return _series_frame(np.array([], dtype=np.int64), np.array([]), freq, None, lang,
                                 None, ma_window, max_points)  # fmt: skip
        codes = bucket_codes(pd.to_datetime(s["start"]).to_numpy(), freq)
        return _series_frame(
            codes, s["value"].to_numpy(dtype=float), freq, as_of, lang, None, ma_window, max_points
        )
    base = engine.series(kpi.id, "month", max_periods=10_000)
    if base.empty:
        return _series_frame(np.array([], dtype=np.int64), np.array([]), freq, None, lang, None,
                             ma_window, max_points)  # fmt: skip
    first = pd.Timestamp(base["start"].iloc[0])
    last = as_of if as_of is not None else pd.Timestamp(base["start"].iloc[-1])
    lo = int(bucket_codes(np.array([first.to_datetime64()]), freq)[0])
    hi = int(bucket_codes(np.array([pd.Timestamp(last).to_datetime64()]), freq)[0])
    lo = max(lo, hi - max_points - _lag(freq) + 1)
    codes = np.arange(lo, hi + 1)
    values = []
    for c in codes:
        start = bucket_start(int(c), freq)
        v = engine.value(kpi.id, Period("range", start, bucket_end(start, freq)))
        values.append(np.nan if v.value is None else v.value)
    return _series_frame(
        codes, np.array(values, dtype=float), freq, as_of, lang, None, ma_window, max_points
    )


def breakdown_trend(
    f: Facts,
    measure_id: str,
    by: str,
    freq: str = "month",
    *,
    top: int = 5,
    lang: str = i18n.DEFAULT_LANGUAGE,
    max_points: int = 400,
) -> pd.DataFrame:
    """The measure per bucket for the ``top`` segments of ``by``, the rest as one "other".

    Segments are ranked by the measure over all the data (by volume — the denominator — for
    ratios). Rows: ``start``, ``label``, ``segment``, ``value``, ``rank`` (0 = largest;
    "other" last). At most ``(top + 1) × max_points`` rows.
    """
    m = get_measure(measure_id)
    if by not in f.frame.columns:
        return pd.DataFrame(columns=["start", "label", "segment", "value", "rank"])
    seg = f.frame[by].cat.codes.to_numpy().astype(np.int64)
    cats = [str(c) for c in f.frame[by].cat.categories]
    totals = _aggregate(f, m, {"segment": seg}, seg >= 0)
    rank_col = "den" if m.agg in ("ratio", "aov") else "value"
    totals = totals.sort_values(rank_col, ascending=False, kind="stable")
    chosen = totals["segment"].to_numpy()[:top]
    other = len(cats)
    lut = np.full(len(cats) + 1, other, dtype=np.int64)
    lut[chosen] = chosen
    grouped = np.where(seg >= 0, lut[np.where(seg >= 0, seg, len(cats))], other)
    codes = bucket_codes(f.frame[m.date].to_numpy(), freq)
    dated = codes != np.iinfo(np.int64).min
    if not dated.any():
        return pd.DataFrame(columns=["start", "label", "segment", "value", "rank"])
    hi = int(codes[dated].max())
    dated &= codes > hi - max_points
    g = _aggregate(f, m, {"bucket": codes, "segment": grouped}, dated)
    names = {int(c): cats[int(c)] for c in chosen}
    names[other] = i18n.t("trends.other", lang)
    order = {int(c): i for i, c in enumerate(chosen)}
    order[other] = len(chosen)
    # every bucket × segment, so that stacked areas do not jump over gaps
    buckets = np.arange(int(g["bucket"].min()), hi + 1) if len(g) else np.array([], dtype=int)
    segs = [s for s in order if s in set(g["segment"].tolist())]
    grid = pd.MultiIndex.from_product([buckets, segs], names=["bucket", "segment"])
    fill = 0.0 if m.agg in ("sum", "orders", "customers") else np.nan
    values = g.set_index(["bucket", "segment"])["value"].reindex(grid, fill_value=fill)
    out = values.reset_index()
    starts = {int(b): bucket_start(int(b), freq) for b in buckets}
    out["start"] = pd.to_datetime([starts[int(b)] for b in out["bucket"]])
    out["label"] = [bucket_label(starts[int(b)], freq, lang) for b in out["bucket"]]
    out["rank"] = [order[int(s)] for s in out["segment"]]
    out["segment"] = [names[int(s)] for s in out["segment"]]
    return out[["start", "label", "segment", "value", "rank"]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Anomalies
# ---------------------------------------------------------------------------------------------


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
            from kpi.metrics.catalogue import role_label

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
    f: Facts, m: Measure, start: pd.Timestamp, freq: str, direction: int
) -> dict[str, Any] | None:
    cur = Period("range", start, bucket_end(start, freq))
    code = int(bucket_codes(np.array([start.to_datetime64()]), freq)[0])
    dates = f.frame[m.date].to_numpy()
    # dimensions that split the rows at hand (a filter on one region leaves one region)
    dims = [r for r in f.dims if f.frame[r].nunique(dropna=True) > 1]
    in_cur = period_mask(dates, cur)
    for ref_code in (code - _lag(freq), code - 1):
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


# ---------------------------------------------------------------------------------------------
# Forecast
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """The next periods of a series.

    Attributes
    ----------
    frame : pandas.DataFrame
        ``start``, ``label``, ``forecast``, ``lower``, ``upper`` (80 % interval).
    method : str
        ``ets_seasonal``, ``ets`` or ``mean`` (the plain fallback).
    backtest_wape : float or None
        Σ|error| / Σ|actual| of the same method refitted without the last ``backtest_periods``.
    backtest_periods : int
    history : int
        Periods the model learnt from.
    """

    frame: pd.DataFrame
    method: str
    backtest_wape: float | None
    backtest_periods: int
    history: int

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """What the forecast is and how good it was on the recent past."""
        text = i18n.t(f"trends.forecast.{self.method}", lang, n=self.history)
        if self.backtest_wape is not None:
            text += " " + i18n.t(
                "trends.forecast.backtest",
                lang,
                h=self.backtest_periods,
                wape=i18n.format_percent_value(self.backtest_wape, lang, 1),
            )
        else:
            text += " " + i18n.t("trends.forecast.no_backtest", lang)
        return text


def _fit_predict(y: np.ndarray, h: int, method: str, period: int) -> tuple[np.ndarray, ...]:
    """Forecast ``h`` steps: (mean, lower, upper)."""
    if method == "mean":
        k = min(3, len(y))
        mean = float(np.mean(y[-k:]))
        sd = float(np.std(y, ddof=1)) if len(y) >= 3 else abs(mean) * 0.25
        m = np.full(h, mean)
        return m, m - 1.2816 * sd, m + 1.2816 * sd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    kwargs: dict[str, Any] = {"error": "add", "trend": "add", "damped_trend": True}
    if method == "ets_seasonal":
        kwargs.update(seasonal="add", seasonal_periods=period)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(pd.Series(y, dtype=float), initialization_method="heuristic", **kwargs)
        fit = model.fit(disp=False, maxiter=200)
        pred = fit.get_prediction(start=len(y), end=len(y) + h - 1).summary_frame(alpha=0.2)
    return (
        pred["mean"].to_numpy(dtype=float),
        pred["pi_lower"].to_numpy(dtype=float),
        pred["pi_upper"].to_numpy(dtype=float),
    )


def _choose(n: int, period: int, holdout: int) -> str:
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        return "mean"
    train = n - holdout
    if train >= 2 * period + 2 and period <= 52:
        return "ets_seasonal"
    if train >= 10:
        return "ets"
    return "mean"


def forecast(
    series: pd.DataFrame,
    freq: str = "month",
    horizon: int | None = None,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    non_negative: bool = True,
) -> Forecast | None:
    """Forecast the next ``horizon`` buckets of a series from :func:`measure_trend` or
    :func:`kpi_trend` (partial buckets left out), with its back-tested error.

    Returns ``None`` when there are fewer than 3 usable buckets.
    """
    if series.empty:
        return None
    usable = series[~series["partial"].astype(bool)]
    y_full = usable["value"].astype(float)
    # the latest uninterrupted run of values
    if y_full.isna().all():
        return None
    last_valid = y_full.last_valid_index()
    y_full = y_full.loc[:last_valid]
    gaps = np.flatnonzero(y_full.isna().to_numpy())
    start = gaps[-1] + 1 if len(gaps) else 0
    y = y_full.to_numpy()[start:]
    n = len(y)
    if n < 3:
        return None
    h = horizon or HORIZON.get(freq, 6)
    period = SEASON.get(freq, 12)
    holdout = min(h, max(1, n // 4)) if n >= 4 else 0
    method = _choose(n, period, holdout)
    wape = None
    try:
        mean, lower, upper = _fit_predict(y, h, method, period)
        if holdout:
            bt, _, _ = _fit_predict(y[:-holdout], holdout, method, period)
            actual = y[-holdout:]
            denom = float(np.abs(actual).sum())
            wape = float(np.abs(actual - bt).sum() / denom) if denom > 0 else None
    except Exception:  # a model that fails to fit falls back to the plain forecast
        method = "mean"
        mean, lower, upper = _fit_predict(y, h, method, period)
        if holdout:
            bt, _, _ = _fit_predict(y[:-holdout], holdout, method, period)
            denom = float(np.abs(y[-holdout:]).sum())
            wape = float(np.abs(y[-holdout:] - bt).sum() / denom) if denom > 0 else None
    if non_negative:
        mean, lower, upper = (np.maximum(a, 0.0) for a in (mean, lower, upper))
    last_start = pd.Timestamp(usable.loc[last_valid, "start"])
    code = int(bucket_codes(np.array([last_start.to_datetime64()]), freq)[0])
    starts = [bucket_start(code + i + 1, freq) for i in range(h)]
    frame = pd.DataFrame(
        {
            "start": pd.to_datetime(starts),
            "label": [bucket_label(s, freq, lang) for s in starts],
            "forecast": mean,
            "lower": lower,
            "upper": upper,
        }
    )
    return Forecast(frame, method, wape, holdout, n)


# ---------------------------------------------------------------------------------------------
# What drove a change
# ---------------------------------------------------------------------------------------------


def contributions(
    f: Facts,
    measure_id: str,
    by: str,
    base: Period,
    current: Period,
    *,
    top: int = 10,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """Each segment's part in the change of an additive measure from ``base`` to ``current``.

    Returns
    -------
    pandas.DataFrame
        ``segment``, ``base``, ``current``, ``delta`` (current − base), ``share`` (delta / total
        delta; None when the total does not move), ``growth_points`` (delta / base total: the
        segment's contribution to the growth rate). The ``top`` segments by |delta| then one
        "other" row; the deltas add up to the total change. Empty when neither period has
        rows.

    Raises
    ------
    PiloteError
        ``trends.not_additive`` for a ratio or a distinct count (their segments do not add up).
    """
    m = get_measure(measure_id)
    cols = ["segment", "base", "current", "delta", "share", "growth_points"]
    if not m.additive:
        raise PiloteError("trends.not_additive", measure=m.label(lang))
    if by not in f.frame.columns:
        return pd.DataFrame(columns=cols)
    dates = f.frame[m.date].to_numpy()
    seg = f.frame[by].cat.codes.to_numpy().astype(np.int64)
    cats = [str(c) for c in f.frame[by].cat.categories]
    none = len(cats)
    seg = np.where(seg >= 0, seg, none)
    parts = []
    for p in (base, current):
        rows = period_mask(dates, p)
        g = _aggregate(f, m, {"segment": seg}, rows).set_index("segment")["value"]
        parts.append(g)
    both = pd.concat(parts, axis=1, keys=["base", "current"]).fillna(0.0)
    if both.empty:
        return pd.DataFrame(columns=cols)
    both["delta"] = both["current"] - both["base"]
    both = both.reindex(both["delta"].abs().sort_values(ascending=False, kind="stable").index)
    names = [i18n.t("trends.none", lang) if i == none else cats[int(i)] for i in both.index]
    both.index = names
    head, tail = both.iloc[:top], both.iloc[top:]
    if len(tail):
        other = tail.sum().rename(i18n.t("trends.other", lang))
        head = pd.concat([head, other.to_frame().T])
    total_delta = float(both["delta"].sum())
    base_total = float(both["base"].sum())
    head = head.reset_index(names="segment")
    head["share"] = head["delta"] / total_delta if abs(total_delta) > _EPS else np.nan
    head["growth_points"] = head["delta"] / base_total if abs(base_total) > _EPS else np.nan
    return head[cols].reset_index(drop=True)


def price_volume_mix(
    f: Facts,
    base: Period,
    current: Period,
    by: str = "product",
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the revenue change from ``base`` to ``current`` into volume, mix and price effects.

    With per item ``i`` (a product, or any dimension ``by``) quantity ``q`` and realised price
    ``p = revenue / q``, over the items sold with a positive net quantity in both periods::

        volume = (Q₁ − Q₀) × P̄₀           P̄₀ = Σ r₀ / Q₀ (average base price)
        mix    = Σ q₁ p₀ − Q₁ × P̄₀         (more of the dearer items)
        price  = Σ (p₁ − p₀) q₁
        other  = change − volume − mix − price   (new, discontinued or returns-only items)

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The steps — ``step`` (``base``, ``volume``, ``mix``, ``price``, ``other``,
        ``current``), ``label``, ``value`` (the effect, or the revenue for base and current),
        ``start`` and ``end`` (for a waterfall) — and the items with ``item``, ``q0``, ``r0``,
        ``p0``, ``q1``, ``r1``, ``p1``, ``comparable``.

    Raises
    ------
    PiloteError
        ``trends.pvm_needs_quantity`` when the orders have no quantity column, or
        ``trends.pvm_needs_item`` without the ``by`` column.
    """
    if f.kind != "orders" or "quantity" not in f.frame.columns:
        raise PiloteError("trends.pvm_needs_quantity")
    if by not in f.frame.columns:
        from kpi.metrics.catalogue import role_label

        raise PiloteError("trends.pvm_needs_item", role=role_label(by, lang))
    fr = f.frame
    item = fr[by].cat.codes.to_numpy().astype(np.int64)
    cats = [str(c) for c in fr[by].cat.categories]
    item = np.where(item >= 0, item, len(cats))
    sums = []
    for p in (base, current):
        rows = period_mask(fr["date"].to_numpy(), p)
        g = pd.DataFrame(
            {"item": item[rows], "q": fr["quantity"].to_numpy()[rows], "r": fr["amount"][rows]}
        )
        sums.append(g.groupby("item").sum())
    items = sums[0].add_suffix("0").join(sums[1].add_suffix("1"), how="outer").fillna(0.0)
    items["comparable"] = (items["q0"] > _EPS) & (items["q1"] > _EPS)
    items["p0"] = np.where(
        items["comparable"], items["r0"] / items["q0"].where(items["q0"] > 0), np.nan
    )
    items["p1"] = np.where(
        items["comparable"], items["r1"] / items["q1"].where(items["q1"] > 0), np.nan
    )
    c = items[items["comparable"]]
    r0, r1 = float(items["r0"].sum()), float(items["r1"].sum())
    q0, q1 = float(c["q0"].sum()), float(c["q1"].sum())
    if q0 > 0:
        avg_p0 = float(c["r0"].sum()) / q0
        volume = (q1 - q0) * avg_p0
        mix = float((c["q1"] * c["p0"]).sum()) - q1 * avg_p0
        price = float(((c["p1"] - c["p0"]) * c["q1"]).sum())
    else:
        volume = mix = price = 0.0
    other = (r1 - r0) - volume - mix - price
    steps = [("base", r0), ("volume", volume), ("mix", mix), ("price", price), ("other", other),
             ("current", r1)]  # fmt: skip
    rows_out = []
    running = r0
    for step, value in steps:
        if step == "base":
            lo, hi = 0.0, r0
        elif step == "current":
            lo, hi = 0.0, r1
        else:
            lo, hi = running, running + value
            running += value
        rows_out.append(
            {
                "step": step,
                "label": i18n.t(f"trends.pvm.{step}", lang),
                "value": value,
                "start": lo,
                "end": hi,
            }
        )
    detail = items.reset_index()
    detail["item"] = [i18n.t("trends.none", lang) if i == len(cats) else cats[int(i)]
                      for i in detail["item"]]  # fmt: skip
    detail = detail[["item", "q0", "r0", "p0", "q1", "r1", "p1", "comparable"]]
    detail = detail.reindex(
        (detail["r1"] - detail["r0"]).abs().sort_values(ascending=False).index
    ).reset_index(drop=True)
    return pd.DataFrame(rows_out), detail


def normalise_key(value: Any) -> str:
    """A label compared case- and accent-insensitively (joins spend and leads by channel)."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


i18n.add_messages(
    {
        "trends.unknown_measure": {
            "fr": "Mesure inconnue « {value} ». Mesures possibles : {valid}.",
            "en": "Unknown measure “{value}”. Valid measures: {valid}.",
        },
        "trends.invalid_freq": {
            "fr": "Granularité « {value} » inconnue. Valeurs possibles : {valid}.",
            "en": "Unknown granularity “{value}”. Valid values: {valid}.",
        },
        "trends.not_additive": {
            "fr": "« {measure} » ne s'additionne pas entre segments (c'est un ratio ou un "
            "décompte distinct) : choisissez le CA, les commandes, les unités ou la marge pour "
            "voir les contributions.",
            "en": "“{measure}” does not add up across segments (it is a ratio or a distinct "
            "count): choose revenue, orders, units or margin to see contributions.",
        },
        "trends.pvm_needs_quantity": {
            "fr": "L'effet prix / volume / mix demande une colonne Quantité dans les commandes.",
            "en": "The price / volume / mix split needs a Quantity column in the orders.",
        },
        "trends.pvm_needs_item": {
            "fr": "L'effet prix / volume / mix demande une colonne « {role} ».",
            "en": "The price / volume / mix split needs a “{role}” column.",
        },
        "trends.week": {"fr": "S{week} {year}", "en": "W{week} {year}"},
        "trends.other": {"fr": "Autres", "en": "Other"},
        "trends.none": {"fr": "(non renseigné)", "en": "(blank)"},
        "trends.pvm.base": {"fr": "Période de référence", "en": "Base period"},
        "trends.pvm.volume": {"fr": "Effet volume", "en": "Volume effect"},
        "trends.pvm.mix": {"fr": "Effet mix", "en": "Mix effect"},
        "trends.pvm.price": {"fr": "Effet prix", "en": "Price effect"},
        "trends.pvm.other": {
            "fr": "Nouveaux, arrêtés, retours",
            "en": "New, discontinued, returns",
        },
        "trends.pvm.current": {"fr": "Période étudiée", "en": "Current period"},
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
        "trends.forecast.ets_seasonal": {
            "fr": "Prévision par lissage exponentiel (ETS : tendance amortie et saisonnalité) "
            "appris sur {n} périodes ; bande : intervalle de prévision à 80 %.",
            "en": "Exponential smoothing forecast (ETS: damped trend and seasonality) learnt "
            "from {n} periods; band: 80% prediction interval.",
        },
        "trends.forecast.ets": {
            "fr": "Prévision par lissage exponentiel (ETS : tendance amortie ; la saisonnalité "
            "demande deux cycles complets en plus des périodes de test) appris sur {n} "
            "périodes ; bande : intervalle de prévision à 80 %.",
            "en": "Exponential smoothing forecast (ETS: damped trend; seasonality needs two full "
            "cycles besides the test periods) learnt from {n} periods; band: 80% prediction "
            "interval.",
        },
        "trends.forecast.mean": {
            "fr": "Historique trop court pour un modèle ({n} périodes) : la prévision est la "
            "moyenne des 3 dernières périodes, la bande ± 1,28 écart-type.",
            "en": "Too little history for a model ({n} periods): the forecast is the mean of "
            "the last 3 periods, the band ± 1.28 standard deviations.",
        },
        "trends.forecast.backtest": {
            "fr": "Erreur en test sur les {h} dernières périodes connues (modèle réappris sans "
            "elles) : {wape} (écart absolu / valeur réelle).",
            "en": "Back-tested error on the last {h} known periods (model refitted without "
            "them): {wape} (absolute error / actual).",
        },
        "trends.forecast.no_backtest": {
            "fr": "Pas assez de périodes pour mesurer l'erreur en test.",
            "en": "Not enough periods to back-test the error.",
        },
    }
)
