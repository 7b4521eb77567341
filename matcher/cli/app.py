"""The command line: a thin shell over the core. Errors are translated to exit codes here, in one place.

Exit codes: 0 success; 1 invalid input or unknown name (the message says what to change); 2 infeasible problem
(the binding constraints and participants are named); 3 solver failure or model unavailable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from matcher.cli.common import EventOpt, ModelOpt, RegistryOpt, StoreOpt, errors, fail
from matcher.cli.plans import register_plans
from matcher.embed.registry import DEFAULT_MANIFEST, load_registry
from matcher.errors import InvalidInput
from matcher.event.eventdir import load_event
from matcher.event.jsonschema import event_json_schema
from matcher.event.schema import Role
from matcher.matching.affinity import AffinityConfig, AffinityWeights, Aggregation, PassageReduce
from matcher.matching.index import IndexKind
from matcher.workspace import Workspace
from service.keys_cli import keys_app

app = typer.Typer(
    help="Matchmaking engine for innovation clusters: validate events, embed profiles, suggest matches.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Embedding models of the registry.", no_args_is_help=True)
app.add_typer(models_app, name="models")
register_plans(app)
app.add_typer(keys_app, name="keys", help="API keys of the HTTP service.")


@app.command()
def validate(event: EventOpt) -> None:
    """Check every file of an event directory and report all problems at once (exit 1 if any)."""
    try:
        loaded = load_event(event)
    except InvalidInput as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        fail(1, f"{len(exc.problems)} problem(s) in {event}")
        return
    counts = {role.value: len(loaded.with_role(role)) for role in Role}
    files = {
        "documents": len(loaded.documents),
        "slots": len(loaded.slots),
        "tables": len(loaded.tables),
        "requests": len(loaded.requests),
        "conflicts": len(loaded.conflicts),
        "locked": len(loaded.locked),
        "sessions": len(loaded.sessions),
    }
    people = ", ".join(f"{n} {role}s" for role, n in counts.items())
    rest = ", ".join(f"{n} {name}" for name, n in files.items())
    typer.echo(f"{event}: OK - {people}; {rest}")


@app.command()
def embed(
    event: EventOpt,
    store: StoreOpt = Path("var"),
    model: ModelOpt = None,
    index: Annotated[IndexKind | None, typer.Option("--index", help="exact or hnsw (default: by size).")] = None,
    registry: RegistryOpt = DEFAULT_MANIFEST,
) -> None:
    """Embed every profile (through the cache) and build the faiss index."""
    with errors():
        loaded = load_event(event)
        reg = load_registry(registry)
        engine, stats = Workspace(store).engine(loaded, event, reg, model, kind=index, progress=True)
        units = len(engine.index.units)
        if stats is None:
            typer.echo(f"index is up to date: {units} text units, nothing embedded")
        else:
            typer.echo(
                f"embedded {stats.encoded} new text(s), {stats.cached} from cache, "
                f"{units} text units indexed in {stats.seconds:.1f}s"
            )
        sizes = ", ".join(f"{role.value}: {ix.size} units" for role, ix in engine.index.by_role.items())
        typer.echo(f"model {engine.embedder.spec.name}; index ({sizes})")


@app.command()
def suggest(
    event: EventOpt,
    participant: Annotated[str, typer.Option("--for", help="Id of the participant to find matches for.")],
    role: Annotated[Role, typer.Option("--role", help="Role of the suggested participants.")],
    k: Annotated[int, typer.Option("--k", min=1, max=1000, help="Number of suggestions.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
    store: StoreOpt = Path("var"),
    model: ModelOpt = None,
    aggregation: Annotated[
        Aggregation, typer.Option(help="How document similarities are aggregated.")
    ] = AffinityConfig().aggregation,
    top_k: Annotated[
        int, typer.Option(min=1, max=50, help="Document pairs the topk-mean averages.")
    ] = AffinityConfig().top_k,
    passages: Annotated[
        PassageReduce, typer.Option(help="How a long document's passage similarities are reduced.")
    ] = AffinityConfig().passages,
    w_semantic: Annotated[float, typer.Option(min=0.0, help="Weight of text similarity.")] = 0.70,
    w_sectors: Annotated[float, typer.Option(min=0.0, help="Weight of shared sectors.")] = 0.15,
    w_stage: Annotated[float, typer.Option(min=0.0, help="Weight of stage fit (investors).")] = 0.10,
    w_ticket: Annotated[float, typer.Option(min=0.0, help="Weight of ticket-size fit (investors).")] = 0.05,
    w_activity: Annotated[float, typer.Option(min=0.0, help="Weight of investor activity (deals).")] = 1.00,
    w_lexical: Annotated[
        float, typer.Option(min=0.0, help="Weight of the lexical channel (TF-IDF of rare shared terms).")
    ] = AffinityWeights().lexical,
    registry: RegistryOpt = DEFAULT_MANIFEST,
) -> None:
    """Ranked suggestions for one participant, with scores and explanations."""
    config = AffinityConfig(
        weights=AffinityWeights(w_semantic, w_sectors, w_stage, w_ticket, w_activity, w_lexical),
        aggregation=aggregation,
        top_k=top_k,
        passages=passages,
    )
    with errors():
        loaded = load_event(event)
        loaded.participant(participant)
        engine, _ = Workspace(store).engine(loaded, event, load_registry(registry), model, config=config)
        results = engine.suggest(participant, role, k)
    if as_json:
        rows: list[dict[str, Any]] = []
        for s in results:
            assert s.explanation is not None
            rows.append(
                {
                    "id": s.id,
                    "name": s.name,
                    "role": s.role.value,
                    "organisation": s.organisation,
                    "score": round(s.score, 6),
                    "explanation": s.explanation.text,
                    "details": s.explanation.as_dict(),
                }
            )
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    me = loaded.participant(participant)
    typer.echo(f"Top {len(results)} {role.value}s for {me.name} ({me.id}):")
    for rank, s in enumerate(results, start=1):
        assert s.explanation is not None
        typer.echo(f"{rank:>3}. {s.name} ({s.id}, {s.organisation}) score {s.score:.3f}")
        typer.echo(f"     {s.explanation.text}")
    if not results:
        typer.echo("  (no eligible participant: every one is excluded by a hard filter)")


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", help="Write the JSON Schema to this file.")] = None,
) -> None:
    """Print (or write) the JSON Schema of the event directory format."""
    text = json.dumps(event_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")


@models_app.command("list")
def models_list(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable list.")] = False,
    registry: RegistryOpt = DEFAULT_MANIFEST,
) -> None:
    """List the registered embedding models."""
    with errors():
        reg = load_registry(registry)
    rows = [
        {
            "name": m.name,
            "backend": m.backend,
            "dimension": m.dimension,
            "max_seq_length": m.max_seq_length,
            "languages": list(m.languages),
            "licence": m.licence,
            "default": m.name == reg.default,
            "recommended_multilingual": m.recommended_multilingual,
        }
        for m in reg.models.values()
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for m in reg.models.values():
        flags = [
            f for f, on in (("default", m.name == reg.default), ("multilingual", m.recommended_multilingual)) if on
        ]
        typer.echo(
            f"{m.name}  backend={m.backend} dim={m.dimension} languages={','.join(m.languages)} "
            f"licence={m.licence}" + (f"  [{', '.join(flags)}]" if flags else "")
        )


def main() -> None:  # pragma: no cover - console entry point
    app()
