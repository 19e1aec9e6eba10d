"""Organizations: candidates (NER, patterns, gazetteer), span repair, canonical names."""
from .detect import make_org_detector, resolve_all

__all__ = ["make_org_detector", "resolve_all"]
