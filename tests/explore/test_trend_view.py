"""What the Trends page shows for one series: anomalies and forecast together, the forecast
learning from the anomalies' expected values, reasons in words, the JSON document."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.explore.forecast import forecast
from kpi.explore.trend_view import trend_view


def seasonal(n: int = 36, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 1000 * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) * rng.lognormal(0, 0.03, n)
    return pd.DataFrame(
        {"start": pd.date_range("2022-01-01", periods=n, freq="MS"), "value": y, "partial": False}
    )


def test_the_forecast_does_not_copy_a_one_off() -> None:
    s = seasonal()
    s.loc[26, "value"] *= 0.4  # March 2024: a flood, 60 % down
    view = trend_view(s, "month", 12)
    assert view.method == "seasonal"
    assert list(np.flatnonzero(view.series["anomaly"])) == [26] and view.replaced == 1
    march = view.forecast.frame.set_index("start").loc[pd.Timestamp("2025-03-01"), "forecast"]
    level = 1000 * (1 + 0.3 * np.sin(2 * np.pi * 38 / 12))  # March's usual level, ≈ 1,260
    assert march == pytest.approx(level, rel=0.1)
    # the same model on the raw series copies last March's flood
    raw = forecast(s, "month", 12)
    assert raw.frame.set_index("start").loc[pd.Timestamp("2025-03-01"), "forecast"] < 0.5 * level
    assert view.forecast_text("en").endswith(
        "Anomalies taken at their expected value to learn from: 1."
    )
    assert view.series.loc[26, "value"] == s.loc[26, "value"]  # the series shown is untouched


def test_no_cleaning_without_the_season() -> None:
    # 18 months: anomalies are judged against neighbours only, so a "spike" may be the season
    # itself: the forecast learns from the values as they are
    s = seasonal(18)
    s.loc[10, "value"] *= 3
    view = trend_view(s, "month")
    assert view.method == "rolling_median" and view.series.loc[10, "anomaly"] == 1
    assert view.replaced == 0 and "Anomalies taken" not in view.forecast_text("en")


def test_table_and_json_say_it_in_words() -> None:
    s = seasonal(40)
    s.loc[39, "partial"] = True
    s.loc[20, "value"] = np.nan
    view = trend_view(s, "month", 3)
    fr, en = view.table("fr"), view.table("en")
    assert "excluded" not in fr.columns
    assert fr.loc[39, "not_judged"] == "période incomplète"
    assert en.loc[20, "not_judged"] == "missing value"
    assert set(fr["anomaly"]) <= {"", "baisse", "hausse"}
    doc = view.to_json()
    assert doc["points"][39]["not_judged"] == "partial" and doc["points"][20]["value"] is None
    assert len(doc["forecast"]["points"]) == 3
    assert doc["forecast"]["points"][0]["start"] == "2025-04-01"  # after March 2025, complete
    assert all(isinstance(p["anomaly"], int) for p in doc["points"])


def test_empty_series_and_bad_horizon() -> None:
    from kpi.errors import PiloteError

    empty = seasonal().iloc[:0]
    view = trend_view(empty, "month")
    assert view.forecast is None and view.anomalies_note("en") is None
    assert view.to_json()["points"] == []
    with pytest.raises(PiloteError):
        trend_view(seasonal(), "month", 0)
    short = trend_view(seasonal(5), "month")
    assert short.forecast is None
    assert "at least 6 complete periods" in short.forecast_note("en")
    assert "at least 7" in short.anomalies_note("en")
