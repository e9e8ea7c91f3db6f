"""Funnel: where deals stall and which sources bring business.

Everything here is computed by the engine (:class:`kpi.metrics.Engine`) on the deals, leads and
spend tables, so that the figures match the dashboard: stage reach and conversion
(``stage_conversion``), win rate, deal size and cycle per source, rep or segment, open and
weighted pipeline, sales velocity, and the lead funnel with a comparison of lead sources.

Decisions where the issue is silent:

- The stage order is :func:`kpi.metrics.stage_order` (leading numbers, else known FR/EN CRM
  vocabularies, else order of appearance), editable by the user; with a probability column
  and stages the vocabulary does not know, the stages are ordered by their median probability.
- Reach follows ``KPI_SPEC.md``: a deal reached every stage up to its current one, won deals
  reached every stage, and a lost deal every stage up to the last one it is known to have
  reached: from the table's stage dates where it has them (a date column whose header names
  the stage, :func:`kpi.metrics.stage_date_columns`: the CRM data set's ``engage_date`` for
  ``Engaging``), else from the stage recorded with the loss; a lost deal with neither is
  counted at the first stage. :func:`lost_deals_note` says which. Drop-off between two stages
  is the difference of reach.
- Groups (source, rep, segment): the 25 with the most closed deals in the period; each is the
  engine's value with the group added to the filters.
- Lead sources are matched across tables (leads' source, spend's channel, deals' source,
  orders' channel) case- and accent-insensitively, and labels that differ only so are one
  source ("Google" and "google"); cost per lead = spend / leads of the merged source. Revenue per source is the won value of the
  deals from that source (closed in the period) and, when an orders table has a channel, the
  orders' revenue of that channel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data import Table
from kpi.explore.trends import facts, measure_totals
from kpi.metrics import ALL, Engine, Period, Value, stage_order
from kpi.text import fold

__all__ = [
    "GROUP_ROLES",
    "PipelineSummary",
    "by_group",
    "deals_table",
    "funnel",
    "infer_stage_order",
    "lead_funnel",
    "lead_sources",
    "leads_table",
    "lost_deals_note",
    "pipeline",
]

#: Roles deals can be compared by.
GROUP_ROLES: tuple[str, ...] = ("source", "rep", "segment", "team", "region", "product")
MAX_GROUPS = 25


def deals_table(tables: Sequence[Table]) -> Table | None:
    """The first deals table with a stage or a won flag."""
    return next((t for t in tables if t.kind == "deals" and (t.has("stage") or t.has("won"))), None)


def leads_table(tables: Sequence[Table]) -> Table | None:
    """The first leads table."""
    return next((t for t in tables if t.kind == "leads"), None)


def infer_stage_order(table: Table) -> list[str]:
    """The open stages of ``table`` in pipeline order.

    :func:`kpi.metrics.stage_order` (leading numbers, else known FR/EN vocabularies, else order
    of appearance); then, unless the stages are numbered, by median probability when a
    probability column gives one for every stage (stable, so ties keep the first order).
    """
    order = [str(s) for s in stage_order(table)]
    stage_col = table.mapping.get("stage")
    prob_col = table.mapping.get("probability")
    if len(order) < 2 or prob_col not in table.df.columns or stage_col not in table.df.columns:
        return order
    if all(re.match(r"^\s*\d+", s) for s in order):
        return order
    probs = pd.to_numeric(table.df[prob_col], errors="coerce")
    med = probs.groupby(table.df[stage_col].astype(str).str.strip()).median()
    known = [med.get(s.strip()) for s in order]
    if any(v is None or np.isnan(v) for v in known):
        return order
    return [order[i] for i in np.argsort(np.asarray(known, dtype=float), kind="stable")]


def funnel(engine: Engine, period: Period = ALL, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Deals created in ``period`` reaching each stage, in the engine's stage order (its
    ``stage_order``, else :func:`kpi.metrics.stage_order`), then won.

    Returns
    -------
    pandas.DataFrame
        One row per stage: ``stage`` (label; the last is "won"), ``reached``, ``conversion``
        (from the stage before; None for the first), ``overall`` (from the first stage),
        ``drop_off`` (deals that reached the stage before but not this one), ``drop_rate``.
        Empty when there is no deal.
    """
    cols = ["stage", "reached", "conversion", "overall", "drop_off", "drop_rate"]
    deals = deals_table(engine.tables)
    if deals is None:
        return pd.DataFrame(columns=cols)
    v = engine.derive(tables=[deals]).value("stage_conversion", period)
    if v.value is None:
        return pd.DataFrame(columns=cols)
    names = list(v.detail["stages"])
    reached = np.array(v.detail["reached"], dtype=float)
    labels = []
    for i, s in enumerate(names):
        if i == len(names) - 1:
            labels.append(i18n.t("funnel.won", lang))
        elif s is None:
            labels.append(i18n.t("funnel.all_deals", lang))
        else:
            labels.append(str(s))
    prev = np.concatenate([[np.nan], reached[:-1]])
    with np.errstate(invalid="ignore", divide="ignore"):
        conv = np.where(prev > 0, reached / prev, np.nan)
    drop = np.where(np.isnan(prev), 0.0, prev - reached)
    with np.errstate(invalid="ignore", divide="ignore"):
        drop_rate = np.where(prev > 0, drop / prev, np.nan)
    return pd.DataFrame(
        {
            "stage": labels,
            "reached": reached.astype(int),
            "conversion": conv,
            "overall": reached / reached[0] if reached[0] else np.nan,
            "drop_off": drop.astype(int),
            "drop_rate": drop_rate,
        }
    )


