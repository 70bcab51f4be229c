import numpy as np
from Stemmer import Stemmer

from worker.core.vocabulary import Vocabulary, word_hash


def test_each_word_gets_one_id_and_its_facts():
    vocab = Vocabulary(Stemmer("english"), frozenset({"the"}))
    ids = vocab.ids(["The", "Ports", "the", "ports", "Ports", "7"])
    assert ids[1] == ids[4] and ids[1] != ids[3]  # as written: "Ports" and "ports" differ
    assert vocab.word_hash[ids[1]] == vocab.word_hash[ids[3]] == word_hash("ports")  # case-folded
    assert vocab.stem_hash[ids[1]] == word_hash("port") >> 32
    assert vocab.is_stop[ids[[0, 2]]].all() and not vocab.is_stop[ids[1]]
    assert vocab.is_capital[ids[[0, 1, 5]]].all() and not vocab.is_capital[ids[[2, 3]]].any()
    assert vocab.is_short[ids[5]] and not vocab.is_short[ids[1]]


def test_a_full_vocabulary_starts_afresh_with_the_same_results():
    small = Vocabulary(Stemmer("english"), frozenset(), max_words=8)
    large = Vocabulary(Stemmer("english"), frozenset())
    for start in range(0, 60, 5):
        words = [f"Word{i}" for i in range(start, start + 6)]
        a, b = small.ids(words), large.ids(words)
        assert np.array_equal(small.word_hash[a], large.word_hash[b])
        assert np.array_equal(small.stem_hash[a], large.stem_hash[b])
        assert len(small) <= 8
    assert len(large) == 61


def test_a_british_spelling_is_the_american_one():
    vocab = Vocabulary(Stemmer("english"), frozenset())
    ids = vocab.ids(["Harbour", "harbor", "prioritised", "prioritized", "centre", "center", "harbours"])
    hashes, stems = vocab.word_hash[ids], vocab.stem_hash[ids]
    assert hashes[0] == hashes[1] == word_hash("harbor") and hashes[2] == hashes[3] and hashes[4] == hashes[5]
    assert stems[0] == stems[1] == stems[6] and stems[2] == stems[3]
    assert hashes[0] != hashes[4] and vocab.is_capital[ids[0]] and not vocab.is_capital[ids[1]]


def test_a_wire_abbreviation_of_a_scale_is_its_word():
    assert word_hash("bn") == word_hash("billion") == word_hash("bln") and word_hash("mln") == word_hash("million")
    assert word_hash("m") != word_hash("million")  # "100m" is as often metres


def test_a_months_abbreviation_is_its_name_and_a_figure():
    from worker.core.vocabulary import is_figure

    vocab = Vocabulary(Stemmer("english"), frozenset())
    ids = vocab.ids(["Sept", "September", "Nov", "November", "Mar", "Jan"])
    hashes = vocab.word_hash[ids]
    assert hashes[0] == hashes[1] and hashes[2] == hashes[3] and hashes[4] != word_hash("march")
    assert is_figure("Sept") and is_figure("Nov") and not is_figure("Mar")  # "mar", a verb, is left alone
    assert hashes[5] != word_hash("january") and not is_figure("Jan")  # as often a first name


def test_a_common_noun_is_one_as_written_and_a_verbs_form_or_a_number_is_not():
    from worker.core.vocabulary import is_noun

    assert all(
        is_noun(w) for w in ("pharmacy", "bakery", "bus", "school", "porters", "pub")
    )  # "pub": not in the lexicon
    # A verb's inflected form (as often the verb's as a plural's), an adjective, a number in words.
    assert not any(is_noun(w) for w in ("suspended", "halted", "falls", "biggest", "roughly", "fourteen", "dozen"))
    vocab = Vocabulary(Stemmer("english"), frozenset())
    ids = vocab.ids(["Bakery", "bakery", "halted"])
    assert vocab.nouns(ids).tolist() == [True, True, False]  # a capital opening a sentence aside
    assert vocab.noun_known[ids].all()  # looked up once, on first asking
