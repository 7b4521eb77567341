"""The meeting schedule with CP-SAT: the tiers in turn, solved as a pair selection and then a placement.

**Tiers**, lexicographic, in the problem's :class:`~matcher.meetings.model.TierOrder` (default: accepted requests,
coverage, requested, balance, suggested; ``kept`` first when re-planning; locks are hard), solved as sequential
stages, each maximised with the levels before it fixed as lower bounds (``level >= best found``). Sequential
stages rather than one objective with nested big-M weights keep every coefficient small and CP-SAT's bounds
meaningful per tier. A count stage (kept, accepted, coverage, balance) whose level has no known ceiling maximises
``level * M + weight`` (``M`` above any total weight), so it keeps good schedules for the next stage; a stage
with a known ceiling, or a weighted one (requested, suggested), maximises the level alone, with the ceiling as
the objective's domain, so CP-SAT stops the moment it gets there. After each placement stage the schedule found is
repaired with the meetings of the schedule before it that still fit (:func:`~matcher.meetings.greedy.greedy_placements`
``prefer``).

**Two models.** The placement model (:func:`~matcher.meetings.selection.build_model`) has one 0/1 variable per
feasible placement ``(pair, slot, table group)`` and every named constraint of :mod:`matcher.meetings.constraints`
adds itself to it; tables of a group are interchangeable and get concrete ids afterwards
(:meth:`MeetingProblem.assign_tables`). At 1,000 participants it has ~100,000 variables, too many for CP-SAT to
improve quickly on two cores, so the solver works in two steps:

1. the *selection* model (:func:`~matcher.meetings.selection.build_selection`, in its own module with the
   shared :class:`~matcher.meetings.selection.MeetingModel`) chooses which pairs meet and in which table
   group, with one variable per (pair, group): pairs meet once, nobody exceeds their ceiling, and for every set of
   slots a pair is confined to, the pairs confined to it fit in its slots (per participant) and tables (per
   group). Every schedule gives a feasible selection, so its optima are upper bounds on the schedule's: they prove
   levels optimal and give the reported ``bound``. Its LP is nearly integral: CP-SAT's LP subsolvers solve it in
   seconds, the floor as a few feasibility tests (:meth:`CpSatMeetingSolver._raise_floor`);
2. the placement model *restricted to the selected pairs* places them: a slot-by-slot construction
   (:func:`~matcher.meetings.greedy.place_by_slot`) usually places them all; if not, CP-SAT (LNS only,
   at this size) first tries to place every selected pair, then runs the stages with the selection's levels as
   ceilings. A greedy pass then adds unselected pairs wherever room is left (which can only raise every level),
   and single meetings move to other slots where that closes idle gaps (:func:`~matcher.meetings.compact.tighten`).

Everything starts from the better (lexicographically) of two greedy schedules, and the result is never worse
than it. Each tier is reported with its value and a proven bound given the result's earlier tiers
(:mod:`matcher.meetings.bounds`, :attr:`~matcher.solving.base.SolveResult.levels`): while the placement reaches
the selection's levels, the selection's bounds hold. ``bound`` is a proven upper bound on the total weight of any
schedule at least as good as the result on every tier. Status: ``OPTIMAL`` when every tier is proven;
``TIMED_OUT`` when a stage was left unproven by a time limit; otherwise ``FEASIBLE``. On the 1,000-participant
benchmark every tier is proven optimal in about 15 s.

Time: the selection step may use :data:`SELECTION_SHARE` of the time limit, each stage before the last
:data:`STAGE_SHARE` of what is left of its step, and unused time passes on; :data:`RESERVE_SHARE` is kept for
the final bounds.

**Determinism**: with ``deterministic=True`` (the default) CP-SAT runs ``interleave_search`` (its subsolvers
interleaved in a fixed order over ``Limits.workers`` threads) and each stage stops on a deterministic time limit
(``max_deterministic_time``, :data:`~matcher.solving.cpsat.DETERMINISTIC_PER_SECOND` units per second of its share)
or on reaching a proven level. The shares themselves are read from a :class:`~matcher.solving.cpsat.SolveClock` that
counts the deterministic time the stages used, not the wall time, so the same problem and seed give the same
schedule whatever the machine load. The wall clock still caps every stage and the whole solve; if it stops a stage
whose result feeds the next one, a note says that a rerun may differ. ``deterministic=False`` uses CP-SAT's parallel
portfolio on wall time (not reproducible).

Example
-------
Two startups, one investor, one table, two slots: both startups meet the investor.

>>> from datetime import datetime, timedelta, timezone
>>> from matcher.event.schema import Event, Participant, Slot, Table
>>> def person(pid, role):
...     return Participant(id=pid, name=pid, role=role, country="FR", languages="en", description="-")
>>> t0 = datetime(2026, 12, 10, 9, tzinfo=timezone.utc)
>>> event = Event(name="demo", participants=(person("s1", "startup"), person("s2", "startup"),
...     person("i1", "investor")), tables=(Table(table_id="T1"),),
...     slots=tuple(Slot(slot_id=f"S{k}", start=t0 + timedelta(minutes=20 * k),
...                      end=t0 + timedelta(minutes=20 * k + 20)) for k in (1, 2)))
>>> problem = MeetingProblem.build(event, suggested=[("s1", "i1", 0.9), ("s2", "i1", 0.4)])
>>> result = CpSatMeetingSolver().solve(problem, Limits(time_limit_s=10, seed=7))
>>> result.status.value, result.objective <= result.bound, [(m.slot_id, m.a_id) for m in result.solution]
('optimal', True, [('S1', 's1'), ('S2', 's2')])
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from matcher.meetings.bounds import tier_levels, weight_bound
from matcher.meetings.compact import idle_gaps, tighten
from matcher.meetings.greedy import describe, greedy_placements, place_by_slot
from matcher.meetings.model import WEIGHT_UNITS, Meeting, Tier
from matcher.meetings.problem import MeetingProblem
from matcher.meetings.selection import (
    WEIGHTED,
    MeetingModel,
    build_model,
    build_selection,
    impose_floor,
    pair_rank,
    shown,
    stage_level,
    tier_stages,
)
from matcher.meetings.stage import ProgressCallback, StageOutcome, meeting_run, solve_stage
from matcher.solving.base import Level, Limits, SolveResult, SolveStatus
from matcher.solving.cpsat import SolveClock, determinism_note

__all__ = ["CpSatMeetingSolver", "build_model"]

IntArray = npt.NDArray[np.int64]

SELECTION_SHARE = 0.4
"""Most of the time limit the selection step may use (unused time passes on to the placement)."""
PLACE_ALL_SHARE = 0.4
"""Most of the placement step's time spent placing every selected pair before the lexicographic stages."""
RESERVE_SHARE = 0.15
"""Share of the time limit kept back for the final bounds, should the result miss the selection's levels."""
STAGE_SHARE = 0.5
"""Most of what is left of a step's time a stage before the last may use (unused time passes on): the first tiers,
which matter most, may take the longest."""


