"""Report files: the format from the extension, the bytes of either format, written atomically."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from kpi.errors import PiloteError
from kpi.share.excel import to_excel
from kpi.share.html import to_html
from kpi.share.report import Report

__all__ = ["FORMATS", "check_output_path", "file_name", "render", "write_report"]

log = logging.getLogger("pilote")


# File extension → report format.
FORMATS: dict[str, str] = {".xlsx": "xlsx", ".html": "html", ".htm": "html"}


# ---------------------------------------------------------------------------------------------
# Files


def check_output_path(path: str | os.PathLike[str]) -> str:
    """The report format for ``path`` (``xlsx`` or ``html``), checked before any work.

    Raises
    ------
    PiloteError
        ``report.bad_extension`` for another extension, ``report.cannot_write`` when the
        folder does not exist or cannot be written.
    """
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise PiloteError("report.bad_extension", path=str(p))
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise PiloteError("report.cannot_write", path=str(p), reason="no such folder")
    if not os.access(folder, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise PiloteError("report.cannot_write", path=str(p), reason="permission denied")
    if p.is_dir():
        raise PiloteError("report.cannot_write", path=str(p), reason="it is a folder")
    try:  # tried for real: a read-only file system, or rights that os.access misjudges (root)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".pilote-check-"):
            pass
    except OSError as exc:
        raise PiloteError(
            "report.cannot_write", path=str(p), reason=exc.strerror or type(exc).__name__
        ) from exc
    return fmt


def render(report: Report, fmt: str) -> bytes:
    """The report's bytes in ``fmt`` (``xlsx`` or ``html``)."""
    if fmt == "xlsx":
        return to_excel(report)
    if fmt == "html":
        return to_html(report).encode("utf-8")
    raise ValueError(f"unknown report format {fmt!r}")


def write_report(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write the report to ``path``; the extension (.xlsx, .html) picks the format.

    The file is written next to its destination and then renamed, so that a scheduled run
    never leaves half a report behind.

    Raises
    ------
    PiloteError
        ``report.bad_extension``, ``report.cannot_write``.
    """
    fmt = check_output_path(path)
    data = render(report, fmt)
    p = Path(path)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".pilote-", suffix=p.suffix, dir=p.parent or ".")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, p)
        tmp = None
    except OSError as exc:
        raise PiloteError("report.cannot_write", path=str(p), reason=exc.strerror or exc) from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return p


def file_name(report: Report, fmt: str) -> str:
    """A download name such as ``pilote-2024-06.xlsx``."""
    key = report.period.key.replace("..", "_")
    return f"pilote-{key}.{fmt}"
