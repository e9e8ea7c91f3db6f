"""Suggestions: which KPIs serve the user's objectives, whether the loaded tables can give them,
and, when they cannot, which column or table would unlock them (evidently's presets, datasette's
facet suggestions: suggest only what the data supports)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kpi import i18n
from kpi.data.dataset import Table
from kpi.data.roles import role_label
from kpi.metrics.catalogue import (
    CATALOGUE,
    KPI,
    OBJECTIVE_IDS,
    Need,
    Text,
    check_objectives,
    get_kpi,
    get_objective,
)

__all__ = [
    "Availability",
    "Missing",
    "Suggestion",
    "availability",
    "clause_label",
    "computable_kpis",
    "default_kpis",
    "find_table",
    "one_per_fact",
    "suggest",
]


# "Chargez une table {…}" / "Load a {…} table": French needs the elided preposition.
_KIND_IN_SENTENCE: dict[str, Text] = {
    "orders": Text("de ventes / commandes", "orders / sales"),
    "deals": Text("d'opportunités (pipeline)", "deals (pipeline)"),
    "leads": Text("de leads", "leads"),
    "spend": Text("de dépenses marketing", "marketing spend"),
    "survey": Text("d'enquêtes de satisfaction", "satisfaction survey"),
    "activities": Text("d'activités commerciales (appels, e-mails)", "sales activities"),
    "targets": Text("d'objectifs", "targets"),
    "subscriptions": Text("d'abonnements", "subscriptions"),
    "other": Text("de données", "data"),
}


# ---------------------------------------------------------------------------------------------
# Availability: can a KPI be computed from the loaded tables, and what would unlock it
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """What a KPI lacks from one kind of table.

    Attributes
    ----------
    kind : str
        The kind of table needed.
    table : str or None
        The loaded table that comes closest, or ``None`` when no table of that kind is loaded.
    clauses : tuple of str
        The role clauses that table lacks (empty when the whole table is missing).
    """

    kind: str
    table: str | None
    clauses: tuple[str, ...]

    def text(self, kpi: KPI, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """ "Map a Cost column to unlock Gross margin", "Load a marketing spend table…"."""
        if self.table is None:
            # A KPI that takes "any" table (NPS, CSAT) comes from a survey in practice.
            kind = "survey" if self.kind == "any" else self.kind
            return i18n.t(
                "catalogue.unlock_table",
                lang,
                kind=_KIND_IN_SENTENCE.get(kind, _KIND_IN_SENTENCE["other"])(lang),
                kpi=kpi.label(lang),
            )
        roles = i18n.t("catalogue.and", lang).join(clause_label(c, lang) for c in self.clauses)
        return i18n.t("catalogue.unlock_roles", lang, roles=roles, kpi=kpi.label(lang))


@dataclass(frozen=True)
class Availability:
    """Whether a KPI can be computed from the loaded tables.

    Attributes
    ----------
    kpi : KPI
    tables : tuple of str
        For each :class:`Need` of the KPI, the name of the table that satisfies it (or ``""``).
    missing : tuple of Missing
        What is lacking; empty when the KPI can be computed.
    """

    kpi: KPI
    tables: tuple[str, ...]
    missing: tuple[Missing, ...]

    @property
    def computable(self) -> bool:
        """Whether every need is met."""
        return not self.missing

    def unlock(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """What would unlock the KPI, in one sentence per missing piece, or ``None``."""
        if not self.missing:
            return None
        return " ".join(m.text(self.kpi, lang) for m in self.missing)


def clause_label(clause: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A clause for people.

    ``amount|quantity+unit_price`` → ``Amount (or Quantity + Unit price)``.
    """
    alts = [" + ".join(role_label(r, lang) for r in alt.split("+")) for alt in clause.split("|")]
    if len(alts) == 1:
        return alts[0]
    sep = i18n.t("catalogue.or", lang)
    return f"{alts[0]} ({sep.strip()} {sep.join(alts[1:]).strip()})"


def find_table(need: Need, tables: Sequence[Table]) -> Table | None:
    """The first table of the right kind that has every role ``need`` asks for."""
    for table in tables:
        if need.accepts(table) and not need.missing(table):
            return table
    return None


def availability(kpi: KPI | str, tables: Sequence[Table]) -> Availability:
    """Which tables serve ``kpi`` and, when some are lacking, what would unlock it."""
    kpi = get_kpi(kpi) if isinstance(kpi, str) else kpi
    used: list[str] = []
    missing: list[Missing] = []
    for need in kpi.needs:
        table = find_table(need, tables)
        if table is not None:
            used.append(table.name)
            continue
        used.append("")
        candidates = [t for t in tables if need.accepts(t)]
        if not candidates:
            missing.append(Missing(need.kind, None, ()))
            continue
        closest = min(candidates, key=lambda t: len(need.missing(t)))
        missing.append(Missing(need.kind, closest.name, need.missing(closest)))
    return Availability(kpi, tuple(used), tuple(missing))


