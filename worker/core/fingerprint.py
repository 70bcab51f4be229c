"""Fingerprints, compact signatures and lookup keys for one normalised article.

Three views of an article, each made for one kind of copy:

* ``simhash`` (64 bits, the ``simhash`` package's algorithm over word 3-gram shingles): near-exact
  copies sit within a few bits, found through four 16-bit blocks (Manku et al.: any two
  fingerprints within 3 bits share a block).
* ``shingles``, a bottom-k sketch of the same word 3-grams (``sketch.py``): how much of one
  text appears verbatim in the other (duplicate vs. rewrite).
* ``content``, stemmed content words and their bigrams, and ``names``, capitalised words and
  numbers: what survives paraphrase, translation and AI rewriting.  MinHash bands of three
  name (or two content) minima, and one band per lead sentence (``outline.sentence_keys``),
  are the lookup keys that reach rewrites without scanning the table (LSH, Broder 1997 /
  Indyk-Motwani); a bottom-k sketch of the content features verifies the candidates (it
  estimates containment directly, with less variance than MinHash minima would).

Each distinct word is hashed and stemmed once per process (``vocabulary.py``); a shingle's
hash is mixed from its words' hashes, so one article costs a few numpy passes, not one hash
call per feature.  Only the fingerprint and the sketches (a few hundred bytes) are kept in
the table, never the text.  The sizes below are part of the stored format: changing them invalidates stored
signatures, so they are constants, not settings.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import chain, combinations

import numpy as np
from datasketch import MinHash
from Stemmer import Stemmer, algorithms
from stop_words import AVAILABLE_LANGUAGES, get_stop_words

from worker.core.language import ENGLISH_SHARE, detect_language, reads_as_english
from worker.core.normalise import NormalisedText
from worker.core.outline import (
    EMPTY_OUTLINE,
    FACT_BITS,
    FIGURE_FACT,
    NAME_FACT,
    NOUN_SENTENCES,
    Outline,
    outlines,
    sentence_keys,
)
from worker.core.sketch import distinct_by, group_starts
from worker.core.vocabulary import Vocabulary, word_hash

SIMHASH_BITS = 64
SIMHASH_BLOCKS = 4  # 16-bit blocks: pigeonhole guarantee for distance <= 3
SHINGLE_WORDS = 3
SHINGLE_SKETCH = 128  # bottom-k size of the shingle sketch
CONTENT_SKETCH = 128  # bottom-k size of the content sketch (verification)
FACT_SKETCH = 64  # bottom-k size of the fact sketch
BAND_ROWS = 2  # minima per LSH band
CONTENT_PERMS = 16  # content MinHash minima stored (lookup keys only)
NAME_PERMS = 36  # name MinHash minima stored
NAME_BAND_ROWS = 3  # names are fewer and more shared than content words: longer bands
# Bands keyed, all of the stored minima.  Each key costs 8 bytes of memory per article; with
# fewer bands (6 content, 9 name) the table is about a seventh smaller and some copies share
# no key with their source any more (a duplicate among them): recall first.
CONTENT_BANDS = CONTENT_PERMS // BAND_ROWS
NAME_BANDS = NAME_PERMS // NAME_BAND_ROWS
MIN_BAND_FEATURES = 4  # fewer distinct names (or content features) than this: no band keys
# Figures in the fact sketch from which an article gets figure keys: what a rewrite by names and
# figures needs too (``decision.restated_facts``).
KEYED_FIGURES = 5
# Smallest figure hashes whose pairs are figure keys (15 keys): a translation often drops or
# respells a few of its source's figures (a day, "2.1 million" as 210万), which shifts the
# smallest ones; of six, two shared still make a key (the three smallest missed a source in
# `scripts`' held-out half and one in `translations`' tune half, ``make bench-quality``).
# The pairs of fewer smallest figures are among these, so keys filed with fewer still match.
FIGURE_KEY_MINIMA = 6
# Sentences an English article has at most for its outline to mark its common nouns (a flash's
# and a few fragments: "Nobody was hurt." is no sentence of the outline; ``outline.nouns_swapped``).
MARKED_SENTENCES = 2 * NOUN_SENTENCES
_SEED = 20260101
_EMPTY = np.uint32(0xFFFFFFFF)
_SCHEME = "affine32"  # datasketch >= 2: 32-bit minima, what the table stores
_MASK64 = (1 << 64) - 1
_MASK32 = np.uint64(0xFFFFFFFF)
FIGURE_BIT = 1  # set in a fact hash for a figure (a word opening with a digit), clear for a name
_FIGURE = np.uint64(FIGURE_BIT)
_FACT_BITS = np.uint64(FACT_BITS)
_ROTATE = 21  # word hashes are rotated by this per position before mixing: order matters
_FMIX = (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33)  # MurmurHash3's 64-bit finaliser

_ISO_TO_SNOWBALL = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}


def _fmix(k: int) -> int:
    s1, m1, s2, m2, s3 = _FMIX
    k ^= k >> s1
    k = (k * m1) & _MASK64
    k ^= k >> s2
    k = (k * m2) & _MASK64
    return k ^ (k >> s3)


def _fmix_array(k: np.ndarray) -> np.ndarray:
    """``_fmix`` element-wise (uint64 arithmetic wraps, as the finaliser wants)."""
    s1, m1, s2, m2, s3 = (np.uint64(c) for c in _FMIX)
    k = k ^ (k >> s1)
    k = k * m1
    k = k ^ (k >> s2)
    k = k * m2
    return k ^ (k >> s3)


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & _MASK64 if r % 64 else x


def _rotl_array(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint64(r)) | (x >> np.uint64(64 - r)) if r % 64 else x


def feature_hash(feature: bytes) -> int:
    """Hash of a space-separated word n-gram: its words' hashes, rotated by position and mixed.

    This is the ``hashfunc`` given to ``simhash.Simhash`` in the identity test; ``_ngram_hashes``
    computes the same for every n-gram of an article at once.
    """
    acc = 0
    for word in feature.decode("utf-8").split(" "):
        acc = _rotl(acc, _ROTATE) ^ word_hash(word)
    return _fmix(acc)


FEATURE_HASH = feature_hash  # SimHash feature hash (the package's hashfunc)


def _ngram_hashes(hashes: np.ndarray, width: int) -> np.ndarray:
    """``feature_hash`` of every run of ``width`` words (one n-gram of all when fewer)."""
    n = hashes.size
    width = min(width, n)
    acc = np.zeros(n - width + 1, dtype=np.uint64)
    for j in range(width):
        acc = _rotl_array(acc, _ROTATE) ^ hashes[j : n - width + 1 + j]
    return _fmix_array(acc)


@dataclass(frozen=True, slots=True)
class Signature:
    """What the table keeps of an article besides its ids and time."""

    simhash: int
    shingles: np.ndarray  # uint32[<= SHINGLE_SKETCH], bottom-k sketch of the word 3-grams
    shingle_count: int
    content: np.ndarray  # uint32[<= CONTENT_SKETCH], bottom-k sketch of the content features
    content_count: int
    content_minima: np.ndarray  # uint32[CONTENT_PERMS], MinHash for the content bands
    name_minima: np.ndarray  # uint32[NAME_PERMS], MinHash for the name bands
    name_count: int
    outline: Outline = EMPTY_OUTLINE  # per-sentence content-word hashes (outline.py)
    facts: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint32))  # fact sketch
    english: bool = True  # written in English: its figure keys are looked up from other languages
    # ``to_bytes()``, when decoded from it (``from_bytes``); a copy with other arrays must drop it.
    packed: bytes | None = field(default=None, compare=False, repr=False)

    def to_bytes(self) -> bytes:
        """Everything but the SimHash and the counts, in one buffer (one decode per candidate):
        the sketch sizes, the MinHash minima, the three sketches, then the outline.  A
        signature decoded from its bytes gives them back as they were, without encoding."""
        if self.packed is not None:
            return self.packed
        sizes = np.array([self.shingles.size, self.content.size, self.facts.size], dtype="<u4")
        parts = (sizes, self.content_minima, self.name_minima, self.shingles, self.content, self.facts)
        return np.concatenate(parts).astype("<u4").tobytes() + self.outline.to_bytes()

    @classmethod
    def from_bytes(cls, simhash: int, packed: bytes, counts: Sequence[int]) -> Signature:
        """The inverse of ``to_bytes``; the arrays are read-only views of ``packed``."""
        n_shingles, n_content, n_facts = struct.unpack_from("<3I", packed)
        a = 3 + CONTENT_PERMS
        b = a + NAME_PERMS
        c = b + n_shingles
        d = c + n_content
        total = d + n_facts
        if len(packed) < 4 * total:
            raise ValueError(f"signature has {len(packed)} bytes, its sizes need {4 * total}")
        words = np.frombuffer(packed, dtype="<u4", count=total)
        content_minima, name_minima, shingles, content, facts = (
            words[3:a],
            words[a:b],
            words[b:c],
            words[c:d],
            words[d:],
        )
        return cls(
            simhash=simhash,
            shingles=shingles,
            shingle_count=int(counts[0]),
            content=content,
            content_count=int(counts[1]),
            content_minima=content_minima,
            name_minima=name_minima,
            name_count=int(counts[2]),
            outline=Outline.from_bytes(packed[4 * total :]),
            facts=facts,
            english=bool(counts[3]),
            packed=bytes(packed),
        )

    @property
    def counts(self) -> tuple[int, int, int, int]:
        """What a record keeps beside the bytes: the three feature counts and the English flag."""
        return (self.shingle_count, self.content_count, self.name_count, int(self.english))

    def compact(self) -> Signature:
        """This signature with arrays of its own (views of its bytes), not views of its whole
        batch's arrays: the form kept beyond the batch (table records, recent texts)."""
        return self if self.packed is not None else Signature.from_bytes(self.simhash, self.to_bytes(), self.counts)


