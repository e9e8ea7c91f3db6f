"""What drove a change between two periods: each segment's contribution to the change of an
additive measure, and the split of a revenue change into price, volume and mix effects.

Decisions where the issue is silent: contributions only for additive measures (sums and counts);
price / volume / mix uses the realised price (revenue / quantity) of each product; products sold
in only one of the two periods, or with a net quantity ≤ 0, form the "new, discontinued and
returns" effect, so the effects always add up to the change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data import role_label
from kpi.errors import PiloteError
from kpi.explore.trends import Facts, aggregate, get_measure
from kpi.metrics import Period, period_mask
from kpi.metrics.aggregates import EPS

__all__ = ["contributions", "price_volume_mix"]


def contributions(
    f: Facts,
    measure_id: str,
    by: str,
    base: Period,
    current: Period,
    *,
    top: int = 10,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """Each segment's part in the change of an additive measure from ``base`` to ``current``.

    Returns
    -------
    pandas.DataFrame
        ``segment``, ``base``, ``current``, ``delta`` (current − base), ``share`` (delta / total
        delta; None when the total does not move), ``growth_points`` (delta / base total: the
        segment's contribution to the growth rate). The ``top`` segments by |delta| then one
        "other" row; the deltas add up to the total change. Empty when neither period has
        rows.

    Raises
    ------
    PiloteError
        ``trends.not_additive`` for a ratio or a distinct count (their segments do not add up).
    """
    m = get_measure(measure_id)
    cols = ["segment", "base", "current", "delta", "share", "growth_points"]
    if not m.additive:
        raise PiloteError("trends.not_additive", measure=m.label(lang))
    if by not in f.frame.columns:
        return pd.DataFrame(columns=cols)
    dates = f.frame[m.date].to_numpy()
    seg = f.frame[by].cat.codes.to_numpy().astype(np.int64)
    cats = [str(c) for c in f.frame[by].cat.categories]
    none = len(cats)
    seg = np.where(seg >= 0, seg, none)
    parts = []
    for p in (base, current):
        rows = period_mask(dates, p)
        g = aggregate(f, m, {"segment": seg}, rows).set_index("segment")["value"]
        parts.append(g)
    both = pd.concat(parts, axis=1, keys=["base", "current"]).fillna(0.0)
    if both.empty:
        return pd.DataFrame(columns=cols)
    both["delta"] = both["current"] - both["base"]
    both = both.reindex(both["delta"].abs().sort_values(ascending=False, kind="stable").index)
    names = [i18n.t("trends.none", lang) if i == none else cats[int(i)] for i in both.index]
    both.index = names
    head, tail = both.iloc[:top], both.iloc[top:]
    if len(tail):
        other = tail.sum().rename(i18n.t("trends.other", lang))
        head = pd.concat([head, other.to_frame().T])
    total_delta = float(both["delta"].sum())
    base_total = float(both["base"].sum())
    head = head.reset_index(names="segment")
    head["share"] = head["delta"] / total_delta if abs(total_delta) > EPS else np.nan
    head["growth_points"] = head["delta"] / base_total if abs(base_total) > EPS else np.nan
    return head[cols].reset_index(drop=True)


def price_volume_mix(
    f: Facts,
    base: Period,
    current: Period,
    by: str = "product",
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the revenue change from ``base`` to ``current`` into volume, mix and price effects.

    With per item ``i`` (a product, or any dimension ``by``) quantity ``q`` and realised price
    ``p = revenue / q``, over the items sold with a positive net quantity in both periods::

        volume = (Q₁ − Q₀) × P̄₀           P̄₀ = Σ r₀ / Q₀ (average base price)
        mix    = Σ q₁ p₀ − Q₁ × P̄₀         (more of the dearer items)
        price  = Σ (p₁ − p₀) q₁
        other  = change − volume − mix − price   (new, discontinued or returns-only items)

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The steps — ``step`` (``base``, ``volume``, ``mix``, ``price``, ``other``,
        ``current``), ``label``, ``value`` (the effect, or the revenue for base and current),
        ``start`` and ``end`` (for a waterfall) — and the items with ``item``, ``q0``, ``r0``,
        ``p0``, ``q1``, ``r1``, ``p1``, ``comparable``.

    Raises
    ------
    PiloteError
        ``trends.pvm_needs_quantity`` when the orders have no quantity column, or
        ``trends.pvm_needs_item`` without the ``by`` column.
    """
    if f.kind != "orders" or "quantity" not in f.frame.columns:
        raise PiloteError("trends.pvm_needs_quantity")
    if by not in f.frame.columns:
        raise PiloteError("trends.pvm_needs_item", role=role_label(by, lang))
    fr = f.frame
    item = fr[by].cat.codes.to_numpy().astype(np.int64)
    cats = [str(c) for c in fr[by].cat.categories]
    item = np.where(item >= 0, item, len(cats))
    sums = []
    for p in (base, current):
        rows = period_mask(fr["date"].to_numpy(), p)
        g = pd.DataFrame(
            {"item": item[rows], "q": fr["quantity"].to_numpy()[rows], "r": fr["amount"][rows]}
        )
        sums.append(g.groupby("item").sum())
    items = sums[0].add_suffix("0").join(sums[1].add_suffix("1"), how="outer").fillna(0.0)
    items["comparable"] = (items["q0"] > EPS) & (items["q1"] > EPS)
    items["p0"] = np.where(
        items["comparable"], items["r0"] / items["q0"].where(items["q0"] > 0), np.nan
    )
    items["p1"] = np.where(
        items["comparable"], items["r1"] / items["q1"].where(items["q1"] > 0), np.nan
    )
    c = items[items["comparable"]]
    r0, r1 = float(items["r0"].sum()), float(items["r1"].sum())
    q0, q1 = float(c["q0"].sum()), float(c["q1"].sum())
    if q0 > 0:
        avg_p0 = float(c["r0"].sum()) / q0
        volume = (q1 - q0) * avg_p0
        mix = float((c["q1"] * c["p0"]).sum()) - q1 * avg_p0
        price = float(((c["p1"] - c["p0"]) * c["q1"]).sum())
    else:
        volume = mix = price = 0.0
    other = (r1 - r0) - volume - mix - price
    steps = [("base", r0), ("volume", volume), ("mix", mix), ("price", price), ("other", other),
             ("current", r1)]  # fmt: skip
    rows_out = []
    running = r0
    for step, value in steps:
        if step == "base":
            lo, hi = 0.0, r0
        elif step == "current":
            lo, hi = 0.0, r1
        else:
            lo, hi = running, running + value
            running += value
        rows_out.append(
            {
                "step": step,
                "label": i18n.t(f"trends.pvm.{step}", lang),
                "value": value,
                "start": lo,
                "end": hi,
            }
        )
    detail = items.reset_index()
    detail["item"] = [i18n.t("trends.none", lang) if i == len(cats) else cats[int(i)]
                      for i in detail["item"]]  # fmt: skip
    detail = detail[["item", "q0", "r0", "p0", "q1", "r1", "p1", "comparable"]]
    detail = detail.reindex(
        (detail["r1"] - detail["r0"]).abs().sort_values(ascending=False).index
    ).reset_index(drop=True)
    return pd.DataFrame(rows_out), detail


i18n.add_messages(
    {
        "trends.not_additive": {
            "fr": "« {measure} » ne s'additionne pas entre segments (c'est un ratio ou un "
            "décompte distinct) : choisissez le CA, les commandes, les unités ou la marge pour "
            "voir les contributions.",
            "en": "“{measure}” does not add up across segments (it is a ratio or a distinct "
            "count): choose revenue, orders, units or margin to see contributions.",
        },
        "trends.pvm_needs_quantity": {
            "fr": "L'effet prix / volume / mix demande une colonne Quantité dans les commandes.",
            "en": "The price / volume / mix split needs a Quantity column in the orders.",
        },
        "trends.pvm_needs_item": {
            "fr": "L'effet prix / volume / mix demande une colonne « {role} ».",
            "en": "The price / volume / mix split needs a “{role}” column.",
        },
        "trends.pvm.base": {"fr": "Période de référence", "en": "Base period"},
        "trends.pvm.volume": {"fr": "Effet volume", "en": "Volume effect"},
        "trends.pvm.mix": {"fr": "Effet mix", "en": "Mix effect"},
        "trends.pvm.price": {"fr": "Effet prix", "en": "Price effect"},
        "trends.pvm.other": {
            "fr": "Nouveaux, arrêtés, retours",
            "en": "New, discontinued, returns",
        },
        "trends.pvm.current": {"fr": "Période étudiée", "en": "Current period"},
    }
)