class CpSatMeetingSolver:
    """Lexicographic CP-SAT meeting scheduler (see the module docstring).

    ``on_solution`` is called with ``(seconds since solve started, total weight)`` for each schedule found (the
    benchmark uses it to time convergence); leave it ``None`` otherwise, it costs a little per solution.
    """

    name = "meetings-cpsat"

    def __init__(self, *, deterministic: bool = True, on_solution: ProgressCallback | None = None) -> None:
        self.deterministic = deterministic
        self.on_solution = on_solution

    def solve(self, problem: MeetingProblem, limits: Limits) -> SolveResult[tuple[Meeting, ...]]:
        start = time.perf_counter()
        clock = SolveClock(limits, self.deterministic, start)
        pl = problem.placements
        greedy = max(
            (greedy_placements(problem, tiered=True), greedy_placements(problem)), key=lambda c: _levels(problem, c)
        )
        self._report(start, problem, greedy)

        selection = build_selection(problem)
        hint = np.flatnonzero(
            np.isin(
                selection.pair * problem.n_groups + selection.group,
                pl.pair[greedy] * problem.n_groups + pl.group[greedy],
            )
        )
        until = SELECTION_SHARE * limits.time_limit_s
        picked, chosen_sel = self._run_stages(selection, hint, until, clock, None)
        selected = selection.pair[chosen_sel]

        placement = build_model(problem, pairs=selected)
        start_from = max(
            (place_by_slot(problem, selected), place_by_slot(problem, selected, pair_rank(problem))),
            key=lambda c: _levels(problem, c),
        )
        hint = np.flatnonzero(np.isin(placement.placement, start_from))
        until = (1 - RESERVE_SHARE) * limits.time_limit_s
        hint, fitted = self._place_all(placement, hint, selected.size, until, clock)
        placed, chosen_pl = self._run_stages(placement, hint, until, clock, picked)
        chosen = greedy_placements(problem, tiered=True, keep=placement.placement[chosen_pl])
        filled = f"greedy fill added {chosen.size - chosen_pl.size}"
        if _levels(problem, greedy) > _levels(problem, chosen):
            chosen, filled = greedy, "the greedy warm start ranks higher and is returned"
        self._report(start, problem, chosen)

        stages = selection.stages  # the bounds first (moving meetings below changes no level)
        levels = dict(zip([*stages, "weight"], _levels(problem, chosen), strict=True))
        tiers = tier_levels(problem, levels, picked, clock)
        proven = all(t.proven for t in tiers)
        bound = levels["weight"] if proven else weight_bound(problem, levels, clock)
        gaps = idle_gaps(problem, pl.pair[chosen], pl.slot[chosen])
        chosen = tighten(problem, chosen, self._fixed(problem))
        filled += f"; idle gaps {gaps} -> {idle_gaps(problem, pl.pair[chosen], pl.slot[chosen])} by moving meetings"
        status = (
            SolveStatus.OPTIMAL
            if proven
            else SolveStatus.TIMED_OUT
            if picked.limited or placed.limited
            else SolveStatus.FEASIBLE
        )
        meetings, more = describe(problem, chosen)
        weight = levels["weight"] / WEIGHT_UNITS
        notes = [
            f"selection: {len(selection.literals)} pair-group variables, {selected.size} pairs selected: "
            + "; ".join(picked.notes),
            f"placement: {len(placement.literals)} variables, {chosen_pl.size} of {selected.size} selected pairs "
            f"placed ({fitted}): {'; '.join(placed.notes)}; {filled}",
            "; ".join(_tier_note(t) for t in tiers)
            + f"; total weight {weight:g} (bound {max(bound / WEIGHT_UNITS, weight):g})",
        ]
        return SolveResult(
            status=status,
            objective=weight,
            bound=max(bound / WEIGHT_UNITS, weight),
            wall_seconds=time.perf_counter() - start,
            solution=meetings,
            solver=self.name,
            notes=(*notes, *more, determinism_note(self.deterministic, limits, picked.wall or placed.wall)),
            levels=tuple(tiers),
        )

    @staticmethod
    def _fixed(problem: MeetingProblem) -> IntArray:
        """Placements that never move: the locks and the previous meetings kept where they were."""
        return np.concatenate((problem.lock_placements, problem.kept_placements))

    def _place_all(
        self, mm: MeetingModel, hint: IntArray, n_selected: int, until: float, clock: SolveClock
    ) -> tuple[IntArray, str]:
        """Improve the placement hint towards placing every selected pair (a count CP-SAT's LNS climbs well).

        Nothing is fixed afterwards: this only gives the lexicographic stages a better start. When every selected
        pair is placed, each stage starts at the selection's optimum and stops at once.
        """
        from ortools.sat.python import cp_model as cp

        if np.unique(mm.pair[hint]).size >= n_selected:
            return hint, "all placed slot by slot"
        seconds = PLACE_ALL_SHARE * (until - clock.elapsed())
        mm.hint(hint)
        run = solve_stage(mm, cp.LinearExpr.sum(list(mm.literals)), seconds, clock, self, n_selected, True)
        if run[0] is None or run[0].size <= hint.size:
            return hint, f"{hint.size} placed slot by slot, no better in {seconds:.0f}s"
        return run[0], f"{hint.size} placed slot by slot, {run[0].size} after CP-SAT"

    def _report(self, start: float, problem: MeetingProblem, chosen: IntArray) -> None:
        if self.on_solution is not None:
            self.on_solution(time.perf_counter() - start, problem.objective(problem.placements.pair[chosen]))

    def _run_stages(
        self,
        mm: MeetingModel,
        chosen: IntArray,
        until: float,
        clock: SolveClock,
        relaxed: StageOutcome | None,
    ) -> tuple[StageOutcome, IntArray]:
        """Run ``mm``'s stages lexicographically from the hint ``chosen`` until ``until`` (seconds on ``clock``).

        ``relaxed`` are the selection model's stages: while every earlier level equals the selection's, a stage
        stops as soon as it reaches the selection's bound on its level, which proves it optimal.
        """
        out = StageOutcome()
        big = int(mm.problem.weight_units.sum()) + 1
        stages = mm.stages
        reserve = RESERVE_SHARE * clock.limits.time_limit_s
        same = relaxed is not None
        for number, stage in enumerate(stages):
            last = number == len(stages) - 1
            began = time.perf_counter()
            seconds = until - clock.elapsed()
            if not last:
                seconds = min(seconds, STAGE_SHARE * (until - clock.elapsed()))
            cut = relaxed is not None and clock.wall_left() - reserve < seconds  # keep wall time for the bounds
            if cut:
                seconds = clock.wall_left() - reserve
            if not mm.selection:  # hints slow CP-SAT down on the selection model, whose LP does the work
                mm.hint(chosen)
            target = relaxed.level_bounds[stage] if relaxed is not None and same else None
            # with a known ceiling the level alone is maximised and CP-SAT stops on reaching it; otherwise the
            # weight breaks ties so that the stage keeps good schedules for the next
            scale = 1 if last or target is not None or stage in WEIGHTED else big
            objective = mm.expr(stage) if scale == 1 else mm.expr(stage) * big + mm.expr("weight")
            run: tuple[IntArray | None, bool, int, bool] | None
            if target is not None and mm.level(stage, chosen) >= target:
                run = (chosen, True, target, False)  # the start already reaches the ceiling
            elif seconds <= 0.01:
                run = None
            elif mm.selection and stage == Tier.BALANCE:
                run = self._raise_floor(mm, chosen, seconds, clock, scale)
            else:
                run = solve_stage(mm, objective, seconds, clock, self, target, relaxed is not None)
            level_bound: int | None = None
            proven = False
            found = None if run is None else run[0]
            if run is None or found is None:
                out.limited = True
                # no run: the stage's budget on the clock was spent (deterministic time, when deterministic)
                out.wall |= cut or (run[3] if run is not None else not clock.deterministic)
            else:
                _, optimal, bound, wall = run
                # keep the start when CP-SAT stopped below it (it satisfies every level fixed so far)
                if not mm.selection:  # CP-SAT may reach a level by dropping meetings the start had: add them back
                    kept = greedy_placements(
                        mm.problem, tiered=True, keep=mm.placement[found], prefer=mm.placement[chosen], pairs=mm.pair
                    )
                    found = np.flatnonzero(np.isin(mm.placement, kept))
                chosen = found if mm.level(stage, found) >= mm.level(stage, chosen) else chosen
                level_bound = bound // scale
                proven = optimal or level_bound <= mm.level(stage, chosen)
                out.limited |= not proven
                # a clock stop only matters if it changes what the next stage starts from: an unproven level,
                # or (the selection model excepted, whose stages start from the fixed levels alone) the schedule
                out.wall |= (wall or cut) and not (proven and (mm.selection or optimal))
            value = mm.level(stage, chosen)
            out.values[stage], out.proven[stage], out.level_bounds[stage] = value, proven, level_bound
            text = f"{shown(stage, value):g}"
            if run is None or level_bound is None:
                how = "no solution in time"
            elif mm.selection:
                how = "proven" if proven else f"bound {shown(stage, level_bound):g}"
            elif target is not None and value >= target:
                how = "reaches the selection's bound"
            else:
                how = "optimal for these pairs" if run[1] else "best found"
            out.notes.append(f"{stage} {text} ({how}, {time.perf_counter() - began:.1f}s)")
            same &= relaxed is not None and value >= relaxed.values[stage]
            if not last:
                mm.model.add(mm.expr(stage) >= value)
        return out, chosen

    def _raise_floor(
        self, mm: MeetingModel, chosen: IntArray, seconds: float, clock: SolveClock, scale: int
    ) -> tuple[IntArray, bool, int, bool] | None:
        """The floor stage of the selection model, as feasibility tests of ``floor = f`` for f = 1, 2, ...

        With every covered participant's floor written as ``meetings >= min(f, ceiling) * covered`` the test is
        linear (no enforcement literal), so CP-SAT's LP proves or refutes each f in about a second, where
        maximising the floor variable directly stalls on a weak relaxation. The lowest refuted f proves the floor.
        Returns like :func:`~matcher.meetings.stage.solve_stage` (bound in ``floor * scale`` units, the stage's
        objective scale); the highest feasible floor is then imposed.
        """
        until = clock.elapsed() + seconds
        problem, best, proven, wall = mm.problem, mm.level(Tier.BALANCE, chosen), False, False
        ceiling = problem.ceiling[mm.participants]
        for f in range(best + 1, int(ceiling.max(initial=0)) + 1):
            left = until - clock.elapsed()
            if left <= 0.01:
                break
            test = mm.model.clone()
            test.clear_objective()
            lits = [test.get_bool_var_from_proto_index(x.index) for x in mm.literals]
            impose_floor(test, mm, f)
            out = clock.charge(meeting_run(mm, clock, left).solve(test, f"the floor test {f} of the selection model"))
            if out.status == "infeasible":
                proven = True
                break
            if not out.has_solution:
                wall = out.wall
                break
            chosen, best = out.chosen(lits), f
        else:
            proven = True
        impose_floor(mm.model, mm, best)
        return chosen, proven, (best if proven else int(ceiling.max(initial=0))) * scale + scale - 1, wall


def _levels(problem: MeetingProblem, chosen: IntArray) -> tuple[int, ...]:
    """The tier levels of placements ``chosen`` in the problem's order, then the total weight."""
    pl = problem.placements
    kept = int(np.isin(problem.kept_placements, chosen).sum())
    return tuple(stage_level(problem, s, pl.pair[chosen], kept) for s in [*tier_stages(problem), "weight"])


def _tier_note(level: Level) -> str:
    how = "proven" if level.proven else "no bound" if level.bound is None else f"bound {level.bound:g}"
    return f"{level.name} {level.value:g} ({how})"
