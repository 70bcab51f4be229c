"""The synthetic whole pages of benchmarks/pages.py: every template carries the story, and more chrome than story."""

from __future__ import annotations

import html
import random
import re

import pytest

from benchmarks.pages import HEADLINES, TEMPLATES, render_page

WORD = re.compile(r"\w+(?:'\w+)*")
SITE = "The Example Gazette"
TITLE = "Council's riverside plan <approved> after 'heated' debate"
FILLER = (
    *("the", "council", "said", "on", "monday", "that", "residents", "would", "be", "consulted", "about"),
    *("the", "new", "flood", "defences", "before", "any", "final", "decision", "was", "taken", "by", "its", "chair"),
)


def story(words: int, seed: int = 0) -> str:
    """A body of exactly `words` words in paragraphs of 25-45 words, separated by blank lines."""
    rng = random.Random(seed)
    paragraphs = []
    left = words
    while left:
        n = min(left, rng.randint(25, 45))
        paragraphs.append(" ".join(rng.choice(FILLER) for _ in range(n)).capitalize() + ".")
        left -= n
    return "\n\n".join(paragraphs)


def render(template: str, seed: int = 1, body: str | None = None, headlines: tuple[str, ...] = ()) -> str:
    body = story(150) if body is None else body
    return render_page(template, title=TITLE, body=body, site=SITE, rng=random.Random(seed), headlines=headlines)


def visible_words(page: str) -> int:
    text = re.sub(r"(?is)<(script|style|noscript)\b.*?</\1\s*>", " ", page)
    text = re.sub(r"(?s)<[^>]*>", " ", text)
    return len(WORD.findall(html.unescape(text)))


def chrome_words(page: str, body: str) -> int:
    return visible_words(page) - len(WORD.findall(body)) - len(WORD.findall(TITLE))


@pytest.mark.parametrize("template", TEMPLATES)
def test_page_carries_the_whole_story(template):
    body = story(300, seed=7) + '\n\nResidents said "enough is enough" & <b>walked out</b> of the meeting.'
    page = render(template, body=body)
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
    assert "<head>" in page and "</head>" in page and "<body" in page
    assert html.escape(TITLE) in page
    assert f"<title>{html.escape(TITLE)}" in page
    paragraphs = body.split("\n\n")
    assert len(paragraphs) > 3
    for paragraph in paragraphs:
        assert html.escape(paragraph) in page
    assert SITE in page


@pytest.mark.parametrize("template", TEMPLATES)
def test_head_has_scripts_styles_and_json_ld(template):
    page = render(template)
    head = page[: page.index("</head>")]
    assert "<meta" in head and "<style" in head and "<script" in head
    assert 'type="application/ld+json"' in head


def test_div_only_has_no_semantic_tags():
    for seed in range(20):
        page = render("div-only", seed=seed)
        for tag in ("<header", "<nav", "<main", "<article", "<aside", "<footer", "<section"):
            assert tag not in page, (seed, tag)


def test_semantic_blog_amp_and_comments_markers():
    semantic = render("semantic")
    for tag in ("<header", "<nav", "<main", "<article", "<h1>", "<time", "<aside", "<footer", "Most read"):
        assert tag in semantic
    blog = render("blog")
    assert '<h2 class="entry-title">' in blog and "Archives" in blog and "tagcloud" in blog
    assert 3 <= blog.count('<li class="comment"') <= 10
    amp = render("amp")
    assert re.search(r"<html (amp|\u26a1) ", amp)
    for tag in ("amp-boilerplate", "<amp-img", "<amp-analytics", "<amp-social-share", "<amp-sidebar", "Read more"):
        assert tag in amp
    comments = render("comments")
    assert 10 <= comments.count('<div class="comment depth-') <= 25
    assert "You may also like" in comments and "Read more" in comments


def test_comment_threads_nest():
    nested = [render("comments", seed=seed).count('class="c-replies"') for seed in range(10)]
    assert max(nested) > 0
    assert any("depth-2" in render("comments", seed=seed) for seed in range(20))


@pytest.mark.parametrize("template", TEMPLATES)
def test_chrome_outweighs_the_story(template):
    body = story(150)
    story_words = len(WORD.findall(body))
    assert story_words == 150
    for seed in range(25):
        chrome = chrome_words(render(template, seed=seed, body=body), body)
        assert chrome > story_words, (seed, chrome)
        assert 300 <= chrome <= 900, (seed, chrome)


def test_given_headlines_are_used_but_not_the_own_title():
    others = ("Harbour master warns of winter storm damage", "Library volunteers celebrate tenth anniversary")
    page = render("semantic", headlines=(*others, TITLE))
    assert all(html.escape(h) in page for h in others)
    own = [h for h in HEADLINES if html.escape(h) in page]
    assert own, "the module's own headlines are mixed in"
    # The page's own title appears where the story is, never as a link to another story.
    assert f">{html.escape(TITLE)}</a>" not in page


@pytest.mark.parametrize("template", TEMPLATES)
def test_same_seed_same_page_other_seed_other_page(template):
    assert render(template, seed=3) == render(template, seed=3)
    assert render(template, seed=3) != render(template, seed=4)


def test_page_varies_with_rng():
    pages = {render("div-only", seed=seed) for seed in range(10)}
    assert len(pages) == 10
    menus = {len(re.findall(r'<li><a href="/[a-z-]+/">', p)) for p in pages}
    assert len(menus) > 1


def test_unknown_template_is_refused():
    with pytest.raises(ValueError):
        render("newspaper")
    with pytest.raises(ValueError):
        render("")