def lost_deals_note(
    engine: Engine, period: Period = ALL, lang: str = i18n.DEFAULT_LANGUAGE
) -> str | None:
    """Where the funnel places the lost deals created in ``period``: at the last stage their
    stage dates show (naming the columns), at the stage recorded with the loss, or at the first
    stage when the export does not say; ``None`` without lost deals."""
    deals = deals_table(engine.tables)
    if deals is None:
        return None
    v = engine.derive(tables=[deals]).value("stage_conversion", period)
    if v.value is None:
        return None
    at = v.detail.get("lost_at", {})
    parts = []
    if at.get("stage_dates"):
        columns = ", ".join(f"{stage} ← {col}" for stage, col in v.detail["stage_dates"].items())
        parts.append(
            i18n.t("funnel.lost.dates", lang, n=i18n.Count(at["stage_dates"]), columns=columns)
        )
    if at.get("lost_stage"):
        parts.append(i18n.t("funnel.lost.stage", lang, n=i18n.Count(at["lost_stage"])))
    if at.get("first_stage"):
        key = "funnel.lost.first_only" if not parts else "funnel.lost.first"
        parts.append(i18n.t(key, lang, n=i18n.Count(at["first_stage"])))
    return " ".join(parts) or None


def by_group(
    engine: Engine, by: str, period: Period = ALL, limit: int = MAX_GROUPS
) -> pd.DataFrame:
    """Win rate, deal size and cycle length per value of ``by`` for deals closed in ``period``.

    Returns
    -------
    pandas.DataFrame
        ``segment``, ``won``, ``lost``, ``win_rate``, ``avg_deal_size``, ``cycle_days``,
        ``won_value``; the groups with the most closed deals first. Empty without deals or
        without the role.
    """
    cols = ["segment", "won", "lost", "win_rate", "avg_deal_size", "cycle_days", "won_value"]
    deals = deals_table(engine.tables)
    if deals is None or not deals.has(by):
        return pd.DataFrame(columns=cols)
    f = facts(engine, deals)
    if by not in f.frame.columns or f.empty:
        return pd.DataFrame(columns=cols)
    counts = f.frame.loc[f.frame["outcome"] > 0, by].value_counts()
    values = [str(v) for v, n in counts.items() if n > 0][:limit]
    on_deals = engine.derive(tables=[deals])
    rows = []
    for value in values:
        eng = on_deals.with_filter(by, [value])
        wr = eng.value("win_rate", period)
        if wr.value is None:
            continue
        size = eng.value("avg_deal_size", period)
        cycle = eng.value("sales_cycle_days", period)
        rows.append(
            (
                value,
                int(wr.detail.get("won", 0)),
                int(wr.detail.get("lost", 0)),
                wr.value,
                size.value,
                cycle.value,
                size.detail.get("won_value") if size.value is not None else 0.0,
            )
        )
    out = pd.DataFrame(rows, columns=cols)
    for c in ("win_rate", "avg_deal_size", "cycle_days", "won_value"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out["closed"] = out["won"] + out["lost"]
    return (
        out.sort_values(["closed", "segment"], ascending=[False, True])
        .drop(columns="closed")
        .reset_index(drop=True)
    )


@dataclass(frozen=True)
class PipelineSummary:
    """Open pipeline at the end of the data and the speed at which it turns into revenue.

    ``values`` maps KPI ids (``pipeline_value``, ``weighted_pipeline``, ``sales_velocity``,
    ``win_rate``, ``avg_deal_size``, ``sales_cycle_days``) to the engine's :class:`Value`;
    ``by_stage`` has ``stage``, ``deals``, ``amount`` for open deals in stage order.
    """

    values: Mapping[str, Value]
    by_stage: pd.DataFrame
    open_deals: int


def pipeline(
    engine: Engine, period: Period = ALL, lang: str = i18n.DEFAULT_LANGUAGE
) -> PipelineSummary | None:
    """Open and weighted pipeline (snapshots), and velocity for deals closed in ``period``."""
    deals = deals_table(engine.tables)
    if deals is None:
        return None
    eng = engine.derive(tables=[deals])
    ids = (
        "pipeline_value",
        "weighted_pipeline",
        "sales_velocity",
        "win_rate",
        "avg_deal_size",
        "sales_cycle_days",
    )
    values = {k: eng.value(k, period) for k in ids}
    f = facts(engine, deals)
    open_ = f.frame[f.frame["outcome"] == 0]
    stages = list(engine.stage_order_ or infer_stage_order(deals))
    if "stage" in open_.columns and len(open_):
        g = (
            pd.DataFrame(
                {"stage": open_["stage"].astype(str), "amount": open_["amount"].fillna(0.0)}
            )
            .groupby("stage")
            .agg(deals=("amount", "size"), amount=("amount", "sum"))
        )
        rank = {s: i for i, s in enumerate(stages)}
        g = g.reindex(sorted(g.index, key=lambda s: (rank.get(s, len(rank)), s)))
        by_stage = g.reset_index()
    else:
        label = i18n.t("funnel.open", lang)
        by_stage = pd.DataFrame(
            {"stage": [label], "deals": [len(open_)], "amount": [open_["amount"].sum()]}
        )
        if not len(open_):
            by_stage = by_stage.iloc[:0]
    return PipelineSummary(values, by_stage, int(len(open_)))


def lead_funnel(
    engine: Engine, period: Period = ALL, lang: str = i18n.DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """Leads created in ``period`` → leads with an outcome → converted.

    Returns
    -------
    pandas.DataFrame
        ``stage``, ``reached``, ``conversion`` (from the stage before), ``overall``; empty
        without a leads table or leads in the period.
    """
    cols = ["stage", "reached", "conversion", "overall"]
    leads = leads_table(engine.tables)
    if leads is None:
        return pd.DataFrame(columns=cols)
    eng = engine.derive(tables=[leads])
    n = eng.value("leads", period)
    if n.value is None:
        return pd.DataFrame(columns=cols)
    conv = eng.value("lead_conversion_rate", period)
    stages = [(i18n.t("funnel.leads", lang), int(n.value))]
    if conv.value is not None:
        decided = int(conv.detail.get("leads", 0))
        if decided != int(n.value):
            stages.append((i18n.t("funnel.decided", lang), decided))
        stages.append((i18n.t("funnel.converted", lang), int(conv.detail.get("converted", 0))))
    reached = np.array([s[1] for s in stages], dtype=float)
    prev = np.concatenate([[np.nan], reached[:-1]])
    with np.errstate(invalid="ignore", divide="ignore"):
        conversion = np.where(prev > 0, reached / prev, np.nan)
    return pd.DataFrame(
        {
            "stage": [s[0] for s in stages],
            "reached": reached.astype(int),
            "conversion": conversion,
            "overall": reached / reached[0] if reached[0] else np.nan,
        }
    )


def lead_sources(
    engine: Engine, period: Period = ALL, lang: str = i18n.DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """Lead sources compared: volume, conversion, cost per lead and the deals they brought.

    Orders are not matched to lead sources by the names of their sales channels: a lead source
    and a sales channel that share a name ("Web") are not the same thing, so no revenue is put
    against a source until a real join (a lead or deal id on the orders) says which orders a
    source brought.

    Returns
    -------
    pandas.DataFrame
        ``source``, ``leads``, ``converted``, ``conversion``, ``spend``, ``cost_per_lead``,
        ``won_deals``, ``won_value``; largest volume first. Missing figures are NaN (the page
        shows "–"). Empty without a leads table with a source or channel.
    """
    cols = ["source", "leads", "converted", "conversion", "spend", "cost_per_lead",
            "won_deals", "won_value"]  # fmt: skip
    tables = engine.tables
    leads = leads_table(tables)
    if leads is None:
        return pd.DataFrame(columns=cols)
    role = next((r for r in ("source", "channel") if leads.has(r)), None)
    if role is None:
        return pd.DataFrame(columns=cols)
    lf = facts(engine, leads)
    rows: dict[str, dict[str, Any]] = {}

    def add(name: str, **values: float) -> None:
        # labels differing only by case or accents ("Google" / "google") are one source
        row = rows.setdefault(fold(name), {"source": name})
        for k, v in values.items():
            row[k] = row.get(k, 0.0) + float(v)

    for _, r in measure_totals(lf, "leads", role, period).iterrows():
        add(r["segment"], leads=r["value"])
    if "converted" in lf.frame.columns:
        for _, r in measure_totals(lf, "lead_conversion_rate", role, period).iterrows():
            add(r["segment"], converted=r["num"], decided=r["den"])
    for row in rows.values():
        if row.get("decided"):
            row["conversion"] = row["converted"] / row["decided"]
    spend = next((t for t in tables if t.kind == "spend" and t.has("spend")), None)
    if spend is not None:
        cpl = engine.derive(tables=[spend, leads]).value("cost_per_lead", period)
        for item in cpl.detail.get("by_channel", []) if cpl.value is not None else []:
            key = fold(item["channel"])
            if key in rows and item.get("spend"):  # no spend on a channel: no cost per lead
                rows[key]["spend"] = rows[key].get("spend", 0.0) + float(item["spend"])
        for row in rows.values():
            if row.get("spend") is not None and row.get("leads"):
                row["cost_per_lead"] = row["spend"] / row["leads"]
    deals = deals_table(tables)
    d_role = (
        None if deals is None else next((r for r in ("source", "channel") if deals.has(r)), None)
    )
    if deals is not None and d_role is not None:
        df_ = facts(engine, deals)
        for mid, col in (("deals_won", "won_deals"), ("won_value", "won_value")):
            for _, r in measure_totals(df_, mid, d_role, period).iterrows():
                if fold(r["segment"]) in rows:
                    add(r["segment"], **{col: r["value"]})
    out = pd.DataFrame(list(rows.values()))
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    out = out[cols]
    for c in cols[1:]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out = out[out["leads"].fillna(0) > 0]
    return out.sort_values(["leads", "source"], ascending=[False, True]).reset_index(drop=True)


i18n.add_messages(
    {
        "funnel.won": {"fr": "Gagnée", "en": "Won"},
        "funnel.lost.dates": {
            "fr": "Affaires perdues placées à la dernière étape atteinte d'après leurs dates "
            "d'étape ({columns}) : {n}.",
            "en": "Lost deals placed at the last stage their stage dates show ({columns}): {n}.",
        },
        "funnel.lost.stage": {
            "fr": "Affaires perdues placées à l'étape enregistrée avec la perte : {n}.",
            "en": "Lost deals placed at the stage recorded with the loss: {n}.",
        },
        "funnel.lost.first": {
            "fr": "Sans date ni étape, comptées à la première étape : {n}.",
            "en": "With neither a date nor a stage, counted at the first stage: {n}.",
        },
        "funnel.lost.first_only": {
            "fr": "Les {n} affaires perdues sont comptées à la première étape : l'export ne dit "
            "pas jusqu'où elles sont allées (une date par étape, comme « Date de "
            "qualification », ou l'étape au moment de la perte le dirait).",
            "en": "The {n} lost deals are counted at the first stage: the export does not say "
            "how far they got (a date per stage, such as “Qualification date”, or the stage "
            "at the time of the loss would).",
        },
        "funnel.all_deals": {"fr": "Toutes les affaires", "en": "All deals"},
        "funnel.open": {"fr": "Ouvertes", "en": "Open"},
        "funnel.leads": {"fr": "Leads créés", "en": "Leads created"},
        "funnel.decided": {"fr": "Leads avec une issue", "en": "Leads with an outcome"},
        "funnel.converted": {"fr": "Convertis", "en": "Converted"},
    }
)
