"""Customer lifetime value: the ``clv`` KPI with its inputs (historical), and each customer's
predicted purchases, probability of being still active and 12-month value (BG/NBD with
Gamma-Gamma).

Decisions where the issue is silent: predicted CLV uses the history up to the end of the chosen
period (all the data by default). lifetimes (the reference library) installs here but has been
unmaintained since 2020; pymc-marketing (its maintained successor) takes 15 s to import and a
minute to fit with a C compiler. The BG/NBD and Gamma-Gamma likelihoods are closed-form (Fader,
Hardie & Lee 2005; Fader, Hardie & Lee 2005b), so they are maximised here with SciPy; the tests
check the estimates against lifetimes' on the CDNOW data. The 12-month value is expected
purchases × expected spend per purchase, undiscounted, in revenue (× gross margin % when the
orders have a cost or profit column).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.errors import PiloteError
from kpi.explore.customers import purchases_summary
from kpi.explore.trends import Facts
from kpi.metrics import ALL, Engine, Period, Value

__all__ = ["BetaGeoGammaGamma", "CLVPrediction", "historical_clv", "predict_clv"]


def historical_clv(engine: Engine, period: Period = ALL) -> Value:
    """The ``clv`` KPI of ``KPI_SPEC.md`` (value and inputs in ``detail``)."""
    return engine.value("clv", period)


# ---------------------------------------------------------------------------------------------
# Predicted CLV: BG/NBD + Gamma-Gamma
# ---------------------------------------------------------------------------------------------


def _bgnbd_ll_grad(
    params: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood per customer and its gradient (4 × n) in ``r, alpha, a, b``."""
    r, alpha, a, b = params
    from scipy import special  # here, not at the top: importing scipy costs the CLI ~1 s

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


def _gg_ll_grad(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood per customer and its gradient (3 × n) in ``p, q, v``."""
    p, q, v = params
    from scipy import special

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

    from scipy import optimize

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
    # sorted: the sums, hence the fit, do not depend on the order of the customers
    g = frame.groupby(list(frame.columns), sort=True).size().reset_index(name="n")
    return [g[str(i)].to_numpy(dtype=float) for i in range(len(columns))], g["n"].to_numpy(
        dtype=float
    )


class BetaGeoGammaGamma:
    """BG/NBD (how often, and for how long, a customer buys) with Gamma-Gamma (how much).

    Parameters
    ----------
    min_customers : int
        Fewest customers with a repeat purchase needed to fit (below it, :meth:`fit` raises).
    max_customers : int or None
        ``None`` (the default): the parameters are learnt on every customer — customers who
        share a history are one term of the likelihood, so CDNOW's 23,500 customers fit in a
        quarter of a second. A number: above it, on a deterministic sample of that many
        customers (those whose id hashes lowest: the same sample from run to run, whatever
        the order of the rows); every customer is still scored.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha``, ``a``, ``b`` (BG/NBD, time in days) and ``p``, ``q``, ``v``
        (Gamma-Gamma), after :meth:`fit`.
    n_customers_ : int
        Customers the parameters were learnt on.
    """

    def __init__(self, min_customers: int = 20, max_customers: int | None = None) -> None:
        self.min_customers = min_customers
        self.max_customers = max_customers

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

        if self.max_customers is not None and len(x) > self.max_customers:
            # the parameters describe the population: a large sample is enough, chosen by a
            # hash of the customer id so that it is the same from run to run
            ids = np.asarray(summary.index.astype(str), dtype=object)
            order = np.argsort(pd.util.hash_array(ids, categorize=False), kind="stable")
            pick = np.sort(order[: self.max_customers])
            x, tx, T, m, repeat = x[pick], tx[pick], T[pick], m[pick], repeat[pick]
        self.n_customers_ = len(x)
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
        from scipy import special

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

    @property
    def repeat_alive(self) -> float | None:
        """Mean probability of being still active of the customers who bought again (BG/NBD
        gives 1 to a customer with one purchase: it cannot tell); ``None`` without them."""
        repeat = self.customers["frequency"] > 0
        return float(self.customers.loc[repeat, "p_alive"].mean()) if repeat.any() else None

    @property
    def dropout(self) -> float:
        """The model's mean chance that a customer stops after a purchase, a / (a + b)."""
        return self.params["a"] / (self.params["a"] + self.params["b"])

    def note(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """What to keep in mind: when the history shows almost no silent departures (below 1 %
        after a purchase: Online Retail's single year), the probabilities of being active are
        near 100 % and the expected purchases extend today's pace."""
        if self.dropout >= 0.01:
            return None
        return i18n.t("customers.clv_no_dropout", lang, share=i18n.Percent(self.dropout, 2))

    def distribution(self, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
        """Customers and value per band of probability of being still active (for a chart);
        the customers with a single purchase apart (the model gives them 1: it cannot tell)."""
        bands = [0, 0.25, 0.5, 0.75, 1.0001]
        keys = ["0_25", "25_50", "50_75", "75_100"]
        c = self.customers
        once = c["frequency"] <= 0
        cut = pd.cut(c["p_alive"], bands, right=False, labels=keys).astype(object)
        cut[once.to_numpy()] = "once"
        keys = [*keys, "once"]
        g = c.groupby(cut).agg(customers=("clv", "size"), clv=("clv", "sum"))
        g = g.reindex(keys).fillna(0)
        return pd.DataFrame(
            {
                "activity": [i18n.t(f"customers.alive.{k}", lang) for k in keys],
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

    ``model`` (default :class:`BetaGeoGammaGamma` with its defaults: parameters learnt on
    every customer) can be given to change that. The result is the same from run to run.

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
        "customers.alive.once": {
            "fr": "Un seul achat (non jugé)",
            "en": "One purchase (not judged)",
        },
        "customers.clv_no_dropout": {
            "fr": "Cet historique ne montre presque aucun départ silencieux (le modèle estime à "
            "{share} la probabilité de partir après un achat) : les probabilités d'être actif "
            "sont proches de 100 % et les achats attendus prolongent le rythme actuel. Plus "
            "d'historique rendra l'estimation plus prudente.",
            "en": "This history shows almost no silent departures (the model puts the chance of "
            "leaving after a purchase at {share}): the probabilities of being active are close "
            "to 100% and the expected purchases extend today's pace. More history will make "
            "the estimate more cautious.",
        },
    }
)
