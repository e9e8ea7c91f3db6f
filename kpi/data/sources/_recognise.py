"""Recognition: which profile a table's headers match, and the semantics it implies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi import i18n
from kpi.data.sources._records import (
    LANGS,
    Profile,
    _chosen_amount,
    _cols,
    _q,
    fold,
)
from kpi.data.sources._registry import PROFILES
from kpi.data.sources._subscriptions import subscription_sentences

# ---------------------------------------------------------------------------------------------
# Recognition
# ---------------------------------------------------------------------------------------------

# A second profile this close to the best one makes the file ambiguous.
TIE_MARGIN = 0.02


@dataclass(frozen=True)
class SourceMatch:
    """A table recognised as one tool's export.

    Attributes
    ----------
    profile : Profile
    lang : str
        The language of its headers.
    columns : dict
        Profile field name → the table's column.
    mapping : dict
        Role → column implied by the headers (before :func:`apply_source` adds derived columns).
    semantics : tuple of Message
        What :func:`apply_source` will do, one FR/EN sentence each.
    warnings : tuple of Message
        A key column missing: the file is still read, generically where the column is needed.
    score : float
    """

    profile: Profile
    lang: str
    columns: dict[str, str]
    mapping: dict[str, str]
    semantics: tuple[i18n.Message, ...]
    warnings: tuple[i18n.Message, ...]
    score: float

    @property
    def source(self) -> dict[str, str]:
        """``{"tool", "export", "lang"}``: the ``source`` key of ``inspect --json``."""
        return {"tool": self.profile.tool, "export": self.profile.export, "lang": self.lang}

    def name(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """``Pipedrive — deals export (EN)``."""
        p = self.profile
        return f"{p.tool_name} — {p.label(lang)} ({self.lang.upper()})"

    def describe(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """``Recognised as: Pipedrive — deals export (EN)``."""
        return i18n.t("sources.recognised", lang, name=self.name(lang))

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-safe: source, name, mapping, semantics and warnings as sentences."""
        return {
            **self.source,
            "name": self.name(lang),
            "mapping": dict(self.mapping),
            "semantics": [m.text(lang) for m in self.semantics],
            "warnings": [m.text(lang) for m in self.warnings],
        }


@dataclass(frozen=True)
class Recognition:
    """What :func:`recognise` found: a match, or why there is none (``reason`` is None when no
    profile came close), and the eligible candidates ``(profile id, lang, score)``, best first."""

    match: SourceMatch | None
    reason: i18n.Message | None
    candidates: tuple[tuple[str, str, float], ...]


@dataclass
class _Index:
    profiles: tuple[Profile, ...]
    # folded header → [(profile position, lang, field name, is key)]
    entries: dict[str, list[tuple[int, str, str, bool]]]
    prefixes: tuple[str, ...]  # every folded prefix, longest first
    allowed: dict[tuple[int, str], frozenset[str]]  # folded prefixes per profile and lang
    keys: dict[int, int]
    typical: dict[int, int]
    vocab: dict[tuple[int, str], frozenset[str]]  # (profile, field) → folded rule values


_INDEXES: dict[int, tuple[tuple[Profile, ...], _Index]] = {}


def _index(profiles: tuple[Profile, ...]) -> _Index:
    hit = _INDEXES.get(id(profiles))
    if hit is not None and hit[0] is profiles:
        return hit[1]
    entries: dict[str, list[tuple[int, str, str, bool]]] = {}
    allowed: dict[tuple[int, str], frozenset[str]] = {}
    vocab: dict[tuple[int, str], set[str]] = {}
    for pos, p in enumerate(profiles):
        for lang in p.langs:
            allowed[(pos, lang)] = frozenset(fold(x) for x in p.prefix_list(lang))
            for f in p.fields:
                for h in f.header_list(lang):
                    entries.setdefault(fold(h), []).append((pos, lang, f.name, f.key))
        for rule in p.rules:
            for w in rule.when:
                if w.test == "in":
                    vocab.setdefault((pos, w.field), set()).update(fold(v) for v in w.values)
    prefixes = sorted({x for s in allowed.values() for x in s}, key=len, reverse=True)
    index = _Index(
        profiles,
        entries,
        tuple(prefixes),
        allowed,
        {i: sum(f.key for f in p.fields) for i, p in enumerate(profiles)},
        {i: sum(not f.key for f in p.fields) for i, p in enumerate(profiles)},
        {k: frozenset(v) for k, v in vocab.items()},
    )
    _INDEXES[id(profiles)] = (profiles, index)
    return index


