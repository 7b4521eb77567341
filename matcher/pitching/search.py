"""The warm start of the pitching solver: alternating min-cost-flow search with seeded restarts.

:func:`improve` starts from phase 1's schedule and alternates two exact steps, each a min-cost flow: the best
juries for fixed pitches (:func:`_best_juries`), then the best placement for fixed juries (:func:`_best_pitches`),
until the quality stops rising; then it shakes the best schedule found (:data:`SEARCH_RESTARTS` seeded restarts)
and searches again. :func:`quality` is the modelled (scaled) quality that both this search and
:class:`~matcher.pitching.cpsat.PitchingSolver` maximise.
"""

from __future__ import annotations

import time

import numpy as np

from matcher.pitching.problem import PitchingProblem
from matcher.solving.rows import row_violations

Arcs = list[int] | np.ndarray

__all__ = ["SEARCH_RESTARTS", "SEARCH_ROUNDS", "from_juries", "improve", "quality"]

SEARCH_ROUNDS = 20
"""At most this many jury/placement rounds per local search of the warm start."""

SEARCH_RESTARTS = 150
"""Seeded shakes of the best schedule tried by the warm start (fewer if it runs out of its time share)."""


def quality(problem: PitchingProblem, values: np.ndarray, pair: np.ndarray, theme: np.ndarray) -> int:
    """The modelled (scaled) quality of a flat 0/1 vector: theme fit of each pitch + pair weights of its jury."""
    x, y = _split(problem, values)
    return int((x * (pair @ y)).sum() + (x * theme).sum())


def _split(problem: PitchingProblem, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n_s, n_i, n_p = problem.n_startups, problem.n_investors, problem.n_sessions
    x = values[: n_s * n_p].reshape(n_s, n_p)
    return x, values[n_s * n_p : (n_s + n_i) * n_p].reshape(n_i, n_p)


def _join(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.concatenate((x.ravel(), y.ravel(), x.any(axis=0))).astype(np.int64)


def _flow(tails: Arcs, heads: Arcs, caps: Arcs, costs: Arcs, supply: int, n: int) -> np.ndarray:
    """Min-cost flow of ``supply`` units from node ``n - 2`` to ``n - 1``; flow per arc (empty if infeasible)."""
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, np.int32), np.array(heads, np.int32), np.array(caps, np.int64), np.array(costs, np.int64)
    )
    flow.set_nodes_supplies(np.array([n - 2, n - 1], np.int32), np.array([supply, -supply], np.int64))
    if flow.solve() != flow.OPTIMAL:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(flow.flows(np.asarray(arcs, np.int32)))


def _best_juries(problem: PitchingProblem, x: np.ndarray, pair: np.ndarray) -> np.ndarray | None:
    """Optimal juries for fixed pitches ``x``, one session per overlap group per investor; None if unstaffable."""
    n_i = problem.n_investors
    gain = pair.T @ x  # [I, P]: what investor i adds to session p
    clash = (problem.forbidden.T.astype(np.int64) @ x) > 0  # investor i meets a forbidden startup in p
    allowed = problem.investor_available & ~clash & (x.sum(axis=0) > 0)[None, :]
    y = np.zeros((n_i, problem.n_sessions), dtype=np.int64)
    big = int(gain.sum()) + 1
    for group in problem.overlap_groups:
        used = [p for p in group if x[:, p].any()]
        if not used:
            continue
        n = n_i + len(used) + 2
        tails, heads, caps, costs = [], [], [], []
        for i in range(n_i):
            tails += [n - 2, i]
            heads += [i, n - 1]
            caps += [1, 1]
            costs += [0, 0]
        arc_of: dict[int, tuple[int, int]] = {}
        for k, p in enumerate(used):
            for i in np.flatnonzero(allowed[:, p]).tolist():
                arc_of[len(tails)] = (i, p)
                tails.append(i)
                heads.append(n_i + k)
                caps.append(1)
                costs.append(-int(gain[i, p]))
            lo, hi = int(problem.min_jury[p]), int(problem.max_jury[p])
            tails += [n_i + k, n_i + k]
            heads += [n - 1, n - 1]
            caps += [lo, hi - lo]
            costs += [-big, 0]
        flows = _flow(tails, heads, caps, costs, n_i, n)
        if flows.size == 0:
            return None
        for arc, (i, p) in arc_of.items():
            y[i, p] = flows[arc]
        if any(y[:, p].sum() < problem.min_jury[p] for p in used):
            return None
    return y


