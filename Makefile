# make site   build the example desk into public/ (creates .venv on first use)
# make serve  preview it with live reload
# make test   lint, type-check and run the whole test suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

TOOLS  := tools/node_modules/.installed

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

# The checkers come from npm (tools/package.json): the Nu HTML checker, run on Java, and axe-core, run in
# Chromium. One stamp covers the whole install, so a package added to package.json is installed too.
# Without npm their tests are skipped (REQUIRE_HTML_CHECK=1, set by CI, makes a missing checker a failure).
$(TOOLS): tools/package.json tools/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm install --prefix tools --no-audit --no-fund --silent && touch $(TOOLS); \
	else echo "npm not found: the HTML validity and accessibility tests will be skipped"; fi

test: lint $(TOOLS)
	$(BIN)/pytest

clean:
	rm -rf public .cache
