"""iscg-docs: funding conventions for social workers in police stations and gendarmerie units.

The public API, in the order data flows: load records from a file (:func:`load`), or build
them (:class:`Framework`, :class:`Convention`, …); :func:`validate` them; compute a
convention's :func:`compute_financing`; render it (:func:`render_convention`, or a
:class:`Renderer` for many) and its avenants (:func:`render_avenant`,
:func:`render_consolidated`); write it (:func:`write_convention`) or a whole folder
(:func:`generate`); :func:`compare` two versions of a document as Word tracked changes.
French formatting lives in :mod:`iscg_docs.french`.

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
    from iscg_docs.convention.avenant import render_avenant, render_consolidated
    from iscg_docs.convention.render import ConventionRenderer as Renderer
    from iscg_docs.convention.render import default_template, render_convention
    from iscg_docs.docx.compare import compare
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
    "compare",
    "compute_financing",
    "default_template",
    "generate",
    "load",
    "load_data",
    "load_each",
    "render_avenant",
    "render_consolidated",
    "render_convention",
    "validate",
    "warnings",
    "write_convention",
]

# Rendering and batch names are resolved on first use, so that importing the package
# (and running `iscg-docs check`) does not pay for docxtpl, python-docx and lxml. Each
# name maps to its module and, when it differs, its name there.
_LAZY = {
    "BatchReport": ("iscg_docs.output.batch", "BatchReport"),
    "generate": ("iscg_docs.output.batch", "generate"),
    "write_convention": ("iscg_docs.output.batch", "write_convention"),
    "Renderer": ("iscg_docs.convention.render", "ConventionRenderer"),
    "compare": ("iscg_docs.docx.compare", "compare"),
    "default_template": ("iscg_docs.convention.render", "default_template"),
    "render_convention": ("iscg_docs.convention.render", "render_convention"),
    "render_avenant": ("iscg_docs.convention.avenant", "render_avenant"),
    "render_consolidated": ("iscg_docs.convention.avenant", "render_consolidated"),
}


def __getattr__(name: str) -> object:
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'iscg_docs' has no attribute {name!r}")
    import importlib

    module, attribute = where
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value
