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

# The suite in two parts, both always run: everything but the `serial` tests on TEST_WORKERS
# pytest-xdist workers, a test file at a time (a module's shared server or browser page is set
# up once; files sharing a wider one go together: tests/conftest.py; in collection order, so the
# long end-to-end files start early), then the `serial`
# ones (they assert latencies) alone. The target fails if either part does, exit code 5 (no
# tests collected) included.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

test: test-deps
	$(PYTEST) -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not serial"; parallel=$$?; \
	  $(PYTEST) -m serial; serial=$$?; \
	  echo "make test: parallel part exit $$parallel, serial part exit $$serial"; \
	  test $$parallel -eq 0 && test $$serial -eq 0

clean:
	rm -rf $(VENV) *.egg-info test-artifacts
