# Two commands for a new user: `make run` and `make test`. Only python3 and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
THREADS ?= 4
# gunicorn's line per request, off unless asked (`make run ACCESS_LOG=-` prints it): building it
# costs a fifth of GET /api/lookup's throughput (docs/performance.md, "Lookup").
ACCESS_LOG ?=
# Links in e-mails and the printed demo URLs point where `make run` serves, unless set.
export SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint setup clean bench-lookup

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

setup: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_bundled_data
	$(BIN)/python manage.py load_demo_program

run: setup
	@echo "Recall Desk is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@# bin/serve runs gunicorn with these arguments and the task consumer beside it. gthread keeps
	@# connections alive (sync closes each after one answer); bench/lookup.py serves the same.
	$(BIN)/python bin/serve recalldesk.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--worker-class gthread --threads $(THREADS) $(if $(ACCESS_LOG),--access-logfile $(ACCESS_LOG)) \
		--log-level warning

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

bench-lookup: $(VENV)/.installed-dev
	$(BIN)/python bench/lookup.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var
