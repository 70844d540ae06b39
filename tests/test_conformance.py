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


def template_core() -> tuple[str, bytes]:
    """The core properties member of the bundled template, as the template holds it."""
    with zipfile.ZipFile(default_template()) as archive:
        return "docProps/core.xml", archive.read("docProps/core.xml")


def assert_conforms(renderer: Renderer, framework: Framework, index: int, draft: bool) -> None:
    """Compare every member of Renderer's document with stock docxtpl's.

    Every member but ``docProps/core.xml`` must be equal byte for byte after
    decompression, in the same order. Stock docxtpl renders the core properties through
    Jinja and stamps them with the clock; Renderer deliberately writes them from the
    caller's ``properties`` instead, through :func:`core_properties_xml` applied to the
    template's own ``core.xml``. So that member is compared with what that function
    gives for the template's part: comparing it with stock's would only test the clock,
    and skipping it would leave the replacement untested.
    """
    convention = framework.conventions[index]
    context = build_context(framework, convention, draft=draft)
    properties = document_properties(framework, convention)
    expected = [(name, superscripts(data)) for name, data in members(stock(context))]
    actual = members(renderer.render(context, properties=properties))
    assert [name for name, _ in actual] == [name for name, _ in expected]
    core_name, core_blob = template_core()
    for (name, want), (_, got) in zip(expected, actual, strict=True):
        if name == core_name:
            want = core_properties_xml(core_blob, properties)
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
