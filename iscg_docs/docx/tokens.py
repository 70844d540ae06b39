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

__all__ = ["Token", "emit", "split_words", "tokens"]

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


class Token(NamedTuple):
    """One unit of a paragraph's diff.

    Attributes:
        key: what is compared: the text, or a stand-in for what is not text.
        run: the run it comes from (its properties go with it); None for an item that
            stands in the paragraph itself (a hyperlink, a bookmark, a field…).
        text: the text, for a piece of ``w:t``; None otherwise.
        item: the element otherwise.
    """

    key: str
    run: Any
    text: str | None
    item: Any


def tokens(paragraph: Any, *, old: bool) -> list[Token]:
    """The tokens of a paragraph, in order (OLD's markers left out).

    Args:
        paragraph: a ``w:p``.
        old: whether it is OLD's paragraph, whose markers are dropped.
    """
    out: list[Token] = []
    for child in paragraph:
        if child.tag == PPR or not isinstance(child.tag, str):
            continue
        if child.tag == RUN:
            out.extend(_run_tokens(child))
        elif child.tag in _MARKERS:
            if not old:
                # Never equal to anything, so it stays exactly where NEW has it.
                out.append(Token(f"\x00marker{len(out)}", None, None, child))
        else:
            out.append(Token("\x01" + _key(child), None, None, child))
    return out


def _key(item: Any) -> str:
    return str(etree.tostring(item, encoding="unicode", with_tail=False))


def _run_tokens(run: Any) -> list[Token]:
    out: list[Token] = []
    for item in run:
        if item.tag in _SKIPPED or not isinstance(item.tag, str):
            continue
        if item.tag == T:
            out.extend(Token(m, run, m, None) for m in _WORD.findall(item.text or ""))
        elif item.tag in _CHARACTERS:
            out.append(Token(_CHARACTERS[item.tag], run, None, item))
        elif item.tag == INSTR:
            out.append(Token("\x02" + (item.text or ""), run, None, item))
        else:
            out.append(Token("\x03" + _key(item), run, None, item))
    return out


def emit(paragraph: Any, tokens: list[Token], tag: str | None, revisions: Revisions) -> None:
    """Append ``tokens`` to ``paragraph`` as runs, inside one ``tag`` wrapper when given.

    Consecutive tokens of one run make one run with that run's properties; deleted text
    is written ``w:delText``. Items that stand in the paragraph are copied (OLD's made
    safe to stand in NEW's document) and their own runs marked.
    """
    wrapper = None
    run = source = text = None
    for token in tokens:
        if token.run is None:
            items = old_content(token.item) if tag == DEL else [copy.deepcopy(token.item)]
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
        if token.run is not source or run is None or run.getparent() is not container:
            run = _new_run(container, token.run)
            source, text = token.run, None
        if token.text is not None:
            if text is None:
                text = etree.SubElement(run, DEL_TEXT if tag == DEL else T)
                text.set(_XML_SPACE, "preserve")
                text.text = ""
            text.text += token.text
            continue
        items = old_content(token.item) if tag == DEL else [copy.deepcopy(token.item)]
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
