"""Hostile files, generated at test time (never committed), and a fence to run them in.

Every generator streams: a workbook that inflates to gigabytes is written from a few kilobytes
of repeated input, never held in memory. :func:`run_fenced` runs code in a separate Python
process whose memory and CPU time are capped by the kernel, so that a bomb that got past
every guard still cannot take the machine's memory (the machine running the tests is shared).
"""

from __future__ import annotations

import io
import json
import os
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parents[1]

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


# ---------------------------------------------------------------------------------------------
# A zip writer that can lie


class ZipWriter:
    """Writes a zip entry by entry, streaming each part's content, and can make the directory
    and local headers claim a size that is not the real one."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.central: list[bytes] = []

    def add(
        self,
        name: str,
        chunks: Iterable[bytes],
        *,
        method: int = zipfile.ZIP_DEFLATED,
        claimed_size: int | None = None,
        level: int = 9,
        flags: int = 0,
    ) -> tuple[int, int]:
        """Add a part; returns (compressed size, real size)."""
        fh = self.fh
        encoded = name.encode("utf-8")
        offset = fh.tell()
        fh.write(b"\0" * (30 + len(encoded)))
        crc = 0
        size = 0
        csize = 0
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15) if method == 8 else None
        for chunk in chunks:
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            out = compressor.compress(chunk) if compressor else chunk
            fh.write(out)
            csize += len(out)
        if compressor:
            out = compressor.flush()
            fh.write(out)
            csize += len(out)
        shown = size if claimed_size is None else claimed_size
        end = fh.tell()
        fh.seek(offset)
        fh.write(_local_header(encoded, method, crc, csize, shown, flags))
        fh.seek(end)
        self.central.append(_central_header(encoded, method, crc, csize, shown, offset, flags))
        return csize, size

    def add_raw(self, name: str, method: int, crc: int, csize: int, size: int, data: bytes) -> None:
        """Add a part whose compressed bytes are given as they are."""
        encoded = name.encode("utf-8")
        offset = self.fh.tell()
        self.fh.write(_local_header(encoded, method, crc, csize, size, 0))
        self.fh.write(data)
        self.central.append(_central_header(encoded, method, crc, csize, size, offset, 0))

    def close(self) -> None:
        start = self.fh.tell()
        for entry in self.central:
            self.fh.write(entry)
        size = self.fh.tell() - start
        n = len(self.central)
        self.fh.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, size, start, 0))


def _local_header(name: bytes, method: int, crc: int, csize: int, size: int, flags: int) -> bytes:
    return (
        struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc, csize, size, len(name), 0
        )
        + name
    )


def _central_header(
    name: bytes, method: int, crc: int, csize: int, size: int, offset: int, flags: int
) -> bytes:
    return (
        struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            flags,
            method,
            0,
            0x21,
            crc,
            csize,
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )


def _small_parts(zw: ZipWriter) -> None:
    zw.add("[Content_Types].xml", [_CONTENT_TYPES])
    zw.add("_rels/.rels", [_ROOT_RELS])
    zw.add("xl/workbook.xml", [_WORKBOOK])
    zw.add("xl/_rels/workbook.xml.rels", [_WORKBOOK_RELS])


def sheet_rows(n_rows: int, row: bytes | None = None) -> Iterator[bytes]:
    """A worksheet's XML with ``n_rows`` copies of one row, in 1 MB chunks."""
    row = row or (
        b'<row><c t="inlineStr"><is><t>Montant Nord</t></is></c><c><v>1234.5</v></c></row>'
    )
    yield _SHEET_HEAD
    per_chunk = max(1, (1 << 20) // len(row))
    block = row * per_chunk
    left = n_rows
    while left >= per_chunk:
        yield block
        left -= per_chunk
    if left:
        yield row * left
    yield _SHEET_TAIL


def numbered_rows(n_rows: int, columns: int = 2, prefix: bytes = b"") -> Iterator[bytes]:
    """A worksheet with ``n_rows`` rows ``r="1"``… of ``columns`` numeric cells (A, B, …)."""
    head = _SHEET_HEAD.replace(b"<worksheet", b"<" + prefix + b"worksheet")
    head = head.replace(b"<sheetData>", b"<" + prefix + b"sheetData>")
    if prefix:
        head = head.replace(b'xmlns="', b"xmlns:" + prefix.rstrip(b":") + b'="')
    yield head
    letters = [bytes([65 + i]) for i in range(columns)]
    buf = []
    for r in range(1, n_rows + 1):
        cells = b"".join(
            b'<%sc r="%s%d"><%sv>%d</%sv></%sc>' % (prefix, col, r, prefix, r, prefix, prefix)
            for col in letters
        )
        buf.append(b'<%srow r="%d">%s</%srow>' % (prefix, r, cells, prefix))
        if len(buf) >= 5000:
            yield b"".join(buf)
            buf = []
    if buf:
        yield b"".join(buf)
    yield (b"</" + prefix + b"sheetData></" + prefix + b"worksheet>")


def workbook(
    fh: BinaryIO, sheet: Iterable[bytes], claimed_size: int | None = None
) -> tuple[int, int]:
    """An .xlsx whose only sheet is ``sheet``; returns the sheet's (compressed, real) size."""
    zw = ZipWriter(fh)
    _small_parts(zw)
    sizes = zw.add("xl/worksheets/sheet1.xml", sheet, claimed_size=claimed_size)
    zw.close()
    return sizes


# ---------------------------------------------------------------------------------------------
# The bombs


def lying_workbook(
    fh: BinaryIO, inflated_bytes: int = 3_200_000_000, claimed_bytes: int = 900_000
) -> tuple[int, int]:
    """The issue's workbook: its directory and local header claim ``claimed_bytes`` for the
    sheet (under the old 1 MB threshold), which really inflates to about ``inflated_bytes``
    of valid rows. Written to ``fh`` as it is compressed."""
    row = b'<row><c t="inlineStr"><is><t>Montant Nord</t></is></c><c><v>1234.5</v></c></row>'
    n_rows = max(1, (inflated_bytes - len(_SHEET_HEAD) - len(_SHEET_TAIL)) // len(row))
    return workbook(fh, sheet_rows(n_rows, row), claimed_size=claimed_bytes)


def honest_bomb(fh: BinaryIO, inflated_bytes: int, ratio: int = 172) -> tuple[int, int]:
    """A workbook that tells the truth about its sizes and stays under a ratio cap: rows made
    less compressible by a counter, so that the sheet inflates about ``ratio`` times (the
    issue's 12 MB file inflated 172 times, to 2 GB, inside the old default limits)."""
    filler = b"x" * max(0, 9 * ratio - 60)

    def rows() -> Iterator[bytes]:
        yield _SHEET_HEAD
        written = 0
        i = 0
        while written < inflated_bytes:
            block = b"".join(
                b'<row><c t="inlineStr"><is><t>%s%08x</t></is></c></row>'
                % (filler, (i + k) * 2654435761 % (1 << 32))
                for k in range(4096)
            )
            i += 4096
            written += len(block)
            yield block
        yield _SHEET_TAIL

    return workbook(fh, rows())


def overlapping_zip(parts: int = 50, kernel_bytes: int = 10_000_000) -> bytes:
    """The 'overlapping files' bomb (David Fifield, 2019): every part's data starts with a
    stored deflate block that quotes the next part's local header, then runs into one shared
    compressed kernel. ``parts`` entries each inflate to about ``kernel_bytes``."""
    kernel_comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    kernel = kernel_comp.compress(b"a" * kernel_bytes) + kernel_comp.flush()
    kernel_crc = _crc_then_a(b"", kernel_bytes)
    names = [f"xl/worksheets/sheet{i + 1}.xml".encode() for i in range(parts)]
    first = _CONTENT_TYPES
    out = io.BytesIO()
    # an honest first part, so that the archive looks like a workbook
    ct_comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    ct = ct_comp.compress(first) + ct_comp.flush()
    central = [
        _central_header(b"[Content_Types].xml", 8, zlib.crc32(first), len(ct), len(first), 0, 0)
    ]
    out.write(_local_header(b"[Content_Types].xml", 8, zlib.crc32(first), len(ct), len(first), 0))
    out.write(ct)
    base = out.tell()
    headers_len = [30 + len(n) for n in names]
    quote_len = 5  # a stored block's header: 1 byte + LEN + NLEN
    # Offsets: header_i, then (for i < last) a stored block quoting header_{i+1}
    offsets = []
    pos = base
    for i in range(parts):
        offsets.append(pos)
        pos += headers_len[i] + (quote_len if i < parts - 1 else 0)
    kernel_at = pos
    # What part i inflates to: the local headers of the parts after it (quoted), then the
    # kernel's output. Built from the last part back, since each header is quoted by the part
    # before it (the headers carry true sizes and CRCs: only the overlap is wrong).
    kernel_out_crc = kernel_crc
    headers: list[bytes] = [b""] * parts
    for i in reversed(range(parts)):
        data_start = offsets[i] + headers_len[i]
        csize = kernel_at + len(kernel) - data_start
        quoted = b"".join(headers[i + 1 :])
        size = len(quoted) + kernel_bytes
        crc = _crc_then_a(quoted, kernel_bytes) if quoted else kernel_out_crc
        headers[i] = _local_header(names[i], 8, crc, csize, size, 0)
        central.append(_central_header(names[i], 8, crc, csize, size, offsets[i], 0))
    for i in range(parts):
        out.write(headers[i])
        if i < parts - 1:
            n = headers_len[i + 1]
            out.write(b"\x00" + struct.pack("<HH", n, n ^ 0xFFFF))
    out.write(kernel)
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    n = len(central)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, size, start, 0))
    return out.getvalue()


