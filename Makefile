# Two commands for a newcomer: `make demo` (score the bundled example tender) and `make test`.
# Each creates what it needs: a virtual env in .venv with the project and its test tools.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed
LOCALSPEND = templates/example/localspend

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
	@# After award: the winning bid becomes a contract in the store (demo/store.db, in the built-in Cheshire and
	@# Merseyside footprint), its supplier returns two quarters, and the footprint lead reports on them.
	$(BIN)/socialvalue footprint create cheshire-and-merseyside --store demo/store.db
	$(BIN)/socialvalue award demo/results.json --bid demo/bids/mersey-care-services.xlsx --contract LUH-2026-014 \
		--org REM --start 2026-04-01 --end 2028-03-31 --title "Estates cleaning" --manager "A. Shah" --store demo/store.db
	$(BIN)/socialvalue template --return LUH-2026-014 --period 2026Q2 -o demo/returns-issued/LUH-2026-014-2026Q2.xlsx --store demo/store.db
	$(BIN)/socialvalue template --return LUH-2026-014 --period 2026Q3 -o demo/returns-issued/LUH-2026-014-2026Q3.xlsx --store demo/store.db
	$(BIN)/socialvalue example demo/returns --returns-for demo/returns-issued
	$(BIN)/socialvalue returns ingest demo/returns --store demo/store.db
	$(BIN)/socialvalue returns grade LUH-2026-014 --period 2026Q2 --grade documented --by "A. Shah" --store demo/store.db
	$(BIN)/socialvalue returns status --footprint QYG --store demo/store.db
	@# Local economy: two trusts' invented spend-over-£25k files, supplier register and staff postcodes (templates/example/localspend,
	@# with its dirty rows: exit code 1, outputs written, problems listed), recorded in the store for the footprint report.
	$(BIN)/socialvalue localspend $(LOCALSPEND)/REM-spend-over-25k-2026-07.csv $(LOCALSPEND)/RBQ-spend-over-25k-2026-08.csv \
		--suppliers $(LOCALSPEND)/supplier-register.csv --postcodes $(LOCALSPEND)/postcode-directory-extract.csv \
		--staff $(LOCALSPEND)/staff-home-postcodes.csv --respend-suppliers 25 --respend-staff 30 --pay-per-fte 38000 \
		--footprint cheshire-and-merseyside --store demo/store.db -o demo/local-spend.xlsx --html demo/local-spend.html; \
		rc=$$?; [ $$rc -le 1 ] || exit $$rc
	$(BIN)/socialvalue report footprint --from 2026Q2 --to 2026Q3 -o demo/footprint.xlsx --html demo/footprint.html --store demo/store.db
	$(BIN)/socialvalue report contract LUH-2026-014 -o demo/contract.xlsx --html demo/contract.html --store demo/store.db
	@echo "Delivery: contract LUH-2026-014 in demo/store.db; local spend demo/local-spend.xlsx and .html; footprint report (social value and local economy) demo/footprint.xlsx and .html; contract report demo/contract.xlsx and .html"
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
