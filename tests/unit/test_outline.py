import numpy as np
import pytest

from worker.core.outline import (
    EMPTY_OUTLINE,
    MAX_SENTENCES,
    NOUN_SENTENCES,
    Outline,
    alignment,
    alignments,
    nouns_swapped,
    told,
    words_added,
)

SOURCE = [
    ["council", "approv", "budget", "school", "repair"],
    ["mayor", "said", "work", "start", "spring", "finish", "year"],
    ["opposit", "member", "vote", "plan", "cost"],
]


def test_outline_survives_serialisation():
    outline = Outline.from_sentences(SOURCE)
    restored = Outline.from_bytes(outline.to_bytes())
    assert np.array_equal(restored.sizes, outline.sizes) and np.array_equal(restored.words, outline.words)
    assert Outline.from_bytes(b"") is EMPTY_OUTLINE


def test_an_outline_keeps_its_paragraphs_and_reads_one_stored_without_them():
    outline = Outline.from_sentences(SOURCE, paragraphs=[0, 0, 1])
    restored = Outline.from_bytes(outline.to_bytes())
    assert restored.joined.tolist() == [False, True, False] and restored.paragraphs().tolist() == [1, 1, 2]
    assert np.array_equal(restored.sizes, outline.sizes) and np.array_equal(restored.words, outline.words)
    # Stored without them (the sentence count's top bit clear): not known.
    plain = Outline.from_sentences(SOURCE)
    assert plain.joined is None and Outline.from_bytes(plain.to_bytes()).paragraphs() is None
    assert len(plain.to_bytes()) < len(outline.to_bytes())


def test_an_outline_keeps_which_words_of_its_first_sentences_are_nouns():
    sentences = [*SOURCE, ["school", "repair", "spring"]]
    outline = Outline.from_sentences(sentences, nouns=frozenset({"school", "budget", "member"}))
    marked = int(outline.sizes[:NOUN_SENTENCES].sum())
    assert outline.nouns.size == marked < outline.words.size  # the first sentences only
    restored = Outline.from_bytes(outline.to_bytes())
    assert np.array_equal(restored.nouns, outline.nouns) and np.array_equal(restored.words, outline.words)
    assert int(outline.nouns.sum()) == 3  # "school" and "budget" in the first, "member" in the third
    assert Outline.from_sentences(SOURCE).nouns.sum() == 0
    # Read back from before nouns were kept: not known.
    plain = Outline(outline.sizes, outline.words)
    assert Outline.from_bytes(plain.to_bytes()).nouns is None


def test_a_thing_swapped_in_a_sentence_alike_is_told_from_a_reworded_one():
    nouns = frozenset({"pharmaci", "bakeri", "door", "till", "polic", "offic", "shop"})
    flash = [["thiev", "broke", "pharmaci", "Kilbride", "Road", "Easterholm", "forc", "back", "door", "escap", "till"]]
    other = [["thiev", "broke", "bakeri", "Kilbride", "Road", "Easterholm", "forc", "back", "door", "escap", "till"]]
    a, b = (Outline.from_sentences(s, nouns=nouns) for s in (flash, other))
    assert nouns_swapped(a, b) and nouns_swapped(b, a)
    # A verb swapped ("escaped" / "fled") is not a thing; nor are words added, or a sentence
    # reworded (more than three words of its own); nor nouns not known.
    verb = Outline.from_sentences([[*flash[0][:-2], "fled", "till"]], nouns=nouns)
    added = Outline.from_sentences([[*flash[0], "polic", "offic"]], nouns=nouns)
    reworded = Outline.from_sentences(
        [["shop", "Kilbride", "Road", "rob", "night", "cash", "taken", "thiev"]], nouns=nouns
    )
    assert not any(nouns_swapped(a, o) for o in (verb, added, reworded))
    assert not nouns_swapped(Outline.from_sentences(flash), b)


def test_corrupt_outline_is_refused():
    with pytest.raises(ValueError):
        Outline.from_bytes(Outline.from_sentences(SOURCE).to_bytes()[:-2])


def test_fragments_are_skipped_and_sentences_capped():
    outline = Outline.from_sentences([["said"], *SOURCE])
    assert len(outline) == 3
    many = Outline.from_sentences([[f"w{i}", f"v{i}"] for i in range(MAX_SENTENCES + 10)])
    assert len(many) == MAX_SENTENCES


