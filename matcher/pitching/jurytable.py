"""The jury tables of the jury bound: every jury a session may seat, and its value at given startup prices.

A :class:`JuryTable` lists every ``min_jury..max_jury`` subset of the investors available for a session with the
pair weight each startup gets from it. At prices, the value of a jury is the sum of the ``max_pitches`` largest
positive gains ``theme[s, p] - price[s] + sums[jury, s]`` (minus the prices of its members in a relaxed overlap
group). :class:`SessionValues` finds the best juries without evaluating every one: most (jury, startup) gains are
negative at useful prices, so each startup's juries are kept sorted by their sum (``order``, ``ranked``) and only
its positive prefix is visited. The sum of *all* positive gains of a jury is an upper bound of its value, exact when
at most ``max_pitches`` are positive; the few best juries above that are evaluated exactly (partial sort).

Example
-------
>>> import numpy as np
>>> from matcher.pitching.problem import PitchingProblem
>>> p = PitchingProblem.build(["s1", "s2"], ["i1", "i2"], ["A"], affinity=[[1.0, 0.0], [0.0, 1.0]],
...     max_pitches=1, min_jury=1, max_jury=2)
>>> table = jury_tables(p, np.array([[3, 0], [0, 2]]))[0]
>>> values = SessionValues(table, cap=1, hi=2)
>>> values.update(np.array([-1, -1]), np.zeros(2))
>>> best = values.best()  # jury 0, {i1}: startup s1 gains 3 - 1 (jury 2, {i1, i2}, ties with it)
>>> int(best), int(values.values[best])
(0, 2)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from matcher.pitching.problem import PitchingProblem

__all__ = ["MAX_CELLS", "OFF", "JuryTable", "SessionValues", "jury_tables", "listened"]

MAX_CELLS = 40_000_000
"""At most this many jury x startup sums are enumerated; a larger problem is left to CP-SAT's own bound."""

OFF = -(2**28)  # the gain of a startup that cannot pitch (unavailable, or forbidden with a juror): never positive
_OFF16 = -(2**14)  # the same in a table held in int16 (when every sum is below 2**13)
_REFINE = 256  # juries evaluated exactly per refinement step
_DENSE = 8  # past 1/_DENSE of the (jury, startup) cells positive, every jury is evaluated exactly at once


@dataclass(frozen=True)
class JuryTable:
    """Every jury a session may seat: ``members[n, I]`` (0/1) and ``sums[n, S]``, the pair weight each startup gets
    from that jury (``OFF`` where a member is forbidden with it; int16 with ``_OFF16`` when ``top``, the largest
    sum, is below 2**13, which halves the work)."""

    members: np.ndarray
    sums: np.ndarray
    top: int
    order: np.ndarray  # order[s]: the juries by descending sums[:, s] (ties: jury order), forbidden ones last
    ranked: np.ndarray  # ranked[s] = -sums[order[s], s], ascending
    allowed: np.ndarray  # allowed[s]: how many juries have no member forbidden with s


def jury_tables(problem: PitchingProblem, pair: np.ndarray) -> list[JuryTable | None] | None:
    """The jury table of each session (``None`` for a session that cannot seat ``min_jury``), or ``None`` when
    the tables would hold more than :data:`MAX_CELLS` sums. Sessions with the same investors share a table."""
    n_s, n_i = problem.n_startups, problem.n_investors
    keys: list[tuple[tuple[int, ...], int, int] | None] = []
    for p in range(problem.n_sessions):
        free = tuple(np.flatnonzero(problem.investor_available[:, p]).tolist())
        lo, hi = int(problem.min_jury[p]), min(int(problem.max_jury[p]), len(free))
        keys.append((free, lo, hi) if lo <= hi and problem.max_pitches[p] > 0 else None)
    distinct = {k for k in keys if k is not None}
    sizes = {k: sum(len(list(itertools.combinations(k[0], r))) for r in range(k[1], k[2] + 1)) for k in distinct}
    if sum(sizes.values()) * n_s > MAX_CELLS:
        return None
    weights = np.vstack([pair.T, np.zeros((1, n_s))]).astype(np.int32)  # row n_i: an empty seat
    banned = np.vstack([problem.forbidden.T, np.zeros((1, n_s), bool)])
    built: dict[tuple[tuple[int, ...], int, int], JuryTable] = {}
    for key in sorted(distinct):
        free, lo, hi = key
        seats = np.full((sizes[key], max(hi, 1)), n_i, dtype=np.int64)
        row = 0
        for r in range(lo, hi + 1):
            listed = list(itertools.combinations(free, r))
            combos = np.array(listed, dtype=np.int64).reshape(len(listed), r)
            seats[row : row + len(combos), :r] = combos
            row += len(combos)
        sums = np.zeros((len(seats), n_s), dtype=np.int32)
        off = np.zeros((len(seats), n_s), dtype=bool)
        for c in range(seats.shape[1]):
            sums += weights[seats[:, c]]
            off |= banned[seats[:, c]]
        top = max(int(sums.max(initial=0)), 0)
        small = top < 2**13 and int(sums.min(initial=0)) > _OFF16
        sums = sums.astype(np.int16) if small else sums
        sums[off] = _OFF16 if small else OFF
        members = np.zeros((len(seats), n_i + 1), dtype=np.float32)
        np.put_along_axis(members, seats, 1.0, axis=1)
        order = np.argsort(np.ascontiguousarray(-sums.T), axis=1, kind="stable").astype(np.int32)  # int16: radix
        ranked = -np.take_along_axis(sums.T, order, axis=1)  # fits: |OFF| < 2**31, |_OFF16| < 2**15
        built[key] = JuryTable(members[:, :n_i], sums, top, order, ranked, (~off).sum(axis=0))
    return [None if k is None else built[k] for k in keys]


