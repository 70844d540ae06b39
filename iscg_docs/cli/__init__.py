"""The ``iscg-docs`` command line: a thin layer that maps library errors to exit codes.

Exit codes: 0 success; 1 invalid data (every problem is listed; with ``--keep-going``,
some conventions were set aside), or ``lint`` found errors in the template; 2 unreadable
input or bad usage; 3 an output could not be written (an existing document differs, a
disk or LibreOffice error); 4 the template cannot be used (a custom template the lint
refuses included: its report is printed and nothing is written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from iscg_docs._version import __version__
from iscg_docs.errors import (
    InputError,
    IscgError,
    LintError,
    Problem,
    TemplateError,
    ValidationError,
)

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_INPUT = 2
EXIT_OUTPUT = 3
EXIT_TEMPLATE = 4
EXIT_INTERRUPTED = 130  # as a shell reports a process stopped by Ctrl-C


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iscg-docs",
        description=(
            "Conventions de financement des intervenants sociaux en commissariat et "
            "gendarmerie (ISCG) : vérification des données et génération des documents Word."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    check = sub.add_parser(
        "check",
        help="vérifier un fichier de données et résumer ses conventions",
        description="Vérifie le fichier et affiche, par convention, parties, postes et financement.",
    )
    check.add_argument("file", metavar="FICHIER", help="fichier .toml, .json ou .xlsx")

    gen = sub.add_parser(
        "generate",
        help="produire une convention Word (.docx) par convention du fichier",
        description=(
            "Vérifie tout le fichier, puis écrit une convention .docx par convention dans le "
            "dossier de sortie, avec un manifeste (manifest.json). Rien n'est écrit si une "
            "donnée est invalide, ni si un document existant serait modifié (sauf --force)."
        ),
    )
    gen.add_argument("file", metavar="FICHIER", help="fichier .toml, .json ou .xlsx")
    gen.add_argument("--out", required=True, metavar="DOSSIER", help="dossier de sortie")
    gen.add_argument(
        "--template", metavar="MODELE", help="autre modèle .docx (par défaut : le modèle fourni)"
    )
    gen.add_argument(
        "--force", action="store_true", help="remplacer les documents dont le contenu change"
    )
    gen.add_argument(
        "--draft",
        action="store_true",
        help="projet : « PROJET » sur chaque page, date de signature laissée en blanc",
    )
    gen.add_argument(
        "--only",
        action="append",
        metavar="REF",
        help="ne produire que la convention de cette référence (option répétable)",
    )
    gen.add_argument(
        "--keep-going",
        action="store_true",
        help="produire les conventions valides même si d'autres sont invalides (sortie 1)",
    )
    gen.add_argument("--pdf", action="store_true", help="produire aussi un PDF (LibreOffice)")
    gen.add_argument(
        "--jobs", type=_positive, default=1, metavar="N", help="nombre de processus (1 par défaut)"
    )
    gen.add_argument("--quiet", action="store_true", help="pas de barre de progression")

    var = sub.add_parser(
        "variables",
        help="lister les variables et filtres utilisables dans un modèle",
        description=(
            "Affiche chaque variable du modèle (nom, sens, type, exemple tiré de l'exemple de "
            "Saône-et-Loire) et chaque filtre (description, exemple d'appel et résultat)."
        ),
    )
    var.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="text par défaut"
    )

    lint = sub.add_parser(
        "lint",
        help="vérifier un modèle Word (.docx) avant de générer",
        description=(
            "Signale, avec leur emplacement, les variables ou filtres inconnus, les erreurs de "
            "syntaxe, les blocs non fermés, les boucles mal placées dans un tableau, les "
            "balises coupées par la mise en forme et les guillemets typographiques ; en note, "
            "les variables que le modèle n'utilise pas. Sortie 1 s'il y a des erreurs."
        ),
    )
    lint.add_argument("template", metavar="MODELE.docx")

    wb = sub.add_parser(
        "workbook-template",
        help="écrire un classeur Excel vide et documenté à remplir",
        description=(
            "Écrit un classeur .xlsx vide : une feuille par type d'enregistrement, en-têtes "
            "en français, listes déroulantes et une feuille « Notice » expliquant chaque colonne."
        ),
    )
    wb.add_argument("file", metavar="FICHIER.xlsx")
    wb.add_argument("--force", action="store_true", help="remplacer le fichier s'il existe")

    web = sub.add_parser(
        "serve",
        help="ouvrir la page web : déposer un fichier, lire ses erreurs, prendre les documents",
        description="Sert la page sur cette machine (Ctrl-C pour l'arrêter). Demande le "
        "supplément web : pip install 'iscg-docs[web]'.",
    )
    web.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (127.0.0.1)")
    web.add_argument("--port", type=_positive, default=8000, help="port (8000 par défaut)")
    web.add_argument("--max-upload", default="5M", metavar="TAILLE", help="5M par défaut")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"un nombre entier positif est attendu ({text!r} donné)")
    return value


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line.

    Args:
        argv: the arguments (``sys.argv[1:]`` by default).
        out: where to print (standard output by default); errors go there too, so tests
            can read everything in one place.

    Returns:
        The exit code.
    """
    stream = out if out is not None else sys.stdout
    err = out if out is not None else sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # argparse exits on --help, --version and usage errors
        return int(e.code or 0) if not isinstance(e.code, str) else EXIT_INPUT
    try:
        if args.command == "check":
            return _check(args.file, stream)
        if args.command == "generate":
            return _generate(args, stream, err)
        if args.command == "variables":
            return _variables(args.format, stream)
        if args.command == "lint":
            return _lint(args.template, stream)
        if args.command == "workbook-template":
            return _workbook_template(args.file, args.force, stream)
        if args.command == "serve":
            from iscg_docs.web import serve

            return serve(args.host, args.port, args.max_upload, err=err)
    except ValidationError as e:
        print(f"{e.message} :", file=err)
        _print_grouped(e.problems, err)
        return EXIT_INVALID
    except InputError as e:
        print(f"Erreur : {e}", file=err)
        return EXIT_INPUT
    except LintError as e:
        print(f"Modèle inutilisable : {e}", file=err)
        for line in e.lines():
            print(line, file=err)
        return EXIT_TEMPLATE
    except TemplateError as e:
        print(f"Modèle inutilisable : {e}", file=err)
        return EXIT_TEMPLATE
    except IscgError as e:
        print(f"Erreur : {e}", file=err)
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        print(
            "Interrompu : les documents déjà écrits sont complets et listés dans le "
            "manifeste ; relancez la même commande pour terminer.",
            file=err,
        )
        return EXIT_INTERRUPTED
    return EXIT_INPUT  # pragma: no cover - argparse requires a command


