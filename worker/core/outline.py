"""Sentence outline and fact sketch: what tells a rewrite from an independent report.

Two reports of one event share topic words and names, so article-level overlap alone calls
them rewrites.  A rewrite is *derived* from its source, which shows in two ways that
independent reports do not share:

* sentence by sentence, the rewrite says what the source said, at about the same length
  (paraphrase, translation): each sentence of the shorter text has a counterpart in the
  other that shares most of its content words and is as long.  Independent reports add or
  drop a detail in almost every sentence.
* the facts survive: names and figures of the shorter text are nearly all in the other,
  even when every other word changed (machine translation, an AI rewrite).

Both are kept as compact arrays (16-bit hashes of stemmed content words per sentence, a
bottom-k sketch of 32-bit fact hashes, ``sketch.py``), never as text.  Word hashes come from
``vocabulary.py``: XXH3, stable across processes and versions, as stored signatures need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from worker.core.sketch import distinct, group_starts
from worker.core.vocabulary import is_figure, word_hash

# A word's 16-bit hash ends in two bits saying what it is: a name, a figure or neither.
FACT_BITS, NAME_FACT, FIGURE_FACT = 0b11, 0b01, 0b11
MAX_SENTENCES = 64  # sentences kept per article (the first ones: the story's core)
MAX_SENTENCE_WORDS = 255  # content words kept per sentence (stored as one byte)
MIN_SENTENCE_WORDS = 2  # shorter fragments (datelines, "He said.") carry no content
KEYED_SENTENCES = 12  # sentences (from the top: copies keep the lead) that get a lookup key
NOUN_SENTENCES = 3  # sentences (from the top) whose common nouns are marked: a flash's (``nouns_swapped``)
# Two fixed affine permutations of the 16-bit word hashes (mod the prime 65537): a
# sentence's key is its pair of minima, shared by two sentences with Jaccard J with
# probability about J^2 (MinHash LSH, one band of two rows per sentence).
_PERMS = ((40503, 12345), (52711, 999))
_PRIME = 65537
_PERM_A, _PERM_B = (np.array([[p[i]] for p in _PERMS], dtype=np.int64) for i in (0, 1))


@dataclass(frozen=True, slots=True)
class Outline:
    """Per-sentence sets of content-word hashes, packed: sizes and the concatenated hashes."""

    sizes: np.ndarray  # uint8[n_sentences]
    words: np.ndarray  # uint16[sum(sizes)], each sentence's hashes sorted
    # bool[n_sentences]: in the paragraph of the sentence before (None: paragraphs not known)
    joined: np.ndarray | None = None
    # bool per word of the first ``NOUN_SENTENCES`` sentences: an English common noun (None:
    # not known: a text longer than a flash, or stored before record version 11)
    nouns: np.ndarray | None = None

    @classmethod
    def from_sentences(
        cls, sentences: list[list[str]], paragraphs: list[int] | None = None, nouns: frozenset[str] = frozenset()
    ) -> Outline:  # fmt: skip
        """From each sentence's stemmed content words, a name or figure written with a
        capital or digit first, each sentence's paragraph, and which words are common nouns
        (tests and tools; the worker hashes once)."""
        ids = np.repeat(np.arange(len(sentences)), [len(s) for s in sentences])
        hashes = [(word_hash(w.casefold()) >> 32) & ~FACT_BITS | _kind(w) for s in sentences for w in s]
        in_paragraph = None if paragraphs is None else np.repeat(paragraphs, [len(s) for s in sentences])
        noun = np.array([w in nouns for s in sentences for w in s], dtype=bool)
        articles = np.zeros(ids.size, dtype=np.intp)
        return outlines(articles, ids, np.array(hashes, dtype=np.uint64), 1, in_paragraph, noun)[0]

    def __len__(self) -> int:
        return int(self.sizes.size)

    def sentences(self) -> list[np.ndarray]:
        return np.split(self.words, np.cumsum(self.sizes.astype(np.int64))[:-1]) if len(self) else []

    def to_bytes(self) -> bytes:
        """The sentence count (its top bit set when paragraphs follow, the next when nouns
        do: ``MAX_SENTENCES`` is under 64), the sizes, the ``joined`` flags as bits when
        known, the hashes, the ``nouns`` flags as bits when known."""
        words = self.words.astype("<u2").tobytes()
        head, flags = len(self), b""
        if self.joined is not None:
            head, flags = head | _JOINED_BIT, np.packbits(self.joined).tobytes()
        if self.nouns is None:
            return bytes([head]) + self.sizes.tobytes() + flags + words
        return bytes([head | _NOUNS_BIT]) + self.sizes.tobytes() + flags + words + np.packbits(self.nouns).tobytes()

    @classmethod
    def from_bytes(cls, packed: bytes) -> Outline:
        if not packed:
            return EMPTY_OUTLINE
        n, joined, nouns = packed[0] & ~(_JOINED_BIT | _NOUNS_BIT), None, None
        sizes = np.frombuffer(packed, dtype=np.uint8, count=n, offset=1)
        offset = 1 + n
        if packed[0] & _JOINED_BIT:
            flags = np.frombuffer(packed, dtype=np.uint8, count=(n + 7) // 8, offset=offset)
            joined, offset = np.unpackbits(flags, count=n).astype(bool), offset + flags.size
        end = len(packed)
        if packed[0] & _NOUNS_BIT:
            marked = int(sizes[:NOUN_SENTENCES].sum())
            end -= (marked + 7) // 8
            nouns = np.unpackbits(np.frombuffer(packed, dtype=np.uint8, offset=end), count=marked).astype(bool)
        words = np.frombuffer(packed[:end], dtype="<u2", offset=offset)
        if words.size != int(sizes.sum()):
            raise ValueError(f"outline has {words.size} word hashes, sizes say {int(sizes.sum())}")
        return cls(sizes, words, joined, nouns)

    def paragraphs(self) -> np.ndarray | None:
        """Each sentence's paragraph number (None: not known)."""
        return None if self.joined is None else np.cumsum(~self.joined)


