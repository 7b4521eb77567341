"""Mentor programme: give every startup exactly K mentors, within the mentors' capacities.

:class:`AssignmentProblem` is the single owner of the id <-> index mapping. Solvers see only its arrays
(startups are "left", mentors "right"; candidate edges carry an affinity score, higher is better) and hand back
selected edge indices, which :meth:`AssignmentProblem.decode` turns into :class:`Assignment` s.

Example
-------
>>> p = AssignmentProblem.build(
...     ["s1", "s2"], ["m1", "m2"],
...     edges=[("s1", "m1", 0.9), ("s1", "m2", 0.2), ("s2", "m1", 0.8), ("s2", "m2", 0.7)],
...     demand=1, capacity=1)
>>> p.n_edges, p.total_demand
(4, 2)
>>> [(a.left_id, a.right_id) for a in p.decode([0, 3])]
[('s1', 'm1'), ('s2', 'm2')]
>>> check(p, p.decode([0, 2]))[0].constraint
'mentor_capacity'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

import numpy as np
import numpy.typing as npt

from matcher.errors import ConstraintViolation, InvalidInput, SolverFailed
from matcher.solving.arrays import frozen, id_index
from matcher.solving.rows import LinearRow, Rows, row_violations

__all__ = ["Assignment", "AssignmentProblem", "ConstraintName", "assignment_rows", "check"]

IntLike = int | Sequence[int] | npt.NDArray[np.integer]


class ConstraintName(StrEnum):
    """Every constraint of a mentor programme; the value is what appears in ``ConstraintViolation``."""

    STARTUP_DEMAND = "startup_demand"  # each startup gets exactly its K mentors
    MENTOR_CAPACITY = "mentor_capacity"  # a mentor takes at most `capacity` startups
    CANDIDATE_EDGE = "candidate_edge"  # only candidate (scored, not forbidden) pairs may be matched
    DUPLICATE_PAIR = "duplicate_pair"  # a startup-mentor pair is matched at most once
    GROUP_CAPACITY = "group_capacity"  # Hall deficit: a group's candidate mentors cannot cover its demand


@dataclass(frozen=True)
class Assignment:
    """One startup-mentor pair of a solution, with the pair's affinity score."""

    left_id: str
    right_id: str
    score: float


def _per_id(values: IntLike, n: int) -> npt.ArrayLike:
    return np.full(n, values, dtype=np.int64) if isinstance(values, int | np.integer) else values


