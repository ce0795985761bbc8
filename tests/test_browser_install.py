"""`make browser` (tools/install-chromium.sh) waits for another install's package lock instead of giving up (a
concurrent install made every browser test skip on the SQLite pass while the run still ended green), and a
skipped browser test says the installer's real reason."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.browser import missing_reason

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "install-chromium.sh"
LOCK = Path("/var/lib/dpkg/lock-frontend")


def test_a_skip_gives_the_installers_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tests.browser.CHROMIUM", str(tmp_path / "no-chromium"))
    reason = tmp_path / "chromium-missing"
    reason.write_text("apt-get install chromium failed: E: Could not get lock /var/lib/dpkg/lock-frontend\n")
    assert missing_reason(reason) == ("Debian's chromium is missing: apt-get install chromium failed: "
                                      "E: Could not get lock /var/lib/dpkg/lock-frontend")
    reason.unlink()
    assert "did not run" in (missing_reason(reason) or "")


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("apt-get") is None or shutil.which("chromium") is None,
                    reason="holding the package lock needs root, apt-get and an installed chromium")
def test_the_installer_waits_for_a_package_lock_held_by_another_install(tmp_path: Path) -> None:
    """The lock is held for 4 s by another process (as a second apt would); the installer, run as if Chromium were
    missing (already installed, so apt has nothing to fetch), waits for it and succeeds."""
    held = threading.Event()

    def hold() -> None:
        with LOCK.open("a") as f:
            fcntl.lockf(f, fcntl.LOCK_EX)
            held.set()
            time.sleep(4)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    started = time.monotonic()
    env = {**os.environ, "FORCE_INSTALL": "1", "SKIP_UPDATE": "1", "REASON_FILE": str(tmp_path / "reason"),
           "APT_LOCK_WAIT_S": "60"}
    done = subprocess.run([str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    waited = time.monotonic() - started
    holder.join()
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (tmp_path / "reason").exists(), (tmp_path / "reason").read_text()
    assert waited >= 2.5  # it waited for the lock rather than failing at once
