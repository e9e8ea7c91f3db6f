"""Customers: who stays, who leaves, what they are worth, and what to do about each group.

- :func:`cohort_matrix`: retention by acquisition cohort (month or quarter).
- Churn, retention and repeat rate over time are the engine's KPIs (:func:`kpi.explore.trends.kpi_trend`).
- :func:`historical_clv`: the CLV of ``KPI_SPEC.md`` with its inputs.
- :class:`BetaGeoGammaGamma` / :func:`predict_clv`: predicted purchases, probability of being
  still active, and 12-month value per customer (BG/NBD with Gamma-Gamma).
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
- RFM and predicted CLV use the history up to the end of the chosen period (all the data by
  default). Purchases are orders with a positive net amount (as for ``orders``); several
  orders on one day are one purchase for BG/NBD, as in Fader, Hardie & Lee (2005).
- RFM scores 1–5 are quintiles of the percentile rank (ties share a score); recency is scored
  the other way round (recent = 5). Segments follow the usual R × F grid (Champions, Loyal…);
  M is reported (revenue per segment), not used to name the segment.
- Predicted CLV: lifetimes (the reference library) installs here but has been unmaintained
  since 2020; pymc-marketing (its maintained successor) takes 15 s to import and a minute to
  fit with a C compiler. The BG/NBD and Gamma-Gamma likelihoods are closed-form (Fader, Hardie
  & Lee 2005; Fader, Hardie & Lee 2005b), so they are maximised here with SciPy; the tests
  check the estimates against lifetimes' on the CDNOW data. The 12-month value is expected
  purchases × expected spend per purchase, undiscounted, in revenue (× gross margin % when the
  orders have a cost or profit column).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special

from kpi import i18n
from kpi.data.dataset import Table
from kpi.errors import PiloteError
from kpi.explore.trends import Facts, bucket_codes, bucket_label, bucket_start
from kpi.metrics.engine import (
    Engine,
    Value,
    _counted_array,
    _first_dates,
    _status_key,
    _table_prep,
    counted_rows,
)
from kpi.metrics.periods import ALL, Period

__all__ = [
    "RFM_SEGMENTS",
    "BetaGeoGammaGamma",
    "cohort_matrix",
    "first_purchases",
    "historical_clv",
    "predict_clv",
    "purchases_summary",
    "rfm",
    "satisfaction_by",
]

_EPS = 1e-6
_NS_DAY = 86_400 * 10**9


# ---------------------------------------------------------------------------------------------
# Cohorts
# ---------------------------------------------------------------------------------------------


def first_purchases(table: Table, statuses: Collection[str] | None = None) -> pd.Series:
    """Each customer's first counted purchase date over all the data (no filter), as the
    engine dates ``new_customers`` (the same cached array).

    Returns
    -------
    pandas.Series
        Index: customer id (text, spaces trimmed); values: datetime64. Empty without a
        customer or date column.
    """
    prep = _table_prep(table)
    if not (prep.has("customer_id") and prep.has("date")) or prep.sort_role is None:
        return pd.Series(dtype="datetime64[ns]")
    key = _status_key(statuses)
    codes, uniq = prep.codes("customer_id")
    counted = _counted_array(prep, key)
    first = prep.memo(
        ("first_date", key),
        lambda: _first_dates(prep.dates("date"), codes, counted, len(uniq)),
    )
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


def historical_clv(engine: Engine, period: Period = ALL) -> Value:
    """The ``clv`` KPI of ``KPI_SPEC.md`` (value and inputs in ``detail``)."""
    return engine.value("clv", period)


# ---------------------------------------------------------------------------------------------
# Purchases per customer (RFM and BG/NBD inputs)
# ---------------------------------------------------------------------------------------------


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
        ``monetary`` (mean value of the repeat purchase days; 0 when none). Customers with no
        positive order are left out.
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
    positive = o_amount > _EPS
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
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(freq > 0, (total[buyers] - first_value) / np.maximum(freq, 1), 0.0)
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


def _score(values: pd.Series, higher_is_better: bool = True) -> np.ndarray:
    """Quintile score 1–5 from the percentile rank; ties get the same score."""
    pct = values.rank(method="average", pct=True).to_numpy()
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
    cust["f"] = _score(cust["orders"].astype(float))
    cust["m"] = _score(cust["revenue"])
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
    g["revenue_share"] = g["revenue"] / total_rev if abs(total_rev) > _EPS else np.nan
    g["label"] = [labels[i] for i in g.index]
    g["action"] = [_RFM_BY_ID[i].action(lang) for i in g.index]
    seg = g.reset_index(names="segment")[seg_cols]
    return cust, seg


# ---------------------------------------------------------------------------------------------
# Predicted CLV: BG/NBD + Gamma-Gamma
# ---------------------------------------------------------------------------------------------


def _bgnbd_ll(params: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6)."""
    return _bgnbd_ll_grad(params, x, tx, T)[0]


def _bgnbd_ll_grad(
    params: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood per customer and its gradient (4 × n) in ``r, alpha, a, b``."""
    r, alpha, a, b = params
    dg = special.digamma
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    bx1 = np.where(repeat, b + x - 1, 1.0)
    a4 = np.where(repeat, np.log(a) - np.log(bx1) - (r + x) * np.log(alpha + tx), -np.inf)
    lse = np.logaddexp(a3, a4)
    w3, w4 = np.exp(a3 - lse), np.exp(a4 - lse)
    g_r = dg(r + x) - dg(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + tx)
    g_alpha = r / alpha - w3 * (r + x) / (alpha + T) - w4 * (r + x) / (alpha + tx)
    g_a = dg(a + b) - dg(a + b + x) + w4 / a
    g_b = dg(a + b) + dg(b + x) - dg(b) - dg(a + b + x) - w4 / bx1
    return a1 + a2 + lse, np.vstack([g_r, g_alpha, g_a, g_b])


def _gg_ll(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood (Fader, Hardie & Lee 2005b)."""
    return _gg_ll_grad(params, x, m)[0]


def _gg_ll_grad(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood per customer and its gradient (3 × n) in ``p, q, v``."""
    p, q, v = params
    dg = special.digamma
    px = p * x
    xmv = x * m + v
    ll = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(xmv)
    )
    g_p = x * (dg(px + q) - dg(px) + np.log(m) + np.log(x) - np.log(xmv))
    g_q = dg(px + q) - dg(q) + np.log(v) - np.log(xmv)
    g_v = q / v - (px + q) / xmv
    return ll, np.vstack([g_p, g_q, g_v])


def _maximise(ll_grad: Any, start: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Maximise the weighted mean log-likelihood over log-parameters (L-BFGS-B with the
    analytic gradient), from ``start`` (natural scale)."""
    total = float(weights.sum())

    def objective(logp: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            params = np.exp(logp)
            ll, grad = ll_grad(params)
        if not (np.all(np.isfinite(ll)) and np.all(np.isfinite(grad))):
            return 1e12, np.zeros_like(logp)
        value = -float(np.sum(weights * ll)) / total
        # chain rule for log-parameters: d/dlog θ = θ · d/dθ
        g = -(grad @ weights) / total * params
        return value, g

    res = optimize.minimize(
        objective,
        np.log(start),
        jac=True,
        method="L-BFGS-B",
        # bounded so that a degenerate history (no dropout at all) stops instead of drifting
        bounds=[(-15.0, 20.0)] * len(start),
        options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-10},
    )
    return np.exp(res.x)


def _compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Unique rows of ``columns`` and their counts (likelihoods are sums over customers, and
    many customers share the same history)."""
    frame = pd.DataFrame({str(i): c for i, c in enumerate(columns)})
    g = frame.groupby(list(frame.columns), sort=False).size().reset_index(name="n")
    return [g[str(i)].to_numpy(dtype=float) for i in range(len(columns))], g["n"].to_numpy(
        dtype=float
    )


class BetaGeoGammaGamma:
    """BG/NBD (how often, and for how long, a customer buys) with Gamma-Gamma (how much).

    Parameters
    ----------
    min_customers : int
        Fewest customers with a repeat purchase needed to fit (below it, :meth:`fit` raises).
    max_customers : int
        Above this many customers the parameters are learnt on a random sample of them
        (``random_state``); every customer is still scored.
    random_state : int

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha``, ``a``, ``b`` (BG/NBD, time in days) and ``p``, ``q``, ``v``
        (Gamma-Gamma), after :meth:`fit`.
    """

    def __init__(
        self, min_customers: int = 20, max_customers: int = 5_000, random_state: int = 0
    ) -> None:
        self.min_customers = min_customers
        self.max_customers = max_customers
        self.random_state = random_state

    def fit(self, summary: pd.DataFrame) -> BetaGeoGammaGamma:
        """Learn from :func:`purchases_summary`.

        Raises
        ------
        PiloteError
            ``customers.clv_too_few`` with too few repeat customers.
        """
        x = summary["frequency"].to_numpy(dtype=float)
        tx = summary["recency"].to_numpy(dtype=float)
        T = summary["T"].to_numpy(dtype=float)
        m = summary["monetary"].to_numpy(dtype=float)
        repeat = (x > 0) & (m > 0)
        if int(repeat.sum()) < self.min_customers or len(x) < 2 * self.min_customers:
            raise PiloteError(
                "customers.clv_too_few", n=int(repeat.sum()), needed=self.min_customers
            )
        T = np.maximum(T, tx)
        scale = max(float(np.mean(T)), 1.0)

        if len(x) > self.max_customers:
            # the parameters describe the population: a large random sample is enough
            rng = np.random.default_rng(self.random_state)
            pick = np.sort(rng.choice(len(x), self.max_customers, replace=False))
            x, tx, T, m, repeat = x[pick], tx[pick], T[pick], m[pick], repeat[pick]
        (cx, ctx, cT), w_bg = _compress(x, tx, T)
        r, alpha, a, b = _maximise(
            lambda p: _bgnbd_ll_grad(p, cx, ctx, cT), np.array([1.0, scale / 10, 1.0, 1.0]), w_bg
        )
        (xr, mr), w_gg = _compress(x[repeat], m[repeat])
        start = np.array([1.0, 2.0, float(np.average(mr, weights=w_gg))])
        p, q, v = _maximise(lambda p_: _gg_ll_grad(p_, xr, mr), start, w_gg)
        self.params_ = {
            k: float(v_)
            for k, v_ in zip("r alpha a b p q v".split(), (r, alpha, a, b, p, q, v), strict=True)
        }
        return self

    def _check(self) -> dict[str, float]:
        if not hasattr(self, "params_"):
            raise RuntimeError(
                "This BetaGeoGammaGamma model has not been fit yet: call fit() first."
            )
        return self.params_

    def expected_purchases(self, summary: pd.DataFrame, days: float) -> np.ndarray:
        """Expected purchases in the next ``days`` days, per customer."""
        P = self._check()
        r, alpha, a, b = P["r"], P["alpha"], P["a"], P["b"]
        x = summary["frequency"].to_numpy(dtype=float)
        tx = summary["recency"].to_numpy(dtype=float)
        T = np.maximum(summary["T"].to_numpy(dtype=float), tx)
        t = float(days)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        first = (a + b + x - 1) / (a - 1)
        second = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp
        return first * second / self._alive_denominator(x, tx, T)

    def _alive_denominator(self, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> np.ndarray:
        P = self._check()
        r, alpha, a, b = P["r"], P["alpha"], P["a"], P["b"]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(
                x > 0,
                a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + tx)) ** (r + x),
                0.0,
            )
        return 1 + ratio

    def probability_alive(self, summary: pd.DataFrame) -> np.ndarray:
        """Probability that each customer still buys (has not silently left)."""
        x = summary["frequency"].to_numpy(dtype=float)
        tx = summary["recency"].to_numpy(dtype=float)
        T = np.maximum(summary["T"].to_numpy(dtype=float), tx)
        return 1 / self._alive_denominator(x, tx, T)

    def expected_spend(self, summary: pd.DataFrame) -> np.ndarray:
        """Expected value of a future purchase, per customer (Gamma-Gamma)."""
        P = self._check()
        p, q, v = P["p"], P["q"], P["v"]
        x = summary["frequency"].to_numpy(dtype=float)
        m = np.where(summary["monetary"].to_numpy(dtype=float) > 0, summary["monetary"], 0.0)
        m = np.where(x > 0, m, 0.0)
        if q <= 1:
            return np.where(x > 0, m, np.nan)
        return p * (v + x * m) / (p * x + q - 1)


@dataclass(frozen=True)
class CLVPrediction:
    """What :func:`predict_clv` returns.

    ``customers``: index customer id; ``orders``, ``revenue``, ``frequency``, ``recency``,
    ``T``, ``monetary``, ``p_alive``, ``expected_purchases``, ``expected_spend``, ``clv``
    (expected value over the horizon), largest ``clv`` first. ``params``: the fitted
    parameters. ``margin_pct``: the factor applied (1 without cost). ``horizon_days``.
    """

    customers: pd.DataFrame
    params: Mapping[str, float]
    horizon_days: int
    margin_pct: float
    total: float

    def distribution(self, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
        """Customers and value per band of probability of being still active (for a chart)."""
        bands = [0, 0.25, 0.5, 0.75, 1.0001]
        keys = ["0_25", "25_50", "50_75", "75_100"]
        cut = pd.cut(self.customers["p_alive"], bands, right=False, labels=keys)
        g = self.customers.groupby(cut, observed=False).agg(
            customers=("clv", "size"), clv=("clv", "sum")
        )
        g = g.reindex(keys).fillna(0)
        return pd.DataFrame(
            {
                "band": [i18n.t(f"customers.alive.{k}", lang) for k in keys],
                "customers": g["customers"].astype(int).to_numpy(),
                "clv": g["clv"].to_numpy(dtype=float),
            }
        )


def predict_clv(
    f: Facts,
    as_of: Any = None,
    horizon_days: int = 365,
    margin_pct: float | None = None,
    model: BetaGeoGammaGamma | None = None,
) -> CLVPrediction:
    """Fit BG/NBD + Gamma-Gamma on the purchases up to ``as_of`` and predict each customer's
    value over the next ``horizon_days``.

    ``model`` (default :class:`BetaGeoGammaGamma` with its defaults: parameters learnt on at
    most 5,000 customers) can be given to change that.

    Raises
    ------
    PiloteError
        ``customers.clv_too_few`` when too few customers bought twice, or
        ``customers.clv_no_customers`` without customer ids.
    """
    s = purchases_summary(f, as_of)
    if s.empty:
        raise PiloteError("customers.clv_no_customers")
    model = (model or BetaGeoGammaGamma()).fit(s)
    out = s.copy()
    out["p_alive"] = model.probability_alive(s)
    out["expected_purchases"] = model.expected_purchases(s, horizon_days)
    spend = model.expected_spend(s)
    factor = 1.0 if margin_pct is None or not math.isfinite(margin_pct) else float(margin_pct)
    out["expected_spend"] = spend
    out["clv"] = np.nan_to_num(out["expected_purchases"] * spend) * factor
    out = out.sort_values("clv", ascending=False, kind="stable")
    return CLVPrediction(
        out, dict(model.params_), int(horizon_days), factor, float(out["clv"].sum())
    )


# ---------------------------------------------------------------------------------------------
# Satisfaction by segment
# ---------------------------------------------------------------------------------------------


def satisfaction_by(
    tables: Sequence[Table],
    by: str,
    filters: Mapping[str, Iterable[Any]] | None = None,
    period: Period = ALL,
    statuses: Collection[str] | None = None,
    limit: int = 25,
) -> pd.DataFrame:
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
        keep = counted_rows(orders, statuses).to_numpy()
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
        eng = Engine([sub], {k: v for k, v in (filters or {}).items() if k != by})
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


i18n.add_messages(
    {
        "customers.clv_too_few": {
            "fr": "Trop peu de clients ont acheté au moins deux fois ({n}, il en faut {needed}) "
            "pour estimer une CLV prédictive fiable.",
            "en": "Too few customers bought at least twice ({n}, {needed} needed) to estimate "
            "a reliable predicted CLV.",
        },
        "customers.clv_no_customers": {
            "fr": "Associez une colonne Client et une colonne Date aux commandes pour prédire "
            "la valeur des clients.",
            "en": "Map a Customer and a Date column in the orders to predict customer value.",
        },
        "customers.alive.0_25": {"fr": "Actif à moins de 25 %", "en": "Active < 25%"},
        "customers.alive.25_50": {"fr": "Actif à 25–50 %", "en": "Active 25–50%"},
        "customers.alive.50_75": {"fr": "Actif à 50–75 %", "en": "Active 50–75%"},
        "customers.alive.75_100": {"fr": "Actif à 75 % et plus", "en": "Active ≥ 75%"},
    }
)
