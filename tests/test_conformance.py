"""Conformance of the bundled template: Renderer gives the document stock docxtpl gives."""

from __future__ import annotations

import io
import pickle
import zipfile
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from docxtpl import DocxTemplate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iscg_docs.convention.context import build_context
from iscg_docs.convention.properties import document_properties
from iscg_docs.convention.render import ConventionRenderer as Renderer
from iscg_docs.convention.render import default_template, superscripted
from iscg_docs.docx.engine.superscript import superscripts
from iscg_docs.docx.environment import make_environment
from iscg_docs.docx.renderer import core_properties_xml
from iscg_docs.french import FILTERS
from iscg_docs.model.records import Framework
from tests.strategies import frameworks, user_text

REFS = ("CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03")


def members(package: bytes) -> list[tuple[str, bytes]]:
    """Every member of a zip, decompressed, in archive order."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def stock(context: Mapping[str, Any]) -> bytes:
    """The bundled template rendered the way docxtpl's documentation says, then saved.

    The context's ordinals are marked and the marks written as superscript runs, as the
    convention renderer does before and after the engine.
    """
    tpl = DocxTemplate(default_template())
    tpl.render(superscripted(dict(context)), make_environment(FILTERS), autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


#: The one element stock writes in ``docProps/core.xml`` that the renderer leaves out:
#: docxtpl sets ``identifier`` to its rendered text, empty, and python-docx then adds it.
STOCK_IDENTIFIER = b"<dc:identifier></dc:identifier>"


def assert_core_as_documented(
    stock_core: bytes, core: bytes, properties: Mapping[str, str]
) -> None:
    """Assert the renderer's ``docProps/core.xml`` differs from stock's as README says.

    That is: stock's part with the caller's ``properties`` written into it by
    :func:`core_properties_xml`, and without stock's empty ``<dc:identifier>``.
    """
    assert stock_core.count(STOCK_IDENTIFIER) == 1
    assert core == core_properties_xml(stock_core.replace(STOCK_IDENTIFIER, b""), properties)


def assert_conforms(renderer: Renderer, framework: Framework, index: int, draft: bool) -> None:
    """Compare every member of Renderer's document with stock docxtpl's.

    Every member but ``docProps/core.xml`` must be equal byte for byte after
    decompression, in the same order. Stock docxtpl renders the template's own core
    properties through Jinja; Renderer deliberately writes the caller's ``properties``
    into that part instead, and leaves out the empty ``<dc:identifier>`` stock adds
    (:func:`assert_core_as_documented`): the only difference README allows.
    """
    convention = framework.conventions[index]
    context = build_context(framework, convention, draft=draft)
    properties = document_properties(framework, convention)
    expected = [(name, superscripts(data)) for name, data in members(stock(context))]
    actual = members(renderer.render(context, properties=properties))
    assert [name for name, _ in actual] == [name for name, _ in expected]
    for (name, want), (_, got) in zip(expected, actual, strict=True):
        if name == "docProps/core.xml":
            assert_core_as_documented(want, got, properties)
        else:
            assert got == want, name


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    """One renderer for the module: it holds nothing that changes between renders."""
    return Renderer()


class TestBundledTemplate:
    """Renderer against stock docxtpl on templates/convention_cadre.docx."""

    @pytest.mark.parametrize("draft", [False, True], ids=["final", "draft"])
    @pytest.mark.parametrize("reference", REFS)
    def test_examples(
        self, renderer: Renderer, framework: Framework, reference: str, draft: bool
    ) -> None:
        """The three Saône-et-Loire conventions, final and draft, conform member by member."""
        index = [c.reference for c in framework.conventions].index(reference)
        assert_conforms(renderer, framework, index, draft)

    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(fw=frameworks(max_conventions=2), draft=st.booleans(), data=st.data())
    def test_generated_frameworks(
        self, renderer: Renderer, fw: Framework, draft: bool, data: st.DataObject
    ) -> None:
        """Any valid framework's conventions conform (shares, years, split methods vary)."""
        index = data.draw(st.integers(0, len(fw.conventions) - 1), label="convention")
        assert_conforms(renderer, fw, index, draft)

    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(fw=frameworks(max_conventions=1), data=st.data())
    def test_hostile_party_names(
        self, renderer: Renderer, fw: Framework, data: st.DataObject
    ) -> None:
        """Names full of XML and Jinja syntax, quotes and emoji conform, escaped alike."""
        name = user_text.filter(lambda s: s.strip() != "")
        parties = [
            attrs.evolve(p, name=data.draw(name, label=p.id)) if p.is_collectivity else p
            for p in fw.parties
        ]
        assert_conforms(renderer, attrs.evolve(fw, parties=parties), 0, draft=False)


class TestReproducible:
    """Renderer output depends only on the context and properties."""

    def test_two_renders(self, renderer: Renderer, framework: Framework) -> None:
        """The same convention rendered twice gives the same bytes."""
        convention = framework.conventions[0]
        first = renderer.render_convention(framework, convention)
        assert renderer.render_convention(framework, convention) == first

    def test_pickle_round_trip(self, renderer: Renderer, framework: Framework) -> None:
        """A renderer sent to a worker process renders the same bytes as the original."""
        copy = pickle.loads(pickle.dumps(renderer))
        for convention in framework.conventions:
            expected = renderer.render_convention(framework, convention, draft=True)
            assert copy.render_convention(framework, convention, draft=True) == expected
