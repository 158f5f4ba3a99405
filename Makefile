# Every target creates the virtualenv on first use, so a fresh clone needs only
# Python 3.11+, gcc and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

chat: $(STAMP)
	$(BIN)/python -m bot chat $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check bot conversations handlers tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/dialogue.py
	$(BIN)/python bench/faq.py
	$(BIN)/python bench/faq_calibrate.py
	$(BIN)/python bench/faq_eval.py
	$(BIN)/python bench/slack_load.py
	$(BIN)/python bench/dingtalk_load.py
	$(BIN)/python bench/serve_memory.py
	$(BIN)/python bench/serve_memory.py --chunked
	$(BIN)/python bench/broadcast.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
