"""Check a workbook's zip by inflating it, never trusting what its headers claim.

An .xlsx, .xlsm or .ods file is a zip archive. Its central directory states each part's
compressed and uncompressed sizes, but nothing makes those true: a 9 MB workbook whose
directory claimed 900 KB per part inflated to 3.2 GB in the readers. So
:func:`check_workbook` reads every part's compressed bytes itself (from the offsets in the
directory, bounded by the file) and inflates them as a stream, counting the bytes that come out:

- it stops as soon as the whole workbook passes its budget (``PILOTE_MAX_UNZIPPED_MB``) or a
  part inflates more than ``PILOTE_MAX_ZIP_RATIO`` times its compressed size (beyond 1 MB);
- it refuses parts whose data overlap (one compressed "kernel" referenced by many entries),
  duplicate part names, local headers that contradict the directory, encryption, and
  compression methods other than stored and deflate (Excel and LibreOffice use only these);
- it refuses XML parts that declare a DOCTYPE or entities (entity expansion);
- in worksheet XML it counts the rows and looks for cells beyond the column limit, so that a
  sheet over ``PILOTE_MAX_ROWS`` or ``PILOTE_MAX_COLUMNS`` is refused before any reader builds
  it in memory; it also notes the last row number and the widest column used, because the
  readers allocate every cell of that rectangle (:meth:`PartScan.grid_cells`: a cell at A1 and
  one at SF1048576 make 500 million cells out of a few hundred bytes).

Memory stays flat (a few MB of buffers whatever the workbook); the time is that of inflating
the parts once (zlib, about 0.5–1 s per 100 MB inflated, see ``bench/bench_worker.py``): a large
part is inflated in a second thread while the first looks at the bytes already out, and the
search for far cells goes through RE2 first (1M rows, 586 MB of XML: 2.7–4.6 s → 2.0–2.5 s at a
load average of 3–4). A
nested archive (a zip stored as a part) is counted as bytes and not opened: no reader opens it.
"""

from __future__ import annotations

import functools
import io
import queue
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from kpi import i18n
from kpi.errors import PiloteError
from kpi.settings import DEFAULT_LIMITS, Limits

CHUNK = 1 << 20
"""Compressed bytes fed to zlib at a time."""
OUT_CHUNK = 4 << 20
"""Most inflated bytes produced at a time (the memory the check needs, whatever the part)."""
AHEAD_BYTES = 4 << 20
"""Compressed parts at least this large are inflated in a second thread
(:func:`_inflated_ahead`)."""
AHEAD = 2
"""Inflated chunks that may wait for the checks (memory: ``(AHEAD + 2) * OUT_CHUNK``)."""
PREFILTER_BYTES = 64 << 10
"""Buffers at least this large are first searched by RE2 (:func:`_may_match`)."""
MAX_PARTS = 10_000
"""More parts than any real workbook has (each one costs the readers a directory entry)."""
RATIO_FLOOR = 1 << 20
"""Parts that inflate to less than this are never judged on their ratio (tiny XML parts
compress 100 times)."""
ROW_SLACK = 100
"""Rows above the data limit still accepted (title block, header, total rows), as the loader."""
LEADING_COLUMNS = 26
"""Empty columns a sheet may leave before its table: a cell beyond column
``max_columns + LEADING_COLUMNS`` means too many columns."""
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ENTITY_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_SHEET_ROOT = re.compile(rb"<(\w+:)?worksheet[\s>]")
_ROW_NUMBER = re.compile(rb'row r="(\d{1,9})"')
CELL_BYTES = 32
"""Memory of one cell in calamine's grid (its ``Data`` value: a 24-byte string or number and
its tag), whether the cell is filled or not."""


@dataclass
class PartScan:
    """What inflating one part showed."""

    name: str
    compressed: int
    claimed: int
    unzipped: int = 0
    rows: int = 0
    last_row: int = 0
    last_column: int = 0

    @property
    def grid_cells(self) -> int:
        """Cells of the rectangle a reader allocates for this worksheet: from A1 to the last
        row and the widest column (an upper bound: calamine starts at the first used cell)."""
        return max(self.last_row, self.rows) * self.last_column


