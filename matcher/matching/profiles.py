"""A participant's texts, as the units that are embedded: the description and each document, long ones in passages.

Documents are the unit of scoring: the description and each document are embedded as one text when they fit the
model's window (``MAX_WORDS``), and only a longer text is split into passages at sentence boundaries. Every unit
carries ``doc``, the number of the document it belongs to (0 the description, 1.. the documents in order), so that
scoring can take a split document's similarity over its passages and count it as one document. Sentences are not
units: they are embedded for explanations only.

Example
-------
>>> split_sentences("We build AR guides. Museums pay per visitor! Next: Spain?")
('We build AR guides.', 'Museums pay per visitor!', 'Next: Spain?')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from matcher.event.schema import Document, Participant

#: Texts longer than this many words are split into passages at sentence boundaries. The smallest window of the
#: registered models is 256 word pieces (all-MiniLM-L6-v2), about 180 words of English, German or French prose.
MAX_WORDS = 180

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"'«„(\[]?[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я0-9])")


@dataclass(frozen=True)
class TextUnit:
    """One embedded text of a participant: a whole document, or a passage of a long one.

    ``source`` says where it comes from, for explanations; ``doc`` numbers the participant's documents (0 the
    description), equal for the passages of one document.
    """

    owner: str
    source: str
    text: str
    doc: int = 0


def split_sentences(text: str) -> tuple[str, ...]:
    """Split a text into sentences (language-agnostic punctuation rules; good enough for explanations)."""
    parts = (p.strip() for p in _SENTENCE_END.split(" ".join(text.split())))
    return tuple(p for p in parts if p)


def passages(text: str, max_words: int = MAX_WORDS) -> tuple[str, ...]:
    """Group sentences into passages of at most ``max_words`` words (a longer single sentence stays whole)."""
    out: list[str] = []
    current: list[str] = []
    words = 0
    for sentence in split_sentences(text):
        n = len(sentence.split())
        if current and words + n > max_words:
            out.append(" ".join(current))
            current, words = [], 0
        current.append(sentence)
        words += n
    if current:
        out.append(" ".join(current))
    return tuple(out)


def document_text(doc: Document) -> str:
    """The text embedded for a document: its title leads unless the text already starts with it."""
    title = doc.title.strip()
    if title and not doc.text.lower().startswith(title.lower()):
        return f"{title}. {doc.text}" if not title.endswith((".", "!", "?", ":")) else f"{title} {doc.text}"
    return doc.text


def units_of(
    participant: Participant, documents: Iterable[Document] = (), *, max_words: int = MAX_WORDS
) -> tuple[TextUnit, ...]:
    """The units of one participant: the description first, then each document (passages of the long ones)."""
    units = [TextUnit(participant.id, "description", p, 0) for p in passages(participant.description, max_words)]
    for i, doc in enumerate(documents, start=1):
        source = f"document '{doc.title}'" if doc.title else f"document {i}"
        units.extend(TextUnit(participant.id, source, p, i) for p in passages(document_text(doc), max_words))
    return tuple(units)