def _hits(
    index: _Index, columns: Sequence[str]
) -> dict[tuple[int, str], dict[str, tuple[str, str | None]]]:
    """(profile, lang) → field name → (column, prefix used)."""
    hits: dict[tuple[int, str], dict[str, tuple[str, str | None]]] = {}
    for col in columns:
        folded = fold(col)
        forms: list[tuple[str, str | None]] = [(folded, None)]
        for pre in index.prefixes:
            if folded.startswith(pre + " "):
                forms.append((folded[len(pre) + 1 :], pre))
        for form, pre in forms:
            for pos, lang, name, _key in index.entries.get(form, ()):
                ok = (
                    pre in index.allowed[(pos, lang)]
                    if pre
                    else not index.profiles[pos].prefix_required
                )
                if ok:
                    hits.setdefault((pos, lang), {}).setdefault(name, (str(col), pre))
    return hits


def _vocab_share(
    index: _Index, pos: int, found: Mapping[str, tuple[str, str | None]], sample: pd.DataFrame
) -> float:
    """Share of the sample's status values the profile's vocabulary knows (0 without one)."""
    known = total = 0
    for name, (col, _pre) in found.items():
        vocab = index.vocab.get((pos, name))
        if not vocab or col not in sample.columns:
            continue
        values = [fold(v) for v in sample[col].dropna().unique()[:50]]
        values = [v for v in values if v]
        known += sum(v in vocab for v in values)
        total += len(values)
    return known / total if total else 0.0


def recognise(
    columns: Sequence[str],
    sample: pd.DataFrame | None = None,
    profiles: tuple[Profile, ...] = PROFILES,
) -> Recognition:
    """Which tool's export a table is, from its headers (and a few rows, to settle languages).

    Parameters
    ----------
    columns : sequence of str
        The table's headers, as read.
    sample : pandas.DataFrame, optional
        A few rows of the table: their status values add evidence (quotes vs invoices).
    profiles : tuple of Profile
        The registry (default :data:`PROFILES`).

    Returns
    -------
    Recognition
        ``match`` is None when no profile matches (the file is read generically, as today) or
        when two profiles match equally (``reason`` says which).

    Notes
    -----
    A profile is a candidate when at least two of its key headers are present and at most one
    is missing. Its score weighs the key headers found (0.55), the other known headers found
    (0.2), the share of the file's columns it explains (0.15) and the share of sample status
    values its vocabulary knows (0.1). Headers are compared folded (case, accents,
    punctuation), with the tool's prefix (``Deal - ``) stripped.
    """
    index = _index(profiles)
    columns = [str(c) for c in columns]
    hits = _hits(index, columns)
    n_cols = max(len(columns), 1)
    best: dict[int, tuple[tuple[float, int, int], float, str]] = {}
    for (pos, lang), found in hits.items():
        p = profiles[pos]
        k = sum(p.field(n).key for n in found)
        big_k = index.keys[pos]
        if k < 2 or k < big_k - 1:
            continue
        t = len(found) - k
        typical = index.typical[pos]
        explained = len({c for c, _ in found.values()}) / n_cols
        vocab = _vocab_share(index, pos, found, sample) if sample is not None else 0.0
        score = (
            0.55 * k / big_k + 0.2 * (t / typical if typical else 0.0) + 0.15 * explained
            + 0.1 * vocab
        )  # fmt: skip
        # Between languages of one profile: more headers found wins, then the header list
        # specific to the language, then the profile's first language.
        specific = sum(
            fold(col) not in {fold(h) for h in p.field(n).header_list(_other(p, lang))}
            for n, (col, _) in found.items()
        )
        rank = (round(score, 6), specific, -p.langs.index(lang))
        if pos not in best or rank > best[pos][0]:
            best[pos] = (rank, score, lang)
    ranking = sorted(
        ((s, pos, lang) for pos, (_r, s, lang) in best.items()), key=lambda x: (-x[0], x[1])
    )
    candidates = tuple((profiles[pos].id, lang, round(s, 3)) for s, pos, lang in ranking)
    if not ranking:
        return Recognition(None, None, candidates)
    score, pos, lang = ranking[0]
    if len(ranking) > 1 and ranking[1][0] >= score - TIE_MARGIN:
        other = profiles[ranking[1][1]]
        first = profiles[pos]
        reason = i18n.Message(
            "sources.ambiguous",
            {
                "a": i18n.Text(
                    f"{first.tool_name} ({first.label_fr})", f"{first.tool_name} ({first.label_en})"
                ),
                "b": i18n.Text(
                    f"{other.tool_name} ({other.label_fr})", f"{other.tool_name} ({other.label_en})"
                ),
            },
        )
        return Recognition(None, reason, candidates)
    found = hits[(pos, lang)]
    return Recognition(_make_match(profiles[pos], lang, found, score), None, candidates)


def detect_source(
    columns: Sequence[str],
    sample: pd.DataFrame | None = None,
    profiles: tuple[Profile, ...] = PROFILES,
) -> SourceMatch | None:
    """The :class:`SourceMatch` of :func:`recognise`, or None (unknown or ambiguous file)."""
    return recognise(columns, sample, profiles).match


def _other(p: Profile, lang: str) -> str:
    return next((x for x in LANGS if x != lang), lang)


_TEST_TEXT = {
    "filled": ("{c} est rempli", "{c} is filled"),
    "empty": ("{c} est vide", "{c} is empty"),
    "true": ("{c} est vrai", "{c} is true"),
    "false": ("{c} est faux", "{c} is false"),
    "zero": ("{c} vaut 0", "{c} is 0"),
    "positive": ("{c} est positif", "{c} is positive"),
}
_OUTCOME_TEXT = {
    ("deals", "won"): ("affaire gagnée", "deal won"),
    ("deals", "lost"): ("affaire perdue", "deal lost"),
    ("deals", "open"): ("affaire ouverte", "deal open"),
    ("leads", "won"): ("lead converti", "lead converted"),
    ("leads", "lost"): ("lead perdu", "lead lost"),
    ("leads", "open"): ("lead encore ouvert", "lead still open"),
    ("orders", "not_counted"): ("commande non comptée", "order not counted"),
    ("orders", "partial"): (
        "remboursement partiel (commande comptée, montant remboursé déduit)",
        "partial refund (order counted, refunded amount subtracted)",
    ),
    ("orders", "counted"): ("commande comptée", "order counted"),
}


