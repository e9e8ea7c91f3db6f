"""Bytes → typed DataFrame, with every decision written down in a :class:`LoadReport`.

CSV/TSV/TXT go through pyarrow's CSV reader with explicit options (all columns read as text,
then typed by :mod:`kpi.data.parsing`); XLSX/XLSM, XLS and ODS through python-calamine. The loader
finds the encoding (BOM, strict UTF-8, else charset-normalizer), the delimiter, the header row
under a title block, the decimal separator and the date order, drops empty rows and columns and
total rows, and counts everything it drops. Problems the user can fix raise
:class:`kpi.errors.PiloteError`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from kpi import i18n
from kpi.data.columns import (
    currency_from_headers,
    find_header,
    looks_like_value,
    make_names,
    non_empty,
    type_columns,
)
from kpi.data.dataset import LoadReport, Table
from kpi.data.files import check_table_shape, read_csv_limited, read_input, read_whitespace
from kpi.data.totals import drop_total_rows
from kpi.data.workbook import frame_from_batch, read_workbook, sheet_names, sniff_container
from kpi.errors import PiloteError
from kpi.settings import DEFAULT_LIMITS, Limits

Progress = Callable[[float, str], None]

TEXT_EXTENSIONS = (".csv", ".tsv", ".txt", ".tab", ".dat")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS + EXCEL_EXTENSIONS
DELIMITERS = (";", ",", "\t", "|")


# ---------------------------------------------------------------------------------------------
# Entry points


def load_table(
    data: bytes,
    name: str,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Table:
    """Read a file's bytes in this process and recognise the table: kind, column roles and
    confidence. The app parses uploads in a worker process instead, with a memory and time
    budget (:func:`kpi.data.worker.load_table_in_worker`)."""
    df, report = load_bytes(data, name, sheet=sheet, limits=limits, progress=progress)
    return table_from_frame(df, report, name)


def table_from_frame(df: pd.DataFrame, report: LoadReport, name: str) -> Table:
    """The :class:`Table` of a loaded frame: its kind and column roles.

    A recognised tool's export (``report.source``) takes its kind and roles from the profile;
    the generic detection fills the roles of the columns the profile does not know. Several
    currencies in the currency column are warned about in the load report.
    """
    from kpi.data import roles  # roles needs loading's helpers only at call time
    from kpi.data.sources import combine_mapping, currency_summary

    detection = roles.detect(df)
    kind, mapping, confidence = detection.kind, detection.mapping, detection.confidence
    reading = report.source
    if reading is not None and reading.recognised:
        kind = reading.kind or kind
        mapping, confidence = combine_mapping(
            reading, mapping, confidence, [str(c) for c in df.columns]
        )
    currencies = currency_summary(df, mapping)
    if currencies.main is not None:
        report.currency = currencies.main
    message = currencies.message()
    if message is not None and all(w.key != message.key for w in report.warnings):
        report.warnings.append(message)
    label = name if not report.sheet or len(report.sheets) <= 1 else f"{name} — {report.sheet}"
    return Table(
        name=label,
        df=df,
        kind=kind,
        mapping=mapping,
        confidence=confidence,
        report=report,
    )


def load_path(path: str | Path, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read a file from disk (the CLI and tests), in this process.

    Only a regular file within the size limit is read (:func:`kpi.data.files.read_input`: a
    folder, a named pipe or a device such as ``/dev/zero`` is refused before reading).
    """
    return load_table(read_input(path, limits), Path(path).name, sheet=sheet, limits=limits)


