# Two entry points from a fresh clone: `make demo` and `make test`.
# Each creates the local virtualenv .venv (Python 3.11+) and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install bench bench-1m bench-quality bench-quality-swapped bench-scale-out bench-semantic bench-startup fit-decision bench-label bench-orders bench-pages soak audit clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[demo,test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/copydesk demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

# Speed and memory as ratios against references measured in the same run (BENCHMARKS.md):
# the core vs simhash.Simhash(text), the table vs SimhashIndex, end to end through a broker
# vs a naive Faust worker and a forwarding one, and Copydesk with 1, 2 and 3 workers.
# Every end-to-end run three times, taking turns (medians). About 25 minutes.
bench: $(STAMP)
	$(BIN)/copydesk bench --shared ../shared --table-sizes 10000,100000 --end-to-end --scale-out --rounds 3

# The table at 1M fingerprints too (about 15 minutes, a few GB of memory).
bench-1m: $(STAMP)
	$(BIN)/copydesk bench --shared ../shared --table-sizes 10000,100000,1000000

# Detection quality against the baselines, on streams built from ../shared and the texts in
# benchmarks/texts: held-out halves, the decision fitted leaving each stream out, the
# precision-recall curves drawn to docs/quality-curves.png (see BENCHMARKS.md).
bench-quality: $(STAMP)
	$(BIN)/copydesk eval --shared ../shared --table-sizes 10000,100000 --curves docs/quality-curves.png --semantic

# The same leave-one-stream-out scores with the halves exchanged: fitted on the held-out halves,
# scoring the tune halves (about 10 s).
bench-quality-swapped: $(STAMP)
	$(BIN)/copydesk eval --shared ../shared --swap-halves

# CPU-seconds per article and articles/s with 1, 2 and 3 workers, and the labelling stage's ceiling.
bench-scale-out: $(STAMP)
	$(BIN)/python -m benchmarks.throughput --shared ../shared

# The semantic stage's cost: one pinned worker, stage off and on, side by side (about 10 min).
bench-semantic: $(STAMP)
	$(BIN)/python -m benchmarks.throughput --shared ../shared --semantic --count 1000 --rounds 2

# A week of news in the table: start to /ready and resident memory with 1M entries in the
# changelog, memory:// against rocksdb:// (data directory lost, then kept). About 20 minutes.
bench-startup: $(STAMP)
	$(BIN)/python -m benchmarks.startup --shared ../shared

# Refit the decision's weights on every stream's tune half (config/decision.json).
fit-decision: $(STAMP)
	$(BIN)/python -m benchmarks.fit --shared ../shared

# Every held-out stream and the seeds in 5 random arrival orders against publication order;
# revisions per late arrival on a shuffled syndicated stream (BENCHMARKS.md).
bench-orders: $(STAMP)
	$(BIN)/python -m benchmarks.orders --shared ../shared

# `copydesk label` on distinct articles, this checkout against another revision, in
# alternating rounds: 48c42f0 is the code before the fitted decision, 0e01281 before labels
# by publication time (make bench-label AGAINST=0e01281).
AGAINST ?= 48c42f0
bench-label: $(STAMP)
	$(BIN)/python -m benchmarks.label_speed --shared ../shared --against $(AGAINST) --count 3000 --rounds 11 --instructions 600

# Whole pages in four site templates written apart from the extractor (BENCHMARKS.md).
bench-pages: $(STAMP)
	$(BIN)/python -m benchmarks.page_check

# Soak (not in CI): 10 minutes at a steady 40 articles/s with a 2-minute retention window:
# memory stays flat once the window is full, nothing is lost (RELIABILITY.md).
soak: $(STAMP)
	$(BIN)/copydesk soak --shared ../shared --minutes 10

# Known vulnerabilities in the installed dependencies (needs PyPI's JSON API or OSV; the
# build machines here reach neither, so CI cannot run it yet).
audit: $(STAMP)
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --local --strict

clean:
	rm -rf $(VENV) data .pytest_cache
