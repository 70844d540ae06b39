"""Direct serialisation: when a rendered XML part is already what lxml would write."""

from __future__ import annotations

import re
import threading
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import jinja2
import markupsafe
from lxml import etree

from iscg_docs.docx.engine.tables import Grid, write_grid

__all__ = ["Direct", "analyse", "canonical", "hook", "reset", "was_flagged"]

# Stock docxtpl hands every rendered part to lxml and writes what lxml serialises. The
# compiled engine skips that round trip when it can prove the rendered text is already
# in lxml's form. The proof has two halves:
#
# - at compile time, `analyse` replaces every Jinja tag by a marker (an XML processing
#   instruction), parses the result and checks that each tag sits where text may go,
#   that the static text is already as lxml writes it, that a block never opens in one
#   element and closes in another kind, and that docxtpl's table and drawing fixes have
#   nothing to fix whatever the context;
# - at render time, the escaping function of the compiled template is replaced (`hook`)
#   to flag any value that is not plain text (Markup, RichText, control characters,
#   tabs or line breaks docxtpl rewrites); a flagged part goes through lxml as before.
#
# What remains differs from lxml's output in known ways only. markupsafe writes quotes
# as character references: the hooked escape writes them as characters, and `canonical`
# rewrites those of constants Jinja escaped when compiling. A tag whose content rendered
# empty is written as a start and an end tag: `canonical` rewrites it. A table whose
# cells vary needs the grid docxtpl's `fix_tables` would give it: `tables.regrid` computes it
# from the rendered rows.

_MARKER_TARGET = "iscg-jinja"
_OPENERS = frozenset({"if", "for", "with"})
_MIDDLES = frozenset({"elif", "else"})
_CLOSERS = frozenset({"endif", "endfor", "endwith", "endset"})
# The only tags whose effect the analysis knows; anything else keeps the lxml path. Not
# macros, call or filter blocks, recursive loops: they write text elsewhere than where
# it stands in the source, or (call, filter) without passing it through `escape`.
_STATEMENTS = _OPENERS | _MIDDLES | _CLOSERS | {"set"}
# docxtpl's render_xml_part puts a newline before each paragraph for Jinja's line
# numbers and removes it after rendering.
_PARAGRAPH_NEWLINE = re.compile(r"\n<w:p([ >])")
# Characters lxml writes otherwise than given (\r), cannot hold (other C0 controls,
# surrogates, non-characters) or that docxtpl's listing pass rewrites (\t \a \n \f).
_SPECIAL = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")
_START_TAG = re.compile(r"<([^\s<>/!?]+)(?:\s[^<>]*)?(?<!/)>\Z")
_EMPTY_PAIR = re.compile(r"<([^\s<>/!?]+)((?:\s[^<>]*)?)(?<!/)></\1>")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TBL, _TBL_GRID, _GRID_COL = f"{{{_W}}}tbl", f"{{{_W}}}tblGrid", f"{{{_W}}}gridCol"
_TR, _TC, _TC_PR, _GRID_SPAN = f"{{{_W}}}tr", f"{{{_W}}}tc", f"{{{_W}}}tcPr", f"{{{_W}}}gridSpan"
_W_W, _W_VAL = f"{{{_W}}}w", f"{{{_W}}}val"
_CELLS = (b"<w:tc>", b"<w:tc ", b"<w:tc/>")
_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


class Direct(NamedTuple):
    """What rendering a part directly needs, found by :func:`analyse`.

    ``empties`` pairs each start-and-end-tag that rendering may leave empty with the
    empty-element tag lxml writes instead; ``probe`` is the part's static text with a
    processing instruction in place of each Jinja tag; ``grids`` are the tables whose
    grid ``fix_tables`` may change, by their grid as rendered; ``cells`` the
    forms a cell's start tag takes there; ``sections`` is the number of sections of a
    body (the same in every rendering); ``quotes`` tells whether the compiled template
    writes quote references (set by :func:`hook`).
    """

    empties: tuple[tuple[bytes, bytes], ...]
    probe: str
    grids: Mapping[bytes, tuple[Grid, ...]]
    cells: tuple[bytes, ...] = _CELLS
    sections: int = 0
    quotes: bool = False


