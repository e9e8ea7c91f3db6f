"""The table behind each chart as a CSV or Excel file the user can download.

Both writers neutralise spreadsheet formulas (CSV/formula injection): a text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so that a
spreadsheet shows it as text instead of running it. Customer names and segment values come from
the user's files, and a file made by someone else can hold ``=HYPERLINK(...)``.
"""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.sanitize import FORMULA_PREFIXES  # the one definition, shared with escape_for

__all__ = [
    "FORMULA_PREFIXES",
    "neutralise",
    "safe_sheet_name",
    "safe_text",
    "to_csv_bytes",
    "to_excel_bytes",
]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def safe_text(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading ``'``; the rest is kept."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and headers cannot run as spreadsheet formulas.

    Numbers stay numbers (``-5`` is a number, not a formula); only text is prefixed.
    """
    out = df.copy()
    out.columns = [safe_text(str(c)) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.astype(object).map(safe_text)
    return out


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Datetimes without time zones or times at midnight shown as dates, for spreadsheets."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_localize(None)
    return out


def to_csv_bytes(df: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """``df`` as CSV bytes for a spreadsheet in the user's language.

    UTF-8 with a BOM (Excel then reads accents right); ``;`` separator and decimal comma in
    French, ``,`` and decimal point in English. Formulas are neutralised (see module doc).
    """
    safe = _plain(neutralise(df))
    french = lang == "fr"
    text = safe.to_csv(
        index=False,
        sep=";" if french else ",",
        decimal="," if french else ".",
        lineterminator="\r\n",
        date_format="%Y-%m-%d",
    )
    return ("\ufeff" + text).encode("utf-8")


def safe_sheet_name(name: str) -> str:
    """A valid Excel sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = _BAD_SHEET_CHARS.sub(" ", str(name)).strip().strip("'") or "Data"
    return cleaned[:31]


def to_excel_bytes(df: pd.DataFrame, sheet_name: str = "Data") -> bytes:
    """``df`` as an .xlsx workbook (one sheet, header row frozen), formulas neutralised.

    xlsxwriter is also told never to turn strings into formulas or links.
    """
    safe = _plain(neutralise(df))
    for col in safe.columns:  # xlsxwriter cannot write NaN/inf into numeric cells
        s = safe[col]
        if pd.api.types.is_float_dtype(s.dtype):
            safe[col] = s.where(np.isfinite(s.to_numpy(dtype=float, na_value=np.nan)))
    buf = io.BytesIO()
    sheet = safe_sheet_name(sheet_name)
    with pd.ExcelWriter(
        buf,
        engine="xlsxwriter",
        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}},
    ) as writer:
        safe.to_excel(writer, sheet_name=sheet, index=False)
        ws = writer.sheets[sheet]
        ws.freeze_panes(1, 0)
        for i, col in enumerate(safe.columns):
            sample = [str(col)] + [str(v) for v in safe[col].head(200).tolist()]
            ws.set_column(i, i, min(60, max(8, max(len(s) for s in sample) + 2)))
    return buf.getvalue()
