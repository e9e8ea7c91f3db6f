"""The engine: every KPI of the catalogue for any period, exactly as ``KPI_SPEC.md`` defines it.

:class:`Engine` holds the loaded tables and the user's choices (filters, counted statuses, stage
order, "today") and computes any KPI for any period, with comparisons to the previous period and
to the same period last year (:meth:`Engine.result`), per-period series for sparklines
(:meth:`Engine.series`) and breakdowns by a column role (:meth:`Engine.breakdown`).
:func:`compute` and :func:`kpi_series` wrap it for one-off calls.

Decisions where the spec is silent are listed in the docstrings of the functions concerned and
gathered in :data:`DECISIONS`.

Speed: each table is prepared once (:mod:`kpi.metrics.prepared`) and the preparation is cached
while the DataFrame lives, so that changing a filter only recomputes masks and sums.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.dataset import Table
from kpi.data.sources import currency_code
from kpi.errors import PiloteError
from kpi.metrics.aggregates import OrderRows, OrderTotals, order_totals
from kpi.metrics.alerts import Alert, Judge, alerts
from kpi.metrics.catalogue import CATALOGUE, KPI, Text, get_kpi
from kpi.metrics.coverage import COMPLETE, IN_PROGRESS, OUTSIDE, STARTS_LATE, Coverage, coverage
from kpi.metrics.currencies import Currencies, dataset_currencies, raw_values
from kpi.metrics.formulas import get_formula
from kpi.metrics.formulas.targets import attainment_table, target_total
from kpi.metrics.periods import ALL, FREQS, Period, parse_period, periods_between
from kpi.metrics.prepared import (
    FILTER_ROLES,
    PreparedTable,
    check_filters,
    data_span,
    filter_keep,
    mapped_column,
    prepared,
    status_key,
)
from kpi.metrics.primitives import ID_ROLES
from kpi.metrics.results import (
    NO_DATA,
    UNAVAILABLE,
    KPIResult,
    NoValue,
    Value,
    no_value,
    ok,
    relative_change,
)
from kpi.metrics.suggestions import availability, find_table

__all__ = ["DECISIONS", "Engine", "check_targets", "compute", "kpi_series", "warm"]


DECISIONS: tuple[str, ...] = (
    "Statuses not counted by default: those meaning cancelled (Annulée, Annulé, Cancelled, "
    "Canceled, Void), refunded (Remboursée, Refunded), returned (Retour, Retournée, Returned), "
    "lost (Perdu, Lost) or failed (Failed, Échoué, Paiement refusé, Declined, Expired), "
    "matched on words, case- and accent-insensitive; 'partially refunded' stays counted. "
    "Disputed/complaint statuses stay counted. Rows with an empty status always count, also "
    "when the user edits the counted set. A recognised export's own verdict (the `counted` "
    "column: quotations, unpaid, failed, refunded… not counted) replaces the status words "
    "until the user edits the counted statuses.",
    "A row with an empty amount falls back to its quantity × unit price when both are mapped.",
    "new_customers: first purchase over all data, whatever the filters — the customer's first "
    "order with a positive net amount over counted rows (a cancellation or refund never starts "
    "a customer; cohorts, RFM and BG/NBD use the same); the customer must also buy in the "
    "period within the filters.",
    "repeat_rate: orders are positive-net orders (as in `orders`); without an order id each "
    "positive row is an order.",
    "clv: the 12 months ending with the period (all data: ending at the last date); yearly "
    "churn compares those 12 months with the 12 before; undefined when churn is 0, when there "
    "were no customers the year before, or when the data starts more than a month into that "
    "year before (less than 11 months of data to compare with).",
    "complaint_rate: orders whose status means returned, refunded, complaint or dispute, plus "
    "credit notes (orders with a negative net amount) / orders with a positive net amount "
    "whatever their status (distinct order ids, else rows).",
    "Deals: the stage decides when it means won or lost; otherwise a won flag set to yes "
    "means won, and set to no means lost when the deal has a close date (or when there is no "
    "stage and no close-date column, or when the flag is a recognised tool's own status); "
    "everything else is open.",
    "stage_conversion: deals created in the period; a lost deal reached the last stage its "
    "stage dates show (a date column whose header names the stage: engage_date → Engaging), "
    "else the stage recorded with the loss; one whose stage only says 'lost' and that has no "
    "stage date is counted at the first stage (where it was lost is unknown); the value is "
    "first stage → won.",
    "Probability column: percent when any value is above 1, else a fraction; empty values fall "
    "back to the historical stage-to-win rate (won / deals that reached the stage).",
    "pipeline_value and weighted_pipeline are snapshots at the end of the data: the period "
    "does not apply and they have no previous value.",
    "lead_conversion_rate: when the converted column holds explicit 'no' values, or is a "
    "recognised tool's status, leads with an empty value are still open and left out of the "
    "denominator; otherwise empty means no.",
    "Activities: messages are e-mail/message rows when an activity type is mapped, calls "
    "are call rows; without types every row counts.",
    "roi: revenue of orders whose channel (or source) matches a spend channel, accent- and "
    "case-insensitively; the total is over channels with spend.",
    "Targets table: monthly revenue targets per rep or team; for 'all data' the actual revenue "
    "is taken over the months the targets cover.",
    "Typed targets: attainment = actual / target for every KPI; a lower-is-better KPI is "
    "below target when actual > target.",
    "Drops: the change the card shows vs the previous period (in points for rates and "
    "scores, in % otherwise), direction-aware; a period in progress compares the projection "
    "of a sum or count of events (labelled as one), a rate as it is, and nothing else. A "
    "count's fall within two standard deviations of chance (Poisson) is no drop.",
    "Anomalies: the value of a complete month (quarter, year) outside median ± 3 × 1.4826 × "
    "MAD of up to 12 previous complete ones (at least 6); not checked when MAD is 0, nor for "
    "all the data or a period in progress.",
    "Alerts: one per fact (churn is 1 − retention, revenue growth is revenue's change, "
    "pacing follows attainment).",
    "Filters: an empty list of values means no filter on that role.",
)


def warm(table: Table) -> None:
    """Prepare what the dashboard needs first for ``table`` (sorted dates, amounts, id codes,
    counted rows), so that its first display does not pay for it. Meant for a background
    thread right after a load; a page that asks meanwhile waits for the same work."""
    if table.kind != "orders" or "date" not in table.mapping:
        return
    try:
        prep = prepared(table)
        prep.date_ordered_ids = True
        OrderRows(prep, None, None)
        for role in FILTER_ROLES:
            if prep.has(role) and role not in ID_ROLES:
                prep.codes(role)
    except RuntimeError:  # the table was released meanwhile (user removed it)
        return


class Engine:
    """Compute catalogue KPIs from loaded tables.

    Parameters
    ----------
    tables : sequence of Table
        The loaded tables (any kinds). For each need of a KPI, the first table of the right kind
        with the needed roles is used.
    filters : mapping of role → values, optional
        ``{"region": ["Nord"], "rep": ["Ana", "Léo"]}``, applied to every table that has the
        role (an empty list means no filter).
    statuses : collection of str, optional
        Order status values that count (``None``: the default, see :func:`counted_rows`).
    stage_order : sequence of str, optional
        Open pipeline stages in order, overriding :func:`stage_order`'s guess.
    as_of : date-like, optional
        "Today" for pacing and unfinished periods; default: the last date in the data.
    share_by : str, optional
        Role for ``revenue_share`` (default: the first mapped of product, region, channel, rep,
        segment).
    margin_rate : float, optional
        The gross margin rate (a fraction) the user gives for an orders table without a cost
        or profit column; CLV is undefined without one (never a silent 100 % margin).
    currency : str, optional
        When the tables' currency column holds several currencies, the one money KPIs are
        given in (default: the main one, most rows); amounts are never added across
        currencies (:mod:`kpi.metrics.currencies`). Counting KPIs use every row.

    Raises
    ------
    PiloteError
        For a filter on an unknown role.
    """

    def __init__(
        self,
        tables: Sequence[Table],
        filters: Mapping[str, Iterable[Any]] | None = None,
        statuses: Collection[str] | None = None,
        stage_order: Sequence[str] | None = None,
        as_of: Any = None,
        share_by: str | None = None,
        margin_rate: float | None = None,
        currency: str | None = None,
    ) -> None:
        self.tables = tuple(tables)
        self.filters = check_filters(filters)
        self.statuses = status_key(statuses)
        self.stage_order_ = list(stage_order) if stage_order else None
        self.share_by = share_by
        self.margin_rate = None if margin_rate is None else float(margin_rate)
        self.currency = currency
        self._as_of = None if as_of is None else pd.Timestamp(as_of)
        self._memo: dict[Any, Any] = {}

    # -- copies -------------------------------------------------------------------------------
    def derive(
        self,
        *,
        tables: Sequence[Table] | None = None,
        filters: Mapping[str, Iterable[Any]] | None = None,
        stage_order: Sequence[str] | None = None,
    ) -> Engine:
        """A copy of this engine with other tables, filters or stage order; the counted
        statuses, ``share_by`` and "today" are kept (with other tables, "today" is theirs
        unless it was given). The explore pages compute per rep, source or segment this way.
        """
        same_tables = tables is None
        return Engine(
            self.tables if tables is None else tables,
            self.filters if filters is None else filters,
            self.statuses,
            self.stage_order_ if stage_order is None else stage_order,
            (self._as_of or self.as_of) if same_tables else self._as_of,
            self.share_by,
            self.margin_rate,
            self.currency,
        )

    def with_filter(self, role: str, values: Iterable[Any] | None) -> Engine:
        """This engine with the filter on ``role`` replaced by ``values`` (``None`` or empty:
        no filter on ``role``)."""
        filters: dict[str, Any] = {r: v for r, v in self.filters.items() if r != role}
        chosen = [] if values is None else list(values)
        if chosen:
            filters[role] = chosen
        return self.derive(filters=filters)

    # -- currencies ----------------------------------------------------------------------------
    @property
    def currencies(self) -> Currencies:
        """Rows per currency over the tables (filters ignored), the main one first."""
        return self.memo("currencies", lambda: dataset_currencies(self.tables))

    @property
    def money_currency(self) -> str | None:
        """The currency money KPIs are given in when the rows in play hold several (the
        chosen ``currency``, else the main one); ``None`` when there is one currency or none,
        or when a filter on the currency already keeps one."""
        found = self.currencies
        if not found.several:
            return None
        codes = list(found.codes)
        chosen = self.filters.get("currency")
        if chosen is not None:
            codes = [c for c in codes if any(currency_code(v) == c for v in chosen)]
            if len(codes) <= 1:
                return None
        wanted = currency_code(self.currency) if self.currency else None
        return wanted if wanted in codes else codes[0]

    def in_currency(self, code: str) -> Engine:
        """This engine on the rows of one currency only (money KPIs of that currency)."""
        return self.memo(
            ("in_currency", code),
            lambda: self.with_filter("currency", raw_values(self.tables, code) or [code]),
        )

    def _split(self, kpi: KPI) -> str | None:
        return self.money_currency if kpi.per_currency else None

    # -- what formulas use ---------------------------------------------------------------------
    def memo(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` once per ``key`` for this engine (its filters and statuses): formulas keep
        intermediate results here, never in the shared table cache."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @property
    def as_of(self) -> pd.Timestamp | None:
        """ "Today": the date given, else the last date found in any table."""
        if self._as_of is not None:
            return self._as_of
        return self.memo("as_of", self._last_date)

    def _last_date(self) -> pd.Timestamp | None:
        span = data_span(self.tables)
        return None if span is None else span[1]

    # -- how far the data runs ----------------------------------------------------------------
    def coverage(self, table: Table) -> Coverage | None:
        """How far ``table`` runs (:func:`kpi.metrics.coverage.coverage`); when "today" was
        given, the table runs to that day exactly (no grace)."""
        cov = coverage(table)
        if cov is None or self._as_of is None:
            return cov
        return Coverage(cov.first, self._as_of.normalize(), 0)

    def period_state(self, period: Period, tables: Sequence[Table] | None = None) -> str:
        """How the data of ``tables`` (default: every table) covers ``period``: ``complete``
        when each table covers it; ``in_progress`` when one stops before its end, else
        ``starts_late`` when one starts after its start; ``outside`` when none has data in it."""
        covs = [c for c in (self.coverage(t) for t in self._dated(tables)) if c is not None]
        states = {c.state(period) for c in covs}
        for state in (IN_PROGRESS, STARTS_LATE):
            if state in states:
                return state
        if not states or states == {OUTSIDE}:
            return OUTSIDE if states else COMPLETE
        return COMPLETE

    def elapsed(self, period: Period, tables: Sequence[Table] | None = None) -> float:
        """Share of ``period`` the data of ``tables`` (default: every table) has reached: 1
        for a complete period, days to the last day with data / days of the period for a
        period in progress (the smallest over the tables)."""
        covs = [c for c in (self.coverage(t) for t in self._dated(tables)) if c is not None]
        if not covs:
            return 1.0
        return min(c.elapsed(period) for c in covs)

    def _dated(self, tables: Sequence[Table] | None) -> Sequence[Table]:
        # A KPI that cannot be computed has no tables: every table's coverage then applies.
        return tables if tables else self.tables

    def kpi_tables(self, kpi: KPI | str) -> list[Table]:
        """The tables ``kpi`` is computed from (empty when it cannot be)."""
        kpi = get_kpi(kpi) if isinstance(kpi, str) else kpi
        try:
            return self._tables_for(kpi)
        except NoValue:
            return []

    def _tables_for(self, kpi: KPI) -> list[Table]:
        """One table per need of ``kpi``; raises NoValue when some need is not met."""
        out = []
        for need in kpi.needs:
            table = find_table(need, self.tables)
            if table is None:
                avail = availability(kpi, self.tables)
                unlock = Text(avail.unlock("fr") or "", avail.unlock("en") or "")
                raise NoValue(no_value(UNAVAILABLE, "compute.reason.unavailable", unlock=unlock))
            out.append(table)
        return out

    def keep(self, prep: PreparedTable) -> np.ndarray | None:
        """The rows of a prepared table kept by the filters (``None``: no filter applies)."""
        # Cached per engine (one filter choice), not per table: masks of old filter choices
        # must not pile up in the shared table cache.
        return self.memo(("keep", id(prep)), lambda: filter_keep(prep, self.filters))

    def period_rows(self, prep: PreparedTable, roles: Sequence[str], period: Period) -> np.ndarray:
        """Rows of ``period`` on the first mapped date role of ``roles`` (all rows for all)."""
        if period.is_all:
            return np.ones(prep.n, dtype=bool)
        role = prep.first(*roles)
        if role is None:
            raise NoValue(no_value(UNAVAILABLE, "compute.reason.no_date"))
        assert period.start is not None and period.end is not None
        d = prep.dates(role)
        return (d >= period.start.value) & (d < period.end.value)

    def rows(self, prep: PreparedTable, roles: Sequence[str], period: Period) -> np.ndarray:
        """The rows of ``period`` (see :meth:`period_rows`) kept by the filters."""
        mask = self.period_rows(prep, roles, period)
        keep = self.keep(prep)
        return mask if keep is None else mask & keep

    def order_rows(self, table: Table) -> OrderRows:
        """The counted rows of an orders table within the filters, sorted by date."""

        def make() -> OrderRows:
            prep = prepared(table)
            return OrderRows(prep, self.statuses, self.keep(prep))

        return self.memo(("orders_base", id(table)), make)

    def order_totals(self, table: Table, period: Period) -> OrderTotals:
        """Revenue, orders, customers… of an orders table for ``period`` (see
        :func:`~kpi.metrics.aggregates.order_totals`)."""
        return self.memo(
            ("orders_agg", id(table), period),
            lambda: order_totals(self.order_rows(table), period),
        )

    def orders(self, table: Table, period: Period) -> OrderTotals:
        """:meth:`order_totals`, raising :class:`NoValue` (no data) when the selection is
        empty."""
        agg = self.order_totals(table, period)
        if agg.rows == 0:
            raise NoValue(no_value(NO_DATA, "compute.reason.no_data"))
        return agg

    # -- targets ------------------------------------------------------------------------------
    def target_total(self, period: Period | str, targets: Table | None = None) -> float | None:
        """Σ of the targets table for ``period`` within the filters (``None`` without a table
        or rows); see :func:`kpi.metrics.formulas.targets.target_total`."""
        return target_total(self, period, targets)

    def attainment_table(self, period: Period | str, by: str = "rep") -> pd.DataFrame:
        """Revenue vs targets per rep or team for ``period``; see
        :func:`kpi.metrics.formulas.targets.attainment_table`."""
        return attainment_table(self, period, by)

    # -- entry points -------------------------------------------------------------------------
    def value(self, kpi_id: str, period: Period | str = ALL) -> Value:
        """The value of one KPI for one period (never raises for missing data).

        Raises
        ------
        PiloteError
            For an unknown KPI id or period text.
        """
        kpi = get_kpi(kpi_id)
        period = parse_period(period)
        code = self._split(kpi)
        if code is not None:
            return self.in_currency(code).value(kpi.id, period)
        return self.memo(("value", kpi.id, period), lambda: self._value(kpi, period))

    def _value(self, kpi: KPI, period: Period) -> Value:
        try:
            tables = self._tables_for(kpi)
            return get_formula(kpi.id)(self, period, *tables)
        except NoValue as missing:
            return missing.value

    def result(
        self, kpi_id: str, period: Period | str = ALL, target: float | None = None
    ) -> KPIResult:
        """A KPI for ``period`` with previous period, same period last year and target.

        A KPI whose record says ``target_from_table`` (revenue) takes its target from the
        targets table when none is typed in.

        Comparisons are made on one basis (see :attr:`KPI.partial_basis`): two complete
        periods compare their values; a period in progress compares its projection over the
        whole period for a KPI that grows in proportion to the days (``project``), its value
        for a rate or an average (``as_is``), and nothing for the others (``wait``: distinct
        customers, retention…). A reference period the data does not cover in full (2010 on
        Online Retail, which starts on 1 December 2010) is not compared with. ``notes`` says
        why a comparison is missing.
        """
        kpi = get_kpi(kpi_id)
        period = parse_period(period)
        code = self._split(kpi)
        if code is not None:
            # Per currency: the chosen (main) one, with every currency's value beside it.
            res = self.in_currency(code).result(kpi.id, period, target)
            others = tuple(
                (c, self.in_currency(c).value(kpi.id, period).value) for c in self.currencies.codes
            )
            return replace(res, currency=code, per_currency=others)
        current = self.value(kpi.id, period)
        tables = self.kpi_tables(kpi)
        state = COMPLETE if period.is_all or kpi.snapshot else self.period_state(period, tables)
        elapsed = 1.0 if period.is_all or kpi.snapshot else self.elapsed(period, tables)
        v = current.value
        basis = kpi.partial_basis
        projected = None
        if state == IN_PROGRESS and basis == "project" and v is not None and elapsed > 0:
            projected = v / elapsed
        notes: list[i18n.Message] = []
        if state != COMPLETE and basis != "as_is" and projected is None:
            note = self.period_note(period, tables)
            if note is not None and v is not None:
                notes.append(note)
        shown = projected if projected is not None else v
        comparable_now = state == COMPLETE or projected is not None or basis == "as_is"

        def compare(ref: Period | None) -> tuple[Value | None, bool, float | None, float | None]:
            if ref is None or kpi.snapshot or period.is_all:
                return None, False, None, None
            value = self.value(kpi.id, ref)
            ref_state = self.period_state(ref, tables)
            if value.value is None or shown is None or not comparable_now:
                return value, False, None, None
            if ref_state not in (COMPLETE, OUTSIDE):
                note = self.period_note(ref, tables)
                if note is not None and note not in notes:
                    notes.append(note)
                return value, False, None, None
            return value, True, relative_change(shown, value.value), shown - value.value

        prev, compared, change, delta = compare(period.previous())
        last, compared_ly, change_ly, delta_ly = compare(period.last_year())
        if target is None and kpi.target_from_table and not period.is_all:
            target = self.target_total(period)
        attainment = pacing = None
        if target is not None and v is not None and target != 0:
            attainment = v / target
            if basis == "project" and 0 < elapsed < 1:
                pacing = attainment / elapsed
        return KPIResult(
            kpi=kpi,
            period=period,
            current=current,
            previous=prev,
            last_year=last,
            change=change,
            change_last_year=change_ly,
            delta=delta,
            target=None if target is None else float(target),
            attainment=attainment,
            pacing=pacing,
            elapsed=elapsed,
            state=state,
            projected=projected,
            compared=compared,
            compared_last_year=compared_ly,
            delta_last_year=delta_ly,
            notes=tuple(notes),
        )

    def period_note(
        self, period: Period, tables: Sequence[Table] | None = None
    ) -> i18n.Message | None:
        """Why ``period`` is not complete for ``tables`` (default: every table), from the
        first table that has data in it but not all of it; ``None`` when it is complete."""
        for table in self._dated(tables):
            cov = self.coverage(table)
            note = None if cov is None else cov.note(period)
            if note is not None and cov is not None and cov.state(period) != OUTSIDE:
                return note
        return None

    def results(
        self,
        period: Period | str = ALL,
        kpi_ids: Iterable[str] | None = None,
        targets: Mapping[str, float] | None = None,
    ) -> list[KPIResult]:
        """:meth:`result` for several KPIs (default: every KPI that can be computed)."""
        targets = check_targets(targets)
        ids = (
            list(kpi_ids)
            if kpi_ids is not None
            else [k.id for k in CATALOGUE if availability(k, self.tables).computable]
        )
        return [self.result(i, period, targets.get(i)) for i in ids]

    def series(self, kpi_id: str, freq: str = "month", max_periods: int = 60) -> pd.DataFrame:
        """The KPI for each month (quarter, year) of the data, for sparklines and trends.

        Returns
        -------
        pandas.DataFrame
            One row per period, oldest first, at most ``max_periods`` (the latest): ``period``
            (key such as ``2024-03``), ``start`` (Timestamp), ``value`` (float, NaN when there is
            no value), ``status``, ``elapsed`` (share of the period the data has reached; below
            1 for a period in progress), ``complete`` (whether the data covers the period from
            start to end, see :mod:`kpi.metrics.coverage`). Empty for snapshot KPIs and when
            the KPI's table has no dates.
        """
        kpi = get_kpi(kpi_id)
        if freq not in FREQS:
            raise PiloteError("periods.invalid_freq", value=freq, valid=", ".join(FREQS))
        # once per engine: the dashboard's alerts and its sparklines ask for the same series
        key = ("series", kpi.id, freq, max_periods)
        return self.memo(key, lambda: self._series(kpi, freq, max_periods)).copy()

    def _series(self, kpi: KPI, freq: str, max_periods: int) -> pd.DataFrame:
        code = self._split(kpi)
        if code is not None:
            return self.in_currency(code).series(kpi.id, freq, max_periods)
        cols = ["period", "start", "value", "status", "elapsed", "complete"]
        if kpi.snapshot:
            return pd.DataFrame(columns=cols)
        try:
            tables = self._tables_for(kpi)
        except NoValue:
            return pd.DataFrame(columns=cols)
        span = self._span(kpi, tables)
        if span is None:
            return pd.DataFrame(columns=cols)
        periods = periods_between(span[0], span[1], freq)[-max_periods:]
        fast = self._summed_series(kpi, tables, periods)
        rows = []
        for i, p in enumerate(periods):
            if fast is not None:
                v = fast[i]
            else:
                v = self.value(kpi.id, p)
            elapsed = self.elapsed(p, tables)
            value = np.nan if v.value is None else v.value
            complete = self.period_state(p, tables) == COMPLETE
            rows.append((p.key, p.start, value, v.status, elapsed, complete))
        return pd.DataFrame(rows, columns=cols)

    def _span(self, kpi: KPI, tables: list[Table]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        table = tables[-1] if kpi.family in ("marketing", "targets") else tables[0]
        roles = {
            "deals": ("close_date", "created_date", "date"),
            "leads": ("created_date", "date"),
            "subscriptions": ("start_date", "canceled_at"),
        }.get(table.kind, ("date", "created_date"))
        return data_span([table], roles)

    def _summed_series(
        self, kpi: KPI, tables: list[Table], periods: list[Period]
    ) -> list[Value] | None:
        """A KPI whose measure is a plain sum over order rows (revenue, gross margin, units),
        per period in one vectorised pass; ``None`` for the others."""
        m = kpi.measure
        if m is None or m.agg != "sum" or kpi.needs[0].kind != "orders" or not periods:
            return None
        o = self.order_rows(tables[0])
        weights = o.weights(m.num)
        if o.dates is None or weights is None:
            return None
        # Orders are sorted by date: each period is a contiguous run, summed with reduceat.
        last_end = periods[-1].end
        assert last_end is not None
        edges = [p.start.value for p in periods if p.start is not None] + [last_end.value]
        bounds = np.searchsorted(o.dates, np.array(edges, dtype=np.int64), side="left")
        rows = np.diff(bounds)
        sums = np.zeros(len(periods))
        filled = rows > 0
        if filled.any():
            w = weights[bounds[0] : bounds[-1]]
            sums[filled] = np.add.reduceat(w, (bounds[:-1] - bounds[0])[filled])
        return [
            ok(sums[i]) if rows[i] else no_value(NO_DATA, "compute.reason.no_data")
            for i in range(len(periods))
        ]

    def alerts(
        self,
        results: Iterable[KPIResult],
        drop_threshold: float = 0.10,
        anomalies: bool = True,
        judge: Judge | None = None,
    ) -> list[Alert]:
        """:func:`alerts` for ``results``, on exactly what their cards show.

        ``judge`` is the anomaly check (:data:`kpi.metrics.alerts.Judge`): the app passes the
        Trends page's, :func:`kpi.explore.anomalies.judge_last`.

        The anomaly check judges a KPI's value for its period against the same KPI over the
        complete periods of the same length before it (months for a month, quarters for a
        quarter…): only when the period itself is complete (the card shows that value), never
        for all the data or a custom range.
        """
        results = list(results)
        series: dict[str, pd.DataFrame] = {}
        if anomalies:
            for res in results:
                p = res.period
                if (
                    res.value is None
                    or res.kpi.higher_is_better is None
                    or p.kind not in FREQS
                    or res.state != COMPLETE
                ):
                    continue
                assert p.end is not None
                frame = self.series(res.id, p.kind)
                if len(frame):
                    frame = frame[(frame["start"] < p.end) & frame["complete"]]
                if len(frame) and frame["period"].iloc[-1] == p.key:
                    series[res.id] = frame
        if judge is not None:  # judged once per series for this engine (reruns of a page)
            raw = judge

            def judge(frame: pd.DataFrame, freq: str) -> tuple[int, float] | None:
                key = ("judge", raw, freq, tuple(frame["period"]), tuple(frame["value"]))
                return self.memo(key, lambda: raw(frame, freq))

        return alerts(results, series, drop_threshold, judge=judge)

    def breakdown(
        self, kpi_id: str, by: str, period: Period | str = ALL, limit: int = 50
    ) -> pd.DataFrame:
        """The KPI for each value of role ``by`` (rep, team, region…) in ``period``.

        One computation per value (the ``limit`` most frequent values of the KPI's own table
        when it has the role, else of the first table that has it), each with the engine's
        filters plus ``{by: [value]}``.

        Returns
        -------
        pandas.DataFrame
            Columns ``by`` value (named after the role), ``value`` (float, NaN when none),
            ``status``.
        """
        kpi = get_kpi(kpi_id)
        period = parse_period(period)
        rows = []
        for v in self.dimension_values(by, limit, kpi):
            val = self.with_filter(by, [v]).value(kpi_id, period)
            rows.append((v, np.nan if val.value is None else val.value, val.status))
        return pd.DataFrame(rows, columns=[by, "value", "status"])

    def dimension_values(self, by: str, limit: int = 50, kpi: KPI | None = None) -> list[str]:
        """The ``limit`` most frequent values of role ``by`` as a filter on ``by`` takes them
        (trimmed text): from ``kpi``'s own table when it has the role (revenue by product: the
        orders' products, not a subscription table's plans), else the first table that has it."""
        own: list[Table] = []
        if kpi is not None:
            try:
                own = self._tables_for(kpi)
            except NoValue:
                pass
        for table in [*own, *self.tables]:
            col = mapped_column(table, by)
            if col is not None:
                counts = table.df[col].dropna().astype(str).str.strip().value_counts()
                return [v for v in counts.index[:limit] if v]
        return []


def check_targets(targets: Mapping[str, Any] | None) -> dict[str, float]:
    """Typed targets checked: known KPI ids, numbers (``None`` values dropped).

    Raises
    ------
    PiloteError
        For an unknown KPI id or a value that is not a number.
    """
    out: dict[str, float] = {}
    for kpi_id, value in (targets or {}).items():
        get_kpi(kpi_id)
        if value is None:
            continue
        try:
            out[kpi_id] = float(value)
        except (TypeError, ValueError):
            raise PiloteError("compute.bad_target", kpi=kpi_id, value=value) from None
    return out


def compute(
    tables: Sequence[Table],
    period: Period | str = ALL,
    kpis: Iterable[str] | None = None,
    *,
    filters: Mapping[str, Iterable[Any]] | None = None,
    statuses: Collection[str] | None = None,
    targets: Mapping[str, float] | None = None,
    as_of: Any = None,
    stage_order: Sequence[str] | None = None,
) -> list[KPIResult]:
    """Compute KPIs for a period with comparisons and targets.

    Parameters
    ----------
    tables : sequence of Table
    period : Period or str
        ``all``, ``2024``, ``2024-Q1``, ``2024-03``, ``2024-01-01..2024-03-31``.
    kpis : iterable of str, optional
        KPI ids; default every KPI that can be computed from ``tables``.
    filters, statuses, as_of, stage_order
        See :class:`Engine`.
    targets : mapping of KPI id → value, optional

    Returns
    -------
    list of KPIResult
    """
    engine = Engine(tables, filters, statuses, stage_order, as_of)
    return engine.results(period, kpis, targets)


def kpi_series(
    tables: Sequence[Table],
    kpi_id: str,
    freq: str = "month",
    *,
    filters: Mapping[str, Iterable[Any]] | None = None,
    statuses: Collection[str] | None = None,
    as_of: Any = None,
    max_periods: int = 60,
) -> pd.DataFrame:
    """The KPI per month (quarter, year): see :meth:`Engine.series`."""
    return Engine(tables, filters, statuses, None, as_of).series(kpi_id, freq, max_periods)


i18n.add_messages(
    {
        "compute.bad_target": {
            "fr": "L'objectif de « {kpi} » doit être un nombre (reçu : {value}).",
            "en": "The target for “{kpi}” must be a number (got: {value}).",
        },
    }
)
