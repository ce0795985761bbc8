"""Readers: every real file reads or is refused in one sentence; tricky XML is handled safely."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from retrowalk.core.track import TrackError
from retrowalk.formats.read import MAX_FILE_BYTES, read_bytes, read_track
from tests.real import REAL, ids, needs_real, real_files

ALL = real_files("gpx", "tcx", "fit", "fit-workouts", "malformed")


@needs_real
@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_every_real_file_reads_or_is_refused_in_one_sentence(path: Path) -> None:
    try:
        track = read_track(path)
    except TrackError as err:
        message = str(err)
        assert message and "\n" not in message and len(message) < 220
        return
    assert len(track) >= 1
    assert np.isfinite(track.lat_deg).all() and np.isfinite(track.lon_deg).all()


@needs_real
def test_a_multi_segment_gpx_keeps_its_segments() -> None:
    track = read_track(REAL / "gpx" / "togeojson-blue-hills-expertgps.gpx")
    assert len(np.unique(track.segment)) == 14
    assert len(track) == 1243


@needs_real
def test_a_route_only_gpx_reads_its_route_points() -> None:
    track = read_track(REAL / "gpx" / "gpxpy-route-only.gpx")
    assert len(track) == 55 and not track.has_elevation


@needs_real
def test_a_multisport_tcx_reads_the_activities_nested_in_it() -> None:
    track = read_track(REAL / "tcx" / "goldencheetah-forerunner305-multisession.tcx")
    assert len(track) == 1325
    assert "568 trackpoints without a position" in track.notes[0]


GPX10 = b"""<?xml version="1.0"?>
<gpx version="1.0" creator="test" xmlns="http://www.topografix.com/GPX/1/0">
 <trk><trkseg>
  <trkpt lat="47.0" lon="8.0"><ele>500</ele><time>2024-05-01T10:00:00Z</time></trkpt>
  <trkpt lat="47.001" lon="8.0"><ele>502</ele><time>2024-05-01T10:01:00+02:00</time></trkpt>
  <trkpt lat="47.002" lon="8.0"><time>2024-05-01T10:02:00Z</time></trkpt>
 </trkseg></trk>
</gpx>"""


def test_gpx_1_0_with_a_missing_elevation_and_a_time_offset() -> None:
    track = read_bytes(GPX10, "old.gpx")
    assert len(track) == 3
    assert np.isnan(track.ele_m[2]) and track.ele_m[1] == 502
    assert track.time_s[1] - track.time_s[0] == -7200 + 60  # 10:01+02:00 is 08:01Z


def test_a_gpx_without_namespace_reads() -> None:
    data = b'<gpx><trk><trkseg><trkpt lat="1" lon="2"/><trkpt lat="1.001" lon="2"/></trkseg></trk></gpx>'
    assert len(read_bytes(data, "plain.gpx")) == 2


def test_a_point_without_latitude_is_named_by_line() -> None:
    data = b'<gpx xmlns="http://www.topografix.com/GPX/1/1">\n<trk><trkseg>\n<trkpt lat="1" lon="2"/>\n' \
           b'<trkpt lon="2"/>\n</trkseg></trk></gpx>'
    with pytest.raises(TrackError, match=r"^line 4: a point has no lat attribute$"):
        read_bytes(data, "broken.gpx")


def test_a_latitude_that_is_not_a_number_is_named_by_line() -> None:
    data = b'<gpx>\n<trk><trkseg><trkpt lat="1" lon="2"/>\n<trkpt lat="north" lon="2"/></trkseg></trk></gpx>'
    with pytest.raises(TrackError, match=r"^line 3: lat 'north' is not a number$"):
        read_bytes(data, "broken.gpx")


def test_entities_are_never_expanded() -> None:
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<gpx><trk><name>&d;</name><trkseg><trkpt lat="1" lon="2"/><trkpt lat="1.001" lon="2"/></trkseg></trk></gpx>"""
    track = read_bytes(laughs, "laughs.gpx")
    assert len(track) == 2  # read, with the entity left unexpanded


