"""Tests for iscg_docs.docx.lint: the bundled template is clean, each planted defect is found
once, and any vocabulary can be checked against."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from pathlib import Path

import attrs
import docx
import pytest

from iscg_docs.convention.render import (
    ConventionRenderer,
    check_template,
    default_template,
    vocabulary,
)
from iscg_docs.docx import lint as docx_lint
from iscg_docs.docx.lint import ERROR, NOTE, Finding, Vocabulary, format_report
from iscg_docs.docx.renderer import Renderer
from iscg_docs.errors import LintError, TemplateError
from iscg_docs.model.records import Framework
from tests.helpers import run, used_names

CONFORMANCE = (
    Path(__file__).resolve().parents[2] / "shared" / "conformance" / "docxtpl-0.20.2-templates"
)
BUNDLED = default_template().read_bytes()


def lint(source: str | os.PathLike[str] | bytes) -> list[Finding]:
    """The findings of a convention template: against the convention's vocabulary."""
    return docx_lint.lint(source, vocabulary())


def edit(member: str, old: str, new: str, data: bytes = BUNDLED) -> bytes:
    """The template with ``old`` replaced once by ``new`` in one zip member's XML."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            content = zin.read(item)
            if item.filename == member:
                text = content.decode("utf-8")
                assert old in text, f"{old!r} not in {member}"
                content = text.replace(old, new, 1).encode("utf-8")
            zout.writestr(item, content)
    return out.getvalue()


def body(old: str, new: str) -> bytes:
    return edit("word/document.xml", old, new)


def paragraph_of(data: bytes, needle: str) -> str:
    """Where a body paragraph holding ``needle`` stands, found independently with python-docx."""
    document = docx.Document(io.BytesIO(data))
    for i, p in enumerate(document.paragraphs, 1):
        if needle in p.text:
            return f"corps, paragraphe {i}"
    raise AssertionError(needle)


def errors(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.where) for f in findings if f.severity == ERROR]


# A tracked deletion between the two braces: Word shows "{{ title }}", docxtpl sees
# "{", deleted text, "{" and cannot join them.
_SPLIT = (
    '<w:t>{</w:t></w:r><w:del w:id="901" w:author="x" w:date="2021-01-01T00:00:00Z"><w:r>'
    "<w:delText>x</w:delText></w:r></w:del><w:r><w:t>{ title }}</w:t>"
)

DEFECTS = {
    "unknown-variable": (
        body("{{ posts_total }}", "{{ post_total }}"),
        "variable-inconnue",
        "soit au total",
    ),
    "unknown-filter": (
        body("Convention n°\u00a0{{ reference }}", "Convention n°\u00a0{{ reference|majuscules }}"),
        "filtre-inconnu",
        "Convention n°",
    ),
    "unknown-attribute": (
        body("{{ duration.words }}", "{{ duration.mots }}"),
        "attribut-inconnu",
        "conclue pour une durée",
    ),
    "syntax-error": (
        body("{{ duration.words }}", "{{ duration.words + }}"),
        "syntaxe",
        "conclue pour une durée",
    ),
    "unclosed-if": (
        body(
            "{{ financing.state_absent }}",
            "{% if financing.has_state_absent %}{{ financing.state_absent }}",
        ),
        "bloc-non-ferme",
        "state_absent",
    ),
    "unclosed-for": (
        body(
            "{{ financing.rounding_rule }}",
            "{% for job in jobs %}{{ financing.rounding_rule }}",
        ),
        "bloc-non-ferme",
        "rounding_rule",
    ),
    "split-by-formatting": (body("<w:t>{{ title }}</w:t>", _SPLIT), "balise-coupee", None),
    "curly-quotes": (
        body("{{ articles.missions.ref }}", "{{ articles[‘missions’].ref }}"),
        "guillemets-typographiques",
        "missions’].ref",
    ),
    "sandbox-escape": (
        body("{{ posts_total }}", "{{ posts_total.__class__ }}"),
        "construction-interdite",
        "soit au total",
    ),
}


class TestBundledTemplate:
    """The template shipped with the package."""

    def test_no_errors(self) -> None:
        """The bundled template lints without a single error."""
        assert errors(lint(BUNDLED)) == []

    def test_unused_entries_are_notes(self) -> None:
        """Catalogue entries the template never prints come back as notes, topmost only."""
        notes = {f.message.split("»")[0].strip("« ") for f in lint(BUNDLED) if f.severity == NOTE}
        assert "framework.title" in notes
        assert "articles.litiges.ref" in notes
        assert "reference" not in notes
        # A used parent is not reported, nor each field of an unused one.
        assert not any(n.startswith("framework.title.") for n in notes)

    def test_used_names_follow_loops(self) -> None:
        """A loop variable's fields are named after the list: post.site is posts[].site."""
        names = used_names(BUNDLED)
        assert {"posts", "posts[].site", "financing.years[].cells[].amount"} <= names
        assert "articles.objet.number" in names

    def test_path_and_bytes_agree(self) -> None:
        """Linting the file or its bytes gives the same findings."""
        assert lint(default_template()) == lint(BUNDLED)