@cache
def _permutations(num_perm: int, salt: int) -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=num_perm, seed=_SEED + salt, scheme=_SCHEME).permutations


_FMIX32 = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))  # MurmurHash3's fmix32


def _minhashes(hashes: np.ndarray, at: np.ndarray, num_perm: int, salt: int) -> np.ndarray:
    """MinHash minima of each article's set of 32-bit feature hashes (``hashes[at[i]:at[i + 1]]``),
    one row per article; an empty set gives all-ones (matches nothing).

    Exactly ``datasketch.MinHash(scheme="affine32", hashfunc=int).update_batch`` with the
    same permutations (a test checks it), in one numpy pass over the whole batch: the
    features are hashed already, and the package's per-item Python loop and object set-up
    cost more than the arithmetic (about 100 us an article).
    """
    a, b = _permutations(num_perm, salt)
    minima = np.full((at.size - 1, num_perm), _EMPTY, dtype=np.uint32)
    filled = at[1:] > at[:-1]
    if hashes.size:
        s1, m1, s2, m2, s3 = _FMIX32
        hv = hashes.astype(np.uint32)
        hv = hv ^ (hv >> s1)
        hv = hv * m1
        hv = hv ^ (hv >> s2)
        hv = hv * m2
        hv = hv ^ (hv >> s3)
        permuted = np.multiply.outer(a, hv)  # one row per permutation: each article's run is contiguous
        permuted += b[:, None]
        minima[filled] = np.minimum.reduceat(permuted, at[:-1][filled], axis=1).T
    return minima


