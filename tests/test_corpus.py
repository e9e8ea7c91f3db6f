"""Every file of the bad-input corpus gets its clear message (or loads), never a crash."""

from __future__ import annotations

import pytest

from kpi.errors import PiloteError
from kpi.loading import load_table
from tests.corpus import cases

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case) -> None:  # noqa: ANN001
    if case.error is not None:
        with pytest.raises(PiloteError) as err:
            load_table(case.data, case.name)
        assert err.value.key == case.error
        for lang in ("fr", "en"):
            text = err.value.message(lang)
            assert len(text) > 20 and "{" not in text
        return
    try:
        table = load_table(case.data, case.name)
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
    info = table.report.column_info["Montant"]
    # 2 of 4 values are text: below the 98 % bar, the column stays text and nothing is invented
    assert info.type in ("text", "number")
    if info.type == "number":
        assert info.unparseable == 2


def test_mixed_encodings_are_read_with_replacement_counted() -> None:
    case = next(c for c in CASES if c.name == "encodages_melanges.csv")
    table = load_table(case.data, case.name)
    assert table.df["Client"].iloc[0] == "Élodie"
