"""Control characters: the hazard (vl-convert aborts the process), their removal from text
columns (counted), and escaping for each output format."""

from __future__ import annotations

import signal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from kpi.data import worker
from kpi.data.sanitize import (
    clean_array,
    clean_arrays,
    clean_frame,
    clean_names,
    clean_table,
    clean_text,
    escape_for,
    has_control,
)
from kpi.errors import PiloteError
from tests import bombs

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
HAZARDS = ["Nord\x0bEst", "Sud\x01", "Centre\ufffe", "Ouest\x1b[31m"]


# ---------------------------------------------------------------------------------------------
# The hazard, proved in child processes


@pytest.mark.parametrize("label", HAZARDS + ["Nul\x00", "Fin\uffff"])
def test_vl_convert_aborts_the_whole_process_on_a_control_character(label: str) -> None:
    code = f"""
from tests import bombs
bombs.job_rust_panic({label!r})
print('{{"survived": true}}')
"""
    out = bombs.run_fenced(code, memory_mb=2000, cpu_seconds=60)
    assert out["returncode"] == -signal.SIGABRT, out["stderr"][-500:]
    assert "survived" not in out
    assert "NonXmlChar" in out["stderr"]


def test_in_the_worker_the_abort_is_a_message_and_clean_labels_render() -> None:
    budget = worker.budget_for(0, "render")
    with pytest.raises(PiloteError) as info:
        worker.run(bombs.job_rust_panic, "Nord\x0bEst", budget=budget, name="graphique")
    assert info.value.key == "worker.crashed"
    svg = worker.run(bombs.job_rust_panic, escape_for("vega", "Nord\x0bEst"), budget=budget)
    assert "NordEst" in svg
    # vl-convert escapes the XML itself: a label is data, not markup
    svg = worker.run(bombs.job_rust_panic, "R&D <Sud>", budget=budget)
    assert "R&amp;D &lt;Sud&gt;" in svg


def test_render_svgs_keeps_the_good_charts_when_one_aborts() -> None:
    def spec(label: str) -> dict:
        return {
            "data": {"values": [{"label": label, "value": 1}]},
            "mark": "bar",
            "encoding": {
                "y": {"field": "label", "type": "nominal"},
                "x": {"field": "value", "type": "quantitative"},
            },
        }

    out = worker.render_svgs([spec("Nord"), spec("Sud\x01"), spec("Est")])
    assert out[1] is None
    assert "Nord" in out[0] and "Est" in out[2]
    assert worker.render_svgs([]) == []


# ---------------------------------------------------------------------------------------------
# Removal


def test_clean_text_by_hand() -> None:
    assert clean_text("Nord\x0bEst") == "NordEst"
    assert clean_text("a\x00b\x1fc\x7fd\x85e\x9ff\ufffeg\uffffh") == "abcdefgh"
    assert clean_text("lone \ud800 surrogate") == "lone  surrogate"
    # kept: tab, line breaks, other noncharacters, format characters, ordinary text
    kept = "a\tb\nc\rd \ufdd0 \U0001fffe \u200b \u202e Île-de-France € ’"
    assert clean_text(kept) == kept
    assert not has_control(kept) and has_control("x\x01")


def test_clean_array_counts_cells_not_characters() -> None:
    arr = pa.array(["Nord\x0b\x0bEst", None, "Sud", "\x01\x02", "Centre\ufffe", "É\x85"])
    cleaned, n = clean_array(arr)
    assert n == 4
    assert cleaned.to_pylist() == ["NordEst", None, "Sud", "", "Centre", "É"]
    clean = pa.array(["Nord", "Île-de-France", "€ 12", None])
    same, n = clean_array(clean)
    assert n == 0 and same is clean  # nothing to do: the same array, no copy
    numbers = pa.array([1.0, 2.0])
    assert clean_array(numbers) == (numbers, 0)


@pytest.mark.parametrize(
    "hazard", ["\x01", "\x1f", "\x7f", "\x80", "\x85", "\x9f", "\ufffe", "\uffff"]
)
@pytest.mark.parametrize("around", ["ascii", "accents", "no-break spaces"])
def test_clean_array_finds_one_control_character_among_many_cells(hazard: str, around: str) -> None:
    # the column's byte scan (smallest/largest byte, then C1 and U+FFFE/FFFF lead pairs)
    # must not skip a lone control character, whatever the other cells' bytes are
    cell = {"ascii": "C{:05d}", "accents": "Île {}", "no-break spaces": "3\xa0957,{}"}[around]
    values = [cell.format(i) for i in range(5000)]
    values[3217] = f"x{hazard}y"
    cleaned, n = clean_array(pa.array(values, pa.large_string()))
    assert n == 1 and cleaned[3217].as_py() == "xy"
    # allowed neighbours: tab, line break, U+FFFD (EF BF BD), U+00A0…U+00BF (C2 A0..BF), €
    values[3217] = "a\tb\nc\ufffd\xa0\xbf€"
    same, n = clean_array(pa.array(values))
    assert n == 0


