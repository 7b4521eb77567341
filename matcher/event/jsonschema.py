"""The JSON Schema of the event directory format, generated from the pydantic row models.

Each CSV file is an array of row objects; in the CSV files, list values (languages, sectors, investor stages) are
written in one cell separated by ``;``.
"""

from __future__ import annotations

from typing import Any

from matcher.event.schema import EVENT_FILES, LIST_SEPARATOR


def event_json_schema() -> dict[str, Any]:
    """One JSON Schema document: an object whose properties are the event files, each an array of rows."""
    defs: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for file, (model, _required) in EVENT_FILES.items():
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
        properties[file] = {"type": "array", "items": {"$ref": f"#/$defs/{model.__name__}"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Event directory",
        "description": (
            "An event directory: one CSV file per property (UTF-8, header row). In CSV cells, list values are "
            f"separated by '{LIST_SEPARATOR}'. Only participants.csv is required."
        ),
        "type": "object",
        "properties": properties,
        "required": [f for f, (_, required) in EVENT_FILES.items() if required],
        "$defs": dict(sorted(defs.items())),
    }
