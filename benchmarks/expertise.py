"""Mentor expertise on labelled data: does the engine's mentor affinity order papers as their readers' expertise does?

    python -m benchmarks.expertise [--data DIR] [--json FILE] [--model NAME] [--cache FILE]

Data (``../shared/datasets/expertise`` beside the project by default; ``fixtures/expertise-sample`` is a small
synthetic set in the same format), laid out like the public reviewer-paper expertise gold standard (Stelmakh et
al., 2023):

* ``DIR/data/evaluations.csv``: tab-separated, ``ParticipantID``, ``Paper1``..``Paper10``, ``Expertise1``..
  ``Expertise10``: the participant's self-rated expertise (1-5) for each paper; empty cells are ignored;
* ``DIR/evaluation_datasets/d_20_<n>/archives/~<ParticipantID>.jsonl``: the participant's own papers, one
  ``{"id", "content": {"title", "abstract"}}`` per line;
* ``DIR/evaluation_datasets/d_20_<n>/submissions.json``: ``{paper_id: {"id", "content": {"title", "abstract"}}}``.

Protocol, per set ``d_20_<n>``: every participant with an archive is a mentor whose ``documents`` are their papers
(title and abstract) and whose description lists their titles; every rated paper is a startup described by its title
and abstract. A paper a participant rated is left out of that participant's archive (the real data has papers in
their author's archive; scoring a paper against itself would say nothing). One event per set is embedded through the
engine's normal path (``ProfileIndex.build``, ``MatchEngine``) and each rated pair scored by ``MatchEngine.pair``:
the code that scores suggestions, with default settings and variants that change one setting each. Ratings of
papers absent from the set's submissions, or of participants without an archive in it, are skipped and counted.

Metric, per set: for every participant and every pair of papers they rated differently, a wrongly ordered pair
costs the difference of the two ratings and a tie of the predicted scores half of it; the loss is the total cost
over the total difference (0 perfect, 0.5 a constant predictor, 1 reversed). Accuracy on easy pairs (one rated
>= 4, the other <= 2) and hard pairs (both >= 4, unequal) is the share ordered correctly, a tie counting half.
Figures are averaged over the sets present. Baselines: a constant predictor, and BM25 and TF-IDF cosine between a
paper and the participant's closest archive paper. Published losses on the real data, for orientation: TPMS 0.28,
SPECTER 0.27, SPECTER2 0.22.

``--json FILE`` writes ``{"sets", "loss", "easy_accuracy", "hard_accuracy"}`` (the engine's averages) plus
``per_set``, ``methods`` (every method's averages and per-set figures) and counts. Exit codes: 2 when the data is
missing, 1 when a file is malformed (the message names the file and line) or the model name is unknown, 3 when the
model cannot be loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path
from statistics import mean
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from benchmarks.expertise_data import (
    Dataset,
    ExpertiseSet,
    Paper,
    Rating,
    load_dataset,
    missing_data,
)
from benchmarks.textbaselines import Bm25, TfIdf, tokens
from matcher.embed import Embedder, MemoryCache, SqliteCache, load_backend, load_registry
from matcher.errors import MatchError, ModelUnavailable, SolverFailed
from matcher.event.schema import Document, Event, Participant, Role
from matcher.matching.affinity import AffinityConfig, AffinityWeights, Aggregation, PassageReduce
from matcher.matching.engine import MatchEngine
from matcher.matching.profile_index import ProfileIndex
from matcher.matching.profiles import MAX_WORDS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "expertise"
PUBLISHED_LOSS = {"TPMS": 0.28, "SPECTER": 0.27, "SPECTER2": 0.22}
ENGINE = "engine"
#: Words above which a text is split, for the variants that force long documents into passages.
SHORT_WINDOW = 40


#: The engine's settings measured, each with the window (words) its index splits texts at: the default first, then
#: one change at a time (aggregation, lexical weight, how a document split into passages is reduced).
VARIANTS: dict[str, tuple[AffinityConfig, int]] = {
    ENGINE: (AffinityConfig(), MAX_WORDS),
    "engine, semantic only": (AffinityConfig(weights=AffinityWeights(lexical=0.0)), MAX_WORDS),
    "engine, lexical 0.2": (AffinityConfig(weights=AffinityWeights(lexical=0.2)), MAX_WORDS),
    "engine, lexical 0.5": (AffinityConfig(weights=AffinityWeights(lexical=0.5)), MAX_WORDS),
    "engine, lexical 0.35": (AffinityConfig(weights=AffinityWeights(lexical=0.35)), MAX_WORDS),
    "engine, max": (AffinityConfig(aggregation=Aggregation.MAX), MAX_WORDS),
    "engine, mean": (AffinityConfig(aggregation=Aggregation.MEAN), MAX_WORDS),
    "engine, log-sum-exp": (AffinityConfig(aggregation=Aggregation.LSE), MAX_WORDS),
    "engine, top-2 mean": (AffinityConfig(top_k=2), MAX_WORDS),
    "engine, top-5 mean": (AffinityConfig(top_k=5), MAX_WORDS),
    f"engine, {SHORT_WINDOW}-word passages, max": (AffinityConfig(), SHORT_WINDOW),
    f"engine, {SHORT_WINDOW}-word passages, mean": (AffinityConfig(passages=PassageReduce.MEAN), SHORT_WINDOW),
}

Key = tuple[str, str]  # (participant, paper)
Scores = dict[Key, float]


# -- protocol ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """What is scored in one set: the usable ratings, the archives without rated papers, the rated papers."""

    name: str
    ratings: tuple[Rating, ...]
    archives: Mapping[str, tuple[Paper, ...]]
    papers: Mapping[str, Paper]
    skipped: int  # ratings that cannot be scored in this set
    left_out: int  # archive papers left out because their author rated them


def _title_key(text: str) -> str:
    return " ".join(tokens(text))


def task_of(data: Dataset, expertise_set: ExpertiseSet) -> Task:
    """Apply the protocol to one set: leave rated papers out of their raters' archives, skip what cannot be scored."""
    rated: dict[str, list[Rating]] = defaultdict(list)
    for r in data.ratings:
        paper = expertise_set.submissions.get(r.paper)
        if paper is not None and paper.text:
            rated[r.participant].append(r)
    archives: dict[str, tuple[Paper, ...]] = {}
    left_out = 0
    for person, own in expertise_set.archives.items():
        mine = [expertise_set.submissions[r.paper] for r in rated.get(person, [])]
        ids, titles = {p.id for p in mine}, {_title_key(p.title) for p in mine if p.title}
        kept = tuple(p for p in own if p.text and p.id not in ids and _title_key(p.title) not in titles)
        left_out += sum(1 for p in own if p.text) - len(kept)
        if kept and mine:
            archives[person] = kept
    usable = tuple(r for r in data.ratings if r.participant in archives and r in rated[r.participant])
    papers = {r.paper: expertise_set.submissions[r.paper] for r in usable}
    return Task(expertise_set.name, usable, archives, papers, len(data.ratings) - len(usable), left_out)


