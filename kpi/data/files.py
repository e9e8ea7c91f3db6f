"""Files in and out, within limits: which paths may be read or written, and readers that stop
as soon as a table passes ``PILOTE_MAX_ROWS`` or ``PILOTE_MAX_COLUMNS``.

Paths (the CLI): :func:`check_input_path` accepts only regular files — a folder, a named pipe
(which would block forever), a device (``/dev/zero`` never ends) or a socket is refused before
anything is read — and :func:`read_input` reads at most the size limit; :func:`check_output_path`
checks a report's destination before any long work.

Readers: each stops early instead of building a whole table and counting afterwards.

============================ ================================================================
reader                       how it stops
============================ ================================================================
CSV (pyarrow)                :func:`read_csv_limited`: counts line ends first (a fast upper
                             bound on records); over the limit, parses batch by batch and
                             stops at the first batch past it
whitespace-separated text    :func:`read_whitespace`: line by line, stops past the limit;
                             Arrow columns (no Python list of every cell)
XLSX / XLSM                  :func:`kpi.data.zipguard.check_workbook` counts the rows and
                             finds cells beyond the column limit while inflating the sheet,
                             before calamine reads it; :func:`load_sheet_limited` then checks
                             the sheet's size before building Arrow columns
XLS, ODS                     :func:`load_sheet_limited` (an .xls holds at most 65,536 × 256
                             cells; ODS rows are counted by the zip check only per file)
============================ ================================================================
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from kpi import i18n
from kpi.errors import PiloteError
from kpi.settings import DEFAULT_LIMITS, Limits

ROW_SLACK = 100
"""Lines above the row limit still read (title block, header, blank and total lines): the
exact count of data rows is the loader's, after it has found the header."""
BLOCK = 8 << 20
"""Bytes of text handled at a time by :func:`read_whitespace`."""
REPORT_EXTENSIONS = (".xlsx", ".html")


# ---------------------------------------------------------------------------------------------
# Input paths


@dataclass(frozen=True)
class InputFile:
    """A regular file that can be read."""

    path: Path
    size: int


