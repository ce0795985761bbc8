"""Shared test settings: hypothesis profiles for a developer's run and for CI."""

import os

from hypothesis import HealthCheck, settings

pytest_plugins = ["tests.browser"]  # one Chromium for tests/web and tests/security alike

settings.register_profile("dev", max_examples=300, deadline=None)
settings.register_profile("ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))
