"""core/ stays free of Django and of I/O frameworks (STYLE.md: the functional core)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_core_imports_no_django() -> None:
    code = (
        "import sys, pkgutil, importlib, retrowalk.core as c\n"
        "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('retrowalk.core.' + m.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'rich', 'retrowalk'} "
        "and not m.startswith('retrowalk.core') and m != 'retrowalk')\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
