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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from iscg_docs._version import __version__
from iscg_docs.model.records import Framework
from iscg_docs.output.atomic import write_atomic

__all__ = ["MANIFEST", "Manifest", "file_sha256", "fingerprints", "read_manifest", "sha256"]

#: Name of the manifest in the output folder.
MANIFEST = "manifest.json"


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
    """The manifest's entries by file name, written back as JSON after each change.

    Each entry's JSON is kept once encoded, so rewriting the manifest after each document
    costs a join of the encoded entries, whatever their number.

    Args:
        folder: the output folder; the entries of its manifest whose document is present
            and intact are kept (see :func:`read_manifest`).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._entries = read_manifest(folder)
        self._encoded: dict[str, str] = {}

    def get(self, name: str) -> dict[str, Any] | None:
        """The entry of the document ``name``, if any."""
        return self._entries.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self._entries[name]

    def __setitem__(self, name: str, entry: dict[str, Any]) -> None:
        self._entries[name] = entry
        self._encoded.pop(name, None)

    def write(self) -> None:
        """Write the manifest, entries sorted by file name.

        Without fsync: a killed process cannot tear a renamed file, and a manifest that
        lags after a power cut is rebuilt from the documents' hashes by the next run.

        Raises:
            OutputError: the folder cannot be written.
        """
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


def read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Entries by file name, keeping only those whose document is present and intact.

    An entry whose PDF is missing or changed keeps its document and loses its PDF; a
    missing or unreadable manifest gives no entries.
    """
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
        entries = data["documents"]
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return {}
    kept: dict[str, dict[str, Any]] = {}
    for entry in entries if isinstance(entries, list) else []:
        try:
            name = entry["file"]
            if file_sha256(folder / name) != entry["sha256"]:
                continue
            pdf = entry.get("pdf")
            if pdf and file_sha256(folder / pdf) != entry.get("pdf_sha256"):
                for key in ("pdf", "pdf_of", "pdf_sha256"):
                    entry.pop(key, None)
            kept[name] = entry
        except (KeyError, TypeError, OSError):
            continue
    return kept


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
    shared = hashlib.sha256(f"({attrs.evolve(framework, conventions=())!r}, ".encode())
    tail = f", {draft!r}, {template!r}, {__version__!r})"
    found = {}
    for i in selected:
        h = shared.copy()
        h.update(f"{framework.conventions[i]!r}{tail}".encode())
        found[i] = h.hexdigest()
    return found
