"""Steps shared by the text and the workbook readers: find the header row under a title block,
name the columns, and type each column (numbers, dates, text), writing every decision down in
the :class:`~kpi.data.dataset.LoadReport`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi import i18n
from kpi.data import parsing, sanitize
from kpi.data.dataset import ColumnInfo, LoadReport
from kpi.text import words

__all__ = [
    "TEXT_DTYPE",
    "currency_from_headers",
    "drop_empty",
    "find_header",
    "looks_like_value",
    "make_names",
    "non_empty",
    "type_columns",
]

TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
_KIND_WORDS = {"date": i18n.Text("date", "date"), "number": i18n.Text("nombre", "number")}
DATE_WORD = _KIND_WORDS["date"]
TOTAL_LABEL = re.compile(
    r"^\s*(grand[\s-]*|sous[\s-]*|sub[\s-]*)?(total|totaux|totals|somme|sum)\b", re.IGNORECASE
)
"""A total row's label: ``Total``, ``Sous-total``, ``Grand total (5)``, ``Somme``…"""


def unreadable(report: LoadReport, column: str, n: int, kind: i18n.Text) -> None:
    """Count ``n`` values of ``column`` unreadable as ``kind`` (left empty) in the report's
    one warning for that column."""
    for i, w in enumerate(report.warnings):
        if w.key == "load.warn.unparseable" and w.params.get("column") == column:
            report.warnings[i] = i18n.Message(w.key, {**w.params, "n": int(w.params["n"]) + n})
            return
    report.warn("load.warn.unparseable", column=column, n=n, kind=kind)


_DATE_HEADER_RE = re.compile(
    r"\b(date|jour|day|mois|month|created|closed|cree|cloture|echeance|periode|period)\b"
)


def non_empty(cells: list[str]) -> list[str]:
    """The cells of a row that hold something."""
    return [c for c in cells if str(c).strip() != ""]


def looks_like_value(cell: Any) -> bool:
    """A cell that is data rather than a column name: a number or a date."""
    if isinstance(cell, (int, float, pd.Timestamp)) and not isinstance(cell, bool):
        return True
    if hasattr(cell, "year") and hasattr(cell, "month"):
        return True
    s = str(cell).strip()
    if not s:
        return False
    if re.fullmatch(r"[+-]?[\d\s\u00a0\u202f.,'’%€$£()-]+", s) and re.search(r"\d", s):
        return True
    return parsing.guess_date_family([s]) is not None


def find_header(rows: list[list[Any]], width: int) -> int:
    """Index of the header row: the first row that fills most columns with names, not values."""
    limit = min(len(rows), 50)
    for i in range(limit):
        cells = non_empty([str(c) if c is not None else "" for c in rows[i]])
        if len(cells) < max(2, int(np.ceil(0.5 * width))) and width > 1:
            continue
        if width == 1 and not cells:
            continue
        values = sum(1 for c in rows[i] if c not in (None, "") and looks_like_value(c))
        # The first well-filled row is the header if it holds names, not values.
        return i if values <= 0.2 * len(cells) else -1
    return -1


def make_names(raw: list[Any], width: int, report: LoadReport) -> list[str]:
    """Column names from the header cells: trimmed, blank ones as ``Column N``, repeats numbered."""
    names: list[str] = []
    seen: Counter[str] = Counter()
    control = 0
    for i in range(width):
        v = raw[i] if i < len(raw) else None
        n = "" if v is None else str(v).strip().replace("\ufeff", "")
        if sanitize.has_control(n):
            control += 1
            n = sanitize.clean_text(n)
        n = re.sub(r"\s+", " ", n).strip()
        if not n:
            n = f"Column {i + 1}"
        seen[n] += 1
        if seen[n] > 1:
            n = f"{n} ({seen[n]})"
        names.append(n)
    if control:
        report.warn("load.warn.control_in_names", n=control)
    return names


# ---------------------------------------------------------------------------------------------
# Typing columns


