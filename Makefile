# Tenderapp: two commands for a new user.
#   make run    set everything up, load the demo data and serve on http://127.0.0.1:$(PORT)
#   make test   run the whole test suite (again on PostgreSQL when TEST_DATABASE_URL is set)

PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 5000
# make test runs the suite on this many pytest-xdist workers (auto: one a core); 0 runs it in one process
TEST_WORKERS ?= auto
PY      = $(VENV)/bin/python
FLASK   = $(VENV)/bin/flask --app tenderapp
STATIC  = tenderapp/static/govuk
PYTEST_PARALLEL = -n $(TEST_WORKERS) --dist loadgroup

.PHONY: run test install assets db demo clean benchmark

# the outbox worker runs beside the server (mail is never sent inside a request) and stops with it
run: install assets db demo
	TENDERAPP_ENV=development $(FLASK) deliver-outbox --watch --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	TENDERAPP_ENV=development $(FLASK) run --port $(PORT) --debug

test: install assets
	$(VENV)/bin/bandit -q -r tenderapp --severity-level medium
	$(VENV)/bin/ruff check tenderapp tests migrations
	$(VENV)/bin/mypy
	$(PY) -m pytest $(PYTEST_PARALLEL)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "--- the same suite on PostgreSQL ---"; \
		TEST_BACKEND=postgresql $(PY) -m pytest $(PYTEST_PARALLEL); \
	else \
		echo "TEST_DATABASE_URL is not set: the PostgreSQL pass was skipped"; \
	fi

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

assets: $(STATIC)/.built

$(STATIC)/.built: package.json package-lock.json assets/scss/application.scss
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(STATIC)
	node_modules/.bin/sass --no-source-map --style=compressed --pkg-importer=node \
		assets/scss/application.scss $(STATIC)/application.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC)/
	touch $@

db: install
	TENDERAPP_ENV=development $(FLASK) db-upgrade

demo: install
	TENDERAPP_ENV=development $(FLASK) seed-demo

clean:
	rm -rf $(VENV) node_modules $(STATIC)
