"""Shared test helpers: the seeds from ../shared (skipped when absent) and the samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from worker.demo import sample_articles

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SCHEMAS = ROOT / "config" / "schemas"


def seed_messages() -> list[bytes]:
    """The five seeds as input messages, ids 000-004, one minute apart, in file order."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    files = sorted(SEEDS.glob("*.txt"))
    return [
        json.dumps(
            {"id": f.stem[:3], "body": f.read_text(encoding="utf-8"), "published_at": f"2026-01-02T00:0{i}:00Z"}
        ).encode()
        for i, f in enumerate(files)
    ]


# What ../shared/README.md requires of the seeds: 000 original, each later one a copy of an
# earlier seed (001/003 rewrite or duplicate, 002/004 rewrite).
SEED_ALLOWED = {
    "000": {"original"},
    "001": {"rewrite", "duplicate"},
    "002": {"rewrite"},
    "003": {"rewrite", "duplicate"},
    "004": {"rewrite"},
}
SEED_MATCH_ALLOWED = {"001": {"000"}, "002": {"000"}, "003": {"000"}, "004": {"000", "001", "002", "003"}}


def assert_seed_labels(events: dict[str, dict]) -> None:
    for article_id, allowed in SEED_ALLOWED.items():
        event = events[article_id]
        assert event["label"] in allowed, (article_id, event)
        if article_id in SEED_MATCH_ALLOWED:
            assert event["matched_id"] in SEED_MATCH_ALLOWED[article_id], (article_id, event)
            assert event["story_id"] == "000", (article_id, event)


# What the bundled samples are written to be (worker/demo/samples.jsonl).
SAMPLE_EXPECTED = {
    "nh-coastal-001": ("original", None),
    "sport-9021": ("original", None),
    "nh-portal-332": ("duplicate", "nh-coastal-001"),
    "sci-marine-17": ("original", None),
    "nh-metro-58": ("rewrite", "nh-coastal-001"),
    "travel-sky-1": ("original", None),
    "local-bake-4": ("original", None),
    "sci-digest-903": ("rewrite", "sci-marine-17"),
    "travel-agg-77": ("duplicate", "travel-sky-1"),
    "nh-voices-12": ("original", None),  # independent report of the tram story
    "wx-alert-5": ("original", None),
    "sci-repost-44": ("duplicate", "sci-marine-17"),
    "travel-news-808": ("rewrite", "travel-sky-1"),
}
# A copy may name any earlier member of its story as its match (a rewrite of a story that
# was also republished matches the original or the republication).
SAMPLE_ALSO_MATCHES = {"travel-news-808": {"travel-agg-77"}}


def assert_sample_labels(got: dict[str, tuple[str, str | None]]) -> None:
    """``got``: article id -> (label, matched id), for every sample."""
    assert set(got) == set(SAMPLE_EXPECTED)
    for article_id, (label, matched) in SAMPLE_EXPECTED.items():
        allowed = {matched} | SAMPLE_ALSO_MATCHES.get(article_id, set())
        assert got[article_id][0] == label and got[article_id][1] in allowed, (article_id, got[article_id])


@pytest.fixture
def samples() -> list[bytes]:
    return sample_articles()


# A report and its translation into German (written for this test), with figures in both
# languages' ways of writing them: thousands with a comma or a dot, days by name.
HARBOUR_EN = (
    "Harbour workers in Vellmar will strike for 48 hours from Monday after talks with the port operator "
    "Nordkai Logistics broke down, the union Seeverdi said on Friday. About 1,900 dockers want a pay rise "
    "over two years; Nordkai offered half of it. Union leader Greta Olsberg said the strike would halt 85 "
    "percent of container traffic. The port handled 340 ships last year, and a two-day stoppage would cost "
    "shippers around 60 million euros, according to the chamber of commerce in Vellmar."
)
HARBOUR_DE = (
    "Die Hafenarbeiter in Vellmar wollen ab Montag 48 Stunden lang streiken, nachdem die Gespräche mit dem "
    "Hafenbetreiber Nordkai Logistics gescheitert sind, wie die Gewerkschaft Seeverdi am Freitag mitteilte. "
    "Rund 1.900 Hafenarbeiter fordern eine Lohnerhöhung über zwei Jahre; Nordkai bot die Hälfte. "
    "Gewerkschaftschefin Greta Olsberg sagte, der Streik werde 85 Prozent des Containerverkehrs lahmlegen. "
    "Der Hafen fertigte im vergangenen Jahr 340 Schiffe ab, und ein zweitägiger Ausstand würde die Reedereien "
    "nach Angaben der Handelskammer in Vellmar rund 60 Millionen Euro kosten."
)
