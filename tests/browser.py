"""Debian's Chromium for the browser tests, one for the whole run (a plugin: tests/conftest.py), every context
reporting Content-Security-Policy violations so that any browser test meeting one fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
REASON_FILE = Path(__file__).resolve().parents[1] / "var" / "chromium-missing"
"""Where tools/install-chromium.sh (``make browser``, run by ``make test``) says why it could not install it."""


def missing_reason(reason_file: Path = REASON_FILE) -> str | None:
    """Why the browser tests cannot run, in the installer's words when it left any; None when Chromium is here."""
    if Path(CHROMIUM).exists() and shutil.which("chromium") is not None:
        return None
    if reason_file.is_file() and reason_file.read_text().strip():
        return f"Debian's chromium is missing: {reason_file.read_text().strip()}"
    return "Debian's chromium is not installed, and the installer did not run (`make test` runs it: make browser)"


needs_chromium = pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or "")


CSP_VIOLATIONS: list[str] = []
"""Content-Security-Policy violations Chromium reported during the current test (any fails it)."""


def _csp_report(message: Any) -> None:
    if "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(f"{message.location.get('url', '')}: {message.text}")


class _Reporting:
    """The browser, each new context reporting the Content-Security-Policy violations Chromium logs, so that any
    browser test meeting one fails: the strict policy is proven by every page the browser tests visit."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **kwargs: Any) -> Any:
        context = self._browser.new_context(**kwargs)
        context.on("console", _csp_report)
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def _no_csp_violations():
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "\n".join(CSP_VIOLATIONS)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, driven by Playwright (never Playwright's own browser download)."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test itself are still
    # synchronous, so allow them (the documented setting for exactly this pairing).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield _Reporting(browser)
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
