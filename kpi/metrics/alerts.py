"""Alerts: what the user should look at — a KPI below its target, a drop beyond a threshold
against the previous period, an anomaly in its monthly series — computed on exactly the results
the dashboard shows."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.metrics.catalogue import KPI, get_kpi
from kpi.metrics.results import KPIResult, json_safe

__all__ = ["CHANCE_Z", "Alert", "Judge", "alerts", "anomaly", "within_chance"]

CHANCE_Z = 2.0
"""A count's move (orders, customers, new customers, units, deals, leads) is a drop only when it
is more than this many standard deviations of chance (see :func:`within_chance`)."""

Judge = Callable[[pd.DataFrame, str], "tuple[int, float] | None"]
"""Judges the last value of a KPI's series (``start``, ``value``, complete periods only, oldest
first) at a granularity (``month``, ``quarter``…): ``(direction, expected)`` with direction 1
(unusually high) or −1 (unusually low), else ``None``. The app passes
:func:`kpi.explore.anomalies.judge_last`, the Trends page's method (trend × season on a log
scale), so that the dashboard and the Trends page never disagree; without one, :func:`anomaly`
(median ± k·MAD of the 12 values before)."""


def anomaly(values: Sequence[float] | np.ndarray, window: int = 12, k: float = 3.0) -> int:
    """Whether the last value is outside median ± k·MAD of the ``window`` values before it.

    MAD is scaled by 1.4826 (comparable to a standard deviation). Needs at least 6 earlier
    values; a flat history (MAD 0) is not judged.

    Returns
    -------
    int
        ``1`` (unusually high), ``-1`` (unusually low) or ``0``.
    """
    arr = np.asarray(values, dtype=float)
    if len(arr) < 2 or np.isnan(arr[-1]):
        return 0
    history = arr[:-1][-window:]
    history = history[~np.isnan(history)]
    if len(history) < 6:
        return 0
    med = float(np.median(history))
    mad = 1.4826 * float(np.median(np.abs(history - med)))
    if mad == 0:
        return 0
    if arr[-1] > med + k * mad:
        return 1
    if arr[-1] < med - k * mad:
        return -1
    return 0


@dataclass(frozen=True)
class Alert:
    """Something the user should look at.

    Attributes
    ----------
    kind : str
        ``below_target``, ``drop`` or ``anomaly``.
    kpi_id : str
    value : float or None
        The value the card shows, or its projection over the period when ``projected``.
    reference : float or None
        The target, the previous value, or the median of the history.
    change : float or None
        The change from the reference as the card shows it: points for rates and scores
        (``-22.5``), relative otherwise (``-0.872``); see :meth:`KPI.change_between`.
    direction : str
        ``up`` or ``down``: which way the value moved.
    projected : bool
        Whether ``value`` is a projection over a period in progress (the card shows it as one).
    """

    kind: str
    kpi_id: str
    value: float | None
    reference: float | None
    change: float | None
    direction: str
    projected: bool = False

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE, currency: str | None = None) -> str:
        """One sentence for the user."""
        kpi = get_kpi(self.kpi_id)
        change = kpi.format_change(self.change, lang, signed=self.kind == "below_target")
        key = f"compute.alert.{self.kind}.{self.direction}"
        return i18n.t(
            key + (".projected" if self.projected else ""),
            lang,
            kpi=kpi.label(lang),
            value=kpi.format(self.value, lang, currency),
            reference=kpi.format(self.reference, lang, currency),
            change=change or "–",
        )

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-safe dict (``change`` in points for rates and scores, ``change_kind`` says)."""
        return json_safe(
            {
                "kind": self.kind,
                "kpi": self.kpi_id,
                "value": self.value,
                "reference": self.reference,
                "change": self.change,
                "change_kind": get_kpi(self.kpi_id).change_kind,
                "direction": self.direction,
                "projected": self.projected,
                "message": self.message(lang),
            }
        )


