# One-command set-up: `make run` starts the app, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# compiled with mypyc by setup.py: a change to one of them rebuilds (so tests never run old code)
COMPILED := interview_sim/core/normalize.py interview_sim/core/matcher.py \
	interview_sim/core/scoring.py interview_sim/core/delivery.py \
	interview_sim/core/payload.py interview_sim/core/batch.py

.PHONY: run test check lint types imports unit bench clean

$(STAMP): pyproject.toml constraints.txt setup.py tools/mypyc.ini $(COMPILED)
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/interview-sim

test: check

check: lint types imports unit

lint: $(STAMP)
	$(BIN)/ruff format --check setup.py interview_sim tests benchmarks tools
	$(BIN)/ruff check setup.py interview_sim tests benchmarks tools

types: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build
	find . -path ./.venv -prune -o -name "*.so" -print -delete
