"""Tests for iscg_docs.docx.renderer and iscg_docs.convention.render: sandbox, escaping,
errors, properties, reproducibility."""

from __future__ import annotations

import inspect
import io
import pickle
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iscg_docs.convention.render import ConventionRenderer, default_template, render_convention
from iscg_docs.docx.environment import make_environment
from iscg_docs.docx.renderer import Renderer, check_context, core_properties_xml
from iscg_docs.errors import TemplateError
from iscg_docs.inputs.loading import load
from iscg_docs.model.records import Framework
from tests.conftest import EXAMPLE
from tests.helpers import edited_example, stock_docx
from tests.strategies import user_text
from tests.test_compiled import outcome

HOSTILE = "Saint-Vallier & <Cie> {{ 7*7 }}"


def template_with(*paragraphs: str) -> bytes:
    """A one-page .docx holding ``paragraphs``, made with python-docx."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def core_blob(template: Path | bytes) -> bytes:
    """A template's ``docProps/core.xml``."""
    source = io.BytesIO(template) if isinstance(template, bytes) else template
    with zipfile.ZipFile(source) as package:
        return package.read("docProps/core.xml")


@contextmanager
def python_docx_alone() -> Iterator[None]:
    """python-docx as it is without docxcompose, which rebinds its « cp » prefix to the
    custom properties' namespace once imported (by docxtpl, when installed)."""
    from docx.oxml.ns import nsmap

    bound = nsmap["cp"]
    nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    try:
        yield
    finally:
        nsmap["cp"] = bound


def python_docx_core(blob: bytes, properties: dict[str, str]) -> bytes:
    """The core properties part as python-docx writes it with ``properties`` set."""
    from docx.opc.packuri import PackURI
    from docx.opc.parts.coreprops import CorePropertiesPart

    content_type = "application/vnd.openxmlformats-package.core-properties+xml"
    no_package: Any = None
    with python_docx_alone():
        part = CorePropertiesPart.load(
            PackURI("/docProps/core.xml"), content_type, blob, no_package
        )
        core = part.core_properties
        for name, value in properties.items():
            setattr(core, name, value)
        core.last_modified_by = properties.get("author", "")
        core.revision = 1
        return bytes(part.blob)


class TestEnvironment:
    def test_sandboxed_strict_autoescape_no_globals(self) -> None:
        """The environment is sandboxed, autoescapes, has no globals, and fails on undefined."""
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        env = make_environment({"f": str})
        assert isinstance(env, SandboxedEnvironment)
        assert env.autoescape is True
        assert env.undefined is StrictUndefined
        assert dict(env.globals) == {}
        assert inspect.unwrap(env.filters["f"]) is str


class TestSafety:
    @pytest.mark.parametrize(
        "tag",
        [
            "{{ cycler.__init__.__globals__ }}",
            "{{ name.__class__.__mro__ }}",
            "{{ ''.__class__.__subclasses__() }}",
            "{{ range(10) }}",
        ],
        ids=["cycler-globals", "class-mro", "subclasses", "range"],
    )
    def test_hostile_templates_refused(self, tag: str) -> None:
        """A template that reaches for Python internals is refused with a TemplateError."""
        with pytest.raises(TemplateError):
            Renderer(template_with("Bonjour {{ name }}", tag)).render({"name": "x"})

    def test_user_text_comes_out_literally(self) -> None:
        """&, <, > and Jinja braces in user text are printed, never interpreted."""
        data = Renderer(template_with("{{ name }}")).render({"name": HOSTILE})
        assert texts(data) == [HOSTILE]
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert b"&amp; &lt;Cie&gt;" in z.read("word/document.xml")

    def test_hostile_party_name_in_a_convention(self, example_path: Path, tmp_path: Path) -> None:
        """A party named with &, < and {{ }} comes out literally in the real convention."""
        path = edited_example(
            example_path,
            tmp_path,
            'name = "Blanzy"',
            f'name = "{HOSTILE}"\nhors_referentiel = true',
        )
        fw = load(path)
        data = render_convention(fw, fw.conventions[0])
        body = "\n".join(texts(data))
        assert f"la commune de {HOSTILE}" in body
        assert "49" not in body.split(HOSTILE)[0][-5:]

    def test_control_character_located(self) -> None:
        """Text XML cannot carry is refused, naming where it is in the context."""
        with pytest.raises(TemplateError) as caught:
            check_context({"parties": [{"name": "ok"}, {"name": "a\x0bb"}]})
        assert caught.value.where == "parties[1].name"
        assert "U+000B" in caught.value.message


