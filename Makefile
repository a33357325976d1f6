# make site   build the example desk into public/ (creates .venv on first use)
# make serve  preview it with live reload
# make test   lint, type-check and run the whole test suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site serve test lint check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/site-builder build .

serve: $(STAMP)
	$(BIN)/site-builder serve .

check: $(STAMP)
	$(BIN)/site-builder check .

lint: $(STAMP)
	$(BIN)/ruff check site_builder tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

clean:
	rm -rf public .cache
