"""Our FIT record reader against Garmin's official SDK, field for field, on every real FIT file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from garmin_fit_sdk import Decoder, Stream

from retrowalk.core.track import TrackError
from retrowalk.formats.fit import FIT_EPOCH_S, SEMICIRCLE_DEG, read_fit
from tests.real import REAL, ids, needs_real, real_files

FIT = real_files("fit", "fit-workouts", "malformed", suffixes=(".fit",))


def sdk_records(data: bytes) -> list[dict]:
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, _errors = decoder.read(convert_datetimes_to_dates=False)
    return [r for r in messages.get("record_mesgs", [])
            if r.get("position_lat") is not None and r.get("position_long") is not None]


@needs_real
@pytest.mark.slow
@pytest.mark.parametrize("path", FIT, ids=ids(FIT))
def test_records_match_the_official_sdk(path: Path) -> None:
    data = path.read_bytes()
    want = sdk_records(data)
    try:
        track = read_fit(data)
    except TrackError:
        assert want == []  # we refuse only files whose records carry no position
        return
    if track.damage is not None and track.damage.cut:
        # A damaged file: the SDK reads on up to where decoding fails; we stop at the first fix the walk cannot
        # have made (there, a record 64 years after the one before). What we keep is the SDK's, record for record.
        assert len(track) <= len(want)
        want = want[: len(track)]
    else:
        assert len(track) == len(want)
    lat = np.array([r["position_lat"] for r in want]) * SEMICIRCLE_DEG
    lon = np.array([r["position_long"] for r in want]) * SEMICIRCLE_DEG
    ele = np.array([np.nan if r.get("enhanced_altitude", r.get("altitude")) is None
                    else r.get("enhanced_altitude", r.get("altitude")) for r in want], dtype=float)
    ts = np.array([r.get("timestamp", np.nan) for r in want], dtype=float) + FIT_EPOCH_S
    np.testing.assert_allclose(track.lat_deg, lat, atol=1e-12)
    np.testing.assert_allclose(track.lon_deg, lon, atol=1e-12)
    np.testing.assert_allclose(track.ele_m, ele, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(track.time_s, ts, atol=1e-9, equal_nan=True)


@needs_real
def test_a_workout_file_is_refused_as_a_workout() -> None:
    with pytest.raises(TrackError, match="is a workout, not a walk"):
        read_fit((REAL / "fit-workouts" / "fitsdk-WorkoutRepeatSteps.fit").read_bytes())


@needs_real
def test_a_truncated_file_keeps_what_it_read_and_says_so() -> None:
    data = (REAL / "fit" / "fitparse-fenix2-run.fit").read_bytes()
    track = read_fit(data[: len(data) // 2])
    assert 1000 < len(track) < 2809
    assert track.damage is not None and track.damage.cut and track.damage.records_read == len(track)
    assert track.damage.share_read == pytest.approx(0.5, abs=0.01)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(TrackError, match="empty"):
        read_fit(b"")


@needs_real
def test_damaged_files_never_raise_anything_but_a_clear_refusal() -> None:
    """Cut and corrupt real files at seeded random places: a read, or a TrackError, never another exception."""
    import random

    rng = random.Random(20261124)
    for path in real_files("fit", suffixes=(".fit",))[:10]:
        data = path.read_bytes()
        for _ in range(40):
            damaged = bytearray(data[: rng.randrange(0, len(data))])
            for _ in range(rng.randrange(0, 4)):
                if len(damaged) > 20:
                    damaged[rng.randrange(12, len(damaged))] = rng.randrange(256)
            try:
                track = read_fit(bytes(damaged))
            except TrackError as err:
                assert "\n" not in str(err)
            else:
                assert np.isfinite(track.lat_deg).all()


ACTIVITIES = [p for p in FIT if "workout" not in p.name.lower()]


@needs_real
@pytest.mark.slow
@pytest.mark.parametrize("path", ACTIVITIES, ids=ids(ACTIVITIES))
def test_cadence_speed_laps_and_sport_match_the_official_sdk(path: Path) -> None:
    """What a review reads beyond the track (DOMAIN.md §6), field for field against Garmin's SDK."""
    from retrowalk.formats.fit import read_fit_recording

    data = path.read_bytes()
    try:
        recording = read_fit_recording(data)
    except TrackError:
        return
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, _errors = decoder.read(convert_datetimes_to_dates=False, apply_scale_and_offset=True)
    want = [r for r in messages.get("record_mesgs", [])
            if r.get("position_lat") is not None and r.get("position_long") is not None][: len(recording.track)]
    cadence = np.array([np.nan if r.get("cadence") is None else r["cadence"] for r in want], dtype=float)
    speed = np.array([np.nan if r.get("enhanced_speed", r.get("speed")) is None
                      else r.get("enhanced_speed", r.get("speed")) for r in want], dtype=float)
    np.testing.assert_allclose(recording.cadence, cadence, equal_nan=True)
    np.testing.assert_allclose(recording.speed_ms, speed, atol=1e-9, equal_nan=True)
    if recording.track.damage is None:
        laps = [lap for lap in messages.get("lap_mesgs", []) if lap.get("start_time") is not None]
        assert [round(lap.start_s) for lap in recording.laps] == [lap["start_time"] + FIT_EPOCH_S for lap in laps]
        assert [lap.step_index for lap in recording.laps] == [lap.get("wkt_step_index") for lap in laps]
        sessions = messages.get("session_mesgs") or messages.get("sport_mesgs") or [{}]
        sport = sessions[0].get("sport")
        assert recording.sport == ("" if sport is None else str(sport).replace("_", " ")) or sport is None
