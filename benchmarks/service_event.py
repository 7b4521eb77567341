"""A large, seeded, realistic-ish event as CSV files: mentors and startups of media and deep-tech clusters.

Each profile is one sentence (so its one text unit is also its one sentence: one embedding per participant),
built from sector phrases: what a startup builds, for whom, where; what a mentor did, and helps with.

Example
-------
>>> files = event_files(n_startups=3, n_mentors=2, seed=1)
>>> sorted(files), files["participants.csv"].count(b"\\n")
(['participants.csv'], 6)
"""

from __future__ import annotations

import csv
import io
import random

SECTORS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "audio": (
        ("speech search for radio archives", "podcast clipping tools", "spatial audio for live venues"),
        ("public broadcasters", "podcast networks", "music labels"),
    ),
    "games": (
        ("serious games for vocational schools", "mobile role-playing games", "game analytics dashboards"),
        ("publishers", "training centres", "indie studios"),
    ),
    "xr": (
        ("augmented reality museum guides", "virtual reality safety training", "volumetric video capture"),
        ("museums", "factories", "film studios"),
    ),
    "news-media": (
        ("churn prediction for regional newspapers", "automated fact checking", "local news aggregation"),
        ("newsrooms", "regional publishers", "media groups"),
    ),
    "publishing": (
        ("rights management for book publishers", "audiobook production", "interactive textbooks"),
        ("publishing houses", "libraries", "schools"),
    ),
    "film": (
        ("subtitle translation for streaming", "virtual production stages", "film festival ticketing"),
        ("streaming platforms", "production companies", "festivals"),
    ),
    "data-analytics": (
        ("audience measurement", "recommendation engines for video", "advertising attribution"),
        ("broadcasters", "advertisers", "streaming services"),
    ),
    "ai": (
        ("voice cloning for dubbing", "generative storyboards", "automatic video summaries"),
        ("dubbing studios", "agencies", "newsrooms"),
    ),
    "edtech": (
        ("language learning with news videos", "teacher dashboards", "exam practice apps"),
        ("schools", "universities", "adult learners"),
    ),
    "deep-tech": (
        ("photonic chips for video encoding", "edge devices for live streaming", "quantum-safe media encryption"),
        ("chip makers", "telecom operators", "cloud providers"),
    ),
}
CITIES = ("Cologne", "Lyon", "Barcelona", "Copenhagen", "Milan", "Rotterdam", "Vienna", "Lisbon", "Krakow", "Ghent")
COUNTRIES = {"Cologne": "DE", "Lyon": "FR", "Barcelona": "ES", "Copenhagen": "DK", "Milan": "IT",
             "Rotterdam": "NL", "Vienna": "AT", "Lisbon": "PT", "Krakow": "PL", "Ghent": "BE"}  # fmt: skip
SKILLS = ("pricing", "fundraising", "sales to public buyers", "licensing deals", "hiring engineers",
          "international expansion", "product strategy", "grant applications", "partnerships with broadcasters",
          "go-to-market in Germany", "user research", "unit economics")  # fmt: skip
ROLES = ("former product director", "serial founder", "business angel", "head of innovation", "chief editor",
         "studio manager", "sales director", "CTO", "producer", "venture partner")  # fmt: skip
STAGES = ("idea", "pre-seed", "seed", "series-a")
COLUMNS = ("id", "name", "role", "organisation", "country", "languages", "sectors", "description", "stage",
           "mentor_capacity")  # fmt: skip


def _startup(rng: random.Random, i: int) -> tuple[str, ...]:
    sectors = rng.sample(sorted(SECTORS), k=rng.choice((1, 2)))
    products, customers = SECTORS[sectors[0]]
    city = rng.choice(CITIES)
    text = (
        f"We build {rng.choice(products)} for {rng.choice(customers)} from {city}, "
        f"with {rng.randint(2, 40)} people and {rng.choice(('first pilots', 'paying customers', 'a prototype'))}"
        f" and we look for help with {rng.choice(SKILLS)}"
    )
    return (f"s{i:05d}", f"Startup {i}", "startup", f"Startup {i}", COUNTRIES[city], "en", ";".join(sectors),
            text, rng.choice(STAGES), "")  # fmt: skip


def _mentor(rng: random.Random, i: int) -> tuple[str, ...]:
    sectors = rng.sample(sorted(SECTORS), k=rng.choice((1, 2, 3)))
    products, customers = SECTORS[sectors[0]]
    city = rng.choice(CITIES)
    text = (
        f"{rng.choice(ROLES).capitalize()} with {rng.randint(5, 30)} years in {sectors[0].replace('-', ' ')}"
        f" who worked on {rng.choice(products)} for {rng.choice(customers)} in {city}"
        f" and now helps startups with {rng.choice(SKILLS)} and {rng.choice(SKILLS)}"
    )
    return (f"m{i:05d}", f"Mentor {i}", "mentor", f"Mentor org {i}", COUNTRIES[city], "en", ";".join(sectors),
            text, "", str(rng.randint(1, 5)))  # fmt: skip


def event_files(n_startups: int, n_mentors: int, seed: int = 0) -> dict[str, bytes]:
    """``participants.csv`` of a generated event (startups first, then mentors)."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_startup(rng, i) for i in range(n_startups))
    writer.writerows(_mentor(rng, i) for i in range(n_mentors))
    return {"participants.csv": buffer.getvalue().encode()}
