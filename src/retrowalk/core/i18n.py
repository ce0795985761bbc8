"""The words of the domain in the reader's language, with no web framework in the core.

Core code marks what a person reads with :func:`_` (and :func:`ngettext` for counts): message catalogues are
gathered from these names (``make messages``). The studio app installs Django's translation here when it starts
(web/walks/apps.py), so plans, cues, refusals and exports made in a request speak its language; the command line,
which installs nothing, speaks English as written.
"""

from __future__ import annotations

from collections.abc import Callable

_gettext: Callable[[str], str] = lambda message: message  # noqa: E731
_ngettext: Callable[[str, str, int], str] = lambda singular, plural, n: singular if n == 1 else plural  # noqa: E731


def install(gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> None:
    """Translate from now on with these (Django's ``gettext`` and ``ngettext``)."""
    global _gettext, _ngettext
    _gettext, _ngettext = gettext, ngettext


def _(message: str) -> str:
    """``message`` in the active language (as written, with nothing installed)."""
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for ``n`` in the active language."""
    return _ngettext(singular, plural, n)


def gettext_noop(message: str) -> str:
    """Marks a constant for the catalogue without translating it now: translate it with :func:`_` when shown."""
    return message
