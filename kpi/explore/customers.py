"""Customers: who stays, who leaves, and what to do about each group.

- :func:`cohort_matrix`: retention by acquisition cohort (month or quarter).
- Churn, retention and repeat rate over time are the engine's KPIs
  (:func:`kpi.explore.trends.kpi_trend`); the CLV, historical and predicted, is
  :mod:`kpi.explore.clv`.
- :func:`purchases_summary`: per customer, the inputs of RFM and of the CLV models.
- :func:`rfm`: recency / frequency / monetary scores, named segments, counts, revenue and a
  suggested action for each.
- :func:`satisfaction_by`: NPS and CSAT per segment, also when the survey rows only carry a
  customer id (the segment then comes from the customer's orders).

Decisions where the issue is silent:

- A customer's cohort is the period of their first counted purchase over all the data, as for
  the ``new_customers`` KPI; with filters, a cohort holds the customers who also bought within
  the filters in that first period (so cohort sizes equal ``new_customers``). A customer is
  *active* in a period when they have a counted row in it (returns included), as for the
  ``customers`` KPI.
- RFM uses the history up to the end of the chosen period (all the data by default). Purchases
  are orders with a positive net amount (as for ``orders``); several orders on one day are one
  purchase for BG/NBD, as in Fader, Hardie & Lee (2005).
- RFM scores 1–5 are quintiles of the percentile rank; ties share a score — for frequency and
  money the lowest of their ranks (the customers who bought once, often half of them, are
  all F = 1: "new customers" and "promising" exist), for recency the average; recency is
  scored the other way round (recent = 5). Segments follow the usual R × F grid (Champions, Loyal…);
  M is reported (revenue per segment), not used to name the segment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data import Table
from kpi.explore.buckets import bucket_codes, bucket_label, bucket_start
from kpi.explore.trends import Facts
from kpi.metrics import ALL, Engine, Period, counted_rows
from kpi.metrics.aggregates import EPS, first_purchase_dates
from kpi.metrics.prepared import prepared

__all__ = [
    "RFM_SEGMENTS",
    "RFMSegment",
    "cohort_matrix",
    "first_purchases",
    "purchases_summary",
    "rfm",
    "satisfaction_by",
]


def first_purchases(engine: Engine, table: Table) -> pd.Series:
    """Each customer's first counted purchase date (``engine``'s counted statuses) over all
    the data, whatever the filters, as the engine dates ``new_customers`` (the same cached
    array).

    Returns
    -------
    pandas.Series
        Index: customer id (text, spaces trimmed); values: datetime64. Empty without a
        customer or date column.
    """
    prep = prepared(table)
    if not (prep.has("customer_id") and prep.has("date")) or prep.sort_role is None:
        return pd.Series(dtype="datetime64[ns]")
    first = first_purchase_dates(prep, engine.statuses)
    uniq = prep.codes("customer_id")[1]
    known = first != np.iinfo(np.int64).max
    out = pd.Series(
        first[known].view("datetime64[ns]"),
        index=pd.Index([str(u).strip() for u in np.asarray(uniq)[known]], dtype=object),
    )
    return out.groupby(level=0).min() if not out.index.is_unique else out


def cohort_matrix(
    f: Facts,
    first: pd.Series,
    freq: str = "month",
    *,
    max_cohorts: int = 36,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """Retention of each acquisition cohort, period after period.

    Parameters
    ----------
    f : Facts
        Orders facts (counted rows within the filters).
    first : pandas.Series
        :func:`first_purchases` (over all the data).
    freq : str
        ``month`` or ``quarter``.
    max_cohorts : int
        The latest cohorts kept (the chart stays small: at most ``max_cohorts²`` cells).

    Returns
    -------
    pandas.DataFrame
        ``cohort`` (start of the cohort's period), ``cohort_label``, ``offset`` (periods since
        the first purchase, 0 = the cohort's own period), ``customers`` (active that period),
        ``size`` (the cohort), ``retention`` (customers / size). Empty when there is no
        customer.
    """
    cols = ["cohort", "cohort_label", "offset", "customers", "size", "retention"]
    if f.empty or "customer" not in f.frame.columns or first.empty:
        return pd.DataFrame(columns=cols)
    fr = f.frame
    names = pd.Index(fr["customer"].cat.categories.astype(str))
    first_by_code = first.reindex(names).to_numpy(dtype="datetime64[ns]")
    codes = fr["customer"].cat.codes.to_numpy()
    ok = codes >= 0
    row_first = np.full(len(fr), np.datetime64("NaT"), dtype="datetime64[ns]")
    row_first[ok] = first_by_code[codes[ok]]
    bucket = bucket_codes(fr["date"].to_numpy(), freq)
    cohort = bucket_codes(row_first, freq)
    nat = np.iinfo(np.int64).min
    valid = ok & (bucket != nat) & (cohort != nat) & (bucket >= cohort)
    if not valid.any():
        return pd.DataFrame(columns=cols)
    pairs = pd.DataFrame(
        {"cohort": cohort[valid], "bucket": bucket[valid], "customer": codes[valid]}
    ).drop_duplicates()
    members = pairs.loc[pairs["bucket"] == pairs["cohort"], ["cohort", "customer"]]
    pairs = pairs.merge(members, on=["cohort", "customer"], how="inner")
    pairs["offset"] = pairs["bucket"] - pairs["cohort"]
    g = pairs.groupby(["cohort", "offset"]).size().rename("customers").reset_index()
    size = g[g["offset"] == 0].set_index("cohort")["customers"].rename("size")
    g = g.join(size, on="cohort")
    kept = sorted(size.index)[-max_cohorts:]
    g = g[g["cohort"].isin(kept)].copy()
    starts = {int(c): bucket_start(int(c), freq) for c in kept}
    g["retention"] = g["customers"] / g["size"]
    g["cohort_label"] = [bucket_label(starts[int(c)], freq, lang) for c in g["cohort"]]
    g["cohort"] = pd.to_datetime([starts[int(c)] for c in g["cohort"]])
    g["customers"] = g["customers"].astype(int)
    g["size"] = g["size"].astype(int)
    g["offset"] = g["offset"].astype(int)
    return g[cols].sort_values(["cohort", "offset"]).reset_index(drop=True)


def _history(f: Facts, as_of: Any) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """Rows up to the end of the day ``as_of`` (all rows when None) with a date and customer."""
    fr = f.frame
    if f.empty or "customer" not in fr.columns:
        return fr.iloc[:0], None
    ok = (fr["customer"].cat.codes.to_numpy() >= 0) & ~np.isnat(fr["date"].to_numpy())
    if as_of is not None:
        end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
        ok &= fr["date"].to_numpy() < end.to_datetime64()
    rows = fr.loc[ok]
    if rows.empty:
        return rows, None
    last = pd.Timestamp(as_of).normalize() if as_of is not None else rows["date"].max().normalize()
    return rows, last


def purchases_summary(f: Facts, as_of: Any = None) -> pd.DataFrame:
    """Per customer: the inputs of RFM and of BG/NBD / Gamma-Gamma, in days.

    Returns
    -------
    pandas.DataFrame
        Index: customer id. Columns: ``orders`` (orders with a positive net amount),
        ``revenue`` (net, every counted row), ``first``, ``last`` (purchase dates),
        ``recency_days`` (``as_of`` − last purchase), ``frequency`` (purchase days − 1),
        ``recency`` (last − first purchase day, days), ``T`` (``as_of`` − first purchase day),
        ``monetary`` (mean value of the repeat purchase days, net of the returns and
        cancellations dated from the first purchase on, at least 0; 0 without a repeat
        purchase). Customers with no positive order are left out.
    """
    cols = ["orders", "revenue", "first", "last", "recency_days", "frequency", "recency", "T",
            "monetary"]  # fmt: skip
    rows, end = _history(f, as_of)
    if end is None:
        return pd.DataFrame(columns=cols)
    names = np.asarray(rows["customer"].cat.categories.astype(str), dtype=object)
    cust = rows["customer"].cat.codes.to_numpy().astype(np.int64)
    amount = rows["amount"].to_numpy(dtype=float)
    day = rows["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    n_cust = len(names)
    revenue = np.bincount(cust, weights=amount, minlength=n_cust)
    # orders (a row without an order id is an order of its own), their net amount and day
    raw = rows["order"].to_numpy()
    raw = np.where(raw < 0, raw.max(initial=0) + 1 + np.arange(len(raw)), raw)
    oc, _ = pd.factorize(raw)
    k = int(oc.max()) + 1 if len(oc) else 0
    o_amount = np.bincount(oc, weights=amount, minlength=k)
    o_day = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(o_day, oc, day)
    o_cust = np.full(k, -1, dtype=np.int64)
    np.maximum.at(o_cust, oc, cust)
    positive = o_amount > EPS
    if not positive.any():
        return pd.DataFrame(columns=cols)
    pc, pd_, pa = o_cust[positive], o_day[positive], o_amount[positive]
    n_orders = np.bincount(pc, minlength=n_cust)
    # purchase days: several orders on one day are one purchase (BG/NBD counts days)
    d0 = int(pd_.min())
    span = int(pd_.max()) - d0 + 1
    keys, inverse = np.unique(pc * span + (pd_ - d0), return_inverse=True)
    day_value = np.bincount(inverse, weights=pa)
    k_cust = keys // span
    k_day = keys % span + d0
    n_days = np.bincount(k_cust, minlength=n_cust)
    total = np.bincount(k_cust, weights=day_value, minlength=n_cust)
    firsts, first_pos = np.unique(k_cust, return_index=True)  # keys are sorted by day
    last_pos = np.r_[first_pos[1:] - 1, len(keys) - 1]
    buyers = firsts
    first_day = k_day[first_pos]
    last_day = k_day[last_pos]
    first_value = day_value[first_pos]
    freq = (n_days[buyers] - 1).astype(float)
    # What the repeat purchases brought, net of what the customer gave back since the first
    # purchase (returns, cancellation invoices): Online Retail's customer 16446 ordered 80,995
    # units and had them cancelled by a separate invoice the same day — a purchase of 168,469
    # on its own, worth nothing net. Returns before the first purchase (of orders placed
    # before the data starts) are not the customer's repeat value.
    returned = np.zeros(n_cust)
    back = amount < -EPS
    if back.any():
        first_of = np.full(n_cust, np.iinfo(np.int64).max)
        first_of[firsts] = k_day[first_pos]
        after = back & (day >= first_of[cust])
        returned = np.bincount(cust[after], weights=amount[after], minlength=n_cust)
    repeat_value = np.maximum(total[buyers] - first_value + returned[buyers], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(freq > 0, repeat_value / np.maximum(freq, 1), 0.0)
    end_day = int(np.datetime64(end.date(), "D").astype(np.int64))
    out = pd.DataFrame(
        {
            "orders": n_orders[buyers].astype(int),
            "revenue": revenue[buyers],
            "first": first_day.astype("datetime64[D]").astype("datetime64[ns]"),
            "last": last_day.astype("datetime64[D]").astype("datetime64[ns]"),
            "recency_days": (end_day - last_day).astype(float),
            "frequency": freq,
            "recency": (last_day - first_day).astype(float),
            "T": (end_day - first_day).astype(float),
            "monetary": monetary,
        },
        index=pd.Index(names[buyers], name="customer"),
    )
    return out[cols]


# ---------------------------------------------------------------------------------------------
# RFM
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RFMSegment:
    """A named RFM segment: R and F score patterns, and what to do."""

    id: str
    label_fr: str
    label_en: str
    action_fr: str
    action_en: str
    r: tuple[int, ...]
    f: tuple[int, ...]

    def label(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return self.label_en if lang == "en" else self.label_fr

    def action(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return self.action_en if lang == "en" else self.action_fr


# The usual R × F grid; every (R, F) pair from 1 to 5 belongs to exactly one segment.
RFM_SEGMENTS: tuple[RFMSegment, ...] = (
    RFMSegment("champions", "Champions", "Champions",
               "Récompensez-les, demandez des avis et des recommandations ; premiers servis pour les nouveautés.",
               "Reward them, ask for reviews and referrals; first to hear about new products.",
               (5,), (4, 5)),
    RFMSegment("loyal", "Fidèles", "Loyal customers",
               "Proposez montée en gamme et programme de fidélité ; sollicitez des avis.",
               "Offer upgrades and a loyalty programme; ask for reviews.",
               (3, 4), (4, 5)),
    RFMSegment("potential_loyalists", "Fidèles en devenir", "Potential loyalists",
               "Proposez un abonnement ou une offre de fidélité, recommandez des produits liés.",
               "Offer a membership or loyalty deal, recommend related products.",
               (4, 5), (2, 3)),
    RFMSegment("new", "Nouveaux clients", "New customers",
               "Soignez l'accueil : prise en main, suivi après livraison, deuxième achat facilité.",
               "Onboard them well: follow-up after delivery, make the second purchase easy.",
               (5,), (1,)),
    RFMSegment("promising", "Prometteurs", "Promising",
               "Faites connaître la marque : offres d'essai, contenus, contact commercial.",
               "Build awareness: trial offers, content, a sales call.",
               (4,), (1,)),
    RFMSegment("need_attention", "À surveiller", "Need attention",
               "Offre limitée dans le temps, recommandations personnalisées avant qu'ils ne décrochent.",
               "Time-limited offer and personal recommendations before they drift away.",
               (3,), (3,)),
    RFMSegment("about_to_sleep", "Sur le départ", "About to sleep",
               "Relancez avec des produits populaires et une remise ; reprenez contact.",
               "Win them back with popular products and a discount; get back in touch.",
               (3,), (1, 2)),
    RFMSegment("at_risk", "À risque", "At risk",
               "E-mails personnalisés, appel du commercial, offre de renouvellement.",
               "Personal e-mails, a call from their rep, a renewal offer.",
               (1, 2), (3, 4)),
    RFMSegment("cant_lose", "À ne pas perdre", "Can't lose them",
               "Reconquête prioritaire : rendez-vous, écoute des irritants, offre dédiée.",
               "Top-priority win-back: a meeting, hear what went wrong, a dedicated offer.",
               (1, 2), (5,)),
    RFMSegment("hibernating", "Endormis", "Hibernating",
               "Campagne de réactivation peu coûteuse ; sinon ne pas insister.",
               "Low-cost reactivation campaign; otherwise do not insist.",
               (1, 2), (1, 2)),
)  # fmt: skip
_RFM_BY_ID = {s.id: s for s in RFM_SEGMENTS}


def _segment_grid() -> np.ndarray:
    grid = np.empty((6, 6), dtype=object)
    for s in RFM_SEGMENTS:
        for r in s.r:
            for f in s.f:
                grid[r, f] = s.id
    return grid


_GRID = _segment_grid()


def _score(values: pd.Series, higher_is_better: bool = True, ties: str = "average") -> np.ndarray:
    """Quintile score 1–5 from the percentile rank; ties get the same score — their average
    rank's, or with ``ties="min"`` their lowest (frequency, money: when half the customers
    bought once, they are all F = 1, not 2)."""
    pct = values.rank(method=ties, pct=True).to_numpy()
    score = np.clip(np.ceil(pct * 5), 1, 5).astype(int)
    return score if higher_is_better else 6 - score


def rfm(
    f: Facts, as_of: Any = None, lang: str = i18n.DEFAULT_LANGUAGE
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RFM scores per customer and a summary per segment.

    Parameters
    ----------
    f : Facts
        Orders facts.
    as_of : date-like, optional
        The day recency is counted to (history after it is ignored); default the last date.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Customers — index customer id; ``recency_days``, ``orders``, ``revenue``, ``r``, ``f``,
        ``m`` (scores), ``segment`` (id), ``segment_label``. Segments — ``segment``, ``label``,
        ``customers``, ``share``, ``revenue``, ``revenue_share``, ``avg_recency_days``,
        ``avg_orders``, ``avg_revenue``, ``action``; in the order of :data:`RFM_SEGMENTS`,
        empty segments included (with 0). Both empty without customers.
    """
    seg_cols = ["segment", "label", "customers", "share", "revenue", "revenue_share",
                "avg_recency_days", "avg_orders", "avg_revenue", "action"]  # fmt: skip
    s = purchases_summary(f, as_of)
    if s.empty:
        return pd.DataFrame(), pd.DataFrame(columns=seg_cols)
    cust = s[["recency_days", "orders", "revenue"]].copy()
    cust["r"] = _score(cust["recency_days"], higher_is_better=False)
    cust["f"] = _score(cust["orders"].astype(float), ties="min")
    cust["m"] = _score(cust["revenue"], ties="min")
    cust["segment"] = _GRID[cust["r"].to_numpy(), cust["f"].to_numpy()]
    labels = {seg.id: seg.label(lang) for seg in RFM_SEGMENTS}
    cust["segment_label"] = cust["segment"].map(labels)
    g = cust.groupby("segment").agg(
        customers=("orders", "size"),
        revenue=("revenue", "sum"),
        avg_recency_days=("recency_days", "mean"),
        avg_orders=("orders", "mean"),
        avg_revenue=("revenue", "mean"),
    )
    g = g.reindex([seg.id for seg in RFM_SEGMENTS])
    g["customers"] = g["customers"].fillna(0).astype(int)
    g["revenue"] = g["revenue"].fillna(0.0)
    total_rev = float(cust["revenue"].sum())
    g["share"] = g["customers"] / len(cust)
    g["revenue_share"] = g["revenue"] / total_rev if abs(total_rev) > EPS else np.nan
    g["label"] = [labels[i] for i in g.index]
    g["action"] = [_RFM_BY_ID[i].action(lang) for i in g.index]
    seg = g.reset_index(names="segment")[seg_cols]
    return cust, seg


