"""The argument parser: one sub-command each, each naming the function that runs it."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import NoReturn

from iscg_docs._version import __version__
from iscg_docs.cli import commands
from iscg_docs.cli.variables import FORMATS

__all__ = ["build_parser"]

_DATA_FILE = "fichier .toml, .json ou .xlsx"

# argparse's type for the object add_subparsers returns.
_SubParsers = argparse._SubParsersAction

#: argparse's own messages (Python 3.11 to 3.13), in French: a jurist who mistypes an
#: option reads why in the language of the rest of the tool.
_MESSAGES = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"choix invalide : \1 (au choix : \2)"),
    (r"invalid (\w+) value: (.*)", r"valeur invalide : \2"),
    (r"expected one argument", r"une valeur est attendue"),
    (r"expected at least one argument", r"au moins une valeur est attendue"),
    (r"not allowed with argument (.*)", r"incompatible avec l'argument \1"),
    (r"ambiguous option: (.*?) could match (.*)", r"option ambiguë : \1 peut désigner \2"),
    (r"one of the arguments (.*) is required", r"l'un des arguments \1 est obligatoire"),
)


def _french(message: str) -> str:
    """argparse's English message in French (unknown ones are left as they are)."""
    about = re.fullmatch(r"argument (.*?): (.*)", message, re.DOTALL)
    if about:
        return f"argument {about[1]} : {_french(about[2])}"
    for english, french in _MESSAGES:
        match = re.fullmatch(english, message, re.DOTALL)
        if match:
            return match.expand(french)
    return message


