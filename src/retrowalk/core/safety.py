"""The safety notes every plan carries (DOMAIN.md:53-55), worded for the kind of walk and the walker's units."""

from __future__ import annotations

from retrowalk.core.i18n import _, gettext_noop
from retrowalk.core.plan import Kind
from retrowalk.core.rules import DEFAULTS, Settings
from retrowalk.core.units import Units, format_length_m

KNEE_CUE = gettext_noop("knee straight at each step")
"""S6 (DOMAIN.md:16): the point of walking backward is terminal knee extension under load. Marked for the
catalogue: a cue shows it as ``_(KNEE_CUE)``."""
KNEE_NOTE = gettext_noop("Walking backward, straighten the knee fully on every step: that is what strengthens it.")


def safety_notes(kind: Kind, units: Units, settings: Settings = DEFAULTS) -> tuple[str, ...]:
    """The notes in the active language."""
    stop = (_("Stop and face forward on dizziness, loss of balance, or knee pain above %(pain)s/10.")
            % {"pain": settings.stop_pain_above})
    if kind in (Kind.OUTDOOR, Kind.ROUTE):
        return (
            _("Walk backward only on flat or uphill ground, never downhill."),  # S3
            _("Choose a clear, familiar path with no traffic, steps or kerbs."),  # DOMAIN.md:53
            _("Look over your shoulder before you turn around and every few steps while walking backward."),
            stop,
            _(KNEE_NOTE),
        )
    clearance = format_length_m(settings.treadmill_clearance_m, units)
    notes = [
        _("Keep your hips against the console while walking backward."),  # S4, S5
        _("Keep about %(clearance)s clear behind the treadmill.") % {"clearance": clearance},  # DOMAIN.md:54
    ]
    if kind is Kind.TREADMILL:
        notes += [
            _("Clip the safety key to your clothing before you start the belt."),  # DOMAIN.md:54
            _("Never increase the speed in the middle of a backward bout; "
              "slow the belt before you turn around."),  # DOMAIN.md:55
        ]
    else:
        notes.append(_("The belt turns only as fast as you push it: keep the pace slow and even."))  # S4
    notes += [stop, _(KNEE_NOTE)]
    return tuple(notes)