def _crc_then_a(prefix: bytes, n: int) -> int:
    crc = zlib.crc32(prefix)
    block = b"a" * (1 << 20)
    while n >= len(block):
        crc = zlib.crc32(block, crc)
        n -= len(block)
    return zlib.crc32(b"a" * n, crc)


def nested_zip_workbook(fh: BinaryIO, inner_inflated: int = 200_000_000) -> None:
    """A small valid workbook that carries a zip bomb as an embedded part (stored): no reader
    opens an embedded archive, so only its stored bytes count."""
    inner = io.BytesIO()
    zw_inner = ZipWriter(inner)
    zw_inner.add("bomb.txt", (b"\0" * (1 << 20) for _ in range(inner_inflated >> 20)))
    zw_inner.close()
    zw = ZipWriter(fh)
    _small_parts(zw)
    zw.add("xl/worksheets/sheet1.xml", numbered_rows(20))
    zw.add("xl/embeddings/inner.zip", [inner.getvalue()], method=zipfile.ZIP_STORED)
    zw.close()


def sparse_workbook(fh: BinaryIO, far_cell: str = "SF1048576") -> None:
    """Two cells, A1 and ``far_cell``: a few hundred bytes that readers turn into a dense grid
    of every cell in between (1,048,576 × 500 cells for the default)."""
    sheet = (
        _SHEET_HEAD
        + b'<row r="1"><c r="A1"><v>1</v></c></row>'
        + b'<row r="%s"><c r="%s"><v>2</v></c></row>'
        % (far_cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").encode(), far_cell.encode())
        + _SHEET_TAIL
    )
    workbook(fh, [sheet])


def ods_repeated_rows(fh: BinaryIO, repeat: int = 5_000_000) -> None:
    """An .ods whose one row, with a value, says it repeats ``repeat`` times."""
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        b'<office:body><office:spreadsheet><table:table table:name="Feuille1">'
        b'<table:table-row><table:table-cell office:value-type="string"><text:p>Client</text:p>'
        b'</table:table-cell><table:table-cell office:value-type="string"><text:p>Montant</text:p>'
        b"</table:table-cell></table:table-row>"
        b'<table:table-row table:number-rows-repeated="%d">'
        b'<table:table-cell office:value-type="string"><text:p>A</text:p></table:table-cell>'
        b'<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
        b"</table:table-cell></table:table-row>"
        b"</table:table></office:spreadsheet></office:body></office:document-content>" % repeat
    )
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        b'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        b"</manifest:manifest>"
    )
    zw = ZipWriter(fh)
    zw.add("mimetype", [b"application/vnd.oasis.opendocument.spreadsheet"], method=0)
    zw.add("META-INF/manifest.xml", [manifest])
    zw.add("content.xml", [content])
    zw.close()


