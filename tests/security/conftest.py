"""The security probes use the web tests' studio and their fast password hasher."""

from tests.web.conftest import _fast_passwords, studio  # noqa: F401  (fixtures)
