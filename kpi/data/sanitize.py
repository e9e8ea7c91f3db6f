"""Control characters out of text cells, and text escaped for each output format.

**What is removed** from text cells at load (and from column names): every control character
(Unicode category Cc) except tab, line feed and carriage return — that is C0 (U+0000–U+001F),
DEL (U+007F) and C1 (U+0080–U+009F) — plus the noncharacters U+FFFE and U+FFFF, and lone
surrogates (only possible in Python strings, not in Arrow text). Why:

- C0 (a vertical tab some tools write for an in-cell line break, ``\\x01``, ``\\x1b``...), U+FFFE
  and U+FFFF are not allowed in XML 1.0: vl-convert panics on them while measuring chart text
  and aborts the process; Excel reports such a workbook as damaged.
- DEL and C1 are allowed in XML but invisible: "Nord" and "Nord\\x85" would be two regions on
  screen that look the same. In sales exports they only ever come from a wrong decoding.
  (U+0085 is also a line break for Python's ``str.splitlines``.)
- Tab, LF and CR are kept: they are real in-cell line breaks and indentation.
- Other noncharacters (U+FDD0…, U+1FFFE…) and format characters (zero-width, bidi controls)
  are valid XML and render: they stay in the data (workspace names are checked elsewhere).

Removal is counted per column so the load report can say how many cells changed.

:func:`escape_for` then makes a text safe for the format it goes into, even if it never went
through the loader (a name typed by a user, a message).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_PY_PATTERN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# RE2 (pyarrow) has no surrogates: Arrow strings are valid UTF-8, which cannot hold them.
_RE2_PATTERN = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x{9f}\\x{fffe}\\x{ffff}]"
_BAD_BYTES = np.zeros(256, dtype=bool)
_BAD_BYTES[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]] = True
# Lead bytes looked at: C1 is C2 80..9F; U+FFFE/U+FFFF are EF BF BE/BF.

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""Text a spreadsheet would run as a formula: the one definition (:mod:`kpi.share.export`
imports it)."""
EXCEL_CELL_MAX = 32_767
"""Characters Excel keeps in one cell."""
TARGETS = ("text", "vega", "svg", "xml", "html", "excel")


def clean_text(text: str) -> str:
    """``text`` without the control characters listed in the module docstring."""
    return _PY_PATTERN.sub("", text) if _PY_PATTERN.search(text) else text


def has_control(text: str) -> bool:
    """Whether :func:`clean_text` would change ``text``."""
    return _PY_PATTERN.search(text) is not None


# ---------------------------------------------------------------------------------------------
# Arrow and pandas columns


def clean_array(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array | pa.ChunkedArray, int]:
    """A text column without control characters, and how many cells changed.

    Non-text columns come back unchanged with 0. Cost: one pass over the column's bytes with
    numpy (most columns stop there: nothing suspicious); RE2 runs only on columns that hold a
    suspicious byte.
    """
    if isinstance(values, pa.ChunkedArray):
        chunks, changed = [], 0
        for chunk in values.chunks:
            cleaned, n = clean_array(chunk)
            chunks.append(cleaned)
            changed += n
        if not changed:
            return values, 0
        return pa.chunked_array(chunks, type=values.type), changed
    if pa.types.is_dictionary(values.type):
        dictionary, n = clean_array(values.dictionary)
        if not n:
            return values, 0
        indices = values.indices
        changed = pc.sum(pc.is_in(indices, value_set=_changed_positions(values.dictionary)))
        cleaned = pa.DictionaryArray.from_arrays(indices, dictionary)
        return cleaned, int(changed.as_py() or 0)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return values, 0
    if not _may_hold_control(values):
        return values, 0
    hits = pc.match_substring_regex(values, _RE2_PATTERN)
    changed = int(pc.sum(hits).as_py() or 0)
    if not changed:
        return values, 0
    return pc.replace_substring_regex(values, _RE2_PATTERN, ""), changed


def count_control(values: pa.Array | pa.ChunkedArray) -> int:
    """How many control characters (as :func:`clean_array` removes them) a text column holds:
    for the load report, on the few columns :func:`clean_array` changed."""
    if isinstance(values, pa.ChunkedArray):
        return sum(count_control(chunk) for chunk in values.chunks)
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return 0
    return int(pc.sum(pc.count_substring_regex(values, _RE2_PATTERN)).as_py() or 0)


def _changed_positions(dictionary: pa.Array) -> pa.Array:
    hits = pc.fill_null(pc.match_substring_regex(dictionary, _RE2_PATTERN), False)
    return pa.array(np.flatnonzero(hits.to_numpy(zero_copy_only=False)), type=pa.int32())


def _may_hold_control(values: pa.Array) -> bool:
    """Whether the column's UTF-8 bytes hold a control byte, or a lead byte of C1/U+FFFE/FFFF
    followed by one of theirs (looked at only when the lead byte is there)."""
    offsets_type = np.int64 if pa.types.is_large_string(values.type) else np.int32
    buffers = values.buffers()
    if buffers[2] is None:
        return False
    offsets = np.frombuffer(buffers[1], dtype=offsets_type)
    start = int(offsets[values.offset])
    end = int(offsets[values.offset + len(values)])
    data = np.frombuffer(buffers[2], dtype=np.uint8)[start:end]
    if not len(data):
        return False
    # The smallest and largest byte first (vectorised, ~0.03 ns a byte): most columns are
    # printable ASCII and stop here. The lookup table (a gather, ~3 ns a byte: 0.4 s over a
    # 1M-row file's text columns) only when a byte below 0x20 (tabs and line breaks in quoted
    # cells are allowed) or DEL is there at all.
    low, high = int(data.min()), int(data.max())
    if (low < 0x20 or (high >= 0x7F and (data == 0x7F).any())) and _BAD_BYTES[data].any():
        return True
    if high < 0xC2:
        return False
    # C1: C2 then 80..9F; U+FFFE/U+FFFF: EF BF then BE/BF (element-wise over the whole column:
    # a French amount column has a C2 lead, its no-break space, in every cell)
    nxt = data[1:]
    if ((data[:-1] == 0xC2) & (nxt >= 0x80) & (nxt <= 0x9F)).any():
        return True
    if high < 0xEF or len(data) < 3:
        return False
    return bool(((data[:-2] == 0xEF) & (data[1:-1] == 0xBF) & (data[2:] >= 0xBE)).any())


