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
from worker.core.page import is_page, main_text, page_title, unrolled

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


def table_page(story: dict) -> str:
    """An old site's page laid out with nested tables, the story text between <br> pairs in
    a <font>, the same menus and most-read box on every page."""
    menu = "".join(f'<a href="/s/{n}">{name}</a><br>' for n, name in enumerate(
        ("Front Page", "Local News", "County Council", "Courts", "Business", "Farming", "Sport", "Letters")))  # fmt: skip
    most = "".join(
        f'<tr><td><font size="2"><b>{n}.</b> <a href="/n/{n}">{title}</a><br>{teaser}</font></td></tr>'
        for n, (title, teaser) in enumerate((
            ("Council to review parking charges in the old town", "Traders say the new meters have cost them customers."),
            ("Water company fined over repeated sewage spills into estuary", "The regulator said the firm ignored warnings."),
            ("Historic pier to be restored with lottery funding", "Work on the Victorian structure starts in the autumn."),
            ("Museum reopens after renovation with a new dinosaur gallery", "Visitors can see a skeleton found in a quarry."),
        ), start=1)
    )  # fmt: skip
    paragraphs = "<BR><BR>\n".join(p for p in story["body"].split("\n") if p.strip())
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<HTML><HEAD><TITLE>{story["title"]} - Marsh Valley Gazette</TITLE></HEAD><BODY>
<TABLE WIDTH="100%"><TR><TD COLSPAN="3"><FONT SIZE="6">Marsh Valley Gazette</FONT><BR>Weather: Showers, 8C</TD></TR>
<TR><TD WIDTH="18%" VALIGN="top"><B>SECTIONS</B><BR>{menu}</TD>
<TD WIDTH="57%" VALIGN="top"><FONT SIZE="5"><B>{story["title"]}</B></FONT><BR>
<FONT SIZE="1">By Tom Radcliffe | <A HREF="/print">Printable version</A></FONT><BR><BR>
<TABLE ALIGN="right"><TR><TD><IMG SRC="/photo.jpg" WIDTH="200"></TD></TR></TABLE>
<FONT FACE="Georgia" SIZE="3">{paragraphs}</FONT><BR><BR><A HREF="/news">Back to News</A></TD>
<TD WIDTH="25%" VALIGN="top"><B>MOST READ</B><TABLE>{most}</TABLE></TD></TR>
<TR><TD COLSPAN="3"><FONT SIZE="1">&copy; Marsh Valley Gazette Ltd. All rights reserved.</FONT></TD></TR></TABLE>
</BODY></HTML>"""


def test_a_page_laid_out_with_tables_gives_its_story_and_no_box_beside_it():
    story = STORIES[0]
    raw = table_page(story)
    text = normalise(raw)
    story_words = normalise(story["body"]).words
    assert len(set(text.words) & set(story_words)) / len(set(story_words)) >= 0.95  # the story, whole
    assert "parking" not in text.text and "Sections" not in text.text.title()  # nor the boxes beside it
    assert len(text.words) <= 1.1 * len(story_words)
    assert unrolled("<?xml version='1.0' encoding='utf-8'?><html><body><table><tr><td>x</td></tr></table>") is None


def test_stories_in_one_table_layout_are_not_copies_and_one_in_two_layouts_is():
    detector = Detector(RollingIndex())
    labels = {}
    for story in STORIES:  # every page of the site carries the same menus and most-read box
        event = detector.process_message(orjson.dumps({"id": f"{story['id']}@table", "body": table_page(story)}))
        labels[event.article_id] = (event.label, event.matched_id)
    assert all(label == ("original", None) for label in labels.values()), labels
    event = detector.process_message(orjson.dumps({"id": "again", "body": page(STORIES[1], "semantic")}))
    assert (event.label, event.matched_id) == ("duplicate", f"{STORIES[1]['id']}@table")


def _brief_page(story: str) -> str:
    return f"""<!doctype html><html><head><title>Harbour News</title></head><body>
<div class="consent"><p>We use cookies to give you the best experience on our site and to show you relevant
adverts. You can change your cookie settings at any time in your browser.</p><a href="/ok">Accept</a></div>
<div class="nav"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></div>
<div class="main"><div class="post"><h1>Brief</h1><p>{story}</p>
<p class="tags">Topics: Transport Local government Business</p></div>
<div class="signup"><h3>Morning briefing</h3><p>The day's most important stories, delivered to your inbox
every morning before seven, with our editors' picks.</p><p>You can unsubscribe at any time.</p></div></div>
<div class="foot"><p>Harbour News Ltd, registered in Vellmar. All rights reserved.</p></div>
</body></html>"""


def test_a_one_sentence_story_on_a_page_comes_out_without_the_sites_boxes():
    """Under 250 characters of story, trafilatura 2.3 added the page's other paragraphs (its
    cookie notice, a newsletter box): two briefs of one site were then mostly the same text."""
    bus = "Single bus fares in Kelverton will rise by 6% from 1 April, the transport authority said on Thursday."
    tram = "The tram line to Saltreach will close for three weeks of track repairs from Monday, the operator said."
    for story in (bus, tram):
        assert main_text(_brief_page(story)).splitlines()[-1].startswith(story[:40])
        assert normalise(_brief_page(story)).text == normalise(story).text  # the story alone
    detector = Detector(RollingIndex())
    events = [
        detector.process_message(
            orjson.dumps({"id": name, "body": _brief_page(story), "published_at": f"2026-05-0{i}T08:00:00Z"})
        )
        for i, (name, story) in enumerate((("bus", bus), ("tram", tram)), 1)
    ]
    assert [e.label for e in events] == ["original", "original"]


def test_a_one_paragraph_story_comes_out_without_the_excerpts_after_its_article():
    """A WordPress post of one paragraph, its comments in <article> elements of their own and
    a "You may also like" box of other posts' excerpts after its </article> (``site_pages``,
    one site's chrome on both pages)."""
    from benchmarks.site_pages import render

    bus = "Single bus fares in Kelverton will rise by 6% from 1 April, the transport authority said on Thursday."
    tram = "The tram line to Saltreach will close for three weeks of track repairs from Monday, the operator said."
    pages = {
        name: render(
            "wordpress",
            title=title,
            paragraphs=[story],
            site="Kelvedon Courier",
            seed=700,
            other_headlines=["Tourism recovers", "New routes", "Shop of the year"],
        )
        for name, title, story in (("bus", "Bus fares to rise", bus), ("tram", "Tram line to close", tram))
    }
    assert main_text(pages["bus"]).splitlines()[-1] == bus
    detector = Detector(RollingIndex())
    events = [
        detector.process_message(orjson.dumps({"id": name, "body": body, "published_at": f"2026-05-0{i}T08:00:00Z"}))
        for i, (name, body) in enumerate(pages.items(), 1)
    ]
    assert [e.label for e in events] == ["original", "original"]
