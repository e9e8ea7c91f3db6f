"""Workspace names: what a name may hold, and the one form it is saved under.

A name is what people read in a list and type again later: it is trimmed and stored in
Unicode's composed form (NFC), and refused when it is empty, too long, on several lines, or
holds characters that do not show (zero-width spaces and joiners, soft hyphens, fillers) or
that reorder the text around them (direction controls) — two names that look the same would be
two workspaces, and ``Budget\u202etxt.exe`` would look like another name.
"""

from __future__ import annotations

import unicodedata

from kpi import i18n
from kpi.errors import PiloteError
from kpi.text import nfc

__all__ = ["MAX_NAME_LENGTH", "checked_name", "validate_name"]

MAX_NAME_LENGTH = 100

_INVISIBLE_LETTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
"""Characters that render as nothing although they are not format characters (Hangul fillers,
the combining grapheme joiner, Khmer inherent vowels)."""


def validate_name(name: object) -> str:
    """The name a new workspace is saved under: without surrounding spaces, in Unicode's
    composed form (NFC: an ``é`` typed as ``e`` + accent is the same name as ``é``), or a
    :class:`PiloteError`.

    Raises
    ------
    PiloteError
        ``workspace.bad_name`` when the name is empty, longer than :data:`MAX_NAME_LENGTH`
        characters or holds control characters (line breaks, tabs…);
        ``workspace.invisible_name`` when it holds invisible characters (zero-width spaces and
        joiners, soft hyphens) or text-direction controls (a right-to-left override makes
        ``"Budget" + U+202E + "txt.exe"`` show as ``Budgetexe.txt``): two names that look the
        same would be two workspaces.
    """
    text = checked_name(name)
    hidden = _hidden_characters(text)
    if hidden:
        raise PiloteError(
            "workspace.invisible_name",
            name=_visible(text),
            chars=", ".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in hidden)),
        )
    return text


def _hidden_characters(text: str) -> list[str]:
    """The invisible and direction-control characters of ``text``; a zero-width joiner
    between two pictographs is part of an emoji (👩‍💼) and is not counted."""
    hidden = []
    for i, ch in enumerate(text):
        if ch == "\u200d" and 0 < i < len(text) - 1:
            before, after = text[i - 1], text[i + 1]
            if _pictograph(before) and _pictograph(after):
                continue
        if unicodedata.category(ch) == "Cf" or ch in _INVISIBLE_LETTERS:
            hidden.append(ch)
    return hidden


def _pictograph(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") or ch == "\ufe0f"


def checked_name(name: object) -> str:
    """The name stripped and in NFC, refused only when empty, too long or holding control
    characters (what :meth:`WorkspaceStore.load` accepts: a name saved before invisible
    characters were refused can still be opened and deleted)."""
    text = nfc(name).strip() if isinstance(name, str) else ""
    if (
        not text
        or len(text) > MAX_NAME_LENGTH
        or any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text)
    ):
        raise PiloteError("workspace.bad_name", name=_visible(str(name)), max=MAX_NAME_LENGTH)
    return text


def _visible(text: str, limit: int = 40) -> str:
    """A name safe to quote in a message: cut, its control and invisible characters shown
    as ``<U+200B>`` (a direction control would otherwise reorder the message around it)."""
    shown = text[:limit]
    out = "".join(
        ch
        if ch.isprintable() and unicodedata.category(ch) != "Cf" and ch not in _INVISIBLE_LETTERS
        else f"<U+{ord(ch):04X}>"
        for ch in shown
    )
    return out + ("…" if len(text) > limit else "")


i18n.add_messages(
    {
        "workspace.invisible_name": {
            "fr": "« {name} » contient des caractères invisibles ou de sens d'écriture ({chars}) : deux noms qui s'affichent pareil seraient deux espaces de travail différents. Tapez le nom à nouveau au clavier, sans copier-coller.",
            "en": "'{name}' holds invisible or text-direction characters ({chars}): two names that look the same would be two different workspaces. Type the name again on the keyboard, without copy-paste.",
        },
        "workspace.bad_name": {
            "fr": "« {name} » ne convient pas comme nom d'espace de travail : donnez un nom de 1 à {max} caractères, sur une seule ligne.",
            "en": "'{name}' cannot be a workspace name: use 1 to {max} characters on one line.",
        },
    }
)
