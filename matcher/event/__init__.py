"""The event format: row models, validation of every file at once, the event directory reader, its JSON Schema."""