class TestErrors:
    def test_undefined_variable_named(self) -> None:
        """A misspelt variable is an error that names it, never empty text."""
        with pytest.raises(TemplateError) as caught:
            Renderer(template_with("Bonjour {{ nmae }}")).render({"name": "x"})
        assert "« nmae »" in caught.value.message
        assert "Bonjour" in (caught.value.where or "")

    def test_unknown_filter(self) -> None:
        """An unknown filter is reported at compile time."""
        with pytest.raises(TemplateError, match="syntaxe"):
            Renderer(template_with("{{ 3|frobnicate }}"))

    def test_syntax_error(self) -> None:
        """An unclosed block is a syntax error in French with its surroundings."""
        with pytest.raises(TemplateError) as caught:
            Renderer(template_with("{% if x %}", "texte"))
        assert "syntaxe" in caught.value.message

    def test_not_a_docx(self, tmp_path: Path) -> None:
        """A file that is not a Word document is a TemplateError, not a traceback."""
        path = tmp_path / "modele.docx"
        path.write_text("bonjour", "utf-8")
        with pytest.raises(TemplateError, match="document Word"):
            Renderer(path)

    def test_missing_template(self, tmp_path: Path) -> None:
        """A missing template says so."""
        with pytest.raises(TemplateError, match="illisible"):
            Renderer(tmp_path / "absent.docx")


class TestProperties:
    def test_core_properties_escaped_once(self) -> None:
        """Core properties hold the caller's plain text, escaped once, with no clock."""
        data = Renderer(template_with("x")).render({}, properties={"title": "A & B <c>"})
        with python_docx_alone():
            core = docx.Document(io.BytesIO(data)).core_properties
            assert core.title == "A & B <c>"
            assert core.revision == 1

    @settings(max_examples=60, deadline=None)
    @given(
        values=st.lists(
            user_text
            | st.sampled_from(["", "x" * 256, "a\rb", "\ue000title\ue001", "l'État & <Co>"]),
            min_size=1,
            max_size=4,
        ),
        bundled=st.booleans(),
    )
    def test_core_properties_as_python_docx_writes_them(
        self, values: list[str], bundled: bool
    ) -> None:
        """The cached part with placeholders gives python-docx's bytes, or its error."""
        names = ["title", "author", "subject", "keywords"][: len(values)]
        properties = dict(zip(names, values, strict=True))
        blob = core_blob(default_template() if bundled else template_with("x"))
        expected = outcome(lambda: python_docx_core(blob, properties))
        assert outcome(lambda: core_properties_xml(blob, properties)) == expected

    def test_core_properties_without_a_part(self) -> None:
        """A template without core properties gets a part holding only the caller's."""
        part = core_properties_xml(None, {"title": "Titre", "author": "Auteur"})
        assert b"<dc:title>Titre</dc:title>" in part
        assert b"<dc:creator>Auteur</dc:creator>" in part
        assert b"dcterms:modified" not in part

    def test_unknown_property(self) -> None:
        """Only the known core properties can be set."""
        with pytest.raises(ValueError, match="unknown core properties"):
            core_properties_xml(None, {"colour": "red"})

    def test_convention_properties(self, framework: Framework) -> None:
        """A convention's document is titled and authored from its records."""
        core = docx.Document(
            io.BytesIO(render_convention(framework, framework.conventions[1]))
        ).core_properties
        assert "Mâconnais" in core.subject
        assert core.author == "Département de Saône-et-Loire"
        assert core.language == "fr-FR"


class TestReproducible:
    def test_same_bytes(self, framework: Framework) -> None:
        """The same convention renders to the same bytes, also after pickling the renderer."""
        renderer = ConventionRenderer()
        first = renderer.render_convention(framework, framework.conventions[0])
        assert renderer.render_convention(framework, framework.conventions[0]) == first
        again = pickle.loads(pickle.dumps(renderer))
        assert again.render_convention(framework, framework.conventions[0]) == first

    def test_compiled_equals_stock(self, framework: Framework) -> None:
        """The compiled engine gives stock docxtpl's members for the bundled template."""
        from iscg_docs.convention.context import build_context
        from iscg_docs.convention.properties import document_properties
        from iscg_docs.convention.render import superscripted
        from iscg_docs.docx.engine.superscript import superscripts
        from iscg_docs.french import FILTERS

        convention = framework.conventions[1]
        context = build_context(framework, convention)
        properties = document_properties(framework, convention)
        # The convention renderer marks the ordinals before the engine, which writes them
        # as superscript runs after rendering: the reference does both around docxtpl.
        stock = stock_docx(
            default_template(), superscripted(context), properties=properties, filters=FILTERS
        )
        compiled = ConventionRenderer().render(context, properties=properties)
        with zipfile.ZipFile(io.BytesIO(stock)) as a, zipfile.ZipFile(io.BytesIO(compiled)) as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                assert superscripts(a.read(name)) == b.read(name), name

    def test_zip_dates_fixed(self, framework: Framework) -> None:
        """Every zip member is dated 1980-01-01: the clock never reaches the file."""
        data = render_convention(framework, framework.conventions[2])
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}

    def test_default_template_exists(self) -> None:
        """The bundled template is found."""
        assert default_template().name == "convention_cadre.docx"
        assert default_template().is_file()


