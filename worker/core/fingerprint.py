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

import numpy as np
from datasketch import MinHash
from simhash import Simhash
from Stemmer import Stemmer, algorithms
from stop_words import AVAILABLE_LANGUAGES, get_stop_words

from worker.core import sketch
from worker.core.normalise import NormalisedText
from worker.core.outline import EMPTY_OUTLINE, Outline, sentence_keys
from worker.core.sketch import distinct
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
# Bands keyed, all of the stored minima.  Each key costs 8 bytes of memory per article;
# fewer bands were tried (6 content, 9 name: 23.8 keys instead of 28.4, 0.24x SimhashIndex's
# memory at 100k instead of 0.28x) and lost copies: on the end-to-end stream 6 of 3,000
# labels changed, among them a duplicate (most of its 3-grams in the source) found no more.  The quality
# streams could not tell, so the keys stay: recall first.
CONTENT_BANDS = CONTENT_PERMS // BAND_ROWS
NAME_BANDS = NAME_PERMS // NAME_BAND_ROWS
MIN_BAND_FEATURES = 4  # fewer distinct names (or content features) than this: no band keys
_SEED = 20260101
_EMPTY = np.uint32(0xFFFFFFFF)
_SCHEME = "affine32"  # datasketch >= 2: 32-bit minima, what the table stores
_MASK64 = (1 << 64) - 1
_MASK32 = np.uint64(0xFFFFFFFF)
_ROTATE = 21  # word hashes are rotated by this per position before mixing: order matters
_FMIX = (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33)  # MurmurHash3's 64-bit finaliser

_ISO_TO_SNOWBALL = {
    "ar": "arabic", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "fi": "finnish", "fr": "french", "hu": "hungarian", "id": "indonesian",
    "it": "italian", "nl": "dutch", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sv": "swedish", "tr": "turkish",
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
    if n < width:
        width = n
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

    def to_bytes(self) -> bytes:
        """Everything but the SimHash and the counts, in one buffer (one decode per candidate):
        the sketch sizes, the MinHash minima, the three sketches, then the outline."""
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
        content_minima, name_minima, shingles, content, facts = words[3:a], words[a:b], words[b:c], words[c:d], words[d:]
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
        )

    @property
    def counts(self) -> tuple[int, int, int]:
        return (self.shingle_count, self.content_count, self.name_count)


@cache
def _permutations(num_perm: int, salt: int) -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=num_perm, seed=_SEED + salt, scheme=_SCHEME).permutations


_FMIX32 = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))  # MurmurHash3's fmix32


def _minhash(hashes: np.ndarray, num_perm: int, salt: int) -> np.ndarray:
    """MinHash minima of a set of 32-bit feature hashes; an empty set gives all-ones (matches
    nothing).

    Exactly ``datasketch.MinHash(scheme="affine32", hashfunc=int).update_batch`` with the
    same permutations (a test checks it), in one numpy pass: the features are hashed
    already, and the package's per-item Python loop and object set-up cost more than the
    arithmetic (about 100 us an article).
    """
    if not hashes.size:
        return np.full(num_perm, _EMPTY, dtype=np.uint32)
    a, b = _permutations(num_perm, salt)
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hashes.astype(np.uint32)
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    return (hv[:, None] * a + b).min(axis=0)


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
    features' distinct 64-bit hashes, in one numpy pass.

    Bit-identical to the package given the same features and hash function (a test checks
    it); the package's md5 default and its per-feature loop are what make it slow.
    """
    if not hashes.size:
        return Simhash([], f=SIMHASH_BITS, hashfunc=FEATURE_HASH).value
    bits = np.unpackbits(hashes.astype(">u8").view(np.uint8).reshape(-1, 8), axis=1)
    return int.from_bytes(np.packbits(bits.sum(axis=0, dtype=np.int32) > hashes.size / 2).tobytes(), "big")


@dataclass(frozen=True, slots=True)
class Features:
    """An article's feature hashes: the step between tokens and sketches."""

    shingles: np.ndarray  # uint64, distinct word 3-gram hashes
    content: np.ndarray  # uint32, distinct stemmed content words and bigrams
    names: np.ndarray  # uint32, distinct capitalised words (not opening a sentence) and numbers
    sentence_ids: np.ndarray  # per content word: its sentence
    stems: np.ndarray  # per content word: its stem's hash


def features(text: NormalisedText, language: str | None = None) -> Features:
    """Every feature of an article from one gather over its words' ids.

    Names are capitalised words not opening a sentence, and numbers.  Stop words ("I", a
    capitalised "The" after a quote) and one-character tokens are left out: they are in
    every other article and would make the name bands match everything.
    """
    vocab = _vocabulary(language)
    ids = vocab.ids(text.words)
    n = ids.size
    if not n:
        empty = np.empty(0, dtype=np.uint32)
        return Features(np.empty(0, dtype=np.uint64), empty, empty, np.empty(0, dtype=np.intp), empty)
    starts = np.asarray(text.sentence_starts or (0,), dtype=np.intp)
    opening = np.zeros(n, dtype=bool)
    opening[starts[starts < n]] = True
    sentence_ids = np.cumsum(opening) - 1
    content = ~vocab.is_stop[ids]
    stems = vocab.stem_hash[ids[content]]
    bigrams = _fmix_array(_rotl_array(stems[:-1], _ROTATE) ^ stems[1:]) & _MASK32
    name = vocab.is_capital[ids] & content & ~opening & ~vocab.is_short[ids]
    return Features(
        shingles=_shingle_hashes(vocab, ids),
        content=distinct(np.concatenate((stems, bigrams)).astype(np.uint32)),
        names=distinct((vocab.word_hash[ids[name]] & _MASK32).astype(np.uint32)),
        sentence_ids=sentence_ids[content],
        stems=stems,
    )


def _shingle_hashes(vocab: Vocabulary, ids: np.ndarray) -> np.ndarray:
    return distinct(_ngram_hashes(vocab.word_hash[ids], SHINGLE_WORDS)) if ids.size else np.empty(0, np.uint64)


def fingerprint(text: NormalisedText, language: str | None = None) -> int:
    """The SimHash alone (what near-exact copy detection needs)."""
    vocab = _vocabulary(language)
    return simhash64(_shingle_hashes(vocab, vocab.ids(text.words)))


def signature(text: NormalisedText, language: str | None = None) -> Signature:
    f = features(text, language)
    return Signature(
        simhash=simhash64(f.shingles),
        shingles=sketch.bottom_k(f.shingles >> np.uint64(32), SHINGLE_SKETCH),
        shingle_count=int(f.shingles.size),
        content=f.content[:CONTENT_SKETCH],
        content_count=int(f.content.size),
        content_minima=_minhash(f.content, CONTENT_PERMS, 2),
        name_minima=_minhash(f.names, NAME_PERMS, 3),
        name_count=int(f.names.size),
        outline=Outline.from_hashes(f.sentence_ids, f.stems),
        facts=f.names[:FACT_SKETCH],
    )


def lookup_keys(sig: Signature) -> tuple[int, ...]:
    """Index keys: SimHash blocks for near-exact copies, MinHash bands over names, content
    words and each of the first sentences for rewrites.

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
        for band in range(bands):
            rows = minima[band * width : (band + 1) * width]
            keys.append(hash((kind, band, *rows.tolist())))
    keys.extend(hash((3, *pair)) for pair in dict.fromkeys(sentence_keys(sig.outline)))
    return tuple(keys)


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
