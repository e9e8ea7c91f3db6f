"""A large .xlsx sheet is read in two halves at once: the table must be the sheet read whole.

The halves are made by :class:`kpi.data.workbook._SheetSplitter` from the bytes the zip check
inflates; ``SPLIT_BYTES`` is lowered here so that sheets of a few thousand rows are split.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from typing import Any

import openpyxl
import pandas as pd
import pytest

from kpi.data import workbook
from kpi.data.loading import load_bytes
from kpi.errors import PiloteError
from kpi.settings import Limits
from tests import bombs
from tests.workbooks import xlsx

ROWS = 3000


def _rows(n: int = ROWS) -> list[list[Any]]:
    header = ["Date", "Client", "Montant", "Quantité", "Statut", "Note"]
    rows: list[list[Any]] = [header]
    for i in range(n):
        rows.append(
            [
                dt.datetime(2024, 1, 1) + dt.timedelta(days=i % 366),
                f"Client é{i % 97:03d}",
                round(i * 1.25, 2),
                i % 7,
                "Livrée" if i % 4 else "Annulée",
                "à rappeler" if i % 500 == 3 else None,
            ]
        )
    return rows


def _openpyxl(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ventes"
    for row in rows:
        ws.append(row)
    for cell in ws["A"][1:]:
        cell.number_format = "dd/mm/yyyy"
    wb.create_sheet("Notes").append(["une note"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def halves(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Split every .xlsx sheet; record whether each read in halves gave the table."""
    monkeypatch.setattr(workbook, "SPLIT_BYTES", 0)
    monkeypatch.setattr(workbook, "_KEEP_AHEAD", 256)
    used: list[bool] = []
    real = workbook._read_halves

    def spy(*args: Any, **kwargs: Any) -> Any:
        batch = real(*args, **kwargs)
        used.append(batch is not None)
        return batch

    monkeypatch.setattr(workbook, "_read_halves", spy)
    return used