CONTROL_LABELS = ("Nord\x0bEst", "Sud\x01", "Ouest\x1b[31m", "Centre\ufffe", "IDF")


def control_characters_csv() -> bytes:
    """A small sales export whose categories hold a vertical tab, \\x01, ESC and U+FFFE."""
    lines = ["Date,Région,Montant"]
    for i in range(20):
        lines.append(
            f"2024-01-{1 + i % 28:02d},{CONTROL_LABELS[i % len(CONTROL_LABELS)]},{100 + i}.5"
        )
    return "\n".join(lines).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The fence


def run_fenced(
    code: str, memory_mb: int = 1500, cpu_seconds: int = 120, timeout: float = 180
) -> dict:
    """Run Python ``code`` in a new process capped at ``memory_mb`` of data and
    ``cpu_seconds`` of CPU (its children inherit the caps); ``code`` prints one JSON object
    as its last line, returned here with the exit code under ``"returncode"``.

    The cap holds even if the code under test forgot its own limits: a failing test then
    reports an error instead of taking the shared machine's memory.
    """

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,  # noqa: PLW1509 - the cap must be in place before the code starts
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    try:
        out = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        out = {}
    out["returncode"] = proc.returncode
    out.setdefault("stderr", proc.stderr[-3000:])
    return out