def _wide(sums: np.ndarray) -> np.ndarray:
    """Table sums as int64, ``_OFF16`` read as ``OFF``."""
    wide = sums.astype(np.int64)
    return np.where(sums == _OFF16, OFF, wide) if sums.dtype == np.int16 else wide  # int64 first: OFF fits


def _session_values(table: JuryTable, rows: np.ndarray | slice, gain: np.ndarray, cap: int) -> np.ndarray:
    """Value of juries ``rows`` of the table: the sum of the ``cap`` largest positive startup gains each gives."""
    sums = table.sums[rows]
    if sums.dtype == np.int16 and int(gain.max()) + table.top < -_OFF16:
        g = sums + np.maximum(gain, _OFF16).astype(np.int16)[None, :]  # fits: see JuryTable
    else:
        g = _wide(sums) + gain[None, :]
    np.maximum(g, 0, out=g)
    n_s = g.shape[1]
    if cap < n_s:
        g = np.partition(g, n_s - cap, axis=1)[:, n_s - cap :]
    return g.sum(axis=1, dtype=np.int64)


class SessionValues:
    """The values of one session's juries at the current prices (module docstring): ``values`` holds each jury's
    value where ``exact`` is set and an upper bound of it elsewhere."""

    def __init__(self, table: JuryTable, cap: int, hi: int) -> None:
        self.table, self.cap, self.hi = table, cap, hi

    def update(self, gain: np.ndarray, cost: np.ndarray) -> None:
        """Move to ``gain`` per startup (``OFF`` or less: cannot pitch) and ``cost`` per investor: the sum of each
        jury's positive gains, visiting only each startup's positive prefix (or every jury exactly when too many
        gains are positive)."""
        table, n = self.table, len(self.table.sums)
        self.gain, self.cost = gain, cost
        reach = [
            min(int(np.searchsorted(table.ranked[s], g, side="left")), int(table.allowed[s])) if g > OFF else 0
            for s, g in enumerate(gain.tolist())
        ]
        self.batch = _REFINE
        if sum(reach) * _DENSE > n * len(gain):
            self.values = self._exact(slice(None))
            self.exact = np.ones(n, dtype=bool)
            return
        total = np.zeros(n, dtype=np.int64)
        count = np.zeros(n, dtype=np.int32)
        for s, k in enumerate(reach):
            if k:
                rows = table.order[s, :k]  # distinct juries: plain fancy-index updates are exact
                total[rows] += int(gain[s]) - table.ranked[s, :k]
                count[rows] += 1
        if cost.any():
            total -= self._cost(slice(None))
        self.values, self.exact = total, count <= self.cap

    def _cost(self, rows: np.ndarray | slice) -> np.ndarray:
        return np.rint(self.table.members[rows].astype(np.float64) @ self.cost).astype(np.int64)

    def _exact(self, rows: np.ndarray | slice) -> np.ndarray:
        out = _session_values(self.table, rows, self.gain, self.cap)
        return out - self._cost(rows) if self.cost.any() else out

    def best(self) -> int:
        """The jury of the highest value (ties: the lowest index), made exact."""
        while not self.refine(top := int(np.argmax(self.values))):
            pass
        return top

    def refine(self, want: int | None) -> bool:
        """Make jury ``want`` exact (``None``: nothing to do; -1: none in particular) along with the best upper
        bounds not yet exact; True when ``want`` already was exact."""
        if want is None or (want >= 0 and self.exact[want]):
            return True
        todo = np.flatnonzero(~self.exact)
        if todo.size == 0:
            return False
        batch = min(self.batch, len(todo))
        self.batch *= 2  # a loose bound asks again: evaluate more each time
        pick = todo[np.argpartition(-self.values[todo], batch - 1)[:batch]]
        pick = np.union1d(pick, [want]) if want >= 0 else pick
        self.values[pick] = self._exact(pick)
        self.exact[pick] = True
        return False


def listened(table: JuryTable, j: int, gain: np.ndarray, cap: int) -> np.ndarray:
    """The startups jury ``j`` hears in the relaxation: its ``cap`` best positive gains (ties: lower index)."""
    g = _wide(table.sums[j]) + gain
    order = np.argsort(-g, kind="stable")[:cap]
    return order[g[order] > 0]
