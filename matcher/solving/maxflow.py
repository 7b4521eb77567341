"""The one bipartite max flow and minimum cut that the infeasibility diagnoses use (Hall-type deficits).

``source -> left[i]`` (capacity ``left_cap[i]``) ``-> right[j]`` along each edge (``edge_cap``) ``-> sink``
(``right_cap[j]``). The flow value is the most that can be matched; the source side of a minimum cut names a
group whose demand its neighbours cannot cover.

Example
-------
>>> f = bipartite_max_flow([1, 1], [0, 1], [0, 0], [1, 1], [1], "an example")
>>> f.value, f.left_in_cut.tolist()
(1, [True, True])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.errors import SolverFailed

__all__ = ["BipartiteFlow", "bipartite_max_flow"]

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class BipartiteFlow:
    """The maximum flow, and which left and right nodes lie on the source side of a minimum cut."""

    value: int
    left_in_cut: BoolArray
    right_in_cut: BoolArray


def bipartite_max_flow(
    left_cap: npt.ArrayLike,
    edge_left: npt.ArrayLike,
    edge_right: npt.ArrayLike,
    edge_cap: npt.ArrayLike,
    right_cap: npt.ArrayLike,
    what: str,
) -> BipartiteFlow:
    """Max flow over the bipartite network above; ``what`` completes "max flow failed while ..."."""
    from ortools.graph.python import max_flow  # deferred: nothing heavy at import time

    lc, rc = np.asarray(left_cap, dtype=np.int64), np.asarray(right_cap, dtype=np.int64)
    el, er = np.asarray(edge_left, dtype=np.int64), np.asarray(edge_right, dtype=np.int64)
    n_l, n_r = lc.size, rc.size
    source, sink = n_l + n_r, n_l + n_r + 1
    tails = np.concatenate((np.full(n_l, source), el, n_l + np.arange(n_r))).astype(np.int32)
    heads = np.concatenate((np.arange(n_l), n_l + er, np.full(n_r, sink))).astype(np.int32)
    caps = np.concatenate((lc, np.asarray(edge_cap, dtype=np.int64), rc)).astype(np.int64)
    flow = max_flow.SimpleMaxFlow()
    if tails.size:
        flow.add_arcs_with_capacity(tails, heads, caps)
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise SolverFailed(f"max flow failed while {what}")
    side = np.array(flow.get_source_side_min_cut(), dtype=np.int64)
    left, right = np.zeros(n_l, dtype=bool), np.zeros(n_r, dtype=bool)
    left[side[side < n_l]] = True
    right[side[(side >= n_l) & (side < n_l + n_r)] - n_l] = True
    return BipartiteFlow(int(flow.optimal_flow()), left, right)
