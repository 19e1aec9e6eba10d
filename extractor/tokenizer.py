"""A guard around spaCy's tokenizer for hostile input.

spaCy's tokenizer peels prefixes and suffixes off a whitespace-free chunk one at
a time, searching the rest of the chunk again after each: a chunk of n affix
characters (`%%%…`, `€€€…`, `(((…`, `,,,…`) costs O(n²) — a 16,000-character
run of `%` takes over 30 s. Real words are short, so chunks longer than
`max_run` are cut into pieces of that size before they reach the tokenizer;
everything else is tokenized exactly as spaCy would.
"""
from __future__ import annotations

import re
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

__all__ = ["GuardedTokenizer", "guarded_tokenizer"]


@registry.tokenizers("press_guarded_tokenizer.v1")
def guarded_tokenizer(max_run: int) -> Callable[[Language], "GuardedTokenizer"]:
    """`[nlp.tokenizer]` in models/pipeline.cfg: the language's own tokenizer behind the guard
    (`max_run` is set there, once)."""
    def create(nlp: Language) -> GuardedTokenizer:
        # `spacy.load` of a saved pipeline builds the tokenizer before there is one to wrap:
        # the language's own, whose rules `from_disk` then reads from the saved copy.
        inner = getattr(nlp, "tokenizer", None)
        if inner is None:
            inner = registry.resolve({"t": {"@tokenizers": "spacy.Tokenizer.v1"}})["t"](nlp)
        return GuardedTokenizer(inner, max_run)

    return create


class GuardedTokenizer:
    def __init__(self, tokenizer, max_run: int):
        if not isinstance(max_run, int) or max_run < 1:
            raise ValueError(f"max_run must be a positive integer, got {max_run!r}")
        self.tokenizer = tokenizer
        self.max_run = max_run
        self._long_run = re.compile(r"\S{%d,}" % (max_run + 1))

    def __call__(self, text: str) -> Doc:
        from .components import remember_text

        if self._long_run.search(text) is None:
            return remember_text(self.tokenizer(text), text)
        docs = [self.tokenizer(piece) for piece in self.pieces(text)]
        return remember_text(Doc.from_docs(docs, ensure_whitespace=False, exclude=["user_data"]), text)

    # Saved and loaded with the pipeline (`nlp.to_disk`, `spacy.load`): the wrapped tokenizer's rules.
    def to_disk(self, path, **kwargs) -> None:
        self.tokenizer.to_disk(path, **kwargs)

    def from_disk(self, path, **kwargs) -> "GuardedTokenizer":
        self.tokenizer.from_disk(path, **kwargs)
        return self

    def to_bytes(self, **kwargs) -> bytes:
        return self.tokenizer.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs) -> "GuardedTokenizer":
        self.tokenizer.from_bytes(data, **kwargs)
        return self

    def pieces(self, text: str) -> list[str]:
        """Consecutive pieces of `text`, no whitespace-free run in any longer than max_run.

        >>> GuardedTokenizer(None, max_run=3).pieces("ab %%%%%%%% cd")
        ['ab ', '%%%', '%%%', '%% cd']
        """
        out, pos = [], 0
        for run in self._long_run.finditer(text):
            if run.start() > pos:
                out.append(text[pos:run.start()])
            # The run's last piece is left to start the next one, so the white space
            # after the run stays attached to its token, as spaCy would leave it.
            last = run.start() + self.max_run * ((run.end() - run.start() - 1) // self.max_run)
            out.extend(text[i:i + self.max_run] for i in range(run.start(), last, self.max_run))
            pos = last
        out.append(text[pos:])
        return [p for p in out if p]
