"""A loaded table: its typed data, how it was read, what kind of table it is and its roles.

Every engine function takes a :class:`Table` (or a DataFrame plus a ``mapping`` of role → column)
and never a literal header name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from kpi import i18n

if TYPE_CHECKING:
    from kpi.data.loading import LoadReport

# Kinds of table Pilote recognises.
KINDS: tuple[str, ...] = (
    "orders",
    "deals",
    "leads",
    "spend",
    "survey",
    "activities",
    "targets",
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
    ("other", "Autre tableau", "Other table"),
)
i18n.add_messages({f"kind.{kind}": {"fr": fr, "en": en} for kind, fr, en in _KIND_LABELS})


def kind_label(kind: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The name of a kind of table, for titles and lists (``Commandes / ventes``)."""
    return i18n.t(f"kind.{kind}", lang)


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
