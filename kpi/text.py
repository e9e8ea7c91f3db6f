"""Text compared the way people mean it: without case or accents.

:func:`fold` is the one accent- and case-folding of Pilote (``"  Annulée  "`` → ``"annulee"``);
:func:`words` builds on it to compare labels word by word (statuses, stages, channels, column
headers), and :func:`slug` to name files.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

__all__ = ["fold", "nfc", "slug", "words"]


def fold(value: Any) -> str:
    """``value`` as text without case or accents: Unicode compatibility decomposition (NFKD),
    combining marks dropped, case folded, runs of whitespace as one space, trimmed.

    ``None`` and NaN give ``""``. ``"  Élodie  MARTIN"`` → ``"elodie martin"``; punctuation is
    kept (``"Google-Ads"`` → ``"google-ads"``).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(text.split())


def nfc(text: str) -> str:
    """``text`` in Unicode's composed form (NFC): ``é`` typed as ``e`` + combining accent
    becomes the one character ``é``, so that the two spellings are the same text."""
    return unicodedata.normalize("NFC", text)


def words(value: Any, keep: str = "", ascii_only: bool = False) -> str:
    """:func:`fold`, then every run of characters other than ``a``–``z``, ``0``–``9`` (and those
    of ``keep``) as one space: ``"Closed-Won"`` → ``"closed won"``, ``"N° de commande"`` →
    ``"n de commande"``.

    With ``ascii_only`` the characters left outside ASCII after folding (``’``, ``œ``, ``€``…)
    are dropped first instead of separating words (``"d’échéance"`` → ``"decheance"``): the
    column-header form, kept as it was because saved mappings are found by it.
    """
    text = fold(value)
    if ascii_only:
        text = text.encode("ascii", "ignore").decode()
    allowed = re.escape(keep) if keep else ""
    return " ".join(re.sub(f"[^0-9a-z{allowed}]+", " ", text).split())


def slug(value: Any, default: str = "") -> str:
    """A file-name-safe form: ``"Chiffre d'affaires"`` → ``"chiffre-d-affaires"`` (``default``
    when nothing is left)."""
    return "-".join(words(value, ascii_only=True).split()) or default
