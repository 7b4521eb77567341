"""Pitching sessions: place startups in sessions and seat investor juries.

:class:`PitchingProblem` owns the id <-> index mapping and lays the decisions out in one flat 0/1 vector:
``x[s, p]`` (startup ``s`` pitches in session ``p``), ``y[i, p]`` (investor ``i`` sits in the jury of ``p``) and
``u[p]`` (session ``p`` hosts at least one pitch). Its hard constraints are :class:`LinearRow` s
(:attr:`PitchingProblem.rows`), used both by the CP-SAT model and by :func:`check`:

* a startup pitches at most once, only in a session it is available for;
* a session hosts at most ``max_pitches``; a session with pitches has ``min_jury..max_jury`` jurors, an empty
  session has no jury (so unneeded sessions cost no investors);
* an investor sits only in sessions they are available for, and in at most one of two overlapping sessions;
* a forbidden startup-investor pair (conflict of interest, same organisation, no common language) never meets:
  that investor is not in the jury of the session where that startup pitches.

Example
-------
>>> import numpy as np
>>> p = PitchingProblem.build(["s1", "s2"], ["i1", "i2"], ["A", "B"], affinity=np.ones((2, 2)),
...     max_pitches=1, min_jury=1, max_jury=1, overlaps=[("A", "B")], forbidden=[("s1", "i1")])
>>> sol = PitchingSolution(pitches=(Pitch("A", 1, "s1", 1.0), Pitch("B", 1, "s2", 1.0)),
...     juries=(JurySeat("A", "i1"), JurySeat("B", "i1")), unplaced=())
>>> sorted({v.constraint for v in check(p, sol)})
['forbidden_pair', 'jury_overlap']
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.errors import ConstraintViolation, InvalidInput
from matcher.solving.arrays import frozen, id_index
from matcher.solving.rows import LinearRow, Rows, row_violations

__all__ = [
    "ConstraintName",
    "JurySeat",
    "Pitch",
    "PitchingProblem",
    "PitchingSolution",
    "Unplaced",
    "check",
    "pitching_rows",
]


class ConstraintName(StrEnum):
    """Every constraint of a pitching day; the value is what appears in ``ConstraintViolation``."""

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


C = ConstraintName


@dataclass(frozen=True)
class Pitch:
    """Startup ``startup_id`` pitches in ``session_id`` as number ``order`` (1..n, by descending ``score``).

    ``score`` = sum of the startup's affinity with every juror of the session + theme_weight x theme fit.
    """

    session_id: str
    order: int
    startup_id: str
    score: float


@dataclass(frozen=True)
class JurySeat:
    session_id: str
    investor_id: str


class Unplaced(NamedTuple):
    """A startup without a pitch, and why, in words."""

    startup_id: str
    reason: str


@dataclass(frozen=True)
class PitchingSolution:
    pitches: tuple[Pitch, ...]
    juries: tuple[JurySeat, ...]
    unplaced: tuple[Unplaced, ...]

    def jury(self, session_id: str) -> tuple[str, ...]:
        """Investor ids in the jury of ``session_id``."""
        return tuple(seat.investor_id for seat in self.juries if seat.session_id == session_id)


@dataclass(frozen=True, eq=False)
class PitchingProblem:
    """A frozen pitching-session problem (see the module docstring); arrays are copied and made read-only.

    Shapes: ``affinity[S, I]``, ``theme_fit[S, P]`` (0 where a session has no theme), ``max_pitches[P]``,
    ``min_jury[P]``, ``max_jury[P]``, ``startup_available[S, P]``, ``investor_available[I, P]``,
    ``forbidden[S, I]``; ``overlaps`` holds index pairs ``(p, q)`` with ``p < q`` of sessions that overlap in time.
    """

    startup_ids: tuple[str, ...]
    investor_ids: tuple[str, ...]
    session_ids: tuple[str, ...]
    affinity: npt.NDArray[np.float64]
    theme_fit: npt.NDArray[np.float64]
    max_pitches: npt.NDArray[np.int32]
    min_jury: npt.NDArray[np.int32]
    max_jury: npt.NDArray[np.int32]
    overlaps: tuple[tuple[int, int], ...]
    startup_available: npt.NDArray[np.bool_]
    investor_available: npt.NDArray[np.bool_]
    forbidden: npt.NDArray[np.bool_]
    theme_weight: float = 1.0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name, what in (("startup_ids", "startup"), ("investor_ids", "investor"), ("session_ids", "session")):
            set_(self, name, tuple(id_index(getattr(self, name), what)))
        s, i, p = self.n_startups, self.n_investors, self.n_sessions
        for name, dtype, shape in (
            ("affinity", np.float64, (s, i)),
            ("theme_fit", np.float64, (s, p)),
            ("max_pitches", np.int32, (p,)),
            ("min_jury", np.int32, (p,)),
            ("max_jury", np.int32, (p,)),
            ("startup_available", np.bool_, (s, p)),
            ("investor_available", np.bool_, (i, p)),
            ("forbidden", np.bool_, (s, i)),
        ):
            set_(self, name, frozen(getattr(self, name), dtype, name, shape, broadcast=True))
        for name in ("affinity", "theme_fit"):
            bad = np.argwhere(~np.isfinite(getattr(self, name)))
            if bad.size:
                raise InvalidInput(f"{name}[{bad[0][0]}, {bad[0][1]}] is not a finite number")
        if not np.isfinite(self.theme_weight):
            raise InvalidInput(f"theme_weight must be a finite number, got {self.theme_weight}")
        for k, sid in enumerate(self.session_ids):
            lo, hi, cap = int(self.min_jury[k]), int(self.max_jury[k]), int(self.max_pitches[k])
            if min(lo, hi, cap) < 0 or lo > hi:
                raise InvalidInput(
                    f"session {sid!r}: need 0 <= min_jury ({lo}) <= max_jury ({hi}) and max_pitches ({cap}) >= 0"
                )
        pairs = set()
        for a, b in self.overlaps:
            if not (0 <= a < p and 0 <= b < p) or a == b:
                raise InvalidInput(f"overlap ({a}, {b}) must join two different session indices in 0..{p - 1}")
            pairs.add((min(a, b), max(a, b)))
        set_(self, "overlaps", tuple(sorted(pairs)))

    @classmethod
    def build(
        cls,
        startup_ids: Sequence[str],
        investor_ids: Sequence[str],
        session_ids: Sequence[str],
        affinity: npt.ArrayLike,
        *,
        max_pitches: int | npt.ArrayLike,
        min_jury: int | npt.ArrayLike,
        max_jury: int | npt.ArrayLike,
        theme_fit: npt.ArrayLike | None = None,
        overlaps: Iterable[tuple[str, str]] = (),
        startup_available: npt.ArrayLike | None = None,
        investor_available: npt.ArrayLike | None = None,
        forbidden: Collection[tuple[str, str]] = (),
        theme_weight: float = 1.0,
    ) -> PitchingProblem:
        """Build from ids: ``overlaps`` as session-id pairs, ``forbidden`` as (startup_id, investor_id) pairs;
        availability defaults to everyone everywhere, ``theme_fit`` to zeros. Unknown ids raise InvalidInput."""
        s_ids, i_ids, p_ids = (
            tuple(id_index(startup_ids, "startup")),
            tuple(id_index(investor_ids, "investor")),
            tuple(id_index(session_ids, "session")),
        )
        s_ix, i_ix, p_ix = ({v: k for k, v in enumerate(ids)} for ids in (s_ids, i_ids, p_ids))
        pairs = []
        for a, b in overlaps:
            if a not in p_ix or b not in p_ix:
                raise InvalidInput(f"overlap ({a!r}, {b!r}) names an unknown session id")
            pairs.append((p_ix[a], p_ix[b]))
        banned = np.zeros((len(s_ids), len(i_ids)), dtype=bool)
        for a, b in forbidden:
            if a not in s_ix or b not in i_ix:
                raise InvalidInput(f"forbidden pair ({a!r}, {b!r}) names an unknown startup or investor id")
            banned[s_ix[a], i_ix[b]] = True
        n_s, n_i, n_p = len(s_ids), len(i_ids), len(p_ids)
        return cls(
            startup_ids=s_ids,
            investor_ids=i_ids,
            session_ids=p_ids,
            affinity=np.asarray(affinity, dtype=np.float64),
            theme_fit=np.zeros((n_s, n_p)) if theme_fit is None else np.asarray(theme_fit, dtype=np.float64),
            max_pitches=np.asarray(max_pitches),
            min_jury=np.asarray(min_jury),
            max_jury=np.asarray(max_jury),
            overlaps=tuple(pairs),
            startup_available=np.ones((n_s, n_p), bool) if startup_available is None else np.asarray(startup_available),
            investor_available=np.ones((n_i, n_p), bool)
            if investor_available is None
            else np.asarray(investor_available),
            forbidden=banned,
            theme_weight=theme_weight,
        )

    @property
    def n_startups(self) -> int:
        return len(self.startup_ids)

    @property
    def n_investors(self) -> int:
        return len(self.investor_ids)

    @property
    def n_sessions(self) -> int:
        return len(self.session_ids)

    @property
    def n_variables(self) -> int:
        return (self.n_startups + self.n_investors + 1) * self.n_sessions

    def x_index(self, s: int, p: int) -> int:
        return s * self.n_sessions + p

    def y_index(self, i: int, p: int) -> int:
        return (self.n_startups + i) * self.n_sessions + p

    def u_index(self, p: int) -> int:
        return (self.n_startups + self.n_investors) * self.n_sessions + p

    @cached_property
    def overlap_groups(self) -> tuple[tuple[int, ...], ...]:
        """Connected groups of overlapping sessions (session indices, ascending; singletons included)."""
        root = list(range(self.n_sessions))

        def find(v: int) -> int:
            while root[v] != v:
                v = root[v]
            return v

        for p, q in self.overlaps:
            root[find(p)] = find(q)
        groups: dict[int, list[int]] = {}
        for p in range(self.n_sessions):
            groups.setdefault(find(p), []).append(p)
        return tuple(tuple(g) for g in groups.values())

    def pitch_score(self, s: int, p: int, jury: Sequence[int]) -> float:
        """Affinity of startup ``s`` with the jury ``jury`` (investor indices) plus its theme fit with ``p``."""
        return float(self.affinity[s, list(jury)].sum() + self.theme_weight * self.theme_fit[s, p])

    @cached_property
    def rows(self) -> tuple[LinearRow, ...]:
        """Every hard constraint as a labelled linear row over the flat ``x``/``y``/``u`` vector."""
        return pitching_rows(self)

    def decode(self, values: npt.ArrayLike) -> tuple[tuple[Pitch, ...], tuple[JurySeat, ...]]:
        """Pitches and jury seats of a flat 0/1 vector, by session; pitches in a session are numbered 1..n
        by descending score (ties: startup order)."""
        flat = np.asarray(values).astype(bool)
        x = flat[: self.n_startups * self.n_sessions].reshape(self.n_startups, self.n_sessions)
        y = flat[self.n_startups * self.n_sessions : self.u_index(0)].reshape(self.n_investors, self.n_sessions)
        pitches: list[Pitch] = []
        seats: list[JurySeat] = []
        for p, pid in enumerate(self.session_ids):
            jury = np.flatnonzero(y[:, p]).tolist()
            seats.extend(JurySeat(pid, self.investor_ids[i]) for i in jury)
            scored = sorted((-self.pitch_score(s, p, jury), s) for s in np.flatnonzero(x[:, p]).tolist())
            pitches.extend(Pitch(pid, k + 1, self.startup_ids[s], -neg) for k, (neg, s) in enumerate(scored))
        return tuple(pitches), tuple(seats)

    def encode(self, solution: PitchingSolution) -> tuple[np.ndarray, tuple[ConstraintViolation, ...]]:
        """The flat vector of ``solution`` (counts, so duplicates show) and violations for unknown ids."""
        s_ix = {v: k for k, v in enumerate(self.startup_ids)}
        i_ix = {v: k for k, v in enumerate(self.investor_ids)}
        p_ix = {v: k for k, v in enumerate(self.session_ids)}
        values = np.zeros(self.n_variables, dtype=np.int64)
        unknown: list[ConstraintViolation] = []
        for pitch in solution.pitches:
            if pitch.startup_id in s_ix and pitch.session_id in p_ix:
                values[self.x_index(s_ix[pitch.startup_id], p_ix[pitch.session_id])] += 1
            else:
                unknown.append(_unknown((pitch.startup_id,), (pitch.session_id,)))
        for seat in solution.juries:
            if seat.investor_id in i_ix and seat.session_id in p_ix:
                values[self.y_index(i_ix[seat.investor_id], p_ix[seat.session_id])] += 1
            else:
                unknown.append(_unknown((seat.investor_id,), (seat.session_id,)))
        used = values[: self.n_startups * self.n_sessions].reshape(self.n_startups, self.n_sessions).any(axis=0)
        values[self.u_index(0) :] = used
        return values, tuple(unknown)


def _unknown(who: tuple[str, ...], when: tuple[str, ...]) -> ConstraintViolation:
    return ConstraintViolation(C.UNKNOWN_ID.value, who, f"unknown id in {who + when}", when)


def check(problem: PitchingProblem, solution: PitchingSolution) -> tuple[ConstraintViolation, ...]:
    """Independently verify a solution against every row, plus pitch numbering and the unplaced list."""
    values, found = problem.encode(solution)
    extra: list[ConstraintViolation] = []
    for pid in problem.session_ids:
        orders = sorted(p.order for p in solution.pitches if p.session_id == pid)
        if orders != list(range(1, len(orders) + 1)):
            extra.append(
                ConstraintViolation(
                    C.PITCH_ORDER.value,
                    (),
                    f"session {pid!r} numbers its pitches {orders}; expected 1..{len(orders)}",
                    (pid,),
                )
            )
    pitched = {p.startup_id for p in solution.pitches}
    listed = {u.startup_id for u in solution.unplaced}
    for sid in problem.startup_ids:
        if (sid in pitched) == (sid in listed):
            state = "both pitched and listed as unplaced" if sid in pitched else "neither pitched nor listed"
            extra.append(ConstraintViolation(C.PLACEMENT.value, (sid,), f"startup {sid!r} is {state}"))
    return (*found, *row_violations(problem.rows, values), *extra)


def pitching_rows(problem: PitchingProblem) -> tuple[LinearRow, ...]:
    """Pitching rows over the flat ``x[s, p]``, ``y[i, p]``, ``u[p]`` vector (see
    :mod:`matcher.pitching.problem`): one pitch per startup, session capacity, jury size when used (and no jury
    when empty), no investor in two overlapping sessions, availability, forbidden pairs never together."""
    out, pr = Rows(), problem
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
