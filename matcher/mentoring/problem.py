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
from functools import cached_property

import numpy as np
import numpy.typing as npt

from matcher.errors import ConstraintViolation, InvalidInput, SolverFailed
from matcher.solving.rows import ConstraintName, LinearRow, assignment_rows, row_violations

__all__ = ["Assignment", "AssignmentProblem", "check", "explain_infeasibility"]

IntLike = int | Sequence[int] | npt.NDArray[np.integer]


@dataclass(frozen=True)
class Assignment:
    """One startup-mentor pair of a solution, with the pair's affinity score."""

    left_id: str
    right_id: str
    score: float


def _readonly(values: npt.ArrayLike, dtype: type[np.generic], name: str, length: int | None) -> np.ndarray:
    """A read-only 1-D copy of ``values`` (the caller's array is never touched)."""
    raw = np.asarray(values)
    if raw.ndim != 1 or (length is not None and raw.shape[0] != length):
        want = f"length {length}" if length is not None else "1-D"
        raise InvalidInput(f"{name} must be a 1-D array of {want}, got shape {raw.shape}")
    if dtype is np.int32 and raw.size:
        if not (np.issubdtype(raw.dtype, np.integer) or np.all(np.mod(raw, 1) == 0)):
            raise InvalidInput(f"{name} must hold whole numbers")
        if raw.max() > np.iinfo(np.int32).max or raw.min() < np.iinfo(np.int32).min:
            raise InvalidInput(f"{name} holds values out of the int32 range")
    out = np.array(raw, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


def _index(ids: Sequence[str], what: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for k, ident in enumerate(ids):
        if not isinstance(ident, str) or not ident:
            raise InvalidInput(f"{what} id at position {k} must be a non-empty string, got {ident!r}")
        if ident in index:
            raise InvalidInput(f"{what} id {ident!r} appears twice; ids must be unique")
        index[ident] = k
    return index


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
        _index(self.left_ids, "startup")
        _index(self.right_ids, "mentor")
        n_l, n_r = len(self.left_ids), len(self.right_ids)
        set_(self, "edge_left", _readonly(self.edge_left, np.int32, "edge_left", None))
        n_e = self.edge_left.shape[0]
        set_(self, "edge_right", _readonly(self.edge_right, np.int32, "edge_right", n_e))
        set_(self, "edge_score", _readonly(self.edge_score, np.float64, "edge_score", n_e))
        set_(self, "demand", _readonly(self.demand, np.int32, "demand", n_l))
        set_(self, "capacity", _readonly(self.capacity, np.int32, "capacity", n_r))
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
        left_index, right_index = _index(left_ids, "startup"), _index(right_ids, "mentor")
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


def _names(ids: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def explain_infeasibility(problem: AssignmentProblem) -> tuple[ConstraintViolation, ...]:
    """The binding reasons why no assignment exists, in words; empty when the problem is feasible.

    The simple reasons are reported first: total demand above total capacity, and startups with fewer candidate
    mentors than they need. Only when neither explains it, a max-flow min cut names a group of startups whose
    candidate mentors together cannot cover the group's demand (a Hall-type deficit).
    """
    found: list[ConstraintViolation] = []
    demand = problem.demand.astype(np.int64)
    if problem.total_demand > problem.total_capacity:
        uniform = demand.size > 0 and bool(np.all(demand == demand[0]))
        need = f"{problem.n_left} startups x {demand[0]} = " if uniform else ""
        found.append(
            ConstraintViolation(
                ConstraintName.MENTOR_CAPACITY.value,
                (),
                f"startup_demand vs mentor_capacity: {need}{problem.total_demand} > total capacity "
                f"{problem.total_capacity} of {problem.n_right} mentors; raise --mentor-capacity, "
                "add mentors, or lower --per-startup",
            )
        )
    usable = problem.capacity[problem.edge_right] > 0
    n_candidates = np.bincount(problem.edge_left[usable], minlength=problem.n_left)
    for i in np.flatnonzero(n_candidates < demand).tolist():
        sid, has, need_i = problem.left_ids[i], int(n_candidates[i]), int(demand[i])
        found.append(
            ConstraintViolation(
                ConstraintName.STARTUP_DEMAND.value,
                (sid,),
                f"startup {sid!r} has {has} candidate mentor(s) with free capacity but needs {need_i}: each "
                "mentor counts once per startup, so add candidate mentors for it (more edges per startup, a lower "
                "affinity threshold, fewer forbidden pairs) or lower --per-startup",
            )
        )
    if found:
        return tuple(found)
    group = _min_cut_group(problem)
    return () if group is None else (group,)


def _min_cut_group(problem: AssignmentProblem) -> ConstraintViolation | None:
    """The Hall deficit found by a max flow source -> startup (demand) -> mentor (1) -> sink (capacity)."""
    from ortools.graph.python import max_flow  # deferred: nothing heavy at import time

    n_l, n_r = problem.n_left, problem.n_right
    source, sink = n_l + n_r, n_l + n_r + 1
    tails = np.concatenate((np.full(n_l, source), problem.edge_left, n_l + np.arange(n_r))).astype(np.int32)
    heads = np.concatenate((np.arange(n_l), n_l + problem.edge_right, np.full(n_r, sink))).astype(np.int32)
    caps = np.concatenate((problem.demand, np.ones(problem.n_edges), problem.capacity)).astype(np.int64)
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(tails, heads, caps)
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise SolverFailed("max flow failed while explaining infeasibility")
    if flow.optimal_flow() >= problem.total_demand:
        return None
    side = np.array(flow.get_source_side_min_cut(), dtype=np.int64)
    group = np.sort(side[side < n_l])
    in_group = np.zeros(n_l, dtype=bool)
    in_group[group] = True
    group_edges = in_group[problem.edge_left]
    per_mentor = np.bincount(problem.edge_right[group_edges], minlength=n_r)
    mentors = np.flatnonzero(per_mentor)
    supply = int(np.minimum(per_mentor, problem.capacity).sum())
    need = int(problem.demand[group].sum(dtype=np.int64))
    startup_ids = [problem.left_ids[i] for i in group.tolist()]
    mentor_ids = [problem.right_ids[j] for j in mentors.tolist()]
    return ConstraintViolation(
        ConstraintName.GROUP_CAPACITY.value,
        (*startup_ids, *mentor_ids),
        f"{len(startup_ids)} startups ({_names(startup_ids)}) need {need} mentor places in total, but their "
        f"{len(mentor_ids)} candidate mentors ({_names(mentor_ids)}) can give them at most {supply}: add "
        "candidate mentors for these startups, raise these mentors' capacity, or lower --per-startup",
    )