def language_of(text: NormalisedText, given: str | None) -> str | None:
    """The language ``text`` is fingerprinted in: ``given``, the article's; else None
    (English) when it reads as English, or py3langid's language for it when Snowball stems
    that language (``language.py``)."""
    if given is not None or reads_as_english(text.words):
        return given
    detected = detect_language(text)
    return detected if detected in _ISO_TO_SNOWBALL and detected != "en" else None


@lru_cache(maxsize=32)
def _vocabulary(language: str | None) -> Vocabulary:
    """Stemmer, stop words and the word table for an ISO 639-1 code; English when unknown."""
    name = _ISO_TO_SNOWBALL.get((language or "en").lower()[:2], "english")
    stemmer = Stemmer(name if name in algorithms() else "english")
    stops = frozenset(get_stop_words(name)) if name in AVAILABLE_LANGUAGES else frozenset()
    return Vocabulary(stemmer, stops)


def shingles(tokens: tuple[str, ...] | list[str], width: int = SHINGLE_WORDS) -> set[str]:
    """Word n-grams as strings: the features ``signature`` hashes (reference and baselines)."""
    if len(tokens) < width:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + width]) for i in range(len(tokens) - width + 1)}


def simhash64(hashes: np.ndarray) -> int:
    """``simhash.Simhash(features, f=64, hashfunc=FEATURE_HASH)`` (weight 1 each), given the
    features' distinct 64-bit hashes (see ``_simhashes``)."""
    return _simhashes(hashes, np.array([0, hashes.size]))[0]


