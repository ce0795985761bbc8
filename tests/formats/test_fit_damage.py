"""Damaged FIT files (made here from real ones: bytes deleted, bits flipped, the end cut off): every one is said
to be damaged, and nothing is read or planned that the file does not hold (issue 12: one deleted byte turned a
9 km run into 57 km of invented track and a 12-hour plan)."""

from __future__ import annotations

import random
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from retrowalk.core import routetext
from retrowalk.core.plan import PlanError
from retrowalk.core.routeplan import RouteRequest, route_plan
from retrowalk.core.track import Track, TrackError
from retrowalk.core.units import Units
from retrowalk.core.walk import Walked, walked
from retrowalk.formats.fit import _crc16, read_fit
from tests.real import REAL, needs_real

ORIGINALS = ["fit/fitparse-fenix2-run.fit", "fit/workoutizer-walk-2020-08-20-fr645m.fit",
             "fit/sportslib-6916728382-coros-apex.fit", "fit/sportslib-6910052863-suunto9baro-trail.fit",
             "fit/fittrackee-apple-watch.fit", "fit/goldencheetah-fr55-walk.fit"]
NEAR_M = 60.0
"""A kept fix may differ from the recorded one by a flipped low bit; more than this, and it was invented."""


def damaged(data: bytes, seed: str) -> Iterator[tuple[str, bytes]]:
    """Deletions, flips, zeroed runs and cuts at seeded places past the header: what a bad copy does."""
    rng = random.Random(seed)
    body = range(14, len(data))
    for _ in range(6):
        at = rng.choice(body)
        yield f"byte {at} deleted", data[:at] + data[at + 1:]
    for _ in range(6):
        at, bit = rng.choice(body), rng.randrange(8)
        yield f"bit {bit} of byte {at} flipped", data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1:]
    for _ in range(2):
        at = rng.choice(body)
        yield f"17 bytes deleted at {at}", data[:at] + data[at + 17:]
        yield f"32 bytes zeroed at {at}", data[:at] + bytes(32) + data[at + 32:]
    for share in (0.3, 0.6, 0.95):
        yield f"cut at {share:.0%}", data[: int(len(data) * share)]


