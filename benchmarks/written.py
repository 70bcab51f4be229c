"""Benchmark streams from texts written for this project (``benchmarks/texts/``).

No public corpus here has the copies real sites make, nor the look-alikes that are not
copies, so these were written for the project (fictional news, invented names and figures):

* ``student``: short encyclopedia-style answers after the design of the student-rewrite
  corpora: a source, a cut-and-paste answer (duplicate), a light and a heavy revision
  (rewrites: sentences merged, split and reordered) and an answer written independently on
  the same topic (a hard negative).
* ``concepts``: the same design on technical concepts with next to no names or figures
  (hash tables, osmosis, opportunity cost, ...), several answers of each kind per question
  and three independent answers, so copies must be told by their words alone.
* ``news``: wire stories and what other sites make of them: an AI paraphrase, a human
  rewrite that merges and reorders, a machine-translation-style rewrite, a partial rewrite
  (the first half reworded), an update with changed figures (rewrites), a republication
  with site furniture (duplicate, made here by ``streams.republish``) and an independent
  report of the same event (a hard negative).
* ``templates``: agency reports filled from one template with other facts (earnings, match,
  weather, markets, lottery, election: hard negatives of each other), some with another
  outlet's rewrite or a republication.
* ``flashes``: one- to three-sentence flashes: pairs that differ in one fact (hard
  negatives), flashes with a rewrite or a republication.
* ``pages``: the news stories as whole web pages in five site templates (``pages.py``), among
  unrelated articles in the same templates: one story in two templates is a duplicate, its
  paraphrase in a third a rewrite, different stories in one template are never copies.
* ``translations``: the news stories (English) and a faithful translation of each into German,
  French, Spanish, Italian or Portuguese (rewrites of the story), and for half of them an
  independent report of the same event written in another of those languages (a hard
  negative).  Each translated article carries its ``language``.
* ``scripts``: translations of the news and updates stories into languages whose names
  cannot be compared with English ones (Russian, Greek, Chinese, Arabic, Hebrew, ...; and
  Polish), and independent reports of their events in such languages (hard negatives).
  Written after the name-and-figure rule for translations; ``translations_c`` (ru, pl, zh,
  el) before the figures-alone rule, which was read with it, ``translations_d`` after;
  ``translations_e`` (zh, ja, ko, figures in myriads) after the rules for figures written
  with words for thousands or in myriads, before CJK was tokenised in character pairs.
* ``updates``: other wire stories, each with three updates by its outlet (a new lead; two or
  three figures changed and a sentence added; two paragraphs added: rewrites), two
  republications (with site furniture; the first two thirds: duplicates) and an independent
  report of the same event (a hard negative).  Not fitted on.
* ``news-c``, ``student-b``, ``templates-b`` and ``flashes-b``: the designs of ``news``,
  ``student``, ``templates`` and ``flashes`` on texts helpers wrote after decision version 8
  (``news_c``: 12 wire stories in an invented country; ``student_b``: 12 short-answer
  questions, the revisions written as students write them, keeping some of the source's
  phrases; ``templates_b``: six other templates, court, crash, fx, quake, jobs and airport
  reports, and flashes).  Not fitted on: what the decision does on copies and look-alikes
  written after it.  Read from them: the dateline without a comma before its agency
  ("ESTRELLE Aug 28 (APA) - ", a republication of ``news_c`` an update by its words) and an
  agency's credit after a paragraph (" - Norvale Press Agency", one of ``templates_b``'s).
* ``templates-c``, ``flashes-c``, ``templates-d``, ``flashes-d``, ``templates-e``: templated
  reports in formats with fixed sentences around the slots (a closing paragraph, a
  helpline), and flashes, that helpers wrote after decision version 9.  Not fitted on.  The
  boilerplate and slot-facts rules (``classify.verify``) were written from ``templates_c``;
  ``templates_d`` was written beside it, ``templates_e`` after both rules.  ``flashes-e``,
  with updates of flashes among its copies, was written after the flash rule, and
  ``templates-f`` (daily and monthly data reports) after all of them.  ``templates-g``
  (inspections, missing-person appeals, planning decisions, recalls, sentencing reports,
  appointments, each format with fixed paragraphs) was written after decision version 12's
  lead cut-off beside a shared sentence (``boilerplate_lead_shared``), to check it, and
  ``flashes-f`` (pairs of flashes differing in one fact, six of them in a one-digit figure;
  rewrites, republications and updates) after decision version 11's one-digit figures;
  ``flashes-g`` (the same kinds, its updates written three ways: a clause added, the lead
  rewritten, a figure and a word or two revised) after the words-added cut-off
  (``flash_words_added``), to check it; ``updates-d`` (the design of ``updates``, with
  republications in another house style and with lines about related stories, and updates
  adding one sentence of news) after the sentence-of-news cut-off (``update_words``);
  ``updates-e`` (write-throughs with a new lead, updates with new paragraphs on top or
  figures revised, republications with furniture, an edited lead, or cut short) after the
  new-lead cut-off (``update_lead``), to check it; ``updates-f`` (updates adding one
  sentence about a named person of the story or naming a new one, or a paragraph;
  republications with headlines of related stories naming the story's names) after a
  sentence sharing two of the story's words, one a name, was read as about the story
  (``outline.STORY_NAMED``), to check it; ``updates-g`` (updates adding one sentence to a
  paragraph inside the story or to its last, or a paragraph inside it; republications with
  captions, pull quotes and boxes of related headlines inside the story, or furniture around
  it) after a sentence inside the story was read as about it, to check that; ``updates-h``
  (updates adding one sentence to the last paragraph or a middle one, or a paragraph after
  the lead; republications with furniture between paragraphs, an agency's credit after
  them, or cut short) after a sentence in a paragraph with one of the story's was read as
  about it, to check that; ``news-d`` (wire stories with an AI paraphrase, a partial
  rewrite, a condensed human rewrite, a news-in-brief item and an independent report) and
  ``student-c`` (answers to exam questions: cut and pasted, lightly and heavily revised,
  and two written without the source) after decision version 15's words found anywhere;
  ``flashes-h`` (look-alike pairs, updates, rewrites and republications of flashes) after a
  flash revising a figure and adding words was made an update; ``updates-i`` (updates adding
  one short sentence to a middle paragraph or the last, a short paragraph, or revising the
  lead's figures; republications with captions, teasers and pull quotes between paragraphs,
  or a partner's byline, credits and cut) after a sentence inside the story was given its own
  cut-off (``update_words_inside``); ``flashes-i`` (look-alike pairs differing in a figure
  in digits or in words, a place, a name, a day or a thing; republications, some with a
  copy editor's synonym; updates; rewrites) after every rule above, to check them;
  ``flashes-j`` (look-alike pairs, half of them differing in a thing; republications with a
  copy editor's synonym, four of a noun; updates; rewrites keeping a sentence with a synonym)
  after a common noun swapped in a flash was made another flash, to check it.
* ``languages``, ``languages-b`` and ``languages-c``: wire stories written in German, French,
  Spanish and Italian (``languages_a``, 16) and in Portuguese, Dutch, German, French, Spanish
  and Italian (``languages_b`` and ``languages_c``, 12 each), each with a republication in its site's furniture in that language
  (duplicates), an AI paraphrase, a heavy rewrite and an update in the same language
  (rewrites) and an independent report (a hard negative), and pairs of templated reports in
  those languages with other facts (hard negatives); the articles say no language.  Written
  after decision version 15; the furniture of other languages and the language of a text
  that gives none were read from ``languages``, then checked on ``languages-b`` and read from
  it too, then checked on ``languages-c`` (written after both) and read from it too.
* ``republished``: English wire stories, each republished by three sites in their furniture
  (image captions and credits, stamps, boxes of other stories, reader call-outs, amendment
  notes) with one house-style edit each (duplicates), an update (a rewrite) and an
  independent report (a hard negative); written after every rule above, to check them.
* ``wire``: English wire stories giving times on the 12-hour clock, each with a
  republication in a site's furniture and house style (the 24-hour clock, British spelling,
  day-month dates: a duplicate), an AI paraphrase, a heavy rewrite and an update (rewrites)
  and an independent report (a hard negative), and pairs of templated reports with other
  facts (hard negatives); written after a time on either clock was read as one figure, to
  check it.  ``wire-b``: the same design, each republication in the other house style (US
  and AP, or British and Reuters), with the furniture of other sites; written after the rules
  read from ``wire``, to check them.
* ``paraphrases``: the news stories, two AI-style paraphrases of each that keep the meaning
  and change most words (``para-reword``: every fact, new words and sentences, 4-14% of its
  word 3-grams in the source; ``para-restructure``: reorganised and shortened, 2-11%;
  rewrites), and the independent report of the same event (a hard negative).

Each stream has two halves from disjoint items (``tune`` and ``heldout``): alternate
families, and for templated reports, different templates in each half.  Every stream
interleaves unrelated real articles (Lee et al. background) as the corpus streams do.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from functools import cache, partial
from pathlib import Path

import orjson

from benchmarks.pages import TEMPLATES, render_page
from benchmarks.streams import SPLITS, Stream, _interleave, _split, lee_background, republish, sentences

TEXTS = Path(__file__).resolve().parent / "texts"
TUNE_TEMPLATES = ("earnings", "weather", "lottery")  # the others are held out
TUNE_TEMPLATES_B = ("court", "fx", "jobs")  # of templates_b: crash, quake, airport held out
TUNE_TEMPLATES_C = ("rail", "appoint", "flood")  # of templates_c: auction, harvest, rescue held out
TUNE_TEMPLATES_D = ("obit", "sport", "closure")  # of templates_d: police, planning, results held out
TUNE_TEMPLATES_E = ("fire", "earnings", "court")  # of templates_e: recall, weather, transfer held out
TUNE_TEMPLATES_F = ("markets", "lottery", "pollution")  # of templates_f: traffic, election, housing held out
TUNE_TEMPLATES_G = ("inspection", "planning", "hiring")  # of templates_g: missing, recall, sentencing held out
SITES = ("Harbourside Gazette", "Metro Today", "The Valley Courier", "Northgate Post", "Daily Ledger", "Coastal Wire")


@cache
def texts(name: str) -> tuple[dict, ...]:
    """The articles of one file of ``benchmarks/texts``."""
    return tuple(orjson.loads(line) for line in (TEXTS / f"{name}.jsonl").read_bytes().splitlines() if line.strip())


def _in_split(family_number: int, split: str) -> bool:
    return family_number % 2 == (1 if split == "tune" else 0)


def _number(family: str) -> int:
    digits = "".join(c if c.isdigit() else " " for c in family).split()
    return int(digits[-1]) if digits else 0


def _families(rows: list[dict]) -> list[list[dict]]:
    """Rows grouped by family (file order), each in publication order."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["family"], []).append(row)
    return [sorted(g, key=lambda r: r["order"]) for g in groups.values()]


