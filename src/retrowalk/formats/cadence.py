"""Cadence in GPX and TCX recordings, for the review (DOMAIN.md:89-92): Garmin's TrackPointExtension ``<cad>`` in
GPX (any prefix), ``<Cadence>`` and the ActivityExtension's ``<RunCadence>`` in TCX.

A second, small pass over a file already read as a track: only a review needs it, so route reading stays as fast
as it was. The points are taken in the reader's own order and by its own rules (GPX track points, or route points
when there is no track; TCX trackpoints with a position), so the cadence lines up with the track point for point;
when it cannot (counts differ), the recording is treated as having none.
"""

from __future__ import annotations

import contextlib

import numpy as np
from lxml import etree

from retrowalk.core.track import FloatArray
from retrowalk.formats.xmlsafe import parse

CADENCE_NAMES = frozenset({"cad", "Cadence", "RunCadence"})


def xml_cadence(data: bytes, points: int) -> FloatArray:
    """One cadence per track point (NaN where a point has none); all NaN when the file has none at all."""
    nothing = np.full(points, np.nan)
    if b"cad" not in data and b"Cadence" not in data:
        return nothing
    try:
        root = parse(data, "XML", [])
    except Exception:
        return nothing
    local = etree.QName(root).localname
    if local == "gpx":
        nodes = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "trkpt"]
        if not nodes:
            nodes = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "rtept"]
    elif local == "TrainingCenterDatabase":
        nodes = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "Trackpoint"
                 and any(isinstance(c.tag, str) and etree.QName(c).localname == "Position" for c in e)]
    else:
        return nothing
    if len(nodes) != points:
        return nothing
    out = nothing.copy()
    for i, node in enumerate(nodes):
        for child in node.iter():
            if isinstance(child.tag, str) and etree.QName(child).localname in CADENCE_NAMES and child.text:
                with contextlib.suppress(ValueError):  # a point with a non-number cadence has none
                    out[i] = float(child.text)
                break
    return out
