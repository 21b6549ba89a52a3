# Two commands for a newcomer: `make demo` (score the bundled example tender) and `make test`.
# Each creates what it needs: a virtual env in .venv with the project and its test tools.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

.PHONY: demo test lint bench bench-localspend clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf demo
	$(BIN)/socialvalue example demo
	@# exit code 1 means "some inputs had errors, results written": the example has a bid with mistakes
	$(BIN)/socialvalue score demo/bids --rubric hybrid-commitments-plan --evaluations demo/consensus.xlsx \
		-o demo/results.xlsx --json demo/results.json --csv demo/results.csv; test $$? -le 1
	$(BIN)/socialvalue summaries demo/results.json -o demo/summaries; test $$? -le 1
	@echo "Results: demo/results.xlsx (also demo/results.json, demo/results.csv); assessment summaries in demo/summaries/"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python bench/run.py --bids 1000

bench-localspend: $(STAMP)
	$(BIN)/python bench/localspend.py

clean:
	rm -rf $(VENV) demo bench/out .pytest_cache .mypy_cache .ruff_cache .hypothesis
