"""Source profiles: the exports of the tools sales teams use, recognised and read as the tool means.

A :class:`Profile` is a frozen record, one per tool and export kind (Pipedrive deals, Shopify
orders…), in the manner of the KPI catalogue. It says which headers identify the export in each
language its users export in, which role each column plays, and the tool's *semantics* as data:
where won/lost is written (:class:`Rule`), which dates make the close date, which order statuses
do not count, whether order-level fields sit on the first line of an order only
(:class:`LineItems`), which amount is tax-free (HT) and which includes tax (TTC). The code below
reads the records; there is no per-tool code.

Entry points:

- :func:`recognise` / :func:`detect_source` — which profile a table's headers match (accent- and
  case-insensitive, tool prefixes such as ``Deal - `` stripped), with the role mapping it implies
  and the semantics it will apply, each as a FR/EN sentence.
- :func:`apply_source` — apply those semantics to a typed DataFrame (never mutated): fill-down,
  outcome flags, close dates, counted orders, net amounts; counts of every change in ``notes``.
- :func:`read_source` — both, for the loader: the typed table with its tool's semantics and a
  :class:`SourceReading` (plain data kept on the load report); :func:`combine_mapping` lets the
  generic detection fill the roles the profile leaves.
- :func:`currency_summary` — the currencies of a table and their shares ("3 currencies: EUR
  80 %, USD 15 %, GBP 5 %").

Each record's comment cites the documentation or the public parsers its headers and vocabularies
were taken from, and says where the documentation is silent. Values are matched after folding
(lower case, accents removed, punctuation as spaces): ``Fermée gagnée`` = ``fermee gagnee``.
"""

from __future__ import annotations

from kpi.data.sources._currency import CurrencySummary, currency_code, currency_summary
from kpi.data.sources._reading import SourceReading, combine_mapping, read_source
from kpi.data.sources._recognise import (
    TIE_MARGIN,
    Recognition,
    SourceMatch,
    detect_source,
    recognise,
)
from kpi.data.sources._records import (
    KINDS,
    LANGS,
    Amount,
    Field,
    LineItems,
    Money,
    Profile,
    Rule,
    When,
    fold,
)
from kpi.data.sources._registry import PROFILES, get_profile
from kpi.data.sources._semantics import apply_source

__all__ = [
    "KINDS",
    "LANGS",
    "PROFILES",
    "TIE_MARGIN",
    "Amount",
    "CurrencySummary",
    "Field",
    "LineItems",
    "Money",
    "Profile",
    "Recognition",
    "Rule",
    "SourceMatch",
    "SourceReading",
    "When",
    "apply_source",
    "combine_mapping",
    "currency_code",
    "currency_summary",
    "detect_source",
    "fold",
    "get_profile",
    "read_source",
    "recognise",
]
