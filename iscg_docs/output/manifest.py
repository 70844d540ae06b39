"""``manifest.json``: what each document in an output folder is and what it was made from.

The manifest lists each document present with its SHA-256 and what it was made from
(input, template, library version, and a fingerprint of the records), so a convention can
be regenerated identically for an audit, and a rerun can skip a document that is up to
date without rendering it.
"""

from __future__ import annotations

import hashlib
import json
import os
import textwrap
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from iscg_docs._version import __version__
from iscg_docs.model.records import Framework
from iscg_docs.output.atomic import append, discard, write_atomic

__all__ = [
    "FOLD_SECONDS",
    "JOURNAL",
    "MANIFEST",
    "Manifest",
    "file_sha256",
    "fingerprints",
    "read_manifest",
    "sha256",
]

#: Name of the manifest in the output folder.
MANIFEST = "manifest.json"

#: The journal of documents written since ``manifest.json`` was last written (hidden).
JOURNAL = ".iscg-docs-journal"

#: How often a run folds its journal into ``manifest.json``, in seconds.
FOLD_SECONDS = 1.0


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data``, in hexadecimal, as the manifest records it."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str | os.PathLike[str]) -> str | None:
    """The SHA-256 of the file at ``path``, or None if there is no such file."""
    try:
        return sha256(Path(path).read_bytes())
    except FileNotFoundError:
        return None


class Manifest:
    """The manifest's entries by file name, with a journal of the documents written since.

    Rewriting ``manifest.json`` after each document would cost the whole manifest each
    time, quadratic in a batch. Instead each document's entry is appended to a journal,
    :data:`JOURNAL`, before the document is renamed into place, and the journal is folded
    into ``manifest.json`` every :data:`FOLD_SECONDS` and at the end of the run. A run that
    finds a journal (its predecessor was killed) replays it: each entry whose document is
    present with that SHA-256 is kept, any other (a kill between the journal and the
    rename) is not. So ``manifest.json`` never names a document with another hash than the
    file present, and the next run lists each complete document present.

    Args:
        folder: the output folder; the entries of its manifest and journal whose document
            is present and intact are kept (see :func:`read_manifest`).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._entries, self._dirty = _read_entries(folder)
        self._warnings = _read_warnings(folder)
        self._encoded: dict[str, str] = {}
        self._warnings_text: str | None = None
        self._folded = time.monotonic()

    def get(self, name: str) -> dict[str, Any] | None:
        """The entry of the document ``name``, if any."""
        return self._entries.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self._entries[name]

    def __setitem__(self, name: str, entry: dict[str, Any]) -> None:
        if self._entries.get(name) != entry:
            self._entries[name] = entry
            self._encoded.pop(name, None)
            self._dirty = True

    def set_warnings(self, warnings: list[dict[str, str]]) -> None:
        """The data's warnings (code, path, message), listed beside the documents."""
        if warnings != self._warnings:
            self._warnings = warnings
            self._warnings_text = None
            self._dirty = True

    def forget(self, names: Iterable[str]) -> None:
        """Drop the entries of ``names``, documents about to be replaced, and write that now.

        Called before replacing documents, so that the manifest never names the old
        SHA-256 of a document already replaced.
        """
        dropped = [n for n in names if self._entries.pop(n, None) is not None]
        if dropped:
            self._dirty = True
            self.write()

    def announce(self, entry: dict[str, Any]) -> None:
        """Journal ``entry`` before its document is renamed into place.

        Raises:
            OutputError: the journal cannot be written (the document must not be renamed).
        """
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        append(self.folder / JOURNAL, line.encode("utf-8"))

    def record(self, name: str, entry: dict[str, Any]) -> None:
        """``entry`` is now true (its document renamed): keep it, folding if it is time."""
        self[name] = entry
        if time.monotonic() - self._folded >= FOLD_SECONDS:
            self.write()

    def write(self) -> None:
        """Fold the entries into ``manifest.json`` if they changed, then drop the journal.

        Without fsync: a killed process cannot tear a renamed file, and a manifest that
        lags after a power cut is rebuilt from the documents' hashes by the next run.

        Raises:
            OutputError: the folder cannot be written.
        """
        self._folded = time.monotonic()
        if self._dirty:
            write_atomic(self.folder / MANIFEST, self._text().encode("utf-8"), durable=False)
            self._dirty = False
        if (self.folder / JOURNAL).exists():
            discard(str(self.folder / JOURNAL))

    def _text(self) -> str:
        """The manifest's JSON, entries sorted by file name, each encoded once."""
        documents = []
        for name in sorted(self._entries):
            if name not in self._encoded:
                text = json.dumps(self._entries[name], ensure_ascii=False, indent=2, sort_keys=True)
                self._encoded[name] = textwrap.indent(text, "    ")
            documents.append(self._encoded[name])
        body = ",\n".join(documents)
        return (
            "{\n"
            f'  "documents": [\n{body}\n  ],\n'
            '  "generator": "iscg-docs",\n'
            f'  "version": {json.dumps(__version__)}{self._warnings_part()}\n'
            "}\n"
        )

    def _warnings_part(self) -> str:
        """The warnings' member of the manifest's JSON, encoded once for all the folds.

        A large framework has thousands of warnings, one list that ``json`` encodes in
        Python (``indent``): encoding it at each fold cost the parent of a batch a fifth
        of a second every second. Each warning is encoded on its own, as
        ``json.dumps(indent=2)`` would lay it out, so that the whole list's text is not
        made twice over (indented, then indented again) at the batch's peak of memory.
        """
        if self._warnings_text is None:
            # Listed only when there are some, so a manifest without warnings keeps its bytes.
            self._warnings_text = ""
            if self._warnings:
                items = ",\n".join(_flat_object(w, "    ") for w in self._warnings)
                self._warnings_text = f',\n  "warnings": [\n{items}\n  ]'
        return self._warnings_text