def test_an_external_entity_is_not_fetched() -> None:
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<gpx><trk><name>&x;</name><trkseg><trkpt lat="1" lon="2"/><trkpt lat="1.001" lon="2"/></trkseg></trk></gpx>"""
    track = read_bytes(xxe, "xxe.gpx")
    assert "root:" not in track.name


def test_broken_xml_is_refused_with_its_line() -> None:
    with pytest.raises(TrackError, match=r"^line 3: this GPX file is not well-formed XML"):
        read_bytes(b"<gpx>\n<trk>\n<trkseg></trk></gpx>", "bad.gpx")


def test_a_file_over_fifty_megabytes_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.gpx"
    with big.open("wb") as f:  # sparse: costs no disk
        f.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(TrackError, match="limited to 50 MiB"):
        read_track(big)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.gpx", b"", "empty"),
        ("text.gpx", b"hello", "not a GPX, TCX or FIT file"),
        ("notes.txt", b"hello", "not a GPX, TCX or FIT file"),
        ("a.fit", b"\x0e\x10", "not a FIT file"),
        ("kml.gpx", b"<kml></kml>", "not a GPX"),
    ],
)
def test_things_that_are_not_routes_are_refused(name: str, data: bytes, message: str) -> None:
    with pytest.raises(TrackError, match=message):
        read_bytes(data, name)


def test_a_missing_file_and_a_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TrackError, match="no such file"):
        read_track(tmp_path / "nope.gpx")
    with pytest.raises(TrackError, match="is a folder"):
        read_track(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file; the permission case cannot be made")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.gpx"
    path.write_bytes(GPX10)
    path.chmod(0)
    with pytest.raises(TrackError, match="cannot be read"):
        read_track(path)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_gpx_with_a_byte_order_mark_reads_like_its_utf8_twin(codec: str) -> None:
    text = GPX10.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    wide = read_bytes(bom + text.encode(codec), "windows.gpx")
    plain = read_bytes(GPX10, "plain.gpx")
    assert np.array_equal(wide.lat_deg, plain.lat_deg) and np.allclose(wide.ele_m, plain.ele_m, equal_nan=True)


def test_a_gzipped_route_reads_like_the_file_inside(tmp_path: Path) -> None:
    # Strava's and Garmin's exports gzip their files (walk.gpx.gz): the same points as the plain file, for a plan
    # as for a review; a damaged one is refused in one sentence.
    import gzip

    path = tmp_path / "walk.gpx.gz"
    path.write_bytes(gzip.compress(GPX10))
    packed, plain = read_track(path), read_bytes(GPX10, "walk.gpx")
    assert np.array_equal(packed.lat_deg, plain.lat_deg) and np.allclose(packed.ele_m, plain.ele_m, equal_nan=True)
    with pytest.raises(TrackError, match="cannot be unpacked"):
        read_bytes(gzip.compress(GPX10)[:40], "cut.gpx.gz")


def test_broken_utf16_is_refused_in_one_sentence() -> None:
    with pytest.raises(TrackError, match="UTF-16"):
        read_bytes(b"\xff\xfe<\x00g\x00\x00\xd8", "odd.gpx")


def test_a_gpx_track_keeps_its_own_name_and_falls_back_to_the_file_name() -> None:
    named = (b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name> Morning\n walk </name><trkseg>'
             b'<trkpt lat="1" lon="2"/><trkpt lat="1.001" lon="2"/></trkseg></trk></gpx>')
    assert read_bytes(named, "x.gpx").name == "Morning walk"
    unnamed = b'<gpx><rte><rtept lat="1" lon="2"/><rtept lat="1.001" lon="2"/></rte></gpx>'
    assert read_bytes(unnamed, "route.gpx").name == "route.gpx"


GPX_FILES = real_files("gpx", "malformed", suffixes=(".gpx",))


@needs_real
@pytest.mark.parametrize("path", GPX_FILES, ids=ids(GPX_FILES))
def test_every_real_gpx_reads_the_same_points_as_gpxpy(path: Path) -> None:
    """The fast paths (XPath, extensions cut out) against an independent reader, point by point."""
    import gpxpy

    try:
        ours = read_bytes(path.read_bytes(), path.name)
    except TrackError:
        return  # refusals are covered by the one-sentence test above
    try:
        gpx = gpxpy.parse(path.read_bytes().decode("utf-8-sig", errors="replace"))
    except Exception:  # gpxpy cannot read it: nothing to compare with
        pytest.skip("gpxpy cannot read this file")
    points = [p for t in gpx.tracks for s in t.segments for p in s.points] or \
             [p for r in gpx.routes for p in r.points]
    theirs = np.array([np.nan if p.elevation is None else p.elevation for p in points])
    for track in (ours, read_bytes(path.read_bytes(), path.name, times=False)):  # as planning reads it
        assert len(points) == len(track)
        assert np.allclose([p.latitude for p in points], track.lat_deg)
        assert np.allclose([p.longitude for p in points], track.lon_deg)
        assert np.allclose(theirs, track.ele_m, equal_nan=True)


def test_extensions_are_cut_only_where_text_and_markup_cannot_be_confused() -> None:
    from retrowalk.formats.gpx import without_extensions

    plain = b"<gpx><trkpt lat='1' lon='2'><extensions><hr>90</hr></extensions></trkpt></gpx>"
    assert without_extensions(plain) == b"<gpx><trkpt lat='1' lon='2'></trkpt></gpx>"
    assert without_extensions(plain.replace(b"<gpx>", b"<gpx><!-- <extensions> -->")) is None
    assert without_extensions(plain.replace(b"<hr>90</hr>", b"<![CDATA[</extensions>]]>")) is None
    assert without_extensions(plain.replace(b"</extensions>", b"")) is None
    # A processing instruction may hold any text; the XML declaration (itself "<?…?>") does not count.
    assert without_extensions(plain.replace(b"<gpx>", b"<gpx><?app <extensions> ?>")) is None
    assert without_extensions(b'<?xml version="1.0"?>\n' + plain) is not None
    assert without_extensions(b'\xef\xbb\xbf<?xml version="1.0"?><?app x?>' + plain) is None
    assert without_extensions(b"<gpx/>") is None
    # Nested or stray tags: not cut, or the cut file does not parse and the whole file is read instead.
    nested = (b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg><trkpt lat="1" lon="2"><ele>5</ele>'
              b'<extensions><extensions><hr>1</hr></extensions></extensions></trkpt><trkpt lat="1.001" lon="2">'
              b'<ele>6</ele></trkpt></trkseg></trk></gpx>')
    cut = without_extensions(nested)  # cut at the inner closing tag: the outer one is left stray
    assert cut is not None and cut.count(b"</extensions>") == 1 and b"<extensions>" not in cut
    assert list(read_bytes(nested, "nested.gpx").ele_m) == [5.0, 6.0]
    inner = nested.replace(b"<extensions><extensions>", b'<extensions><extensions xmlns="urn:other">')
    assert list(read_bytes(inner, "inner.gpx").ele_m) == [5.0, 6.0]


def test_a_bad_elevation_in_a_file_with_extensions_is_named_by_its_real_line() -> None:
    data = (b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>\n'
            b'<trkpt lat="1" lon="2"><ele>10</ele><extensions>\n\n\n<hr>90</hr></extensions></trkpt>\n'
            b'<trkpt lat="1.001" lon="2"><ele>high</ele></trkpt>\n</trkseg></trk></gpx>')
    with pytest.raises(TrackError, match="line 6: elevation 'high' is not a number"):
        read_bytes(data, "x.gpx")


def test_a_point_with_two_elevations_cannot_shift_the_ones_after_it() -> None:
    data = (b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
            b'<trkpt lat="1" lon="2"><ele>5</ele><ele>500</ele></trkpt>'
            b'<trkpt lat="1.001" lon="2"></trkpt>'
            b'<trkpt lat="1.002" lon="2"><ele>7</ele></trkpt></trkseg></trk></gpx>')
    assert np.array_equal(read_bytes(data, "two.gpx").ele_m, [5.0, np.nan, 7.0], equal_nan=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["ele", "none", "empty", "two"]), min_size=0, max_size=12),
                min_size=1, max_size=4), st.booleans(), st.booleans())
def test_points_without_elevation_keep_every_other_point_in_its_place(segments, route, extensions) -> None:
    """Some points lack <ele> (a phone before its first altitude fix): the rest keep their own elevations, in
    any segment, whichever points they are, read by either path (cut or whole)."""
    kinds = [k for seg in segments for k in seg]
    assume(len(kinds) >= 2)
    ext = "<extensions><hr>90</hr></extensions>" if extensions else ""
    body = {"ele": "<ele>{e}</ele>", "none": "", "empty": "<ele></ele>", "two": "<ele>{e}</ele><ele>-1</ele>"}
    i = 0
    blocks = []
    for seg in segments:
        pts = []
        for kind in seg:
            tag = "rtept" if route else "trkpt"
            pts.append(f'<{tag} lat="{47 + i * 1e-4}" lon="8">{body[kind].format(e=100 + i)}<time>2024-01-01T00:00:'
                       f'{i % 60:02d}Z</time>{ext}</{tag}>')
            i += 1
        blocks.append("".join(pts))
    inner = f'<rte>{"".join(blocks)}</rte>' if route else \
        "<trk>" + "".join(f"<trkseg>{b}</trkseg>" for b in blocks) + "</trk>"
    data = f'<gpx xmlns="http://www.topografix.com/GPX/1/1">{inner}</gpx>'.encode()
    want = [100.0 + j if k in ("ele", "two") else np.nan for j, k in enumerate(kinds)]
    for times in (True, False):
        track = read_bytes(data, "gaps.gpx", times=times)
        assert np.array_equal(track.ele_m, want, equal_nan=True)
        assert np.allclose(track.lat_deg, [47 + j * 1e-4 for j in range(len(kinds))])


@pytest.mark.parametrize("inner", ["1<b/>2", "1&z;2"])
def test_an_elevation_split_in_two_texts_cannot_shift_the_next_points(inner: str) -> None:
    """A child element or an entity reference splits an <ele>'s text in two; with a point without elevation
    after it, two texts for one point must not fill the gap (found in review)."""
    data = ('<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ENTITY z "0">]>\n'
            '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
            f'<trkpt lat="50.000" lon="4"><ele>{inner}</ele></trkpt>'
            '<trkpt lat="50.001" lon="4"></trkpt>'
            '<trkpt lat="50.002" lon="4"><ele>7</ele></trkpt></trkseg></trk></gpx>').encode()
    for times in (True, False):
        assert np.array_equal(read_bytes(data, "x.gpx", times=times).ele_m, [1.0, np.nan, 7.0], equal_nan=True)


@pytest.mark.parametrize("closing", [b"</extensions >", b"</extensions\n>"])
def test_a_closing_tag_written_with_a_blank_stops_the_cut_instead_of_swallowing_points(closing: bytes) -> None:
    """Legal XML: a blank before '>'. The cut must not run on to the next block's closing tag (review)."""
    from retrowalk.formats.gpx import without_extensions

    data = (b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>\n'
            b'<trkpt lat="52.0" lon="4.0"><ele>1</ele><extensions><hr>90</hr>' + closing + b'</trkpt>\n'
            b'<trkpt lat="52.001" lon="4.0"><ele>2</ele></trkpt>\n<trkpt lat="52.002" lon="4.0"><ele>3</ele></trkpt>\n'
            b'<trkpt lat="52.003" lon="4.0"><ele>4</ele><extensions><hr>91</hr></extensions></trkpt>\n'
            b'</trkseg></trk></gpx>')
    assert without_extensions(data) is None
    for times in (True, False):
        track = read_bytes(data, "x.gpx", times=times)
        assert track.ele_m.tolist() == [1.0, 2.0, 3.0, 4.0] and len(track.lat_deg) == 4
