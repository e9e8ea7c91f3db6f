"""ui.cache: one session cache, one key recipe (name, params, the context it depends on)."""

from __future__ import annotations

import pytest
import streamlit as st

from ui import cache
from ui.state import analysis


@pytest.fixture(autouse=True)
def fresh_session() -> None:
    for key in list(st.session_state):
        del st.session_state[key]


def test_made_once_per_name_params_and_context() -> None:
    calls: list[str] = []

    def make(tag: str) -> str:
        calls.append(tag)
        return tag

    assert cache.session_cached("x", lambda: make("a"), 1) == "a"
    assert cache.session_cached("x", lambda: make("b"), 1) == "a"  # cached
    assert cache.session_cached("x", lambda: make("c"), 2) == "c"  # other params
    assert cache.session_cached("y", lambda: make("d"), 1) == "d"  # other name
    analysis().filters = {"region": ["Nord"]}
    assert cache.session_cached("x", lambda: make("e"), 1) == "e"  # filters changed
    data_only = cache.session_cached("z", lambda: make("f"), depends=(cache.DATA,))
    analysis().filters = {}
    assert cache.session_cached("z", lambda: make("g"), depends=(cache.DATA,)) == data_only
    st.session_state["tables_version"] = 7  # new tables: everything is made again
    assert cache.session_cached("z", lambda: make("h"), depends=(cache.DATA,)) == "h"
    assert calls == ["a", "c", "d", "e", "f", "h"]


def test_keep_bounds_one_name_and_clear_forgets_all() -> None:
    for i in range(5):
        cache.session_cached("engine", lambda i=i: i, i, keep=2)
    cache.session_cached("other", lambda: "o")
    store = st.session_state["_pilote_cache"]
    assert [k[1] for k in store if k[0] == "engine"] == [(3,), (4,)]
    assert any(k[0] == "other" for k in store)
    cache.clear_session_cache()
    assert cache.session_cached("engine", lambda: "new", 4, keep=2) == "new"


def test_a_filter_set_then_cleared_finds_its_engine_again() -> None:
    import pandas as pd

    from kpi.data import Table
    from ui import analysis as ui_analysis

    df = pd.DataFrame(
        {"Date": pd.to_datetime(["2024-01-05", "2024-02-05"]), "Région": ["Nord", "Sud"],
         "Montant": [100.0, 50.0]}
    )  # fmt: skip
    table = Table("ventes.csv", df, "orders", {"date": "Date", "region": "Région",
                                               "amount": "Montant"})  # fmt: skip
    st.session_state["tables"] = {table.name: table}
    whole = ui_analysis.engine()
    assert ui_analysis.engine() is whole
    seen = []
    for region in ("Nord", "Sud"):
        analysis().filters = {"region": [region]}
        seen.append(ui_analysis.engine())
        assert seen[-1] is not whole and seen[-1].filters == {"region": frozenset([region])}
        analysis().filters = {}
        assert ui_analysis.engine() is whole  # the whole again: not built a second time
    analysis().filters = {"region": ["Nord"]}
    assert ui_analysis.engine() is seen[0]
