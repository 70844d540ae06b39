"""Read a TOML text a table at a time: its head, then each table of its top-level arrays.

A framework of 10 000 conventions is a 16 MB text whose whole parsed tree takes about
150 MB, several times the records built from it. Cut at the lines that open a table of
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
text, which gives today's data and today's error messages with their line numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import tomli

__all__ = ["Unsplit", "tables"]


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