def type_columns(
    arrays: dict[str, pa.Array], report: LoadReport, per_column_decimal: bool = False
) -> pd.DataFrame:
    """Decide each column's type and parse it, then drop empty rows and columns.

    Text columns (everything from a CSV, text cells from a workbook) are typed from a sample
    and parsed in one vectorised pass; workbook columns that are already numbers or dates are
    kept as they are.
    """
    arrays = _without_control_characters(arrays, report)
    texts = {n: a for n, a in arrays.items() if _is_text(a)}
    decimal = _decide_decimal(texts, report) if texts else "."
    if not texts:
        report.decimal = report.decimal or decimal
    out: dict[str, Any] = {}
    texts.clear()  # keep one reference to each raw column, released as it is typed
    names = list(arrays)
    for n in names:
        a = arrays.pop(n)
        if _is_text(a):
            col_decimal = decimal
            if per_column_decimal:
                c, d = parsing.decimal_votes(a.slice(0, 2000))
                col_decimal = "," if c > d else "." if d > c else decimal
            out[n] = _type_one(n, a, col_decimal, report)
        elif pa.types.is_timestamp(a.type):
            out[n] = pd.Series(a.to_pandas(), name=n).astype("datetime64[us]")
            report.column_info[n] = ColumnInfo("date", "Excel date")
        else:
            series = pd.Series(pc.cast(a, pa.float64()).to_numpy(zero_copy_only=False), name=n)
            out[n] = _maybe_numeric_dates(n, series, report, "Excel number")
    _decide_date_order(out, report)
    final = {n: (v.resolve(report) if isinstance(v, _PendingDate) else v) for n, v in out.items()}
    return drop_empty(pd.DataFrame(final), report)


def _without_control_characters(
    arrays: dict[str, pa.Array], report: LoadReport
) -> dict[str, pa.Array]:
    """Text cells without control characters (:mod:`kpi.data.sanitize`: a vertical tab, ``\\x01``,
    an escape code, U+FFFE… which no chart, workbook or XML file accepts), counted in the
    report: how many characters, in which columns."""
    cleaned, changed = sanitize.clean_arrays(arrays)
    if not changed:
        return arrays
    chars = sum(sanitize.count_control(arrays[n]) for n in changed)
    shown = list(changed)[:5]
    report.warn(
        "load.warn.control_chars",
        chars=i18n.Count(chars),
        n=len(changed),
        columns=", ".join(shown) + (", …" if len(changed) > len(shown) else ""),
    )
    return cleaned


def _is_text(a: pa.Array) -> bool:
    return pa.types.is_string(a.type) or pa.types.is_large_string(a.type)


