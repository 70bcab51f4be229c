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
from configparser import ConfigParser
from copy import deepcopy
from functools import cache
from types import ModuleType

import lxml.html
from lxml import etree
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


# A page laid out with tables: its cells hold the menus, the story and the sidebars.
_HAS_CELLS = re.compile(r"<td\b", re.IGNORECASE)
_TABLE_PARTS = ("table", "tbody", "thead", "tfoot", "tr", "td", "th")
# Markup that stays inside a paragraph when a table's cells are made blocks (``unrolled``).
_INLINE = frozenset(("a", "abbr", "b", "big", "cite", "code", "em", "i", "img", "mark", "q", "s", "small", "span",
                     "strike", "strong", "sub", "sup", "tt", "u"))  # fmt: skip


def main_text(raw: str) -> str | None:
    """The story of a whole page as plain text, one paragraph a line; None when the
    extractor finds none (``MIN_MAIN_WORDS``).  A page laid out with tables that yields
    none is read again as blocks (``unrolled``): trafilatura 2.3 reads table cells as a
    data table's, and finds no story in an old site's layout of nested tables whose story
    is text between ``<br>`` pairs (https://github.com/adbar/trafilatura/issues/890).  Lines
    outside the page's story ``<article>`` are left out (``_within_story``)."""
    text = _extract(raw)
    if text is None and _HAS_CELLS.search(raw):
        blocks = unrolled(raw)
        text = _extract(blocks) if blocks is not None else None
    return _within_story(raw, text) if text is not None else text


def _within_story(raw: str, text: str) -> str:
    """``text`` without the lines that are not in the page's story container, when the page
    marks one: the ``<article>`` holding both its headline (``<h1>``) and the longest line
    taken out (not a comment's or a teaser's); unchanged when none does, or fewer than
    ``MIN_MAIN_WORDS`` words would be left.  trafilatura 2.3 accepts a main-content candidate
    of one element only with the next candidate's text, so a one-paragraph story came out with the
    related-stories excerpts after its ``</article>``
    (https://github.com/adbar/trafilatura/issues/584).  Lines are compared without their
    whitespace (markup inside a paragraph, a ``<br>`` within it)."""
    lines = text.splitlines()
    longest = "".join(max(lines, key=len).split())
    for node in LexborHTMLParser(raw).css("article"):
        story = "".join(node.text(separator="").split())
        if longest in story and node.css_first("h1") is not None:
            kept = [line for line in lines if "".join(line.split()) in story]
            return "\n".join(kept) if len(" ".join(kept).split()) >= MIN_MAIN_WORDS else text
    return text


# Characters of main content below which trafilatura adds "wild" text from the rest of the
# page (MIN_EXTRACTED_SIZE, 250 by default: trafilatura 2.3, ``main_extractor.extract_content``,
# https://github.com/adbar/trafilatura/issues/879): a one-sentence flash has fewer, and got the
# page's cookie notice and newsletter box, which made different flashes of one site copies of
# one another.  This many is the shortest story (``MIN_MAIN_WORDS`` words).
MIN_EXTRACTED_CHARS = 70


@cache
def _config() -> ConfigParser:
    config = deepcopy(_trafilatura().settings.use_config())  # trafilatura's own is shared: a copy
    config["DEFAULT"]["MIN_EXTRACTED_SIZE"] = str(MIN_EXTRACTED_CHARS)
    return config


def _extract(raw: str) -> str | None:
    text = _trafilatura().extract(
        raw,
        include_comments=False,  # reader comments are not the story
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,  # a related-headline list kept is worse than a sentence lost
        deduplicate=False,  # the same across calls: its cache would make output depend on history
        # Without its fallback extractors (readability, jusText), which for a short story
        # return the page's cookie notice or "Topics" line with it.
        fast=True,
        config=_config(),
    )
    if text is None or len(text.split()) < MIN_MAIN_WORDS:
        return None
    return text


def unrolled(raw: str) -> str | None:
    """A page laid out with tables as a page of blocks: every part of a table that lays the
    page out (``_lays_out``) a ``<div>`` (a box or data table in it stays a table, which the
    extractor leaves out), ``<font>`` dropped, and in each block every run of text and
    inline markup between other blocks or a double line break a ``<p>``: what an extractor
    scores as a story's paragraphs.  None when the markup cannot be parsed."""
    try:
        root = lxml.html.document_fromstring(raw)
    except (ValueError, etree.ParserError):
        return None
    layout = [t for t in root.iter("table") if _lays_out(t)]
    parts = [p for t in layout for p in t.iter(*_TABLE_PARTS) if p is t or next(p.iterancestors("table")) is t]
    for part in parts:
        part.tag = "div"
    for font in list(root.iter("font")):
        font.drop_tag()
    for block in list(root.iter("div", "body")):
        _paragraphs(block)
    return lxml.html.tostring(root, encoding="unicode")


def _lays_out(table: etree._Element) -> bool:
    """Whether a table lays a page out rather than holding a box or data: one of its cells
    holds another table, a paragraph or a double line break."""
    for cell in table.xpath("./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th"):
        if cell.xpath(".//table | .//p | .//br[preceding-sibling::node()[1][self::br]]"):
            return True
    return False


def _paragraphs(block: etree._Element) -> None:
    """Runs of text and inline markup in ``block`` put in ``<p>`` elements, a run ending at
    a double ``<br>`` or at a child block (which stays where it was)."""
    children = list(block)
    if not (block.text and block.text.strip()) and not any(c.tail and c.tail.strip() for c in children):
        return  # no text beside the children: nothing to group
    nodes: list[str | etree._Element] = [block.text] if block.text else []
    block.text = None
    for child in children:
        block.remove(child)
        tail, child.tail = child.tail, None
        nodes.append(child)
        if tail:
            nodes.append(tail)
    run: list[str | etree._Element] = []
    breaks: list[etree._Element] = []
    for node in nodes:
        if isinstance(node, str) or node.tag in _INLINE:
            run.extend(breaks)  # a single line break stays in its paragraph
            breaks = []
            run.append(node)
        elif node.tag == "br":
            breaks.append(node)
            if len(breaks) == 2:
                breaks = []
                _close(block, run)
        else:
            _close(block, run)
            breaks = []
            block.append(node)
    _close(block, run)


def _close(block: etree._Element, run: list[str | etree._Element]) -> None:
    """The run as a ``<p>`` at the end of ``block`` (when it holds any text); emptied."""
    if any(isinstance(n, str) and n.strip() or not isinstance(n, str) for n in run):
        paragraph = etree.SubElement(block, "p")
        last = None
        for node in run:
            if not isinstance(node, str):
                paragraph.append(node)
                last = node
            elif last is None:
                paragraph.text = (paragraph.text or "") + node
            else:
                last.tail = (last.tail or "") + node
    run.clear()


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
