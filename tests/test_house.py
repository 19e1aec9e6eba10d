"""House rules that hold across the package: public names stated, tests on public names only."""
from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import extractor

ROOT = Path(extractor.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent


def _modules() -> list[str]:
    # __main__ runs the command line when imported
    return ["extractor"] + [m.name for m in pkgutil.walk_packages([str(ROOT)], "extractor.") if m.name != "extractor.__main__"]


def _module_name(path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom reads from (`from ..records import X` in extractor/batch/jobs.py)."""
    if not node.level:
        return node.module or ""
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    package = parts[:-1]  # a module's package; an __init__.py is its package's own module
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(paths):
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("extractor")):
                for alias in node.names:
                    yield path, _module_name(path, node), alias.name


@pytest.mark.parametrize("name", _modules())
def test_every_module_states_its_public_names(name):
    module = importlib.import_module(name)
    assert isinstance(getattr(module, "__all__", None), list), f"{name} has no __all__"
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"


def _is_submodule(module: str, name: str) -> bool:
    return (ROOT.parent / module.replace(".", "/") / name).is_dir() or (ROOT.parent / module.replace(".", "/") / f"{name}.py").is_file()


def test_what_tests_import_from_a_module_is_in_its_public_names():
    paths = TESTS.glob("*.py")
    wrong = []
    for path, module, name in _imports(paths):
        if name == "*" or name.startswith("__") or _is_submodule(module, name):
            continue
        public = getattr(importlib.import_module(module), "__all__", [])
        if name not in public:
            wrong.append(f"{path.relative_to(ROOT.parent)}: {module}.{name}")
    assert not wrong, "\n".join(wrong)


def test_tests_use_no_private_name_of_the_package():
    wrong = []
    for path in TESTS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                   and (n.module or "").startswith("extractor") for a in n.names}
        modules |= {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                    for a in n.names if a.name.startswith("extractor")}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("extractor"):
                wrong += [f"{path.name}: {a.name}" for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                wrong.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not wrong, wrong


def test_every_key_of_the_language_data_is_read(extractor):
    """Data that no code reads is data someone believes is used: each table a data file
    holds must be asked for by a loader once the pipeline has run on a release."""
    from extractor.lexicon import unread_keys

    extractor.extract("Lyon, le 3 mars 2025 – Kelvia lève 3 M€ (+12 %) auprès de Bpifrance, "
                      "depuis l'été dernier et jusqu'au 4 avril, soit 2 millions de dollars le 1st May 2025.")
    assert unread_keys() == {}
