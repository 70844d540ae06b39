"""Tests for the compiled docxtpl engine: it must give the document stock docxtpl gives."""

from __future__ import annotations

import concurrent.futures
import io
import multiprocessing
import pickle
import threading
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pytest
from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing, RichText, RichTextParagraph
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from iscg_docs.docx.engine.compiled import CompiledTemplate
from tests.strategies import user_text

# The conformance templates sit in ../shared beside the repository (CI puts a copy there).
CONFORMANCE = (
    Path(__file__).resolve().parents[2] / "shared" / "conformance" / "docxtpl-0.20.2-templates"
)


# -- helpers --------------------------------------------------------------------------


def members(package: bytes) -> list[tuple[str, bytes]]:
    """Every member of a zip, decompressed, in archive order."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def canonical(data: bytes) -> bytes:
    """C14N form of an XML member, to report differences beyond byte order."""
    return etree.tostring(etree.fromstring(data), method="c14n")


def assert_same_package(expected: bytes, actual: bytes) -> None:
    """Assert two .docx files hold the same members, in the same order, byte for byte."""
    expected_members, actual_members = members(expected), members(actual)
    assert [name for name, _ in actual_members] == [name for name, _ in expected_members]
    for (name, want), (_, got) in zip(expected_members, actual_members, strict=True):
        if got != want and name.endswith((".xml", ".rels")):
            # C14N first gives a readable diff when only serialisation differs.
            assert canonical(got) == canonical(want), name
        assert got == want, name


def stock_render(
    source: Path | bytes,
    context: Mapping[str, Any],
    jinja_env: jinja2.Environment | None = None,
    *,
    autoescape: bool = False,
    prepare: Callable[[Any], dict[str, Any]] | None = None,
) -> bytes:
    """Render as the docxtpl documentation does: render(), then save()."""
    tpl = DocxTemplate(io.BytesIO(source) if isinstance(source, bytes) else source)
    if prepare is not None:
        context = {**context, **prepare(tpl)}
    tpl.render(dict(context), jinja_env, autoescape=autoescape)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


def outcome(render: Callable[[], bytes]) -> bytes | type[BaseException]:
    """The rendered bytes, or the type of the exception rendering raised."""
    try:
        return render()
    except Exception as error:
        return type(error)


def assert_same_outcome(
    expected: bytes | type[BaseException], actual: bytes | type[BaseException]
) -> None:
    """Assert two :func:`outcome` results agree: the same package, or the same error."""
    if isinstance(expected, bytes) and isinstance(actual, bytes):
        assert_same_package(expected, actual)
    else:
        assert actual == expected


def needs_conformance() -> None:
    """Skip when docxtpl's example templates are not on this machine."""
    if not CONFORMANCE.is_dir():
        pytest.skip(f"{CONFORMANCE} is absent")


@pytest.fixture(scope="session")
def own_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small convention-like template: body, table loop, header, footer, title."""
    document = Document()
    document.core_properties.title = "Convention {{ name }}"
    document.add_paragraph("Convention entre l’État et {{ name }} ({{ city }}).")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for share in shares %}"
    table.cell(1, 0).text = "{{ share.label }}"
    table.cell(1, 1).text = "{{ share.amount }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    document.add_paragraph("{% if signed %}Signée{% else %}À signer{% endif %}")
    section = document.sections[0]
    section.header.paragraphs[0].text = "En-tête {{ name }}"
    section.footer.paragraphs[0].text = "Pied de page {{ city }}"
    path = tmp_path_factory.mktemp("templates") / "own_tpl.docx"
    document.save(str(path))
    return path


def own_context(name: str = "Lille & <Co>", city: str = "Lille") -> dict[str, Any]:
    """A context for the own template."""
    return {
        "name": name,
        "city": city,
        "signed": False,
        "shares": [
            {"label": "État", "amount": "12 000,00 €"},
            {"label": "Département", "amount": "8 000,00 €"},
        ],
    }


def sandboxed() -> SandboxedEnvironment:
    """The environment iscg-docs renders with."""
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)


def render_in_worker(template: CompiledTemplate, context: dict[str, Any]) -> bytes:
    """Run in a worker process: the template arrives pickled."""
    return template.render(context)


# -- conformance cases ----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One template rendered one way; ``env`` builds a fresh environment per engine."""

    template: str
    context: Mapping[str, Any]
    autoescape: bool = False
    env: Callable[[], jinja2.Environment] | None = None

    @property
    def id(self) -> str:
        suffix = "-autoescape" if self.autoescape else ""
        suffix += "-custom-env" if self.env else ""
        return self.template.removesuffix(".docx") + suffix


