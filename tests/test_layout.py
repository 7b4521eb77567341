"""The layout's invariants (ARCHITECTURE.md): one-way flow between the folders of the core, no import cycle among
the project's modules (typing-only and function-level imports included), small files."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("matcher", "service", "benchmarks")

#: The folders of the core, bottom up: a module may import its own folder and lower ranks only. The three features
#: share a rank and never import each other.
RANK = {
    "errors": 0, "language": 0,
    "event": 1, "embed": 1, "solving": 1,
    "matching": 2,
    "mentoring": 3, "pitching": 3, "meetings": 3,
    "exports": 4, "registry": 4, "workspace": 4,
    "__init__": 5,
    "cli": 6,
}  # fmt: skip


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _imports(path: Path, name: str, known: dict[str, Path]) -> Iterator[str]:
    """Project modules ``path`` imports, at any depth of the file: an imported name that is a module counts as
    that module, otherwise the deepest known module of the dotted path."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([base] if base else [])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: set(_imports(path, name, known)) for name, path in known.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle() -> None:
    graph = _graph()
    assert len(graph) > 100
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def _folder(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_core_flows_one_way() -> None:
    """Each folder of matcher/ imports only its own folder and lower ranks; features never import each other."""
    wrong = []
    for module, targets in _graph().items():
        if not module.startswith("matcher"):
            continue
        here = _folder(module)
        for target in targets:
            if not target.startswith("matcher"):
                continue
            there = _folder(target)
            if there != here and RANK[there] >= RANK[here]:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_every_core_folder_has_a_rank() -> None:
    folders = {p.stem if p.is_file() else p.name for p in (ROOT / "matcher").iterdir() if p.suffix in ("", ".py")}
    assert folders - {"__pycache__"} == set(RANK)


def test_no_file_over_450_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for package in ("matcher", "service")
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert long == {}
