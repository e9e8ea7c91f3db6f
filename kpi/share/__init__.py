"""Share: what leaves the app — reports, table exports, the JSON of the command line — and the
saved workspaces that bring an analysis back.

- ``report.py``       :func:`build_report`: a report computed once (scorecard, alerts, trends)
- ``excel.py``        the report as an Excel workbook
- ``html.py``         the report as one self-contained, printable HTML page
- ``files.py``        the format from the file extension, atomic writes
- ``export.py``       any table as CSV or Excel, safe from formula injection
- ``json_export.py``  :func:`kpis_json`, the KPIs as JSON (``python -m kpi kpis --json``)
- ``workspace.py``    :class:`Workspace` and the store interface, tables as Parquet
- ``stores.py``       SQLite and PostgreSQL stores, :func:`open_store`
"""

from __future__ import annotations

from kpi.share.excel import excel_number_format, to_excel
from kpi.share.export import (
    FORMULA_PREFIXES,
    neutralise,
    safe_sheet_name,
    safe_text,
    to_csv_bytes,
    to_excel_bytes,
)
from kpi.share.files import FORMATS, check_output_path, file_name, render, write_report
from kpi.share.html import to_html
from kpi.share.json_export import kpis_json
from kpi.share.names import MAX_NAME_LENGTH, validate_name
from kpi.share.report import (
    GRANULARITIES,
    Report,
    ReportOptions,
    ScoreRow,
    Source,
    Trend,
    build_report,
    report_period,
)
from kpi.share.stores import PostgresStore, SQLiteStore, open_store
from kpi.share.workspace import (
    LOCAL_OWNER,
    Workspace,
    WorkspaceStore,
    WorkspaceSummary,
    apply_saved_mapping,
)

__all__ = [
    "FORMATS",
    "FORMULA_PREFIXES",
    "GRANULARITIES",
    "LOCAL_OWNER",
    "MAX_NAME_LENGTH",
    "PostgresStore",
    "Report",
    "ReportOptions",
    "SQLiteStore",
    "ScoreRow",
    "Source",
    "Trend",
    "Workspace",
    "WorkspaceStore",
    "WorkspaceSummary",
    "apply_saved_mapping",
    "build_report",
    "check_output_path",
    "excel_number_format",
    "file_name",
    "kpis_json",
    "neutralise",
    "open_store",
    "render",
    "report_period",
    "safe_sheet_name",
    "safe_text",
    "to_csv_bytes",
    "to_excel",
    "to_excel_bytes",
    "to_html",
    "validate_name",
    "write_report",
]
