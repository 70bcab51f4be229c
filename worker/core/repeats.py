"""Signatures and lookup keys of texts seen lately, found by a 128-bit hash of the normalised text.

Syndicated copies (one wire story on many sites, a feed read by two scrapers) are often
word for word the same once markup and furniture are gone.  A signature is a pure function
of the words, their sentence starts and the language, so a text seen lately gets the very
signature and lookup keys computed for it then, without computing them again (about a third
of an article's cost).  Labels cannot change: it is the same signature.  Only the hash, the
signature (decoded from its own stored bytes, which it keeps for the table record) and the
keys are kept (about 4.5 KB an entry: 18 MB for the default 4,096), never the text, and the
oldest go first.

A body seen lately byte for byte (a wire story sent on as it came, a feed read twice) is
found before it is even normalised, by a hash of the raw body: normalising costs about as
much again as the lookup.  The body's hash points at its text's entry (about 150 bytes more).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import xxhash

from worker.core.fingerprint import Signature, lookup_keys
from worker.core.normalise import NormalisedText

_SEP = b"\x1f"  # cannot be in a word (normalise.py)


def text_key(text: NormalisedText, language: str | None) -> bytes:
    """What a signature depends on, hashed: the words, where sentences start, the language."""
    h = xxhash.xxh3_128()
    h.update((language or "").encode())
    h.update(_SEP)
    h.update(_SEP.decode().join(text.words).encode("utf-8", "surrogatepass"))
    h.update(_SEP)
    h.update(np.asarray(text.sentence_starts, dtype="<u4").tobytes())
    return h.digest()


def body_key(body: str, language: str | None) -> bytes:
    """A raw body (before normalising) and the language, hashed."""
    h = xxhash.xxh3_128()
    h.update((language or "").encode())
    h.update(_SEP)
    h.update(body.encode("utf-8", "surrogatepass"))
    return h.digest()


class RecentTexts:
    """The signatures and lookup keys of the last ``size`` distinct texts (0: remember none),
    and which of the bodies seen lately had which text."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._kept: OrderedDict[bytes, tuple[Signature, np.ndarray]] = OrderedDict()
        self._bodies: OrderedDict[bytes, bytes] = OrderedDict()  # body key -> text key
        self.hits = 0

    def __len__(self) -> int:
        return len(self._kept)

    def known_body(self, seen: bytes) -> tuple[Signature, tuple[int, ...]] | None:
        """The signature and lookup keys of a body seen lately byte for byte (``seen``: its
        ``body_key``; its text still kept), or None: the body must be normalised and its
        text looked up (``prepared``)."""
        if not self._size:
            return None
        text = self._bodies.get(seen)
        kept = self._get(text) if text is not None else None
        if kept is not None:
            self._bodies.move_to_end(seen)
            self.hits += 1
        return kept

    def prepared(
        self,
        texts: Sequence[NormalisedText],
        language: str | None,
        compute: Callable[[Sequence[NormalisedText], str | None], list[Signature]],
        bodies: Sequence[bytes] | None = None,
    ) -> list[tuple[Signature, tuple[int, ...]]]:
        """Each text's signature (``compute(texts, language)``) and lookup keys, computed only
        for the texts not seen lately, and once for a text repeated within ``texts`` (a burst
        of copies of one story).  ``bodies``: the ``body_key`` of the raw body each text came
        from, remembered for ``known_body``."""
        if not self._size:
            return [(sig, lookup_keys(sig)) for sig in compute(texts, language)]
        keys = [text_key(t, language) for t in texts]
        if bodies is not None:
            for seen, key in zip(bodies, keys, strict=True):
                self._bodies[seen] = key
                self._bodies.move_to_end(seen)
                if len(self._bodies) > self._size:
                    self._bodies.popitem(last=False)
        found = [self._get(k) for k in keys]
        first: dict[bytes, int] = {}  # key -> the first text not seen lately with it
        for i, kept in enumerate(found):
            if kept is None:
                first.setdefault(keys[i], i)
        computed = {
            k: (sig, lookup_keys(sig))
            for k, sig in zip(first, compute([texts[i] for i in first.values()], language), strict=True)
        }
        for key, (sig, lookup) in computed.items():
            computed[key] = (self._put(key, sig, lookup), lookup)
        self.hits += len(texts) - len(computed)
        return [kept if kept is not None else computed[k] for kept, k in zip(found, keys, strict=True)]

    def _get(self, key: bytes) -> tuple[Signature, tuple[int, ...]] | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        self._kept.move_to_end(key)
        sig, lookup = kept
        return sig, tuple(lookup.tolist())

    def _put(self, key: bytes, sig: Signature, lookup: tuple[int, ...]) -> Signature:
        """Keep the signature as decoded from its own bytes (a computed one's arrays are views
        of its whole batch's arrays), and give that one back: it carries its bytes, so its
        table record does not encode it again, nor does a repeat's."""
        kept = sig.compact()
        self._kept[key] = (kept, np.array(lookup, dtype=np.int64))
        if len(self._kept) > self._size:
            self._kept.popitem(last=False)
        return kept
