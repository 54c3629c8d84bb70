# jingzhi-audit — every target sets up what it needs on a fresh Debian machine.
#   make demo   score the bundled example community (terminal; JSON and PDF gap report in reports/)
#   make test   lint, type-check and run every test
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
CLIENTS := tests/clients/node_modules/.installed-stamp

.PHONY: demo test setup system-deps clients lint typecheck pytest checklists bench clean fuzz

setup: system-deps $(STAMP)

# Outside programs the tests drive (the YAML language server editors use), from the lock file.
clients: system-deps $(CLIENTS)

$(CLIENTS): tests/clients/package.json tests/clients/package-lock.json
	npm ci --prefix tests/clients --no-audit --no-fund --loglevel=error
	@touch $(CLIENTS)

system-deps:
	@sh scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade "pip>=25.1"
	$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[all]" --group dev
	@touch $(STAMP)

demo: setup
	$(BIN)/audit validate standards/jingzhi-2022 examples/haiyun/community.yaml
	$(BIN)/audit score examples/haiyun/community.yaml
	$(BIN)/audit score examples/haiyun/community.yaml -o reports/haiyun.json --force
	$(BIN)/audit report reports/haiyun.json -o reports/haiyun.pdf --force

lint: setup
	$(BIN)/ruff check src tests $(wildcard benchmarks)

typecheck: setup
	$(BIN)/mypy

pytest: setup clients
	$(BIN)/pytest -q

test: lint typecheck pytest

# Regenerate the blank checklists of every bundled pack (tests fail when they are stale).
checklists: setup
	@for pack in $$(ls standards | grep -v -e '^crosswalk$$' -e '\.yaml$$'); do \
		$(BIN)/audit checklist -s $$pack -o checklists/$$pack.xlsx --force && \
		$(BIN)/audit checklist -s $$pack -o checklists/$$pack.md --force; \
	done

# A long fuzz run of the evidence readers (JINGZHI_FUZZ_MINUTES, default 30); make test runs a short one.
fuzz: setup
	JINGZHI_FUZZ_MINUTES=$${JINGZHI_FUZZ_MINUTES:-30} $(BIN)/pytest -q -s -p no:cacheprovider tests/hostile/test_fuzz.py

bench: setup
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/serve_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/clients/node_modules
