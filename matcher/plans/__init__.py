"""Plans: from an engine and an event to a solved problem (mentor programme, pitching day, meeting schedule).

Each plan builds a frozen problem from the engine's affinities and the event's hard constraints, solves it through
the one solver interface, and returns the result with everything the exports need.
"""
