"""TCX (Garmin Training Center): activities' laps and courses, as one track with a segment per activity.

Trackpoints without a position (a watch that lost GPS, or an indoor lap) are left out and counted in a note.
TCX files are a few thousand points at most, so one pass over the trackpoints is fast enough and keeps the
line number of every value at hand for error messages.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from lxml import etree

from retrowalk.core.i18n import _, ngettext
from retrowalk.core.track import Track, TrackError
from retrowalk.formats.xmlsafe import epoch_seconds, parse_root


def read_tcx(data: bytes, name: str = "") -> Track:
    notes: list[str] = []
    root, namespace = parse_root(data, "TCX", "TrainingCenterDatabase", notes)
    ns = {"t": namespace} if namespace else {}
    p = "t:" if namespace else ""
    # Activities may sit inside a MultiSportSession (FirstSport/NextSport): look at every depth.
    containers = cast(list[etree._Element], root.xpath(
        f".//{p}Activity[not(ancestor::{p}Activity)] | .//{p}Course", namespaces=ns))
    lat: list[float] = []
    lon: list[float] = []
    ele: list[float] = []
    times: list[str] = []
    seg: list[int] = []
    skipped = 0
    for piece, container in enumerate(containers):
        for point in container.iterfind(f".//{p}Trackpoint", namespaces=ns):
            la = point.findtext(f"{p}Position/{p}LatitudeDegrees", namespaces=ns)
            lo = point.findtext(f"{p}Position/{p}LongitudeDegrees", namespaces=ns)
            if la is None or lo is None:
                skipped += 1
                continue
            alt = point.findtext(f"{p}AltitudeMeters", namespaces=ns)
            try:
                lat.append(float(la))
                lon.append(float(lo))
                ele.append(float("nan") if alt is None else float(alt))
            except ValueError:
                raise TrackError(_("line %(line)s: a trackpoint's position or altitude is not a number")
                                 % {"line": point.sourceline}) from None
            times.append(point.findtext(f"{p}Time", default="", namespaces=ns))
            seg.append(piece)
    if not lat:
        if skipped:
            # The English says "trackpoints" for one too, as it always has; the plural forms are the translator's.
            raise TrackError(ngettext("this TCX file has %(n)s trackpoints but none with a position (an indoor "
                                      "session?)",
                                      "this TCX file has %(n)s trackpoints but none with a position (an indoor "
                                      "session?)", skipped) % {"n": skipped})
        raise TrackError(_("this TCX file has no trackpoints"))
    if skipped:
        notes.append(ngettext("%(n)s trackpoints without a position were left out.",
                              "%(n)s trackpoints without a position were left out.", skipped) % {"n": skipped})
    time = epoch_seconds(times)
    return Track(np.array(lat), np.array(lon), np.array(ele), time, np.array(seg, dtype=np.int64), name, tuple(notes))
