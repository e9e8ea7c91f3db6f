"""Workbooks (XLSX/XLSM, XLS, ODS): checked before parsing (:mod:`kpi.data.zipguard` inflates
the zip counting every byte, whatever its headers claim; XML entity declarations and encryption
are refused), read through fastexcel (calamine to Arrow) within the row and column limits, the
largest sheet by default; a sheet whose header is on its first row keeps its typed cells,
otherwise its rows go through the text path that finds the header lower down."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.data.budget import budget_for, tighten
from kpi.data.columns import find_header, make_names, type_columns
from kpi.data.dataset import LoadReport
from kpi.data.files import check_table_shape, load_sheet_limited
from kpi.data.zipguard import WorkbookScan, check_workbook
from kpi.errors import PiloteError
from kpi.settings import Limits

__all__ = ["check_zip", "frame_from_batch", "open_workbook", "read_workbook", "sniff_container"]


# ---------------------------------------------------------------------------------------------
# Container sniffing and workbook safety


def sniff_container(data: bytes) -> str:
    """``zip`` (XLSX, ODS), ``ole`` (XLS) or ``text``, from the first bytes."""
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    return "text"


def open_workbook(data: bytes, kind: str, limits: Limits) -> Any:
    """The workbook reader, after the safety checks of its container."""
    return _open(data, kind, limits)[0]


def check_zip(data: bytes, limits: Limits) -> WorkbookScan:
    """Inflate a zip workbook counting every byte (:func:`kpi.data.zipguard.check_workbook`),
    then, inside a worker job, set the job's memory limit to what reading it needs
    (:func:`kpi.data.budget.tighten`) and refuse a sheet whose cell rectangle would not fit.

    Raises
    ------
    PiloteError
        ``zipguard.*``.
    """
    scan = check_workbook(data, limits)
    budget = budget_for(len(data), "zip", limits, unzipped_bytes=scan.unzipped_bytes)
    scan.check_grids(budget.memory_bytes)
    tighten(budget)
    return scan


def _open(data: bytes, kind: str, limits: Limits) -> tuple[Any, WorkbookScan | None]:
    from python_calamine import CalamineWorkbook

    if kind == "ole" and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k" in data:
        raise PiloteError("load.encrypted")
    scan = check_zip(data, limits) if kind == "zip" else None
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for every broken file
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise PiloteError("load.encrypted") from exc
        raise PiloteError("load.corrupt_workbook") from exc
    return wb, scan


def _xlsx_sheet_sizes(data: bytes, scan: WorkbookScan) -> dict[str, int] | None:
    """Inflated size of each worksheet of an .xlsx, by sheet name, as counted by the zip check
    (no sheet is parsed); None when the layout is not the usual one."""
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
        counted = {p.name: p.unzipped for p in scan.parts}
        sizes: dict[str, int] = {}
        for sh in wb.findall("m:sheets/m:sheet", ns):
            target = targets.get(sh.get(f"{{{ns['r']}}}id") or "", "").lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            sizes[sh.get("name") or ""] = counted[path]
        return sizes
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return None


def read_workbook(
    data: bytes, name: str, kind: str, sheet: str | None, limits: Limits, report: LoadReport
) -> tuple[pa.RecordBatch, bool]:
    """One sheet as Arrow columns, and whether its first row was taken as the header (else
    every row is kept as text and the header is found afterwards).

    python-calamine checks and lists the workbook; fastexcel (calamine in Rust, straight to
    Arrow) reads the sheet: a million rows in seconds, where building Python objects cell by
    cell takes minutes.
    """
    import fastexcel

    wb, scan = _open(data, kind, limits)
    names = list(wb.sheet_names)
    report.sheets = names
    if not names:
        raise PiloteError("load.no_sheets", name=name)
    if sheet is not None and sheet not in names:
        raise PiloteError("load.unknown_sheet", sheet=sheet, sheets=", ".join(names))
    try:
        if sheet is None:
            sizes = _xlsx_sheet_sizes(data, scan) if scan is not None else None
            if not sizes or set(sizes) != set(names):
                sizes = {}
                for n in names:
                    sh = wb.get_sheet_by_name(n)
                    sizes[n] = sh.height * sh.width
            sheet = max(names, key=lambda n: sizes.get(n, 0))
            if len(names) > 1:
                report.warn("load.warn.sheet_chosen", sheet=sheet, sheets=", ".join(names))
        reader = fastexcel.read_excel(data)
        # Most sheets have their header on the first row: read them so, with numbers and dates
        # as typed cells (as text they would have to be parsed again, ~4 s per million rows).
        # A title block, a blank or duplicate header cell: read every row as text and find the
        # header below (calamine parses the sheet again, which only such files pay for).
        batch = load_sheet_limited(reader, sheet, limits, header_row=0, dtype_coercion="coerce")
        header_applied = _header_on_first_row(batch)
        if not header_applied:
            del batch
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
