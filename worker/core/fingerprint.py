"""Fingerprints, compact signatures and lookup keys for one normalised article.

Three views of an article, each made for one kind of copy:

* ``simhash`` (64 bits, the ``simhash`` package's algorithm over word 3-gram shingles, XXH3): near-exact
  copies sit within a few bits, found through four 16-bit blocks (Manku et al.: any two
  fingerprints within 3 bits share a block).
* ``shingles`` MinHash over the same word 3-grams: how much of one text appears verbatim in
  the other (duplicate vs. rewrite).
* ``content`` MinHash over stemmed content words and their bigrams, and ``names`` MinHash
  over capitalised words and numbers: what survives paraphrase, translation and AI
  rewriting.  Bands of three ``names`` (or two ``content``) minima, and one band per lead
  sentence (``outline.sentence_keys``), are the lookup keys that reach rewrites without
  scanning the table (LSH, Broder 1997 / Indyk-Motwani).

Only the fingerprint and the minima (a few hundred bytes) are kept in the table, never the
text.  The sizes below are part of the stored format: changing them invalidates stored
signatures, so they are constants, not settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np
import xxhash
from datasketch import MinHash
from simhash import Simhash
from Stemmer import Stemmer, algorithms
from stop_words import AVAILABLE_LANGUAGES, get_stop_words

from worker.core.normalise import NormalisedText, split_sentences, tokenize, word_tokens
from worker.core.outline import EMPTY_OUTLINE, Outline, fact_sketch, sentence_keys

SIMHASH_BITS = 64
SIMHASH_BLOCKS = 4  # 16-bit blocks: pigeonhole guarantee for distance <= 3
SHINGLE_WORDS = 3
SHINGLE_PERMS = 128
CONTENT_PERMS = 64
NAME_PERMS = 36
BAND_ROWS = 2  # minima per LSH band
CONTENT_BANDS = 8  # bands taken from the first CONTENT_BANDS*BAND_ROWS content minima
NAME_BAND_ROWS = 3  # names are fewer and more shared than content words: longer bands
NAME_BANDS = NAME_PERMS // NAME_BAND_ROWS
MIN_BAND_FEATURES = 4  # fewer distinct names (or content features) than this: no band keys
_SEED = 20260101
_EMPTY = np.uint32(0xFFFFFFFF)
_SCHEME = "affine32"  # datasketch >= 2: 32-bit minima, what the table stores
FEATURE_HASH = xxhash.xxh3_64_intdigest  # SimHash feature hash (the package's hashfunc)
MINHASH_HASH = xxhash.xxh32_intdigest  # MinHash feature hash: 32 bits, as datasketch wants

_ISO_TO_SNOWBALL = {
    "ar": "arabic", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "fi": "finnish", "fr": "french", "hu": "hungarian", "id": "indonesian",
    "it": "italian", "nl": "dutch", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sv": "swedish", "tr": "turkish",
}


@dataclass(frozen=True, slots=True)
class Signature:
    """What the table keeps of an article besides its ids and time."""

    simhash: int
    shingles: np.ndarray  # uint32[SHINGLE_PERMS]
    shingle_count: int
    content: np.ndarray  # uint32[CONTENT_PERMS]
    content_count: int
    names: np.ndarray  # uint32[NAME_PERMS]
    name_count: int
    outline: Outline = EMPTY_OUTLINE  # per-sentence content-word hashes (outline.py)
    facts: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint32))  # fact sketch

    def to_bytes(self) -> bytes:
        return np.concatenate((self.shingles, self.content, self.names)).astype("<u4").tobytes()

    @classmethod
    def from_parts(
        cls,
        simhash: int,
        packed: bytes,
        counts: tuple[int, int, int],
        outline: bytes = b"",
        facts: bytes = b"",
    ) -> Signature:
        arr = np.frombuffer(packed, dtype="<u4").astype(np.uint32)
        if arr.size != SHINGLE_PERMS + CONTENT_PERMS + NAME_PERMS:
            raise ValueError(f"signature has {arr.size} minima, expected {SHINGLE_PERMS + CONTENT_PERMS + NAME_PERMS}")
        a, b = SHINGLE_PERMS, SHINGLE_PERMS + CONTENT_PERMS
        fact_hashes = np.frombuffer(facts, dtype="<u4").astype(np.uint32)
        return cls(
            simhash, arr[:a], counts[0], arr[a:b], counts[1], arr[b:], counts[2], Outline.from_bytes(outline), fact_hashes
        )

    @property
    def counts(self) -> tuple[int, int, int]:
        return (self.shingle_count, self.content_count, self.name_count)


@cache
def _permutations(num_perm: int, salt: int) -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=num_perm, seed=_SEED + salt, scheme=_SCHEME).permutations


def _minhash(features: set[str], num_perm: int, salt: int) -> np.ndarray:
    """MinHash minima of a feature set; an empty set gives all-ones (matches nothing)."""
    if not features:
        return np.full(num_perm, _EMPTY, dtype=np.uint32)
    mh = MinHash(num_perm=num_perm, permutations=_permutations(num_perm, salt), scheme=_SCHEME, hashfunc=MINHASH_HASH)
    mh.update_batch([f.encode("utf-8") for f in features])
    return mh.hashvalues.astype(np.uint32)


@lru_cache(maxsize=32)
def _lexicon(language: str | None) -> tuple[Stemmer, frozenset[str]]:
    """Stemmer and stop words for an ISO 639-1 code; English when unknown."""
    name = _ISO_TO_SNOWBALL.get((language or "en").lower()[:2], "english")
    stemmer = Stemmer(name if name in algorithms() else "english")
    stops = frozenset(get_stop_words(name)) if name in AVAILABLE_LANGUAGES else frozenset()
    return stemmer, stops


def shingles(tokens: tuple[str, ...] | list[str], width: int = SHINGLE_WORDS) -> set[str]:
    if len(tokens) < width:
        return {" ".join(tokens)} if tokens else set()
    if width == 3:
        return {f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:])}
    return {" ".join(tokens[i : i + width]) for i in range(len(tokens) - width + 1)}


def content_features(tokens: tuple[str, ...], language: str | None = None) -> set[str]:
    """Stemmed content words and their bigrams: what a paraphrase tends to keep."""
    stemmer, stops = _lexicon(language)
    return _with_bigrams(stemmer.stemWords([t for t in tokens if t not in stops]))


def _with_bigrams(stems: list[str]) -> set[str]:
    return set(stems) | {f"{a} {b}" for a, b in zip(stems, stems[1:])}


def _is_name(word: str, stops: frozenset[str]) -> bool:
    return (word[0].isupper() or word[0].isdigit()) and len(word) > 1 and word.casefold() not in stops


def name_features(text: NormalisedText, language: str | None = None) -> set[str]:
    """Capitalised words not opening a sentence, and numbers: names, places, figures.

    Stop words ("I", a capitalised "The" after a quote) and one-character tokens are left
    out: they are in every other article and would make the name bands match everything.
    """
    return _sentence_view(text, language)[1]


def _sentence_view(text: NormalisedText, language: str | None) -> tuple[list[list[str]], set[str]]:
    """One pass over the sentences: each one's stemmed content words, and the names."""
    stemmer, stops = _lexicon(language)
    sentences: list[list[str]] = []
    names: set[str] = set()
    for paragraph in text.paragraphs:
        for sentence in split_sentences(paragraph):
            words = word_tokens(sentence)
            names.update(w.casefold() for w in words[1:] if (w[0].isupper() or w[0].isdigit()) and _is_name(w, stops))
            sentences.append(stemmer.stemWords([t for t in tokenize(sentence) if t not in stops]))
    return sentences, names


