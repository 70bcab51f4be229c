import dataclasses

import numpy as np
import pytest
from simhash import Simhash

from tests.conftest import HARBOUR_DE, HARBOUR_EN
from worker.core.fingerprint import (
    CONTENT_BANDS,
    CONTENT_SKETCH,
    FEATURE_HASH,
    KEYED_FIGURES,
    NAME_BANDS,
    SHINGLE_SKETCH,
    SIMHASH_BLOCKS,
    Signature,
    features,
    figure_keys,
    figures,
    hamming,
    indexed_keys,
    lookup_keys,
    query_keys,
    shingles,
    signature,
    signatures,
    simhash64,
)
from worker.core.normalise import normalise
from worker.core.sketch import containment, distinct
from worker.core.vocabulary import word_hash

TEXT = (
    "The harbour authority said on Monday that the new container terminal at Westport will open in June. "
    "Minister Clara Holt said the 300 million euro project would create 1,200 jobs. "
    "Dock workers' unions welcomed the plan but asked for guarantees on training."
)


def test_simhash_is_the_simhash_package_over_word_shingles():
    """Shingle hashes are mixed from word hashes in numpy; the package, given the shingles as
    strings and FEATURE_HASH, must produce the same 64 bits (short, CJK and accented texts too)."""
    for raw in (TEXT, "Übersee-Hafen öffnet im Juni.", "北京会谈今天继续举行。", "Two words", "One", TEXT * 3):
        text = normalise(raw)
        assert signature(text).simhash == Simhash(sorted(shingles(text.tokens)), f=64, hashfunc=FEATURE_HASH).value, raw


def test_signature_is_deterministic_and_survives_serialisation():
    a, b = signature(normalise(TEXT)), signature(normalise(TEXT))
    assert a.simhash == b.simhash and lookup_keys(a) == lookup_keys(b)
    restored = Signature.from_bytes(a.simhash, a.to_bytes(), a.counts)
    assert np.array_equal(restored.content, a.content) and np.array_equal(restored.name_minima, a.name_minima)
    assert np.array_equal(restored.shingles, a.shingles) and np.array_equal(restored.facts, a.facts)
    assert lookup_keys(restored) == lookup_keys(a)
    assert restored.outline.to_bytes() == a.outline.to_bytes() and restored.counts == a.counts
    # It keeps its bytes for its table record, and they are what encoding it again gives.
    assert (
        restored.to_bytes() is restored.packed and dataclasses.replace(restored, packed=None).to_bytes() == a.to_bytes()
    )
    with pytest.raises(ValueError):
        Signature.from_bytes(a.simhash, a.to_bytes()[:100], a.counts)


def test_keys_cover_simhash_blocks_and_bands():
    keys = lookup_keys(signature(normalise(TEXT)))
    assert len(keys) >= SIMHASH_BLOCKS + NAME_BANDS


def test_identical_text_estimates_full_overlap_and_unrelated_text_none():
    a = signature(normalise(TEXT))
    b = signature(
        normalise("Heavy snow closed the mountain pass for a third day, and forecasters expect more tonight.")
    )
    assert containment(a.shingles, a.shingles, SHINGLE_SKETCH) == 1.0
    assert containment(a.shingles, b.shingles, SHINGLE_SKETCH) == 0.0
    assert containment(a.content, b.content, CONTENT_SKETCH) < 0.2
    assert hamming(a.simhash, a.simhash) == 0


def test_empty_feature_sets_match_nothing():
    empty = signature(normalise("lowercase only words here without names"))
    assert empty.name_count == 0
    assert empty.facts.size == 0 and (empty.name_minima == 0xFFFFFFFF).all()


def test_tiny_feature_sets_get_no_band_keys():
    """One or two names would make the bands match every article mentioning them."""
    few = signature(normalise("Talks resumed in Geneva on Monday and lasted well into the evening, officials said."))
    assert few.name_count < 4
    keys = lookup_keys(few)
    assert len(keys) == SIMHASH_BLOCKS + (CONTENT_BANDS if few.content_count >= 4 else 0) + len(
        few.outline
    )  # + 1 per sentence


