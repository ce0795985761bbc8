"""The words for ground and for elevation, one enum each, shared by core, the file formats and the web app.

A plan's JSON, its cues, the card, the GPX and the pages all name the ground with :class:`Terrain`'s values
(``uphill``, ``flat`` …), so the published schema is these values. Profiles hold one class per sample as a small
integer (:attr:`Terrain.code`) because they are numpy arrays; :func:`Terrain.of_code` turns one back.
"""

from __future__ import annotations

from enum import StrEnum

from retrowalk.core.i18n import _, gettext_noop


class Terrain(StrEnum):
    """DOMAIN.md:28-35 Terrain classes."""

    UNKNOWN = "unknown"
    """No usable elevation: never silently flat (DOMAIN.md:35)."""
    DOWNHILL = "downhill"
    """Anything that may go down by more than 1 % (S3: never backward)."""
    FLAT = "flat"
    UPHILL = "uphill"
    STEEP = "steep"
    """Uphill above +15 %: not for beginners."""
    MIXED = "mixed"
    """A forward stretch over several kinds of ground; never the class of one sample."""

    @property
    def code(self) -> int:
        """The class as profiles store it, one int8 per sample."""
        return _CODES[self]

    @staticmethod
    def of_code(code: int) -> Terrain:
        return _BY_CODE[int(code)]


_CODES = {Terrain.UNKNOWN: 0, Terrain.DOWNHILL: 1, Terrain.FLAT: 2, Terrain.UPHILL: 3, Terrain.STEEP: 4,
          Terrain.MIXED: 5}
_BY_CODE = {code: terrain for terrain, code in _CODES.items()}

SAFE_BACKWARD = frozenset({Terrain.FLAT, Terrain.UPHILL, Terrain.STEEP})
"""S3: backward only where the ground is level or rises. ``unknown`` only when the plan flags it."""


class Elevation(StrEnum):
    """Whether a route's elevation could be read (DOMAIN.md:35)."""

    RECORDED = "recorded"
    UNKNOWN = "unknown"



# Translators: the kinds of ground, as in "backward 1:30 (100 m, uphill +4 %)" and "on downhill ground".
TERRAIN_WORDS = {Terrain.UNKNOWN: gettext_noop("unknown"), Terrain.DOWNHILL: gettext_noop("downhill"),
                 Terrain.FLAT: gettext_noop("flat"), Terrain.UPHILL: gettext_noop("uphill"),
                 Terrain.STEEP: gettext_noop("steep"), Terrain.MIXED: gettext_noop("mixed")}
"""The ground in a plan's words, marked for the catalogue: :func:`terrain_label` translates them."""


def terrain_label(terrain: Terrain) -> str:
    """The ground as a plan's words name it ("uphill", "flat" …), in the active language; the value is the code."""
    return _(TERRAIN_WORDS[terrain])
