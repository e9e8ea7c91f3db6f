"""Trends: any measure or KPI over time, by day, week, month or quarter, and by segment.

Two sources of series:

- **Measures** (:data:`MEASURES`): sums, counts and ratios of sums computed from *facts*, the
  counted rows of a table within the filters (:func:`facts`), for any granularity and by segment,
  and decomposable (:mod:`kpi.explore.drivers`).
- **Catalogue KPIs** (:func:`kpi_trend`): every KPI of the catalogue through the engine, period by
  period, exactly as the dashboard computes it.

Facts are slices of the engine's prepared arrays (:mod:`kpi.metrics.prepared`), so that they are
the engine's rows exactly; :mod:`kpi.explore.customers` and :mod:`kpi.explore.funnel` build on
them too. Tests check that monthly measures equal the engine's series. Anomalies and forecasts of
these series are :mod:`kpi.explore.anomalies` and :mod:`kpi.explore.forecast`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data import Table
from kpi.errors import PiloteError
from kpi.explore.buckets import (
    FREQS,
    bucket_codes,
    bucket_end,
    bucket_label,
    bucket_start,
    partial_rule,
    series_frame,
    year_lag,
)
from kpi.metrics import (
    CATALOGUE,
    KPI,
    Coverage,
    Engine,
    Measure,
    Period,
    Text,
    get_kpi,
    period_mask,
)
from kpi.metrics.aggregates import distinct_by, orders_by
from kpi.metrics.prepared import (
    amounts,
    counted,
    outcomes,
    prepared,
)

__all__ = [
    "DIMENSIONS",
    "MAX_POINTS",
    "MEASURES",
    "Facts",
    "COUNTS",
    "TrendMeasure",
    "available_measures",
    "breakdown_trend",
    "facts",
    "facts_for",
    "get_measure",
    "kpi_trend",
    "measure_totals",
    "measure_trend",
]

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
MAX_POINTS = 1000


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
        ``closed``, ``outcome`` (0 open, 1 won, 2 lost), ``amount``, and as numbers ``won``,
        ``won_or_lost`` and ``won_amount`` (the columns measures sum). Leads: ``created``,
        ``converted`` (1.0, 0.0 or NaN), ``decided`` (bool). Plus one categorical column per
        mapped role of :data:`DIMENSIONS` (named after the role).
    dims : tuple of str
        The dimension roles present.
    table : str
        Name of the source table.
    coverage : kpi.metrics.Coverage or None
        How far the source table runs: which buckets are partial.
    """

    kind: str
    frame: pd.DataFrame
    dims: tuple[str, ...]
    table: str = ""
    coverage: Coverage | None = None

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