def clean_arrays(
    arrays: Mapping[str, pa.Array | pa.ChunkedArray],
) -> tuple[dict[str, pa.Array | pa.ChunkedArray], dict[str, int]]:
    """:func:`clean_array` on each column; returns the columns and the cells changed per
    column (only columns with changes are listed)."""
    out: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for name, values in arrays.items():
        out[name], n = clean_array(values)
        if n:
            counts[name] = n
    return out, counts


def clean_table(table: pa.Table) -> tuple[pa.Table, dict[str, int]]:
    """A table whose text cells hold no control characters, and the cells changed per column.

    Column names are not touched (see :func:`clean_names`).
    """
    columns = []
    counts: dict[str, int] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        cleaned, n = clean_array(column)
        columns.append(cleaned)
        if n:
            counts[name] = n
    if not counts:
        return table, counts
    return pa.Table.from_arrays(columns, schema=table.schema), counts


def clean_frame(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """A copy of ``df`` whose text cells hold no control characters, and the cells changed
    per column (``df`` itself is not modified; columns without changes are shared).

    Handles Arrow-backed strings (what the loader makes), ``object`` columns of Python
    strings (lone surrogates included) and categoricals.
    """
    out: dict[Any, Any] = {}
    counts: dict[str, int] = {}
    for name in df.columns:
        s = df[name]
        cleaned, n = _clean_series(s)
        out[name] = cleaned
        if n:
            counts[str(name)] = n
    if not counts:
        return df, counts
    result = pd.DataFrame(out, index=df.index)
    result.columns = df.columns
    result.attrs = dict(df.attrs)
    return result, counts


def _clean_series(s: pd.Series) -> tuple[pd.Series, int]:
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = pd.Series(dtype.categories)
        if not categories.map(lambda v: isinstance(v, str) and has_control(v)).any():
            return s, 0
        hits = s.astype(object).map(lambda v: isinstance(v, str) and has_control(v))
        cleaned = s.astype(object).map(lambda v: clean_text(v) if isinstance(v, str) else v)
        return cleaned.astype("category"), int(hits.sum())
    arrow_text = (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow") or (
        isinstance(dtype, pd.ArrowDtype)
        and (
            pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype)
        )
    )
    if arrow_text:
        # The Arrow data behind the column, without a copy (pandas' __arrow_array__ protocol).
        cleaned, n = clean_array(pa.chunked_array(s.array.__arrow_array__()))
        if not n:
            return s, 0
        return pd.Series(dtype.__from_arrow__(cleaned), index=s.index, name=s.name), n
    if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
        is_text = s.map(lambda v: isinstance(v, str) and has_control(v))
        n = int(is_text.sum())
        if not n:
            return s, 0
        cleaned = s.copy()
        cleaned[is_text] = s[is_text].map(clean_text)
        return cleaned, n
    return s, 0


def clean_names(names: Iterable[Any]) -> tuple[list[str], int]:
    """Column names without control characters, kept unique (a name that becomes equal to
    another gets `` (2)``), and how many names changed."""
    out: list[str] = []
    seen: set[str] = set()
    changed = 0
    for raw in names:
        name = str(raw)
        cleaned = clean_text(name)
        if cleaned != name:
            changed += 1
            base, k = cleaned, 2
            while cleaned in seen:
                cleaned, k = f"{base} ({k})", k + 1
        seen.add(cleaned)
        out.append(cleaned)
    return out, changed


# ---------------------------------------------------------------------------------------------
# Escaping for an output format


def escape_for(target: str, text: Any) -> str:
    """``text`` made safe for ``target``.

    ============ =================================================================================
    target       what is done
    ============ =================================================================================
    ``text``     control characters removed (terminal, log, CSV cell)
    ``vega``     the same: a chart label in a Vega-Lite spec (vl-convert escapes XML itself,
                 but aborts on control characters)
    ``svg``,     the same, then ``& < > " '`` as XML entities: for text written into SVG or
    ``xml``      XML by hand
    ``html``     the same with :func:`html.escape` (quotes included)
    ``excel``    control characters removed (Excel refuses them), a leading ``'`` on text
                 that would run as a formula (``= + - @``, tab, CR), cut to 32,767 characters
    ============ =================================================================================

    Markdown (Streamlit) is :func:`ui.markup.inert`.

    Raises
    ------
    ValueError
        For an unknown target.
    """
    s = clean_text("" if text is None else str(text))
    if target in ("text", "vega"):
        return s
    if target in ("svg", "xml"):
        return (
            s.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("'", "&apos;")
        )
    if target == "html":
        return html.escape(s, quote=True)
    if target == "excel":
        if s.startswith(FORMULA_PREFIXES):
            s = "'" + s
        return s[:EXCEL_CELL_MAX]
    raise ValueError(f"unknown target {target!r}; expected one of {', '.join(TARGETS)}")
