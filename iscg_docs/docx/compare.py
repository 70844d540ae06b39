"""Two .docx documents compared as one .docx with Word tracked changes.

The result is NEW's document in which what changed since OLD is a revision Word and
LibreOffice show and can accept or reject: accepting all gives NEW's text, rejecting all
gives OLD's. Paragraphs and tables are aligned on their text (:mod:`difflib`), then
paired paragraphs are compared word by word, paired tables row by row and cell by cell;
what has no counterpart is inserted or deleted whole (a paragraph with its mark, a table
row with ``w:trPr``). The body is compared, and each header and footer with OLD's part of
the same name; styles, numbering and the rest of the package are NEW's. Formatting changes are not marked: text that stays takes NEW's
formatting. Revisions pending in either input are taken as accepted first.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from difflib import SequenceMatcher
from typing import Any

from iscg_docs.docx.revisions import (
    DEL,
    EPOCH,
    INS,
    PPR,
    RPR,
    TBL,
    TR,
    Document,
    Revisions,
    element,
    mark_paragraph,
    mark_tree,
    old_content,
    paragraph_text,
    resolve,
    w,
)
from iscg_docs.docx.revisions import P as PARAGRAPH
from iscg_docs.docx.tokens import Token, emit, split_words, tokens

__all__ = ["AUTHOR", "compare", "compare_documents"]

#: Who the revisions are from.
AUTHOR = "iscg-docs"
# Two blocks with no common text below this similarity are not paired: one is deleted,
# the other inserted, rather than rewritten word by word.
_PAIRING = 0.5
# The most pairs of a differing stretch searched for the most similar: beyond, the
# search (cubic in the stretch's length) would take minutes on a rewritten document.
_SEARCH = 2_500
_SECTION, _TC, _TC_PR = w("sectPr"), w("tc"), w("tcPr")
_TABLE_HEAD = frozenset({w("tblPr"), w("tblGrid")})

# An alignment step: ("equal" | "pair", i, j), ("delete", i, -1) or ("insert", -1, j).
Step = tuple[str, int, int]


def compare(
    old: bytes,
    new: bytes,
    *,
    author: str = AUTHOR,
    date: dt.datetime = EPOCH,
    old_name: str | None = None,
    new_name: str | None = None,
) -> bytes:
    """NEW's .docx with the changes since OLD as Word tracked changes.

    Args:
        old: the earlier document's bytes.
        new: the later document's bytes, e.g. the consolidated convention.
        author: the revisions' author.
        date: the revisions' date (naive means UTC); fixed by default, so equal inputs
            give equal bytes.
        old_name: OLD's file name, given as the ``source`` of an error about it.
        new_name: NEW's file name, likewise.

    Returns:
        The comparison's bytes, written by :mod:`iscg_docs.docx.package`.

    Raises:
        InputError: either input is not a readable .docx; the message says which.
    """
    names = (old_name, new_name)
    return compare_documents(old, new, author=author, date=date, names=names)[0]


def compare_documents(
    old: bytes,
    new: bytes,
    *,
    author: str = AUTHOR,
    date: dt.datetime = EPOCH,
    names: tuple[str | None, str | None] = (None, None),
) -> tuple[bytes, int]:
    """As :func:`compare`, also giving the number of revisions it made."""
    before = Document(old, "l'ancien document", names[0])
    after = Document(new, "le nouveau document", names[1])
    for root in (*before.parts.values(), *after.parts.values()):
        resolve(root, accept=True)
    revisions = Revisions(after.parts.values(), author, date)
    _merge_into(after.body, before.body, revisions)
    for name in after.stories:
        # Headers and footers are paired by part name, as two renderings of one
        # template name them; one OLD does not have stays as NEW has it.
        if name in before.parts:
            _merge_into(after.parts[name], before.parts[name], revisions)
    return after.package(), revisions.count


def _merge_into(new: Any, old: Any, revisions: Revisions) -> None:
    """Replace ``new``'s blocks (a body, a header, a footer) with the merged ones.

    A body's section properties stay last, as NEW has them.
    """
    blocks = [c for c in new if isinstance(c.tag, str) and c.tag != _SECTION]
    old_blocks = [c for c in old if isinstance(c.tag, str) and c.tag != _SECTION]
    section = new.find(_SECTION)
    merged = diff_blocks(old_blocks, blocks, revisions)
    for child in list(new):
        new.remove(child)
    new.extend(merged)
    if section is not None:
        new.append(section)


def align(
    old: Sequence[str], new: Sequence[str], similarity: Callable[[int, int], float]
) -> Iterator[Step]:
    """Align two sequences of keys: equal runs first, then the most similar pairs.

    Within a stretch that differs, the most similar pair (at least :data:`_PAIRING`) is
    paired, and the stretches on either side are aligned the same way, as
    :class:`difflib.Differ` does for lines.
    """
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield from (("equal", i1 + k, j1 + k) for k in range(i2 - i1))
        else:
            yield from _pair(i1, i2, j1, j2, similarity)


def _pair(
    i1: int, i2: int, j1: int, j2: int, similarity: Callable[[int, int], float]
) -> Iterator[Step]:
    # An explicit stack rather than recursion: a long stretch must not hit the limit.
    stack: list[tuple[int, int, int, int] | Step] = [(i1, i2, j1, j2)]
    scores: dict[tuple[int, int], float] = {}
    while stack:
        task = stack.pop()
        if len(task) == 3:
            yield task
            continue
        a1, a2, b1, b2 = task
        if (a2 - a1) * (b2 - b1) > _SEARCH:
            yield from _in_step(a1, a2, b1, b2, similarity)
            continue
        best, where = _PAIRING, None
        for i in range(a1, a2):
            for j in range(b1, b2):
                if (i, j) not in scores:
                    scores[i, j] = similarity(i, j)
                if scores[i, j] > best or (where is None and scores[i, j] == best):
                    best, where = scores[i, j], (i, j)
        if where is None:
            stack.extend(("insert", -1, j) for j in reversed(range(b1, b2)))
            stack.extend(("delete", i, -1) for i in reversed(range(a1, a2)))
            continue
        i, j = where
        stack.append((i + 1, a2, j + 1, b2))
        stack.append(("pair", i, j))
        stack.append((a1, i, b1, j))


def _in_step(
    i1: int, i2: int, j1: int, j2: int, similarity: Callable[[int, int], float]
) -> Iterator[Step]:
    """A stretch too long to search for its best pairs, paired in order where alike."""
    for k in range(max(i2 - i1, j2 - j1)):
        i, j = i1 + k, j1 + k
        if i < i2 and j < j2 and similarity(i, j) >= _PAIRING:
            yield ("pair", i, j)
            continue
        if i < i2:
            yield ("delete", i, -1)
        if j < j2:
            yield ("insert", -1, j)


def _block_key(block: Any) -> str:
    if block.tag == PARAGRAPH:
        return "P" + paragraph_text(block)
    if block.tag == TBL:
        return "T" + "\x1e".join(_row_key(row) for row in block.iter(TR))
    return "X" + "".join(block.itertext())


def _row_key(row: Any) -> str:
    return "\x1f".join(
        "\n".join(paragraph_text(p) for p in cell.iter(PARAGRAPH)) for cell in row.findall(_TC)
    )


def _similarity(old_keys: Sequence[str], new_keys: Sequence[str]) -> Callable[[int, int], float]:
    """How alike two keys of one kind are (their first character), word by word."""
    words: dict[str, list[str]] = {}

    def split(key: str) -> list[str]:
        if key not in words:
            words[key] = split_words(key[1:])
        return words[key]

    def similarity(i: int, j: int) -> float:
        a, b = old_keys[i], new_keys[j]
        if a[:1] != b[:1] or len(a) == 1 or len(b) == 1:
            return 0.0
        matcher = SequenceMatcher(None, split(a), split(b), autojunk=False)
        if matcher.real_quick_ratio() < _PAIRING or matcher.quick_ratio() < _PAIRING:
            return 0.0
        return matcher.ratio()

    return similarity


def diff_blocks(old: Sequence[Any], new: Sequence[Any], revisions: Revisions) -> list[Any]:
    """The merged content of a body or a cell: NEW's blocks, OLD's deleted ones marked.

    Args:
        old: OLD's blocks (paragraphs, tables, others), in order.
        new: NEW's blocks, in order.
        revisions: where revision elements come from.
    """
    old_keys = [_block_key(b) for b in old]
    new_keys = [_block_key(b) for b in new]
    out: list[Any] = []
    for op, i, j in align(old_keys, new_keys, _similarity(old_keys, new_keys)):
        if op == "equal":
            out.append(copy.deepcopy(new[j]))
        elif op == "pair" and new[j].tag == PARAGRAPH:
            out.append(diff_paragraph(old[i], new[j], revisions))
        elif op == "pair" and new[j].tag == TBL:
            out.extend(diff_table(old[i], new[j], revisions))
        elif op == "pair":
            out.extend(_deleted(old[i], revisions))
            out.append(_inserted(new[j], revisions))
        elif op == "delete":
            out.extend(_deleted(old[i], revisions))
        else:
            out.append(_inserted(new[j], revisions))
    _keep_last_mark(out)
    return out


def _mark_of(block: Any) -> Any:
    """The revision on a paragraph's mark, if any."""
    if block.tag != PARAGRAPH:
        return None
    for mark in block.iterfind(f"{PPR}/{RPR}/*"):
        if mark.tag in (INS, DEL):
            return mark
    return None


