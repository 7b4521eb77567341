"""Explanations a person can read: the component scores, the shared sectors, and the best-matching texts."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

from matcher.language import language_name
from matcher.matching.affinity import Component


@dataclass(frozen=True)
class BestMatch:
    """The pair of texts (one on each side) that matched best, and where each comes from."""

    own_source: str
    own_text: str
    other_source: str
    other_text: str
    similarity: float


@dataclass(frozen=True)
class Contribution:
    """A document of one side (``yours`` or ``theirs``) that took part in the pair's best document pairs, with the
    best document-pair similarity it has (semantic and lexical blended at their weights)."""

    side: str
    source: str
    similarity: float


@dataclass(frozen=True)
class Explanation:
    score: float
    components: tuple[Component, ...]
    shared_sectors: tuple[str, ...]
    best_match: BestMatch | None
    #: The languages (ISO 639-1) of the two best-matching texts, set only when they differ.
    languages: tuple[str, str] | None = None
    #: The documents of each side that weighed most, best first per side.
    documents: tuple[Contribution, ...] = ()

    @cached_property
    def text(self) -> str:
        """One paragraph: score, each component with its weight and detail, and the best-matching sentences."""
        parts = []
        for c in self.components:
            detail = f": {c.detail}" if c.detail else ""
            parts.append(f"{c.name} {c.value:.2f} (weight {c.weight:.2f}{detail})")
        text = f"score {self.score:.2f} = " + ", ".join(parts) + "."
        if self.shared_sectors:
            text += f" Shared sectors: {', '.join(self.shared_sectors)}."
        sides = [
            f"{side} " + ", ".join(f"{c.source} ({c.similarity:.2f})" for c in self.documents if c.side == side)
            for side in ("yours", "theirs")
            if any(c.side == side for c in self.documents)
        ]
        if sides:
            text += " Documents that weighed most: " + "; ".join(sides) + "."
        if self.best_match is not None:
            m = self.best_match
            text += (
                f" Best match ({m.similarity:.2f}): your {m.own_source} \u00ab{_clip(m.own_text)}\u00bb"
                f" ~ their {m.other_source} \u00ab{_clip(m.other_text)}\u00bb."
            )
        if self.languages is not None:
            own, other = self.languages
            text += (
                f" Languages differ: yours is {language_name(own)} ({own}), theirs {language_name(other)} ({other})."
            )
        return text

    def as_dict(self) -> dict[str, Any]:
        """The fields as plain data (what ``dataclasses.asdict`` returns, without its deep copies), and the text."""
        data = _fields(self)
        data["components"] = tuple(_fields(c) for c in self.components)
        data["best_match"] = None if self.best_match is None else _fields(self.best_match)
        data["documents"] = tuple(_fields(c) for c in self.documents)
        data["text"] = self.text
        return data


def _fields(value: Any) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in fields(value)}


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