def _make_match(
    p: Profile, lang: str, found: Mapping[str, tuple[str, str | None]], score: float
) -> SourceMatch:
    columns = {name: col for name, (col, _pre) in found.items()}
    mapping: dict[str, str] = {}
    for f in p.fields:
        if f.role and f.name in columns and f.role not in mapping:
            mapping[f.role] = columns[f.name]
    sem: list[i18n.Message] = []
    warnings: list[i18n.Message] = []
    missing = [f for f in p.fields if f.key and f.name not in columns]
    for f in missing:
        header = f.header_list(lang)[0]
        pre = p.prefix_list(lang)
        warnings.append(
            i18n.Message(
                "sources.missing_key",
                {"header": f"{pre[0]} - {header}" if pre else header, "tool": p.tool_name},
            )
        )
    if p.kind == "lookup":
        key = next((columns[f.name] for f in p.fields if f.key and f.name in columns), None)
        if key is not None:
            sem.append(i18n.Message("sources.sem.lookup", {"column": _q(key)}))
    used_prefixes = sorted({pre for _c, pre in found.values() if pre})
    if used_prefixes:
        originals = [x for x in p.prefix_list(lang) if fold(x) in used_prefixes]
        sem.append(i18n.Message("sources.sem.prefix", {"prefix": ", ".join(originals)}))
    if p.footer:
        sem.append(i18n.Message("sources.sem.footer", {}))
    li = p.line_items
    if li and li.order in columns:
        sem.append(i18n.Message("sources.sem.fill_down", {"order": _q(columns[li.order])}))
    amount = _chosen_amount(p, columns)
    if amount is not None:
        col = columns[amount.field]
        mapping["amount"] = col
        others = [a for a in p.money.amounts if a.field in columns and a is not amount]  # type: ignore[union-attr]
        gross = [columns[a.field] for a in others if a.tax == "gross"]
        if amount.tax == "net" and gross:
            sem.append(i18n.Message("sources.sem.ht", {"net": _q(col), "gross": _cols(gross)}))
        elif amount.tax == "gross":
            sem.append(i18n.Message("sources.sem.ttc", {"gross": _q(col)}))
        elif amount.tax == "charged":
            sem.append(i18n.Message("sources.sem.charged", {"amount": _q(col)}))
        if amount.currency and amount.currency in columns:
            mapping["currency"] = columns[amount.currency]
        if li and li.order in columns:
            if li.revenue == "subtotal":
                sem.append(i18n.Message("sources.sem.revenue_subtotal", {"amount": _q(col)}))
    if li and li.revenue == "lines" and li.price in columns and li.quantity in columns:
        sem.append(
            i18n.Message(
                "sources.sem.revenue_lines",
                {"price": _q(columns[li.price]), "qty": _q(columns[li.quantity])},
            )
        )
    if p.money and p.money.won_amount in columns:
        sem.append(
            i18n.Message("sources.sem.won_amount", {"column": _q(columns[p.money.won_amount])})
        )
    if "currency" in mapping:
        sem.append(i18n.Message("sources.sem.currency", {"column": _q(mapping["currency"])}))
    sem.extend(_rule_sentences(p, columns))
    sem.extend(subscription_sentences(p, columns))
    for outcome, fields in p.close:
        present = [columns[f] for f in fields if f in columns]
        if present:
            key = "sources.sem.close_won" if outcome == "won" else "sources.sem.close_lost"
            sem.append(i18n.Message(key, {"columns": _cols(present)}))
    return SourceMatch(p, lang, columns, mapping, tuple(sem), tuple(warnings), round(score, 3))


def _rule_sentences(p: Profile, columns: Mapping[str, str]) -> list[i18n.Message]:
    out: list[i18n.Message] = []
    status_fields: list[str] = []
    for rule in p.rules:
        if any(w.field not in columns for w in rule.when):
            continue
        if all(w.test == "in" for w in rule.when):
            for w in rule.when:
                if columns[w.field] not in status_fields:
                    status_fields.append(columns[w.field])
            if rule.outcome == "not_counted":
                out.append(
                    i18n.Message(
                        "sources.sem.not_counted",
                        {"column": _q(columns[rule.when[0].field]),
                         "values": ", ".join(rule.when[0].values[:8])},
                    )
                )  # fmt: skip
            continue
        cond_fr = " et ".join(
            _TEST_TEXT[w.test][0].format(c=_q(columns[w.field], "fr")) for w in rule.when
        )
        cond_en = " and ".join(
            _TEST_TEXT[w.test][1].format(c=_q(columns[w.field], "en")) for w in rule.when
        )
        fr, en = _OUTCOME_TEXT[(p.kind, rule.outcome)]
        out.append(
            i18n.Message(
                "sources.sem.rule",
                {"outcome": i18n.Text(fr, en), "cond": i18n.Text(cond_fr, cond_en)},
            )
        )
    if status_fields and p.kind == "deals":
        out.insert(0, i18n.Message("sources.sem.outcome", {"columns": _cols(status_fields)}))
    elif p.kind == "leads":
        key = "sources.sem.lead_outcome" if status_fields else "sources.sem.lead_all_open"
        out.insert(0, i18n.Message(key, {"columns": _cols(status_fields)}))
    return out