class _Unsupported(Exception):
    """The part needs the lxml path; the message says why."""


class _Construct(NamedTuple):
    """One Jinja tag of a part, in source order."""

    kind: str  # "output", "statement" or "comment"
    block: int | None  # the block a statement opens, continues or closes


_state = threading.local()


def _escape(value: Any, escape: Any = markupsafe.escape) -> markupsafe.Markup:
    """markupsafe's escape as lxml writes text, flagging values lxml would rewrite.

    markupsafe writes quotes as character references, lxml as they are: every value of
    a direct part lies in text (:func:`analyse`), where both mean the same, so this
    writes them as lxml does. Markup and other objects with ``__html__`` are flagged
    and left as they are.
    """
    if type(value) is not str:
        if hasattr(value, "__html__"):
            _state.flagged = True
            return escape(value)  # type: ignore[no-any-return]
        value = str(value)
    if not value.isprintable() and _SPECIAL.search(value):
        _state.flagged = True
    escaped: markupsafe.Markup = escape(value)
    if "&#3" in escaped:
        # str's replace: Markup's would escape the quotes again.
        text = str.replace(str.replace(escaped, "&#34;", '"'), "&#39;", "'")
        return markupsafe.Markup(text)
    return escaped


def hook(template: jinja2.Template, direct: Direct) -> Direct | str:
    """Make ``template`` flag the values lxml would rewrite (see :func:`was_flagged`).

    The template then renders what it rendered before but for the quotes in values,
    written as characters (the same XML). Jinja writes constant output, such as
    ``{{ "l'État" }}``, into the compiled code already escaped, out of the escape
    function's sight: the code's constants are searched first.

    Returns:
        ``direct`` completed with whether the compiled code holds quote references, or
        why the part must keep the lxml path (a constant holds a tab, a line break or a
        character lxml rewrites), and then the template is left as it was.
    """
    quotes = False
    for constant in _constants(template):
        # The only line breaks static text may hold are docxtpl's before paragraphs.
        if _SPECIAL.search(_PARAGRAPH_NEWLINE.sub("", constant)):
            return "a constant in the template holds characters docxtpl or lxml rewrite"
        quotes = quotes or "&#34;" in constant or "&#39;" in constant
    # Generated code looks `escape` up in the namespace its module was executed in,
    # which this template alone owns (from_string executes the code afresh).
    template.root_render_func.__globals__["escape"] = _escape
    return direct._replace(quotes=quotes)


def _constants(template: jinja2.Template) -> Iterator[str]:
    """Every string constant of a compiled template's code, blocks and macros included."""
    codes = [template.root_render_func.__code__]
    codes += [block.__code__ for block in template.blocks.values()]
    while codes:
        constants: list[object] = list(codes.pop().co_consts)
        while constants:
            constant = constants.pop()
            if isinstance(constant, str):
                yield constant
            elif isinstance(constant, tuple | frozenset):
                constants.extend(constant)
            elif isinstance(constant, types.CodeType):
                codes.append(constant)


def reset() -> None:
    """Forget earlier flags of this thread; call before rendering a hooked template."""
    _state.flagged = False


def was_flagged() -> bool:
    """Whether a hooked template rendered, since :func:`reset`, a value lxml would rewrite."""
    return bool(getattr(_state, "flagged", False))


def canonical(xml: bytes, direct: Direct) -> bytes:
    """Turn the unflagged rendering of a direct part, UTF-8 encoded, into what lxml writes.

    Working on the encoded text halves the cost: these are byte searches.
    """
    if direct.quotes:
        # Quote references from constants Jinja escaped when compiling: in text too
        # (analyse), where lxml writes both characters as they are.
        xml = xml.replace(b"&#34;", b'"').replace(b"&#39;", b"'")
    for pair, empty in direct.empties:
        xml = xml.replace(pair, empty)  # the same object when absent
    return xml


