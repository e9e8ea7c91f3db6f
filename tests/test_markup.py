"""Names from the data made inert in Streamlit Markdown (ui/markup.py).

The browser check (Chromium rendering ``st.markdown`` and ``st.warning``: no link, image,
formula or formatting, the text shown equal to the name) comes with the integration; here the
escaped text is checked against CommonMark's escaping rule and against the patterns Streamlit
1.67's front end applies after parsing (copied from its bundle, StreamlitMarkdown.*.js).
"""

from __future__ import annotations

import re
import string

import pytest

from ui.markup import WORD_JOINER, inert

NASTY = [
    "Montant ![c](http://host/c.png) [lien](http://evil.example)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**x** __y__ *z* _w_ ~~s~~",
    "$x$ and $$\\int x$$",
    ":red[x] :blue-background[y] :green-badge[z] :small[s] :help[aide]",
    ":material/home: :smile: :+1: :streamlit:",
    "`code` ``a`b``",
    "# Titre",
    "- puce",
    "1. un",
    "> citation",
    "| a | b |",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    "www.evil.example http://evil.example/x mail@evil.example <http://evil.example>",
    "&copy; &#60; &lt;",
    "[ref]: http://evil.example",
    "ligne\\",
    "fin:",
    "Chiffre d'affaires (€) — 2024 / T1",
]

# Streamlit 1.67 front end: patterns matched on the text after Markdown parsing.
EMOJI = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")
TYPOGRAPHY = re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)")
# What Streamlit looks at to decide that a text holds LaTeX (after removing code and escapes).
ESCAPES_AND_CODE = re.compile(r"(?<!`)(`+)[^`\n]+\1(?!`)|\\[\\$`]")
INLINE_MATH = re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)")
BLOCK_MATH = re.compile(r"(?<!\$)\$\$+(?!\$)[\s\S]*?\$\$")


def _parse_escapes(source: str) -> str:
    """What CommonMark makes of backslash escapes: ``\\x`` → ``x`` for ASCII punctuation."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)


def _unescaped_punctuation(source: str) -> list[str]:
    """ASCII punctuation that no backslash protects."""
    bare = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source) and source[i + 1] in string.punctuation:
            i += 2
            continue
        if ch in string.punctuation:
            bare.append(ch)
        i += 1
    return bare


@pytest.mark.parametrize("name", NASTY)
def test_every_markdown_character_is_escaped_and_the_text_is_kept(name: str) -> None:
    source = inert(name)
    assert _unescaped_punctuation(source) == []
    shown = _parse_escapes(source).replace(WORD_JOINER, "")
    assert shown == name


@pytest.mark.parametrize("name", NASTY)
def test_patterns_streamlit_matches_after_parsing_find_nothing(name: str) -> None:
    source = inert(name)
    parsed = _parse_escapes(source)
    assert EMOJI.search(parsed) is None
    assert TYPOGRAPHY.search(parsed) is None
    assert ":material/" not in source  # rewritten in the source, before parsing
    assert ":streamlit:" not in parsed
    without = ESCAPES_AND_CODE.sub("_", source)
    assert INLINE_MATH.search(without) is None and BLOCK_MATH.search(without) is None


def test_bare_links_are_broken_invisibly() -> None:
    parsed = _parse_escapes(inert("www.evil.example mail@evil.example http://evil.example"))
    assert "www." not in parsed
    assert re.search(r"\w@\w", parsed) is None
    assert "http://" not in parsed
    assert (
        parsed.replace(WORD_JOINER, "") == "www.evil.example mail@evil.example http://evil.example"
    )


def test_directives_and_images_by_hand() -> None:
    assert inert(":red[x]") == f"\\:{WORD_JOINER}red\\[x\\]"
    assert inert("![c](u)") == "\\!\\[c\\]\\(u\\)"
    assert inert("a -> b") == f"a \\-{WORD_JOINER}\\> b"


def test_line_breaks_and_controls_become_spaces_and_bidi_goes() -> None:
    assert inert("ligne1\nligne2\r\n# h") == "ligne1 ligne2  \\# h"
    assert inert("Nord\u202eEst\u2066x\u2069") == "NordEstx"
    assert inert("a\x00b\x0bc\u2028d") == "a b c d"


def test_plain_text_and_non_strings() -> None:
    assert inert("Région Île-de-France") == "Région Île\\-de\\-France"
    assert inert("Nord") == "Nord"
    assert inert(None) == ""
    assert inert(12.5) == "12\\.5"
    assert inert("ventes.csv") == "ventes\\.csv"  # the same text in the page
    assert inert("WWW.x") == f"WWW{WORD_JOINER}\\.x"


def test_css_string_cannot_leave_its_quotes_or_the_style_sheet() -> None:
    from ui.markup import css_string

    assert css_string("Déposez vos fichiers ici") == '"Déposez vos fichiers ici"'
    assert css_string('a"b\\c') == '"a\\"b\\\\c"'
    closed = css_string("x</style><script>alert(1)</script>\n")
    assert "<" not in closed and "\n" not in closed
    assert closed == '"x\\3c /style>\\3c script>alert(1)\\3c /script> "'