def filters_env() -> jinja2.Environment:
    """An environment with the filters custom_jinja_filters_tpl.docx uses."""
    env = jinja2.Environment()
    env.filters["my_filterA"] = lambda value, name: f"{value} {name}"
    env.filters["my_filterB"] = lambda value, factor: value * factor
    return env


ORDER = {
    "customer_name": "Eric & fils",
    "items": [
        {"desc": "Python 3 et <lxml>", "qty": 2, "price": "29,90 €"},
        {"desc": "Jinja « avancé »", "qty": 1, "price": "45,00 €"},
    ],
    "total_price": "104,80 €",
    "is_paid": False,
    "in_europe": True,
    "company_name": "L’atelier",
}
ESCAPE = {
    "myvar": "<b>non gras</b> & co",
    "myescvar": 'guillemets " et < >',
    "nlnp": Listing("ligne 1\nligne 2\aparagraphe\tonglet"),
    "mylisting": Listing("liste\navec\nlignes & <signes>"),
    "page_break": Listing("\f"),
    "new_listing": Listing("nouvelle\nliste"),
    "some_html": "<p>html</p>",
}
CASES = [
    Case("order_tpl.docx", ORDER, autoescape=True),
    Case("order_tpl.docx", ORDER, env=sandboxed),
    Case(
        "cellbg_tpl.docx", {"alerts": [{"date": "1/1", "bg": "FF0000", "type": "x", "desc": "y"}]}
    ),
    Case("comments_tpl.docx", {}),
    Case(
        "custom_jinja_filters_tpl.docx",
        {"base_value_float": 1.5, "base_value_string": "a", "doc_no": 7},
        env=filters_env,
    ),
    Case("doc_properties_tpl.docx", {"test": "Titre & <propriétés>"}, autoescape=True),
    Case("doc_properties_tpl.docx", {"test": "Titre simple"}),
    Case(
        "dynamic_table_tpl.docx",
        {
            "col_labels": ["a", "b", "c"],
            "tbl_contents": [
                {"label": "l1", "cols": [1, 2, 3]},
                {"label": "l2", "cols": [4, 5, 6, 7]},
            ],
        },
    ),
    Case("escape_tpl.docx", ESCAPE, autoescape=True),
    Case("escape_tpl.docx", {**ESCAPE, "myvar": "sans balise", "some_html": "texte"}),
    Case(
        "escape_tpl_auto.docx",
        {
            "nested_dict": {"nom": "<Dupont>", "ville": "Lille & Roubaix"},
            "iteritems": dict.items,
            "autoescape": "<, >, &, \", '",
            "autoescape_unicode": "é’«»",
        },
        autoescape=True,
    ),
    Case("footnotes_tpl.docx", {"a_jinja_variable": "note & renvoi"}, autoescape=True),
    Case(
        "get_undeclared_variables.docx",
        {
            "name": "Ada",
            "age": 36,
            "email": "ada@example.org",
            "is_student": False,
            "has_degree": True,
            "degree_field": "Maths",
            "skills": ["a", "b"],
            "projects": [{"name": "p", "year": 1843, "description": "d"}],
            "company_name": "C",
            "page_number": 1,
            "generation_date": "2024",
            "author": "moi",
        },
    ),
    Case(
        "header_footer_tpl.docx",
        {"title": "Titre", "company_name": "Société", "date": "1er mars", "mysubdoc": ""},
    ),
    Case(
        "header_footer_tpl_utf8.docx",
        {"title": "Tîtré", "company_name": "Sociétè ©", "date": "1ᵉʳ mars", "mysubdoc": ""},
        autoescape=True,
    ),
    Case("header_footer_entities_tpl.docx", {"title": "Entités"}),
    Case("horizontal_merge_tpl.docx", {}),
    Case("less_cells_after_loop_tpl.docx", {}),
    Case("merge_paragraph_tpl.docx", {"living_in_town": True}),
    Case("merge_paragraph_tpl.docx", {"living_in_town": False}),
    Case(
        "module_execute_tpl.docx",
        {
            "json_dict_var": {"a": 1},
            "json_array_var": [1, 2],
            "json_string_var": "s",
            "json_int_var": 1,
            "json_float_var": 1.5,
            "json_true_var": True,
            "json_false_var": False,
            "json_none_var": None,
        },
        autoescape=True,
    ),
    Case("multi_rendering_tpl.docx", {"title": "Titre", "body": "Corps"}),
    Case(
        "nested_for_tpl.docx",
        {
            "dishes": [{"name": "Plat", "ingredients": ["sel", "poivre"]}],
            "authors": [
                {"name": "Hugo", "books": [{"title": "Les Misérables"}, {"title": "Notre-Dame"}]}
            ],
        },
    ),
    Case("preserve_spaces_tpl.docx", {"tag_1": "  deux espaces  ", "tag_2": "\tonglet"}),
    Case(
        "richtext_tpl.docx",
        {
            "example": RichText(
                "gras & rouge",
                bold=True,
                color="#FF0000",
                size=28,
                underline="double",
                font="Arial",
            )
        },
    ),
    Case("richtext_and_if_tpl.docx", {"foobar": RichText("condition", italic=True)}),
    Case(
        "richtext_eastAsia_tpl.docx",
        {
            "example": RichText("ex"),
            "Chinese": RichText("汉字", font="eastAsia:Microsoft YaHei"),
            "simsun": RichText("宋体", font="eastAsia:SimSun"),
        },
    ),
    Case(
        "richtext_paragraph_tpl.docx",
        {"example": RichTextParagraph(RichText("paragraphe", bold=True), parastyle="Title")},
    ),
    Case(
        "vertical_merge_tpl.docx",
        {
            "items": [{"desc": "a", "qty": 1, "price": 2}, {"desc": "b", "qty": 3, "price": 4}],
            "category": "Fournitures",
            "total_price": 14,
        },
    ),
    Case("vertical_merge_nested_tpl.docx", {}),
    Case(
        "word2016_tpl.docx",
        {
            "test_space": "  a  ",
            "test_tabs": "\ta\t",
            "test_space_r": RichText("  r  "),
            "test_tabs_r": RichText("\tr\t"),
        },
    ),
    Case("embedded_main_tpl.docx", {"name": "sans remplacement"}),
    Case("header_footer_image_tpl.docx", {"mycompany": "sans remplacement"}),
]


