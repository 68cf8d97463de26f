# The two commands a new user needs (see README.md):
#   make run    install into .venv and run the portal with demo data
#               (DEBUG off unless DEBUG=1; see README.md)
#   make test   install what the tests need and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint security messages

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py runportal

test: $(VENV)/.test
	./scripts/ensure-chromium
	$(BIN)/python -m pytest

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# bandit (no high-severity findings) and pip-audit (no known vulnerable
# dependency); see scripts/security-gates.
security: $(VENV)/.test
	./scripts/security-gates

# After changing user-visible text: update the catalogues, translate the
# new entries in locale/zh_Hans, then compile.
messages: $(VENV)/.runtime
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Wenzheng needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.runtime: requirements.txt $(VENV)/.python-ok
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements.txt requirements-test.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@