def _whole(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[pd.DataFrame, dict]:
    with monkeypatch.context() as m:
        m.setattr(workbook, "SPLIT_BYTES", 1 << 60)
        df, report = load_bytes(data, "ventes.xlsx")
    return df, _report(report)


def _report(report: Any) -> dict:
    out = dict(vars(report))
    out.pop("seconds")
    return out


@pytest.mark.parametrize("writer", ["shared strings", "inline strings", "openpyxl"])
def test_a_sheet_read_in_halves_is_the_sheet_read_whole(
    writer: str, halves: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _rows()
    if writer == "openpyxl":
        data = _openpyxl(rows)
    else:
        data = xlsx(rows, first_sheet="Ventes", constant_memory=writer == "inline strings")
    df, report = load_bytes(data, "ventes.xlsx")
    assert halves == [True]
    whole_df, whole_report = _whole(data, monkeypatch)
    pd.testing.assert_frame_equal(df, whole_df, check_exact=True)
    assert _report(report) == whole_report
    # by hand: every row, in order, typed
    assert len(df) == ROWS and report.header_row == 1
    assert list(df.columns) == rows[0]
    assert df["Montant"].sum() == pytest.approx(sum(r[2] for r in rows[1:]))
    assert df["Montant"].iloc[[0, 1499, 1500, -1]].tolist() == [0.0, 1873.75, 1875.0, 3748.75]
    assert df["Date"].iloc[-1] == pd.Timestamp(2024, 1, 1) + pd.Timedelta(days=(ROWS - 1) % 366)
    assert df["Note"].notna().sum() == len([r for r in rows[1:] if r[5]])
    assert df["Client"].iloc[2999] == "Client é089"


def test_halves_that_disagree_give_way_to_the_whole_sheet(
    halves: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second half's first rows read as text where the first half's are numbers: each
    # half would guess its own type, so the sheet is read whole (as it always was).
    rows = _rows()
    for r in rows[1400:]:
        r[3] = f"lot {r[3]}"
    data = xlsx(rows, first_sheet="Ventes", constant_memory=False)
    df, report = load_bytes(data, "ventes.xlsx")
    assert halves == [False]
    whole_df, whole_report = _whole(data, monkeypatch)
    pd.testing.assert_frame_equal(df, whole_df, check_exact=True)
    assert _report(report) == whole_report
    assert len(df) == ROWS


def test_a_gap_above_the_split_row_gives_way_to_the_whole_sheet(
    halves: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every other row empty: whatever row the split falls on, the row above it is empty, and
    # the first half alone would end one row early. Blank rows are counted as before.
    rows = _rows(2400)
    spaced = [rows[0]]
    for r in rows[1:]:
        spaced += [r, [None] * len(r)]
    data = xlsx(spaced[:-1], first_sheet="Ventes", constant_memory=True)
    df, report = load_bytes(data, "ventes.xlsx")
    assert halves == [False]
    whole_df, whole_report = _whole(data, monkeypatch)
    pd.testing.assert_frame_equal(df, whole_df, check_exact=True)
    assert _report(report) == whole_report
    assert len(df) == 2400


def test_a_title_block_is_found_as_before(
    halves: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["Export des ventes"], ["Période : 2024"], [], *_rows()]
    data = xlsx(rows, first_sheet="Ventes", constant_memory=False)
    df, report = load_bytes(data, "ventes.xlsx")
    whole_df, whole_report = _whole(data, monkeypatch)
    pd.testing.assert_frame_equal(df, whole_df, check_exact=True)
    assert _report(report) == whole_report
    assert report.header_row == 4 and len(df) == ROWS


def test_a_refused_workbook_leaves_no_temporary_file(
    halves: list[bool], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    buf = io.BytesIO()
    bombs.workbook(buf, bombs.sheet_rows(300_000))
    with pytest.raises(PiloteError) as info:
        load_bytes(buf.getvalue(), "x.xlsx", limits=Limits(max_rows=1000))
    assert info.value.key == "zipguard.too_many_rows"
    assert os.listdir(tmp_path) == []
    df, _ = load_bytes(xlsx(_rows(), first_sheet="Ventes", constant_memory=True), "ventes.xlsx")
    assert len(df) == ROWS and halves == [True]
    assert os.listdir(tmp_path) == []


def test_no_room_for_the_halves_reads_the_sheet_whole(
    halves: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = xlsx(_rows(), first_sheet="Ventes", constant_memory=True)
    whole_df, whole_report = _whole(data, monkeypatch)

    def full(self: Any, *args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook._SheetSplitter, "_first", full)
    df, report = load_bytes(data, "ventes.xlsx")
    assert halves == []  # never split: read whole
    pd.testing.assert_frame_equal(df, whole_df, check_exact=True)
    assert _report(report) == whole_report

    def broken(self: Any, *args: Any) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(workbook._SheetSplitter, "__init__", broken)
    df, report = load_bytes(data, "ventes.xlsx")
    assert halves == []
    pd.testing.assert_frame_equal(df, whole_df, check_exact=True)


def test_an_xlsx_is_listed_and_read_without_python_calamine(monkeypatch) -> None:  # noqa: ANN001
    # Its sheets come from its workbook part: opening python-calamine as well would parse the
    # shared strings a second time (fastexcel reads the sheet).
    data = xlsx(_rows(50), {"Notes": [["Note"], ["à voir"]]}, first_sheet="Ventes")
    expected, expected_report = load_bytes(data, "ventes.xlsx")

    def refused(_data: bytes) -> None:
        raise AssertionError("python-calamine opened")

    monkeypatch.setattr(workbook, "_calamine", refused)
    df, report = load_bytes(data, "ventes.xlsx")
    pd.testing.assert_frame_equal(df, expected)
    assert report.sheets == expected_report.sheets == ["Ventes", "Notes"]
    assert report.sheet == "Ventes"
    assert load_bytes(data, "ventes.xlsx", sheet="Notes")[0]["Note"].tolist() == ["à voir"]
    with pytest.raises(PiloteError) as info:
        load_bytes(data, "ventes.xlsx", sheet="Stock")
    assert info.value.key == "load.unknown_sheet"


def test_the_sheet_chosen_names_the_other_sheets() -> None:
    data = xlsx(_rows(50), {"Notes": [["Note"], ["à voir"]]}, first_sheet="Ventes")
    _df, report = load_bytes(data, "ventes.xlsx")
    (note,) = [w for w in report.warnings if w.key == "load.warn.sheet_chosen"]
    assert (
        note.text("fr")
        == "Feuille « Ventes » lue (le plus grand tableau). Autres feuilles : Notes."
    )
    assert note.text("en") == "Sheet 'Ventes' read (the largest table). Other sheets: Notes."