def _simhashes(hashes: np.ndarray, at: np.ndarray) -> list[int]:
    """``simhash64`` of each article's distinct feature hashes (``hashes[at[i]:at[i + 1]]``).

    Bit-identical to the ``simhash`` package given the same features and hash function (a
    test checks it); the package's md5 default and its per-feature loop are what make it
    slow.
    """
    sizes = np.diff(at)
    ones = np.zeros((sizes.size, 64), dtype=np.int32)
    filled = sizes > 0
    if hashes.size:
        octets = hashes.astype(">u8").view(np.uint8).reshape(-1, 8)
        bits = np.unpackbits(np.ascontiguousarray(octets.T), axis=0)  # a row per bit: each article's run is contiguous
        ones[filled] = np.add.reduceat(bits, at[:-1][filled], axis=1, dtype=np.int32).T
    majority = np.packbits(ones > sizes[:, None] / 2, axis=1)
    return majority.view(">u8").ravel().tolist()


@dataclass(frozen=True, slots=True)
class Features:
    """The feature hashes of a batch of articles: the step between tokens and sketches.

    Each array holds the first article's part, then the second's...; ``*_at`` says where
    each article's part starts (one more entry than articles: the last is the end).
    """

    shingles: np.ndarray  # uint64, each article's distinct word 3-gram hashes, sorted
    shingles_at: np.ndarray
    content: np.ndarray  # uint32, distinct stemmed content words and bigrams, sorted
    content_at: np.ndarray
    names: np.ndarray  # uint32, distinct capitalised words (not opening a sentence) and numbers
    names_at: np.ndarray
    facts: np.ndarray  # uint32, the same words' hashes with the lowest bit set for a figure
    facts_at: np.ndarray
    word_articles: np.ndarray  # per content word: its article
    sentence_ids: np.ndarray  # per content word: its sentence in the article
    paragraph_ids: np.ndarray  # per content word: its paragraph in the article
    stems: np.ndarray  # per content word: its stem's hash
    outline_hashes: np.ndarray  # the same, the lowest two bits saying name, figure or neither (``outline``)
    nouns: np.ndarray  # per content word: an English common noun, neither name nor figure (``vocabulary.is_noun``)
    flashes: np.ndarray  # per article: short enough for its nouns to be marked (``MARKED_SENTENCES``)
    english: np.ndarray  # per article: written in English (``ENGLISH_SHARE``)