class TestDefects:
    """Each planted defect is reported once, with its code, at its place."""

    @pytest.mark.parametrize("name", list(DEFECTS), ids=list(DEFECTS))
    def test_reported_once_at_its_place(self, name: str) -> None:
        """One error, with the expected code, in the paragraph that holds the defect."""
        data, code, needle = DEFECTS[name]
        where = paragraph_of(data, needle) if needle else "corps, paragraphe 1"
        assert errors(lint(data)) == [(code, where)]

    def test_for_in_table_row_without_tr(self) -> None:
        """A plain for across the rows of a table is reported at its opening cell."""
        data = body("{%tr for post in posts %}", "{% for post in posts %}")
        data = edit("word/document.xml", "{%tr endfor %}", "{% endfor %}", data)
        assert errors(lint(data)) == [("boucle-sans-tr", "tableau 1, ligne 2, cellule 1")]

    def test_for_inside_one_cell_is_a_note(self) -> None:
        """A loop opened and closed in one cell repeats the cell's content: a note, no error."""
        data = body("{{ post.site }}", "{% for j in jobs %}{{ j }}{% endfor %}")
        findings = lint(data)
        assert errors(findings) == []
        assert [(f.code, f.where) for f in findings if f.code == "boucle-dans-cellule"] == [
            ("boucle-dans-cellule", "tableau 1, ligne 3, cellule 2")
        ]

    def test_broken_tag_in_header(self) -> None:
        """A tag typed "{ {" in the header is reported in the header, once."""
        data = edit("word/header1.xml", "{{ reference }}", "{ { reference }}")
        # The template has three sections (the financing plan is on a landscape page).
        assert errors(lint(data)) == [("balise-mal-tapee", "en-tête (section 1), paragraphe 7")]

    def test_orphan_endif(self) -> None:
        """An endif with no if is reported where it stands."""
        data = body("{{ posts_total }}", "{{ posts_total }}{% endif %}")
        assert errors(lint(data)) == [("bloc-sans-ouverture", paragraph_of(data, "soit au total"))]

    def test_paragraph_tag_with_text(self) -> None:
        """A {%p %} tag sharing its paragraph with text would delete that text."""
        data = body("{{ posts_total }}", "{{ posts_total }}{%p if draft %}{%p endif %}")
        codes = [code for code, _ in errors(lint(data))]
        assert codes == ["texte-supprime", "texte-supprime"]

    def test_unclosed_message_names_the_block(self) -> None:
        """The message says which block is open and which tag closes it."""
        data, _, _ = DEFECTS["unclosed-if"]
        (finding,) = [f for f in lint(data) if f.severity == ERROR]
        assert "bloc « if » ouvert ici jamais fermé par « endif »" in finding.message
        assert "state_absent" in finding.excerpt


