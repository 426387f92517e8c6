# govplan — two commands set everything up on a fresh machine with Python 3.11 and pip:
#   make demo   create .venv, install govplan, extract a sample plan as YAML
#   make test   the same set-up if needed, then the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := samples/003_4235a890aa1425d0.txt
GOLD   := ../shared/gold

.PHONY: help demo test lint golden bench score clean
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src/govplan
	@touch $(STAMP)

demo: $(STAMP) ## set up, then extract a sample plan as YAML
	$(BIN)/govplan extract $(SAMPLE) --format yaml

test: $(STAMP) ## set up if needed, then lint, check the rule files and run the whole suite
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy
	$(BIN)/govplan rules check
	$(BIN)/pytest

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy

golden: $(STAMP) ## regenerate tests/golden from samples/ (review the diff!)
	$(BIN)/python scripts/golden.py

bench: $(STAMP) ## cold start, throughput and memory figures
	@# bytecode for the sources as they are now, as an installed package has it (an editable
	@# install compiles nothing, and with PYTHONDONTWRITEBYTECODE set no run writes it either)
	$(BIN)/python -m compileall -q src/govplan
	$(BIN)/python scripts/bench.py

score: $(STAMP) ## accuracy on the corpus against ../shared/gold
	@rm -rf .score && mkdir -p .score
	@for f in samples/*.txt; do $(BIN)/govplan extract $$f -f json -o .score/$$(basename $$f .txt).json; done
	$(BIN)/python $(GOLD)/../tools/score.py $(GOLD) .score

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .score .pytest_cache .mypy_cache .ruff_cache .hypothesis