def simhash64(features: set[str] | list[str]) -> int:
    """``simhash.Simhash(features, f=64, hashfunc=FEATURE_HASH)`` (weight 1 each), in one
    numpy pass.

    Bit-identical to the package given the same features and hash function (a test checks
    it on many feature sets).  The package's md5 default and its per-feature batching are
    the slow parts; XXH3 is a 64-bit hash made for this and about 9x faster than md5.
    """
    if not features:
        return Simhash([], f=SIMHASH_BITS, hashfunc=FEATURE_HASH).value
    digests = b"".join([xxhash.xxh3_64_digest(f.encode("utf-8")) for f in features])
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    return int.from_bytes(np.packbits(bits.sum(axis=0, dtype=np.int32) > len(features) / 2).tobytes(), "big")


def signature(text: NormalisedText, language: str | None = None) -> Signature:
    shingle_set = shingles(text.tokens)
    sentences, names = _sentence_view(text, language)
    content = _with_bigrams([stem for sentence in sentences for stem in sentence])
    return Signature(
        simhash=simhash64(shingle_set),
        shingles=_minhash(shingle_set, SHINGLE_PERMS, 1),
        shingle_count=len(shingle_set),
        content=_minhash(content, CONTENT_PERMS, 2),
        content_count=len(content),
        names=_minhash(names, NAME_PERMS, 3),
        name_count=len(names),
        outline=Outline.from_sentences(sentences),
        facts=fact_sketch(names),
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
        (1, sig.names, sig.name_count, NAME_BANDS, NAME_BAND_ROWS),
        (2, sig.content, sig.content_count, CONTENT_BANDS, BAND_ROWS),
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


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of Jaccard similarity (0 when either side is empty)."""
    if a[0] == _EMPTY or b[0] == _EMPTY:
        return 0.0
    return float(np.count_nonzero(a == b)) / a.size


def containment(a: np.ndarray, b: np.ndarray, size_a: int, size_b: int) -> float:
    """Estimated share of the smaller set found in the larger one."""
    j = jaccard(a, b)
    if j == 0.0 or min(size_a, size_b) == 0:
        return 0.0
    shared = j * (size_a + size_b) / (1.0 + j)
    return min(1.0, shared / min(size_a, size_b))
