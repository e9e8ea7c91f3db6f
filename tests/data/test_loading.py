"""The loader: formats, conventions, decisions recorded, and bad input refused clearly."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.data import list_sheets, load_bytes, load_table
from kpi.errors import PiloteError
from kpi.settings import Limits
from tests import workbooks
from tests.conftest import french_export


def test_french_export_end_to_end() -> None:
    df, rep = load_bytes(french_export(rows=40), "ventes.csv")
    assert rep.encoding == "cp1252"
    assert rep.delimiter == ";"
    assert rep.decimal == ","
    assert rep.header_row == 4  # under a three-line title block
    assert rep.date_order == "dmy"
    assert rep.currency == "EUR"
    assert len(df) == 40  # the Total row is not data
    reasons = {d.reason: d.rows for d in rep.dropped}
    assert reasons == {"title": 2, "total": 1}
    # amounts: 100 + 37.5 i (+0.25 for odd i), i = 0..39
    expected = sum(100.0 + 37.5 * i + (0.25 if i % 2 else 0.0) for i in range(40))
    assert df["Montant HT"].sum() == pytest.approx(expected)
    assert df["Date de commande"].iloc[1] == pd.Timestamp("2024-02-08")
    assert df["Commercial"].iloc[0] == "Élodie Martin"
    assert rep.column_info["Date de commande"].format == "%d/%m/%Y"


def test_load_table_recognises_roles() -> None:
    table = load_table(french_export(), "ventes.csv")
    assert table.kind == "orders"
    assert table.mapping["amount"] == "Montant HT"
    assert table.mapping["date"] == "Date de commande"
    assert table.mapping["rep"] == "Commercial"
    assert table.mapping["order_id"] == "N° commande"
    assert table.mapping["status"] == "Statut"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings(encoding: str) -> None:
    text = "Client;Montant\nÉlodie;1 234,50\nFrançois;12,00\nZoë;3,00\n"
    df, rep = load_bytes(text.encode(encoding), "x.csv")
    assert list(df["Client"]) == ["Élodie", "François", "Zoë"]
    assert list(df["Montant"]) == [1234.5, 12.0, 3.0]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(delimiter: str) -> None:
    rows = [["Date", "Amount", "Customer"], ["2024-01-02", "10.5", "A"], ["2024-01-03", "2", "B"]]
    data = "\n".join(delimiter.join(r) for r in rows).encode()
    df, rep = load_bytes(data, "x.txt")
    assert rep.delimiter == delimiter
    assert list(df["Amount"]) == [10.5, 2.0]


def test_quoted_fields_with_separators_and_newlines() -> None:
    data = b'Produit,Montant\n"Chaise, bois",10\n"Table\nronde",20\n'
    df, _ = load_bytes(data, "x.csv")
    assert list(df["Produit"]) == ["Chaise, bois", "Table\nronde"]


def test_empty_rows_and_columns_are_dropped_and_counted() -> None:
    data = b"A;B;C;\n1;x;;\n;;;\n2;y;;\n"
    df, rep = load_bytes(data, "x.csv")
    assert list(df.columns) == ["A", "B"]
    assert rep.dropped_columns == ["C", "Column 4"]
    assert {d.reason: d.rows for d in rep.dropped} == {"empty": 1}


def test_ragged_rows_short_kept_long_dropped() -> None:
    data = b"A,B,C\n1,2,3\n4,5\n6,7,8,9\n10,11,12,\n13,14,15\n16,17,18\n"
    df, rep = load_bytes(data, "x.csv")
    assert sorted(df["A"].tolist()) == [1.0, 4.0, 10.0, 13.0, 16.0]
    assert {d.reason: d.rows for d in rep.dropped} == {"ragged": 1}
    assert any(w.key == "load.warn.ragged_kept" for w in rep.warnings)


def test_ambiguous_dates_follow_file_conventions_and_say_so() -> None:
    fr = b"Date;Montant\n01/02/2024;1,5\n03/04/2024;2,5\n"
    _, rep = load_bytes(fr, "fr.csv")
    assert rep.date_order == "dmy"
    assert any(w.key == "load.warn.ambiguous_dates_fr" for w in rep.warnings)
    en = b"Date,Amount\n01/02/2024,1.5\n03/04/2024,2.5\n"
    df, rep = load_bytes(en, "en.csv")
    assert rep.date_order == "mdy"
    assert df["Date"].iloc[0] == pd.Timestamp("2024-01-02")


def test_date_order_decided_from_any_row() -> None:
    # only the last row tells: 13 cannot be a month
    data = b"Date,Amount\n01/02/2024,1\n03/04/2024,2\n05/13/2024,3\n"
    df, rep = load_bytes(data, "x.csv")
    assert rep.date_order == "mdy"
    assert df["Date"].iloc[2] == pd.Timestamp("2024-05-13")


def test_percent_and_identifiers() -> None:
    data = b"Code postal;Taux;Ref\n01000;12,5 %;C123\n75001;7 %;C124\n"
    df, rep = load_bytes(data, "x.csv")
    assert df["Code postal"].tolist() == ["01000", "75001"]  # leading zero kept: text
    assert df["Taux"].tolist() == [0.125, 0.07]
    assert rep.column_info["Taux"].percent


def test_subtotals_dropped_but_not_products_named_total() -> None:
    data = (
        "Produit;Montant\nA;10\nB;20\nSous-total;30\nTotalEnergies carte;5\nC;5\nTotal général;40\n"
    ).encode()
    df, rep = load_bytes(data, "x.csv")
    assert df["Produit"].tolist() == ["A", "B", "TotalEnergies carte", "C"]
    assert {d.reason: d.rows for d in rep.dropped} == {"total": 2}


def test_totals_found_in_any_case_among_empty_and_accented_labels() -> None:
    # filled rows (not sparse) found by their label's first letters: upper case, lower case,
    # after empty labels and labels starting with accented or other letters
    rows = ["Étoile;Nord;10", ";Sud;20", "géant;Est;5", "sUB-TOTAL;Nord;35", "Zèbre;Sud;1"]
    rows += ["GRAND TOTAL;x;36", "saumon;Est;2", "SOMME;y;2", "tableau;Nord;3"]
    data = ("Produit;Région;Montant\n" + "\n".join(rows) + "\n").encode()
    df, rep = load_bytes(data, "x.csv")
    assert df["Montant"].tolist() == [10, 20, 5, 1, 2, 3]
    assert [d.rows for d in rep.dropped if d.reason == "total"] == [3]


def test_unlabelled_final_total_row() -> None:
    data = b"Client,Amount,Qty\nA,10,1\nB,20,2\n,30,3\n"
    df, rep = load_bytes(data, "x.csv")
    assert len(df) == 2


def test_a_total_labelled_in_the_date_column_leaves_the_dates_dates() -> None:
    # twelve months and their total: the label is 1 value in 13 (the date guess wants 95 %)
    rows = "".join(f"01/{m:02d}/2024;Nord;{100 * m}\n" for m in range(1, 13))
    data = f"Mois;Région;Montant\n{rows}Total;;7800\n".encode("cp1252")
    df, rep = load_bytes(data, "x.csv")
    assert str(df["Mois"].dtype).startswith("datetime64")
    assert df["Mois"].iloc[-1] == pd.Timestamp("2024-12-01") and len(df) == 12
    assert {d.reason: d.rows for d in rep.dropped} == {"total": 1}
    # the dropped total's label is not also "an unreadable date, left empty"
    assert not [w for w in rep.warnings if w.key == "load.warn.unparseable"]
    assert rep.column_info["Mois"].unparseable == 0


def test_a_total_label_on_a_row_that_stays_is_an_unreadable_date() -> None:
    rows = "".join(f"{d:02d}/02/2024;A;3\n" for d in range(1, 29))
    # not a sum (and a filled row): kept, its label counted with the other unreadable date
    data = f"Date;Client;Montant\n{rows}Total;B;999\nxx/02/2024;A;3\n".encode()
    df, rep = load_bytes(data, "x.csv")
    assert len(df) == 30 and df["Date"].isna().sum() == 2
    (warning,) = [w for w in rep.warnings if w.key == "load.warn.unparseable"]
    assert warning.text("fr") == (
        "Colonne « Date » : 2 valeur(s) illisible(s) comme date, laissée(s) vide(s)."
    )
    assert rep.total_labels == {}


def test_yyyymmdd_and_excel_serial_under_date_headers() -> None:
    df, _ = load_bytes(b"customer date amount\n1 19970101 10\n2 19970215 5\n", "cdnow.txt")
    assert df["date"].iloc[1] == pd.Timestamp("1997-02-15")
    df, _ = load_bytes(b"Date;Montant\n45292;10\n45293;20\n", "serials.csv")
    assert df["Date"].iloc[0] == pd.Timestamp("2024-01-01")


def test_xlsx_with_title_block_and_several_sheets() -> None:
    rows = [
        ["Rapport des ventes", None, None],
        [None, None, None],
        ["Date", "Client", "Montant"],
        [dt.date(2024, 1, 5), "A", 10.5],
        [dt.date(2024, 2, 6), "B", 20.0],
    ]
    data = workbooks.xlsx(rows, sheets={"Notes": [["Note", "Auteur"], ["une note", "moi"]]})
    assert list_sheets(data) == ["Data", "Notes"]
    df, rep = load_bytes(data, "ventes.xlsx")
    assert rep.sheet == "Data" and rep.header_row == 3
    assert df["Date"].iloc[1] == pd.Timestamp("2024-02-06")
    assert df["Montant"].tolist() == [10.5, 20.0]
    df2, rep2 = load_bytes(data, "ventes.xlsx", sheet="Notes")
    assert rep2.sheet == "Notes"
    with pytest.raises(PiloteError) as err:
        load_bytes(data, "ventes.xlsx", sheet="Nope")
    assert "Data, Notes" in err.value.message("en")


def test_xlsx_header_on_first_row_is_read_typed_and_the_others_as_text(monkeypatch) -> None:  # noqa: ANN001
    from kpi.data import loading

    seen: list[bool] = []
    real = loading.frame_from_batch

    def spy(batch, report, limits, header_applied=False):  # noqa: ANN001, ANN202
        seen.append(header_applied)
        return real(batch, report, limits, header_applied)

    monkeypatch.setattr(loading, "frame_from_batch", spy)
    typed = [["Date", "Client", "Montant", "Remise"]]
    typed += [[dt.date(2024, 1, 1 + i), "A", 10.5 + i, "5 %"] for i in range(30)]
    typed += [["Total", None, sum(10.5 + i for i in range(30)), None]]
    df, rep = load_bytes(workbooks.xlsx(typed), "x.xlsx")
    assert seen == [True] and rep.header_row == 1 and len(df) == 30
    assert df["Date"].iloc[29] == pd.Timestamp("2024-01-30")
    assert df["Montant"].iloc[1] == 11.5 and df["Remise"].iloc[0] == 0.05
    assert [d.reason for d in rep.dropped] == ["total"]
    # a duplicate or a blank header cell: every row read as text, names made as for a CSV
    for header, names in (
        (["Montant", "Montant", "Client"], ["Montant", "Montant (2)", "Client"]),
        (["Montant", None, "Client"], ["Montant", "Column 2", "Client"]),
    ):
        seen.clear()
        df, rep = load_bytes(workbooks.xlsx([header, [1.5, 2, "A"], [3, 4, "B"]]), "x.xlsx")
        assert seen == [False] and list(df.columns) == names
        assert df.iloc[:, 0].tolist() == [1.5, 3.0]


def test_xlsx_text_numbers_follow_french_conventions() -> None:
    rows = [["Client", "Montant"], ["A", "1 234,50 €"], ["B", "12,00 €"]]
    df, _ = load_bytes(workbooks.xlsx(rows), "x.xlsx")
    assert df["Montant"].tolist() == [1234.5, 12.0]


def test_ods() -> None:
    df, rep = load_bytes(workbooks.ods([["Client", "Montant"], ["A", 10], ["B", 2.5]]), "x.ods")
    assert df["Montant"].tolist() == [10.0, 2.5]


# ---------------------------------------------------------------------------------------------
# Bad input: a clear message each time, in both languages


def _error(data: bytes, name: str, **kw: object) -> PiloteError:
    with pytest.raises(PiloteError) as err:
        load_bytes(data, name, **kw)
    for lang in ("fr", "en"):
        text = err.value.message(lang)
        assert text and "{" not in text, text
    return err.value


def test_empty_file() -> None:
    assert _error(b"", "vide.csv").key == "load.empty"
    assert _error(b"  \n\n", "vide.csv").key == "load.empty"


def test_header_only() -> None:
    assert _error(b"Date;Montant;Client\n", "x.csv").key == "load.no_rows"


def test_binary_garbage() -> None:
    assert _error(bytes(range(256)) * 40, "x.csv").key == "load.binary"


def test_text_named_xlsx_is_read_as_csv_with_a_warning() -> None:
    df, rep = load_bytes(b"a;b\n1;2\n", "faux.xlsx")
    assert len(df) == 1
    assert any(w.key == "load.warn.text_named_excel" for w in rep.warnings)


def test_corrupt_workbook() -> None:
    assert _error(workbooks.corrupt(), "x.xlsx").key == "zipguard.corrupt"


def test_zip_bomb() -> None:
    assert _error(workbooks.zip_bomb(), "bomb.xlsx").key == "zipguard.bomb"


def test_xml_entity_expansion() -> None:
    assert _error(workbooks.entity_expansion(), "lol.xlsx").key == "zipguard.entities"


def test_password_protected() -> None:
    assert _error(workbooks.encrypted(), "secret.xlsx").key == "load.encrypted"


def test_over_the_size_limit() -> None:
    err = _error(b"a;b\n1;2\n" * 100, "x.csv", limits=Limits(max_file_bytes=100))
    assert err.key == "load.too_big"


def test_ten_thousand_columns() -> None:
    header = ";".join(f"c{i}" for i in range(10_000))
    row = ";".join("1" for _ in range(10_000))
    err = _error(f"{header}\n{row}\n".encode(), "wide.csv")
    assert err.key == "load.too_many_columns"
    assert "10000" in err.message("en")


def test_single_column() -> None:
    assert _error(b"hello\nworld\nagain\n", "x.txt").key == "load.one_column"
