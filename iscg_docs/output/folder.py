"""The output folder before a run starts: created, entries in the way, documents to change."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from iscg_docs.errors import OutputError, os_reason

__all__ = ["check_entries", "output_folder", "refuse_changes"]


def check_entries(folder: Path, names: Iterable[str]) -> None:
    """Refuse to start if an entry of ``folder`` named in ``names`` is in the way.

    Each name (a document, its PDF, the manifest) must be absent or a regular file this
    process can read: a folder, a named pipe or a device of that name would hang the
    comparison or be replaced, and an unreadable file cannot be compared. Nothing is
    read beyond opening a regular file, and nothing is written.

    Raises:
        OutputError: naming every entry in the way and why.
    """
    found = []
    for name in names:
        why = _in_the_way(folder / name)
        if why:
            found.append(f"« {name} » ({why})")
    if found:
        raise OutputError(
            "le dossier de sortie contient déjà, sous un nom que cette génération doit "
            f"écrire, {'ces entrées' if len(found) > 1 else 'une entrée'} qu'elle ne peut "
            f"ni lire ni remplacer : {', '.join(found)} ; rien n'a été écrit. Déplacez-"
            f"{'les' if len(found) > 1 else 'la'} ou choisissez un autre dossier.",
            str(folder),
        )


def refuse_changes(folder: Path, conflicts: list[str], foreign: list[str]) -> None:
    """Refuse to start if documents of ``folder`` would change or its PDFs are not ours.

    Args:
        folder: the output folder.
        conflicts: the documents present whose content would change.
        foreign: the PDFs present that the manifest did not record (a signed scan).

    Raises:
        OutputError: naming each, saying that nothing was written and how to go on.
    """
    if not conflicts and not foreign:
        return
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


def _in_the_way(path: Path) -> str | None:
    """Why ``path`` cannot be compared and replaced, or None if it can (or is absent)."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as e:
        return os_reason(e)
    if stat.S_ISDIR(mode):
        return "c'est un dossier"
    if not stat.S_ISREG(mode):
        return "ce n'est pas un fichier ordinaire mais un tube ou un périphérique"
    try:
        os.close(os.open(path, os.O_RDONLY))
    except OSError as e:
        return f"lecture impossible : {os_reason(e)}"
    return None


def output_folder(folder: Path) -> Path:
    """``folder``, created if needed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(
            f"dossier de sortie impossible à créer ({os_reason(e)}).", str(folder)
        ) from None
    return folder
