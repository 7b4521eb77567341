"""Pitching sessions: place startups in sessions and seat juries (CP-SAT with a warm-start local search)."""
