"""The reference detectors the project is measured against, on the same streams.

* ``simhash-k3``: the ``simhash`` package's defaults (``Simhash(text)``: character 4-grams,
  md5, 64 bits) with ``SimhashIndex(k=3)``, Manku et al.'s setting: within 3 bits is a
  duplicate, anything else an original (it has no notion of rewrite).
* ``simhash-12bit``: the same fingerprints with a 12-bit band: within 3 bits duplicate,
  4-12 bits rewrite (text-dedup's setting for noisy news).
* ``minhash-lsh``: datasketch MinHash (128 permutations) over word 3-gram shingles with
  ``MinHashLSH`` candidates; Jaccard >= 0.5 duplicate, >= 0.2 rewrite.

All see the raw body after the project's own HTML-to-text step, so the comparison is
about detection, not about markup handling.
"""

from __future__ import annotations

from datasketch import MinHash, MinHashLSH
from simhash import Simhash, SimhashIndex

from benchmarks.metrics import Prediction
from worker.core.fingerprint import shingles
from worker.core.normalise import html_to_text, tokenize


class SimhashBaseline:
    def __init__(self, name: str, band_bits: int) -> None:
        self.name = name
        self.band_bits = band_bits
        self.index = SimhashIndex([], k=band_bits)
        self.fingerprints: dict[str, Simhash] = {}

    def label(self, article_id: str, body: str) -> Prediction:
        fingerprint = Simhash(html_to_text(body))
        near = self.index.get_near_dups(fingerprint)
        best = min(near, key=lambda other: (fingerprint.distance(self.fingerprints[other]), other), default=None)
        self.index.add(article_id, fingerprint)
        self.fingerprints[article_id] = fingerprint
        if best is None:
            return Prediction(article_id, "original", None, 0)
        distance = fingerprint.distance(self.fingerprints[best])
        label = "duplicate" if distance <= 3 else "rewrite"
        return Prediction(article_id, label, best, len(near))


class MinhashLshBaseline:
    name = "minhash-lsh"

    def __init__(self, duplicate: float = 0.5, rewrite: float = 0.2, num_perm: int = 128) -> None:
        self.duplicate, self.rewrite, self.num_perm = duplicate, rewrite, num_perm
        self.lsh = MinHashLSH(threshold=rewrite, num_perm=num_perm)
        self.signatures: dict[str, MinHash] = {}

    def label(self, article_id: str, body: str) -> Prediction:
        mh = MinHash(num_perm=self.num_perm)
        mh.update_batch([s.encode("utf-8") for s in shingles(tokenize(html_to_text(body)))])
        candidates = self.lsh.query(mh)
        scored = sorted(((mh.jaccard(self.signatures[c]), c) for c in candidates), reverse=True)
        self.lsh.insert(article_id, mh)
        self.signatures[article_id] = mh
        if not scored or scored[0][0] < self.rewrite:
            return Prediction(article_id, "original", None, len(candidates))
        similarity, best = scored[0]
        return Prediction(article_id, "duplicate" if similarity >= self.duplicate else "rewrite", best, len(candidates))


def baselines() -> list:
    return [SimhashBaseline("simhash-k3", 3), SimhashBaseline("simhash-12bit", 12), MinhashLshBaseline()]