class TestConformance:
    """The compiled engine against stock docxtpl on docxtpl's own example templates."""

    @pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
    def test_same_document_as_stock(self, case: Case) -> None:
        """Every member equals stock's, and the compiled path (not a fallback) made it."""
        needs_conformance()
        path = CONFORMANCE / case.template
        expected = stock_render(
            path, case.context, case.env() if case.env else None, autoescape=case.autoescape
        )
        template = CompiledTemplate(
            path, case.env() if case.env else None, autoescape=case.autoescape
        )
        assert template.fallback_reason(case.context) is None
        assert_same_package(expected, template.render(case.context))

    def test_covers_enough_templates(self) -> None:
        """At least fifteen distinct example templates are compared."""
        assert len({case.template for case in CASES}) >= 15

    def test_own_template(self, own_template: Path) -> None:
        """A template made with python-docx (header, footer, title, row loop) conforms."""
        expected = stock_render(own_template, own_context(), sandboxed())
        actual = CompiledTemplate(own_template, sandboxed()).render(own_context())
        assert_same_package(expected, actual)

    def test_template_error_raised_like_stock(self) -> None:
        """A Jinja syntax error surfaces at compile time with docxtpl's docx_context."""
        needs_conformance()
        path = CONFORMANCE / "template_error_tpl.docx"
        with pytest.raises(jinja2.TemplateSyntaxError) as stock_error:
            stock_render(path, {})
        with pytest.raises(jinja2.TemplateSyntaxError) as compiled_error:
            CompiledTemplate(path)
        assert str(compiled_error.value) == str(stock_error.value)
        assert list(compiled_error.value.docx_context) == list(stock_error.value.docx_context)

    def test_invalid_xml_raises_like_stock(self) -> None:
        """Unescaped markup that breaks a header fails both ways with the same error."""
        needs_conformance()
        path = CONFORMANCE / "doc_properties_tpl.docx"
        context = {"test": "a & b"}
        assert outcome(lambda: stock_render(path, context)) is etree.XMLSyntaxError
        assert outcome(lambda: CompiledTemplate(path).render(context)) is etree.XMLSyntaxError

    @pytest.mark.parametrize("replaced", [False, True], ids=["rendered", "replaced"])
    def test_long_core_property_raises_like_stock(self, replaced: bool) -> None:
        """A core property rendered over 255 characters fails as in stock, even replaced."""
        document = Document()
        document.core_properties.title = "{{ title }}"
        buffer = io.BytesIO()
        document.save(buffer)
        context = {"title": "a" * 256}
        assert outcome(lambda: stock_render(buffer.getvalue(), context)) is ValueError
        replace = {"docProps/core.xml": b"<unused/>"} if replaced else None
        compiled = CompiledTemplate(buffer.getvalue())
        assert outcome(lambda: compiled.render(context, replace=replace)) is ValueError


