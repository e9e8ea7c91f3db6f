"""Workbooks (XLSX/XLSM, XLS, ODS): checked before parsing (:mod:`kpi.data.zipguard` inflates
the zip counting every byte, whatever its headers claim; XML entity declarations and encryption
are refused), read through fastexcel (calamine to Arrow) within the row and column limits, the
largest sheet by default; a sheet whose header is on its first row keeps its typed cells,
otherwise its rows go through the text path that finds the header lower down.

A large .xlsx sheet (:data:`SPLIT_BYTES` of compressed XML, ≈ 250,000 rows) is not inflated
twice: the zip check hands its bytes, once checked, to :class:`_SheetSplitter`, which writes
them into two stored (uncompressed) workbooks in a temporary folder — the rows up to about the
middle, and a copy of the header row followed by the rest — that calamine reads at the same
time in two threads. The table is the sheet read whole: when the halves do not agree (columns,
types guessed from their first rows, rows meeting at the split) the sheet is read whole, as
before. The temporary folder holds the sheet's inflated XML (586 MB for 1M rows × 12 columns)
during the read."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.data.budget import budget_for, tighten
from kpi.data.columns import find_header, make_names, type_columns
from kpi.data.dataset import LoadReport
from kpi.data.files import ROW_SLACK, check_table_shape, load_sheet_limited
from kpi.data.zipguard import WorkbookScan, check_workbook
from kpi.errors import PiloteError
from kpi.settings import Limits

__all__ = ["check_zip", "frame_from_batch", "read_workbook", "sheet_names", "sniff_container"]


# ---------------------------------------------------------------------------------------------
# Container sniffing and workbook safety


def sniff_container(data: bytes) -> str:
    """``zip`` (XLSX, ODS), ``ole`` (XLS) or ``text``, from the first bytes."""
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    return "text"


def sheet_names(data: bytes, kind: str, limits: Limits) -> list[str]:
    """The workbook's sheets, after the safety checks of its container."""
    return _listed(data, _check(data, kind, limits))[0]


def _listed(data: bytes, scan: WorkbookScan | None) -> tuple[list[str], dict[str, str] | None, Any]:
    """(sheet names, an .xlsx's sheet parts, the python-calamine workbook or None). An .xlsx
    lists its sheets in its workbook part: python-calamine is opened only for the other
    formats (opening parses the shared strings, which fastexcel then parses again: 0.25 s on
    the 1M-row bench workbook, more with many distinct texts)."""
    parts = _xlsx_sheet_parts(data) if scan is not None else None
    if parts:
        return list(parts), parts, None
    wb = _calamine(data)
    return list(wb.sheet_names), None, wb


def check_zip(
    data: bytes,
    limits: Limits,
    keep: Callable[[str], Callable[[bytes], None] | None] | None = None,
) -> WorkbookScan:
    """Inflate a zip workbook counting every byte (:func:`kpi.data.zipguard.check_workbook`),
    then, inside a worker job, set the job's memory limit to what reading it needs
    (:func:`kpi.data.budget.tighten`) and refuse a sheet whose cell rectangle would not fit.

    ``keep``: as in :func:`~kpi.data.zipguard.check_workbook` (a part's checked bytes).

    Raises
    ------
    PiloteError
        ``zipguard.*``.
    """
    scan = check_workbook(data, limits, keep=keep)
    budget = budget_for(len(data), "zip", limits, unzipped_bytes=scan.unzipped_bytes)
    scan.check_grids(budget.memory_bytes)
    tighten(budget)
    return scan


def _check(
    data: bytes,
    kind: str,
    limits: Limits,
    keep: Callable[[str], Callable[[bytes], None] | None] | None = None,
) -> WorkbookScan | None:
    """The container's safety checks, before any reader sees it; the zip's scan."""
    if kind == "ole" and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k" in data:
        raise PiloteError("load.encrypted")
    return check_zip(data, limits, keep) if kind == "zip" else None


def _calamine(data: bytes) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for every broken file
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise PiloteError("load.encrypted") from exc
        raise PiloteError("load.corrupt_workbook") from exc


