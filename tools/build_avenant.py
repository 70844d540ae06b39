"""Build templates/avenant.docx, the template of an avenant to a convention.

The avenant looks like the convention it amends: the same page, styles, header, footer
and signature table, taken from tools/build_template.py. The text of the articles it
rewrites is not here: iscg-docs copies it from the consolidated convention's rendering
into the paragraph ``{{ change.marker }}``. Run it from the repository root::

    python tools/build_avenant.py [output.docx]

Variable names come from :mod:`iscg_docs.convention.avenant_context` (its catalogue).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_template as convention

from iscg_docs.french import typography

OUT = Path(__file__).resolve().parent.parent / "templates" / "avenant.docx"


def _header_footer(doc: Any) -> None:
    section = doc.sections[0]
    header = section.header
    header.paragraphs[0].text = "{%p if draft %}"
    draft = header.add_paragraph()
    draft.alignment = WD_ALIGN_PARAGRAPH.LEFT
    draft._p.append(parse_xml(convention.WATERMARK))
    draft.add_run("PROJET – document de travail, sans valeur d'engagement").bold = True
    header.add_paragraph("{%p endif %}")
    ref = header.add_paragraph()
    ref.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    ref.add_run(typography("{{ avenant.title }} – {{ territory }}"))
    convention._bottom_border(ref)
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("Page ")
    convention._field(p, "PAGE", "1")
    p.add_run(" sur ")
    convention._field(p, "NUMPAGES", "1")


def _visas(doc: Any) -> None:
    para, tag = convention.para, convention.tag
    para(
        doc,
        "Vu la délibération {{ framework.approved_by_of }} du {{ framework.approved_on }} "
        "approuvant la convention cadre État / Département / collectivités ;",
    )
    para(doc, "Vu {{ convention_visa }} ;")
    tag(doc, "{%p for visa in earlier %}")
    para(doc, "Vu {{ visa }} ;")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p for deliberation in deliberations %}")
    para(doc, "Vu {{ deliberation }} ;")
    tag(doc, "{%p endfor %}")


def body(doc: Any) -> None:
    para, tag, heading = convention.para, convention.tag, convention.heading
    para(doc, "{{ avenant.title }}", "Title")
    para(doc, "Territoire : {{ territory }}", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    para(doc, "Objet : {{ avenant.object }}", align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)
    convention._parties(doc)  # the convention's own head: parties, then cosignatories
    _visas(doc)
    para(doc, "Il est convenu ce qui suit :", bold=True, keep=True)

    heading(doc, "Article 1er – Objet")
    para(
        doc,
        "Le présent avenant modifie la convention n°\u00a0{{ reference }} au titre suivant : "
        "{{ avenant.object }}. {{ avenant.summary }}",
    )

    tag(doc, "{%p for change in changes %}")
    heading(doc, "{{ change.number }} – {{ change.title }}")
    para(doc, "{{ change.intro }}", keep=True)
    tag(doc, "{%p if change.marker %}")
    para(doc, "{{ change.marker }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    heading(doc, "{{ articles.others }} – Autres stipulations")
    para(doc, "Les autres stipulations de la convention demeurent inchangées.")

    heading(doc, "{{ articles.effect }} – Entrée en vigueur")
    para(
        doc,
        "Le présent avenant prend effet à la date de sa signature par l'ensemble des "
        "parties. Il fait partie intégrante de la convention.",
        # The last article stays with « Fait à » and the signatures: no page of signatures only.
        keep=True,
    )

    p = para(
        doc,
        "Fait à {{ signature.place }}, le {{ signature.date }}, en {{ signature.copies }}.",
        keep=True,
    )
    p.paragraph_format.space_before = Pt(18)
    # Parties and cosignatories sign under their own headings, as in the convention.
    tag(doc, "{%p if has_cosignatories %}")
    para(doc, "Les parties", bold=True, keep=True)
    tag(doc, "{%p endif %}")
    convention.signature_table(doc, "signature.rows")
    tag(doc, "{%p if has_cosignatories %}")
    p = para(doc, "Les cosignataires", bold=True, keep=True)
    p.paragraph_format.space_before = Pt(18)
    convention.signature_table(doc, "signature.cosignatory_rows")
    tag(doc, "{%p endif %}")
    # The convention's new annex (its financing plan), on a landscape page as in the
    # convention. The page cannot be conditional (no section break inside a Jinja block):
    # iscg-docs removes it when the avenant leaves the annex unchanged.
    convention._page(doc, landscape=True)
    heading(doc, "Annexe au présent avenant – {{ annexe.title }}")
    para(doc, "{{ annexe.marker }}")


def build(path: Path = OUT) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    section.header_distance = section.footer_distance = Cm(1.2)
    convention._styles(doc)
    _header_footer(doc)
    body(doc)
    convention._share_margins(doc)
    return convention.save(
        doc,
        path,
        "Modèle d'avenant à une convention de financement ISCG",
        "Modèle docxtpl : variables décrites par « iscg-docs variables --avenant ».",
    )


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
