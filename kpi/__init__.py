"""Pilote's engine: load sales exports, recognise their columns, compute sales KPIs.

Pure Python and pandas; never imports streamlit (``tests/test_architecture.py`` checks it).
"""

from __future__ import annotations

__version__ = "0.1.0"
