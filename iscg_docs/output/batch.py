"""Generate many conventions into a folder: atomically, never overwriting silently.

The guarantees, whatever happens to the process:

- a document is written to a temporary file in the output folder, flushed, then renamed
  over its name, so the folder only ever holds complete documents;
- an existing document whose content would change is left alone unless ``force``; the
  check runs for every document before anything is written, so a refused batch changes
  nothing; with ``pdf``, so is a PDF present that the manifest did not record (a signed
  scan), since LibreOffice's PDFs differ from run to run and cannot be compared;
- ``manifest.json`` is rewritten (atomically too) after each document, and lists each
  document present with its SHA-256 and what it was made from (input, template, library
  version), so a convention can be regenerated identically for an audit;
- a rerun skips documents that are present and up to date.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from iscg_docs._version import __version__
from iscg_docs.errors import LintError, OutputError, os_reason
from iscg_docs.model.records import Convention, Framework

if TYPE_CHECKING:
    from iscg_docs.convention.render import ConventionRenderer

__all__ = [
    "MANIFEST",
    "BatchReport",
    "Outcome",
    "convert_to_pdf",
    "generate",
    "write_atomic",
    "write_convention",
]

#: Name of the manifest in the output folder.
MANIFEST = "manifest.json"

_TEMP_PREFIX = ".iscg-docs-"
_TEMP_SUFFIX = ".part"

Progress = Callable[[int, int], None]


@frozen
class Outcome:
    """What happened to one convention's document.

    Attributes:
        reference: the convention's reference.
        file: the document's file name in the output folder.
        status: ``written`` (new or replaced) or ``unchanged`` (already up to date).
        sha256: the document's SHA-256.
        pdf: the PDF's file name, when one was made or is up to date.
    """

    reference: str
    file: str
    status: str
    sha256: str
    pdf: str | None = None


@frozen
class BatchReport:
    """The result of :func:`generate`.

    Attributes:
        out_dir: the output folder.
        outcomes: one per convention generated, in the framework's order.
    """

    out_dir: Path
    outcomes: tuple[Outcome, ...]

    @property
    def written(self) -> tuple[Outcome, ...]:
        """Documents written by this run."""
        return tuple(o for o in self.outcomes if o.status == "written")


# --------------------------------------------------------------------------- atomic files


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Readers see the old file or the new one, never a part; a crash leaves at most a
    hidden ``.part`` file that the next batch removes.

    Args:
        path: the file to write.
        data: its content.
        durable: flush the data to the disk before the rename, so that even a power cut
            leaves the old file or the complete new one. The manifest skips it: a
            killed process cannot tear a renamed file, and a manifest that lags after a
            power cut is rebuilt from the documents' hashes by the next run.

    Raises:
        OutputError: the folder cannot be written.
    """
    _commit(_write_temporary(path, data, durable=durable), path)


