"""Shared test helpers: where the real public datasets are, and small French exports."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REALDATA = Path(os.environ.get("PILOTE_REALDATA", ROOT.parent / "shared" / "realdata"))


def shown(markdown: str) -> str:
    """The text a reader sees of Markdown made inert by ``ui.markup.inert`` (AppTest gives an
    element's Markdown source): backslash escapes and word joiners removed."""
    import re

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def realdata(relative: str) -> Path:
    """Path of a file in ../shared/realdata, or skip the test saying why."""
    path = REALDATA / relative
    if not path.exists():
        pytest.skip(f"real dataset absent: {path} (the tests read ../shared/realdata)")
    return path


def french_export(rows: int = 40, title: bool = True, total: bool = True) -> bytes:
    """A small French sales export: cp1252, ';', decimal comma, dd/mm/yyyy, a title block,
    amounts like ``1 234,50 €`` and a Total row. Returns the bytes and is deterministic."""
    lines = []
    if title:
        lines += ["Export des ventes;;;;;", "Société Démo — période 2024;;;;;", ";;;;;"]
    lines.append("N° commande;Date de commande;Client;Commercial;Montant HT;Statut")
    total_amount = 0.0
    for i in range(rows):
        amount = 100.0 + 37.5 * i + (0.25 if i % 2 else 0.0)
        total_amount += amount
        day = 1 + (i * 7) % 28
        month = 1 + i % 12
        text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
        status = "Annulée" if i % 10 == 9 else "Livrée"
        rep = ["Élodie Martin", "Jérôme Faure", "Zoé Lefèvre"][i % 3]
        lines.append(
            f"C{1000 + i};{day:02d}/{month:02d}/2024;Client {i % 7};{rep};{text} €;{status}"
        )
    if total:
        text = f"{total_amount:,.2f}".replace(",", " ").replace(".", ",")
        lines.append(f"Total;;;;{text} €;")
    return "\r\n".join(lines).encode("cp1252")


@pytest.fixture(scope="module")
def samples() -> list:
    """The demo company's tables (sample_data/*.csv), read once per test module."""
    from kpi.data import load_path, sample_files

    return [load_path(p) for p in sample_files(".csv")]