# -- metric ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """``None`` where a set has no pair of that kind."""

    loss: float | None
    easy_accuracy: float | None
    hard_accuracy: float | None
    pairs: int
    easy_pairs: int
    hard_pairs: int


def figures(ratings: Iterable[Rating], scores: Mapping[Key, float]) -> Figures:
    """Loss, easy and hard accuracy of predicted ``scores`` against the ratings (see the module docstring)."""
    by_person: dict[str, list[Rating]] = defaultdict(list)
    for r in ratings:
        by_person[r.participant].append(r)
    weight = cost = 0.0
    pairs = 0
    easy: list[float] = []
    hard: list[float] = []
    for own in by_person.values():
        for a, b in combinations(own, 2):
            if a.expertise == b.expertise:
                continue
            high, low = (a, b) if a.expertise > b.expertise else (b, a)
            s_high, s_low = scores[(high.participant, high.paper)], scores[(low.participant, low.paper)]
            credit = 1.0 if s_high > s_low else 0.5 if s_high == s_low else 0.0
            diff = high.expertise - low.expertise
            weight, cost, pairs = weight + diff, cost + diff * (1.0 - credit), pairs + 1
            if high.expertise >= 4 and low.expertise <= 2:
                easy.append(credit)
            if low.expertise >= 4:
                hard.append(credit)
    return Figures(
        cost / weight if weight else None,
        mean(easy) if easy else None,
        mean(hard) if hard else None,
        pairs,
        len(easy),
        len(hard),
    )


