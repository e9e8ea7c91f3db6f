"""A loaded table: its typed data, how it was read (:class:`LoadReport`), what kind of table it
is and its roles.

Every engine function takes a :class:`Table` (or a DataFrame plus a ``mapping`` of role → column)
and never a literal header name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kpi import i18n

if TYPE_CHECKING:
    from kpi.data.sources import SourceReading

# Kinds of table Pilote recognises.
KINDS: tuple[str, ...] = (
    "orders",
    "deals",
    "leads",
    "spend",
    "survey",
    "activities",
    "targets",
    "subscriptions",
    "lookup",
    "other",
)


_KIND_LABELS: tuple[tuple[str, str, str], ...] = (
    ("orders", "Commandes / ventes", "Orders / sales"),
    ("deals", "Opportunités (pipeline)", "Deals (pipeline)"),
    ("leads", "Leads / prospects", "Leads"),
    ("spend", "Dépenses marketing", "Marketing spend"),
    ("survey", "Enquêtes de satisfaction", "Satisfaction surveys"),
    ("activities", "Activités commerciales", "Sales activities"),
    ("targets", "Objectifs", "Targets"),
    ("subscriptions", "Abonnements", "Subscriptions"),
    (
        "lookup",
        "Table de correspondance (comptes, équipes, produits)",
        "Lookup table (accounts, teams, products)",
    ),
    ("other", "Autre tableau", "Other table"),
)
i18n.add_messages({f"kind.{kind}": {"fr": fr, "en": en} for kind, fr, en in _KIND_LABELS})


def kind_label(kind: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The name of a kind of table, for titles and lists (``Commandes / ventes``)."""
    return i18n.t(f"kind.{kind}", lang)


