# The README's two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/wirestream demo

test: $(STAMP)
	$(BIN)/ruff check workers tests
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check workers tests
	$(BIN)/ruff format --check workers tests

clean:
	rm -rf $(VENV) state .pytest_cache

.PHONY: bench
bench: $(STAMP)
	$(BIN)/wirestream bench

.PHONY: chaos
chaos: $(STAMP)
	$(BIN)/python -m workers.chaos
