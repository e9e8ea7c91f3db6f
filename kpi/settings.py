"""Limits and switches, read from environment variables so a hosted instance can tighten them.

| variable | default | what it limits |
| --- | --- | --- |
| PILOTE_MAX_FILE_MB | 1024 | size of one uploaded file |
| PILOTE_MAX_ROWS | 5,000,000 | data rows in one table |
| PILOTE_MAX_COLUMNS | 500 | columns in one table |
| PILOTE_MAX_UNZIPPED_MB | 1024 | total decompressed size of a workbook, counted while
  inflating (never the sizes its zip directory claims) |
| PILOTE_MAX_ZIP_RATIO | 200 | decompressed / compressed size of any workbook part (over 1 MB),
  counted likewise |

The worker that parses uploads has its own switches (:mod:`kpi.data.worker`):
``PILOTE_WORKER`` (``off`` parses in the server process, for debugging),
``PILOTE_WORKER_MAX_MB`` (caps every job's memory), ``PILOTE_WORKER_STANDBY`` (``off``: no warm
child kept ready), ``PILOTE_WORKER_DIR`` (folder of the jobs' temporary files).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Input limits; defaults come from the environment."""

    max_file_bytes: int = _env_int("PILOTE_MAX_FILE_MB", 1024) * 1024 * 1024
    max_rows: int = _env_int("PILOTE_MAX_ROWS", 5_000_000)
    max_columns: int = _env_int("PILOTE_MAX_COLUMNS", 500)
    max_unzipped_bytes: int = _env_int("PILOTE_MAX_UNZIPPED_MB", 1024) * 1024 * 1024
    max_zip_ratio: int = _env_int("PILOTE_MAX_ZIP_RATIO", 200)


DEFAULT_LIMITS = Limits()
