"""A paragraph as diff tokens (words, spaces, punctuation, tabs…) and back into runs."""

from __future__ import annotations

import copy
import re
from typing import Any, NamedTuple

from lxml import etree

from iscg_docs.docx.revisions import (
    DEL,
    DEL_TEXT,
    INSTR,
    PPR,
    RPR,
    Revisions,
    T,
    element,
    mark_tree,
    old_content,
    to_deleted,
    w,
)
from iscg_docs.docx.revisions import R as RUN

__all__ = ["Piece", "Token", "emit", "split_words", "tokens"]

# A word, a stretch of white space (no-break spaces included), or one other character.
_WORD = re.compile(r"\w+|\s+|[^\w\s]")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CHARACTERS = {w("tab"): "\t", w("cr"): "\n", w("noBreakHyphen"): "\u2011"}
# Markers take no room in the text: NEW's stay where they are, OLD's go.
_MARKERS = frozenset(
    w(name)
    for name in (
        "bookmarkStart",
        "bookmarkEnd",
        "commentRangeStart",
        "commentRangeEnd",
        "permStart",
        "permEnd",
        "proofErr",
    )
)
_SKIPPED = frozenset({RPR, w("lastRenderedPageBreak")})


def split_words(text: str) -> list[str]:
    """``text`` as diff tokens: words, stretches of white space, other characters."""
    return _WORD.findall(text)


class Piece(NamedTuple):
    """What a token holds from one run (or from the paragraph itself).

    Attributes:
        run: the run it comes from (its properties go with it); None for an item that
            stands in the paragraph itself (a hyperlink, a bookmark, a field…).
        text: the text, for a piece of ``w:t``; None otherwise.
        item: the element otherwise.
    """

    run: Any
    text: str | None
    item: Any


class Token(NamedTuple):
    """One unit of a paragraph's diff: a word, a space, a tab, a field, a hyperlink…

    Attributes:
        key: what is compared: the text, or a stand-in for what is not text.
        pieces: where it comes from; a word split between runs (as Word often splits
            them) has a piece in each, so run boundaries never change what is compared.
    """

    key: str
    pieces: tuple[Piece, ...]


def tokens(paragraph: Any, *, old: bool) -> list[Token]:
    """The tokens of a paragraph, in order (OLD's markers left out).

    Args:
        paragraph: a ``w:p``.
        old: whether it is OLD's paragraph, whose markers are dropped.
    """
    out: list[Token] = []
    text: list[tuple[Any, str]] = []  # the text since the last thing that is not text
    for child in paragraph:
        if child.tag == PPR or not isinstance(child.tag, str):
            continue
        if child.tag == RUN:
            for item in child:
                if item.tag in _SKIPPED or not isinstance(item.tag, str):
                    continue
                if item.tag == T:
                    text.append((child, item.text or ""))
                else:
                    out.extend(_words(text))
                    out.append(Token(_item_key(item), (Piece(child, None, item),)))
            continue
        out.extend(_words(text))
        if child.tag in _MARKERS:
            if not old:
                # Never equal to anything, so it stays exactly where NEW has it.
                out.append(Token(f"\x00marker{len(out)}", (Piece(None, None, child),)))
        else:
            out.append(Token("\x01" + _key(child), (Piece(None, None, child),)))
    out.extend(_words(text))
    return out


def _words(text: list[tuple[Any, str]]) -> list[Token]:
    """The words of consecutive runs' text, each cut where its runs meet; empties ``text``."""
    out = []
    whole = "".join(t for _, t in text)
    cuts = []  # (start, end, run) of each run's text in ``whole``
    start = 0
    for run, piece in text:
        cuts.append((start, start + len(piece), run))
        start += len(piece)
    for match in _WORD.finditer(whole):
        pieces = tuple(
            Piece(run, whole[max(a, match.start()) : min(b, match.end())], None)
            for a, b, run in cuts
            if a < match.end() and b > match.start()
        )
        out.append(Token(match.group(), pieces))
    text.clear()
    return out


def _key(item: Any) -> str:
    return str(etree.tostring(item, encoding="unicode", with_tail=False))


def _item_key(item: Any) -> str:
    """The key of what a run holds besides its text."""
    if item.tag in _CHARACTERS:
        return _CHARACTERS[item.tag]
    if item.tag == INSTR:
        return "\x02" + (item.text or "")
    return "\x03" + _key(item)


def emit(paragraph: Any, tokens: list[Token], tag: str | None, revisions: Revisions) -> None:
    """Append ``tokens`` to ``paragraph`` as runs, inside one ``tag`` wrapper when given.

    Consecutive pieces of one run make one run with that run's properties; deleted text
    is written ``w:delText``. Items that stand in the paragraph are copied (OLD's made
    safe to stand in NEW's document) and their own runs marked.
    """
    wrapper = None
    run = source = text = None
    for piece in (p for token in tokens for p in token.pieces):
        if piece.run is None:
            items = old_content(piece.item) if tag == DEL else [copy.deepcopy(piece.item)]
            for item in items:
                paragraph.append(item)
                if tag is not None:
                    mark_tree(item, tag, revisions)
            wrapper = run = source = text = None
            continue
        if tag is not None and wrapper is None:
            wrapper = revisions.make(tag)
            paragraph.append(wrapper)
        container = paragraph if wrapper is None else wrapper
        if piece.run is not source or run is None or run.getparent() is not container:
            run = _new_run(container, piece.run)
            source, text = piece.run, None
        if piece.text is not None:
            if text is None:
                text = etree.SubElement(run, DEL_TEXT if tag == DEL else T)
                text.set(_XML_SPACE, "preserve")
                text.text = ""
            text.text += piece.text
            continue
        items = old_content(piece.item) if tag == DEL else [copy.deepcopy(piece.item)]
        run.extend(items)
        text = None
    if tag == DEL and wrapper is not None:
        for deleted in wrapper:
            to_deleted(deleted)


def _new_run(container: Any, source: Any) -> Any:
    run = element(RUN)
    container.append(run)
    properties = source.find(RPR)
    if properties is not None:
        run.append(copy.deepcopy(properties))
    return run
