# Two entry points: `make demo` (set up, then code an example file end to end) and `make test`.
# pip, not uv or poetry: only pip sees the CPU build of torch 2.13.0 that lies on this machine's disk.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup demo test clean-models

$(BIN)/.installed: pyproject.toml scripts/install_socmapper.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	PYTHON=$(BIN)/python bash scripts/install_socmapper.sh   # the SOCMapper peer of `soc-coder evaluate`
	touch $@

setup: $(BIN)/.installed

# Writes example/answers.csv, fetches the ONS workbooks unless SOC_DATA_DIR points at local copies,
# trains the default model when there is none, and writes example/coded.csv.
demo: setup
	$(BIN)/soc-coder write-example example/answers.csv
	@if [ -z "$$SOC_DATA_DIR" ]; then $(BIN)/soc-coder fetch-data; fi
	$(BIN)/soc-coder code example/answers.csv --output example/coded.csv
	@head -n 6 example/coded.csv

test: setup
	$(BIN)/python -m pytest -ra

clean-models:
	rm -rf artifacts/models artifacts/mlflow.db artifacts/mlruns