def computable_kpis(tables: Sequence[Table]) -> list[KPI]:
    """Every KPI that can be computed from ``tables``, in catalogue order."""
    return [k for k in CATALOGUE if availability(k, tables).computable]


@dataclass(frozen=True)
class Suggestion:
    """A KPI suggested for the user's objectives.

    Attributes
    ----------
    kpi : KPI
    score : int
        Sum of the KPI's weights over the chosen objectives (higher = more relevant).
    objectives : tuple of str
        The chosen objectives this KPI serves, strongest first.
    availability : Availability
    """

    kpi: KPI
    score: int
    objectives: tuple[str, ...]
    availability: Availability

    @property
    def computable(self) -> bool:
        """Whether the KPI can be computed with the loaded tables."""
        return self.availability.computable

    def why(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """Why it serves the chosen objectives, one sentence per objective."""
        return " ".join(
            i18n.t(
                "catalogue.why",
                lang,
                objective=get_objective(obj).label(lang),
                why=self.kpi.why(obj, lang),
            )
            for obj in self.objectives
        )

    def unlock(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """What would unlock the KPI, or ``None`` when it can be computed."""
        return self.availability.unlock(lang)


def suggest(objectives: Iterable[str] | None, tables: Sequence[Table] = ()) -> list[Suggestion]:
    """Rank the KPIs for ``objectives`` against the loaded ``tables``.

    Parameters
    ----------
    objectives : iterable of str or None
        Objective ids; none means every objective (each KPI then scores its total weight).
    tables : sequence of Table
        The loaded tables, to tell what can be computed.

    Returns
    -------
    list of Suggestion
        Computable KPIs first, then by relevance (score), headline KPIs first among equals
        (:attr:`KPI.headline`: revenue before revenue growth), then catalogue order. KPIs that
        serve none of the objectives are left out.

    Raises
    ------
    PiloteError
        For an unknown objective id.
    """
    chosen = check_objectives(objectives) or OBJECTIVE_IDS
    out: list[tuple[tuple[int, int, int, int], Suggestion]] = []
    for i, kpi in enumerate(CATALOGUE):
        served = sorted((o for o in chosen if kpi.weight(o) > 0), key=lambda o: (-kpi.weight(o), o))
        if not served:
            continue
        score = sum(kpi.weight(o) for o in served)
        avail = availability(kpi, tables)
        out.append(
            (
                (0 if avail.computable else 1, -score, _headline(kpi), i),
                Suggestion(kpi, score, tuple(served), avail),
            )
        )
    return [s for _, s in sorted(out, key=lambda x: x[0])]


def _headline(kpi: KPI) -> int:
    return kpi.headline if kpi.headline is not None else 1_000


def default_kpis(
    objectives: Iterable[str] | None, tables: Sequence[Table], limit: int = 8
) -> list[str]:
    """The KPIs the dashboard shows before the user ticks any.

    With no objective: every headline KPI the tables can give (:attr:`KPI.headline`: revenue,
    orders, average order value, active customers, gross margin % for orders; win rate, open
    pipeline, average deal, cycle for deals; lead conversion…), in their rank, then the most
    relevant other ones up to ``limit``. With objectives: the first ``limit`` computable
    suggestions (:func:`suggest`). Either way one KPI per fact (:attr:`KPI.fact`: not churn
    beside retention, nor revenue growth beside revenue).
    """
    chosen = check_objectives(objectives)
    ranked = suggest(chosen or None, tables)
    if not chosen:
        heads = sorted(
            (s for s in ranked if s.computable and s.kpi.headline is not None),
            key=lambda s: _headline(s.kpi),
        )
        limit = max(limit, len(heads))
        ranked = heads + [s for s in ranked if s.kpi.headline is None]
    return one_per_fact([s.kpi for s in ranked if s.computable])[:limit]


def one_per_fact(kpis: Iterable[KPI]) -> list[str]:
    """The ids of ``kpis`` in order, leaving out a KPI whose fact an earlier one tells."""
    seen: set[str] = set()
    out = []
    for kpi in kpis:
        if kpi.fact in seen or kpi.id in seen:
            continue
        seen.update({kpi.fact, kpi.id})
        out.append(kpi.id)
    return out


i18n.add_messages(
    {
        "catalogue.unlock_table": {
            "fr": "Chargez une table {kind} pour débloquer « {kpi} ».",
            "en": "Load a {kind} table to unlock “{kpi}”.",
        },
        "catalogue.unlock_roles": {
            "fr": "Associez une colonne {roles} pour débloquer « {kpi} ».",
            "en": "Map a {roles} column to unlock “{kpi}”.",
        },
        "catalogue.or": {"fr": " ou ", "en": " or "},
        "catalogue.why": {"fr": "{objective} : {why}", "en": "{objective}: {why}"},
        "catalogue.and": {"fr": " et une colonne ", "en": " and a "},
    }
)
