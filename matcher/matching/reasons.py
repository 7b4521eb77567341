"""Explanations that point at what drove a score: the documents that weighed most, and the sentences within them.

A pair's score aggregates document-to-document similarities, so its explanation names the two or three documents of
each side that took part in the best document pairs (semantic and lexical similarity blended at their weights), and
within those pairs the best-matching pair of sentences.

A sentence that matches everyone ("We are raising EUR 1.2M and want introductions...") is no reason to meet anyone.
So sentence pairs are compared by their similarity less the genericness of both sentences: a sentence's genericness
towards a role is the share of that role's units it is close to (among at most ``POOL`` of them, evenly spread over
the role; close meaning above the ``CLOSE_QUANTILE`` of the role's unit-to-unit similarities, so the threshold suits
every model's scale). On the sample event, Reelwright's "We are raising EUR 1.2M and want introductions..." is close
to about a fifth of the mentors, its scheduling sentence to almost none. The explanation shows the raw similarity of
the chosen pair.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import numpy as np

from matcher.embed.embedder import Embedder
from matcher.event.schema import Participant, Role
from matcher.language import detect
from matcher.matching.affinity import AffinityConfig, Component, PairSims, sector_fit
from matcher.matching.explain import BestMatch, Contribution, Explanation
from matcher.matching.profile_index import ProfileIndex
from matcher.matching.profiles import split_sentences

#: Document pairs an explanation looks into, and documents it names per side.
TOP_DOCUMENTS = 3
#: Units of a role a sentence's genericness is measured against (evenly spread over the role; 256 resolve a share
#: to 0.4%, and keep a cold explanation cheap at 10,000 mentors).
POOL = 256
#: Units whose sentences (vectors and genericness towards a role) are remembered.
REMEMBERED = 50_000
#: A sentence is close to a unit when their similarity is above this quantile of the role's unit-to-unit ones.
CLOSE_QUANTILE = 0.9
#: Fewer units than this say nothing about genericness.
MIN_POOL = 8


@dataclass(frozen=True)
class _Sentences:
    """Sentences with their vectors, genericness, index rows and document numbers (parallel arrays)."""

    texts: tuple[str, ...]
    vectors: np.ndarray
    generic: np.ndarray
    rows: np.ndarray
    docs: np.ndarray


class Reasons:
    """Builds explanations for one engine; remembers each unit's sentences with their vectors and genericness (the
    index must not change meanwhile: the engine that owns this object is rebuilt after every change)."""

    def __init__(self, index: ProfileIndex, embedder: Embedder, config: AffinityConfig) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config
        self._lock = threading.Lock()
        self._pools: dict[Role, tuple[np.ndarray, float]] = {}
        self._units: dict[tuple[int, Role], _Sentences] = {}

    def explain(
        self, a: Participant, b: Participant, sims: PairSims, score: float, parts: tuple[Component, ...]
    ) -> Explanation:
        _, shared = sector_fit(a, b)
        if sims.semantic.size == 0:
            return Explanation(score=score, components=parts, shared_sectors=shared, best_match=None)
        blended = self._blended(sims)
        order = np.argsort(-blended, axis=None, kind="stable")[:TOP_DOCUMENTS]
        pairs = [divmod(int(flat), blended.shape[1]) for flat in order]
        rows_a, rows_b = self.index.rows_of(a.id), self.index.rows_of(b.id)
        runs_a, runs_b = sims.runs_a, sims.runs_b
        documents = (
            *self._contributions("yours", [i for i, _ in pairs], blended.max(axis=1), rows_a, runs_a),
            *self._contributions("theirs", [j for _, j in pairs], blended.max(axis=0), rows_b, runs_b),
        )
        best, languages = self._best_sentences(a, b, pairs, (rows_a, runs_a), (rows_b, runs_b))
        return Explanation(
            score=score,
            components=tuple(
                self._lexical_detail(a.role, b.role, sims, rows_a, rows_b, c) if c.name == "lexical" else c
                for c in parts
            ),
            shared_sectors=shared,
            best_match=best,
            languages=languages,
            documents=documents,
        )

    def _lexical_detail(
        self, a: Role, b: Role, sims: PairSims, rows_a: np.ndarray, rows_b: np.ndarray, part: Component
    ) -> Component:
        """The lexical component, its detail naming the rare terms the best lexical unit pair shares."""
        if sims.lexical is None or sims.lexical.size == 0 or float(sims.lexical.max()) <= 0:
            return replace(part, detail="no rare term shared")
        i, j = divmod(int(np.argmax(sims.lexical)), sims.lexical.shape[1])
        terms = self.index.shared_terms(a, b, int(rows_a[i]), int(rows_b[j]))
        return replace(part, detail="shared rare terms: " + ", ".join(terms)) if terms else part

    def _blended(self, sims: PairSims) -> np.ndarray:
        """Document-pair similarity as the score weighs it: semantic and lexical at their weights."""
        semantic, lexical = sims.matrices
        w = self.config.weights
        if lexical is None or w.semantic + w.lexical <= 0:
            return semantic
        return (w.semantic * semantic + w.lexical * lexical) / (w.semantic + w.lexical)

    def _contributions(
        self, side: str, docs: list[int], best: np.ndarray, rows: np.ndarray, starts: np.ndarray
    ) -> tuple[Contribution, ...]:
        out: list[Contribution] = []
        for d in dict.fromkeys(docs):
            source = self.index.unit(int(rows[starts[d]])).source
            out.append(Contribution(side, source, float(best[d])))
        return tuple(out)

    def _best_sentences(
        self,
        a: Participant,
        b: Participant,
        pairs: list[tuple[int, int]],
        side_a: tuple[np.ndarray, np.ndarray],
        side_b: tuple[np.ndarray, np.ndarray],
    ) -> tuple[BestMatch | None, tuple[str, str] | None]:
        left = self._side(sorted({i for i, _ in pairs}), *side_a, towards=b.role)
        right = self._side(sorted({j for _, j in pairs}), *side_b, towards=a.role)
        sims = left.vectors @ right.vectors.T
        adjusted = sims - left.generic[:, None] - right.generic[None, :]
        allowed = np.zeros_like(adjusted, dtype=bool)
        for da, db in pairs:
            allowed |= (left.docs[:, None] == da) & (right.docs[None, :] == db)
        adjusted[~allowed] = -np.inf
        i, j = divmod(int(np.argmax(adjusted)), adjusted.shape[1])
        own_unit, other_unit = self.index.unit(int(left.rows[i])), self.index.unit(int(right.rows[j]))
        best = BestMatch(own_unit.source, left.texts[i], other_unit.source, right.texts[j], float(sims[i, j]))
        own_lang, other_lang = detect(own_unit.text), detect(other_unit.text)
        languages = (own_lang, other_lang) if own_lang and other_lang and own_lang != other_lang else None
        return best, languages

    def _side(self, docs: list[int], rows: np.ndarray, starts: np.ndarray, *, towards: Role) -> _Sentences:
        """The sentences of the units of these documents, with their vectors and genericness towards a role."""
        parts: list[tuple[int, _Sentences]] = []
        for d in docs:
            end = int(starts[d + 1]) if d + 1 < len(starts) else len(rows)
            parts.extend((d, self._unit_sentences(row, towards)) for row in rows[int(starts[d]) : end].tolist())
        return _Sentences(
            texts=tuple(t for _, u in parts for t in u.texts),
            vectors=np.concatenate([u.vectors for _, u in parts]),
            generic=np.concatenate([u.generic for _, u in parts]),
            rows=np.concatenate([u.rows for _, u in parts]),
            docs=np.concatenate([np.full(len(u.texts), d) for d, u in parts]),
        )

    def _unit_sentences(self, row: int, towards: Role) -> _Sentences:
        """One unit's sentences, their vectors and genericness towards ``towards`` (remembered per unit)."""
        key = (row, towards)
        with self._lock:
            found = self._units.get(key)
        if found is None:
            text = self.index.unit(row).text
            texts = split_sentences(text) or (text,)
            vectors = self.embedder.embed(list(texts)).vectors
            generic = self._genericness(vectors, towards)
            found = _Sentences(texts, vectors, generic, np.full(len(texts), row), np.zeros(len(texts), dtype=np.int64))
            with self._lock:
                if len(self._units) > REMEMBERED:
                    self._units.clear()
                self._units[key] = found
        return found

    def _genericness(self, vectors: np.ndarray, towards: Role) -> np.ndarray:
        """Each sentence's share of the units of ``towards`` it is close to (0 when the role has too few units)."""
        pool, close = self._pool(towards)
        if len(pool) < MIN_POOL:
            return np.zeros(len(vectors), dtype=np.float32)
        return ((vectors @ pool.T) > close).mean(axis=1).astype(np.float32)

    def _pool(self, role: Role) -> tuple[np.ndarray, float]:
        """At most ``POOL`` unit vectors of ``role``, evenly spread, and what counts as close among them: the
        ``CLOSE_QUANTILE`` of their similarities to each other (so the threshold suits every model's scale)."""
        with self._lock:
            found = self._pools.get(role)
        if found is None:
            vectors = self.index.dense(role).vectors
            step = max(1, len(vectors) // POOL)
            pool = np.ascontiguousarray(vectors[::step][:POOL])
            close = 1.0
            if len(pool) >= MIN_POOL:
                sims = pool @ pool.T
                close = float(np.quantile(sims[~np.eye(len(pool), dtype=bool)], CLOSE_QUANTILE))
            found = (pool, close)
            with self._lock:
                self._pools[role] = found
        return found
