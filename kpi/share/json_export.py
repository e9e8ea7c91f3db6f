"""The KPIs as a JSON document, for ``python -m kpi kpis … --json`` and scheduled automation."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from kpi import i18n
from kpi.data.dataset import Table
from kpi.explore.anomalies import judge_last
from kpi.metrics.catalogue import CATALOGUE, check_objectives
from kpi.metrics.coverage import main_table
from kpi.metrics.currencies import convert_tables, dataset_currencies, parse_rates
from kpi.metrics.engine import Engine, check_targets
from kpi.metrics.periods import Period, parse_period
from kpi.metrics.prepared import data_span
from kpi.metrics.primitives import dataset_currency, dimension_role
from kpi.metrics.results import UNAVAILABLE, json_safe
from kpi.metrics.suggestions import availability, suggest

__all__ = ["kpis_json"]


def kpis_json(
    tables: Sequence[Table],
    objectives: Iterable[str] | None = None,
    period: Period | str = "all",
    lang: str = "en",
    targets: Mapping[str, float] | None = None,
    *,
    filters: Mapping[str, Iterable[Any]] | None = None,
    statuses: Collection[str] | None = None,
    as_of: Any = None,
    currency: str | None = None,
    drop_threshold: float = 0.10,
    anomalies: bool = False,
    rates: Mapping[str, float] | None = None,
    by: str | None = None,
    by_limit: int = 50,
) -> dict[str, Any]:
    """KPIs as a JSON-safe dict, for ``python -m kpi kpis … --json``.

    With no objective, every KPI that can be computed from ``tables``; with objectives, every
    KPI serving them, most relevant first, those that cannot be computed included with status
    ``unavailable`` and an ``unlock`` hint.

    Parameters
    ----------
    tables : sequence of Table
    objectives : iterable of str, optional
        Objective ids (:data:`kpi.metrics.catalogue.OBJECTIVE_IDS`).
    period : Period or str
        ``all`` (default), ``2024``, ``2024-Q1``, ``2024-03`` or ``2024-01-01..2024-03-31``.
    lang : str
        ``en`` or ``fr``, for labels, reasons and alert messages.
    targets : mapping of KPI id → value, optional
    filters, statuses, as_of
        See :class:`Engine`.
    currency : str, optional
        ISO code; default: the one the loader found in the data (``LoadReport.currency``).
        When the data holds several currencies, the one money KPIs are given in (default: the
        main one); each money KPI then also lists its value in every currency.
    rates : mapping of code → rate, optional
        Exchange rates into the main currency (1 unit of the code = rate): with a rate for
        every other currency, amounts are converted and added up; otherwise nothing is
        converted and ``warnings`` says which rates are missing.
    by : str, optional
        A role (``team``) or a column mapped to one (``manager``): ``breakdown`` then gives
        every KPI for each of its values (the ``by_limit`` most frequent).
    drop_threshold : float
        Relative worsening vs the previous period that raises a drop alert.
    anomalies : bool
        Also check each KPI's monthly series for an anomaly (slower: one series per KPI).

    Returns
    -------
    dict
        ``{"period": {...}, "currency": str | None, "currencies": {...} | None,
        "warnings": [...], "objectives": [...], "kpis": [{"id", "label", "value", "unit",
        "previous", "change", "target", "status", ...}], "alerts": [...]}``, plus
        ``"by"`` and ``"breakdown": [{"value", "kpis": [...]}]`` with ``by``. Ratios are
        fractions (0.1256 for 12.56 %), durations in days, money in the data's currency (per
        currency when there are several); no NaN, no numpy types.

    Raises
    ------
    PiloteError
        For an unknown objective, period or KPI id in ``targets`` (the message lists the valid
        values).
    """
    chosen = check_objectives(objectives)
    period = parse_period(period)
    checked = check_targets(targets)
    tables = list(tables)
    if by is not None:
        by = dimension_role(tables, by)
    warnings: list[str] = []
    found = dataset_currencies(tables)
    if rates and found.several:
        tables, missing = convert_tables(tables, parse_rates(rates), str(found.main))
        if missing:
            warnings.append(i18n.t("currencies.missing_rates", lang, currencies=", ".join(missing)))
        else:
            given = ", ".join(f"1 {c} = {r:g} {found.main}" for c, r in sorted(rates.items()))
            warnings.append(i18n.t("currencies.converted", lang, main=found.main, rates=given))
    for message in (found.missing_message(), found.message()):
        if message is not None:
            warnings.insert(0, message.text(lang))
    engine = Engine(tables, filters, statuses, None, as_of, currency=currency)
    if chosen:
        ids = [s.kpi.id for s in suggest(chosen, tables)]
    else:
        ids = [k.id for k in CATALOGUE if availability(k, tables).computable]
    results = [engine.result(i, period, checked.get(i)) for i in ids]
    currency = engine.money_currency or currency or dataset_currency(tables)

    def items(chosen_results: Sequence[Any]) -> list[dict[str, Any]]:
        out = []
        for res in chosen_results:
            item = res.to_dict(lang, currency)
            if res.current.status == UNAVAILABLE:
                avail = availability(res.kpi, tables)
                item["unlock"] = avail.unlock(lang) or item.get("reason")
                item["reason"] = item["unlock"]
            out.append(item)
        return out

    kpis = items(results)
    extra: dict[str, Any] = {}
    if by is not None:
        extra["by"] = by
        extra["by_column"] = next(
            (t.mapping[by] for t in tables if by in t.mapping and t.mapping[by] in t.df.columns),
            None,
        )
        extra["breakdown"] = [
            {
                "value": value,
                "kpis": items([engine.with_filter(by, [value]).result(i, period) for i in ids]),
            }
            for value in engine.dimension_values(by, by_limit)
        ]
    start = period.start
    end = period.last_day
    if period.is_all:
        first_last = data_span(tables)
        start, end = first_last if first_last else (None, None)
    return json_safe(
        {
            "period": {
                "id": period.key,
                "label": _period_label(engine, tables, period, lang),
                "state": engine.period_state(period),
                "start": None if start is None else pd.Timestamp(start).date().isoformat(),
                "end": None if end is None else pd.Timestamp(end).date().isoformat(),
                "previous": None if period.previous() is None else period.previous().key,
                "last_year": None if period.last_year() is None else period.last_year().key,
            },
            "currency": currency,
            "currencies": found.to_dict(lang) if found.rows else None,
            "warnings": warnings,
            "lang": lang,
            "objectives": list(chosen),
            "filters": {k: sorted(v) for k, v in engine.filters.items()},
            "kpis": kpis,
            "alerts": [
                a.to_dict(lang)
                for a in engine.alerts(results, drop_threshold, anomalies, judge_last)
            ],
            **extra,
        }
    )


def _period_label(engine: Engine, tables: Sequence[Table], period: Period, lang: str) -> str:
    """The period's label, saying when the main table's data does not cover all of it."""
    main = main_table(tables)
    cov = None if main is None else engine.coverage(main)
    return period.label(lang) if cov is None else cov.label(period, lang)
