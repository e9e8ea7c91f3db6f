"""The user's analysis settings (objectives, KPIs, period, filters, statuses, targets), shared by
every page, and the KPI engine built from them.

Settings live in ``st.session_state["analysis"]`` (a plain dataclass) so they survive page
changes; widgets are re-initialised from it on each page (a widget's own state is dropped by
Streamlit when the page that showed it is left).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from kpi import i18n
from kpi.data import Table, role_label
from kpi.metrics import (
    FILTER_ROLES,
    Engine,
    Period,
    dataset_currency,
    filter_options,
    parse_period,
    periods_between,
)
from ui.state import lang, tables, tr

GRANULARITIES = ("month", "quarter", "year", "all")


@dataclass
class Analysis:
    """What the user chose; JSON-friendly so that a workspace can save it."""

    objectives: list[str] = field(default_factory=list)
    kpis: list[str] = field(default_factory=list)
    granularity: str = "month"
    period: str | None = None  # a Period key; None = the latest period in the data
    filters: dict[str, list[str]] = field(default_factory=dict)
    statuses: list[str] | None = None  # None = the default counted statuses
    targets: dict[str, float] = field(default_factory=dict)
    drop_threshold: float = 0.10
    currency: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def analysis() -> Analysis:
    """The session's analysis settings."""
    return st.session_state.setdefault("analysis", Analysis())


def loaded() -> list[Table]:
    return list(tables().values())


def tables_version() -> int:
    return int(st.session_state.get("tables_version", 0))


def engine() -> Engine:
    """The engine for the current tables, filters and statuses, built once per change.

    Kept in the session (not in a global cache): it holds this user's data only.
    """
    a = analysis()
    key = (
        tables_version(),
        tuple(sorted((r, tuple(v)) for r, v in a.filters.items() if v)),
        None if a.statuses is None else tuple(sorted(a.statuses)),
    )
    cached = st.session_state.get("_engine")
    if cached is not None and cached[0] == key:
        return cached[1]
    eng = Engine(loaded(), filters={r: v for r, v in a.filters.items() if v}, statuses=a.statuses)
    st.session_state["_engine"] = (key, eng)
    return eng


def currency() -> str | None:
    """The dataset's currency: the user's choice, else the first one a loader found."""
    a = analysis()
    return a.currency or dataset_currency(loaded())


def data_range() -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last date over every dated role of every table."""
    lo: pd.Timestamp | None = None
    hi: pd.Timestamp | None = None
    for t in loaded():
        for role in ("date", "created_date", "close_date"):
            col = t.mapping.get(role)
            if col is None:
                continue
            s = t.df[col]
            if s.notna().any():
                a, b = s.min(), s.max()
                lo = a if lo is None or a < lo else lo
                hi = b if hi is None or b > hi else hi
    if lo is None or hi is None:
        return None
    return lo, hi


def current_period() -> Period:
    """The period the pages show (the latest one in the data until the user picks another)."""
    a = analysis()
    if a.granularity == "all":
        return Period.all()
    if a.period:
        try:
            p = parse_period(a.period)
            if p.kind == a.granularity:
                return p
        except Exception:  # a stale saved key: fall back to the latest period
            pass
    rng = data_range()
    if rng is None:
        return Period.all()
    return Period.containing(rng[1], a.granularity)


def _bind(key: str, value: Any) -> None:
    """Initialise a widget's state from the analysis when the widget is (re)created."""
    if key not in st.session_state:
        st.session_state[key] = value


def period_controls(where: Any = None) -> Period:
    """Granularity and period pickers; returns the chosen period."""
    box = where or st.sidebar
    a = analysis()
    L = lang()
    _bind("w_granularity", a.granularity)
    gran = (
        box.segmented_control(
            tr("ctl.granularity"),
            GRANULARITIES,
            format_func=lambda g: tr(f"ctl.gran.{g}"),
            key="w_granularity",
        )
        or a.granularity
    )
    if gran != a.granularity:
        a.granularity = gran
        a.period = None
    if gran == "all":
        return Period.all()
    rng = data_range()
    if rng is None:
        return Period.all()
    options = [p.key for p in reversed(periods_between(rng[0], rng[1], gran))]
    current = current_period().key
    if st.session_state.get("w_period") not in options:
        st.session_state["w_period"] = current if current in options else options[0]
    labels = {p.key: p.label(L) for p in periods_between(rng[0], rng[1], gran)}
    chosen = box.selectbox(
        tr("ctl.period"), options, format_func=lambda k: labels.get(k, k), key="w_period"
    )
    a.period = chosen
    return parse_period(chosen)


def filter_controls(where: Any = None) -> dict[str, list[str]]:
    """One multiselect per categorical role present in the loaded tables."""
    box = where or st.sidebar
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
            if not options:
                continue
            key = f"w_filter_{role}"
            _bind(key, [v for v in a.filters.get(role, []) if v in options])
            label = role_label(role, L)
            picked = st.multiselect(label, options, key=key, placeholder=tr("ctl.all_values"))
            if picked:
                a.filters[role] = list(picked)
            else:
                a.filters.pop(role, None)
    return a.filters


MAX_FILTER_VALUES = 500


def _options(data: list[Table], role: str) -> list[str]:
    """A role's values for a filter widget, computed once per set of tables. Identifiers and
    roles with more than MAX_FILTER_VALUES values get no widget (see filter_options)."""
    cache = st.session_state.setdefault("_filter_options", {})
    key = (tables_version(), role)
    if key not in cache:
        cache[key] = filter_options(data, role, limit=MAX_FILTER_VALUES, strict=True)
    return cache[key]


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
