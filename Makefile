# The two commands of CONTRACT.md: `make run` and `make test`. Both do all set-up themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test install test-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/amparo db upgrade
	$(BIN)/amparo seed
	$(BIN)/amparo serve --no-migrate

test-deps: install
	bash scripts/ensure-test-deps.sh

test: test-deps
	$(BIN)/python -m pytest -p no:cacheprovider

clean:
	rm -rf $(VENV) *.egg-info test-artifacts
