"""Tests that the package keeps its layout: families and the direction of their imports.

The rules are those drawn in README's Development section. They are read from the
source with :mod:`ast`, imports inside functions included, so a lazy import cannot hide
a dependency going the wrong way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "iscg_docs"

#: What each family may import from the package, besides itself, ``errors`` and the
#: root-level private modules (``_version``, ``_resources``) that import nothing of it.
ALLOWED: dict[str, frozenset[str]] = {
    "model": frozenset(),
    # An .xlsx is an Open XML package: the workbook writer zips it with docx.package.
    "inputs": frozenset({"model", "docx"}),
    "french": frozenset({"model"}),
    "docx": frozenset(),
    "convention": frozenset({"model", "inputs", "french", "docx"}),
    "output": frozenset({"model", "inputs", "french", "docx", "convention"}),
    "cli": frozenset({"model", "inputs", "french", "docx", "convention", "output", "web"}),
    "web": frozenset({"model", "inputs", "french", "docx", "convention", "output", "cli"}),
}


def _root_helpers() -> frozenset[str]:
    """``errors`` and the root-level private modules that import nothing of the package."""
    private = [p for p in PACKAGE.glob("_*.py") if p.name not in {"__init__.py", "__main__.py"}]
    return frozenset({"errors"} | {p.stem for p in private if not _imports(p)})


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _family(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every ``iscg_docs`` module ``path`` imports, with its line, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ["iscg_docs", *path.relative_to(PACKAGE).parent.parts]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("iscg_docs")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], base]).rstrip(".")
            if base == "iscg_docs":
                found += [(node.lineno, f"iscg_docs.{a.name}") for a in node.names]
            elif base.startswith("iscg_docs."):
                found.append((node.lineno, base))
    return found


def _target_family(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


class TestImportRules:
    @pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
    def test_imports_go_one_way(self, path: Path) -> None:
        """A family imports only the families its rule allows, errors and root helpers."""
        family = _family(path)
        wrong = []
        for line, module in _imports(path):
            target = _target_family(module)
            if target in _root_helpers() or target == family:
                continue
            if family is None:
                if path.name == "__init__.py" or path.name == "__main__.py":
                    continue  # the root re-exports the public API and starts the CLI
                wrong.append(f"line {line}: {module}")
            elif target not in ALLOWED[family]:
                wrong.append(f"line {line}: {module}")
        assert not wrong, f"{path.relative_to(PACKAGE)} imports against the layout: {wrong}"

    @pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
    def test_nothing_imports_the_package_root(self, path: Path) -> None:
        """``from iscg_docs import X`` would tie a module to the whole public API."""
        if path == PACKAGE / "__init__.py":
            return
        roots = [f"line {line}: {module}" for line, module in _imports(path) if _is_root(module)]
        assert not roots, f"{path.relative_to(PACKAGE)} imports the package root: {roots}"

    def test_every_family_is_declared(self) -> None:
        """A new subpackage gets its rule here before it lands."""
        assert _families() <= set(ALLOWED)


def _families() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}


def _is_root(module: str) -> bool:
    """The root itself, or a name its ``__init__`` defines rather than a module of it."""
    if module == "iscg_docs":
        return True
    first = module.split(".")[1]
    return not ((PACKAGE / f"{first}.py").is_file() or (PACKAGE / first).is_dir())


#: The one module that writes files; every other module hands it bytes.
WRITER = PACKAGE / "output" / "atomic.py"
_WRITING_CALLS = frozenset({"write_bytes", "write_text", "replace", "rename", "mkstemp"})


def _writes(path: Path) -> list[str]:
    """Calls in ``path`` that write or rename a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _WRITING_CALLS and not (name == "replace" and _is_str_replace(func)):
            found.append(f"line {node.lineno}: {name}")
        elif name in {"open", "fdopen"} and _mode(node) and set(_mode(node)) & set("wax+"):
            found.append(f"line {node.lineno}: {name}(…, {_mode(node)!r})")
    return found


def _is_str_replace(func: ast.expr) -> bool:
    # os.replace(a, b) renames a file; "text".replace(a, b) does not.
    return not (isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "os")


def _mode(call: ast.Call) -> str:
    args = [*call.args[1:2], *(k.value for k in call.keywords if k.arg == "mode")]
    return next(
        (a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)), ""
    )


class TestOneWriter:
    @pytest.mark.parametrize(
        "path",
        [p for p in _modules() if p != WRITER],
        ids=lambda p: str(p.relative_to(PACKAGE.parent)),
    )
    def test_only_output_atomic_writes_files(self, path: Path) -> None:
        """Documents, manifests, PDFs and workbooks all reach the disk through one writer."""
        assert not _writes(path), (
            f"{path.relative_to(PACKAGE)} writes a file itself: {_writes(path)}"
        )


def test_every_subpackage_ships() -> None:
    """pyproject names every subpackage: a non-editable install (README's first command)
    would otherwise miss one, which no editable test run notices."""
    import tomllib

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text("utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in PACKAGE.rglob("__init__.py")
    }
    assert found <= listed, f"missing from pyproject's packages: {sorted(found - listed)}"
