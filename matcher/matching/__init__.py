"""Matching: text units, vector indexes, hard filters, explainable affinity and the MatchEngine."""
