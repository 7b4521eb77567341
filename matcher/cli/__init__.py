"""The typer command line, a shell like service/: nothing else in matcher/ imports it. The script is
``matcher = matcher.cli.app:app``."""
