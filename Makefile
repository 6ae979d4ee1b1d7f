# Terang: the two commands are `make run` and `make test`. Every target sets up what it needs
# (virtual environments, node modules, the offline compiler, brownie networks) and is fast when
# nothing changed. Two Python environments, because brownie pins versions FastAPI cannot use:
#   .venv      contracts tooling: brownie, slither (requirements/contracts.lock)
#   .venv-app  gateway and its tests: FastAPI, web3.py, SQLAlchemy (requirements/gateway.lock)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
APPVENV := .venv-app
BROWNIE := $(VENV)/bin/brownie
SOLC_VERSION := $(shell sed -n 's/^ *version: *\([0-9.]*\) *$$/\1/p' brownie-config.yaml | head -1)

export SOLCX_BINARY_PATH := $(CURDIR)/.solcx
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

CHAIN ?= anvil
PYTEST_ARGS ?=

.PHONY: help setup compile run deploy test test-lane-ganache test-lane-anvil test-python test-contracts test-contracts-anvil test-contracts-ganache \
	test-gateway gas slither sourcify lint lock vendor clean audit wheel sbom

help:
	@echo "make run    start a local chain ($(CHAIN)), deploy, serve the gateway on 127.0.0.1:8000"
	@echo "make test   run every test (contracts on anvil and ganache, gateway, toolchain)"
	@echo "other: setup compile test-contracts test-gateway gas slither sourcify lint lock audit wheel vendor clean"

# --- environments --------------------------------------------------------------------------
$(VENV)/.stamp: requirements/contracts.lock
	@$(PYTHON) toolchain/check_versions.py
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/contracts.lock
	$(VENV)/bin/python -m pip check
	@touch $@

