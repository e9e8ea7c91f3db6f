"""The load report as a user reads it: counts and separators in words, in both languages."""

from __future__ import annotations

import dataclasses
import json

from kpi.data import LoadReport, format_name, load_bytes, separator_name
from kpi.data.dataset import Dropped


def test_warnings_say_counts_and_kinds_in_the_users_language() -> None:
    report = LoadReport("x.csv", "csv", 10)
    report.warn("load.warn.unparseable", column="Montant", n=5268, kind="number")
    assert report.warning_texts("fr") == [
        "Colonne « Montant » : 5\u202f268 valeur(s) illisible(s) comme nombre, laissée(s) vide(s)."
    ]
    assert "5,268 value(s) unreadable as number" in report.warning_texts("en")[0]
    # The stored message keeps plain values: a saved workspace writes it as JSON.
    json.dumps(dataclasses.asdict(report))
    assert Dropped(12345, "empty").text("fr").startswith("12\u202f345 ligne(s)")


def test_separators_are_named() -> None:
    assert separator_name("\t", "fr") == "tabulation" and separator_name("\t", "en") == "tab"
    assert separator_name("no-break space", "fr") == "espace insécable"
    assert separator_name("narrow no-break space", "en") == "narrow no-break space"
    assert separator_name(";", "fr") == ";" and separator_name(None, "fr") is None
    data = "Date;Montant\n01/02/2024;1\u00a0234,50\n02/02/2024;2\u00a0000,00\n".encode()
    _, report = load_bytes(data, "ventes.csv")
    assert separator_name(report.thousands, "fr") == "espace insécable"


def test_column_formats_are_said_in_the_users_language() -> None:
    assert format_name("%d/%m/%Y", "fr") == "jj/mm/aaaa"
    assert format_name("%d/%m/%Y", "en") == "dd/mm/yyyy"
    assert format_name("decimal ','", "fr") == "décimale ','"
    assert format_name("Excel date", "fr") == "date Excel"
    assert format_name("ISO 8601", "fr") == "ISO 8601" and format_name("", "fr") == ""
