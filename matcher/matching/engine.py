"""The matching engine: affinity of any complementary pair, ranked suggestions, and candidate edges for solvers.

Ranking is exact for the exact index: one pass computes every unit of the target role's similarity with the
participant's units (and one sparse product their TF-IDF cosines); candidates are then scored in order of the best
score they could reach (semantic and lexical scores are bounded by their best single similarity, structured
components by 1) until the k-th best combined score beats the next bound. An approximate (HNSW) index retrieves
candidates instead, widening the search until no unretrieved participant could enter the top k.

Example
-------
>>> from pathlib import Path
>>> import matcher
>>> from matcher import Embedder, MemoryCache, Role, load_backend, load_event, load_registry
>>> backend = load_backend(load_registry().resolve(None))  # the default model, from its installed package
>>> event = load_event(Path(matcher.__file__).parents[1] / "fixtures" / "tiny-event")
>>> engine = MatchEngine.build(event, Embedder(backend.spec, lambda: backend, MemoryCache()))
>>> [s.id for s in engine.suggest("s1", Role.MENTOR, k=2)]
['m1', 'm3']
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import sparse

from matcher.embed.embedder import Embedder, EmbedStats
from matcher.embed.registry import ModelSpec
from matcher.errors import InvalidInput, Problem
from matcher.event.schema import COMPLEMENTARY, Event, Participant, Role
from matcher.language import detect
from matcher.matching.affinity import AffinityConfig, Component, PairSims, channel_scores, combine, components
from matcher.matching.explain import Explanation
from matcher.matching.filters import Exclusion, PairRules
from matcher.matching.hubness import Hubness
from matcher.matching.index import IndexKind, best_similarities
from matcher.matching.lexical import LexicalSnapshot, against, against_inverted
from matcher.matching.profile_index import ProfileIndex
from matcher.matching.reasons import Reasons

#: Units fetched per query unit on the first retrieval round of an approximate index (then x4 until no unretrieved
#: participant can enter the top k).
FIRST_FETCH = 64
#: Owners taken from a dense ranking at a time, in order of their best similarity.
CHUNK = 64
#: Added to a similarity bound: products of the same vectors computed by different kernels differ in the last bits.
SLACK = 1e-5


@dataclass(frozen=True)
class Suggestion:
    """One ranked match: who, how good, and why."""

    id: str
    name: str
    role: Role
    organisation: str
    score: float
    explanation: Explanation | None


@dataclass(frozen=True)
class PairScore:
    """The affinity of a pair, or the reason it is excluded (then ``score`` is ``None``)."""

    a_id: str
    b_id: str
    score: float | None
    exclusion: Exclusion | None
    explanation: Explanation | None


#: Registry field (``models/registry.json``) scaling the lexical weight for a model whose cosines spread narrowly
#: (multilingual E5: most pairs between 0.75 and 0.9), measured on the quality benchmarks; absent means 1.
LEXICAL_SCALE_FIELD = "lexical_scale"


def for_model(config: AffinityConfig, spec: ModelSpec) -> AffinityConfig:
    """The configuration with the lexical weight scaled as the model's registry entry says."""
    scale = float(spec.extra.get(LEXICAL_SCALE_FIELD, 1.0))
    if scale == 1.0:
        return config
    return replace(config, weights=replace(config.weights, lexical=config.weights.lexical * max(0.0, scale)))


@dataclass(frozen=True)
class _Side:
    """One participant's unit vectors, document numbers, index rows and TF-IDF rows (``None``: channel off)."""

    vectors: np.ndarray
    docs: np.ndarray
    rows: np.ndarray
    terms: sparse.csr_matrix | None


