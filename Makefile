# Two commands do all set-up on a fresh machine: `make demo` and `make test` (each creates .venv on first run).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EVENT ?= fixtures/sample-event
OUT ?= out
STORE ?= var
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install demo test lint typecheck unit unit-fast bench bench-quick clean

install: $(STAMP)

# torch is installed first and pinned: 2.13.0 is a local CPU wheel; any other version pulls GBs of CUDA packages.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/matcher validate --event $(EVENT)
	$(BIN)/matcher embed --event $(EVENT) --store $(STORE)
	@for s in s001 s042 s087; do \
		$(BIN)/matcher suggest --event $(EVENT) --store $(STORE) --for $$s --role mentor --k 3 || exit $$?; \
		$(BIN)/matcher suggest --event $(EVENT) --store $(STORE) --for $$s --role investor --k 3 || exit $$?; \
	done
	$(BIN)/matcher assign mentors --event $(EVENT) --store $(STORE) --per-startup 1 --out $(OUT)/mentors
	$(BIN)/matcher schedule pitches --event $(EVENT) --store $(STORE) --time-limit 30 --out $(OUT)/pitches
	$(BIN)/matcher schedule meetings --event $(EVENT) --store $(STORE) --time-limit 60 --out $(OUT)/meetings
	$(BIN)/matcher check --event $(EVENT) --meetings $(OUT)/meetings/meetings.csv

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

# The fast lane while working: every test and docstring example but those marked slow (end-to-end runs).
unit-fast: $(STAMP)
	$(BIN)/pytest -m "not slow"

test: lint typecheck unit bench-quick

# Every benchmark on small instances (< 3 minutes; part of `make test`): results and report in $(STORE)/bench-quick.
bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks.run_all --quick --out $(STORE)/bench-quick --expertise-data fixtures/expertise-dev

# The full suite, for operators (~10 minutes on 2 cores with warm caches): benchmarks/results/<timestamp>.json + report.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) $(STORE) $(OUT) .mypy_cache .ruff_cache .pytest_cache

.PHONY: serve serve-demo

# The HTTP service on 127.0.0.1:8000 (SQLite in $(STORE)/service.sqlite; API docs at /docs). Settings: MATCHER_*.
serve: $(STAMP)
	MATCHER_DATA_DIR=$(STORE) $(BIN)/uvicorn service.app:create_app --factory --host 127.0.0.1 --port 8000

# The same, with the sample event loaded at start-up (create a key: .venv/bin/matcher keys create ...).
serve-demo: $(STAMP)
	MATCHER_DATA_DIR=$(STORE) MATCHER_DEMO_EVENT=$(EVENT) \
		$(BIN)/uvicorn service.app:create_app --factory --host 127.0.0.1 --port 8000