def load_bytes(
    data: bytes,
    name: str,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, LoadReport]:
    """Read a CSV/TSV/TXT or workbook into a typed DataFrame and its load report.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file name; its extension is a hint, the content decides.
    sheet : str, optional
        For workbooks, the sheet to read; default: the one holding the largest table.
    limits : Limits
        Size, row and column limits.
    progress : callable, optional
        Called as ``progress(fraction, message_key)`` during long loads.

    Raises
    ------
    PiloteError
        When the file cannot be read as a table; the message says why and what to do.
    """
    started = time.perf_counter()
    notify = progress or (lambda _f, _k: None)
    ext = Path(name).suffix.lower()
    if len(data) > limits.max_file_bytes:
        raise PiloteError(
            "load.too_big",
            name=name,
            size_mb=len(data) // 2**20,
            limit_mb=limits.max_file_bytes // 2**20,
        )
    if not data or data.isspace():  # data.strip() would copy the whole file
        raise PiloteError("load.empty", name=name)
    kind = sniff_container(data)
    if kind in ("zip", "ole"):
        report = LoadReport(name, ext.lstrip(".") or kind, len(data))
        notify(0.05, "load.progress.reading")
        batch, header_applied = read_workbook(data, name, kind, sheet, limits, report)
        notify(0.6, "load.progress.typing")
        df = frame_from_batch(batch, report, limits, header_applied)
        del batch
    else:
        if ext in EXCEL_EXTENSIONS:
            report = LoadReport(name, "csv", len(data))
            report.warn("load.warn.text_named_excel", ext=ext)
        else:
            report = LoadReport(name, "csv" if ext not in (".tsv",) else "tsv", len(data))
        notify(0.05, "load.progress.reading")
        try:
            try:
                df = _read_text(data, name, report, limits, notify)
            except UnicodeDecodeError:
                # invalid UTF-8 beyond the checked sample: decode the whole file properly
                report.warnings.clear()
                df = _read_text(data, name, report, limits, notify, full_decode=True)
        except csv.Error as exc:
            raise PiloteError("load.unreadable_csv", name=name, detail=str(exc)) from exc
    notify(0.9, "load.progress.cleaning")
    df = drop_total_rows(df, report)
    df = _read_source(df, report)
    if report.currency is None:
        report.currency = currency_from_headers(df)
    report.rows = len(df)
    report.columns = [str(c) for c in df.columns]
    report.seconds = round(time.perf_counter() - started, 3)
    if report.rows == 0:
        raise PiloteError("load.no_rows", name=name)
    notify(1.0, "load.progress.done")
    return df, report


def list_sheets(data: bytes) -> list[str]:
    """Sheet names of a workbook (empty for a text file)."""
    kind = sniff_container(data)
    if kind not in ("zip", "ole"):
        return []
    return sheet_names(data, kind, DEFAULT_LIMITS)


# ---------------------------------------------------------------------------------------------
# Text files