_JOINED_BIT = 0x80  # in a packed outline's first byte: ``joined`` flags follow the sizes
_NOUNS_BIT = 0x40  # ... and ``nouns`` flags follow the hashes


def _kind(word: str) -> int:
    return FIGURE_FACT if is_figure(word) else NAME_FACT if word[:1].isupper() else 0


def outlines(
    articles: np.ndarray, sentence_ids: np.ndarray, hashes: np.ndarray, count: int,
    paragraph_ids: np.ndarray | None = None, nouns: np.ndarray | None = None, marked: np.ndarray | None = None,
) -> list[Outline]:  # fmt: skip
    """The outlines of a batch of ``count`` articles at once, from each content word's article
    and sentence number (both non-decreasing, sentences fewer than 2**24), 16-bit hash and,
    when known, paragraph number (non-decreasing in each article) and whether it is a
    common noun (a word of a sentence is one if any of its words of that hash is) in the
    articles ``marked`` (all when None; the others' nouns are not known)."""
    raw = (articles.astype(np.int64) << 40) | (sentence_ids.astype(np.int64) << 16) | (hashes.astype(np.int64) & 0xFFFF)
    keyed = distinct(raw)
    sentence = keyed >> 16  # article and sentence
    opens = np.ones(keyed.size, dtype=bool)
    np.not_equal(sentence[1:], sentence[:-1], out=opens[1:])
    first = np.flatnonzero(opens)  # each sentence's first word
    group = np.cumsum(opens) - 1  # per word: its sentence's number in the batch
    sizes = np.diff(np.append(first, keyed.size))
    owner = sentence[first] >> 24  # per sentence: its article
    # The first MAX_SENTENCES sentences of each article with MIN_SENTENCE_WORDS words or more.
    eligible = sizes >= MIN_SENTENCE_WORDS
    before = np.cumsum(eligible) - eligible
    rank = before - before[group_starts(owner, count)[:-1][owner]]  # among its article's eligible sentences
    kept = eligible & (rank < MAX_SENTENCES)
    mask = kept[group] & (np.arange(keyed.size) - first[group] < MAX_SENTENCE_WORDS)
    kept_sizes = np.minimum(sizes[kept], MAX_SENTENCE_WORDS).astype(np.uint8)
    kept_words = keyed[mask]
    words = (kept_words & 0xFFFF).astype(np.uint16)
    s, w = group_starts(owner[kept], count).tolist(), group_starts(kept_words >> 40, count).tolist()
    joined: np.ndarray | None = None
    if paragraph_ids is not None:
        # Each kept sentence's paragraph, read at its first word in the order given.
        order = (articles.astype(np.int64) << 24) | sentence_ids.astype(np.int64)
        paragraph = paragraph_ids[np.searchsorted(order, sentence[first][kept])]
        kept_owner = owner[kept]
        joined = np.zeros(paragraph.size, dtype=bool)
        joined[1:] = (paragraph[1:] == paragraph[:-1]) & (kept_owner[1:] == kept_owner[:-1])
    nouns_of: list[np.ndarray | None] = [None] * count
    if nouns is not None and (marked is None or marked.any()):
        early = (kept & (rank < NOUN_SENTENCES))[group][mask]  # words of each article's first sentences
        noun = np.zeros(words.size, dtype=bool)
        noun[early] = np.isin(kept_words[early], raw[nouns])
        marks = np.bincount((kept_words >> 40)[early], minlength=count).tolist()
        known = [True] * count if marked is None else marked.tolist()
        nouns_of = [noun[w[i] : w[i] + marks[i]] if known[i] else None for i in range(count)]
    return [
        Outline(
            kept_sizes[s[i] : s[i + 1]],
            words[w[i] : w[i + 1]],
            None if joined is None else joined[s[i] : s[i + 1]],
            nouns_of[i],
        )
        for i in range(count)
    ]


