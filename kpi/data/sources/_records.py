"""Record types of the source profiles, and the helpers the registry is written with."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kpi import i18n
from kpi.text import words

LANGS: tuple[str, ...] = ("fr", "en")
KINDS: tuple[str, ...] = ("orders", "deals", "leads", "lookup", "subscriptions")


def fold(text: Any) -> str:
    """Lower case, accents removed, ``n°`` as ``n``, every other non-alphanumeric run as a space
    (:func:`kpi.text.words`; ``nº`` is read as ``n°``)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return words(str(text).replace("º", "°"))


# ---------------------------------------------------------------------------------------------
# Record types
# ---------------------------------------------------------------------------------------------

Headers = tuple[tuple[str, tuple[str, ...]], ...]  # ((lang, (header, …)), …): hashable


@dataclass(frozen=True)
class Field:
    """One column of an export.

    Attributes
    ----------
    name : str
        The field's id inside the profile (``status``, ``won_time``…), used by the semantics.
    role : str or None
        The role the column plays (``amount``, ``stage``…); None when only the semantics use it.
    headers : tuple
        ``((lang, (header, …)), …)``: the header as the tool writes it in each language (several
        spellings when the tool changed them), without the tool's prefix.
    key : bool
        Whether the header identifies the export (a profile matches when all its key headers
        but at most one are present).
    """

    name: str
    role: str | None
    headers: Headers
    key: bool = False

    def header_list(self, lang: str) -> tuple[str, ...]:
        return next((h for code, h in self.headers if code == lang), ())


def F(
    name: str,
    role: str | None = None,
    *,
    en: str | Sequence[str] = (),
    fr: str | Sequence[str] = (),
    key: bool = False,
) -> Field:
    """Shorthand for a :class:`Field` (a header given as one string or several)."""

    def many(h: str | Sequence[str]) -> tuple[str, ...]:
        return (h,) if isinstance(h, str) else tuple(h)

    return Field(name, role, (("en", many(en)), ("fr", many(fr))), key)


@dataclass(frozen=True)
class When:
    """A test on one field: ``in`` (its value is one of ``values``), ``filled``, ``empty``,
    ``true``, ``false`` (a yes/no value), ``zero`` or ``positive`` (a number)."""

    field: str
    test: str = "in"
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """Rows meeting every test of ``when`` get ``outcome``; the first matching rule wins.

    Outcomes: ``won``, ``lost``, ``open`` for deals and leads (open = outcome not known yet);
    ``not_counted``, ``partial`` (a partial refund: counted, refunded amount subtracted) and
    ``counted`` for orders.
    """

    outcome: str
    when: tuple[When, ...]


def status(outcome: str, fld: str, *values: str) -> Rule:
    """Shorthand: ``outcome`` when field ``fld`` holds one of ``values``."""
    return Rule(outcome, (When(fld, "in", tuple(values)),))


def test(outcome: str, *tests: tuple[str, str]) -> Rule:
    """Shorthand: ``outcome`` when every ``(field, test)`` holds."""
    return Rule(outcome, tuple(When(f, t) for f, t in tests))


@dataclass(frozen=True)
class LineItems:
    """One row per line item, order-level fields on the order's first line only.

    ``order`` is the field that names the order on every line; ``line_fields`` vary per line;
    every other field of the profile is order-level and is filled down within the order before
    statuses and orders are counted. Revenue comes from ``revenue``: ``"subtotal"`` (the
    order's amount — the profile's :class:`Money` — once per order, spread over its lines in
    proportion to price × quantity) or ``"lines"`` (Σ line price × quantity) — never both.
    """

    order: str
    line_fields: tuple[str, ...]
    revenue: str = "subtotal"
    price: str | None = None
    quantity: str | None = None


