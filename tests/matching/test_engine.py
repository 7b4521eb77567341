"""The engine on the real model and real faiss: exact retrieval, filters, explanations, cache, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.embed import Embedder, EmbeddingBackend, SqliteCache
from matcher.errors import InvalidInput, UnknownName
from matcher.event.schema import COMPLEMENTARY, Conflict, Event, MeetingRequest, Participant, Role
from matcher.matching.affinity import AffinityConfig, Aggregation
from matcher.matching.engine import MatchEngine
from matcher.matching.filters import Exclusion
from matcher.matching.index import IndexKind

TEXTS = [
    "Speech recognition that turns radio archives into searchable podcast clips for broadcasters.",
    "Virtual reality training games for vocational schools, sold to educational publishers.",
    "Churn prediction and audience analytics for regional newspapers.",
    "Former head of digital at a public radio group; helps audio startups sell to broadcasters.",
    "Game designer coaching studios on serious games and publishing deals.",
    "Data scientist who built subscription churn models for media groups.",
    "Seed fund for media technology: audio, newsroom tools and audience data.",
    "Series A investor in games and immersive entertainment companies.",
    "A newspaper group looking for tools that keep digital subscribers.",
    "Sustainable fashion marketplace using 3D garment previews.",
]


def brute_force(engine: MatchEngine, me: str, role: Role) -> list[tuple[str, float]]:
    scores = [engine.pair(me, p.id, explain=False) for p in engine.event.with_role(role)]
    kept = [(s.b_id, s.score) for s in scores if s.score is not None]
    return sorted(kept, key=lambda item: (-item[1], item[0]))


@pytest.mark.slow
def test_suggestions_equal_brute_force_on_the_sample_event(sample_event: Event, embedder: Embedder) -> None:
    engine = MatchEngine.build(sample_event, embedder)
    for startup in sample_event.with_role(Role.STARTUP)[::7]:
        for role in (Role.MENTOR, Role.INVESTOR, Role.CORPORATE):
            got = [(s.id, s.score) for s in engine.suggest(startup.id, role, 10, explain=False)]
            expected = brute_force(engine, startup.id, role)[:10]
            assert [i for i, _ in got] == [i for i, _ in expected]
            assert [s for _, s in got] == pytest.approx([s for _, s in expected])


def test_an_approximate_index_retrieves_the_same_suggestions(sample_event: Event, embedder: Embedder) -> None:
    """The HNSW path (retrieval widened until no unretrieved owner can enter the top k) on a small event, where
    HNSW misses nothing: the same ranking and scores as brute force."""
    engine = MatchEngine.build(sample_event, embedder, kind=IndexKind.HNSW)
    assert not engine.index.exact(Role.MENTOR)
    for startup in sample_event.with_role(Role.STARTUP)[::7]:
        for role in (Role.MENTOR, Role.INVESTOR):
            got = [(s.id, s.score) for s in engine.suggest(startup.id, role, 10, explain=False)]
            expected = brute_force(engine, startup.id, role)[:10]
            assert [i for i, _ in got] == [i for i, _ in expected]
            assert [s for _, s in got] == pytest.approx([s for _, s in expected])


@pytest.mark.parametrize("aggregation", list(Aggregation))
def test_every_aggregation_ranks_exactly(sample_event: Event, embedder: Embedder, aggregation: Aggregation) -> None:
    engine = MatchEngine.build(sample_event, embedder, AffinityConfig(aggregation=aggregation))
    for mentor in sample_event.with_role(Role.MENTOR)[::10]:
        got = [s.id for s in engine.suggest(mentor.id, Role.STARTUP, 10, explain=False)]
        assert got == [i for i, _ in brute_force(engine, mentor.id, Role.STARTUP)[:10]]


people = st.fixed_dictionaries(
    {
        "role": st.sampled_from(list(Role)),
        "languages": st.lists(st.sampled_from(["en", "fr", "de"]), min_size=1, max_size=2, unique=True),
        "organisation": st.sampled_from(["", "Acme", "Nordlys", "Pixelwerk"]),
        "text": st.sampled_from(TEXTS),
        "sectors": st.lists(st.sampled_from(["audio", "games", "news-media", "xr"]), max_size=3, unique=True),
    }
)


@st.composite
def events(draw: st.DrawFn) -> Event:
    rows = draw(st.lists(people, min_size=2, max_size=12))
    participants = tuple(
        Participant.model_validate(
            {
                "id": f"p{i}",
                "name": f"P{i}",
                "role": r["role"],
                "organisation": r["organisation"],
                "country": "DE",
                "languages": r["languages"],
                "sectors": r["sectors"],
                "description": r["text"],
            }
        )
        for i, r in enumerate(rows)
    )
    ids = [p.id for p in participants]
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda t: t[0] != t[1])
    conflicts = draw(st.lists(pairs, max_size=4))
    declined = draw(st.lists(pairs, max_size=4, unique=True))
    return Event(
        name="generated",
        participants=participants,
        conflicts=tuple(Conflict(a_id=a, b_id=b) for a, b in conflicts),
        requests=tuple(MeetingRequest(from_id=a, to_id=b, status="declined") for a, b in declined),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=events(), k=st.integers(1, 12))
def test_filters_are_never_violated(event: Event, k: int, embedder: Embedder) -> None:
    engine = MatchEngine.build(event, embedder)
    conflicts = {frozenset((c.a_id, c.b_id)) for c in event.conflicts}
    declined = {frozenset((r.from_id, r.to_id)) for r in event.requests}
    for me in event.participants:
        for role in COMPLEMENTARY[me.role]:
            got = engine.suggest(me.id, role, k, explain=False)
            for s in got:
                other = event.by_id[s.id]
                assert other.role is role and other.id != me.id
                assert set(me.languages) & set(other.languages)
                assert frozenset((me.id, other.id)) not in conflicts | declined
                assert not me.organisation or me.organisation != other.organisation
            assert [s.id for s in got] == [i for i, _ in brute_force(engine, me.id, role)[:k]]


def test_excluded_pairs_say_why(tiny_event: Event, embedder: Embedder) -> None:
    engine = MatchEngine.build(tiny_event, embedder)
    assert engine.pair("s2", "m2").exclusion is Exclusion.CONFLICT
    assert engine.pair("s3", "c1").exclusion is Exclusion.DECLINED
    assert engine.pair("s3", "m3").exclusion is Exclusion.SAME_ORGANISATION
    assert engine.pair("s2", "i1").exclusion is Exclusion.LANGUAGE  # de only vs it;en
    assert engine.pair("s1", "s2").exclusion is Exclusion.ROLE


def test_explanations_name_components_sectors_and_best_texts(tiny_event: Event, embedder: Embedder) -> None:
    engine = MatchEngine.build(tiny_event, embedder)
    best = engine.suggest("s1", Role.MENTOR, 1)[0]
    assert best.id == "m1"
    explanation = best.explanation
    assert explanation is not None
    assert explanation.shared_sectors == ("audio",)
    assert {c.name for c in explanation.components} == {"semantic", "lexical", "sectors"}
    match = explanation.best_match
    assert match is not None
    assert match.own_text in tiny_event.by_id["s1"].description
    assert match.other_source.startswith("document") or match.other_text in tiny_event.by_id["m1"].description
    investor = engine.suggest("s1", Role.INVESTOR, 1)[0].explanation
    assert investor is not None
    assert {c.name for c in investor.components} == {"semantic", "lexical", "sectors", "stage", "ticket"}
    assert "shared sectors: audio" in investor.text.lower() and "stage 1.00" in investor.text


def test_wrong_role_and_unknown_id_are_clear_errors(tiny_event: Event, embedder: Embedder) -> None:
    engine = MatchEngine.build(tiny_event, embedder)
    with pytest.raises(InvalidInput, match="a startup is matched with mentor, investor, corporate"):
        engine.suggest("s1", Role.STARTUP)
    with pytest.raises(UnknownName, match="no participant 'nobody'"):
        engine.suggest("nobody", Role.MENTOR)


def test_second_run_embeds_nothing(tiny_event: Event, backend: EmbeddingBackend, tmp_path: Path) -> None:
    def fresh() -> Embedder:
        return Embedder(backend.spec, lambda: backend, SqliteCache(tmp_path / "cache.sqlite"))

    _, first = MatchEngine.build_with_stats(tiny_event, fresh())
    assert first.encoded == first.unique > 0
    _, second = MatchEngine.build_with_stats(tiny_event, fresh())
    assert second.encoded == 0 and second.cached == first.unique


def test_same_input_same_output(tiny_event: Event, backend: EmbeddingBackend) -> None:
    runs = []
    for _ in range(2):
        engine = MatchEngine.build(tiny_event, Embedder(backend.spec, lambda: backend))
        runs.append([(s.id, s.score, s.explanation) for s in engine.suggest("s1", Role.INVESTOR, 5)])
    assert runs[0] == runs[1]


def test_incremental_put_and_remove_match_a_full_rebuild(tiny_event: Event, embedder: Embedder) -> None:
    from dataclasses import replace

    from matcher.matching.profile_index import texts_to_embed
    from matcher.matching.profiles import units_of

    engine = MatchEngine.build(tiny_event, embedder)
    index = engine.index
    assert index.remove("m1") and "m1" not in index and not index.remove("m1")
    newcomer = Participant.model_validate(
        {
            "id": "m9",
            "name": "Ines Duarte",
            "role": "mentor",
            "country": "PT",
            "languages": "pt;en",
            "sectors": "audio",
            "description": "Podcast network founder; helps audio startups license radio archives.",
        }
    )
    units = units_of(newcomer)
    index.put(newcomer, units, embedder.embed(texts_to_embed(units, sentences=False)).vectors)
    changed = replace(tiny_event, participants=(*tuple(p for p in tiny_event.participants if p.id != "m1"), newcomer))
    live = MatchEngine(changed, index, embedder, AffinityConfig())
    rebuilt = MatchEngine.build(changed, embedder)
    for me in ("s1", "s2", "s3"):
        got = [(s.id, s.score) for s in live.suggest(me, Role.MENTOR, 5, explain=False)]
        expected = [(s.id, s.score) for s in rebuilt.suggest(me, Role.MENTOR, 5, explain=False)]
        assert [i for i, _ in got] == [i for i, _ in expected] and "m1" not in [i for i, _ in got]
        assert [s for _, s in got] == pytest.approx([s for _, s in expected])
    assert live.suggest("s1", Role.MENTOR, 1)[0].id == "m9"


def test_explanation_names_languages_when_they_differ(tiny_event: Event, embedder: Embedder) -> None:
    from dataclasses import replace

    bilingual = tiny_event.by_id["s2"].model_copy(update={"languages": ("de", "en")})
    event = replace(tiny_event, participants=tuple(bilingual if p.id == "s2" else p for p in tiny_event.participants))
    engine = MatchEngine.build(event, embedder)
    german = engine.suggest("s2", Role.INVESTOR, 1)[0].explanation  # German pitch, English investor thesis
    assert german is not None and german.languages == ("de", "en")
    assert "Languages differ: yours is German (de), theirs English (en)." in german.text
    english = engine.suggest("s1", Role.MENTOR, 1)[0].explanation  # English best match on both sides
    assert english is not None and english.languages is None and "Languages differ" not in english.text
