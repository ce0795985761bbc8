"""Where on a route the backward bouts go: an exact dynamic programme over the terrain samples.

The problem. Samples ``0..n-1`` of a :class:`~retrowalk.core.terrain.Profile` are ``step`` metres each; walked
backward, one sample takes ``tau`` seconds (the profile's step is chosen so that ``tau`` is the bout granularity,
5 s). Choose bouts, each a run of ``k_lo..k_hi`` consecutive *usable* samples, so that

* every bout starts at or after sample ``warmup`` and ends at or before ``n - cooldown`` (DOMAIN.md:21),
* two bouts are at least ``recovery`` samples apart (DOMAIN.md:25),
* the total is at most ``budget`` samples (the backward target, S1),

maximising first the total backward samples, then, among equal totals, the uphill samples (S3: uphill is
better than flat), then the fewest bouts (each turn-around is a moment of risk).

The programme. Let ``F[b][e]`` be the best value of bouts totalling exactly ``b`` samples that all end at or
before ``e``. A last bout of length ``k`` ending at ``e`` extends the best arrangement of ``b - k`` samples that
ends at or before ``e - k - recovery``; ``F[b]`` is the running maximum of those extensions over ``e``. Each
``F[b]`` is computed for all ``e`` at once with numpy, so the cost is ``budget × (k_hi - k_lo + 1)`` array
operations of length ``n``. Values are integers, ``(samples × M + uphill) × T − bouts`` with ``M`` larger than
any uphill count and ``T`` larger than any bout count, so comparisons are exact and the lexicographic goal is
one maximum.

Optimality. Every arrangement of bouts on the sample grid is a path through this recurrence, and the
recurrence keeps the best for every (total, end) pair, so the result is optimal on the grid. Against bouts placed
at arbitrary metres the grid loses at most one sample (``tau`` seconds) at each end of each bout, and only where
usable ground ends between two samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrowalk.core.turns import Turns

NEG = np.int64(-(2**62))
"""Minus infinity for integer values: no arrangement. Any sum involving it stays below ``HALF_NEG``."""
HALF_NEG = NEG // 2

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Bout:
    start: int
    """First sample."""
    end: int
    """One past the last sample."""

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Placement:
    bouts: tuple[Bout, ...]
    samples: int
    uphill_samples: int


def place(usable: BoolArray, uphill: BoolArray, *, k_lo: int, k_hi: int, budget: int, warmup: int,
          cooldown: int, recovery: int, turns: Turns | None = None, samples_only: bool = False) -> Placement:
    """The optimal bouts; see the module docstring. ``usable[i]``: a bout may cover sample ``i``.

    With ``turns``, a bout and its clearance may not hold a heading change of more than ``turns.limit_deg``
    (DOMAIN.md:32-34: a walker going backward cannot see the bend coming).

    ``samples_only``: only the total matters (how much the route walked the other way could hold), so the
    tie-breaks may be dropped; the total is still the optimum.
    """
    ground = _ground(usable, uphill, k_lo, k_hi, budget, warmup, cooldown, turns)
    if ground is None:
        return Placement((), 0, 0)
    if samples_only and (quick := _fill(ground, recovery)) is not None:
        return ground.placement(quick)
    return _solve(ground, recovery)


def place_spread(usable: BoolArray, uphill: BoolArray, *, k_lo: int, k_hi: int, budget: int, warmup: int,
                 cooldown: int, recovery: int, turns: Turns | None = None) -> Placement:
    """:func:`place`, with the bouts spread along the walk where that costs nothing.

    The programme's optimum is usually not unique, and its trace takes the earliest bouts: on a four-hour hike
    all of them in the first mile. Here the recovery between bouts is raised toward an even share of the free
    ground (what is left after warm-up, cool-down and the bouts themselves), and the wider arrangement is kept
    only if it scores exactly as the optimum does: the same backward samples, the same uphill samples, the same
    number of bouts. So spreading never costs a second of backward walking, a metre of uphill or an extra
    turn-around; where it would, the gap is halved once, then the earliest bouts stand. The ground is worked
    out once; only the programme runs again.
    """
    ground = _ground(usable, uphill, k_lo, k_hi, budget, warmup, cooldown, turns)
    if ground is None:
        return Placement((), 0, 0)
    best = _solve(ground, recovery)
    count = len(best.bouts)
    if count < 2:
        return best
    score = (best.samples, best.uphill_samples, count)
    even = (len(usable) - cooldown - warmup - best.samples) // count  # equal gaps, and one more left at the end
    for gap in (even, even // 2):
        if gap <= recovery:
            break
        wider = _solve(ground, gap)
        if (wider.samples, wider.uphill_samples, len(wider.bouts)) == score:
            return wider
    return best


@dataclass(frozen=True, slots=True)
class _Ground:
    """Where a bout of each length may end and what it is worth there: all the programme needs but the gap."""

    gain: dict[int, npt.NDArray[np.int64]]
    """``gain[k][e]``: value of a bout of k samples ending at e (exclusive), or NEG if it may not be there."""
    can_end: BoolArray
    """Some bout may end at e."""
    up_cum: npt.NDArray[np.int64]
    k_lo: int
    k_hi: int
    budget: int

    def placement(self, bouts: tuple[Bout, ...] | list[Bout]) -> Placement:
        return Placement(tuple(bouts), sum(b.length for b in bouts),
                         sum(int(self.up_cum[b.end] - self.up_cum[b.start]) for b in bouts))


def _ground(usable: BoolArray, uphill: BoolArray, k_lo: int, k_hi: int, budget: int, warmup: int, cooldown: int,
            turns: Turns | None) -> _Ground | None:
    """The bouts that fit, by length and end; None when none can."""
    n = len(usable)
    last_end = n - cooldown
    k_hi = min(k_hi, budget, last_end - warmup)  # no bout is longer than the budget or the room for it
    if budget < k_lo or k_hi < k_lo or last_end - warmup < k_lo:
        return None

    scale = np.int64(budget + 1)  # more than any uphill count: one more sample beats any uphill tie-break
    tier = np.int64(budget + 2)  # more than any bout count: more uphill beats fewer bouts
    # bad_cum[e] - bad_cum[e - k] counts unusable samples in [e - k, e); likewise for uphill.
    bad_cum = np.r_[0, np.cumsum(~usable)].astype(np.int64)
    up_cum = np.r_[0, np.cumsum(uphill & usable)].astype(np.int64)

    # Heading range within [e - k, e), grown one sample at a time as k rises; the clearance either side comes
    # from the turns' edge ranges at the bout's two ends.
    hmax = np.full(n + 1, -np.inf)
    hmin = np.full(n + 1, np.inf)
    gain: dict[int, npt.NDArray[np.int64]] = {}
    can_end = np.zeros(n + 1, dtype=bool)
    for k in range(1, k_hi + 1):
        if turns is not None:
            np.maximum(hmax[k:], turns.inner_hi[: n + 1 - k], out=hmax[k:])
            np.minimum(hmin[k:], turns.inner_lo[: n + 1 - k], out=hmin[k:])
        if k < k_lo:
            continue
        g = np.full(n + 1, NEG, dtype=np.int64)
        gain[k] = g
        if warmup + k > last_end:
            continue  # no room for a bout this long
        # Ends from warmup + k to last_end; ``at`` are those ends, ``back`` the starts k samples earlier.
        at, back = slice(warmup + k, last_end + 1), slice(warmup, last_end + 1 - k)
        ok = bad_cum[at] == bad_cum[back]
        if turns is not None:
            hi = np.maximum(np.maximum(hmax[at], turns.edge_hi[at]), turns.edge_hi[back])
            lo = np.minimum(np.minimum(hmin[at], turns.edge_lo[at]), turns.edge_lo[back])
            ok &= (hi - lo) <= turns.limit_deg
        g[at] = np.where(ok, (k * scale + (up_cum[at] - up_cum[back])) * tier - 1, NEG)
        can_end[at] |= ok
    return _Ground(gain, can_end, up_cum, k_lo, k_hi, budget)


def _solve(ground: _Ground, recovery: int) -> Placement:
    """The programme itself, for one recovery gap."""
    gain, k_lo, k_hi, budget = ground.gain, ground.k_lo, ground.k_hi, ground.budget
    # Only ends where some bout may end can change a running maximum: the programme runs on those columns
    # alone (``ends_at``), a fraction of the samples on most routes. Column 0 stands for "before the first".
    ends_at = np.flatnonzero(ground.can_end)
    m = len(ends_at)
    if m == 0:
        return Placement((), 0, 0)
    width = m + 1
    gains = np.stack([gain[k][ends_at] for k in range(k_lo, k_hi + 1)])
    # column[p + 1]: the column of the last end at or before sample p (0: none yet; p = −1 allowed).
    column = np.r_[0, np.cumsum(ground.can_end)]
    # For a bout of k ending at ends_at[j]: the column where the previous bout's best is read, with the recovery
    # gap (a later bout) and without it (the first bout, following nothing).
    ks = np.arange(k_lo, k_hi + 1)[:, None]
    after = column[np.maximum(ends_at - ks - recovery, -1) + 1]
    first = column[np.maximum(ends_at - ks, -1) + 1]
    after_flat = after - ks * width

    best = np.full((budget + 1, width), NEG, dtype=np.int64)
    best[0, :] = 0  # no bouts: nothing before any end, so any end will do
    flat = best.ravel()
    for b in range(k_lo, budget + 1):
        # A bout of k ending at e follows the best of b − k samples ending by e − k − gap. NEG + NEG is exactly
        # int64's minimum and NEG + any value stays below NEG / 2: no overflow, no masking needed.
        if b > k_hi:
            ext = (flat.take(after_flat + b * width) + gains).max(axis=0)
        else:
            ext = np.full(m, NEG, dtype=np.int64)
            for i, k in enumerate(range(k_lo, min(k_hi, b) + 1)):
                col = after[i] if b > k else first[i]
                np.maximum(ext, best[b - k, col] + gains[i], out=ext)
        np.maximum.accumulate(ext, out=best[b, 1:])

    totals = best[:, m]  # every end is at or before last_end
    b = int(np.flatnonzero(totals > HALF_NEG).max())
    return ground.placement(_trace(best, ends_at, column, gain, b, k_lo, k_hi, recovery))


def _fill(ground: _Ground, recovery: int) -> tuple[Bout, ...] | None:
    """Bouts totalling exactly ``budget``, each as early as it fits, or None if this greedy pass does not get
    there. No arrangement exceeds the budget, so one that reaches it holds the most samples there are: the
    programme is needed only when this fails (a route with little usable ground) or when tie-breaks matter."""
    gain, k_lo, k_hi = ground.gain, ground.k_lo, ground.k_hi
    bouts: list[Bout] = []
    left, at = ground.budget, 0
    while left:
        k = min(k_hi, left)
        if 0 < left - k < k_lo:
            k = left - k_lo  # leave enough for one more bout
        if k < k_lo:
            return None
        fits = gain[k][at + k:] > HALF_NEG
        first = int(fits.argmax()) if len(fits) else 0
        if not len(fits) or not fits[first]:
            return None
        end = at + k + first
        bouts.append(Bout(end - k, end))
        left -= k
        at = end + recovery
    return tuple(bouts)


def _trace(best: npt.NDArray[np.int64], ends_at: npt.NDArray[np.intp], column: npt.NDArray[np.intp],
           gain: dict[int, npt.NDArray[np.int64]], b: int, k_lo: int, k_hi: int, recovery: int) -> list[Bout]:
    """Walk the recurrence back from (b, the last column) to the bouts that achieve it."""
    bouts: list[Bout] = []
    col = best.shape[1] - 1
    while b > 0:
        target = best[b, col]
        # The first column at which the running maximum reaches its value is where the last bout ends.
        end = int(ends_at[int(np.argmax(best[b, : col + 1] == target)) - 1])
        for k in range(k_lo, min(k_hi, b) + 1):
            gap = recovery if b > k else 0
            j = end - k - gap
            before = int(column[max(j, -1) + 1])
            if gain[k][end] > HALF_NEG and j >= 0 and best[b - k, before] > HALF_NEG \
                    and best[b - k, before] + gain[k][end] == target:
                bouts.append(Bout(end - k, end))
                b, col = b - k, before
                break
        else:  # pragma: no cover - the recurrence guarantees a predecessor
            raise AssertionError("placement trace lost its way")
    return bouts[::-1]
