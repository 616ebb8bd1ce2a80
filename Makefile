# Two commands matter: `make run` and `make test` (see README.md). Everything else is a helper.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.requirements-installed
ASSET_STAMP := static/dist/.built

.DEFAULT_GOAL := help
.PHONY: help run test venv assets lint format lock clean-data bench image

help:
	@echo "make run    serve the intranet with demo data at http://127.0.0.1:8000 (PORT=8100 make run: another port; Ctrl-C stops everything)"
	@echo "make test   ruff, mypy, import contracts, migrations checks and pytest against PostgreSQL"
	@echo "make format apply ruff's fixes and formatting"
	@echo "make bench  benchmark the production server against a seeded database (docs/performance.md)"
	@echo "make image  build the container image intranet:latest with podman (deploy/Containerfile; IMAGE=name:tag)"

run: venv assets
	$(PY) scripts/dev.py run

test: venv assets
	$(PY) scripts/dev.py test $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS))

venv: $(VENV_STAMP)

# (Re)install when the lock file changes; plain pip, no other tool needed.
# pip's own progress (one line per package, a bar per download) shows during the first install,
# which takes a few minutes.
$(VENV_STAMP): requirements-dev.txt requirements.txt
	@test -x $(PY) || { echo "==> Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> Installing the Python packages of requirements-dev.txt into $(VENV) (the first time takes a few minutes)"
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -r requirements-dev.txt
	@echo "==> Python packages installed"
	touch $@

# The front-end build is optional: it runs only when package.json exists.
ifneq ($(wildcard package.json),)
assets: $(ASSET_STAMP)

node_modules/.package-lock.json: package.json $(wildcard package-lock.json)
	@echo "==> Installing the front-end build tools (npm)"
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

$(ASSET_STAMP): node_modules/.package-lock.json $(shell find assets -type f 2>/dev/null) $(wildcard scripts/*.mjs)
	@echo "==> Building the front-end assets into static/dist/"
	npm run build
	mkdir -p $(@D) && touch $@
else
assets:
	@echo "No package.json: skipping the front-end build"
endif

# The benchmark (issue 4, docs/performance.md): production server against a seeded database.
# Needs DATABASE_URL (seeded with `manage.py seed_scale`) and REDIS_URL; BENCH_ARGS e.g. "--duration 10".
bench: venv assets
	$(PY) -m bench.run $(BENCH_ARGS)

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Compile the pinned lock files from requirements.in / requirements-dev.in (needs pip-tools or uv).
lock:
	uv pip compile --python-version 3.11 requirements.in -o requirements.txt
	uv pip compile --python-version 3.11 requirements-dev.in -o requirements-dev.txt

# Removes the embedded PostgreSQL data (demo database included).
clean-data:
	rm -rf .data

# The container image of every process type (deploy/Containerfile, deploy/README.md "Image"):
# podman, runc and mmdebstrap; the Debian bases are cached in ~/.cache/intranet-image/.
image:
	bash deploy/image/build.sh