def _write_temporary(path: Path, data: bytes, *, durable: bool = True) -> str:
    """Write ``data`` to a new hidden temporary beside ``path``; return its path.

    The temporary is complete (and on the disk, if ``durable``) when this returns, and
    removed if writing it fails. :func:`_commit` renames it over ``path``.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=path.parent)
    except OSError as e:
        raise OutputError(f"écriture impossible ({os_reason(e)}).", str(path)) from None
    with _discarded_on_failure(tmp, path):
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the document from colleagues
    return tmp


def _commit(tmp: str, path: Path) -> None:
    """Rename the complete temporary ``tmp`` over ``path``."""
    with _discarded_on_failure(tmp, path):
        os.replace(tmp, path)


@contextmanager
def _discarded_on_failure(tmp: str, path: Path) -> Iterator[None]:
    """Remove ``tmp`` if the block fails; an OSError becomes an OutputError naming ``path``."""
    try:
        yield
    except BaseException as e:
        _discard(tmp)
        if isinstance(e, OSError):
            raise OutputError(f"écriture impossible ({os_reason(e)}).", str(path)) from None
        raise


def _discard(tmp: str) -> None:
    """Remove a temporary; one already renamed or removed is no longer there, which is fine."""
    with suppress(OSError):
        os.unlink(tmp)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str | None:
    try:
        return _sha256(path.read_bytes())
    except FileNotFoundError:
        return None


def _remove_stale_temporaries(folder: Path) -> None:
    """Remove the temporary files a killed batch left behind."""
    for stale in folder.glob(f"{_TEMP_PREFIX}*{_TEMP_SUFFIX}"):
        with suppress(OSError):
            stale.unlink()
    for stale in folder.glob(f"{_TEMP_PREFIX}pdf-*"):
        shutil.rmtree(stale, ignore_errors=True)


def write_convention(
    path: str | os.PathLike[str],
    framework: Framework,
    convention: Convention,
    *,
    template: str | os.PathLike[str] | None = None,
    draft: bool = False,
    force: bool = False,
) -> bool:
    """Render one convention and write it to ``path`` atomically.

    Args:
        path: the .docx file to write.
        framework: a validated framework.
        convention: one of its conventions.
        template: another .docx template; the bundled one by default.
        draft: mark every page "PROJET" and leave the signature date blank.
        force: replace an existing file whose content differs.

    Returns:
        True if the file was written, False if it already held exactly this document.

    Raises:
        OutputError: the file exists with other content and ``force`` is off, or it
            cannot be written.
    """
    from iscg_docs.convention.render import render_convention

    target = Path(path)
    data = render_convention(framework, convention, template=template, draft=draft)
    on_disk = _file_sha256(target)
    if on_disk == _sha256(data):
        return False
    if on_disk is not None and not force:
        raise OutputError(
            "ce fichier existe déjà avec un autre contenu ; il n'a pas été modifié "
            "(force=True pour le remplacer).",
            str(target),
        )
    write_atomic(target, data)
    return True


# --------------------------------------------------------------------------- the manifest


class _Manifest:
    """The manifest's entries by file name, written back as JSON after each change.

    Each entry's JSON is kept once encoded, so rewriting the manifest after every
    document costs a join, not a re-encoding of every entry (which made a batch
    quadratic in the number of documents).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._entries = _read_manifest(folder)
        self._encoded: dict[str, str] = {}

    def get(self, name: str) -> dict[str, Any] | None:
        return self._entries.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self._entries[name]

    def __setitem__(self, name: str, entry: dict[str, Any]) -> None:
        self._entries[name] = entry
        self._encoded.pop(name, None)

    def write(self) -> None:
        documents = []
        for name in sorted(self._entries):
            if name not in self._encoded:
                text = json.dumps(self._entries[name], ensure_ascii=False, indent=2, sort_keys=True)
                self._encoded[name] = textwrap.indent(text, "    ")
            documents.append(self._encoded[name])
        body = ",\n".join(documents)
        text = (
            "{\n"
            f'  "documents": [\n{body}\n  ],\n'
            '  "generator": "iscg-docs",\n'
            f'  "version": {json.dumps(__version__)}\n'
            "}\n"
        )
        write_atomic(self.folder / MANIFEST, text.encode("utf-8"), durable=False)


