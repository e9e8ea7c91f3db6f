"""``python -m kpi`` runs the command line (see :mod:`kpi.cli`)."""

from __future__ import annotations

import sys

from kpi.cli import main

if __name__ == "__main__":
    sys.exit(main())
