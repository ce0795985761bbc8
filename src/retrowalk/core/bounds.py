"""What a person may type, stated once: each range and the sentence that refuses a value outside it.

The planner (core), the forms and the API all check through these, so a value is accepted or refused alike
wherever it is typed, in the same words. The ranges are product limits (sanity bounds on what a person types),
not DOMAIN.md rules; the rules that do come from DOMAIN.md (S1's 5–10 minutes, S5's incline, the dose of the
week) are checked in the planner on top of them, with their own sentences and sources.

A speed is stored in km/h and shown in the person's units; its range is checked *as shown*, to the decimal the
person sees ("at most 5.0 mph"), so the sentence and the check never disagree by a rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrowalk.core.i18n import _, gettext_noop
from retrowalk.core.plan import PlanError
from retrowalk.core.program import MAX_WEEK
from retrowalk.core.rules import BACKWARD_MAX_S, DEFAULTS, ROUTE_SESSION_MAX_S, SESSION_MAX_S, TREADMILL_FORWARD_MAX_KMH
from retrowalk.core.units import M_PER_MI, Units, from_kmh, to_kmh

SPEED = "km/h"
DISTANCE = "km|mi"
"""A distance walked: stored in metres, shown in kilometres or miles by the person's units."""


class OutOfBoundsError(PlanError):
    """A typed value outside its range; the message is the bound's sentence."""


@dataclass(frozen=True)
class Bound:
    what: str
    """What the value is, as the sentence starts: "forward speed", "a time plan". Marked with ``gettext_noop``
    and kept in English: :meth:`name` is it in the active language."""
    lo: float
    hi: float
    unit: str = ""
    """``km/h`` (:data:`SPEED`) or :data:`DISTANCE` (both shown in the person's units), ``minutes``, ``%``, ``m``
    or nothing. A code: :meth:`label` is what a person reads."""
    places: int = 1
    """Decimals shown and checked; 0 for whole numbers."""
    low_why: str = ""
    high_why: str = ""
    """Why the range ends there, marked with ``gettext_noop`` and translated when the sentence is made."""
    verb: str = "must be"
    """``must be`` or ``lasts``: which sentence the bound says (a code; the sentences are whole messages)."""

    def name(self) -> str:
        """:attr:`what` in the active language."""
        return _(self.what)

    def shown(self, stored: float, units: Units = Units.KMH) -> float:
        """A stored value (km/h, metres…) as the person reads it, unrounded."""
        if self.unit == SPEED:
            return from_kmh(stored, units)
        if self.unit == DISTANCE:
            return stored / (M_PER_MI if units is Units.MPH else 1000.0)
        return stored

    def stored(self, shown: float, units: Units = Units.KMH) -> float:
        """What the person typed, in the units it is kept in (:meth:`shown` undone)."""
        if self.unit == SPEED:
            return to_kmh(shown, units)
        if self.unit == DISTANCE:
            return shown * (M_PER_MI if units is Units.MPH else 1000.0)
        return shown

    def limits(self, units: Units = Units.KMH) -> tuple[float, float]:
        """The range as the person sees it, in their units, to the decimal shown."""
        if self.unit in (SPEED, DISTANCE):
            return round(self.shown(self.lo, units), self.places), round(self.shown(self.hi, units), self.places)
        return self.lo, self.hi

    def label(self, units: Units = Units.KMH) -> str:
        """The unit as a person reads it, in the active language."""
        if self.unit == DISTANCE:
            return _("mi") if units is Units.MPH else _("km")
        if self.unit == SPEED:
            return units.speed_label
        return _(self.unit) if self.unit else ""

    def _shown(self, value: float, units: Units) -> str:
        if self.unit == SPEED:  # a speed keeps its decimal, as a treadmill's display does: "5.0 mph"
            text = f"{value:.{self.places}f}"
        else:
            text = f"{value:,.{self.places}f}"
            text = text.rstrip("0").rstrip(".") if "." in text else text
        label = self.label(units)
        return f"{text} {label}" if label else text

    def _sentence(self, text: str, why: str) -> str:
        # Translators: a refused value's sentence, then why the range ends there.
        return _("%(sentence)s: %(why)s") % {"sentence": text, "why": _(why)} if why else text

    def too_low(self, units: Units = Units.KMH) -> str:
        words = {"what": self.name(), "value": self._shown(self.limits(units)[0], units)}
        if self.verb == "lasts":
            return self._sentence(_("%(what)s lasts at least %(value)s") % words, self.low_why)
        return self._sentence(_("%(what)s must be at least %(value)s") % words, self.low_why)

    def too_high(self, units: Units = Units.KMH) -> str:
        words = {"what": self.name(), "value": self._shown(self.limits(units)[1], units)}
        if self.verb == "lasts":
            return self._sentence(_("%(what)s lasts at most %(value)s") % words, self.high_why)
        return self._sentence(_("%(what)s must be at most %(value)s") % words, self.high_why)

    def message(self, units: Units = Units.KMH, value: float | None = None) -> str:
        """The refusal of ``value`` (stored units), or the whole range when no value is given."""
        if value is not None and self._shown_value(value, units) < self.limits(units)[0]:
            return self.too_low(units)
        if value is not None:
            return self.too_high(units)
        lo, hi = self.limits(units)
        words = {"what": self.name(), "low": self._shown(lo, units).split()[0], "high": self._shown(hi, units)}
        if self.verb == "lasts":
            return _("%(what)s lasts between %(low)s and %(high)s") % words
        return _("%(what)s must be between %(low)s and %(high)s") % words

    def _shown_value(self, value: float, units: Units) -> float:
        shown = self.shown(value, units)
        # Compared as shown: 6.0 km/h is 3.73 mph, shown "3.7 mph", and passes "at most 3.7 mph"; 3.8 does not.
        return round(shown, self.places)

    def refuses(self, value: float, units: Units = Units.KMH) -> bool:
        """``value`` is in stored units (km/h for a speed)."""
        lo, hi = self.limits(units)
        return not lo <= self._shown_value(value, units) <= hi

    def check(self, value: float, units: Units = Units.KMH) -> float:
        if self.refuses(value, units):
            raise OutOfBoundsError(self.message(units, value))
        return value


