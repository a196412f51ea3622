"""The package graph: read every import of src/hotfix_guard and prove the layers point downward.

A unit is a top-level package or module. Each sits in one layer of LAYERS (top first); a unit
may import only units of lower layers (or its own). An import under `if TYPE_CHECKING:` is a type
annotation, not a dependency, so it does not count; an import inside a function does.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import hotfix_guard

PACKAGE = Path(hotfix_guard.__file__).parent

# Top first. Units in one layer do not import each other (checked too, as a cycle would be).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__main__",),
    ("cli",),
    ("commands",),
    ("lifecycle", "ci", "server", "setup", "metrics"),
    ("testrun", "rules"),
    ("engine",),
    ("incident",),
    ("backport",),
    ("versions",),
    ("releases",),
    ("scope",),
    ("overrides",),
    ("report",),
    ("config",),
    ("git",),
    ("catalog", "errors"),
    ("__init__",),
)


def unit_of(relative: Path) -> str:
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside.update(id(child) for child in ast.walk(node))
    return inside


def imported_units(path: Path) -> set[str]:
    """The units of hotfix_guard that the module at PATH imports (at import time or later)."""
    relative = path.relative_to(PACKAGE)
    tree = ast.parse(path.read_text())
    skipped = _type_checking_nodes(tree)
    units = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{relative}: relative import"
            if node.module == "hotfix_guard":
                units.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("hotfix_guard."):
                units.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("hotfix_guard."):
                    units.add(alias.name.split(".")[1])
    units.discard(unit_of(relative))
    units.discard("__version__")  # hotfix_guard/__init__.py: the version, nothing else
    return units


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        unit = unit_of(path.relative_to(PACKAGE))
        edges.setdefault(unit, set()).update(imported_units(path))
    return edges


def test_every_unit_has_a_layer() -> None:
    placed = {unit for layer in LAYERS for unit in layer}
    assert set(graph()) == placed


def test_imports_point_downward_only() -> None:
    """No upward import and no import inside a layer: so no cycle between packages either."""
    depth = {unit: index for index, layer in enumerate(LAYERS) for unit in layer}
    wrong = sorted(
        f"{unit} imports {other}"
        for unit, others in graph().items()
        for other in others
        if depth[other] <= depth[unit]
    )
    assert wrong == []


def test_the_check_reads_an_import_inside_a_function() -> None:
    """The reader itself: a lazy import counts, a TYPE_CHECKING one does not."""
    module = PACKAGE / "engine" / "stages.py"
    assert "backport" in imported_units(module)  # imported inside a function only
    assert {"rules", "setup", "lifecycle"}.isdisjoint(imported_units(module))


def test_tests_say_what_they_prove_not_which_issue_asked() -> None:
    """A comment or docstring that cites an issue number means nothing to the next reader."""
    tests = PACKAGE.parents[1] / "tests"
    citing = sorted(
        f"{path.relative_to(tests)}:{number}"
        for path in tests.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bissues? #?\d+", line, re.IGNORECASE)
    )
    assert citing == []
