"""Where on a route the backward bouts go: exact dynamic programmes over the terrain samples.

The problem. Samples ``0..n-1`` of a :class:`~retrowalk.core.terrain.Profile` are ``step`` metres each; walked
backward, one sample takes ``tau`` seconds (the profile's step is chosen so that ``tau`` is the route's bout
granularity, 10 s). Choose bouts, each a run of ``k_lo..k_hi`` consecutive *usable* samples clear of sharp turns,
so that

* every bout starts at or after sample ``warmup`` and ends at or before ``n - cooldown`` (DOMAIN.md:21),
* two bouts are at least ``recovery`` samples apart (DOMAIN.md:25),
* the total is at most ``budget`` samples (the backward target, S1).

Between and around the bouts the walker goes forward: the warm-up, the recoveries and the cool-down. What a
forward stretch holds beyond its own minimum (``warmup``, ``recovery`` or ``cooldown``) is its *spare*.

The objective of :func:`place_spread`, the one plans use, in this order:

1. **the most backward samples**, up to the budget (the dose, S1);
2. **spread**: every spare at least ``S``, so that the bouts sit through the walk as a time plan puts them (it
   shares the spare forward time equally between warm-up, recoveries and cool-down). ``E``, the even share, is
   the spare of the fewest bouts that can hold the total, divided equally among their stretches; ``S`` is the
   largest whole tenth of ``E``, up to eight tenths, that the ground allows: ``S = ⌊iE/10⌋`` for the largest
   ``i ≤ 8`` with an arrangement of the most samples whose every spare is at least that. The tenths left over
   are room for the next two goals;
3. **the most uphill samples** (S3: uphill trains more than flat);
4. **the fewest bouts** (each turn-around is a moment of risk).

Why the shortest stretch and not the longest: making the smallest spare as large as it can be pushes the bouts
apart everywhere, and never buys evenness with more bouts (more bouts make more, shorter stretches). Making the
longest stretch as short as it can be instead lets every other bout bunch once one stretch is forced long (a
descent at the end), and has no running-maximum programme: a lower bound on the previous bout's end turns each
step into a sliding window.

:func:`place` keeps the older order (samples, uphill, fewest bouts, no spread): the total it finds is the same,
and it is what a walk the other way "holds".

The programme. Let ``F[b][e]`` be the best value of bouts totalling exactly ``b`` samples that all end at or
before ``e``. A last bout of length ``k`` ending at ``e`` extends the best arrangement of ``b - k`` samples that
ends at or before ``e - k - gap``; ``F[b]`` is the running maximum of those extensions over ``e``. Each ``F[b]``
is computed for all ``e`` at once with numpy, so the cost is ``budget × (k_hi - k_lo + 1)`` array operations of
length ``n`` (fewer: only the samples where some bout may end). Values are integers, ``(samples × M + uphill) ×
T − bouts`` with ``M`` larger than any uphill count and ``T`` larger than any bout count, so comparisons are
exact and the lexicographic goal is one maximum. Spreading runs the same programme with each minimum
raised by ``S``.

The floor ``S`` is found by running the programme at eight tenths (which the ground usually allows: one run),
then halving the interval of tenths below it (three runs more at most): a lower floor is allowed whenever a
higher one is.

Optimality. Every arrangement of bouts on the sample grid is a path through the recurrence, and it keeps the best
for every (total, end) pair, so the result is optimal on the grid (tests/core/test_placement.py holds it and the
spread to brute force). Against bouts placed at arbitrary metres the grid loses at most one sample (``tau``
seconds) at each end of each bout, and only where usable ground ends between two samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrowalk.core.arrays import cumsum0
from retrowalk.core.turns import Turns

NEG = np.int64(-(2**62))
"""Minus infinity for integer values: no arrangement. Any sum involving it stays below ``HALF_NEG``."""
HALF_NEG = NEG // 2

SPREAD_TENTHS = 8
"""Spread asks for eight tenths of the even share: the rest lets bouts move onto a climb (goal 3), and keeps even
the longest stretch within about twice the even share (so on a long walk the last bout still starts in its last
third)."""

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


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
    """The most backward samples, then the most uphill, then the fewest bouts; see the module docstring.
    ``usable[i]``: a bout may cover sample ``i``.

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
    """The bouts plans use: the most backward samples, spread through the walk, then the most uphill, then
    the fewest bouts (the module docstring states the order and what spread means)."""
    ground = _ground(usable, uphill, k_lo, k_hi, budget, warmup, cooldown, turns)
    if ground is None:
        return Placement((), 0, 0)
    # The most samples there are: the budget when the greedy pass reaches it (nothing can exceed it), else the
    # programme's. Eight tenths are tried first at the budget: where they reach it, that is the answer already.
    def spread(tenths: int, total: int) -> Placement | None:
        """Every spare at least ``tenths`` tenths of the even share: the bouts, or None if the ground says no."""
        placed = _solve(ground, recovery, even_share(ground, total, recovery) * tenths // 10)
        return placed if placed.samples == total else None

    if (best := spread(SPREAD_TENTHS, budget)) is not None:
        return best  # the usual case: one programme
    total = budget if _fill(ground, recovery) is not None else _solve(ground, recovery).samples
    if total == 0:
        return Placement((), 0, 0)
    if total < budget and (best := spread(SPREAD_TENTHS, total)) is not None:
        return best
    # Fewer tenths; the ground allows a lower floor whenever it allows a higher one, so halve the interval.
    lo, hi, found = 0, SPREAD_TENTHS - 1, None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if (placed := spread(mid, total)) is not None:
            lo, found = mid, placed
        else:
            hi = mid - 1
    return found if found is not None else _solve(ground, recovery, 0)  # lo is 0: no floor the ground allows


def even_share(ground: _Ground, total: int, recovery: int) -> int:
    """``E``: the spare of the fewest bouts that hold ``total`` samples, shared equally by their stretches."""
    bouts = -(-total // ground.k_hi)
    spare = ground.n - ground.warmup - ground.cooldown - total - (bouts - 1) * recovery
    return max(spare, 0) // (bouts + 1)


@dataclass(frozen=True, slots=True)
class _Ground:
    """Where a bout of each length may end and what it is worth there: all the programme needs but the gap."""

    gain: dict[int, IntArray]
    """``gain[k][e]``: value of a bout of k samples ending at e (exclusive), or NEG if it may not be there."""
    can_end: BoolArray
    """Some bout may end at e."""
    up_cum: IntArray
    k_lo: int
    k_hi: int
    budget: int
    n: int
    warmup: int
    cooldown: int

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
    bad_cum = cumsum0(~usable)
    up_cum = cumsum0(uphill & usable)

    # Heading range within [e - k, e), grown one sample at a time as k rises; the clearance either side comes
    # from the turns' edge ranges at the bout's two ends.
    hmax = np.full(n + 1, -np.inf)
    hmin = np.full(n + 1, np.inf)
    gain: dict[int, IntArray] = {}
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
    return _Ground(gain, can_end, up_cum, k_lo, k_hi, budget, n, warmup, cooldown)


@dataclass(frozen=True, slots=True)
class _Table:
    """The columns the programmes run on: only the samples where some bout may end."""

    ends_at: npt.NDArray[np.intp]
    column: npt.NDArray[np.intp]
    """``column[p + 1]``: how many columns end at or before sample ``p`` (``p = −1`` allowed)."""
    gains: IntArray
    """``gains[i, j]``: a bout of ``k_lo + i`` samples ending at ``ends_at[j]``, or NEG where it may not be."""


def _table(ground: _Ground, extra: int) -> _Table:
    """The columns, with the warm-up and the cool-down each ``extra`` samples longer than their minimum.

    Every column keeps at least one bout that may end there, which keeps every value the programme reads at or
    above NEG: two NEGs add up to int64's minimum exactly, and a third would wrap around."""
    can_end = ground.can_end
    ends_at = np.flatnonzero(can_end)
    gains = np.stack([ground.gain[k][ends_at] for k in range(ground.k_lo, ground.k_hi + 1)])
    if extra:
        last_end = ground.n - ground.cooldown - extra
        for i, k in enumerate(range(ground.k_lo, ground.k_hi + 1)):
            first_end = ground.warmup + extra + k
            gains[i, (ends_at < first_end) | (ends_at > last_end)] = NEG
        keep = (gains > HALF_NEG).any(axis=0)
        ends_at, gains = ends_at[keep], gains[:, keep]
        can_end = np.zeros_like(can_end)
        can_end[ends_at] = True
    return _Table(ends_at, cumsum0(can_end, np.intp), gains)


def _solve(ground: _Ground, recovery: int, extra: int = 0) -> Placement:
    """The programme itself, with every forward stretch ``extra`` samples beyond its minimum."""
    k_lo, k_hi, budget = ground.k_lo, ground.k_hi, ground.budget
    table = _table(ground, extra)
    gap = recovery + extra
    # Only ends where some bout may end can change a running maximum: the programme runs on those columns
    # alone (``ends_at``), a fraction of the samples on most routes. Column 0 stands for "before the first".
    ends_at, column, gains = table.ends_at, table.column, table.gains
    m = len(ends_at)
    if m == 0:
        return Placement((), 0, 0)
    width = m + 1
    # For a bout of k ending at ends_at[j]: the column where the previous bout's best is read, with the recovery
    # gap (a later bout) and without it (the first bout, following nothing).
    ks = np.arange(k_lo, k_hi + 1)[:, None]
    after = column[np.maximum(ends_at - ks - gap, -1) + 1]
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
    return ground.placement(_trace(best, table, column, b, k_lo, k_hi, gap))


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


def _trace(best: IntArray, table: _Table, column: npt.NDArray[np.intp], b: int, k_lo: int, k_hi: int,
           gap: int) -> list[Bout]:
    """Walk the recurrence back from (b, the last column) to the bouts that achieve it."""
    ends_at, gains = table.ends_at, table.gains
    bouts: list[Bout] = []
    col = best.shape[1] - 1
    while b > 0:
        target = best[b, col]
        # The first column at which the running maximum reaches its value is where the last bout ends.
        j = int(np.argmax(best[b, : col + 1] == target)) - 1
        end = int(ends_at[j])
        for k in range(k_lo, min(k_hi, b) + 1):
            g = gains[k - k_lo, j]
            prior = end - k - (gap if b > k else 0)  # the latest the bout before may end (the start, if first)
            before = int(column[max(prior, -1) + 1])
            if g > HALF_NEG and prior >= 0 and best[b - k, before] > HALF_NEG and best[b - k, before] + g == target:
                bouts.append(Bout(end - k, end))
                b, col = b - k, before
                break
        else:  # pragma: no cover - the recurrence guarantees a predecessor
            raise AssertionError("placement trace lost its way")
    return bouts[::-1]
