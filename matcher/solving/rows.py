"""Named constraints, written once: they build the CP-SAT model *and* check a finished solution.

A problem lays its decision variables out in one flat 0/1 vector (for the assignment problem: one entry per
candidate edge; for pitching: ``x[s, p]``, ``y[i, p]``, ``u[p]``, see :mod:`matcher.pitching.problem`) and
describes every hard constraint as a :class:`LinearRow` over that vector::

    lower <= sum(coefficients * values[variables]) <= upper      (only when values[enforced_by] == enforce_value)

The rows of both problems are defined here, once (:func:`assignment_rows`, :func:`pitching_rows`). The same
row is then either added to a CP-SAT model (:meth:`LinearRow.add_to`) or evaluated on the 0/1 vector
of a finished solution (:func:`row_violations`), which turns each broken row into a
:class:`~matcher.errors.ConstraintViolation` that says, in words, which constraint and for whom.

Example
-------
>>> import numpy as np
>>> row = LinearRow(ConstraintName.STARTUP_DEMAND, np.array([0, 1]), np.array([1, 1]), 1, 1,
...                 "startup s1 has {value} mentors; it needs exactly 1", ("s1",))
>>> [v.message for v in row_violations([row], np.array([1, 1]))]
['startup s1 has 2 mentors; it needs exactly 1']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.errors import ConstraintViolation

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from matcher.mentoring.problem import AssignmentProblem
    from matcher.pitching.problem import PitchingProblem

__all__ = ["ConstraintName", "LinearRow", "assignment_rows", "pitching_rows", "row_violations"]


class ConstraintName(StrEnum):
    """Every constraint name the engine reports; the value is what appears in ``ConstraintViolation``."""

    # mentor programme (assignment)
    STARTUP_DEMAND = "startup_demand"  # each startup gets exactly its K mentors
    MENTOR_CAPACITY = "mentor_capacity"  # a mentor takes at most `capacity` startups
    CANDIDATE_EDGE = "candidate_edge"  # only candidate (scored, not forbidden) pairs may be matched
    DUPLICATE_PAIR = "duplicate_pair"  # a startup-mentor pair is matched at most once
    GROUP_CAPACITY = "group_capacity"  # Hall deficit: a group's candidate mentors cannot cover its demand
    # pitching sessions
    ONE_PITCH = "one_pitch_per_startup"  # a startup pitches at most once
    SESSION_CAPACITY = "session_capacity"  # at most max_pitches pitches in a session
    SESSION_USED = "session_used"  # links a session's pitches to its jury (internal bookkeeping)
    JURY_SIZE = "jury_size"  # a session with pitches has min_jury..max_jury investors, an empty one none
    JURY_OVERLAP = "jury_overlap"  # an investor sits in at most one of two overlapping sessions
    STARTUP_AVAILABILITY = "startup_availability"
    INVESTOR_AVAILABILITY = "investor_availability"
    FORBIDDEN_PAIR = "forbidden_pair"  # a forbidden startup-investor pair never meets in a session
    PITCH_ORDER = "pitch_order"  # pitches in a session are numbered 1..n
    PLACEMENT = "placement"  # every startup is either pitched or listed as unplaced, with a reason
    UNKNOWN_ID = "unknown_id"  # a solution names an id that is not in the problem


IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class LinearRow:
    """One labelled linear constraint over a problem's flat 0/1 variable vector.

    ``message`` is a sentence for people; ``{value}`` in it is replaced by the row's left-hand side when the row
    is checked. ``lower``/``upper`` are ``None`` when unbounded on that side. When ``enforced_by`` is set, the row
    applies only when that variable equals ``enforce_value`` (CP-SAT ``only_enforce_if``).
    """

    constraint: str
    variables: IntArray
    coefficients: IntArray
    lower: int | None
    upper: int | None
    message: str
    participants: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()
    enforced_by: int | None = None
    enforce_value: bool = True

    def active(self, values: npt.NDArray[np.integer]) -> bool:
        """Whether the row applies to the 0/1 vector ``values`` (its enforcement literal holds)."""
        return self.enforced_by is None or bool(values[self.enforced_by]) == self.enforce_value

    def value(self, values: npt.NDArray[np.integer]) -> int:
        """The left-hand side on the 0/1 vector ``values``."""
        return int(np.dot(values[self.variables].astype(np.int64), self.coefficients))

    def holds(self, values: npt.NDArray[np.integer]) -> bool:
        """Whether ``values`` satisfies the row (trivially true when the row is not active)."""
        if not self.active(values):
            return True
        lhs = self.value(values)
        return (self.lower is None or lhs >= self.lower) and (self.upper is None or lhs <= self.upper)

    def add_to(self, model: cp_model.CpModel, variables: Sequence[cp_model.IntVar | int]) -> None:
        """Add the row to ``model``; ``variables[k]`` is the CP-SAT literal of flat variable ``k``.

        An entry may be the constant ``0`` (or ``1``) for a variable fixed by the encoding (e.g. an unavailable
        startup-session pair); rows left with constants only are checked here and skipped when they hold.
        """
        terms: list[cp_model.IntVar] = []
        coefs: list[int] = []
        offset = 0
        for k, c in zip(self.variables.tolist(), self.coefficients.tolist(), strict=True):
            var = variables[k]
            if isinstance(var, int):
                offset += c * var
            else:
                terms.append(var)
                coefs.append(c)
        lo = -(2**62) if self.lower is None else self.lower - offset
        hi = 2**62 if self.upper is None else self.upper - offset
        literal = None if self.enforced_by is None else variables[self.enforced_by]
        if isinstance(literal, int):
            if bool(literal) != self.enforce_value:
                return
            literal = None
        if not terms:
            if lo <= 0 <= hi:
                return
            # a broken constant row: the model is infeasible (or the enforcement literal must be off)
            if literal is None:
                model.add_bool_or([])
            else:
                model.add_bool_or([literal.Not() if self.enforce_value else literal])
            return
        from ortools.sat.python import cp_model as cp  # deferred: nothing heavy at import time

        ct = model.add_linear_constraint(cp.LinearExpr.weighted_sum(terms, coefs), lo, hi)
        if literal is not None:
            ct.only_enforce_if(literal if self.enforce_value else literal.Not())

    def violation(self, values: npt.NDArray[np.integer]) -> ConstraintViolation:
        """The row as a :class:`ConstraintViolation`, its message filled in with the value found."""
        return ConstraintViolation(
            constraint=str(self.constraint),
            participants=self.participants,
            message=self.message.format(value=self.value(values)),
            slots=self.slots,
        )


def row_violations(rows: Iterable[LinearRow], values: npt.NDArray[np.integer]) -> tuple[ConstraintViolation, ...]:
    """Every row of ``rows`` broken by the 0/1 vector ``values``, in the order of ``rows``."""
    return tuple(row.violation(values) for row in rows if not row.holds(values))


class _Rows:
    """Collects rows whose coefficients are all 1 (every constraint here counts 0/1 decisions)."""

    def __init__(self) -> None:
        self.rows: list[LinearRow] = []

    def count(
        self,
        name: ConstraintName,
        variables: Sequence[int] | IntArray,
        lower: int | None,
        upper: int | None,
        message: str,
        who: tuple[str, ...] = (),
        when: tuple[str, ...] = (),
        enforced_by: int | None = None,
        enforce_value: bool = True,
    ) -> None:
        idx = np.asarray(variables, dtype=np.int64)
        ones = np.ones(idx.size, dtype=np.int64)
        self.rows.append(LinearRow(name, idx, ones, lower, upper, message, who, when, enforced_by, enforce_value))


def assignment_rows(problem: AssignmentProblem) -> tuple[LinearRow, ...]:
    """Mentor programme rows over the edge vector: exact demand per startup, capacity per mentor."""
    out = _Rows()
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


def pitching_rows(problem: PitchingProblem) -> tuple[LinearRow, ...]:
    """Pitching rows over the flat ``x[s, p]``, ``y[i, p]``, ``u[p]`` vector (see
    :mod:`matcher.pitching.problem`): one pitch per startup, session capacity, jury size when used (and no jury
    when empty), no investor in two overlapping sessions, availability, forbidden pairs never together."""
    C, out, pr = ConstraintName, _Rows(), problem
    n_s, n_i, n_p = pr.n_startups, pr.n_investors, pr.n_sessions
    for s, sid in enumerate(pr.startup_ids):
        xs = [pr.x_index(s, p) for p in range(n_p)]
        out.count(C.ONE_PITCH, xs, None, 1, f"startup {sid!r} pitches {{value}} times; at most once", (sid,))
    for p, pid in enumerate(pr.session_ids):
        xs = [pr.x_index(s, p) for s in range(n_s)]
        ys = [pr.y_index(i, p) for i in range(n_i)]
        cap, lo, hi, u, at = int(pr.max_pitches[p]), int(pr.min_jury[p]), int(pr.max_jury[p]), pr.u_index(p), (pid,)
        out.count(C.SESSION_CAPACITY, xs, None, cap, f"session {pid!r} has {{value}} pitches; at most {cap}", (), at)
        out.count(C.SESSION_USED, xs, 1, None, f"session {pid!r} is marked used without pitches", (), at, u, True)
        out.count(C.SESSION_USED, xs, None, 0, f"session {pid!r} has pitches, marked unused", (), at, u, False)
        msg = f"session {pid!r} hosts pitches and has {{value}} jurors; it needs {lo} to {hi}"
        out.count(C.JURY_SIZE, ys, lo, hi, msg, (), at, u, True)
        msg = f"session {pid!r} has no pitches but {{value}} jurors; an empty session has no jury"
        out.count(C.JURY_SIZE, ys, None, 0, msg, (), at, u, False)
    for p, q in pr.overlaps:
        pq = (pr.session_ids[p], pr.session_ids[q])
        for i in np.flatnonzero(pr.investor_available[:, p] & pr.investor_available[:, q]).tolist():
            iid = pr.investor_ids[i]
            msg = f"investor {iid!r} sits in the juries of {pq[0]!r} and {pq[1]!r}, which overlap in time"
            out.count(C.JURY_OVERLAP, [pr.y_index(i, p), pr.y_index(i, q)], None, 1, msg, (iid,), pq)
    for s, p in np.argwhere(~pr.startup_available).tolist():
        sid, pid = pr.startup_ids[s], pr.session_ids[p]
        msg = f"startup {sid!r} pitches in {pid!r} but is not available then"
        out.count(C.STARTUP_AVAILABILITY, [pr.x_index(s, p)], None, 0, msg, (sid,), (pid,))
    for i, p in np.argwhere(~pr.investor_available).tolist():
        iid, pid = pr.investor_ids[i], pr.session_ids[p]
        msg = f"investor {iid!r} sits in the jury of {pid!r} but is not available then"
        out.count(C.INVESTOR_AVAILABILITY, [pr.y_index(i, p)], None, 0, msg, (iid,), (pid,))
    for s, i in np.argwhere(pr.forbidden).tolist():
        sid, iid = pr.startup_ids[s], pr.investor_ids[i]
        for p in np.flatnonzero(pr.startup_available[s] & pr.investor_available[i]).tolist():
            pid = pr.session_ids[p]
            msg = f"startup {sid!r} and investor {iid!r} must not meet but are both in session {pid!r}"
            out.count(C.FORBIDDEN_PAIR, [pr.x_index(s, p), pr.y_index(i, p)], None, 1, msg, (sid, iid), (pid,))
    return tuple(out.rows)
