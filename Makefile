# WorkSync: `make up` starts the whole system, `make test` runs the whole test suite.
SHELL := /bin/bash
# uv is used from PATH; when missing it is installed with pip and run as `python3 -m uv`.
UV := $(shell command -v uv 2>/dev/null || { python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv >&2; echo "python3 -m uv"; })

.PHONY: up test test-fast lint typecheck sync migrate bench contracts conformance problem-codes

# Bytecode compiled ahead: where PYTHONDONTWRITEBYTECODE is set, every process would
# otherwise compile every module it imports, and the system starts eleven of them.
sync:
	@$(UV) sync --frozen --quiet --compile-bytecode
	@$(UV) run --frozen python -m compileall -q libs services gateway scripts bench tests >/dev/null

## up: migrations, every service's API and worker, and the gateway, as local processes.
up: sync
	@$(UV) run --frozen python -m scripts.run_system

migrate: sync
	@$(UV) run --frozen python -m scripts.run_system --migrate-only

lint: sync
	@$(UV) run --frozen ruff check .
	@$(UV) run --frozen ruff format --check .
	@$(UV) run --frozen lint-imports --no-cache

typecheck: sync
	@$(UV) run --frozen mypy

## test: lint, types, then every test (unit, API, contract, end-to-end).
test: lint typecheck
	@$(UV) run --frozen pytest -n 2 --dist loadgroup

## test-fast: the pure rules alone, no database or broker needed; seconds.
test-fast: sync
	@$(UV) run --frozen pytest -m fast -p no:worksync -q

bench: sync
	@$(UV) run --frozen python -m bench.run $(ARGS)

## conformance: the black-box conformance suite against a running deployment's gateway,
## `make conformance URL=https://worksync.example.com` (tests/conformance/README.md).
conformance: sync
	@test -n "$(URL)" || { echo "usage: make conformance URL=<the gateway's base URL>" >&2; exit 2; }
	@$(UV) run --frozen pytest tests/conformance -p no:worksync -p no:cacheprovider --base-url "$(URL)" $(ARGS)

## contracts: refresh OpenAPI snapshots and docs/asyncapi.json (refuses breaking changes).
contracts: sync
	@$(UV) run --frozen python -m scripts.update_contracts

## problem-codes: record the problem `code`s each operation answers, from the services'
## tests, into their problem_codes.json (`ARGS="identity"` for one; tests/contract/README.md).
problem-codes: sync
	@$(UV) run --frozen python -m scripts.problem_codes $(ARGS)
