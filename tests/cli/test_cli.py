"""The command line end to end on the tiny event: embed, the cached re-run, suggest as text and JSON, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from matcher.cli.app import app
from tests.conftest import TINY

runner = CliRunner()


def test_embed_then_rerun_embeds_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = runner.invoke(app, ["embed", "--event", str(TINY), "--store", str(store)])
    assert first.exit_code == 0, first.output
    assert "embedded" in first.output and "from cache" in first.output
    again = runner.invoke(app, ["embed", "--event", str(TINY), "--store", str(store)])
    assert again.exit_code == 0 and "nothing embedded" in again.output
    shutil.rmtree(store / "index")
    rebuilt = runner.invoke(app, ["embed", "--event", str(TINY), "--store", str(store)])
    assert rebuilt.exit_code == 0 and "embedded 0 new text(s)" in rebuilt.output


def test_suggest_json_and_text(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    out = runner.invoke(
        app,
        ["suggest", "--event", str(TINY), "--store", store, "--for", "s1", "--role", "investor", "--json"],
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert [r["id"] for r in rows] == ["i1", "i2"]
    assert all({"id", "score", "explanation"} <= set(r) for r in rows)
    assert rows[0]["score"] >= rows[1]["score"]
    assert "Shared sectors: audio" in rows[0]["explanation"]
    text = runner.invoke(app, ["suggest", "--event", str(TINY), "--store", store, "--for", "s3", "--role", "mentor"])
    assert text.exit_code == 0
    # m3 works for the same organisation as s3: never suggested.
    assert "(m3," not in text.output and "(m1," in text.output


def test_suggest_errors(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    unknown = runner.invoke(app, ["suggest", "--event", str(TINY), "--store", store, "--for", "zz", "--role", "mentor"])
    assert unknown.exit_code == 1 and "no participant 'zz'" in unknown.output
    wrong = runner.invoke(app, ["suggest", "--event", str(TINY), "--store", store, "--for", "m1", "--role", "mentor"])
    assert wrong.exit_code == 1 and "a mentor is matched with startup" in wrong.output
    model = runner.invoke(
        app,
        [
            "suggest",
            "--event",
            str(TINY),
            "--store",
            store,
            "--for",
            "s1",
            "--role",
            "mentor",
            "--model",
            "nope",
        ],
    )
    assert model.exit_code == 1 and "unknown model 'nope'" in model.output


def test_models_list_json() -> None:
    out = runner.invoke(app, ["models", "list", "--json"])
    assert out.exit_code == 0
    models = json.loads(out.stdout)
    default = next(m for m in models if m["default"])
    assert default["name"] == "all-MiniLM-L6-v2" and default["dimension"] == 384


def test_published_json_schema_is_current() -> None:
    from matcher.event.jsonschema import event_json_schema

    published = json.loads((TINY.parents[1] / "docs" / "event-schema.json").read_text(encoding="utf-8"))
    assert published == event_json_schema(), "run `matcher schema --out docs/event-schema.json`"
