"""Mentor programmes: every startup gets exactly K mentors within capacities (min-cost flow, max-min CP-SAT, greedy)."""