def features(texts: Sequence[NormalisedText], language: str | None = None) -> Features:
    """Every feature of a batch of articles from one gather over their words' ids.

    Names are capitalised words not opening a sentence (or opening one before a name), and
    numbers.  Stop words ("I", a capitalised "The" after a quote) and one-character tokens
    are left out: they are in every other article and would make the name bands match
    everything.  The outline (``outline_hashes``) marks every figure as one, a "3" too.
    """
    vocab = _vocabulary(language)
    count = len(texts)
    sizes = np.fromiter((len(t.words) for t in texts), dtype=np.intp, count=count)
    ids = vocab.ids(list(chain.from_iterable(t.words for t in texts)))
    at = np.zeros(count + 1, dtype=np.intp)
    np.cumsum(sizes, out=at[1:])
    article = np.repeat(np.arange(count), sizes)
    starts = [t.sentence_starts for t in texts]
    local = np.fromiter(chain.from_iterable(starts), dtype=np.intp)
    owner = np.repeat(np.arange(count), [len(s) for s in starts])
    opening = np.zeros(ids.size, dtype=bool)
    opening[(local + at[owner])[local < sizes[owner]]] = True
    opening[at[:-1][sizes > 0]] = True  # an article's first word opens a sentence
    sentences = np.cumsum(opening)
    sentence_ids = sentences - sentences[at[article]]
    paragraph_ids = _paragraph_ids(texts, opening, article, at, sizes)
    content = ~vocab.is_stop[ids]
    stems = vocab.stem_hash[ids[content]]
    content_articles = article[content]
    pair = content_articles[:-1] == content_articles[1:]  # bigrams stay within an article
    bigrams = (_fmix_array(_rotl_array(stems[:-1], _ROTATE) ^ stems[1:]) & _MASK32)[pair]
    content_set, content_at = distinct_by(
        np.concatenate((content_articles, content_articles[:-1][pair])), np.concatenate((stems, bigrams)), count
    )
    english = _english(language, ids, article, sizes, vocab)
    flashes = english & (np.fromiter(map(len, starts), dtype=np.intp, count=count) <= MARKED_SENTENCES)
    capital = vocab.is_capital[ids] & content & ~vocab.is_short[ids]  # figures too
    word = capital & ~vocab.is_number[ids]
    # A capitalised word opening a sentence is a name when a name follows it ("Thornbury
    # Retail said", "Gemma Aldous is to quit"): news opens sentences with names, and a
    # rewrite moves them inside a sentence, or out of one.
    follows = np.zeros(ids.size, dtype=bool)
    follows[:-1] = word[1:] & ~opening[1:] & (article[1:] == article[:-1])
    name = (capital & ~opening) | (word & follows)
    name &= ~_common_nouns(ids, article, vocab, english)
    name_hashes = vocab.word_hash[ids[name]] & _MASK32
    names, names_at = distinct_by(article[name], name_hashes, count)
    # The fact sketch tells figures from names by the hash's lowest bit (``fact_kinds``).
    facts, facts_at = distinct_by(
        article[name], (name_hashes & ~_FIGURE) | vocab.is_number[ids[name]].astype(np.uint64), count
    )
    shingle_set, shingles_at = _shingles(vocab.word_hash[ids], article, at)
    # The outline marks every figure, however short or placed: a flash or a templated report
    # on another match, draw or count differs by a "2" for a "3" ("2-1", "3 injured"), and
    # the name bands and fact sketch leave one-character figures out (too common to look up).
    figure = content & vocab.is_number[ids] & vocab.is_capital[ids]  # digit first, or a capitalised day or month
    return Features(
        shingles=shingle_set,
        shingles_at=shingles_at,
        content=content_set,
        content_at=content_at,
        names=names,
        names_at=names_at,
        facts=facts,
        facts_at=facts_at,
        word_articles=content_articles,
        sentence_ids=sentence_ids[content],
        paragraph_ids=paragraph_ids[content],
        stems=stems,
        outline_hashes=(stems & ~_FACT_BITS) | _fact_kinds((name | figure)[content], vocab.is_number[ids[content]]),
        nouns=_nouns(ids[content], (name | figure)[content], content_articles, flashes, vocab),
        flashes=flashes,
        english=english,
    )


def _paragraph_ids(
    texts: Sequence[NormalisedText], opening: np.ndarray, article: np.ndarray, at: np.ndarray, sizes: np.ndarray
) -> np.ndarray:  # fmt: skip
    """Per word, its paragraph's number in its article; where the paragraphs are not known,
    each sentence is one."""
    offsets = at.tolist()
    opens = np.zeros(opening.size, dtype=bool)
    opens[[offsets[i] + p for i, t in enumerate(texts) for p in t.paragraph_starts if p < len(t.words)]] = True
    opens[at[:-1][sizes > 0]] = True
    if not all(t.paragraph_starts or not t.words for t in texts):
        unknown = np.fromiter((not t.paragraph_starts for t in texts), dtype=bool, count=len(texts))
        opens |= opening & unknown[article]
    paragraphs = np.cumsum(opens)
    return paragraphs - paragraphs[at[article]]


def _english(
    language: str | None, ids: np.ndarray, article: np.ndarray, sizes: np.ndarray, vocab: Vocabulary
) -> np.ndarray:  # fmt: skip
    """Per article, whether it is in English: as its language says, else (none given, or one
    this module does not know) whether ``ENGLISH_SHARE`` of its words are ``ENGLISH_WORDS``
    (read only then)."""
    code = (language or "").lower()[:2]
    if code in _ISO_TO_SNOWBALL:
        return np.full(sizes.size, code == "en")
    shares = np.bincount(article, weights=vocab.is_english[ids], minlength=sizes.size)
    return (shares >= ENGLISH_SHARE * sizes) & (sizes > 0)