def _read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Entries by file name, keeping only those whose document is present and intact."""
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
        entries = data["documents"]
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return {}
    kept: dict[str, dict[str, Any]] = {}
    for entry in entries if isinstance(entries, list) else []:
        try:
            name = entry["file"]
            if _file_sha256(folder / name) != entry["sha256"]:
                continue
            pdf = entry.get("pdf")
            if pdf and _file_sha256(folder / pdf) != entry.get("pdf_sha256"):
                for key in ("pdf", "pdf_of", "pdf_sha256"):
                    entry.pop(key, None)
            kept[name] = entry
        except (KeyError, TypeError, OSError):
            continue
    return kept


# --------------------------------------------------------------------------- rendering


def _fingerprints(
    framework: Framework, selected: Iterable[int], draft: bool, template: str
) -> dict[int, str]:
    """What each document depends on: its convention, the shared records, the template.

    Each is the SHA-256 of ``repr((shared, convention, draft, template, version))``,
    with ``shared`` the framework without its conventions. That tuple's repr is spelt
    out here so that ``shared``, which grows with the framework, is repr'd, encoded and
    hashed once, each convention's hash going on from a copy of that state: done once
    per convention, it made a batch quadratic (0.3 s of hashing alone for 300).
    """
    shared = hashlib.sha256(f"({attrs.evolve(framework, conventions=())!r}, ".encode())
    tail = f", {draft!r}, {template!r}, {__version__!r})"
    fingerprints = {}
    for i in selected:
        h = shared.copy()
        h.update(f"{framework.conventions[i]!r}{tail}".encode())
        fingerprints[i] = h.hexdigest()
    return fingerprints


# One renderer per worker process, built once by the pool's initializer.
_WORKER: dict[str, Any] = {}

#: What a worker hands back for each document: its index, its complete temporary file
#: (beside its final name, flushed to the disk) and its SHA-256.
_Written = tuple[int, str, str]


def _init_worker(
    template: bytes, framework: Framework, draft: bool, paths: dict[int, Path]
) -> None:
    from iscg_docs.convention.render import ConventionRenderer

    # Ctrl-C reaches every process of the terminal's group: the parent alone handles it
    # (it waits for the tasks under way, then removes what they wrote).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(
        renderer=ConventionRenderer(template), framework=framework, draft=draft, paths=paths
    )


def _write_in_worker(indices: Sequence[int]) -> list[_Written]:
    """Render and write the temporaries of ``indices``; remove them all if one fails."""
    framework: Framework = _WORKER["framework"]
    written: list[_Written] = []
    try:
        for i in indices:
            written.append(
                _render_and_write(
                    _WORKER["renderer"], framework, i, _WORKER["draft"], _WORKER["paths"][i]
                )
            )
    except BaseException:
        for _, tmp, _sha in written:
            _discard(tmp)
        raise
    return written


def _render_and_write(
    renderer: Any, framework: Framework, i: int, draft: bool, path: Path
) -> _Written:
    data = renderer.render_convention(framework, framework.conventions[i], draft=draft)
    return i, _write_temporary(path, data), _sha256(data)


# --------------------------------------------------------------------------- generate


def generate(
    framework: Framework,
    out_dir: str | os.PathLike[str],
    *,
    template: str | os.PathLike[str] | None = None,
    draft: bool = False,
    force: bool = False,
    only: Sequence[str] | None = None,
    jobs: int = 1,
    pdf: bool = False,
    input_sha256: str | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    """Write one .docx per convention of ``framework`` into ``out_dir``.

    Args:
        framework: a validated framework; every convention in it is generated.
        out_dir: the output folder, created if needed.
        template: another .docx template; the bundled one by default.
        draft: mark every page "PROJET" and leave the signature date blank.
        force: replace documents whose content changed, and PDFs this tool did not make.
        only: generate only the conventions with these references.
        jobs: render in that many processes (the output is the same).
        pdf: also write a PDF beside each document, through LibreOffice.
        input_sha256: SHA-256 of the input file, recorded in the manifest.
        progress: called with (done, total) as documents are finished.

    Returns:
        What happened to each document.

    Raises:
        OutputError: documents would change, or (with ``pdf``) a PDF the manifest did not
            record is present, and ``force`` is off (nothing is written),
            two conventions would share a file name, the folder cannot be written, or
            the PDF conversion failed.
        KeyError: a reference in ``only`` is unknown.
        TemplateError: the template cannot be used; :class:`LintError` when a custom
            template has lint errors (nothing is written then).
    """
    from iscg_docs.convention.properties import file_stem
    from iscg_docs.convention.render import ConventionRenderer

    folder = Path(out_dir)
    renderer = _lint_custom(template) if template is not None else ConventionRenderer()
    template_sha = _sha256(renderer.source)
    template_name = Path(renderer.template_name).name

    selected = _select(framework, only)
    names = _file_names(framework, selected, file_stem)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(
            f"dossier de sortie impossible à créer ({os_reason(e)}).", str(folder)
        ) from None
    _remove_stale_temporaries(folder)
    manifest = _Manifest(folder)

    fingerprints = _fingerprints(framework, selected, draft, template_sha)

    # Phase 1: documents already present. Up to date (same fingerprint, same bytes) is
    # skipped without rendering; otherwise render and compare. Nothing is written yet.
    rendered: dict[int, bytes] = {}
    unchanged: dict[int, str] = {}
    conflicts: list[str] = []
    for i in selected:
        path = folder / names[i]
        on_disk = _file_sha256(path)
        if on_disk is None:
            continue
        entry = manifest.get(names[i])
        if entry and entry.get("fingerprint") == fingerprints[i] and entry["sha256"] == on_disk:
            unchanged[i] = on_disk
            continue
        data = renderer.render_convention(framework, framework.conventions[i], draft=draft)
        if _sha256(data) == on_disk:
            unchanged[i] = on_disk
        elif force:
            rendered[i] = data
        else:
            conflicts.append(names[i])
    # A PDF the manifest did not record (a signed scan) is the user's: checked here too,
    # before anything is written.
    foreign = []
    if pdf and not force:
        foreign = [name for i in selected if (name := _foreign_pdf(folder, names[i], manifest))]
    if conflicts or foreign:
        found = []
        if conflicts:
            found.append("ces documents existent déjà avec un contenu différent : ")
            found.append(", ".join(conflicts) + " ; ")
        if foreign:
            found.append("ces PDF existent déjà et ne sont pas ceux que ce dossier a reçus ")
            found.append("d'une génération (le manifeste ne les connaît pas) : ")
            found.append(", ".join(foreign) + " ; ")
        raise OutputError(
            "".join(found) + "rien n'a été écrit. Relancez avec --force pour les remplacer, "
            "ou choisissez un autre dossier.",
            str(folder),
        )

    def record(i: int, sha: str) -> None:
        convention = framework.conventions[i]
        manifest[names[i]] = {
            "reference": convention.reference,
            "file": names[i],
            "sha256": sha,
            "fingerprint": fingerprints[i],
            "input_sha256": input_sha256,
            "template": template_name,
            "template_sha256": template_sha,
            "version": __version__,
            "draft": draft,
        }

    outcomes: dict[int, Outcome] = {}
    total = len(selected)

    def finished(i: int, status: str, sha: str) -> None:
        outcomes[i] = Outcome(framework.conventions[i].reference, names[i], status, sha)
        if progress is not None:
            progress(len(outcomes), total)

    for i, sha in unchanged.items():
        if names[i] not in manifest or manifest[names[i]].get("fingerprint") != fingerprints[i]:
            record(i, sha)
        finished(i, "unchanged", sha)
    if unchanged:
        manifest.write()

    # Phase 2: write what is new or replaced, each followed by the manifest. If the run
    # is interrupted (Ctrl-C) between a document's rename and the manifest's update, the
    # manifest is brought up to date before the interruption goes on, so that it lists
    # exactly the documents present.
    pending: list[tuple[int, str]] = []

    def commit(i: int, tmp: str, sha: str) -> None:
        pending.append((i, sha))
        _commit(tmp, folder / names[i])
        record(i, sha)
        manifest.write()
        pending.clear()
        finished(i, "written", sha)

    try:
        for i, data in rendered.items():
            commit(i, _write_temporary(folder / names[i], data), _sha256(data))
        todo = [i for i in selected if i not in unchanged and i not in rendered]
        paths = {i: folder / names[i] for i in todo}
        _write_all(renderer, framework, todo, draft, jobs, paths, commit)
    except BaseException:
        for i, sha in pending:
            if _file_sha256(folder / names[i]) == sha:
                record(i, sha)
                manifest.write()
        raise

    ordered = tuple(outcomes[i] for i in selected)
    if pdf:
        ordered = _pdfs(folder, ordered, manifest)
    return BatchReport(folder, ordered)


def _lint_custom(template: str | os.PathLike[str]) -> ConventionRenderer:
    """Refuse a custom template the lint finds errors in, before anything is rendered.

    The bundled template is tested; a jurist's copy may hold a misspelt variable that
    would only fail on the one convention that reaches it, or a broken table that Word
    would open as a corrupt file.

    Returns:
        The template compiled by the lint, to render with.
    """
    from iscg_docs.convention.render import check_template
    from iscg_docs.docx.lint import ERROR

    checked = check_template(template)
    if checked.renderer is None:
        raise LintError(
            [f for f in checked.findings if f.severity == ERROR], Path(os.fspath(template)).name
        )
    return checked.renderer


def _select(framework: Framework, only: Sequence[str] | None) -> list[int]:
    if not only:
        return list(range(len(framework.conventions)))
    references = [c.reference for c in framework.conventions]
    missing = [r for r in only if r not in references]
    if missing:
        raise KeyError(", ".join(missing))
    return [i for i, r in enumerate(references) if r in only]


def _file_names(
    framework: Framework, selected: Iterable[int], stem: Callable[[Convention], str]
) -> dict[int, str]:
    """Each convention's file name; two conventions may not share one (in any case)."""
    names = {i: stem(framework.conventions[i]) + ".docx" for i in selected}
    users: dict[str, list[str]] = {}
    for i, name in names.items():
        users.setdefault(name.casefold(), []).append(framework.conventions[i].reference)
    clashes = [refs for refs in users.values() if len(refs) > 1]
    if clashes:
        raise OutputError(
            "plusieurs conventions donneraient le même nom de fichier : "
            + " ; ".join(" et ".join(f"« {r} »" for r in refs) for refs in clashes)
            + ". Donnez-leur des références distinctes."
        )
    return names


