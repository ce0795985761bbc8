"""Units at the edges: plans hold km/h, metres and seconds; people read mph or km/h and m:ss."""

from __future__ import annotations

import os
from enum import StrEnum

from retrowalk.core.i18n import _
from retrowalk.core.rules import KMH_PER_MPH, M_PER_FT

M_PER_MI = KMH_PER_MPH * 1000.0


class Units(StrEnum):
    MPH = "mph"
    KMH = "kmh"

    @property
    def speed_label(self) -> str:
        """The speed unit as people read it, in the active language (the value itself is the stored code)."""
        return _("mph") if self is Units.MPH else _("km/h")


# Territories whose people think of walking speed in miles per hour.
_MPH_TERRITORIES = frozenset({"US", "LR", "MM"})


def default_units(environ: dict[str, str] | None = None) -> Units:
    """mph where the locale says US (or Liberia, Myanmar), km/h where it names any other territory.

    A locale without a territory (``C``, ``POSIX``, ``C.UTF-8``) gives mph: the seed's studio is in the US.
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MEASUREMENT", "LANG"):
        value = env.get(name, "")
        if not value:
            continue
        locale = value.split(".", 1)[0].split("@", 1)[0]
        if "_" in locale:
            territory = locale.split("_", 1)[1].upper()
            return Units.MPH if territory in _MPH_TERRITORIES else Units.KMH
        return Units.MPH
    return Units.MPH


def to_kmh(speed: float, units: Units) -> float:
    return speed * KMH_PER_MPH if units is Units.MPH else speed


def from_kmh(speed_kmh: float, units: Units) -> float:
    return speed_kmh / KMH_PER_MPH if units is Units.MPH else speed_kmh


def format_speed(speed_kmh: float, units: Units, whole: bool = False) -> str:
    """``3.2 km/h`` or ``2.0 mph``: one decimal, the resolution of a treadmill's display (``whole``: none)."""
    return f"{from_kmh(speed_kmh, units):.{0 if whole else 1}f} {units.speed_label}"


def format_length_m(length_m: float, units: Units) -> str:
    """A short length for a cue: ``2 m`` or ``6 ft``."""
    if units is Units.MPH:
        return _("%(length)s ft") % {"length": round(length_m / M_PER_FT)}
    return _("%(length)s m") % {"length": round(length_m)}


def format_distance(length_m: float, units: Units) -> str:
    """A distance along a route: ``350 m``, ``1.25 km``, ``900 ft``, ``0.78 mi``."""
    if units is Units.MPH:
        feet = length_m / M_PER_FT
        if feet < 1000:
            return _("%(length)s ft") % {"length": f"{round(feet / 10) * 10:.0f}"}
        return _("%(length)s mi") % {"length": f"{length_m / M_PER_MI:.2f}"}
    if length_m < 1000:
        return _("%(length)s m") % {"length": f"{round(length_m / 5) * 5:.0f}"}
    return _("%(length)s km") % {"length": f"{length_m / 1000:.2f}"}


def format_grade(grade_pct: float) -> str:
    """A grade to the whole percent with its sign: ``+4 %``, ``0 %``, ``−3 %`` (never "−0 %")."""
    whole = round(grade_pct)
    if whole == 0:
        return "0 %"
    return f"+{whole} %" if whole > 0 else f"−{-whole} %"


def format_clock(seconds: int) -> str:
    """``90`` → ``1:30``; ``3725`` → ``1:02:05``."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def format_duration(seconds: float) -> str:
    """A duration for a sentence: ``45 s``, ``2 min``, ``5 min 30 s``, ``2 h 35 min``, ``12 h`` (never
    "1:30 min", which reads as a clock, nor "11:59:55 min"). An hour or more is told to the minute."""
    seconds = round(seconds)
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    if seconds < 3600:
        minutes, secs = divmod(seconds, 60)
        if secs:
            return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": secs}
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(round(seconds / 60), 60)
    if minutes:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(hours)d h") % {"hours": hours}
