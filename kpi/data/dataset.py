"""A loaded table: its typed data, how it was read (:class:`LoadReport`), what kind of table it
is and its roles.

Every engine function takes a :class:`Table` (or a DataFrame plus a ``mapping`` of role → column)
and never a literal header name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

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


@dataclass
class Dropped:
    """Rows the loader did not keep, and why (a message key)."""

    rows: int
    reason: str
    lines: list[int] = field(default_factory=list)

    def text(self, lang: str) -> str:
        return i18n.t(f"load.dropped.{self.reason}", lang, rows=self.rows)


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

    def warn(self, key: str, **params: Any) -> None:
        self.warnings.append(i18n.Message(key, params))

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
            "warnings": [w.text(lang) for w in self.warnings],
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
