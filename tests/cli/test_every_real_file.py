"""Every real file through the command line: a plan, or one line saying why not; never a warning, a traceback or
the file's own bytes on the terminal."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from retrowalk.cli import main
from tests.real import ids, needs_real, real_files

ALL = real_files("gpx", "tcx", "fit", "fit-workouts", "malformed")


@needs_real
@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_a_real_file_plans_or_is_refused_in_one_line(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status = main(["plan", str(path), "--units", "kmh", "--week", "3"])
    out, err = capsys.readouterr()
    assert [str(w.message) for w in caught] == []
    if status == 0:
        assert out.strip() and "Traceback" not in err
        return
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("retrowalk plan: ")
    assert len(err) < 400 and err.isprintable() is False  # the newline at its end, and nothing else unprintable
    assert err[:-1].isprintable()
