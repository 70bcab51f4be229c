"""Whole pages: the story comes out of every site template, the chrome does not, and labels
follow the story, not the template."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pytest

from benchmarks.pages import TEMPLATES, render_page
from worker.core.article import parse_article
from worker.core.detector import Detector
from worker.core.index import RollingIndex
from worker.core.normalise import html_to_text, normalise
from worker.core.page import is_page, main_text, page_title

SAMPLES = [orjson.loads(line) for line in (Path("worker/demo/samples.jsonl")).read_bytes().splitlines()]
STORIES = [s for s in SAMPLES if s["id"] in ("nh-coastal-001", "sci-marine-17", "travel-sky-1")]
SITES = ("The Example Gazette", "Riverside Post")


def page(story: dict, template: str, site: str = SITES[0], seed: int = 1) -> str:
    others = [s["title"] for s in SAMPLES if s["id"] != story["id"]]
    body = story["body"].replace("\n", "\n\n")
    return render_page(template, title=story["title"], body=body, site=site, rng=random.Random(seed), headlines=others)


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_story_comes_out_of_every_template_and_the_chrome_does_not(template):
    story = STORIES[0]
    raw = page(story, template)
    assert is_page(raw) and not is_page(story["body"])
    assert main_text(raw) == html_to_text(raw) is not None
    text = normalise(raw)
    story_words = normalise(story["body"]).words
    kept = len(set(text.words) & set(story_words)) / len(set(story_words))
    assert kept >= 0.95, template  # the story, whole
    # Little else: at most a headline and a short box (a newsletter pitch in the div-only layout).
    assert len(text.words) <= 1.3 * len(story_words), (template, len(text.words), len(story_words))
    others = [s["title"] for s in SAMPLES if s["id"] != story["id"]]
    assert not any(title in text.text for title in others), template  # no related headlines


def test_a_fragment_of_markup_is_stripped_not_extracted():
    fragment = "<p>First paragraph of the story.</p><p>Second paragraph.</p>"
    assert not is_page(fragment)
    assert html_to_text(fragment).split() == ["First", "paragraph", "of", "the", "story.", "Second", "paragraph."]


def test_a_page_names_its_headline_and_an_article_without_a_title_takes_it():
    raw = page(STORIES[1], "semantic")
    assert page_title(raw) == STORIES[1]["title"]
    message = orjson.dumps({"id": "p1", "body": raw})
    from datetime import UTC, datetime

    article = parse_article(message, max_bytes=10**6, fallback_time=datetime.now(UTC))
    assert article.title == STORIES[1]["title"]
    titled = orjson.dumps({"id": "p1", "body": raw, "title": "Given"})
    assert parse_article(titled, max_bytes=10**6, fallback_time=datetime.now(UTC)).title == "Given"


def test_labels_follow_the_story_not_the_template():
    """Different stories in one template stay originals; one story in two templates (and
    two sites) is a duplicate of the first."""
    detector = Detector(RollingIndex())
    labels = {}
    for n, template in enumerate(TEMPLATES):
        for story in STORIES:
            message = {"id": f"{story['id']}@{template}", "body": page(story, template, SITES[n % 2], seed=n)}
            event = detector.process_message(orjson.dumps(message))
            labels[message["id"]] = (event.label, event.matched_id)
    first = TEMPLATES[0]
    for story in STORIES:
        assert labels[f"{story['id']}@{first}"] == ("original", None)
        for template in TEMPLATES[1:]:
            label, matched = labels[f"{story['id']}@{template}"]
            assert label == "duplicate" and matched.startswith(story["id"]), (story["id"], template)