@dataclass
class WorkbookScan:
    """The result of :func:`check_workbook`."""

    unzipped_bytes: int = 0
    claimed_bytes: int = 0
    parts: list[PartScan] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Row elements of the largest worksheet (xlsx)."""
        return max((p.rows for p in self.parts), default=0)

    def check_grids(self, memory_bytes: int) -> None:
        """Refuse a worksheet whose cell rectangle would need more than ``memory_bytes`` in the
        readers (:data:`CELL_BYTES` a cell), before they allocate it.

        Raises
        ------
        PiloteError
            ``zipguard.sparse_sheet`` with the far cell, the rows really filled and the memory
            the rectangle would take.
        """
        for part in self.parts:
            if part.grid_cells * CELL_BYTES > memory_bytes:
                raise PiloteError(
                    "zipguard.sparse_sheet",
                    cell=f"{column_name(part.last_column)}{part.last_row}",
                    rows=i18n.Count(part.rows),
                    size_mb=i18n.Count(part.grid_cells * CELL_BYTES // 2**20),
                    limit_mb=i18n.Count(max(1, memory_bytes // 2**20)),
                )


def check_workbook(
    data: bytes | memoryview,
    limits: Limits = DEFAULT_LIMITS,
    budget_bytes: int | None = None,
    keep: Callable[[str], Callable[[bytes], None] | None] | None = None,
) -> WorkbookScan:
    """Inflate every part of a zip workbook, counting, and refuse it at the first excess.

    Parameters
    ----------
    data : bytes
        The workbook file.
    limits : Limits
        ``max_unzipped_bytes`` (whole workbook), ``max_zip_ratio`` (each part),
        ``max_rows`` and ``max_columns`` (each worksheet).
    budget_bytes : int, optional
        Inflated bytes allowed for the whole workbook; default ``limits.max_unzipped_bytes``.
    keep : callable, optional
        Called with each part's name; what it returns (if not None) is called with the part's
        inflated bytes, in order, each piece once it has passed the checks, so that a reader
        can use them instead of inflating the part again. A part refused midway has had its
        first pieces kept: the caller discards them when this function raises.

    Returns
    -------
    WorkbookScan
        The inflated size of each part (counted, not claimed) and rows per worksheet.

    Raises
    ------
    PiloteError
        ``zipguard.corrupt`` (not a zip, a part past the end, duplicate names, headers that
        contradict each other, unknown compression, truncated data), ``zipguard.overlapping``,
        ``zipguard.too_many_parts``, ``zipguard.encrypted``, ``zipguard.bomb`` (ratio),
        ``zipguard.too_big`` (budget), ``zipguard.entities``, ``zipguard.too_many_rows``,
        ``zipguard.too_many_columns``.
    """
    view = memoryview(data)
    budget = limits.max_unzipped_bytes if budget_bytes is None else budget_bytes
    try:
        infos = zipfile.ZipFile(io.BytesIO(view)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise PiloteError("zipguard.corrupt") from exc
    if len(infos) > MAX_PARTS:
        raise PiloteError("zipguard.too_many_parts", n=len(infos), limit=MAX_PARTS)
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise PiloteError("zipguard.corrupt")
    if not ("[Content_Types].xml" in names or "mimetype" in names):
        raise PiloteError("zipguard.corrupt")
    spans = [_data_span(view, info) for info in infos]
    _refuse_overlaps(spans, infos)
    column_limit = limits.max_columns + LEADING_COLUMNS
    scan = WorkbookScan(claimed_bytes=sum(i.file_size for i in infos))
    for info, (start, end) in zip(infos, spans, strict=True):
        part = PartScan(info.filename, end - start, info.file_size)
        scan.parts.append(part)
        room = budget - scan.unzipped_bytes
        sink = keep(info.filename) if keep is not None else None
        _inflate(view[start:end], info, part, room, budget, limits, column_limit, sink)
        scan.unzipped_bytes += part.unzipped
    return scan


def _data_span(view: memoryview, info: zipfile.ZipInfo) -> tuple[int, int]:
    """Where a part's compressed bytes are, from its local header (checked against the
    directory); refuses what the readers would read differently."""
    if info.flag_bits & 0x1:
        raise PiloteError("zipguard.encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise PiloteError("zipguard.corrupt")
    offset = info.header_offset
    if offset < 0 or offset + _LOCAL_HEADER.size > len(view):
        raise PiloteError("zipguard.corrupt")
    (sig, _ver, flags, method, _t, _d, _crc, csize, usize, name_len, extra_len) = (
        _LOCAL_HEADER.unpack_from(view, offset)
    )
    if sig != _LOCAL_SIGNATURE or method != info.compress_type:
        raise PiloteError("zipguard.corrupt")
    local_name = bytes(view[offset + 30 : offset + 30 + name_len])
    if local_name not in (info.filename.encode("utf-8"), info.filename.encode("cp437", "replace")):
        raise PiloteError("zipguard.corrupt")
    sizes_in_descriptor = flags & 0x8
    if not sizes_in_descriptor and 0xFFFFFFFF not in (csize, usize):
        if csize != info.compress_size or usize != info.file_size:
            raise PiloteError("zipguard.corrupt")
    start = offset + 30 + name_len + extra_len
    end = start + info.compress_size
    if end > len(view):
        raise PiloteError("zipguard.corrupt")
    return start, end


def _refuse_overlaps(spans: list[tuple[int, int]], infos: list[zipfile.ZipInfo]) -> None:
    """Parts whose bytes overlap: the 'overlapping files' bomb (one deflate kernel referenced
    by thousands of entries)."""
    ranges = sorted(
        (info.header_offset, end) for info, (_start, end) in zip(infos, spans, strict=True)
    )
    for (_a_start, a_end), (b_start, _b_end) in zip(ranges, ranges[1:], strict=False):
        if b_start < a_end:
            raise PiloteError("zipguard.overlapping")


def _inflate(
    raw: memoryview,
    info: zipfile.ZipInfo,
    part: PartScan,
    room: int,
    budget: int,
    limits: Limits,
    column_limit: int,
    sink: Callable[[bytes], None] | None = None,
) -> None:
    name = info.filename
    is_xml = name.lower().endswith((".xml", ".rels"))
    ratio_cap = limits.max_zip_ratio * max(len(raw), 1)
    watch = _Watcher(is_xml, column_limit)
    if info.compress_type == zipfile.ZIP_STORED:
        chunks: Iterator[bytes] = (bytes(raw[p : p + CHUNK]) for p in range(0, len(raw), CHUNK))
    elif len(raw) >= AHEAD_BYTES:
        chunks = _inflated_ahead(raw)
    else:
        chunks = _inflated(raw)
    try:
        for out in chunks:
            part.unzipped += len(out)
            _check_size(part, room, ratio_cap, budget, limits)
            watch.feed(out, part, limits)
            if sink is not None:
                sink(out)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # stops the inflating thread of _inflated_ahead


def _inflated(raw: memoryview) -> Iterator[bytes]:
    """A deflated part's bytes, :data:`OUT_CHUNK` at most at a time.

    Raises
    ------
    PiloteError
        ``zipguard.corrupt``: not a deflate stream, or one that stops before its end.
    """
    inflater = zlib.decompressobj(-15)
    try:
        for pos in range(0, len(raw), CHUNK):
            pending = raw[pos : pos + CHUNK]
            while pending:
                out = inflater.decompress(pending, OUT_CHUNK)
                pending = inflater.unconsumed_tail
                yield out
                if inflater.eof:
                    break
            if inflater.eof:
                break
        while not inflater.eof:
            out = inflater.decompress(b"", OUT_CHUNK)
            if not out:
                break
            yield out
    except zlib.error as exc:
        raise PiloteError("zipguard.corrupt") from exc
    if not inflater.eof:
        raise PiloteError("zipguard.corrupt")  # the stream stops before its end


def _inflated_ahead(raw: memoryview) -> Iterator[bytes]:
    """:func:`_inflated`, run in a second thread a few chunks ahead of the checks (zlib
    releases the GIL while it inflates): on two cores, inflating and looking at the bytes
    overlap. At most :data:`AHEAD` chunks wait, so memory stays bounded whatever the part;
    when the consumer stops early (a check failed), the thread stops at its next chunk."""
    waiting: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for out in _inflated(raw):
                if not put(("data", out)):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(("error", exc))
            return
        put(("end", None))

    thread = threading.Thread(target=run, name="zipguard-inflate", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = waiting.get()
            if kind == "data":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        thread.join()


def _check_size(part: PartScan, room: int, ratio_cap: int, budget: int, limits: Limits) -> None:
    if part.unzipped > room:
        raise PiloteError("zipguard.too_big", limit_mb=i18n.Count(max(1, budget // 2**20)))
    if part.unzipped > RATIO_FLOOR and part.unzipped > ratio_cap:
        raise PiloteError(
            "zipguard.bomb",
            ratio=part.unzipped // max(part.compressed, 1),
            limit=limits.max_zip_ratio,
        )


class _Watcher:
    """Looks at a part's inflated bytes as they stream past: entity declarations, rows, the
    widest column (cells beyond the column limit are refused).

    The widest column is found with :func:`_column_beyond` of the widest seen so far: after a
    sheet's first row such a pattern matches nothing, so a legitimate sheet costs one search
    per chunk, whatever its width.

    Each chunk is searched as it is (no copy); a marker cut by a chunk boundary is found in the
    *junction* — the last bytes of the previous chunk followed by the first of this one —
    where it is counted only if it lies across the boundary.
    """

    KEEP = 32  # longer than every marker
    ROOT_WINDOW = 4096  # the root element is within the first bytes of a worksheet

    def __init__(self, is_xml: bool, column_limit: int) -> None:
        self.is_xml = is_xml
        self.column_limit = column_limit
        self.tail = b""
        self.start = b""
        self.row_marker: bytes | None = None

    def feed(self, chunk: bytes, part: PartScan, limits: Limits) -> None:
        if not self.is_xml or not chunk:
            return
        tail = self.tail
        head = chunk[: self.KEEP]
        junction = tail + head
        # '!' is rare in a sheet: one fast byte search, the markers only when it is there
        if (b"!" in chunk or b"!" in junction) and any(
            m in chunk or m in junction for m in _ENTITY_MARKERS
        ):
            raise PiloteError("zipguard.entities")
        if self.row_marker is None:
            # Rows are <row> in the default namespace, <x:row> when the writer used a prefix.
            self.start += chunk[: self.ROOT_WINDOW]
            root = _SHEET_ROOT.search(self.start, 0, self.ROOT_WINDOW)
            if root:
                self.row_marker = b"<" + (root.group(1) or b"") + b"row"
            elif len(self.start) >= self.ROOT_WINDOW:
                self.row_marker = b""  # not a worksheet
        if self.row_marker:
            self._rows(chunk, tail, head, junction, part, limits)
            self._columns(chunk, part, limits)
            self._columns(junction, part, limits)
        self.tail = chunk[-self.KEEP :] if len(chunk) >= self.KEEP else junction[-self.KEEP :]

    def _rows(
        self,
        chunk: bytes,
        tail: bytes,
        head: bytes,
        junction: bytes,
        part: PartScan,
        limits: Limits,
    ) -> None:
        marker = self.row_marker or b""
        across = junction.count(marker) - tail.count(marker) - head.count(marker)
        rows = chunk.count(marker) + across
        if rows:
            part.rows += rows
            if part.rows > limits.max_rows + ROW_SLACK:
                raise PiloteError(
                    "zipguard.too_many_rows",
                    n=i18n.Count(part.rows),
                    limit=i18n.Count(limits.max_rows),
                )
        # the last row number seen (a number cut at the chunk's end is read with the next one)
        for buf in (chunk, junction):
            last = buf.rfind(b'row r="')
            m = _ROW_NUMBER.match(buf, last) if last >= 0 else None
            if m:
                part.last_row = max(part.last_row, int(m.group(1)))
                break

    def _columns(self, buf: bytes, part: PartScan, limits: Limits) -> None:
        pos = 0
        while True:
            pattern = _column_beyond(max(part.last_column, 1))
            if pattern is None or (pos == 0 and not _may_match(pattern, buf)):
                return
            m = pattern.search(buf, pos)
            if m is None:
                return
            part.last_column = column_index(m.group(1).decode("ascii"))
            if part.last_column > self.column_limit:
                raise PiloteError(
                    "zipguard.too_many_columns",
                    column=m.group(1).decode("ascii"),
                    limit=limits.max_columns,
                )
            pos = m.end()


def _may_match(pattern: re.Pattern[bytes], buf: bytes) -> bool:
    """Whether ``pattern`` may match in ``buf``: False only when RE2 (pyarrow, byte semantics,
    no GIL held) finds no match, which it does five times faster than ``re`` on a sheet where
    every cell starts like the pattern (``c r="``) and none goes on like it."""
    if len(buf) < PREFILTER_BYTES:
        return True
    offsets = pa.py_buffer(struct.pack("<ii", 0, len(buf)))
    haystack = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(buf)])
    found = pc.match_substring_regex(haystack, pattern.pattern.decode("ascii"))
    return bool(found[0].as_py())


