"""GPX 1.0 and 1.1: tracks (several tracks and segments), or routes when the file has no track.

Fast path: a handful of XPath queries evaluated in libxml2 pull every latitude, longitude, elevation and time
out as lists of strings that numpy converts at once; no Python object per point. When the counts do not line
up (a point without ``<ele>``, a missing attribute), a careful per-point pass takes over and names the line of
anything it cannot use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

import numpy as np
from lxml import etree

from retrowalk.core.i18n import _, ngettext
from retrowalk.core.text import quoted
from retrowalk.core.track import FloatArray, IntArray, Track, TrackError
from retrowalk.formats.numbers import floats
from retrowalk.formats.xmlsafe import epoch_seconds, parse_root


@lru_cache(maxsize=8)
def _queries(ns: str | None, point: str) -> dict[str, etree.XPath]:
    """Compiled XPath for one namespace and point kind (``trk/trkseg/trkpt`` or ``rte/rtept``)."""
    prefix = "g:" if ns else ""
    namespaces = {"g": ns} if ns else {}
    path = "/" + "/".join(prefix + step for step in ("gpx", *point.split("/")))
    parent = path.rsplit("/", 1)[0]

    def xpath(expr: str) -> etree.XPath:
        return etree.XPath(expr, namespaces=namespaces, smart_strings=False)

    return {
        "parents": xpath(parent),
        "points": xpath(path),
        "lat": xpath(f"{path}/@lat"),
        "lon": xpath(f"{path}/@lon"),
        # The first text of each point's first <ele> (its .text, as the careful path reads it): at most one per
        # point, so as many texts as points means exactly one each, in order, even where an <ele> holds a child
        # element or an entity reference that splits its text.
        "ele": xpath(f"{path}/{prefix}ele[1]/text()[1]"),
        "no_ele": xpath(f"{path}[not({prefix}ele[1]/text())]"),
        "before": xpath(f"count(preceding-sibling::{prefix}{point.rsplit('/', 1)[-1]})"),
        "time": xpath(f"{path}/{prefix}time/text()"),
        "children": xpath(f"count({prefix}{point.rsplit('/', 1)[-1]})"),
        "name": xpath(f"string(/{prefix}gpx/{prefix}{point.split('/')[0]}[1]/{prefix}name)"),
    }


def _count(xp: etree.XPath, node: Any) -> int:
    return int(cast(float, xp(node)))


def _list(xp: etree.XPath, node: Any) -> list[Any]:
    return cast(list[Any], xp(node))


def plain_markup(data: bytes) -> bool:
    """No comment, CDATA section, DOCTYPE or processing instruction past the XML declaration: every ``<tag>``
    in the bytes is then markup, never text, and a textual cut cannot be fooled."""
    # "<!" starts every comment, CDATA section and DOCTYPE, "<?" every processing instruction. The rare character
    # alone is looked for first: that scan runs at memchr speed, while "<" is in every tag.
    if b"!" in data and b"<!" in data:
        return False
    declared = data.find(b"?>", 0, 512) + 2 if data[:8].lstrip(b"\xef\xbb\xbf").startswith(b"<?") else 0
    return not (data.find(b"?", declared) >= 0 and data.find(b"<?", declared) >= 0)


EXTENSIONS_OPEN = b"<extensions>"
CLOSING_STEM = b"</extensions"
GT = ord(">")


def without_extensions(data: bytes) -> bytes | None:
    """The file with every ``<extensions>…</extensions>`` block cut out, or None when that is not plainly safe.

    Apps put heart rate, temperature and the like in per-point extensions, often most of the file (four fifths of
    one real 1.2 MB file); retrowalk never reads them, and libxml2 building their nodes is most of the parse
    (bench/run.py). The cut is textual, so it is made only in :func:`plain_markup` files and where every opening
    tag is followed by its closing one. A cut file that does not parse, or in which the careful path finds
    something to name by its line, is read again whole. (Cutting ``<time>`` too when times are not wanted was
    measured: the second pass over the text costs what the smaller tree saves.)
    """
    if EXTENSIONS_OPEN not in data or not plain_markup(data):
        return None
    # One pass: each block's opening tag, then its closing tag, the text between blocks kept as views (no copy
    # until the one join).
    text = memoryview(data)
    kept: list[memoryview] = []
    find, keep = data.find, kept.append
    stem, size = len(CLOSING_STEM), len(data)
    at = 0
    while (start := find(EXTENSIONS_OPEN, at)) >= 0:
        # The block ends at the first "</extensions" after it, which must be the plain "</extensions>": a closing
        # tag written "</extensions >" (legal) would otherwise let the cut run on to the next block's, across
        # whole points (found in review).
        end = find(CLOSING_STEM, start)
        if end < 0 or end + stem >= size or data[end + stem] != GT:
            return None
        keep(text[at:start])
        at = end + stem + 1
    keep(text[at:])
    # A nested block ends at its inner closing tag; the outer one is left stray, and the cut file does not parse.
    return b"".join(kept)


def read_gpx(data: bytes, name: str = "", times: bool = True) -> Track:
    """The track (or route) of a GPX file. ``times=False`` leaves ``time_s`` NaN: planning never needs clock
    times, and skipping them saves about a fifth of the read on a large file (bench/run.py)."""
    slim = without_extensions(data)
    if slim is not None:
        try:
            return _read_gpx(slim, name, times, cut=True)
        except (_ReadWholeError, TrackError):
            pass  # the whole file says what is wrong, with the right line numbers
    return _read_gpx(data, name, times, cut=False)


class _ReadWholeError(Exception):
    """The cut file needs the careful path, whose messages name lines: read the whole file instead."""


def _read_gpx(data: bytes, name: str, times: bool, cut: bool) -> Track:
    """``cut``: ``data`` had its extensions cut out; anything needing line numbers raises :class:`_ReadWholeError`."""
    notes: list[str] = []
    root, namespace = parse_root(data, "GPX", "gpx", notes)
    if cut and notes:
        raise _ReadWholeError  # a note names a line: let it be the person's line
    ns = namespace
    for point in ("trk/trkseg/trkpt", "rte/rtept"):
        q = _queries(ns, point)
        parents = _list(q["parents"], root)
        counts = [_count(q["children"], p) for p in parents]  # one walk over the points, however many parents
        n = sum(counts)
        if n:
            break
    else:
        waypoints = len(root.findall(f"{{{ns}}}wpt" if ns else "wpt"))
        if waypoints:
            raise TrackError(ngettext("this GPX file has %(n)s waypoint but no track or route to walk along",
                                      "this GPX file has %(n)s waypoints but no track or route to walk along",
                                      waypoints) % {"n": waypoints})
        raise TrackError(_("this GPX file has no track or route points"))
    # The walk's own name (<trk><name> or <rte><name>) where it has one, else the file's.
    name = " ".join(str(q["name"](root)).split())[:120] or name
    segment = np.repeat(np.arange(len(parents), dtype=np.int64), counts)
    try:
        lat = floats(_list(q["lat"], root))
        lon = floats(_list(q["lon"], root))
        if len(lat) != n or len(lon) != n:
            raise ValueError
        ele_text = _list(q["ele"], root)
        # Only each point's first <ele> is taken, so a point with two cannot shift the ones after it, and one text
        # per point means every point has one; fewer (a point without, an empty <ele/>): see _ele_with_gaps.
        ele = floats(ele_text) if len(ele_text) == n else _ele_with_gaps(q, root, parents, counts, ele_text, n)
        # Free the strings while they are still in cache; freed after the tree they cost 3× the read of them.
        del ele_text
    except ValueError:
        return _careful(_list(q["points"], root), segment, name, ns, tuple(notes), cut)
    if times:
        stamps = _list(q["time"], root)
        time = epoch_seconds(stamps) if len(stamps) == n else _times_per_point(_list(q["points"], root), ns)
        del stamps
    else:
        time = np.full(n, np.nan)
    if ele is None:
        ele = _ele_per_point(_list(q["points"], root), ns, cut)
    return Track(lat, lon, ele, time, segment, name, tuple(notes))


GAP_SEARCH_STEPS = 2_000_000
"""Above this many sibling steps (points without elevation × points), finding them one XPath count at a time
costs more than reading every point's elevation in Python."""


