"""CSV and Excel downloads: spreadsheet-friendly, and formulas never run."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from kpi.share import FORMULA_PREFIXES, neutralise, safe_sheet_name, to_csv_bytes, to_excel_bytes

EVIL = ['=HYPERLINK("http://x")', "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "Nord"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "segment": EVIL,
            "value": [1234.5, -5.0, 0.25, np.nan, 1.0, 2.0, 3.0],
            "=header": ["a"] * 7,
        }
    )


def test_neutralise_prefixes_text_only() -> None:
    out = neutralise(_frame())
    for raw, safe in zip(EVIL, out["segment"], strict=True):
        if raw.startswith(FORMULA_PREFIXES):
            assert safe == "'" + raw
        else:
            assert safe == raw
    # numbers stay numbers, negative ones included
    assert out["value"].iloc[1] == -5.0
    assert "'=header" in out.columns
    # the caller's frame is untouched
    assert _frame()["segment"].iloc[0].startswith("=")


def test_csv_french_and_english() -> None:
    fr = to_csv_bytes(_frame(), "fr")
    assert fr.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    text = fr.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "segment;value;'=header"
    # quoted by the CSV writer because of the inner quotes; still starts with '
    assert lines[1].startswith("\"'=HYPERLINK(") and lines[1].endswith(";1234,5;a")
    assert ";-5,0;" in lines[2]  # a negative number is not neutralised
    en = to_csv_bytes(_frame(), "en").decode("utf-8-sig")
    assert en.splitlines()[0] == "segment,value,'=header"
    assert ",1234.5," in en.splitlines()[1]
    back = pd.read_csv(io.BytesIO(fr), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["value"].iloc[0] == 1234.5
    assert all(not str(v).startswith(("=", "+", "@")) for v in back["segment"])


def test_excel_has_no_formula_and_keeps_numbers() -> None:
    data = to_excel_bytes(_frame(), "Sheet: with/bad*chars?")
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws.title == "Sheet  with bad chars"
    cells = [c for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    values = [ws.cell(row=r, column=1).value for r in range(2, 9)]
    assert values[0] == '\'=HYPERLINK("http://x")'
    assert values[3] == "'@SUM(A1)"
    assert values[6] == "Nord"
    assert ws.cell(row=2, column=2).value == 1234.5
    assert ws.cell(row=3, column=2).value == -5
    assert ws.cell(row=5, column=2).value is None  # NaN → empty cell
    assert ws.cell(row=1, column=3).value == "'=header"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Revenue", "Revenue"), ("", "Data"), ("x" * 40, "x" * 31), ("a[b]", "a b")],
)
def test_sheet_names(name: str, expected: str) -> None:
    assert safe_sheet_name(name) == expected