def averaged(per_set: Sequence[Figures]) -> dict[str, float | None]:
    """The mean of each figure over the sets that have it."""
    out: dict[str, float | None] = {}
    for name in ("loss", "easy_accuracy", "hard_accuracy"):
        values = [v for f in per_set if (v := getattr(f, name)) is not None]
        out[name] = mean(values) if values else None
    return out


# -- methods -----------------------------------------------------------------------------------------------------


def _person(pid: str, name: str, role: Role, description: str) -> Participant:
    return Participant(id=pid, name=name, role=role, country="DE", languages=("en",), description=description)


def event_of(task: Task) -> tuple[Event, dict[str, str], dict[str, str]]:
    """The set as an event of mentors (participants) and startups (papers), with the id of each in it."""
    mentor_ids = {person: f"m{k:04d}" for k, person in enumerate(sorted(task.archives))}
    startup_ids = {paper: f"p{k:05d}" for k, paper in enumerate(sorted(task.papers))}
    people, documents = [], []
    for person, mid in mentor_ids.items():
        own = task.archives[person]
        titles = "; ".join(p.title for p in own if p.title)
        people.append(
            _person(mid, person, Role.MENTOR, f"Author of {len(own)} papers" + (f": {titles}." if titles else "."))
        )
        documents += [Document(participant_id=mid, title=p.title, text=p.abstract or p.title) for p in own]
    for paper, sid in startup_ids.items():
        people.append(_person(sid, task.papers[paper].title or paper, Role.STARTUP, task.papers[paper].text))
    return Event(name=task.name, participants=tuple(people), documents=tuple(documents)), mentor_ids, startup_ids


def engine_scores(
    task: Task, embedder: Embedder, configs: Mapping[str, tuple[AffinityConfig, int]]
) -> dict[str, Scores]:
    """Every rated pair scored by ``MatchEngine.pair`` under each configuration (one index per window)."""
    event, mentor_ids, startup_ids = event_of(task)
    indexes: dict[int, ProfileIndex] = {}
    out: dict[str, Scores] = {}
    for name, (config, window) in configs.items():
        if window not in indexes:  # no explanations, so no sentence vectors
            indexes[window], _ = ProfileIndex.build(event, embedder, sentences=False, max_words=window)
        engine = MatchEngine(event, indexes[window], embedder, config)
        scores: Scores = {}
        for r in task.ratings:
            pair = engine.pair(startup_ids[r.paper], mentor_ids[r.participant], explain=False)
            if pair.score is None:
                raise SolverFailed(f"the engine excluded {r.participant} and paper {r.paper}: {pair.exclusion}")
            scores[(r.participant, r.paper)] = pair.score
        out[name] = scores
    return out


def _closest(task: Task, score: Callable[[str, Sequence[str]], Iterable[float]]) -> Scores:
    """Each rated pair scored by its best match among the participant's archive papers."""
    return {
        (r.participant, r.paper): max(score(task.papers[r.paper].text, [p.text for p in task.archives[r.participant]]))
        for r in task.ratings
    }


def baseline_scores(task: Task) -> dict[str, Scores]:
    """A constant predictor, and BM25 and TF-IDF cosine to the closest archive paper (statistics over the set)."""
    archive = [p.text for own in task.archives.values() for p in own]
    row = {text: k for k, text in enumerate(archive)}
    bm25 = Bm25(archive)
    tfidf = TfIdf([*archive, *(p.text for p in task.papers.values())])
    return {
        "constant": {(r.participant, r.paper): 0.0 for r in task.ratings},
        "bm25": _closest(task, lambda query, docs: bm25.scores(query, [row[d] for d in docs]).tolist()),
        "tf-idf cosine": _closest(task, lambda query, docs: (tfidf.cosine(query, d) for d in docs)),
    }


