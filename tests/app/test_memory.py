"""Memory given back as sessions go: the reaper of closed sessions (on the pinned Streamlit's
own classes) and the shared preparation cache built once under concurrency."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pandas as pd
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.runtime import Runtime
from streamlit.runtime.session_manager import SessionInfo
from streamlit.runtime.state.session_state import SessionState
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from kpi import metrics
from kpi.data import Table
from kpi.metrics.prepared import PreparedTable, amounts, prepared
from tests.conftest import ROOT
from ui import memory


class _Session:
    def __init__(self, sid: str) -> None:
        self.id = sid
        self.session_state = SessionState()
        self.session_state["tables"] = {"big.csv": object()}
        self.shut = False

    def shutdown(self) -> None:
        self.shut = True


class _Manager:
    """The two attributes of WebsocketSessionManager the reaper uses."""

    def __init__(self, ttl: float) -> None:
        self._session_storage = MemorySessionStorage(ttl_seconds=ttl)
        self._storage_lock = threading.Lock()


def test_expired_sessions_are_shut_down_and_emptied() -> None:
    mgr = _Manager(ttl=0)  # every stored session has already expired
    gone = _Session("a")
    mgr._session_storage.save(SessionInfo(client=None, session=gone))  # type: ignore[arg-type]
    assert memory._reap(mgr) == 1
    assert gone.shut
    assert "tables" not in gone.session_state
    assert memory._reap(mgr) == 0


def test_expired_sessions_let_go_of_what_their_widgets_functions_held() -> None:
    # A page's format function or callback is a function of the page script: its globals
    # hold the page's variables (the Data page's table). Streamlit's SessionState.clear()
    # keeps the widgets' metadata, hence those functions: the reaper drops them as well.
    import gc
    import weakref

    from streamlit.runtime.state.common import WidgetMetadata

    class Big:
        pass

    big = Big()
    held = weakref.ref(big)
    page_globals = {"table": big}
    fmt = eval("lambda v: (table, v)", page_globals)  # a function of the page's module
    gone = _Session("c")
    gone.session_state._set_widget_metadata(
        WidgetMetadata("w1", deserializer=fmt, serializer=fmt, value_type="string_value")
    )
    del big, page_globals, fmt
    mgr = _Manager(ttl=0)
    mgr._session_storage.save(SessionInfo(client=None, session=gone))  # type: ignore[arg-type]
    assert memory._reap(mgr) == 1
    gc.collect()
    assert held() is None
    assert gone.shut


def test_sessions_within_the_reconnection_delay_are_kept() -> None:
    mgr = _Manager(ttl=3600)
    kept = _Session("b")
    mgr._session_storage.save(SessionInfo(client=None, session=kept))  # type: ignore[arg-type]
    assert memory._reap(mgr) == 0
    assert not kept.shut and "tables" in kept.session_state


def test_the_pinned_streamlit_has_what_the_reaper_uses() -> None:
    # If an upgrade renames these, this fails instead of the server silently keeping closed
    # sessions' data (reap_closed_sessions would just return False).
    assert "_session_storage" in WebsocketSessionManager.__init__.__code__.co_names
    assert "_storage_lock" in WebsocketSessionManager.__init__.__code__.co_names
    assert hasattr(MemorySessionStorage(), "_cache")
    assert hasattr(MemorySessionStorage()._cache, "expire")
    assert "_session_mgr" in Runtime.__init__.__code__.co_names
    assert hasattr(Runtime, "_get_async_objs")


def test_reaper_is_a_no_op_without_a_running_server() -> None:
    assert memory.reap_closed_sessions() is False


def _orders(n: int = 5000) -> Table:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "Date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D"),
            "Order": [f"O{i // 2}" for i in range(n)],
            "Client": [f"C{i % 300}" for i in range(n)],
            "Region": rng.choice(["Nord", "Sud"], n),
            "Amount": rng.uniform(10, 100, n).round(2),
        }
    )
    mapping = {
        "date": "Date",
        "order_id": "Order",
        "customer_id": "Client",
        "region": "Region",
        "amount": "Amount",
    }
    return Table("orders.csv", df, "orders", mapping)


def test_warm_prepares_once_and_the_engine_gives_the_same_figures(monkeypatch) -> None:  # noqa: ANN001
    cold = _orders()
    expected = [r.value for r in metrics.Engine([cold]).results("2024-06")]
    table = _orders()
    built = []
    real = PreparedTable.__init__

    def counting(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        built.append(args[1] if len(args) > 1 else kwargs.get("sort_role"))
        real(self, *args, **kwargs)

    monkeypatch.setattr(PreparedTable, "__init__", counting)
    barrier = threading.Barrier(4)

    def both() -> None:
        barrier.wait()
        metrics.warm(table)

    threads = [threading.Thread(target=both) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert built == ["date"]  # four threads at once, one preparation
    got = [r.value for r in metrics.Engine([table]).results("2024-06")]
    assert got == expected
    assert built == ["date"]  # the engine used the warmed preparation
    # the warmed preparation numbers order ids in date order: each new id is the next number
    codes = prepared(table).codes("order_id")[0]
    running = np.maximum.accumulate(codes)
    assert codes[0] == 0 and np.all(np.diff(running) <= 1) and running[-1] == len(set(codes)) - 1
    assert not np.array_equal(codes, PreparedTable(cold, "date").codes("order_id")[0])


def test_the_dashboard_counts_order_ids_without_making_them_python_objects() -> None:
    # A million order ids as Python strings were 65 MB per session, for KPIs that only count
    # them: the engine reads their codes and how many there are (PreparedTable.ids).
    table = _orders()
    metrics.warm(table)
    engine = metrics.Engine([table], filters={"region": ["Nord"]})
    results = engine.results("2024-06", kpi_ids=["revenue", "orders", "aov", "customers"])
    assert all(r.value is not None for r in results)
    prep = prepared(table)
    assert ("codes", "order_id") not in prep._cache
    codes, n = prep.ids("order_id")
    assert n == table.df["Order"].nunique()
    # the same codes as the values' object array, once something needs the values
    same, values = prep.codes("order_id")
    assert same is codes and len(values) == n
    assert list(values[codes]) == list(table.df["Order"].iloc[prep.perm])


def test_ids_numbered_in_date_order_keep_their_values_and_blanks() -> None:
    table = _orders()
    table.df.loc[[3, 40, 41], "Order"] = ["  ", "", None]
    metrics.warm(table)  # numbers the 2,500 order ids in date order
    prep = prepared(table)
    codes, n = prep.ids("order_id")
    same, values = prep.codes("order_id")
    assert same is codes
    rows = table.df["Order"].iloc[prep.perm].to_numpy(dtype=object)
    blank = np.array([v is None or pd.isna(v) or not str(v).strip() for v in rows])
    assert (codes[blank] == -1).all()
    assert list(values[codes[~blank]]) == list(rows[~blank])
    firsts = codes[~blank][np.sort(np.unique(codes[~blank], return_index=True)[1])]
    assert list(firsts) == sorted(firsts)  # a new id gets the next number


def test_amounts_share_the_amount_column_when_every_value_is_there() -> None:
    table = _orders()
    prep = prepared(table)
    assert amounts(prep) is prep.number("amount")  # no 8 MB copy per 1M rows
    gappy = _orders()
    gappy.df.loc[[0, 5], "Amount"] = [np.nan, np.inf]
    got = amounts(prepared(gappy))
    assert got[np.argsort(prepared(gappy).perm)][0] == 0.0  # a missing amount adds nothing
    assert np.isfinite(got).all()


def test_filter_options_strict_gives_no_list_for_ids_or_too_many_values() -> None:
    table = _orders()
    assert metrics.filter_options([table], "region", strict=True) == ["Nord", "Sud"]
    assert metrics.filter_options([table], "order_id", strict=True) == []
    assert metrics.filter_options([table], "customer_id", strict=True) == []
    subscriptions = Table("abonnements.csv", pd.DataFrame({"N°": ["AB-1", "AB-2"]}),
                          "subscriptions", {"subscription_id": "N°"})  # fmt: skip
    assert metrics.filter_options([subscriptions], "subscription_id", strict=True) == []
    assert metrics.filter_options([table], "region", limit=1, strict=True) == []
    assert metrics.filter_options([table], "region", limit=1) == ["Nord"]
    assert len(metrics.filter_options([table], "customer_id", limit=10)) == 10


def test_the_census_passes_over_a_dataframe_still_being_built(caplog) -> None:  # noqa: ANN001
    # A census (PILOTE_MEMORY_CENSUS=1) ran while a page built a DataFrame: len() of the
    # unfinished object raised, and the exception ended the trimmer thread.
    import pandas as pd

    unfinished = pd.DataFrame.__new__(pd.DataFrame)
    big = pd.DataFrame({"x": np.zeros(100_000)})
    with caplog.at_level("WARNING", logger="pilote.memory"):
        memory._census()
    assert "DataFrame(s) of 100k+ rows alive" in caplog.text  # it went through every object
    del unfinished, big


_SESSION_THEN_GONE = """
import gc, sys, weakref
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.run()
next(b for b in at.button if b.key == "home_sample").click().run()
held = [weakref.ref(t.df) for t in at.session_state["tables"].values()]
at.switch_page("pages/data.py").run()
at.switch_page("pages/dashboard.py").run()
failed = [str(e.value) for e in at.exception]
del at
gc.collect()
print(len(held), sum(h() is not None for h in held), failed)
"""


def test_a_session_s_tables_are_freed_once_the_session_is_gone(tmp_path) -> None:  # noqa: ANN001
    # In a fresh interpreter: what a process does once (gc.freeze() at the first page run kept
    # the namespace of the pages then running, and through it the session's tables, for good)
    # shows only in the first session of a process.
    env = {**os.environ, "PILOTE_DATA_DIR": str(tmp_path)}
    ran = subprocess.run(
        [sys.executable, "-c", _SESSION_THEN_GONE, str(ROOT / "app.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    loaded, alive, failed = ran.stdout.strip().splitlines()[-1].split(" ", 2)
    assert failed == "[]"
    assert int(loaded) == 8
    assert int(alive) == 0
