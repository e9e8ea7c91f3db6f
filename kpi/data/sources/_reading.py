"""The loader's side of the profiles: recognise a typed table, apply its tool's semantics, and
keep what was done as plain data on the load report."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kpi import i18n
from kpi.data.sources._recognise import recognise
from kpi.data.sources._semantics import apply_source

# Rows of the table whose status values help tell two exports of one tool apart.
SAMPLE_ROWS = 200


def _both(message: i18n.Message) -> dict[str, str]:
    return {lang: message.text(lang) for lang in ("fr", "en")}


@dataclass
class SourceReading:
    """What the loader did with a tool's export, as plain data (pickled by the worker, saved
    with a workspace's load report).

    Attributes
    ----------
    tool, export, lang : str or None
        The recognised profile (``pipedrive``, ``deals``, ``en``); None when the file looked
        like two profiles equally (then ``reason`` says which, and nothing was applied).
    kind : str or None
        The table kind the profile gives (``deals``, ``orders``, ``leads``, ``lookup``).
    name : dict
        ``{"fr": "Pipedrive — export des affaires (EN)", "en": "Pipedrive — deals export (EN)"}``.
    semantics, notes, warnings : dict
        Per language, the rules applied (``won/lost read from « Deal - Status »``), what they
        changed, with counts (``2 deals won, 2 lost, 1 open``), and what could not be applied
        (a key column missing).
    mapping : dict
        Role → column set by the profile (derived ``… (Pilote)`` columns included). Generic
        detection fills the other roles from the columns the profile does not know.
    known : list of str
        The columns the profile recognised (their meaning is the profile's, not the generic
        synonyms').
    reason : dict or None
        Per language, why no profile was applied (two profiles equally matched).
    footer_rows : int
        Report footer rows dropped (also in the load report's dropped rows).
    seconds : float
        Time spent recognising and applying the semantics.
    """

    tool: str | None = None
    export: str | None = None
    lang: str | None = None
    kind: str | None = None
    name: dict[str, str] = field(default_factory=dict)
    semantics: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    known: list[str] = field(default_factory=list)
    reason: dict[str, str] | None = None
    footer_rows: int = 0
    seconds: float = 0.0

    @property
    def recognised(self) -> bool:
        return self.tool is not None

    @property
    def source(self) -> dict[str, str] | None:
        """``{"tool", "export", "lang"}`` or None: the ``source`` key of ``inspect --json``."""
        if self.tool is None:
            return None
        return {"tool": self.tool, "export": str(self.export), "lang": str(self.lang)}

    def describe(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """``Recognised as: Pipedrive — deals export (EN)`` (None when not recognised)."""
        if self.tool is None:
            return None
        return i18n.t("sources.recognised", lang, name=self.name.get(lang, ""))

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-safe, in one language (``inspect --json``'s ``recognition`` key)."""
        return {
            "source": self.source,
            "name": self.name.get(lang),
            "kind": self.kind,
            "mapping": dict(self.mapping),
            "semantics": list(self.semantics.get(lang, [])),
            "notes": list(self.notes.get(lang, [])),
            "warnings": list(self.warnings.get(lang, [])),
            "reason": None if self.reason is None else self.reason.get(lang),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SourceReading:
        """Rebuild from :func:`dataclasses.asdict` output (a saved workspace); unknown keys are
        ignored."""
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in names})


def read_source(
    df: pd.DataFrame, sample_rows: int = SAMPLE_ROWS
) -> tuple[pd.DataFrame, SourceReading | None]:
    """Recognise a typed table's tool and apply its semantics.

    Parameters
    ----------
    df : pandas.DataFrame
        The table as the loader typed it (not modified).
    sample_rows : int
        Rows whose status values are read to tell exports apart.

    Returns
    -------
    df2 : pandas.DataFrame
        ``df`` itself when no profile matches (unknown files are read generically, at the
        cost of comparing their headers only), else the table with the tool's semantics
        applied (see :func:`apply_source`), its index renumbered.
    reading : SourceReading or None
        None when no profile came close.
    """
    started = time.perf_counter()
    recognition = recognise(list(df.columns), df.head(sample_rows))
    match = recognition.match
    if match is None:
        if recognition.reason is None:
            return df, None
        reading = SourceReading(reason=_both(recognition.reason))
        reading.seconds = round(time.perf_counter() - started, 4)
        return df, reading
    df2, mapping, notes = apply_source(df, match)
    footer = len(df) - len(df2)
    if footer:
        df2 = df2.reset_index(drop=True)
    p = match.profile
    reading = SourceReading(
        tool=p.tool,
        export=p.export,
        lang=match.lang,
        kind=p.kind,
        name={lang: match.name(lang) for lang in ("fr", "en")},
        semantics={lang: [m.text(lang) for m in match.semantics] for lang in ("fr", "en")},
        notes={lang: [m.text(lang) for m in notes] for lang in ("fr", "en")},
        warnings={lang: [m.text(lang) for m in match.warnings] for lang in ("fr", "en")},
        mapping=dict(mapping),
        known=sorted(set(match.columns.values())),
        footer_rows=footer,
    )
    reading.seconds = round(time.perf_counter() - started, 4)
    return df2, reading


def combine_mapping(
    reading: SourceReading,
    detected: Mapping[str, str],
    confidence: Mapping[str, float],
    columns: list[str],
) -> tuple[dict[str, str], dict[str, float]]:
    """The profile's roles, then the generic detection's for the columns the profile does not
    know (a column the user added to the export, or a tool field the record leaves out).

    A role the profile decides from several columns (``won`` from a status, ``amount`` from
    the tax-free total) is never taken back by the generic reading; nor is ``status`` on a
    deals or leads table, whose outcome the profile wrote.
    """
    mapping = {r: c for r, c in reading.mapping.items() if c in columns}
    conf = dict.fromkeys(mapping, 1.0)
    known = set(reading.known) | set(mapping.values())
    claimed = set(mapping)
    if reading.kind in ("deals", "leads"):
        claimed |= {"status", "won", "converted"}
    for role, col in detected.items():
        if role in claimed or col in known or col in mapping.values():
            continue
        mapping[role] = col
        conf[role] = float(confidence.get(role, 0.5))
    return mapping, conf