def _decode(data: bytes, report: LoadReport, full: bool = False) -> bytes:
    """Return UTF-8 bytes without BOM, recording the source encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        report.encoding = "utf-8-sig"
        return data[3:]
    for bom, enc in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            report.encoding = enc.replace("-le", "").replace("-be", "")
            return data[2:].decode(enc, errors="replace").encode("utf-8")
    try:
        # A sample is enough here: pyarrow checks the rest while reading and the caller
        # comes back with full=True if it finds an invalid byte further down.
        (data if full else data[:2_000_000]).decode("utf-8", errors="strict") if full else (
            codecs.getincrementaldecoder("utf-8")().decode(
                data[:2_000_000], final=len(data) <= 2_000_000
            )
        )
        report.encoding = "utf-8"
        return data
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data)
    if mixed is not None:
        text, n_bad = mixed
        report.encoding = "utf-8"
        report.warn("load.warn.mixed_encoding", n=n_bad)
        return text.encode("utf-8")
    from charset_normalizer import from_bytes

    results = from_bytes(data[:400_000])
    best = results.best()
    encoding = "cp1252"
    if best is not None:
        # Short texts fit several single-byte code pages equally well (charset-normalizer
        # often ranks cp1250 first for French). Among the near-equal candidates, prefer the
        # Western European ones that sales exports from French and English tools use.
        near = {m.encoding for m in results if m.chaos <= best.chaos + 0.01}
        near |= set(best.could_be_from_charset)
        preferred = [e for e in ("cp1252", "iso8859_15", "latin_1") if e in near]
        encoding = preferred[0] if preferred else best.encoding
    if encoding in ("ascii", "utf_8"):
        encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text = data.decode("cp1252", errors="replace")
        encoding = "cp1252"
        n_bad = text.count("\ufffd")
        if n_bad:
            report.warn("load.warn.bad_bytes", n=n_bad, encoding=encoding)
    report.encoding = encoding.replace("_", "-")
    return text.encode("utf-8")


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    # One undecodable byte at a time, read as Windows-1252 (latin-1 where cp1252 has a hole).
    byte = err.object[err.start : err.start + 1]
    try:
        return byte.decode("cp1252"), err.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), err.start + 1


codecs.register_error("pilote_cp1252", _cp1252_fallback)


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """A UTF-8 file with a few lines pasted from a Windows-1252 one: decode it as UTF-8 and
    the stray bytes as cp1252. None when the file is not mostly UTF-8."""
    # Judge on a sample (the start of the file and around the first bad byte): decoding and
    # scanning the whole file twice would cost more than the rest of the load.
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    sample = data[:2_000_000] + data[max(0, first_bad - 100_000) : first_bad + 100_000]
    replaced = sample.decode("utf-8", errors="replace")
    n_bad = replaced.count("\ufffd")
    non_ascii = len(replaced) - len(replaced.encode("ascii", "ignore"))
    if n_bad == 0 or non_ascii - n_bad < n_bad:
        return None
    text = data.decode("utf-8", errors="pilote_cp1252")
    n_fixed = len(text) - len(data.decode("utf-8", errors="ignore"))
    return text, max(n_fixed, 1)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > 0.05 * max(len(head), 1)


_LINE_END = re.compile(r"\r\n|\r|\n")


def _sample_lines(text: str, n: int = 300) -> list[str]:
    """The first ``n`` lines, split on CR/LF only: ``str.splitlines`` would also split on a
    vertical tab, a form feed, U+001C–U+001E, U+0085 or U+2028 inside a cell (some tools write
    a vertical tab for an in-cell line break), which breaks the delimiter sniffing."""
    lines = _LINE_END.split(text, maxsplit=n)[:n]
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _sniff_delimiter(lines: list[str]) -> tuple[str | None, int]:
    """Choose the delimiter giving the most consistent field count over the sample's lines."""
    best: tuple[float, int, str | None] = (0.0, 1, None)
    data_lines = [ln for ln in lines if ln.strip()]
    if not data_lines:
        return None, 1
    tail = data_lines[len(data_lines) // 3 :] or data_lines
    for d in DELIMITERS:
        counts = [len(r) for r in csv.reader(tail, delimiter=d)]
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        consistency = freq / len(counts)
        score = (consistency, mode)
        if score > best[:2]:
            best = (consistency, mode, d)
    if best[2] is None:
        return _sniff_short_table(data_lines)
    return best[2], best[1]


def _sniff_short_table(lines: list[str]) -> tuple[str | None, int]:
    """A short table whose report furniture outnumbers its rows: a few data lines between a
    title block and a footer of one-cell lines (a small Salesforce report: 3 deals, then a
    copyright, a confidentiality line, "Generated By" and the company). The delimiter is the
    one whose multi-cell lines form one contiguous block of at least a header and a row, all
    with the same number of cells."""
    best: tuple[int, int, str | None] = (0, 1, None)
    for d in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        multi = [i for i, n in enumerate(counts) if n >= 2]
        if len(multi) < 2 or multi[-1] - multi[0] + 1 != len(multi):
            continue
        width, freq = Counter(counts[i] for i in multi).most_common(1)[0]
        if freq == len(multi) and (len(multi), width) > best[:2]:
            best = (len(multi), width, d)
    return best[2], best[1]


def _read_text(
    data: bytes,
    name: str,
    report: LoadReport,
    limits: Limits,
    notify: Progress,
    full_decode: bool = False,
) -> pd.DataFrame:
    if _looks_binary(data[:8192]) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PiloteError("load.binary", name=name)
    utf8 = _decode(data, report, full=full_decode)
    head_text = utf8[:200_000].decode("utf-8", errors="replace")
    lines = _sample_lines(head_text)
    delim, width = _sniff_delimiter(lines)
    if delim is None:
        return _read_whitespace_or_single(utf8, name, report, limits, lines)
    report.delimiter = delim
    parsed = list(csv.reader([ln for ln in lines[:60]], delimiter=delim))
    header_idx = find_header(parsed, width)
    if header_idx < 0:
        report.warn("load.warn.no_header")
        names = make_names([], width, report)
        skip = 0
        report.header_row = 0
    else:
        names = make_names(parsed[header_idx], len(parsed[header_idx]), report)
        skip = header_idx + 1
        report.header_row = header_idx + 1
        title = [i + 1 for i, r in enumerate(parsed[:header_idx]) if non_empty(r)]
        report.drop(len(title), "title", title)
    if len(names) > limits.max_columns:
        raise PiloteError("load.too_many_columns", n=len(names), limit=limits.max_columns)
    ragged: list[tuple[int, str]] = []

    def on_invalid(row: Any) -> str:
        ragged.append((row.number or 0, row.text))
        return "skip"

    quoted = b'"' in utf8[:5_000_000] and b"\n" in utf8
    notify(0.2, "load.progress.parsing")
    try:
        table = read_csv_limited(
            utf8,
            read_options=pacsv.ReadOptions(
                skip_rows=skip, column_names=names, block_size=8 << 20, use_threads=True
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delim,
                quote_char='"',
                newlines_in_values=quoted,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
            limits=limits,
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) and report.encoding == "utf-8":
            # invalid UTF-8 beyond the sample: decode the whole file properly and read again
            report.warnings.clear()
            return _read_text(data, name, report, limits, notify, full_decode=True)
        raise PiloteError(
            "load.unreadable_csv", name=name, detail=str(exc).splitlines()[0]
        ) from exc
    if ragged and len(utf8) <= 50_000_000:
        # Re-read with the csv module to keep the rows in file order (pyarrow does not say
        # where the rows it skipped were).
        table = _read_ragged_in_order(utf8, skip, names, delim, report)
    else:
        table = _recover_ragged(table, ragged, names, delim, report)
    if table.num_rows > limits.max_rows:
        raise PiloteError(
            "load.too_many_rows", n=i18n.Count(table.num_rows), limit=i18n.Count(limits.max_rows)
        )
    notify(0.5, "load.progress.typing")
    del utf8
    arrays = {}
    for n in list(table.column_names):
        arrays[n] = table.column(n).combine_chunks()
        table = table.drop_columns([n])  # release each chunked column once combined
    return type_columns(arrays, report)


def _recover_ragged(
    table: pa.Table, ragged: list[tuple[int, str]], names: list[str], delim: str, report: LoadReport
) -> pa.Table:
    """Keep short rows (padded with empty cells) and long rows whose extra cells are empty;
    drop the rest, counted with their line numbers."""
    if not ragged:
        return table
    kept: list[list[str | None]] = []
    dropped: list[int] = []
    for number, text in ragged:
        cells = next(csv.reader([text], delimiter=delim), [])
        if len(cells) < len(names):
            cells = cells + [""] * (len(names) - len(cells))
        elif len(cells) > len(names):
            if any(c.strip() for c in cells[len(names) :]):
                dropped.append(number)
                continue
            cells = cells[: len(names)]
        if not any(c.strip() for c in cells):
            continue
        kept.append([c if c != "" else None for c in cells])
    if kept:
        report.warn("load.warn.ragged_kept", n=len(kept))
        extra = pa.table(
            {n: pa.array([r[i] for r in kept], pa.string()) for i, n in enumerate(names)}
        )
        table = pa.concat_tables([table, extra])
    report.drop(len(dropped), "ragged", dropped)
    return table


def _read_ragged_in_order(
    utf8: bytes, skip: int, names: list[str], delim: str, report: LoadReport
) -> pa.Table:
    reader = csv.reader(io.StringIO(utf8.decode("utf-8"), newline=""), delimiter=delim)
    width = len(names)
    cols: list[list[str | None]] = [[] for _ in names]
    dropped: list[int] = []
    short = 0
    for line_no, cells in enumerate(reader, start=1):
        if line_no <= skip:
            continue
        if len(cells) > width:
            if any(c.strip() for c in cells[width:]):
                dropped.append(line_no)
                continue
            cells = cells[:width]
        elif len(cells) < width:
            if not any(c.strip() for c in cells):
                cells = [""] * width
            else:
                short += 1
                cells = cells + [""] * (width - len(cells))
        for i, c in enumerate(cells):
            cols[i].append(c if c != "" else None)
    if short:
        report.warn("load.warn.ragged_kept", n=short)
    report.drop(len(dropped), "ragged", dropped)
    return pa.table({n: pa.array(cols[i], pa.string()) for i, n in enumerate(names)})


def _read_whitespace_or_single(
    utf8: bytes, name: str, report: LoadReport, limits: Limits, lines: list[str]
) -> pd.DataFrame:
    """Whitespace-aligned text (fixed width) or a single column."""
    counts = [len(ln.split()) for ln in lines if ln.strip()]
    mode = Counter(counts).most_common(1)[0][0] if counts else 0
    if mode >= 2 and sum(1 for c in counts if c == mode) >= 0.9 * len(counts):
        report.delimiter = "whitespace"
        # Line by line within the row and column limits, as Arrow text columns; lines with
        # more values than the common count are dropped and listed, shorter ones padded.
        read = read_whitespace(utf8, mode, limits)
        table = read.table
        if read.short_rows:
            report.warn("load.warn.ragged_kept", n=read.short_rows)
        report.drop(len(read.dropped_lines), "ragged", read.dropped_lines)
        if table.num_rows == 0:
            raise PiloteError("load.no_rows", name=name)
        first = ["" if v is None else str(v) for v in table.slice(0, 1).to_pylist()[0].values()]
        has_header = sum(1 for v in first if looks_like_value(v)) <= 0.2 * len(first)
        names = make_names(first if has_header else [], mode, report)
        body = table.slice(1) if has_header else table
        report.header_row = 1 if has_header else 0
        check_table_shape(body, limits)
        return type_columns(
            {n: body.column(i).combine_chunks() for i, n in enumerate(names)}, report
        )
    if mode == 1:
        report.delimiter = None
        raise PiloteError("load.one_column", name=name)
    raise PiloteError("load.not_a_table", name=name)


# ---------------------------------------------------------------------------------------------
# Tools' exports


def _read_source(df: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    """Recognise the tool that exported the table (Salesforce, Pipedrive, Shopify…) and apply
    its semantics (:mod:`kpi.data.sources`); an unknown file is returned as it is."""
    from kpi.data.sources import read_source

    df2, reading = read_source(df)
    if reading is None:
        return df
    report.source = reading
    if reading.reason is not None:
        report.warn("sources.not_applied", reason=i18n.Text(**reading.reason))
    for fr, en in zip(reading.warnings.get("fr", []), reading.warnings.get("en", []), strict=True):
        report.warn("sources.warning", text=i18n.Text(fr, en))
    if reading.footer_rows:
        # The footer's one-cell lines were counted as short rows: they are not data.
        for i, w in enumerate(report.warnings):
            if w.key == "load.warn.ragged_kept":
                left = int(w.params.get("n", 0)) - reading.footer_rows
                if left > 0:
                    report.warnings[i] = i18n.Message(w.key, {**w.params, "n": left})
                else:
                    del report.warnings[i]
                break
        report.drop(reading.footer_rows, "footer")
    return df2


i18n.add_messages(
    {
        "load.empty": {
            "fr": "« {name} » est vide. Exportez à nouveau le fichier depuis votre outil, avec ses lignes.",
            "en": "'{name}' is empty. Export the file again from your tool, with its rows.",
        },
        "load.no_rows": {
            "fr": "« {name} » n'a qu'un en-tête et aucune ligne de données. Vérifiez les filtres de l'export.",
            "en": "'{name}' has a header but no data rows. Check the export's filters.",
        },
        "load.too_big": {
            "fr": "« {name} » pèse {size_mb} Mo, au-delà de la limite de {limit_mb} Mo. Exportez une période plus courte ou moins de colonnes.",
            "en": "'{name}' is {size_mb} MB, over the {limit_mb} MB limit. Export a shorter period or fewer columns.",
        },
        "load.binary": {
            "fr": "« {name} » n'est pas un tableau lisible (contenu binaire). Envoyez un CSV, TXT, XLSX, XLS ou ODS.",
            "en": "'{name}' is not a readable table (binary content). Send a CSV, TXT, XLSX, XLS or ODS file.",
        },
        "load.not_a_table": {
            "fr": "« {name} » ne ressemble pas à un tableau : aucun séparateur de colonnes (; , tabulation |) ne s'y répète. Enregistrez-le en CSV ou en Excel depuis votre tableur.",
            "en": "'{name}' does not look like a table: no column separator (; , tab |) repeats in it. Save it as CSV or Excel from your spreadsheet.",
        },
        "load.one_column": {
            "fr": "« {name} » n'a qu'une colonne. Pilote a besoin d'au moins deux colonnes (par exemple une date et un montant) ; vérifiez le séparateur de l'export.",
            "en": "'{name}' has a single column. Pilote needs at least two (for example a date and an amount); check the export's separator.",
        },
        "load.unreadable_csv": {
            "fr": "« {name} » n'a pas pu être lu comme CSV ({detail}). Ouvrez-le dans un tableur et enregistrez-le à nouveau en CSV.",
            "en": "'{name}' could not be read as CSV ({detail}). Open it in a spreadsheet and save it again as CSV.",
        },
        "load.corrupt_workbook": {
            "fr": "Ce classeur est endommagé ou n'est pas un vrai fichier Excel/ODS. Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau, ou exportez-le en CSV.",
            "en": "This workbook is damaged or is not a real Excel/ODS file. Open it in Excel or LibreOffice and save it again, or export it as CSV.",
        },
        "load.encrypted": {
            "fr": "Ce classeur est protégé par un mot de passe. Enregistrez-en une copie sans mot de passe (Fichier › Informations › Protéger le classeur) puis réessayez.",
            "en": "This workbook is password-protected. Save a copy without a password (File › Info › Protect Workbook) and try again.",
        },
        "load.no_sheets": {
            "fr": "Le classeur « {name} » n'a aucune feuille.",
            "en": "Workbook '{name}' has no sheets.",
        },
        "load.unknown_sheet": {
            "fr": "La feuille « {sheet} » n'existe pas. Feuilles disponibles : {sheets}.",
            "en": "Sheet '{sheet}' does not exist. Available sheets: {sheets}.",
        },
        "load.too_many_columns": {
            "fr": "Ce tableau a {n} colonnes ; Pilote en lit au plus {limit}. Retirez les colonnes inutiles de l'export.",
            "en": "This table has {n} columns; Pilote reads at most {limit}. Remove unneeded columns from the export.",
        },
        "load.too_many_rows": {
            "fr": "Ce tableau a {n} lignes ; la limite est {limit}. Exportez une période plus courte.",
            "en": "This table has {n} rows; the limit is {limit}. Export a shorter period.",
        },
        "load.dropped.title": {
            "fr": "{rows} ligne(s) de titre au-dessus de l'en-tête ignorée(s)",
            "en": "{rows} title line(s) above the header skipped",
        },
        "load.dropped.empty": {
            "fr": "{rows} ligne(s) vide(s) retirée(s)",
            "en": "{rows} empty row(s) removed",
        },
        "load.dropped.total": {
            "fr": "{rows} ligne(s) de total ou sous-total retirée(s) (ce ne sont pas des données)",
            "en": "{rows} total or subtotal row(s) removed (they are not data)",
        },
        "load.dropped.footer": {
            "fr": "{rows} ligne(s) de pied de rapport retirée(s) (copyright, mentions, auteur de l'export)",
            "en": "{rows} report footer row(s) removed (copyright, notices, who ran the export)",
        },
        "sources.not_applied": {"fr": "{reason}", "en": "{reason}"},
        "sources.warning": {"fr": "{text}", "en": "{text}"},
        "load.dropped.ragged": {
            "fr": "{rows} ligne(s) retirée(s) : plus de cellules remplies que de colonnes dans l'en-tête",
            "en": "{rows} row(s) removed: more filled cells than header columns",
        },
        "load.warn.text_named_excel": {
            "fr": "Le fichier porte l'extension {ext} mais contient du texte : il a été lu comme un CSV.",
            "en": "The file is named {ext} but holds text: it was read as CSV.",
        },
        "load.warn.sheet_chosen": {
            "fr": "Feuille « {sheet} » lue (le plus grand tableau). Autres feuilles : {sheets}.",
            "en": "Sheet '{sheet}' read (the largest table). Other sheets: {sheets}.",
        },
        "load.warn.bad_bytes": {
            "fr": "{n} caractère(s) illisible(s) en {encoding}, remplacés par �.",
            "en": "{n} character(s) unreadable in {encoding}, replaced by �.",
        },
        "load.warn.mixed_encoding": {
            "fr": "Le fichier est en UTF-8 sauf {n} caractère(s) venus d'un fichier Windows (cp1252), lus comme tels. Vérifiez les accents des lignes concernées.",
            "en": "The file is UTF-8 except {n} character(s) coming from a Windows (cp1252) file, read as such. Check the accents on those lines.",
        },
        "load.warn.control_chars": {
            "fr": "{chars} caractère(s) de contrôle retiré(s) dans {n} colonne(s) ({columns}) : des caractères invisibles (tabulation verticale, codes d'échappement…) que certains outils laissent dans les cellules. Les valeurs sont gardées, sans eux.",
            "en": "{chars} control character(s) removed in {n} column(s) ({columns}): invisible characters (vertical tabs, escape codes…) that some tools leave in cells. The values are kept, without them.",
        },
        "load.warn.control_in_names": {
            "fr": "{n} nom(s) de colonne contenai(en)t des caractères de contrôle invisibles : ils ont été retirés.",
            "en": "{n} column name(s) held invisible control characters: they were removed.",
        },
        "load.warn.no_header": {
            "fr": "Aucune ligne d'en-tête trouvée : les colonnes ont été nommées Column 1, Column 2…",
            "en": "No header row found: columns were named Column 1, Column 2…",
        },
        "load.warn.ragged_kept": {
            "fr": "{n} ligne(s) avaient moins de cellules que l'en-tête : gardées, cellules manquantes laissées vides.",
            "en": "{n} row(s) had fewer cells than the header: kept, missing cells left empty.",
        },
        "load.warn.empty_columns": {
            "fr": "{n} colonne(s) entièrement vide(s) retirée(s).",
            "en": "{n} entirely empty column(s) removed.",
        },
        "load.warn.unparseable": {
            "fr": "Colonne « {column} » : {n} valeur(s) illisible(s) comme {kind}, laissée(s) vide(s).",
            "en": "Column '{column}': {n} value(s) unreadable as {kind}, left empty.",
        },
        "load.warn.mixed_date_order": {
            "fr": "Les dates mélangent jour/mois et mois/jour ; ordre retenu : {order}. Les dates incompatibles sont comptées comme illisibles.",
            "en": "Dates mix day/month and month/day; order used: {order}. Dates that do not fit are counted as unreadable.",
        },
        "load.warn.ambiguous_dates_fr": {
            "fr": "Tous les jours des dates sont ≤ 12 : ordre jour/mois choisi d'après les conventions françaises du fichier (; ou virgule décimale). Vérifiez-le.",
            "en": "Every day in the dates is ≤ 12: day/month order chosen from the file's French conventions (; or decimal comma). Please check.",
        },
        "load.warn.ambiguous_dates_en": {
            "fr": "Tous les jours des dates sont ≤ 12 : ordre mois/jour choisi d'après les conventions anglo-saxonnes du fichier (virgule, point décimal). Vérifiez-le.",
            "en": "Every day in the dates is ≤ 12: month/day order chosen from the file's English conventions (comma, decimal point). Please check.",
        },
        "load.progress.reading": {"fr": "Lecture du fichier…", "en": "Reading the file…"},
        "load.progress.parsing": {"fr": "Découpage des colonnes…", "en": "Splitting columns…"},
        "load.progress.typing": {
            "fr": "Reconnaissance des nombres et des dates…",
            "en": "Recognising numbers and dates…",
        },
        "load.progress.cleaning": {"fr": "Nettoyage…", "en": "Cleaning…"},
        "load.progress.done": {"fr": "Terminé", "en": "Done"},
    }
)
