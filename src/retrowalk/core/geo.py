"""Geodesy on arrays: distances and bearings between consecutive points, and resampling by distance.

Pure functions over numpy arrays; inputs are never modified.
"""

from __future__ import annotations

import numpy as np

from retrowalk.core.track import FloatArray

EARTH_RADIUS_M = 6_371_008.8
"""IUGG mean Earth radius. On a sphere of this radius the haversine distance errs by at most about 0.5 %
against the WGS84 ellipsoid (Karney 2013), far below GPS error over a walking step."""


def haversine_m(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Great-circle distance, haversine formula (Sinnott 1984), stable for the short steps of a track."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def bearing_deg(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Initial great-circle bearing from point 1 to point 2, degrees clockwise from north, in [0, 360)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    out: FloatArray = np.degrees(np.arctan2(y, x)) % 360.0
    return out


def step_m(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Distance between each point and the next (length ``n - 1``)."""
    return haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])


def along_m(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Cumulative distance along the points, starting at 0."""
    out = np.zeros(len(lat))
    if len(lat) > 1:
        np.cumsum(step_m(lat, lon), out=out[1:])
    return out


def destination(lat: float, lon: float, bearing: float, distance_m: float) -> tuple[float, float]:
    """The point ``distance_m`` from (lat, lon) along ``bearing`` (spherical direct problem)."""
    p1, l1, b = np.radians(lat), np.radians(lon), np.radians(bearing)
    d = distance_m / EARTH_RADIUS_M
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(b))
    l2 = l1 + np.arctan2(np.sin(b) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return float(np.degrees(p2)), float((np.degrees(l2) + 540.0) % 360.0 - 180.0)
