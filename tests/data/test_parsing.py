"""Numbers and dates as people type them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from kpi.data import parsing


def _nums(values: list[str | None], decimal: str) -> list[float | None]:
    out, _, _ = parsing.parse_numbers(pa.array(values, pa.string()), decimal)
    return out.to_pylist()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,50", 1234.5),
        ("1\u00a0234,50 €", 1234.5),  # no-break space
        ("1\u202f234,50", 1234.5),  # narrow no-break space (Excel FR)
        ("1.234.567,89", 1234567.89),
        ("-12,5", -12.5),
        ("(12,00)", -12.0),  # accounting negative
        ("12,00-", -12.0),
        ("\u22123,5", -3.5),  # unicode minus
        ("3", 3.0),
        ("12,5 %", 0.125),
        ("EUR 10,10", 10.1),
    ],
)
def test_decimal_comma(text: str, expected: float) -> None:
    assert _nums([text], ",") == [pytest.approx(expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.50", 1234.5),
        ("$1,234.50", 1234.5),
        ("1'234.50", 1234.5),  # Swiss apostrophe
        ("-0.5", -0.5),
        ("1e3", 1000.0),
        ("£ 7.25", 7.25),
    ],
)
def test_decimal_point(text: str, expected: float) -> None:
    assert _nums([text], ".") == [pytest.approx(expected)]


def test_missing_tokens_are_missing_not_unparseable() -> None:
    values, fmt, _ = parsing.parse_numbers(pa.array(["N/A", "-", "", None, "12"]), ".")
    assert values.to_pylist() == [None, None, None, None, 12.0]
    assert fmt.unparseable == 0


def test_unparseable_values_are_counted_with_examples() -> None:
    values, fmt, _ = parsing.parse_numbers(pa.array(["12", "gratuit", "13", "voir note"]), ".")
    assert values.to_pylist() == [12.0, None, 13.0, None]
    assert fmt.unparseable == 2
    assert set(fmt.examples) == {"gratuit", "voir note"}


def test_dot_in_decimal_comma_file_is_a_thousands_separator() -> None:
    # "1.234" in a French file means one thousand two hundred thirty-four
    assert _nums(["1.234", "2,5"], ",") == [1234.0, 2.5]
    # but "1.5" cannot be a thousands group: it is unreadable, not silently 15
    values, fmt, _ = parsing.parse_numbers(pa.array(["1.5", "2,5"]), ",")
    assert values.to_pylist() == [None, 2.5] and fmt.unparseable == 1


def test_currency_is_detected() -> None:
    _, fmt, _ = parsing.parse_numbers(pa.array(["1 234,50 €", "12 €"]), ",")
    assert fmt.currency == "EUR"


def test_decimal_votes() -> None:
    assert parsing.decimal_votes(pa.array(["1 234,50", "3,5", "1,234"])) == (2, 0)
    assert parsing.decimal_votes(pa.array(["1,234.50", "3.25", "1.234"])) == (0, 2)


def test_identifiers_are_not_numbers() -> None:
    share, _, ident = parsing.numeric_share(pa.array(["00123", "00456", "01000"]), ".")
    assert ident
    share, _, ident = parsing.numeric_share(pa.array(["536365", "C536379", "536366"]), ".")
    assert ident


def _dates(values: list[str], order: str) -> list[str | None]:
    guess = parsing.guess_date_family(values)
    assert guess is not None
    out, bad, _ = parsing.parse_dates(pa.array(values), parsing.date_formats(guess, order))
    return [None if v is None else v.strftime("%Y-%m-%d %H:%M") for v in out.to_pylist()]


def test_day_first_two_digit_years() -> None:
    guess = parsing.guess_date_family(["03/01/19", "30/12/22"])
    assert guess.first_gt_12 == 1 and guess.second_gt_12 == 0
    assert _dates(["03/01/19", "30/12/22"], "dmy") == ["2019-01-03 00:00", "2022-12-30 00:00"]


def test_month_first_with_time() -> None:
    assert _dates(["2/24/2003 0:00", "12/1/2010 8:26"], "mdy") == [
        "2003-02-24 00:00",
        "2010-12-01 08:26",
    ]


def test_iso_and_datetimes() -> None:
    assert _dates(["2024-01-31", "2024-02-01T10:30:00", "2024-03-01 08:00"], "dmy") == [
        "2024-01-31 00:00",
        "2024-02-01 10:30",
        "2024-03-01 08:00",
    ]


def test_months() -> None:
    assert _dates(["2024-01", "2024-12"], "dmy") == ["2024-01-01 00:00", "2024-12-01 00:00"]
    assert _dates(["01/2024", "12/2024"], "dmy") == ["2024-01-01 00:00", "2024-12-01 00:00"]


def test_mixed_formats_in_one_column_keep_the_order() -> None:
    values = ["31/01/2024", "2024-02-15", "15.03.2024"]
    guess = parsing.guess_date_family(values[:1] + values[2:])
    formats = parsing.date_formats(guess, "dmy") + ["%d.%m.%Y"]
    out, bad, _ = parsing.parse_dates(pa.array(values), formats)
    assert [v.strftime("%Y-%m-%d") for v in out.to_pylist()] == [
        "2024-01-31",
        "2024-02-15",
        "2024-03-15",
    ]
    assert bad == 0


def test_impossible_dates_are_counted() -> None:
    out, bad, examples = parsing.parse_dates(pa.array(["31/02/2024", "01/03/2024"]), ["%d/%m/%Y"])
    assert out.to_pylist()[0] is None and bad == 1 and examples == ["31/02/2024"]


def test_excel_serials() -> None:
    out = parsing.excel_serial_to_datetime(np.array([45292.0, 45292.5, np.nan]))
    assert str(out[0])[:10] == "2024-01-01"
    assert str(out[1])[:16] == "2024-01-01T12:00"
    assert np.isnat(out[2])


@pytest.mark.parametrize("odd", [None, "31/02/2024", "le 3 mars"])
def test_long_date_column_read_once_per_distinct_value_same_result(odd: str | None) -> None:
    # ≥ 100,000 values with few distinct ones are parsed once per distinct text; an
    # unreadable or impossible date anywhere still counts and shows as in a short column
    days = [f"{d:02d}/{m:02d}/2024" for m in (1, 2, 3) for d in range(1, 29)]
    values: list[str | None] = [days[i % len(days)] for i in range(120_000)]
    values[7] = None
    if odd is not None:
        values[90_001] = odd
    out, bad, examples = parsing.parse_dates(pa.array(values), ["%d/%m/%Y"])
    got = out.to_pylist()
    assert got[0] == dt.datetime(2024, 1, 1) and got[29] == dt.datetime(2024, 2, 2)
    assert got[119_999] == dt.datetime(2024, 2, 20)  # 119,999 % 84 = 47: February's 20th
    assert got[7] is None
    assert bad == (odd is not None) and examples == ([odd] if odd else [])
    assert out.null_count == 1 + (odd is not None)


def test_no_break_space_thousands_read_as_the_general_path_reads_them() -> None:
    nbsp = "\u00a0"
    values = [f"3{nbsp}957,09", None, "12,5", f"1{nbsp}000{nbsp}000", f"{nbsp}7{nbsp}"]
    out, fmt, ok = parsing.parse_numbers(pa.array(values), ",")
    assert out.to_pylist() == [3957.09, None, 12.5, 1_000_000.0, 7.0]
    assert fmt.unparseable == 0 and not fmt.percent and fmt.currency is None
    assert ok.to_pylist() == [True, False, True, True, True]
    dotted, fmt, _ = parsing.parse_numbers(pa.array([f"2{nbsp}500.75", "3"]), ".")
    assert dotted.to_pylist() == [2500.75, 3.0] and fmt.unparseable == 0
    # anything else goes the general way: counted and shown, a lone space is a missing value
    odd, fmt, _ = parsing.parse_numbers(pa.array([f"3{nbsp}957,09", ",5", nbsp, "5,"]), ",")
    assert odd.to_pylist() == [3957.09, None, None, None]
    assert fmt.unparseable == 2 and fmt.examples == [",5", "5,"]
    euros, fmt, _ = parsing.parse_numbers(pa.array([f"3{nbsp}957,09{nbsp}€", "-1,5"]), ",")
    assert euros.to_pylist() == [3957.09, -1.5] and fmt.currency == "EUR"