def analyse(
    env: jinja2.Environment, source: str, *, blanks_removed: bool, body: bool
) -> Direct | str:
    """Decide whether rendering ``source`` can skip lxml's parse and re-serialisation.

    Args:
        env: The environment the part is compiled with.
        source: The part's Jinja source, as docxtpl compiles it.
        blanks_removed: Stock reparses the rendered part with python-docx's parser,
            which drops whitespace-only text between elements (headers, footers).
        body: The part is the document body, which stock also runs through
            ``fix_tables`` and ``fix_docpr_ids``.

    Returns:
        What direct rendering needs, or why the part must take the lxml path.
    """
    if env.autoescape is not True:
        return "autoescaping is not on for every template"
    if env.extensions or env.line_statement_prefix or env.line_comment_prefix:
        return "the environment has extensions or line statements"
    if env.newline_sequence != "\n":
        return "the environment rewrites line breaks"
    try:
        probe, constructs, found = _probe(env, source)
        empties = dict(found)
        root = _parse(probe, blanks_removed, empties)
        markers = {
            int(str(node.text)): node
            for node in root.iter(etree.PI)
            if node.target == _MARKER_TARGET
        }
        if len(markers) != len(constructs):
            raise _Unsupported("a Jinja tag lies outside the part's root element")
        # lxml makes a new Python object for a node each time one is asked for, unless
        # one is alive: keeping them all alive makes identity and id() meaningful below.
        nodes = list(root.iter())
        order = {id(node): position for position, node in enumerate(nodes)}
        _check_blocks(constructs, markers)
        if blanks_removed:
            _check_blanks(root, constructs, markers)
        grids = _check_body(root, constructs, markers, order) if body else {}
        sections = _sections(root, constructs, markers, order) if body else 0
    except _Unsupported as reason:
        return str(reason)
    cells: tuple[bytes, ...] = _CELLS
    if not any(cell.attrib for cell in root.iter(_TC)):
        # Cells as the template has them, or left empty (see _probe).
        cells = tuple(
            tag
            for tag in _CELLS
            if tag != b"<w:tc " and (tag != b"<w:tc/>" or b"<w:tc></w:tc>" in empties)
        )
    return Direct(tuple(empties.items()), probe, grids, cells, sections)


def _probe(
    env: jinja2.Environment, source: str
) -> tuple[str, list[_Construct], tuple[tuple[bytes, bytes], ...]]:
    """The part's static text with a marker in place of each Jinja tag.

    Also returns the tags in order and the empty-element rewrites rendering may need:
    a start tag that ends the static text before a Jinja tag may be closed right away
    when that tag renders nothing.
    """
    pieces: list[str] = []
    constructs: list[_Construct] = []
    empties: dict[bytes, bytes] = {}
    open_blocks: list[int] = []
    blocks = 0
    words: list[str] = []
    assigns = False
    for _lineno, kind, value in env.lex(source):
        if kind == "data":
            pieces.append(_PARAGRAPH_NEWLINE.sub(r"<w:p\1", value))
        elif kind in ("variable_begin", "block_begin", "comment_begin"):
            start = pieces[-1] if pieces else ""
            if (tag := _START_TAG.search(start)) is not None:
                pair = tag.group() + f"</{tag.group(1)}>"
                empties[pair.encode("utf-8")] = (tag.group()[:-1] + "/>").encode("utf-8")
            pieces.append(f"<?{_MARKER_TARGET} {len(constructs)}?>")
            words, assigns = [], False
        elif kind == "name":
            words.append(value)
        elif kind == "operator" and value == "=":
            assigns = True
        elif kind == "variable_end":
            constructs.append(_Construct("output", None))
        elif kind == "comment_end":
            constructs.append(_Construct("comment", None))
        elif kind == "block_end":
            keyword = words[0] if words else ""
            if keyword not in _STATEMENTS or (keyword == "for" and "recursive" in words):
                raise _Unsupported(f"the template uses {{% {' '.join(words[:1])} %}} blocks")
            if keyword in _OPENERS or (keyword == "set" and not assigns):
                blocks += 1
                open_blocks.append(blocks)
                constructs.append(_Construct("statement", blocks))
            elif keyword in _MIDDLES or keyword in _CLOSERS:
                if not open_blocks:  # pragma: no cover - Jinja refused it when compiling
                    raise _Unsupported(f"unbalanced {{% {keyword} %}}")
                constructs.append(_Construct("statement", open_blocks[-1]))
                if keyword in _CLOSERS:
                    open_blocks.pop()
            else:
                constructs.append(_Construct("statement", None))
        elif kind in ("raw_begin", "linestatement_begin", "linecomment_begin"):
            raise _Unsupported("the template uses raw blocks or line statements")
    probe = "".join(pieces)
    if _SPECIAL.search(probe):
        raise _Unsupported("the template's text holds characters docxtpl or lxml rewrite")
    return probe, constructs, tuple(empties.items())