def _keep_last_mark(blocks: list[Any]) -> None:
    """Keep the mark of a body's or a cell's last paragraph out of the revisions.

    Word cannot remove that mark, so a last paragraph inserted or deleted whole would
    leave an empty paragraph once decided. When the last paragraphs are all inserted (or
    all deleted) after a paragraph that stays, that paragraph's mark is marked instead of
    the last one's: deciding joins them, and the text is the same.
    """
    last = _mark_of(blocks[-1]) if blocks else None
    if last is None:
        return
    k = len(blocks) - 1
    while k >= 0 and _kind(blocks[k]) == last.tag:
        k -= 1
    if k < 0 or blocks[k].tag != PARAGRAPH or _mark_of(blocks[k]) is not None:
        return
    last.getparent().remove(last)
    mark_paragraph(blocks[k], last)


def _kind(block: Any) -> str | None:
    mark = _mark_of(block)
    return None if mark is None else str(mark.tag)


def _deleted(block: Any, revisions: Revisions) -> list[Any]:
    items = old_content(block)
    for item in items:
        mark_tree(item, DEL, revisions)
    return items


def _inserted(block: Any, revisions: Revisions) -> Any:
    item = copy.deepcopy(block)
    mark_tree(item, INS, revisions)
    return item


def diff_paragraph(old: Any, new: Any, revisions: Revisions) -> Any:
    """NEW's paragraph with the words changed since OLD's as revisions."""
    out = element(PARAGRAPH)
    for name, value in new.attrib.items():
        out.set(name, value)
    properties = new.find(PPR)
    if properties is not None:
        out.append(copy.deepcopy(properties))
    before, after = tokens(old, old=True), tokens(new, old=False)
    matcher = SequenceMatcher(None, [t.key for t in before], [t.key for t in after], autojunk=False)
    for op, i1, i2, j1, j2 in _readable(matcher.get_opcodes(), after):
        if op == "equal":
            emit(out, after[j1:j2], None, revisions)
            continue
        emit(out, before[i1:i2], DEL, revisions)
        emit(out, after[j1:j2], INS, revisions)
    return out


