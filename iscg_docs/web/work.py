"""What the page does with an uploaded file, without the web: check it, generate, preview.

Every call works in its own temporary folder, removed before it returns: the upload is
written there under a cleaned name (never a path the client chose), read through the
library as the command line reads a file, and what the library wrote is returned as bytes.
The page adds no rule of its own; the texts are those of ``iscg-docs check`` and
``generate``, with the temporary folder taken out of them.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

from attrs import frozen

from iscg_docs.errors import InputError, IscgError, Problem, ValidationError
from iscg_docs.inputs.loading import convention_index, load_file
from iscg_docs.model.records import Framework
from iscg_docs.output.atomic import write_atomic
from iscg_docs.output.batch import generate

__all__ = [
    "Examination",
    "Group",
    "Produced",
    "examine",
    "pdf_available",
    "preview_available",
    "preview_png",
    "produce",
    "safe_name",
    "zip_bytes",
]

_TEMP_PREFIX = "iscg-docs-web-"
_NAME_MAX = 80
_UNSAFE = re.compile(r"[^\w.\- ]+")
#: Seconds pdftoppm may take to draw one page; LibreOffice has the command line's own bound.
PDFTOPPM_TIMEOUT = 60
#: How many LibreOffice conversions run at once: each is a process of a few hundred
#: megabytes, and the page's threads would otherwise start one per request.
LIBREOFFICE_AT_ONCE = 2
_LIBREOFFICE = threading.BoundedSemaphore(LIBREOFFICE_AT_ONCE)


def safe_name(client_name: str | None) -> str:
    """A file name for the upload: the client's base name, cleaned, never a path.

    Keeps letters (accented too), digits, dots, dashes, underscores and spaces, so the
    jurist recognises the name in messages; the suffix says which reader applies.
    """
    base = (client_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    if len(cleaned) > _NAME_MAX:
        stem, dot, suffix = cleaned.rpartition(".")
        keep = _NAME_MAX - len(suffix) - 1
        cleaned = f"{stem[:keep]}.{suffix}" if dot and keep > 0 else cleaned[:_NAME_MAX]
    return cleaned or "donnees"


@contextmanager
def _workspace(name: str, content: bytes) -> Iterator[Path]:
    """A fresh folder holding the upload as ``name``; removed on the way out."""
    folder = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX))
    try:
        path = folder / name
        write_atomic(path, content, durable=False)  # a scratch copy, gone after the request
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _hide(text: str, path: Path) -> str:
    """``text`` with the temporary folder taken out: the jurist sees only the file's name."""
    return text.replace(str(path), path.name).replace(f"{path.parent}{os.sep}", "")


@frozen
class Group:
    """Problems of one convention (or of the shared data), as ``check`` groups them.

    Attributes:
        title: « Convention « REF » (conventions[1]) », or None for the shared data.
        problems: the problems, in the order found.
    """

    title: str | None
    problems: tuple[Problem, ...]


@frozen
class Examination:
    """What checking an upload found.

    Attributes:
        name: the file's (cleaned) name.
        error: the message of a file that cannot be read at all, as ``check`` prints it.
        invalid: the headline of invalid data (« Données invalides dans … »), if any.
        errors: the errors, grouped by convention.
        warnings: the warnings of the valid conventions, grouped the same way.
        framework: the framework with its valid conventions, if the shared data is valid.
    """

    name: str
    error: str | None = None
    invalid: str | None = None
    errors: tuple[Group, ...] = ()
    warnings: tuple[Group, ...] = ()
    framework: Framework | None = None

    @property
    def problem_count(self) -> int:
        """How many errors were found."""
        return sum(len(g.problems) for g in self.errors)


def _title(index: int | None, reference: str | None) -> str | None:
    if index is None:
        return None
    name = f"« {reference} »" if reference else f"n° {index + 1}"
    return f"Convention {name} (conventions[{index}])"


def _grouped(problems: Sequence[Problem], references: dict[int, str]) -> tuple[Group, ...]:
    """Problems grouped by convention, shared data first, as ``check`` prints them."""
    groups: dict[int | None, list[Problem]] = {}
    for p in problems:
        groups.setdefault(convention_index(p.path), []).append(p)
    order = sorted(groups, key=lambda i: -1 if i is None else i)
    return tuple(
        Group(_title(i, None if i is None else references.get(i)), tuple(groups[i])) for i in order
    )


def examine(client_name: str | None, content: bytes) -> Examination:
    """Check an upload as ``iscg-docs check`` does, keeping the valid conventions apart.

    The conventions whose own data is invalid are set aside (as ``generate --keep-going``
    does) so the page can still show the plans of the others; a problem in the shared
    data (framework, parties) stops everything, as on the command line.
    """
    name = safe_name(client_name)
    with _workspace(name, content) as path:
        try:
            loaded = load_file(path, keep_going=True)
        except InputError as e:
            return Examination(name, error=_hide(str(e), path))
        except ValidationError as e:
            return Examination(
                name, invalid=_hide(e.message, path), errors=_grouped(e.problems, {})
            )
    framework, rejected = loaded.framework, loaded.rejected
    errors = tuple(Group(_title(r.index, r.reference), r.problems) for r in rejected)
    references = {i: c.reference for i, c in enumerate(framework.conventions)}
    invalid = f"Données invalides dans {name}" if rejected else None
    return Examination(
        name,
        invalid=invalid,
        errors=errors,
        warnings=_grouped(loaded.warnings, references),
        framework=framework,
    )