class TestFallback:
    """Contexts that change the package beyond the templated parts go to stock docxtpl."""

    def test_inline_image(self) -> None:
        """InlineImage objects bound to a DocxTemplate of the template render through it."""
        needs_conformance()
        path = CONFORMANCE / "inline_image_tpl.docx"

        def images(tpl: Any) -> dict[str, Any]:
            return {
                "myimage": InlineImage(tpl, str(CONFORMANCE / "python_jpeg.jpg"), width=Mm(20)),
                "myimageratio": InlineImage(tpl, str(CONFORMANCE / "python.png"), width=Mm(30)),
                "frameworks": [
                    {
                        "image": InlineImage(tpl, str(CONFORMANCE / "django.png"), height=Mm(10)),
                        "desc": "Django",
                    },
                ],
            }

        template = CompiledTemplate(path)
        context = images(DocxTemplate(path))
        assert "InlineImage" in (template.can_compile(context) or "")
        assert "InlineImage" in (template.fallback_reason(context) or "")
        assert_same_package(stock_render(path, {}, prepare=images), template.render(context))

    def test_inline_image_in_header(self) -> None:
        """An InlineImage in a header falls back and matches stock."""
        needs_conformance()
        path = CONFORMANCE / "header_footer_inline_image_tpl.docx"

        def images(tpl: Any) -> dict[str, Any]:
            return {
                "inline_image": InlineImage(tpl, str(CONFORMANCE / "django.png"), height=Mm(10)),
                "images": [InlineImage(tpl, str(CONFORMANCE / "python.png"), height=Mm(10))],
            }

        template = CompiledTemplate(path)
        actual = template.render(images(DocxTemplate(path)))
        assert_same_package(stock_render(path, {}, prepare=images), actual)

    def test_foreign_stock_template_is_refused(self) -> None:
        """An InlineImage bound to a DocxTemplate of another template is an error, not a
        wrong file."""
        needs_conformance()
        path = CONFORMANCE / "inline_image_tpl.docx"
        other = DocxTemplate(CONFORMANCE / "order_tpl.docx")
        context = {
            "myimage": InlineImage(other, str(CONFORMANCE / "python.png")),
            "myimageratio": "",
            "frameworks": [],
        }
        with pytest.raises(ValueError, match="another template"):
            CompiledTemplate(path).render(context)

    def test_objects_bound_to_two_templates_are_refused(self) -> None:
        """Images bound to two DocxTemplate objects cannot be rendered in one document."""
        needs_conformance()
        path = CONFORMANCE / "inline_image_tpl.docx"
        context = {
            "myimage": InlineImage(DocxTemplate(path), str(CONFORMANCE / "python.png")),
            "myimageratio": InlineImage(DocxTemplate(path), str(CONFORMANCE / "python.png")),
            "frameworks": [],
        }
        with pytest.raises(ValueError, match="several"):
            CompiledTemplate(path).render(context)

    def test_hyperlink(self, own_template: Path) -> None:
        """A RichText hyperlink needs a relationship: the engine says so and falls back."""
        context = {**own_context(), "name": RichText("lien", url_id="rId99")}
        template = CompiledTemplate(own_template)
        assert "hyperlink" in (template.can_compile(context) or "")
        assert "hyperlink" in (template.fallback_reason(context) or "")
        assert_same_package(stock_render(own_template, context), template.render(context))

    def test_hidden_relationship_is_caught(self, own_template: Path) -> None:
        """A relationship reference the context scan cannot see still triggers the fallback."""

        class Opaque:
            """Renders like RichText but is not one, so the context scan misses it."""

            def __html__(self) -> str:
                return '<w:hyperlink r:id="rId99"><w:r><w:t>x</w:t></w:r></w:hyperlink>'

        context = {**own_context(), "city": Opaque()}
        template = CompiledTemplate(own_template, autoescape=True)
        assert template.can_compile(context) is None
        assert "relationship" in (template.fallback_reason(context) or "")
        expected = stock_render(own_template, context, autoescape=True)
        assert_same_package(expected, template.render(context))

    def test_subdoc(self) -> None:
        """A Subdoc falls back to stock docxtpl (needs docxcompose)."""
        pytest.importorskip("docxcompose")
        needs_conformance()
        path = CONFORMANCE / "merge_docx_master_tpl.docx"

        def subdoc(tpl: Any) -> dict[str, Any]:
            return {"mysubdoc": tpl.new_subdoc(str(CONFORMANCE / "merge_docx_subdoc.docx"))}

        template = CompiledTemplate(path)
        context = subdoc(DocxTemplate(path))
        assert "Subdoc" in (template.can_compile(context) or "")
        assert_same_package(stock_render(path, {}, prepare=subdoc), template.render(context))

    def test_scan_reaches_records(self, own_template: Path) -> None:
        """Images nested in dataclasses, lists and mappings are found."""

        @dataclass
        class Record:
            """A record holding an image deep inside."""

            images: list[dict[str, Any]]

        template = CompiledTemplate(own_template)
        image = InlineImage(DocxTemplate(own_template), "unused.png")
        assert template.can_compile({"records": (Record([{"logo": image}]),)}) is not None
        assert template.can_compile(own_context()) is None


