"""Cadence from GPX and TCX recordings, point for point with the track the readers make (formats/cadence.py)."""

from __future__ import annotations

import numpy as np

from retrowalk.formats.read import recording_from_bytes

GPX = b"""<?xml version="1.0"?>
<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"
     xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"><trk><trkseg>
<trkpt lat="47.0" lon="8.0"><time>2026-05-04T07:00:00Z</time><extensions><gpxtpx:TrackPointExtension>
  <gpxtpx:cad>52</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>
<trkpt lat="47.0001" lon="8.0"><time>2026-05-04T07:00:01Z</time></trkpt>
<trkpt lat="47.0002" lon="8.0"><time>2026-05-04T07:00:02Z</time><extensions><gpxtpx:TrackPointExtension>
  <gpxtpx:cad>54</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>
</trkseg></trk></gpx>"""

TCX = b"""<?xml version="1.0"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>
<Activity Sport="Other"><Id>2026-05-04T07:00:00Z</Id><Lap StartTime="2026-05-04T07:00:00Z"><Track>
<Trackpoint><Time>2026-05-04T07:00:00Z</Time><Position><LatitudeDegrees>47.0</LatitudeDegrees>
  <LongitudeDegrees>8.0</LongitudeDegrees></Position><Cadence>80</Cadence></Trackpoint>
<Trackpoint><Time>2026-05-04T07:00:01Z</Time><Cadence>81</Cadence></Trackpoint>
<Trackpoint><Time>2026-05-04T07:00:02Z</Time><Position><LatitudeDegrees>47.0001</LatitudeDegrees>
  <LongitudeDegrees>8.0</LongitudeDegrees></Position><Extensions><TPX><RunCadence>82</RunCadence></TPX></Extensions>
</Trackpoint>
</Track></Lap></Activity></Activities></TrainingCenterDatabase>"""


def test_gpx_cadence_lines_up_with_the_points_and_is_nan_where_a_point_has_none() -> None:
    cadence = recording_from_bytes(GPX, "walk.gpx").cadence
    np.testing.assert_array_equal(cadence, [52, np.nan, 54])


def test_tcx_cadence_skips_the_trackpoint_the_reader_skips() -> None:
    recording = recording_from_bytes(TCX, "walk.tcx")
    assert len(recording.track) == 2  # the point without a position is left out by the reader…
    np.testing.assert_array_equal(recording.cadence, [80, 82])  # …and by the cadence pass: no shift


def test_a_file_without_cadence_has_none() -> None:
    plain = GPX.replace(b"<gpxtpx:cad>52</gpxtpx:cad>", b"").replace(b"<gpxtpx:cad>54</gpxtpx:cad>", b"")
    assert np.isnan(recording_from_bytes(plain, "walk.gpx").cadence).all()