def _item(row: dict, body: str | None = None, *, hard: bool | None = None, **extra: str) -> tuple:
    """(id, body, label, family, hard negative, extra fields) of a written article: a source
    and its copies are one family, any other article a family of its own; a hard negative is
    an original related to another article (``hard`` says otherwise)."""
    family = row["family"] if row["label"] != "original" or row["related"] is None else row["id"]
    hard = row["label"] == "original" and row["related"] is not None if hard is None else hard
    fields = {"title": row["title"], **extra}
    return (row["id"], body if body is not None else row["body"], row["label"], family, hard, fields)


def _arrange(families: list[list[tuple]], rng: random.Random) -> list[tuple]:
    """Families interleaved, each in its own order, a member 1-4 places after the one before."""
    keyed = []
    for n, members in enumerate(families):
        at = 3 * n + rng.random()
        for m, item in enumerate(members):
            keyed.append((at, n, m, item))
            at += rng.randint(1, 4) + rng.random()
    return [item for *_, item in sorted(keyed)]


def _stream(
    name: str, split: str, families: list[list[tuple]], shared: Path, rng: random.Random, distractors: int
) -> Stream:
    background = _split(lee_background(shared), split)[-distractors:]
    stream = Stream(name, split)
    _interleave(stream, _arrange(families, rng), background, rng, f"{name}-{split}")
    return stream