class _Formatter(argparse.HelpFormatter):
    """Help with a French usage line."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser that speaks French: usage, section titles, help and errors."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # argparse writes « title: »; the no-break space gives French « title : ».
        self._positionals.title = "arguments\N{NO-BREAK SPACE}"
        self._optionals.title = "options\N{NO-BREAK SPACE}"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS,
            help="afficher cette aide et quitter",
        )  # fmt: skip

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error in French, and exit with status 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {_french(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``iscg-docs`` parser; a parsed command's ``func`` runs it (see :mod:`commands`)."""
    parser = _Parser(
        prog="iscg-docs",
        description=(
            "Conventions de financement des intervenants sociaux en commissariat et "
            "gendarmerie (ISCG) : vérification des données et génération des documents Word."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help="afficher la version et quitter",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    _add_check(sub)
    _add_generate(sub)
    _add_variables(sub)
    _add_lint(sub)
    _add_workbook_template(sub)
    _add_verify(sub)
    _add_compare(sub)
    _add_serve(sub)
    return parser


def _add_check(sub: _SubParsers[_Parser]) -> None:
    check = sub.add_parser(
        "check",
        help="vérifier un fichier de données et résumer ses conventions",
        description="Vérifie le fichier et affiche, par convention, parties, postes et financement.",
    )
    check.add_argument("file", metavar="FICHIER", help=_DATA_FILE)
    check.set_defaults(func=commands.check)


def _add_generate(sub: _SubParsers[_Parser]) -> None:
    gen = sub.add_parser(
        "generate",
        help="produire une convention Word (.docx) par convention du fichier",
        description=(
            "Vérifie tout le fichier, puis écrit une convention .docx par convention dans le "
            "dossier de sortie, avec un manifeste (manifest.json). Rien n'est écrit si une "
            "donnée est invalide, ni si un document existant serait modifié (sauf --force)."
        ),
    )
    gen.add_argument("file", metavar="FICHIER", help=_DATA_FILE)
    gen.add_argument(
        "--out", type=_path, required=True, metavar="DOSSIER", help="dossier de sortie"
    )
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
        "--jobs",
        type=_bounded(MAX_JOBS),
        default=1,
        metavar="N",
        help="nombre de processus (1 par défaut)",
    )
    gen.add_argument("--quiet", action="store_true", help="pas de barre de progression")
    gen.add_argument(
        "--no-verify",
        action="store_true",
        help="ne pas relire les documents écrits (montants, renvois, signatures)",
    )
    gen.set_defaults(func=commands.generate)


def _add_variables(sub: _SubParsers[_Parser]) -> None:
    var = sub.add_parser(
        "variables",
        help="lister les variables et filtres utilisables dans un modèle",
        description=(
            "Affiche chaque variable du modèle (nom, sens, type, exemple tiré de l'exemple de "
            "Saône-et-Loire) et chaque filtre (description, exemple d'appel et résultat)."
        ),
    )
    var.add_argument("--format", choices=FORMATS, default=FORMATS[0], help="text par défaut")
    var.add_argument("--avenant", action="store_true", help="celles du modèle d'avenant")
    var.set_defaults(func=commands.variables)


def _add_lint(sub: _SubParsers[_Parser]) -> None:
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
    lint.add_argument("--avenant", action="store_true", help="un modèle d'avenant")
    lint.set_defaults(func=commands.lint)


def _add_workbook_template(sub: _SubParsers[_Parser]) -> None:
    wb = sub.add_parser(
        "workbook-template",
        help="écrire un classeur Excel vide et documenté à remplir",
        description=(
            "Écrit un classeur .xlsx vide : une feuille par type d'enregistrement, en-têtes "
            "en français, listes déroulantes et une feuille « Notice » expliquant chaque colonne."
        ),
    )
    wb.add_argument("file", type=_path, metavar="FICHIER.xlsx")
    wb.add_argument("--force", action="store_true", help="remplacer le fichier s'il existe")
    wb.set_defaults(func=commands.workbook_template)


def _add_verify(sub: _SubParsers[_Parser]) -> None:
    verify = sub.add_parser(
        "verify",
        help="relire des conventions Word (.docx) et signaler ce qui ne concorde pas",
        description=(
            "Relit chaque document : montants en lettres et en chiffres, renvois d'articles, "
            "blocs de signature, nombre d'exemplaires, balises restantes, espaces "
            "insécables. Sortie 1 s'il y a une anomalie."
        ),
    )
    verify.add_argument("files", nargs="+", metavar="FICHIER.docx")
    verify.set_defaults(func=commands.verify)


def _add_compare(sub: _SubParsers[_Parser]) -> None:
    compare = sub.add_parser(
        "compare",
        help="comparer deux documents Word : le nouveau, avec les modifications suivies",
        description=(
            "Écrit le nouveau document dans lequel les changements depuis l'ancien sont des "
            "modifications suivies (marques de révision) que Word et LibreOffice montrent et "
            "permettent d'accepter ou de refuser."
        ),
    )
    compare.add_argument("old", metavar="ANCIEN.docx")
    compare.add_argument("new", metavar="NOUVEAU.docx")
    compare.add_argument(
        "--out", type=_path, required=True, metavar="SORTIE.docx", help="la comparaison"
    )
    compare.add_argument("--force", action="store_true", help="remplacer SORTIE s'il existe")
    compare.set_defaults(func=commands.compare)


def _add_serve(sub: _SubParsers[_Parser]) -> None:
    web = sub.add_parser(
        "serve",
        help="ouvrir la page web : déposer un fichier, lire ses erreurs, prendre les documents",
        description="Sert la page sur cette machine (Ctrl-C pour l'arrêter). Demande le "
        "supplément web : pip install 'iscg-docs[web]'.",
    )
    web.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (127.0.0.1)")
    web.add_argument("--port", type=_bounded(MAX_PORT), default=8000, help="port (8000 par défaut)")
    web.add_argument("--max-upload", default="5M", metavar="TAILLE", help="5M par défaut")
    web.set_defaults(func=commands.serve)


#: The most processes ``--jobs`` takes (a run uses no more than it has conventions and
#: the machine has cores anyway).
MAX_JOBS = 1024
#: The highest TCP port.
MAX_PORT = 65535


def _bounded(limit: int) -> Callable[[str], int]:
    """An argparse type: a whole number from 1 to ``limit``."""

    def whole(text: str) -> int:
        try:
            value = int(text)
        except ValueError:  # also a number too long for Python to read
            value = 0
        if not 1 <= value <= limit:
            shown = text if len(text) <= 30 else text[:30] + "…"
            raise argparse.ArgumentTypeError(
                f"un nombre entier entre 1 et {limit} est attendu ({shown!r} donné)"
            )
        return value

    return whole


def _path(text: str) -> str:
    """An argparse type: a file or folder name, which may not be empty (an empty name
    would silently mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"un nom de fichier ou de dossier est attendu ({text!r} donné)"
        )
    return text
