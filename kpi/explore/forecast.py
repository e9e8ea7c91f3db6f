"""Forecast: the next buckets of a trend series, with an 80 % interval and its back-tested error.

Decisions where the issue is silent: ETS (additive errors, damped additive trend, additive
seasonality when the history allows it and the back-test too) from statsmodels. The back-test
refits the same model on the history minus the last ``h`` periods and reports the weighted
absolute percentage error (WAPE) on them. With fewer than 10 periods (or no statsmodels) the
forecast is the mean of the last 3 periods ± 1.28 standard deviations.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.explore.buckets import SEASON, bucket_codes, bucket_label, bucket_start

__all__ = ["HORIZON", "Forecast", "forecast"]

#: Buckets forecast by default.
HORIZON: dict[str, int] = {"day": 28, "week": 8, "month": 6, "quarter": 4}


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


i18n.add_messages(
    {
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