def test_stop_words_and_single_characters_are_not_names():
    names = features(
        [normalise('He said "The talks will go on," and I agree with Maria Lopez on point 7 of 12.')]
    ).names
    expected = distinct(np.array([word_hash(w) & 0xFFFFFFFF for w in ("maria", "lopez", "12")], dtype=np.uint32))
    assert names.tolist() == expected.tolist()


def _names(text: str, language: str | None = None) -> list[int]:
    return features([normalise(text)], language).names.tolist()


def _hashes(*words: str) -> list[int]:
    return distinct(np.array([word_hash(w) & 0xFFFFFFFF for w in words], dtype=np.uint32)).tolist()


def test_a_word_opening_a_sentence_is_a_name_only_before_a_name():
    """News opens sentences with names, and a rewrite moves them: "Thornbury Retail said"
    names Thornbury as "chain Thornbury Retail" does.  A capitalised opening word before a
    common word is not a name."""
    text = "Thornbury Retail said on Tuesday that its chief executive will step down. Shares fell after the news."
    assert _names(text) == _hashes("thornbury", "retail", "tuesday")


@pytest.mark.parametrize("language", [None, "de"])
def test_german_common_nouns_are_not_names(language):
    """German writes every noun with a capital: after an article or determiner (straight or
    after an adjective) it is a common noun wherever it stands in the text, not a name, so a
    German translation keeps the English text's names.  Names and figures stay."""
    text = (
        "Am Montag sagte Bürgermeisterin Anna Weber in Kelverton, die neue Brücke koste 12 Millionen. "
        "Weber nannte die Brücke ein Vorbild, und Kelverton zahle nur Millionen für Brücke und Strasse "
        "wie die USA."
    )
    common = ("brücke", "vorbild")  # "Millionen" and "Strasse" follow no article: they stay
    kept = ("bürgermeisterin", "anna", "weber", "kelverton", "12", "millionen", "strasse", "montag", "usa")
    assert _names(text, language) == _hashes(*kept)
    assert set(_hashes(*common)).isdisjoint(_names(text, language))


def test_names_of_an_english_text_after_words_that_are_german_articles_stay():
    text = (
        "Officials in Des Moines said 40 people could die in Brixton and 12 die if Congress waits, "
        "Ruth Ames of the weekly Der Spiegel said."
    )
    names = ("des", "moines", "40", "brixton", "12", "congress", "ruth", "ames", "der", "spiegel")
    assert _names(text) == _names(text, "en") == _hashes(*names)
    french = "Le président des États-Unis, Joe Biden, a rencontré Emmanuel Macron à Paris."
    assert set(_hashes("états", "unis", "biden", "macron")) <= set(_names(french))  # "des" marks no noun


@pytest.mark.parametrize("language", [None, "de"])
def test_a_text_is_english_by_its_words_or_its_language(language):
    assert signature(normalise(HARBOUR_EN)).english
    assert not signature(normalise(HARBOUR_DE), language).english
    assert not signature(normalise(HARBOUR_EN), "fr").english  # the article says so
    assert [s.english for s in signatures([normalise(HARBOUR_DE), normalise(HARBOUR_EN)])] == [False, True]


def test_the_english_flag_survives_a_record():
    for text in (HARBOUR_DE, HARBOUR_EN):
        sig = signature(normalise(text))
        assert Signature.from_bytes(sig.simhash, sig.to_bytes(), sig.counts).english == sig.english


def test_figure_keys_join_a_translation_and_its_source_and_never_one_language():
    """Days are the same figure in English and German; the keys are looked up across
    languages only, so two English reports with the same figures share none of them."""
    en, de = signature(normalise(HARBOUR_EN)), signature(normalise(HARBOUR_DE))
    en_figures, de_figures = figures(en.facts), figures(de.facts)
    assert en_figures.size == 7 and np.array_equal(en_figures, de_figures)  # 48, 900, 85, 340, 60, two days
    assert set(query_keys(de, lookup_keys(de))) & set(indexed_keys(en, lookup_keys(en))) - set(lookup_keys(en))
    assert set(query_keys(en, lookup_keys(en))) & set(indexed_keys(de, lookup_keys(de))) - set(lookup_keys(de))
    other = signature(normalise(HARBOUR_EN.replace("Vellmar", "Osterby").replace("Seeverdi", "Dockunion")))
    assert figure_keys(other, True) == figure_keys(en, True)  # the same figures, in English too
    assert not set(figure_keys(en, True)) & set(query_keys(other, lookup_keys(other)))