i18n.add_messages(
    {
        "sources.recognised": {"fr": "Reconnu : {name}", "en": "Recognised as: {name}"},
        "sources.ambiguous": {
            "fr": "Le fichier ressemble autant à un export {a} qu'à un export {b} : ses colonnes sont lues de façon générique. Vérifiez les rôles des colonnes.",
            "en": "The file looks as much like a {a} export as a {b} export: its columns are read generically. Check the column roles.",
        },
        "sources.missing_key": {
            "fr": "Export {tool} reconnu, mais la colonne « {header} » manque : ce qui en dépend est lu de façon générique, le reste normalement.",
            "en": "{tool} export recognised, but the “{header}” column is missing: what depends on it is read generically, the rest as usual.",
        },
        "sources.sem.lookup": {
            "fr": "table de correspondance : ses colonnes complètent les tableaux chargés dont une colonne reprend {column}",
            "en": "lookup table: its columns complete the loaded tables with a column holding {column}",
        },
        "sources.sem.prefix": {
            "fr": "préfixe « {prefix} - » ignoré dans les en-têtes",
            "en": "“{prefix} - ” prefix ignored in the headers",
        },
        "sources.sem.footer": {
            "fr": "lignes de pied de rapport retirées (copyright, « Confidential Information », « Generated By »)",
            "en": "report footer rows removed (copyright, “Confidential Information”, “Generated By”)",
        },
        "sources.sem.fill_down": {
            "fr": "champs de commande recopiés depuis la première ligne de chaque commande ({order})",
            "en": "order fields filled down from the first line of each order ({order})",
        },
        "sources.sem.revenue_subtotal": {
            "fr": "chiffre d'affaires = {amount} une fois par commande, réparti sur ses lignes au prorata prix × quantité",
            "en": "revenue = {amount} once per order, spread over its lines in proportion to price × quantity",
        },
        "sources.sem.revenue_lines": {
            "fr": "chiffre d'affaires = {price} × {qty} sur chaque ligne",
            "en": "revenue = {price} × {qty} on each line",
        },
        "sources.sem.ht": {
            "fr": "montant hors taxes {net} préféré au montant TTC {gross}",
            "en": "tax-free amount {net} preferred to the tax-included {gross}",
        },
        "sources.sem.ttc": {
            "fr": "montants toutes taxes comprises ({gross}) : l'export n'a pas de montant hors taxes",
            "en": "amounts include tax ({gross}): the export has no tax-free amount",
        },
        "sources.sem.charged": {
            "fr": "montants encaissés {amount} (taxes comprises quand vous en facturez)",
            "en": "amounts as charged {amount} (tax included when you charge tax)",
        },
        "sources.sem.won_amount": {
            "fr": "montant d'une affaire gagnée = {column} quand il est rempli",
            "en": "a won deal's amount = {column} when filled",
        },
        "sources.sem.currency": {
            "fr": "devise lue dans {column}",
            "en": "currency read from {column}",
        },
        "sources.sem.outcome": {
            "fr": "victoire/perte lues dans {columns}",
            "en": "won/lost read from {columns}",
        },
        "sources.sem.lead_outcome": {
            "fr": "conversion/perte lues dans {columns} ; les leads encore ouverts ont une issue inconnue (non appris, à scorer)",
            "en": "converted/lost read from {columns}; leads still open have an unknown outcome (not learned from, to be scored)",
        },
        "sources.sem.lead_all_open": {
            "fr": "tous les leads de cet export sont encore ouverts (un lead gagné devient une affaire) : issue inconnue",
            "en": "every lead in this export is still open (a won lead becomes a deal): outcome unknown",
        },
        "sources.sem.rule": {
            "fr": "{outcome} quand {cond}",
            "en": "{outcome} when {cond}",
        },
        "sources.sem.not_counted": {
            "fr": "commandes non comptées quand {column} vaut : {values}",
            "en": "orders not counted when {column} is: {values}",
        },
        "sources.sem.close_won": {
            "fr": "date de clôture des affaires gagnées = {columns}",
            "en": "close date of won deals = {columns}",
        },
        "sources.sem.close_lost": {
            "fr": "date de clôture des affaires perdues = {columns}",
            "en": "close date of lost deals = {columns}",
        },
    }
)
