"""What each sub-command does: results on ``out``, messages and progress on ``err``.

Each command takes the parsed arguments and the two streams and returns an exit code;
errors it does not handle itself propagate to :func:`iscg_docs.cli.main`, which maps
them. A command imports what it needs when it runs, so that ``iscg-docs check`` does not
pay for docxtpl, python-docx, lxml or openpyxl.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from iscg_docs.cli.codes import ExitCode
from iscg_docs.errors import Problem, TemplateError

if TYPE_CHECKING:
    from iscg_docs.inputs.loading import Loaded, Rejected
    from iscg_docs.output.batch import BatchReport

__all__ = [
    "check",
    "compare",
    "generate",
    "lint",
    "serve",
    "variables",
    "verify",
    "workbook_template",
]

#: Called with (documents done, documents in all) as a batch goes.
Progress = Callable[[int, int], None]

_STATUS = {"written": "écrit", "unchanged": "inchangé"}


def check(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitCode:
    """Validate a data file and print a summary of its conventions."""
    from iscg_docs.cli.summary import summarize
    from iscg_docs.inputs.loading import load_file

    loaded = load_file(args.file)
    out.write(summarize(loaded.framework))
    print_warnings(loaded.warnings, err)
    return ExitCode.OK


def print_warnings(warnings: Sequence[Problem], err: TextIO) -> None:
    """The warnings on ``err``, after the word « Avertissement »; they never change the
    exit code."""
    for warning in warnings:
        print(f"Avertissement : {warning}", file=err)


def generate(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitCode:
    """Write the documents; with ``--keep-going``, the valid conventions and a list of the rest."""
    from iscg_docs.inputs.loading import load_file

    loaded = load_file(args.file, keep_going=args.keep_going)
    rejected = loaded.rejected
    print_warnings(loaded.warnings, err)
    only = _wanted(args.only, rejected)
    found = 0
    if only != []:  # [] when every convention asked for was set aside as invalid
        report = _write_documents(args, loaded, only, err)
        _print_outcomes(report, out)
        found = _print_findings(report, err)
    if rejected:
        _print_rejected(rejected, err)
    return ExitCode.INVALID if rejected or found else ExitCode.OK


def _print_findings(report: BatchReport, err: TextIO) -> int:
    """Print what reading back the documents written found not to add up or read right.

    The batch read each document back in the process that wrote it; a document that
    could not be read raises its error here, in the documents' order, as when the
    documents were read back after the batch.

    Returns:
        How many findings there were (the documents stay: they are complete).
    """
    found = 0
    for outcome in report.written:
        if isinstance(outcome.checked, Exception):
            raise outcome.checked
        for finding in outcome.checked or ():
            print(f"Anomalie dans {outcome.file} : {finding}", file=err)
            found += 1
    return found


def variables(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitCode:
    """Print the variables and filters a template may use."""
    from iscg_docs.cli.variables import render

    out.write(render(args.format, document="avenant" if args.avenant else "convention"))
    return ExitCode.OK


def lint(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitCode:
    """Print the lint's report: 1 on errors, 0 on notes alone, 2 for a file that is no .docx."""
    from iscg_docs.convention.avenant import avenant_vocabulary
    from iscg_docs.convention.render import vocabulary
    from iscg_docs.docx.lint import ERROR, format_report
    from iscg_docs.docx.lint import lint as lint_template

    try:
        findings = lint_template(
            args.template, avenant_vocabulary() if args.avenant else vocabulary()
        )
    except TemplateError as e:
        print(f"Erreur : {e}", file=err)
        return ExitCode.INPUT
    out.write(format_report(findings, name=Path(args.template).name))
    return ExitCode.INVALID if any(f.severity == ERROR for f in findings) else ExitCode.OK


