"""The fast decimal reader gives exactly what numpy (Python's float) gives, or numpy's own answer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.formats.numbers import floats

DIGITS = st.text("0123456789", min_size=1, max_size=40)


@st.composite
def decimals(draw: st.DrawFn) -> str:
    """Decimal texts as files write them: long fractions, signs, exponents, blanks, and the odd forms XML allows
    but JSON does not."""
    whole = draw(DIGITS)
    text = whole + (("." + draw(DIGITS)) if draw(st.booleans()) else "")
    text = draw(st.sampled_from(["", "-", "+"])) + text
    if draw(st.booleans()):
        text += draw(st.sampled_from("eE")) + draw(st.sampled_from(["", "-", "+"])) + str(draw(st.integers(0, 400)))
    return draw(st.sampled_from(["", " ", "\n"])) + text + draw(st.sampled_from(["", " ", "\t"]))


def reference(texts: list[str]) -> np.ndarray | type[ValueError]:
    try:
        return np.array(texts, dtype=np.float64)
    except ValueError:
        return ValueError


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(decimals(), st.floats(allow_nan=False).map(repr), st.text(max_size=6)), max_size=20))
def test_the_same_values_as_numpy_or_the_same_refusal(texts: list[str]) -> None:
    want = reference(texts)
    if want is ValueError:
        with pytest.raises(ValueError):
            floats(texts)
        return
    got = floats(texts)
    assert got.dtype == np.float64 and got.shape == want.shape
    assert np.array_equal(got, want)  # bit-for-bit but for the sign of zero, which is no place on Earth


@pytest.mark.parametrize("texts", [
    ["52,1"],  # a decimal comma: two JSON numbers, one text
    ["true", "1"], ["null"], ["[1]"], ["1", ""], ["nan"], ["0x10"], ["1_000"], [".5"], ["5."], ["+5"], ["007"],
    ["52.09731238894164562225341796875", "6.64166475646197795867919921875"],  # as Garmin Connect writes them
    ["12345678901234567890123456789"],  # beyond 64-bit integers
])
def test_texts_json_would_read_differently_get_numpys_answer(texts: list[str]) -> None:
    want = reference(texts)
    if want is ValueError:
        with pytest.raises(ValueError):
            floats(texts)
    else:
        assert np.array_equal(floats(texts), want, equal_nan=True)