def test_alignment_is_one_for_the_same_sentences_and_zero_for_none_shared():
    a = Outline.from_sentences(SOURCE)
    assert alignment(a, a) == pytest.approx(1.0)
    other = Outline.from_sentences([["weather", "rain", "flood", "river"], ["storm", "wind", "coast"]])
    assert alignment(a, other) == 0.0
    assert alignment(a, EMPTY_OUTLINE) == 0.0


def test_alignment_rewards_restating_over_adding_details():
    """Each sentence restated with one word changed beats each sentence with details added."""
    restated = [s[:-1] + ["synonym"] for s in SOURCE]
    padded = [s + ["extra", "detail", "figur", "quot", "critic"] for s in SOURCE]
    a = Outline.from_sentences(SOURCE)
    assert alignment(a, Outline.from_sentences(restated)) > alignment(a, Outline.from_sentences(padded))


def test_alignment_is_symmetric_and_uses_the_text_with_fewer_sentences():
    a = Outline.from_sentences(SOURCE)
    longer = Outline.from_sentences([*SOURCE, ["new", "paragraph", "updat", "later"]])
    assert alignment(a, longer) == alignment(longer, a) == pytest.approx(1.0)


def test_alignments_are_the_same_whichever_text_comes_first_with_as_many_sentences():
    """With as many sentences in each, neither is the text with fewer: the pair aligns the
    same either way (a copy arriving before its source is weighed as it would be after)."""
    a = Outline.from_sentences(SOURCE)
    b = Outline.from_sentences([["council", "approv", "budget", "school"], ["council", "approv", "budget", "repair", "2024"],
                                ["weather", "rain", "flood"]])  # fmt: skip
    assert len(a) == len(b) and alignments(a, b) == alignments(b, a)
    assert alignments(a, b).short != alignments(a, b).long  # the two views differ: the tie decides


def test_words_found_anywhere_survive_sentences_merged_split_and_reordered():
    """A revision that merges, splits and reorders the source's sentences restates none of
    them, yet keeps its words; a text on another subject keeps few."""
    source = Outline.from_sentences(SOURCE)
    revised = Outline.from_sentences(
        [
            ["opposit", "member", "vote"],
            ["mayor", "plan", "school", "repair", "council", "budget", "approv", "spring"],
            ["work", "finish", "year", "start", "said", "new"],
            ["contract", "tender", "week"],
        ]
    )
    aligned = alignments(source, revised)
    assert aligned.words == pytest.approx(16 / 17)  # all but "cost"
    assert aligned.short < 0.6
    # A word in two sentences counts once ("council").
    other = Outline.from_sentences([["council", "vote", "park", "tree"], ["council", "said", "plant", "spring"]])
    assert alignments(other, source).words == pytest.approx(4 / 7)
    assert alignments(source, EMPTY_OUTLINE).words == 0.0


def test_sentence_keys_match_restated_sentences_and_cover_the_lead_only():
    from worker.core.outline import KEYED_SENTENCES, sentence_keys

    a = Outline.from_sentences(SOURCE)
    assert sentence_keys(a) == sentence_keys(Outline.from_sentences(SOURCE))
    reordered = Outline.from_sentences([list(reversed(s)) for s in reversed(SOURCE)])
    assert set(sentence_keys(a)) == set(sentence_keys(reordered))  # sets of words, not order
    unrelated = Outline.from_sentences([["weather", "rain", "flood", "river"], ["storm", "wind", "coast"]])
    assert not set(sentence_keys(a)) & set(sentence_keys(unrelated))
    long_text = Outline.from_sentences([[f"w{i}", f"v{i}", f"u{i}"] for i in range(40)])
    assert len(sentence_keys(long_text)) == KEYED_SENTENCES


