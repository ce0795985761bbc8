"""Decimal texts to float arrays, fast where a file writes long decimals.

Some writers put 30 significant digits in every coordinate (Garmin Connect writes each float32 fix's exact
binary value out in decimal). Python's ``float()``, which ``np.array(texts, dtype=float)`` calls per text,
rounds such a string correctly with big-integer arithmetic: about 200 ns a number, three fifths of reading one
real 1.9 MB file's points. orjson's parser (yyjson) rounds correctly too, in C, at a fifth of the cost.
"""

from __future__ import annotations

import numpy as np
import orjson

from retrowalk.core.track import FloatArray

NUMBER_BYTES = b"0123456789+-.eE, \t\r\n"
"""What a list of JSON numbers can hold. Anything else (``nan``, ``true``, ``[``) leaves the fast way."""


def floats(texts: list[str]) -> FloatArray:
    """``np.array(texts, dtype=np.float64)``, the same values (``tests/formats/test_numbers.py``), faster.
    (Bit for bit, but for one: the integer ``-0`` comes back as ``0.0``, not ``-0.0``; the same place.)

    The texts go to orjson as one JSON array when they hold nothing but number characters; it takes them only
    if each is a JSON number (no ``+1``, ``.5``, ``01`` or ``1_0``) and one comma-separated list of exactly as
    many numbers comes back (a decimal comma, ``52,1``, would make two). Anything else goes to numpy, which
    gives the same values or the same ``ValueError`` as before.
    """
    joined = ",".join(texts).encode()
    if not joined.translate(None, NUMBER_BYTES):
        try:
            values = orjson.loads(b"[" + joined + b"]")
        except orjson.JSONDecodeError:
            pass
        else:
            if len(values) == len(texts):
                return np.array(values, dtype=np.float64)
    return np.array(texts, dtype=np.float64)
