"""matcher: a matchmaking engine for innovation clusters."""
