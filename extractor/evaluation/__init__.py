"""Scoring records against gold: scoring modes, error analysis, HTML report, run comparison."""
from .scoring import Evaluation, evaluate, format_table

__all__ = ["evaluate", "Evaluation", "format_table"]
