"""Forecasts chosen by back-test, with prediction intervals calibrated on the back-test errors.

A series from the trends module (``start``, ``value``, ``partial``) is forecast by the
candidate that did best on its own recent past:

- **Candidates** (:data:`CANDIDATES`): naive (last value), seasonal naive (same bucket one
  season before), drift (line from the first to the last value), the Theta method, and
  damped-trend exponential smoothing with additive errors, ETS(A,Ad,N), and with
  multiplicative errors, ETS(M,Ad,N) (strictly positive series). As soon as one full season
  precedes the back-test window, Theta and both ETS are also tried on seasonally adjusted
  values: one index per position of the season (ratio to a centred moving average over one
  season, or difference when a value is negative; a position that is 0 season after season — a
  closed weekday — gets index 0), the model forecasts the adjusted series, the forecast is
  re-seasonalised.
- **Back-test** (:func:`backtest`): rolling origin over the last ``W`` buckets — a third of the
  history, at least 6 when it allows, at most 12 months, 8 quarters, 26 weeks or 56 days. Each
  candidate learns its parameters (and seasonal indices) on the history before the first origin
  only, then forecasts 1 to ``h`` buckets ahead from every origin with them frozen, seeing only
  the values before that origin. Scores are WAPE, Σ|error| / Σ|actual|.
- **Choice**: the lowest multi-step WAPE (all 1…``h``-step forecasts of the back-test); a
  simpler candidate within 5 % of it is preferred; the average of the two best candidates
  replaces it when its own back-test score is lower still. The chosen model is refitted on the
  whole history.
- **Interval** (split conformal): the 80 % band ``k`` buckets ahead is the forecast ± the
  ⌈0.8 (n + 1)⌉-th smallest absolute ``k``-step error of the chosen model in the back-test:
  about 80 % coverage out of sample whatever the model's own assumptions. With fewer than 5
  errors at ``k`` steps, the last calibrated width × √(k / k₀); widths never narrow.
- **Coverage** reported is honest: each back-test error is checked against the band built from
  the errors of earlier origins only (given from 10 such checks).

Partial buckets are never trained on; the history is the latest uninterrupted run of values.
Non-negative measures keep their forecast and band at or above zero; a closed position of the
season (a weekday with at least 80 % zeros over 3 seasons) is forecast at 0 with no band.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.errors import PiloteError
from kpi.explore._forecast_models import (
    _BY_NAME,
    _FIT_ERRORS,
    _MIN_TRAIN,
    CANDIDATES,
    CLOSED_SHARE,
    COMBINATION,
    LEVEL,
    SPARSE_SHARE,
    Backtest,
    _band_widths,
    _choose,
    _conformity,
    _coverage,
    backtest,
    closed_positions,
)
from kpi.explore.buckets import SEASON, bucket_codes, bucket_label, bucket_start

__all__ = [
    "CANDIDATES",
    "CLOSED_SHARE",
    "COMBINATION",
    "HORIZON",
    "LEVEL",
    "MIN_HISTORY",
    "SEASON",
    "SPARSE_SHARE",
    "Backtest",
    "Forecast",
    "backtest",
    "check_freq",
    "closed_positions",
    "forecast",
    "method_label",
    "no_forecast_note",
    "usable_history",
    "zero_share",
]

#: Buckets forecast by default.
HORIZON: dict[str, int] = {"day": 28, "week": 8, "month": 6, "quarter": 4}
#: Most rolling origins in the back-test.
WINDOW: dict[str, int] = {"day": 56, "week": 26, "month": 12, "quarter": 8}
#: Fewest buckets of history for a forecast (3 to learn from, 3 to back-test on).
MIN_HISTORY = 6
_MIN_WINDOW = 3
_GOOD_WINDOW = 6


# ---------------------------------------------------------------------------------------------
# Forecast
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """The next buckets of a series, from the candidate that did best in the back-test.

    Attributes
    ----------
    frame : pandas.DataFrame
        ``start``, ``label``, ``forecast``, ``lower``, ``upper`` (the 80 % interval).
    method : str
        The chosen candidate (see :data:`CANDIDATES`): ``naive``, ``seasonal_naive``,
        ``drift``, ``theta``, ``theta_seasonal``, ``ets_add``, ``ets_add_seasonal``,
        ``ets_mul``, ``ets_mul_seasonal``, or ``combination`` (the average of two).
    members : tuple of str
        The candidates averaged: one, or the two of a combination.
    history : int
        Buckets the model learnt from.
    backtest_periods : int
        Rolling origins of the back-test.
    backtest_wape : float or None
        One-step WAPE of the chosen model over the back-test's origins.
    naive_wape, seasonal_naive_wape : float or None
        The same for the naive and seasonal naive forecasts (``None``: no full season before the
        back-test, or actuals all 0).
    multi_step : dict
        ``wape``, ``naive_wape``, ``seasonal_naive_wape`` over every 1…h-step forecast of the
        back-test (what the choice was made on, and what :meth:`text` shows).
    coverage : float or None
        Share of the back-test's actual values (every horizon) inside the band computed from
        the errors of earlier origins only (``None`` with fewer than 10 such checks).
    scores : dict
        Candidate → ``{"one_step": WAPE, "multi_step": WAPE}``, for every candidate tried.
    level : float
        Coverage the band aims at (0.8).
    """

    frame: pd.DataFrame
    method: str
    members: tuple[str, ...]
    history: int
    backtest_periods: int
    backtest_wape: float | None
    naive_wape: float | None
    seasonal_naive_wape: float | None
    multi_step: Mapping[str, float | None]
    coverage: float | None
    scores: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)
    level: float = LEVEL

    @property
    def backtest(self) -> dict[str, Any]:
        """The back-test figures as plain fractions (for JSON): one-step WAPEs of the chosen
        model and the baselines, the band's coverage, and the multi-step WAPEs."""
        return {
            "wape": self.backtest_wape,
            "naive_wape": self.naive_wape,
            "seasonal_naive_wape": self.seasonal_naive_wape,
            "coverage": self.coverage,
            "origins": self.backtest_periods,
            "horizon": len(self.frame),
            "multi_step": dict(self.multi_step),
        }

    def method_label(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """The chosen model, for people (``ETS saisonnier amorti``; a combination names both)."""
        if self.method == COMBINATION and len(self.members) == 2:
            a, b = (method_label(m, lang) for m in self.members)
            return i18n.t("forecast.method.combination", lang, first=a, second=b)
        return method_label(self.method, lang)

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """Which model won, its back-test error next to the baselines' (seasonal naive, naive;
        multi-step: what the choice was made on), and what the band is: ``Modèle retenu : ETS
        saisonnier amorti — erreur en back-test 12,3 % (saisonnier naïf : 18,9 % ; naïf :
        25,1 %), prévisions à 1 à 6 périodes depuis chacune des 12 dernières. …``"""
        pct = lambda v: i18n.format_percent_value(v, lang, 1)  # noqa: E731
        ms = self.multi_step
        # the baselines it is measured against: seasonal naive, then naive
        items = [
            i18n.t(f"forecast.baseline.{name}", lang, wape=pct(ms[f"{name}_wape"]))
            for name in ("seasonal_naive", "naive")
            if self.method != name and ms.get(f"{name}_wape") is not None
        ]
        baseline = ""
        if items:
            sep = " ; " if lang == "fr" else "; "
            baseline = i18n.t("forecast.baselines", lang, items=sep.join(items))
        if ms.get("wape") is None:
            text = i18n.t("forecast.chosen_no_error", lang, method=self.method_label(lang))
        else:
            text = i18n.t(
                "forecast.chosen",
                lang,
                method=self.method_label(lang),
                wape=pct(ms["wape"]),
                baseline=baseline,
                n=self.backtest_periods,
                h=len(self.frame),
            )
        text += " " + i18n.t("forecast.history", lang, n=self.history)
        level = i18n.format_percent_value(self.level, lang, 0)
        if self.coverage is not None:
            coverage = i18n.format_percent_value(self.coverage, lang, 0)
            text += " " + i18n.t("forecast.band", lang, level=level, coverage=coverage)
        else:
            text += " " + i18n.t("forecast.band_uncalibrated", lang, level=level)
        return text


def method_label(method: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A candidate's name for people."""
    return i18n.t(f"forecast.method.{method}", lang)


def check_freq(freq: str) -> None:
    """Raise ``forecast.invalid_freq`` unless ``freq`` is ``day``, ``week``, ``month`` or
    ``quarter``."""
    if freq not in SEASON:
        raise PiloteError("forecast.invalid_freq", value=freq, valid=", ".join(SEASON))


def usable_history(series: pd.DataFrame) -> tuple[np.ndarray, pd.Timestamp | None]:
    """The values a forecast learns from, and the start of the last of them.

    Partial buckets are left out wherever they are; the history is the latest uninterrupted
    run of values (a gap — an undefined ratio — breaks it).
    """
    if series.empty:
        return np.array([], dtype=float), None
    full = series[~series["partial"].astype(bool)]
    values = pd.to_numeric(full["value"], errors="coerce").astype(float).to_numpy()
    starts = pd.to_datetime(full["start"]).to_numpy()
    ok = np.flatnonzero(~np.isnan(values))
    if len(ok) == 0:
        return np.array([], dtype=float), None
    last = int(ok[-1])
    gaps = np.flatnonzero(np.isnan(values[: last + 1]))
    first = int(gaps[-1]) + 1 if len(gaps) else 0
    return values[first : last + 1], pd.Timestamp(starts[last])


def forecast(
    series: pd.DataFrame,
    freq: str = "month",
    horizon: int | None = None,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    non_negative: bool = True,
    level: float = LEVEL,
) -> Forecast | None:
    """Forecast the next ``horizon`` buckets of a series with the model that did best on its
    recent past, and an interval calibrated on that back-test (see the module notes).

    Parameters
    ----------
    series : pandas.DataFrame
        ``start`` (bucket start), ``value`` (NaN when undefined) and ``partial`` columns, oldest
        first, as the trends module builds them.
    freq : str
        ``day``, ``week``, ``month`` or ``quarter`` (sets the season and the default horizon).
    horizon : int, optional
        Buckets to forecast (default 28 days, 8 weeks, 6 months or 4 quarters).
    lang : str
        Language of the ``label`` column.
    non_negative : bool
        Keep the forecast and its band at or above zero (sums and counts).
    level : float
        Coverage the band aims at.

    Returns
    -------
    Forecast or None
        ``None`` when the history holds fewer than :data:`MIN_HISTORY` buckets (too short to
        both learn and test a model) or more than 30 % zeros outside closed weekdays (too
        sparse): :func:`no_forecast_note` says which.

    Raises
    ------
    PiloteError
        ``forecast.invalid_freq`` for a granularity other than the four.
    """
    check_freq(freq)
    y, last_start = usable_history(series)
    if _unavailable(y, freq) is not None or last_start is None:
        return None
    with _one_blas_thread():
        return _forecast(y, last_start, freq, horizon, lang, non_negative, level)


def _unavailable(y: np.ndarray, freq: str) -> str | None:
    """Why there is no forecast: ``too_short`` or ``too_sparse``; ``None`` when there is one."""
    if len(y) < MIN_HISTORY:
        return "too_short"
    if zero_share(y, SEASON[freq]) > SPARSE_SHARE:
        return "too_sparse"
    return None


def zero_share(y: np.ndarray, period: int) -> float:
    """Share of zero values outside the closed positions of the season (NaN ignored)."""
    y = np.asarray(y, dtype=float)
    pos = np.arange(len(y)) % period
    closed = closed_positions(y, pos, period) if period >= 2 else set()
    open_ = ~np.isnan(y) & ~np.isin(pos, sorted(closed))
    return float((y[open_] == 0).mean()) if open_.any() else 0.0


def no_forecast_note(
    series: pd.DataFrame, freq: str = "month", lang: str = i18n.DEFAULT_LANGUAGE
) -> str | None:
    """What the page says when :func:`forecast` gives ``None``: the history is too short, or
    too sparse (most buckets at 0: a daily forecast would copy last week's few sales days);
    ``None`` when there is a forecast."""
    check_freq(freq)
    y, _ = usable_history(series)
    reason = _unavailable(y, freq)
    if reason == "too_short":
        return i18n.t("forecast.too_short", lang, n=MIN_HISTORY)
    if reason == "too_sparse":
        share = i18n.format_percent_value(zero_share(y, SEASON[freq]), lang, 0)
        return i18n.t("forecast.too_sparse", lang, share=share)
    return None


def _forecast(
    y: np.ndarray,
    last_start: pd.Timestamp,
    freq: str,
    horizon: int | None,
    lang: str,
    non_negative: bool,
    level: float,
) -> Forecast:
    n = len(y)
    period = SEASON.get(freq, 12)
    h = int(horizon or HORIZON.get(freq, 6))
    # a third of the history, at least 6 origins when the history allows it (fewer make both the
    # choice and the band noisy), at most WINDOW
    window = min(WINDOW.get(freq, 12), max(n // 3, min(n - _MIN_TRAIN, _GOOD_WINDOW)))
    if n - window < period <= n - _MIN_WINDOW:
        # one full season plus a short test window beats a longer window without seasons
        window = n - period
    bt = backtest(y, period, h, window)
    members, multi = _choose(bt)
    method = members[0] if len(members) == 1 else COMBINATION
    preds = []
    for name in members:
        model = _BY_NAME[name]
        try:
            preds.append(model.predict(y, model.fit(y, period), np.array([n]), h, period)[0])
        except _FIT_ERRORS:
            pass  # it fitted on less: the other member (or naive) carries on
    mean = np.mean(preds, axis=0) if preds else np.full(h, np.nan)
    if not np.isfinite(mean).all():
        members, method = ("naive",), "naive"
        mean = _BY_NAME["naive"].predict(y, None, np.array([n]), h, period)[0]
    conformity = _conformity(bt, method)
    widths = _band_widths(conformity, level)
    lower, upper = mean - widths, mean + widths
    if non_negative:
        mean, lower, upper = (np.maximum(a, 0.0) for a in (mean, lower, upper))
    closed = closed_positions(y, np.arange(n) % period, period) if period >= 2 else set()
    if closed:
        # a bucket the business is closed season after season (Saturdays): 0, no band
        shut = np.isin((n + np.arange(h)) % period, sorted(closed))
        mean, lower, upper = (np.where(shut, 0.0, a) for a in (mean, lower, upper))
    code = bucket_codes(np.array([last_start.to_datetime64()]), freq)[0]
    starts = [bucket_start(int(code) + i + 1, freq) for i in range(h)]
    frame = pd.DataFrame(
        {
            "start": pd.to_datetime(starts),
            "label": [bucket_label(s, freq, lang) for s in starts],
            "forecast": mean,
            "lower": lower,
            "upper": upper,
        }
    )
    scores = {
        name: {"one_step": bt.wape(name, "one"), "multi_step": multi.get(name)}
        for name in bt.errors
    }
    return Forecast(
        frame=frame,
        method=method,
        members=tuple(members),
        history=n,
        backtest_periods=len(bt.origins),
        backtest_wape=bt.wape(method, "one"),
        naive_wape=bt.wape("naive", "one"),
        seasonal_naive_wape=bt.wape("seasonal_naive", "one"),
        multi_step={
            "wape": multi.get(method),
            "naive_wape": multi.get("naive"),
            "seasonal_naive_wape": multi.get("seasonal_naive"),
        },
        coverage=_coverage(conformity, level),
        scores=scores,
        level=level,
    )


_blas_lock = threading.Lock()
_blas_users = 0
_blas_limiter: Any = None


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS on one thread while models are fitted.

    The optimiser's steps are tiny matrix products: on a busy 2-core host, OpenBLAS's thread
    hand-offs made an ETS fit 3–4× slower. Threads of the server share the limit; the last one
    out restores the original setting.
    """
    global _blas_users, _blas_limiter
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with scikit-learn
        yield
        return
    with _blas_lock:
        if _blas_users == 0:
            _blas_limiter = threadpool_limits(limits=1, user_api="blas")
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0 and _blas_limiter is not None:
                _blas_limiter.restore_original_limits()
                _blas_limiter = None


i18n.add_messages(
    {
        "forecast.method.naive": {"fr": "naïf (dernière valeur)", "en": "naive (last value)"},
        "forecast.method.seasonal_naive": {
            "fr": "saisonnier naïf (même période un cycle avant)",
            "en": "seasonal naive (same period one cycle before)",
        },
        "forecast.method.drift": {
            "fr": "dérive (droite de la première à la dernière valeur)",
            "en": "drift (line from the first to the last value)",
        },
        "forecast.method.theta": {"fr": "Thêta", "en": "Theta"},
        "forecast.method.theta_seasonal": {"fr": "Thêta saisonnier", "en": "seasonal Theta"},
        "forecast.method.ets_add": {"fr": "ETS amorti", "en": "damped ETS"},
        "forecast.method.ets_add_seasonal": {
            "fr": "ETS saisonnier amorti",
            "en": "seasonal damped ETS",
        },
        "forecast.method.ets_mul": {
            "fr": "ETS amorti à erreurs multiplicatives",
            "en": "damped ETS with multiplicative errors",
        },
        "forecast.method.ets_mul_seasonal": {
            "fr": "ETS saisonnier amorti à erreurs multiplicatives",
            "en": "seasonal damped ETS with multiplicative errors",
        },
        "forecast.method.combination": {
            "fr": "moyenne de deux modèles, {first} et {second}",
            "en": "average of two models, {first} and {second}",
        },
        "forecast.chosen": {
            "fr": "Modèle retenu : {method} — erreur en back-test {wape}{baseline}, prévisions "
            "à 1 à {h} périodes depuis chacune des {n} dernières.",
            "en": "Model chosen: {method} — back-test error {wape}{baseline}, forecasts 1 to "
            "{h} periods ahead from each of the last {n}.",
        },
        "forecast.chosen_no_error": {
            "fr": "Modèle retenu : {method}.",
            "en": "Model chosen: {method}.",
        },
        "forecast.baselines": {"fr": " ({items})", "en": " ({items})"},
        "forecast.baseline.seasonal_naive": {
            "fr": "saisonnier naïf : {wape}",
            "en": "seasonal naive: {wape}",
        },
        "forecast.baseline.naive": {"fr": "naïf : {wape}", "en": "naive: {wape}"},
        "forecast.history": {
            "fr": "Appris sur {n} périodes complètes.",
            "en": "Learnt from {n} complete periods.",
        },
        "forecast.band": {
            "fr": "Bande : intervalle à {level} calibré sur les erreurs du back-test (il a "
            "contenu {coverage} des valeurs réelles).",
            "en": "Band: {level} interval calibrated on the back-test errors (it held "
            "{coverage} of the actual values).",
        },
        "forecast.band_uncalibrated": {
            "fr": "Bande : intervalle à {level} calibré sur les erreurs du back-test, trop peu "
            "nombreuses pour en vérifier la couverture.",
            "en": "Band: {level} interval calibrated on the back-test errors, too few to check "
            "its coverage.",
        },
        "forecast.invalid_freq": {
            "fr": "Granularité inconnue « {value} » : choisissez parmi {valid}.",
            "en": "Unknown granularity “{value}”: choose one of {valid}.",
        },
        "forecast.too_sparse": {
            "fr": "Série trop clairsemée pour une prévision : {share} des périodes sont à zéro. "
            "Regardez-la par semaine ou par mois.",
            "en": "Series too sparse for a forecast: {share} of the periods are zero. Look at it "
            "by week or by month.",
        },
        "forecast.too_short": {
            "fr": "Historique trop court pour une prévision : il faut au moins {n} périodes "
            "complètes (pour apprendre et tester un modèle).",
            "en": "History too short for a forecast: at least {n} complete periods are needed "
            "(to learn a model and test it).",
        },
    }
)
