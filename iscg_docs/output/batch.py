"""Generate many conventions into a folder: atomically, never overwriting silently.

The guarantees, whatever happens to the process:

- a document is written to a temporary file in the output folder, flushed, then renamed
  over its name, so the folder only ever holds complete documents (:mod:`.atomic`);
- an existing document whose content would change is left alone unless ``force``; the
  check runs for every document before anything is written, so a refused batch changes
  nothing; with ``pdf``, so is a PDF present that the manifest did not record (a signed
  scan), since LibreOffice's PDFs differ from run to run and cannot be compared;
- ``manifest.json`` lists each document present with its SHA-256 and what it was made
  from; each document's entry is journaled before its rename and folded into the
  manifest every second and at the end, so the manifest never names another hash than
  the file present, and a run replays what a killed one journaled (:mod:`.manifest`);
- a rerun skips documents that are present and up to date, and writes nothing when all
  are (a read-only folder of up-to-date documents is fine);
- one run at a time writes into a folder: a second one waits for the first's lock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from iscg_docs._version import __version__
from iscg_docs.errors import InputError, LintError, OutputError, Problem
from iscg_docs.model import rules
from iscg_docs.model.records import Convention, Framework
from iscg_docs.output.amendments import Amendment, render_amendments
from iscg_docs.output.atomic import (
    commit,
    discard,
    lock_folder,
    remove_stale_temporaries,
    sync_files,
    sync_folder,
    sync_threads,
    write_atomic,
    write_temporary,
)
from iscg_docs.output.folder import check_entries, output_folder, refuse_changes
from iscg_docs.output.manifest import (
    MANIFEST,
    Entry,
    Made,
    Manifest,
    Stored,
    file_sha256,
    fingerprints,
    sha256,
)
from iscg_docs.output.pdf import convert_to_pdf
from iscg_docs.output.workers import Checked, Written, check, write_all

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from iscg_docs.convention.render import ConventionRenderer

__all__ = ["BatchReport", "Outcome", "generate", "write_convention"]

Progress = Callable[[int, int], None]

#: Documents flushed to the disk together before they are renamed into place …
GROUP_SIZE = 32
#: … or fewer, once the first has waited this long, in seconds.
GROUP_SECONDS = 0.5


@frozen
class Outcome:
    """What happened to one convention's document.

    Attributes:
        reference: the convention's reference.
        file: the document's file name in the output folder.
        status: ``written`` (new or replaced) or ``unchanged`` (already up to date).
        sha256: the document's SHA-256.
        pdf: the PDF's file name, when one was made or is up to date.
        checked: what reading the document back found, when :func:`generate` was asked
            to (``verify``) and wrote it: its findings (empty when clean), or the error
            that kept it from being read (a :class:`~iscg_docs.errors.TemplateError`).
    """

    reference: str
    file: str
    status: str
    sha256: str
    pdf: str | None = None
    checked: Checked = None


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
    check_entries(target.parent, [target.name])
    on_disk = file_sha256(target)
    if on_disk == sha256(data):
        return False
    if on_disk is not None and not force:
        raise OutputError(
            "ce fichier existe déjà avec un autre contenu ; il n'a pas été modifié "
            "(force=True pour le remplacer).",
            str(target),
        )
    write_atomic(target, data)
    return True


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
    verify: bool = False,
    warnings: Sequence[Problem] | None = None,
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
        verify: read back each document written, in the process that wrote it, and
            keep what was found in its outcome (:func:`~iscg_docs.convention.verify.verify_document`).
        warnings: the framework's warnings for the manifest; None: computed here.

    Returns:
        What happened to each document.

    Raises:
        OutputError: documents would change, or (with ``pdf``) a PDF the manifest did not
            record is present, and ``force`` is off (nothing is written), two conventions would share a file name, the folder cannot be written, or
            the PDF conversion failed.
        InputError: a reference in ``only`` is unknown.
        TemplateError: the template cannot be used; :class:`LintError` when a custom
            template has lint errors (nothing is written then).
    """
    from iscg_docs.convention.properties import file_stem
    from iscg_docs.convention.render import ConventionRenderer

    renderer = _lint_custom(template) if template is not None else ConventionRenderer()
    selected = _select(framework, only)
    names = _file_names(framework, selected, file_stem)
    pdfs = [Path(n).with_suffix(".pdf").name for n in names.values()] if pdf else []
    check_entries(Path(out_dir), [MANIFEST, *names.values(), *pdfs])
    folder = output_folder(Path(out_dir))
    with lock_folder(folder):
        remove_stale_temporaries(folder)
        run = _Run(framework, folder, names, renderer, selected, draft, input_sha256, progress)
        run.verify = verify
        found = rules.warnings(framework) if warnings is None else warnings
        run.manifest.set_warnings(
            {"code": w.code, "path": w.path, "message": w.message} for w in found
        )
        rendered, unchanged = run.survey(force=force, pdf=pdf)
        amendments = render_amendments(framework, selected, renderer, draft=draft)
        run.survey_amendments(amendments, force=force, pdf=pdf)
        run.keep(unchanged, replaced=rendered)
        todo = [i for i in selected if i not in unchanged and i not in rendered]
        run.write(rendered, todo, jobs)
        after = run.write_amendments(amendments)
        ordered = tuple(o for i in selected for o in (run.outcomes[i], *after.get(i, ())))
        if pdf:
            ordered = _pdfs(folder, ordered, run.manifest)
    return BatchReport(folder, ordered)


