"""orjson as a Faust codec: faster than the stdlib json codec and strict about UTF-8.  A
table record's signature, held decoded in memory, is written in its stored form
(``index.to_json``)."""

from __future__ import annotations

from typing import Any

import orjson
from faust.serializers import codecs

from worker.core.index import to_json

CODEC = "orjson"


class OrjsonCodec(codecs.Codec):
    def _dumps(self, obj: Any) -> bytes:
        return to_json(obj)

    def _loads(self, s: bytes) -> Any:
        return orjson.loads(s)


def register() -> None:
    """Register once per process (registering again replaces the same codec)."""
    codecs.register(CODEC, OrjsonCodec())
