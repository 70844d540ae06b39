"""iscg-docs: funding conventions for social workers in police stations and gendarmerie units.

The public API, in the order data flows: load records from a file (:func:`load`), or build
them (:class:`Framework`, :class:`Convention`, …); :func:`validate` them; compute a
convention's :func:`compute_financing`; render it (:func:`render_convention`, or a
:class:`Renderer` for many); write it (:func:`write_convention`) or a whole folder
(:func:`generate`). French formatting lives in :mod:`iscg_docs.french`.

Importing this package does not import docxtpl, python-docx or lxml: rendering does,
when first used.
"""

from typing import TYPE_CHECKING

from iscg_docs._version import __version__
from iscg_docs.errors import (
    InputError,
    IscgError,
    LintError,
    OutputError,
    Problem,
    Severity,
    TemplateError,
    ValidationError,
)
from iscg_docs.inputs.loading import Rejected, load, load_data, load_each
from iscg_docs.model.financing import ROUNDING_RULE, Financing, compute_financing
from iscg_docs.model.records import (
    Convention,
    Deliberation,
    EpciKind,
    Force,
    Framework,
    FundingPlan,
    FundingYear,
    Gender,
    Party,
    PartyKind,
    Period,
    Post,
    Role,
    Signatory,
    SplitMethod,
    SplitShare,
    StateShare,
)
from iscg_docs.model.rules import validate, warnings

if TYPE_CHECKING:  # type checkers see the real names; at run time they load lazily
    from iscg_docs.docx.renderer import Renderer, default_template, render_convention
    from iscg_docs.output.batch import BatchReport, generate, write_convention

__all__ = [
    "ROUNDING_RULE",
    "BatchReport",
    "Convention",
    "Deliberation",
    "EpciKind",
    "Financing",
    "Force",
    "Framework",
    "FundingPlan",
    "FundingYear",
    "Gender",
    "InputError",
    "IscgError",
    "LintError",
    "OutputError",
    "Party",
    "PartyKind",
    "Period",
    "Post",
    "Problem",
    "Rejected",
    "Renderer",
    "Role",
    "Severity",
    "Signatory",
    "SplitMethod",
    "SplitShare",
    "StateShare",
    "TemplateError",
    "ValidationError",
    "__version__",
    "compute_financing",
    "default_template",
    "generate",
    "load",
    "load_data",
    "load_each",
    "render_convention",
    "validate",
    "warnings",
    "write_convention",
]

# Rendering and batch names are resolved on first use, so that importing the package
# (and running `iscg-docs check`) does not pay for docxtpl, python-docx and lxml.
_LAZY = {
    "BatchReport": "iscg_docs.output.batch",
    "generate": "iscg_docs.output.batch",
    "write_convention": "iscg_docs.output.batch",
    "Renderer": "iscg_docs.docx.renderer",
    "default_template": "iscg_docs.docx.renderer",
    "render_convention": "iscg_docs.docx.renderer",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'iscg_docs' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
