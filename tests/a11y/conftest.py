"""The accessibility sweep uses the web tests' studio and the security probes' front-desk things (one of each)."""

from tests.security.conftest import desk  # noqa: F401  (fixtures)
from tests.web.conftest import _fast_passwords, studio  # noqa: F401
