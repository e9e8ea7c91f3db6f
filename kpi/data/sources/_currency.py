"""Currencies of a table: shares per currency and the main one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi import i18n
from kpi.data.sources._records import LANGS

# ---------------------------------------------------------------------------------------------
# Currencies
# ---------------------------------------------------------------------------------------------

_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "US$": "USD",
    "CHF": "CHF",
    # Currency names as some tools write them (Dynamics 365: "US Dollar", "Euro").
    "EURO": "EUR",
    "EUROS": "EUR",
    "US DOLLAR": "USD",
    "DOLLAR US": "USD",
    "DOLLAR AMÉRICAIN": "USD",
    "POUND STERLING": "GBP",
    "BRITISH POUND": "GBP",
    "LIVRE STERLING": "GBP",
    "FRANC SUISSE": "CHF",
    "SWISS FRANC": "CHF",
    "CANADIAN DOLLAR": "CAD",
    "DOLLAR CANADIEN": "CAD",
}


@dataclass(frozen=True)
class CurrencySummary:
    """The currencies of a table: ``shares`` is ``((code, rows, share), …)``, most rows first.

    ``main`` is the most frequent currency (None without a currency column or value);
    ``unknown_rows`` counts rows with no currency.
    """

    shares: tuple[tuple[str, int, float], ...]
    main: str | None
    unknown_rows: int = 0

    @property
    def several(self) -> bool:
        return len(self.shares) > 1

    def message(self) -> i18n.Message | None:
        """ "3 currencies: EUR 80 %, USD 15 %, GBP 5 %" when there are several, else None."""
        if not self.several:
            return None
        shares = {
            lang: ", ".join(f"{code} {_share_text(share, lang)}" for code, _r, share in self.shares)
            for lang in LANGS
        }
        params: dict[str, Any] = {"n": len(self.shares), "shares": i18n.Text(**shares)}
        return i18n.Message("sources.currencies", params)

    def to_dict(self) -> dict[str, Any]:
        return {
            "main": self.main,
            "currencies": [
                {"currency": c, "rows": r, "share": round(s, 4)} for c, r, s in self.shares
            ],
            "unknown_rows": self.unknown_rows,
        }


def _share_text(share: float, lang: str) -> str:
    if 0 < share < 0.005:
        return "< " + i18n.format_percent_value(0.01, lang, 0)
    return i18n.format_percent_value(share, lang, 0)


def currency_code(value: Any) -> str:
    """A currency as its ISO code: upper case, trimmed, symbols and names read (``eur``, ``€``,
    ``Euro`` → ``EUR``); ``""`` for an empty value."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = " ".join(str(value).split()).upper()
    return _SYMBOLS.get(text, text)


def currency_summary(df: pd.DataFrame, mapping: Mapping[str, str]) -> CurrencySummary:
    """Shares of rows per currency of the ``currency`` role's column, the main one first.

    Codes are upper-cased and stripped (``eur`` = ``EUR``; ``€`` = ``EUR``). A table without a
    currency column has no shares and no main currency: the loader's header-based guess
    stands.
    """
    col = mapping.get("currency")
    if col is None or col not in df.columns:
        return CurrencySummary((), None, 0)
    codes, uniques = pd.factorize(df[col])
    names = [currency_code(u) or None for u in uniques]
    lut = np.array([*names, None], dtype=object)
    values = pd.Series(lut[np.where(codes >= 0, codes, len(names))], index=df.index)
    counts = values.value_counts(dropna=True)
    total = int(counts.sum())
    shares = tuple(
        (str(code), int(n), n / total)
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return CurrencySummary(shares, shares[0][0] if shares else None, int(values.isna().sum()))


i18n.add_messages(
    {
        "sources.currencies": {
            "fr": "{n} devises : {shares}",
            "en": "{n} currencies: {shares}",
        },
    }
)
