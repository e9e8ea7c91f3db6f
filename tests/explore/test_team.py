"""Team: the leaderboard is the engine filtered on each rep; totals, attainment, drill-down."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.data import Table
from kpi.explore import team
from kpi.metrics import Engine, parse_period


def hand_tables() -> list[Table]:
    orders = pd.DataFrame(
        {
            "order": ["A1", "A2", "A3", "A4"],
            "date": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08"]),
            "rep": ["Ana", "Ana", "Léo", "Léo"],
            "amount": [100.0, 300.0, 50.0, 50.0],
        }
    )
    targets = pd.DataFrame(
        {
            "month": pd.to_datetime(["2024-01-01", "2024-01-01"]),
            "rep": ["Ana", "Léo"],
            "target": [200.0, 200.0],
        }
    )
    return [
        Table("o", orders, "orders", {"order_id": "order", "date": "date", "rep": "rep",
                                      "amount": "amount"}),
        Table("t", targets, "targets", {"date": "month", "rep": "rep", "target": "target"}),
    ]  # fmt: skip


def test_leaderboard_by_hand() -> None:
    b = team.leaderboard(Engine(hand_tables(), as_of="2024-01-31"), parse_period("2024-01"))
    # Ana: 100 + 300 = 400 over 2 orders (AOV 200), target 200 → 200 %; Léo: 100, 50 %
    assert b["member"].tolist() == ["Ana", "Léo"]
    assert b["rank"].tolist() == [1, 2]
    assert b["revenue"].tolist() == [400.0, 100.0]
    assert b["aov"].tolist() == [200.0, 50.0]
    assert b["attainment"].tolist() == pytest.approx([2.0, 0.5])
    assert b["pacing"].tolist() == pytest.approx([2.0, 0.5])  # the month is over
    totals = team.team_totals(Engine(hand_tables(), as_of="2024-01-31"), parse_period("2024-01"))
    assert totals["revenue"] == 500.0 and totals["attainment"] == pytest.approx(500 / 400)


def test_leaderboard_equals_engine_per_rep(samples: list[Table]) -> None:
    period = parse_period("2025")
    b = team.leaderboard(Engine(samples), period)
    assert len(b) == 7
    kpis = team.available_kpis(samples)
    # the leads table has no rep: no lead conversion per rep; activities have reps
    assert "lead_conversion_rate" not in kpis and "meeting_rate" in kpis
    for _, row in b.iterrows():
        eng = Engine(samples, {"rep": [row["member"]]})
        for kpi in ("revenue", "win_rate", "sales_cycle_days", "meeting_rate"):
            assert row[kpi] == pytest.approx(eng.value(kpi, period).value), (row["member"], kpi)
    assert b["revenue"].is_monotonic_decreasing
    # the team's revenue is the sum of the reps'
    totals = team.team_totals(Engine(samples), period)
    assert b["revenue"].sum() == pytest.approx(totals["revenue"])
    att = Engine(samples).attainment_table(period, "rep").set_index("rep")
    for _, row in b.iterrows():
        assert row["attainment"] == pytest.approx(att.loc[row["member"], "attainment"])


def test_rep_detail_flags_and_monthly_targets(samples: list[Table]) -> None:
    period = parse_period("2025")
    b = team.leaderboard(Engine(samples), period)
    worst_cycle = b.sort_values("sales_cycle_days").iloc[-1]["member"]
    d = team.rep_detail(b, worst_cycle, Engine(samples), lang="en")
    cycle = d.kpis.set_index("kpi").loc["sales_cycle_days"]
    # the longest cycle of 7 reps is the worst (shorter is better): percentile 0, needs help
    assert cycle["percentile"] == 0 and cycle["flag"] == "help"
    assert cycle["label"] == "Sales cycle length"
    assert len(d.monthly) == 24 and d.monthly["target"].notna().all()
    jan = d.monthly.iloc[12]
    eng = Engine(samples, {"rep": [worst_cycle]})
    assert jan["revenue"] == pytest.approx(eng.value("revenue", "2025-01").value)
    assert jan["target"] == pytest.approx(eng.target_total("2025-01"))
    assert team.rep_detail(b, "Nobody", Engine(samples)) is None


def test_by_team_and_empty_filter(samples: list[Table]) -> None:
    b = team.leaderboard(Engine(samples), parse_period("2025"), "team")
    assert set(b["member"]) == {"Grands Comptes", "Nord", "Sud"}
    empty = team.leaderboard(
        Engine(samples, {"rep": ["Hélène Marchetti"], "team": ["Sud"]}), parse_period("2025")
    )
    # the rep filter keeps one rep; her values within team Sud are empty, never NaN text
    assert len(empty) == 1 and np.isnan(empty["revenue"].iloc[0])
    assert team.leaderboard(Engine([]), parse_period("2025")).empty