def test_figure_keys_survive_a_translation_that_drops_its_sources_smallest_figures():
    """A translation that words two figures (1,900 and 60 million: "fast zweitausend", "viele
    Millionen") lacks the source's two smallest figure hashes; pairs of the three smallest
    would share none, pairs of ``FIGURE_KEY_MINIMA`` still do."""
    en = signature(normalise(HARBOUR_EN))
    worded = HARBOUR_DE.replace("Rund 1.900", "Fast zweitausend").replace("rund 60 Millionen", "viele Millionen")
    de = signature(normalise(worded))
    en_figures, de_figures = figures(en.facts), figures(de.facts)
    assert de_figures.size == KEYED_FIGURES and not set(en_figures[:2].tolist()) & set(de_figures.tolist())
    assert set(query_keys(de, lookup_keys(de))) & set(indexed_keys(en, lookup_keys(en))) - set(lookup_keys(en))
    assert set(query_keys(en, lookup_keys(en))) & set(indexed_keys(de, lookup_keys(de))) - set(lookup_keys(de))


def test_fast_simhash_is_bit_identical_to_the_simhash_package():
    import random

    rng = random.Random(5)
    words = [f"w{i}" for i in range(500)] + ["Übersee", "北京", "a b c"]
    for size in (0, 1, 2, 3, 10, 101, 1000):
        shingle_set = sorted({" ".join(rng.sample(words, 3)) for _ in range(size)})
        hashes = distinct(np.array([FEATURE_HASH(f.encode()) for f in shingle_set], dtype=np.uint64))
        assert simhash64(hashes) == Simhash(shingle_set, f=64, hashfunc=FEATURE_HASH).value, size


def test_minhash_minima_are_datasketchs():
    """The numpy pass gives exactly what datasketch's MinHash gives on the same hashes, for
    every set of a batch at once (empty sets among them)."""
    from datasketch import MinHash

    from worker.core.fingerprint import _SCHEME, _minhashes, _permutations

    rng = np.random.default_rng(7)
    for sizes, num_perm, salt in (((1,), 16, 2), ((37, 0, 5), 36, 3), ((2000, 3, 0, 0, 64), 16, 2)):
        sets = [rng.integers(0, 2**32, size=size, dtype=np.uint64).astype(np.uint32) for size in sizes]
        at = np.concatenate(([0], np.cumsum(sizes)))
        minima = _minhashes(np.concatenate(sets), at, num_perm, salt)
        for hashes, row in zip(sets, minima, strict=True):
            reference = MinHash(
                num_perm=num_perm, permutations=_permutations(num_perm, salt), scheme=_SCHEME, hashfunc=int
            )
            reference.update_batch(hashes.tolist())
            expected = reference.hashvalues.astype(np.uint32) if hashes.size else np.full(num_perm, 0xFFFFFFFF)
            assert row.tolist() == expected.tolist()


def test_the_outline_knows_which_sentences_share_a_paragraph():
    text = normalise(
        "The council approved the budget on Monday. The mayor welcomed the vote.\n\n"
        "Opposition members said the plan costs too much. They will appeal next week."
    )
    assert text.paragraph_starts == (0, text.sentence_starts[2])
    assert signature(text).outline.joined.tolist() == [False, True, False, True]


def test_a_batch_gives_each_article_what_it_gets_alone():
    """``signatures`` shares numpy passes across a batch; nothing may leak between articles:
    not shingles, bigrams or outline sentences across a boundary, nor one article's empty
    sets into another's."""
    texts = [
        normalise(TEXT),
        normalise("One"),
        normalise("Two words"),
        normalise("lowercase only words here without names"),
        normalise("北京会谈今天继续举行。上海也有消息。"),
        normalise(TEXT.replace("Monday", "Tuesday") * 2),
        normalise("Minister Clara Holt said so. " * 70),  # more sentences than an outline keeps
    ]
    together = signatures(texts)
    for text, batched in zip(texts, together, strict=True):
        alone = signature(text)
        assert (batched.simhash, batched.counts, batched.to_bytes()) == (alone.simhash, alone.counts, alone.to_bytes())
        assert lookup_keys(batched) == lookup_keys(alone)
    assert signatures([]) == []
