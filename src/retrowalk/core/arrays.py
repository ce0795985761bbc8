"""Small array helpers the hot paths share (``np.r_`` costs about 15 µs a call; these a microsecond)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def cumsum0(values: npt.ArrayLike, dtype: Any = np.int64) -> npt.NDArray[Any]:
    """Running totals with a leading zero: ``out[i]`` is the sum of the first ``i`` values."""
    arr = np.asarray(values)
    out: npt.NDArray[Any] = np.empty(len(arr) + 1, dtype=dtype)
    out[0] = 0
    np.cumsum(arr, out=out[1:])
    return out


def lead(first: Any, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``values`` with ``first`` in front of them."""
    out: npt.NDArray[Any] = np.empty(len(values) + 1, dtype=values.dtype)
    out[0] = first
    out[1:] = values
    return out
