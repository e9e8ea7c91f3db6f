"""File → table: everything between the bytes a user uploads and a typed, recognised table.

Start at :func:`load_table` (bytes) or :func:`load_path` (a file): it returns a :class:`Table`
— the typed DataFrame, its kind (orders, deals, leads…), the role of each column and a
:class:`LoadReport` of every decision taken.

- ``loading.py``   the pipeline: encoding, delimiter, header row, total rows (text files)
- ``workbook.py``  XLSX/XLS/ODS: safety checks, then fastexcel
- ``columns.py``   header row and column typing, shared by both readers
- ``parsing.py``   numbers and dates as people write them (``1 234,50 €``, ``31/01/2024``)
- ``roles.py``     column roles: FR/EN header synonyms, detection of the kind and mapping
- ``dataset.py``   :class:`Table`, :class:`LoadReport`, the kinds of table
- ``quality.py``   data-quality checks shown on the Data page
- ``samples.py``   where the demo files are
"""

from __future__ import annotations

from kpi.data.dataset import (
    KINDS,
    ColumnInfo,
    Dropped,
    LoadReport,
    Table,
    format_name,
    kind_label,
    separator_name,
)
from kpi.data.loading import (
    EXCEL_EXTENSIONS,
    SUPPORTED_EXTENSIONS,
    TEXT_EXTENSIONS,
    list_sheets,
    load_bytes,
    load_path,
    load_table,
)
from kpi.data.quality import QualityReport, check
from kpi.data.roles import (
    ROLE_IDS,
    ROLES,
    ROLES_BY_ID,
    Role,
    columns_signature,
    detect,
    detect_kind,
    role_label,
    validate_mapping,
)
from kpi.data.samples import sample_files

__all__ = [
    "EXCEL_EXTENSIONS",
    "KINDS",
    "ROLES",
    "ROLES_BY_ID",
    "ROLE_IDS",
    "SUPPORTED_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "ColumnInfo",
    "Dropped",
    "LoadReport",
    "QualityReport",
    "Role",
    "Table",
    "check",
    "columns_signature",
    "detect",
    "detect_kind",
    "format_name",
    "kind_label",
    "list_sheets",
    "load_bytes",
    "load_path",
    "load_table",
    "role_label",
    "sample_files",
    "separator_name",
    "validate_mapping",
]
