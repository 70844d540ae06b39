"""The sandboxed Jinja environment templates run in, and Jinja's errors said in French.

Templates run in the bounded immutable sandbox of :mod:`iscg_docs.docx.sandbox` with no globals,
autoescaping on (``&``, ``<`` and ``>`` in user text come out literally) and
:class:`~jinja2.StrictUndefined` (a misspelt variable is an error that names it, never
empty text).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from iscg_docs.errors import TemplateError

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

__all__ = ["bad_package", "make_environment", "package_reason", "translate_template_errors"]


def make_environment(filters: Mapping[str, Any] | None = None) -> SandboxedEnvironment:
    """The Jinja environment every template runs in.

    Args:
        filters: the filters templates may use, by name.

    Returns:
        A sandboxed environment with autoescaping, strict undefined and no globals.
    """
    from jinja2 import StrictUndefined

    from iscg_docs.docx.sandbox import Sandbox

    env = Sandbox(autoescape=True, undefined=StrictUndefined)
    # No range/cycler/joiner/lipsum/namespace/dict: a document template needs none, and
    # each is one more object a hostile template could poke at.
    env.globals.clear()
    if filters:
        env.add_filters(filters)
    return env


@contextmanager
def translate_template_errors() -> Iterator[None]:
    """Turn Jinja's errors into :class:`TemplateError` with a French message and a place."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError
    from jinja2.exceptions import TemplateError as JinjaError

    from iscg_docs.docx.sandbox import LimitError

    try:
        yield
    except LimitError as exc:
        raise TemplateError(f"modèle refusé : {exc}.", _where(exc)) from exc
    except MemoryError:
        raise TemplateError(
            "modèle refusé : il demande plus de mémoire que la machine n'en a."
        ) from None
    except RecursionError:
        raise TemplateError(
            "modèle refusé : il s'appelle lui-même trop profondément (macro ou boucle récursive)."
        ) from None
    except SecurityError as exc:
        raise TemplateError(
            f"construction interdite dans le modèle ({_security_reason(str(exc))}) : un "
            "modèle ne peut qu'afficher des variables et utiliser les filtres fournis, sans "
            "modifier les données.",
            _where(exc),
        ) from exc
    except UndefinedError as exc:
        name = _undefined_name(str(exc))
        raise TemplateError(
            f"variable ou attribut inconnu « {name} » : vérifiez son orthographe dans le "
            "catalogue des variables (iscg-docs variables).",
            _where(exc),
            name,
        ) from exc
    except TemplateSyntaxError as exc:
        raise TemplateError(
            f"erreur de syntaxe dans le modèle : {exc.message}.", _where(exc)
        ) from exc
    except JinjaError as exc:
        raise TemplateError(f"le modèle n'a pas pu être rendu : {exc}.", _where(exc)) from exc


@contextmanager
def bad_package(name: str) -> Iterator[None]:
    """A file that is not a .docx package is a TemplateError, not a zipfile traceback.

    Args:
        name: the template's name, for the error's ``where``.
    """
    from docx.opc.exceptions import OpcError
    from lxml import etree

    try:
        yield
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError, etree.LxmlError) as e:
        raise TemplateError(
            f"ce fichier n'est pas un document Word (.docx) utilisable ({package_reason(e)}).",
            name,
        ) from None


def package_reason(error: Exception) -> str:
    """Why python-docx or lxml could not read a package, for a French message.

    python-docx names the file it was given, which is a ``BytesIO`` and its address when
    the template came as bytes: such a message is replaced by its kind.
    """
    from docx.opc.exceptions import OpcError
    from lxml import etree

    if isinstance(error, KeyError):
        m = re.search(r"no item named '([^']+)'", str(error))
        return f"l'élément « {m.group(1)} » manque" if m else f"une partie manque : {error}"
    if isinstance(error, etree.LxmlError):
        return f"XML mal formé : {error}"
    if isinstance(error, OpcError) or " at 0x" in str(error):
        return f"paquet incomplet : {type(error).__name__}"
    return str(error)


def _security_reason(message: str) -> str:
    """The sandbox's refusal in French: it names the attribute and the type."""
    m = re.match(r"access to attribute '([^']+)' of '([^']+)' object is unsafe", message)
    if m:
        return f"« {m.group(1)} » d'un objet {m.group(2)}"
    return message


def _undefined_name(message: str) -> str:
    # Jinja says "'foo' is undefined" or "'dict object' has no attribute 'bar'".
    m = re.search(r"has no attribute '([^']+)'", message) or re.match(r"'([^']+)'", message)
    return m.group(1) if m else message


def _where(exc: BaseException) -> str | None:
    lines = getattr(exc, "docx_context", None)
    if lines is None:
        return None
    text = " ".join(s.strip() for s in lines if s.strip())
    text = re.sub(r"\s+", " ", text)
    return f"près de « {text[:120]} »" if text else None
