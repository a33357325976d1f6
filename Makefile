# make site   build the example desk into public/ (creates .venv on first use)
# make serve  preview it with live reload
# make test   lint, type-check and run the whole test suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

VNU    := tools/node_modules/vnu-jar/build/dist/vnu.jar

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

# The Nu HTML checker comes from npm and runs on Java; without npm the validity test is skipped
# (REQUIRE_HTML_CHECK=1, set by CI, makes a missing checker a failure).
$(VNU): tools/package.json
	@if command -v npm >/dev/null 2>&1; then npm install --prefix tools --no-audit --no-fund --silent && touch $(VNU); \
	else echo "npm not found: the HTML validity test will be skipped"; fi

test: lint $(VNU)
	$(BIN)/pytest

clean:
	rm -rf public .cache