def sentence_keys(outline: Outline, count: int = KEYED_SENTENCES) -> list[tuple[int, int]]:
    """Per-sentence MinHash bands: what finds a rewrite whose wording changed throughout
    but whose sentences each kept a few words (paraphrase, translation)."""
    n = min(count, len(outline))
    if not n:
        return []
    starts = np.concatenate(([0], outline.sizes[: n - 1].cumsum(dtype=np.int64)))
    words = outline.words[: int(starts[-1]) + int(outline.sizes[n - 1])]
    minima = np.minimum.reduceat((_PERM_A * words + _PERM_B) % _PRIME, starts, axis=1)  # a row per permutation
    return list(zip(*minima.tolist()))


EMPTY_OUTLINE = Outline(np.empty(0, dtype=np.uint8), np.empty(0, dtype=np.uint16))


RESTATED = 0.3  # a sentence pair scoring this much (``alignment``) says the same thing
SAME_SENTENCE = 0.8  # ... is one sentence, a word or a figure changed at most
# Of a text's words, the share outside the sentences it shares with another under which
# nothing is left to compare (``Alignments.rest``): a republication's furniture, an
# update's new paragraph, a partial copy's cut.
REST_COMPARED = 0.25
REST_FACTS = 5  # names and figures of each text outside the shared sentences that ``rest_facts`` needs


def alignment(a: Outline, b: Outline) -> float:
    """Mean, over the sentences of the text with fewer, of the best counterpart's
    Jaccard similarity times its length ratio (1.0: every sentence restated in full)."""
    return alignments(a, b).short


@dataclass(frozen=True, slots=True)
class Alignments:
    short: float  # ``alignment``: from the text with fewer sentences
    long: float  # the same from the text with more (low when it adds much of its own)
    names_replaced: float  # share of the restated sentences with names that put a name in place of another
    figures_replaced: float  # ... and figures
    figures_replaced_loosely: float  # the same of every sentence with a counterpart (sharing a word)
    lead: float  # the better of the two first sentences' best counterparts: a copy restates its source's lead
    rest: float  # the words shared outside the sentences the two share (``_rest``)
    rest_facts: float  # ... and the names and figures kept there (``_rest``)
    same: float  # the share of the shorter text's words in sentences the two share (``SAME_SENTENCE``)
    # The share of the shorter text's distinct words found anywhere in the other, however
    # its sentences were merged, split or reordered: a heavy revision keeps the source's
    # vocabulary where its sentences and word pairs no longer match.
    words: float = 0.0


NOT_ALIGNED = Alignments(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)


