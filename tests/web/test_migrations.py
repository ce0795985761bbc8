"""The models and the migrations agree: a field added (a language's column, say) without its migration fails here,
not on the first deploy."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


def test_every_model_change_has_its_migration(db) -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail("a model changed without its migration:\n" + out.getvalue())