def student_stream(
    shared: Path, split: str, rng: random.Random, distractors: int = 80, *, name: str = "student",
    files: tuple[str, ...] = ("student",),
) -> Stream:  # fmt: skip
    rows = _rows(files, split)
    return _stream(name, split, [[_item(r) for r in f] for f in _families(rows)], shared, rng, distractors)


def _rows(files: Iterable[str], split: str) -> list[dict]:
    """The rows of these text files whose family is in the split (``_in_split``)."""
    return [r for file in files for r in texts(file) if _in_split(_number(r["family"]), split)]


def _news_rows(split: str) -> list[dict]:
    return _rows(("news_a", "news_b"), split)


def concepts_stream(shared: Path, split: str, rng: random.Random, distractors: int = 80) -> Stream:
    """Answers to one exam question on a technical concept, with few names or figures, after
    the design of the plagiarised-short-answer corpora: per topic, an encyclopedia-style
    source, two cut-and-paste answers (duplicates), two light and two heavy revisions
    (rewrites) and three answers written without the source (hard negatives)."""
    rows = _rows([f"concepts_{n}" for n in range(1, 5)], split)
    return _stream("concepts", split, [[_item(r) for r in f] for f in _families(rows)], shared, rng, distractors)


def news_stream(
    shared: Path, split: str, rng: random.Random, distractors: int = 80, *, name: str = "news",
    files: tuple[str, ...] = ("news_a", "news_b"),
) -> Stream:  # fmt: skip
    families = []
    pool = _split(lee_background(shared), split)
    for family in _families(_rows(files, split)):
        items = [_item(r) for r in family]
        source = family[0]
        body, noise = republish(source["body"].replace("\n\n", " "), rng, rng.choice(sentences(rng.choice(pool))))
        copy = {**source, "id": f"{source['id']}-repub", "label": "duplicate", "source": source["id"], "kind": noise}
        items.insert(rng.randint(1, len(items)), _item(copy, body))
        families.append(items)
    return _stream(name, split, families, shared, rng, distractors)