def _common_nouns(ids: np.ndarray, article: np.ndarray, vocab: Vocabulary, english: np.ndarray) -> np.ndarray:
    """Per word of an article not in English, whether it is a capitalised common noun, not a
    name: somewhere in its article it follows an article or determiner, straight or after a
    lower-case content word (an adjective) (``vocabulary.NOUN_MARKERS``: German writes every
    noun with a capital).  Figures stay figures, acronyms names (die USA, die SPD)."""
    noun = np.zeros(ids.size, dtype=bool)
    if ids.size < 2 or english.all():
        return noun
    marker = vocab.is_marker[ids] & ~english[article]
    if not marker.any():
        return noun
    capital = vocab.is_capital[ids] & ~vocab.is_number[ids] & ~vocab.is_acronym[ids]
    same = article[1:] == article[:-1]
    noun[1:] = marker[:-1] & same
    adjective = ~capital & ~marker & ~vocab.is_stop[ids]  # a lower-case content word
    noun[2:] |= marker[:-2] & same[:-1] & same[1:] & adjective[1:-1]
    noun &= capital
    if not noun.any():
        return noun
    keys = (article.astype(np.uint64) << np.uint64(32)) | (vocab.word_hash[ids] & _MASK32)
    return np.isin(keys, keys[noun]) & capital


def _nouns(
    ids: np.ndarray, fact: np.ndarray, article: np.ndarray, flashes: np.ndarray, vocab: Vocabulary
) -> np.ndarray:
    """Per content word, whether it is a common noun, neither name nor figure, of a flash
    (only theirs are looked up)."""
    nouns = np.zeros(ids.size, dtype=bool)
    if flashes.any():
        at = np.flatnonzero(flashes[article] & ~fact)
        nouns[at] = vocab.nouns(ids[at])
    return nouns


def _fact_kinds(is_name: np.ndarray, is_number: np.ndarray) -> np.ndarray:
    """Per content word, the two bits that say what it is in the outline (``outline.FACT_BITS``)."""
    return np.where(is_name, np.where(is_number, FIGURE_FACT, NAME_FACT), 0).astype(np.uint64)