class TestEscaping:
    """Random user text renders as stock renders it."""

    @settings(max_examples=25, deadline=None)
    @given(name=user_text, city=user_text, autoescape=st.booleans())
    def test_random_text_own_template(
        self, own_template: Path, name: str, city: str, autoescape: bool
    ) -> None:
        """Compiled equals stock, or both fail with the same error."""
        context = own_context(name, city)
        expected = outcome(lambda: stock_render(own_template, context, autoescape=autoescape))
        actual = outcome(
            lambda: CompiledTemplate(own_template, autoescape=autoescape).render(context)
        )
        assert_same_outcome(expected, actual)

    @settings(max_examples=15, deadline=None)
    @given(texts=st.lists(user_text, min_size=3, max_size=3))
    def test_random_text_conformance_templates(self, texts: list[str]) -> None:
        """Headers, footers and the title render random escaped text like stock."""
        needs_conformance()
        for name, context in [
            (
                "header_footer_tpl.docx",
                {"title": texts[0], "company_name": texts[1], "date": texts[2], "mysubdoc": ""},
            ),
            ("doc_properties_tpl.docx", {"test": texts[0]}),
            ("footnotes_tpl.docx", {"a_jinja_variable": texts[1]}),
        ]:
            path = CONFORMANCE / name
            expected = stock_render(path, context, sandboxed())
            assert_same_package(expected, CompiledTemplate(path, sandboxed()).render(context))


class TestEnvironment:
    """The caller's Jinja environment is used as given, never changed."""

    def test_autoescape_does_not_mutate_env(self, own_template: Path) -> None:
        """autoescape=True escapes through an overlay; the caller's env keeps its setting."""
        env = jinja2.Environment(autoescape=False)
        template = CompiledTemplate(own_template, env, autoescape=True)
        assert env.autoescape is False
        expected = stock_render(own_template, own_context(), jinja2.Environment(), autoescape=True)
        assert_same_package(expected, template.render(own_context()))

    def test_strict_undefined(self, own_template: Path) -> None:
        """A missing variable raises the UndefinedError stock raises."""
        context = own_context()
        del context["city"]
        with pytest.raises(jinja2.UndefinedError) as stock_error:
            stock_render(own_template, context, sandboxed())
        with pytest.raises(jinja2.UndefinedError) as compiled_error:
            CompiledTemplate(own_template, sandboxed()).render(context)
        assert str(compiled_error.value) == str(stock_error.value)

    def test_sandbox(self, own_template: Path) -> None:
        """The sandbox still refuses unsafe attribute access in compiled templates."""
        source = Document()
        source.add_paragraph("{{ name.__class__.__mro__ }}")
        buffer = io.BytesIO()
        source.save(buffer)
        template = CompiledTemplate(buffer.getvalue(), sandboxed())
        with pytest.raises(jinja2.exceptions.SecurityError):
            template.render({"name": "x"})


