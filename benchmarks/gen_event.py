"""Seeded generator of large, realistic-looking B2B meeting events, as :class:`~matcher.event.schema.Event` objects.

What makes it realistic: investor popularity is Zipf-skewed (a few investors are requested by hundreds of
startups, far beyond their 18 slots), hosts keep a table all day, some people come only in the morning or the
afternoon, some attend online or hybrid, many cap their meetings, a few pairs share an organisation or no
language, and requests are accepted, pending, declined or mutual. Affinities come from a low-rank latent factor
model (as text embeddings would give) mapped into 0..1. ``target_pairs`` requested and suggested pairs are drawn:
the requests, then each startup's best unrequested suggestions by affinity; the pair filters (declined, conflict,
same organisation, no common language) then remove about a tenth, so :data:`FULL`'s 6,650 give ~6,000 candidates.
Locks are taken from a greedy schedule, so they are always feasible. ``partial_share`` (the share of people
who come for part of the day), ``window`` (how many slots they stay) and ``investor_requests`` (the mean number of
investors a startup asks for) make the event scarcer; ``benchmarks.scheduling --sweep`` uses them.

Example
-------
>>> gen = generate_event(n_startups=40, n_investors=15, n_mentors=10, n_slots=6, n_physical=10, n_online=3,
...                      n_hosted=2, target_pairs=200, seed=1)
>>> len(gen.event.participants), len(gen.event.slots), len(gen.event.tables)
(65, 6, 13)
>>> gen.problem().n_pairs > 150
True
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import numpy as np

from matcher.event.schema import (
    Availability,
    Conflict,
    Event,
    LockedMeeting,
    MeetingRequest,
    Participant,
    RequestStatus,
    Slot,
    Table,
    TableKind,
)
from matcher.meetings.greedy import GreedyMeetingSolver
from matcher.meetings.model import Origin, PriorityWeights
from matcher.meetings.problem import MeetingProblem
from matcher.solving.base import Limits

__all__ = ["FULL", "QUICK", "GeneratedEvent", "generate_event"]

_COUNTRIES = ("DE", "FR", "ES", "IT", "NL", "DK", "SE", "PL", "PT", "BE", "AT", "FI")
_LOCAL = {
    "DE": "de",
    "FR": "fr",
    "ES": "es",
    "IT": "it",
    "NL": "nl",
    "DK": "da",
    "SE": "sv",
    "PL": "pl",
    "PT": "pt",
    "BE": "fr",
    "AT": "de",
    "FI": "fi",
}


@dataclass(frozen=True, eq=False)
class GeneratedEvent:
    """A generated event and the matcher's suggestions for it, ``(a_id, b_id, affinity)``."""

    name: str
    event: Event
    suggested: tuple[tuple[str, str, float], ...]

    def problem(self, weights: PriorityWeights = PriorityWeights()) -> MeetingProblem:
        return MeetingProblem.build(self.event, self.suggested, weights)


