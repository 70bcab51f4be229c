"""Per-language word table: each distinct word is hashed and stemmed once, not once per article.

News reuses a modest vocabulary (Zipf's law), so after a few hundred articles nearly every
token is a dict hit, and an article's word hashes, stem hashes and stop-word flags are
gathered from arrays in one numpy step.  The table is a cache of pure functions of the word:
when it reaches ``max_words`` it starts afresh, which costs time, never a different result.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

import numpy as np
import xxhash
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS
from lemminflect import getAllLemmas
from Stemmer import Stemmer

MAX_WORDS = 1 << 18  # distinct words kept (a few tens of MB at most)


# Days and months are figures of time, as dates written in digits are: an update a day later
# changes "Thursday" to "Friday", which is not a name put in place of another.  English and
# German (where they are capitalised); the other languages write them in lower case.  A German
# day or month is hashed as its English name (``word_hash``): the same figure in a translation.
_ENGLISH_CALENDAR = (
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december"
)
GERMAN_CALENDAR = {
    "montag": "monday", "dienstag": "tuesday", "mittwoch": "wednesday", "donnerstag": "thursday",
    "freitag": "friday", "samstag": "saturday", "sonnabend": "saturday", "sonntag": "sunday",
    "januar": "january", "februar": "february", "märz": "march", "mai": "may", "juni": "june",
    "juli": "july", "oktober": "october", "dezember": "december",
}  # fmt: skip
# A month as wire styles abbreviate it ("Feb. 3", "Sept 15"), hashed as its name
# (``word_hash``): "Nov 5" and "5 November" are one date.  "Jan" is left alone: as often a
# first name (Jan Kowalski), which must stay a name.
SHORT_MONTHS = {
    "feb": "february", "aug": "august", "sep": "september", "sept": "september", "oct": "october",
    "nov": "november", "dec": "december",
}  # fmt: skip
CALENDAR_WORDS = frozenset(_ENGLISH_CALENDAR.split()) | frozenset(GERMAN_CALENDAR) | frozenset(SHORT_MONTHS)


# German capitalises every noun, so its capitalised words are mostly not names: a translation
# into German would share few of its names with the English text, and no name lookup key.  In a
# text not in English, a capitalised word after an article or determiner, or after one and a
# lower-case adjective ("die neue Regierung"), is a common noun (``fingerprint._common_nouns``).
# The genitive "des" is left out: in French it stands before names (des États-Unis).
_GERMAN_DETERMINERS = (
    "der die das den dem ein eine einen einem einer eines kein keine keinen keinem keiner keines "
    "dieser diese dieses diesen diesem jeder jede jedes jeden jedem jener jene jenes sein seine seinen "
    "seinem seiner ihr ihre ihren ihrem ihrer unser unsere unseren unserem im zum zur vom beim ins"
)
NOUN_MARKERS = frozenset(_GERMAN_DETERMINERS.split())


# Frequent English words, rare together in the languages a newsroom translates from and into: a
# text with next to none of them is not in English (``language.ENGLISH_SHARE``), a rough test
# for the one thing lookups need (``Signature.english``, ``fingerprint.figure_keys``).
_ENGLISH = "the of and to that was with for is are has have by from this it be were had he his their which"
ENGLISH_WORDS = frozenset(_ENGLISH.split())


# Numbers in words are counts, not things: a flash on another count ("Fourteen" / "Nineteen")
# and an update revising one look alike, as with figures in digits (``classify.verify``).
_NUMBERS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion trillion dozen dozens hundreds thousands millions billions"
)
NUMBER_WORDS = frozenset(_NUMBERS.split())


def is_noun(word: str) -> bool:
    """Whether a lower-case English word is a common noun as written: lemminflect's lexicon
    has it as a noun and, if as a verb too, in its base form ("bus", "school"; not "falls" or
    "fares", as often a verb's), or does not have it (a rare word: "pub").  What a flash worded
    alike about another thing swaps ("pharmacy" / "bakery"), where a copy editor's synonym is
    most often a verb or an adjective ("halted" for "suspended", "biggest" for "largest")."""
    if word in NUMBER_WORDS:
        return False
    lemmas = getAllLemmas(word)
    if not lemmas:
        return word.isalpha()
    verb = lemmas.get("VERB")
    return "NOUN" in lemmas and (not verb or word in verb)


def is_figure(word: str) -> bool:
    """A figure: a number (digit first) or a day or month name."""
    return word[:1].isdigit() or word.casefold() in CALENDAR_WORDS


# One spelling of a word, whichever the outlet writes: a British spelling is read as the
# American one ("harbour", "centre", "prioritised" as "harbor", "center", "prioritized":
# breame's table of about 1,700), a wire abbreviation of a figure's scale as its word ("2.3bn",
# "40 mln", "5 pct"), a month's abbreviation and a German day or month as its English name.  A republication in
# another house style is then the same text, word for word.  ("m" is left alone: "100m" is as
# often metres as millions.)
_ABBREVIATIONS = {"bn": "billion", "bln": "billion", "mln": "million", "tn": "trillion", "pct": "percent"}
SPELLINGS = {**BRITISH_ENGLISH_SPELLINGS, **_ABBREVIATIONS, **SHORT_MONTHS, **GERMAN_CALENDAR}


def word_hash(word: str) -> int:
    """64-bit hash of a case-folded word (XXH3: fast, stable across processes and versions),
    in its one spelling (``SPELLINGS``)."""
    return _hash(SPELLINGS.get(word, word))


def _hash(text: str) -> int:
    return xxhash.xxh3_64_intdigest(text.encode("utf-8"))


# What fingerprints need of each word, by id (``Vocabulary``), and their types.
_ARRAYS = {
    "word_hash": np.uint64,
    "stem_hash": np.uint64,  # 32-bit values, kept wide for mixing
    "is_stop": bool,
    "is_short": bool,  # one character
    "is_capital": bool,  # as written: capital or digit first
    "is_acronym": bool,  # as written: two capitals or more, no lower case (USA, SPD)
    "is_number": bool,  # a figure (``is_figure``), not a name
    "is_marker": bool,  # an article or determiner before a noun (``NOUN_MARKERS``)
    "is_english": bool,  # one of ``ENGLISH_WORDS``
    "is_noun": bool,  # an English common noun as written (``is_noun``), once ``noun_known``
    "noun_known": bool,  # ``is_noun`` looked up (``nouns``: only for the words of flashes)
}


class Vocabulary:
    """Word as written -> id, and by id what fingerprints need of the case-folded word: its
    hash, its stem's hash, whether it is a stop word or one character, whether it is
    written like a name (capital or digit first), whether a noun follows it, and whether it is
    an English common noun."""

    word_hash: np.ndarray
    stem_hash: np.ndarray
    is_stop: np.ndarray
    is_short: np.ndarray
    is_capital: np.ndarray
    is_acronym: np.ndarray
    is_number: np.ndarray
    is_marker: np.ndarray
    is_english: np.ndarray
    is_noun: np.ndarray
    noun_known: np.ndarray

    def __init__(self, stemmer: Stemmer, stops: frozenset[str], max_words: int = MAX_WORDS) -> None:
        self._stemmer = stemmer
        self._stops = stops
        self._max_words = max_words
        self._reset()

    def _reset(self, capacity: int = 4096) -> None:
        self._ids: dict[str, int] = {}
        self._folded: list[str] = []  # by id
        for name, dtype in _ARRAYS.items():
            setattr(self, name, np.empty(capacity, dtype=dtype))

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self, words: Sequence[str]) -> np.ndarray:
        """Each word's id, new words added first.  A batch of news nearly always has a few
        (names, a word cut off at the end): only those are visited in Python, the ids are
        gathered in C-level passes."""
        count = len(words)
        found = np.fromiter(map(self._ids.get, words, repeat(-1, count)), dtype=np.intp, count=count)
        missing = np.flatnonzero(found < 0).tolist()
        if not missing:
            return found
        new = list(dict.fromkeys([words[i] for i in missing]))
        if len(self._ids) + len(new) > self._max_words:  # start afresh with this batch's words
            self._reset()
            self._add(list(dict.fromkeys(words)))
            return np.fromiter(map(self._ids.__getitem__, words), dtype=np.intp, count=count)
        self._add(new)
        found[missing] = [self._ids[words[i]] for i in missing]
        return found

    def _add(self, new: list[str]) -> None:
        """Give words not in the table their ids and what fingerprints need of them."""
        start = len(self._ids)
        end = start + len(new)
        if end > self.word_hash.size:
            self._grow(max(end, 2 * self.word_hash.size))
        folded = [w.casefold() for w in new]
        spelt = [SPELLINGS.get(t, t) for t in folded]  # hashed and stemmed in one spelling (``word_hash``)
        self.word_hash[start:end] = [_hash(t) for t in spelt]
        self.stem_hash[start:end] = [_hash(s) >> 32 for s in self._stemmer.stemWords(spelt)]
        self.is_stop[start:end] = [t in self._stops for t in folded]
        self.is_short[start:end] = [len(t) < 2 for t in folded]
        self.is_capital[start:end] = [w[0].isupper() or w[0].isdigit() for w in new]
        self.is_acronym[start:end] = [len(w) > 1 and w.isupper() for w in new]
        self.is_number[start:end] = [is_figure(w) for w in new]
        self.is_marker[start:end] = [t in NOUN_MARKERS for t in folded]
        self.is_english[start:end] = [t in ENGLISH_WORDS for t in folded]
        self.noun_known[start:end] = False
        self._folded.extend(folded)
        self._ids.update(zip(new, range(start, end)))

    def nouns(self, ids: np.ndarray) -> np.ndarray:
        """Per id, whether the word is an English common noun (``is_noun``; a name's capital
        is told apart by the caller), looked up on first asking: a lexicon lookup costs about
        5 us, and only the first sentences of flashes ask."""
        unknown = ids[~self.noun_known[ids]]
        if unknown.size:
            for i in set(unknown.tolist()):
                self.is_noun[i] = is_noun(self._folded[i])
            self.noun_known[unknown] = True
        return self.is_noun[ids]

    def _grow(self, capacity: int) -> None:
        for name in _ARRAYS:
            old = getattr(self, name)
            grown = np.empty(capacity, dtype=old.dtype)
            grown[: old.size] = old
            setattr(self, name, grown)
