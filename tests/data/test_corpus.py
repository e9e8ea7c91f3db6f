"""Every file of the bad-input corpus gets its clear message (or loads), never a crash."""

from __future__ import annotations

import pytest

from kpi.data import load_table
from kpi.errors import PiloteError
from kpi.settings import Limits
from tests.corpus import cases

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case) -> None:  # noqa: ANN001
    if case.error is not None:
        with pytest.raises(PiloteError) as err:
            load_table(case.data, case.name, limits=case.limits or Limits())
        assert err.value.key == case.error
        for lang in ("fr", "en"):
            text = err.value.message(lang)
            assert len(text) > 20 and "{" not in text
        return
    try:
        table = load_table(case.data, case.name, limits=case.limits or Limits())
    except PiloteError as exc:  # an unreadable file may be refused, but only with a message
        assert case.rows is None, exc.message("en")
        return
    if case.rows is not None:
        assert len(table.df) == case.rows


def test_mixed_date_formats_keep_every_row_readable() -> None:
    case = next(c for c in CASES if c.name == "dates_trois_formats.csv")
    df = load_table(case.data, case.name).df
    assert df["Date"].notna().sum() == 4
    assert [d.strftime("%Y-%m-%d") for d in df["Date"]] == [
        "2024-01-31",
        "2024-02-15",
        "2024-03-15",
        "2024-04-01",
    ]


def test_amounts_with_text_are_counted_not_guessed() -> None:
    case = next(c for c in CASES if c.name == "montants_avec_texte.csv")
    table = load_table(case.data, case.name)
    # 2 of 4 values are words: far below the 98 % bar, so the column stays text, every value
    # kept as typed, nothing invented
    assert table.report.column_info["Montant"].type == "text"
    assert table.df["Montant"].tolist() == ["10", "gratuit", "1 234,5 €", "voir note"]
    # one word among many numbers: a number column, the word counted as unreadable
    many = "Client;Montant\n" + "".join(f"C{i};{i},5\n" for i in range(99)) + "X;gratuit\n"
    table = load_table(many.encode(), "m.csv")
    info = table.report.column_info["Montant"]
    assert info.type == "number" and info.unparseable == 1 and info.examples == ["gratuit"]


def test_mixed_encodings_are_read_with_replacement_counted() -> None:
    case = next(c for c in CASES if c.name == "encodages_melanges.csv")
    table = load_table(case.data, case.name)
    assert table.df["Client"].iloc[0] == "Élodie"