class MatchEngine:
    """Scores and ranks participants of one event. Holds no mutable state besides lazily computed caches."""

    def __init__(self, event: Event, index: ProfileIndex, embedder: Embedder, config: AffinityConfig) -> None:
        self.event = event
        self.index = index
        self.embedder = embedder
        self.config = config = for_model(config, embedder.spec)
        self.rules = PairRules.from_event(event, strict_stage=config.strict_stage, strict_ticket=config.strict_ticket)
        self.hubness = Hubness.for_model(index, embedder.spec)
        self.reasons = Reasons(index, embedder, config)

    @classmethod
    def build(
        cls,
        event: Event,
        embedder: Embedder,
        config: AffinityConfig | None = None,
        kind: IndexKind | None = None,
    ) -> MatchEngine:
        engine, _ = cls.build_with_stats(event, embedder, config, kind)
        return engine

    @classmethod
    def build_with_stats(
        cls,
        event: Event,
        embedder: Embedder,
        config: AffinityConfig | None = None,
        kind: IndexKind | None = None,
    ) -> tuple[MatchEngine, EmbedStats]:
        index, stats = ProfileIndex.build(event, embedder, kind)
        return cls(event, index, embedder, config or AffinityConfig()), stats

    def warm_explanations(self) -> None:
        """Detect the language of every text unit now (explanations name differing languages; detection is cached),
        so that the first suggestions do not pay for it."""
        for unit in self.index.units:
            detect(unit.text)

    def unit_vectors(self, participant_id: str) -> np.ndarray:
        """The vectors of a participant's text units."""
        return self.index.vectors_of(participant_id)

    @property
    def lexical_on(self) -> bool:
        """Whether the lexical channel counts (its weight is above 0)."""
        return self.config.weights.lexical > 0

    def _terms(self, a: Role, b: Role) -> LexicalSnapshot | None:
        """The TF-IDF snapshot of a role pair, or ``None`` when the lexical channel is off."""
        return self.index.lexical(a, b) if self.lexical_on else None

    def _side(self, p: Participant, terms: LexicalSnapshot | None) -> _Side:
        rows = self.index.rows_of(p.id)
        lexical = None if terms is None else terms.select(rows)
        return _Side(self.index.vectors_of(p.id), self.index.docs_of(p.id), rows, lexical)

    def _similarities(self, a: _Side, b: _Side) -> PairSims:
        lexical = None if a.terms is None or b.terms is None else against(a.terms, b.terms)
        return PairSims(a.vectors @ b.vectors.T, lexical, a.docs, b.docs, self.config.passages)

    def _score(self, a: Participant, b: Participant, sims: PairSims) -> tuple[float, tuple[Component, ...]]:
        semantic, lexical = channel_scores(sims, self.config)
        parts = components(a, b, semantic, self.config, self.hubness.pair(a, b), lexical)
        return combine(parts), parts

    def pair(self, a_id: str, b_id: str, *, explain: bool = True) -> PairScore:
        """The affinity of ``a`` and ``b`` with its explanation, or why the pair is excluded."""
        a, b = self.event.participant(a_id), self.event.participant(b_id)
        reason = self.rules.exclusion(a, b)
        if reason is not None:
            return PairScore(a_id, b_id, None, reason, None)
        terms = self._terms(a.role, b.role)
        sims = self._similarities(self._side(a, terms), self._side(b, terms))
        score, parts = self._score(a, b, sims)
        explanation = self.reasons.explain(a, b, sims, score, parts) if explain else None
        return PairScore(a_id, b_id, score, None, explanation)

    def suggest(self, participant_id: str, role: Role, k: int = 10, *, explain: bool = True) -> tuple[Suggestion, ...]:
        """The ``k`` best participants of ``role`` for ``participant_id``, best first, hard filters applied."""
        me = self.event.participant(participant_id)
        if role not in COMPLEMENTARY[me.role]:
            allowed = ", ".join(r.value for r in COMPLEMENTARY[me.role])
            raise InvalidInput(
                f"a {me.role.value} is matched with {allowed}, not {role.value}",
                (Problem("--role", None, "role", f"use one of {allowed}"),),
            )
        if k <= 0:
            return ()
        ranked = self._ranked(me, role, k)
        out = []
        for score, other, sims, parts in ranked[:k]:
            explanation = self.reasons.explain(me, other, sims, score, parts) if explain else None
            out.append(Suggestion(other.id, other.name, other.role, other.organisation, score, explanation))
        return tuple(out)

    def _ranked(self, me: Participant, role: Role, k: int) -> list[Ranked]:
        queries = self.index.vectors_of(me.id)
        if len(queries) == 0:
            return []
        upper = self._upper(me.role, role)
        if self.index.exact(role):
            return self._ranked_dense(me, role, k, queries, upper)
        return self._ranked_retrieved(me, role, k, queries, upper)

    def _upper(self, mine: Role, theirs: Role) -> Bound:
        """The best score a candidate with given best semantic and lexical similarities could reach (structured
        components at 1); works on numbers and on arrays alike."""
        w = self.config.weights
        # Only the components that can apply to this pair of roles can lift a candidate's score.
        investor_pair = Role.INVESTOR in (mine, theirs)
        structured = w.sectors + ((w.stage + w.ticket + w.activity) if investor_pair else 0.0)
        lexical_weight = w.lexical if self.lexical_on else 0.0
        total = w.semantic + lexical_weight + structured

        def upper(semantic: Any, lexical: Any) -> Any:
            if total <= 0:
                return np.ones_like(semantic) if isinstance(semantic, np.ndarray) else 1.0
            semantic = np.clip(semantic + SLACK, 0.0, 1.0)
            lexical = np.clip(lexical + SLACK, 0.0, 1.0)
            return (w.semantic * semantic + lexical_weight * lexical + structured) / total

        return upper

    def _allowed(self, me: Participant, owner: str) -> Participant | None:
        """The participant ``owner`` if the hard filters allow it as a candidate of ``me``, else None."""
        other = self.event.by_id.get(owner)
        return None if other is None or self.rules.exclusion(me, other) is not None else other

    def _scored(self, me: Participant, other: Participant, sims: PairSims) -> Ranked:
        """The exact score of a candidate from its unit similarities (computed as :meth:`pair` does)."""
        score, parts = self._score(me, other, sims)
        return score, other, sims, parts

    def _ranked_dense(self, me: Participant, role: Role, k: int, queries: np.ndarray, upper: Bound) -> list[Ranked]:
        """Exact top ``k`` from one pass over every unit of ``role``: owners in order of the best score they could
        reach, scored exactly until the k-th score beats what the next owner could reach."""
        lexical = None
        best_lexical: np.ndarray | float = 0.0
        if self.lexical_on:
            snapshot, terms, candidates = self.index.dense_lexical(me.role, role)
            if snapshot.owners:
                lexical = against_inverted(terms.select(self.index.rows_of(me.id)), candidates)
                best_lexical = lexical.max(axis=0)
        else:
            snapshot = self.index.dense(role)
        if not snapshot.owners:
            return []
        best = best_similarities(snapshot.vectors, queries)
        if len(best) > len(snapshot.owners):
            best = np.maximum.reduceat(best, snapshot.starts)
            if lexical is not None:
                best_lexical = np.maximum.reduceat(best_lexical, snapshot.starts)
        bounds = upper(best, best_lexical)
        my_docs = self.index.docs_of(me.id)
        ranked: list[Ranked] = []
        for i in _descending(bounds):
            if len(ranked) >= k and ranked[k - 1][0] > bounds[i]:
                break  # no owner left can enter the top k
            other = self._allowed(me, snapshot.owners[i])
            if other is not None:
                span = snapshot.span(i)
                sims = PairSims(
                    queries @ snapshot.vectors[span].T,
                    None if lexical is None else lexical[:, span],
                    my_docs,
                    snapshot.docs[span],
                    self.config.passages,
                )
                bisect.insort(ranked, self._scored(me, other, sims), key=_rank_key)
                del ranked[k:]
        return ranked

    def _ranked_retrieved(self, me: Participant, role: Role, k: int, queries: np.ndarray, upper: Bound) -> list[Ranked]:
        """Top ``k`` from the (approximate) faiss index, widened until no unretrieved owner can enter it."""
        fetch = FIRST_FETCH
        seen: set[str] = set()
        # heap of (-best reachable score, owner, participant, similarities) of the allowed owners retrieved so far
        pending: list[tuple[float, str, Participant, PairSims]] = []
        ranked: list[Ranked] = []
        terms = self._terms(me.role, role)
        mine = self._side(me, terms)
        lexical_ceiling = self._lexical_ceiling(mine, terms)
        while True:
            sims, labels, size = self.index.search(role, queries, fetch)
            for owner in sorted(self.index.owners(labels.ravel().tolist()) - seen):
                seen.add(owner)
                other = self._allowed(me, owner)
                if other is not None:
                    pair_sims = self._similarities(mine, self._side(other, terms))
                    reach = upper(
                        float(pair_sims.semantic.max(initial=-np.inf)),
                        0.0 if pair_sims.lexical is None else float(pair_sims.lexical.max(initial=0.0)),
                    )
                    heapq.heappush(pending, (-float(reach), owner, other, pair_sims))
            complete = fetch >= size or sims.shape[1] == 0
            # Any participant not retrieved yet has semantic <= the last similarity fetched for every query unit.
            ceiling = -np.inf if complete else float(sims[:, -1].max())
            while pending and not (len(ranked) >= k and ranked[k - 1][0] > -pending[0][0]):
                _, _, other, pair_sims = heapq.heappop(pending)
                bisect.insort(ranked, self._scored(me, other, pair_sims), key=_rank_key)
                del ranked[k:]
            if complete or (len(ranked) >= k and ranked[k - 1][0] > upper(ceiling, lexical_ceiling)):
                return ranked
            fetch = min(size, fetch * 4)

    def _lexical_ceiling(self, mine: _Side, terms: LexicalSnapshot | None) -> float:
        """The best TF-IDF cosine of ``mine`` with any other unit of its role pair (0 when the channel is off)."""
        if terms is None or mine.terms is None:
            return 0.0
        others = np.setdiff1d(terms.rows, mine.rows)
        return float(against(mine.terms, terms.select(others)).max(initial=0.0))

    def edges(self, left: Role, right: Role, top_n: int) -> tuple[tuple[str, str, float], ...]:
        """Candidate edges (left id, right id, affinity): the ``top_n`` best allowed ``right`` per ``left``."""
        out: list[tuple[str, str, float]] = []
        for p in self.event.with_role(left):
            out.extend((p.id, s.id, s.score) for s in self.suggest(p.id, right, top_n, explain=False))
        return tuple(out)


Ranked = tuple[float, Participant, PairSims, tuple[Component, ...]]
Bound = Callable[[Any, Any], Any]


def _rank_key(item: Ranked) -> tuple[float, str]:
    """Best first; ties broken by id."""
    return -item[0], item[1].id


def _descending(values: np.ndarray) -> Iterator[int]:
    """The indices of ``values``, largest value first: the first ``CHUNK`` by a partial sort, the rest if needed."""
    if len(values) <= CHUNK:
        yield from np.argsort(-values, kind="stable").tolist()
        return
    head = np.argpartition(-values, CHUNK - 1)[:CHUNK]
    yield from head[np.argsort(-values[head], kind="stable")].tolist()
    rest = np.ones(len(values), dtype=bool)
    rest[head] = False
    tail = np.flatnonzero(rest)
    yield from tail[np.argsort(-values[tail], kind="stable")].tolist()
