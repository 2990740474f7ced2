# cvbank — run `make help` for the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
export CVBANK_VAR_DIR ?= var
N ?= 10000

.DEFAULT_GOAL := help
.PHONY: help install run test lint format bench bench-parse bench-search bench-flags bench-web \
        bench-relevance \
        translations translations-update clean

help:  ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "cvbank needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) translations  ## Create the virtualenv and install cvbank with its tools

translations: $(STAMP)  ## Compile the UI translations
	$(BIN)/pybabel compile -d cvbank/translations --statistics

translations-update: $(STAMP)  ## Extract UI strings and update the .po files
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --project cvbank -o cvbank/translations/messages.pot .
	$(BIN)/pybabel update -i cvbank/translations/messages.pot -d cvbank/translations --no-fuzzy-matching

run: install  ## Set up the embedded default with demo data and start cvbank at http://127.0.0.1:5000
	$(BIN)/cvbank db upgrade
	$(BIN)/cvbank seed-demo
	$(BIN)/cvbank serve

test: install  ## Run the whole test suite
	$(BIN)/pytest

lint: install  ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install  ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: bench-parse bench-flags bench-search bench-relevance bench-web  ## Run every benchmark and print the figures

bench-parse: install  ## Parsing accuracy and speed on fixtures/cvs, and the bad-file corpus
	$(BIN)/python -m bench.bench_parse

bench-flags: install  ## Sensitive-content detector precision/recall on fixtures/flags
	$(BIN)/python -m bench.bench_flags

bench-search: install  ## Search engine throughput and latency (N=10000 by default)
	$(BIN)/python -m bench.bench_search --n $(N)

bench-relevance: install  ## Search relevance (nDCG@10, recall@20) on 53 judged recruiter queries
	$(BIN)/python -m bench.bench_relevance

bench-web: install  ## Search through the web app with 4 concurrent clients (N=10000 by default)
	$(BIN)/python -m bench.bench_web --n $(N) --clients 4

clean:  ## Remove the virtualenv and local data (var/)
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