def _minutes(seconds: float) -> float:
    return seconds / 60


SHORTEST_WALK_MIN = _minutes(DEFAULTS.warmup_min_s + DEFAULTS.bout_min_s + DEFAULTS.cooldown_min_s)

# --- the plan's request --------------------------------------------------------------------------------------
MINUTES = gettext_noop("minutes")
"""The unit of a bound in minutes: a code that is also English, translated by :meth:`Bound.label`."""
FORWARD_SPEED = Bound(gettext_noop("forward speed"), 1.0, TREADMILL_FORWARD_MAX_KMH, SPEED,
                      high_why=gettext_noop("this is a walking plan"))
BACKWARD_SPEED = Bound(gettext_noop("backward speed"), 0.5, 6.0, SPEED)
SLOWER_BACKWARD = gettext_noop("backward speed must be slower than forward (about half of it, DOMAIN.md:37-39 "
                               "Speeds)")
"""The one rule between the two speeds (checked by :func:`check_speeds`); shown as ``_(SLOWER_BACKWARD)``."""
WALK_MINUTES = Bound(gettext_noop("a time plan"), SHORTEST_WALK_MIN, _minutes(SESSION_MAX_S), MINUTES, verb="lasts",
                     low_why=gettext_noop("warm-up, one backward bout and cool-down"),
                     high_why=gettext_noop("for a longer day plan two walks, or plan on a route"))
ROUTE_MINUTES = Bound(gettext_noop("a route plan"), SHORTEST_WALK_MIN, _minutes(ROUTE_SESSION_MAX_S), MINUTES,
                      verb="lasts", low_why=gettext_noop("warm-up, one backward bout and cool-down"),
                      high_why=gettext_noop("leave the minutes out to walk the route to its end, up to 12 hours"))
BACKWARD_MINUTES = Bound(gettext_noop("backward time"), _minutes(DEFAULTS.bout_min_s), _minutes(BACKWARD_MAX_S),
                         MINUTES, low_why=gettext_noop("one shortest bout"),
                         high_why=gettext_noop("S1's most per session (DOMAIN.md:11)"))

# --- a profile -----------------------------------------------------------------------------------------------
PAIN = Bound(gettext_noop("knee pain"), 0, 10, places=0, high_why=gettext_noop("0 is none, 10 the worst imaginable"))
EFFORT = Bound(gettext_noop("effort"), 0, 10, places=0, high_why=gettext_noop("0 is rest, 10 maximal"))
WEEK = Bound(gettext_noop("the programme week"), 1, MAX_WEEK, places=0)

# --- a logged session ----------------------------------------------------------------------------------------
DONE_BACKWARD_MINUTES = Bound(gettext_noop("backward minutes walked"), 0, 240)
DONE_FORWARD_MINUTES = Bound(gettext_noop("forward minutes walked"), 0, 720)
BELT_SPEED = Bound(gettext_noop("treadmill speed"), 0.1, TREADMILL_FORWARD_MAX_KMH, SPEED)
LOGGED_INCLINE = Bound(gettext_noop("incline"), 0, 25, "%")
DISTANCE_M = Bound(gettext_noop("distance"), 0, 200_000, "m", places=0)
DISTANCE_WALKED = Bound(gettext_noop("distance"), DISTANCE_M.lo, DISTANCE_M.hi, DISTANCE, places=2)
"""DISTANCE_M as a person types it on a form: in kilometres or miles."""


def check_speeds(forward_kmh: float, backward_kmh: float, units: Units = Units.KMH) -> None:
    """Both speeds in range, and backward the slower (DOMAIN.md:37-39)."""
    FORWARD_SPEED.check(forward_kmh, units)
    BACKWARD_SPEED.check(backward_kmh, units)
    if backward_kmh >= forward_kmh:
        raise OutOfBoundsError(_(SLOWER_BACKWARD))
