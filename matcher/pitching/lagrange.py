"""A proven upper bound on the pitching quality: Lagrangian relaxation over whole juries.

The CP-SAT model's linear relaxation is weak: through fractional ``y`` every startup hears its own favourite
jurors, so its bound is about "every startup meets its best ``max_jury`` investors". Here a session is priced with
its **whole jury**. Relax "a startup pitches at most once" (a price ``pi[s] >= 0`` per startup) and "at least
``n_placed`` pitches" (a reward ``rho >= 0`` per pitch); what is left splits by group of overlapping sessions
(:attr:`~matcher.pitching.problem.PitchingProblem.overlap_groups`). For one session ``p`` and one jury ``J`` (any
``min_jury..max_jury`` investors available for ``p``), the best startups are the ``max_pitches`` largest positive
``theme[s, p] + sum_{i in J} pair[s, i] - pi[s] + rho`` (startups available for ``p``, none forbidden with a member
of ``J``); every such jury is enumerated (:class:`JuryTable`). A group of two overlapping sessions takes its best
pair of disjoint juries (or one session, or none) exactly; in a larger group the overlap rows are relaxed too
(a price ``mu >= 0`` per investor and overlap). For any prices,

    bound = sum(pi) - rho * n_placed + sum(mu) + sum over groups of the group's best value

is an upper bound on the modelled quality of every schedule with ``n_placed`` pitches (weak duality), computed in
integers at integer prices, so it is exact. Prices follow a subgradient method from the incumbent schedule's
values; the juries the relaxation picks seed the primal search (:func:`~matcher.pitching.search.from_juries`).

Example
-------
>>> import numpy as np
>>> from matcher.pitching.problem import PitchingProblem
>>> p = PitchingProblem.build(["s1", "s2"], ["i1", "i2"], ["A"], affinity=[[0.0, 0.0], [0.0, 0.0]],
...     max_pitches=2, min_jury=1, max_jury=1, theme_fit=[[0.5], [0.25]])
>>> pair, theme = np.zeros((2, 2), np.int64), np.array([[500], [250]])
>>> tables = jury_tables(p, pair)
>>> lagrangian_bound(p, tables, pair, theme, 2, np.array([0, 0]), rounds=3).bound
750
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from matcher.pitching.jurytable import MAX_CELLS, OFF, JuryTable, SessionValues, jury_tables, listened
from matcher.pitching.problem import PitchingProblem

__all__ = ["LAGRANGE_ROUNDS", "MAX_CELLS", "JuryTable", "LagrangeResult", "jury_tables", "lagrangian_bound"]

LAGRANGE_ROUNDS = 50
"""Subgradient rounds of the bound (fewer if the bound meets the incumbent, or the wall clock runs out)."""

_PAIR_CELLS = 2**22  # the pair search stops expanding here and bounds the rest (still a valid bound)


@dataclass(frozen=True)
class LagrangeResult:
    """The best (lowest) bound found, in scaled quality units; the rounds run; whether the wall clock stopped the
    rounds early (then a rerun may differ); the best schedule the juries of the relaxation led to (or None)."""

    bound: int
    rounds: int
    wall: bool
    values: np.ndarray | None = None
    quality: int | None = None


Heuristic = Callable[[np.ndarray], tuple[np.ndarray, int] | None]


_PATIENCE, _SHRINK, _DEFLECT = 3, 0.5, 0.5  # step halved after 3 rounds without a lower bound; deflection
_LEVEL = 0.3  # Polyak target: the best schedule plus this share of the gap to the best bound


def _best_pair(
    v1: np.ndarray, m1: np.ndarray, v2: np.ndarray, m2: np.ndarray
) -> tuple[int, int | None, int | None, bool]:
    """The best value of two overlapping sessions: one disjoint pair of juries, one jury alone, or none, and True.
    If the search would exceed ``_PAIR_CELLS`` pairs: an upper bound of that value, no choice, and False."""
    n1, n2 = len(v1), len(v2)
    k1, k2 = min(64, n1), min(512, n2)
    o1, o2 = _top(v1, k1), _top(v2, k2)
    best, c1, c2 = 0, None, None
    if v1[o1[0]] > best:
        best, c1, c2 = int(v1[o1[0]]), int(o1[0]), None
    if v2[o2[0]] > best:
        best, c1, c2 = int(v2[o2[0]]), None, int(o2[0])
    while True:
        a, b = o1[:k1], o2[:k2]
        total = np.where((m1[a] @ m2[b].T) == 0, v1[a][:, None] + v2[b][None, :], -1)
        ra, rb = np.unravel_index(int(np.argmax(total)), total.shape)
        if total[ra, rb] > best:
            best, c1, c2 = int(total[ra, rb]), int(a[ra]), int(b[rb])
        rest1 = int(v1[o1[k1]] + v2[o2[0]]) if k1 < n1 else -1
        rest2 = int(v1[o1[0]] + v2[o2[k2]]) if k2 < n2 else -1
        if best >= max(rest1, rest2):
            return best, c1, c2, True
        if k1 * k2 * 4 > _PAIR_CELLS:
            return max(best, rest1, rest2), None, None, False
        if rest1 > best:
            k1 = min(2 * k1, n1)
            o1 = _top(v1, k1)
        if rest2 > best:
            k2 = min(2 * k2, n2)
            o2 = _top(v2, k2)


def _top(v: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k + 1`` largest values (all if fewer), largest first, ties by index."""
    if k + 1 >= len(v):
        return np.argsort(-v, kind="stable")
    idx = np.argpartition(-v, k)[: k + 1]
    return idx[np.lexsort((idx, -v[idx]))]


