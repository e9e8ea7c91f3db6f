"""Forecast chosen by back-test: baselines and scores by hand on tiny series, no look-ahead in
the back-test, the seasonal model winning on a seasonal series, conformal coverage on a long
simulated series, partial buckets, too short, non-negative, closed days, texts; the real
monthly series of ``sales_data_sample``."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from kpi import i18n
from kpi.explore import forecast as fc_mod
from kpi.explore.forecast import CANDIDATES, MIN_HISTORY, backtest, forecast, no_forecast_note
from tests.conftest import realdata


def frame(values, start: str = "2022-01-01", freq: str = "MS", partial_last: bool = False):
    values = np.asarray(values, dtype=float)
    partial = np.zeros(len(values), dtype=bool)
    if len(values):
        partial[-1] = partial_last
    return pd.DataFrame(
        {
            "start": pd.date_range(start, periods=len(values), freq=freq),
            "value": values,
            "partial": partial,
        }
    )


def test_naive_and_seasonal_naive_backtest_by_hand() -> None:
    # 15 months; origins 12, 13, 14 (window 3), horizon 2.
    y = np.array([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 15, 25, 33], dtype=float)
    bt = backtest(y, period=12, h=2, window=3, candidates=CANDIDATES[:2])
    # naive from origin 12 is y[11] = 120 for both steps; from 14: y[13] = 25
    np.testing.assert_array_equal(bt.forecasts["naive"], [[120, 120], [15, 15], [25, 25]])
    # seasonal naive: the same month one year before (y[0], y[1]…)
    np.testing.assert_array_equal(bt.forecasts["seasonal_naive"], [[10, 20], [20, 30], [30, 40]])
    # one-step errors: naive |15−120| + |25−15| + |33−25| = 123 over 15 + 25 + 33 = 73
    assert bt.wape("naive", "one") == pytest.approx(123 / 73)
    # seasonal naive: 5 + 5 + 3 = 13 over 73
    assert bt.wape("seasonal_naive", "one") == pytest.approx(13 / 73)
    # multi-step adds the known second steps (origins 12 and 13): naive |25−120| + |33−15|,
    # seasonal naive |25−20| + |33−30|
    assert bt.wape("naive", "multi") == pytest.approx((123 + 95 + 18) / (73 + 25 + 33))
    assert bt.wape("seasonal_naive", "multi") == pytest.approx((13 + 5 + 3) / (73 + 25 + 33))
    # the step beyond the history is not scored
    assert np.isnan(bt.errors["naive"][2, 1])


def test_backtest_sees_nothing_after_its_origins() -> None:
    rng = np.random.default_rng(3)
    y = 100 + np.arange(40) + 10 * np.sin(np.arange(40) * np.pi / 6) + rng.normal(0, 2, 40)
    window, h = 10, 3
    bt = backtest(y, 12, h, window)
    changed = y.copy()
    changed[-4:] *= 5  # the last four values: after the first 6 of the 10 origins
    bt2 = backtest(changed, 12, h, window)
    assert set(bt.forecasts) == set(bt2.forecasts) and len(bt.forecasts) >= 8
    for name in bt.forecasts:
        np.testing.assert_allclose(bt.forecasts[name][:7], bt2.forecasts[name][:7], err_msg=name)
    # …while the later origins do see them (the test would pass on a back-test seeing nothing)
    assert not np.allclose(bt.forecasts["naive"][7:], bt2.forecasts["naive"][7:])


def test_theta_matches_statsmodels() -> None:
    from statsmodels.tsa.forecasting.theta import ThetaModel

    rng = np.random.default_rng(5)
    y = 200 + np.cumsum(rng.normal(1, 4, 30))
    theta = next(c for c in CANDIDATES if c.name == "theta")
    ours = theta.predict(y, theta.fit(y, 12), np.array([30]), 4, 12)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ThetaModel(y, period=1, deseasonalize=False).fit().forecast(4)
    np.testing.assert_allclose(ours, np.asarray(ref), rtol=1e-3)


def test_ets_frozen_parameters_forecast_like_statsmodels() -> None:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(6)
    y = 100 + np.cumsum(rng.normal(2, 3, 36))
    ets = next(c for c in CANDIDATES if c.name == "ets_add")
    params = ets.fit(y, 12)
    ours = ets.predict(y, params, np.array([36]), 5, 12)[0]
    model = ETSModel(y, error="add", trend="add", damped_trend=True,
                     initialization_method="heuristic")  # fmt: skip
    ref = model.smooth(params).forecast(5)
    np.testing.assert_allclose(ours, np.asarray(ref), rtol=1e-9)


def test_seasonal_model_wins_on_27_months_and_forecasts_the_peak() -> None:
    # 27 months of a shop with a December peak (×2.2) and a summer trough, growing 1 % a month
    rng = np.random.default_rng(11)
    months = pd.date_range("2022-01-01", periods=27, freq="MS")
    season = np.array([0.9, 0.85, 1.0, 1.0, 1.05, 0.8, 0.6, 0.7, 1.0, 1.1, 1.3, 2.2])
    y = 1000 * 1.01 ** np.arange(27) * season[months.month - 1] * rng.lognormal(0, 0.04, 27)
    fc = forecast(frame(y), "month", 12, lang="en")
    assert fc is not None
    assert set(fc.members) <= {m.name for m in CANDIDATES if m.seasonal}
    assert fc.multi_step["wape"] < fc.multi_step["naive_wape"] / 2
    assert fc.frame["start"].iloc[0] == pd.Timestamp("2024-04-01")
    # the peak: December 2024 is the highest month forecast, above the two Decembers seen
    peak = fc.frame.loc[fc.frame["forecast"].idxmax()]
    assert peak["label"] == "December 2024"
    assert peak["forecast"] > y[23] > y[11]
    assert (fc.frame["lower"] <= fc.frame["forecast"]).all()
    assert (fc.frame["forecast"] <= fc.frame["upper"]).all()


def test_conformal_band_covers_about_80_percent_out_of_sample() -> None:
    # a long series (random-walk level, yearly season, noise); the band of each forecast comes
    # from its own back-test only: over 60 later months it should hold about 80 % of them
    rng = np.random.default_rng(2024)
    n = 120
    level = 1000 + np.cumsum(rng.normal(0, 15, n))
    y = level * (1 + 0.2 * np.sin(np.arange(n) * 2 * np.pi / 12)) + rng.normal(0, 40, n)
    s = frame(y, "2010-01-01")
    inside = 0
    origins = range(n - 60, n)
    for t in origins:
        fc = forecast(s.iloc[:t], "month", 1)
        row = fc.frame.iloc[0]
        inside += int(row["lower"] <= y[t] <= row["upper"])
    assert 0.7 <= inside / len(origins) <= 0.92


def test_partial_last_bucket_is_not_learnt_from() -> None:
    y = [100, 102, 98, 101, 99, 100, 103, 97, 100, 101, 99, 100]
    with_partial = frame(y + [5], partial_last=True)  # a month that has just begun
    a = forecast(with_partial, "month", 3)
    b = forecast(frame(y), "month", 3)
    assert a.history == 12
    # the forecast starts with the partial month itself, from the same model as without it
    assert a.frame["start"].iloc[0] == pd.Timestamp("2023-01-01")
    np.testing.assert_allclose(a.frame["forecast"], b.frame["forecast"])


def test_history_is_the_last_unbroken_run() -> None:
    y = [50.0, np.nan, 100, 102, 98, 101, 99, 100, 103]
    fc = forecast(frame(y), "month", 2)
    assert fc.history == 7


def test_too_short_gives_none() -> None:
    assert forecast(frame([1, 2, 3, 4, 5]), "month") is None
    assert forecast(frame([]), "month") is None
    assert forecast(frame([1, 2, 3, 4, 5, 6], partial_last=True), "month") is None
    assert forecast(frame(range(1, MIN_HISTORY + 1)), "month") is not None
    assert no_forecast_note(frame(range(1, MIN_HISTORY + 1)), "month") is None
    assert no_forecast_note(frame([1, 2, 3, 4, 5]), "month", "en") == (
        "History too short for a forecast: at least 6 complete periods are needed (to learn a "
        "model and test it)."
    )


def test_too_sparse_gives_none() -> None:
    # sales on 2 days in 5 (Sundays closed aside): a daily forecast would copy last week's
    # few sales days
    rng = np.random.default_rng(12)
    days = pd.date_range("2024-01-01", periods=140, freq="D")
    y = np.where(rng.random(140) < 0.4, rng.lognormal(8, 0.5, 140), 0.0)
    y[days.day_of_week == 6] = 0.0
    s = frame(y, "2024-01-01", "D")
    assert forecast(s, "day") is None
    share = (y[days.day_of_week != 6] == 0).mean()
    note = no_forecast_note(s, "day", "fr")
    assert note.startswith("Série trop clairsemée pour une prévision : ")
    assert i18n.format_percent_value(share, "fr", 0) in note
    # by week the same sales are a forecastable series
    weekly = s.assign(start=s["start"].dt.to_period("W").dt.start_time).groupby("start")
    w = weekly["value"].sum().reset_index().assign(partial=False)
    assert forecast(w, "week") is not None


def test_unknown_granularity_is_a_user_error() -> None:
    from kpi.errors import PiloteError

    with pytest.raises(PiloteError) as err:
        forecast(frame(range(12)), "year")
    assert err.value.message("fr") == (
        "Granularité inconnue « year » : choisissez parmi day, week, month, quarter."
    )


def test_non_negative_measures_stay_non_negative() -> None:
    y = [100, 80, 60, 45, 30, 20, 12, 8, 5, 3, 2, 1]
    fc = forecast(frame(y), "month", 6)
    assert (fc.frame[["forecast", "lower", "upper"]] >= 0).all().all()
    free = forecast(frame(y), "month", 6, non_negative=False)
    assert (free.frame["lower"] < 0).any()


def test_closed_weekday_is_forecast_at_zero() -> None:
    # 10 weeks of days from a Monday; Sundays always closed
    rng = np.random.default_rng(1)
    days = pd.date_range("2024-01-01", periods=70, freq="D")
    y = 500 * rng.lognormal(0, 0.1, 70) * (1 + 0.3 * (days.day_of_week == 4))
    y[days.day_of_week == 6] = 0.0
    fc = forecast(frame(y, "2024-01-01", "D"), "day", 14)
    sundays = fc.frame[fc.frame["start"].dt.day_of_week == 6]
    assert len(sundays) == 2
    assert (sundays[["forecast", "lower", "upper"]] == 0).all().all()
    others = fc.frame[fc.frame["start"].dt.day_of_week != 6]
    assert (others["forecast"] > 300).all()


def test_fields_and_texts() -> None:
    rng = np.random.default_rng(8)
    y = 1000 + 10 * np.arange(30) + rng.normal(0, 20, 30)
    fc = forecast(frame(y), "month", 6, lang="fr")
    assert fc.frame.columns.tolist() == ["start", "label", "forecast", "lower", "upper"]
    assert fc.frame["label"].iloc[0] == "juillet 2024"
    b = fc.backtest
    assert set(b) >= {"wape", "naive_wape", "seasonal_naive_wape", "coverage", "multi_step"}
    assert b["wape"] == fc.scores[fc.method]["one_step"]
    assert set(fc.scores) >= {"naive", "seasonal_naive", "drift", "theta", "ets_add"}
    text_fr, text_en = fc.text("fr"), fc.text("en")
    assert text_fr.startswith("Modèle retenu : ") and "saisonnier naïf" in text_fr
    # both baselines next to the chosen model's error, each with its own figure
    ms = fc.multi_step
    pct = lambda v: i18n.format_percent_value(v, "en", 1)  # noqa: E731
    assert fc.method not in ("naive", "seasonal_naive")  # a trend: a model beats both
    assert f"(seasonal naive: {pct(ms['seasonal_naive_wape'])}; naive: " in text_en
    assert f"naive: {pct(ms['naive_wape'])})" in text_en
    assert text_en.startswith("Model chosen: ") and "%" in text_en
    assert "nan" not in text_fr.lower() and "{" not in text_fr + text_en
    for key in [k for k in i18n.messages() if k.startswith("forecast.")]:
        texts = i18n.messages()[key]
        assert texts["fr"] and texts["en"], key
    for model in CANDIDATES:
        assert i18n.t(f"forecast.method.{model.name}", "en") != f"forecast.method.{model.name}"


def test_blas_limit_is_restored() -> None:
    from threadpoolctl import threadpool_info

    before = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    forecast(frame(np.arange(24) + 10.0), "month")
    assert [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"] == before
    assert fc_mod._blas_users == 0


@pytest.mark.realdata
def test_sales_data_sample_forecasts_the_november_peak() -> None:
    # The issue: a non-seasonal ETS forecast November 2005 at 494k when the two previous
    # Novembers were 1.03M and 1.09M.
    path = realdata("sales_data_sample/sales_data_sample.csv")
    df = pd.read_csv(path, usecols=["SALES", "ORDERDATE", "STATUS"])
    df = df[df["STATUS"] != "Cancelled"]
    month = pd.to_datetime(df["ORDERDATE"], format="%m/%d/%Y %H:%M").dt.to_period("M")
    s = df["SALES"].groupby(month).sum()
    assert len(s) == 29 and s.iloc[10] == pytest.approx(1029837.66, abs=1)
    fc = forecast(frame(s.to_numpy(), "2003-01-01"), "month", 6, lang="en")
    nov = fc.frame[fc.frame["label"] == "November 2005"].iloc[0]
    assert nov["forecast"] > 900_000
    assert fc.multi_step["wape"] <= fc.multi_step["seasonal_naive_wape"]
