# The README's two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint install clean

# the modules setup.py compiles with mypyc (pyproject.toml [tool.mypy] files)
NATIVE_SRC := $(shell $(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["tool"]["mypy"]["files"])')
NATIVE := $(VENV)/.native

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip 'setuptools>=77'
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP) $(NATIVE)

# an edited compiled module is rebuilt (Python imports the old build before the new source);
# the venv has setuptools and mypy, so no isolated build environment is needed
$(NATIVE): $(STAMP) $(NATIVE_SRC)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(NATIVE)

install: $(NATIVE)

run: $(NATIVE)
	$(BIN)/wirestream demo

test: $(NATIVE)
	$(BIN)/ruff check workers tests setup.py
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check workers tests setup.py
	$(BIN)/ruff format --check workers tests setup.py
	$(BIN)/mypy

clean:
	rm -rf $(VENV) state .pytest_cache build workers__mypyc*.so workers/*.so

.PHONY: bench
bench: $(NATIVE)
	$(BIN)/wirestream bench

.PHONY: chaos
chaos: $(NATIVE)
	$(BIN)/python -m workers.chaos