def templates_stream(
    shared: Path, split: str, rng: random.Random, distractors: int = 80, *, name: str = "templates",
    file: str = "templates", tune: tuple[str, ...] = TUNE_TEMPLATES,
) -> Stream:  # fmt: skip
    rows = [
        r for r in texts(file)
        if r["id"].startswith("tpl") and (r["id"].split("-")[1] in tune) == (split == "tune")
    ]  # fmt: skip
    return _stream(name, split, [[_item(r) for r in f] for f in _families(rows)], shared, rng, distractors)


def flashes_stream(
    shared: Path, split: str, rng: random.Random, distractors: int = 80, *, name: str = "flashes",
    file: str = "templates",
) -> Stream:  # fmt: skip
    rows = [r for r in _rows([file], split) if r["id"].startswith("fl")]
    # A pair that differs in one fact: both halves of the pair in one split (their number).
    return _stream(name, split, [[_item(r) for r in f] for f in _families(rows)], shared, rng, distractors)


def _headline(text: str) -> str:
    words = text.split()
    return " ".join(words[: 6 + len(words) % 5]).rstrip(",.;:")


def pages_stream(shared: Path, split: str, rng: random.Random, distractors: int = 60) -> Stream:
    """Whole pages: each news story in one template, republished whole in another, its AI
    paraphrase in a third; unrelated background articles as pages of the same templates."""
    rows = _news_rows(split)
    background = _split(lee_background(shared), split)[-distractors:]
    headlines = [r["title"] for r in rows] + [_headline(t) for t in background]

    def page(row: dict, template: str, site: str) -> str:
        return render_page(template, title=row["title"], body=row["body"], site=site, rng=rng, headlines=headlines)

    families = []
    for family in _families(rows):
        by_kind = {r["kind"]: r for r in family}
        source, paraphrase = by_kind["src"], by_kind["ai"]
        first, second, third = rng.sample(TEMPLATES, 3)
        sites = rng.sample(SITES, 3)
        copy = {**source, "id": f"{source['id']}-page2", "label": "duplicate", "source": source["id"]}
        families.append([
            _item(source, page(source, first, sites[0]), hard=True),
            _item(copy, page(source, second, sites[1])),
            _item(paraphrase, page(paraphrase, third, sites[2])),
        ])  # fmt: skip
    # Every original page shares its template with other articles: flagged as a hard negative.
    items = _arrange(families, rng)
    stream = Stream("pages", split)
    slots = sorted(rng.sample(range(len(items) + len(background)), len(background)))
    pending, others = iter(items), iter(enumerate(background))
    for position in range(len(items) + len(background)):
        if slots and position == slots[0]:
            slots.pop(0)
            i, text = next(others)
            row = {"title": _headline(text), "body": "\n\n".join(_chunks(text))}
            body = page(row, rng.choice(TEMPLATES), rng.choice(SITES))
            stream.add(f"pages-{split}-bg{i}", body, "original", f"pages-{split}-bg{i}", hard_negative=True)
        else:
            article_id, body, label, family, hard, _ = next(pending)
            stream.add(article_id, body, label, family, hard_negative=hard)
    return stream