def separator_name(value: str | None, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
    """A delimiter or thousands separator of :class:`LoadReport` for people: ``tabulation``,
    ``espace insécable``…, or the character itself; ``None`` for none."""
    if not value:
        return None
    key = _SEPARATOR_NAMES.get(value)
    return value if key is None else i18n.t(f"load.separator.{key}", lang)


_SEPARATOR_NAMES = {
    "\t": "tab",
    " ": "space",
    "space": "space",
    "no-break space": "nbsp",
    "\u00a0": "nbsp",
    "narrow no-break space": "narrow_nbsp",
    "\u202f": "narrow_nbsp",
    "apostrophe": "apostrophe",
}


def format_name(fmt: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """How a column was read (:attr:`ColumnInfo.format`) for people: ``décimale ','``,
    ``jj/mm/aaaa``, ``date Excel``…; the loader records them in one internal notation."""
    if not fmt:
        return ""
    if fmt in _FORMAT_NAMES:
        return i18n.t(f"load.format.{_FORMAT_NAMES[fmt]}", lang)
    if fmt.startswith("decimal "):
        rest = fmt[len("decimal ") :]
        return i18n.t("load.format.decimal", lang, sep=rest)
    if "%" in fmt:  # a strftime pattern
        for code, key in _DATE_CODES:
            fmt = fmt.replace(code, i18n.t(f"load.format.{key}", lang))
    return fmt


_FORMAT_NAMES = {
    "Excel date": "excel_date",
    "Excel number": "excel_number",
    "Excel serial": "excel_serial",
}
_DATE_CODES = (
    ("%d", "day"),
    ("%m", "month"),
    ("%Y", "year"),
    ("%y", "year2"),
    ("%H", "hour"),
    ("%M", "minute"),
    ("%S", "second"),
    ("%b", "month_name"),
    ("%B", "month_name"),
)


def counted(params: dict[str, Any]) -> dict[str, Any]:
    """Message parameters with their whole numbers as :class:`kpi.i18n.Count` (``5 268``
    in French, ``5,268`` in English): the load and quality messages' numbers are counts."""
    return {
        k: i18n.Count(int(v)) if isinstance(v, int | np.integer) and not isinstance(v, bool) else v
        for k, v in params.items()
    }


@dataclass
class Dropped:
    """Rows the loader did not keep, and why (a message key)."""

    rows: int
    reason: str
    lines: list[int] = field(default_factory=list)

    def text(self, lang: str) -> str:
        return i18n.t(f"load.dropped.{self.reason}", lang, rows=i18n.Count(self.rows))


@dataclass
class ColumnInfo:
    """How one column was read."""

    type: str  # "date", "number", "text"
    format: str = ""
    unparseable: int = 0
    examples: list[str] = field(default_factory=list)
    percent: bool = False


@dataclass
class LoadReport:
    """Every decision the loader took, for the user to check."""

    file_name: str
    file_type: str
    size_bytes: int
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    header_row: int = 1
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    rows: int = 0
    columns: list[str] = field(default_factory=list)
    column_info: dict[str, ColumnInfo] = field(default_factory=dict)
    dropped: list[Dropped] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    warnings: list[i18n.Message] = field(default_factory=list)
    currency: str | None = None
    date_order: str | None = None
    seconds: float = 0.0
    source: SourceReading | None = None  # the tool whose export this is (kpi.data.sources)
    # Rows of the typed table whose date cell was a total's label ("Total", "Sous-total"),
    # row → column: not counted as unreadable dates, judged by drop_total_rows, which empties it.
    total_labels: dict[int, str] = field(default_factory=dict)

    def warn(self, key: str, **params: Any) -> None:
        self.warnings.append(i18n.Message(key, params))

    def warning_texts(self, lang: str = i18n.DEFAULT_LANGUAGE) -> list[str]:
        """The warnings as sentences, counts written for the language (``5 268``) and the
        kind of value in words (``nombre``). The messages keep plain values, so that a saved
        workspace stores them as JSON."""
        out = []
        for w in self.warnings:
            params = counted(w.params)
            if isinstance(params.get("kind"), str):
                params["kind"] = i18n.t(f"load.value_kind.{params['kind']}", lang)
            out.append(i18n.t(w.key, lang, **params))
        return out

    def drop(self, rows: int, reason: str, lines: list[int] | None = None) -> None:
        if rows:
            self.dropped.append(Dropped(rows, reason, (lines or [])[:20]))

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-safe summary (the CLI's ``inspect --json``)."""
        return {
            "file": self.file_name,
            "rows": self.rows,
            "columns": list(self.columns),
            "format": {
                "type": self.file_type,
                "encoding": self.encoding,
                "delimiter": self.delimiter,
                "decimal": self.decimal,
                "thousands": self.thousands,
                "header_row": self.header_row,
                "sheet": self.sheet,
                "sheets": list(self.sheets),
                "date_order": self.date_order,
                "currency": self.currency,
            },
            "column_types": {k: asdict(v) for k, v in self.column_info.items()},
            "dropped": [
                {"rows": d.rows, "reason": d.text(lang), "code": d.reason, "lines": d.lines}
                for d in self.dropped
            ],
            "dropped_columns": list(self.dropped_columns),
            "warnings": self.warning_texts(lang),
            "source": None if self.source is None else self.source.source,
            "recognition": None if self.source is None else self.source.to_dict(lang),
        }


@dataclass(frozen=True)
class Table:
    """One loaded table.

    Attributes
    ----------
    name : str
        What the user knows it by: the file name, plus the sheet for workbooks.
    df : pandas.DataFrame
        Typed data: dates as ``datetime64``, numbers as ``float64``, the rest as strings.
    kind : str
        One of :data:`KINDS`.
    mapping : dict
        Role id → column name (see :data:`kpi.data.roles.ROLES`).
    confidence : dict
        Role id → confidence in [0, 1] of the detected column.
    report : LoadReport or None
        How the file was read.
    """

    name: str
    df: pd.DataFrame
    kind: str = "other"
    mapping: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    report: LoadReport | None = None

    def column(self, role: str) -> str | None:
        """The column mapped to ``role``, if any."""
        return self.mapping.get(role)

    def has(self, *roles: str) -> bool:
        """Whether every role in ``roles`` is mapped."""
        return all(r in self.mapping for r in roles)

    def with_mapping(self, mapping: dict[str, str], kind: str | None = None) -> Table:
        """A copy with another mapping (and kind); the data is shared, not copied."""
        return replace(
            self,
            mapping=dict(mapping),
            kind=kind or self.kind,
            confidence={r: self.confidence.get(r, 1.0) for r in mapping},
        )


i18n.add_messages(
    {
        "load.separator.tab": {"fr": "tabulation", "en": "tab"},
        "load.separator.space": {"fr": "espace", "en": "space"},
        "load.separator.nbsp": {"fr": "espace insécable", "en": "no-break space"},
        "load.separator.narrow_nbsp": {
            "fr": "espace fine insécable",
            "en": "narrow no-break space",
        },
        "load.separator.apostrophe": {"fr": "apostrophe", "en": "apostrophe"},
        "load.value_kind.number": {"fr": "nombre", "en": "number"},
        "load.format.excel_date": {"fr": "date Excel", "en": "Excel date"},
        "load.format.excel_number": {"fr": "nombre Excel", "en": "Excel number"},
        "load.format.excel_serial": {
            "fr": "date Excel (numéro de série)",
            "en": "Excel date (serial number)",
        },
        "load.format.decimal": {"fr": "décimale {sep}", "en": "decimal {sep}"},
        "load.format.day": {"fr": "jj", "en": "dd"},
        "load.format.month": {"fr": "mm", "en": "mm"},
        "load.format.year": {"fr": "aaaa", "en": "yyyy"},
        "load.format.year2": {"fr": "aa", "en": "yy"},
        "load.format.hour": {"fr": "hh", "en": "hh"},
        "load.format.minute": {"fr": "mm", "en": "mm"},
        "load.format.second": {"fr": "ss", "en": "ss"},
        "load.format.month_name": {"fr": "mois", "en": "month"},
        "load.value_kind.date": {"fr": "date", "en": "date"},
    }
)
