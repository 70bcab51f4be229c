"""Whole pages in the four site templates of ``site_pages.py``: is the story taken out whole,
with nothing else, and do labels follow the story, not the site?

Every news story of ``benchmarks/texts`` (its source article) is rendered in each template,
once with chrome drawn per page and once with one site's chrome on every page (the same
menus, boxes, letters and comments: one site on one day, the hard case).  Per template:
the share of the story's words the extraction keeps (recall) and the share of what it gives
that is not the story (leak); then the pages through ``copydesk label`` in one stream,
each story's four pages an hour or more apart, in the order of ``TEMPLATES``: a story's
first page is the original and the other three duplicates of it, and no page is a copy of
another story's.  Then each template's pages alone, different stories in one site's
template: none is a copy of another.  Last, short items (the flashes of ``texts/templates``,
one to three sentences, where a site's boxes can outweigh the story) in these four templates
and the five of ``pages.py``, with one site's chrome and with chrome drawn per page: different
items are never copies, and an item in two templates is a duplicate.

    make bench-pages     # = python -m benchmarks.page_check
"""

from __future__ import annotations

import io
import random
import sys
from collections import Counter, defaultdict

import orjson

from benchmarks import pages as five
from benchmarks.site_pages import TEMPLATES, render
from benchmarks.written import texts
from worker.cli import label_stream
from worker.core.normalise import html_to_text, tokenize
from worker.settings import Settings

SITES = {"wordpress": "The Northfield Ledger", "legacy-table": "Marsh Valley Gazette", "spa-ssr": "Meridian News",
         "portal": "RegioNow"}  # fmt: skip


def pages(one_site_chrome: bool) -> list[dict]:
    """Every news story's source in every template."""
    rows = [r for name in ("news_a", "news_b") for r in texts(name)]
    sources = [r for r in rows if r["kind"] == "src"]
    out = []
    for i, row in enumerate(sources):
        others = [r["title"] for r in rows if r["family"] != row["family"]]
        paragraphs = [p.strip() for p in row["body"].split("\n\n") if p.strip()]
        for j, template in enumerate(TEMPLATES):
            seed = 500 + j if one_site_chrome else 1000 + 17 * i + 101 * j
            headlines = [r["title"] for r in rows if r["kind"] != "src"][:40] if one_site_chrome else others
            headlines = [h for h in headlines if h != row["title"]][:30] if one_site_chrome else headlines
            body = render(template, title=row["title"], paragraphs=paragraphs, site=SITES[template], seed=seed,
                          other_headlines=headlines)  # fmt: skip
            out.append({"id": f"{row['id']}@{template}", "family": row["family"], "template": template,
                        "story": row["body"], "body": body, "at": (j, i)})  # fmt: skip
    return out


def extraction(rows: list[dict]) -> dict[str, tuple[float, float, float]]:
    """Per template: mean recall, lowest recall, mean leak."""
    per: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in rows:
        story, got = Counter(tokenize(row["story"])), Counter(tokenize(html_to_text(row["body"])))
        recall = sum((story & got).values()) / sum(story.values())
        leak = sum((got - story).values()) / max(1, sum(got.values()))
        per[row["template"]].append((recall, leak))
    return {
        t: (sum(r for r, _ in v) / len(v), min(r for r, _ in v), sum(x for _, x in v) / len(v)) for t, v in per.items()
    }


def labels(rows: list[dict]) -> tuple[Counter, int]:
    """Per template, the labels of its pages that are not their story's first (each should
    be a duplicate of the story), and how many pages are called copies of another story's."""
    lines = []
    for row in rows:
        template, story = row["at"]
        stamp = f"2026-03-{1 + story // 6:02d}T{6 * template + story % 6:02d}:{story:02d}:00Z"
        lines.append(orjson.dumps({"id": row["id"], "body": row["body"], "published_at": stamp}))
    out = io.BytesIO()
    label_stream(io.BytesIO(b"\n".join(lines) + b"\n"), out, io.BytesIO(), Settings(), final=True)
    events = [orjson.loads(line) for line in out.getvalue().splitlines()]
    family = {row["id"]: row["family"] for row in rows}
    first = {row["family"]: row["id"] for row in reversed(rows)}  # each story's first page (the first template)
    got = Counter((e["article_id"].split("@")[1], e["label"]) for e in events if e["article_id"] not in first.values())
    crossed = sum(
        e.get("matched_id") is not None and family[e["matched_id"]] != family[e["article_id"]] for e in events
    )
    return got, crossed


