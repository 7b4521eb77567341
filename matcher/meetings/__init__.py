"""B2B meetings: slots x tables schedules, their named constraints, the independent check and re-planning."""