def _shingles(hashes: np.ndarray, article: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each article's distinct word 3-gram hashes, sorted (one n-gram of all its words when
    it has fewer), and where each article's start; ``hashes`` are the words' hashes."""
    count = at.size - 1
    width = SHINGLE_WORDS
    parts, owners = [np.empty(0, dtype=np.uint64)], [np.empty(0, dtype=np.intp)]
    if hashes.size >= width:
        inside = article[: 1 - width] == article[width - 1 :]
        parts.append(_ngram_hashes(hashes, width)[inside])
        owners.append(article[: 1 - width][inside])
    sizes = np.diff(at)
    for i in np.flatnonzero((sizes > 0) & (sizes < width)).tolist():  # one or two words
        parts.append(_ngram_hashes(hashes[at[i] : at[i + 1]], width))
        owners.append(np.full(1, i, dtype=np.intp))
    values, owner = np.concatenate(parts), np.concatenate(owners)
    # Sorted by article, then value: the article sort is stable (a radix sort on 16 bits).
    order = np.argsort(values)
    order = order[np.argsort(owner[order].astype(np.uint16 if count <= 1 << 16 else np.intp), kind="stable")]
    values, owner = values[order], owner[order]
    if values.size > 1:
        keep = np.ones(values.size, dtype=bool)
        keep[1:] = (values[1:] != values[:-1]) | (owner[1:] != owner[:-1])
        values, owner = values[keep], owner[keep]
    return values, group_starts(owner, count)


def fingerprint(text: NormalisedText, language: str | None = None) -> int:
    """The SimHash alone (what near-exact copy detection needs)."""
    vocab = _vocabulary(language)
    ids = vocab.ids(text.words)
    return _simhashes(*_shingles(vocab.word_hash[ids], np.zeros(ids.size, dtype=np.intp), np.array([0, ids.size])))[0]


def signature(text: NormalisedText, language: str | None = None) -> Signature:
    return signatures([text], language)[0]


def signatures(texts: Sequence[NormalisedText], language: str | None = None) -> list[Signature]:
    """The signatures of a batch of articles, each what ``signature`` gives it alone.

    One set of numpy passes for the whole batch: most of an article's cost is the numpy
    calls themselves, not their work, so a batch pays it once (the worker labels a batch
    at a time).  The arrays are views into the batch's.
    """
    count = len(texts)
    if not count:
        return []
    f = features(texts, language)
    simhashes = _simhashes(f.shingles, f.shingles_at)
    shingle_articles = np.repeat(np.arange(count), np.diff(f.shingles_at))
    tops, tops_at = distinct_by(shingle_articles, f.shingles >> np.uint64(32), count)  # bottom-k sketches
    content_minima = _minhashes(f.content, f.content_at, CONTENT_PERMS, 2)
    name_minima = _minhashes(f.names, f.names_at, NAME_PERMS, 3)
    outline_of = outlines(f.word_articles, f.sentence_ids, f.outline_hashes, count, f.paragraph_ids, f.nouns, f.flashes)
    s, t, c, n, g, english = (
        x.tolist() for x in (f.shingles_at, tops_at, f.content_at, f.names_at, f.facts_at, f.english)
    )
    return [
        Signature(
            simhash=simhashes[i],
            shingles=tops[t[i] : min(t[i + 1], t[i] + SHINGLE_SKETCH)],
            shingle_count=s[i + 1] - s[i],
            content=f.content[c[i] : min(c[i + 1], c[i] + CONTENT_SKETCH)],
            content_count=c[i + 1] - c[i],
            content_minima=content_minima[i],
            name_minima=name_minima[i],
            name_count=n[i + 1] - n[i],
            outline=outline_of[i],
            facts=f.facts[g[i] : min(g[i + 1], g[i] + FACT_SKETCH)],
            english=english[i],
        )
        for i in range(count)
    ]


def lookup_keys(sig: Signature) -> tuple[int, ...]:
    """Lookup keys, under which an article is indexed and which it looks up: SimHash blocks
    for near-exact copies, MinHash bands over names, content words and each of the first
    sentences for rewrites (``indexed_keys`` and ``query_keys`` add the figure keys).

    Keys are ints (hashes of tuples of ints are stable across processes); they live only in
    memory and are recomputed from stored signatures on recovery.
    """
    width = SIMHASH_BITS // SIMHASH_BLOCKS
    mask = (1 << width) - 1
    keys = [hash((0, i, (sig.simhash >> (i * width)) & mask)) for i in range(SIMHASH_BLOCKS)]
    bands_of = (
        (1, sig.name_minima, sig.name_count, NAME_BANDS, NAME_BAND_ROWS),
        (2, sig.content_minima, sig.content_count, CONTENT_BANDS, BAND_ROWS),
    )
    for kind, minima, count, bands, width in bands_of:
        if count < MIN_BAND_FEATURES:
            continue  # a tiny set's minima are the same common words in every article
        rows = minima.tolist()
        keys.extend([hash((kind, band, *rows[band * width : (band + 1) * width])) for band in range(bands)])
    keys.extend(hash((3, *pair)) for pair in dict.fromkeys(sentence_keys(sig.outline)))
    return tuple(keys)


def figures(facts: np.ndarray) -> np.ndarray:
    """The figures of a fact sketch (the hashes with ``FIGURE_BIT`` set), in its order."""
    return facts[(facts & FIGURE_BIT) == FIGURE_BIT]


def figure_keys(sig: Signature, english: bool) -> list[int]:
    """Keys over the article's figures, digits being the same in every language: each pair of
    its ``FIGURE_KEY_MINIMA`` smallest figure hashes (figures more or less among them still
    leave a pair), when its fact sketch holds ``KEYED_FIGURES`` figures.  Keyed by language,
    English or not: an article is indexed under its own class's (``indexed_keys``) and looks
    up the other's (``query_keys``), so they join a translation and its English source, and
    two articles in English, or two in other languages, never meet through them."""
    found = figures(sig.facts)
    if found.size < KEYED_FIGURES:
        return []
    return [hash((4, english, a, b)) for a, b in combinations(found[:FIGURE_KEY_MINIMA].tolist(), 2)]


def indexed_keys(sig: Signature, keys: tuple[int, ...]) -> tuple[int, ...]:
    """What the table files an article under: its ``lookup_keys`` and its figure keys."""
    return keys + tuple(figure_keys(sig, sig.english))


def query_keys(sig: Signature, keys: tuple[int, ...]) -> tuple[int, ...]:
    """What an article looks up: its ``lookup_keys`` and the other language's figure keys,
    which find the source of a translation, or a translation of it stored before."""
    return keys + tuple(figure_keys(sig, not sig.english))


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