def _check(path: str, out: TextIO) -> int:
    from iscg_docs.cli.summary import summarize
    from iscg_docs.inputs.loading import load

    framework = load(path)
    out.write(summarize(framework))
    return EXIT_OK


def _print_grouped(problems: Sequence[Problem], err: TextIO) -> None:
    """Problems grouped by convention, shared data first."""
    from iscg_docs.inputs.loading import convention_index

    groups: dict[int | None, list[Problem]] = {}
    for p in problems:
        groups.setdefault(convention_index(p.path), []).append(p)
    for index in sorted(groups, key=lambda i: -1 if i is None else i):
        indent = "  "
        if index is not None and len(groups) > 1:
            print(f"  Convention n° {index + 1} (conventions[{index}]) :", file=err)
            indent = "    "
        for p in groups[index]:
            print(f"{indent}- {p}", file=err)


def _generate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import hashlib
    from pathlib import Path

    from iscg_docs.inputs.loading import load, load_each
    from iscg_docs.output.batch import generate

    rejected: tuple[Any, ...] = ()
    if args.keep_going:
        framework, rejected = load_each(args.file)
    else:
        framework = load(args.file)
    if args.only:
        known = {c.reference for c in framework.conventions}
        unknown = [r for r in args.only if r not in known]
        if unknown and not rejected:
            print(
                "Erreur : aucune convention n'a la référence "
                + ", ".join(f"« {r} »" for r in unknown)
                + f" ; références connues : {', '.join(sorted(known))}.",
                file=err,
            )
            return EXIT_INPUT
        only = [r for r in args.only if r in known]
    else:
        only = None
    input_sha = hashlib.sha256(Path(args.file).read_bytes()).hexdigest()
    with _ProgressBar(quiet=args.quiet, total=len(only or framework.conventions)) as progress:
        report = generate(
            framework,
            args.out,
            template=args.template,
            draft=args.draft,
            force=args.force,
            only=only,
            jobs=args.jobs,
            pdf=args.pdf,
            input_sha256=input_sha,
            progress=progress,
        )
    labels = {"written": "écrit", "unchanged": "inchangé"}
    for o in report.outcomes:
        line = f"{labels[o.status]} : {report.out_dir / o.file}"
        if o.pdf:
            line += f" (+ {o.pdf})"
        print(line, file=out)
    if rejected:
        print(
            f"{len(rejected)} convention{'s' if len(rejected) > 1 else ''} non produite"
            f"{'s' if len(rejected) > 1 else ''} car invalide{'s' if len(rejected) > 1 else ''} :",
            file=err,
        )
        for r in rejected:
            name = f"« {r.reference} »" if r.reference else f"n° {r.index + 1}"
            print(f"  Convention {name} (conventions[{r.index}]) :", file=err)
            for p in r.problems:
                print(f"    - {p}", file=err)
        return EXIT_INVALID
    return EXIT_OK


class _ProgressBar:
    """A progress bar on a terminal (rich), nothing when quiet or not on a terminal."""

    def __init__(self, *, quiet: bool, total: int) -> None:
        self.enabled = not quiet and total > 1 and sys.stderr.isatty()
        self.total = total
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.progress import Progress

        self._bar = Progress(transient=True)
        self._bar.__enter__()
        self._task = self._bar.add_task("Conventions", total=self.total)
        return self.update

    def update(self, done: int, total: int) -> None:
        self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _variables(fmt: str, out: TextIO) -> int:
    from iscg_docs.convention.catalogue import render

    out.write(render(fmt))
    return EXIT_OK


def _lint(path: str, out: TextIO) -> int:
    """Exit 1 on errors, 0 on notes alone; a file that is no .docx is unreadable input (2)."""
    from pathlib import Path

    from iscg_docs.convention.render import vocabulary
    from iscg_docs.docx.lint import ERROR, format_report, lint

    try:
        findings = lint(path, vocabulary())
    except TemplateError as e:
        print(f"Erreur : {e}", file=out)
        return EXIT_INPUT
    out.write(format_report(findings, name=Path(path).name))
    return EXIT_INVALID if any(f.severity == ERROR for f in findings) else EXIT_OK


def _workbook_template(path: str, force: bool, out: TextIO) -> int:
    from iscg_docs.inputs.workbook import write_workbook_template

    write_workbook_template(path, overwrite=force)
    print(f"écrit : {path}", file=out)
    return EXIT_OK
