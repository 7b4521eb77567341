"""The CP-SAT models of the meeting schedule: their common shape, the tiers' levels, the placement model and the
selection relaxation.

:class:`MeetingModel` is a CP-SAT model over literals that each stand for one pair meeting, with the expression and
level of every tier (:func:`stage_level`, in the problem's order: :func:`tier_stages`); :func:`with_fairness` adds
the coverage and floor variables to one, :func:`require` and :func:`impose_floor` fix a tier's level as a lower
bound. :func:`build_model` is the placement model: a literal per placement ``(pair, slot, group)``, every named
constraint. :func:`build_selection` is the *selection* relaxation: one literal per (pair, table group) a pair can
use. Pairs meet once, nobody exceeds their ceiling, and for every set of slots a pair is confined to, the pairs
confined to it fit in its slots (per participant) and tables (per group). Every schedule gives a feasible selection,
so its optima are upper bounds on the schedule's. The solver that runs both is
:class:`~matcher.meetings.cpsat.CpSatMeetingSolver`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.errors import SolverFailed
from matcher.meetings.constraints import ALL_CONSTRAINTS, ModelVars
from matcher.meetings.model import ORIGINS, WEIGHT_UNITS, Origin, Tier
from matcher.meetings.problem import MeetingProblem

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = [
    "WEIGHTED",
    "MeetingModel",
    "build_model",
    "build_selection",
    "impose_floor",
    "pair_rank",
    "require",
    "shown",
    "stage_level",
    "tier_stages",
    "with_fairness",
]

IntArray = npt.NDArray[np.int64]

#: The origins each pair tier counts.
TIER_ORIGINS: dict[str, tuple[int, ...]] = {
    Tier.ACCEPTED: (ORIGINS.index(Origin.ACCEPTED),),
    Tier.REQUESTED: (ORIGINS.index(Origin.MUTUAL), ORIGINS.index(Origin.PENDING)),
    Tier.SUGGESTED: (ORIGINS.index(Origin.SUGGESTED),),
}
#: Stages whose level is a weight (in units of 1/WEIGHT_UNITS); the others are counts. ``weight`` is the total.
WEIGHTED = frozenset({Tier.REQUESTED.value, Tier.SUGGESTED.value, "weight"})


def tier_stages(problem: MeetingProblem, fairness: bool = True) -> list[str]:
    """The problem's tiers that count, in order (``kept`` only when re-planning; without ``fairness`` no
    coverage or balance)."""
    tiers = problem.tiers.active(bool(problem.prev_pair.size))
    return [t.value for t in tiers if fairness or t not in (Tier.COVERAGE, Tier.BALANCE)]


def pair_rank(problem: MeetingProblem) -> IntArray:
    """Per pair, the position of its origin's tier in the problem's order (locks and previous pairs whose origin
    has no tier of its own rank first)."""
    order = tier_stages(problem)
    rank = np.full(len(ORIGINS), -1, dtype=np.int64)
    for tier, codes in TIER_ORIGINS.items():
        rank[list(codes)] = order.index(tier)
    return rank[problem.pair_origin.astype(np.int64)]


def shown(stage: str, value: float) -> float:
    """A stage level as people read it: weights in :class:`~matcher.meetings.model.PriorityWeights` units."""
    return value / WEIGHT_UNITS if stage in WEIGHTED else value


@dataclass(frozen=True, eq=False)
class MeetingModel:
    """A CP-SAT model over literals that each stand for one pair meeting (somewhere), and its stage levels.

    ``pair[k]`` and ``group[k]`` are the pair and table group of literal ``k``; ``placement[k]`` its index in
    ``problem.placements`` (placement model) or -1 (selection model); ``kept`` the literals that keep a previous
    meeting.
    """

    model: cp_model.CpModel
    problem: MeetingProblem
    literals: Sequence[cp_model.IntVar]
    pair: IntArray
    group: IntArray
    placement: IntArray
    kept: IntArray
    selection: bool = False
    participants: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    covered: tuple[cp_model.IntVar, ...] = ()
    full: tuple[cp_model.IntVar, ...] = ()
    floor: cp_model.IntVar | None = None

    @property
    def stages(self) -> list[str]:
        """The tiers of the problem's order this model has (coverage and balance need the fairness variables)."""
        return tier_stages(self.problem, self.floor is not None)

    def expr(self, stage: str) -> cp_model.LinearExpr:
        from ortools.sat.python import cp_model as cp

        if stage == "weight":
            return cp.LinearExpr.weighted_sum(self.literals, self.problem.weight_units[self.pair].tolist())
        if stage in TIER_ORIGINS:
            mine = np.flatnonzero(np.isin(self.problem.pair_origin[self.pair], TIER_ORIGINS[stage]))
            lits = [self.literals[k] for k in mine.tolist()]
            if stage == Tier.ACCEPTED:
                return cp.LinearExpr.sum(lits)
            return cp.LinearExpr.weighted_sum(lits, self.problem.weight_units[self.pair[mine]].tolist())
        if stage == "kept":
            return cp.LinearExpr.sum([self.literals[k] for k in self.kept.tolist()])
        if stage == "coverage":
            return cp.LinearExpr.sum(list(self.covered))
        if self.floor is None:
            raise SolverFailed(f"stage {stage!r} needs a model built with fairness=True")
        return self.floor

    def level(self, stage: str, chosen: IntArray) -> int:
        """The value of ``stage``'s level when the literals ``chosen`` are on."""
        return stage_level(self.problem, stage, self.pair[chosen], int(np.isin(self.kept, chosen).sum()))

    def hint(self, chosen: IntArray) -> None:
        """Hint every variable with the schedule where exactly the literals ``chosen`` are on."""
        on = np.zeros(len(self.literals), dtype=bool)
        on[chosen] = True
        self.model.clear_hints()
        for lit, value in zip(self.literals, on.tolist(), strict=True):
            self.model.add_hint(lit, value)
        if self.floor is None:
            return
        degree = self.problem.meetings_per_participant(self.pair[chosen])[self.participants]
        ceiling = self.problem.ceiling[self.participants]
        for z, f, c, u in zip(
            self.covered, self.full, (degree >= 1).tolist(), (degree >= ceiling).tolist(), strict=True
        ):
            self.model.add_hint(z, c)
            self.model.add_hint(f, u)
        self.model.add_hint(self.floor, self.level(Tier.BALANCE, chosen))


def stage_level(problem: MeetingProblem, stage: str, pairs: IntArray, kept: int) -> int:
    """The level of ``stage`` for the meetings of ``pairs``, ``kept`` of them keeping a previous meeting."""
    if stage == "kept":
        return kept
    if stage == "weight":
        return int(problem.weight_units[pairs].sum())
    if stage in TIER_ORIGINS:
        mine = pairs[np.isin(problem.pair_origin[pairs], TIER_ORIGINS[stage])]
        return int(mine.size) if stage == Tier.ACCEPTED else int(problem.weight_units[mine].sum())
    degree = problem.meetings_per_participant(pairs)[problem.eligible]
    if stage == "coverage":
        return int((degree >= 1).sum())
    ceiling = problem.ceiling[problem.eligible]
    holding = degree[(degree >= 1) & (degree < ceiling)]
    return int(holding.min()) if holding.size else int(ceiling.max(initial=0))


def with_fairness(plain: MeetingModel) -> MeetingModel:
    """``plain`` with coverage and floor variables added over its literals."""
    from ortools.sat.python import cp_model as cp

    model, problem, literals, pair = plain.model, plain.problem, plain.literals, plain.pair
    people = np.flatnonzero(problem.eligible)
    ends = np.concatenate((problem.pair_a[pair], problem.pair_b[pair])).astype(np.int64)
    index = np.concatenate((np.arange(pair.size), np.arange(pair.size)))
    order = np.argsort(ends, kind="stable")
    lows, highs = np.searchsorted(ends[order], people), np.searchsorted(ends[order], people, side="right")
    floor = model.new_int_var(0, int(problem.ceiling[people].max(initial=0)), "floor")
    covered, full = [], []
    for i, lo, hi in zip(people.tolist(), lows.tolist(), highs.tolist(), strict=True):
        mine = [literals[j] for j in index[order[lo:hi]].tolist()]
        z, f = model.new_bool_var(f"covered{i}"), model.new_bool_var(f"full{i}")
        if mine:
            model.add_bool_or(mine).only_enforce_if(z)
            model.add(cp.LinearExpr.sum(mine) >= int(problem.ceiling[i])).only_enforce_if(f)
            model.add(floor <= cp.LinearExpr.sum(mine)).only_enforce_if([z, f.Not()])
        else:
            model.add(z == 0)
        covered.append(z)
        full.append(f)
    return dataclasses.replace(plain, participants=people, covered=tuple(covered), full=tuple(full), floor=floor)