class TestAnyDocument:
    """The lint copes with any file without a traceback."""

    @pytest.mark.skipif(not CONFORMANCE.is_dir(), reason="conformance templates absent")
    def test_every_conformance_template(self) -> None:
        """Every .docx in docxtpl's own test templates lints to a list of findings."""
        templates = sorted(CONFORMANCE.glob("*.docx"))
        assert templates
        for template in templates:
            findings = lint(template)
            assert all(f.severity in (ERROR, NOTE) and f.message for f in findings), template

    def test_built_with_python_docx(self) -> None:
        """A small document built here, with a loop in a table cell of another row."""
        document = docx.Document()
        document.add_paragraph("Bonjour {{ territory }}")
        table = document.add_table(rows=2, cols=1)
        table.cell(0, 0).text = "{% for post in posts %}{{ post.site }}"
        table.cell(1, 0).text = "{% endfor %}"
        buffer = io.BytesIO()
        document.save(buffer)
        assert errors(lint(buffer.getvalue())) == [
            ("boucle-sans-tr", "tableau 1, ligne 1, cellule 1")
        ]

    @pytest.mark.parametrize(
        "content", [b"not a zip", b"PK\x03\x04broken", b""], ids=["text", "broken-zip", "empty"]
    )
    def test_not_a_docx(self, content: bytes) -> None:
        """A file that is not a Word document is a clear TemplateError."""
        with pytest.raises(TemplateError, match=r"n'est pas un document Word"):
            lint(content)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing path is a TemplateError that says the file cannot be read."""
        with pytest.raises(TemplateError, match="illisible"):
            lint(tmp_path / "absent.docx")


class TestReport:
    """The report a jurist reads."""

    def test_counts_and_verdict(self) -> None:
        """The last line counts errors and notes and says whether the template is usable."""
        data, _, _ = DEFECTS["unknown-variable"]
        text = format_report(lint(data), name="copie.docx")
        assert "variable inconnue « post_total »" in text
        assert "vouliez-vous dire « posts_total » ?" in text
        assert text.splitlines()[-1].startswith("copie.docx : 1 erreur, ")
        assert "à corriger" in text.splitlines()[-1]


class TestLintError:
    """The error a batch raises for a template with lint errors."""

    def test_pickles(self) -> None:
        """It crosses processes with its findings, like every library error."""
        data, _, _ = DEFECTS["unknown-filter"]
        error = LintError([f for f in lint(data) if f.severity == ERROR], "copie.docx")
        back = pickle.loads(pickle.dumps(error))
        assert back.findings == error.findings
        assert str(back) == str(error)
        assert back.lines() == error.lines()
        assert isinstance(back, TemplateError)


class TestLintCommand:
    """``iscg-docs lint``: 0 clean (notes allowed), 1 errors, 2 not a Word document."""

    def test_clean_template_exits_0(self) -> None:
        """The bundled template exits 0; its notes are printed."""
        code, out = run("lint", str(default_template()))
        assert code == 0
        assert "0 erreur" in out
        assert "variable-inutilisee" in out

    def test_errors_exit_1(self, tmp_path: Path) -> None:
        """A template with an error exits 1 and prints where the error is."""
        broken = tmp_path / "copie.docx"
        broken.write_bytes(DEFECTS["unknown-filter"][0])
        code, out = run("lint", str(broken))
        assert code == 1
        assert "erreur [filtre-inconnu] corps, paragraphe" in out

    @pytest.mark.parametrize("name", ["notes.txt", "absent.docx"], ids=["text-file", "missing"])
    def test_unreadable_exits_2(self, tmp_path: Path, name: str) -> None:
        """A file that is not a .docx, or no file at all, exits 2 with a clear message."""
        path = tmp_path / name
        if name.endswith(".txt"):
            path.write_text("bonjour", "utf-8")
        code, out = run("lint", str(path))
        assert code == 2
        assert out.startswith("Erreur : ")


class TestGenerateWithCustomTemplate:
    """``generate --template`` lints the template before rendering anything."""

    def test_lint_errors_refuse_the_batch(self, example_path: Path, tmp_path: Path) -> None:
        """A template with a lint error exits 4, prints the report and writes nothing."""
        broken = tmp_path / "copie.docx"
        broken.write_bytes(DEFECTS["unclosed-for"][0])
        out_dir = tmp_path / "out"
        code, out = run(
            "generate", str(example_path), "--out", str(out_dir), "--template", str(broken)
        )
        assert code == 4
        assert "Modèle inutilisable : copie.docx : le modèle a 1 erreur" in out
        assert "bloc « for » ouvert ici jamais fermé par « endfor »" in out
        assert not out_dir.exists() or list(out_dir.iterdir()) == []

    @pytest.mark.parametrize(
        "tag",
        ["{{ cycler.__init__.__globals__ }}", "{{ ''.__class__ }}", "{{ reference.__class__ }}"],
        ids=["cycler-globals", "str-class", "variable-class"],
    )
    def test_sandbox_escapes_are_refused(
        self, example_path: Path, tmp_path: Path, tag: str
    ) -> None:
        """Reaching Python internals from a template is refused: exit 4, nothing written."""
        template = tmp_path / "hostile.docx"
        template.write_bytes(body("{{ posts_total }}", tag))
        out_dir = tmp_path / "out"
        code, out = run(
            "generate", str(example_path), "--out", str(out_dir), "--template", str(template)
        )
        assert code == 4
        assert "Modèle inutilisable" in out
        assert not out_dir.exists() or list(out_dir.iterdir()) == []

    def test_sandbox_holds_without_the_lint(self, framework: Framework) -> None:
        """Rendering alone, without the lint, still refuses ``''.__class__``: the sandbox."""
        renderer = ConventionRenderer(body("{{ posts_total }}", "{{ ''.__class__.__mro__ }}"))
        with pytest.raises(TemplateError, match="construction interdite"):
            renderer.render_convention(framework, framework.conventions[0])

    def test_clean_custom_template_is_generated(self, example_path: Path, tmp_path: Path) -> None:
        """A custom template without errors (notes only) goes through."""
        template = tmp_path / "copie.docx"
        template.write_bytes(BUNDLED)
        code, _ = run(
            "generate",
            str(example_path),
            "--out",
            str(tmp_path / "out"),
            "--template",
            str(template),
            "--only",
            "CD71-ISCG-2021-01",
        )
        assert code == 0
        assert (tmp_path / "out" / "CD71-ISCG-2021-01.docx").is_file()


@attrs.frozen
class Name:
    """A name of a vocabulary made for these tests."""

    name: str
    type: str = "texte"
    description: str = "un nom"


def document(*paragraphs: str) -> bytes:
    """A one-page .docx holding ``paragraphs``."""
    made = docx.Document()
    for text in paragraphs:
        made.add_paragraph(text)
    buffer = io.BytesIO()
    made.save(buffer)
    return buffer.getvalue()


class TestVocabulary:
    """The lint checks a template against whatever vocabulary it is handed."""

    VOCABULARY = Vocabulary(
        names=(Name("client"), Name("client.nom"), Name("lignes", "liste"), Name("remarque")),
        filters={"majuscules": str.upper},
        data="les données de la facture",
        listing="la liste des champs",
    )

    def test_names_and_filters_of_another_document_kind(self) -> None:
        """Unknown names and filters are errors, unused names notes, in the caller's words."""
        findings = docx_lint.lint(
            document("{{ client.nom|majuscules }} {{ clent }}", "{{ client.nom|minuscules }}"),
            self.VOCABULARY,
        )
        codes = [(f.severity, f.code) for f in findings]
        assert codes == [
            (ERROR, "variable-inconnue"),
            (ERROR, "filtre-inconnu"),
            (NOTE, "variable-inutilisee"),
            (NOTE, "variable-inutilisee"),
        ]
        assert "vouliez-vous dire « client » ?" in findings[0].message
        assert "les données de la facture (liste complète : la liste des champs)" in (
            findings[0].message
        )
        assert "« la liste des champs »" in findings[1].message
        assert {f.message.split(" »")[0] for f in findings[2:]} == {"« lignes", "« remarque"}

    def test_convention_names_are_unknown_elsewhere(self) -> None:
        """The convention's variables mean nothing to another vocabulary."""
        findings = docx_lint.lint(document("{{ reference }}"), self.VOCABULARY)
        assert [f.code for f in findings if f.severity == ERROR] == ["variable-inconnue"]

    def test_check_hands_back_the_compiled_template(self) -> None:
        """A clean template comes back compiled by the caller's renderer, once."""
        built: list[bytes] = []

        def compile(data: bytes, *, name: str) -> Renderer:
            built.append(data)
            return Renderer(data, filters=self.VOCABULARY.filters, name=name)

        source = document("{{ client.nom|majuscules }} {{ lignes }} {{ remarque }}")
        checked = docx_lint.check(source, self.VOCABULARY, compile)
        assert checked.findings == []
        assert built == [source]
        assert checked.renderer is not None
        rendered = checked.renderer.render(
            {"client": {"nom": "a & b"}, "lignes": [], "remarque": ""}
        )
        assert (
            "A &amp; B" in zipfile.ZipFile(io.BytesIO(rendered)).read("word/document.xml").decode()
        )

    def test_no_renderer_when_errors(self) -> None:
        """A template with errors is not compiled: nothing comes back to render with."""
        checked = check_template(body("{{ posts_total }}", "{{ post_total }}"))
        assert checked.renderer is None
        assert any(f.severity == ERROR for f in checked.findings)

    def test_generate_compiles_a_custom_template_once(
        self, framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """``generate`` renders with what the lint compiled: one compilation in all."""
        from iscg_docs.docx.engine.compiled import CompiledTemplate
        from iscg_docs.output.batch import generate

        compiled: list[bytes] = []
        original = CompiledTemplate.__init__

        def counting(self: CompiledTemplate, source: bytes, *args: object, **kw: object) -> None:
            compiled.append(source)
            original(self, source, *args, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(CompiledTemplate, "__init__", counting)
        template = tmp_path / "copie.docx"
        template.write_bytes(BUNDLED)
        report = generate(framework, tmp_path / "out", template=template)
        assert {o.reference for o in report.outcomes} == {
            c.reference for c in framework.conventions
        }
        # The custom convention template once; the avenant template once for the avenant.
        assert compiled.count(BUNDLED) == 1
