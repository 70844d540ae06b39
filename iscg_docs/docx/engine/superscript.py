"""Superscript runs: the text between two markers in a rendered run, written as a run of its own.

A text written into a document asks for a superscript with
:data:`~iscg_docs._characters.SUPERSCRIPT_OPEN` and
:data:`~iscg_docs._characters.SUPERSCRIPT_CLOSE` around it (``1\ue000er\ue001``): the run
holding them is cut into runs with the same properties, the marked text's with
``<w:vertAlign w:val="superscript"/>`` added. It works on a rendered part's bytes, the
same for every engine, and costs one byte search when a part has no marker.
"""

from __future__ import annotations

import re

from iscg_docs._characters import SUPERSCRIPT_CLOSE, SUPERSCRIPT_OPEN

__all__ = ["superscripts"]

_OPEN = SUPERSCRIPT_OPEN.encode("utf-8")
_CLOSE = SUPERSCRIPT_CLOSE.encode("utf-8")
_MARKER = re.compile(re.escape(_OPEN) + b"|" + re.escape(_CLOSE))
_SPLIT = re.compile(b"(" + _MARKER.pattern + b")")
_RUN_START = re.compile(rb"<w:r[\s>]")
_RUN = re.compile(rb"(<w:r(?:\s[^>]*)?>)(<w:rPr>.*?</w:rPr>|<w:rPr/>)?(.*)</w:r>\Z", re.S)
# A run's text elements, and anything else it holds (breaks, tabs, fields).
_PIECE = re.compile(rb"<(w:t|w:delText)(\s[^>]*)?>(.*?)</\1>|<[^>]*/>|<[^>]*>.*?</[^>]*>", re.S)
# The run properties that follow w:vertAlign in the schema's order.
_AFTER_VERT_ALIGN = re.compile(
    rb"<w:(?:rtl|cs|em|lang|eastAsianLayout|specVanish|oMath|rPrChange)[\s/>]"
)
_VERT_ALIGN = re.compile(rb"<w:vertAlign\s[^>]*/>")
_SUPERSCRIPT = b'<w:vertAlign w:val="superscript"/>'


def superscripts(xml: bytes) -> bytes:
    """``xml`` with every marked text in a superscript run, and no marker left.

    Args:
        xml: a rendered part (body, header, footer), UTF-8.

    Returns:
        The same bytes when no marker is there. Otherwise each run holding a marker is
        cut at its markers; a marker outside a run's text is dropped.
    """
    if _OPEN not in xml and _CLOSE not in xml:
        return xml
    out: list[bytes] = []
    done = 0
    position = xml.find(_OPEN)
    while position != -1:
        start = max(xml.rfind(b"<w:r>", done, position), xml.rfind(b"<w:r ", done, position))
        end = xml.find(b"</w:r>", position)
        run = _RUN.match(xml, start, end + 6) if start != -1 and end != -1 else None
        if run is None or _RUN_START.search(run.group(3)):
            position = xml.find(_OPEN, position + 1)
            continue
        out += (xml[done:start], _split(run))
        done = end + 6
        position = xml.find(_OPEN, done)
    out.append(xml[done:])
    written = b"".join(out)
    if _OPEN in written or _CLOSE in written:  # a byte search is cheaper than the regex
        return _MARKER.sub(b"", written)
    return written


def _split(run: re.Match[bytes]) -> bytes:
    """One run cut into runs at its markers, the marked text's in superscript."""
    head, properties, body = run.group(1), run.group(2) or b"", run.group(3)
    if properties == b"<w:rPr/>":
        properties = b""
    raised_properties = _raised(properties)
    groups: list[tuple[bool, list[bytes]]] = []
    raised = False

    def add(up: bool, piece: bytes) -> None:
        if groups and groups[-1][0] is up:
            groups[-1][1].append(piece)
        else:
            groups.append((up, [piece]))

    for piece in _PIECE.finditer(body):
        if piece.group(1) is None:
            add(raised, piece.group())
            continue
        tag, attributes = piece.group(1), piece.group(2) or b""
        for text in _SPLIT.split(piece.group(3)):
            if text in (_OPEN, _CLOSE):
                raised = text == _OPEN
            elif text:
                add(raised, _text(tag, attributes, text))
    return b"".join(
        head + (raised_properties if up else properties) + b"".join(pieces) + b"</w:r>"
        for up, pieces in groups
    )


def _text(tag: bytes, attributes: bytes, text: bytes) -> bytes:
    """A text element holding part of a run's text, its spaces kept."""
    if (text[:1].isspace() or text[-1:].isspace()) and b"xml:space" not in attributes:
        attributes += b' xml:space="preserve"'
    return b"<%s%s>%s</%s>" % (tag, attributes, text, tag)


def _raised(properties: bytes) -> bytes:
    """Run properties with the superscript alignment, in the schema's place."""
    if not properties:
        return b"<w:rPr>" + _SUPERSCRIPT + b"</w:rPr>"
    inner = _VERT_ALIGN.sub(b"", properties[len(b"<w:rPr>") : -len(b"</w:rPr>")])
    after = _AFTER_VERT_ALIGN.search(inner)
    at = after.start() if after else len(inner)
    return b"<w:rPr>" + inner[:at] + _SUPERSCRIPT + inner[at:] + b"</w:rPr>"