def generate_event(
    *,
    n_startups: int = 600,
    n_investors: int = 250,
    n_mentors: int = 150,
    n_slots: int = 18,
    n_physical: int = 120,
    n_online: int = 30,
    n_hosted: int = 30,
    target_pairs: int = 6000,
    n_locked: int = 10,
    partial_share: float = 0.25,
    window: int | None = None,
    investor_requests: float = 3.0,
    seed: int = 0,
) -> GeneratedEvent:
    """A seeded event; the same arguments always give the same event (see the module docstring)."""
    rng = np.random.default_rng(seed)
    roles = ["startup"] * n_startups + ["investor"] * n_investors + ["mentor"] * n_mentors
    ids = [f"s{k:04d}" for k in range(n_startups)] + [f"i{k:03d}" for k in range(n_investors)]
    ids += [f"m{k:03d}" for k in range(n_mentors)]
    n = len(ids)
    startups = np.arange(n_startups)
    partners = np.arange(n_startups, n)
    is_investor = np.arange(n) < n_startups + n_investors

    # popularity: Zipf over investors, flatter over mentors; affinity from latent factors in 0..1
    pop = np.zeros(n)
    pop[n_startups : n_startups + n_investors] = 1 / np.arange(1, n_investors + 1) ** 1.0
    pop[n_startups + n_investors :] = 0.4 / np.arange(1, n_mentors + 1) ** 0.5
    factors = rng.standard_normal((n, 8))
    factors /= np.linalg.norm(factors, axis=1, keepdims=True)
    affinity = np.clip(
        0.5
        + 0.45 * (factors[startups] @ factors[partners].T)
        + 0.04 * rng.standard_normal((n_startups, partners.size)),
        0,
        1,
    ).round(3)

    countries = rng.choice(_COUNTRIES, n)
    speaks_en = rng.random(n) > 0.04
    attendance = rng.choice(["onsite", "hybrid", "online"], n, p=[0.78, 0.12, 0.10])
    caps: list[int | None] = [None if rng.random() < 0.7 else int(rng.integers(6, 11)) for _ in startups]
    caps += [int(rng.integers(8, 17)) if rng.random() < 0.8 else None for _ in range(n_investors)]
    caps += [int(rng.integers(6, 13)) for _ in range(n_mentors)]
    orgs = [f"Org {i}" for i in ids]
    for s in rng.choice(startups, n_startups // 20, replace=False).tolist():  # incubator spin-offs
        orgs[s] = orgs[int(rng.integers(n_startups + n_investors, n))]
    # the most popular investors host the first tables
    host_of = {k: n_startups + k for k in range(n_hosted)}
    for h in host_of.values():
        attendance[h] = "onsite"
    participants = tuple(
        Participant.model_validate(
            {
                "id": ids[i],
                "name": ids[i],
                "role": roles[i],
                "organisation": orgs[i],
                "country": countries[i],
                "languages": ("en;" if speaks_en[i] else "") + _LOCAL[countries[i]],
                "description": "generated",
                "max_meetings": caps[i],
                "attendance": attendance[i],
            }
        )
        for i in range(n)
    )
    t0 = datetime(2026, 12, 10, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    slots = tuple(
        Slot(slot_id=f"S{k + 1:02d}", start=t0 + timedelta(minutes=20 * k), end=t0 + timedelta(minutes=20 * k + 20))
        for k in range(n_slots)
    )
    tables = tuple(
        Table(table_id=f"T{k + 1:03d}", kind=TableKind.PHYSICAL, host_id=ids[host_of[k]] if k in host_of else None)
        for k in range(n_physical)
    )
    tables += tuple(Table(table_id=f"O{k + 1:02d}", kind=TableKind.ONLINE) for k in range(n_online))
    availability = []
    window = window or min(n_slots, n_slots // 2 + 2)  # morning, afternoon or somewhere in the middle
    for i in np.flatnonzero(rng.random(n) < partial_share).tolist():
        lo = int(rng.choice([0, n_slots - window, int(rng.integers(0, n_slots - window + 1))]))
        availability += [Availability(participant_id=ids[i], slot_id=slots[k].slot_id) for k in range(lo, lo + window)]

    # requests: startups -> investors (skewed) and mentors; some investors answer back (mutual)
    status_p = {"accepted": 0.25, "pending": 0.65, "declined": 0.10}
    requests: dict[tuple[int, int], str] = {}
    for s in startups.tolist():
        for pool, mean in (
            (np.arange(n_startups, n_startups + n_investors), investor_requests),
            (np.arange(n_startups + n_investors, n), 1.0),
        ):
            weights = pop[pool] * (0.2 + affinity[s, pool - n_startups])
            k = min(int(rng.poisson(mean)), pool.size)
            for j in rng.choice(pool, k, replace=False, p=weights / weights.sum()).tolist():
                requests[(s, j)] = str(rng.choice(list(status_p), p=list(status_p.values())))
    for (s, j), status in list(requests.items()):
        if is_investor[j] and status == "pending" and rng.random() < 0.3:
            requests[(j, s)] = "pending"
    asked = {(min(a, b), max(a, b)) for a, b in requests}

    # suggestions: affinity of every requested pair, plus the best unrequested ones up to target_pairs
    per_startup = max(1, (target_pairs - len(asked)) // n_startups + 3)
    best = np.argsort(-affinity, axis=1, kind="stable")[:, :per_startup]
    extra = sorted(
        (
            (float(affinity[s, j]), s, n_startups + j)
            for s in startups.tolist()
            for j in best[s].tolist()
            if (s, n_startups + j) not in asked
        ),
        reverse=True,
    )
    chosen = [(s, j) for _, s, j in extra[: max(0, target_pairs - len(asked))]]
    suggested = tuple((ids[s], ids[j], float(affinity[s, j - n_startups])) for s, j in sorted(asked | set(chosen)))
    conflicts = tuple(
        Conflict(a_id=ids[s], b_id=ids[j])
        for s, j in zip(rng.choice(startups, 30).tolist(), rng.choice(partners, 30).tolist(), strict=True)
        if (s, j) not in asked
    )
    event = Event(
        name=f"generated-{n}p-{n_slots}s-seed{seed}",
        participants=participants,
        slots=slots,
        tables=tables,
        availability=tuple(availability),
        requests=tuple(
            MeetingRequest(from_id=ids[a], to_id=ids[b], status=RequestStatus(st)) for (a, b), st in requests.items()
        ),
        conflicts=tuple({(c.a_id, c.b_id): c for c in conflicts}.values()),
    )
    return GeneratedEvent(event.name, _with_locks(event, suggested, n_locked), suggested)


def _with_locks(event: Event, suggested: tuple[tuple[str, str, float], ...], n_locked: int) -> Event:
    """Lock ``n_locked`` accepted meetings where the greedy schedule puts them (so the locks are feasible)."""
    if n_locked <= 0:
        return event
    schedule = GreedyMeetingSolver().solve(MeetingProblem.build(event, suggested), Limits()).solution or ()
    picked = [m for m in schedule if m.origin is Origin.ACCEPTED][:n_locked]
    locks = tuple(LockedMeeting(a_id=m.a_id, b_id=m.b_id, slot_id=m.slot_id, table_id=m.table_id) for m in picked)
    return replace(event, locked=locks)


#: The benchmark instance: 1,000 participants (600 startups, 250 investors, 150 mentors), 18 slots, 120 physical
#: tables (30 kept by hosts) and 30 online rooms, 5,998 candidate pairs.
FULL = {"target_pairs": 6650, "seed": 0}
#: The CI instance: 250 participants, 10 slots, 30 physical tables (6 hosted), 8 online rooms.
QUICK = {
    "n_startups": 150,
    "n_investors": 60,
    "n_mentors": 40,
    "n_slots": 10,
    "n_physical": 30,
    "n_online": 8,
    "n_hosted": 6,
    "target_pairs": 1500,
    "n_locked": 4,
    "seed": 0,
}
