"""Tests for direct serialisation: rendered parts written as lxml would, without lxml."""

from __future__ import annotations

import concurrent.futures
import io
import threading
from pathlib import Path
from typing import Any

import docxtpl
import markupsafe
import pytest
from docx import Document
from docxtpl import DocxTemplate, RichText
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from iscg_docs.convention.render import default_template
from iscg_docs.docx.engine import direct as _direct
from iscg_docs.docx.engine import tables
from iscg_docs.docx.engine.compiled import CompiledTemplate
from iscg_docs.docx.environment import make_environment
from tests.strategies import user_text
from tests.test_compiled import (
    assert_same_outcome,
    assert_same_package,
    outcome,
    sandboxed,
    stock_render,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY = "word/document.xml"


def analyse(body: str, *, blanks_removed: bool = False) -> _direct.Direct | str:
    """Analyse a body holding ``body``, as the compiled engine analyses a part."""
    source = f'<w:body xmlns:w="{W}">{body}</w:body>'
    return _direct.analyse(sandboxed(), source, blanks_removed=blanks_removed, body=True)


def table(grid: list[int], rows: list[list[int]]) -> str:
    """A table as lxml writes it: grid column widths, and each row's cells' spans."""
    columns = "".join(f'<w:gridCol w:w="{width}"/>' for width in grid)
    cells = []
    for row in rows:
        cell = ""
        for span in row:
            properties = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
            cell += f"<w:tc>{properties}<w:p/></w:tc>"
        cells.append(f"<w:tr>{cell}</w:tr>" if cell else "<w:tr/>")
    grid_xml = f"<w:tblGrid>{columns}</w:tblGrid>" if columns else "<w:tblGrid/>"
    return f"<w:tbl><w:tblPr/>{grid_xml}{''.join(cells)}</w:tbl>"


# -- docxtpl's fix_tables, on the text -----------------------------------------------


class TestRegrid:
    """regrid gives the grid docxtpl's fix_tables gives, for any rows."""

    @settings(max_examples=200, deadline=None)
    @given(
        grid=st.lists(st.integers(0, 9000), min_size=1, max_size=6),
        rows=st.lists(st.lists(st.integers(1, 3), max_size=8), max_size=5),
    )
    def test_same_grid_as_fix_tables(self, grid: list[int], rows: list[list[int]]) -> None:
        """Columns added, removed and resized exactly as stock does, to the twip."""
        source = f'<w:body xmlns:w="{W}">{table(grid, rows)}</w:body>'
        expected = etree.tostring(DocxTemplate(io.BytesIO()).fix_tables(source), encoding="unicode")
        widths = tuple(map(str, grid))
        grids = {tables.write_grid(widths).encode(): (tables.Grid(b"", widths, False),)}
        direct = _direct.Direct(empties=(), probe=source, grids=grids)
        assert tables.regrid(source.encode(), grids, direct.cells).decode() == expected

    def test_varying_table_is_regridded(self) -> None:
        """A table with a column loop is fixed after rendering, not refused."""
        body = table([1000, 1000, 1000], [])
        body = body.replace(
            "</w:tbl>",
            "<w:tr>{% for c in cols %}<w:tc><w:p/></w:tc>{% endfor %}</w:tr></w:tbl>",
        )
        direct = analyse(body)
        assert isinstance(direct, _direct.Direct)
        assert [grid.widths for (grid,) in direct.grids.values()] == [("1000",) * 3]

    def test_fixed_table_is_left_alone(self) -> None:
        """A table whose rows cannot change needs no work after rendering."""
        body = table([1000, 1000], [[1, 1]]).replace(
            "</w:tbl>", "{% for r in rows %}<w:tr><w:tc/><w:tc/></w:tr>{% endfor %}</w:tbl>"
        )
        direct = analyse(body)
        assert isinstance(direct, _direct.Direct)
        assert direct.grids == {}


# -- what keeps the lxml path ------------------------------------------------------------


class TestAnalysis:
    """Parts whose rendering lxml could rewrite keep the lxml path, with the reason."""

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            pytest.param(
                '<w:p><w:pPr><w:jc w:val="{{ a }}"/></w:pPr></w:p>',
                "inside an XML tag",
                id="value-in-attribute",
            ),
            pytest.param(
                "<w:p><w:r><w:t>{% if a %}x</w:t></w:r></w:p><w:p>{% endif %}</w:p>",
                "different elements",
                id="block-across-elements",
            ),
            pytest.param(
                table([1, 1], [[1, 1]]).replace(
                    "<w:p/></w:tc><w:tc>", "<w:p/>{% if a %}</w:tc><w:tc>{% endif %}"
                ),
                "spans table cells",
                id="block-across-cells",
            ),
            pytest.param(
                '<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="1"/></w:tblGrid><w:tr>'
                "{% for c in cols %}<w:tc>" + table([1], [[1]]) + "<w:p/></w:tc>{% endfor %}"
                "</w:tr></w:tbl>",
                "nested table of varying shape",
                id="nested-varying-table",
            ),
            pytest.param(
                "{% autoescape false %}{{ a }}{% endautoescape %}<w:p/>",
                "autoescape",
                id="autoescape-block",
            ),
            pytest.param("<w:p><w:r><w:t>a\tb{{ a }}</w:t></w:r></w:p>", "rewrite", id="tab"),
            pytest.param(
                '<w:p><w:r><w:t>{% filter replace("a", "b") %}a{% endfilter %}</w:t></w:r></w:p>',
                "filter",
                id="filter-block",
            ),
            pytest.param(
                "{% macro m() %}<w:p/>{% endmacro %}<w:p><w:r><w:t>{{ m() }}</w:t></w:r></w:p>",
                "macro",
                id="macro",
            ),
            pytest.param(
                "{% for a in b recursive %}<w:p/>{{ loop(a) }}{% endfor %}",
                "for",
                id="recursive-loop",
            ),
            pytest.param(
                '<w:p><w:r><w:drawing><wp:docPr xmlns:wp="http://schemas.openxmlformats.org/'
                'drawingml/2006/wordprocessingDrawing" id="1"/></w:drawing></w:r></w:p>{{ a }}',
                "drawings",
                id="drawing",
            ),
            pytest.param(
                "{% if a %}<w:p><w:pPr><w:sectPr/></w:pPr></w:p>{% endif %}<w:sectPr/>",
                "section break",
                id="optional-section",
            ),
        ],
    )
    def test_lxml_path_kept(self, body: str, reason: str) -> None:
        """analyse() says why, in words a maintainer recognises."""
        result = analyse(body)
        assert isinstance(result, str)
        assert reason in result

    @pytest.mark.parametrize("constant", ["a\\tb", "c\\nd", "e\\x01f", "g\\rh"])
    def test_constant_with_special_characters(self, constant: str) -> None:
        """Jinja folds constant output into the code, out of the escape hook's sight: a
        constant holding a character docxtpl or lxml rewrites keeps the lxml path, and the
        document is stock's."""
        document = Document()
        document.add_paragraph(f'{{{{ "{constant}" }}}} et {{{{ x }}}}')
        buffer = io.BytesIO()
        document.save(buffer)
        template = CompiledTemplate(buffer.getvalue(), sandboxed())
        assert isinstance(template.routes[BODY], str)
        expected = outcome(lambda: stock_render(buffer.getvalue(), {"x": "y"}, sandboxed()))
        actual = outcome(lambda: template.render({"x": "y"}))
        assert_same_outcome(expected, actual)

    def test_constant_with_quotes(self) -> None:
        """A constant Jinja escaped when compiling has its quote references rewritten."""
        document = Document()
        document.add_paragraph("""{{ "l'État \\"dit\\"" }} et {{ x }}""")
        buffer = io.BytesIO()
        document.save(buffer)
        template = CompiledTemplate(buffer.getvalue(), sandboxed())
        route = template.routes[BODY]
        assert isinstance(route, _direct.Direct)
        assert route.quotes
        expected = stock_render(buffer.getvalue(), {"x": "l'eau"}, sandboxed())
        assert_same_package(expected, template.render({"x": "l'eau"}))

    def test_whitespace_between_elements_in_header(self) -> None:
        """python-docx's parser drops blank text between elements: such headers keep lxml."""
        source = f'<w:hdr xmlns:w="{W}"><w:p> {{{{ a }}}}</w:p></w:hdr>'
        result = _direct.analyse(sandboxed(), source, blanks_removed=True, body=False)
        assert isinstance(result, str)

    def test_environment_without_autoescape(self) -> None:
        """Unescaped values could hold any markup: no direct path."""
        source = f'<w:body xmlns:w="{W}"><w:p>{{{{ a }}}}</w:p></w:body>'
        env = sandboxed()
        env.autoescape = False
        assert isinstance(_direct.analyse(env, source, blanks_removed=False, body=True), str)