def _chunks(text: str) -> list[str]:
    parts = sentences(text)
    return [" ".join(parts[i : i + 3]) for i in range(0, len(parts), 3)]


def translations_stream(shared: Path, split: str, rng: random.Random, distractors: int = 80) -> Stream:
    sources = {r["id"]: r for r in _news_rows(split) if r["kind"] == "src"}
    translated = _rows(("translations_a", "translations_b"), split)
    families = []
    for family in _families([*sources.values(), *translated]):
        families.append([_item(r, **({"language": r["language"]} if "language" in r else {})) for r in family])
    return _stream("translations", split, families, shared, rng, distractors)


SCRIPT_TRANSLATIONS = ("translations_c", "translations_d", "translations_e")


def scripts_stream(shared: Path, split: str, rng: random.Random, distractors: int = 80) -> Stream:
    """Translations into languages written in other scripts (Cyrillic, Greek, Chinese,
    Arabic, Hebrew, ...) or with other figures' conventions, of the news and updates
    stories, and independent reports of their events in such languages (hard negatives):
    their names cannot be compared with the English ones, only their figures."""
    translated = _rows([name for name in SCRIPT_TRANSLATIONS if (TEXTS / f"{name}.jsonl").exists()], split)
    wanted = {r["family"] for r in translated}
    updates = (r for name in ("updates_a", "updates_b", "updates_c") for r in texts(name))
    sources = [r for r in (*_news_rows(split), *updates) if r["kind"] == "src" and r["family"] in wanted]
    families = [[_item(r, **({"language": r["language"]} if "language" in r else {})) for r in f]
                for f in _families([*sources, *translated])]  # fmt: skip
    return _stream("scripts", split, families, shared, rng, distractors)


def paraphrases_stream(shared: Path, split: str, rng: random.Random, distractors: int = 80) -> Stream:
    """Each news story, two AI paraphrases that keep its meaning in other words (rewrites), and
    the independent report of the same event (a hard negative)."""
    rows = [r for r in _news_rows(split) if r["kind"] in ("src", "indep")]
    families = {r["family"] for r in rows}
    rows += [r for name in ("paraphrases_a", "paraphrases_b") for r in texts(name) if r["family"] in families]
    return _stream("paraphrases", split, [[_item(r) for r in f] for f in _families(rows)], shared, rng, distractors)


def updates_stream(
    shared: Path, split: str, rng: random.Random, distractors: int = 80, *, name: str = "updates",
    files: tuple[str, ...] = ("updates_a", "updates_b", "updates_c"),
) -> Stream:  # fmt: skip
    """Wire stories and the same outlet's updates (a new lead, figures changed, paragraphs
    added: rewrites), other sites' republications (with furniture, or cut short: duplicates)
    and an independent report of each event (a hard negative).  Not fitted on: it checks the
    line between a duplicate and an update, drawn from the other streams."""
    rows = _rows(files, split)
    return _stream(name, split, [[_item(r) for r in f] for f in _families(rows)], shared, rng, distractors)