def facts(engine: Engine, table: Table) -> Facts:
    """The rows of ``table`` that count under ``engine``'s filters and statuses, as
    :class:`Facts`.

    Orders: counted rows (as :func:`kpi.metrics.counted_rows`) with their amount (as
    :func:`kpi.metrics.line_amount`, empty as 0); deals: outcomes (as
    :func:`kpi.metrics.deal_outcomes`); leads: the converted flag (as
    :func:`kpi.metrics.parse_flag`). The arrays are slices of the table's prepared arrays
    (:mod:`kpi.metrics.prepared`) under the engine's own filter mask, so the facts are the
    engine's rows exactly.

    Parameters
    ----------
    engine : Engine
        Its filters apply to every kind; its counted statuses to orders.
    table : Table
        An orders, deals or leads table (another kind is read as orders).
    """
    kind = table.kind if table.kind in ("orders", "deals", "leads") else "orders"
    prep = prepared(table)
    keep = engine.keep(prep)
    if kind == "orders":
        counts = counted(prep, engine.statuses)
        keep = counts if keep is None else keep & counts
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
        cols["amount"] = amounts(prep)[idx]
        qty = number("quantity")
        if qty is not None:
            cols["quantity"] = np.nan_to_num(qty)
        cost, profit = number("cost"), number("profit")
        if cost is not None:
            cols["margin"] = cols["amount"] - np.nan_to_num(cost)
        elif profit is not None:
            cols["margin"] = np.nan_to_num(profit)
        order = prep.ids("order_id")[0][idx] if prep.has("order_id") else None
        cols["order"] = np.full(len(idx), -1, dtype=np.int64) if order is None else order
        if prep.has("customer_id"):
            cols["customer"] = _cat(prep.codes("customer_id")[0][idx], prep.codes("customer_id")[1])
    elif kind == "deals":
        cols["created"] = dates("created_date", "date")
        cols["closed"] = dates("close_date", "date")
        cols["outcome"] = outcomes(prep)[idx]
        amount = number("amount")
        cols["amount"] = np.full(len(idx), np.nan) if amount is None else amount
        won = cols["outcome"] == 1
        cols["won"] = won.astype(float)
        cols["won_or_lost"] = (cols["outcome"] > 0).astype(float)
        cols["won_amount"] = np.where(won, np.nan_to_num(cols["amount"]), 0.0)
        if prep.has("customer_id"):
            cols["customer"] = _cat(prep.codes("customer_id")[0][idx], prep.codes("customer_id")[1])
    else:
        cols["created"] = dates("created_date", "date")
        if prep.has("converted"):
            true, known = (a[idx] for a in prep.flag("converted"))
            # The engine's rule (lead_conversion_rate): with explicit "no" values in the
            # table, an empty value means the lead is still open.
            all_true, all_known = prep.flag("converted")
            explicit_no = "converted" in prep.from_source or bool((all_known & ~all_true).any())
            cols["converted"] = true.astype(float)
            cols["decided"] = known if explicit_no else np.ones(len(idx), dtype=bool)
    dims = []
    for role in DIMENSIONS:
        if prep.has(role) and role not in cols:
            codes, uniq = prep.codes(role)
            cols[role] = _cat(codes[idx], uniq)
            dims.append(role)
    frame = pd.DataFrame(cols)
    return Facts(kind, frame, tuple(dims), table.name, engine.coverage(table))


def facts_for(engine: Engine, kind: str) -> Facts | None:
    """:func:`facts` of the engine's first table of ``kind`` that has what the measures need,
    one with dates first."""
    needs = {
        "orders": (("amount",), ("quantity", "unit_price")),
        "deals": (("stage",), ("won",)),
        "leads": (("created_date",), ("date",)),
    }[kind]
    dates = {"orders": ("date",), "deals": ("created_date", "close_date", "date"),
             "leads": ("created_date", "date")}[kind]  # fmt: skip
    fit = [t for t in engine.tables if t.kind == kind and any(t.has(*alt) for alt in needs)]
    # a table with dates first: a price list read as orders (the CRM set's products.csv) has
    # amounts but no history to follow
    fit.sort(key=lambda t: not any(t.has(d) for d in dates))
    return facts(engine, fit[0]) if fit else None


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendMeasure:
    """A quantity computed from facts for any bucket or segment: a catalogue KPI that adds up
    over rows (its record's :class:`~kpi.metrics.Measure`), or one of the plain :data:`COUNTS`.

    Attributes
    ----------
    id : str
        The KPI id, or the count's id.
    kind : str
        The facts it reads: ``orders``, ``deals`` or ``leads``.
    label : Text
    unit : str
    measure : kpi.metrics.Measure
        How it adds up (sum, count, ratio, orders, customers, aov; the facts columns; the date).
    kpi : str or None
        The catalogue KPI it is, period by period (``None`` for a plain count).
    """

    id: str
    kind: str
    label: Text
    unit: str
    measure: Measure
    kpi: str | None = None

    @classmethod
    def of(cls, kpi: KPI) -> TrendMeasure:
        """The trend measure of a catalogue KPI that has a :class:`~kpi.metrics.Measure`."""
        assert kpi.measure is not None, kpi.id
        return cls(kpi.id, kpi.needs[0].kind, kpi.label, kpi.unit, kpi.measure, kpi.id)

    @property
    def agg(self) -> str:
        return self.measure.agg

    @property
    def date(self) -> str:
        """The facts column that places a row in time."""
        return self.measure.date

    @property
    def additive(self) -> bool:
        """Whether segment values add up to the total (contributions make sense)."""
        return self.measure.additive


