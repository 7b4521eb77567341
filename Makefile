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

.PHONY: install demo test lint typecheck unit bench clean

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

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m benchmarks.embedding

clean:
	rm -rf $(VENV) $(STORE) $(OUT) .mypy_cache .ruff_cache .pytest_cache