def _ele_with_gaps(q: dict[str, etree.XPath], root: etree._Element, parents: list[etree._Element],
                   counts: list[int], ele_text: list[str], n: int) -> FloatArray | None:
    """Elevations when some points have none (a phone before its first altitude fix): the texts go to the
    points that have one, found as the complement of the few that do not. None: too many gaps, or the texts do
    not line up one per point, so go point by point."""
    missing = _list(q["no_ele"], root)
    if len(missing) + len(ele_text) != n or len(missing) * n > GAP_SEARCH_STEPS:
        return None
    offset = dict(zip(parents, np.r_[0, np.cumsum(counts)][:-1].tolist(), strict=True))
    has = np.ones(n, dtype=bool)
    # lxml keeps one Python object per node while any is alive, so a point's parent *is* one of ``parents``.
    has[[offset[p.getparent()] + _count(q["before"], p) for p in missing]] = False
    ele = np.full(n, np.nan)
    ele[has] = floats(ele_text)
    return ele


def _child_text(point: etree._Element, ns: str | None, tag: str) -> str | None:
    child = point.find(f"{{{ns}}}{tag}" if ns else tag)
    return None if child is None or child.text is None else child.text


def _ele_per_point(points: list[etree._Element], ns: str | None, cut: bool = False) -> FloatArray:
    out = np.full(len(points), np.nan)
    for i, point in enumerate(points):
        text = _child_text(point, ns, "ele")
        if text is not None:
            try:
                out[i] = float(text)
            except ValueError:
                if cut:  # the line in the cut file is not the line in the person's file
                    raise _ReadWholeError from None
                raise TrackError(_("line %(line)s: elevation %(value)s is not a number")
                                 % {"line": point.sourceline, "value": quoted(text)}) from None
    return out


def _times_per_point(points: list[etree._Element], ns: str | None) -> FloatArray:
    texts = [_child_text(p, ns, "time") for p in points]
    present = [i for i, t in enumerate(texts) if t is not None]
    out = np.full(len(points), np.nan)
    out[present] = epoch_seconds([texts[i] or "" for i in present])
    return out


def _careful(points: list[etree._Element], segment: IntArray, name: str, ns: str | None,
             notes: tuple[str, ...], cut: bool = False) -> Track:
    """One point at a time, for files the fast path could not line up; names the line of the first problem."""
    lat = np.empty(len(points))
    lon = np.empty(len(points))
    for i, point in enumerate(points):
        for arr, attr in ((lat, "lat"), (lon, "lon")):
            text = point.get(attr)
            try:
                if text is None:
                    raise TrackError(_("line %(line)s: a point has no %(attribute)s attribute")
                                     % {"line": point.sourceline, "attribute": attr})
                try:
                    arr[i] = float(text)
                except ValueError:
                    raise TrackError(_("line %(line)s: %(attribute)s %(value)s is not a number")
                                     % {"line": point.sourceline, "attribute": attr, "value": quoted(text)}) from None
            except TrackError:
                if cut:
                    raise _ReadWholeError from None
                raise
    return Track(lat, lon, _ele_per_point(points, ns, cut), _times_per_point(points, ns), segment, name, notes)
