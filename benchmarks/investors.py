"""Investor matching on real data: do the engine's investor suggestions find a startup's real investors?

    python -m benchmarks.investors [--data PATH] [--json FILE] [--model NAME] [--limit N]

Data: ``../shared/datasets/yc-startups/Startups.csv`` (Y Combinator companies 2005-2014 with their investors; CC BY-SA
4.0, Alice Corona). Protocol, fixed so results compare over time:

* candidates are the investors other than Y Combinator with at least 5 portfolio companies in the file;
* for each company with a description and at least one candidate investor, every candidate's profile is built from
  its portfolio companies other than this one: they are the investor's ``documents`` (title = company, text =
  description), its sectors are their categories, its ``deals`` their number; the company is a startup whose
  description and sectors are its own;
* all candidates are ranked for the company through the engine's normal path (``ProfileIndex.put`` of the changed
  profiles, then ``MatchEngine.suggest``: the code that serves suggestions), and every true link is scored.

Reported: recall@10 and MRR over links, for the engine (default settings), its variants (aggregation, with and
without structured scores), and baselines: popularity (portfolio size), category overlap, and BM25 on the texts.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

from benchmarks.textbaselines import bm25_scores
from matcher.embed import Embedder, MemoryCache, ModelSpec, SqliteCache, load_backend, load_registry
from matcher.event.schema import Document, Event, Participant, Role
from matcher.matching.affinity import AffinityConfig, AffinityWeights, Aggregation
from matcher.matching.engine import MatchEngine
from matcher.matching.profile_index import ProfileIndex, texts_to_embed
from matcher.matching.profiles import units_of

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "yc-startups" / "Startups.csv"
MIN_PORTFOLIO = 5
RECENT_YEARS = 0.5
EXCLUDED_INVESTOR = "Y Combinator"


@dataclass(frozen=True)
class Company:
    cid: str
    name: str
    description: str
    categories: tuple[str, ...]
    investors: tuple[str, ...]
    batch: float | None  # YC batch as a year (Summer = +0.5)
    raised: int | None  # largest disclosed round, USD


@dataclass(frozen=True)
class Dataset:
    companies: tuple[Company, ...]
    candidates: tuple[str, ...]
    portfolio: dict[str, tuple[str, ...]]  # investor -> company ids

    @property
    def queries(self) -> tuple[Company, ...]:
        cands = set(self.candidates)
        return tuple(c for c in self.companies if c.description and any(i in cands for i in c.investors))


def _tag(text: str) -> str:
    return re.sub(r"[^a-z0-9+]+", "-", text.strip().lower()).strip("-")


def load_dataset(path: Path) -> Dataset:
    companies = []
    with path.open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle)):
            investors = tuple(dict.fromkeys(i.strip() for i in (row.get("Investors") or "").split(",") if i.strip()))
            categories = tuple(dict.fromkeys(t for c in (row.get("Categories") or "").split(",") if (t := _tag(c))))
            year, session = (
                (row.get("Y Combinator Year") or "").strip(),
                (row.get("Y Combinator Session") or "").strip(),
            )
            batch = int(year) + (0.5 if session.startswith("Summer") else 0.0) if year.isdigit() else None
            rounds = re.findall(r"\$([\d,]+)", row.get("Amounts raised in different funding rounds") or "")
            raised = max((int(r.replace(",", "")) for r in rounds), default=0) or None
            description = (row.get("Description") or "").strip()
            companies.append(
                Company(f"c{n:04d}", row["Company"].strip(), description, categories, investors, batch, raised)
            )
    portfolio: dict[str, list[str]] = defaultdict(list)
    for c in companies:
        for i in c.investors:
            portfolio[i].append(c.cid)
    candidates = tuple(sorted(i for i, cs in portfolio.items() if i != EXCLUDED_INVESTOR and len(cs) >= MIN_PORTFOLIO))
    return Dataset(tuple(companies), candidates, {i: tuple(portfolio[i]) for i in candidates})


def _investor_id(k: int) -> str:
    return f"inv{k:03d}"


class Profiles:
    """Investor participants and documents built from portfolios, leaving one company out."""

    def __init__(self, data: Dataset) -> None:
        self.data = data
        self.by_cid = {c.cid: c for c in data.companies}
        self.ids = {name: _investor_id(k) for k, name in enumerate(data.candidates)}

    def investor(self, name: str, leave_out: Company | None = None) -> tuple[Participant, tuple[Document, ...]]:
        """The investor's profile from its portfolio without ``leave_out``, at the time ``leave_out`` raised.

        ``deals`` counts its investments within six months of that company's YC batch (its recent activity then);
        its ticket range spans the middle half of its portfolio companies' largest disclosed rounds.
        """
        iid = self.ids[name]
        out = leave_out.cid if leave_out else None
        members = [self.by_cid[c] for c in self.data.portfolio[name] if c != out]
        at = leave_out.batch if leave_out else None
        recent = [c for c in members if at is None or (c.batch is not None and abs(c.batch - at) <= RECENT_YEARS)]
        amounts = sorted(c.raised for c in members if c.raised)
        lo, hi = (int(np.percentile(amounts, 25)), int(np.percentile(amounts, 75))) if amounts else (None, None)
        docs = tuple(
            Document(participant_id=iid, title=c.name, text=c.description or ", ".join(c.categories) or c.name)
            for c in members
            if c.description or c.categories
        )
        counts = Counter(t for c in members for t in c.categories)
        top = [t for t, _ in counts.most_common(8)]
        description = f"{name} invests in {', '.join(t.replace('-', ' ') for t in top[:5]) or 'startups'}."
        participant = Participant(
            id=iid,
            name=name,
            role=Role.INVESTOR,
            organisation=name,
            country="US",
            languages=("en",),
            sectors=tuple(top),
            description=description,
            deals=len(recent),
            ticket_min_eur=lo,
            ticket_max_eur=hi,
        )
        return participant, docs

    def startup(self, company: Company) -> Participant:
        return Participant(
            id=company.cid,
            name=company.name,
            role=Role.STARTUP,
            organisation=company.name,
            country="US",
            languages=("en",),
            sectors=company.categories,
            description=company.description,
            ticket_min_eur=company.raised,
        )


def ranks_of(order: Sequence[str], truth: Sequence[str], pool: int) -> list[int]:
    """1-based rank of each true id in ``order``; ids missing from the ranking rank last (``pool``)."""
    position = {x: k + 1 for k, x in enumerate(order)}
    return [position.get(t, pool) for t in truth]


def metrics(ranks: Sequence[int], k: int = 10) -> dict[str, float]:
    if not ranks:
        return {"recall@10": 0.0, "mrr": 0.0}
    return {
        "recall@10": sum(r <= k for r in ranks) / len(ranks),
        "mrr": sum(1.0 / r for r in ranks) / len(ranks),
    }


class EngineRanker:
    """Ranks candidates for a company through ProfileIndex.put and MatchEngine.suggest (the serving path)."""

    def __init__(self, profiles: Profiles, embedder: Embedder) -> None:
        self.profiles = profiles
        self.embedder = embedder
        participants: list[Participant] = []
        documents: list[Document] = []
        for name in profiles.data.candidates:
            p, docs = profiles.investor(name)
            participants.append(p)
            documents.extend(docs)
        self.base = Event(name="yc", participants=tuple(participants), documents=tuple(documents))
        self.index, _ = ProfileIndex.build(self.base, embedder)
        # Leave-one-out profiles are embedded up front (one batch), so each query only re-indexes.
        embedder.embed(texts_to_embed([u for c in profiles.data.queries for u in units_of(profiles.startup(c))]))

    def _put(self, participant: Participant, docs: Sequence[Document]) -> None:
        units = units_of(participant, docs)
        self.index.put(participant, units, self.embedder.embed(texts_to_embed(units, sentences=False)).vectors)

    def rank(self, company: Company, config: AffinityConfig) -> list[str]:
        changed = {self.profiles.ids[n] for n in company.investors if n in self.profiles.ids}
        people: dict[str, Participant] = {}
        docs = [d for d in self.base.documents if d.participant_id not in changed]
        for name in self.profiles.data.candidates:
            # Every investor's activity and tickets are as of this company's batch; only its own investors lose a
            # document (this company), so only they are re-indexed.
            p, own = self.profiles.investor(name, leave_out=company)
            people[p.id] = p
            if p.id in changed:
                docs.extend(own)
                self._put(p, own)
        startup = self.profiles.startup(company)
        self._put(startup, ())
        event = replace(self.base, participants=(*people.values(), startup), documents=tuple(docs))
        engine = MatchEngine(event, self.index, self.embedder, config)
        order = [s.id for s in engine.suggest(startup.id, Role.INVESTOR, len(self.profiles.ids), explain=False)]
        self.index.remove(startup.id)
        for name in self.profiles.data.candidates:
            if self.profiles.ids[name] in changed:
                p, own = self.profiles.investor(name)
                self._put(p, own)
        return order


def baseline_rankings(profiles: Profiles, company: Company) -> dict[str, list[str]]:
    names = profiles.data.candidates
    built = [profiles.investor(n, leave_out=company) for n in names]
    size = [len(docs) for _, docs in built]
    ids = [p.id for p, _ in built]

    def order(scores: Sequence[float]) -> list[str]:
        # Ties broken by portfolio size, then id: the fairest simple tie-break.
        return [ids[j] for j in sorted(range(len(ids)), key=lambda j: (-scores[j], -size[j], ids[j]))]

    cats = set(company.categories)
    overlap = [
        sum(1 for c in profiles.data.portfolio[n] if c != company.cid and cats & set(profiles.by_cid[c].categories))
        for n in names
    ]
    texts = [" ".join(d.text for d in docs) for _, docs in built]
    return {
        "popularity": order(size),
        "recent activity (deals)": order([p.deals or 0 for p, _ in built]),
        "category overlap": order(overlap),
        "bm25": order(bm25_scores(company.description, texts).tolist()),
    }


VARIANTS: dict[str, AffinityConfig] = {
    "engine": AffinityConfig(),  # the default settings; the key the issue fixes for the JSON
    "engine, semantic only": AffinityConfig(weights=AffinityWeights(1.0, 0.0, 0.0, 0.0, 0.0, 0.0)),
    "engine, no lexical": AffinityConfig(weights=AffinityWeights(lexical=0.0)),
    "engine, lexical 0.35": AffinityConfig(weights=AffinityWeights(lexical=0.35)),
    "engine, max": AffinityConfig(aggregation=Aggregation.MAX),
    "engine, mean": AffinityConfig(aggregation=Aggregation.MEAN),
    "engine, log-sum-exp": AffinityConfig(aggregation=Aggregation.LSE),
    "engine, top-5 mean": AffinityConfig(top_k=5),
    "engine, no activity": AffinityConfig(weights=AffinityWeights(activity=0.0)),
    "engine, no structured": AffinityConfig(weights=AffinityWeights(1.0, 0.0, 0.0, 0.0, 0.0)),
}


def run(
    data_path: Path,
    model: str | ModelSpec | None,
    limit: int | None,
    cache_path: Path | None,
    variants: Mapping[str, AffinityConfig] = VARIANTS,
) -> dict[str, object]:
    """Recall@10 and MRR of the engine under each of ``variants`` and of the baselines."""
    data = load_dataset(data_path)
    profiles = Profiles(data)
    spec = model if isinstance(model, ModelSpec) else load_registry().resolve(model)
    cache = SqliteCache(cache_path) if cache_path else MemoryCache()
    embedder = Embedder(spec, lambda: load_backend(spec), cache, progress=True)
    ranker = EngineRanker(profiles, embedder)
    queries = data.queries[:limit] if limit else data.queries
    ranks: dict[str, list[int]] = defaultdict(list)
    pool = len(data.candidates)
    links = 0
    for company in queries:
        truth = [profiles.ids[n] for n in company.investors if n in profiles.ids]
        links += len(truth)
        for name, config in variants.items():
            ranks[name] += ranks_of(ranker.rank(company, config), truth, pool)
        for name, order in baseline_rankings(profiles, company).items():
            ranks[name] += ranks_of(order, truth, pool)
    return {
        "links": links,
        "companies": len(queries),
        "candidates": pool,
        "model": spec.name,
        "methods": {name: metrics(r) for name, r in ranks.items()},
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", default=None)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N companies (quick runs).")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "cache" / "embeddings.sqlite")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(args.data, args.model, args.limit, args.cache)
    print(f"{result['links']} links, {result['companies']} companies, {result['candidates']} candidate investors, "
          f"model {result['model']}")  # fmt: skip
    print(f"{'method':<36} {'recall@10':>9} {'MRR':>7}")
    methods: dict[str, dict[str, float]] = result["methods"]  # type: ignore[assignment]
    for name, m in sorted(methods.items(), key=lambda kv: -kv[1]["recall@10"]):
        print(f"{name:<36} {m['recall@10']:>9.3f} {m['mrr']:>7.3f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