def workbook_template(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitCode:
    """Write an empty, documented workbook; an existing file only with ``--force``."""
    from iscg_docs.inputs.workbook import workbook_template_bytes
    from iscg_docs.output.atomic import write_atomic

    write_atomic(args.file, workbook_template_bytes(), overwrite=args.force)
    print(f"écrit : {args.file}", file=out)
    return ExitCode.OK


def serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitCode:
    """``iscg-docs serve``: the web page, until Ctrl-C (see :mod:`iscg_docs.web`)."""
    from iscg_docs.web import serve as serve_page

    return ExitCode(serve_page(args.host, args.port, args.max_upload, err=err))


def verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitCode:
    """Read documents back and report what does not add up or read right; 1 on a finding."""
    from iscg_docs.convention.verify import verify_document

    found = False
    for path in args.files:
        findings = verify_document(_read_document(path))
        found = found or bool(findings)
        print(
            f"{path} : {len(findings) or 'aucune'} anomalie{'s' if len(findings) > 1 else ''}",
            file=out,
        )
        for finding in findings:
            print(f"  {finding}", file=out)
    return ExitCode.INVALID if found else ExitCode.OK


def compare(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitCode:
    """Write NEW with the changes since OLD as Word tracked changes."""
    from iscg_docs.docx.compare import compare_documents
    from iscg_docs.output.atomic import write_atomic

    data, revisions = compare_documents(
        _read_document(args.old),
        _read_document(args.new),
        names=(Path(args.old).name, Path(args.new).name),
    )
    write_atomic(args.out, data, overwrite=args.force)
    print(f"écrit : {args.out} ({revisions} modification{'s' if revisions > 1 else ''})", file=out)
    return ExitCode.OK


def _read_document(path: str) -> bytes:
    """A .docx named on the command line: a regular file, bounded like a template."""
    from iscg_docs._files import Refused, read_regular
    from iscg_docs.docx.package import TEMPLATE_LIMIT
    from iscg_docs.errors import InputError, os_reason

    try:
        return read_regular(path, TEMPLATE_LIMIT)
    except Refused as e:
        raise InputError(f"{e.reason}.", path) from None
    except (FileNotFoundError, IsADirectoryError):
        raise InputError("fichier introuvable.", path) from None
    except OSError as e:
        raise InputError(f"lecture impossible ({os_reason(e)}).", path) from None


def _wanted(only: Sequence[str] | None, rejected: Sequence[Rejected]) -> list[str] | None:
    """The references to generate: ``--only``'s, less those set aside as invalid.

    None means every convention; an empty list, none (all those asked for are invalid).
    A reference no convention has is left for the batch to refuse.
    """
    if only is None:
        return None
    invalid = {r.reference for r in rejected}
    return [r for r in only if r not in invalid]


def _write_documents(
    args: argparse.Namespace, loaded: Loaded, only: list[str] | None, err: TextIO
) -> BatchReport:
    """Generate the documents of ``loaded``, recording its hash and warnings."""
    from iscg_docs.output.batch import generate as generate_documents

    total = len(only or loaded.framework.conventions)
    with _progress_bar(err, quiet=args.quiet, total=total) as progress:
        return generate_documents(
            loaded.framework,
            args.out,
            template=args.template,
            draft=args.draft,
            force=args.force,
            only=only,
            jobs=args.jobs,
            pdf=args.pdf,
            input_sha256=loaded.sha256,
            progress=progress,
            verify=not args.no_verify,
            warnings=loaded.warnings,
        )


@contextmanager
def _progress_bar(err: TextIO, *, quiet: bool, total: int) -> Iterator[Progress | None]:
    """A progress bar on ``err`` if it is a terminal; None when quiet or not a terminal."""
    if quiet or total <= 1 or not err.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(file=err), transient=True) as bar:
        task = bar.add_task("Conventions", total=total)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _print_outcomes(report: BatchReport, out: TextIO) -> None:
    for o in report.outcomes:
        line = f"{_STATUS[o.status]} : {report.out_dir / o.file}"
        if o.pdf:
            line += f" (+ {o.pdf})"
        print(line, file=out)


def _print_rejected(rejected: Sequence[Rejected], err: TextIO) -> None:
    s = "s" if len(rejected) > 1 else ""
    print(f"{len(rejected)} convention{s} non produite{s} car invalide{s} :", file=err)
    for r in rejected:
        name = f"« {r.reference} »" if r.reference else f"n° {r.index + 1}"
        print(f"  Convention {name} (conventions[{r.index}]) :", file=err)
        for p in r.problems:
            print(f"    - {p}", file=err)