class _Run:
    """One :func:`generate`: its documents' names, the manifest, the outcomes so far."""

    def __init__(
        self,
        framework: Framework,
        folder: Path,
        names: dict[int, str],
        renderer: ConventionRenderer,
        selected: list[int],
        draft: bool,
        input_sha256: str | None,
        progress: Progress | None,
    ) -> None:
        self.framework = framework
        self.folder = folder
        self.names = names
        self.renderer = renderer
        self.selected = selected
        self.draft = draft
        self.progress = progress
        self.manifest = Manifest(folder)
        template_sha = sha256(renderer.source)
        self.fingerprints = fingerprints(framework, selected, draft, template_sha)
        #: What every manifest entry of this run records besides its own document.
        self.made_from: dict[str, Any] = {
            "input_sha256": input_sha256,
            "template": Path(renderer.template_name).name,
            "template_sha256": template_sha,
            "version": __version__,
            "draft": draft,
        }
        self.made = Made(self.made_from)
        self.outcomes: dict[int, Outcome] = {}
        #: Whether each document written is read back (in the process that wrote it).
        self.verify = False
        #: What reading back found in the replacements, read while the folder is surveyed.
        self.checked: dict[int, Checked] = {}

    def survey(self, *, force: bool, pdf: bool) -> tuple[dict[int, bytes], dict[int, str]]:
        """The documents already present: those to replace (rendered) and those up to date.

        A document with this run's fingerprint and its recorded bytes is up to date
        without rendering; any other is rendered and compared. With ``pdf``, a PDF the
        manifest did not record (a signed scan) is the user's: checked here too. Nothing
        is written.

        Returns:
            The rendered replacements by index, and the up-to-date documents' SHA-256.

        Raises:
            OutputError: some documents would change, or some PDFs are not this tool's,
                and ``force`` is off.
        """
        rendered: dict[int, bytes] = {}
        unchanged: dict[int, str] = {}
        conflicts: list[str] = []
        for i in self.selected:
            on_disk = file_sha256(self.folder / self.names[i])
            if on_disk is None:
                continue
            entry = self.manifest.get(self.names[i]) or {}
            if entry.get("fingerprint") == self.fingerprints[i] and entry["sha256"] == on_disk:
                unchanged[i] = on_disk
                continue
            data = self._render(i)
            if sha256(data) == on_disk:
                unchanged[i] = on_disk
            elif force:
                rendered[i] = data
                # Read back now: once their old entries are dropped, replacements are
                # renamed without delay (a kill in between leaves documents unlisted).
                self.checked[i] = check(data) if self.verify else None
            else:
                conflicts.append(self.names[i])
        foreign = []
        if pdf and not force:
            foreign = [n for i in self.selected if (n := self._foreign_pdf(self.names[i]))]
        refuse_changes(self.folder, conflicts, foreign)
        return rendered, unchanged

    def keep(self, unchanged: dict[int, str], replaced: Iterable[int]) -> None:
        """Count the up-to-date documents as done, and write the manifest if it changed.

        The entries of the documents about to be ``replaced`` are dropped first, so that
        the manifest never names the old SHA-256 of a document already replaced. The
        manifest is written only if its entries changed: a folder of up-to-date
        documents is not written at all.
        """
        for i, sha in unchanged.items():
            self.manifest[self.names[i]] = self._entry(i, sha)
            self._finished(i, "unchanged", sha)
        self.manifest.forget(self.names[i] for i in replaced)
        self.manifest.write()

    def write(self, rendered: dict[int, bytes], todo: list[int], jobs: int) -> None:
        """Write the replacements, then render and write ``todo``, each then recorded.

        Documents are renamed into place by groups: the group's temporaries are flushed
        to the disk together, then their entries are journaled at once and each is
        renamed (a journal that cannot be written leaves the group unrenamed); the folder
        is flushed after each group. If the run stops, even with an error, the temporaries
        not renamed are removed and the manifest is brought up to date first, so that it
        lists exactly the documents present; a kill leaves the journal for the next run.
        """
        group = _Group(self)
        try:
            for i, data in rendered.items():
                tmp = write_temporary(self.folder / self.names[i], data, durable=False)
                group.add(i, tmp, sha256(data), self.checked.get(i))
            paths = {i: self.folder / self.names[i] for i in todo}
            group.release()  # no thread of this process runs when the workers are forked
            write_all(
                self.renderer, self.framework, todo, self.draft, jobs, paths, group.add, self.verify
            )
            group.flush()
        except BaseException:
            group.abandon()
            with suppress(OutputError):  # the journal stays for the next run to replay
                self.manifest.write()
            raise
        finally:
            group.release()
        self.manifest.write()

    def commit(self, waiting: list[Written]) -> None:
        """Rename the complete temporaries ``waiting`` into place, all journaled first.

        Each document leaves ``waiting`` once renamed and recorded.
        """
        entries = [self._entry(i, sha) for i, _, sha, _ in waiting]
        self.manifest.announce(entries)
        for entry in entries:
            i, tmp, sha, checked = waiting[0]
            commit(tmp, self.folder / self.names[i])
            self.recorded(i, sha, checked, entry)
            del waiting[0]

    def recorded(self, i: int, sha: str, checked: Checked, entry: Stored | None = None) -> None:
        """Document ``i``, whose SHA-256 is ``sha``, is in place: record it (``entry``)."""
        self.manifest.record(self.names[i], self._entry(i, sha) if entry is None else entry)
        self._finished(i, "written", sha, checked)

    def survey_amendments(self, amendments: Sequence[Amendment], *, force: bool, pdf: bool) -> None:
        """Refuse, before anything is written, avenant documents that would change.

        Raises:
            OutputError: some would change, or their PDFs are not this tool's, and
                ``force`` is off.
        """
        check_entries(self.folder, [a.file for a in amendments])
        if force:
            return
        conflicts = [
            a.file
            for a in amendments
            if file_sha256(self.folder / a.file) not in (None, sha256(a.data))
        ]
        foreign = [n for a in amendments if pdf and (n := self._foreign_pdf(a.file))]
        refuse_changes(self.folder, conflicts, foreign)

    def write_amendments(self, amendments: Sequence[Amendment]) -> dict[int, list[Outcome]]:
        """Write the avenant documents that are missing or out of date, each then recorded.

        Returns:
            Their outcomes, by the index of the convention they amend.
        """
        outcomes: dict[int, list[Outcome]] = {}
        for a in amendments:
            sha = sha256(a.data)
            status = "unchanged" if file_sha256(self.folder / a.file) == sha else "written"
            entry = {
                "reference": a.reference,
                "file": a.file,
                "sha256": sha,
                "kind": a.kind,
                "avenant": a.number,
                "amends_sha256": a.amends_sha256,
                **self.made_from,
            }
            checked = None
            if status == "written":  # journaled first; an old entry goes before the rename
                self.manifest.forget([a.file])
                self.manifest.announce([entry])
                write_atomic(self.folder / a.file, a.data)
                checked = check((self.folder / a.file).read_bytes()) if self.verify else None
            self.manifest.record(a.file, entry)
            outcomes.setdefault(a.index, []).append(
                Outcome(a.reference, a.file, status, sha, checked=checked)
            )
        self.manifest.write()
        return outcomes

    def _foreign_pdf(self, document: str) -> str | None:
        """The name of ``document``'s PDF if one is present that this tool did not make.

        LibreOffice's PDFs differ from run to run (dates, identifiers), so a PDF is ours
        only if the manifest recorded its SHA-256 (a signed scan never is).
        """
        name = Path(document).with_suffix(".pdf").name
        on_disk = file_sha256(self.folder / name)
        if on_disk is None:
            return None
        entry = self.manifest.get(document) or {}
        if entry.get("pdf") == name and entry.get("pdf_sha256") == on_disk:
            return None
        return name

    def _render(self, i: int) -> bytes:
        convention = self.framework.conventions[i]
        return self.renderer.render_convention(self.framework, convention, draft=self.draft)

    def _entry(self, i: int, sha: str) -> Stored:
        """The manifest entry of document ``i``, whose SHA-256 is ``sha``."""
        entry = self.manifest.get(self.names[i])
        if entry and entry.get("fingerprint") == self.fingerprints[i] and entry["sha256"] == sha:
            return entry
        reference = self.framework.conventions[i].reference
        return Entry(reference, self.names[i], sha, self.fingerprints[i], self.made)

    def _finished(self, i: int, status: str, sha: str, checked: Checked = None) -> None:
        reference = self.framework.conventions[i].reference
        self.outcomes[i] = Outcome(reference, self.names[i], status, sha, checked=checked)
        if self.progress is not None:
            self.progress(len(self.outcomes), len(self.selected))