def _xlsx_sheet_parts(data: bytes) -> dict[str, str] | None:
    """The part holding each worksheet of an .xlsx, by sheet name (no sheet is parsed); None
    when the layout is not the usual one. Only called once the zip check passed."""
    import xml.etree.ElementTree as ET  # the parts were checked for entities beforehand

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        ns = {
            "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            "p": "http://schemas.openxmlformats.org/package/2006/relationships",
        }
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", ns)}
        parts: dict[str, str] = {}
        for sh in wb.findall("m:sheets/m:sheet", ns):
            target = targets.get(sh.get(f"{{{ns['r']}}}id") or "", "").lstrip("/")
            parts[sh.get("name") or ""] = target if target.startswith("xl/") else f"xl/{target}"
        return parts
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return None


def read_workbook(
    data: bytes, name: str, kind: str, sheet: str | None, limits: Limits, report: LoadReport
) -> tuple[pa.RecordBatch, bool]:
    """One sheet as Arrow columns, and whether its first row was taken as the header (else
    every row is kept as text and the header is found afterwards).

    An .xlsx's sheets are listed from its workbook part, other workbooks' by python-calamine;
    fastexcel (calamine in Rust, straight to Arrow) reads the sheet: a million rows in
    seconds, where building Python objects cell by cell takes minutes. A large .xlsx sheet is
    kept as the zip check inflates it and read in two halves at once
    (:class:`_SheetSplitter`), when the two halves agree with each other.
    """
    with contextlib.ExitStack() as stack:
        splitter = _splitter_for(data, stack) if kind == "zip" else None
        try:
            return _read_workbook(data, name, kind, sheet, limits, report, splitter)
        finally:
            if splitter is not None:
                splitter.discard()


def _read_workbook(
    data: bytes,
    name: str,
    kind: str,
    sheet: str | None,
    limits: Limits,
    report: LoadReport,
    splitter: _SheetSplitter | None,
) -> tuple[pa.RecordBatch, bool]:
    import fastexcel

    keep = None
    if splitter is not None:
        part = splitter.part
        keep = lambda name: splitter if name == part else None  # noqa: E731
    scan = _check(data, kind, limits, keep)
    names, parts, wb = _listed(data, scan)
    report.sheets = names
    if not names:
        raise PiloteError("load.no_sheets", name=name)
    if sheet is not None and sheet not in names:
        raise PiloteError("load.unknown_sheet", sheet=sheet, sheets=", ".join(names))
    try:
        if sheet is None:
            counted = {p.name: p.unzipped for p in scan.parts} if scan is not None else {}
            sizes = {n: counted.get(path, 0) for n, path in (parts or {}).items()}
            if not sizes:  # not an .xlsx: python-calamine measures its sheets
                sizes = {}
                for n in names:
                    sh = wb.get_sheet_by_name(n)
                    sizes[n] = sh.height * sh.width
            sheet = max(names, key=lambda n: sizes.get(n, 0))
            if len(names) > 1:
                others = ", ".join(n for n in names if n != sheet)
                report.warn("load.warn.sheet_chosen", sheet=sheet, sheets=others)
        batch = None
        if (
            splitter is not None
            and parts is not None
            and parts.get(sheet) == splitter.part
            and splitter.finish(data)
        ):
            batch = _read_halves(splitter, sheet, limits)
        reader = None
        if batch is None:
            # Most sheets have their header on the first row: read them so, with numbers and
            # dates as typed cells (as text they would have to be parsed again, ~4 s per
            # million rows).
            reader = fastexcel.read_excel(data)
            batch = load_sheet_limited(reader, sheet, limits, header_row=0, dtype_coercion="coerce")
        header_applied = _header_on_first_row(batch)
        if not header_applied:
            # A title block, a blank or duplicate header cell: read every row as text and find
            # the header below (calamine parses the sheet again, which only such files pay for).
            del batch
            reader = reader or fastexcel.read_excel(data)
            batch = load_sheet_limited(
                reader, sheet, limits, header_row=None, dtype_coercion="coerce"
            )
    except PiloteError:
        raise
    except Exception as exc:
        raise PiloteError("load.corrupt_workbook") from exc
    check_table_shape(batch, limits)
    report.sheet = sheet
    report.file_type = {"ole": "xls"}.get(kind, report.file_type)
    return batch, header_applied