# -- running -----------------------------------------------------------------------------------------------------


def run(
    root: Path, embedder: Embedder, variants: Mapping[str, tuple[AffinityConfig, int]] = VARIANTS
) -> dict[str, Any]:
    """The figures of the engine (under each of ``variants``, the default first) and the baselines on every set."""
    data = load_dataset(root)
    tasks = [task_of(data, s) for s in data.sets]
    per_method: dict[str, dict[str, Figures]] = defaultdict(dict)
    for task in tasks:
        for name, scores in {**engine_scores(task, embedder, variants), **baseline_scores(task)}.items():
            per_method[name][task.name] = figures(task.ratings, scores)
    engine = per_method[ENGINE]
    return {
        "sets": len(tasks),
        **averaged(list(engine.values())),
        "model": embedder.spec.name,
        "participants": len(data.participants),
        "ratings": len(data.ratings),
        "per_set": {
            t.name: {**asdict(engine[t.name]), "scored": len(t.ratings), "skipped": t.skipped, "left_out": t.left_out}
            for t in tasks
        },
        "methods": {
            name: {**averaged(list(sets.values())), "per_set": {s: asdict(f) for s, f in sets.items()}}
            for name, sets in per_method.items()
        },
        "published_loss": PUBLISHED_LOSS,
    }


def _cell(value: float | None) -> str:
    return f"{value:>6.3f}" if value is not None else f"{'-':>6}"


def render(result: Mapping[str, Any]) -> str:
    """A plain-text table: per method, each set's loss / easy / hard accuracy and their average."""
    lines = [f"{result['sets']} sets, {result['participants']} participants, {result['ratings']} ratings, "
             f"model {result['model']}; loss (0.5 = constant), easy and hard accuracy (ties count half)"]  # fmt: skip
    for name, info in result["per_set"].items():
        lines.append(f"  {name}: {info['scored']} ratings scored ({info['skipped']} skipped), {info['pairs']} pairs "
                     f"({info['easy_pairs']} easy, {info['hard_pairs']} hard), {info['left_out']} archive paper(s) "
                     "left out (rated by their author)")  # fmt: skip
    head = f"{'method':<34} {'set':<9} {'loss':>6} {'easy':>6} {'hard':>6}"
    lines += ["", head, "-" * len(head)]
    for name, method in result["methods"].items():
        rows = [*method["per_set"].items(), ("average", method)]
        for k, (set_name, f) in enumerate(rows):
            label = name if k == 0 else ""
            lines.append(f"{label:<34} {set_name:<9} {_cell(f['loss'])} {_cell(f['easy_accuracy'])} "
                         f"{_cell(f['hard_accuracy'])}")  # fmt: skip
    published = ", ".join(f"{k} {v}" for k, v in PUBLISHED_LOSS.items())
    lines += ["", f"published losses on the real dataset (Stelmakh et al., 2023): {published}"]
    return "\n".join(lines)


def _embedder(model: str | None, cache: Path | None) -> Embedder:
    spec = load_registry().resolve(model)
    return Embedder(spec, lambda: load_backend(spec), SqliteCache(cache) if cache else MemoryCache())


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="The data directory (see above).")
    parser.add_argument("--model", default=None, help="Registered model name (default: the registry default).")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "cache" / "embeddings.sqlite")
    parser.add_argument("--json", type=Path, default=None, help="Write the figures to this file.")
    args = parser.parse_args(argv)
    problem = missing_data(args.data)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        raise SystemExit(2)
    try:
        result = run(args.data, _embedder(args.model, args.cache))
    except MatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(3 if isinstance(exc, ModelUnavailable | SolverFailed) else 1) from None
    print(render(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