class _Group:
    """Documents rendered to temporaries, waiting to be flushed together and renamed.

    A group is flushed when it holds :data:`GROUP_SIZE` documents or its first one has
    waited :data:`GROUP_SECONDS`, and at the end, by threads kept from one group to the
    next until :meth:`release`.
    """

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.threads: ThreadPoolExecutor | None = None
        self.waiting: list[Written] = []
        self.since = 0.0

    def add(self, i: int, tmp: str, sha: str, checked: Checked) -> None:
        """Add document ``i``'s temporary; flush the group if it is time."""
        if not self.waiting:
            self.since = time.monotonic()
        self.waiting.append((i, tmp, sha, checked))
        if len(self.waiting) >= GROUP_SIZE or time.monotonic() - self.since >= GROUP_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Flush the waiting temporaries to the disk, rename each, flush the folder."""
        if not self.waiting:
            return
        if self.threads is None:
            self.threads = sync_threads()
        sync_files([waiting[1] for waiting in self.waiting], self.threads)
        self.run.commit(self.waiting)
        sync_folder(self.run.folder)

    def release(self) -> None:
        """End the flushing threads (new ones start if another group is flushed)."""
        if self.threads is not None:
            self.threads.shutdown()
            self.threads = None

    def abandon(self) -> None:
        """Remove the temporaries not renamed; record one renamed when the run stopped.

        An interruption (Ctrl-C) may fall between a rename and its record: a temporary
        gone and its document present with its SHA-256 was renamed.
        """
        for i, tmp, sha, checked in self.waiting:
            if os.path.exists(tmp):
                discard(tmp)
            elif file_sha256(self.run.folder / self.run.names[i]) == sha:
                self.run.recorded(i, sha, checked)
        self.waiting.clear()


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
        raise InputError(
            "aucune convention n'a la référence "
            + ", ".join(f"« {r} »" for r in missing)
            + f" ; références connues : {', '.join(sorted(references))}."
        )
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


def _pdfs(folder: Path, outcomes: tuple[Outcome, ...], manifest: Manifest) -> tuple[Outcome, ...]:
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
                "pdf_sha256": file_sha256(target),
            }
        manifest.write()
    return tuple(attrs.evolve(o, pdf=Path(o.file).with_suffix(".pdf").name) for o in outcomes)