# -- conformance on templates made for it ---------------------------------------------


@pytest.fixture(scope="session")
def varying_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Column and row loops, a merged cell, empty values, a header and a footer."""
    document = Document()
    document.add_paragraph("{{ a }}")
    document.add_paragraph("Avant {{ b }} après « {{ a }} »")
    grid = document.add_table(rows=3, cols=3)
    grid.cell(0, 0).merge(grid.cell(0, 1)).text = "{{ a }}"
    grid.cell(0, 2).text = "fixe"
    grid.cell(1, 0).text = "{%tc for c in cols %}"
    grid.cell(1, 1).text = "{{ c }}"
    grid.cell(1, 2).text = "{%tc endfor %}"
    grid.cell(2, 0).text = "{{ b }}"
    rows = document.add_table(rows=3, cols=2)
    rows.cell(0, 0).text = "{%tr for r in rows %}"
    rows.cell(1, 0).text = "{{ r }}"
    rows.cell(1, 1).text = "{% if r %}{{ r }}{% endif %}"
    rows.cell(2, 0).text = "{%tr endfor %}"
    document.add_paragraph("{%p if b %}")
    document.add_paragraph("Conditionnel {{ b }}")
    document.add_paragraph("{%p endif %}")
    section = document.sections[0]
    section.header.paragraphs[0].text = "{{ a }}"
    section.footer.paragraphs[0].text = "Page {{ b }}"
    path = tmp_path_factory.mktemp("direct") / "varying_tpl.docx"
    document.save(str(path))
    return path


def varying_context(a: Any, b: Any, cols: int, rows: int) -> dict[str, Any]:
    """A context for the varying template."""
    return {"a": a, "b": b, "cols": [f"c{i}" for i in range(cols)], "rows": ["", "x"] * rows}


class TestConformance:
    """Written directly or not, the document is stock docxtpl's."""

    def test_template_goes_direct(self, varying_template: Path) -> None:
        """The body and the header of the template made for these tests are direct."""
        routes = CompiledTemplate(varying_template, sandboxed()).routes
        body = routes.pop(BODY)
        assert isinstance(body, _direct.Direct)
        assert body.grids  # the column loop's table
        assert sorted(routes) == ["word/footer1.xml", "word/header1.xml"]
        assert all(isinstance(route, _direct.Direct) for route in routes.values())

    @settings(max_examples=40, deadline=None)
    @given(
        a=user_text | st.sampled_from(["", " ", "  x  ", 'l\'État "dit"', "a & b < c > d"]),
        b=user_text | st.sampled_from(["", "\t", "\n", "deux\nlignes", "\x01"]),
        cols=st.integers(0, 6),
        rows=st.integers(0, 2),
    )
    def test_same_document_as_stock(
        self, varying_template: Path, a: str, b: str, cols: int, rows: int
    ) -> None:
        """Empty, blank, quoted and hostile values; 0 to 6 columns; 0 to 4 rows."""
        context = varying_context(a, b, cols, rows)
        expected = outcome(lambda: stock_render(varying_template, context, sandboxed()))
        actual = outcome(lambda: CompiledTemplate(varying_template, sandboxed()).render(context))
        assert_same_outcome(expected, actual)

    @pytest.mark.parametrize(
        "value",
        [
            pytest.param(markupsafe.Markup("<w:br/>"), id="markup"),
            pytest.param(RichText("gras", bold=True), id="richtext"),
            pytest.param(docxtpl.Listing("a\nb"), id="listing"),
            pytest.param(12, id="number"),
        ],
    )
    def test_flagged_values(self, varying_template: Path, value: Any) -> None:
        """Values that are not plain text send their part through lxml, as stock does."""
        context = varying_context("texte", value, 2, 1)
        expected = stock_render(varying_template, context, sandboxed())
        assert_same_package(
            expected, CompiledTemplate(varying_template, sandboxed()).render(context)
        )

    def test_bundled_template_skips_lxml(
        self, monkeypatch: pytest.MonkeyPatch, example_data: Any
    ) -> None:
        """The bundled template's documents are written without parsing the body."""
        from iscg_docs.convention.context import build_context
        from iscg_docs.inputs.loading import load_data

        framework = load_data(example_data, source="example")
        template = CompiledTemplate(default_template(), make_environment(), autoescape=True)
        contexts = [build_context(framework, c) for c in framework.conventions]
        expected = [template.render(context) for context in contexts]

        def refuse(*args: Any) -> Any:
            raise AssertionError("the body went through fix_tables")

        monkeypatch.setattr(DocxTemplate, "fix_tables", refuse)
        assert [template.render(context) for context in contexts] == expected


