"""Build templates/convention_cadre.docx, the framework convention template.

The committed .docx is what ships and what a jurist edits in Word; this script is how it
was first made, kept so that its structure can be rebuilt and reviewed. Run it from the
repository root::

    python tools/build_template.py [output.docx]

Static French text goes through :func:`iscg_docs.french.typography` so its no-break spaces
are right. Variable names come from :mod:`iscg_docs.convention.context` (see its CATALOGUE).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from iscg_docs.docx.package import normalize_package

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iscg_docs.french import NBSP, typography
from iscg_docs.french.text import superscript_ordinals

FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans.
BLUE = RGBColor(0x1F, 0x38, 0x64)
GREY = "D9D9D9"
OUT = Path(__file__).resolve().parent.parent / "templates" / "convention_cadre.docx"


def _font(style: Any, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _styles(doc: Any) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _font(normal, 10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # French: the document's language, for Word's and LibreOffice's spelling and hyphenation.
    rpr = normal.element.get_or_add_rPr()
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="fr-FR" w:eastAsia="fr-FR"/>'))

    h1 = styles["Heading 1"]
    _font(h1, 11.5, bold=True, color=BLUE)
    h1.paragraph_format.space_before = Pt(14)
    h1.paragraph_format.space_after = Pt(6)
    h1.paragraph_format.keep_with_next = True
    h1.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    title = styles["Title"]
    _font(title, 15, bold=True, color=BLUE)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    # The default Title style has a bottom border and a theme font: drop both.
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)

    bullet = styles["List Bullet"]
    _font(bullet, 10.5)
    bullet.paragraph_format.space_after = Pt(3)

    for name, size, bold in (("Cellule", 9, False), ("Cellule titre", 9, True)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _font(style, size, bold=bold)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = 1.0
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for name in ("Header", "Footer"):
        _font(styles[name], 8.5, color=RGBColor(0x59, 0x59, 0x59))


#: A Jinja tag: the typesetting below never touches what stands inside one.
_TAG = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})")
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
#: Spaces the template's own text needs beyond :func:`typography`: a no-break space before
#: % and €, after « n° » and « L. » (code articles), between a day and its month, the
#: typographic apostrophe, and non-breaking hyphens in a number after « n° ».
_MORE = (
    (re.compile(r" (?=[%€])"), NBSP),
    (re.compile(r"(?<=n°) "), NBSP),
    (re.compile(r"(?<=\bL\.) (?=\d)"), NBSP),
    (re.compile(rf"\b(\d{{1,2}}|1er) ({_MONTHS})\b"), rf"\1{NBSP}\2"),
    (re.compile("'"), "’"),
    # A number after « n° » never breaks at its hyphens (« n° 2007-297 »).
    (re.compile(r"(?<=n°\u00a0)\w+(?:-\w+)+"), lambda m: m.group().replace("-", "\u2011")),
)


def typeset(text: str) -> str:
    """The template's static French text as a jurist expects it printed.

    :func:`typography` gives the no-break spaces before ; : ! ? and inside « »; this adds
    those before % and €, after « n° » and between a day and its month ("21 décembre"),
    the typographic apostrophe (’) and the ordinals' superscript marks ("1er"). Jinja tags are
    left exactly as written, so a variable's name or a filter's argument never changes.

    Args:
        text: static text, possibly holding Jinja tags.

    Returns:
        The text typeset, tags unchanged.
    """
    parts = _TAG.split(text)
    for i in range(0, len(parts), 2):
        piece = parts[i]
        for pattern, replacement in _MORE:
            piece = pattern.sub(replacement, piece)
        parts[i] = superscript_ordinals(piece)
    return typography("".join(parts))


def _text(p: Any, text: str, *, bold: bool = False, italic: bool = False) -> Any:
    run = p.add_run(typeset(text))
    run.bold = bold or None
    run.italic = italic or None
    return run


def para(
    doc: Any,
    text: str = "",
    style: str | None = None,
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    keep: bool = False,
) -> Any:
    p = doc.add_paragraph(style=style)
    if text:
        _text(p, text, bold=bold, italic=italic)
    if align is not None:
        p.alignment = align
    if keep:
        p.paragraph_format.keep_with_next = True
    return p


def tag(doc: Any, text: str) -> Any:
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}); removed when rendered."""
    return doc.add_paragraph(text)


def heading(doc: Any, text: str) -> Any:
    return para(doc, text, "Heading 1")


def article(doc: Any, key: str, title: str) -> Any:
    return heading(doc, f"{{{{ articles.{key}.number }}}} – {title}")


def bullets(doc: Any, items: list[str]) -> None:
    for item in items:
        para(doc, item, "List Bullet")