@frozen
class Produced:
    """What ``generate`` wrote for an upload: each file's name and bytes, sorted by name."""

    files: tuple[tuple[str, bytes], ...]

    def get(self, name: str) -> bytes | None:
        """The bytes of the file ``name``, or None."""
        return dict(self.files).get(name)


def produce(
    client_name: str | None,
    content: bytes,
    *,
    draft: bool = False,
    pdf: bool = False,
    only: Sequence[str] | None = None,
) -> Produced:
    """Generate the documents of an upload, as ``iscg-docs generate --keep-going`` would.

    Args:
        client_name: the file's name as the browser gave it (only its cleaned base is used).
        content: the file's bytes.
        draft: « PROJET » on every page, signature date left blank.
        pdf: also a PDF per document (LibreOffice, bounded by the command line's timeout).
        only: the references to generate; all the valid conventions by default.

    Returns:
        The documents and ``manifest.json``, byte for byte as ``generate`` writes them.

    Raises:
        InputError: the file cannot be read, or a reference in ``only`` is unknown.
        ValidationError: the shared data is invalid.
        OutputError: LibreOffice is missing or failed.
    """
    name = safe_name(client_name)
    with _workspace(name, content) as path:
        try:
            loaded = load_file(path, keep_going=True)
            framework = loaded.framework
            known = {c.reference for c in framework.conventions}
            unknown = [r for r in only or () if r not in known]
            if unknown:
                listed = ", ".join(f"« {r} »" for r in unknown)
                raise InputError(f"aucune convention valide n'a la référence {listed}.", name)
            if not known:
                raise InputError("aucune convention valide à produire.", name)
            out = path.parent / "documents"
            with _LIBREOFFICE if pdf else nullcontext():
                generate(
                    framework,
                    out,
                    draft=draft,
                    pdf=pdf,
                    only=list(only) if only else None,
                    input_sha256=loaded.sha256,
                    warnings=loaded.warnings,
                )
        except ValidationError as e:
            raise ValidationError(_hide(e.message, path), e.problems) from None
        except IscgError as e:
            _unhide(e, path)
            raise
        files = tuple((p.name, p.read_bytes()) for p in sorted(out.iterdir()) if p.is_file())
    return Produced(files)


def _unhide(error: IscgError, path: Path) -> None:
    """Take the temporary folder out of an error's source or target, in place."""
    for attribute in ("source", "target", "message", "where"):
        value = getattr(error, attribute, None)
        if isinstance(value, str):
            setattr(error, attribute, _hide(value, path))


#: A fixed date for every member, so the same documents always give the same zip.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def zip_bytes(produced: Produced) -> bytes:
    """The files in a zip, in name order, with fixed dates: the same input, the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in produced.files:
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def pdf_available() -> bool:
    """True when LibreOffice is installed, so PDFs can be made."""
    from iscg_docs.output.pdf import soffice

    return soffice() is not None


def preview_available() -> bool:
    """True when LibreOffice and poppler (pdftoppm) are installed, so pages can be drawn."""
    return pdf_available() and shutil.which("pdftoppm") is not None


def preview_png(
    client_name: str | None, content: bytes, reference: str, *, draft: bool = False
) -> bytes:
    """The first page of one convention's document, as a PNG image.

    Raises:
        InputError: the file cannot be read or the reference is unknown.
        ValidationError: the shared data is invalid.
        OutputError: LibreOffice failed or took longer than the command line allows, or
            pdftoppm failed.
    """
    from iscg_docs.errors import OutputError

    produced = produce(client_name, content, draft=draft, pdf=True, only=[reference])
    pdf = next(data for name, data in produced.files if name.endswith(".pdf"))
    program = shutil.which("pdftoppm")
    if program is None:
        raise OutputError("poppler (pdftoppm) est introuvable : installez poppler-utils.")
    with tempfile.TemporaryDirectory(prefix=_TEMP_PREFIX) as folder:
        source = Path(folder) / "document.pdf"
        write_atomic(source, pdf, durable=False)
        target = Path(folder) / "page"
        command = [program, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
        try:
            subprocess.run(
                [*command, str(source), str(target)],
                capture_output=True,
                timeout=PDFTOPPM_TIMEOUT,
                check=True,
                stdin=subprocess.DEVNULL,
            )
            return target.with_suffix(".png").read_bytes()
        except (subprocess.SubprocessError, OSError):
            raise OutputError("l'aperçu de la première page n'a pas pu être dessiné.") from None
