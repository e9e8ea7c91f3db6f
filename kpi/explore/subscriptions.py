"""Recurring revenue explored: the MRR bridge of a period, the movements month by month, NRR and
GRR by start cohort, the customers behind each movement, and what was left out of the figures.

Everything comes from the subscriptions table the engine reads for the subscription KPIs
(:func:`kpi.metrics.formulas.subscriptions.subscriptions_of`: the same rows, filters and
exclusions as the dashboard), so that the bridge ends on the dashboard's MRR to the cent. With
several currencies, :func:`recurring` gives one currency at a time (the main one by default):
amounts are never added across currencies.

Tables have a ``label`` column in the user's language; charts are Altair charts in the manner
of :mod:`kpi.explore.charts` (FR/EN titles, formatted tooltips, the language's number locale).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data import Table
from kpi.errors import PiloteError
from kpi.explore import charts
from kpi.explore.buckets import bucket_label
from kpi.metrics import Engine, Period
from kpi.metrics import subscriptions as subs
from kpi.metrics.formulas.subscriptions import subscriptions_of

__all__ = [
    "Recurring",
    "cohort_chart",
    "movements_chart",
    "reading",
    "recurring",
    "subscriptions_table",
    "waterfall_chart",
]

#: Movements that add MRR, and those that take it away (shown below zero).
UP: tuple[str, ...] = ("new", "reactivation", "expansion")
DOWN: tuple[str, ...] = ("contraction", "churned")
_COLORS = {
    "new": charts.PALETTE[0],
    "reactivation": charts.PALETTE[4],
    "expansion": charts.GOOD,
    "contraction": charts.PALETTE[1],
    "churned": charts.BAD,
}
HISTORY_MONTHS = 24


def subscriptions_table(tables: Sequence[Table]) -> Table | None:
    """The first subscriptions table with a customer column (the one the KPIs read)."""
    return next((t for t in tables if t.kind == "subscriptions" and t.has("customer_id")), None)


def _months_label(month: Any, lang: str) -> str:
    return bucket_label(pd.Timestamp(month), "month", lang)


def _movement(name: str, lang: str) -> str:
    return i18n.t(f"subscriptions.movement.{name}", lang)


def _one(name: str, lang: str) -> str:
    """A movement of one customer ("Nouveau client"), where the bridge says "Nouveaux"."""
    return i18n.t(f"explore.subs.one.{name}", lang)


@dataclass(frozen=True)
class Recurring:
    """The subscription view of a period, in one currency.

    Attributes
    ----------
    data : kpi.metrics.subscriptions.Subscriptions
        The counted subscriptions (within the filters), in ``currency``.
    period : Period
        The period shown.
    currency : str or None
        The currency of every amount (``None`` when the table has no currency column).
    currencies : tuple of str
        Every currency of the table, the main one first (several: pick one).
    lang : str
    """

    data: subs.Subscriptions
    period: Period
    currency: str | None
    currencies: tuple[str, ...]
    lang: str

    # -- tables -----------------------------------------------------------------------------
    def waterfall(self) -> pd.DataFrame:
        """The MRR bridge of the period: ``step`` (start, new, reactivation, expansion,
        contraction, churned, end), ``label``, ``value`` (signed), ``customers``, and ``start``
        / ``end`` (each bar's ends, for :func:`waterfall_chart`)."""
        w = self.data.waterfall(self.period)
        return pd.DataFrame(
            {
                "step": w["step"],
                "label": [_movement(s, self.lang) for s in w["step"]],
                "value": w["amount"],
                "customers": w["customers"],
                "start": w["low"],
                "end": w["high"],
            }
        )

    def history(self, months: int = HISTORY_MONTHS) -> pd.DataFrame:
        """Month by month up to the period's end (at most ``months``): ``month``, ``label``,
        ``start_mrr``, the five movements (positive amounts), ``net_new``, ``end_mrr``,
        ``customers`` and the customers of each movement."""
        last = self._last_month()
        first = max(self.data.first_month_, last - (months - 1))
        h = self.data.history(str(first), str(last))
        h.insert(1, "label", [_months_label(m, self.lang) for m in h["month"]])
        return h

    def movements(self) -> pd.DataFrame:
        """The customers behind each movement of the period, one row per customer and month:
        ``month``, ``label`` (the month), ``customer``, ``movement`` (id), ``movement_label``,
        ``previous_mrr``, ``mrr``, ``change``; biggest changes first within each movement."""
        m = self.data.movements(self.period)
        m.insert(1, "label", [_months_label(x, self.lang) for x in m["month"]])
        m.insert(4, "movement_label", [_one(x, self.lang) for x in m["movement"]])
        return m

    def cohorts(self) -> pd.DataFrame:
        """NRR and GRR by start cohort (the month of a customer's first MRR) and age in
        months, up to the period's end: ``cohort``, ``cohort_label``, ``age``, ``customers``,
        ``active_customers``, ``start_mrr``, ``mrr``, ``nrr``, ``grr``."""
        c = self.data.cohorts(str(self._last_month()))
        c.insert(1, "cohort_label", [_months_label(x, self.lang) for x in c["cohort"]])
        return c

    def notes(self) -> list[str]:
        """What the figures leave out or assume, one sentence each (rows not counted, with
        how much MRR they would weigh; statuses read as active…)."""
        lines = []
        for e in self.data.exclusions_:
            text = e.text(self.lang)
            if e.monthly_amount:
                amount = i18n.format_value(e.monthly_amount, "money", self.lang, self.currency)
                text += " " + i18n.t("explore.subs.weight", self.lang, amount=amount)
            lines.append(text)
        lines += [n.text(self.lang) for n in self.data.notes_]
        return lines

    @property
    def partial(self) -> bool:
        """Whether the data stops before the period's end (a last day or two allowed)."""
        return bool(self.data.kpi("mrr", self.period).detail.get("partial"))

    @property
    def as_of(self) -> pd.Timestamp:
        """The date the subscriptions run to."""
        return self.data.as_of_

    def _last_month(self) -> pd.Period:
        if self.period.is_all or self.period.end is None:
            return self.data.last_month_
        return pd.Period(self.period.end - pd.Timedelta(days=1), "M")


def recurring(
    engine: Engine,
    period: Period,
    *,
    currency: str | None = None,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> Recurring | None:
    """The subscription view of ``period`` (``None`` without a subscriptions table).

    Parameters
    ----------
    engine : Engine
        Its tables and filters (the same subscriptions as the KPIs).
    period : Period
        Whole months (a month, quarter, year or all the data).
    currency : str, optional
        With several currencies, the one to show (default: the main one, most rows).

    Raises
    ------
    PiloteError
        When the table cannot be read as subscriptions (no customer, nothing countable…), or
        the period is not whole months.
    """
    table = subscriptions_table(engine.tables)
    if table is None:
        return None
    data = subscriptions_of(engine, table)
    currencies = tuple(data.currencies_)
    chosen = currency if currency in currencies else (currencies[0] if currencies else None)
    if len(currencies) > 1:
        data = data.for_currency(chosen)
    view = Recurring(data, period, chosen, currencies, lang)
    view.data.kpi("mrr", period)  # a period that is not whole months says so now
    return view


def reading(table: Table, lang: str = i18n.DEFAULT_LANGUAGE) -> tuple[bool, list[str]]:
    """How a subscriptions table was read, for the Data page: ``(True, lines)`` with the rows
    counted and each exclusion or note, or ``(False, [why it cannot be read])``."""
    try:
        data = subscriptions_of(Engine([table]), table)
    except PiloteError as err:
        return False, [err.message(lang)]
    counted = data.rows_ - sum(e.rows for e in data.exclusions_)
    lines = [
        i18n.t(
            "explore.subs.read",
            lang,
            counted=i18n.format_number(counted, lang, 0),
            rows=i18n.format_number(data.rows_, lang, 0),
            customers=i18n.format_number(len(data.table_["customer"].unique()), lang, 0),
        )
    ]
    view = Recurring(data, Period.all(), data.currency_, tuple(data.currencies_), lang)
    return True, lines + view.notes()


# ---------------------------------------------------------------------------------------------
# Charts


def waterfall_chart(
    bridge: pd.DataFrame,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    currency: str | None = None,
    title: str | None = None,
) -> Any:
    """The MRR bridge (from :meth:`Recurring.waterfall`): start and end MRR in blue, what
    adds in green, what takes away in red, each bar labelled with its amount; the value axis
    zoomed on the levels the bridge goes through (movements are small against the MRR)."""
    steps = bridge.assign(step=bridge["step"].replace({"start": "base", "end": "current"}))
    return charts.waterfall_chart(steps, lang=lang, currency=currency, title=title, zoom=True)


def movements_chart(
    history: pd.DataFrame,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    currency: str | None = None,
    title: str | None = None,
) -> Any:
    """MRR movements month by month (from :meth:`Recurring.history`): new, reactivation and
    expansion stacked above zero, contraction and churn below, and the net new MRR as a line."""
    if history is None or history.empty:
        return charts._finish(charts._empty(lang), lang, currency, title)
    rows = []
    for name in (*UP, *DOWN):
        sign = -1.0 if name in DOWN else 1.0
        part = history[["month", "label", name, f"{name}_customers"]].rename(
            columns={name: "amount", f"{name}_customers": "customers"}
        )
        rows.append(part.assign(movement=_movement(name, lang), amount=sign * part["amount"]))
    long = pd.concat(rows, ignore_index=True)
    long["amount_text"] = [i18n.format_value(v, "money", lang, currency) for v in long["amount"]]
    long["customers_text"] = [i18n.format_value(v, "count", lang) for v in long["customers"]]
    domain = [_movement(n, lang) for n in (*UP, *DOWN)]
    fmt = charts._axis_format("money", currency)
    # one band per month: bars as wide as a month, the net line through their middles
    axis = alt.Axis(title=None, format="%b %Y", labelAngle=0, labelOverlap=True)
    x = alt.X("yearmonth(month):T", axis=axis)
    bars = (
        alt.Chart(long)
        .mark_bar(width={"band": 0.8})
        .encode(
            x=x,
            y=alt.Y("amount:Q", stack="zero", axis=alt.Axis(title=None, format=fmt)),
            color=alt.Color(
                "movement:N",
                sort=domain,
                scale=alt.Scale(domain=domain, range=[_COLORS[n] for n in (*UP, *DOWN)]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("label:N", title=charts._t("period", lang)),
                alt.Tooltip("movement:N", title=i18n.t("explore.subs.movement", lang)),
                alt.Tooltip("amount_text:N", title=charts._t("value", lang)),
                alt.Tooltip("customers_text:N", title=i18n.t("explore.subs.tip_customers", lang)),
            ],
        )
        .transform_calculate(order=f"indexof({json.dumps(domain)}, datum.movement)")
    )
    net = history[["month", "label", "net_new"]].assign(
        net_text=[i18n.format_value(v, "money", lang, currency) for v in history["net_new"]],
        series=i18n.t("explore.subs.net_new", lang),
    )
    line = (
        alt.Chart(net)
        .mark_line(point={"color": "#222"}, color="#222", strokeWidth=2)
        .encode(
            x=alt.X("yearmonth(month):T", bandPosition=0.5, axis=axis),
            y="net_new:Q",
            tooltip=[
                alt.Tooltip("label:N", title=charts._t("period", lang)),
                alt.Tooltip("net_text:N", title=i18n.t("explore.subs.net_new", lang)),
            ],
        )
    )
    chart = alt.layer(bars, line).properties(height=340, width="container")
    return charts._finish(chart, lang, currency, title)


def cohort_chart(
    cohorts: pd.DataFrame,
    metric: str = "nrr",
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    title: str | None = None,
) -> Any:
    """NRR (or GRR) by start cohort (rows) and months since the start (columns), from
    :meth:`Recurring.cohorts`: 100 % in white, more in green, less in red."""
    if cohorts is None or cohorts.empty:
        return charts._finish(charts._empty(lang), lang, None, title)
    d = cohorts[["cohort", "cohort_label", "age", "customers", "active_customers", metric]].copy()
    d = d[np.isfinite(d[metric].astype(float))]
    d["value_text"] = [i18n.format_value(v, "percent", lang) for v in d[metric]]
    d["size_text"] = [i18n.format_value(v, "count", lang) for v in d["customers"]]
    d["active_text"] = [i18n.format_value(v, "count", lang) for v in d["active_customers"]]
    d["cell"] = [f"{round(100 * v)}" for v in d[metric]]
    order = list(d.sort_values("cohort")["cohort_label"].drop_duplicates())
    name = i18n.t(f"explore.subs.{metric}", lang)
    age = i18n.t("explore.subs.age", lang)
    cohort = i18n.t("explore.subs.cohort", lang)
    top = max(1.5, float(d[metric].max()))
    base = alt.Chart(d).encode(
        x=alt.X("age:O", title=age, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cohort_label:N", sort=order, title=cohort),
    )
    rect = base.mark_rect().encode(
        color=alt.Color(
            f"{metric}:Q",
            scale=alt.Scale(scheme="redyellowgreen", domain=[0.5, 1, top], clamp=True),
            legend=alt.Legend(title=name, format=".0%"),
        ),
        tooltip=[
            alt.Tooltip("cohort_label:N", title=cohort),
            alt.Tooltip("size_text:N", title=i18n.t("explore.subs.cohort_size", lang)),
            alt.Tooltip("age:O", title=age),
            alt.Tooltip("active_text:N", title=i18n.t("explore.subs.active", lang)),
            alt.Tooltip("value_text:N", title=name),
        ],
    )
    dark = (alt.datum[metric] < 0.7) | (alt.datum[metric] > 1.6)  # deep red or green cells
    text = base.mark_text(fontSize=9).encode(
        text="cell:N", color=alt.condition(dark, alt.value("white"), alt.value("#222"))
    )
    n_rows = d["cohort_label"].nunique()
    chart = alt.layer(rect, text).properties(height=max(160, 20 * n_rows), width="container")
    return charts._finish(chart, lang, None, title)


i18n.add_messages(
    {
        "explore.subs.weight": {
            "fr": "Montant mensuel laissé de côté : {amount}.",
            "en": "Monthly amount left out: {amount}.",
        },
        "explore.subs.movement": {"fr": "Mouvement", "en": "Movement"},
        "explore.subs.read": {
            "fr": "Lue comme table d'abonnements : {counted} ligne(s) comptée(s) sur {rows}, "
            "{customers} client(s).",
            "en": "Read as a subscriptions table: {counted} row(s) counted out of {rows}, "
            "{customers} customer(s).",
        },
        "explore.subs.tip_customers": {"fr": "Clients", "en": "Customers"},
        "explore.subs.one.new": {"fr": "Nouveau client", "en": "New"},
        "explore.subs.one.reactivation": {"fr": "Retour", "en": "Reactivation"},
        "explore.subs.one.expansion": {"fr": "Hausse", "en": "Expansion"},
        "explore.subs.one.contraction": {"fr": "Baisse", "en": "Contraction"},
        "explore.subs.one.churned": {"fr": "Départ", "en": "Churn"},
        "explore.subs.net_new": {"fr": "MRR net nouveau", "en": "Net new MRR"},
        "explore.subs.nrr": {"fr": "NRR", "en": "NRR"},
        "explore.subs.grr": {"fr": "GRR", "en": "GRR"},
        "explore.subs.age": {
            "fr": "Mois depuis le premier abonnement",
            "en": "Months since the first subscription",
        },
        "explore.subs.cohort": {
            "fr": "Cohorte (mois du premier MRR)",
            "en": "Cohort (month of the first MRR)",
        },
        "explore.subs.cohort_size": {"fr": "Clients de la cohorte", "en": "Cohort customers"},
        "explore.subs.active": {"fr": "Clients encore abonnés", "en": "Customers still subscribed"},
    }
)
