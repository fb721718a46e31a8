# Entry points. Every target bootstraps what it needs (uv in .tools/, the locked virtualenvs).
#   make mvp    the main job: the acceptance harness (pytest -m mvp) on the best target available
#   make test   the whole test suite: lint, types, backend tests (SQLite and PostgreSQL), harness self-tests,
#               and the acceptance tests on the local target as a gate
# Extra pytest arguments: make mvp ARGS="--target local --keep"
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
BACKEND_PY := backend/.venv/bin/python
HARNESS_PY := .venv/bin/python
# Python 3.12 for the compatibility run (CI); pyenv keeps it outside PATH here.
PY312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12))

.PHONY: help setup backend harness frontend lint test test-backend test-backend-py312 test-harness \
	test-acceptance test-docker test-package images base-images serve mvp bench bench-images

help:
	@sed -n '2,4p' Makefile

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

backend/.venv/.synced: $(UV) backend/uv.lock backend/pyproject.toml
	cd backend && ../$(UV) sync --frozen --quiet
	touch $@

.venv/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-groups --quiet
	touch $@

# The harness decides when node_modules is stale (one stamp, one rule): see fixtures/targets.py.
frontend/node_modules/.harness-lock-digest: .venv/.synced frontend/package.json frontend/package-lock.json
	$(HARNESS_PY) -c 'from fixtures.targets import FrontendBuild; FrontendBuild().ensure_modules()'

backend: backend/.venv/.synced
harness: .venv/.synced
frontend: frontend/node_modules/.harness-lock-digest
setup: backend harness frontend

lint: setup
	cd backend && .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
	cd frontend && npm run --silent lint && npm run --silent typecheck

# PostgreSQL: TEST_POSTGRES_URL if set, else the machine's own server started by
# scripts/dev/postgres.sh; without either the PostgreSQL half is skipped with the reason
# (CI sets TEST_REQUIRE_POSTGRES=1, which turns that skip into a failure).
test-backend: backend
	@url="$${TEST_POSTGRES_URL:-$$(scripts/dev/postgres.sh 2>/dev/null || true)}"; \
	cd backend && TEST_POSTGRES_URL="$$url" .venv/bin/pytest

test-backend-py312: $(UV)
	@test -n "$(PY312)" || { echo "make: no python3.12 found; set PY312=/path/to/python3.12" >&2; exit 1; }
	cd backend && UV_PROJECT_ENVIRONMENT=.venv-py312 ../$(UV) sync --frozen --quiet --python $(PY312)
	cd backend && .venv-py312/bin/python --version && .venv-py312/bin/pytest -q -k sqlite

test-harness: harness
	.venv/bin/pytest tests/harness --html=reports/harness-tests.html

# Every MVP criterion the local target can check must PASS (--gate: NOT RUN fails too).
test-acceptance: setup
	.venv/bin/pytest tests/acceptance --target local --gate -m "mvp and not needs_docker and not needs_cluster" $(ARGS)

# The charts (phase 3), the scripts (S-06) and the docs (S-07): what needs no cluster.
test-package: harness
	.venv/bin/pytest tests/phases/test_3_package.py tests/phases/test_6_document.py tests/acceptance/test_should.py \
		--target local $(ARGS)

test: lint test-backend test-harness test-acceptance test-package

# The images built and run as containers: every criterion the docker target can check must PASS.
test-docker: setup
	.venv/bin/pytest tests/acceptance tests/phases --target docker --gate -m "not needs_cluster" $(ARGS)

# todo-backend:latest and todo-frontend:latest from the official bases (see scripts/build-images.sh).
images:
	scripts/build-images.sh

# Stand-in base images for machines without a registry (needs root and debootstrap).
base-images:
	scripts/build-base-images.sh

mvp: setup
	.venv/bin/pytest -m mvp $(ARGS)

# The backend alone, for a try-out on http://127.0.0.1:8000 (SQLite file backend/todo.db).
serve: backend
	cd backend && ENVIRONMENT=development .venv/bin/python -m app migrate
	cd backend && ENVIRONMENT=development .venv/bin/python -m app serve --host 127.0.0.1 --port 8000

bench: setup
	$(HARNESS_PY) bench/api_load.py --serve sqlite

bench-images: harness
	$(HARNESS_PY) bench/images.py