def _beyond(kpi: KPI, change: float, threshold: float) -> bool:
    """Whether ``change`` (as :meth:`KPI.change_between` gives it) is a worsening of at least
    ``threshold``: a relative threshold for relative changes, the same number of points
    (× 100) for rates and scores."""
    limit = (100 * threshold if kpi.change_kind == "points" else threshold) - 1e-9
    return change <= -limit if kpi.higher_is_better else change >= limit


def within_chance(res: KPIResult, z: float = CHANCE_Z) -> bool:
    """Whether a count's move against the previous period is within what chance alone gives.

    Counts of events (``unit`` ``count``) vary from period to period even when nothing changed:
    one new customer, then none, is "down 100 %" and says nothing. Two counts ``a`` (this period,
    observed over the share ``f`` of it the data covers: 1 for a complete period) and ``b``
    (the previous period) at the same underlying rate differ by ``a − f·b`` with a variance
    ``f·(a + b)`` (Poisson counts, the rate estimated from both); the move is chance when
    ``|a − f·b| ≤ z·√(f·(a + b))`` (``z`` = 2: about 19 times in 20). 1 vs 0 and 2 vs 1 are
    chance; 151 orders vs 231 (−4.1 deviations) is not. Other KPIs (amounts, rates, scores)
    are never judged chance here.
    """
    prev = res.previous.value if res.previous is not None else None
    now = res.value
    if res.kpi.unit != "count" or prev is None or now is None or now < 0 or prev < 0:
        return False
    share = res.elapsed if res.projected is not None else 1.0
    spread = share * (now + prev)
    if share <= 0 or spread <= 0:
        return True  # nothing counted in either period, or no time elapsed: no move to judge
    return abs(now - share * prev) <= z * math.sqrt(spread)


def alerts(
    results: Iterable[KPIResult],
    series: Mapping[str, pd.DataFrame] | None = None,
    drop_threshold: float = 0.10,
    window: int = 12,
    k: float = 3.0,
    judge: Judge | None = None,
) -> list[Alert]:
    """Alerts for KPIs below target, drops beyond ``drop_threshold`` and anomalies, computed
    on what each card shows.

    Parameters
    ----------
    results : iterable of KPIResult
        From :meth:`Engine.results` or :func:`compute` (with targets for target alerts).
    series : mapping of KPI id → DataFrame, optional
        For the anomaly check: the KPI over the complete periods up to and including the
        result's own (the last value must be the card's), from :meth:`Engine.alerts`.
    drop_threshold : float
        A worsening of this size vs the previous period is a drop (``0.10`` or ``-0.10`` both
        mean 10 % for amounts and counts, 10 points for rates and scores). Direction-aware: a
        rise in churn is a drop in performance; KPIs that are neither better high nor low never
        raise drops. The change is the card's (:attr:`KPIResult.shown_change`): none for all
        the data, a projection for a sum or count of a period in progress. A count's fall
        within chance (:func:`within_chance`: 1 new customer then 0) is no drop.
    window, k : int, float
        Anomaly check on the last value of each series (see :func:`anomaly`) without ``judge``.
    judge : Judge, optional
        The anomaly check to use instead (see :data:`Judge`).

    Returns
    -------
    list of Alert
        Below-target first, then drops, then anomalies; one per fact (a KPI and those whose
        ``same_fact_as`` names it): a drop and an anomaly of the same fact give the drop.
    """
    threshold = abs(drop_threshold)
    below: list[Alert] = []
    drops: list[Alert] = []
    odd: list[Alert] = []
    for res in results:
        kpi = res.kpi
        better = kpi.higher_is_better
        v = res.basis
        if v is None or better is None:
            continue
        waiting = res.state != "complete" and res.projected is None and kpi.partial_basis != "as_is"
        if res.target is not None and not waiting:
            miss = v < res.target if better else v > res.target
            if miss:
                below.append(
                    Alert(
                        "below_target",
                        kpi.id,
                        v,
                        res.target,
                        kpi.change_between(v, res.target),
                        "down" if v < res.target else "up",
                        res.projected is not None,
                    )
                )
        change = res.shown_change
        if (
            change is not None
            and threshold > 0
            and _beyond(kpi, change, threshold)
            and not within_chance(res)
        ):
            prev = res.previous.value if res.previous is not None else None
            drops.append(
                Alert(
                    "drop",
                    kpi.id,
                    v,
                    prev,
                    change,
                    "down" if change < 0 else "up",
                    res.projected is not None,
                )
            )
        frame = (series or {}).get(kpi.id)
        if frame is not None and len(frame) and res.projected is None:
            vals = frame["value"].to_numpy(dtype=float)
            if judge is not None:
                verdict = judge(frame, res.period.kind)
            else:
                flag = anomaly(vals, window, k)
                verdict = (flag, float(np.nanmedian(vals[:-1][-window:]))) if flag else None
            if verdict is not None:
                direction, expected = verdict
                odd.append(
                    Alert(
                        "anomaly",
                        kpi.id,
                        float(vals[-1]),
                        expected,
                        kpi.change_between(float(vals[-1]), expected),
                        "up" if direction > 0 else "down",
                    )
                )
    return _one_per_fact(below) + _one_per_fact(drops + odd)