def _readable(
    opcodes: Sequence[tuple[str, int, int, int, int]], after: list[Token]
) -> list[tuple[str, int, int, int, int]]:
    """Opcodes with the lone spaces and punctuation kept between two changes folded into
    them, so « 17 400 » replacing « 0 » reads as one change, not three."""
    out: list[tuple[str, int, int, int, int]] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        between = 0 < index < len(opcodes) - 1 and op == "equal"
        if between and all(not t.key[:1].isalnum() for t in after[j1:j2]):
            op = "replace"
        if out and op != "equal" and out[-1][0] != "equal":
            _, a1, _, b1, _ = out.pop()
            out.append(("replace", a1, i2, b1, j2))
        else:
            out.append((op, i1, i2, j1, j2))
    return out


def diff_table(old: Any, new: Any, revisions: Revisions) -> list[Any]:
    """NEW's table with rows inserted, deleted or changed cell by cell since OLD's.

    A table holding more than properties, a grid and rows is compared whole: deleted
    and inserted.
    """
    plain = all(c.tag in _TABLE_HEAD or c.tag == TR for c in (*old, *new) if isinstance(c.tag, str))
    if not plain:
        return [*_deleted(old, revisions), _inserted(new, revisions)]
    out = element(TBL)
    out.extend(copy.deepcopy(c) for c in new if c.tag in _TABLE_HEAD)
    old_rows, new_rows = old.findall(TR), new.findall(TR)
    old_keys = ["R" + _row_key(r) for r in old_rows]
    new_keys = ["R" + _row_key(r) for r in new_rows]
    for op, i, j in align(old_keys, new_keys, _similarity(old_keys, new_keys)):
        if op == "equal":
            out.append(copy.deepcopy(new_rows[j]))
        elif op == "pair" and _shape(old_rows[i]) == _shape(new_rows[j]):
            out.append(_diff_row(old_rows[i], new_rows[j], revisions))
        elif op == "pair":
            out.extend(_deleted(old_rows[i], revisions))
            out.append(_inserted(new_rows[j], revisions))
        elif op == "delete":
            out.extend(_deleted(old_rows[i], revisions))
        else:
            out.append(_inserted(new_rows[j], revisions))
    return [out]


def _shape(row: Any) -> int:
    return len(row.findall(_TC))


def _diff_row(old: Any, new: Any, revisions: Revisions) -> Any:
    """NEW's row, each cell compared with OLD's cell at the same place."""
    row = copy.deepcopy(new)
    for before, cell in zip(old.findall(_TC), row.findall(_TC), strict=True):
        content = [c for c in cell if isinstance(c.tag, str) and c.tag != _TC_PR]
        merged = diff_blocks(
            [c for c in before if isinstance(c.tag, str) and c.tag != _TC_PR], content, revisions
        )
        for child in content:
            cell.remove(child)
        cell.extend(merged)
    return row