def alignments(a: Outline, b: Outline) -> Alignments:
    """``alignment`` seen from both texts; of the sentences restated (best counterpart
    scoring ``RESTATED`` or more) that hold names, the share whose counterpart put a name in
    place of one of theirs; and of the figures of the restated sentences, the share replaced
    by others.  Names count by sentence, not by word: an entity swapped for another is one
    swap however many words the two share ("Quayline Bank", "Tamsin Savings Bank").  A
    template filled with other facts, or a flash on another event worded alike, restates
    sentence after sentence with other names and figures in them; a republication with a
    paragraph cut or added restates its sentences with the same ones, and an update
    changes figures but not names.  Figures replaced are counted loosely too, in every
    sentence and its best counterpart, however few words they share: a template's sentences
    that carry the event (its date and time, place, victims, their ages) differ by them in
    so many words that they are seldom restated."""
    if not len(a) or not len(b):
        return NOT_ALIGNED
    short, long_ = (a, b) if _shorter(a, b) else (b, a)
    short_sizes, long_sizes = short.sizes.astype(np.int64), long_.sizes.astype(np.int64)
    # Words shared by each pair of sentences, counted in one pass: find every short-text
    # word among the long text's sorted words (each sentence holds a word at most once).
    order = np.argsort(long_.words, kind="stable")
    long_words = long_.words[order]
    long_sentence = np.repeat(np.arange(len(long_)), long_sizes)[order]
    lo = np.searchsorted(long_words, short.words, "left")
    hits = np.searchsorted(long_words, short.words, "right") - lo
    total = int(hits.sum())
    if not total:
        return NOT_ALIGNED
    rows = np.repeat(np.repeat(np.arange(len(short)), short_sizes), hits)
    positions = np.repeat(lo - np.cumsum(hits) + hits, hits) + np.arange(total)
    cells = rows * len(long_) + long_sentence[positions]
    shape = (len(short), len(long_))
    shared = np.bincount(cells, minlength=shape[0] * shape[1]).reshape(shape)
    small, large = short_sizes[:, None], long_sizes[None, :]
    union = small + large - shared
    score = (shared / union) * (np.minimum(small, large) / np.maximum(small, large))
    best = score.argmax(axis=1)
    picked = np.arange(len(short)), best
    best_score = score[picked]
    restated, loosely = best_score >= RESTATED, best_score > 0
    replaced = [0.0, 0.0, 0.0]
    if loosely.any():
        kinds = long_words[positions] & FACT_BITS
        for kind in (NAME_FACT, FIGURE_FACT):
            shared_facts = np.bincount(cells[kinds == kind], minlength=shape[0] * shape[1]).reshape(shape)[picked]
            short_facts = _per_sentence((short.words & FACT_BITS) == kind, short_sizes)
            long_facts = _per_sentence((long_.words & FACT_BITS) == kind, long_sizes)[best]
            swapped = np.minimum(short_facts - shared_facts, long_facts - shared_facts)
            if kind == NAME_FACT:  # by sentence: "Quayline Bank" for "Tamsin Savings Bank" is one swap
                holding = restated & (short_facts > 0)
                replaced[0] = float((swapped[holding] > 0).mean()) if holding.any() else 0.0
            else:
                replaced[1], replaced[2] = (_share(swapped, short_facts, among) for among in (restated, loosely))
    long_best = score.max(axis=0)
    lead = max(float(best_score[0]), float(long_best[0]))
    rest = _rest(short, long_, best_score, long_best)
    return Alignments(
        float(best_score.mean()), float(long_best.mean()), *replaced, lead, *rest, _found(short.words, hits)
    )