def _parse(probe: str, blanks_removed: bool, empties: dict[bytes, bytes]) -> Any:
    """Parse the probe and check lxml writes its static text back unchanged.

    docxtpl's patching leaves some empty elements written with a start and an end tag
    (``<w:t xml:space="preserve"></w:t>`` where it splits a run): those are added to
    ``empties``, rewritten after each rendering like the ones rendering empties.
    """
    parser = etree.XMLParser(remove_blank_text=blanks_removed, resolve_entities=False)
    try:
        root = etree.fromstring(probe, parser)
    except etree.XMLSyntaxError as error:
        raise _Unsupported(f"a Jinja tag sits inside an XML tag ({error})") from None
    written = etree.tostring(root, encoding="unicode")
    if written != probe:
        static = {match.group(): _empty(match) for match in _EMPTY_PAIR.finditer(probe)}
        for pair, empty in static.items():
            probe = probe.replace(pair, empty)
        if written != probe:
            raise _Unsupported("the template's XML is not written as lxml writes it")
        empties.update((pair.encode("utf-8"), e.encode("utf-8")) for pair, e in static.items())
    return root


def _empty(match: re.Match[str]) -> str:
    """The empty-element tag lxml writes for a start and end tag matched by _EMPTY_PAIR."""
    return match.group()[: match.end(2) - match.start()] + "/>"


def _sections(
    root: Any, constructs: list[_Construct], markers: dict[int, Any], order: dict[int, int]
) -> int:
    """How many sections the rendered body has, the same for every rendering.

    Stock renders the footnotes once per section (``render_footnotes``), counted on the
    rendered document as python-docx counts them.
    """
    breaks = root.xpath("./w:p/w:pPr/w:sectPr | ./w:sectPr", namespaces={"w": _W})
    spans = [(order[id(block[0])], order[id(block[-1])]) for block in _blocks(constructs, markers)]
    for node in breaks:
        if any(start < order[id(node)] < end for start, end in spans):
            raise _Unsupported("a section break inside a Jinja block")
    return len(breaks)


def _table_anchor(node: Any) -> Any:
    """The innermost table, row or cell holding ``node``, or None."""
    for ancestor in node.iterancestors(_TBL, _TR, _TC):
        return ancestor
    return None


def _blocks(constructs: list[_Construct], markers: dict[int, Any]) -> Iterator[list[Any]]:
    """The markers of each block, in source order."""
    grouped: dict[int, list[Any]] = {}
    for index, construct in enumerate(constructs):
        if construct.block is not None:
            grouped.setdefault(construct.block, []).append(markers[index])
    yield from grouped.values()


def _check_blocks(constructs: list[_Construct], markers: dict[int, Any]) -> None:
    """Each block's tags sit in like elements: skipping or repeating it keeps the XML whole.

    The tags of one block (``if`` … ``elif`` … ``endif``) must have the same chain of
    element names above them, so that what lies between closes every element it opens,
    and the same innermost table, row or cell, so that a block cannot add or remove a
    cell of a row (which docxtpl's ``fix_tables`` would compensate).
    """
    for block in _blocks(constructs, markers):
        first = block[0]
        lineage = [node.tag for node in first.iterancestors()]
        anchor = _table_anchor(first)
        for node in block[1:]:
            if [n.tag for n in node.iterancestors()] != lineage:
                raise _Unsupported("a Jinja block opens and closes in different elements")
            if _table_anchor(node) is not anchor:
                raise _Unsupported("a Jinja block spans table cells or rows")