#: Counts worth a trend that are not catalogue KPIs (the ``deals_created`` and ``leads`` KPIs
#: count distinct ids; these count rows).
COUNTS: tuple[TrendMeasure, ...] = (
    TrendMeasure("deals_created", "deals", Text("Affaires créées", "Deals created"), "count",
                 Measure("count", date="created")),
    TrendMeasure("deals_won", "deals", Text("Affaires gagnées", "Deals won"), "count",
                 Measure("sum", "won", date="closed")),
    TrendMeasure("won_value", "deals", Text("Montant gagné", "Won value"), "money",
                 Measure("sum", "won_amount", date="closed")),
    TrendMeasure("leads", "leads", Text("Leads", "Leads"), "count",
                 Measure("count", date="created")),
    TrendMeasure("converted_leads", "leads", Text("Leads convertis", "Converted leads"), "count",
                 Measure("sum", "converted", date="created")),
)  # fmt: skip
#: Every measure: per kind of facts, its counts then the KPIs that add up over rows.
MEASURES: tuple[TrendMeasure, ...] = tuple(
    m
    for kind in ("orders", "deals", "leads")
    for m in (
        *(c for c in COUNTS if c.kind == kind),
        *(TrendMeasure.of(k) for k in CATALOGUE if k.measure and k.needs[0].kind == kind),
    )
)
_MEASURES = {m.id: m for m in MEASURES}


