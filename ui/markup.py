"""Data-derived text made inert in Streamlit Markdown.

Most Streamlit elements render their text as Markdown: ``st.markdown``, ``st.warning`` and the
other alerts, ``st.caption``, widget labels and ``help=`` tooltips, ``st.metric`` labels,
``st.table`` cells. A file, column, category or workspace name is the user's data: placed in
such a text as it is, a header ``Montant ![c](http://host/c.png)`` makes every viewer's browser
fetch an external image, ``[lien](http://evil.example)`` shows a live link, ``:red[x]`` or
``$x$`` restyle the message. :func:`inert` turns such a name into text that Markdown shows
exactly as it is, character for character.

What Streamlit 1.67 does with Markdown (from its documentation and its front-end bundle):

- GitHub-flavoured Markdown: emphasis, links and images, autolinks (``<http://…>`` and bare
  ``www.…``, ``http://…``, e-mail addresses), headings, lists, block quotes, tables, code,
  HTML (shown as text unless ``unsafe_allow_html``), entities (``&amp;``).
- Directives ``:red[…]``, ``:blue-background[…]``, ``:green-badge[…]``, ``:small[…]``,
  ``:help[…]`` (parsed like Markdown syntax).
- LaTeX between ``$`` or ``$$`` (KaTeX).
- On the text *after* parsing (where a backslash no longer protects anything): emoji
  shortcodes (``:smile:``), ``:material/icon:`` (the source is even rewritten before parsing),
  ``:streamlit:``, and the typographic replacements ``-> <- <-> -- >= <= ~=``.

So :func:`inert` does two things. It puts a backslash before every ASCII punctuation character
(CommonMark guarantees that ``\\x`` shows ``x`` for any of them, which disarms all the syntax
parsed as Markdown, autolinks and directives included). And it puts a WORD JOINER (U+2060,
invisible, zero width) after every ``:``, before every ``@`` and the ``.`` of ``www.``, and
between the two characters of the typographic pairs, which breaks the patterns matched on the
parsed text and GFM's bare links (``www.example.com`` and e-mail addresses become links even
with their punctuation escaped: checked in Chromium). Only the ``.`` of ``www.`` gets one
(GFM's bare links start with ``www.``, a scheme and its ``:``, or hold an ``@``): a file name
such as ``ventes.csv`` stays the same text in the page, for finding it and for copy and paste.
Line breaks and other control
characters become spaces; bidirectional controls are removed (they would reorder the
surrounding message).

Only for Markdown: in plain-text places (``st.text``, ``st.code``, option lists of
``st.selectbox``, ``st.dataframe`` cells, file names for downloads) use the name as it is —
there the backslashes would show.
"""

from __future__ import annotations

import re
from typing import Any

WORD_JOINER = "\u2060"
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# GFM's bare links need 'www.' and 'name@domain' whole (escaped as 'www\\.' and '\\@').
_JOIN_BEFORE = re.compile(r"(\\@|(?<=[wW][wW][wW])\\\.)")
# First and second characters of ->, <-, <->, --, >=, <=, ~= (as they stand after escaping:
# a backslash sits before each).
_PAIR = re.compile(r"(\\[<>\-~])(?=\\[\->=])")


def inert(text: Any) -> str:
    """``text`` escaped so that Streamlit Markdown shows it as it is, with no formatting, link,
    image, HTML, icon, emoji, colour or formula (``Montant **HT**`` becomes
    ``Montant \\*\\*HT\\*\\*``, shown as ``Montant **HT**``).
    """
    s = "" if text is None else str(text)
    s = _BIDI.sub("", s)
    s = _CONTROL.sub(" ", s)
    s = _PUNCTUATION.sub(r"\\\1", s)
    s = s.replace(":", ":" + WORD_JOINER)
    s = _JOIN_BEFORE.sub(WORD_JOINER + r"\1", s)
    return _PAIR.sub(r"\1" + WORD_JOINER, s)


def css_string(text: Any) -> str:
    """``text`` as a quoted CSS string (for ``content:``): quotes, backslashes and ``<`` escaped
    (the latter so that no ``</style>`` can close the style sheet), line breaks as spaces."""
    s = _CONTROL.sub(" ", "" if text is None else str(text))
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{s}"'