class TestThreads:
    """The flags that send a part through lxml belong to the thread that rendered it."""

    def test_mixed_contexts_in_threads(self, varying_template: Path) -> None:
        """Threads rendering flagged and plain contexts at once get the sequential bytes."""
        template = CompiledTemplate(varying_template, sandboxed())
        contexts = [
            varying_context(f"a{i}", "ligne\nsuivante" if i % 2 else f"b{i}", i % 4, i % 3)
            for i in range(16)
        ]
        sequential = [template.render(context) for context in contexts]
        start = threading.Barrier(4)

        def render(index: int) -> list[bytes]:
            start.wait()
            return [template.render(contexts[i]) for i in range(index, 16, 4)]

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            results = list(pool.map(render, range(4)))
        for index, documents in enumerate(results):
            assert documents == sequential[index::4]


# -- random templates ------------------------------------------------------------------


@st.composite
def random_templates(draw: st.DrawFn) -> bytes:
    """A small template of random shape: values in runs, optional paragraphs, loops
    over rows and columns, merged cells, a header; written by python-docx as Word's
    own files are, one run per text."""
    document = Document()
    for _ in range(draw(st.integers(1, 3))):
        pieces = draw(
            st.lists(
                st.sampled_from(["Texte ", "{{ v0 }}", "{{ v1 }}", " « ", "l’État "]), max_size=5
            )
        )
        wrapped = draw(st.booleans())
        if wrapped:
            document.add_paragraph("{%p if flag %}")
        paragraph = document.add_paragraph()
        for piece in pieces:
            paragraph.add_run(piece)
        if wrapped:
            document.add_paragraph("{%p endif %}")
    if draw(st.booleans()):
        columns = draw(st.integers(3, 5))
        table = document.add_table(rows=4, cols=columns)
        table.cell(0, 0).text = "{{ v0 }}"
        if draw(st.booleans()):
            table.cell(0, 1).merge(table.cell(0, 2)).text = "fusion"
        table.cell(1, 0).text = "{%tc for c in cols %}"
        table.cell(1, 1).text = "{{ c }}"
        table.cell(1, 2).text = "{%tc endfor %}"
        table.cell(2, 0).text = "{%tr for r in rows %}"
        table.cell(3, 0).text = "{{ r }}{% if flag %}{{ v1 }}{% endif %}"
        table.add_row().cells[0].text = "{%tr endfor %}"
    document.sections[0].header.paragraphs[0].text = draw(
        st.sampled_from(["{{ v1 }}", "En-tête {{ v0 }}", "Fixe"])
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


values = user_text | st.sampled_from(["", " ", "  ", 'l\'État "dit"', "a & b < c > d"])


class TestRandomTemplates:
    """Templates of random shape render as stock renders them, directly or not."""

    @settings(max_examples=40, deadline=None)
    @given(
        template=random_templates(),
        v0=values,
        v1=values | st.sampled_from(["deux\nlignes", "\x01"]),
        flag=st.booleans(),
        cols=st.integers(0, 6),
        rows=st.lists(values, max_size=3),
    )
    def test_same_document_as_stock(
        self, template: bytes, v0: str, v1: str, flag: bool, cols: int, rows: list[str]
    ) -> None:
        """Compiled equals stock, member by member, or both fail alike."""
        context = {"v0": v0, "v1": v1, "flag": flag, "cols": list(range(cols)), "rows": rows}
        expected = outcome(lambda: stock_render(template, context, sandboxed()))
        actual = outcome(lambda: CompiledTemplate(template, sandboxed()).render(context))
        assert_same_outcome(expected, actual)