def languages_stream(
    shared: Path, split: str, rng: random.Random, distractors: int = 80, *, name: str = "languages",
    files: tuple[str, ...] = ("languages_a",),
) -> Stream:  # fmt: skip
    """Wire stories (in other languages than English, or in English for ``wire`` and
    ``wire-b``), each with a republication (duplicate), an AI paraphrase, a heavy rewrite and
    an update in the same language (rewrites) and an independent report of the same event (a
    hard negative), and pairs of templated reports in that language with other facts (hard
    negatives).  The articles say no language, as most scrapers send them."""
    rows = _rows(files, split)
    families = [[_item(r, hard=True if r["kind"] == "template" else None) for r in f] for f in _families(rows)]
    return _stream(name, split, families, shared, rng, distractors)


BUILDERS: dict[str, Callable[[Path, str, random.Random], Stream]] = {
    "student": student_stream,
    "concepts": concepts_stream,
    "news": news_stream,
    "templates": templates_stream,
    "flashes": flashes_stream,
    "pages": pages_stream,
    "translations": translations_stream,
    "scripts": scripts_stream,
    "paraphrases": paraphrases_stream,
    "updates": updates_stream,
    "news-c": partial(news_stream, name="news-c", files=("news_c",)),
    "student-b": partial(student_stream, name="student-b", files=("student_b",)),
    "templates-b": partial(templates_stream, name="templates-b", file="templates_b", tune=TUNE_TEMPLATES_B),
    "flashes-b": partial(flashes_stream, name="flashes-b", file="templates_b"),
    "templates-c": partial(templates_stream, name="templates-c", file="templates_c", tune=TUNE_TEMPLATES_C),
    "flashes-c": partial(flashes_stream, name="flashes-c", file="templates_c"),
    "templates-d": partial(templates_stream, name="templates-d", file="templates_d", tune=TUNE_TEMPLATES_D),
    "flashes-d": partial(flashes_stream, name="flashes-d", file="templates_d"),
    "templates-e": partial(templates_stream, name="templates-e", file="templates_e", tune=TUNE_TEMPLATES_E),
    "flashes-e": partial(flashes_stream, name="flashes-e", file="flashes_e"),
    "templates-f": partial(templates_stream, name="templates-f", file="templates_f", tune=TUNE_TEMPLATES_F),
    "templates-g": partial(templates_stream, name="templates-g", file="templates_g", tune=TUNE_TEMPLATES_G),
    "flashes-f": partial(flashes_stream, name="flashes-f", file="flashes_f"),
    "flashes-g": partial(flashes_stream, name="flashes-g", file="flashes_g"),
    "updates-d": partial(updates_stream, name="updates-d", files=("updates_d",)),
    "updates-e": partial(updates_stream, name="updates-e", files=("updates_e",)),
    "updates-f": partial(updates_stream, name="updates-f", files=("updates_f",)),
    "updates-g": partial(updates_stream, name="updates-g", files=("updates_g",)),
    "updates-h": partial(updates_stream, name="updates-h", files=("updates_h",)),
    "news-d": partial(news_stream, name="news-d", files=("news_d",)),
    "student-c": partial(student_stream, name="student-c", files=("student_c",)),
    "flashes-h": partial(flashes_stream, name="flashes-h", file="flashes_h"),
    "flashes-i": partial(flashes_stream, name="flashes-i", file="flashes_i"),
    "flashes-j": partial(flashes_stream, name="flashes-j", file="flashes_j"),
    "updates-i": partial(updates_stream, name="updates-i", files=("updates_i",)),
    "languages": languages_stream,
    "languages-b": partial(languages_stream, name="languages-b", files=("languages_b",)),
    "languages-c": partial(languages_stream, name="languages-c", files=("languages_c",)),
    "republished": partial(updates_stream, name="republished", files=("republished_a",)),
    "wire": partial(languages_stream, name="wire", files=("wire_a",)),
    "wire-b": partial(languages_stream, name="wire-b", files=("wire_b",)),
}


def written_streams(shared: Path, seed: int = 7) -> list[Stream]:
    """Every written stream, both halves (the background articles come from ``shared``)."""
    return [
        build(shared, split, random.Random(f"{seed}-{name}-{split}"))
        for split in SPLITS
        for name, build in BUILDERS.items()
    ]
