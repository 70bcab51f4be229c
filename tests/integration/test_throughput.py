"""The end-to-end benchmark runs every worker through a real broker (small counts here;
speed is measured by `make bench`, never asserted)."""

import io

from benchmarks import throughput


def test_end_to_end_benchmark_runs_every_worker():
    out = io.StringIO()
    results = throughput.run(None, out, count=60, latency_count=20)
    assert [(r.stream, r.kind) for r in results] == [
        (s, k) for s in ("syndicated", "distinct") for k in ("forward", "naive", "copydesk")
    ]
    assert all(r.per_second > 0 and r.latency_p99_ms >= r.latency_p50_ms > 0 for r in results)
    assert "syndicated: copydesk vs naive" in out.getvalue() and "distinct: copydesk vs naive" in out.getvalue()