def test_what_a_copy_tells_about_the_story_that_its_source_lacks():
    source = Outline.from_sentences(SOURCE)
    # A sentence about the story (council, budget, school) naming who and how much, and
    # telling two words the source lacks: 3 facts, 2 words.
    update = Outline.from_sentences(
        [*SOURCE, ["council", "budget", "school", "parent", "protest", "Ruth", "Adeyemi", "12"]]
    )
    assert told(update, source) == (3, 2, 0)  # at the end: not inside the story
    # The same facts and words in a sentence about something else: furniture or a stray sentence.
    stray = Outline.from_sentences([*SOURCE, ["airline", "parent", "protest", "Ruth", "Adeyemi", "12"]])
    assert told(stray, source) == (0, 0, 0)
    # A name the source holds as a common word ("workers") is new; one it names is not.
    named = Outline.from_sentences([*SOURCE, ["Mayor", "council", "budget", "school", "Adeyemi"]])
    assert told(named, source) == (2, 0, 0)
    assert told(source, update) == told(source, source) == told(EMPTY_OUTLINE, source) == (0, 0, 0)
    assert told(update, EMPTY_OUTLINE) == (0, 0, 0)
    # Two of the story's words, one of them a name of it: about the story ("On Tuesday,
    # Adeyemi said she would step down"); two other words are not.
    quoting = [*SOURCE, ["Adeyemi", "call", "plan", "unfair"]]
    later = [["Tuesday", "Adeyemi", "step", "down", "plan"], ["airline", "plan", "strike", "Friday", "call"]]
    assert told(Outline.from_sentences([*quoting, *later]), Outline.from_sentences(quoting)) == (1, 2, 0)
    # A sentence standing between two of the story's own is about it, whatever words it
    # shares ("Senator Harriet Okonjo-Lind said she would call both chiefs to testify",
    # added to a paragraph), and inside the story; the same sentence after the story (a
    # footer) is not.
    news = ["Senator", "Harriet", "Okonjo", "call", "chief", "testify", "month"]
    assert told(Outline.from_sentences([SOURCE[0], news, *SOURCE[1:]]), source) == (3, 4, 4)
    assert told(Outline.from_sentences([*SOURCE, news]), source) == (0, 0, 0)
    # ... and so is one in a paragraph with one of the story's, at its end; not one of its own.
    assert told(Outline.from_sentences([*SOURCE, news], paragraphs=[0, 1, 2, 2]), source) == (3, 4, 4)
    assert told(Outline.from_sentences([*SOURCE, news], paragraphs=[0, 1, 2, 3]), source) == (0, 0, 0)
    # A text in one paragraph (a feed that keeps no line breaks) says nothing of where it belongs.
    assert told(Outline.from_sentences([*SOURCE, news], paragraphs=[0, 0, 0, 0]), source) == (0, 0, 0)
    # ... but a flash, every sentence of it kept, is its one paragraph: a sentence added to
    # it is inside the story ("Police later found a burnt-out car" after a robbery's two).
    one_paragraph = Outline.from_sentences([*SOURCE, news], paragraphs=[0, 0, 0, 0])
    assert told(one_paragraph, source, flash=3) == (3, 4, 4)
    assert told(one_paragraph, source, flash=2) == (0, 0, 0)  # longer than a flash
    cut = Outline.from_sentences([*SOURCE[:2], news], paragraphs=[0, 0, 0])
    assert told(cut, source, flash=3) == (0, 0, 0)  # a sentence of the flash's not kept
    # Inside, only a sentence that is not one of the source's counts: one of the source's
    # with a word or two changed stands for itself.
    edited = Outline.from_sentences([SOURCE[0], [*SOURCE[1], "tram"], SOURCE[2]])
    assert told(edited, source) == (0, 1, 0)


def test_words_added_counts_what_the_later_text_adds_beyond_what_it_drops():
    source = Outline.from_sentences(SOURCE)
    # A word for a word and a figure more: nothing added (a figure is a fact).
    swapped = Outline.from_sentences(
        [SOURCE[0], ["mayor", "said", "work", "start", "autumn", "finish", "year", "2027"], SOURCE[2]]
    )
    assert words_added(swapped, source) == 0
    # A clause more: its three words the source does not hold, and its name aside.
    grown = Outline.from_sentences([*SOURCE[:2], [*SOURCE[2], "Ruth", "Adeyemi", "call", "delay", "unfair"]])
    assert words_added(grown, source) == 3
    assert words_added(source, grown) == -3 and words_added(source, source) == 0