def _flat_object(value: Any, indent: str) -> str:
    """``value`` as ``json.dumps(indent=2, sort_keys=True)`` lays it out, each line after
    the first indented by ``indent`` more, and the first too."""
    if (
        not isinstance(value, dict)
        or not value
        or any(isinstance(v, dict | list | tuple) for v in value.values())
    ):
        text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
        return "\n".join(indent + line for line in text.split("\n"))
    fields = ",\n".join(
        f"{indent}  {json.dumps(k, ensure_ascii=False)}: {json.dumps(value[k], ensure_ascii=False)}"
        for k in sorted(value)
    )
    return f"{indent}{{\n{fields}\n{indent}}}"


def _read_warnings(folder: Path) -> list[dict[str, str]]:
    """The warnings ``manifest.json`` lists, or none."""
    try:
        found = json.loads((folder / MANIFEST).read_text("utf-8")).get("warnings", [])
    except (FileNotFoundError, ValueError, AttributeError, OSError):
        return []
    return found if isinstance(found, list) else []


def read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Entries by file name, keeping only those whose document is present and intact.

    The journal a killed run left is replayed over ``manifest.json``. An entry whose file
    is not a plain name in ``folder`` (``/etc/hostname``, ``../x``) is dropped; one whose
    PDF is missing or changed keeps its document and loses its PDF; a missing or
    unreadable manifest gives no entries.
    """
    return _read_entries(folder)[0]


def _read_entries(folder: Path) -> tuple[dict[str, dict[str, Any]], bool]:
    """The entries :func:`read_manifest` keeps, and whether they differ from the file's."""
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
        entries = data["documents"]
    except (FileNotFoundError, ValueError, KeyError, TypeError, OSError):
        entries = []
    listed = entries if isinstance(entries, list) else []
    journal = _journal(folder)
    kept: dict[str, dict[str, Any]] = {}
    changed = bool(journal)
    for entry in [*listed, *journal]:
        try:
            name = entry["file"]
            if not _plain(name) or file_sha256(folder / name) != entry["sha256"]:
                changed = True
                continue
            pdf = entry.get("pdf")
            if pdf and (not _plain(pdf) or file_sha256(folder / pdf) != entry.get("pdf_sha256")):
                for key in ("pdf", "pdf_of", "pdf_sha256"):
                    entry.pop(key, None)
                changed = True
            kept[name] = entry
        except (KeyError, TypeError, OSError):
            changed = True
            continue
    return kept, changed


def _journal(folder: Path) -> list[Any]:
    """The entries of the journal a killed run left, in order; a torn last line is skipped."""
    try:
        lines = (folder / JOURNAL).read_bytes().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def _plain(name: object) -> bool:
    """Whether ``name`` is a plain file name, naming a file in the folder itself."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
        and not os.path.isabs(name)
    )


#: How many characters of a repr are encoded at a time to be hashed.
_SLICE = 1 << 20


def fingerprints(
    framework: Framework, selected: Iterable[int], draft: bool, template: str
) -> dict[int, str]:
    """What each document depends on: its convention, the shared records, the template.

    Each is the SHA-256 of ``repr((shared, convention, draft, template, version))``,
    with ``shared`` the framework without its conventions. That tuple's repr is spelt
    out here so that ``shared``, which grows with the framework, is repr'd, encoded and
    hashed once, each convention's hash going on from a copy of that state.

    Args:
        framework: a validated framework.
        selected: the indexes of the conventions wanted.
        draft: whether the documents are drafts.
        template: the template's SHA-256.

    Returns:
        Each selected index's fingerprint, in hexadecimal.
    """
    shared = hashlib.sha256(b"(")
    # The shared records' repr is as large as the framework's parties: hashed by slices,
    # so that its UTF-8 copy does not double a large batch's peak of memory.
    text = repr(attrs.evolve(framework, conventions=()))
    for start in range(0, len(text), _SLICE):
        shared.update(text[start : start + _SLICE].encode())
    del text
    shared.update(b", ")
    tail = f", {draft!r}, {template!r}, {__version__!r})"
    found = {}
    for i in selected:
        h = shared.copy()
        h.update(f"{framework.conventions[i]!r}{tail}".encode())
        found[i] = h.hexdigest()
    return found
