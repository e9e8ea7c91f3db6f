"""The zip check counts what comes out of the inflater, whatever the headers claim."""

from __future__ import annotations

import io
import resource
import threading
import time
import zipfile
import zlib

import pytest

from kpi.data import zipguard
from kpi.data.zipguard import check_workbook, column_name
from kpi.errors import PiloteError
from kpi.settings import Limits
from tests import bombs, workbooks

MB = 2**20


def _key(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(PiloteError) as info:
        check_workbook(data, limits or Limits())
    return info.value.key


def _workbook(sheet, claimed: int | None = None) -> bytes:  # noqa: ANN001
    buf = io.BytesIO()
    bombs.workbook(buf, sheet, claimed_size=claimed)
    return buf.getvalue()


def test_a_real_workbook_passes_and_sizes_are_counted() -> None:
    data = workbooks.xlsx([["Client", "Montant"], ["A", 10], ["B", 2.5]])
    scan = check_workbook(data)
    real = {i.filename: i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    assert {p.name: p.unzipped for p in scan.parts} == real
    assert scan.unzipped_bytes == sum(real.values()) == scan.claimed_bytes
    sheet = next(p for p in scan.parts if p.name == "xl/worksheets/sheet1.xml")
    assert (sheet.rows, sheet.last_row) == (3, 3)


def test_an_ods_passes() -> None:
    scan = check_workbook(workbooks.ods([["Client", "Montant"], ["A", 10]]))
    assert {p.name for p in scan.parts} == {"mimetype", "META-INF/manifest.xml", "content.xml"}


def test_lying_sizes_are_counted_not_trusted() -> None:
    # The directory says 900 kB; the sheet inflates to 120 MB. The budget is 32 MB.
    buf = io.BytesIO()
    compressed, real = bombs.lying_workbook(buf, inflated_bytes=120 * MB)
    data = buf.getvalue()
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size == (
        900_000
    )
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(PiloteError) as info:
        check_workbook(data, Limits(max_unzipped_bytes=32 * MB, max_zip_ratio=1000))
    assert (info.value.key, info.value.params["limit_mb"].value) == ("zipguard.too_big", 32)
    assert time.perf_counter() - started < 10
    # stopped at the budget: a few MB of buffers, never the 120 MB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 40 * 1024
    assert real > 100 * MB and compressed < 2 * MB


def test_ratio_is_judged_on_inflated_bytes() -> None:
    buf = io.BytesIO()
    bombs.lying_workbook(buf, inflated_bytes=40 * MB)
    with pytest.raises(PiloteError) as info:
        check_workbook(buf.getvalue(), Limits(max_zip_ratio=200))
    assert info.value.key == "zipguard.bomb"
    assert info.value.params["ratio"] > 200 and info.value.params["limit"] == 200


def test_the_issue_bomb_inside_the_old_limits_is_stopped_by_the_budget() -> None:
    # Ratio 172 (under 200), honest headers: only the total budget can stop it. Scaled down
    # from the issue's 2 GB: 60 MB against a 48 MB budget.
    buf = io.BytesIO()
    compressed, real = bombs.honest_bomb(buf, 60 * MB, ratio=172)
    assert 150 < real / compressed < 200
    limits = Limits(max_unzipped_bytes=48 * MB, max_zip_ratio=200)
    assert _key(buf.getvalue(), limits) == "zipguard.too_big"
    scan = check_workbook(buf.getvalue(), Limits(max_zip_ratio=200))
    assert scan.parts[-1].unzipped == real and scan.unzipped_bytes > real


def test_overlapping_parts_are_refused_before_inflating() -> None:
    data = bombs.overlapping_zip(parts=20, kernel_bytes=5 * MB)
    # Python's own zipfile reads every part happily: 20 × 5 MB out of a few kB.
    z = zipfile.ZipFile(io.BytesIO(data))
    assert len(z.read("xl/worksheets/sheet1.xml")) > 5 * MB
    assert len(data) < 30_000
    assert _key(data) == "zipguard.overlapping"


def test_a_nested_archive_counts_as_its_stored_bytes() -> None:
    buf = io.BytesIO()
    bombs.nested_zip_workbook(buf, inner_inflated=50 * MB)
    scan = check_workbook(buf.getvalue())
    inner = next(p for p in scan.parts if p.name == "xl/embeddings/inner.zip")
    assert inner.unzipped == inner.compressed < MB


@pytest.mark.parametrize("where", [0, 5000])
def test_entity_declarations_are_refused_wherever_they_are(where: int) -> None:
    sheet = (
        b'<?xml version="1.0"?>' + b"<!-- x -->" * (where // 10) + b'<!DOCTYPE x [<!ENTITY a "b">]>'
    )
    assert _key(_workbook([sheet + b"<worksheet/>"])) == "zipguard.entities"
    assert _key(workbooks.entity_expansion()) == "zipguard.entities"


def test_rows_are_counted_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipguard, "OUT_CHUNK", 7)  # every marker gets cut somewhere
    scan = check_workbook(_workbook(bombs.numbered_rows(123, columns=3)))
    sheet = next(p for p in scan.parts if p.name == "xl/worksheets/sheet1.xml")
    assert (sheet.rows, sheet.last_row) == (123, 123)


def test_prefixed_rows_are_counted() -> None:
    scan = check_workbook(_workbook(bombs.numbered_rows(40, prefix=b"x:")))
    assert scan.rows == 40


def test_too_many_rows_stop_the_inflating() -> None:
    limits = Limits(max_rows=1000)
    with pytest.raises(PiloteError) as info:
        check_workbook(_workbook(bombs.sheet_rows(300_000)), limits)
    assert info.value.key == "zipguard.too_many_rows"
    # stopped after the first 4 MB of XML, not counted to the end
    assert 1100 < info.value.params["n"].value < 100_000


def test_rows_within_the_limit_and_its_slack_pass() -> None:
    scan = check_workbook(_workbook(bombs.numbered_rows(1100)), Limits(max_rows=1000))
    assert scan.rows == 1100


def test_a_cell_beyond_the_column_limit_is_refused() -> None:
    limits = Limits(max_columns=10)  # refused beyond column 36 (AJ): 10 + 26 leading columns
    ok = bombs._SHEET_HEAD + b'<row r="1"><c r="AJ1"><v>1</v></c></row>' + bombs._SHEET_TAIL
    assert check_workbook(_workbook([ok]), limits).rows == 1
    far = ok.replace(b"AJ1", b"AK1")
    with pytest.raises(PiloteError) as info:
        check_workbook(_workbook([far]), limits)
    assert (info.value.key, info.value.params) == (
        "zipguard.too_many_columns",
        {"column": "AK", "limit": 10},
    )
    buf = io.BytesIO()
    bombs.sparse_workbook(buf, "XFD1048576")
    assert _key(buf.getvalue()) == "zipguard.too_many_columns"


def test_the_widest_column_and_the_last_row_are_noted() -> None:
    sheet = (
        bombs._SHEET_HEAD
        + b'<row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>1</v></c></row>'
        + b'<row r="2"><c r="B2"><v>1</v></c></row>'
        + b'<row r="7"><c r="AB7"><v>1</v></c><c r="D7"><v>1</v></c></row>'
        + bombs._SHEET_TAIL
    )
    scan = check_workbook(_workbook([sheet]))
    part = next(p for p in scan.parts if p.name == "xl/worksheets/sheet1.xml")
    assert (part.rows, part.last_row, part.last_column, part.grid_cells) == (3, 7, 28, 7 * 28)
    assert zipguard.column_index("AB") == 28 and zipguard.column_index("XFD") == 16384


def test_a_sparse_sheet_is_refused_by_the_size_of_its_grid() -> None:
    buf = io.BytesIO()
    bombs.sparse_workbook(buf)  # A1 and SF1048576: 1,048,576 × 500 cells of 32 bytes
    scan = check_workbook(buf.getvalue())
    assert scan.parts[-1].grid_cells == 1_048_576 * 500
    scan.check_grids(1_048_576 * 500 * 32)  # fits exactly
    with pytest.raises(PiloteError) as info:
        scan.check_grids(1_048_576 * 500 * 32 - 1)
    params = {k: getattr(v, "value", v) for k, v in info.value.params.items()}
    assert (info.value.key, params) == (
        "zipguard.sparse_sheet",
        {"cell": "SF1048576", "rows": 2, "size_mb": 16_000, "limit_mb": 15_999},
    )
    assert "16\u202f000 Mo" in info.value.message("fr") and "16,000 MB" in info.value.message("en")


def test_column_names_and_the_beyond_pattern_by_hand() -> None:
    assert [column_name(i) for i in (1, 26, 27, 52, 500, 702, 703, 16384)] == [
        "A", "Z", "AA", "AZ", "SF", "ZZ", "AAA", "XFD",
    ]  # fmt: skip
    pattern = zipguard._column_beyond(500)
    hits = {ref for ref in ("SF", "SG", "TA", "ZZ", "AAA", "RZ", "Z", "A") if
            pattern.search(b'<c r="' + ref.encode() + b'7">')}  # fmt: skip
    assert hits == {"SG", "TA", "ZZ", "AAA"}
    assert zipguard._column_beyond(16384) is None


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        ("truncate", "zipguard.corrupt"),
        ("bzip2", "zipguard.corrupt"),
        ("duplicate", "zipguard.corrupt"),
        ("local_lies", "zipguard.corrupt"),
        ("encrypted", "zipguard.encrypted"),
        ("not_a_workbook", "zipguard.corrupt"),
    ],
)
def test_broken_or_deceptive_archives(mutate: str, key: str) -> None:
    good = workbooks.xlsx([["a", "b"], [1, 2]])
    if mutate == "truncate":
        data = workbooks.corrupt()
    elif mutate == "bzip2":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_BZIP2) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
        data = buf.getvalue()
    elif mutate == "duplicate":
        buf = io.BytesIO()
        zw = bombs.ZipWriter(buf)
        zw.add("[Content_Types].xml", [b"<Types/>"])
        zw.add("xl/worksheets/sheet1.xml", [b"<worksheet/>"])
        zw.add("xl/worksheets/sheet1.xml", [b"<worksheet/>" * 100])
        zw.close()
        data = buf.getvalue()
    elif mutate == "local_lies":
        # the local header's sizes differ from the directory's: readers disagree on the part
        offset = good.index(b"PK\x03\x04", 1)
        data = bytearray(good)
        data[offset + 22 : offset + 26] = (123).to_bytes(4, "little")
        data = bytes(data)
    elif mutate == "encrypted":
        buf = io.BytesIO()
        zw = bombs.ZipWriter(buf)
        zw.add("[Content_Types].xml", [b"<Types/>"], flags=0x1)
        zw.close()
        data = buf.getvalue()
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("readme.txt", "hello")
        data = buf.getvalue()
    assert _key(data) == key