def _write_all(
    renderer: Any,
    framework: Framework,
    todo: list[int],
    draft: bool,
    jobs: int,
    paths: dict[int, Path],
    commit: Callable[[int, str, str], None],
) -> None:
    """Render ``todo`` to temporaries beside ``paths`` and hand each to ``commit``.

    With ``jobs`` > 1, worker processes render, hash and write the documents themselves,
    in tasks of a few conventions, and only names and hashes come back: the parent's
    share is renaming and the manifest. If anything fails or is interrupted, the tasks
    under way are waited for and every temporary not committed is removed.
    """
    produced: list[str] = []
    try:
        if jobs <= 1 or len(todo) <= 1:
            for i in todo:
                written = _render_and_write(renderer, framework, i, draft, paths[i])
                produced.append(written[1])
                commit(*written)
            return
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs,
            initializer=_init_worker,
            initargs=(renderer.source, framework, draft, paths),
        ) as pool:
            futures = [pool.submit(_write_in_worker, task) for task in _tasks(todo, jobs)]
            try:
                for future in concurrent.futures.as_completed(futures):
                    results = future.result()
                    produced.extend(tmp for _, tmp, _sha in results)
                    for written in results:
                        commit(*written)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                for future in futures:
                    if future.done() and not future.cancelled() and future.exception() is None:
                        produced.extend(tmp for _, tmp, _sha in future.result())
                raise
    except BaseException:
        for tmp in produced:  # a committed one was renamed: nothing left to remove
            _discard(tmp)
        raise


