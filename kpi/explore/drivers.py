"""What drove a change between two periods, and which segment moved most behind an anomaly: each segment's contribution to the change of an
additive measure, and the split of a revenue change into price, volume and mix effects.

Decisions where the issue is silent: contributions only for additive measures (sums and counts);
price / volume / mix uses the realised price (revenue / quantity) of each product; products sold
in only one of the two periods, or with a net quantity ≤ 0, form the "new, discontinued and
returns" effect, so the effects always add up to the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data import role_label
from kpi.errors import PiloteError
from kpi.explore.buckets import bucket_codes, bucket_end, bucket_label, bucket_start, year_lag
from kpi.explore.trends import Facts, TrendMeasure, aggregate, get_measure
from kpi.metrics import Period, period_mask
from kpi.metrics.aggregates import EPS

__all__ = ["Anomaly", "contributions", "explain_anomalies", "price_volume_mix"]


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


# ---------------------------------------------------------------------------------------------
# Anomalies explained: the segment that moved most
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anomaly:
    """An unusual point of a series, and why.

    Attributes
    ----------
    start : pandas.Timestamp
        Start of the bucket.
    freq : str
        Its granularity (``day``, ``week``, ``month``, ``quarter``).
    value, expected : float
        The value, and what the seasonal and trend components predicted.
    score : float
        Robust standard deviations between residual and median residual (signed).
    method : str
        ``seasonal`` (seasonally adjusted) or ``rolling_median``.
    driver : dict or None
        The segment that moved most: ``{"role", "segment", "delta", "share", "reference"}``
        (``reference``: start of the bucket compared with).
    """

    start: pd.Timestamp
    freq: str
    value: float
    expected: float
    score: float
    method: str
    driver: Mapping[str, Any] | None = None

    @property
    def direction(self) -> str:
        return "up" if self.score > 0 else "down"

    def label(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """The bucket, for people (``mars 2025``)."""
        return bucket_label(self.start, self.freq, lang)

    def text(
        self, lang: str = i18n.DEFAULT_LANGUAGE, unit: str = "number", currency: str | None = None
    ) -> str:
        """One or two sentences for the user."""
        fmt = lambda v: i18n.format_value(v, unit, lang, currency)  # noqa: E731
        text = i18n.t(
            f"trends.anomaly.{self.direction}.{self.method}",
            lang,
            label=self.label(lang),
            value=fmt(self.value),
            expected=fmt(self.expected),
            score=i18n.format_number(abs(self.score), lang, 1),
        )
        d = self.driver
        if d:
            role = d["role"]
            text += " " + i18n.t(
                "trends.anomaly.driver",
                lang,
                role=role_label(role, lang),
                segment=d["segment"],
                delta=("+" if d["delta"] > 0 else "") + fmt(d["delta"]),
                reference=_reference(d["reference"], self.freq, lang),
                share=i18n.format_percent_value(d["share"], lang, 0),
            )
        return text


def _reference(start: pd.Timestamp, freq: str, lang: str) -> str:
    """The bucket compared with, after "par rapport" / "against": ``au 31 mars 2024``, ``à
    mars 2024``, ``à la S13 2024``, ``au T1 2024``."""
    label = bucket_label(start, freq, lang)
    if lang != "fr":
        return label
    return {"day": "au ", "week": "à la ", "quarter": "au "}.get(freq, "à ") + label


def explain_anomalies(
    flagged: pd.DataFrame,
    method: str | None,
    freq: str,
    f: Facts | None = None,
    measure_id: str | None = None,
    *,
    limit: int = 5,
) -> list[Anomaly]:
    """The anomalies of :func:`anomalies`, largest first, each with the segment that moved most
    (for additive measures with facts): against the same bucket last year, else the previous
    bucket, over every dimension the facts have."""
    if method is None or flagged.empty:
        return []
    rows = flagged[flagged["anomaly"] != 0]
    rows = rows.reindex(rows["score"].abs().sort_values(ascending=False).index)[:limit]
    out = []
    m = None if measure_id is None else get_measure(measure_id)
    for _, row in rows.iterrows():
        driver = None
        if f is not None and m is not None and m.additive:
            driver = _driver(f, m, pd.Timestamp(row["start"]), freq, int(row["anomaly"]))
        out.append(
            Anomaly(
                pd.Timestamp(row["start"]),
                freq,
                float(row["value"]),
                float(row["expected"]),
                float(row["score"]),
                method,
                driver,
            )
        )
    return out


def _driver(
    f: Facts, m: TrendMeasure, start: pd.Timestamp, freq: str, direction: int
) -> dict[str, Any] | None:
    cur = Period("range", start, bucket_end(start, freq))
    code = int(bucket_codes(np.array([start.to_datetime64()]), freq)[0])
    dates = f.frame[m.date].to_numpy()
    # dimensions that split the rows at hand (a filter on one region leaves one region)
    dims = [r for r in f.dims if f.frame[r].nunique(dropna=True) > 1]
    in_cur = period_mask(dates, cur)
    for ref_code in (code - year_lag(freq), code - 1):
        ref_start = bucket_start(ref_code, freq)
        ref = Period("range", ref_start, bucket_end(ref_start, freq))
        in_ref = period_mask(dates, ref)
        if not in_ref.any():
            continue
        # the two buckets' rows only: contributions per dimension then cost little
        sub = Facts(f.kind, f.frame.loc[in_cur | in_ref], f.dims, f.table)
        best = None
        for role in dims:
            c = contributions(sub, m.id, role, ref, cur, top=1)
            if len(c) < 2:
                continue
            total = float(c["delta"].sum())
            first = c.iloc[0]
            if direction * float(first["delta"]) <= 0:
                continue
            share = float(first["delta"]) / total if total * direction > 0 else 1.0
            if best is None or abs(first["delta"]) > abs(best["delta"]) * 1.0001:
                best = {
                    "role": role,
                    "segment": str(first["segment"]),
                    "delta": float(first["delta"]),
                    "share": min(share, 9.99),
                    "reference": ref_start,
                }
        if best is not None:
            return best
    return None


i18n.add_messages(
    {
        "trends.anomaly.up.seasonal": {
            "fr": "{label} : {value}, au-dessus des {expected} attendus une fois la saison et "
            "la tendance prises en compte ({score} écarts robustes).",
            "en": "{label}: {value}, above the {expected} expected once season and trend are "
            "taken into account ({score} robust deviations).",
        },
        "trends.anomaly.down.seasonal": {
            "fr": "{label} : {value}, en dessous des {expected} attendus une fois la saison et "
            "la tendance prises en compte ({score} écarts robustes).",
            "en": "{label}: {value}, below the {expected} expected once season and trend are "
            "taken into account ({score} robust deviations).",
        },
        "trends.anomaly.up.rolling_median": {
            "fr": "{label} : {value}, au-dessus des {expected} habituels autour de cette date "
            "({score} écarts robustes ; historique trop court pour corriger la saison).",
            "en": "{label}: {value}, above the usual {expected} around that date ({score} "
            "robust deviations; too little history to adjust for the season).",
        },
        "trends.anomaly.down.rolling_median": {
            "fr": "{label} : {value}, en dessous des {expected} habituels autour de cette date "
            "({score} écarts robustes ; historique trop court pour corriger la saison).",
            "en": "{label}: {value}, below the usual {expected} around that date ({score} "
            "robust deviations; too little history to adjust for the season).",
        },
        "trends.anomaly.driver": {
            "fr": "Principal écart — {role} « {segment} » : {delta} par rapport {reference} "
            "({share} de la variation).",
            "en": "Main mover — {role} “{segment}”: {delta} against {reference} ({share} of "
            "the change).",
        },
    }
)
