"""Alerts: what the user should look at — a KPI below its target, a drop beyond a threshold
against the previous period, an anomaly in its monthly series — computed on exactly the results
the dashboard shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.metrics.catalogue import get_kpi
from kpi.metrics.results import KPIResult, json_safe, relative_change

__all__ = ["Alert", "alerts", "anomaly"]


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
        The KPI value (projected to the whole period for accumulating KPIs when relevant).
    reference : float or None
        The target, the previous value, or the median of the history.
    change : float or None
        Relative change vs the reference.
    direction : str
        ``up`` or ``down``: which way the value moved.
    """

    kind: str
    kpi_id: str
    value: float | None
    reference: float | None
    change: float | None
    direction: str

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE, currency: str | None = None) -> str:
        """One sentence for the user."""
        kpi = get_kpi(self.kpi_id)
        return i18n.t(
            f"compute.alert.{self.kind}.{self.direction}",
            lang,
            kpi=kpi.label(lang),
            value=kpi.format(self.value, lang, currency),
            reference=kpi.format(self.reference, lang, currency),
            change=i18n.format_percent_value(
                None if self.change is None else abs(self.change), lang
            ),
        )

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-safe dict."""
        return json_safe(
            {
                "kind": self.kind,
                "kpi": self.kpi_id,
                "value": self.value,
                "reference": self.reference,
                "change": self.change,
                "direction": self.direction,
                "message": self.message(lang),
            }
        )


def alerts(
    results: Iterable[KPIResult],
    series: Mapping[str, pd.DataFrame] | None = None,
    drop_threshold: float = 0.10,
    window: int = 12,
    k: float = 3.0,
) -> list[Alert]:
    """Alerts for KPIs below target, drops beyond ``drop_threshold`` and anomalies.

    Parameters
    ----------
    results : iterable of KPIResult
        From :meth:`Engine.results` or :func:`compute` (with targets for target alerts).
    series : mapping of KPI id → DataFrame, optional
        Monthly series from :meth:`Engine.series`, for the anomaly check.
    drop_threshold : float
        A worsening of this relative size vs the previous period is a drop (``0.10`` or
        ``-0.10`` both mean 10 %). Direction-aware: a rise in churn is a drop in performance;
        KPIs that are neither better high nor low never raise drops. An accumulating KPI of
        an unfinished period is projected to the whole period first.
    window, k : int, float
        Anomaly check on the last point of each series (see :func:`anomaly`); an unfinished
        last period of an accumulating KPI is projected first.

    Returns
    -------
    list of Alert
        Below-target first, then drops, then anomalies.
    """
    threshold = abs(drop_threshold)
    below: list[Alert] = []
    drops: list[Alert] = []
    odd: list[Alert] = []
    for res in results:
        kpi = res.kpi
        better = kpi.higher_is_better
        v = res.value
        if v is None or better is None:
            continue
        if res.target is not None:
            paced = kpi.accumulates and res.elapsed < 1 and res.pacing is not None
            projected = v / res.elapsed if paced and res.elapsed > 0 else v
            miss = projected < res.target if better else projected > res.target
            if miss:
                below.append(
                    Alert(
                        "below_target",
                        kpi.id,
                        projected,
                        res.target,
                        relative_change(projected, res.target),
                        "down" if projected < res.target else "up",
                    )
                )
        change = res.projected_change
        if change is not None and threshold > 0:
            worse = change <= -threshold if better else change >= threshold
            if worse:
                prev = res.previous.value if res.previous is not None else None
                drops.append(Alert("drop", kpi.id, v, prev, change, "down" if change < 0 else "up"))
        frame = (series or {}).get(kpi.id)
        if frame is not None and len(frame):
            vals = frame["value"].to_numpy(dtype=float).copy()
            elapsed = float(frame["elapsed"].iloc[-1]) if "elapsed" in frame else 1.0
            if kpi.accumulates and 0 < elapsed < 1:
                vals[-1] = vals[-1] / elapsed
            flag = anomaly(vals, window, k)
            if flag:
                hist = vals[:-1][-window:]
                med = float(np.nanmedian(hist))
                odd.append(
                    Alert(
                        "anomaly",
                        kpi.id,
                        float(vals[-1]),
                        med,
                        relative_change(float(vals[-1]), med),
                        "up" if flag > 0 else "down",
                    )
                )
    return below + drops + odd


i18n.add_messages(
    {
        "compute.alert.below_target.down": {
            "fr": "{kpi} : {value}, sous l'objectif de {reference} (−{change}).",
            "en": "{kpi}: {value}, below the target of {reference} (−{change}).",
        },
        "compute.alert.below_target.up": {
            "fr": "{kpi} : {value}, au-dessus du plafond visé de {reference} (+{change}).",
            "en": "{kpi}: {value}, above the target of {reference} (+{change}).",
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
        "compute.alert.anomaly.up": {
            "fr": "{kpi} inhabituellement haut : {value} contre {reference} habituellement.",
            "en": "{kpi} unusually high: {value} against a usual {reference}.",
        },
        "compute.alert.anomaly.down": {
            "fr": "{kpi} inhabituellement bas : {value} contre {reference} habituellement.",
            "en": "{kpi} unusually low: {value} against a usual {reference}.",
        },
    }
)
