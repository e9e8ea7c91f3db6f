"""Small workbooks made in memory for the loader tests (good ones and hostile ones)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import xlsxwriter


def xlsx(
    rows: list[list[object]],
    sheets: dict[str, list[list[object]]] | None = None,
    *,
    first_sheet: str = "Data",
    constant_memory: bool = False,
) -> bytes:
    """An .xlsx whose first sheet holds ``rows`` (dates written as real Excel dates);
    ``constant_memory`` writes text as inline strings, row by row, as some exporters do."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": constant_memory})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    for name, data in {first_sheet: rows, **(sheets or {})}.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(data):
            for c, v in enumerate(row):
                if isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, v, date_fmt)
                elif v is not None:
                    ws.write(r, c, v)
    wb.close()
    return buf.getvalue()


def ods(rows: list[list[object]]) -> bytes:
    """A minimal OpenDocument spreadsheet (strings and floats)."""

    def cell(v: object) -> str:
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return (
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Feuille1">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def zip_bomb() -> bytes:
    """An .xlsx-shaped zip whose sheet expands 1,000 times (about 50 MB from 50 kB)."""
    good = zipfile.ZipFile(io.BytesIO(xlsx([["a", "b"], [1, 2]])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data + b" " * 50_000_000
            z.writestr(info.filename, data)
    return buf.getvalue()


def entity_expansion() -> bytes:
    """An .xlsx whose shared strings declare nested XML entities (a 'billion laughs')."""
    good = zipfile.ZipFile(io.BytesIO(xlsx([["a", "b"], ["x", "y"]])))
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>&lol2;</t></si></sst>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = lol
            z.writestr(info.filename, data)
    return buf.getvalue()


def encrypted() -> bytes:
    """The shape of a password-protected .xlsx: an OLE2 container holding 'EncryptedPackage'."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2048


def corrupt() -> bytes:
    """Bytes that start like a zip and then stop."""
    return xlsx([["a", "b"], [1, 2]])[:300]