def _one_per_fact(found: list[Alert]) -> list[Alert]:
    """The first alert of each fact, in order."""
    seen: set[str] = set()
    out = []
    for alert in found:
        fact = get_kpi(alert.kpi_id).fact
        if fact in seen:
            continue
        seen.add(fact)
        out.append(alert)
    return out


i18n.add_messages(
    {
        "compute.alert.below_target.down": {
            "fr": "{kpi} : {value}, sous l'objectif de {reference} ({change}).",
            "en": "{kpi}: {value}, below the target of {reference} ({change}).",
        },
        "compute.alert.below_target.up": {
            "fr": "{kpi} : {value}, au-dessus du plafond visé de {reference} ({change}).",
            "en": "{kpi}: {value}, above the target of {reference} ({change}).",
        },
        "compute.alert.below_target.down.projected": {
            "fr": "{kpi} : projection sur la période de {value}, sous l'objectif de {reference} "
            "({change}).",
            "en": "{kpi}: projected {value} over the period, below the target of {reference} "
            "({change}).",
        },
        "compute.alert.below_target.up.projected": {
            "fr": "{kpi} : projection sur la période de {value}, au-dessus du plafond visé de "
            "{reference} ({change}).",
            "en": "{kpi}: projected {value} over the period, above the target of {reference} "
            "({change}).",
        },
        "compute.alert.drop.down": {
            "fr": "{kpi} en baisse de {change} par rapport à la période précédente "
            "({value} contre {reference}).",
            "en": "{kpi} down {change} on the previous period ({value} vs {reference}).",
        },
        "compute.alert.drop.up": {
            "fr": "{kpi} en hausse de {change} par rapport à la période précédente "
            "({value} contre {reference}).",
            "en": "{kpi} up {change} on the previous period ({value} vs {reference}).",
        },
        "compute.alert.drop.down.projected": {
            "fr": "{kpi} : projection sur la période de {value}, en baisse de {change} par "
            "rapport à la période précédente ({reference}).",
            "en": "{kpi}: projected {value} over the period, down {change} on the previous "
            "period ({reference}).",
        },
        "compute.alert.drop.up.projected": {
            "fr": "{kpi} : projection sur la période de {value}, en hausse de {change} par "
            "rapport à la période précédente ({reference}).",
            "en": "{kpi}: projected {value} over the period, up {change} on the previous "
            "period ({reference}).",
        },
        "compute.alert.anomaly.up": {
            "fr": "{kpi} : valeur inhabituellement haute, {value} contre {reference} "
            "habituellement.",
            "en": "{kpi} unusually high: {value} against a usual {reference}.",
        },
        "compute.alert.anomaly.down": {
            "fr": "{kpi} : valeur inhabituellement basse, {value} contre {reference} "
            "habituellement.",
            "en": "{kpi} unusually low: {value} against a usual {reference}.",
        },
    }
)
