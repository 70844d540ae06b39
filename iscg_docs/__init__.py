"""iscg-docs: funding conventions for social workers in police stations and gendarmerie units."""

from iscg_docs.errors import (
    InputError,
    IscgError,
    LintError,
    OutputError,
    Problem,
    TemplateError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "IscgError",
    "LintError",
    "OutputError",
    "Problem",
    "TemplateError",
    "ValidationError",
    "__version__",
]