def test_messages_exist_in_both_languages() -> None:
    from kpi import i18n

    keys = [k for k in i18n.messages() if k.startswith("zipguard.")]
    assert len(keys) == 10
    for key in keys:
        assert i18n.t(key, "fr") != i18n.t(key, "en")


def _eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every deflated part through the inflating thread, every buffer through RE2 first."""
    monkeypatch.setattr(zipguard, "AHEAD_BYTES", 0)
    monkeypatch.setattr(zipguard, "PREFILTER_BYTES", 0)


def _inflating_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "zipguard-inflate"]


def test_the_inflating_thread_counts_as_the_plain_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _workbook(bombs.numbered_rows(5000, columns=4))
    plain = check_workbook(data)
    _eager(monkeypatch)
    monkeypatch.setattr(zipguard, "OUT_CHUNK", 1000)  # many chunks through the queue
    ahead = check_workbook(data)
    assert [vars(p) for p in ahead.parts] == [vars(p) for p in plain.parts]
    sheet = next(p for p in ahead.parts if p.name == "xl/worksheets/sheet1.xml")
    assert (sheet.rows, sheet.last_row, sheet.last_column) == (5000, 5000, 4)
    assert not _inflating_threads()


def test_hostile_parts_are_refused_through_the_inflating_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _eager(monkeypatch)
    buf = io.BytesIO()
    bombs.lying_workbook(buf, inflated_bytes=40 * MB)
    limits = Limits(max_unzipped_bytes=32 * MB, max_zip_ratio=1000)
    assert _key(buf.getvalue(), limits) == "zipguard.too_big"
    assert _key(buf.getvalue(), Limits(max_zip_ratio=200)) == "zipguard.bomb"
    limits = Limits(max_rows=1000)
    assert _key(_workbook(bombs.sheet_rows(300_000)), limits) == "zipguard.too_many_rows"
    assert _key(workbooks.entity_expansion()) == "zipguard.entities"
    # a deflate stream cut short, under honest headers
    sheet = b"".join(bombs.numbered_rows(2000))
    packed = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = packed.compress(sheet) + packed.flush()
    buf = io.BytesIO()
    zw = bombs.ZipWriter(buf)
    zw.add("[Content_Types].xml", [b"<Types/>"])
    cut = deflated[: len(deflated) // 2]
    zw.add_raw("xl/worksheets/sheet1.xml", 8, zlib.crc32(sheet), len(cut), len(sheet), cut)
    zw.close()
    assert _key(buf.getvalue()) == "zipguard.corrupt"
    # the thread stopped with the check each time, it is not left inflating
    assert not _inflating_threads()


@pytest.mark.parametrize("before", [b"", b"\xff\xfe\xc3", "é".encode("cp1252")])
def test_a_far_cell_is_found_by_the_re2_prefilter_among_any_bytes(
    monkeypatch: pytest.MonkeyPatch, before: bytes
) -> None:
    _eager(monkeypatch)
    limits = Limits(max_columns=10)
    filler = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + before * 50 + b"</t></is></c>"
    far = bombs._SHEET_HEAD + filler + before + b'<c r="AK1"><v>1</v></c></row>'
    with pytest.raises(PiloteError) as info:
        check_workbook(_workbook([far + bombs._SHEET_TAIL]), limits)
    assert info.value.params["column"] == "AK"
    near = far.replace(b"AK1", b"AJ1")
    assert check_workbook(_workbook([near + bombs._SHEET_TAIL]), limits).rows == 1
    big = b"x" * 100_000
    assert zipguard._may_match(zipguard._column_beyond(36), big + before + b'c r="AK7"')
    assert not zipguard._may_match(zipguard._column_beyond(36), big + before + b'c r="AJ7"')
