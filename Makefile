# The two commands of the README: `make run` and `make test`. Each checks the system
# prerequisites and builds .venv from uv.lock first (reussite/devtools/bootstrap.sh).
#   make run                  PORT=8001 make run      DATABASE_URL=... CELERY_BROKER_URL=... make run
#   make test                 make test ARGS="-k parcours -x"
#   make test-fast            make test-fast ARGS="--lf"      make test-fast ARGS="--create-db"

PYTHON := .venv/bin/python
BOOTSTRAP := bash reussite/devtools/bootstrap.sh
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test test-fast lint format

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

run: ## migrate, load the demo data, serve on http://127.0.0.1:8000/ with a Celery worker and beat
	@$(BOOTSTRAP)
	@$(PYTHON) -m reussite.devtools.run

test: ## every check of CI: ruff, djlint, import contracts, migrations, Django checks, pytest and browser tests
	@$(BOOTSTRAP)
	@$(PYTHON) -m reussite.devtools.test $(ARGS)

test-fast: ## the daily loop: ruff and pytest without the browser and the `lent` tests (processes, servers), databases reused
	@$(BOOTSTRAP)
	@$(PYTHON) -m reussite.devtools.test --rapide $(ARGS)

lint: ## ruff, djlint and the layers' import contracts only
	@$(BOOTSTRAP)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/djlint --lint templates/
	.venv/bin/lint-imports

format: ## rewrite the Python files with ruff (fixes and format)
	@$(BOOTSTRAP)
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .
