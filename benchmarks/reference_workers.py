"""The two references the end-to-end benchmark runs beside Copydesk, the same way.

* ``forward``: a Faust agent that only forwards each message to the output topic: the
  ceiling for one Faust worker on this broker.
* ``naive``: a Faust agent that does what a first attempt would: ``Simhash(text)`` with the
  package defaults and ``SimhashIndex(k=3)``, one message at a time.

Run as ``python -m benchmarks.reference_workers forward|naive``, configured by the same
``COPYDESK_*`` settings as the worker (broker, app id, topics, web port, data dir).
"""

from __future__ import annotations

import sys

import faust
import orjson
from simhash import Simhash, SimhashIndex

from worker.settings import Settings
from worker.stream.app import create_app, faust_worker


def build(kind: str, settings: Settings) -> faust.App:
    app = create_app(settings)  # the worker's own Faust configuration, so only the agent differs
    source = app.topic(settings.input_topic, value_type=bytes, value_serializer="raw", internal=True)
    out = app.topic(settings.output_topic, value_type=bytes, value_serializer="raw", internal=True)

    if kind == "forward":

        @app.agent(source)
        async def forward(stream: faust.StreamT) -> None:
            async for event in stream.events():
                await out.send(key=event.message.key, value=event.message.value)

    elif kind == "naive":
        index = SimhashIndex([], k=3)

        @app.agent(source)
        async def naive(stream: faust.StreamT) -> None:
            async for value in stream:
                article = orjson.loads(value)
                fingerprint = Simhash(article["body"])
                near = index.get_near_dups(fingerprint)
                index.add(article["id"], fingerprint)
                label = "duplicate" if near else "original"
                await out.send(
                    key=article["id"].encode(), value=orjson.dumps({"article_id": article["id"], "label": label})
                )

    else:
        raise ValueError(f"unknown reference worker {kind!r}")
    return app


def main(argv: list[str]) -> int:
    settings = Settings()
    app = build(argv[0], settings)
    faust_worker(app, settings).execute_from_commandline()  # the worker's own runner (no spinner)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