def off_the_recording(kept: Walked, original: Track) -> list[float]:
    """For each fix the walk goes through, its distance to the nearest recorded one, in metres, where that is
    over NEAR_M (found on a grid of 100 m cells; 10⁹ for one nowhere near)."""
    k = 111_195.0
    cos = np.cos(np.radians(original.lat_deg.mean()))
    ox, oy = original.lon_deg * k * cos, original.lat_deg * k
    cells: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(zip((ox // 100).astype(int), (oy // 100).astype(int), strict=True)):
        cells.setdefault((x, y), []).append(i)
    off = []
    for x, y in zip(kept.lon_deg * k * cos, kept.lat_deg * k, strict=True):
        cx, cy = int(x // 100), int(y // 100)
        near = [i for dx in (-1, 0, 1) for dy in (-1, 0, 1) for i in cells.get((cx + dx, cy + dy), [])]
        best = float(np.hypot(ox[near] - x, oy[near] - y).min()) if near else 1e9
        if best > NEAR_M:
            off.append(best)
    return off


CASES = [(name, what, bad) for name in ORIGINALS if (REAL / name).exists()
         for what, bad in damaged((REAL / name).read_bytes(), name)]


@needs_real
@pytest.mark.parametrize(("name", "what", "bad"), CASES, ids=[f"{Path(n).stem}: {w}" for n, w, _ in CASES])
def test_a_damaged_fit_is_said_to_be_damaged_and_holds_nothing_invented(name: str, what: str, bad: bytes) -> None:
    original = read_fit((REAL / name).read_bytes())
    try:
        track = read_fit(bad)
    except TrackError as err:
        assert "\n" not in str(err) and len(str(err)) < 200
        return
    assert track.damage is not None, f"{what}: read as if whole"
    points = walked(track)  # what plans, pictures and exports use: stray fixes dropped as jumps
    off = off_the_recording(points, original)
    # A flipped bit is in the file: it may move its one fix a little (a spike a walker could not have made in
    # its time is dropped). Anything else, or more, was invented.
    assert not off or ("flipped" in what and len(off) == 1 and off[0] < 1000), f"{what}: {off[:3]}"
    recorded = walked(original).dist_m[-1]
    assert points.dist_m[-1] <= recorded * 1.02 + 100, f"{what}: {points.dist_m[-1]:.0f} m of {recorded:.0f} m"
    try:
        plan = route_plan(track, RouteRequest(units=Units.KMH)).plan
    except (PlanError, TrackError):
        return
    assert plan.route is not None and plan.route.distance_m <= recorded * 1.02 + 100
    assert plan.warnings and "damaged" in plan.warnings[0]


@needs_real
def test_one_deleted_byte_keeps_the_run_before_it_and_says_what_was_kept() -> None:
    data = (REAL / "fit/fitparse-fenix2-run.fit").read_bytes()
    at = len(data) * 2 // 3
    track = read_fit(data[:at] + data[at + 1:])
    assert track.damage is not None and track.damage.cut
    assert 0.5 * 2809 < track.damage.records_read < 2809
    assert track.damage.share_read == pytest.approx(2 / 3, abs=0.02)
    plan = route_plan(track, RouteRequest(units=Units.KMH)).plan
    assert plan.route is not None and plan.route.distance_m < 8996
    assert plan.warnings[0].startswith(f"Read {track.damage.records_read:,} records (about 67 % of the file)")
    assert "the file is damaged after" in plan.warnings[0]


@needs_real
def test_a_wrong_checksum_alone_reads_the_whole_file_and_says_it_may_be_wrong() -> None:
    data = bytearray((REAL / "fit/fitparse-fenix2-run.fit").read_bytes())
    data[-1] ^= 0xFF  # the checksum itself
    track = read_fit(bytes(data))
    assert len(track) == 2809
    assert track.damage is not None and track.damage.checksum_failed and not track.damage.cut


def rewritten(data: bytes, base_type: Callable[[int], int]) -> bytes:
    """The same FIT file with each field definition's base type byte replaced by ``base_type(byte)`` and its
    checksum made good again: a writer's own way of spelling its definitions, not damage."""
    out = bytearray(data)
    header_size = out[0]
    (data_size,) = struct.unpack_from("<I", out, 4)
    pos, end, sizes = header_size, header_size + data_size, {}
    while pos < end:
        header = out[pos]
        pos += 1
        if header & 0x80:  # compressed timestamp
            pos += sizes[(header >> 5) & 0x03]
        elif header & 0x40:  # definition: reserved, architecture, global number, fields, [developer fields]
            fields = out[pos + 4]
            size = 0
            for i in range(fields):
                at = pos + 5 + 3 * i
                size += out[at + 1]
                out[at + 2] = base_type(out[at + 2])
            pos += 5 + 3 * fields
            if header & 0x20:
                size += sum(out[pos + 1 + 3 * i + 1] for i in range(out[pos]))
                pos += 1 + 3 * out[pos]
            sizes[header & 0x0F] = size
        else:
            pos += sizes[header & 0x0F]
    struct.pack_into("<H", out, end, _crc16(bytes(out[:end])))
    return bytes(out)


@needs_real
def test_base_types_written_without_their_endian_bit_read_as_the_sdk_reads_them() -> None:
    """Garmin's SDK masks a field's base type to its low five bits: a writer that leaves the endian-capable bit
    off writes a valid file, which is read whole and undamaged."""
    data = (REAL / "fit/fitparse-fenix2-run.fit").read_bytes()
    track = read_fit(rewritten(data, lambda b: b & 0x1F))
    assert len(track) == len(read_fit(data)) and track.damage is None


@needs_real
@pytest.mark.parametrize("name", ["fit/workoutizer-walk-2020-09-12-fr645m-gaps.fit", *ORIGINALS])
def test_a_file_whose_only_fault_is_its_checksum_is_read_whole(name: str) -> None:
    """A real GPS jump in a file that decodes to its end is the walk's (walked() judges it), not damage."""
    data = bytearray((REAL / name).read_bytes())
    data[-1] ^= 0xFF
    track = read_fit(bytes(data))
    assert len(track) == len(read_fit((REAL / name).read_bytes()))
    assert track.damage is not None and track.damage.checksum_failed and not track.damage.cut


@needs_real
@pytest.mark.parametrize("name", ["fit/fitparse-wahoo-elemnt-ride.fit", "fit/fitparse-fenix2-run.fit",
                                  "fit/sportslib-6910052863-suunto9baro-trail.fit"])
@pytest.mark.parametrize("share", [0.1, 0.2, 0.5])
def test_a_cut_file_says_how_much_of_it_was_read(name: str, share: float) -> None:
    """Records with a position are not spread evenly through a file (a ride's first minutes wait for GPS), so
    what a cut file can honestly say is the share of its own stated length that was read."""
    data = (REAL / name).read_bytes()
    track = read_fit(data[: int(len(data) * share)])
    assert track.damage is not None and track.damage.cut
    assert track.damage.share_read == pytest.approx(share, abs=0.02)
    said = routetext.damaged(track.damage, 1000.0, Units.KMH)
    assert f"about {round(track.damage.share_read * 100)} % of the file" in said and "of about" not in said
