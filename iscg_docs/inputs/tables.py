"""Read a TOML or JSON text a table at a time: its other keys, and each table of its arrays.

A framework of 10 000 conventions is a 16 MB text whose whole parsed tree takes more
than 100 MB, four times the records built from it. Cut at the lines that open a table of
an array named in ``keys`` (``[[conventions]]``), the text parses one part at a time, and
the caller builds each part's records and lets its tree go before the next part is read.

The cut is sound only when it gives what the whole text gives. Each part is checked:

- a part that parses on its own ends at the top level, so no cut fell inside a multi-line
  string or array: the whole text's parser, reading the same characters in the same
  order, stood at the start of a line when it reached the cut;
- the head (before the first cut) holds none of ``keys``, and each later part gives
  exactly ``{key: [one table]}``: every statement of the part stayed inside that table,
  whose keys no other part can reach, so parsing it apart loses no duplicate-key error;
- the tables of one key come in the order of the text, as the whole text appends them.

On any doubt (a part that does not parse, another key, a header spelt ``[[ "parties" ]]``
left inside the previous part) :class:`Unsplit` is raised and the caller parses the whole
text, which gives its data, or its error message with the line where it lies.

A JSON text needs no cut: :func:`json_tables` walks its top-level object with the
decoder's own scanner, a value at a time, and an array of ``keys`` an item at a time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator
from typing import Any

import tomli

__all__ = ["Unsplit", "json_tables", "tables"]


class Unsplit(Exception):
    """The text cannot be read a table at a time with certainty: parse it whole."""


def _header(keys: tuple[str, ...]) -> str:
    names = "|".join(re.escape(k) for k in keys)
    return rf"[ \t]*\[\[[ \t]*({names})[ \t]*\]\][ \t]*(?:#[^\n]*)?\r?(?=\n|\Z)"


def _cuts(text: str, keys: tuple[str, ...]) -> list[tuple[int, str]]:
    """Where each header line of ``keys`` starts, with its key, in the order of the text."""
    header = _header(keys)
    # Anchored on the newline before it: much faster than a multi-line ``^``.
    cuts = [(m.start() + 1, m[1]) for m in re.finditer("\n" + header, text)]
    if first := re.match(header, text):
        cuts.insert(0, (0, first[1]))
    return cuts


def _loads(part: str) -> dict[str, Any]:
    try:
        return tomli.loads(part)
    except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        raise Unsplit from None


def tables(text: str, keys: tuple[str, ...]) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """The parsed parts of ``text``: ``(None, head)`` first, then ``(key, {key: [table]})``.

    Each part's data is the whole text's data restricted to that part: the head's keys,
    or the one table of ``key``'s array the part holds.

    Raises:
        Unsplit: the text has no such header, or a part gives cause for doubt; what was
            yielded before must then be thrown away.
    """
    cuts = _cuts(text, keys)
    if not cuts:
        raise Unsplit
    head = _loads(text[: cuts[0][0]])
    if any(k in head for k in keys):
        raise Unsplit
    yield None, head
    del head
    ends = [start for start, _ in cuts[1:]]
    ends.append(len(text))
    for (start, key), end in zip(cuts, ends, strict=True):
        part = _loads(text[start:end])
        items = part.get(key)
        if len(part) != 1 or not isinstance(items, list) or len(items) != 1:
            raise Unsplit
        yield key, part


#: What JSON counts as whitespace (the decoder's own).
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def json_tables(
    text: str, keys: tuple[str, ...], decoder: json.JSONDecoder
) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """The parsed parts of the JSON object ``text``, in the order of the text.

    ``(None, {name: value})`` for each member, except that an array of ``keys`` with
    items gives ``(key, {key: [item]})`` for each item instead. Each value is read by
    ``decoder``, as :meth:`~json.JSONDecoder.decode` reads the whole text.

    Raises:
        Unsplit: the text is not one object whose names are all different, or a value
            is malformed (the whole text then says where); what was yielded before must
            then be thrown away.
    """
    try:
        yield from _members(text, keys, decoder)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        raise Unsplit from None


def _members(
    text: str, keys: tuple[str, ...], decoder: json.JSONDecoder
) -> Iterator[tuple[str | None, dict[str, Any]]]:
    at = _expect(text, 0, "{")
    names: set[str] = set()
    if not text.startswith("}", at):
        while True:
            at = yield from _member(text, at, keys, decoder, names)
            if not text.startswith(",", at):
                break
            at = _expect(text, at, ",")
    if _expect(text, at, "}") != len(text):
        raise Unsplit


_Parts = Generator[tuple[str | None, dict[str, Any]], None, int]


def _member(
    text: str, at: int, keys: tuple[str, ...], decoder: json.JSONDecoder, names: set[str]
) -> _Parts:
    """The parts of the member at ``at``; returns where the blanks after it end."""
    if not text.startswith('"', at):
        raise Unsplit
    name, at = decoder.raw_decode(text, at)
    if name in names:
        raise Unsplit  # the whole text keeps the last value, in the first place
    names.add(name)
    at = _expect(text, at, ":")
    if name not in keys or not text.startswith("[", at) or _empty(text, at + 1):
        value, at = decoder.raw_decode(text, at)
        yield None, {name: value}
        return _space(text, at)
    at = _expect(text, at, "[")
    while True:
        item, at = decoder.raw_decode(text, at)
        yield name, {name: [item]}
        at = _space(text, at)
        if text.startswith("]", at):
            return _space(text, at + 1)
        at = _expect(text, at, ",")


def _expect(text: str, at: int, mark: str) -> int:
    """Where the text goes on after ``mark``, found after blanks at ``at``, and blanks."""
    at = _space(text, at)
    if not text.startswith(mark, at):
        raise Unsplit
    return _space(text, at + 1)


def _empty(text: str, at: int) -> bool:
    return text.startswith("]", _space(text, at))


def _space(text: str, at: int) -> int:
    """Where the blanks at ``at`` end."""
    return _JSON_SPACE.match(text, at).end()  # type: ignore[union-attr]
