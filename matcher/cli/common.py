"""What every command shares: offline environment, option types, and the one translation of errors to exit codes.

Exit codes: 0 success; 1 invalid input or unknown name (the message says what to change); 2 infeasible problem
(the binding constraints and participants are named); 3 solver failure or model unavailable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

# No weights are ever downloaded: set before any Hugging Face library is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import typer

from matcher.embed.registry import DEFAULT_MANIFEST
from matcher.errors import Infeasible, InvalidInput, MatchError, ModelUnavailable, SolverFailed, UnknownName

EventOpt = Annotated[Path, typer.Option("--event", help="Event directory (participants.csv and friends).")]
StoreOpt = Annotated[Path, typer.Option("--store", envvar="MATCHER_STORE", help="Where caches and indexes are kept.")]
ModelOpt = Annotated[
    str | None, typer.Option("--model", help="Registered model name, or a local sentence-transformers directory.")
]
RegistryOpt = Annotated[Path, typer.Option("--registry", help="Model registry manifest.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Output directory (created if missing).")]
DEFAULT_REGISTRY = DEFAULT_MANIFEST


def fail(code: int, message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def errors() -> Iterator[None]:
    """Translate the engine's error tree into messages and exit codes."""
    try:
        yield
    except (InvalidInput, UnknownName) as exc:
        fail(1, f"error: {exc}")
    except Infeasible as exc:
        fail(2, f"infeasible: {exc}")
    except (SolverFailed, ModelUnavailable) as exc:
        fail(3, f"error: {exc}")
    except MatchError as exc:
        fail(1, f"error: {exc}")
