"""The safety notes every plan carries (DOMAIN.md:53-55), worded for the kind of walk and the walker's units."""

from __future__ import annotations

from retrowalk.core.plan import Kind
from retrowalk.core.rules import DEFAULTS, Settings
from retrowalk.core.units import Units, format_length_m

KNEE_CUE = "knee straight at each step"
"""S6 (DOMAIN.md:16): the point of walking backward is terminal knee extension under load."""
KNEE_NOTE = "Walking backward, straighten the knee fully on every step: that is what strengthens it."


def safety_notes(kind: Kind, units: Units, settings: Settings = DEFAULTS) -> tuple[str, ...]:
    stop = (
        f"Stop and face forward on dizziness, loss of balance, or knee pain above "
        f"{settings.stop_pain_above}/10."
    )
    if kind in (Kind.OUTDOOR, Kind.ROUTE):
        return (
            "Walk backward only on flat or uphill ground, never downhill.",  # S3
            "Choose a clear, familiar path with no traffic, steps or kerbs.",  # DOMAIN.md:53
            "Look over your shoulder before you turn around and every few steps while walking backward.",
            stop,
            KNEE_NOTE,
        )
    clearance = format_length_m(settings.treadmill_clearance_m, units)
    notes = [
        "Keep your hips against the console while walking backward.",  # S4, S5
        f"Keep about {clearance} clear behind the treadmill.",  # DOMAIN.md:54
    ]
    if kind is Kind.TREADMILL:
        notes += [
            "Clip the safety key to your clothing before you start the belt.",  # DOMAIN.md:54
            "Never increase the speed in the middle of a backward bout; "
            "slow the belt before you turn around.",  # DOMAIN.md:55
        ]
    else:
        notes.append("The belt turns only as fast as you push it: keep the pace slow and even.")  # S4
    notes += [stop, KNEE_NOTE]
    return tuple(notes)
