"""One session cache: whatever a page computes from the user's data and keeps between reruns
goes through :func:`session_cached`, with one key recipe.

The key of an entry is ``(name, params, context)``, where ``context`` holds the parts of the
session it depends on (``depends``): the tables' version (bumped by every load, removal,
mapping edit or reopened workspace), the active filters, the counted statuses, the language.
Entries live in ``st.session_state`` — this user's data only, dropped with the session — never in
``st.cache_data``, which hashes a large DataFrame from a sample of rows (two users' files could
share an entry). The store is a small LRU; ``keep`` bounds the entries of one name (the engine,
the facts of a million rows: only the current ones).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

import streamlit as st

from ui.state import analysis, lang, tables_version

__all__ = [
    "DATA",
    "EVERYTHING",
    "FILTERS",
    "LANG",
    "STATUSES",
    "clear_session_cache",
    "session_cached",
]

DATA, FILTERS, STATUSES, LANG = "data", "filters", "statuses", "lang"
EVERYTHING: tuple[str, ...] = (DATA, FILTERS, STATUSES, LANG)
MAX_ENTRIES = 128
_STORE = "_pilote_cache"

_T = TypeVar("_T")


def _context(depends: Iterable[str]) -> tuple[Hashable, ...]:
    a = analysis()
    parts: dict[str, Hashable] = {
        DATA: tables_version(),
        FILTERS: tuple(sorted((r, tuple(v)) for r, v in a.filters.items() if v)),
        STATUSES: None if a.statuses is None else tuple(sorted(a.statuses)),
        LANG: lang(),
    }
    return tuple(parts[d] for d in depends)


def session_cached(
    name: str,
    make: Callable[[], _T],
    *params: Hashable,
    depends: tuple[str, ...] = EVERYTHING,
    keep: int | None = None,
) -> _T:
    """``make()`` once per ``(name, params, context)`` in this session.

    Parameters
    ----------
    name : str
        What is cached (``"engine"``, ``"facts"``…).
    make : callable
        Computes the value when it is not cached.
    *params : hashable
        What else the value depends on (a KPI id, a period key…).
    depends : tuple of str
        The parts of the session it depends on: :data:`DATA`, :data:`FILTERS`,
        :data:`STATUSES`, :data:`LANG` (all by default).
    keep : int, optional
        Entries of this ``name`` kept at most (the oldest go first).
    """
    store: OrderedDict[tuple[Any, ...], Any] = st.session_state.setdefault(_STORE, OrderedDict())
    key = (name, params, _context(depends))
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = make()
    store[key] = value
    if keep is not None:
        mine = [k for k in store if k[0] == name]
        for old in mine[: max(0, len(mine) - keep)]:
            del store[old]
    while len(store) > MAX_ENTRIES:
        store.popitem(last=False)
    return value


def clear_session_cache() -> None:
    """Forget every cached value of this session (a workspace was reopened)."""
    st.session_state.pop(_STORE, None)
