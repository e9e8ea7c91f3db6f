"""The bad-input corpus: hostile, broken and odd files a hosted Pilote must survive.

``python tests/corpus.py OUT_DIR`` writes them to a folder (to try them in the app by hand);
the tests build them in memory. Each case says what the loader must do with it: refuse it with
a given message key, or read it (with the rows it must keep).
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kpi.settings import Limits  # noqa: E402
from tests import bombs, workbooks  # noqa: E402


@dataclass(frozen=True)
class Case:
    name: str  # the file name as uploaded
    data: bytes
    error: str | None = None  # the PiloteError key expected, or None when it must load
    rows: int | None = None  # rows that must be kept when it loads
    limits: Limits | None = None  # the instance's limits, when not the defaults


def _mixed_encodings() -> bytes:
    # a UTF-8 file with one line pasted from a cp1252 file
    return (
        b"Client;Montant\n"
        + "Élodie;10,5\n".encode()
        + "Jérôme;2,5\n".encode("cp1252")
        + "Zoé;1\n".encode()
    )


def _lying_bomb() -> bytes:
    # Generated here, never committed: the directory claims 900 kB for the sheet, which
    # inflates to 1.2 GB (the checks count what comes out and stop long before the end).
    buf = io.BytesIO()
    bombs.lying_workbook(buf, inflated_bytes=1_200_000_000, claimed_bytes=900_000)
    return buf.getvalue()


def _far_cells(first: str, far: str) -> bytes:
    buf = io.BytesIO()
    sheet = (
        bombs._SHEET_HEAD
        + b'<row r="1"><c r="%s" t="inlineStr"><is><t>Client</t></is></c></row>' % first.encode()
        + b'<row r="%s"><c r="%s"><v>2</v></c></row>'
        % (far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").encode(), far.encode())
        + bombs._SHEET_TAIL
    )
    bombs.workbook(buf, [sheet])
    return buf.getvalue()


def _whitespace(rows: int, columns: int) -> bytes:
    header = " ".join(f"col{i}" for i in range(columns))
    body = "".join(
        " ".join(str(r * columns + i) for i in range(columns)) + "\n" for r in range(rows)
    )
    return (header + "\n" + body).encode()


def cases() -> list[Case]:
    header_10k = ";".join(f"c{i}" for i in range(10_000))
    row_10k = ";".join("1" for _ in range(10_000))
    return [
        Case("vide.csv", b"", "load.empty"),
        Case("espaces.csv", b"   \r\n\r\n  ", "load.empty"),
        Case("entete_seul.csv", b"Date;Montant;Client\r\n", "load.no_rows"),
        Case("binaire.csv", bytes(range(256)) * 64, "load.binary"),
        Case("image.png", b"\x89PNG\r\n\x1a\n" + bytes(2000), "load.binary"),
        Case("texte_nomme.xlsx", b"Client;Montant\nA;1\nB;2\n", None, 2),
        Case("tronque.xlsx", workbooks.corrupt(), "zipguard.corrupt"),
        Case("zip_quelconque.xlsx", _plain_zip(), "zipguard.corrupt"),
        Case("bombe.xlsx", workbooks.zip_bomb(), "zipguard.bomb"),
        Case("menteur.xlsx", _lying_bomb(), "zipguard.too_many_rows"),
        Case("creux.xlsx", _far_cells("A1", "SF1048576"), "zipguard.sparse_sheet"),
        Case("creux_lignes.xlsx", _far_cells("A1", "Z1048576"), "zipguard.sparse_sheet"),
        Case("creux_colonnes.xlsx", _far_cells("A1", "XFD1"), "zipguard.too_many_columns"),
        Case("entites.xlsx", workbooks.entity_expansion(), "zipguard.entities"),
        Case("protege.xlsx", workbooks.encrypted(), "load.encrypted"),
        Case(
            "ole_casse.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "load.corrupt_workbook",
        ),
        Case(
            "dix_mille_colonnes.csv", f"{header_10k}\n{row_10k}\n".encode(), "load.too_many_columns"
        ),
        Case("une_colonne.txt", b"bonjour\nle\nmonde\n", "load.one_column"),
        Case("lignes_inegales.csv", b"A;B;C\n1;2;3\n4;5\n6;7;8;9\n10;11;12\n", None, 3),
        Case("encodages_melanges.csv", _mixed_encodings(), None, 3),
        Case(
            "dates_trois_formats.csv",
            b"Date;Montant\n31/01/2024;1\n2024-02-15;2\n15.03.2024;3\n01/04/2024;4\n",
            None,
            4,
        ),
        Case(
            "montants_avec_texte.csv",
            "Client;Montant\nA;10\nB;gratuit\nC;1 234,5 €\nD;voir note\n".encode(),
            None,
            4,
        ),
        Case("guillemets_ouverts.csv", b'A,B\n"1,2\n3,4\n', None, None),
        Case("nul_au_milieu.csv", b"A;B\n1;2\n\x00\x00\x00;3\n", "load.binary"),
        Case("controle.csv", bombs.control_characters_csv(), None, 20),
        Case(
            "tabulation_verticale.csv",
            "Date;Région;Montant\n2024-01-02;Nord\x0bEst;1,5\n2024-01-03;Sud;2\n".encode(),
            None,
            2,
        ),
        Case(
            "espaces_inegaux.txt",
            b"Client Montant Ville\n"
            + b"".join(b"C%d %d Paris\n" % (i, i) for i in range(20))
            + b"X 3 Nice 4 5\nY 5\n",
            None,
            21,
        ),
        Case(
            "espaces_trop_de_lignes.txt",
            _whitespace(300, 3),
            "files.too_many_rows",
            limits=Limits(max_rows=100),
        ),
        Case(
            "espaces_trop_de_colonnes.txt",
            _whitespace(5, 12),
            "files.too_many_columns",
            limits=Limits(max_columns=10),
        ),
        Case(
            "trop_de_lignes.csv",
            ("A;B\n" + "".join(f"{i};{i}\n" for i in range(300))).encode(),
            "files.too_many_rows",
            limits=Limits(max_rows=100),
        ),
        Case(
            "formules.csv",
            b'Client;Montant\n=HYPERLINK("http://x");1\n+1+1;2\n@SUM(A1);3\n',
            None,
            3,
        ),
    ]


def _plain_zip() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bad_inputs")
    out.mkdir(parents=True, exist_ok=True)
    for c in cases():
        (out / c.name).write_bytes(c.data)
    print(f"{len(cases())} files written to {out}")
