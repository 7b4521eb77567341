"""Exports: results written as CSV, JSON, iCalendar and HTML (the I/O edge of results; called by the shells)."""
