"""``manifest.json``: what each document in an output folder is and what it was made from.

The manifest lists each document present with its SHA-256 and what it was made from
(input, template, library version, and a fingerprint of the records), so a convention can
be regenerated identically for an audit, and a rerun can skip a document that is up to
date without rendering it.
"""

from __future__ import annotations

import hashlib
import io
import json
import operator
import os
import time
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring as _encode_text
from pathlib import Path
from typing import Any, NamedTuple

import attrs

from iscg_docs._version import __version__
from iscg_docs.model.records import Framework
from iscg_docs.output.atomic import append, discard, write_atomic

__all__ = [
    "FOLD_SECONDS",
    "JOURNAL",
    "MANIFEST",
    "Entry",
    "Made",
    "Manifest",
    "Stored",
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


class Entry(NamedTuple):
    """A convention's manifest entry as a run makes it: its own fields, the rest shared.

    Held until the manifest is folded instead of a dict of nine fields, the five its
    documents share (:class:`Made`) being encoded once for the whole run.
    """

    reference: str
    file: str
    sha256: str
    fingerprint: str
    made: Made

    def as_dict(self) -> dict[str, Any]:
        """The entry as ``manifest.json`` lists it."""
        return {
            "reference": self.reference,
            "file": self.file,
            "sha256": self.sha256,
            "fingerprint": self.fingerprint,
            **self.made.fields,
        }


class Made:
    """What every convention's entry of one run records besides its own document.

    Its fields (input, template, version, draft) are encoded once, into the layouts of a
    journal line and of a manifest entry with holes for the four fields of each
    :class:`Entry`: writing an entry costs a formatting, not ``json`` encoding a dict.

    Args:
        fields: flat JSON values (text, numbers, booleans, null), by name.

    Raises:
        ValueError: a value is a list or an object, or a name is one of an entry's own.
    """

    def __init__(self, fields: dict[str, Any]) -> None:
        if any(isinstance(v, dict | list | tuple) for v in fields.values()) or any(
            k in fields for k in _OWN
        ):
            raise ValueError("flat fields other than an entry's own expected")
        self.fields = fields
        keys = sorted([*fields, *_OWN])
        values = {
            k: json.dumps(v, ensure_ascii=False).replace("%", "%%") for k, v in fields.items()
        }
        pairs = [f"{_json(k).replace('%', '%%')}: {values.get(k, '%s')}" for k in keys]
        self._line = "{" + ", ".join(pairs) + "}\n"
        self._text = "    {\n" + ",\n".join("      " + pair for pair in pairs) + "\n    }"
        #: An entry's own fields, encoded, in the order the layouts take them.
        self._holes = operator.itemgetter(*(_OWN.index(k) for k in keys if k in _OWN))

    def line(self, entry: Entry) -> str:
        """``entry``'s journal line: ``json.dumps(sort_keys=True)`` and a line break."""
        return self._line % self._own(entry)

    def text(self, entry: Entry) -> str:
        """``entry`` as ``manifest.json`` lists it (``json.dumps(indent=2)``, indented)."""
        return self._text % self._own(entry)

    def _own(self, entry: Entry) -> tuple[str, ...]:
        encoded = tuple(map(_encode_text, entry[:4]))
        found: tuple[str, ...] = self._holes(encoded)
        return found


#: The fields of an :class:`Entry` that are its own, in its order.
_OWN = ("reference", "file", "sha256", "fingerprint")

#: A stored entry: as read (or set) whole, or as a run makes it.
Stored = dict[str, Any] | Entry

#: How many entries are encoded into one piece of the manifest as it is written.
_PIECE = 1024


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
        data = _read_json(folder)
        self._entries: dict[str, Stored] = {}
        kept, self._dirty = _kept_entries(folder, data)
        self._entries.update(kept)
        #: The warnings the file lists, until they are encoded or replaced …
        self._listed: list[Any] | None = _listed_warnings(data)
        del data
        #: … and the warnings' member of the manifest's JSON, in UTF-8, encoded once.
        self._warnings: bytes | None = None
        #: The manifest's text of each entry kept as a dict, encoded once.
        self._encoded: dict[str, str] = {}
        self._folded = time.monotonic()

    def get(self, name: str) -> dict[str, Any] | None:
        """The entry of the document ``name``, if any."""
        entry = self._entries.get(name)
        return entry.as_dict() if isinstance(entry, Entry) else entry

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __getitem__(self, name: str) -> dict[str, Any]:
        entry = self._entries[name]
        return entry.as_dict() if isinstance(entry, Entry) else entry

    def __setitem__(self, name: str, entry: Stored) -> None:
        if self._entries.get(name) != entry:
            self._entries[name] = entry
            self._encoded.pop(name, None)
            self._dirty = True

    def set_warnings(self, warnings: Iterable[dict[str, Any]]) -> None:
        """The data's warnings (code, path, message), listed beside the documents.

        Each is encoded as it comes: a large framework's warnings are kept as the
        manifest's text in UTF-8, not as thousands of dicts.
        """
        listed = self._listed
        text = io.BytesIO()
        same = True
        count = 0
        for count, warning in enumerate(warnings, 1):
            if listed is not None:
                same = same and count <= len(listed) and listed[count - 1] == warning
            _add_warning(text, count, warning)
        encoded = _close_warnings(text, count)
        if listed is None:
            same = encoded == self._warnings
        elif count != len(listed):
            same = False
        self._listed = None
        self._warnings = encoded
        if not same:
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

    def announce(self, entries: Iterable[Stored]) -> None:
        """Journal ``entries`` before their documents are renamed into place.

        Raises:
            OutputError: the journal cannot be written (no document may be renamed).
        """
        lines = [
            e.made.line(e)
            if isinstance(e, Entry)
            else json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n"
            for e in entries
        ]
        append(self.folder / JOURNAL, "".join(lines).encode("utf-8"))

    def record(self, name: str, entry: Stored) -> None:
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
            write_atomic(self.folder / MANIFEST, self._pieces(), durable=False)
            self._dirty = False
        if (self.folder / JOURNAL).exists():
            discard(str(self.folder / JOURNAL))

    def _pieces(self) -> Iterator[bytes]:
        """The manifest's JSON in UTF-8, entries sorted by file name, piece by piece.

        The text of an entry kept as a dict is encoded once; a run's own entries are
        formatted at each fold (:class:`Made`). Written piece by piece, the manifest is
        never held whole in memory.
        """
        names = sorted(self._entries)
        yield b'{\n  "documents": [\n'
        for first in range(0, len(names), _PIECE):
            texts = [self._text(name) for name in names[first : first + _PIECE]]
            yield (",\n" if first else "").encode() + ",\n".join(texts).encode("utf-8")
        version = json.dumps(__version__)
        yield f'\n  ],\n  "generator": "iscg-docs",\n  "version": {version}'.encode()
        if self._warnings is None:  # those the file listed, never replaced
            text = io.BytesIO()
            listed = self._listed or []
            for count, warning in enumerate(listed, 1):
                _add_warning(text, count, warning)
            self._warnings = _close_warnings(text, len(listed))
            self._listed = None
        yield self._warnings
        yield b"\n}\n"

    def _text(self, name: str) -> str:
        """The manifest's text of the entry of ``name``."""
        entry = self._entries[name]
        if isinstance(entry, Entry):
            return entry.made.text(entry)
        if name not in self._encoded:
            self._encoded[name] = _flat_object(entry, "    ")
        return self._encoded[name]


def _add_warning(text: io.BytesIO, count: int, warning: Any) -> None:
    """Add the ``count``-th warning (from 1) to the warnings' member of the manifest.

    The member is listed only when there are some, so a manifest without warnings keeps
    its bytes. Each warning is encoded on its own, as ``json.dumps(indent=2)`` would lay
    it out, and straight to UTF-8, so that the list's text is made once, not twice over.
    """
    start = ',\n  "warnings": [\n' if count == 1 else ",\n"
    text.write((start + _flat_object(warning, "    ")).encode("utf-8"))


def _close_warnings(text: io.BytesIO, count: int) -> bytes:
    """The warnings' member of the manifest's JSON, ``count`` of them in ``text``."""
    if count:
        text.write(b"\n  ]")
    return text.getvalue()


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
    fields = ",\n".join(f"{indent}  {_json(k)}: {_json(value[k])}" for k in sorted(value))
    return f"{indent}{{\n{fields}\n{indent}}}"


def _json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)``; text through json's own string encoder
    (the one ``dumps`` calls) without the layers of Python around it."""
    if type(value) is str:
        return _encode_text(value)
    return json.dumps(value, ensure_ascii=False)


def _read_json(folder: Path) -> Any:
    """What ``manifest.json`` holds, or None when it is missing or not JSON."""
    try:
        return json.loads((folder / MANIFEST).read_text("utf-8"))
    except (FileNotFoundError, ValueError, OSError):
        return None


def _listed_warnings(data: Any) -> list[Any]:
    """The warnings a manifest's ``data`` lists, or none."""
    found = data.get("warnings", []) if isinstance(data, dict) else []
    return found if isinstance(found, list) else []