def _best_pitches(problem: PitchingProblem, y: np.ndarray, pair: np.ndarray, theme: np.ndarray) -> np.ndarray:
    """Optimal placement of as many startups as possible into the sessions that have a jury, juries fixed."""
    n_s, n_p = problem.n_startups, problem.n_sessions
    gain = pair @ y + theme  # [S, P]
    clash = (problem.forbidden.astype(np.int64) @ y) > 0  # startup s meets a forbidden juror in p
    allowed = problem.startup_available & ~clash & (y.sum(axis=0) >= np.maximum(problem.min_jury, 1))[None, :]
    big = int(np.abs(gain).sum()) + 1
    n = n_s + n_p + 2
    pairs = np.argwhere(allowed)
    ones, startups, sessions = np.ones(n_s, np.int64), np.arange(n_s), np.arange(n_s, n_s + n_p)
    tails = np.concatenate((np.full(n_s, n - 2), startups, sessions, pairs[:, 0]))
    heads = np.concatenate((startups, np.full(n_s + n_p, n - 1), n_s + pairs[:, 1]))
    caps = np.concatenate((ones, ones, problem.max_pitches, np.ones(len(pairs), np.int64)))
    costs = np.concatenate((np.zeros(2 * n_s + n_p, np.int64), -big - gain[pairs[:, 0], pairs[:, 1]]))
    flows = _flow(tails, heads, caps, costs, n_s, n)
    x = np.zeros((n_s, n_p), dtype=np.int64)
    if flows.size:
        hit = pairs[flows[2 * n_s + n_p :] > 0]
        x[hit[:, 0], hit[:, 1]] = 1
    return x


def _alternate(
    problem: PitchingProblem, x: np.ndarray, pair: np.ndarray, theme: np.ndarray
) -> tuple[np.ndarray, int] | None:
    """From pitches ``x``, alternate best juries and best pitches until quality stops rising (placing no fewer
    startups); the best complete vector found and its quality, or None when the juries cannot be staffed."""
    placed = int(x.sum())
    best: tuple[np.ndarray, int] | None = None
    for _ in range(SEARCH_ROUNDS):
        y = _best_juries(problem, x, pair)
        if y is None:
            break
        candidate = _join(x, y)
        q = quality(problem, candidate, pair, theme)
        if best is not None and q <= best[1]:
            break
        best = (candidate, q)
        x = _best_pitches(problem, y, pair, theme)
        if int(x.sum()) < placed:
            break
    return best


def _shake(problem: PitchingProblem, x: np.ndarray, rng: np.random.Generator, share: float = 0.15) -> np.ndarray:
    """Move a random ``share`` of the placed startups to random sessions they can attend that have room."""
    x = x.copy()
    load = x.sum(axis=0)
    placed = np.flatnonzero(x.any(axis=1))
    for s in rng.permutation(placed)[: max(1, int(share * placed.size))].tolist():
        options = np.flatnonzero(problem.startup_available[s] & (load < problem.max_pitches))
        if options.size:
            old = int(np.flatnonzero(x[s])[0])
            new = int(rng.choice(options))
            x[s, old], x[s, new] = 0, 1
            load[old] -= 1
            load[new] += 1
    return x


def improve(
    problem: PitchingProblem, values: np.ndarray, pair: np.ndarray, theme: np.ndarray, seed: int, deadline: float
) -> np.ndarray:
    """Warm start for phase 2: alternating local search from ``values``, then ``SEARCH_RESTARTS`` seeded shakes
    of the best schedule (stopping early at ``deadline``, a ``perf_counter`` time). Improvements are kept only
    if they pass every row; returns ``values`` if nothing helps."""
    best, best_q = values, quality(problem, values, pair, theme)
    rng = np.random.default_rng(seed)
    x = _split(problem, values)[0]
    for restart in range(SEARCH_RESTARTS + 1):
        if restart and time.perf_counter() > deadline:
            break
        found = _alternate(problem, x if restart == 0 else _shake(problem, _split(problem, best)[0], rng), pair, theme)
        if found is not None and found[1] > best_q and not row_violations(problem.rows, found[0]):
            best, best_q = found
    return best


def from_juries(
    problem: PitchingProblem, y: np.ndarray, pair: np.ndarray, theme: np.ndarray, placed: int
) -> tuple[np.ndarray, int] | None:
    """A schedule grown from juries ``y[I, P]`` (those of the Lagrangian bound): the best placement for them (the
    startups they cannot hear where they gain most), then the alternating search; its flat vector and quality, or
    None if it places fewer than ``placed`` or breaks a row."""
    x = _best_pitches(problem, y, pair, theme)
    gain, load = pair @ y + theme, x.sum(axis=0)
    for s in np.flatnonzero(~x.any(axis=1)).tolist():  # the rest where they gain most; juries adapt next
        room = np.flatnonzero(problem.startup_available[s] & (load < problem.max_pitches))
        if room.size and int(x.sum()) < placed:
            p = int(room[np.argmax(gain[s, room])])
            x[s, p] = 1
            load[p] += 1
    if int(x.sum()) < placed:
        return None
    found = _alternate(problem, x, pair, theme)
    if found is None or int(_split(problem, found[0])[0].sum()) < placed or row_violations(problem.rows, found[0]):
        return None
    return found