def test_clean_array_of_slices_chunks_and_dictionaries() -> None:
    arr = pa.array(["a\x01", "b", "c\x02", "d"])
    assert clean_array(arr.slice(1, 1)) == (arr.slice(1, 1), 0)  # the suspicious bytes are out
    assert clean_array(arr.slice(2, 2))[1] == 1
    chunked = pa.chunked_array([arr.slice(0, 2), pa.array(["e\x03"])])
    cleaned, n = clean_array(chunked)
    assert (cleaned.to_pylist(), n) == (["a", "b", "e"], 2)
    dictionary = pa.array(["x\x01", "y", "x\x01", "y"]).dictionary_encode()
    cleaned, n = clean_array(dictionary)
    assert (cleaned.to_pylist(), n) == (["x", "y", "x", "y"], 2)
    large = pa.array(["z\x1f"], pa.large_string())
    assert clean_array(large)[0].to_pylist() == ["z"]


@pytest.mark.parametrize("lead", ["\u00c2", "\u00ef\u00bf", "\uffbe", "\uefbf"])
def test_lead_bytes_alone_are_not_control_characters(lead: str) -> None:
    # characters whose UTF-8 starts like C1 or U+FFFE but are ordinary letters
    arr = pa.array([f"a{lead}b", "Â€", "ï¿½"])
    assert clean_array(arr)[1] == 0


def test_clean_frame_returns_a_new_frame_and_counts() -> None:
    df = pd.DataFrame(
        {
            "Région": pd.Series(["Nord\x0bEst", "Sud", None], dtype=TEXT),
            "Montant": [1.0, 2.0, np.nan],
            "Note": pd.Series(["ok", "a\x01", 3], dtype=object),
            "Catégorie": pd.Categorical(["A\x02", "B", "A\x02"]),
        }
    )
    before = df.copy()
    out, counts = clean_frame(df)
    pd.testing.assert_frame_equal(df, before)  # the caller's frame is untouched
    assert counts == {"Région": 1, "Note": 1, "Catégorie": 2}
    assert out["Région"].tolist()[:2] == ["NordEst", "Sud"] and pd.isna(out["Région"][2])
    assert out["Région"].dtype == TEXT
    assert out["Note"].tolist() == ["ok", "a", 3]
    assert out["Catégorie"].tolist() == ["A", "B", "A"]
    assert out["Montant"].equals(df["Montant"])
    numbers = df[["Montant"]]
    same, counts = clean_frame(numbers)
    assert counts == {} and same is numbers  # nothing to clean: no copy


def test_clean_table_and_arrays() -> None:
    table = pa.table({"a": ["x\x01", "y"], "b": [1, 2]})
    out, counts = clean_table(table)
    assert (out.column("a").to_pylist(), counts) == (["x", "y"], {"a": 1})
    assert out.schema == table.schema
    arrays, counts = clean_arrays({"a": pa.array(["\x0b"]), "b": pa.array(["ok"])})
    assert (arrays["a"].to_pylist(), counts) == ([""], {"a": 1})


def test_clean_names_stay_unique() -> None:
    names, changed = clean_names(["Montant", "Montant\x0b", "Région\x01", "Date"])
    assert names == ["Montant", "Montant (2)", "Région", "Date"]
    assert changed == 2


def test_a_million_cells_are_cleaned_fast_enough() -> None:
    # Not a timing test (bench/bench_worker.py times it): checks the result at scale.
    values = np.array(["Nord", "Sud", "Île-de-France", "Chloé"] * 250_000, dtype=object)
    values[::1000] = "Est\x0b"
    cleaned, n = clean_array(pa.array(values))
    assert n == 1000
    assert cleaned.to_pylist()[0] == "Est" and cleaned.to_pylist()[1] == "Sud"


# ---------------------------------------------------------------------------------------------
# Escaping


@pytest.mark.parametrize(
    ("target", "text", "expected"),
    [
        ("text", "Nord\x0bEst", "NordEst"),
        ("vega", "R&D <Sud>\x01", "R&D <Sud>"),
        ("svg", "R&D <Sud> \"q\" 'a'\x1b", "R&amp;D &lt;Sud&gt; &quot;q&quot; &apos;a&apos;"),
        ("xml", "a\ufffe<b>", "a&lt;b&gt;"),
        ("html", "<img src=x onerror=alert(1)>\x00", "&lt;img src=x onerror=alert(1)&gt;"),
        ("html", 'l\'été & "moi"', "l&#x27;été &amp; &quot;moi&quot;"),
        ("excel", '=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("excel", "-5 €", "'-5 €"),
        ("excel", "@SUM(A1)\x01", "'@SUM(A1)"),
        ("excel", "\tNord", "'\tNord"),
        ("excel", "Nord", "Nord"),
        ("text", None, ""),
        ("html", 12.5, "12.5"),
    ],
)
def test_escape_for(target: str, text: object, expected: str) -> None:
    assert escape_for(target, text) == expected


def test_escape_for_excel_cuts_at_the_cell_limit() -> None:
    assert len(escape_for("excel", "x" * 40_000)) == 32_767
    with pytest.raises(ValueError, match="markdown"):
        escape_for("markdown", "x")