def read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Entries by file name, keeping only those whose document is present and intact.

    The journal a killed run left is replayed over ``manifest.json``. An entry whose file
    is not a plain name in ``folder`` (``/etc/hostname``, ``../x``) is dropped; one whose
    PDF is missing or changed keeps its document and loses its PDF; a missing or
    unreadable manifest gives no entries.
    """
    return _kept_entries(folder, _read_json(folder))[0]


def _kept_entries(folder: Path, data: Any) -> tuple[dict[str, dict[str, Any]], bool]:
    """The entries :func:`read_manifest` keeps of ``data``, and whether they differ from it."""
    try:
        entries = data["documents"]
    except (KeyError, TypeError):
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
    # The shared records' repr is as large as the framework's parties (12 MB for 10 000
    # conventions, twice that while repr builds it): hashed party by party instead.
    for piece in _repr_pieces(attrs.evolve(framework, conventions=())):
        shared.update(piece.encode())
    shared.update(b", ")
    tail = f", {draft!r}, {template!r}, {__version__!r})"
    found = {}
    for i in selected:
        h = shared.copy()
        h.update(f"{framework.conventions[i]!r}{tail}".encode())
        found[i] = h.hexdigest()
    return found


def _repr_pieces(record: Any) -> Iterator[str]:
    """``repr(record)``, an attrs record's, piece by piece: a tuple field item by item.

    The pieces are those of the ``__repr__`` attrs writes: the class's name, then each
    field shown, ``name=repr(value)`` (or the field's own repr function), a tuple's
    ``repr`` being its items' joined.
    """
    yield type(record).__qualname__.rsplit(">.", 1)[-1] + "("
    shown = [f for f in attrs.fields(type(record)) if f.repr is not False]
    for k, field in enumerate(shown):
        value = getattr(record, field.name)
        yield (", " if k else "") + field.name + "="
        if field.repr is not True:
            yield field.repr(value)
        elif type(value) is tuple and value:
            for n, item in enumerate(value):
                yield ("(" if n == 0 else ", ") + repr(item)
            yield ",)" if len(value) == 1 else ")"
        else:
            yield repr(value)
    yield ")"
