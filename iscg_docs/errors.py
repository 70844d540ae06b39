"""Exceptions raised by iscg-docs, and how validation problems are reported.

Hierarchy::

    Exception
     └── IscgError                      every error the library raises on purpose
          ├── InputError (ValueError)   a file that cannot be read or parsed at all
          ├── Problem (ValueError)      one located problem (code, path, message), an error
          │                             or a warning (``severity``)
          ├── ValidationError           an ExceptionGroup of Problems: everything wrong at once
          ├── TemplateError             a template that cannot be used (syntax, sandbox, tags)
          │    └── LintError            a custom template the lint refused, with its findings
          └── OutputError (OSError)     a document that cannot be written (exists, disk, …)

Messages meant for a jurist are in French. Every exception pickles, so a batch can move
errors between processes.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, Self

__all__ = [
    "InputError",
    "IscgError",
    "LintError",
    "OutputError",
    "Problem",
    "Severity",
    "TemplateError",
    "ValidationError",
    "format_path",
    "os_reason",
]

PathPart = str | int

#: What the system's most common refusals mean, in French. The C library's own text
#: (``strerror``) is in the machine's language, English on most servers.
_OS_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EEXIST: "un fichier porte déjà ce nom",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EROFS: "disque en lecture seule",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EBUSY: "fichier ou dossier occupé",
}


def os_reason(error: OSError) -> str:
    """Why the system refused, in French, for a message a jurist reads.

    Args:
        error: what ``open``, ``mkdir``, ``rename`` and the like raised.

    Returns:
        The French reason for the common cases ("permission refusée", "plus de place
        sur le disque"…); otherwise the system's own text, and its error code.
    """
    if error.errno in _OS_REASONS:
        return _OS_REASONS[error.errno]
    text = error.strerror or type(error).__name__
    name = errno.errorcode.get(error.errno) if error.errno is not None else None
    return f"{text}, {name}" if name else text


def format_path(parts: Iterable[PathPart]) -> str:
    """Join path parts the way problems show them: ``conventions[1].funding.split[2]``.

    Args:
        parts: names (attribute or key) and integer indexes, outermost first.

    Returns:
        The dotted path, with indexes in brackets; ``$`` for the empty path.
    """
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = part
    return out or "$"


class IscgError(Exception):
    """Base class of every error iscg-docs raises on purpose."""


class InputError(IscgError, ValueError):
    """An input file cannot be read or parsed (missing, not TOML/JSON/xlsx, bad syntax).

    Args:
        message: what is wrong, in French.
        source: the file concerned, if any.
    """

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__(message, source)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source} : {self.message}" if self.source else self.message


class Severity(StrEnum):
    """How much a problem weighs: an error stops a run, a warning is only reported."""

    ERROR = "erreur"
    WARNING = "avertissement"


class Problem(IscgError, ValueError):
    """One validation problem: a stable code, where it is, and a French message.

    Args:
        code: stable identifier, e.g. ``split-total``; tests and tools match on it.
        path: where the value stands in the input, e.g. ``conventions[1].funding.split[2]``.
        message: what is wrong and what is expected, in French, for a jurist.
        location: optional human location in the source file (sheet, row, column).
        severity: an error (the default) or a warning, which never stops a run.
    """

    def __init__(
        self,
        code: str,
        path: str,
        message: str,
        location: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        super().__init__(code, path, message, location, Severity(severity))
        self.code = code
        self.path = path
        self.message = message
        self.location = location
        self.severity = Severity(severity)

    @property
    def is_warning(self) -> bool:
        """True for a warning, reported but never stopping a run."""
        return self.severity is Severity.WARNING

    def __str__(self) -> str:
        where = f"{self.location} — " if self.location else ""
        return f"{where}{self.message} @ {self.path}"

    def under(self, *prefix: PathPart) -> Problem:
        """The same problem seen from an enclosing record: ``prefix`` goes before the path."""
        if not prefix:
            return self
        head = format_path(prefix)
        if self.path == "$":
            path = head
        elif self.path.startswith("["):
            path = head + self.path
        else:
            path = f"{head}.{self.path}"
        return Problem(self.code, path, self.message, self.location, self.severity)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self.args == other.args

    def __hash__(self) -> int:
        return hash(self.args)


class ValidationError(IscgError, ExceptionGroup[Problem]):
    """Every problem found in an input, raised together.

    It is an ``ExceptionGroup`` of :class:`Problem`, so ``except* Problem`` works; most
    callers want :meth:`lines` or :attr:`problems`.
    """

    def __new__(cls, message: str, problems: Sequence[Problem]) -> Self:
        return super().__new__(cls, message, list(problems))

    def __init__(self, message: str, problems: Sequence[Problem]) -> None:
        super().__init__(message, list(problems))

    @classmethod
    def of(cls, problems: Sequence[Problem], source: str | os.PathLike[str] | None = None) -> Self:
        """The error every reader and rule raises: « Données invalides [dans FICHIER] ».

        Args:
            problems: what was found, in order.
            source: the file the data came from, when there is one.
        """
        where = f" dans {os.fspath(source)}" if source is not None else ""
        return cls(f"Données invalides{where}", problems)

    def derive(self, excs: Sequence[Any]) -> ValidationError:  # type: ignore[override]
        return ValidationError(self.message, excs)

    @property
    def problems(self) -> tuple[Problem, ...]:
        """The problems, in the order they were found."""
        return tuple(p for p in self.exceptions if isinstance(p, Problem))

    def lines(self) -> list[str]:
        """One ``message @ path`` line per problem, for logs and the command line."""
        return [str(p) for p in self.problems]

    def __str__(self) -> str:
        n = len(self.exceptions)
        noun = "problème" if n == 1 else "problèmes"
        return f"{self.message} ({n} {noun})"


class TemplateError(IscgError):
    """A template cannot be used: syntax error, forbidden construct, unknown variable.

    Args:
        message: what is wrong, in French.
        where: where in the template (part, paragraph), if known.
        name: the unknown variable or attribute, when that is the problem.
    """

    def __init__(self, message: str, where: str | None = None, name: str | None = None) -> None:
        super().__init__(message, where, name)
        self.message = message
        self.where = where
        self.name = name

    def __str__(self) -> str:
        return f"{self.where} : {self.message}" if self.where else self.message


class LintError(TemplateError):
    """A template the lint refused before anything was rendered.

    Args:
        findings: the lint's findings (:class:`iscg_docs.docx.lint.Finding`), errors first.
        source: the template's file name.
    """

    def __init__(self, findings: Sequence[Any], source: str | None = None) -> None:
        self.findings = tuple(findings)
        errors = sum(getattr(f, "severity", "") == "erreur" for f in self.findings)
        noun = "erreur" if errors == 1 else "erreurs"
        super().__init__(
            f"le modèle a {errors} {noun} ; corrigez-les (iscg-docs lint) avant de générer.",
            source,
        )
        self.args = (self.findings, source)

    def lines(self) -> list[str]:
        """One line (or two, with the excerpt) per finding, as ``iscg-docs lint`` prints them."""
        return [str(f) for f in self.findings]


class OutputError(IscgError, OSError):
    """A document cannot be written: the file exists and differs, or the disk refused.

    Args:
        message: what is wrong, in French.
        target: the file concerned.
    """

    def __init__(self, message: str, target: str | None = None) -> None:
        super().__init__(message, target)
        self.message = message
        self.target = target

    def __str__(self) -> str:
        return f"{self.target} : {self.message}" if self.target else self.message
