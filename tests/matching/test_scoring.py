"""Document-level scoring, the lexical channel and explanations that point at what drove a score."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matcher.embed import Embedder
from matcher.event.schema import Document, Event, Participant, Role
from matcher.matching.affinity import Aggregation, PassageReduce, aggregate, document_matrix
from matcher.matching.engine import MatchEngine
from matcher.matching.lexical import LexicalSnapshot, Terms
from matcher.matching.profiles import units_of

matrices = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=st.floats(-1, 1))


@given(sims=matrices, k=st.integers(1, 8), temperature=st.floats(0.01, 5.0))
def test_every_aggregation_lies_between_the_mean_and_the_max(sims: np.ndarray, k: int, temperature: float) -> None:
    """The engine's exact ranking bounds a candidate by its best similarity: no aggregation may exceed it."""
    for aggregation in Aggregation:
        value = aggregate(sims, aggregation, k, temperature)
        assert sims.mean() - 1e-9 <= value <= sims.max() + 1e-9


def test_passages_of_one_document_reduce_to_one_similarity() -> None:
    sims = np.array([[0.1, 0.5, 0.3], [0.7, 0.2, 0.4]])
    docs_a, docs_b = np.array([0, 0]), np.array([0, 1, 1])
    assert document_matrix(sims, docs_a, docs_b, PassageReduce.MAX).tolist() == [[0.7, 0.5]]
    assert document_matrix(sims, docs_a, docs_b, PassageReduce.MEAN) == pytest.approx(np.array([[0.4, 0.35]]))


def _person(text: str) -> Participant:
    return Participant(id="m1", name="M", role=Role.MENTOR, country="DE", languages=("en",), description=text)


def test_a_document_that_fits_the_window_is_one_unit_and_a_long_one_is_split_into_passages() -> None:
    sentence = "Our encoder tunes rate control for live sport broadcasts in the Alps."
    short, long = (
        Document(participant_id="m1", title="Short", text=sentence),
        Document(participant_id="m1", title="Long", text=" ".join([sentence] * 40)),
    )
    units = units_of(_person("I mentor video start-ups. I ran a codec team."), (short, long))
    assert [u.doc for u in units[:2]] == [0, 1]  # the description and the short document: one unit each
    assert units[0].text == "I mentor video start-ups. I ran a codec team."
    assert len(units) > 3 and {u.doc for u in units[2:]} == {2}
    assert all(len(u.text.split()) <= 180 for u in units[2:])


def test_rare_shared_terms_weigh_and_common_ones_do_not() -> None:
    terms = Terms()
    texts = [f"the company and the team number {k}" for k in range(30)]
    texts[3] += " builds a VVC encoder"
    texts[17] += " ships VVC decoding"
    snapshot = LexicalSnapshot.of([(row, *terms.encode(t)) for row, t in enumerate(texts)], len(terms))
    sims = snapshot.similarities(np.array([3]), np.array([17, 4]))
    assert sims[0, 0] > 0.2  # they share the rare term
    assert sims[0, 1] < 0.05  # only words every unit uses, and a number
    assert snapshot.similarities(np.array([17]), np.array([3]))[0, 0] == pytest.approx(sims[0, 0])


def test_pair_scores_are_symmetric_with_both_channels(sample_event: Event, embedder: Embedder) -> None:
    engine = MatchEngine.build(sample_event, embedder)
    startups, mentors = sample_event.with_role(Role.STARTUP)[:6], sample_event.with_role(Role.MENTOR)[:6]
    for s in startups:
        for m in mentors:
            there, back = engine.pair(s.id, m.id, explain=False), engine.pair(m.id, s.id, explain=False)
            assert there.score == pytest.approx(back.score)
            if there.score is not None:
                assert there.explanation is None


def test_explanations_name_the_documents_that_weighed_and_skip_boilerplate(
    sample_event: Event, embedder: Embedder
) -> None:
    """Reelwright's "We are raising EUR 1.2M and want introductions..." matches everyone: it is never the reason."""
    engine = MatchEngine.build(sample_event, embedder)
    for role in (Role.MENTOR, Role.INVESTOR):
        for suggestion in engine.suggest("s001", role, 6):
            explanation = suggestion.explanation
            assert explanation is not None and explanation.best_match is not None
            assert "raising" not in explanation.best_match.own_text
            sources = {u.source for u in engine.index.units if u.owner in ("s001", suggestion.id)}
            for side in ("yours", "theirs"):
                named = [c for c in explanation.documents if c.side == side]
                assert 1 <= len(named) <= 3
                assert {c.source for c in named} <= sources
                assert [c.similarity for c in named] == sorted((c.similarity for c in named), reverse=True)
            names = {c.name for c in explanation.components}
            assert {"semantic", "lexical"} <= names
            lexical = next(c for c in explanation.components if c.name == "lexical")
            shared = lexical.detail.removeprefix("shared rare terms: ").split(", ")
            assert lexical.detail.startswith(("shared rare terms: ", "no rare term shared"))
            assert not {"the", "and", "for", "we", "of", "in"} & set(shared)
            assert "Documents that weighed most" in explanation.text


def test_a_model_with_narrow_cosines_gets_its_lexical_weight_scaled() -> None:
    from matcher.embed import ModelSpec, load_registry
    from matcher.matching.affinity import AffinityConfig
    from matcher.matching.engine import for_model

    config = AffinityConfig()
    plain = ModelSpec(name="m", backend="sentence-transformers", source={"path": "/m"})
    assert for_model(config, plain) is config
    scaled = for_model(config, ModelSpec(name="m", backend="x", source={"path": "/m"}, extra={"lexical_scale": 0.3}))
    assert scaled.weights.lexical == pytest.approx(0.3 * config.weights.lexical)
    assert scaled.weights.semantic == config.weights.semantic
    assert load_registry().resolve("multilingual-e5-small-q4").extra["lexical_scale"] == 0.15