class TestCheckContext:
    """check_context refuses text XML cannot hold and says where it is."""

    @pytest.mark.parametrize(
        ("context", "where"),
        [
            ({"title": "a\x01b"}, "title"),
            ({"parties": [{"name": "ok"}, {"name": "bad\x0b"}]}, "parties[1].name"),
            ({"rows": ("x", ["y", "\ufffe"])}, "rows[1][1]"),
        ],
        ids=["top-level", "list-of-dicts", "nested-sequences"],
    )
    def test_refused_with_its_place(self, context: dict[str, Any], where: str) -> None:
        """The error names the key path of the offending string."""
        with pytest.raises(TemplateError) as error:
            check_context(context)
        assert error.value.where == where

    def test_first_in_order(self) -> None:
        """With several bad strings, the first in the context's order is reported."""
        with pytest.raises(TemplateError) as error:
            check_context({"a": ["fine", "x\x02"], "b": "y\x03"})
        assert error.value.where == "a[1]"

    @given(
        st.recursive(
            st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cn"))) | st.booleans(),
            lambda inner: st.lists(inner) | st.dictionaries(st.text(max_size=3), inner),
            max_leaves=20,
        )
    )
    def test_clean_text_passes(self, value: Any) -> None:
        """Printable text in any nesting of lists and mappings is accepted."""
        check_context({"value": value})


class TestConventionRenderer:
    """The convention's renderer: the engine's, with the bundled template and French filters."""

    def test_package_root_names(self) -> None:
        """``iscg_docs.Renderer`` and friends are the convention's, and a Renderer still."""
        import iscg_docs

        assert iscg_docs.Renderer is ConventionRenderer
        assert issubclass(iscg_docs.Renderer, Renderer)
        assert iscg_docs.render_convention is render_convention
        assert iscg_docs.default_template is default_template

    def test_defaults(self) -> None:
        """Without arguments: the bundled template, compiled with the French filters."""
        from iscg_docs.french import FILTERS

        renderer = ConventionRenderer()
        assert renderer.source == default_template().read_bytes()
        assert renderer.template_name == str(default_template())
        filters = {name: inspect.unwrap(renderer.env.filters[name]) for name in FILTERS}
        assert filters == {name: inspect.unwrap(function) for name, function in FILTERS.items()}

    def test_engine_has_no_default_filters(self) -> None:
        """The engine's renderer knows only the filters it is handed."""
        from iscg_docs.french import FILTERS

        name = sorted(FILTERS)[0]
        with pytest.raises(TemplateError, match="syntaxe"):
            Renderer(template_with(f"{{{{ 3|{name} }}}}"))
        assert Renderer(template_with(f"{{{{ x|{name} }}}}"), filters=FILTERS).env.filters

    def test_name(self) -> None:
        """A template given as bytes may carry its name, for errors and the manifest."""
        renderer = Renderer(template_with("x"), name="copie.docx")
        assert renderer.template_name == "copie.docx"
        assert Renderer(template_with("x")).template_name == "<bytes>"


class TestCoreProperties:
    """docProps/core.xml does not depend on what else the process imported."""

    def test_same_bytes_without_docxcompose(self, framework: Framework, tmp_path: Path) -> None:
        """docxcompose (docxtpl's subdoc extra) rebinds python-docx's « cp » prefix for
        the whole process; a document rendered where it cannot be imported is the same."""
        import subprocess
        import sys

        import docxtpl  # noqa: F401  (imports docxcompose when it is installed)

        here = render_convention(framework, framework.conventions[0])
        script = (
            "import sys; sys.modules['docxcompose'] = None\n"
            "from iscg_docs.convention.render import render_convention\n"
            "from iscg_docs.inputs.loading import load\n"
            f"fw = load({str(EXAMPLE)!r})\n"
            "sys.stdout.buffer.write(render_convention(fw, fw.conventions[0]))\n"
        )
        alone = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, check=True
        ).stdout
        assert alone == here
        core = zipfile.ZipFile(io.BytesIO(here)).read("docProps/core.xml").decode()
        assert "custom-properties" not in core
        assert "<cp:keywords>ISCG" in core