$(APPVENV)/.stamp: requirements/gateway.lock
	@test -x $(APPVENV)/bin/python || $(PYTHON) -m venv $(APPVENV)
	$(APPVENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/gateway.lock
	$(APPVENV)/bin/python -m pip check
	@touch $@

node_modules/.stamp: package.json package-lock.json
	@# npm ci rejects this lock (it omits other platforms' optional anvil binaries); install honours it.
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

# The offline compiler, and the local chains on the brownie environment's PATH (so a plain
# `brownie test` in an activated .venv finds anvil and ganache too).
$(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION): toolchain/setup_solc.py node_modules/.stamp $(VENV)/.stamp
	$(VENV)/bin/python toolchain/setup_solc.py
	ln -sf ../../node_modules/.bin/anvil $(VENV)/bin/anvil
	ln -sf ../../node_modules/.bin/ganache $(VENV)/bin/ganache

$(VENV)/.networks.stamp: toolchain/brownie-networks.yaml toolchain/brownie_networks.py $(VENV)/.stamp
	$(VENV)/bin/python toolchain/brownie_networks.py > /dev/null
	@touch $@

setup: $(VENV)/.stamp $(APPVENV)/.stamp node_modules/.stamp \
	$(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) $(VENV)/.networks.stamp

# The contracts' enums and structs for Python (app/protocol/vocabulary.json, committed).
compile: setup
	$(BROWNIE) compile
	$(VENV)/bin/python -m toolchain.vocabulary

# --- the two commands ------------------------------------------------------------------------
run: compile
	$(APPVENV)/bin/python -m toolchain.run_local --chain $(CHAIN) $(RUN_ARGS)

# Two lanes on the two cores, each a contract suite followed by part of the Python suites:
# ganache (the slower EVM) then tooling, browser, red-flag, read-side and whole-system operations tests;
# anvil then the rest of the gateway and of tests/ops. Before them, the dependency audit (make audit).
# --output-sync keeps each lane's output together. The set-up installs
# the two Python environments and the node modules side by side. The run prints its own duration.
test:
	@start=$$(date +%s); status=0; \
	{ $(MAKE) --no-print-directory -j2 setup && $(MAKE) --no-print-directory compile lint audit && \
	  $(MAKE) --no-print-directory -j2 --output-sync=recurse test-lane-ganache test-lane-anvil; } || status=$$?; \
	took=$$(( $$(date +%s) - start )); \
	verdict=$$([ $$status = 0 ] && echo "passed" || echo "FAILED"); \
	echo "make test: $$verdict in $$((took / 60)) min $$((took % 60)) s (set-up, compile and lint included)"; \
	exit $$status

# The read side's gateway tests (indexer, OCDS, explorer) share one protocol story with the browser
# tests, so they run in the same session on the ganache lane. Three more gateway modules run there to
# even the lanes by measured time (docs/decisions/0026-test-suite-time.md).
READ_SIDE := tests/gateway/test_indexer*.py tests/gateway/test_ocds*.py tests/gateway/test_explorer*.py
GANACHE_LANE_GATEWAY := $(READ_SIDE) tests/gateway/test_read_models.py tests/gateway/test_payments_faults.py \
	tests/gateway/test_payments_batches.py
# Operations tests that start whole systems of their own (a wheel installed in a new environment, `make
# run` with node endpoints, the runbooks' drills) run there too; the rest of tests/ops on the anvil lane.
GANACHE_LANE_OPS := tests/ops/test_package.py tests/ops/test_node_kill_drill.py tests/ops/test_runbook_*.py

test-lane-ganache: test-contracts-ganache
	$(MAKE) --no-print-directory test-python \
		PYTHON_SUITES="tests/toolchain tests/e2e tests/redflags $(GANACHE_LANE_GATEWAY) $(GANACHE_LANE_OPS)"

test-lane-anvil: test-contracts-anvil
	$(MAKE) --no-print-directory test-python \
		PYTHON_SUITES="tests/gateway tests/ops $(addprefix --ignore-glob=,$(GANACHE_LANE_GATEWAY) $(GANACHE_LANE_OPS))"

test-contracts: test-contracts-anvil test-contracts-ganache

# Both chains run the whole contract suite; the property tests run a tenth of their examples on
# ganache, whose EVM is slower (tests/contracts/budget.py).
test-contracts-anvil: compile
	rm -rf build/anvil-cache
	status=0; $(BROWNIE) test tests/contracts --network terang-anvil $(PYTEST_ARGS) || status=$$?; \
	rm -rf build/anvil-cache; exit $$status

test-contracts-ganache: compile
	$(BROWNIE) test tests/contracts --network terang-ganache $(PYTEST_ARGS)

# Gateway, tooling, red flags, and the explorer's browser tests (headless Debian Chromium; they
# skip with a message where /usr/bin/chromium is absent — .ci/run installs it).
PYTHON_SUITES ?= tests/gateway tests/toolchain tests/redflags tests/e2e tests/ops
test-gateway: test-python
test-python: compile
	$(APPVENV)/bin/python -m pytest $(PYTHON_SUITES) $(PYTEST_ARGS)

# --- measurements and analysis ---------------------------------------------------------------
gas: compile
	$(VENV)/bin/python toolchain/brownie_networks.py --free-port terang-anvil
	$(BROWNIE) run scripts/gas_report.py --network terang-anvil

# Slither on each deployable, through the offline solc's file mode (its brownie mode cannot resolve
# brownie's interfaces/ folder). High-severity findings fail the target; the rest are triaged in
# docs/security/slither.md.
SLITHER_SOLC_ARGS := --evm-version shanghai --optimize --allow-paths .,node_modules
slither: compile
	@mkdir -p reports && : > reports/slither.txt
	@status=0; for file in contracts/*.sol; do \
	  $(VENV)/bin/slither $$file --solc $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) \
	    --solc-remaps "@openzeppelin/=node_modules/@openzeppelin/" --solc-args "$(SLITHER_SOLC_ARGS)" \
	    --config-file slither.config.json --fail-high >> reports/slither.txt 2>&1 || status=1; \
	done; grep -v "running$$" reports/slither.txt; exit $$status

# Source verification for block explorers (Blockscout, Otterscan through Sourcify): per contract of a
# deployed suite, the standard-JSON input and Sourcify's metadata and sources, in artifacts/verification/,
# each recompiled and compared with the build (SOURCIFY_ARGS="--rpc-url URL": with the chain's code).
# Needs the suite's manifest: `make run` writes deployments/31337.json; MANIFEST=deployments/<id>.json.
MANIFEST ?= deployments/31337.json
sourcify: compile
	$(APPVENV)/bin/python -m toolchain.sourcify --manifest $(MANIFEST) $(SOURCIFY_ARGS)

# Style, and the gateway's import direction (.importlinter: domains -> ledger -> protocol, no cycles).
lint: setup
	$(APPVENV)/bin/ruff check app scripts tests toolchain bench
	$(APPVENV)/bin/ruff format --check app scripts tests toolchain bench
	$(APPVENV)/bin/lint-imports --no-cache

# The browser libraries, copied from their pinned npm packages into the gateway's static files (the
# gateway serves them; no page loads anything from elsewhere): keccak-256 for the explorer, and for
# the portal the supplier's in-browser keys (secp256k1, scrypt, keccak-256) and bid envelopes
# (x25519). After changing a version in package.json: `npm install`, then `make vendor`
# (tests/gateway/test_web_keccak.py and tests/gateway/test_portal_vendor.py check the copies are the
# packages' files, byte for byte).
NOBLE_HASHES_FILES := sha3.js _u64.js utils.js LICENSE package.json
PORTAL_VENDOR := app/portal/static/vendor
PORTAL_HASHES_FILES := sha3.js _u64.js utils.js sha2.js _md.js hmac.js pbkdf2.js scrypt.js LICENSE package.json
PORTAL_CURVES_FILES := secp256k1.js ed25519.js utils.js abstract/curve.js abstract/edwards.js \
	abstract/hash-to-curve.js abstract/modular.js abstract/montgomery.js abstract/oprf.js \
	abstract/weierstrass.js LICENSE package.json
# Swagger UI for the gateway's /docs (app/api/docs.py; tests/gateway/test_api_docs_vendor.py).
SWAGGER_UI_VENDOR := app/api/static/swagger-ui
SWAGGER_UI_FILES := swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css oauth2-redirect.js \
	favicon-32x32.png LICENSE NOTICE package.json
vendor: node_modules/.stamp
	mkdir -p app/explorer/static/vendor/noble-hashes
	cd node_modules/@noble/hashes && cp $(NOBLE_HASHES_FILES) $(CURDIR)/app/explorer/static/vendor/noble-hashes/
	rm -rf $(PORTAL_VENDOR)/noble-hashes $(PORTAL_VENDOR)/noble-curves
	mkdir -p $(PORTAL_VENDOR)/noble-hashes $(PORTAL_VENDOR)/noble-curves
	cd node_modules/@noble/hashes && cp $(PORTAL_HASHES_FILES) $(CURDIR)/$(PORTAL_VENDOR)/noble-hashes/
	cd node_modules/@noble/curves && cp --parents $(PORTAL_CURVES_FILES) $(CURDIR)/$(PORTAL_VENDOR)/noble-curves/
	rm -rf $(SWAGGER_UI_VENDOR) && mkdir -p $(SWAGGER_UI_VENDOR)
	cd node_modules/swagger-ui-dist && cp $(SWAGGER_UI_FILES) $(CURDIR)/$(SWAGGER_UI_VENDOR)/

# Regenerate the lock files from pyproject.toml (needs PyPI): contracts.lock from the `contracts`
# extra alone, gateway.lock from the run-time dependencies and the `test` extra. pip-compile keeps the
# versions a lock already pins (LOCK_ARGS=--upgrade moves them) and writes every file's sha256 from
# PyPI, so `pip install -r <lock>` runs in --require-hashes mode. This machine's pip configuration
# (find-links, local indexes: files that may differ from PyPI's) is not read. Decision 0035.
LOCK_ENV := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock"
LOCK_COMPILE := $(LOCK_ENV) /tmp/terang-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --index-url https://pypi.org/simple $(LOCK_ARGS)
lock:
	rm -rf /tmp/terang-lock && $(PYTHON) -m venv /tmp/terang-lock
	$(LOCK_ENV) /tmp/terang-lock/bin/pip install --quiet --index-url https://pypi.org/simple "pip-tools>=7.4"
	$(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["contracts"], sep="\n")' > /tmp/terang-lock/contracts.in
	$(LOCK_COMPILE) -o requirements/contracts.lock /tmp/terang-lock/contracts.in
	$(LOCK_COMPILE) -o requirements/gateway.lock --extra test pyproject.toml
	sed -i 's|/tmp/terang-lock/contracts.in|pyproject.toml (contracts extra)|' requirements/contracts.lock

# Known vulnerabilities of both locks (pip-audit) and package-lock.json (npm audit): a finding fails
# unless docs/security/dependency-audit.md explains it; where no advisory service answers, one line says
# the audit was not done and why (reports/dependency-audit.txt), failing only with TERANG_AUDIT_REQUIRED=1.
audit: $(APPVENV)/.stamp
	$(APPVENV)/bin/python -m toolchain.audit

# The installable package and its bill of materials: dist/terang-<version>-py3-none-any.whl (`pip install
# <wheel> -c requirements/gateway.lock`; the `terang` command) and dist/terang-<version>.cdx.json
# (CycloneDX: the wheel and every dependency installed with it, with versions). Needs the registry.
wheel: $(APPVENV)/.stamp
	$(APPVENV)/bin/python -m toolchain.package
sbom: wheel

clean:
	rm -rf build reports dist .solcx $(VENV) $(APPVENV) node_modules .pytest_cache

# Deploy to a live network: make deploy NETWORK=terang-live (see toolchain/deploy.py for the env).
NETWORK ?= terang-live
deploy: compile
	$(VENV)/bin/python -m toolchain.deploy --network $(NETWORK) $(DEPLOY_ARGS)
