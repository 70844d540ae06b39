"""Problems at a place of the input, written as every rule of :mod:`iscg_docs.model` writes them."""

from __future__ import annotations

from decimal import Decimal

from iscg_docs.errors import PathPart, Problem, Severity, format_path

__all__ = ["error", "french_number", "unknown_party", "warning"]


def error(code: str, path: tuple[PathPart, ...], message: str) -> Problem:
    """A located error: ``code``, the path of the value, a French message."""
    return Problem(code, format_path(path), message)


def warning(code: str, path: tuple[PathPart, ...], message: str) -> Problem:
    """A located warning, as :func:`error` gives located errors."""
    return Problem(code, format_path(path), message, severity=Severity.WARNING)


def french_number(value: Decimal) -> str:
    """A number as a French reader writes it in a message: 99,99."""
    return format(value, "f").replace(".", ",")


def unknown_party(path: tuple[PathPart, ...], pid: str) -> Problem:
    """The error for a party identifier that no party of the framework has."""
    return error(
        "unknown-party",
        path,
        f"aucune partie n'a l'identifiant « {pid} » ; déclarez-la dans la liste des parties.",
    )
