"""Frozen problem encodings: each owns the mapping between ids and array indices."""