def _found(words: np.ndarray, hits: np.ndarray) -> float:
    """The share of the distinct ``words`` with ``hits`` in the other text (a word repeated
    in several sentences has the same hits in each, so its first place stands for it)."""
    order = np.argsort(words, kind="stable")
    ordered = words[order]
    first = np.ones(ordered.size, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return float(np.count_nonzero(hits[order][first])) / float(np.count_nonzero(first))


def _rest(
    short: Outline, long_: Outline, short_best: np.ndarray, long_best: np.ndarray
) -> tuple[float, float, float]:  # fmt: skip
    """What two texts share outside the sentences they share (those with a counterpart
    alike, ``SAME_SENTENCE``): of the other sentences, the share of the smaller one's words
    found in the other's; and the larger of the two texts' shares of the names and figures
    of those sentences found anywhere in the other (1.0 when either holds fewer than
    ``REST_FACTS``).  A templated report on another event shares the template's fixed
    sentences (the agency's closing paragraph, its helpline) and little else, and the facts
    of the rest are its own; a copy shares its words throughout and keeps its facts, and a
    partial copy's are all its source's.  Both 1.0 when either text has under
    ``REST_COMPARED`` of its words outside the sentences shared: nothing is left to compare.
    Third, ``same``: the share of the shorter text's words in the sentences shared."""
    texts = (short, long_)
    own = [
        o.words[np.repeat(b < SAME_SENTENCE, o.sizes.astype(np.int64))]
        for o, b in zip(texts, (short_best, long_best), strict=True)
    ]
    same = (short.words.size - own[0].size) / short.words.size
    if any(w.size < REST_COMPARED * o.words.size for w, o in zip(own, texts, strict=True)):
        return 1.0, 1.0, same
    a, b = (np.unique(w) for w in own)
    words = np.intersect1d(a, b, assume_unique=True).size / min(a.size, b.size)
    facts = [w[(w & FACT_BITS) != 0] for w in (a, b)]
    if min(f.size for f in facts) < REST_FACTS:
        return words, 1.0, same
    kept = max(float(np.isin(f, other.words).mean()) for f, other in zip(facts, (long_, short), strict=True))
    return words, kept, same


def _share(swapped: np.ndarray, facts: np.ndarray, among: np.ndarray) -> float:
    """Facts replaced over the facts held, in the sentences ``among`` (0.0 when they hold none)."""
    held = int(facts[among].sum())
    return float(swapped[among].sum()) / held if held else 0.0


def _shorter(a: Outline, b: Outline) -> bool:
    """Whether ``a`` is the text with fewer sentences, ties broken by the texts themselves
    (fewer words, then their hashes), so a pair aligns the same whichever comes first."""
    if len(a) != len(b):
        return len(a) < len(b)
    if a.words.size != b.words.size:
        return a.words.size < b.words.size
    return a.words.tobytes() <= b.words.tobytes()


STORY_WORDS = 3  # a sentence sharing this many of the source's content words is about its story
STORY_NAMED = 2  # ... or this many, one of them a name of the story


class Told(NamedTuple):
    """What a copy's sentences tell that its source nowhere does (``told``)."""

    facts: int  # names and figures, distinct, in sentences about the story
    words: int  # the most other words one sentence about the story tells
    inside: int  # the most other words one sentence inside the story tells, not one of the source's


NOTHING_TOLD = Told(0, 0, 0)


def told(copy: Outline, source: Outline, flash: int = 0) -> Told:
    """What the copy's sentences about the source's story (sharing ``STORY_WORDS`` of its
    content words or more, or ``STORY_NAMED`` of them, one a name: "On Tuesday, Pashko said
    he would step down"; or standing inside the story, between sentences of the source's or
    in a paragraph with one, of a text written in paragraphs: "Senator Harriet Okonjo-Lind
    said on Tuesday she would call both chief executives to testify" added to a paragraph)
    tell that the source nowhere does: the names and figures, distinct (a new lead, a
    paragraph of reaction, the name of a victim), and the most other
    content words one of them holds (a sentence of news: "Police said two people were
    arrested after scuffles at the picket line").  What an update tells; a republication
    tells neither: furniture, a stray sentence from elsewhere or a line about another story
    share next to no words with the story and stand around it (a header, a footer, a box of
    related headlines: ``normalise`` drops those it knows, wherever they stand), and a
    sentence it keeps holds the source's words.  Third, the most other words told by one
    sentence inside the story (between two of the source's, or in a paragraph with one) that
    is not one of the source's kept: a sentence of news added to the story, where a
    republication puts a caption or a teaser of a few words.  A source of ``flash`` sentences
    or fewer, every one kept, is a flash: a sentence in its paragraph, the copy's only one
    too, stands inside the story ("Police later found a burnt-out car" after a robbery's two
    sentences), where a republication of a flash adds a dateline or a credit line, whose
    words the normaliser drops or which name its agency and people (``normalise``).
    Words match with their kind: "workers" is not the "Workers" of a union's name."""
    if not len(copy) or not len(source):
        return NOTHING_TOLD
    known = np.zeros(1 << 16, dtype=bool)  # by 16-bit word hash: one lookup per word
    known[source.words] = True
    found = known[copy.words]
    if found.all():  # a republication's usual case: every word is the source's
        return NOTHING_TOLD
    sentence = np.repeat(np.arange(len(copy)), copy.sizes.astype(np.int64))
    shared = np.bincount(sentence, weights=found, minlength=len(copy))
    named = np.bincount(sentence, weights=found & ((copy.words & FACT_BITS) == NAME_FACT), minlength=len(copy))
    kept = shared >= SAME_SENTENCE * copy.sizes
    inside = _inside(kept)
    paragraph = copy.paragraphs()
    if paragraph is not None and paragraph[-1] > paragraph[0]:  # one paragraph says nothing ...
        inside |= np.isin(paragraph, paragraph[kept])
    elif len(source) <= flash and np.count_nonzero(kept) >= len(source):  # ... but a flash's
        inside[:] = True
    about = (shared >= STORY_WORDS) | ((shared >= STORY_NAMED) & (named > 0)) | inside
    new = ~found & about[sentence]
    fact = (copy.words & FACT_BITS) != 0
    facts = int(np.unique(copy.words[new & fact]).size)
    words = np.bincount(sentence[new & ~fact], minlength=len(copy))
    added = inside & ~kept
    return Told(facts, int(words.max()), int(words[added].max()) if added.any() else 0)


def _inside(kept: np.ndarray) -> np.ndarray:
    """Which sentences stand between two of those ``kept`` (the source's own)."""
    inside = np.zeros(kept.size, dtype=bool)
    inside[1:-1] = np.maximum.accumulate(kept)[:-2] & np.maximum.accumulate(kept[::-1])[::-1][2:]
    return inside


SWAPPED_WORDS = 3  # words of a sentence not in its counterpart, at most, for a swap of a thing


def nouns_swapped(a: Outline, b: Outline) -> bool:
    """Whether a sentence of the first ``NOUN_SENTENCES`` of one text is one of the other's
    with a thing swapped for another: each has ``SWAPPED_WORDS`` words or fewer the other
    lacks, more words in common than that, and a common noun among its own on both sides
    ("Thieves broke into a pharmacy", "... a bakery"; "Porters at Lindell General Hospital
    will walk out", "Cleaners ...").  What a flash worded alike about another event changes
    where it keeps its names and figures.  False when either text's nouns are not known."""
    if a.nouns is None or b.nouns is None:
        return False
    theirs = _marked(b, b.nouns)
    for words, nouns in _marked(a, a.nouns):
        for other, other_nouns in theirs:
            mine, yours = ~np.isin(words, other), ~np.isin(other, words)
            own, their = int(np.count_nonzero(mine)), int(np.count_nonzero(yours))
            alike = 0 < own <= SWAPPED_WORDS and 0 < their <= SWAPPED_WORDS and words.size - own > max(own, their)
            if alike and (nouns & mine).any() and (other_nouns & yours).any():
                return True
    return False


def _marked(outline: Outline, nouns: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The first sentences, whose ``nouns`` are marked: each one's words and noun flags."""
    out, at = [], 0
    for size in outline.sizes[:NOUN_SENTENCES].tolist():
        out.append((outline.words[at : at + size], nouns[at : at + size]))
        at += size
    return out


def words_added(later: Outline, earlier: Outline) -> int:
    """How many more distinct words, names and figures aside, the later text holds that the
    earlier does not than the other way round: what an update adds ("and residents were told
    to leave"), where another flash worded alike swaps its facts and a word for a word."""
    ours, theirs = (np.unique(o.words[(o.words & FACT_BITS) == 0]) for o in (later, earlier))
    return np.setdiff1d(ours, theirs, assume_unique=True).size - np.setdiff1d(theirs, ours, assume_unique=True).size


def _per_sentence(flags: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """How many flagged words each sentence has (every sentence has at least one word)."""
    return np.add.reduceat(flags.astype(np.int64), np.concatenate(([0], np.cumsum(sizes[:-1]))))
