"""French and English texts and number formats.

Each module keeps its own messages as ``{key: {"fr": ..., "en": ...}}`` and registers them with
:func:`add_messages` at import time, so that a new module never edits a shared file. Numbers are
formatted with Babel (CLDR data shipped in the package: no network), e.g. ``1 234 567,89 €`` and
``12,5 %`` in French.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from babel.numbers import format_currency, format_decimal, format_percent, format_scientific

LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}

_MESSAGES: dict[str, dict[str, str]] = {}


@runtime_checkable
class Localized(Protocol):
    """Anything that can say itself in a language: used as a message parameter, it is rendered
    in the language of the message (:func:`t`)."""

    def text(self, lang: str = ...) -> str: ...


@dataclass(frozen=True)
class Text:
    """A text in French and English (labels of records; a message parameter that differs by
    language)."""

    fr: str
    en: str

    def __call__(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.en if lang == "en" else self.fr

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self(lang)


@dataclass(frozen=True)
class Count:
    """An integer count as a message parameter: ``5 268`` (fr) / ``5,268`` (en)."""

    value: int

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return format_number(self.value, lang)


@dataclass(frozen=True)
class Percent:
    """A fraction as a message parameter: 0.125 → ``12,5 %`` (fr) / ``12.5%`` (en)."""

    value: float
    decimals: int = 1

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return format_percent_value(self.value, lang, self.decimals)


@dataclass(frozen=True)
class Message:
    """A message to show later, in whichever language the user picks."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(self.key, lang, **self.params)


def add_messages(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Register messages; every entry must have both languages.

    Raises
    ------
    ValueError
        If a key is registered twice with different texts, or a language is missing.
    """
    for key, texts in messages.items():
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            raise ValueError(f"message {key!r} lacks {missing}")
        if key in _MESSAGES and dict(_MESSAGES[key]) != dict(texts):
            raise ValueError(f"message {key!r} registered twice with different texts")
        _MESSAGES[key] = dict(texts)


def messages() -> dict[str, dict[str, str]]:
    """A copy of every registered message (for tests)."""
    return {k: dict(v) for k, v in _MESSAGES.items()}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The text for ``key`` in ``lang`` with ``params`` substituted.

    An unknown key returns the key itself, so a missing translation shows up plainly
    instead of crashing a page.
    """
    texts = _MESSAGES.get(key)
    if texts is None:
        return key
    text = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    if not params:
        return text
    # A parameter that is itself language-dependent (a Message, a Count, a Percent…) is
    # rendered in the language asked for.
    params = {k: v.text(lang) if isinstance(v, Localized) else v for k, v in params.items()}
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def locale(lang: str) -> str:
    """The Babel locale for a UI language."""
    return _LOCALES.get(lang, _LOCALES[DEFAULT_LANGUAGE])


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))
    except TypeError:
        return False


HUGE = 1e15
"""From this size on, numbers are written in scientific notation (``1,5E18``): Babel's
fixed-point formatting fails beyond 28 digits, and no sales figure is that large."""


def _huge(value: Any) -> bool:
    try:
        return not math.isfinite(value) or abs(value) >= HUGE
    except TypeError:
        return False


def format_number(value: Any, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """A plain number: ``1 234 567`` (fr) / ``1,234,567`` (en)."""
    if _is_missing(value):
        return "–"
    if _huge(value):
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        return format_scientific(value, "#.##E0", locale=locale(lang))
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale(lang))


def format_money(
    value: Any, lang: str = DEFAULT_LANGUAGE, currency: str | None = None, decimals: int = 2
) -> str:
    """Money in the data's currency, or a plain number when the currency is unknown."""
    if _is_missing(value):
        return "–"
    if not currency or _huge(value):
        return format_number(value, lang, decimals) + (f"\u00a0{currency}" if currency else "")
    pattern = None
    if decimals != 2:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0¤"
        if lang != "fr":
            pattern = "¤#,##0" + ("." + "0" * decimals if decimals else "")
    return format_currency(
        value, currency, format=pattern, locale=locale(lang), currency_digits=False
    )


def format_percent_value(value: Any, lang: str = DEFAULT_LANGUAGE, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.125 → ``12,5 %`` (fr) / ``12.5%`` (en)."""
    if _is_missing(value):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    if lang == "fr":
        pattern = pattern[:-1] + "\u00a0%"
    return format_percent(value, format=pattern, locale=locale(lang))


def percent_printf(lang: str = DEFAULT_LANGUAGE) -> str:
    """The printf pattern of a whole percentage as :func:`format_percent_value` writes it
    (``%d %%``, no-break space, in French; ``%d%%`` in English), for a table column of values
    0–100: Streamlit's own ``percent`` format follows the browser's locale, not the UI's."""
    return format_percent_value(1.0, lang, 0).replace("%", "%%").replace("100", "%d")


def format_value(
    value: Any, unit: str, lang: str = DEFAULT_LANGUAGE, currency: str | None = None
) -> str:
    """Format ``value`` for display according to its ``unit``.

    Units: ``money``, ``percent`` (a fraction), ``count``, ``days``, ``ratio``, ``score``,
    ``number``.
    """
    if _is_missing(value):
        return "–"
    if unit == "money":
        return format_money(value, lang, currency)
    if unit == "percent":
        return format_percent_value(value, lang)
    if unit == "count":
        return format_number(value, lang, 0)
    if unit == "days":
        return t("unit.days", lang, value=format_number(value, lang, 1))
    if unit == "minutes":
        return t("unit.minutes", lang, value=format_number(value, lang, 1))
    if unit in ("ratio", "score"):
        return format_number(value, lang, 2 if unit == "ratio" else 1)
    return format_number(value, lang, 2)


add_messages(
    {
        "unit.days": {"fr": "{value} j", "en": "{value} d"},
        "unit.minutes": {"fr": "{value} min", "en": "{value} min"},
        "lang.fr": {"fr": "Français", "en": "French"},
        "lang.en": {"fr": "Anglais", "en": "English"},
    }
)
