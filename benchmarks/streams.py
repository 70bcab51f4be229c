"""Labelled benchmark streams built at run time from the real corpora in ``../shared/data``.

Nothing from those corpora is stored in the repository: every stream is rebuilt from them,
deterministically (fixed random seed), each time.  Every stream comes in two disjoint halves
built from different source items: ``tune`` (thresholds may be looked at on it) and
``heldout`` (only reported).  Every stream interleaves unrelated real articles (Lee et al.
background articles) so that each label is earned against a populated table.

Kinds of stream:

* ``seeds``: the five versions of one story the project started from.
* ``duplicates``: Lee background articles and their republications with site furniture,
  bylines, HTML, whitespace and punctuation changes, truncation, a paragraph added or cut.
* ``rewrites``: MSRP paraphrase pairs composed into articles; the rewrite paraphrases a
  share (the depth: 50%, 75% or 100%) of the article's sentences.
* ``same-event``: the Lee documents (pairs rated similar by people are different articles
  on one story): hard negatives that must stay originals.
* ``msrp-negatives``: MSRP non-paraphrase pairs composed into article pairs (reported only).
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from stop_words import get_stop_words

from benchmarks.metrics import Truth

SPLITS = ("tune", "heldout")
_START = datetime(2026, 3, 1, tzinfo=UTC)


@dataclass
class Stream:
    name: str
    split: str
    articles: list[dict] = field(default_factory=list)
    truth: list[Truth] = field(default_factory=list)

    def add(
        self, article_id: str, body: str, label: str, family: str, *, hard_negative: bool = False, **extra: str
    ) -> None:
        published = _START + timedelta(minutes=len(self.articles))
        self.articles.append({"id": article_id, "body": body, "published_at": published.isoformat(), **extra})
        self.truth.append(Truth(article_id, label, family, hard_negative))

    def messages(self) -> list[bytes]:
        return [orjson.dumps(a) for a in self.articles]

    def write(self, folder: Path) -> tuple[Path, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        stream_path = folder / f"{self.name}.{self.split}.jsonl"
        truth_path = folder / f"{self.name}.{self.split}.truth.jsonl"
        stream_path.write_bytes(b"".join(m + b"\n" for m in self.messages()))
        truth_path.write_bytes(
            b"".join(
                orjson.dumps(
                    {"id": t.article_id, "label": t.label, "family": t.family, "hard_negative": t.hard_negative}
                )
                + b"\n"
                for t in self.truth
            )
        )
        return stream_path, truth_path


def read_truth(path: Path) -> list[Truth]:
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return [Truth(r["id"], r["label"], r["family"], bool(r.get("hard_negative"))) for r in rows]


# --- source corpora --------------------------------------------------------------------

# Words for choosing the background articles: the streams stay the same texts whatever the
# worker's own tokenizer does.
_WORDS = re.compile(r"[^\W_]+")


def lee_background(shared: Path, max_overlap: float = 0.4) -> list[str]:
    """The background articles, less those that repeat or continue an earlier one.

    The file holds a few exact repeats and several bulletins on one running story (the
    same outlet's updates), which would make "unrelated distractors" copies of each other.
    An article is kept only if under ``max_overlap`` of its words (or of the other's) are
    content words are shared with every article kept before it.
    """
    path = shared / "data" / "lee_news_similarity" / "lee_background.cor"
    stops = set(get_stop_words("english"))
    kept: list[tuple[str, set[str]]] = []
    for line in path.read_text(encoding="latin-1").splitlines():
        words = set(_WORDS.findall(line.casefold())) - stops
        if len(words) < 20:
            continue
        if all(len(words & other) / min(len(words), len(other)) < max_overlap for _, other in kept):
            kept.append((line.strip(), words))
    return [text for text, _ in kept]


def lee_documents(shared: Path) -> tuple[list[str], dict[tuple[int, int], float]]:
    folder = shared / "data" / "lee_news_similarity"
    docs = [line.strip() for line in (folder / "lee.cor").read_text(encoding="latin-1").splitlines() if line.strip()]
    pairs: dict[tuple[int, int], float] = {}
    with open(folder / "lee_pairs.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            pairs[(int(row["doc_i"]), int(row["doc_j"]))] = float(row["human_similarity_0_1"])
    return docs, pairs


def msrp_pairs(shared: Path, split: str) -> list[tuple[int, str, str]]:
    name = "msr_paraphrase_train.txt" if split == "tune" else "msr_paraphrase_test.txt"
    text = (shared / "data" / "msrp" / name).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [(int(r[0]), r[3], r[4]) for r in rows if len(r) >= 5]


def _split(items: list, split: str) -> list:
    """Even positions for tuning, odd ones held out: disjoint source items."""
    return items[0::2] if split == "tune" else items[1::2]


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s.strip()]


def paragraphs(text: str, rng: random.Random) -> list[str]:
    out, current = [], []
    for s in sentences(text):
        current.append(s)
        if len(current) >= rng.randint(2, 3):
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


# --- republication noise (text written for this project) --------------------------------

_HEADERS = [
    "Home | World | Business | Sport | Opinion",
    "Latest news",
    "Tuesday, 14 May 2024",
    "By Staff Reporter",
    "By Alex Morgan, Political Correspondent",
    "| 03 March 2024, Sunday |",
]
_FOOTERS = [
    "Share this article",
    "Follow us on Facebook and Twitter for the latest updates.",
    "© 2024 The Morning Ledger. All rights reserved.",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Also read: Ten things you missed this week",
    "Related: More stories from this region",
]


def _html(paras: list[str]) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paras)
    return (
        "<html><head><title>News</title><script>var ads = [];</script></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>\n"
        f"<article>{body}</article><footer><p>Contact us</p><p>Privacy policy</p></footer></body></html>"
    )


def _punctuate(text: str, rng: random.Random) -> str:
    text = text.replace(" - ", " — ").replace("'", "’")
    text = re.sub(r"\s+", lambda m: "  " if rng.random() < 0.1 else " ", text)
    return re.sub(r",(?= )", lambda m: "" if rng.random() < 0.3 else ",", text)


def republish(text: str, rng: random.Random, extra_paragraph: str) -> tuple[str, str]:
    """A noisy copy of ``text`` and a short description of the noise applied."""
    paras = paragraphs(text, rng)
    applied = []
    edits = rng.sample(["header", "footer", "html", "punctuation", "truncate", "add", "cut"], k=rng.randint(2, 4))
    if "truncate" in edits and len(paras) > 2:
        keep = max(2, int(len(paras) * rng.uniform(0.6, 0.85)))
        paras = paras[:keep]
        applied.append("truncated")
    if "cut" in edits and len(paras) > 3:
        del paras[rng.randrange(1, len(paras) - 1)]
        applied.append("paragraph cut")
    if "add" in edits:
        paras.append(extra_paragraph)
        applied.append("paragraph added")
    if "punctuation" in edits:
        paras = [_punctuate(p, rng) for p in paras]
        applied.append("punctuation")
    if "header" in edits:
        paras = rng.sample(_HEADERS, k=2) + paras
        applied.append("header")
    if "footer" in edits:
        paras = paras + rng.sample(_FOOTERS, k=2)
        applied.append("footer")
    if "html" in edits:
        applied.append("html")
        return _html(paras), "+".join(applied)
    return "\n\n".join(paras), "+".join(applied) or "whitespace"


# --- streams ---------------------------------------------------------------------------


def _interleave(stream: Stream, items: list[tuple], distractors: list[str], rng: random.Random, prefix: str) -> None:
    """Add (id, body, label, family, hard[, fields]) items in order with distractors spread between."""
    slots = sorted(rng.sample(range(len(items) + len(distractors)), len(distractors)))
    pending = iter(items)
    d = iter(enumerate(distractors))
    for position in range(len(items) + len(distractors)):
        if slots and position == slots[0]:
            slots.pop(0)
            i, text = next(d)
            stream.add(f"{prefix}-bg{i}", text, "original", f"{prefix}-bg{i}")
        else:
            article_id, body, label, family, hard, *fields = next(pending)  # fields: title, ...
            stream.add(article_id, body, label, family, hard_negative=hard, **(fields[0] if fields else {}))


def seeds_stream(shared: Path) -> Stream:
    stream = Stream("seeds", "all")
    for i, path in enumerate(sorted((shared / "seeds").glob("*.txt"))):
        # ../shared/README.md: 001 and 003 may be rewrite or duplicate; scored as rewrite.
        stream.add(path.stem[:3], path.read_text(encoding="utf-8"), "original" if i == 0 else "rewrite", "000")
    return stream


def duplicates_stream(
    shared: Path, split: str, rng: random.Random, originals: int = 40, distractors: int = 80
) -> Stream:
    pool = _split(lee_background(shared), split)
    rng.shuffle(pool)
    sources, extra, background = pool[:originals], pool[originals:], pool[originals : originals + distractors]
    items: list[tuple] = []
    for i, text in enumerate(sources):
        items.append((f"dup-{split}-{i}", text, "original", f"dup-{split}-{i}", False))
    copies = []
    for i, text in enumerate(sources):
        added = rng.choice(sentences(rng.choice(extra)))
        body, _ = republish(text, rng, added)
        copies.append((f"dup-{split}-{i}-copy", body, "duplicate", f"dup-{split}-{i}", False))
    ordered = _pairs_in_order(items, copies, rng)
    stream = Stream("duplicates", split)
    _interleave(stream, ordered, background, rng, f"dup-{split}")
    return stream


def _compose(pairs: list[tuple[int, str, str]], size: int, rng: random.Random) -> Iterator[list[tuple[int, str, str]]]:
    pairs = pairs[:]
    rng.shuffle(pairs)
    for start in range(0, len(pairs) - size + 1, size):
        yield pairs[start : start + size]


def rewrites_stream(shared: Path, split: str, rng: random.Random, articles: int = 45, distractors: int = 80) -> Stream:
    positives = [p for p in msrp_pairs(shared, split) if p[0] == 1]
    depths = (0.5, 0.75, 1.0)
    originals, copies = [], []
    for n, group in enumerate(_compose(positives, 8, rng)):
        if n >= articles:
            break
        family = f"rw-{split}-{n}"
        depth = depths[n % len(depths)]
        chosen = set(rng.sample(range(len(group)), k=round(depth * len(group))))
        original = " ".join(a for _, a, _ in group)
        rewrite = " ".join(b if i in chosen else a for i, (_, a, b) in enumerate(group))
        originals.append((family, original, "original", family, False))
        copies.append((f"{family}-d{int(depth * 100)}", rewrite, "rewrite", family, False))
    background = _split(lee_background(shared), split)[-distractors:]
    stream = Stream("rewrites", split)
    _interleave(stream, _pairs_in_order(originals, copies, rng), background, rng, f"rw-{split}")
    return stream


def _pairs_in_order(first: list[tuple], second: list[tuple], rng: random.Random) -> list[tuple]:
    """Each second item some places after its first one."""
    out: list[tuple] = []
    queue: list[tuple] = []
    for a, b in zip(first, second):
        out.append(a)
        queue.append(b)
        if len(queue) > rng.randint(1, 4):
            out.append(queue.pop(0))
    return out + queue


def msrp_negatives_stream(
    shared: Path, split: str, rng: random.Random, pairs: int = 30, distractors: int = 80
) -> Stream:
    """MSRP non-paraphrase pairs composed into article pairs.  Their sentences come from one
    news cluster and mostly restate each other with a detail changed, so the second article
    is nearer a rewrite with edits than an independent report: reported, with no target,
    and never fitted on."""
    negatives = [p for p in msrp_pairs(shared, split) if p[0] == 0]
    firsts, seconds = [], []
    for n, group in enumerate(_compose(negatives, 8, rng)):
        if n >= pairs:
            break
        family = f"hn-{split}-{n}"
        firsts.append((f"{family}-a", " ".join(a for _, a, _ in group), "original", f"{family}-a", False))
        seconds.append((f"{family}-b", " ".join(b for _, _, b in group), "original", f"{family}-b", True))
    background = _split(lee_background(shared), split)[:distractors]
    stream = Stream("msrp-negatives", split)
    _interleave(stream, _pairs_in_order(firsts, seconds, rng), background, rng, f"hn-{split}")
    return stream


def same_event_stream(shared: Path, split: str, rng: random.Random, distractors: int = 80) -> Stream:
    """The Lee et al. 50 news documents: different articles, some on one story (pairs people
    rated >= 0.7 similar are flagged as hard negatives); every one must stay original."""
    docs, similarity = lee_documents(shared)
    items = []
    for i in range(0 if split == "tune" else 1, len(docs), 2):
        related = any(similarity.get((j, i), 0) >= 0.7 for j in range(i - 1, -1, -1) if j % 2 == i % 2)
        items.append((f"lee-{i}", docs[i], "original", f"lee-{i}", related))
    background = _split(lee_background(shared), split)[:distractors]
    stream = Stream("same-event", split)
    _interleave(stream, items, background, rng, f"lee-{split}")
    return stream


def build_streams(shared: Path, seed: int = 7) -> list[Stream]:
    """All streams, both halves; raises FileNotFoundError when ``shared`` is incomplete."""
    if not (shared / "data").is_dir() or not (shared / "seeds").is_dir():
        raise FileNotFoundError(f"{shared} has no data/ and seeds/")
    streams = [seeds_stream(shared)]
    for split in SPLITS:
        for build in (duplicates_stream, rewrites_stream, msrp_negatives_stream, same_event_stream):
            streams.append(build(shared, split, random.Random(f"{seed}-{build.__name__}-{split}")))
    return streams
