"""The service's settings: one object, read once from ``MATCHER_*`` environment variables and ``.env``.

Example
-------
>>> Settings(data_dir=Path("/tmp/m")).resolved_database_url
'sqlite:////tmp/m/service.sqlite'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from matcher.embed.registry import DEFAULT_MANIFEST


class Settings(BaseSettings):
    """Everything the service reads from its environment; nothing else reads environment variables."""

    model_config = SettingsConfigDict(env_prefix="MATCHER_", env_file=".env", extra="ignore", frozen=True)

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MATCHER_DATABASE_URL", "DATABASE_URL", "database_url"),
        description="SQLAlchemy URL (sqlite:///... or postgresql+psycopg://...); default: a SQLite file in data_dir.",
    )
    data_dir: Path = Field(default=Path("var"), description="Where the database file and the embedding cache live.")
    cache_path: Path | None = Field(default=None, description="Embedding cache file (default data_dir/cache/...).")
    registry_path: Path = Field(default=DEFAULT_MANIFEST, description="The model registry manifest.")
    default_model: str | None = Field(default=None, description="Model of new events (default: the registry's).")
    admin_key: SecretStr | None = Field(
        default=None, min_length=24, description="Bootstrap admin API key (optional; at least 24 random characters)."
    )
    key_cache_seconds: float = Field(
        default=5.0, ge=0, le=3600, description="How long a resolved API key is remembered (0: look up every time)."
    )
    demo_event: Path | None = Field(default=None, description="Event directory loaded at start-up if absent.")
    warm_up: bool = Field(default=True, description="Load the default model and every event's index at start-up.")
    max_body_bytes: int = Field(default=1 << 20, ge=1024, description="Largest JSON request body.")
    max_upload_bytes: int = Field(default=32 << 20, ge=1024, description="Largest CSV upload (all files together).")
    page_max: int = Field(default=500, ge=1, description="Largest page of a list.")
    suggestions_max: int = Field(default=100, ge=1, description="Largest k of the suggestions endpoint.")
    suggestion_cache: int = Field(
        default=4096, ge=0, description="Suggestion lists remembered until their event changes (0: none)."
    )
    compute_threads: int = Field(
        default=0, ge=0, le=64, description="Threads computing suggestions at once (0: in the event loop itself)."
    )
    job_workers: int = Field(default=1, ge=1, le=16, description="Schedules solved at the same time.")
    job_time_limit_max: float = Field(default=600.0, gt=0, description="Largest solver time limit of a job (s).")
    solver_workers: int = Field(default=2, ge=1, le=64, description="Threads of one CP-SAT solve.")

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to ``data_dir/service.sqlite``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'service.sqlite').as_posix()}"

    @property
    def resolved_cache_path(self) -> Path:
        """The embedding cache file, defaulting to ``data_dir/cache/embeddings.sqlite`` (as the CLI's workspace)."""
        return self.cache_path or self.data_dir / "cache" / "embeddings.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
