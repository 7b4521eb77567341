"""The small solving kernel every feature shares: limits and results, linear rows, the one CP-SAT runner,
frozen arrays and id <-> index maps, bipartite max flow. Nothing here knows a feature."""
