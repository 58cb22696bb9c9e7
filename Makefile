# infercast: `make refresh` runs the pipeline on the bundled data, `make test` checks everything.
# Both bootstrap .venv from pinned versions (constraints.txt) on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv refresh test check lint types pytest bench lock clean

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@echo "First run: creating $(VENV) and installing the pinned dependencies (constraints.txt)."
	@echo "This takes 45 s to 2 minutes on an idle machine (10 on a busy 2-core one) and happens once."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)
	@echo "Installed into $(VENV); later runs skip this step."

refresh: $(STAMP)
	$(BIN)/infercast refresh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

check: lint types

pytest: $(STAMP)
	$(BIN)/pytest

test: check pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run

# Re-pin after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache .pytest_cache
