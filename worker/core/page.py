"""Whole web pages: the story without the site around it.

Scrapers often hand over a whole page, where menus, related and trending headlines, cookie
notices, sidebars, reader comments and footers can outweigh the story itself.  Two different
stories in one site template would then look like copies of each other, and one story in two
templates like two different texts.  A page's main content is taken out by trafilatura (made
for exactly this in news crawling: it scores the page's blocks by text density and link
density, not by tag names, so a layout of bare ``<div>`` elements works as well as HTML5's
``<article>``), before the general boilerplate rules of ``normalise.py`` run.  A fragment of
markup (a few ``<p>`` elements, no page around them) is left to ``normalise.html_to_text``.
"""

from __future__ import annotations

import re
from functools import cache
from types import ModuleType

from selectolax.lexbor import LexborHTMLParser

# A whole document, not a fragment: a doctype, or an <html> or <body> element.
_PAGE = re.compile(r"<(?:!doctype\b|html\b|body\b)", re.IGNORECASE)
# Fewer words than this from the extractor: it found no main content (a page that is all
# chrome, or a layout it misreads); the caller strips the markup as for a fragment.
MIN_MAIN_WORDS = 12
# Where a page names its headline, best first.
_TITLE_SELECTORS = ('meta[property="og:title"]', 'meta[name="twitter:title"]', "h1", "title")


def is_page(raw: str) -> bool:
    return _PAGE.search(raw) is not None


@cache
def _trafilatura() -> ModuleType:
    """Imported on the first page (about 0.3 s): a worker fed only plain text never pays it."""
    import trafilatura

    return trafilatura


def main_text(raw: str) -> str | None:
    """The story of a whole page as plain text, one paragraph a line; None when the
    extractor finds none (``MIN_MAIN_WORDS``)."""
    text = _trafilatura().extract(
        raw,
        include_comments=False,  # reader comments are not the story
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,  # a related-headline list kept is worse than a sentence lost
        deduplicate=False,  # the same across calls: its cache would make output depend on history
    )
    if text is None or len(text.split()) < MIN_MAIN_WORDS:
        return None
    return text


def page_title(raw: str) -> str | None:
    """The page's headline: its Open Graph or Twitter title, else its first ``<h1>``, else its
    ``<title>`` (site name and all)."""
    tree = LexborHTMLParser(raw)
    for selector in _TITLE_SELECTORS:
        node = tree.css_first(selector)
        if node is None:
            continue
        value = node.attributes.get("content") if selector.startswith("meta") else node.text(strip=True)
        if value and value.strip():
            return " ".join(value.split())[:1000]
    return None