class _Relaxation:
    """The Lagrangian function of one problem: :meth:`evaluate` gives the bound at integer prices, a subgradient
    and the juries chosen."""

    def __init__(self, problem: PitchingProblem, pair: np.ndarray, theme: np.ndarray, tables: list[JuryTable | None]):
        self.problem, self.tables = problem, tables
        self.theme = np.where(problem.startup_available, theme, OFF).astype(np.int64)
        usable = [p for p, t in enumerate(tables) if t is not None]
        groups = [tuple(p for p in g if p in usable) for g in problem.overlap_groups]
        overlaps = set(problem.overlaps)
        self.paired = [g for g in groups if len(g) == 2 and g in overlaps]
        self.alone = [p for g in groups if g not in self.paired for p in g]  # alone, or in a relaxed group
        big = {p for g in groups if len(g) > 2 for p in g}
        self.priced = [(p, q) for p, q in problem.overlaps if p in big and q in big]  # relaxed with mu[k, i]
        self.values = {
            p: SessionValues(t, int(problem.max_pitches[p]), int(problem.max_jury[p]))
            for p, t in enumerate(tables)
            if t is not None
        }

    def evaluate(self, pi: np.ndarray, rho: int, mu: np.ndarray) -> tuple[int, np.ndarray, int, np.ndarray, np.ndarray]:
        """Bound, startup subgradient (1 - times heard), pitches heard, overlap subgradient, juries y[I, P]."""
        pr = self.problem
        n_i = pr.n_investors
        total = int(pi.sum()) + int(mu.sum())
        cost = np.zeros((pr.n_sessions, n_i), dtype=np.float64)
        for k, (p, q) in enumerate(self.priced):
            cost[p] += mu[k]
            cost[q] += mu[k]
        gains = [np.maximum(self.theme[:, p] - pi + rho, OFF) for p in range(pr.n_sessions)]
        for p, v in self.values.items():
            v.update(gains[p], cost[p])
        chosen: list[tuple[int, int | None]] = []
        for p, q in self.paired:
            v1, v2 = self.values[p], self.values[q]
            while True:  # the best pair on upper bounds; done once both chosen juries are exact
                best, c1, c2, found = _best_pair(v1.values, v1.table.members, v2.values, v2.table.members)
                if not found and not (v1.exact.all() and v2.exact.all()):
                    v1.refine(-1)  # too many pairs on loose estimates: sharpen the best ones and search again
                    v2.refine(-1)
                elif v1.refine(c1) & v2.refine(c2):
                    break
            total += best
            chosen += [(p, c1), (q, c2)]
        for p in self.alone:
            v = self.values[p]
            top = v.best()
            total += max(int(v.values[top]), 0)
            chosen.append((p, top if v.values[top] > 0 else None))
        heard = np.zeros(pr.n_startups, dtype=np.int64)
        y = np.zeros((n_i, pr.n_sessions), dtype=np.int64)
        for p, j in chosen:
            table = self.tables[p]
            if j is None or table is None:
                continue
            heard[listened(table, j, gains[p], int(pr.max_pitches[p]))] += 1
            y[:, p] = table.members[j] > 0
        over = np.array([1 - y[:, p] - y[:, q] for p, q in self.priced], dtype=np.int64).reshape(-1, n_i)
        return total, 1 - heard, int(heard.sum()), over, y


