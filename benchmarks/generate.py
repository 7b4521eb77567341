"""Seeded, realistic-ish instance generators for the assignment benchmarks and tests.

Affinities come from a low-rank latent factor model, as text embeddings would give: startups and mentors get
unit vectors in a small latent space (cosine similarity), plus a per-mentor popularity bias (some mentors suit
nearly everyone, which is what makes capacities bind) and Gaussian noise. The candidate edges of a startup are its
top-N mentors by affinity, as an approximate-nearest-neighbour index would return them.

Example
-------
>>> inst = latent_affinity_instance(50, 20, edges_per_left=5, demand=2, capacity=6, seed=1)
>>> inst.problem().n_edges
250
>>> inst.edges()[0][:2]
('s00000', 'm0000')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.mentoring.problem import AssignmentProblem
from matcher.pitching.problem import PitchingProblem

__all__ = ["GeneratedInstance", "latent_affinity_instance", "pitching_instance"]


@dataclass(frozen=True, eq=False)
class GeneratedInstance:
    """A generated mentor programme: ids, candidate edges as index arrays, and uniform demand/capacity."""

    name: str
    left_ids: tuple[str, ...]
    right_ids: tuple[str, ...]
    edge_left: npt.NDArray[np.int64]
    edge_right: npt.NDArray[np.int64]
    edge_score: npt.NDArray[np.float64]
    demand: int
    capacity: int

    def edges(self) -> list[tuple[str, str, float]]:
        """The candidate edges as ``(startup_id, mentor_id, affinity)`` triples, as a caller would hold them."""
        lefts = [self.left_ids[i] for i in self.edge_left.tolist()]
        rights = [self.right_ids[j] for j in self.edge_right.tolist()]
        return list(zip(lefts, rights, self.edge_score.tolist(), strict=True))

    def problem(self) -> AssignmentProblem:
        """The encoded problem, built straight from the index arrays (no id lookups)."""
        return AssignmentProblem(
            left_ids=self.left_ids,
            right_ids=self.right_ids,
            edge_left=self.edge_left.astype(np.int32),
            edge_right=self.edge_right.astype(np.int32),
            edge_score=self.edge_score,
            demand=np.full(len(self.left_ids), self.demand, dtype=np.int32),
            capacity=np.full(len(self.right_ids), self.capacity, dtype=np.int32),
        )


def latent_affinity_instance(
    n_left: int,
    n_right: int,
    edges_per_left: int,
    demand: int,
    capacity: int,
    *,
    rank: int = 16,
    popularity: float = 0.15,
    noise: float = 0.05,
    seed: int = 0,
) -> GeneratedInstance:
    """A seeded instance with ``edges_per_left`` candidate mentors per startup (its top-N by affinity).

    Affinity = cosine(startup factors, mentor factors) + popularity bias of the mentor + noise; the same
    arguments always give the same instance.
    """
    if not 0 < edges_per_left <= n_right:
        raise ValueError(f"edges_per_left must be in 1..{n_right}, got {edges_per_left}")
    rng = np.random.default_rng(seed)
    u = rng.standard_normal((n_left, rank))
    v = rng.standard_normal((n_right, rank))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    bias = popularity * rng.standard_normal(n_right)
    lefts, rights, scores = [], [], []
    for lo in range(0, n_left, 1024):
        block = u[lo : lo + 1024] @ v.T + bias + noise * rng.standard_normal((min(1024, n_left - lo), n_right))
        top = np.argpartition(-block, edges_per_left - 1, axis=1)[:, :edges_per_left]
        top.sort(axis=1)
        lefts.append(np.repeat(np.arange(lo, lo + block.shape[0]), edges_per_left))
        rights.append(top.ravel())
        scores.append(np.take_along_axis(block, top, axis=1).ravel())
    return GeneratedInstance(
        name=f"{n_left}x{n_right} N={edges_per_left} K={demand} cap={capacity}",
        left_ids=tuple(f"s{i:05d}" for i in range(n_left)),
        right_ids=tuple(f"m{j:04d}" for j in range(n_right)),
        edge_left=np.concatenate(lefts).astype(np.int64),
        edge_right=np.concatenate(rights).astype(np.int64),
        edge_score=np.round(np.concatenate(scores), 6).astype(np.float64),
        demand=demand,
        capacity=capacity,
    )


def pitching_instance(
    n_startups: int = 120,
    n_investors: int = 30,
    rooms: int = 2,
    blocks: int = 4,
    *,
    max_pitches: int = 16,
    min_jury: int = 3,
    max_jury: int = 5,
    availability: float = 0.85,
    forbidden_rate: float = 0.05,
    theme_weight: float = 0.5,
    seed: int = 0,
) -> PitchingProblem:
    """A seeded pitching event: ``rooms`` parallel sessions in each of ``blocks`` time blocks (sessions of one
    block overlap), each session with one of four themes; latent-factor affinities in about [-1, 1]."""
    rng = np.random.default_rng(seed)
    u = rng.standard_normal((n_startups, 8))
    v = rng.standard_normal((n_investors, 8))
    affinity = (u / np.linalg.norm(u, axis=1, keepdims=True)) @ (v / np.linalg.norm(v, axis=1, keepdims=True)).T
    session_ids = [f"B{b + 1}R{r + 1}" for b in range(blocks) for r in range(rooms)]
    startup_theme = rng.integers(0, 4, n_startups)
    session_theme = np.arange(len(session_ids)) % 4
    theme_fit = (startup_theme[:, None] == session_theme[None, :]).astype(float)
    block_of = np.repeat(np.arange(blocks), rooms)
    startup_block_ok = rng.random((n_startups, blocks)) < availability
    investor_block_ok = rng.random((n_investors, blocks)) < availability
    forbidden = np.argwhere(rng.random((n_startups, n_investors)) < forbidden_rate)
    startup_ids = [f"s{k:03d}" for k in range(n_startups)]
    investor_ids = [f"i{k:02d}" for k in range(n_investors)]
    return PitchingProblem.build(
        startup_ids,
        investor_ids,
        session_ids,
        np.round(affinity, 4),
        max_pitches=max_pitches,
        min_jury=min_jury,
        max_jury=max_jury,
        theme_fit=theme_fit,
        overlaps=[(a, b) for a in session_ids for b in session_ids if a < b and a[:2] == b[:2]],
        startup_available=startup_block_ok[:, block_of],
        investor_available=investor_block_ok[:, block_of],
        forbidden=[(startup_ids[s], investor_ids[i]) for s, i in forbidden.tolist()],
        theme_weight=theme_weight,
    )