class TestPackage:
    """The written zip is a sound .docx, the same bytes for the same context."""

    def test_reads_back(self, own_template: Path) -> None:
        """python-docx reads the result and finds the rendered text."""
        data = CompiledTemplate(own_template, sandboxed()).render(own_context())
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
        document = Document(io.BytesIO(data))
        text = "\n".join(paragraph.text for paragraph in document.paragraphs)
        assert "Convention entre l’État et Lille & <Co> (Lille)." in text
        assert document.sections[0].header.paragraphs[0].text == "En-tête Lille & <Co>"
        # docxtpl renders core properties with the same autoescaping environment, and
        # python-docx stores the escaped text as is: stock titles carry "&amp;" too.
        assert document.core_properties.title == "Convention Lille &amp; &lt;Co&gt;"
        assert document.tables[0].cell(1, 1).text == "8 000,00 €"

    def test_deterministic(self, own_template: Path) -> None:
        """The same context twice gives byte-identical files dated 1980-01-01."""
        template = CompiledTemplate(own_template, sandboxed())
        first, second = template.render(own_context()), template.render(own_context())
        assert first == second
        dates = {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()}
        assert dates == {(1980, 1, 1, 0, 0, 0)}

    def test_fallback_deterministic(self, own_template: Path) -> None:
        """The stock fallback is re-zipped with fixed dates too."""
        template = CompiledTemplate(own_template)
        context = {**own_context(), "name": RichText("lien", url_id="rId99")}
        first = template.render(context)
        assert template.render(context) == first
        dates = {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()}
        assert dates == {(1980, 1, 1, 0, 0, 0)}

    def test_render_parts(self, own_template: Path) -> None:
        """render_parts gives the Jinja output of body, header and footer."""
        parts = CompiledTemplate(own_template, sandboxed()).render_parts(own_context())
        assert sorted(parts) == ["word/document.xml", "word/footer1.xml", "word/header1.xml"]
        assert "Lille &amp; &lt;Co&gt;" in parts["word/document.xml"]
        assert "Département" in parts["word/document.xml"]


class TestConcurrency:
    """One instance serves threads and crosses process boundaries."""

    def test_threads(self, own_template: Path) -> None:
        """Four threads rendering different contexts get the sequential results."""
        template = CompiledTemplate(own_template, sandboxed())
        batches = [
            [own_context(f"Commune {thread}-{index}", f"Ville {index}") for index in range(4)]
            for thread in range(4)
        ]
        sequential = [[template.render(context) for context in batch] for batch in batches]
        start = threading.Barrier(4)

        def render(batch: list[dict[str, Any]]) -> list[bytes]:
            start.wait()  # all four threads render at once
            return [template.render(context) for context in batch]

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            assert list(pool.map(render, batches)) == sequential

    def test_pickle_round_trip(self, own_template: Path) -> None:
        """An unpickled instance renders the same bytes."""
        template = CompiledTemplate(own_template, sandboxed())
        clone = pickle.loads(pickle.dumps(template))
        assert clone.render(own_context()) == template.render(own_context())

    def test_process_pool(self, own_template: Path) -> None:
        """Worker processes given the instance by pickle render the in-process bytes."""
        template = CompiledTemplate(own_template, sandboxed())
        contexts = [own_context(f"Commune {index}") for index in range(4)]
        expected = [template.render(context) for context in contexts]
        with concurrent.futures.ProcessPoolExecutor(
            2, mp_context=multiprocessing.get_context("fork")
        ) as pool:
            results = list(pool.map(render_in_worker, [template] * 4, contexts))
        assert results == expected
