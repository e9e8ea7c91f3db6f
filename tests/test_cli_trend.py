"""`python -m kpi trend`: the Trends page's series, anomalies and forecast from the command line:
JSON by hand on a small file, --until, text output, exit codes; Online Retail by day."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kpi.cli import main
from tests.conftest import realdata

# 16 months of orders (January 2023 to April 2024), three a month on the 1st, 15th and 25th;
# August 2023 has one more order of 3,000. The data ends on 15 April 2024 (no order of the 25th):
# with an order every 10 to 14 days, a month is complete when the data runs to its last 14 days
# (kpi.metrics.coverage.grace_days), so April is partial.
MONTHS = pd.date_range("2023-01-01", "2024-04-01", freq="MS")


def monthly(i: int) -> float:
    """Revenue of month i without the spike: 300 ± up to 20."""
    return 300.0 + 10 * ((i * 7) % 5 - 2)


def orders_csv(tmp_path) -> str:  # noqa: ANN001
    rows = []
    for i, start in enumerate(MONTHS):
        for k, day in enumerate((1, 15, 25)):
            if start == MONTHS[-1] and day == 25:
                break
            amount = monthly(i) / 3
            rows.append((f"O{i}-{k}", start.replace(day=day).date().isoformat(), f"C{k}", amount))
        if start == pd.Timestamp("2023-08-01"):
            rows.append((f"O{i}-x", "2023-08-20", "C9", 3000.0))
    path = tmp_path / "orders.csv"
    pd.DataFrame(rows, columns=["Order ID", "Order Date", "Customer", "Amount"]).to_csv(
        path, index=False
    )
    return str(path)


def trend(capsys, *args: str) -> dict:  # noqa: ANN001
    assert main(["trend", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_by_hand(tmp_path, capsys) -> None:  # noqa: ANN001
    doc = trend(capsys, orders_csv(tmp_path), "--forecast", "3")
    assert doc["kpi"] == "revenue" and doc["freq"] == "month" and doc["until"] is None
    points = doc["points"]
    assert [p["start"] for p in points] == [m.date().isoformat() for m in MONTHS]
    expected = [monthly(i) for i in range(len(MONTHS))]
    expected[7] += 3000  # August 2023
    expected[15] *= 2 / 3  # April 2024: two orders of three
    assert [p["value"] for p in points] == pytest.approx(expected)
    assert [p["partial"] for p in points] == [False] * 15 + [True]  # April 2024: to the 15th
    # the spike is the one anomaly, expected at the level of its neighbours (280 to 320)
    assert [p["anomaly"] for p in points] == [0] * 7 + [1] + [0] * 8
    assert 280 <= points[7]["expected"] <= 320
    assert points[-1]["not_judged"] == "partial" and points[-1]["anomaly"] == 0
    fc = doc["forecast"]
    # three months after the last complete one (March 2024): April (whole), May, June
    assert [p["start"] for p in fc["points"]] == ["2024-04-01", "2024-05-01", "2024-06-01"]
    for p in fc["points"]:
        assert p["lower"] <= p["forecast"] <= p["upper"]
        # about 300: the spike is flagged, but with less than two years judged against its
        # neighbours only (it might be the season), so the forecast learns from it as it is
        assert 250 < p["forecast"] < 400
    bt = fc["backtest"]
    assert set(bt) >= {"wape", "naive_wape", "seasonal_naive_wape", "coverage"}
    assert 0 <= bt["wape"] < 0.2 and 0 <= bt["naive_wape"] < 1  # fractions, not percents
    # 15 complete months: one season before a window of 3 origins, so seasonal naive is scored
    assert bt["origins"] == 3 and 0 <= bt["seasonal_naive_wape"] < 1
    assert fc["method"] and doc["forecast_text"].startswith("Model chosen: ")
    assert (
        doc["anomaly_method"] == "rolling_median" and "Anomalies taken" not in doc["forecast_text"]
    )
    assert doc["anomalies"][0]["start"] == "2023-08-01"


def test_until_uses_only_the_data_then(tmp_path, capsys) -> None:  # noqa: ANN001
    path = orders_csv(tmp_path)
    full = trend(capsys, path)
    doc = trend(capsys, path, "--until", "2023-12-20")
    points = doc["points"]
    assert doc["until"] == "2023-12-20"
    assert points[-1]["start"] == "2023-12-01" and points[-1]["partial"] is True
    assert [p["partial"] for p in points[:-1]] == [False] * 11
    # the months before are those of the whole file; December holds its 1st and 15th only
    assert [p["value"] for p in points[:-1]] == [p["value"] for p in full["points"][:11]]
    assert points[-1]["value"] == pytest.approx(monthly(11) * 2 / 3)
    # the forecast starts after November, the last complete month then
    assert doc["forecast"]["points"][0]["start"] == "2023-12-01"
    assert doc["forecast"]["history"] == 11


def test_a_first_month_the_data_starts_inside_is_incomplete(tmp_path, capsys) -> None:  # noqa: ANN001
    path = orders_csv(tmp_path)
    df = pd.read_csv(path)
    df = df[df["Order Date"] != "2023-01-01"]  # the data now starts on 15 January 2023
    df.to_csv(path, index=False)
    doc = trend(capsys, path)
    first = doc["points"][0]
    assert first["start"] == "2023-01-01" and first["partial"] is True
    assert first["not_judged"] == "partial" and first["anomaly"] == 0
    assert doc["forecast"]["history"] == 14  # February 2023 to March 2024


def test_day_granularity_and_text(tmp_path, capsys) -> None:  # noqa: ANN001
    path = orders_csv(tmp_path)
    doc = trend(capsys, path, "--by", "day")
    # three order days a month over 16 months: most days are 0, too sparse for either
    assert doc["anomaly_method"] == "sparse" and doc["forecast"] is None
    assert doc["forecast_note"].startswith("Series too sparse for a forecast")
    assert doc["anomalies_note"].startswith("Series too sparse to judge anomalies")
    assert main(["trend", path, "--lang", "fr", "--kpi", "orders"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Commandes par mois — orders.csv")
    assert "avril 2024" in out and "(en cours)" in out
    assert "Modèle retenu" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--by", "year"], "invalid choice"),
        (["--until", "2023-13-01"], "--until YYYY-MM-DD"),
        (["--forecast", "0"], "at least 1"),
        (["--forecast", "two"], "invalid int value"),
        (["--kpi", "nope"], "Available: revenue"),
        (["--map", "amount=Nope"], "No file has the column(s) Nope"),
    ],
)
def test_bad_input_exits_2(tmp_path, capsys, args: list[str], needle: str) -> None:  # noqa: ANN001
    path = orders_csv(tmp_path)
    try:
        code = main(["trend", path, *args])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def test_missing_file_exits_2(tmp_path, capsys) -> None:  # noqa: ANN001
    assert main(["trend", str(tmp_path / "absent.csv")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


@pytest.mark.realdata
def test_online_retail_by_day(capsys) -> None:  # noqa: ANN001
    path = str(realdata("online_retail/online_retail_uci_by-day_concatenated.csv"))
    doc = trend(capsys, path, "--by", "day", "--forecast", "14")
    points = pd.DataFrame(doc["points"])
    days = pd.to_datetime(points["start"]).dt.day_of_week
    # the shop never trades on Saturdays: not judged ("closed"), never flagged
    assert points.loc[days == 5, "not_judged"].isin(["closed", "holiday"]).all()
    assert (points.loc[days == 5, "anomaly"] == 0).all()
    assert points.loc[points["start"] == "2010-12-25", "not_judged"].item() in ("holiday", None)
    assert 1 <= (points["anomaly"] != 0).sum() <= 20
    fc = pd.DataFrame(doc["forecast"]["points"])
    assert len(fc) == 14
    saturdays = pd.to_datetime(fc["start"]).dt.day_of_week == 5
    assert (fc.loc[saturdays, ["forecast", "lower", "upper"]] == 0).all().all()


def test_recurring_revenue_is_drawn_by_month_not_by_week(capsys) -> None:  # noqa: ANN001
    from tests.conftest import ROOT

    path = str(ROOT / "sample_data" / "abonnements.csv")
    assert main(["trend", path, "--kpi", "mrr", "--by", "week"]) == 2
    err = capsys.readouterr().err
    assert "is measured per month" in err and "Traceback" not in err
    doc = trend(capsys, path, "--kpi", "mrr", "--by", "month")
    assert doc["kpi"] == "mrr" and doc["points"][-1]["value"] > 0
