"""Reduce a scraped article to the text a reader would recognise as the story.

Scrapers hand us HTML or plain text wrapped in site furniture: headers, bylines, dates,
"Also read" teasers, comment forms, credits.  Copies of one story differ mostly in that
furniture, so it is removed by general rules here (never per-site rules) before anything
is fingerprinted.  Everything in this module is pure and deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

# Elements whose content is never the story.
_DROP_ELEMENTS = "script,style,noscript,template,svg,iframe,form,nav,header,footer,aside,button,select,figcaption"
# Block elements: their boundaries become line breaks so paragraphs survive tag stripping.
_BLOCK_TAG = re.compile(
    r"<(/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|article|section|blockquote|pre|hr|dd|dt)\b)",
    re.IGNORECASE,
)
_LOOKS_LIKE_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^>]*|/[a-zA-Z][a-zA-Z0-9]*\s*)>")

# One "token": a single CJK/kana/hangul character (scripts written without spaces) or a
# run of letters/digits in any other script.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_]+")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_WORD = re.compile(r"[^\W_]+")  # same tokens as _TOKEN for text without CJK, faster
# Sentences are tokenised in one call, joined by a separator that is itself a token: cleaned
# lines cannot hold it (str.split() treats U+001F as whitespace).
_SEP = "\x1f"
_TOKEN_OR_SEP = re.compile(rf"[{_CJK}]|[^\W_]+|{_SEP}")
_WORD_OR_SEP = re.compile(rf"[^\W_]+|{_SEP}")
# The same tokens for Latin-1 text (most news in Western languages) without the regex
# engine: every byte that is not alphanumeric becomes a space, then str.split().
_LATIN1_WORDS = bytes(b if chr(b).isalnum() or chr(b) == _SEP else 0x20 for b in range(256))
_SENTENCE_END = re.compile(r"[.!?。！？…\"”»]\s*$")
# Sentence boundary inside a long line: terminal punctuation, optional closing quote, space,
# then something that can open a sentence.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。！？])[\"”’»)]?\s+(?=[\"“‘«(\[]?[A-Z0-9\u0400-\u04ff\u0600-\u06ff])")

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})

# Sentences or lines that are site furniture wherever they appear.  Each pattern is matched
# case-insensitively at the start of a sentence.
_BOILERPLATE = re.compile(
    r"""^\W*(?:
        (?:also|read|see)\s+(?:read|more|also)\b         # "Also read: ...", "Read more"
      | related(?:\s+(?:articles?|stories|news|coverage))?\s*:
      | recommended(?:\s+for\s+you)?\s*:
      | (?:more|latest)\s+(?:from|on|news)\b.*:
      | (?:leave|post)\s+a\s+(?:reply|comment)
      | your\s+email\s+address\s+will\s+not\s+be\s+published
      | required\s+fields\s+are\s+marked
      | (?:sign\s+up|subscribe)\b
      | (?:follow|like)\s+us\b
      | share\s+(?:this|on)\b
      | click\s+here\b
      | advertisement\b
      | all\s+rights\s+reserved
      | (?:copyright|©)
      | our\s+standards\s*:
      | (?:\(?\s*)?(?:additional\s+)?(?:reporting|writing|written|editing|edited|compiled)\s+by\b
      | this\s+(?:news|story|article|report)\s+(?:is|was)\s+(?:based\s+on|originally|first)\b
      | (?:originally\s+)?published\s+(?:by|on|in)\b.{0,60}$
      | (?:photo|image|picture)\s*(?:credit)?\s*:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_BYLINE = re.compile(r"^\W*by\s+(?:[A-Z][\w.'-]*\s*){1,4}(?:,.*)?$")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """The story text after cleaning: paragraphs as kept, and its word tokens.

    ``words`` are the tokens as written (capitals mark names), ``sentence_starts`` where each
    sentence begins in them: tokenised once here, used by every fingerprint.  ``tokens`` are
    the same words case-folded.
    """

    paragraphs: tuple[str, ...]
    words: tuple[str, ...]
    sentence_starts: tuple[int, ...]

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple([w.casefold() for w in self.words])

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def html_to_text(raw: str) -> str:
    """Strip markup (if any) keeping paragraph breaks; plain text passes through."""
    if not _LOOKS_LIKE_HTML.search(raw):
        return raw
    tree = LexborHTMLParser(_BLOCK_TAG.sub(r"\n<\1", raw))
    for node in tree.css(_DROP_ELEMENTS):
        node.decompose()
    root = tree.body or tree.root
    return root.text(separator="") if root is not None else ""


def word_tokens(text: str) -> list[str]:
    """Word tokens as written; one token per character for CJK scripts."""
    return (_TOKEN if _HAS_CJK.search(text) else _WORD).findall(text)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (the form every fingerprint is built from)."""
    return word_tokens(text.casefold())


def _clean_line(line: str) -> str:
    line = unicodedata.normalize("NFKC", line).translate(_QUOTES)
    return " ".join(line.split())


def _is_boilerplate(sentence: str) -> bool:
    return bool(_BOILERPLATE.match(sentence) or _BYLINE.match(sentence))


def _is_furniture_line(line: str) -> bool:
    """A short line with no sentence punctuation: dates, section labels, outlet names."""
    if len(line) > 160:  # longer than any six words
        return False
    return len(_TOKEN.findall(line)) <= 6 and not _SENTENCE_END.search(line)


def split_sentences(line: str) -> list[str]:
    return [s for s in _SENTENCE_SPLIT.split(line) if s.strip()]


def normalise(raw: str) -> NormalisedText:
    """HTML -> clean paragraphs -> tokens.  Boilerplate is dropped sentence by sentence."""
    paragraphs: list[str] = []
    sentences: list[str] = []
    for line in html_to_text(raw).splitlines():
        line = _clean_line(line)
        if not line or _is_furniture_line(line):
            continue
        kept = [s for s in split_sentences(line) if not _is_boilerplate(s)]
        if kept:
            paragraphs.append(" ".join(kept))
            sentences.extend(kept)
    words, starts = _sentence_words(sentences)
    return NormalisedText(
        paragraphs=tuple(paragraphs),
        words=tuple(words),
        sentence_starts=tuple(starts),
    )


def _sentence_words(sentences: list[str]) -> tuple[list[str], list[int]]:
    """All sentences' word tokens in one pass, and where each sentence starts."""
    joined = _SEP.join(sentences)
    try:
        latin1 = joined.encode("latin-1")
    except UnicodeEncodeError:
        pass
    else:
        words = []
        starts = []
        for sentence in latin1.translate(_LATIN1_WORDS).decode("latin-1").split(_SEP) if sentences else ():
            starts.append(len(words))
            words.extend(sentence.split())
        return words, starts
    found = (_TOKEN_OR_SEP if _HAS_CJK.search(joined) else _WORD_OR_SEP).findall(joined)
    words: list[str] = []
    starts = [0] if sentences else []
    i = 0
    while True:
        try:
            j = found.index(_SEP, i)
        except ValueError:
            words.extend(found[i:])
            return words, starts
        words.extend(found[i:j])
        starts.append(len(words))
        i = j + 1

