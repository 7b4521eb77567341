"""Hubness correction: offsets equal a brute-force computation, the pair correction is symmetric, the engine stays
exact with it, explanations say it, and a population smaller than k gets no offset."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.embed import Embedder
from matcher.event.schema import Event, Role
from matcher.matching.affinity import AffinityConfig
from matcher.matching.engine import MatchEngine
from matcher.matching.hubness import Hubness, weight_for
from tests.matching.test_engine import brute_force


def corrected(engine: MatchEngine, k: int = 5, weight: float = 0.5) -> MatchEngine:
    """The engine with a hubness correction (the registry gives all-MiniLM-L6-v2 none)."""
    engine.hubness = Hubness(engine.index, k, weight)
    return engine


def offset_by_brute_force(engine: MatchEngine, owner: str, towards: Role, k: int) -> float:
    mine = engine.unit_vectors(owner)
    best = sorted(
        (float((mine @ engine.unit_vectors(p.id).T).max()) for p in engine.event.with_role(towards) if p.id != owner),
        reverse=True,
    )
    return 0.0 if len(best) < k else max(0.0, float(np.mean(best[:k])))


def test_offsets_equal_brute_force(sample_event: Event, embedder: Embedder) -> None:
    engine = corrected(MatchEngine.build(sample_event, embedder))
    for mentor in sample_event.with_role(Role.MENTOR)[::9]:
        got = engine.hubness.of(mentor.id, Role.STARTUP)
        assert got == pytest.approx(offset_by_brute_force(engine, mentor.id, Role.STARTUP, 5), abs=1e-5)
        assert got > 0


def test_pair_correction_is_symmetric_and_lowers_the_score(sample_event: Event, embedder: Embedder) -> None:
    plain = MatchEngine.build(sample_event, embedder)
    engine = corrected(MatchEngine(sample_event, plain.index, embedder, AffinityConfig()))
    startup, mentor = sample_event.with_role(Role.STARTUP)[0], sample_event.with_role(Role.MENTOR)[0]
    assert engine.hubness.pair(startup, mentor) == engine.hubness.pair(mentor, startup) > 0
    a, b = engine.pair(startup.id, mentor.id), engine.pair(mentor.id, startup.id)
    assert a.score == pytest.approx(b.score)
    assert a.score is not None and plain.pair(startup.id, mentor.id).score is not None
    assert a.score < plain.pair(startup.id, mentor.id).score  # type: ignore[operator]


def test_suggestions_stay_exact_with_hubness(sample_event: Event, embedder: Embedder) -> None:
    engine = corrected(MatchEngine.build(sample_event, embedder))
    for startup in sample_event.with_role(Role.STARTUP)[::11]:
        for role in (Role.MENTOR, Role.INVESTOR):
            got = [(s.id, s.score) for s in engine.suggest(startup.id, role, 10, explain=False)]
            expected = brute_force(engine, startup.id, role)[:10]
            assert [i for i, _ in got] == [i for i, _ in expected]
            assert [s for _, s in got] == pytest.approx([s for _, s in expected])


def test_explanation_names_the_correction(tiny_event: Event, embedder: Embedder) -> None:
    engine = corrected(MatchEngine.build(tiny_event, embedder), k=1)
    startup = tiny_event.with_role(Role.STARTUP)[0]
    top = engine.suggest(startup.id, Role.MENTOR, 1)[0]
    assert top.explanation is not None
    semantic = top.explanation.components[0]
    assert semantic.name == "semantic" and "hubness" in semantic.detail
    assert "hubness" in top.explanation.text


def test_small_population_gets_no_offset(tiny_event: Event, embedder: Embedder) -> None:
    engine = MatchEngine.build(tiny_event, embedder)
    hubness = Hubness(engine.index, k=len(tiny_event.participants) + 1, weight=0.5)
    startup, mentor = tiny_event.with_role(Role.STARTUP)[0], tiny_event.with_role(Role.MENTOR)[0]
    assert hubness.pair(startup, mentor) == 0.0


def test_weight_comes_from_the_registry(embedder: Embedder) -> None:
    assert weight_for(embedder.spec) == 0.0  # all-MiniLM-L6-v2 has no measured weight
    assert not MatchEngine.build(Event(name="e", participants=()), embedder).hubness.active


def test_the_recommended_multilingual_model_has_a_measured_weight() -> None:
    from matcher.embed import load_registry

    registry = load_registry()
    recommended = [s for s in registry.models.values() if s.recommended_multilingual]
    assert recommended and all(weight_for(s) > 0 for s in recommended)