def lagrangian_bound(
    problem: PitchingProblem,
    tables: list[JuryTable | None],
    pair: np.ndarray,
    theme: np.ndarray,
    n_placed: int,
    start_prices: np.ndarray,
    *,
    incumbent: int = 0,
    rounds: int = LAGRANGE_ROUNDS,
    deadline: float = float("inf"),
    heuristic: Heuristic | None = None,
    every: int = 2,
) -> LagrangeResult:
    """The Lagrangian bound (module docstring) after at most ``rounds`` subgradient rounds from ``start_prices``
    (one per startup, scaled units), stopping early when it meets ``incumbent`` (the best known quality) or at
    ``deadline`` (a ``perf_counter`` time; the first round always runs). Every ``every`` rounds the relaxation's
    juries are handed to ``heuristic``, which returns a schedule and its quality (or None); the best one that
    beats ``incumbent`` is returned. ``tables`` are :func:`jury_tables` of the problem and ``pair``."""
    relax = _Relaxation(problem, pair, theme, tables)
    free = n_placed >= problem.n_startups  # every startup pitches exactly once: its price may be negative, no rho
    pi = np.asarray(start_prices, dtype=np.float64) if free else np.maximum(start_prices, 0.0)
    rho, mu = 0.0, np.zeros((len(relax.priced), problem.n_investors))
    best_bound: int | None = None
    best_values: np.ndarray | None = None
    best_q = incumbent
    step, stale, done, wall = 1.0, 0, 0, False
    direction = np.zeros(problem.n_startups)
    for r in range(rounds):
        if r and time.perf_counter() > deadline:
            wall = True
            break
        pi_i, rho_i, mu_i = np.rint(pi).astype(np.int64), round(rho), np.rint(mu).astype(np.int64)
        bound, g_pi, heard, g_mu, y = relax.evaluate(pi_i, rho_i, mu_i)
        bound -= rho_i * n_placed
        done = r + 1
        if best_bound is None or bound < best_bound:
            best_bound, stale = bound, 0
        else:
            stale += 1
            if stale >= _PATIENCE:
                step, stale = step * _SHRINK, 0
        if heuristic is not None and r % every == 0:
            found = heuristic(y)
            if found is not None and found[1] > best_q:
                best_values, best_q = found
        if best_bound <= best_q:
            break
        g_rho = heard - n_placed  # d bound / d rho
        if not free:
            g_pi = np.where((pi_i <= 0) & (g_pi > 0), 0, g_pi)  # projected: a price at 0 cannot fall
        g_rho = 0 if free or (rho_i <= 0 and g_rho > 0) else g_rho
        g_mu = np.where((mu_i <= 0) & (g_mu > 0), 0, g_mu)
        norm = float((g_pi**2).sum() + g_rho**2 + (g_mu**2).sum())
        if norm == 0:
            break
        direction = g_pi + _DEFLECT * direction
        norm = float((direction**2).sum() + g_rho**2 + (g_mu**2).sum())
        t = step * (bound - best_q - _LEVEL * (best_bound - best_q)) / norm
        pi = pi - t * direction if free else np.maximum(pi - t * direction, 0.0)
        rho = max(rho - t * g_rho, 0.0)
        mu = np.maximum(mu - t * g_mu, 0.0)
    assert best_bound is not None
    return LagrangeResult(best_bound, done, wall, best_values, best_q if best_values is not None else None)
