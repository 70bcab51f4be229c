"""The language a text is fingerprinted in when its article does not say.

Scrapers often send no language.  A German or Spanish story fingerprinted as English keeps
its own function words ("der", "und", "que") among its content words and its inflections
unstemmed: two independent reports of one event share more content words than they should,
and a rewrite fewer.  A text that reads as English (``ENGLISH_SHARE`` of its first words
among ``vocabulary.ENGLISH_WORDS``: about a fifth in English news, met within its first dozen
words) is English; any other is identified by py3langid (the langid.py model inside its
wheel, 97 languages, about 0.2 ms a text, loaded on the first such text) and fingerprinted in
its language where Snowball has a stemmer for it (``fingerprint.language_of``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from worker.core.vocabulary import ENGLISH_WORDS

if TYPE_CHECKING:  # normalise asks ``reads_as_english`` of a text's words itself
    from worker.core.normalise import NormalisedText

SAMPLE_WORDS = 100  # words read for English ones
SAMPLE_CHARACTERS = 2000  # characters py3langid reads
# Share of a text's words among ``vocabulary.ENGLISH_WORDS`` from which it is in English (about
# a fifth in English news, under 1% in German, French, Spanish, Italian or Portuguese).
ENGLISH_SHARE = 0.02
SURE = 0.5  # py3langid's probability under which it is unsure


@cache
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: NormalisedText) -> str | None:
    """The text's language (ISO 639-1, py3langid) from its first 2,000 characters; None when
    it is unsure (probability under ``SURE``)."""
    language, probability = _identifier().classify(text.text[:SAMPLE_CHARACTERS])
    return str(language) if probability >= SURE else None


def reads_as_english(words: Sequence[str]) -> bool:
    """Whether ``ENGLISH_SHARE`` of a text's first ``SAMPLE_WORDS`` words (its
    ``NormalisedText.words``) are frequent English words."""
    sample = words[:SAMPLE_WORDS]
    needed = ENGLISH_SHARE * len(sample)
    found = 0
    for word in sample:  # English news meets the share within its first dozen words
        if word.casefold() in ENGLISH_WORDS:
            found += 1
            if found >= needed:
                return True
    return found >= needed