# ---------------------------------------------------------------------------------------------
# Satisfaction by segment
# ---------------------------------------------------------------------------------------------


def satisfaction_by(engine: Engine, by: str, period: Period = ALL, limit: int = 25) -> pd.DataFrame:
    """NPS and CSAT per value of ``by`` for the survey answers of ``period``.

    When the survey table has the role ``by``, answers are split by it; otherwise, when it has
    a customer id, each customer takes the most frequent value of ``by`` in their counted
    orders. Each group's figures are the engine's ``nps`` and ``csat`` on its answers.

    Returns
    -------
    pandas.DataFrame
        ``segment``, ``answers``, ``nps``, ``csat`` (NaN when not measured); most answers
        first. Empty without a survey table or a way to split it.
    """
    cols = ["segment", "answers", "nps", "csat"]
    tables = engine.tables
    survey = next(
        (t for t in tables if t.kind == "survey" and (t.has("nps") or t.has("csat"))), None
    )
    if survey is None:
        return pd.DataFrame(columns=cols)
    df = survey.df
    if survey.has(by):
        groups = (
            df[survey.mapping[by]].astype("str").str.strip().where(df[survey.mapping[by]].notna())
        )
    elif survey.has("customer_id"):
        orders = next(
            (t for t in tables if t.kind == "orders" and t.has("customer_id") and t.has(by)),
            None,
        )
        if orders is None:
            return pd.DataFrame(columns=cols)
        keep = counted_rows(orders, engine.statuses).to_numpy()
        pairs = pd.DataFrame(
            {
                "c": orders.df[orders.mapping["customer_id"]][keep].astype("str").str.strip(),
                "s": orders.df[orders.mapping[by]][keep].astype("str").str.strip(),
            }
        ).dropna()
        top = pairs.groupby(["c", "s"]).size().reset_index(name="n")
        top = top.sort_values(["c", "n", "s"], ascending=[True, False, True])
        seg_of = top.drop_duplicates("c").set_index("c")["s"]
        groups = df[survey.mapping["customer_id"]].astype("str").str.strip().map(seg_of)
    else:
        return pd.DataFrame(columns=cols)
    counts = groups.value_counts()
    rows = []
    for value in [v for v in counts.index[:limit] if str(v) and str(v) != "nan"]:
        sub = replace(survey, df=df.loc[(groups == value).to_numpy()])
        eng = engine.derive(tables=[sub]).with_filter(by, None)
        nps = eng.value("nps", period) if survey.has("nps") else None
        csat = eng.value("csat", period) if survey.has("csat") else None
        answers = max(
            int(nps.detail.get("answers", 0) if nps and nps.value is not None else 0),
            int(csat.detail.get("answers", 0) if csat and csat.value is not None else 0),
        )
        if answers == 0:
            continue
        rows.append(
            (
                str(value),
                answers,
                np.nan if nps is None or nps.value is None else nps.value,
                np.nan if csat is None or csat.value is None else csat.value,
            )
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["answers", "segment"], ascending=[False, True]).reset_index(drop=True)