# ---------------------------------------------------------------------------------------------
# Jobs for the worker tests (module-level, so that a worker child can import them)


def job_frame_and_meta(n: int) -> tuple:
    """A frame with every column type the loader makes, and small metadata."""
    import numpy as np
    import pandas as pd

    text = pd.StringDtype("pyarrow", na_value=np.nan)
    df = pd.DataFrame(
        {
            "Région": pd.Series(["Nord", None, "Île-de-France"] * n, dtype=text),
            "Montant": [1.5, np.nan, 3.25] * n,
            "Date": pd.to_datetime(["2024-01-31", None, "2024-03-01"] * n).astype("M8[us]"),
        }
    )
    return df, {"n": n, "note": "métadonnées"}


def job_raise_pilote() -> None:
    from kpi.errors import PiloteError

    raise PiloteError("files.too_many_rows", n=12, limit=10)


def job_allocate(mb: int) -> int:
    return len(bytearray(mb << 20))


def job_abort() -> None:
    os.abort()


def job_segfault() -> None:
    import ctypes

    ctypes.string_at(0)


def job_sigkill() -> None:
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def job_spin() -> None:
    while True:
        pass


def job_sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def job_temp_then_sleep(seconds: float) -> str:
    """A job that leaves a temporary folder with a file in it, then hangs (killed by the wall
    clock): where does a job's temporary folder live?"""
    import tempfile
    import time

    folder = tempfile.mkdtemp(prefix="pilote-sheet-")
    with open(os.path.join(folder, "half.xlsx"), "wb") as f:
        f.write(b"x" * 1024)
    time.sleep(seconds)
    return folder


def job_pid() -> int:
    return os.getpid()


def job_parent_threads() -> int:
    """Threads of the process the job was forked from (the forkserver)."""
    return len(os.listdir(f"/proc/{os.getppid()}/task"))


def job_progress(progress=None) -> int:  # noqa: ANN001 - the worker passes a callable
    progress(0.25, "load.progress.reading")
    progress(0.75, "load.progress.typing")
    return 7


def job_tighten_then_allocate(mb: int) -> int:
    from kpi.data.budget import Budget, tighten

    tighten(Budget(64 << 20, 30, 60))
    return len(bytearray(mb << 20))


def job_load_unguarded(path: str, name: str) -> object:
    """The workbook reader on a file, without the streaming zip check (as if it were missing)."""
    import fastexcel

    return fastexcel.read_excel(Path(path).read_bytes()).load_sheet(0).to_arrow()


def job_rust_panic(label: str) -> str:
    """vl-convert on a bar chart whose one label is ``label`` (it aborts on control
    characters)."""
    import vl_convert

    spec = {
        "data": {"values": [{"label": label, "value": 1}]},
        "mark": "bar",
        "encoding": {
            "y": {"field": "label", "type": "nominal"},
            "x": {"field": "value", "type": "quantitative"},
        },
    }
    return vl_convert.vegalite_to_svg(spec)
