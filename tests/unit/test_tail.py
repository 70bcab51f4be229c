"""copydesk tail's view: it upserts by article id and keeps each article's highest revision."""

from worker.tail import TailView


def event(article_id: str, label: str, revision: int = 0, story: str = "s") -> dict:
    matched = None if label == "original" else "x"
    return {"article_id": article_id, "label": label, "matched_id": matched, "story_id": story, "revision": revision}


def test_a_revision_replaces_an_article_s_event_and_a_stale_one_does_not():
    view = TailView()
    view.add(event("a", "original"))
    view.add(event("b", "original", story="b"))
    view.add(event("a", "rewrite", revision=1, story="b"))  # a late original displaced it
    view.add(event("a", "original"))  # the first event again, redelivered after the revision
    view.add(event("a", "rewrite", revision=1, story="b"))  # the revision again: no new count
    assert view.articles["a"]["label"] == "rewrite" and view.revisions == 1
    assert view.label_counts() == {"original": 1, "rewrite": 1}
    assert view.top_stories() == [("b", 1)]
    view.render()  # renders with the revision column
