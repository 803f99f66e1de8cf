"""The house's shape, held by tests: no import circle (every import a reader sees counts, also one
under TYPE_CHECKING or inside a function), no module over 400 lines, no class over 250, and the
simulator and playground reach the bot only through its public entry points."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "simulator", "playground")
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 250
# What the simulator and the playground may import of the bot: the entry points a deployer uses.
BOT_ENTRY_POINTS = frozenset({"bot.app", "bot.deps", "bot.settings", "bot.slack.server", "bot.cache.store"})


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(path: Path, name: str, modules: dict[str, Path]) -> Iterator[str]:
    """The project modules `path` imports, wherever the import statement is."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from pkg import module` imports the module; `from module import name` the module.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: set(_imports(path, name, modules)) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_checker_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_circle() -> None:
    assert _cycle(_graph()) is None


def test_no_module_over_400_lines_and_no_class_over_250() -> None:
    too_long = []
    for name, path in _modules().items():
        lines = path.read_text().count("\n")
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{name}: {lines} lines")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > MAX_CLASS_LINES:
                    too_long.append(f"{name}.{node.name}: {length} lines")
    assert too_long == []


def test_the_simulator_and_playground_use_only_the_bots_entry_points() -> None:
    graph = _graph()
    reached = {
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.split(".")[0] in ("simulator", "playground")
        for target in targets
        if target.split(".")[0] in ("bot", "handlers") and target not in BOT_ENTRY_POINTS
    }
    assert reached == set()


def test_the_aws_fake_does_not_know_the_bot_or_slack() -> None:
    graph = _graph()
    assert {
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.split(".")[0] == "simulator"
        for target in targets
        if target.split(".")[0] != "simulator"
    } == set()
