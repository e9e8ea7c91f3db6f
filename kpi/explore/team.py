"""Team: who sells what, against which target, and who needs help.

Every figure is a catalogue KPI computed by the engine with the rep (or team) added to the
filters, so a rep's line is exactly what the dashboard shows when filtered on that rep.

Decisions where the issue is silent:

- A KPI appears in the leaderboard only when every table it uses has the grouping column (a
  deals table without owners cannot give a win rate per rep; showing the team's win rate on
  every line would mislead).
- Reps are the values of the grouping role in any loaded table (orders, deals, activities,
  targets), at most 100, restricted to the global filter on that role when there is one.
- Ranking: by revenue when the orders have reps, else by won deal value, else by name.
- "Needs help" flags in the drill-down: a KPI where the rep is in the bottom quarter of the
  team (or below target pacing), direction-aware (a long cycle is bad).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data import Table
from kpi.metrics import ALL, CATALOGUE, Engine, Period, availability, filter_options, get_kpi

__all__ = [
    "LEADERBOARD_KPIS",
    "RepDetail",
    "available_kpis",
    "leaderboard",
    "rep_detail",
    "team_totals",
]

#: Leaderboard columns: the KPIs whose record says ``leaderboard``, in catalogue order.
LEADERBOARD_KPIS: tuple[str, ...] = tuple(k.id for k in CATALOGUE if k.leaderboard)
MAX_REPS = 100


def available_kpis(tables: Sequence[Table], by: str = "rep") -> list[str]:
    """The leaderboard KPIs computable per ``by``: every table they use has the column."""
    by_name = {t.name: t for t in tables}
    out = []
    for kpi_id in LEADERBOARD_KPIS:
        avail = availability(kpi_id, tables)
        if not avail.computable:
            continue
        if all(by_name[name].has(by) for name in avail.tables if name):
            out.append(kpi_id)
    return out


def _members(engine: Engine, by: str) -> list[str]:
    values = filter_options(engine.tables, by, MAX_REPS)
    chosen = engine.filters.get(by, frozenset())
    return [v for v in values if not chosen or v in chosen]


def _won(eng: Engine, period: Period) -> tuple[float | None, float | None]:
    wr = eng.value("win_rate", period)
    size = eng.value("avg_deal_size", period)
    won = wr.detail.get("won") if wr.value is not None else None
    value = size.detail.get("won_value") if size.value is not None else None
    return won, value


def leaderboard(engine: Engine, period: Period = ALL, by: str = "rep") -> pd.DataFrame:
    """One line per rep (or team) with the KPIs of :func:`available_kpis` for ``period``: each
    is ``engine``'s value with its filter on ``by`` replaced by the rep.

    Returns
    -------
    pandas.DataFrame
        ``member`` then one column per KPI id (float, NaN when the rep has no value), plus
        ``deals_won`` and ``won_value`` when deals have owners, and ``target``,
        ``attainment``, ``pacing`` when a targets table has the column; ``rank`` (1 = best).
        Empty without the column anywhere.
    """
    members = _members(engine, by)
    kpis = available_kpis(engine.tables, by)
    if not members:
        return pd.DataFrame(columns=["member", "rank"])
    rows = []
    deals_by = "win_rate" in kpis
    for member in members:
        eng = engine.with_filter(by, [member])
        row: dict[str, Any] = {"member": member}
        for kpi_id in kpis:
            v = eng.value(kpi_id, period)
            row[kpi_id] = np.nan if v.value is None else v.value
        if deals_by:
            won, value = _won(eng, period)
            row["deals_won"] = np.nan if won is None else float(won)
            row["won_value"] = np.nan if value is None else float(value)
        rows.append(row)
    out = pd.DataFrame(rows)
    att = engine.with_filter(by, None).attainment_table(period, by)
    if len(att):
        att = att.rename(columns={by: "member"})
        att["member"] = att["member"].astype(str).str.strip()
        out = out.merge(att[["member", "target", "attainment", "pacing"]], on="member", how="left")
    value_cols = [c for c in out.columns if c != "member"]
    out[value_cols] = out[value_cols].apply(pd.to_numeric, errors="coerce").astype(float)
    # reps with nothing at all in the period (only a target line, say) stay, at the bottom
    key = next((c for c in ("revenue", "won_value") if c in out.columns), None)
    if key is not None:
        out = out.sort_values([key, "member"], ascending=[False, True], na_position="last")
    else:
        out = out.sort_values("member")
    out = out.reset_index(drop=True)
    out.insert(1, "rank", np.arange(1, len(out) + 1))
    return out


def team_totals(engine: Engine, period: Period = ALL, by: str = "rep") -> dict[str, float | None]:
    """The whole team's value of each leaderboard KPI (``engine``'s filters), plus
    ``deals_won``, ``won_value`` and the total ``target`` / ``attainment`` / ``pacing``."""
    eng = engine
    out: dict[str, float | None] = {}
    for kpi_id in available_kpis(engine.tables, by):
        out[kpi_id] = eng.value(kpi_id, period).value
    if "win_rate" in out:
        out["deals_won"], out["won_value"] = _won(eng, period)
    if any(t.kind == "targets" for t in engine.tables):
        att = eng.value("attainment", period)
        pace = eng.value("pacing", period)
        out["target"] = att.detail.get("target") if att.value is not None else None
        out["attainment"] = att.value
        out["pacing"] = pace.value
    return out


@dataclass(frozen=True)
class RepDetail:
    """One rep next to the team.

    ``kpis``: ``kpi``, ``label``, ``unit``, ``value``, ``team_median``, ``team_best``,
    ``percentile`` (share of reps the rep does better than, direction-aware), ``flag``
    (``help`` when in the bottom quarter, ``strong`` in the top quarter, else empty).
    ``monthly``: ``start``, ``label``, ``revenue``, ``target`` (per month; NaN without).
    """

    member: str
    rank: int | None
    of: int
    kpis: pd.DataFrame
    monthly: pd.DataFrame


def rep_detail(
    board: pd.DataFrame,
    member: str,
    engine: Engine,
    by: str = "rep",
    lang: str = i18n.DEFAULT_LANGUAGE,
    months: int = 24,
) -> RepDetail | None:
    """Drill-down for one rep from a :func:`leaderboard`: each KPI against the team, and
    revenue per month against the rep's targets."""
    if board.empty or member not in set(board["member"]):
        return None
    line = board[board["member"] == member].iloc[0]
    rows = []
    for kpi_id in [c for c in LEADERBOARD_KPIS if c in board.columns]:
        kpi = get_kpi(kpi_id)
        col = board[kpi_id].astype(float)
        v = float(line[kpi_id])
        others = col.dropna()
        if np.isnan(v) or others.empty:
            pct = np.nan
        else:
            better = kpi.higher_is_better
            if better is None:
                pct = np.nan
            elif better:
                pct = float((others < v).sum()) / max(len(others) - 1, 1)
            else:
                pct = float((others > v).sum()) / max(len(others) - 1, 1)
        flag = ""
        if not np.isnan(pct) and len(others) >= 4:
            flag = "help" if pct < 0.25 else ("strong" if pct >= 0.75 else "")
        rows.append(
            {
                "kpi": kpi_id,
                "label": kpi.label(lang),
                "unit": kpi.unit,
                "value": v,
                "team_median": float(others.median()) if len(others) else np.nan,
                "team_best": (
                    float(others.max() if kpi.higher_is_better is not False else others.min())
                    if len(others)
                    else np.nan
                ),
                "percentile": pct,
                "flag": flag,
            }
        )
    eng = engine.with_filter(by, [member])
    monthly = pd.DataFrame(columns=["start", "label", "revenue", "target"])
    if "revenue" in board.columns:
        s = eng.series("revenue", "month", max_periods=months)
        if len(s):
            targets = []
            for start in s["start"]:
                p = Period.containing(start, "month")
                targets.append(eng.target_total(p))
            monthly = pd.DataFrame(
                {
                    "start": pd.to_datetime(s["start"]),
                    "label": [Period.containing(x, "month").label(lang) for x in s["start"]],
                    "revenue": s["value"].astype(float),
                    "target": pd.to_numeric(pd.Series(targets), errors="coerce").astype(float),
                }
            )
    rank = int(line["rank"]) if "rank" in line and not pd.isna(line["rank"]) else None
    return RepDetail(member, rank, len(board), pd.DataFrame(rows), monthly)


i18n.add_messages(
    {
        "team.flag.help": {"fr": "À accompagner", "en": "Needs help"},
        "team.flag.strong": {"fr": "Point fort", "en": "Strength"},
    }
)
