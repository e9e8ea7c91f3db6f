"""Several currencies in one dataset: never summed silently.

A table whose ``currency`` column holds several currencies (a Stripe or Shopify export of a shop
selling in EUR, USD and GBP) gives its money KPIs **per currency** — the engine computes revenue,
average basket, pipeline… on the rows of one currency at a time, the main one (most rows) first
— or, once the user gives an exchange rate for every other currency, **converted** into one
currency (:func:`convert_tables`). Counting KPIs (orders, win rate, customers) stay computed on
every row: a count does not depend on the currency.

Currency codes are read as :func:`kpi.data.sources.currency_summary` reads them: ``eur``,
`` EUR`` and ``€`` are ``EUR``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.dataset import Table
from kpi.data.sources import currency_code
from kpi.errors import PiloteError
from kpi.metrics.prepared import mapped_column, prepared

__all__ = [
    "MONEY_ROLES",
    "Currencies",
    "convert_tables",
    "dataset_currencies",
    "parse_rates",
    "rates_from_frame",
    "raw_values",
]

#: Roles holding amounts of money, converted with the exchange rates.
MONEY_ROLES: tuple[str, ...] = ("amount", "unit_price", "cost", "profit", "spend")


@dataclass(frozen=True)
class Currencies:
    """The currencies of a dataset: ``rows`` per code, most rows first (the main one first).

    ``missing`` counts rows of tables with a currency column whose currency is empty.
    """

    rows: tuple[tuple[str, int], ...]
    missing: int = 0

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c for c, _n in self.rows)

    @property
    def main(self) -> str | None:
        return self.rows[0][0] if self.rows else None

    @property
    def several(self) -> bool:
        return len(self.rows) > 1

    def share(self, code: str) -> float:
        total = sum(n for _c, n in self.rows)
        return next((n for c, n in self.rows if c == code), 0) / total if total else 0.0

    def message(self) -> i18n.Message | None:
        """ "3 currencies: EUR 80%, USD 15%, GBP 5%" when there are several, else None."""
        if not self.several:
            return None
        shares = {
            lang: ", ".join(f"{code} {_share_text(self.share(code), lang)}" for code in self.codes)
            for lang in ("fr", "en")
        }
        return i18n.Message(
            "sources.currencies", {"n": len(self.rows), "shares": i18n.Text(**shares)}
        )

    def missing_message(self) -> i18n.Message | None:
        """With several currencies, the rows whose currency is empty: in no currency's
        amounts (counted in every count)."""
        if not self.several or not self.missing:
            return None
        return i18n.Message("currencies.missing_rows", {"rows": i18n.Count(self.missing)})

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        message = self.message()
        return {
            "main": self.main,
            "currencies": [
                {"currency": c, "rows": n, "share": round(self.share(c), 4)} for c, n in self.rows
            ],
            "missing_rows": self.missing,
            "message": None if message is None else message.text(lang),
        }


def _share_text(share: float, lang: str) -> str:
    if 0 < share < 0.005:
        return "< " + i18n.format_percent_value(0.01, lang, 0)
    return i18n.format_percent_value(share, lang, 0)


def _codes(table: Table) -> tuple[np.ndarray, list[str]] | None:
    """Per row, the index of its currency code in the returned list (-1 when empty)."""
    if mapped_column(table, "currency") is None:
        return None
    prep = prepared(table)

    def make() -> tuple[np.ndarray, list[str]]:
        codes, uniq = prep.codes("currency")
        names = [currency_code(u) for u in uniq]
        order = sorted({n for n in names if n})
        lut = np.array([order.index(n) if n else -1 for n in names] + [-1], dtype=np.int64)
        return lut[np.where(codes >= 0, codes, len(uniq))], order

    return prep.memo(("currency_codes",), make)


def dataset_currencies(tables: Sequence[Table]) -> Currencies:
    """Rows per currency over every table with a ``currency`` column (filters ignored)."""
    counts: dict[str, int] = {}
    missing = 0
    for table in tables:
        found = _codes(table)
        if found is None:
            continue
        idx, order = found
        per = np.bincount(idx[idx >= 0], minlength=len(order))
        for code, n in zip(order, per, strict=True):
            if n:
                counts[code] = counts.get(code, 0) + int(n)
        missing += int((idx < 0).sum())
    rows = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return Currencies(rows, missing)


def raw_values(tables: Sequence[Table], code: str) -> list[str]:
    """The values of the tables' currency columns that mean ``code`` (``eur``, ``€``…), as a
    filter on the ``currency`` role takes them."""
    out: set[str] = set()
    for table in tables:
        if mapped_column(table, "currency") is None:
            continue
        _codes_, uniq = prepared(table).codes("currency")
        out.update(str(u).strip() for u in uniq if currency_code(u) == code)
    return sorted(out)


def parse_rates(items: Mapping[str, Any] | Iterable[str]) -> dict[str, float]:
    """Exchange rates from ``{"USD": 0.92}`` or ``["USD=0.92", "GBP=1,17"]``: how many units of
    the target currency one unit of each currency is worth.

    Raises
    ------
    PiloteError
        ``currencies.bad_rate`` for a rate that is not a positive number.
    """
    pairs = (
        list(items.items())
        if isinstance(items, Mapping)
        else [tuple(str(i).partition("=")[::2]) for i in items]
    )
    out: dict[str, float] = {}
    for code, value in pairs:
        text = str(value).strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
        try:
            rate = float(text)
        except ValueError:
            rate = math.nan
        if not str(code).strip() or not math.isfinite(rate) or rate <= 0:
            raise PiloteError("currencies.bad_rate", item=f"{code}={value}")
        out[currency_code(code)] = rate
    return out


def rates_from_frame(df: pd.DataFrame) -> dict[str, float]:
    """Exchange rates from an uploaded table: a column of currency codes (``USD``, ``£``…)
    and a column of positive numbers (1 unit of the code = the rate in the main currency).

    Raises
    ------
    PiloteError
        ``currencies.bad_rates_file`` when no such pair of columns is found.
    """
    texts = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    numbers = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
    for t in texts:
        codes = [currency_code(v) for v in df[t].dropna()]
        if not codes or not all(len(c) == 3 and c.isalpha() for c in codes):
            continue
        for n in numbers:
            values = pd.to_numeric(df[n], errors="coerce")
            keep = df[t].notna() & values.notna()
            if keep.any() and bool((values[keep] > 0).all()):
                return parse_rates(dict(zip(df.loc[keep, t], values[keep], strict=True)))
    raise PiloteError("currencies.bad_rates_file", columns=", ".join(map(str, df.columns)))


def convert_tables(
    tables: Sequence[Table], rates: Mapping[str, float], to: str
) -> tuple[list[Table], list[str]]:
    """Tables whose money columns are converted into ``to`` with ``rates``.

    Parameters
    ----------
    tables : sequence of Table
    rates : mapping of code → rate
        One unit of the code is worth ``rate`` units of ``to`` (``{"USD": 0.92}``).
    to : str
        The target currency (its own rate is 1).

    Returns
    -------
    tables : list of Table
        Tables without a currency column are returned as they are; the others are copies
        (the data is shared except the converted columns) whose money columns (amount, unit
        price, cost, profit, spend) are in ``to`` and whose currency column says ``to``.
    missing : list of str
        Currencies found without a rate. When some are missing nothing is converted (the money
        KPIs stay per currency) and the tables are returned as they are.
    """
    to = currency_code(to)
    table_rates = {**{currency_code(k): float(v) for k, v in rates.items()}, to: 1.0}
    needed = dataset_currencies(tables).codes
    missing = [c for c in needed if c not in table_rates]
    if missing:
        return list(tables), missing
    out: list[Table] = []
    for table in tables:
        found = _codes(table)
        if found is None:
            out.append(table)
            continue
        idx, order = found
        perm = prepared(table).perm
        if perm is not None:  # the codes come in the prepared (date) order: back to rows
            back = np.empty_like(idx)
            back[perm] = idx
            idx = back
        per_row = np.array([table_rates[c] for c in order] + [np.nan])[
            np.where(idx >= 0, idx, len(order))
        ]
        df = table.df.copy(deep=False)
        for role in MONEY_ROLES:
            col = mapped_column(table, role)
            if col is not None:
                df[col] = (
                    pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                    * per_row
                )
        cur = mapped_column(table, "currency")
        assert cur is not None
        df[cur] = pd.Series(np.where(idx >= 0, to, None), index=df.index, dtype="str")
        out.append(replace(table, df=df))
    return out, []


i18n.add_messages(
    {
        "currencies.missing_rows": {
            "fr": "{rows} ligne(s) sans devise : comptées dans les comptages, dans aucun montant.",
            "en": "{rows} row(s) without a currency: in the counts, in no amount.",
        },
        "currencies.converted": {
            "fr": "Montants convertis en {main} aux taux donnés ({rates}).",
            "en": "Amounts converted into {main} at the rates given ({rates}).",
        },
        "currencies.missing_rates": {
            "fr": "Pas de taux pour {currencies} : rien n'est converti, les montants restent donnés par devise.",
            "en": "No rate for {currencies}: nothing is converted, amounts stay per currency.",
        },
        "currencies.bad_rates_file": {
            "fr": "Ce fichier de taux n'a pas de colonne de codes de devise (USD, GBP…) à côté d'une colonne de taux positifs. Colonnes lues : {columns}.",
            "en": "This rates file has no column of currency codes (USD, GBP…) next to a column of positive rates. Columns read: {columns}.",
        },
        "currencies.bad_rate": {
            "fr": "« {item} » : écrivez un taux positif, par exemple USD=0,92 (1 USD vaut 0,92 de la devise principale).",
            "en": "'{item}': write a positive rate, e.g. USD=0.92 (1 USD is worth 0.92 of the main currency).",
        },
    }
)