def get_measure(measure_id: str) -> TrendMeasure:
    """The measure ``measure_id`` (a KPI id or a count's).

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


def available_measures(by_kind: Mapping[str, Facts | None]) -> list[TrendMeasure]:
    """The measures computable from the facts at hand (``{"orders": Facts, …}``) that can be
    drawn over time (some of their rows have a date)."""
    out = []
    for m in MEASURES:
        f = by_kind.get(m.kind)
        if f is None or not all(c in f.frame.columns for c in m.measure.columns):
            continue
        if f.empty or f.frame[m.date].notna().any():  # an empty filter still lists them
            out.append(m)
    return out


def _column(f: Facts, name: str | None, rows: np.ndarray) -> np.ndarray:
    assert name is not None
    return np.nan_to_num(f.frame[name].to_numpy(dtype=float)[rows])


def _grouping(keys: Mapping[str, np.ndarray], n_rows: int) -> tuple[np.ndarray, pd.DataFrame]:
    """A group code per row for each combination of ``keys`` (sorted), and those combinations."""
    if not keys:
        return np.zeros(n_rows, dtype=np.int64), pd.DataFrame(index=range(1))
    grouped = pd.DataFrame(dict(keys)).groupby(list(keys), sort=True)
    return grouped.ngroup().to_numpy(dtype=np.int64), grouped.size().reset_index()[list(keys)]


def aggregate(
    f: Facts, m: TrendMeasure, keys: Mapping[str, np.ndarray], rows: np.ndarray | None
) -> pd.DataFrame:
    """The measure per combination of ``keys`` (arrays aligned with the facts) over ``rows``.

    Orders and customers are counted by :func:`kpi.metrics.aggregates.orders_by` and
    :func:`~kpi.metrics.aggregates.distinct_by`, the engine's own definitions.

    Returns
    -------
    pandas.DataFrame
        The key columns, ``num`` (and ``den`` for ratios and ``aov``) and ``value``; one row
        per combination present in the rows (a single row without keys).
    """
    fr = f.frame
    sel = np.ones(len(fr), dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
    agg = m.agg
    if agg == "customers":
        customer = fr["customer"].cat.codes.to_numpy()
        sel = sel & (customer >= 0)
    groups, g = _grouping({k: np.asarray(v)[sel] for k, v in keys.items()}, int(sel.sum()))
    n = len(g)
    if agg == "count":
        g["num"] = np.bincount(groups, minlength=n).astype(float)
    elif agg in ("sum", "ratio"):
        g["num"] = np.bincount(groups, weights=_column(f, m.measure.num, sel), minlength=n)
        if agg == "ratio":
            g["den"] = np.bincount(groups, weights=_column(f, m.measure.den, sel), minlength=n)
    elif agg == "customers":
        g["num"] = distinct_by(groups, customer[sel], n)
    else:  # orders, aov: orders with a positive net amount over the rows at hand
        amount = fr["amount"].to_numpy()[sel]
        g["num"] = np.bincount(groups, weights=amount, minlength=n)
        g["den"] = orders_by(groups, fr["order"].to_numpy()[sel], amount, n)
    if agg in ("ratio", "aov"):
        g["value"] = np.where(g["den"] > 0, g["num"] / g["den"].where(g["den"] > 0), np.nan)
    else:
        g["value"] = g["den"] if agg == "orders" else g["num"]
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
    g = aggregate(f, m, keys, rows)
    if "den" not in g:
        g["den"] = np.nan
    if by is None:
        return g[["value", "num", "den"]]
    g = g[g["segment"] >= 0]
    cats = f.frame[by].cat.categories
    g["segment"] = [str(cats[i]) for i in g["segment"]]
    out = g[["segment", "value", "num", "den"]]
    return out.sort_values("value", ascending=False, kind="stable")


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
        "Today", when it is not the last day of the facts' table: buckets the data does not
        cover from start to end are marked partial (the facts' coverage decides, a last day or
        two without sales allowed; see :mod:`kpi.metrics.coverage`).
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
        ``last_year`` (the same bucket a year before), ``moving_avg``, ``partial`` (the bucket
        in progress at ``as_of``), ``partial_start`` (the first bucket, when the data starts
        more than two days into it). Empty when no row has a date.
    """
    m = get_measure(measure_id)
    codes = bucket_codes(f.frame[m.date].to_numpy(), freq)
    dated = codes != np.iinfo(np.int64).min
    g = aggregate(f, m, {"bucket": codes}, dated)
    fill = 0.0 if m.agg in ("sum", "count", "orders", "customers") else None
    out = series_frame(
        g["bucket"].to_numpy(dtype=np.int64),
        g["value"].to_numpy(dtype=float),
        freq,
        None if as_of is None else pd.Timestamp(as_of),
        lang,
        fill,
        ma_window,
        max_points,
        partial_rule(f.coverage, as_of),
    )
    out["partial_start"] = False
    if len(out) and dated.any():
        # the data starts inside the first bucket (the CRM set's deals from 20 October 2016):
        # it holds part of a period, like the one in progress at the end
        first = pd.Timestamp(f.frame[m.date].min()).normalize()
        start, end = out["start"].iloc[0], out["end"].iloc[0]
        out.loc[out.index[0], "partial_start"] = start + pd.Timedelta(days=2) < first < end
    return out


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
    tables = engine.kpi_tables(kpi)

    def partial(start: pd.Timestamp, end: pd.Timestamp) -> bool:
        state = engine.period_state(Period("range", start, end), tables)
        return state in ("in_progress", "starts_late")

    if freq in ("month", "quarter"):
        s = engine.series(kpi.id, freq, max_periods=max_points)
        if s.empty:
            return series_frame(np.array([], dtype=np.int64), np.array([]), freq, None, lang,
                                 None, ma_window, max_points)  # fmt: skip
        codes = bucket_codes(pd.to_datetime(s["start"]).to_numpy(), freq)
        return series_frame(
            codes, s["value"].to_numpy(dtype=float), freq, as_of, lang, None, ma_window, max_points,
            partial,
        )  # fmt: skip
    base = engine.series(kpi.id, "month", max_periods=10_000)
    if base.empty:
        return series_frame(np.array([], dtype=np.int64), np.array([]), freq, None, lang, None,
                             ma_window, max_points)  # fmt: skip
    first = pd.Timestamp(base["start"].iloc[0])
    last = as_of if as_of is not None else pd.Timestamp(base["start"].iloc[-1])
    lo = int(bucket_codes(np.array([first.to_datetime64()]), freq)[0])
    hi = int(bucket_codes(np.array([pd.Timestamp(last).to_datetime64()]), freq)[0])
    lo = max(lo, hi - max_points - year_lag(freq) + 1)
    codes = np.arange(lo, hi + 1)
    values = []
    for c in codes:
        start = bucket_start(int(c), freq)
        v = engine.value(kpi.id, Period("range", start, bucket_end(start, freq)))
        values.append(np.nan if v.value is None else v.value)
    return series_frame(
        codes, np.array(values, dtype=float), freq, as_of, lang, None, ma_window, max_points,
        partial,
    )  # fmt: skip


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
    "other" last), ``partial`` (a bucket the data does not cover in full). At most
    ``(top + 1) × max_points`` rows.
    """
    m = get_measure(measure_id)
    if by not in f.frame.columns:
        return pd.DataFrame(columns=["start", "label", "segment", "value", "rank"])
    seg = f.frame[by].cat.codes.to_numpy().astype(np.int64)
    cats = [str(c) for c in f.frame[by].cat.categories]
    totals = aggregate(f, m, {"segment": seg}, seg >= 0)
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
    g = aggregate(f, m, {"bucket": codes, "segment": grouped}, dated)
    names = {int(c): cats[int(c)] for c in chosen}
    names[other] = i18n.t("trends.other", lang)
    order = {int(c): i for i, c in enumerate(chosen)}
    order[other] = len(chosen)
    # every bucket × segment, so that stacked areas do not jump over gaps
    buckets = np.arange(int(g["bucket"].min()), hi + 1) if len(g) else np.array([], dtype=int)
    segs = [s for s in order if s in set(g["segment"].tolist())]
    grid = pd.MultiIndex.from_product([buckets, segs], names=["bucket", "segment"])
    fill = 0.0 if m.agg in ("sum", "count", "orders", "customers") else np.nan
    values = g.set_index(["bucket", "segment"])["value"].reindex(grid, fill_value=fill)
    out = values.reset_index()
    starts = {int(b): bucket_start(int(b), freq) for b in buckets}
    out["start"] = pd.to_datetime([starts[int(b)] for b in out["bucket"]])
    out["label"] = [bucket_label(starts[int(b)], freq, lang) for b in out["bucket"]]
    out["rank"] = [order[int(s)] for s in out["segment"]]
    out["segment"] = [names[int(s)] for s in out["segment"]]
    is_partial = partial_rule(f.coverage)
    ends = {b: bucket_end(s, freq) for b, s in starts.items()}
    out["partial"] = [is_partial(starts[int(b)], ends[int(b)]) for b in out["bucket"]]
    cols = ["start", "label", "segment", "value", "rank", "partial"]
    return out[cols].reset_index(drop=True)


i18n.add_messages(
    {
        "trends.unknown_measure": {
            "fr": "Mesure inconnue « {value} ». Mesures possibles : {valid}.",
            "en": "Unknown measure “{value}”. Valid measures: {valid}.",
        },
        "trends.other": {"fr": "Autres", "en": "Other"},
        "trends.none": {"fr": "(non renseigné)", "en": "(blank)"},
    }
)
