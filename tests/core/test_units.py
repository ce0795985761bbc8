from __future__ import annotations

import pytest

from retrowalk.core.units import Units, default_units, format_clock, format_duration, format_speed, from_kmh, to_kmh


@pytest.mark.parametrize(
    ("env", "units"),
    [
        ({"LANG": "en_US.UTF-8"}, Units.MPH),
        ({"LANG": "de_DE.UTF-8"}, Units.KMH),
        ({"LANG": "en_GB.UTF-8", "LC_MEASUREMENT": "en_US.UTF-8"}, Units.MPH),
        ({"LC_ALL": "fr_FR", "LANG": "en_US"}, Units.KMH),
        ({"LANG": "C.UTF-8"}, Units.MPH),
        ({}, Units.MPH),
    ],
)
def test_default_units_follow_the_locale(env: dict[str, str], units: Units) -> None:
    assert default_units(env) is units


@pytest.mark.parametrize("speed", [0.0, 1.5, 3.2, 5.0])
def test_speeds_round_trip_through_both_units(speed: float) -> None:
    for units in Units:
        assert from_kmh(to_kmh(speed, units), units) == pytest.approx(speed)


def test_two_mph_reads_as_two_mph_and_three_point_two_kmh() -> None:
    assert format_speed(to_kmh(2.0, Units.MPH), Units.MPH) == "2.0 mph"
    assert format_speed(to_kmh(2.0, Units.MPH), Units.KMH) == "3.2 km/h"


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (90, "1:30"), (600, "10:00"), (3725, "1:02:05")])
def test_clock_format(seconds: int, text: str) -> None:
    assert format_clock(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [(45, "45 s"), (60, "1 min"), (330, "5 min 30 s"), (3600, "1 h"),
                                               (9345, "2 h 36 min"), (43195, "12 h"), (3599.6, "1 h")])
def test_a_duration_in_a_sentence_never_reads_as_a_clock(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
