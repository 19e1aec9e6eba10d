"""What a server is started with (no web framework imported here: the CLI's parser reads the defaults)."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_TIMEOUT", "DEFAULT_MAX_BATCH", "Settings"]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # a press release is a few kB; a few MB leaves room for long files
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BATCH = 32


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT  # seconds per document
    max_batch: int = DEFAULT_MAX_BATCH  # documents per batch request
    cors_origins: tuple[str, ...] = ()
    pipeline: str | None = None  # the folder of a saved pipeline the workers load (default: models/pipeline.cfg)