def _check_blanks(root: Any, constructs: list[_Construct], markers: dict[int, Any]) -> None:
    """No rendering can leave whitespace-only text that python-docx's parser would drop."""
    for element in root.iter(tag=etree.Element):
        children = list(element)
        if not any(child.tag is not etree.PI for child in children):
            continue
        texts = [element.text, *(child.tail for child in children)]
        if any(text is not None and not text.strip() for text in texts):
            raise _Unsupported("whitespace between elements, which python-docx drops")
    for index, construct in enumerate(constructs):
        if construct.kind == "output":
            parent = markers[index].getparent()
            if any(child.tag is not etree.PI for child in parent):
                raise _Unsupported("a value is written between elements")


def _check_body(
    root: Any, constructs: list[_Construct], markers: dict[int, Any], order: dict[int, int]
) -> dict[bytes, tuple[Grid, ...]]:
    """Make sure docxtpl's ``fix_tables`` and ``fix_docpr_ids`` can be done on the text.

    ``fix_tables`` adds grid columns when a row has more cells than the grid, and
    removes some when no row fills it. A table whose rows cannot change their number of
    cells (no Jinja tag between cells; :func:`_check_blocks` keeps each block inside one
    cell, one row or between the rows of one table) and which always has a row filling
    its grid is left as it is whatever the context. Any other table's grid is fixed on
    the rendered text (:func:`~iscg_docs.docx.engine.tables.regrid`), which needs it to be simple enough to read there.

    Returns:
        The grids to fix after rendering (see :class:`Direct`).
    """
    if any(True for _ in root.iter(_DOCPR)):
        raise _Unsupported("drawings, whose ids docxtpl renumbers")
    if root.nsmap.get("w") != _W:
        raise _Unsupported("the body does not use the w prefix docxtpl expects")
    # Where blocks may repeat or leave out content, by the table, row or cell they lie in.
    spans: dict[int, list[tuple[int, int]]] = {}
    for block in _blocks(constructs, markers):
        anchor = _table_anchor(block[0])
        if anchor is not None:
            spans.setdefault(id(anchor), []).append((order[id(block[0])], order[id(block[-1])]))

    def optional(node: Any, anchor: Any) -> bool:
        position = order[id(node)]
        return any(start < position < end for start, end in spans.get(id(anchor), ()))

    fixed: dict[str, list[Any]] = {}
    regridded: dict[str, list[Grid]] = {}
    for table in root.iter(_TBL):
        grid = table.find(_TBL_GRID)
        if grid is None:
            raise _Unsupported("a table without a grid")
        if optional(grid, table) or any(True for _ in grid.iter(etree.PI)):
            raise _Unsupported("a Jinja tag around or inside a table's grid")
        text = _grid_text(grid)
        if _fixed_shape(table, grid, optional):
            if text is not None:
                fixed.setdefault(text, []).append((table, grid))
        else:
            widths = _regriddable(table, grid, text)
            if widths:  # fix_tables adds no column to a zero width
                entry = Grid(_following(table, text), widths, _rows_only(table, len(widths)))
                regridded.setdefault(text or "", []).append(entry)
    # Tables are found after rendering by their grid: one of fixed shape with the grid
    # of a varying one is fixed too (to no change), so it must be as easy to read.
    for text in fixed.keys() & regridded.keys():
        for table, grid in fixed[text]:
            _regriddable(table, grid, text)
    return {text.encode("utf-8"): tuple(tables) for text, tables in regridded.items()}