def _field(p: Any, instruction: str, placeholder: str) -> None:
    """A complex field (PAGE, NUMPAGES) Word and LibreOffice update themselves."""
    for xml in (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}><w:t>{placeholder}</w:t></w:r>",
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p._p.append(parse_xml(xml))


WATERMARK = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
  xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
  xmlns:w10="urn:schemas-microsoft-com:office:word">
 <w:rPr><w:noProof/></w:rPr>
 <w:pict>
  <v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
    path="m@7,l@8,m@5,21600l@6,21600e">
   <v:formulas>
    <v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
    <v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
    <v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
    <v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>
    <v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>
   </v:formulas>
   <v:path textpathok="t" o:connecttype="custom"
     o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>
   <v:textpath on="t" fitshape="t"/>
   <v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
   <o:lock v:ext="edit" text="t" shapetype="t"/>
  </v:shapetype>
  <v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136"
    style="position:absolute;margin-left:0;margin-top:0;width:420pt;height:105pt;rotation:315;z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin"
    o:allowincell="f" fillcolor="#e3e3e3" stroked="f">
   <v:fill opacity=".6"/>
   <v:textpath style="font-family:&quot;Arial&quot;;font-size:1pt" string="PROJET"/>
   <w10:wrap anchorx="margin" anchory="margin"/>
  </v:shape>
 </w:pict>
