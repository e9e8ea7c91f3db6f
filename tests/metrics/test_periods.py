"""Periods: parsing, comparisons, masks and elapsed share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.errors import PiloteError
from kpi.metrics import (
    ALL,
    Period,
    filter_period,
    parse_period,
    period_codes,
    period_from_code,
    period_mask,
    periods_between,
)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2024", "year", "2024-01-01", "2025-01-01"),
        ("2024-Q1", "quarter", "2024-01-01", "2024-04-01"),
        ("2024-q4", "quarter", "2024-10-01", "2025-01-01"),
        ("2024-T2", "quarter", "2024-04-01", "2024-07-01"),
        ("2024-03", "month", "2024-03-01", "2024-04-01"),
        ("2024-3", "month", "2024-03-01", "2024-04-01"),
        ("2024-01-15..2024-02-14", "range", "2024-01-15", "2024-02-15"),
    ],
)
def test_parse_period_forms(text: str, kind: str, start: str, end: str) -> None:
    p = parse_period(text)
    assert p.kind == kind
    assert p.start == pd.Timestamp(start)
    assert p.end == pd.Timestamp(end)
    assert parse_period(p.key) == p  # the key reads back


@pytest.mark.parametrize("text", ["all", "ALL", "", None, "tout"])
def test_parse_period_all(text: str | None) -> None:
    assert parse_period(text) is ALL
    assert ALL.previous() is None and ALL.last_year() is None


@pytest.mark.parametrize("text", ["2024-13", "2024-Q5", "24", "March", "2024-02-30..2024-03-01"])
def test_parse_period_invalid_lists_valid_forms(text: str) -> None:
    with pytest.raises(PiloteError) as err:
        parse_period(text)
    assert "all, 2024, 2024-Q1, 2024-03" in str(err.value)
    assert "2024-T1" in err.value.message("fr")


def test_empty_range_is_an_error() -> None:
    with pytest.raises(PiloteError):
        parse_period("2024-03-01..2024-02-01")


def test_previous_and_last_year() -> None:
    assert parse_period("2024-01").previous() == parse_period("2023-12")
    assert parse_period("2024-Q1").previous() == parse_period("2023-Q4")
    assert parse_period("2024").previous() == parse_period("2023")
    assert parse_period("2024-03").last_year() == parse_period("2023-03")
    # A 10-day range: the 10 days before; last year: shifted 12 months.
    r = parse_period("2024-03-11..2024-03-20")
    assert r.previous() == parse_period("2024-03-01..2024-03-10")
    assert r.last_year() == parse_period("2023-03-11..2023-03-20")


def test_elapsed_share() -> None:
    feb = parse_period("2024-02")  # 29 days (leap year)
    assert feb.elapsed_share("2024-02-14") == pytest.approx(14 / 29)
    assert feb.elapsed_share("2024-02-14 17:30") == pytest.approx(14 / 29)  # whole day counts
    assert feb.elapsed_share("2024-03-05") == 1.0
    assert feb.elapsed_share("2024-01-31") == 0.0
    assert ALL.elapsed_share("2024-01-01") == 1.0


def test_masks_and_filter_period() -> None:
    df = pd.DataFrame(
        {
            "d": pd.to_datetime(["2024-02-29 23:59", "2024-03-01 00:00", None, "2024-03-31 12:00"]),
            "x": [1, 2, 3, 4],
        }
    )
    march = parse_period("2024-03")
    assert period_mask(df["d"], march).tolist() == [False, True, False, True]
    assert period_mask(df["d"], ALL).tolist() == [True] * 4  # missing dates are in "all"
    out = filter_period(df, "d", "2024-03")
    assert out["x"].tolist() == [2, 4]
    assert len(df) == 4  # the caller's frame is untouched


def test_periods_between_and_codes() -> None:
    months = periods_between("2023-11-15", "2024-02-01", "month")
    assert [p.key for p in months] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    quarters = periods_between("2023-11-15", "2024-04-01", "quarter")
    assert [p.key for p in quarters] == ["2023-Q4", "2024-Q1", "2024-Q2"]
    dates = pd.Series(pd.to_datetime(["2024-03-05", None, "2024-12-31"]))
    codes = period_codes(dates, "month")
    assert codes[1] == -1
    assert period_from_code(int(codes[0]), "month") == parse_period("2024-03")
    assert codes[2] - codes[0] == 9
    q = period_codes(np.array(["2024-05-01"], dtype="datetime64[ns]"), "quarter")
    assert period_from_code(int(q[0]), "quarter") == parse_period("2024-Q2")


def test_labels() -> None:
    assert parse_period("2024-03").label("fr") == "mars 2024"
    assert parse_period("2024-03").label("en") == "March 2024"
    assert parse_period("2024-Q1").label("fr") == "T1 2024"
    assert parse_period("2024-Q1").label("en") == "Q1 2024"
    assert ALL.label("fr") == "Toutes les données"
    assert Period.containing("2024-05-17", "year") == parse_period("2024")


def test_month_and_quarter_bounds_across_the_year_end() -> None:
    dec = Period.month(2024, 12)
    assert (dec.start, dec.end) == (pd.Timestamp("2024-12-01"), pd.Timestamp("2025-01-01"))
    assert Period.month(2025, 1).start == dec.end and Period.month(2024, 12) is dec  # one object
    q4 = Period.quarter(2024, 4)
    assert (q4.start, q4.end) == (pd.Timestamp("2024-10-01"), pd.Timestamp("2025-01-01"))
    assert Period.quarter(2024, 2).end == pd.Timestamp("2024-07-01")
    assert Period.month(2024, 2).end - Period.month(2024, 2).start == pd.Timedelta(days=29)
    with pytest.raises(ValueError):
        Period.month(2024, 13)