def check_input_path(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> InputFile:
    """Check that ``path`` is a regular, readable file within the size limit.

    The path is looked at with ``stat`` first (opening some devices has side effects), then
    opened without blocking (a FIFO) and looked at again through the open file, so that a
    swap between the two is caught.

    Raises
    ------
    PiloteError
        ``files.not_found``, ``files.is_folder``, ``files.is_fifo``, ``files.is_device``,
        ``files.is_socket``, ``files.unreadable``, ``files.too_big``.
    """
    p = Path(path)
    shown = str(path)
    try:
        st = os.stat(p)
    except FileNotFoundError as exc:
        raise PiloteError("files.not_found", path=shown) from exc
    except OSError as exc:
        raise PiloteError("files.unreadable", path=shown, reason=_reason(exc)) from exc
    _refuse_special(st.st_mode, shown)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError as exc:
        raise PiloteError("files.not_found", path=shown) from exc
    except OSError as exc:
        raise PiloteError("files.unreadable", path=shown, reason=_reason(exc)) from exc
    try:
        st = os.fstat(fd)
        _refuse_special(st.st_mode, shown)
    finally:
        os.close(fd)
    if st.st_size > limits.max_file_bytes:
        raise PiloteError(
            "files.too_big",
            path=shown,
            size_mb=st.st_size // 2**20,
            limit_mb=limits.max_file_bytes // 2**20,
        )
    return InputFile(p, st.st_size)


def _refuse_special(mode: int, shown: str) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise PiloteError("files.is_folder", path=shown)
    if stat.S_ISFIFO(mode):
        raise PiloteError("files.is_fifo", path=shown)
    if stat.S_ISSOCK(mode):
        raise PiloteError("files.is_socket", path=shown)
    raise PiloteError("files.is_device", path=shown)


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def read_input(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of a checked input file, never more than the size limit (a file that grows
    while it is read is refused, not read without end).

    Raises
    ------
    PiloteError
        As :func:`check_input_path`.
    """
    checked = check_input_path(path, limits)
    try:
        with open(checked.path, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise PiloteError("files.unreadable", path=str(path), reason=_reason(exc)) from exc
    if len(data) > limits.max_file_bytes:
        raise PiloteError(
            "files.too_big",
            path=str(path),
            size_mb=len(data) // 2**20,
            limit_mb=limits.max_file_bytes // 2**20,
        )
    return data


# ---------------------------------------------------------------------------------------------
# Output paths


def check_output_path(
    path: str | os.PathLike[str], extensions: Sequence[str] = REPORT_EXTENSIONS
) -> str:
    """Check, before any long work, that a file can be written at ``path``; return its
    extension without the dot (the format).

    The folder must exist and take a new file (tried for real: a temporary file is created and
    removed, which also catches read-only file systems and works for root); an existing
    ``path`` must be a regular file.

    Raises
    ------
    PiloteError
        ``files.bad_extension``, ``files.out_no_folder``, ``files.out_is_folder``,
        ``files.out_not_file``, ``files.out_not_writable``.
    """
    p = Path(path)
    shown = str(path)
    allowed = tuple(e.lower() for e in extensions)
    if p.suffix.lower() not in allowed:
        raise PiloteError("files.bad_extension", path=shown, allowed=", ".join(allowed))
    if p.exists():
        if p.is_dir():
            raise PiloteError("files.out_is_folder", path=shown)
        if not p.is_file():
            raise PiloteError("files.out_not_file", path=shown)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise PiloteError("files.out_no_folder", path=shown, folder=str(folder))
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".pilote-check-"):
            pass
    except OSError as exc:
        raise PiloteError("files.out_not_writable", path=shown, reason=_reason(exc)) from exc
    if p.exists() and not os.access(p, os.W_OK):
        raise PiloteError("files.out_not_writable", path=shown, reason="permission denied")
    return p.suffix.lower().lstrip(".")


# ---------------------------------------------------------------------------------------------
# Text readers


def count_lines(data: bytes | memoryview) -> int:
    """Line ends in ``data`` (LF, CRLF or a lone CR), plus an unterminated last line: an upper
    bound on its CSV records (a quoted value may span lines)."""
    if not len(data):
        return 0
    ends = max(data.count(b"\n"), data.count(b"\r"))
    last = bytes(data[-1:])
    return ends + (0 if last in (b"\n", b"\r") else 1)


def read_csv_limited(
    data: bytes,
    read_options: pacsv.ReadOptions,
    parse_options: pacsv.ParseOptions,
    convert_options: pacsv.ConvertOptions,
    limits: Limits = DEFAULT_LIMITS,
) -> pa.Table:
    """``pyarrow.csv.read_csv`` that refuses a table over ``limits.max_rows`` rows early.

    When the file has no more lines than the limit (the usual case: one count of line ends),
    it is read with pyarrow's multi-threaded reader. Otherwise it is read batch by batch and
    refused at the first batch that passes the limit, before the rest is parsed.

    Raises
    ------
    PiloteError
        ``files.too_many_rows``. pyarrow's own errors pass through.
    """
    skip = read_options.skip_rows or 0
    if count_lines(data) - skip <= limits.max_rows + ROW_SLACK:
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
    reader = pacsv.open_csv(
        io.BytesIO(data),
        read_options=read_options,
        parse_options=parse_options,
        convert_options=convert_options,
    )
    batches: list[pa.RecordBatch] = []
    rows = 0
    for batch in reader:
        rows += batch.num_rows
        if rows > limits.max_rows + ROW_SLACK:
            raise PiloteError(
                "files.too_many_rows", n=i18n.Count(rows), limit=i18n.Count(limits.max_rows)
            )
        batches.append(batch)
    return pa.Table.from_batches(batches, schema=reader.schema)


@dataclass
class WhitespaceTable:
    """What :func:`read_whitespace` read.

    Attributes
    ----------
    table : pyarrow.Table
        Every non-blank line (the header line too, if there is one) as text columns named
        ``"1"``, ``"2"``…
    short_rows : int
        Lines with fewer values than ``width``: kept, padded with empty cells.
    dropped_lines : list of int
        1-based numbers of lines with more values than ``width``: not kept.
    """

    table: pa.Table
    short_rows: int = 0
    dropped_lines: list[int] = field(default_factory=list)


_QUOTED_TOKEN = re.compile(rb'"(?:[^"]|"")*"|\S+')


def read_whitespace(data: bytes, width: int, limits: Limits = DEFAULT_LIMITS) -> WhitespaceTable:
    """Whitespace-aligned text (runs of spaces or tabs between values) as Arrow text columns.

    Each line is split on whitespace (a value in double quotes may hold spaces) and written
    back tab-separated, ``width`` values wide, for pyarrow's CSV reader; lines with fewer
    values are padded, lines with more are dropped and listed. Stops as soon as the lines
    pass ``limits.max_rows``; ``width`` over ``limits.max_columns`` is refused at once.

    Parameters
    ----------
    data : bytes
        UTF-8 text.
    width : int
        Values per line (the most common count in the sample the loader looked at).

    Raises
    ------
    PiloteError
        ``files.too_many_columns``, ``files.too_many_rows``.
    """
    if width > limits.max_columns:
        raise PiloteError("files.too_many_columns", n=width, limit=limits.max_columns)
    if width < 1:
        raise ValueError("width must be at least 1")
    rows = 0
    short = 0
    dropped: list[int] = []
    out = io.BytesIO()
    line_no = 0
    cap = limits.max_rows + ROW_SLACK
    pad = [b""] * width
    for block in _blocks(data):
        lines = block.split(b"\n")
        quoted = b'"' in block
        kept: list[bytes] = []
        for line in lines:
            line_no += 1
            tokens = _tokens(line) if quoted and b'"' in line else line.split()
            if not tokens:
                continue
            n = len(tokens)
            if n > width:
                dropped.append(line_no)
                continue
            if n < width:
                short += 1
                tokens = tokens + pad[: width - n]
            rows += 1
            kept.append(b"\t".join(tokens))
        if rows > cap:
            raise PiloteError(
                "files.too_many_rows", n=i18n.Count(rows), limit=i18n.Count(limits.max_rows)
            )
        if kept:
            out.write(b"\n".join(kept))
            out.write(b"\n")
    names = [str(i + 1) for i in range(width)]
    if not rows:
        table = pa.table({n: pa.array([], pa.string()) for n in names})
    else:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(out.getbuffer())),  # no copy of the text
            read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
    return WhitespaceTable(table, short, dropped)


def _blocks(data: bytes) -> Iterator[bytes]:
    """``data`` in blocks of about :data:`BLOCK` bytes that end at a line end; a CRLF or
    lone-CR file is cut on CR (the CR of CRLF is then stripped by ``split``)."""
    sep = b"\n" if b"\n" in data[:BLOCK] or b"\r" not in data[:BLOCK] else b"\r"
    start = 0
    n = len(data)
    while start < n:
        end = min(n, start + BLOCK)
        if end < n:
            cut = data.rfind(sep, start, end)
            if cut < start:  # a line longer than a block: take it whole
                cut = data.find(sep, end)
            end = cut + 1 if cut >= 0 else n
        block = data[start:end]
        if sep == b"\r":
            block = block.replace(b"\r", b"\n")
        yield block[:-1] if block.endswith(b"\n") else block
        start = end


def _tokens(line: bytes) -> list[bytes]:
    """Whitespace-separated values, where ``"a b"`` is one value (quotes removed, ``""`` is a
    quote) and a tab inside quotes becomes a space (tabs separate the output)."""
    out = []
    for token in _QUOTED_TOKEN.findall(line):
        if len(token) >= 2 and token.startswith(b'"') and token.endswith(b'"'):
            token = token[1:-1].replace(b'""', b'"').replace(b"\t", b" ")
        out.append(token)
    return out


# ---------------------------------------------------------------------------------------------
# Workbook sheets


def load_sheet_limited(
    reader: Any,
    sheet: str | int,
    limits: Limits = DEFAULT_LIMITS,
    **options: Any,
) -> pa.RecordBatch:
    """One sheet of a fastexcel reader as Arrow columns, refused before the Arrow columns are
    built when it has too many rows or columns.

    fastexcel (calamine) reads the whole sheet before it knows its size; this stops before
    the second copy (the Arrow columns), and reads at most ``max_rows`` + 100 rows.
    For .xlsx the rows were already counted while inflating (:mod:`kpi.data.zipguard`).

    Parameters
    ----------
    reader : fastexcel.ExcelReader
    sheet : str or int
    **options
        Passed to ``reader.load_sheet`` (``header_row``, ``dtype_coercion``…).

    Raises
    ------
    PiloteError
        ``files.too_many_rows``, ``files.too_many_columns``.
    """
    cap = limits.max_rows + ROW_SLACK
    loaded = reader.load_sheet(sheet, n_rows=cap + 1, **options)
    if loaded.width > limits.max_columns:
        raise PiloteError("files.too_many_columns", n=loaded.width, limit=limits.max_columns)
    if loaded.total_height > cap:
        raise PiloteError(
            "files.too_many_rows",
            n=i18n.Count(loaded.total_height),
            limit=i18n.Count(limits.max_rows),
        )
    return loaded.to_arrow()


def check_table_shape(table: pa.Table | pa.RecordBatch, limits: Limits = DEFAULT_LIMITS) -> None:
    """The last line of defence, for any reader: refuse a table over the limits.

    Raises
    ------
    PiloteError
        ``files.too_many_rows``, ``files.too_many_columns``.
    """
    if table.num_columns > limits.max_columns:
        raise PiloteError("files.too_many_columns", n=table.num_columns, limit=limits.max_columns)
    if table.num_rows > limits.max_rows + ROW_SLACK:
        raise PiloteError(
            "files.too_many_rows", n=i18n.Count(table.num_rows), limit=i18n.Count(limits.max_rows)
        )


i18n.add_messages(
    {
        "files.not_found": {
            "fr": "Fichier introuvable : {path}.",
            "en": "File not found: {path}.",
        },
        "files.is_folder": {
            "fr": "{path} est un dossier, pas un fichier. Indiquez le fichier à lire (CSV, TXT, XLSX, XLS ou ODS).",
            "en": "{path} is a folder, not a file. Name the file to read (CSV, TXT, XLSX, XLS or ODS).",
        },
        "files.is_fifo": {
            "fr": "{path} est un tube nommé (FIFO), pas un fichier : Pilote ne lit que des fichiers ordinaires. Enregistrez d'abord les données dans un fichier.",
            "en": "{path} is a named pipe (FIFO), not a file: Pilote reads regular files only. Save the data to a file first.",
        },
        "files.is_device": {
            "fr": "{path} est un périphérique, pas un fichier : Pilote ne lit que des fichiers ordinaires.",
            "en": "{path} is a device, not a file: Pilote reads regular files only.",
        },
        "files.is_socket": {
            "fr": "{path} est une socket, pas un fichier : Pilote ne lit que des fichiers ordinaires.",
            "en": "{path} is a socket, not a file: Pilote reads regular files only.",
        },
        "files.unreadable": {
            "fr": "Impossible de lire {path} ({reason}). Vérifiez les droits d'accès au fichier.",
            "en": "Cannot read {path} ({reason}). Check the file's permissions.",
        },
        "files.too_big": {
            "fr": "{path} pèse {size_mb} Mo, au-delà de la limite de {limit_mb} Mo. Exportez une période plus courte ou moins de colonnes.",
            "en": "{path} is {size_mb} MB, over the {limit_mb} MB limit. Export a shorter period or fewer columns.",
        },
        "files.bad_extension": {
            "fr": "Impossible d'écrire {path} : extensions possibles {allowed}.",
            "en": "Cannot write {path}: possible extensions are {allowed}.",
        },
        "files.out_no_folder": {
            "fr": "Impossible d'écrire {path} : le dossier {folder} n'existe pas.",
            "en": "Cannot write {path}: folder {folder} does not exist.",
        },
        "files.out_is_folder": {
            "fr": "Impossible d'écrire {path} : c'est un dossier. Indiquez un nom de fichier.",
            "en": "Cannot write {path}: it is a folder. Give a file name.",
        },
        "files.out_not_file": {
            "fr": "Impossible d'écrire {path} : ce n'est pas un fichier ordinaire.",
            "en": "Cannot write {path}: it is not a regular file.",
        },
        "files.out_not_writable": {
            "fr": "Impossible d'écrire {path} ({reason}). Choisissez un dossier où vous pouvez écrire.",
            "en": "Cannot write {path} ({reason}). Choose a folder you can write to.",
        },
        "files.too_many_rows": {
            "fr": "Ce tableau a au moins {n} lignes ; la limite est {limit}. Exportez une période plus courte.",
            "en": "This table has at least {n} rows; the limit is {limit}. Export a shorter period.",
        },
        "files.too_many_columns": {
            "fr": "Ce tableau a {n} colonnes ; Pilote en lit au plus {limit}. Retirez les colonnes inutiles de l'export.",
            "en": "This table has {n} columns; Pilote reads at most {limit}. Remove unneeded columns from the export.",
        },
    }
)
