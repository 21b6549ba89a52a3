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
	@# exit code 1 means "done, some inputs had problems, outputs written": the example has a bid with mistakes.
	@# Any other code (2 usage, 3 output not written, 70 bug, 130 Ctrl-C: see the README) stops make with that code.
	$(BIN)/socialvalue score demo/bids --rubric hybrid-commitments-plan --evaluations demo/consensus.xlsx \
		-o demo/results.xlsx --json demo/results.json --csv demo/results.csv; rc=$$?; [ $$rc -le 1 ] || exit $$rc
	$(BIN)/socialvalue summaries demo/results.json -o demo/summaries --tender demo/tender-details.yaml; rc=$$?; [ $$rc -le 1 ] || exit $$rc
	@echo "Results: demo/results.xlsx (also demo/results.json, demo/results.csv); assessment summaries in demo/summaries/"
	@echo "Run socialvalue yourself: .venv/bin/socialvalue --help  (or: source .venv/bin/activate, then socialvalue --help)"

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
