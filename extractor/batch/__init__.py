"""Batch jobs: many documents, parallel (local processes or Dask), resumable."""
from .jobs import DEFAULT_TIMEOUT, BatchError, run_batch

__all__ = ["run_batch", "BatchError", "DEFAULT_TIMEOUT"]