def build_selection(problem: MeetingProblem, *, fairness: bool = True) -> MeetingModel:
    """The selection relaxation: a literal per (pair, table group) a pair can use (see the module docstring)."""
    from ortools.sat.python import cp_model as cp

    pl, n_s = problem.placements, problem.n_slots
    keys, first, which = np.unique(pl.pair * problem.n_groups + pl.group, return_index=True, return_inverse=True)
    pair, group = pl.pair[first], pl.group[first]
    slots = np.zeros((keys.size, n_s), dtype=bool)
    slots[which, pl.slot] = True
    model = cp.CpModel()
    literals = [model.new_bool_var(f"y{k}") for k in range(keys.size)]

    def confined(members: IntArray, per_slot: int) -> None:
        """For each slot set of a member, the members confined to it fit in per_slot x its slots."""
        sets = slots[members]
        for mask in np.unique(sets, axis=0):
            inside = members[~np.any(sets & ~mask, axis=1)]
            room = per_slot * int(mask.sum())
            if inside.size > room:
                model.add(cp.LinearExpr.sum([literals[k] for k in inside.tolist()]) <= room)

    for members in np.split(np.arange(keys.size), np.flatnonzero(np.diff(pair)) + 1):
        if members.size > 1:
            model.add_at_most_one([literals[k] for k in members.tolist()])
    ends = np.concatenate((problem.pair_a[pair], problem.pair_b[pair])).astype(np.int64)
    index = np.concatenate((np.arange(keys.size), np.arange(keys.size)))
    order = np.argsort(ends, kind="stable")
    for run in np.split(order, np.flatnonzero(np.diff(ends[order])) + 1):
        if run.size:
            mine = index[run]
            cap = int(problem.ceiling[ends[run[0]]])
            if mine.size > cap:
                model.add(cp.LinearExpr.sum([literals[k] for k in mine.tolist()]) <= cap)
            confined(mine, 1)
    for g in np.flatnonzero(problem.group_host < 0).tolist():
        confined(np.flatnonzero(group == g), int(problem.group_size[g]))
    for lock_pair, table in zip(problem.lock_pair.tolist(), problem.lock_table.tolist(), strict=True):
        hit = np.flatnonzero((pair == lock_pair) & (group == problem.table_group[table]))
        if not hit.size:
            raise SolverFailed("a lock has no placement although the problem validated it")
        model.add(literals[int(hit[0])] == 1)
    prev_keys = problem.prev_pair.astype(np.int64) * problem.n_groups + problem.table_group[problem.prev_table]
    plain = MeetingModel(
        model,
        problem,
        literals,
        pair,
        group,
        np.full(keys.size, -1, dtype=np.int64),
        np.flatnonzero(np.isin(keys, prev_keys)),
        selection=True,
    )
    return with_fairness(plain) if fairness else plain


def impose_floor(model: cp_model.CpModel, mm: MeetingModel, f: int) -> None:
    """Add to ``model`` (``mm``'s model or a clone of it) that the balance level is at least ``f``, written
    linearly: every covered participant has ``min(f, ceiling)`` meetings (no enforcement literal, so CP-SAT's LP
    sees it, where ``floor >= f`` alone stalls on a weak relaxation)."""
    from ortools.sat.python import cp_model as cp

    problem = mm.problem
    ends = np.concatenate((problem.pair_a[mm.pair], problem.pair_b[mm.pair])).astype(np.int64)
    index = np.concatenate((np.arange(mm.pair.size), np.arange(mm.pair.size)))
    order = np.argsort(ends, kind="stable")
    lows = np.searchsorted(ends[order], mm.participants)
    highs = np.searchsorted(ends[order], mm.participants, side="right")
    ceiling = problem.ceiling[mm.participants].tolist()
    var = model.get_bool_var_from_proto_index
    for lo, hi, z, c in zip(lows.tolist(), highs.tolist(), mm.covered, ceiling, strict=True):
        if hi > lo and min(f, c) > 1:
            own = [var(mm.literals[k].index) for k in index[order[lo:hi]].tolist()]
            model.add(cp.LinearExpr.sum(own) >= min(f, c) * var(z.index))


def require(model: cp_model.CpModel, mm: MeetingModel, stage: str, value: int) -> None:
    """Add to ``model`` (``mm``'s or a clone) that ``stage``'s level is at least ``value``."""
    if stage == Tier.BALANCE:
        impose_floor(model, mm, value)
    else:
        model.add(mm.expr(stage) >= value)


def build_model(problem: MeetingProblem, *, pairs: IntArray | None = None, fairness: bool = True) -> MeetingModel:
    """The placement model: a literal per placement (of ``pairs`` only, when given), every named constraint.

    With ``fairness=False`` only the hard constraints are built (e.g. for an LP relaxation of the weight).
    """
    from ortools.sat.python import cp_model as cp

    pl = problem.placements
    ids = np.arange(pl.size) if pairs is None else np.flatnonzero(np.isin(pl.pair, pairs))
    model = cp.CpModel()
    literals = [model.new_bool_var(f"x{k}") for k in ids.tolist()]
    vars = ModelVars(problem, pl.pair[ids], pl.slot[ids], pl.group[ids], literals)
    for constraint in ALL_CONSTRAINTS:
        constraint.add_to(model, vars)
    kept = np.flatnonzero(np.isin(ids, problem.kept_placements))
    plain = MeetingModel(model, problem, literals, pl.pair[ids], pl.group[ids], ids, kept)
    return with_fairness(plain) if fairness else plain