@dataclass(frozen=True, eq=False)
class AssignmentProblem:
    """A frozen b-matching: startups (left) need exactly ``demand[i]`` mentors, mentors (right) take at most
    ``capacity[j]`` startups, and only candidate edges may be used.

    Arrays are copied and made read-only on construction. Edge ``e`` joins ``left_ids[edge_left[e]]`` and
    ``right_ids[edge_right[e]]`` with affinity ``edge_score[e]`` (finite, may be negative). Forbidden pairs are
    simply not edges. Use :meth:`build` to construct from ids; the direct constructor takes indices and
    validates them too.
    """

    left_ids: tuple[str, ...]
    right_ids: tuple[str, ...]
    edge_left: npt.NDArray[np.int32]
    edge_right: npt.NDArray[np.int32]
    edge_score: npt.NDArray[np.float64]
    demand: npt.NDArray[np.int32]
    capacity: npt.NDArray[np.int32]

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "left_ids", tuple(self.left_ids))
        set_(self, "right_ids", tuple(self.right_ids))
        id_index(self.left_ids, "startup")
        id_index(self.right_ids, "mentor")
        n_l, n_r = len(self.left_ids), len(self.right_ids)
        set_(self, "edge_left", frozen(self.edge_left, np.int32, "edge_left", (None,)))
        n_e = self.edge_left.shape[0]
        set_(self, "edge_right", frozen(self.edge_right, np.int32, "edge_right", (n_e,)))
        set_(self, "edge_score", frozen(self.edge_score, np.float64, "edge_score", (n_e,)))
        set_(self, "demand", frozen(self.demand, np.int32, "demand", (n_l,)))
        set_(self, "capacity", frozen(self.capacity, np.int32, "capacity", (n_r,)))
        if n_e and (self.edge_left.min() < 0 or self.edge_left.max() >= n_l):
            raise InvalidInput(f"edge_left holds indices outside 0..{n_l - 1}")
        if n_e and (self.edge_right.min() < 0 or self.edge_right.max() >= n_r):
            raise InvalidInput(f"edge_right holds indices outside 0..{n_r - 1}")
        if not np.all(np.isfinite(self.edge_score)):
            e = int(np.flatnonzero(~np.isfinite(self.edge_score))[0])
            raise InvalidInput(f"affinity of {self._pair(e)} is {self.edge_score[e]}; scores must be finite")
        for arr, ids, what in ((self.demand, self.left_ids, "demand"), (self.capacity, self.right_ids, "capacity")):
            if arr.size and arr.min() < 0:
                k = int(np.argmin(arr))
                raise InvalidInput(f"{what} of {ids[k]!r} is {arr[k]}; it must be 0 or more")
        keys = self.edge_left.astype(np.int64) * n_r + self.edge_right
        order = np.argsort(keys, kind="stable")
        dup = np.flatnonzero(np.diff(keys[order]) == 0)
        if dup.size:
            raise InvalidInput(
                f"{dup.size} duplicate candidate edge(s), first {self._pair(int(order[dup[0]]))}; "
                "give each startup-mentor pair once (keep its best score)"
            )

    @classmethod
    def build(
        cls,
        left_ids: Sequence[str],
        right_ids: Sequence[str],
        edges: Iterable[tuple[str, str, float]],
        demand: IntLike,
        capacity: IntLike,
        forbidden: Collection[tuple[str, str]] = (),
    ) -> AssignmentProblem:
        """Build from ids: ``edges`` are ``(startup_id, mentor_id, affinity)`` candidate pairs.

        ``demand`` and ``capacity`` are one int for everyone or one int per id. Pairs in ``forbidden`` are
        dropped from the candidates. Edges are stored sorted by (startup, mentor), so the encoding does not
        depend on the order of ``edges``. Raises :class:`InvalidInput` naming the first unknown id, duplicate
        pair (a pair given twice is an error, not silently merged), or negative demand/capacity.
        """
        left_index, right_index = id_index(left_ids, "startup"), id_index(right_ids, "mentor")
        items = list(edges)
        lefts = [left_index.get(e[0], -1) for e in items]
        rights = [right_index.get(e[1], -1) for e in items]
        for pos, (li, ri) in enumerate(zip(lefts, rights, strict=True)):
            if li < 0 or ri < 0:
                bad, what = (items[pos][0], "startup") if li < 0 else (items[pos][1], "mentor")
                raise InvalidInput(f"candidate edge #{pos + 1} names unknown {what} id {bad!r}")
        e_left = np.array(lefts, dtype=np.int64)
        e_right = np.array(rights, dtype=np.int64)
        e_score = np.array([e[2] for e in items], dtype=np.float64)
        if forbidden:
            bad_keys = []
            for a, b in forbidden:
                if a not in left_index or b not in right_index:
                    raise InvalidInput(f"forbidden pair ({a!r}, {b!r}) names an unknown startup or mentor id")
                bad_keys.append(left_index[a] * len(right_index) + right_index[b])
            keep = ~np.isin(e_left * len(right_index) + e_right, np.array(bad_keys, dtype=np.int64))
            e_left, e_right, e_score = e_left[keep], e_right[keep], e_score[keep]
        order = np.lexsort((e_right, e_left))
        return cls(
            left_ids=tuple(left_ids),
            right_ids=tuple(right_ids),
            edge_left=e_left[order].astype(np.int32),
            edge_right=e_right[order].astype(np.int32),
            edge_score=e_score[order],
            demand=np.asarray(_per_id(demand, len(left_index))),
            capacity=np.asarray(_per_id(capacity, len(right_index))),
        )

    @property
    def n_left(self) -> int:
        return len(self.left_ids)

    @property
    def n_right(self) -> int:
        return len(self.right_ids)

    @property
    def n_edges(self) -> int:
        return int(self.edge_left.shape[0])

    @property
    def total_demand(self) -> int:
        return int(self.demand.sum(dtype=np.int64))

    @property
    def total_capacity(self) -> int:
        return int(self.capacity.sum(dtype=np.int64))

    @cached_property
    def _edge_of_pair(self) -> dict[tuple[str, str], int]:
        return {
            (self.left_ids[a], self.right_ids[b]): e
            for e, (a, b) in enumerate(zip(self.edge_left.tolist(), self.edge_right.tolist(), strict=True))
        }

    def _pair(self, e: int) -> str:
        return f"startup {self.left_ids[self.edge_left[e]]!r} - mentor {self.right_ids[self.edge_right[e]]!r}"

    def objective(self, selected: npt.ArrayLike) -> float:
        """Total affinity of the selected edges."""
        return float(self.edge_score[np.asarray(selected, dtype=np.int64)].sum())

    def left_totals(self, selected: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Total affinity per startup of the selected edges (0 for a startup with none)."""
        idx = np.asarray(selected, dtype=np.int64)
        totals = np.bincount(self.edge_left[idx], weights=self.edge_score[idx], minlength=self.n_left)
        return totals.astype(np.float64)

    def decode(self, selected: npt.ArrayLike) -> tuple[Assignment, ...]:
        """Turn selected edge indices into assignments, ordered by startup then mentor index.

        Raises :class:`SolverFailed` for indices out of range or selected twice (a solver bug, not bad data).
        """
        idx = np.unique(np.asarray(selected, dtype=np.int64))
        if idx.size != np.asarray(selected).size or (idx.size and (idx[0] < 0 or idx[-1] >= self.n_edges)):
            raise SolverFailed("solver returned edge indices out of range or repeated")
        idx = idx[np.lexsort((self.edge_right[idx], self.edge_left[idx]))]
        lefts, rights = self.edge_left[idx].tolist(), self.edge_right[idx].tolist()
        return tuple(
            Assignment(self.left_ids[a], self.right_ids[b], s)
            for a, b, s in zip(lefts, rights, self.edge_score[idx].tolist(), strict=True)
        )

    def encode(self, assignments: Iterable[Assignment]) -> npt.NDArray[np.int64]:
        """Edge indices of ``assignments`` (inverse of :meth:`decode`); raises on a non-candidate pair."""
        out = []
        for a in assignments:
            e = self._edge_of_pair.get((a.left_id, a.right_id))
            if e is None:
                raise InvalidInput(f"startup {a.left_id!r} - mentor {a.right_id!r} is not a candidate pair")
            out.append(e)
        return np.array(out, dtype=np.int64)

    @cached_property
    def rows(self) -> tuple[LinearRow, ...]:
        """The hard constraints over the edge vector: exact demand per startup, capacity per mentor."""
        return assignment_rows(self)


def check(problem: AssignmentProblem, assignments: Iterable[Assignment]) -> tuple[ConstraintViolation, ...]:
    """Independently verify a solution: only candidate pairs, no pair twice, exact demand, capacity.

    Returns every violation found (empty when the solution is valid); never raises on a bad solution.
    """
    found: list[ConstraintViolation] = []
    counts = np.zeros(problem.n_edges, dtype=np.int64)
    for a in assignments:
        e = problem._edge_of_pair.get((a.left_id, a.right_id))
        if e is None:
            found.append(
                ConstraintViolation(
                    ConstraintName.CANDIDATE_EDGE.value,
                    (a.left_id, a.right_id),
                    f"startup {a.left_id!r} - mentor {a.right_id!r} is not a candidate pair "
                    "(unknown id, no affinity edge, or forbidden)",
                )
            )
            continue
        counts[e] += 1
        if counts[e] == 2:
            found.append(
                ConstraintViolation(
                    ConstraintName.DUPLICATE_PAIR.value,
                    (a.left_id, a.right_id),
                    f"startup {a.left_id!r} is matched with mentor {a.right_id!r} more than once",
                )
            )
    return (*found, *row_violations(problem.rows, counts))


def assignment_rows(problem: AssignmentProblem) -> tuple[LinearRow, ...]:
    """Mentor programme rows over the edge vector: exact demand per startup, capacity per mentor."""
    out = Rows()
    for ends, ids, bounds, is_left in (
        (problem.edge_left, problem.left_ids, problem.demand, True),
        (problem.edge_right, problem.right_ids, problem.capacity, False),
    ):
        order = np.argsort(ends, kind="stable")
        starts = np.concatenate(([0], np.cumsum(np.bincount(ends, minlength=len(ids)))))
        for k, ident in enumerate(ids):
            members, b = order[starts[k] : starts[k + 1]], int(bounds[k])
            if is_left:
                msg = f"startup {ident!r} has {{value}} mentors; it needs exactly {b}"
                out.count(ConstraintName.STARTUP_DEMAND, members, b, b, msg, (ident,))
            else:
                msg = f"mentor {ident!r} has {{value}} startups; their capacity is {b}"
                out.count(ConstraintName.MENTOR_CAPACITY, members, None, b, msg, (ident,))
    return tuple(out.rows)
