"""The KPI engine built from the user's analysis settings (:class:`ui.state.Analysis`), and the
period and filter controls every page shares.

Settings live in the session (:func:`ui.state.analysis`) so they survive page changes; widgets
are re-initialised from them on each page (a widget's own state is dropped by Streamlit when the
page that showed it is left). Widget keys bound to the analysis start with ``w_``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from kpi import i18n
from kpi.data import Table, role_label
from kpi.data.lookups import Linked, link_tables
from kpi.metrics import (
    FILTER_ROLES,
    Engine,
    Period,
    dataset_currency,
    default_period,
    filter_options,
    main_table,
    parse_period,
    periods_with_data,
)
from kpi.metrics.coverage import coverage
from kpi.metrics.currencies import convert_tables, dataset_currencies
from ui.cache import DATA, FILTERS, STATUSES, session_cached
from ui.shell import page_sidebar
from ui.state import Analysis, analysis, lang, tables, tr

GRANULARITIES = ("month", "quarter", "year", "all")


def linked() -> Linked:
    """The loaded tables with their lookup tables joined (accounts, teams, products: see
    :func:`kpi.data.lookups.link_tables`), once per change of the tables."""
    return session_cached(
        "linked", lambda: link_tables(list(tables().values())), depends=(DATA,), keep=1
    )


def role_title(role: str, lang_: str) -> str:
    """A role's name in ``lang_``; with its column's name when a lookup table brought it
    (``Équipe (manager)``: the team role played by ``manager``, from ``sales_teams.csv``)."""
    label = role_label(role, lang_)
    joined = linked().joined_role(role)
    return label if joined is None or joined[0] == label else f"{label} ({joined[0]})"


def loaded() -> list[Table]:
    """The tables every page computes on: as loaded, with the lookups' attributes joined to
    the tables they describe."""
    return linked().tables


def _money_tables() -> tuple[list[Table], list[str]]:
    """The tables with their amounts converted into the main currency at the user's exchange
    rates (when there is one for every other currency), and the currencies still without a
    rate."""
    a = analysis()
    data = loaded()
    if not a.rates:
        return data, []
    found = dataset_currencies(data)
    if not found.several:
        return data, []
    key = tuple(sorted(a.rates.items()))
    return session_cached(
        "converted",
        lambda: convert_tables(data, a.rates, str(found.main)),
        key,
        depends=(DATA,),
        keep=1,
    )


def engine() -> Engine:
    """The engine for the current tables, filters, statuses and currency, built once per
    change.

    Kept in the session (not in a global cache): it holds this user's data only. The last
    three are kept: a filter set and then cleared again (to compare a region with the whole)
    finds its engine, its figures, series and anomaly judgements already computed (at 1M rows
    an engine holds some 10–30 MB; building one again costs the page 0.2–0.3 s).
    """
    a = analysis()
    data, _missing = _money_tables()
    return session_cached(
        "engine",
        lambda: Engine(
            data,
            filters={r: v for r, v in a.filters.items() if v},
            statuses=a.statuses,
            margin_rate=a.margin_rate,
            currency=a.currency,
        ),
        a.currency,
        tuple(sorted(a.rates.items())),
        a.margin_rate,
        depends=(DATA, FILTERS, STATUSES),
        keep=3,
    )


def missing_rates() -> list[str]:
    """Currencies the user gave rates for some but not all of (their money stays per
    currency)."""
    return _money_tables()[1]


def open_analysis(settings: dict[str, Any]) -> None:
    """Make ``settings`` (a saved workspace's) the session's analysis; the widgets bound to the
    previous one (keys ``w_…``) start again from it."""
    st.session_state["analysis"] = Analysis.from_dict(settings)
    for key in [k for k in st.session_state if str(k).startswith("w_")]:
        del st.session_state[key]


def currency() -> str | None:
    """The currency amounts are shown in: with several currencies in the data, the one the
    engine gives money KPIs in (the user's choice, else the main one; the target of the
    conversion when rates are given); else the user's choice, else the loader's."""
    a = analysis()
    eng = engine()
    found = eng.currencies
    if found.several:
        return eng.money_currency or found.main
    return a.currency or found.main or dataset_currency(loaded())


def current_period() -> Period:
    """The period the pages show: the last complete one of the main table (orders, else
    deals…; see :func:`kpi.metrics.default_period`) until the user picks another."""
    a = analysis()
    if a.granularity == "all":
        return Period.all()
    if a.period:
        try:
            p = parse_period(a.period)
            if p.kind == a.granularity:
                return p
        except Exception:  # a stale saved key: fall back to the default period
            pass
    return session_cached(
        "default_period", lambda: default_period(loaded(), a.granularity), a.granularity,
        depends=(DATA,),
    )  # fmt: skip


def period_label(period: Period, lang_: str | None = None) -> str:
    """The period's label, saying when the main table's data does not cover all of it
    (``décembre 2011 — jusqu'au 9``)."""
    L = lang_ or lang()
    main = main_table(loaded())
    cov = None if main is None else coverage(main)
    return period.label(L) if cov is None else cov.label(period, L)


def period_controls(where: Any = None) -> Period:
    """Granularity and period pickers; returns the chosen period."""
    box = where or page_sidebar()
    a = analysis()
    L = lang()

    def changed() -> None:
        chosen = st.session_state.get("w_granularity")
        if chosen and chosen != a.granularity:
            a.granularity = chosen
            a.period = None

    # Set on every run, not only when missing: on another page the control is a new widget,
    # and the state left by the previous page's one showed no option selected.
    st.session_state["w_granularity"] = a.granularity
    gran = (
        box.segmented_control(
            tr("ctl.granularity"),
            GRANULARITIES,
            format_func=lambda g: tr(f"ctl.gran.{g}"),
            key="w_granularity",
            wrap=True,
            required=True,
            on_change=changed,
        )
        or a.granularity
    )
    if gran == "all":
        return Period.all()
    periods = session_cached(
        "periods", lambda: periods_with_data(loaded(), gran), gran, depends=(DATA,)
    )
    if not periods:
        return Period.all()
    options = [p.key for p in periods]
    current = current_period().key

    def picked() -> None:
        a.period = st.session_state.get("w_period")

    # As for the granularity: the analysis' period, set on every run (each page has its own
    # widget; the state a previous page left made the next one show the latest period).
    st.session_state["w_period"] = current if current in options else options[0]
    labels = {p.key: period_label(p, L) for p in periods}
    chosen = box.selectbox(
        tr("ctl.period"),
        options,
        format_func=lambda k: labels.get(k, k),
        key="w_period",
        on_change=picked,
    )
    a.period = chosen
    return parse_period(chosen)


def filter_controls(where: Any = None, rerun: str | None = None) -> dict[str, list[str]]:
    """One multiselect per categorical role present in the loaded tables.

    ``rerun`` is the key of the page's fragment (``@st.fragment(key=...)``) that shows what
    the filters change: a filter change then reruns that fragment alone, not the whole app
    (the sidebar, the page's other controls), once the page has said its last run drew
    everything (:func:`rerun_alone`). Otherwise the whole app reruns.
    """
    box = where or page_sidebar()
    a = analysis()
    L = lang()
    data = loaded()
    # Open when a filter is set, and from then on stays open: an `expanded` that flips back
    # when the last filter is cleared would snap the panel shut under the user's cursor.
    if any(a.filters.values()):
        st.session_state["_filters_open"] = True
    with box.expander(tr("ctl.filters"), expanded=st.session_state.get("_filters_open", False)):
        for role in FILTER_ROLES:
            options = _options(data, role)
            # One value (the demo's single currency) filters nothing: no widget, unless a
            # filter is already set on it (a saved analysis), so that it can be cleared.
            if len(options) < 2 and not a.filters.get(role):
                continue
            key = f"w_filter_{role}"

            def changed(role: str = role, key: str = key) -> None:
                values = list(st.session_state.get(key) or [])
                if values:
                    a.filters[role] = values
                else:
                    a.filters.pop(role, None)
                if rerun is not None and st.session_state.get(_ALONE) == rerun:
                    try:
                        st.rerun(rerun)
                    except StreamlitAPIException:  # the fragment is gone: rerun the app
                        st.session_state.pop(_ALONE, None)

            # Set on every run, as the period: another page's widget would show no filter
            # (and drop it) although the analysis has one.
            st.session_state[key] = [v for v in a.filters.get(role, []) if v in options]
            label = role_title(role, L)
            picked = st.multiselect(
                label,
                options,
                key=key,
                placeholder=tr("ctl.all_values"),
                select_all=False,
                on_change=changed,
            )
            if picked:
                a.filters[role] = list(picked)
            else:
                a.filters.pop(role, None)
    return a.filters


def rerun_alone(key: str | None) -> None:
    """Which fragment of the page a filter change may rerun alone (see
    :func:`filter_controls`): the page calls this with ``None`` when its run starts and with
    the fragment's key when the run has drawn everything. A run cut short (the user changed
    something meanwhile) leaves the page half drawn, and the fragment holds the period and
    KPIs of the last run that reached it: the next filter change then reruns the whole app."""
    if key is None:
        st.session_state.pop(_ALONE, None)
    else:
        st.session_state[_ALONE] = key


_ALONE = "_pilote_rerun_alone"
MAX_FILTER_VALUES = 500


def _options(data: list[Table], role: str) -> list[str]:
    """A role's values for a filter widget, computed once per set of tables. Identifiers and
    roles with more than MAX_FILTER_VALUES values get no widget (see filter_options)."""
    return session_cached(
        "filter_options",
        lambda: filter_options(data, role, limit=MAX_FILTER_VALUES, strict=True),
        role,
        depends=(DATA,),
    )


def fmt(value: Any, unit: str) -> str:
    """A value in the user's language and the dataset's currency."""
    return i18n.format_value(value, unit, lang(), currency())


i18n.add_messages(
    {
        "ctl.granularity": {"fr": "Période", "en": "Period"},
        "ctl.gran.month": {"fr": "Mois", "en": "Month"},
        "ctl.gran.quarter": {"fr": "Trimestre", "en": "Quarter"},
        "ctl.gran.year": {"fr": "Année", "en": "Year"},
        "ctl.gran.all": {"fr": "Tout", "en": "All"},
        "ctl.period": {"fr": "Période affichée", "en": "Period shown"},
        "ctl.filters": {"fr": "Filtres", "en": "Filters"},
        "ctl.all_values": {"fr": "Toutes les valeurs", "en": "All values"},
    }
)
