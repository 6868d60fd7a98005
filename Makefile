# Shortlist: `make run` starts the app on the bundled model; `make test` runs every check. Both set up first.
# Setup installs the CPU build of torch on machines without an NVIDIA GPU (no CUDA packages), a CUDA build where
# `nvidia-smi` finds one. Override with `make setup TORCH_VARIANT=cpu|cuda`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION := 2.13.0
TORCH_VARIANT ?= $(shell nvidia-smi -L >/dev/null 2>&1 && echo cuda || echo cpu)
PORT ?= 8501
STAMP := $(VENV)/.setup-stamp

.PHONY: setup run test check format lint typecheck unit browser-deps bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@if [ "$(TORCH_VARIANT)" = "cuda" ]; then \
		$(BIN)/pip install --quiet "torch==$(TORCH_VERSION)"; \
	else \
		$(BIN)/pip install --quiet "torch==$(TORCH_VERSION)+cpu" 2>/dev/null \
		|| $(BIN)/pip install --quiet "torch==$(TORCH_VERSION)" --index-url https://download.pytorch.org/whl/cpu; \
	fi
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: setup
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Every check, in the order that fails fastest: formatter, linter, type check, tests.
test: setup browser-deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Debian's Chromium drives the real-browser test; Playwright cannot download its own browser here.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
		else echo "Install Debian's chromium for the browser test (sudo apt-get install chromium)"; fi; }

bench: setup
	$(BIN)/python bench/screening_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
