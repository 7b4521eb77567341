"""HTTP models: Base / Create / Public pydantic layers of every resource, and the error and page envelopes."""
