"""Files the package ships from the repository's folders: the template, the example."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

__all__ = ["bundled_file"]


def bundled_file(folder: str, name: str) -> Path | None:
    """A file the package ships from a repository folder (``templates``, ``examples``).

    An installed package holds it as ``iscg_docs.<folder>`` (pyproject maps the folder
    there); a source checkout or an editable install finds it in ``<folder>/`` beside
    the package.

    Returns:
        Its path, or None if neither place has it.
    """
    from importlib.resources import files

    candidates = []
    with suppress(ModuleNotFoundError):
        candidates.append(Path(str(files(f"iscg_docs.{folder}").joinpath(name))))
    candidates.append(Path(__file__).resolve().parent.parent / folder / name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None
