# Two entry points from a fresh clone: `make demo` and `make test`.
# Each creates the local virtualenv .venv (Python 3.11+) and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install bench bench-quality clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[demo,test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/copydesk demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Speed as ratios against simhash.Simhash(text) in the same run (see BENCHMARKS.md).
bench: $(STAMP)
	$(BIN)/copydesk bench --shared ../shared

# Detection quality against the baselines, on streams built from ../shared (see BENCHMARKS.md).
bench-quality: $(STAMP)
	$(BIN)/copydesk eval --shared ../shared --table-sizes 10000,100000

clean:
	rm -rf $(VENV) data .pytest_cache
