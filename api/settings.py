"""The service's settings, from the environment (prefix ``HNTE_``) — one class, read once per process."""

from functools import lru_cache
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HNTE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    # uvicorn's line per request; off for benchmarks (it costs a few % of throughput).
    access_log: bool = True
    # A profile is a few kB; 1 MB leaves room for long notes and still stops a flood early.
    max_body_bytes: int = 1_000_000
    # Comma-separated origins allowed to call the API from a browser; empty = CORS closed.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Comma-separated origins (https://pools.example.gov.cn) whose pages may sign in, upload and sign out,
    # besides the request's own host: for a reverse proxy that rewrites Host. CORS stays as it is.
    trusted_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # The most field errors a 422 lists (the body's `error_count` is always the full count).
    max_reported_errors: int = Field(default=100, ge=1, le=100_000)
    # A body larger than this is validated in a worker thread, so that a hostile profile (thousands of
    # list entries) does not hold the event loop; ordinary profiles (a few kB) stay on the fast path.
    validate_in_thread_bytes: int = 64_000
    # The most profiles the engine thread takes from its queue for one assess_many call.
    engine_max_batch: int = 64

    @field_validator("cors_origins", "trusted_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
