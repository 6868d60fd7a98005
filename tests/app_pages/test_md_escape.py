"""md_escape: every name and message from outside shows literally in Streamlit's Markdown.

A CommonMark parser proves the structure: the result is one code span holding the text, so there is nothing
for a link, an image, an autolink, an emoji shortcode, a directive or HTML to come from (Streamlit's autolinks
and emoji are found in text nodes, and a code span has none). tests/e2e/test_browser.py checks the rendered page.
"""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from app_pages.shared import md_escape

HOSTILE = [
    "![x](http://127.0.0.1:9/pixel.png)",
    "[click](http://127.0.0.1:9/)",
    "cv www.evil.example#.pdf",
    "jane@evil.example.pdf",
    "http://evil.example/cv.pdf",
    "cv :smile: :material/home: :red[alert].pdf",
    "<img src=x onerror=alert(1)><b>bold</b>",
    "**bold** _it_ ~~gone~~ # heading | table |",
    "`code` and ``double`` and ```triple```",
    "`",
    "ends with a backtick`",
    " spaced ",
    "$x^2$ and \\(math\\)",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_text_is_one_code_span_with_exactly_the_text(text: str) -> None:
    tokens = MarkdownIt("commonmark").parse(f"File: {md_escape(text)}")
    [opening, inline, closing] = tokens
    assert (opening.type, closing.type) == ("paragraph_open", "paragraph_close")
    children = inline.children or []
    assert [child.type for child in children] == ["text", "code_inline"]
    assert children[1].content == text


def test_line_breaks_and_control_characters_cannot_leave_the_span() -> None:
    tokens = MarkdownIt("commonmark").parse(md_escape("a\n\n# heading\r\n- item\x1b[2J"))
    assert [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert tokens[1].children is not None and tokens[1].children[0].content == "a # heading - item\ufffd[2J"


def test_nothing_stays_nothing() -> None:
    assert md_escape("") == ""
