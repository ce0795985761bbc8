"""Where the shared real-world files are; tests read them by path and never copy them."""

from __future__ import annotations

from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


def real_files(*folders: str, suffixes: tuple[str, ...] = (".gpx", ".tcx", ".fit")) -> list[Path]:
    if not REAL.is_dir():
        return []
    return sorted(p for f in folders for p in (REAL / f).glob("*") if p.suffix.lower() in suffixes)


def ids(paths: list[Path]) -> list[str]:
    return [f"{p.parent.name}/{p.name}" for p in paths]


needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"shared real data not found at {REAL}")
