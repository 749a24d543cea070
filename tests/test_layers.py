"""The library's layers (docs/architecture.md): what each package may import from `playground`, read from the
source with `ast` (imports inside functions count), and no Streamlit outside playground/ui/."""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LIBRARY = REPO / "playground"

SHARED = {"paths", "text", "keyed_results", "torch_runtime", "catalog", "url_table", "tryouts", "glossary",
          "predictions", "explainers"}  # layer 1
FOUNDATIONS = SHARED | {"render", "engine2d", "toydata", "classroom", "training_driver"}  # layers 1-4
LESSONS = FOUNDATIONS | {"tfplayground", "digits"}  # layers 1-6

# A package or top-level module of playground/ -> what it may import from playground/ (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    # 1: small shared records
    "paths": set(),
    "text": set(),
    "keyed_results": set(),
    "torch_runtime": set(),
    "catalog": set(),
    "url_table": {"text"},
    "tryouts": set(),
    "glossary": set(),
    "predictions": set(),
    "explainers": set(),
    # 2: none of the three imports another, nor the records
    "render": set(),  # knows colours, not networks
    "engine2d": set(),  # NumPy and numba only
    "toydata": set(),
    # 3-4
    "classroom": SHARED,
    "training_driver": {"classroom"},
    # 5-6
    "tfplayground": FOUNDATIONS,
    "digits": FOUNDATIONS,
    # 7: adversarial, embeddings, explanations and generative do not import each other
    "adversarial": LESSONS,
    "embeddings": LESSONS,
    "explanations": LESSONS,
    "generative": LESSONS,
    # 8-9
    "thumbnails": LESSONS | {"adversarial", "embeddings", "explanations", "generative"},
    "cards": {"catalog", "paths", "thumbnails"},
    "ui": LESSONS | {"adversarial", "embeddings", "explanations", "generative", "thumbnails", "cards"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def library_files() -> list[Path]:
    return sorted(LIBRARY.rglob("*.py"))


def unit(module: str) -> str:
    """playground.digits.training -> digits; playground.paths -> paths; playground -> playground."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


@cache
def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, anywhere in it; `from playground import x` gives
    playground.x, relative imports are made absolute."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            if base == "playground" or not node.module:
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, base))
    return found


def playground_imports(path: Path) -> list[tuple[int, str]]:
    return [(line, name) for line, name in imports(path) if name.split(".")[0] == "playground"]


def third_party(path: Path) -> set[str]:
    tops = {name.split(".")[0] for _, name in imports(path)}
    return tops - set(sys.stdlib_module_names) - {"__future__", "playground"}


def test_every_package_has_its_place_in_the_table() -> None:
    units = {unit(module_name(path)) for path in library_files()} - {"playground"}
    missing = sorted(units - set(MAY_IMPORT))
    assert not missing, f"add {missing} to MAY_IMPORT and to the table in docs/architecture.md"


def test_each_package_imports_only_from_the_layers_below_it() -> None:
    offences = []
    for path in library_files():
        own = unit(module_name(path))
        allowed = MAY_IMPORT.get(own, set()) | {own}
        for line, name in playground_imports(path):
            if name != "playground" and unit(name) not in allowed:
                offences.append(f"{path.relative_to(REPO)}:{line}: {own} imports {name}")
    assert not offences, "imports that break the layers:\n" + "\n".join(offences)


@pytest.mark.parametrize("package", ["render", "engine2d", "toydata"])
def test_the_second_layer_imports_nothing_from_the_library_but_itself(package: str) -> None:
    for path in (LIBRARY / package).rglob("*.py"):
        assert {unit(name) for _, name in playground_imports(path)} <= {package}, path.relative_to(REPO)


def test_engine2d_needs_only_numpy_and_numba() -> None:
    for path in (LIBRARY / "engine2d").rglob("*.py"):
        others = sorted(third_party(path) - {"numpy", "numba"})
        assert not others, f"{path.relative_to(REPO)} imports {others}"


def test_render_knows_no_networks() -> None:
    for path in (LIBRARY / "render").rglob("*.py"):
        assert "torch" not in third_party(path), path.relative_to(REPO)
        names = [f"{line}: {name}" for line, name in playground_imports(path) if unit(name) != "render"]
        assert not names, f"{path.relative_to(REPO)} imports {names}"


def test_no_library_module_outside_ui_loads_streamlit() -> None:
    modules = [module_name(path) for path in library_files() if path.relative_to(LIBRARY).parts[0] != "ui"]
    assert len(modules) > 50 and "playground.digits.training" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'streamlit' in sys.modules:\n"
        "        sys.exit(f'{name} loads streamlit')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