def _following(table: Any, grid: str | None) -> bytes:
    """The static text after a table's grid, up to its first Jinja tag.

    It tells the table apart from others with the same grid, at no cost when rendered.
    The last tag is left out: rendering may empty a start tag followed by a Jinja tag.
    """
    assert grid is not None  # _regriddable refused the table otherwise
    text = etree.tostring(table, encoding="unicode", with_tail=False)
    text = text[text.index(grid) + len(grid) :]
    text = text[: text.find(f"<?{_MARKER_TARGET} ")]
    return text[: text.rfind("<")].encode("utf-8") if "<" in text else b""


def _fixed_cells(row: Any, columns: int) -> list[Any] | None:
    """A row's cells, if no Jinja tag can change their number and they fit the grid."""
    cells: list[Any] = row.findall(_TC)
    if len(cells) > columns or any(child.tag is etree.PI for child in row):
        return None
    return cells


def _fixed_shape(table: Any, grid: Any, optional: Callable[[Any, Any], bool]) -> bool:
    """Whether ``fix_tables`` leaves ``table`` unchanged in every rendering."""
    columns = len(grid.findall(_GRID_COL))
    filled = False
    for row in table.iter(_TR):
        if (cells := _fixed_cells(row, columns)) is None:
            return False
        if _table_anchor(row) is table and not optional(row, table):
            filled = _row_width(cells, optional) >= columns or filled
        else:
            _row_width(cells, None)
    return filled


def _rows_only(table: Any, columns: int) -> bool:
    """Whether every row of a table has as many cells as always, filling the grid."""
    for row in table.iter(_TR):
        if (cells := _fixed_cells(row, columns)) is None:
            return False
        if any(True for _ in row.iter(etree.PI)) and any(True for _ in row.iter(_GRID_SPAN)):
            return False  # a span could be left out
        if _row_width(cells, None) < columns:
            return False
    return True


def _grid_text(grid: Any) -> str | None:
    """The grid as lxml writes it, if it holds column widths only, else None."""
    widths = []
    for column in grid:
        if column.tag != _GRID_COL or len(column) or set(column.attrib) != {_W_W}:
            return None
        widths.append(column.get(_W_W))
    if grid.attrib or grid.text or any(column.tail for column in grid):
        return None
    return write_grid(widths)


def _regriddable(table: Any, grid: Any, text: str | None) -> tuple[str, ...]:
    """The column widths of a table whose rows vary, if :func:`~iscg_docs.docx.engine.tables.regrid` can read it."""
    if text is None or table.attrib:
        raise _Unsupported("a table of varying shape whose grid is not plain widths")
    if any(True for _ in table.iterancestors(_TBL)) or table.find(f".//{_TBL}") is not None:
        raise _Unsupported("a nested table of varying shape")
    widths = tuple(str(column.get(_W_W)) for column in grid)
    for width in widths:
        try:
            float(width)
        except ValueError:
            raise _Unsupported("a grid column width is not a number") from None
    for cell in table.iter(_TC):
        if cell.getparent().tag != _TR:
            raise _Unsupported("a table cell outside a row")
    for span in table.iter(_GRID_SPAN):
        parent = span.getparent()
        if parent.tag != _TC_PR or parent.getparent().tag != _TC or len(span):
            raise _Unsupported("a grid span outside a cell's properties")
        if set(span.attrib) != {_W_VAL} or not str(span.get(_W_VAL)).isdigit():
            raise _Unsupported("a grid span that is not a plain number")
    return widths


def _row_width(cells: list[Any], optional: Callable[[Any, Any], bool] | None) -> int:
    """Grid columns a row's cells span, counted as ``fix_tables`` counts them.

    With ``optional``, a span that rendering may leave out is refused.
    """
    width = 0
    for cell in cells:
        span = cell.find(f"{_TC_PR}/{_GRID_SPAN}")
        if span is not None and optional is not None and optional(span, cell):
            raise _Unsupported("a cell's grid span lies in a Jinja block")
        try:
            width += 1 if span is None else int(span.get(_W_VAL))
        except (TypeError, ValueError):
            raise _Unsupported("a cell's grid span is not a number") from None
    return width