def _tasks(todo: list[int], jobs: int) -> list[list[int]]:
    """``todo`` cut into tasks: about eight per process, at most eight conventions each.

    Small enough that the processes finish together and progress shows, large enough
    that a task's round trip (a few hundred microseconds) stays small beside its work.
    """
    size = max(1, min(8, -(-len(todo) // (8 * jobs))))
    return [todo[first : first + size] for first in range(0, len(todo), size)]


# --------------------------------------------------------------------------- PDF


def _foreign_pdf(folder: Path, document: str, manifest: _Manifest) -> str | None:
    """The name of the PDF of ``document`` if one is present that this tool did not
    make: LibreOffice's PDFs differ from run to run (dates, identifiers), so a PDF is
    ours only if the manifest recorded its SHA-256 (a signed scan never is)."""
    name = Path(document).with_suffix(".pdf").name
    on_disk = _file_sha256(folder / name)
    if on_disk is None:
        return None
    entry = manifest.get(document) or {}
    if entry.get("pdf") == name and entry.get("pdf_sha256") == on_disk:
        return None
    return name


def _pdfs(folder: Path, outcomes: tuple[Outcome, ...], manifest: _Manifest) -> tuple[Outcome, ...]:
    """Make the PDFs that are missing or older than their document, in one conversion."""
    wanted = []
    for o in outcomes:
        pdf_name = Path(o.file).with_suffix(".pdf").name
        entry = manifest.get(o.file) or {}
        if (
            o.status == "unchanged"
            and entry.get("pdf") == pdf_name
            and entry.get("pdf_of") == o.sha256
            and (folder / pdf_name).is_file()
        ):
            continue
        wanted.append(folder / o.file)
    if wanted:
        made = convert_to_pdf(wanted, folder)
        for source, target in made.items():
            entry = manifest[source.name]
            manifest[source.name] = {
                **entry,
                "pdf": target.name,
                "pdf_of": entry["sha256"],
                "pdf_sha256": _file_sha256(target),
            }
        manifest.write()
    return tuple(attrs.evolve(o, pdf=Path(o.file).with_suffix(".pdf").name) for o in outcomes)


def soffice() -> str | None:
    """The LibreOffice program on this machine, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    documents: Sequence[Path], out_dir: Path, *, timeout: float | None = None
) -> dict[Path, Path]:
    """Convert documents to PDF with one headless LibreOffice process.

    The PDFs are made in a temporary folder, then each is renamed into ``out_dir``, so
    an interrupted conversion leaves no partial PDF.

    Args:
        documents: the .docx files.
        out_dir: where the PDFs go (same stem, ``.pdf``).
        timeout: seconds allowed; 60 plus 10 per document by default.

    Returns:
        Each document's PDF.

    Raises:
        OutputError: LibreOffice is missing, timed out, or made no PDF for a document.
    """
    program = soffice()
    if program is None:
        raise OutputError(
            "LibreOffice est introuvable : installez-le (paquet Debian "
            "libreoffice-writer-nogui) pour produire les PDF.",
            str(out_dir),
        )
    if timeout is None:
        timeout = 60 + 10 * len(documents)
    # Absolute: LibreOffice's profile is given as a file URI, which a relative path
    # (``--out out/``) cannot be.
    work = Path(tempfile.mkdtemp(prefix=f"{_TEMP_PREFIX}pdf-", dir=out_dir)).absolute()
    try:
        profile = work / "profile"
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            *(str(d) for d in documents),
        ]
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise OutputError(
                f"LibreOffice n'a pas terminé la conversion en PDF en {timeout:.0f} s.",
                str(out_dir),
            ) from None
        made: dict[Path, Path] = {}
        missing = []
        for document in documents:
            produced = work / (document.stem + ".pdf")
            if not produced.is_file():
                missing.append(document.name)
                continue
            target = out_dir / produced.name
            os.replace(produced, target)
            made[document] = target
        if missing:
            raise OutputError(
                "LibreOffice n'a pas produit de PDF pour : " + ", ".join(missing) + ".",
                str(out_dir),
            )
        return made
    finally:
        shutil.rmtree(work, ignore_errors=True)