</w:r>"""


def _header_footer(doc: Any) -> None:
    section = doc.sections[0]
    header = section.header
    first = header.paragraphs[0]
    first.text = "{%p if draft %}"
    draft = header.add_paragraph()
    draft.alignment = WD_ALIGN_PARAGRAPH.LEFT
    draft._p.append(parse_xml(WATERMARK))
    run = draft.add_run(typeset("PROJET – document de travail, sans valeur d'engagement"))
    run.bold = True
    header.add_paragraph("{%p endif %}")
    # A consolidated version says after which avenant; the original prints nothing here.
    header.add_paragraph("{%p if consolidated %}")
    version = header.add_paragraph()
    version.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    version.add_run("{{ consolidated }}").italic = True
    header.add_paragraph("{%p endif %}")
    ref = header.add_paragraph()
    ref.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    ref.add_run(typeset("Convention n° {{ reference }} – {{ territory }}"))
    _bottom_border(ref)

    footer = section.footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("Page ")
    _field(p, "PAGE", "1")
    p.add_run(" sur ")
    _field(p, "NUMPAGES", "1")


def _bottom_border(p: Any) -> None:
    p._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="4" w:space="1" '
            'w:color="A6A6A6"/></w:pBdr>'
        )
    )


def _cell(cell: Any, lines: list[str], style: str = "Cellule", shade: str | None = None) -> None:
    first = cell.paragraphs[0]
    first.style = style
    _text(first, lines[0])
    for line in lines[1:]:
        _text(cell.add_paragraph(style=style), line)
    if shade:
        cell._tc.get_or_add_tcPr().append(
            parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{shade}"/>')
        )


def _table(doc: Any, rows: int, cols: int) -> Any:
    table = doc.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="5000" w:type="pct"/>'))
    tbl_pr.append(
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:left w:w="45" w:type="dxa"/>'
            '<w:right w:w="45" w:type="dxa"/></w:tblCellMar>'
        )
    )
    return table


def _repeat_header(row: Any) -> None:
    row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _cant_split(row: Any) -> None:
    row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))


def posts_table(doc: Any) -> None:
    headers = ["Force", "Lieu d'exercice", "Commune", "Quotité", "Employeur"]
    table = _table(doc, 4, 5)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, [text], "Cellule titre", GREY)
    _repeat_header(table.rows[0])
    _cell(table.rows[1].cells[0], ["{%tr for post in posts %}"])
    fields = ["post.force", "post.site", "post.commune", "post.quotite", "post.employer"]
    for cell, name in zip(table.rows[2].cells, fields, strict=True):
        _cell(cell, [f"{{{{ {name} }}}}"])
    # A post's row never breaks across pages (« gendarmerie de » / « Montières »).
    _cant_split(table.rows[2])
    _cell(table.rows[3].cells[0], ["{%tr endfor %}"])
    # Place names are unbreakable in the cells (« d'Ambérieu‑en‑Bugey », 3,5 cm at 9 pt):
    # their columns get the width the force and the quotité do not need.
    widths = [Cm(w) for w in (2.3, 3.8, 3.8, 2.4, 3.7)]
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def financing_table(doc: Any) -> None:
    """Years down, funders across: ten years fit on A4 this way, ten columns would not."""
    table = _table(doc, 6, 5)
    head, tr_for, year, tr_end, total = (table.rows[i] for i in (0, 1, 2, 4, 5))
    _cell(head.cells[0], ["Année"], "Cellule titre", GREY)
    _cell(head.cells[1], ["{%tc for funder in financing.funders %}"], "Cellule titre", GREY)
    # Regular weight: « Montceau‑les‑Mines » fits its column whole at 9 pt.
    _cell(head.cells[2], ["{{ funder.name }}"], "Cellule", GREY)
    _cell(head.cells[3], ["{%tc endfor %}"], "Cellule titre", GREY)
    _cell(head.cells[4], ["Coût de l'année"], "Cellule titre", GREY)
    _repeat_header(head)
    _cell(tr_for.cells[0], ["{%tr for year in financing.years %}"])
    _cell(year.cells[0], ["{{ year.label }}"], "Cellule titre")
    _text(year.cells[0].add_paragraph(style="Cellule"), "{{ year.from }}")
    _text(year.cells[0].add_paragraph(style="Cellule"), "{{ year.to }}")
    _cell(year.cells[1], ["{%tc for cell in year.cells %}"])
    _cell(year.cells[2], ["{{ cell.amount }}", "{{ cell.share }}"])
    _cell(year.cells[3], ["{%tc endfor %}"])
    _cell(year.cells[4], ["{{ year.cost }}", "100,00 %"], "Cellule titre")
    _cant_split(year)
    _cell(tr_end.cells[0], ["{%tr endfor %}"])
    _cell(total.cells[0], ["Total sur la période"], "Cellule titre", GREY)
    _cell(total.cells[1], ["{%tc for total in financing.totals %}"], "Cellule titre", GREY)
    _cell(total.cells[2], ["{{ total.amount }}", "{{ total.share }}"], "Cellule titre", GREY)
    _cell(total.cells[3], ["{%tc endfor %}"], "Cellule titre", GREY)
    _cell(total.cells[4], ["{{ financing.total_cost }}", "100,00 %"], "Cellule titre", GREY)
    _cant_split(total)
    # The row built as index 3 is spare: drop it.
    table._tbl.remove(table.rows[3]._tr)


#: Room for a handwritten signature and a seal above the signatory's name: 3 cm.
SIGNATURE_HEIGHT = Cm(3)


def _row_height(row: Any, height: Any) -> None:
    row._tr.get_or_add_trPr().append(
        parse_xml(f'<w:trHeight {nsdecls("w")} w:val="{height.twips}" w:hRule="atLeast"/>')
    )


def signature_table(doc: Any, rows: str) -> None:
    """Two blocks side by side per pair of signatories, each block on two table rows.

    The first row holds « Pour … » and the title, the second the 3 cm for the signature and
    the seal, then the name at its foot: names are aligned whatever the length of the
    designations. No row splits across pages, and each keeps with the next.
    """
    table = doc.add_table(rows=4, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell(table.rows[0].cells[0], [f"{{%tr for row in {rows} %}}"])
    head, foot = table.rows[1], table.rows[2]
    for cell, side in zip(head.cells, ("left", "right"), strict=True):
        _cell(cell, [f"{{{{ row.{side}.party }}}}", f"{{{{ row.{side}.title }}}}"], "Cellule")
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True
            for r in p.runs:
                r.bold = True
        # Air between two rows of blocks, so each signature has its own space.
        cell.paragraphs[0].paragraph_format.space_before = Pt(4)
    for cell, side in zip(foot.cells, ("left", "right"), strict=True):
        _cell(cell, [f"{{{{ row.{side}.name }}}}"], "Cellule")
        cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM
        # Every row keeps with the next, the last with what follows the table: the blocks
        # stay together, and with « Fait à » and the last article before them.
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    _cant_split(head)
    _cant_split(foot)
    _row_height(foot, SIGNATURE_HEIGHT)
    _cell(table.rows[3].cells[0], ["{%tr endfor %}"])
    for r in table.rows:
        for c in r.cells:
            for p in c.paragraphs:
                p.paragraph_format.space_after = Pt(2)
                for run in p.runs:
                    run.font.size = Pt(10)


def _visas(doc: Any) -> None:
    """The « Vu » citations: articles, not whole codes; each checked in docs/references.md."""
    for text in (
        "Vu le code pénal, notamment ses articles 226-13 et 226-14 ;",
        "Vu le code de la sécurité intérieure, notamment ses articles L. 132-4 et L. 132-13 ;",
        "Vu le code de l'action sociale et des familles, notamment ses articles L. 121-2 et "
        "L. 411-3 ;",
        "Vu le règlement (UE)\u00a02016/679 du Parlement européen et du Conseil du 27 avril 2016 "
        "relatif à la protection des personnes physiques à l'égard du traitement des données à "
        "caractère personnel et à la libre circulation de ces données (règlement général sur la "
        "protection des données) ;",
        "Vu la loi n° 78-17 du 6 janvier 1978 relative à l'informatique, aux fichiers et aux "
        "libertés ;",
        "Vu la loi n° 2007-297 du 5 mars 2007 relative à la prévention de la délinquance, "
        "notamment son article 5 instituant le fonds interministériel de prévention de la "
        "délinquance (FIPD) ;",
        "Vu la circulaire interministérielle du 21 décembre 2006 fixant le cadre de référence "
        "des intervenants sociaux dans les commissariats de police et les unités de "
        "gendarmerie ;",
        "Vu la stratégie nationale de prévention de la délinquance 2020-2024 ;",
        "Vu la circulaire du 5 mars 2020 cadre pour la déclinaison territoriale des politiques "
        "de prévention de la délinquance et de prévention de la radicalisation pour les années "
        "2020 à 2022 (NOR : INTA2006736C) ;",
        "Vu les mesures adoptées le 25 novembre 2019 à l'issue du Grenelle des violences "
        "conjugales ;",
        "Vu la convention cadre État / Département / collectivités pour la création de "
        "{{ framework.etp_authorised }} d'intervenants sociaux en commissariat et en "
        "gendarmerie, approuvée par délibération {{ framework.approved_by_of }} du "
        "{{ framework.approved_on }}{% if framework.approved_number %} "
        "({{ framework.approved_number }}){% endif %} ;",
    ):
        para(doc, text)
    tag(doc, "{%p for deliberation in deliberations %}")
    para(doc, "Vu {{ deliberation }} ;")
    tag(doc, "{%p endfor %}")


def _parties(doc: Any) -> None:
    para(doc, "Entre les soussignés :", bold=True, keep=True)
    tag(doc, "{%p for party in parties %}")
    para(doc, "{{ party.clause }}{{ party.punctuation }}")
    tag(doc, "{%p endfor %}")
    para(doc, "ci-après dénommés ensemble « les parties »,")
    tag(doc, "{%p if has_cosignatories %}")
    para(doc, "En présence de :", bold=True, keep=True)
    tag(doc, "{%p for party in cosignatories %}")
    para(doc, "{{ party.clause }}{{ party.punctuation }}")
    tag(doc, "{%p endfor %}")
    para(doc, "ci-après dénommés « les cosignataires »,")
    tag(doc, "{%p endif %}")


def _preamble(doc: Any) -> None:
    heading(doc, "Préambule")
    para(
        doc,
        "Le maire anime, sur le territoire de la commune, la politique de prévention de la "
        "délinquance et en coordonne la mise en œuvre, dans le respect des compétences de "
        "l'État et des compétences d'action sociale confiées au département (article L. 132-4 "
        "du code de la sécurité intérieure). L'État y concourt notamment par le fonds "
        "interministériel de prévention de la délinquance. Au titre de ses compétences "
        "d'action sociale, le Département intervient dans les domaines de la prévention, de "
        "l'accompagnement des familles et de la protection de l'enfance, et participe aux "
        "actions de prévention de la délinquance (article L. 121-2 du code de l'action sociale "
        "et des familles), dont relève la lutte contre les violences intrafamiliales (VIF). Ces "
        "violences ne se limitent pas aux violences physiques : elles regroupent toutes les "
        "formes de violence, physiques, verbales, psychologiques, sexuelles et économiques.",
    )
    para(
        doc,
        "En 2018, le Département a adopté le programme départemental de lutte contre les "
        "violences intrafamiliales, qui s'articule autour de trois axes :",
        keep=True,
    )
    bullets(
        doc,
        [
            "développer la prévention ;",
            "mieux repérer et traiter ces situations complexes ;",
            "faciliter la prise en charge des victimes.",
        ],
    )
    para(
        doc,
        "Le cofinancement de postes d'intervenants sociaux en commissariat et en gendarmerie "
        "figure parmi les objectifs du deuxième axe. Lors de sa séance du 17 septembre 2020, "
        "l'Assemblée départementale a réaffirmé son soutien à la création de ces postes.",
    )
    para(
        doc,
        "Par délibération du {{ framework.approved_on }}, {{ framework.approved_by }} a "
        "approuvé la convention cadre État / Département / collectivités pour la création de "
        "{{ framework.etp_authorised }} d'intervenants sociaux en commissariat et en "
        "gendarmerie (ISCG), le Département prenant en charge "
        "{{ framework.departement_rate }} de la part restant à la charge des collectivités "
        "après déduction de la participation de l'État.",
    )
    para(
        doc,
        "Ce déploiement s'inscrit dans les suites du Grenelle des violences conjugales, au "
        "cours duquel les forces de l'ordre ont estimé et priorisé les besoins en postes "
        "d'intervenants sociaux. Depuis les mesures adoptées le 25 novembre 2019, la prise en "
        "charge des violences intrafamiliales et sexuelles est la priorité de ces postes.",
    )
    para(
        doc,
        "La présente convention applique la convention cadre au territoire « {{ territory }} ».",
    )
    para(doc, "Il est convenu ce qui suit :", bold=True)


def _missions(doc: Any) -> None:
    article(doc, "missions", "Missions {{ worker.of }}")
    para(
        doc,
        "Conformément au cadre de référence fixé par la circulaire interministérielle du "
        "21 décembre 2006, les missions {{ worker.of }} sont les suivantes :",
        keep=True,
    )
    bullets(
        doc,
        [
            "accueillir et écouter les personnes, et évaluer la nature des besoins sociaux qui "
            "se révèlent à l'occasion de l'activité {{ forces.of_or }} ;",
            "réaliser l'intervention de proximité, dans l'urgence si nécessaire : actes "
            "éducatifs ou de médiation sociale, action de soutien, d'information et "
            "d'orientation ;",
            "faciliter l'accès des personnes aux services sociaux et de droit commun, et les "
            "orienter vers les partenaires compétents du réseau de lutte contre les violences "
            "intrafamiliales (réseau VIF).",
        ],
    )
    para(
        doc,
        "Le public concerné est constitué des personnes majeures ou mineures, victimes ou mises "
        "en cause, dont la situation est portée à la connaissance {{ forces.of_or }}, "
        "ou qui se présentent d'elles-mêmes. Conformément aux "
        "orientations issues du Grenelle des violences conjugales, les situations de violences "
        "intrafamiliales et sexuelles sont traitées en priorité.",
    )
    para(
        doc,
        "Ces missions relèvent de l'action sociale ; elles ne comportent aucune mission de police "
        "ni de sécurité publique.",
    )


def _posts(doc: Any) -> None:
    article(doc, "postes", "Postes, lieux d'exercice et employeur")
    para(
        doc,
        "La présente convention porte sur {% if worker.plural %}les postes suivants"
        "{% else %}le poste suivant{% endif %}, soit au total {{ posts_total }} :",
        keep=True,
    )
    tag(doc, "{%p for job in jobs %}")
    para(doc, "{{ job }}", "List Bullet")
    tag(doc, "{%p endfor %}")
    para(doc, "Les lieux d'exercice, les quotités et l'employeur sont les suivants :", keep=True)
    posts_table(doc)
    para(doc, "")
    para(
        doc,
        "Le recrutement, la gestion administrative et l'autorité hiérarchique {{ worker.of }} "
        "relèvent {{ employer.of }}, employeur. Dans l'exercice des missions, l'autorité "
        "fonctionnelle sur {{ worker.subject }} est exercée par {{ forces.head }}, qui désigne en son sein un référent.",
    )
    para(
        doc,
        "Chaque poste est occupé par un travailleur social titulaire d'un diplôme d'État de "
        "travail social, notamment le diplôme d'État d'assistant de service social.",
    )
    para(
        doc,
        "{{ forces.host }} met à la disposition "
        "{{ worker.of }} un bureau permettant des entretiens confidentiels, un téléphone "
        "et l'accès aux mains courantes et aux informations nécessaires aux missions.",
    )
    para(
        doc,
        "Lorsqu'un poste est vacant, les participations de l'année sont dues au prorata de la "
        "durée pendant laquelle il a été pourvu ; l'employeur informe les parties de la vacance "
        "sans délai.",
    )


def _cosignatories(doc: Any) -> None:
    tag(doc, "{%p if articles.cosignataires.present %}")
    article(doc, "cosignataires", "Engagements des cosignataires")
    para(
        doc,
        "Sans participer au financement, {{ cosignatories_designation }} s'engagent, chacun "
        "pour ce qui le concerne, à :",
        keep=True,
    )
    bullets(
        doc,
        [
            "faciliter l'accueil et l'installation {{ worker.of }} dans les locaux "
            "{{ forces.of_and }} ;",
            "orienter vers {{ worker.subject }} les personnes relevant des missions définies à "
            "{{ articles.missions.ref }} ;",
            "participer au comité de pilotage prévu à {{ articles.suivi.ref }}.",
        ],
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if articles.engagement_republicain.present %}")
    article(doc, "engagement_republicain", "Contrat d'engagement républicain")
    para(
        doc,
        "L'association employeuse, qui bénéficie d'une subvention publique au titre de la "
        "présente convention, souscrit le contrat d'engagement républicain prévu par la loi du "
        "24 août 2021. Le non-respect de ce contrat peut entraîner le retrait de la "
        "participation des parties financeuses, dans les conditions prévues par cette loi et "
        "par {{ articles.resiliation.ref }}.",
    )
    tag(doc, "{%p endif %}")


def _page(doc: Any, *, landscape: bool) -> None:
    """End the section here; what follows starts a new page, landscape or portrait.

    The paragraph that carries the ended section's properties is empty and one point
    high, so it can never push the last lines of that section onto a page of their own.
    """
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    mark = doc.element.body.xpath("./w:p[w:pPr/w:sectPr]")[-1]
    mark.get_or_add_pPr().append(
        parse_xml(
            f'<w:spacing {nsdecls("w")} w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        )
    )
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    wide, narrow = Cm(29.7), Cm(21)
    section.page_width, section.page_height = (wide, narrow) if landscape else (narrow, wide)
    # Narrower side margins on the landscape page: eight columns of 3,4 cm.
    section.left_margin = section.right_margin = Cm(1.2) if landscape else Cm(2.5)


def _financing(doc: Any) -> None:
    article(doc, "financement", "Financement")
    para(
        doc,
        "Le coût {% if worker.plural %}des postes{% else %}du poste{% endif %} (salaires, "
        "charges et frais de fonctionnement) s'élève à "
        "{{ financing.total_cost_full }} sur la durée de la convention. Il est financé comme "
        "suit :",
        keep=True,
    )
    bullets(
        doc,
        [
            "{{ state.designation }} participe au titre du fonds interministériel de prévention "
            "de la délinquance (FIPD) ; sa participation est attribuée chaque année, dans la "
            "limite des crédits disponibles, et les montants indiqués au-delà de la première "
            "année sont prévisionnels ;",
            "{{ departement.designation }} prend en charge {{ financing.departement_rate }} de "
            "la part restant après déduction de la participation de l'État, conformément à la "
            "convention cadre{% if financing.departement_ceiling %}, dans la limite du plafond "
            "précisé ci-après{% endif %} ;",
            "le solde {{ financing.split }}.",
        ],
    )
    tag(doc, "{%p if financing.departement_ceiling %}")
    para(doc, "{{ financing.departement_ceiling }}")
    tag(doc, "{%p endif %}")
    para(
        doc,
        "Le plan de financement annexé à la présente convention, dont il fait partie "
        "intégrante, fixe pour chaque année la participation de chaque financeur et sa part "
        "du coût de l'année.",
    )
    para(
        doc,
        "Sur la durée de la convention, sous réserve du vote des crédits par leurs assemblées "
        "délibérantes pour les collectivités et de l'attribution annuelle du FIPD pour l'État, "
        "les participations des financeurs s'établissent comme suit :",
        keep=True,
    )
    tag(doc, "{%p for total in financing.totals %}")
    para(
        doc,
        "{{ total.designation }} : {{ total.amount_full }}, soit {{ total.share }} du coût total ;",
        "List Bullet",
    )
    tag(doc, "{%p endfor %}")
    para(doc, "soit un coût total de {{ financing.total_cost_full }}.")
    para(doc, "{{ financing.rounding_rule }}")


def _payment(doc: Any) -> None:
    article(doc, "versement", "Modalités de versement")
    para(
        doc,
        "{% if financing.has_payers %}Chaque financeur autre que l'employeur "
        "({{ financing.payers }}) verse sa participation annuelle, telle que fixée "
        "à {{ articles.financement.ref }}, {{ employer.to }}, employeur : la "
        "moitié au cours du premier trimestre de l'année concernée, le solde au vu du rapport "
        "d'activité et de l'état récapitulatif des dépenses prévus à {{ articles.suivi.ref }}."
        "{% endif %}{% if financing.employer_funds %}{% if financing.has_payers %} {% endif %}"
        "L'employeur supporte directement sa propre participation.{% endif %}",
    )
    para(
        doc,
        "La participation de l'État est versée selon les règles du FIPD ; elle est attribuée "
        "chaque année, dans la limite des crédits disponibles. Toute modification de son "
        "montant donne lieu à un avenant, conformément à {{ articles.modification.ref }}.",
    )
    para(
        doc,
        "Les sommes non utilisées, ou utilisées à d'autres fins que celles prévues par la "
        "présente convention, sont reversées à chaque financeur au prorata de sa participation.",
    )


def _duration_and_follow_up(doc: Any) -> None:
    article(doc, "duree", "Durée")
    para(
        doc,
        "La présente convention est conclue pour une durée de {{ duration.words }}, "
        "{{ duration.period }}. Elle prend effet le {{ duration.start }} et prend fin le "
        "{{ duration.end }}.{% if signature.retroactive %} Signée après le {{ duration.start }}, "
        "elle produit ses effets à compter de cette date.{% endif %} Elle n'est pas renouvelable "
        "par tacite reconduction.",
    )
    para(
        doc,
        "Les obligations relatives au rapport d'activité et à l'état récapitulatif des "
        "dépenses de la dernière année, au versement du solde et au reversement des sommes "
        "non utilisées demeurent après la fin de la convention, jusqu'à leur complète "
        "exécution.",
    )
    article(doc, "suivi", "Suivi et évaluation")
    para(
        doc,
        "Un comité de pilotage, convoqué par le représentant de l'État dans le département, "
        "réunit au moins une fois par an les représentants des parties et "
        "{{ forces.of_and }} concernés ; le procureur de la République et les membres "
        "du réseau VIF y sont invités. Il examine l'activité {{ worker.of }} au regard des "
        "missions définies à {{ articles.missions.ref }}, l'exécution du plan de financement "
        "et les ajustements nécessaires.",
    )
    para(
        doc,
        "L'employeur transmet chaque année aux parties, au plus tard le 31 mars de l'année "
        "suivante, un rapport d'activité et un état récapitulatif des dépenses de l'année "
        "écoulée. Le rapport comporte des indicateurs anonymisés : nombre de personnes reçues, "
        "dont victimes et mises en cause, majeures et mineures ; nature des situations, dont "
        "violences intrafamiliales et sexuelles ; origine de l'orientation ; orientations "
        "proposées vers les partenaires.",
    )


def _secrecy(doc: Any) -> None:
    article(doc, "secret", "Secret professionnel, partage d'informations et données personnelles")
    para(
        doc,
        "Chaque intervenant social est tenu au secret professionnel dans les conditions et sous les "
        "réserves prévues aux articles 226-13 et 226-14 du code pénal, en particulier, "
        "lorsqu'il est assistant de service social, en application de l'article L. 411-3 du "
        "code de l'action sociale et des familles. La présente convention ne crée ni n'étend "
        "aucune obligation de secret ; elle n'autorise aucune révélation que la loi "
        "n'autorise pas.",
    )
    para(
        doc,
        "Les informations à caractère secret ne sont partagées que dans les cas où la loi "
        "l'autorise, et dans la limite de ce qui est strictement nécessaire à l'évaluation de "
        "la situation et à la mise en œuvre de l'accompagnement. {{ forces.all }} "
        "n'ont pas accès aux dossiers sociaux tenus au titre de ces "
        "missions.",
    )
    para(
        doc,
        "Les données à caractère personnel sont traitées conformément au règlement (UE)\u00a0"
        "2016/679 du 27 avril 2016 et à la loi n° 78-17 du 6 janvier 1978. L'employeur est "
        "responsable de ces traitements ; il informe les personnes reçues de leurs droits. Les "
        "données transmises aux parties au titre de {{ articles.suivi.ref }} sont anonymisées.",
    )


def _closing_articles(doc: Any) -> None:
    article(doc, "communication", "Communication")
    para(
        doc,
        "Les parties s'engagent à faire mention du concours de chacune d'elles, notamment de "
        "celui de l'État au titre du FIPD et de celui du Département, dans toute action de "
        "communication relative {% if worker.plural %}aux postes financés{% else %}au poste "
        "financé{% endif %} par la présente convention.",
    )
    article(doc, "modification", "Modification")
    para(
        doc,
        "Toute modification de la présente convention, notamment du plan de financement "
        "annexé, fait l'objet d'un avenant signé par l'ensemble des "
        "signataires.",
    )
    article(doc, "resiliation", "Résiliation")
    para(
        doc,
        "En cas de non-respect par l'une des parties de ses engagements, la présente "
        "convention peut être résiliée par toute autre partie à l'expiration d'un délai de "
        "trois (3) mois suivant l'envoi d'une lettre recommandée avec accusé de réception "
        "valant mise en demeure et restée sans effet. Chaque partie peut également y mettre fin "
        "pour un motif d'intérêt général, moyennant un préavis de trois (3) mois notifié dans "
        "les mêmes formes. Les participations dues sont alors calculées au prorata de la "
        "période écoulée, et les sommes indûment perçues reversées dans les conditions prévues "
        "à {{ articles.versement.ref }}.",
    )
    article(doc, "litiges", "Litiges")
    para(
        doc,
        "Les parties s'efforcent de régler à l'amiable tout différend relatif à "
        "l'interprétation ou à l'exécution de la présente convention. À défaut d'accord, le "
        "litige est porté devant le {{ framework.tribunal_administratif }}.",
        # The last article stays with « Fait à » and the signatures: no page of signatures only.
        keep=True,
    )


def body(doc: Any) -> None:
    para(doc, "{{ title }}", "Title")
    para(doc, "Territoire : {{ territory }}", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    para(doc, "Convention n° {{ reference }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(
        doc,
        "conclue en application de la convention cadre État / Département / collectivités "
        "approuvée par délibération {{ framework.approved_by_of }} du {{ framework.approved_on }}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        italic=True,
    )
    _parties(doc)
    _visas(doc)
    _preamble(doc)
    article(doc, "objet", "Objet")
    para(
        doc,
        "La présente convention a pour objet de fixer les conditions dans lesquelles les "
        "parties financent, sur le territoire « {{ territory }} », l'emploi {{ worker.of }} "
        "{{ forces.where }}, ainsi que les engagements de chacune d'elles. "
        "{% if worker.plural %}Les postes sont décrits{% else %}Le poste est décrit{% endif %} "
        "à {{ articles.postes.ref }} et le financement à {{ articles.financement.ref }}.",
    )
    _missions(doc)
    _posts(doc)
    _cosignatories(doc)
    _financing(doc)
    _payment(doc)
    _duration_and_follow_up(doc)
    _secrecy(doc)
    _closing_articles(doc)
    p = para(
        doc,
        "Fait à {{ signature.place }}, le {{ signature.date }}, en {{ signature.copies }}.",
        keep=True,
    )
    p.paragraph_format.space_before = Pt(12)
    tag(doc, "{%p if has_cosignatories %}")
    para(doc, "Les parties", bold=True, keep=True)
    tag(doc, "{%p endif %}")
    signature_table(doc, "signature.rows")
    tag(doc, "{%p if has_cosignatories %}")
    p = para(doc, "Les cosignataires", bold=True, keep=True)
    p.paragraph_format.space_before = Pt(8)
    signature_table(doc, "signature.cosignatory_rows")
    tag(doc, "{%p endif %}")
    _annex(doc)


def _annex(doc: Any) -> None:
    """The financing plan, annexed after the signatures on a landscape page of its own.

    The plan has a column per funder: a landscape page gives each amount and each place
    name its width at 9 pt, for as many as eight funders. At the end of the document the
    landscape section starts where a page ends anyway; inside the financing article it
    left most of the portrait page before it empty. Article « Financement » annexes it
    and says it is part of the convention.
    """
    _page(doc, landscape=True)
    heading(doc, "Annexe – Plan de financement")
    para(
        doc,
        "Participation de chaque financeur et part du coût de l'année",
        bold=True,
        keep=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    financing_table(doc)
    para(doc, "")
    tag(doc, "{%p if financing.forecast %}")
    para(doc, "{{ financing.forecast }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if financing.has_state_absent %}")
    para(doc, "{{ financing.state_absent }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if financing.has_state_provisional %}")
    para(doc, "{{ financing.state_provisional }}")
    tag(doc, "{%p endif %}")


def _share_margins(doc: Any) -> None:
    """Every section names the header and footer itself, as the first one does.

    Each section then stands on its own: a section break moved or removed in Word leaves
    the others their header and footer.
    """
    sections = doc.element.body.xpath(".//w:sectPr")
    references = [
        r for r in sections[0] if r.tag in (qn("w:headerReference"), qn("w:footerReference"))
    ]
    for sect_pr in sections[1:]:
        if not sect_pr.xpath("w:headerReference|w:footerReference"):
            for r in reversed(references):
                sect_pr.insert(0, copy.deepcopy(r))


def build(path: Path = OUT) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    section.header_distance = section.footer_distance = Cm(1.2)
    _styles(doc)
    _header_footer(doc)
    body(doc)
    _share_margins(doc)
    return save(
        doc,
        path,
        "Modèle de convention de financement ISCG",
        "Modèle docxtpl : variables décrites par « iscg-docs variables ».",
    )


def save(doc: Any, path: Path, title: str, comments: str) -> Path:
    """Write a built template with its properties, reproducibly."""
    props = doc.core_properties
    props.title = title
    props.author = "iscg-docs"
    props.language = "fr-FR"
    props.comments = comments
    props.revision = 1
    # Fixed dates and zip timestamps: rebuilding an unchanged template gives the same bytes,
    # so a diff of the .docx in git means the template really changed.
    props.created = props.modified = dt.datetime(2020, 12, 17, tzinfo=dt.UTC)
    props.last_modified_by = "iscg-docs"
    buffer = io.BytesIO()
    doc.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalize_package(buffer.getvalue()))
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