# ---------------------------------------------------------------------------------------------
# A large sheet read in two halves, in two threads


SAMPLE_ROWS = 1000
"""Rows fastexcel guesses a column's type from (``schema_sample_rows``' default): the first
half must hold them all, so that its guess is the whole sheet's."""
SPLIT_BYTES = 16 << 20
"""A worksheet whose compressed XML is at least this large (≈ 250,000 rows of 12 columns) is
read in two halves at once (:class:`_SheetSplitter`)."""
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\s*>")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d{1,9})"[^>]*>')
_CELL_ROW = re.compile(rb'(<(?:\w+:)?c\b[^>]*?\sr="[A-Z]{1,3})(\d{1,9})"')
_KEEP_AHEAD = 1024
"""Bytes kept back at a chunk's end while looking for the row to split at (a row's start tag
cut by the chunk boundary is read whole with the next chunk)."""
_HEAD_LIMIT = 4 << 20
"""Most bytes before the end of the first row (the sheet's settings and its header row)."""


class _SheetSplitter:
    """Writes one worksheet's XML, as the zip check inflates it (so it is inflated once),
    into two workbooks that calamine reads at the same time, in two threads (fastexcel releases
    the GIL): the first holds the rows up to about the middle; the second a copy of the first
    row (the header), renumbered to sit just above its own first row, then the rest. Both keep
    the sheet's XML before and after its rows, without its ``<dimension>`` (which would make
    calamine reserve the whole sheet twice). The sheet is stored, not compressed: calamine then
    only copies it.

    Anything unexpected (no ``<sheetData>``, rows without their number, a sheet shorter than
    its directory claimed) sets :attr:`failed`: the sheet is then read whole, as before.
    """

    def __init__(self, part: str, claimed: int, folder: str) -> None:
        self.part = part
        self.paths = (os.path.join(folder, "first.xlsx"), os.path.join(folder, "second.xlsx"))
        self.zips = [zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) for p in self.paths]
        self.entries = [z.open(part, "w", force_zip64=True) for z in self.zips]
        self.target = max(claimed // 2, 1)
        self.state = "head"
        self.pending = bytearray()
        self.prefix = b""
        self.row_start: re.Pattern[bytes] | None = None
        self.ns = b""
        self.header = b""
        self.header_row = 0
        self.split_row = 0
        self.first_bytes = 0
        self.tail = b""
        self.recent: list[bytes] = []
        self.failed = False

    def __call__(self, chunk: bytes) -> None:
        if self.failed:
            return
        try:
            if self.state == "head":
                self._head(chunk)
            elif self.state == "first":
                self._first(chunk)
            else:
                self.entries[1].write(chunk)
                self.recent.append(chunk)
                while sum(len(c) for c in self.recent[1:]) >= _HEAD_LIMIT:
                    del self.recent[0]
        except OSError:  # no room left for the halves: the sheet is read whole
            self.failed = True

    def _head(self, chunk: bytes) -> None:
        """The sheet's settings and its first row, kept for the second workbook."""
        self.pending += chunk
        data = bytes(self.pending)
        opening = _SHEET_DATA.search(data)
        end = -1
        if opening is not None:
            ns = self.ns = opening.group(1) or b""
            self.row_start = re.compile(b"<" + re.escape(ns) + rb"row[\s>]")
            first = self.row_start.search(data, opening.end())
            close = b"</" + ns + b"row>"
            end = data.find(close, first.start()) if first is not None else -1
        if end < 0:
            if len(data) > _HEAD_LIMIT:
                self.failed = True
            return
        assert opening is not None and first is not None
        end += len(close)
        self.header = data[first.start() : end]
        number = _ROW_NUMBER.match(self.header)
        if number is None or data[opening.end() : first.start()].strip():
            self.failed = True
            return
        self.header_row = int(number.group(1))
        self.prefix = _DIMENSION.sub(b"", data[: opening.end()])
        self.entries[0].write(self.prefix + data[opening.end() : end])
        self.state = "first"
        self.pending = bytearray()
        self._first(data[end:])

    def _first(self, chunk: bytes) -> None:
        """Rows to the first workbook until about half the sheet, then the second."""
        if (
            self.first_bytes + len(self.tail) + len(chunk) < self.target
            and len(chunk) > _KEEP_AHEAD
        ):
            view = memoryview(chunk)  # no copy of the chunk
            self._to_first(self.tail)
            self._to_first(view[:-_KEEP_AHEAD])
            self.tail = bytes(view[-_KEEP_AHEAD:])
            return
        data = self.tail + chunk
        self.tail = b""
        if self.first_bytes + len(data) < self.target:
            self._to_first(data[:-_KEEP_AHEAD])
            self.tail = data[-_KEEP_AHEAD:]
            return
        assert self.row_start is not None
        found = self.row_start.search(data, max(0, self.target - self.first_bytes))
        if found is None or len(data) - found.start() < _KEEP_AHEAD:
            keep = found.start() if found is not None else max(0, len(data) - _KEEP_AHEAD)
            self._to_first(data[:keep])
            self.tail = data[keep:]
            return
        at = found.start()
        number = _ROW_NUMBER.match(data, at)
        if number is None or int(number.group(1)) <= self.header_row + 1:
            self.failed = True
            return
        self.split_row = int(number.group(1))
        self._to_first(data[:at])
        above = str(self.split_row - 1).encode()
        tag = _ROW_NUMBER.match(self.header)
        assert tag is not None
        header = self.header[: tag.start(1)] + above + self.header[tag.end(1) :]
        header = _CELL_ROW.sub(lambda m: m.group(1) + above + b'"', header)
        self.state = "second"
        self.entries[1].write(self.prefix + header)
        self(data[at:])

    def _to_first(self, data: bytes | memoryview) -> None:
        self.entries[0].write(data)
        self.first_bytes += len(data)

    def finish(self, data: bytes) -> bool:
        """Close both workbooks (every other part copied as it is); False when the sheet could
        not be split."""
        if self.state != "second" or self.failed:
            self.failed = True
            return False
        recent = b"".join(self.recent)
        closing = recent.rfind(b"</" + self.ns + b"sheetData>")
        if closing < 0:
            self.failed = True
            return False
        try:
            self.entries[0].write(recent[closing:])
            for entry in self.entries:
                entry.close()
            source = zipfile.ZipFile(io.BytesIO(data))
            for info in source.infolist():
                if info.filename != self.part:
                    content = source.read(info.filename)
                    for z in self.zips:
                        z.writestr(info.filename, content)
            for z in self.zips:
                z.close()
        except OSError:
            self.failed = True
            return False
        return True

    def discard(self) -> None:
        for entry in self.entries:
            with contextlib.suppress(Exception):
                entry.close()
        for z in self.zips:
            with contextlib.suppress(Exception):
                z.close()


def _splitter_for(data: bytes, stack: contextlib.ExitStack) -> _SheetSplitter | None:
    """A splitter for the largest worksheet of an .xlsx when it is large enough to gain from
    two threads (the directory's sizes pick it; the zip check then counts the real ones), in
    a temporary folder removed when ``stack`` closes."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None  # the zip check says why
    sheets = [
        i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
    ]
    if not sheets:
        return None
    largest = max(sheets, key=lambda i: i.compress_size)
    if largest.compress_size < SPLIT_BYTES:
        return None
    try:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="pilote-sheet-"))
        return _SheetSplitter(largest.filename, largest.file_size, folder)
    except OSError:  # no temporary folder: the sheet is read whole
        return None


def _read_halves(splitter: _SheetSplitter, sheet: str, limits: Limits) -> pa.RecordBatch | None:
    """Both halves of a split sheet, read at the same time, as one batch; None when they do not
    make the sheet read whole (then it is): different columns or types (each half guesses
    its own from its first rows), a first half whose rows do not end just above the second,
    or any error (the whole sheet's read then reports it, as before).

    Not detected: rows written out of order (no spreadsheet program does) where a row of the
    second half placed above the split repeats the header's values exactly.
    """
    import fastexcel

    def read(path: str) -> pa.RecordBatch:
        reader = fastexcel.read_excel(path)
        return load_sheet_limited(reader, sheet, limits, header_row=0, dtype_coercion="coerce")

    try:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pilote-sheet") as pool:
            first, second = pool.map(read, splitter.paths)
    except Exception:  # noqa: BLE001 - the sheet read whole says what is wrong, as before
        return None
    if (
        first.schema.names != second.schema.names
        or first.schema.types != second.schema.types
        or first.num_rows != splitter.split_row - 1 - splitter.header_row
        or first.num_rows < SAMPLE_ROWS
    ):
        return None
    if first.num_rows + second.num_rows > limits.max_rows + ROW_SLACK:
        return None  # refused by the whole sheet's read, with its own count
    try:
        arrays = [
            pa.concat_arrays([first.column(i), second.column(i)]) for i in range(first.num_columns)
        ]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # e.g. more text than a string column holds
    return pa.RecordBatch.from_arrays(arrays, names=first.schema.names)


# ---------------------------------------------------------------------------------------------
# Workbooks: rows of Python values → typed frame


_UNNAMED = "__UNNAMED__"  # fastexcel's name for a blank header cell


def _header_on_first_row(batch: pa.RecordBatch) -> bool:
    """Whether a sheet read with its first row as header really has it there: every header
    cell filled, no duplicate renamed by fastexcel (``X``, ``X_1``), and the same decision as
    :func:`find_header` on the rows as text."""
    names = batch.schema.names
    if not names or any(n.startswith(_UNNAMED) for n in names):
        return False
    if any(
        "_" in n and n.rsplit("_", 1)[1].isdigit() and n.rsplit("_", 1)[0] in names for n in names
    ):
        return False
    head = batch.slice(0, 59).to_pylist()
    rows = [list(names)] + [[r[k] for k in names] for r in head]
    width = max(sum(1 for c in r if c not in (None, "")) for r in rows)
    return find_header(rows, width) == 0


def frame_from_batch(
    batch: pa.RecordBatch, report: LoadReport, limits: Limits, header_applied: bool = False
) -> pd.DataFrame:
    """Find the header under any title block, then type the columns below it.

    ``header_applied``: the sheet was read with its first row as the header (column names).
    """
    if batch.num_columns == 0 or (batch.num_rows == 0 and not header_applied):
        raise PiloteError("load.no_rows", name=report.file_name)
    keys = batch.schema.names
    if header_applied:
        report.header_row = 1
        names = make_names(keys, len(keys), report)
        return _typed_workbook_columns(names, batch, report, limits)
    head = batch.slice(0, 60).to_pylist()
    rows = [[r[k] for k in keys] for r in head]
    width = max((sum(1 for c in r if c not in (None, "")) for r in rows[:200]), default=0)
    header_idx = find_header(rows, width)
    if header_idx < 0:
        report.warn("load.warn.no_header")
        names = make_names([], len(keys), report)
        body = batch
        report.header_row = 0
    else:
        names = make_names(rows[header_idx], len(keys), report)
        body = batch.slice(header_idx + 1)
        report.header_row = header_idx + 1
        title = [
            i + 1 for i, r in enumerate(rows[:header_idx]) if any(c not in (None, "") for c in r)
        ]
        report.drop(len(title), "title", title)
    return _typed_workbook_columns(names, body, report, limits)


def _typed_workbook_columns(
    names: list[str], body: pa.RecordBatch, report: LoadReport, limits: Limits
) -> pd.DataFrame:
    if body.num_rows > limits.max_rows:
        raise PiloteError("load.too_many_rows", n=body.num_rows, limit=limits.max_rows)
    arrays: dict[str, pa.Array] = {}
    for i, n in enumerate(names):
        a = body.column(i)
        if pa.types.is_date(a.type):
            a = pc.cast(a, pa.timestamp("us"))
        elif pa.types.is_timestamp(a.type):
            a = pc.cast(a, pa.timestamp("us"))
        elif (
            pa.types.is_boolean(a.type) or pa.types.is_null(a.type) or pa.types.is_duration(a.type)
        ):
            a = pc.cast(a, pa.string())
        elif pa.types.is_integer(a.type):
            a = pc.cast(a, pa.float64())
        arrays[n] = a
    del body
    # In a workbook, real number cells arrive as text ("232.77") next to typed-in text numbers
    # ("1 234,50 €"): each column decides its own decimal separator.
    return type_columns(arrays, report, per_column_decimal=True)