def short_items() -> list[dict]:
    """Texts of one to three sentences (the flashes: no two the same story)."""
    return [r for r in texts("templates") if r["kind"] != "flash-pair" or r["id"].endswith("-a")
            if r["id"].startswith("fl") and r["label"] == "original"]  # fmt: skip


def short_page(row: dict, template: str, seed: int) -> str:
    """``row`` as a page of ``template``, its chrome drawn from ``seed``."""
    if template in TEMPLATES:
        return render(template, title=row["title"], paragraphs=[row["body"]], site="Kelvedon Courier", seed=seed,
                      other_headlines=[r["title"] for r in short_items()])  # fmt: skip
    return five.render_page(template, title=row["title"], body=row["body"], site="Kelvedon Courier",
                            rng=random.Random(seed), headlines=[r["title"] for r in short_items()])  # fmt: skip


def short_labels() -> None:
    """Per template, short items alone, with one site's chrome on every page and with chrome
    drawn per page (none a copy of another), then each item in two templates (a duplicate)."""
    items = short_items()
    templates = (*TEMPLATES, *five.TEMPLATES)
    sys.stdout.write(f"short items ({len(items)}, one to three sentences), pages alone called copies:\n")
    sys.stdout.write(f"  {'template':13} {'one chrome':>10} {'per page':>9}\n")
    for k, template in enumerate(templates):
        crossed = []
        for per_page in (False, True):
            rows = [{"id": f"{r['id']}@{template}", "family": r["family"], "story": r["body"],
                     "body": short_page(r, template, 1000 + 31 * i + k if per_page else 700 + k), "at": (0, i)}
                    for i, r in enumerate(items)]  # fmt: skip
            crossed.append(labels(rows)[1])
        sys.stdout.write(f"  {template:13} {crossed[0]:10d} {crossed[1]:9d}\n")
    pairs: Counter = Counter()
    for i, r in enumerate(items):
        first, second = templates[i % len(templates)], templates[(i + 3) % len(templates)]
        rows = [{"id": f"{r['id']}@{t}", "family": r["family"], "story": r["body"],
                 "body": short_page(r, t, 900 + i), "at": (j, i)} for j, t in enumerate((first, second))]  # fmt: skip
        got, _ = labels(rows)
        pairs.update(label for (_, label), n in got.items() for _ in range(n))
    sys.stdout.write(f"  an item in two templates: {', '.join(f'{n} {label}' for label, n in sorted(pairs.items()))}\n")


def main() -> int:
    for one_site_chrome in (False, True):
        rows = pages(one_site_chrome)
        sys.stdout.write(f"chrome {'one per site' if one_site_chrome else 'drawn per page'}: {len(rows)} pages\n")
        for template, (recall, lowest, leak) in extraction(rows).items():
            sys.stdout.write(
                f"  {template:13} story kept {recall:.3f} (lowest {lowest:.3f})  not the story {leak:.3f}\n"
            )
        got, crossed = labels(rows)
        for template in TEMPLATES[1:]:
            counts = ", ".join(f"{n} {label}" for (t, label), n in sorted(got.items()) if t == template)
            sys.stdout.write(f"  {template:13} its story already in: {counts}\n")
        sys.stdout.write(f"  pages called copies of another story's: {crossed}\n")
        for template in TEMPLATES:  # one site's pages alone: different stories, never copies
            _, crossed = labels([row for row in rows if row["template"] == template])
            sys.stdout.write(
                f"  {template:13} its {len(rows) // len(TEMPLATES)} pages alone: {crossed} called copies\n"
            )
    short_labels()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
