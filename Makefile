# Thin wrappers around scripts/; `make` or `make help` lists the targets.
.DEFAULT_GOAL := help
.PHONY: help setup run test lint format typecheck bench

VENV := .venv/bin

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## create .venv, install pinned dependencies, build GOV.UK Frontend assets
	scripts/setup

run: ## set up, migrate, then serve http://127.0.0.1:5000 and the scheduler (Ctrl-C stops)
	scripts/run

test: ## everything CI runs: lint, format check, mypy, pytest on SQLite and PostgreSQL (ARGS=...)
	scripts/test $(ARGS)

lint: setup ## ruff check
	$(VENV)/ruff check .

format: setup ## ruff format, then ruff check --fix
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

typecheck: setup ## mypy (strict on workflow/ and mailbox/, config in pyproject.toml)
	$(VENV)/mypy

bench: setup ## run every benchmarks/*.py as a module from the repository root (ARGS=...)
	@set -e; for f in benchmarks/[!_]*.py; do \
	  [ -e "$$f" ] || { echo "no benchmarks yet"; exit 0; }; \
	  m=$$(basename "$$f" .py); echo "== benchmarks.$$m"; $(VENV)/python -m "benchmarks.$$m" $(ARGS); \
	done
