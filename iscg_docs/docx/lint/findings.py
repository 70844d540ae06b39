"""What the lint finds, and the vocabulary it checks a template against."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from attrs import frozen

__all__ = ["ERROR", "MAPPING", "NOTE", "Finding", "Variable", "Vocabulary"]

#: Severity of a finding that stops a batch run.
ERROR = "erreur"
#: Severity of a finding worth reading that stops nothing.
NOTE = "note"
#: The :attr:`Variable.type` of a mapping whose keys the vocabulary lists as names.
MAPPING = "dictionnaire"


@frozen
class Finding:
    """One thing the lint found in a template.

    Attributes:
        severity: :data:`ERROR` or :data:`NOTE`.
        code: stable identifier, e.g. ``variable-inconnue``; the guide lists them all.
        message: what is wrong and what to do, in French.
        where: where it stands: "corps, paragraphe 12", "tableau 2, ligne 3, cellule 1",
            "en-tête, paragraphe 1", "modèle" for the template as a whole.
        excerpt: the text around it, as Word shows it.
    """

    severity: str
    code: str
    message: str
    where: str
    excerpt: str = ""

    def __str__(self) -> str:
        line = f"{self.severity} [{self.code}] {self.where} : {self.message}"
        return f"{line}\n    « {self.excerpt} »" if self.excerpt else line


class Variable(Protocol):
    """A name a template may use, as a vocabulary lists it.

    ``name`` is its path in the context: ``reference``, ``parties[].designation`` (an
    item of a list is ``[]``), ``articles.objet.number``; ``type`` is :data:`MAPPING`
    for a mapping whose keys are listed too (then an unknown key is an error);
    ``description`` says in French what it holds.
    """

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def description(self) -> str: ...


@frozen
class Vocabulary:
    """What a kind of document hands the lint: the names and filters its templates may use.

    Attributes:
        names: every name of the context, parents before their fields.
        filters: the filters, by name, as the renderer is given them.
        data: what the context is called in messages ("les données de la convention").
        listing: where a jurist finds the complete list (a command), or "".
    """

    names: Sequence[Variable]
    filters: Mapping[str, Callable[..., Any]]
    data: str = "les données du document"
    listing: str = ""