def column_index(name: str) -> int:
    """1-based index of a spreadsheet column name: A → 1, AA → 27, XFD → 16384."""
    index = 0
    for letter in name:
        index = index * 26 + ord(letter) - 64
    return index


def column_name(index: int) -> str:
    """Spreadsheet column name of a 1-based index: 1 → A, 27 → AA, 16384 → XFD."""
    name = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


@functools.lru_cache(maxsize=1024)
def _column_beyond(limit: int) -> re.Pattern[bytes] | None:
    """A pattern matching a cell reference (``<c r="SG12"``) whose column is past ``limit``,
    that matches nothing in a sheet within it (so that scanning a legitimate sheet costs one
    fast search per chunk, not one match per cell)."""
    if limit >= 16384:  # XFD: the last column Excel has
        return None
    name = column_name(limit)
    alternatives = [f"[A-Z]{{{len(name) + 1},3}}"] if len(name) < 3 else []
    for i, letter in enumerate(name):
        if letter == "Z":
            continue
        rest = len(name) - i - 1
        above = chr(ord(letter) + 1)
        alternatives.append(name[:i] + f"[{above}-Z]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    # Starts with a literal, so that the search jumps from cell to cell.
    pattern = r'c r="(' + "|".join(f"(?:{a})" for a in alternatives) + r")[0-9]"
    return re.compile(pattern.encode("ascii"))


i18n.add_messages(
    {
        "zipguard.corrupt": {
            "fr": "Ce classeur est endommagé ou n'est pas un vrai fichier Excel/ODS. Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou exportez-le en CSV.",
            "en": "This workbook is damaged or is not a real Excel/ODS file. Open it in Excel or LibreOffice and save it again, or export it as CSV.",
        },
        "zipguard.encrypted": {
            "fr": "Ce classeur est chiffré. Enregistrez-en une copie sans mot de passe puis réessayez.",
            "en": "This workbook is encrypted. Save a copy without a password and try again.",
        },
        "zipguard.bomb": {
            "fr": "Une partie de ce classeur se décompresse plus de {ratio} fois plus grosse que dans le fichier (limite {limit}) : il est refusé par sécurité. Enregistrez-le à nouveau depuis Excel ou exportez-le en CSV.",
            "en": "A part of this workbook expands more than {ratio} times its size in the file (limit {limit}): refused for safety. Save it again from Excel or export it as CSV.",
        },
        "zipguard.entities": {
            "fr": "Ce classeur contient des définitions d'entités XML, refusées par sécurité. Enregistrez-le à nouveau depuis Excel ou LibreOffice.",
            "en": "This workbook contains XML entity definitions, refused for safety. Save it again from Excel or LibreOffice.",
        },
        "zipguard.too_big": {
            "fr": "Ce classeur décompressé dépasse {limit_mb} Mo, la limite de ce serveur : il est refusé avant d'être lu. Exportez moins de lignes ou passez par un CSV.",
            "en": "This workbook takes more than {limit_mb} MB once unpacked, this server's limit: it is refused before being read. Export fewer rows or use CSV.",
        },
        "zipguard.overlapping": {
            "fr": "Les parties de ce classeur se chevauchent dans le fichier (construction typique d'une « bombe zip ») : il est refusé par sécurité. Enregistrez-le à nouveau depuis Excel ou LibreOffice.",
            "en": "This workbook's parts overlap inside the file (how 'zip bombs' are built): refused for safety. Save it again from Excel or LibreOffice.",
        },
        "zipguard.too_many_parts": {
            "fr": "Ce classeur contient {n} parties (limite {limit}) : il est refusé par sécurité. Enregistrez-le à nouveau depuis Excel ou exportez-le en CSV.",
            "en": "This workbook holds {n} parts (limit {limit}): refused for safety. Save it again from Excel or export it as CSV.",
        },
        "zipguard.too_many_rows": {
            "fr": "Une feuille de ce classeur a plus de {n} lignes ; la limite est {limit}. Exportez une période plus courte.",
            "en": "A sheet of this workbook has more than {n} rows; the limit is {limit}. Export a shorter period.",
        },
        "zipguard.sparse_sheet": {
            "fr": "Une feuille de ce classeur va jusqu'à la cellule {cell} pour {rows} ligne(s) remplie(s) : pour la lire, il faudrait réserver toutes les cellules jusque-là ({size_mb} Mo, la limite est {limit_mb} Mo). Supprimez les cellules isolées loin du tableau (Ctrl+Fin dans Excel montre la dernière cellule utilisée) puis enregistrez à nouveau, ou exportez en CSV.",
            "en": "A sheet of this workbook reaches cell {cell} with {rows} filled row(s): reading it would need room for every cell up to there ({size_mb} MB, the limit is {limit_mb} MB). Delete the stray cells far from the table (Ctrl+End in Excel shows the last used cell) and save again, or export as CSV.",
        },
        "zipguard.too_many_columns": {
            "fr": "Une feuille de ce classeur a des cellules jusqu'à la colonne {column} ; Pilote lit au plus {limit} colonnes. Retirez les colonnes inutiles de l'export.",
            "en": "A sheet of this workbook has cells as far as column {column}; Pilote reads at most {limit} columns. Remove unneeded columns from the export.",
        },
    }
)
