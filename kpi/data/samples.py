"""Where the demo data set lives (``sample_data/``, made by ``sample_data/make_samples.py``)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"


def sample_files(ext: str = ".csv") -> list[Path]:
    """The demo tables in one format (CSV by default), sorted by name."""
    return sorted(p for p in SAMPLE_DIR.glob(f"*{ext}") if p.is_file())