@dataclass(frozen=True)
class Amount:
    """A money field and how to read it.

    ``tax`` is ``net`` (HT, tax-free), ``gross`` (TTC, tax included) or ``charged`` (what the
    customer paid, tax included when tax was charged). ``refunded`` is the refunded amount to
    subtract from a partially refunded order; ``currency`` the field giving this amount's
    currency (when it is not the profile's ``currency`` role).
    """

    field: str
    tax: str = "net"
    refunded: str | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Money:
    """Which amount is revenue: the first of ``amounts`` present in the file (HT before TTC).

    ``won_amount`` (deals) is the amount of a won deal when filled (Dynamics' Actual Revenue).
    """

    amounts: tuple[Amount, ...] = ()
    won_amount: str | None = None


@dataclass(frozen=True)
class Profile:
    """One tool × export kind.

    Attributes
    ----------
    tool, export : str
        Ids (``pipedrive``, ``deals``); ``tool_name`` is how the tool writes its name.
    kind : str
        What the table is: ``orders``, ``deals``, ``leads``, ``lookup`` or ``subscriptions``.
    label_fr, label_en : str
        The export's name (``export des affaires`` / ``deals export``).
    langs : tuple of str
        The header languages the tool exports in (``("en",)`` when its headers are not
        translated).
    fields : tuple of Field
    prefixes : tuple
        ``((lang, (prefix, …)), …)`` written before headers (``Deal - ``); ``prefix_required``
        when a header only counts with its prefix.
    rules : tuple of Rule
        Outcome (deals, leads) or counted-order (orders) rules.
    default : str
        The outcome of a row no rule matches: ``open`` (deals, leads) or ``counted``.
    close : tuple
        ``((outcome, (field, …)), …)``: the fields whose date closes a won / lost deal.
    line_items : LineItems or None
    money : Money or None
    footer : tuple of str
        Report furniture rows (folded prefixes of a row's only cell) to drop.
    docs : tuple of str
        Where the headers and vocabularies come from.
    minor_units : tuple of str
        Fields whose amounts are in the currency's minor unit (cents): divided by 100, except
        for zero-decimal currencies (JPY…).
    current_state : bool
        A subscriptions export giving each subscription as it is today (a price or quantity
        changed since is not in the file): its whole life is valued at today's price.
    """

    tool: str
    tool_name: str
    export: str
    kind: str
    label_fr: str
    label_en: str
    langs: tuple[str, ...]
    fields: tuple[Field, ...]
    prefixes: Headers = ()
    prefix_required: bool = False
    rules: tuple[Rule, ...] = ()
    default: str = "open"
    close: tuple[tuple[str, tuple[str, ...]], ...] = ()
    line_items: LineItems | None = None
    money: Money | None = None
    footer: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    minor_units: tuple[str, ...] = ()
    current_state: bool = False

    @property
    def id(self) -> str:
        return f"{self.tool}.{self.export}"

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def label(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return self.label_en if lang == "en" else self.label_fr

    def prefix_list(self, lang: str) -> tuple[str, ...]:
        return next((p for code, p in self.prefixes if code == lang), ())


# Helpers shared inside the subpackage.


def _q(column: str, lang: str | None = None) -> Any:
    """A column name in quotes: « Statut » (fr), “Status” (en); without ``lang``, an
    :class:`i18n.Text` holding both, for a message parameter."""
    if lang is None:
        return i18n.Text(_q(column, "fr"), _q(column, "en"))
    return f"« {column} »" if lang == "fr" else f"“{column}”"


def _cols(names: Iterable[str], lang: str | None = None) -> Any:
    names = list(names)
    if lang is None:
        return i18n.Text(_cols(names, "fr"), _cols(names, "en"))
    return ", ".join(_q(c, lang) for c in names)


def _chosen_amount(p: Profile, columns: Mapping[str, str]) -> Amount | None:
    """The profile's revenue amount: the first of its amounts present in the file."""
    if p.money is None:
        return None
    return next((a for a in p.money.amounts if a.field in columns), None)
