"""Which language a text is written in (py3langid: a small offline classifier), for explanations.

Example
-------
>>> detect("Pixelwerk entwickelt Lernspiele für Berufsschulen.")
'de'
>>> language_name("da")
'Danish'
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pycountry


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=200_000)
def detect(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or ``None`` when the text is too short to tell."""
    if len(text.split()) < 3:
        return None
    code, probability = _identifier().classify(text)
    return str(code) if probability >= 0.5 else None


def language_name(code: str) -> str:
    found = pycountry.languages.get(alpha_2=code)
    return str(found.name).split(" (")[0] if found is not None else code
