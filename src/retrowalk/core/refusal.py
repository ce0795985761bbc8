"""What went wrong with a route, and what can be done instead, as data.

Core says it in the domain's words ("walked the other way it holds 5 min"); each shell words the remedy with its
own controls: the command line with its flags (``--reverse``), the web app with its buttons ("Plan it the other
way"). Nothing here names a flag or a button.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from retrowalk.core.i18n import _, gettext_noop
from retrowalk.core.plan import PlanError
from retrowalk.core.units import Units, format_distance, format_duration


class Why(StrEnum):
    """Why a route holds less backward walking than asked, or none."""

    TOO_SHORT = "too-short"
    """Shorter than a warm-up, one bout and a cool-down."""
    NO_SAFE_GROUND = "no-safe-ground"
    """No flat or rising stretch long enough between the warm-up and the cool-down (S3)."""
    SHARP_TURNS = "sharp-turns"
    """Flat or rising ground there is, but no straight stretch long enough on it (DOMAIN.md:32-34)."""


class Instead(StrEnum):
    """Something the walker can do instead."""

    REVERSE = "reverse"
    """Walk the same route the other way."""
    TIME_PLAN = "time-plan"
    """A plan by time alone, on any path the walker can see is level or rising."""
    TREADMILL = "treadmill"
    """A treadmill or deadmill session."""


@dataclass(frozen=True, slots=True)
class Option:
    instead: Instead
    backward_s: int | None = None
    """What it holds, where that is known (the reverse direction); None: the full dose."""


REASONS = {
    Why.NO_SAFE_GROUND: gettext_noop("no flat or rising stretch long enough for a bout after the warm-up and before "
                                     "the cool-down"),
    Why.SHARP_TURNS: gettext_noop("its flat and rising stretches are too short between sharp turns (a bout needs "
                                  "straight ground with 10 m clear of any turn over 45°)"),
}
"""Why a route holds too little, as a clause, marked for the catalogue: shown as ``_(REASONS[why])``."""


class RouteRefusedError(PlanError):
    """A route that holds no bout at all: why, in the domain's words, and what to do instead.

    ``str()`` is one sentence without a flag or a button; :attr:`why` and :attr:`options` let a shell word the
    remedy its own way.
    """

    def __init__(self, why: Why, options: tuple[Option, ...], *, length_m: float = 0.0, needed_m: float = 0.0,
                 units: Units = Units.KMH) -> None:
        self.why = why
        self.options = options
        self.length_m = length_m
        self.needed_m = needed_m
        self.units = units
        super().__init__(_("%(reason)s; %(instead)s") % {"reason": self.reason(), "instead": offer(options)})

    def reason(self) -> str:
        if self.why is Why.TOO_SHORT:
            return (_("this route is only %(length)s long, too short to walk a plan on (a warm-up, one bout and a "
                      "cool-down take about %(needed)s)")
                    % {"length": format_distance(self.length_m, self.units),
                       "needed": format_distance(self.needed_m, self.units)})
        return _("this route has nowhere safe to walk backward: %(reason)s") % {"reason": _(REASONS[self.why])}


def offer(options: tuple[Option, ...]) -> str:
    """The options as a clause: "walked the other way it holds 5 min, or plan by time or on a treadmill"."""
    parts: list[str] = []
    kinds: list[Instead] = []
    for option in options:
        if option.instead is Instead.REVERSE and option.backward_s:
            parts.append(_("walked the other way it holds %(backward)s")
                         % {"backward": format_duration(option.backward_s)})
        elif option.instead is Instead.TIME_PLAN:
            parts.append(_("plan by time instead"))
        elif option.instead is Instead.TREADMILL:
            parts.append(_("on a treadmill"))
        else:
            continue
        kinds.append(option.instead)
    if kinds[-2:] == [Instead.TIME_PLAN, Instead.TREADMILL]:
        parts[-2:] = [_("plan by time or on a treadmill instead")]
    text = parts[0] if parts else ""
    for part in parts[1:]:
        # Translators: one more thing the walker can do instead, after those before it.
        text = _("%(options)s, or %(option)s") % {"options": text, "option": part}
    return text
