"""Both languages everywhere, and numbers formatted the French or English way."""

from __future__ import annotations

import importlib
import pkgutil
import re

import kpi
from kpi import i18n


def _import_everything() -> None:
    for mod in pkgutil.walk_packages(kpi.__path__, "kpi."):
        importlib.import_module(mod.name)
    importlib.import_module("ui.texts")


def test_every_message_has_both_languages_and_same_placeholders() -> None:
    _import_everything()
    for key, texts in i18n.messages().items():
        assert texts["fr"].strip() and texts["en"].strip(), key
        fr = set(re.findall(r"\{(\w+)\}", texts["fr"]))
        en = set(re.findall(r"\{(\w+)\}", texts["en"]))
        assert fr == en, key


def test_french_formats() -> None:
    assert i18n.format_money(1234567.891, "fr", "EUR") == "1\u202f234\u202f567,89\u00a0€"
    assert i18n.format_percent_value(0.125, "fr") == "12,5\u00a0%"
    assert i18n.format_number(1234567, "fr") == "1\u202f234\u202f567"


def test_english_formats() -> None:
    assert i18n.format_money(1234567.891, "en", "EUR") == "€1,234,567.89"
    assert i18n.format_percent_value(0.125, "en") == "12.5%"


def test_percent_pattern_for_table_columns_follows_the_ui_language() -> None:
    # Streamlit's "percent" column format follows the browser's locale; this one the UI's.
    assert i18n.percent_printf("fr") == "%d\u00a0%%"
    assert i18n.percent_printf("en") == "%d%%"
    assert i18n.percent_printf("fr") % 87 == i18n.format_percent_value(0.87, "fr", 0)
    assert i18n.percent_printf("en") % 87 == i18n.format_percent_value(0.87, "en", 0)


def test_missing_values_never_show_nan() -> None:
    for unit in ("money", "percent", "count", "days", "ratio", "number"):
        assert i18n.format_value(float("nan"), unit, "fr") == "–"
        assert i18n.format_value(None, unit, "en") == "–"


def test_unknown_key_shows_the_key() -> None:
    assert i18n.t("no.such.key", "fr") == "no.such.key"
