"""Mentor-programme benchmark: min-cost flow vs the greedy baseline vs the LP bound, all in one process.

Run ``python -m benchmarks.assignment [--quick] [--json FILE] [--seed N]``. On seeded latent-factor instances
(:mod:`benchmarks.generate`) it reports, per instance and method: status, objective (total affinity), % of the
LP bound and seconds; the flow's whole-process time (build the problem from ``(startup, mentor, score)`` triples,
solve, decode); and, on a smaller instance, the fairness solver's lowest per-startup affinity against the flow's.

The LP bound is the LP relaxation solved by OR-Tools GLOP, built from a sparse matrix in one call (no Python loop
over edges). The b-matching constraint matrix is totally unimodular, so the bound equals the integer optimum: the
flow should show 100.00 %. Figures compare methods within the same run only.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.generate import GeneratedInstance, latent_affinity_instance
from matcher.errors import Infeasible
from matcher.mentoring.flow import MinCostFlowSolver
from matcher.mentoring.greedy import GreedySolver
from matcher.mentoring.maxmin import MaxMinSolver
from matcher.mentoring.problem import AssignmentProblem
from matcher.solving.base import Limits

FULL = [(2_000, 1_000, 100, 3, 8), (10_000, 2_000, 50, 3, 20)]
QUICK = [(500, 250, 50, 3, 8), (2_000, 500, 30, 3, 16)]
FAIR_FULL = (300, 100, 30, 3, 12)
FAIR_QUICK = (100, 40, 20, 3, 10)
LP_TIME_LIMIT_S = 300.0


@dataclass
class Row:
    instance: str
    method: str
    status: str
    objective: float | None
    pct_of_lp: float | None
    seconds: float
    detail: str = ""


def lp_bound(problem: AssignmentProblem, time_limit_s: float) -> tuple[float | None, float, str]:
    """The LP relaxation's optimum with GLOP: (objective or None, seconds, status)."""
    import scipy.sparse as sp  # installed with the project's dependencies (sentence-transformers, scikit-learn)
    from ortools.linear_solver.python import model_builder as mb

    start = time.perf_counter()
    n_e, n_l, n_r = problem.n_edges, problem.n_left, problem.n_right
    rows = np.concatenate((problem.edge_left, n_l + problem.edge_right.astype(np.int64)))
    cols = np.concatenate((np.arange(n_e), np.arange(n_e)))
    matrix = sp.csr_matrix((np.ones(2 * n_e), (rows, cols)), shape=(n_l + n_r, n_e))
    model = mb.Model()
    helper: Any = model.helper  # its stub mistypes the array arguments
    helper.fill_model_from_sparse_data(
        np.zeros(n_e),
        np.ones(n_e),
        problem.edge_score.astype(np.float64),
        np.concatenate((problem.demand, np.full(n_r, -np.inf))).astype(np.float64),
        np.concatenate((problem.demand, problem.capacity)).astype(np.float64),
        matrix,
    )
    helper.set_maximize(True)
    solver = mb.Solver("glop")
    solver.set_time_limit_in_seconds(time_limit_s)
    status = solver.solve(model)
    seconds = time.perf_counter() - start
    if status != mb.SolveStatus.OPTIMAL:
        return None, seconds, str(status)
    return float(solver.objective_value), seconds, "optimal"


def per_pair(objective: float | None, solution: tuple[object, ...] | None) -> str:
    return "-" if objective is None or not solution else f"{objective / len(solution):.4f}"


def pct(value: float | None, bound: float | None) -> float | None:
    return None if value is None or bound is None else 100.0 * value / bound


def warm_up() -> None:
    """Import OR-Tools' flow module and run it once, so one-off import costs stay out of the timings."""
    MinCostFlowSolver().solve(latent_affinity_instance(20, 10, 5, 1, 4).problem(), Limits())


def compare(inst: GeneratedInstance) -> list[Row]:
    edges = inst.edges()  # what a caller holds: id triples
    start = time.perf_counter()
    problem = AssignmentProblem.build(inst.left_ids, inst.right_ids, edges, inst.demand, inst.capacity)
    built = time.perf_counter()
    flow = MinCostFlowSolver().solve(problem, Limits())
    done = time.perf_counter()
    lp, lp_seconds, lp_status = lp_bound(problem, LP_TIME_LIMIT_S)
    rows = [
        Row(inst.name, "lp bound (glop)", lp_status, lp, pct(lp, lp), lp_seconds),
        Row(inst.name, "min-cost flow", flow.status.value, flow.objective, pct(flow.objective, lp), flow.wall_seconds),
        Row(
            inst.name,
            "flow whole process",
            flow.status.value,
            flow.objective,
            pct(flow.objective, lp),
            done - start,
            f"build {built - start:.3f}s + solve/decode {done - built:.3f}s",
        ),
    ]
    try:
        greedy = GreedySolver().solve(problem, Limits())
        complete = greedy.status.value == "feasible"
        rows.append(
            Row(
                inst.name,
                "greedy",
                greedy.status.value,
                greedy.objective,
                pct(greedy.objective, lp) if complete else None,
                greedy.wall_seconds,
                f"mean affinity per pair {per_pair(greedy.objective, greedy.solution)} vs flow "
                f"{per_pair(flow.objective, flow.solution)}"
                + ("" if complete else "; partial: " + " ".join(greedy.notes)),
            )
        )
    except Infeasible as exc:  # cannot happen when the flow succeeded; kept so the run never dies half-way
        rows.append(Row(inst.name, "greedy", "infeasible", None, None, 0.0, str(exc)))
    return rows


def fairness(inst: GeneratedInstance, limits: Limits) -> list[Row]:
    problem = inst.problem()
    rows = []
    for solver in (MinCostFlowSolver(), MaxMinSolver()):
        result = solver.solve(problem, limits)
        assert result.solution is not None
        lowest = float(problem.left_totals(problem.encode(result.solution)).min())
        rows.append(
            Row(
                inst.name,
                solver.name,
                result.status.value,
                result.objective,
                pct(result.objective, result.bound),
                result.wall_seconds,
                f"min per-startup affinity {lowest:.4f}",
            )
        )
    return rows


def fmt(value: float | None, spec: str) -> str:
    width = int(spec.split(".")[0])
    return f"{'-':>{width}}" if value is None else format(value, spec)


def print_table(rows: list[Row]) -> None:
    head = f"{'instance':<30} {'method':<20} {'status':<10} {'objective':>12} {'% of LP':>8} {'seconds':>8}  detail"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r.instance:<30} {r.method:<20} {r.status:<10} {fmt(r.objective, '12.3f')} "
            f"{fmt(r.pct_of_lp, '8.2f')} {r.seconds:8.3f}  {r.detail}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.assignment", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI (< 20 s)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sizes, fair = (QUICK, FAIR_QUICK) if args.quick else (FULL, FAIR_FULL)
    warm_up()
    rows: list[Row] = []
    for n_l, n_r, n_e, k, cap in sizes:
        rows += compare(latent_affinity_instance(n_l, n_r, n_e, k, cap, seed=args.seed))
    fair_rows = fairness(latent_affinity_instance(*fair, seed=args.seed), Limits(time_limit_s=30, seed=args.seed))
    print("Assignment: total affinity (higher is better); % of LP = objective / LP relaxation bound")
    print_table(rows)
    print("\nFairness (maxmin vs flow): % column = objective / the solver's own bound")
    print_table(fair_rows)
    if args.json:
        payload = {"quick": args.quick, "seed": args.seed, "assignment": [asdict(r) for r in rows]}
        payload["fairness"] = [asdict(r) for r in fair_rows]
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
