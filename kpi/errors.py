"""The one exception family for problems a user can fix.

A :class:`PiloteError` carries a message key and parameters, never a pre-rendered string, so that
the app and the CLI can show it in French or English. Its text is safe to show on screen; any
other exception is a bug and belongs in the log, not in front of the user.
"""

from __future__ import annotations

from typing import Any

from kpi import i18n


class PiloteError(Exception):
    """A problem with the user's input that the user can fix.

    Parameters
    ----------
    key : str
        Message key registered with :func:`kpi.i18n.add_messages`.
    **params
        Values substituted into the message.
    """

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("fr" or "en")."""
        return i18n.t(self.key, lang, **self.params)