def drop_empty(df: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    """The frame without its empty rows and columns, counted in the report."""
    empty_cols = [c for c in df.columns if df[c].isna().all()]
    if empty_cols:
        report.dropped_columns.extend(str(c) for c in empty_cols)
        report.warn("load.warn.empty_columns", n=len(empty_cols))
        for c in empty_cols:
            report.column_info.pop(str(c), None)
        df = df.drop(columns=empty_cols)
    if df.shape[1]:
        empty_rows = df.isna().all(axis=1).to_numpy()
        n_empty = int(empty_rows.sum())
        if n_empty:
            report.drop(n_empty, "empty")
            df = df.loc[~empty_rows].reset_index(drop=True)
            if report.total_labels:  # their rows move up with the empty rows gone
                moved = np.cumsum(~empty_rows) - 1
                report.total_labels = {
                    int(moved[r]): c for r, c in report.total_labels.items() if not empty_rows[r]
                }
    return df


def _decide_decimal(cols: dict[str, pa.Array], report: LoadReport) -> str:
    comma = dot = 0
    for a in cols.values():
        c, d = parsing.decimal_votes(a.slice(0, 2000))
        comma += c
        dot += d
    if comma > dot:
        decimal = ","
    elif dot > comma:
        decimal = "."
    else:
        decimal = "," if report.delimiter == ";" else "."
    report.decimal = decimal
    return decimal


@dataclass
class _PendingDate:
    """A text column that looks like dates whose day/month order is decided file-wide."""

    name: str
    arr: pa.Array
    guess: parsing.DateGuess

    def resolve(self, report: LoadReport) -> pd.Series:
        order = report.date_order or "dmy"
        formats = parsing.date_formats(self.guess, order)
        values, n_bad, examples = parsing.parse_dates(self.arr, formats)
        if n_bad:
            # A total row's label in the date column ("Total", first cell of the row) is no
            # unreadable date: drop_total_rows judges the row (and counts it if it stays).
            unread = pc.and_(pc.is_null(values), pc.is_valid(self.arr))
            unread_rows = np.flatnonzero(unread.to_numpy(zero_copy_only=False))
            label = is_total_label(self.arr.take(pa.array(unread_rows)))  # the few unread only
            rows = unread_rows[pc.fill_null(label, False).to_numpy(zero_copy_only=False)]
            for row in rows.tolist():
                report.total_labels[row] = self.name
            n_bad -= len(rows)
            examples = [e for e in examples if not TOTAL_LABEL.match(e)]
        shown = formats[0] if self.guess.family != "iso" else "ISO 8601"
        report.column_info[self.name] = ColumnInfo("date", shown, n_bad, examples)
        if n_bad:
            unreadable(report, self.name, n_bad, DATE_WORD)
        return pd.Series(values.to_pandas(), name=self.name).astype("datetime64[us]")


def is_total_label(arr: pa.Array) -> pa.Array:
    """Per text cell, whether it is a total's label (:data:`TOTAL_LABEL`; null stays null)."""
    return pc.match_substring_regex(arr, TOTAL_LABEL.pattern, ignore_case=True)


def _type_one(name: str, arr: pa.Array, decimal: str, report: LoadReport) -> Any:
    head = pc.drop_null(parsing.normalise_text(arr.slice(0, 5000)))
    sample = head.slice(0, 1000)
    # a total row's label ("Total" under twelve months) does not make dates text
    sample = sample.filter(pc.invert(pc.fill_null(is_total_label(sample), False)))
    guess = parsing.guess_date_family(sample.to_pylist())
    if guess is not None:
        return _PendingDate(name, arr, guess)
    share, n, identifier = parsing.numeric_share(head.slice(0, 2000), decimal)
    if n and share >= 0.98 and not identifier:
        values, fmt, share, n, identifier = parsing.classify_numbers(arr, decimal)
        if share >= 0.98 and not identifier:
            series = pd.Series(values.to_numpy(zero_copy_only=False), name=name, dtype="float64")
            if fmt.currency and not report.currency:
                report.currency = fmt.currency
            label = f"decimal '{decimal}'" + (" %" if fmt.percent else "")
            info = ColumnInfo("number", label, fmt.unparseable, fmt.examples, fmt.percent)
            if report.thousands is None:
                report.thousands = _thousands_seen(head, decimal)
            return _maybe_numeric_dates(name, series, report, info)
    report.column_info[name] = ColumnInfo("text")
    return pd.Series(parsing.normalise_text(arr).to_pandas(), name=name).astype(TEXT_DTYPE)


def _maybe_numeric_dates(
    name: str, series: pd.Series, report: LoadReport, info: ColumnInfo | str
) -> pd.Series:
    """A numeric column under a date-like header may hold Excel serials or YYYYMMDD."""
    if _DATE_HEADER_RE.search(words(name, ascii_only=True)):
        converted = _numeric_dates(series)
        if converted is not None:
            report.column_info[name] = ColumnInfo("date", converted[1])
            return converted[0]
    if isinstance(info, str):
        info = ColumnInfo("number", info)
    report.column_info[name] = info
    if info.unparseable:
        unreadable(report, name, info.unparseable, _KIND_WORDS["number"])
    return series


def _thousands_seen(present: pa.Array, decimal: str) -> str | None:
    sample = present.slice(0, 5000)
    for sep, label in (("\u202f", "narrow no-break space"), ("\u00a0", "no-break space")):
        if pc.any(pc.match_substring(sample, sep)).as_py():
            return label
    if pc.any(pc.match_substring_regex(sample, r"\d \d{3}")).as_py():
        return "space"
    if pc.any(pc.match_substring_regex(sample, r"\d['’]\d{3}")).as_py():
        return "apostrophe"
    other = "." if decimal == "," else ","
    if pc.any(pc.match_substring_regex(sample, r"^\d{1,3}(\\" + other + r"\d{3})+")).as_py():
        return other
    return None


def _decide_date_order(out: dict[str, Any], report: LoadReport) -> None:
    pending = [v for v in out.values() if isinstance(v, _PendingDate)]
    dmy = [p for p in pending if p.guess.family == "dmy_like"]
    if not dmy:
        return
    first = sum(p.guess.first_gt_12 for p in dmy)
    second = sum(p.guess.second_gt_12 for p in dmy)
    if first == 0 and second == 0:
        # Look beyond the sample: the whole columns.
        for p in dmy:
            f, s = _count_gt12(p.arr)
            first += f
            second += s
    if first == 0 and second == 0:
        # Monthly tables write the first of each month (01/03/2025): the field that is
        # always 1 while the other varies is the day.
        for p in dmy:
            day_first = _constant_one_field(p.arr)
            if day_first is not None:
                report.date_order = "dmy" if day_first else "mdy"
                return
    if first > 0 and second == 0:
        report.date_order = "dmy"
    elif second > 0 and first == 0:
        report.date_order = "mdy"
    elif first or second:
        report.date_order = "dmy" if first >= second else "mdy"
        report.warn("load.warn.mixed_date_order", order=report.date_order)
    else:
        french = report.decimal == "," or report.delimiter == ";"
        report.date_order = "dmy" if french else "mdy"
        report.warn("load.warn.ambiguous_dates_fr" if french else "load.warn.ambiguous_dates_en")


def _count_gt12(arr: pa.Array) -> tuple[int, int]:
    parts = pc.extract_regex(pc.drop_null(arr), r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-]")
    if len(parts) == 0:
        return 0, 0
    a = pc.cast(pc.struct_field(parts, [0]), pa.int32())
    b = pc.cast(pc.struct_field(parts, [1]), pa.int32())
    return int(pc.sum(pc.greater(a, 12)).as_py() or 0), int(pc.sum(pc.greater(b, 12)).as_py() or 0)


def currency_from_headers(df: pd.DataFrame) -> str | None:
    """A currency named in a numeric column's header: ``Dépenses (€)``, ``Amount (USD)``."""
    for c in df.columns:
        if not pd.api.types.is_float_dtype(df[c]):
            continue
        found = re.search(r"(€|\$|£|¥|\bEUR\b|\bUSD\b|\bGBP\b|\bCHF\b)", str(c))
        if found:
            return parsing.CURRENCY_SYMBOLS.get(found.group(1))
    return None


def _constant_one_field(arr: pa.Array) -> bool | None:
    """True when the first field of d/m-like dates is always 1 and the second varies;
    False for the reverse; None otherwise."""
    parts = pc.extract_regex(pc.drop_null(arr), r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-]")
    if len(parts) == 0:
        return None
    a = pc.unique(pc.cast(pc.struct_field(parts, [0]), pa.int32())).to_pylist()
    b = pc.unique(pc.cast(pc.struct_field(parts, [1]), pa.int32())).to_pylist()
    if a == [1] and len(b) > 1:
        return True
    if b == [1] and len(a) > 1:
        return False
    return None


def _numeric_dates(series: pd.Series) -> tuple[pd.Series, str] | None:
    """A numeric column under a date-like header: Excel serials or YYYYMMDD numbers."""
    v = series.dropna()
    if v.empty or not np.all(np.floor(v) == v) and not v.between(20000, 80000).all():
        return None
    if v.between(19000101, 21001231).all() and np.all(np.floor(v) == v):
        text = pa.array(
            series.map(lambda x: None if pd.isna(x) else f"{int(x)}").tolist(), pa.string()
        )
        parsed = pc.strptime(text, format="%Y%m%d", unit="us", error_is_null=True)
        if parsed.null_count == series.isna().sum():
            return pd.Series(parsed.to_pandas(), name=series.name).astype(
                "datetime64[us]"
            ), "%Y%m%d"
        return None
    if v.between(20000, 80000).all():
        return (
            pd.Series(parsing.excel_serial_to_datetime(series.to_numpy()), name=series.name),
            "Excel serial",
        )
    return None


def total_prefix_rows(first: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Rows whose text starts with ``tot``, ``sou``, ``sub``, ``gra``, ``som`` or ``sum`` (any
    case): the first byte of every cell from the raw buffer (t, s or g), then the three-letter
    prefix on those rows only (lowering and slicing a million cells took 0.14 s)."""
    if isinstance(first, pa.ChunkedArray):
        first = first.combine_chunks()
    if not (pa.types.is_string(first.type) or pa.types.is_large_string(first.type)):
        first = first.cast(pa.large_string())
    _, offsets_buf, data_buf = first.buffers()
    if data_buf is None or len(first) == 0:
        return np.zeros(0, dtype=np.int64)
    width = np.int64 if pa.types.is_large_string(first.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=width)[first.offset : first.offset + len(first) + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8)
    filled = offsets[1:] > offsets[:-1]  # null cells have no bytes either
    lead = data[np.minimum(offsets[:-1], max(len(data) - 1, 0))] | 0x20  # ASCII lower case
    rows = np.flatnonzero(filled & ((lead == ord("t")) | (lead == ord("s")) | (lead == ord("g"))))
    if not len(rows):
        return rows
    prefix = pc.utf8_lower(pc.utf8_slice_codeunits(first.take(pa.array(rows)), 0, 3))
    hits = pc.is_in(prefix, value_set=pa.array(["tot", "sou", "sub", "gra", "som", "sum"]))
    return rows[pc.fill_null(hits, False).to_numpy(zero_copy_only=False)]
