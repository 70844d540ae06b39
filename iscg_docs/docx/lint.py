"""Check a Word template before a batch run, and say in French what is wrong and where.

The document is read as Word shows it (the text of each paragraph, in the body, table
cells, headers, footers, footnotes and core properties) and as docxtpl will see it (each
paragraph patched by ``DocxTemplate.patch_xml``). The tags of each part are then laid
out one per line and parsed by the same sandboxed Jinja environment that renders, so a
syntax error, a variable or a filter is placed on the tag, hence on its paragraph.
"""

from __future__ import annotations

import difflib
import html
import io
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from attrs import frozen

from iscg_docs.errors import TemplateError, os_reason

__all__ = ["ERROR", "NOTE", "Finding", "format_report", "lint", "used_names"]

#: Severity of a finding that stops a batch run.
ERROR = "erreur"
#: Severity of a finding worth reading that stops nothing.
NOTE = "note"


@frozen
class Finding:
    """One thing the lint found in a template.

    Attributes:
        severity: :data:`ERROR` or :data:`NOTE`.
        code: stable identifier, e.g. ``variable-inconnue``; the guide lists them all.
        message: what is wrong and what to do, in French.
        where: where it stands: "corps, paragraphe 12", "tableau 2, ligne 3, cellule 1",
            "en-tête, paragraphe 1", "modèle" for the template as a whole.
        excerpt: the text around it, as Word shows it.
    """

    severity: str
    code: str
    message: str
    where: str
    excerpt: str = ""

    def __str__(self) -> str:
        line = f"{self.severity} [{self.code}] {self.where} : {self.message}"
        return f"{line}\n    « {self.excerpt} »" if self.excerpt else line


# --------------------------------------------------------------------------- reading

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_P, W_T, W_TAB, W_BR, W_CR = (f"{{{_W}}}{n}" for n in ("p", "t", "tab", "br", "cr"))
W_TBL, W_TR, W_TC, W_TXBX = (f"{{{_W}}}{n}" for n in ("tbl", "tr", "tc", "txbxContent"))
_RT_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_RT_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

# The core properties docxtpl 0.20.2 renders as templates (render_properties).
_PROPERTIES = (
    ("author", "auteur"),
    ("comments", "commentaires"),
    ("identifier", "identifiant"),
    ("language", "langue"),
    ("subject", "objet"),
    ("title", "titre"),
)


@dataclass(eq=False)
class _Para:
    """A paragraph as Word shows it, with what it stands in."""

    where: str
    text: str
    element: Any
    cell: Any = None
    row: Any = None


@dataclass(eq=False)
class _Tag:
    """One ``{{ }}``, ``{% %}`` or ``{# #}`` tag as typed, and what Jinja will read."""

    para: _Para
    raw: str
    start: int
    kind: str  # "{{", "{%" or "{#"
    prefix: str  # "", "p", "tr", "tc" or "r"
    body: str  # inside the braces, prefix and whitespace control removed
    keyword: str
    curly: bool
    line: str = ""
    partner: _Tag | None = None


@dataclass(eq=False)
class _Part:
    """A part docxtpl renders as one Jinja template."""

    label: str
    paras: list[_Para] = field(default_factory=list)


def _read(source: str | os.PathLike[str] | bytes) -> tuple[bytes, Any]:
    """The template's bytes and its python-docx Document."""
    import docx
    from docx.opc.exceptions import OpcError
    from lxml import etree

    name = "<bytes>" if isinstance(source, bytes) else str(source)
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as e:
        raise TemplateError(f"modèle illisible ({os_reason(e)}).", name) from None
    try:
        return data, docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise TemplateError(
            f"ce fichier n'est pas un document Word (.docx) utilisable ({e}).", name
        ) from None


def _parts(document: Any) -> Iterator[_Part]:
    """Every part docxtpl renders, in the order it renders them."""
    from lxml import etree

    yield _walk(document.element.body, "corps", tables_bare=True)

    # Which section uses which header or footer, for a label a jurist can find.
    uses: dict[str, list[tuple[int, str]]] = {}
    sections = list(document.element.body.iter(f"{{{_W}}}sectPr"))
    for i, sect in enumerate(sections, 1):
        for ref in sect:
            if ref.tag in (f"{{{_W}}}headerReference", f"{{{_W}}}footerReference"):
                rid = ref.get(f"{{{_R}}}id")
                uses.setdefault(rid, []).append((i, ref.get(f"{{{_W}}}type", "default")))
    kinds = {"default": "", "first": " de la première page", "even": " des pages paires"}
    for reltype, noun in ((_RT_HEADER, "en-tête"), (_RT_FOOTER, "pied de page")):
        for rid, rel in document.part.rels.items():
            if rel.reltype != reltype or rel.is_external:
                continue
            label = noun
            if rid in uses:
                section, kind = uses[rid][0]
                label += kinds.get(kind, "")
                if len(sections) > 1:
                    label += f" (section {section})"
            yield _walk(etree.fromstring(rel.target_part.blob), label)

    for part in document.part.package.parts:
        if part.content_type == _FOOTNOTES:
            root = etree.fromstring(part.blob)
            out = _Part("notes de bas de page")
            n = 0
            for note in root.iter(f"{{{_W}}}footnote"):
                if note.get(f"{{{_W}}}type") in (None, "normal"):
                    n += 1
                    out.paras += _walk(note, f"note de bas de page {n}", numbered=False).paras
            yield out

    core = document.core_properties
    for name, french_name in _PROPERTIES:
        value = getattr(core, name) or ""
        label = f"propriétés du document ({french_name})"
        yield _Part(label, [_Para(label, value, None)])


def _walk(root: Any, label: str, *, tables_bare: bool = False, numbered: bool = True) -> _Part:
    """The paragraphs of ``root`` with their place: "corps, paragraphe 3", "tableau 1, …"."""
    part = _Part(label)
    flow = boxes = 0
    top_tables: dict[Any, int] = {}
    for tbl in root.iter(W_TBL):
        if _nearest(tbl, W_TC) is None:
            top_tables[tbl] = len(top_tables) + 1
    for p in root.iter(W_P):
        cell = _nearest(p, W_TC)
        if _nearest(p, W_TXBX) is not None:
            boxes += 1
            where = f"{label}, zone de texte, paragraphe {boxes}"
        elif cell is not None:
            place = _cell_place(cell, top_tables)
            where = place if tables_bare else f"{label}, {place}"
        else:
            flow += 1
            where = f"{label}, paragraphe {flow}" if numbered else label
        row = _nearest(cell, W_TR) if cell is not None else None
        part.paras.append(_Para(where, _text(p), p, cell, row))
    return part


def _nearest(element: Any, tag: str) -> Any:
    for ancestor in element.iterancestors():
        if ancestor.tag == tag:
            return ancestor
    return None


def _cell_place(cell: Any, top_tables: dict[Any, int]) -> str:
    """ "tableau 2, ligne 3, cellule 1", then " › tableau 1, …" for each nested table."""
    steps = []
    while cell is not None:
        row = _nearest(cell, W_TR)
        tbl = _nearest(row, W_TBL) if row is not None else None
        if row is None or tbl is None:
            break
        cells = [c for c in row.iter(W_TC) if _nearest(c, W_TR) is row]
        rows = [r for r in tbl.iter(W_TR) if _nearest(r, W_TBL) is tbl]
        outer = _nearest(tbl, W_TC)
        if outer is None:
            number = top_tables.get(tbl, 1)
        else:
            siblings = [t for t in outer.iter(W_TBL) if _nearest(t, W_TC) is outer]
            number = siblings.index(tbl) + 1
        steps.append(
            f"tableau {number}, ligne {rows.index(row) + 1}, cellule {cells.index(cell) + 1}"
        )
        cell = outer
    return " › ".join(reversed(steps))


def _text(p: Any) -> str:
    """The paragraph's text as Word shows it (tabs and breaks as whitespace)."""
    nested = p.find(f".//{W_TXBX}") is not None
    out = []
    for el in p.iter(W_T, W_TAB, W_BR, W_CR):
        if nested and _nearest(el, W_P) is not p:
            continue
        if el.tag == W_T:
            out.append(el.text or "")
        else:
            out.append("\t" if el.tag == W_TAB else "\n")
    return "".join(out)


# --------------------------------------------------------------------------- tags

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_MISTYPED = re.compile(r"\{\s+[{%#]|[}%#]\s+\}")
_STRAY = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_PREFIX = re.compile(r"(tr|tc|p|r) ")
_CURLY = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})
_BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "raw"})


def _tags(para: _Para) -> list[_Tag]:
    out = []
    for m in _TAG.finditer(para.text):
        raw = m.group()
        kind, inner = raw[:2], raw[2:-2]
        prefix = ""
        pm = _PREFIX.match(inner)
        if pm:
            prefix, inner = pm.group(1), inner[pm.end() :]
        if kind != "{#" and not prefix and inner[:1] in ("-", "+"):
            inner = inner[1:]  # whitespace control sticks to the delimiter: "{%- if"
        if kind != "{#" and inner[-1:] in ("-", "+"):
            inner = inner[:-1]
        body = inner.strip()
        km = re.match(r"[A-Za-z_]\w*", body) if kind == "{%" else None
        keyword = km.group() if km else ""
        if keyword == "set" and "=" not in body:
            keyword = "set-block"
        curly = any(c in body for c in "“”‘’«»")
        out.append(_Tag(para, raw, m.start(), kind, prefix, body, keyword, curly))
    return out


def _excerpt(para: _Para, tag: _Tag | None = None) -> str:
    text = re.sub(r"\s+", " ", para.text).strip()
    if len(text) <= 120 or tag is None:
        return text if len(text) <= 120 else text[:117] + "…"
    start = max(0, tag.start - 40)
    end = min(len(para.text), tag.start + len(tag.raw) + 40)
    piece = re.sub(r"\s+", " ", para.text[start:end]).strip()
    return ("…" if start else "") + piece + ("…" if end < len(para.text) else "")


def _norm(tag_text: str) -> str:
    """A tag reduced to what Jinja reads: prefix, whitespace control and spacing removed."""
    inner = html.unescape(tag_text[2:-2]).translate(_CURLY)
    pm = _PREFIX.match(inner)
    if pm:
        inner = inner[pm.end() :]
    inner = inner.removeprefix("-").removeprefix("+").removesuffix("-").removesuffix("+")
    return tag_text[:2] + " ".join(inner.split())


# --------------------------------------------------------------------------- the lint


class _Linter:
    def __init__(self) -> None:
        from docxtpl import DocxTemplate

        from iscg_docs.convention.context import CATALOGUE
        from iscg_docs.docx.renderer import make_environment
        from iscg_docs.french import FILTERS

        self.env = make_environment(FILTERS)
        self.scratch = DocxTemplate(io.BytesIO())
        self.types = {v.name: v.type for v in CATALOGUE}
        self.top = {re.split(r"[.\[]", v.name)[0] for v in CATALOGUE}
        self.records = {n[: i + 2] for n in self.types for i in _find_all(n, "[].")}
        self.findings: list[Finding] = []
        self.used: set[str] = set()

    def add(self, severity: str, code: str, message: str, where: str, excerpt: str = "") -> None:
        finding = Finding(severity, code, message, where, excerpt)
        if finding not in self.findings:
            self.findings.append(finding)

    def error(self, code: str, message: str, tag: _Tag) -> None:
        self.add(ERROR, code, message, tag.para.where, _excerpt(tag.para, tag))

    # -- one part -------------------------------------------------------------

    def part(self, part: _Part) -> None:
        tags: list[_Tag] = []
        by_cell: dict[Any, list[_Para]] = {}
        by_row: dict[Any, list[_Para]] = {}
        for para in part.paras:
            if para.cell is not None:
                by_cell.setdefault(para.cell, []).append(para)
                by_row.setdefault(para.row, []).append(para)
        for para in part.paras:
            if "{" not in para.text and "}" not in para.text:
                continue
            found = _tags(para)
            self.typing(para)
            broken = self.joined(para, found)
            for tag in found:
                if tag in broken:
                    continue
                if tag.curly:
                    self.error(
                        "guillemets-typographiques",
                        f"la balise « {tag.raw} » contient des guillemets ou apostrophes "
                        "typographiques (“ ” ‘ ’ « ») : Word les a sans doute mis en corrigeant "
                        "la frappe. Dans une balise, tapez des guillemets droits (\" ou ') ; "
                        "désactivez au besoin « Guillemets droits par des guillemets "
                        "typographiques » dans les options de correction automatique.",
                        tag,
                    )
                self.placement(tag, by_cell, by_row)
                tags.append(tag)
        self.structure(tags)

    def typing(self, para: _Para) -> None:
        """Braces that look like a tag but are not one: ``{ {``, a lone ``{{``."""
        rest = _TAG.sub(" ", para.text)
        where, excerpt = para.where, _excerpt(para)
        if _MISTYPED.search(rest):
            self.add(
                ERROR,
                "balise-mal-tapee",
                "accolades séparées par une espace (« { { » ou « } } ») : une balise s'écrit "
                "sans espace entre les accolades, « {{ variable }} » ou « {% if … %} ».",
                where,
                excerpt,
            )
        elif m := _STRAY.search(rest):
            self.add(
                ERROR,
                "balise-incomplete",
                f"« {m.group()} » sans sa moitié dans ce paragraphe : une balise s'ouvre et se "
                "ferme dans le même paragraphe, « {{ … }} », « {% … %} » ou « {# … #} ».",
                where,
                excerpt,
            )

    def joined(self, para: _Para, found: list[_Tag]) -> set[_Tag]:
        """Tags Word's formatting split in a way docxtpl cannot join back."""
        from lxml import etree

        if para.element is None or not found:
            return set()
        if len(found) > 1 and any(t.prefix in ("p", "tr", "tc") for t in found):
            return set()  # docxtpl drops the rest with the paragraph: texte-supprime says so
        patched = self.scratch.patch_xml(etree.tostring(para.element, encoding="unicode"))
        survivors = Counter(_norm(t) for t in _TAG.findall(patched))
        broken = set()
        for tag in found:
            key = _norm(tag.raw)
            if survivors[key] > 0:
                survivors[key] -= 1
                continue
            broken.add(tag)
            self.error(
                "balise-coupee",
                f"la balise « {tag.raw} » est coupée par un changement de mise en forme que "
                "docxtpl ne sait pas recoller (suivi des modifications, champ, lien, "
                "tabulation…) : effacez-la et retapez-la d'un seul tenant, sans changer de "
                "police, de gras ou de couleur au milieu.",
                tag,
            )
        if not broken:
            try:
                etree.fromstring(f"<x>{patched}</x>")
            except etree.XMLSyntaxError:
                broken = set(found)
                self.error(
                    "balise-coupee",
                    "une balise de ce paragraphe chevauche un lien, un champ ou une autre "
                    "structure Word : docxtpl la recollerait en cassant le document. Retapez "
                    "la balise entièrement en dehors du lien ou du champ.",
                    found[0],
                )
        return broken

    def placement(
        self, tag: _Tag, by_cell: dict[Any, list[_Para]], by_row: dict[Any, list[_Para]]
    ) -> None:
        """``{%tr`` and ``{%tc`` need a cell; ``{%p``, ``{%tr``, ``{%tc`` replace their container."""
        if not tag.prefix or tag.prefix == "r" or tag.kind == "{#":
            return
        if tag.prefix in ("tr", "tc") and tag.para.cell is None:
            self.error(
                "tr-hors-tableau",
                f"« {tag.raw} » n'est pas dans un tableau : « {{%{tag.prefix} … %}} » remplace "
                f"{'la ligne' if tag.prefix == 'tr' else 'la cellule'} de tableau qui le "
                "contient. Hors tableau, écrivez « {%p … %} » seul dans son paragraphe.",
                tag,
            )
            return
        scope, noun = {
            "p": ([tag.para], "son paragraphe"),
            "tc": (by_cell.get(tag.para.cell, []), "sa cellule"),
            "tr": (by_row.get(tag.para.row, []), "sa ligne de tableau"),
        }[tag.prefix]
        text = "".join(p.text for p in scope).replace(tag.raw, "", 1).strip()
        if text:
            shown = text if len(text) <= 60 else text[:57] + "…"
            self.error(
                "texte-supprime",
                f"« {tag.raw} » remplace {'tout' if tag.prefix == 'p' else 'toute'} {noun} : "
                f"« {shown} », qui s'y trouve aussi, "
                f"disparaîtra. Mettez la balise seule dans {noun}.",
                tag,
            )

    # -- blocks, syntax, names ----------------------------------------------------

    def structure(self, tags: list[_Tag]) -> None:
        if not tags:
            return
        lines = [self.line(t) for t in tags]
        stack: list[int] = []
        for i, tag in enumerate(tags):
            kw = tag.keyword
            if tag.kind != "{%" or not kw:
                continue
            if kw in _BLOCKS or kw == "set-block":
                stack.append(i)
            elif kw.startswith("end"):
                name = "set-block" if kw == "endset" else kw[3:]
                openers = [j for j in stack if tags[j].keyword == name]
                if not openers:
                    self.error(
                        "bloc-sans-ouverture",
                        f"« {tag.raw} » ferme un bloc « {name} » qui n'a pas été ouvert (ou "
                        "l'a déjà été) : supprimez-le ou ajoutez la balise d'ouverture.",
                        tag,
                    )
                    lines[i] = ""
                    continue
                j = openers[-1]
                closers = ""
                while stack[-1] != j:
                    k = stack.pop()
                    self.unclosed(tags[k])
                    closers += f"{{% end{_end(tags[k].keyword)} %}}"
                stack.pop()
                lines[i] = closers + lines[i]
                tags[j].partner, tag.partner = tag, tags[j]
                self.across(tags[j], tag)
        tail = ""
        for k in reversed(stack):
            self.unclosed(tags[k])
            tail += f"{{% end{_end(tags[k].keyword)} %}}"
        for tag, line in zip(tags, lines, strict=True):
            tag.line = line
        self.parse(tags, tail)

    def line(self, tag: _Tag) -> str:
        body = tag.body.translate(_CURLY).replace("\n", " ")
        if tag.kind == "{#":
            return ""
        if tag.kind == "{{":
            return f"{{{{ {body} }}}}"
        if tag.keyword in ("vm", "hm"):
            return ""
        if tag.keyword in ("colspan", "cellbg"):
            return f"{{{{ {body[len(tag.keyword) :]} }}}}"
        return f"{{% {body} %}}"

    def unclosed(self, tag: _Tag) -> None:
        name = _end(tag.keyword)
        self.error(
            "bloc-non-ferme",
            f"bloc « {name} » ouvert ici jamais fermé par « end{name} » : ajoutez "
            f"« {{%{tag.prefix + ' ' if tag.prefix else ' '}end{name} %}} » à l'endroit où le "
            "bloc doit finir.",
            tag,
        )

    def across(self, opener: _Tag, closer: _Tag) -> None:
        """A block that starts and ends in different table cells without ``tr``/``tc``."""
        if opener.keyword not in ("if", "for") or opener.prefix in ("tr", "tc"):
            return
        a, b = opener.para.cell, closer.para.cell
        if a is None and b is None:
            return
        if a is b:
            if opener.keyword == "for":
                self.add(
                    NOTE,
                    "boucle-dans-cellule",
                    f"« {opener.raw} » répète le contenu de sa cellule, pas la ligne du "
                    "tableau : pour une ligne par élément, écrivez « {%tr for … %} » et "
                    "« {%tr endfor %} », chacun dans une ligne à part.",
                    opener.para.where,
                    _excerpt(opener.para, opener),
                )
            return
        if opener.keyword == "for":
            self.error(
                "boucle-sans-tr",
                f"la boucle « {opener.raw} » s'ouvre dans une cellule et se ferme ailleurs "
                f"({closer.para.where}) : elle répéterait des morceaux de cellules et casserait "
                "le tableau. Pour répéter des lignes, écrivez « {%tr for … %} » et "
                "« {%tr endfor %} », chacun seul dans sa ligne ; pour des colonnes, "
                "« {%tc for … %} » et « {%tc endfor %} ».",
                opener,
            )
        else:
            self.error(
                "bloc-a-cheval",
                f"le bloc « {opener.raw} » s'ouvre dans une cellule et se ferme ailleurs "
                f"({closer.para.where}) : il casserait le tableau. Pour une ligne entière, "
                "écrivez « {%tr if … %} » et « {%tr endif %} » ; sinon ouvrez et fermez le "
                "bloc dans la même cellule.",
                opener,
            )

    def parse(self, tags: list[_Tag], tail: str) -> None:
        from jinja2 import TemplateSyntaxError

        lines = [t.line for t in tags]
        tree = None
        for _ in range(len(tags) + 1):
            try:
                tree = self.env.parse("\n".join([*lines, tail]))
                break
            except TemplateSyntaxError as e:
                i = (e.lineno or 1) - 1
                if i >= len(tags):
                    i = len(tags) - 1
                tag = tags[i]
                self.error(
                    "syntaxe",
                    f"erreur de syntaxe dans la balise « {tag.raw} » (Jinja : {e.message}). "
                    "Vérifiez l'orthographe des mots-clés, les parenthèses et les guillemets.",
                    tag,
                )
                neutral = _neutral(tag)
                if lines[i] == neutral:
                    neutral = ""
                if lines[i] == neutral:
                    break
                lines[i] = neutral
                if tag.partner is not None and neutral.startswith("{% if"):
                    j = tags.index(tag.partner)
                    lines[j] = "{% endif %}"
        if tree is not None:
            self.names(tree, tags)

    def names(self, tree: Any, tags: list[_Tag]) -> None:
        from jinja2 import nodes

        def at(node: Any) -> _Tag:
            return tags[min(max((node.lineno or 1) - 1, 0), len(tags) - 1)]

        bound = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        if any(True for _ in tree.find_all(nodes.For)):
            bound.add("loop")
        if any(True for _ in tree.find_all((nodes.Macro, nodes.CallBlock))):
            bound |= {"caller", "varargs", "kwargs"}

        loops: dict[str, set[str]] = {}

        def resolve(node: Any) -> set[str]:
            if isinstance(node, nodes.Name):
                if node.name in loops:
                    return loops[node.name]
                return {node.name} if node.name in self.top else set()
            if isinstance(node, nodes.Getattr):
                return {f"{p}.{node.attr}" for p in resolve(node.node)}
            if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                key = node.arg.value
                parents = resolve(node.node)
                if isinstance(key, int) and not isinstance(key, bool):
                    return {f"{p}[]" for p in parents}
                if isinstance(key, str):
                    return {f"{p}.{key}" for p in parents}
            return set()

        for loop in tree.find_all(nodes.For):
            if isinstance(loop.target, nodes.Name):
                items = {f"{p}[]" for p in resolve(loop.iter)}
                self.used |= resolve(loop.iter)
                if items:
                    loops.setdefault(loop.target.name, set()).update(items)

        for name in tree.find_all(nodes.Name):
            if name.ctx != "load":
                continue
            if name.name in self.top:
                self.used.add(name.name)
            elif name.name not in bound:
                tag = at(name)
                self.error(
                    "variable-inconnue",
                    f"variable inconnue « {name.name} »{_guess(name.name, self.top)} : elle "
                    "n'existe pas dans les données de la convention (liste complète : "
                    "iscg-docs variables).",
                    tag,
                )

        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(key, str) and key.startswith("_"):
                # The sandbox refuses these at render time; say so before a batch starts.
                self.error(
                    "construction-interdite",
                    f"« {key} » est un attribut interne que le modèle ne peut pas lire : un "
                    "modèle n'affiche que les variables de la convention et les filtres fournis.",
                    at(node),
                )
                continue
            parents = resolve(node.node)
            if not parents:
                continue
            attr = node.attr if isinstance(node, nodes.Getattr) else None
            if attr is None:
                self.used |= resolve(node)
                continue
            checked = [
                p for p in parents if self.types.get(p) == "dictionnaire" or p in self.records
            ]
            valid = {f"{p}.{attr}" for p in parents} & self.types.keys()
            if valid:
                self.used |= valid
            elif checked:
                known = {
                    n.rsplit(".", 1)[1]
                    for n in self.types
                    for p in checked
                    if n.startswith(p + ".") and "." not in n[len(p) + 1 :]
                }
                self.error(
                    "attribut-inconnu",
                    f"« {attr} » n'existe pas dans « {sorted(checked)[0]} »{_guess(attr, known)} "
                    "(liste complète : iscg-docs variables).",
                    at(node),
                )

        filters = set(self.env.filters)
        for f in tree.find_all(nodes.Filter):
            if f.name not in filters:
                self.error(
                    "filtre-inconnu",
                    f"filtre inconnu « {f.name} »{_guess(f.name, filters)} : les filtres "
                    "disponibles sont listés par « iscg-docs variables ».",
                    at(f),
                )
        for t in tree.find_all(nodes.Test):
            if t.name not in self.env.tests:
                self.error(
                    "test-inconnu",
                    f"test inconnu « {t.name} »{_guess(t.name, set(self.env.tests))}.",
                    at(t),
                )

    # -- the whole template --------------------------------------------------------

    def unused(self) -> None:
        from iscg_docs.convention.context import CATALOGUE

        def used(name: str) -> bool:
            return any(u == name or u.startswith((name + ".", name + "[")) for u in self.used)

        reported: list[str] = []
        for v in CATALOGUE:
            if used(v.name) or any(v.name.startswith((r + ".", r + "[")) for r in reported):
                continue
            reported.append(v.name)
            self.add(
                NOTE,
                "variable-inutilisee",
                f"« {v.name} » ({v.description}) n'est utilisée nulle part dans le modèle.",
                "modèle",
            )


def _find_all(text: str, sub: str) -> Iterator[int]:
    i = text.find(sub)
    while i != -1:
        yield i
        i = text.find(sub, i + 1)


def _end(keyword: str) -> str:
    return "set" if keyword == "set-block" else keyword


def _neutral(tag: _Tag) -> str:
    """A tag with the same block role and a body that parses, to look past an error."""
    kw = tag.keyword
    if tag.kind == "{{" or tag.kind == "{#":
        return ""
    if kw == "for":
        m = re.match(r"for\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+in\b", tag.body)
        return f"{{% for {m.group(1) if m else '_'} in [] %}}"
    if kw in _BLOCKS or kw == "set-block":
        return "{% if true %}"
    if kw == "elif":
        return "{% elif true %}"
    if kw == "else":
        return "{% else %}"
    if kw.startswith("end") and tag.partner is not None:
        return "{% endfor %}" if tag.partner.keyword == "for" else "{% endif %}"
    return ""


def _guess(word: str, choices: set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


def _analyse(source: str | os.PathLike[str] | bytes) -> tuple[bytes, _Linter]:
    data, document = _read(source)
    linter = _Linter()
    for part in _parts(document):
        linter.part(part)
    return data, linter


def lint(source: str | os.PathLike[str] | bytes) -> list[Finding]:
    """Check a template: every error and note, each once, at its place.

    Args:
        source: a .docx path or its bytes.

    Returns:
        Errors first then notes, each group in document order.

    Raises:
        TemplateError: the file cannot be read or is not a Word document.
    """
    data, linter = _analyse(source)
    if not any(f.severity == ERROR for f in linter.findings):
        # The lint reads tags in text; docxtpl also compiles what hides elsewhere
        # (attributes, deleted text). A clean lint must mean a template that compiles.
        from iscg_docs.docx.renderer import Renderer

        try:
            Renderer(data)
        except TemplateError as e:
            linter.add(ERROR, "compilation", e.message, e.where or "modèle")
    linter.unused()
    errors = [f for f in linter.findings if f.severity == ERROR]
    return errors + [f for f in linter.findings if f.severity != ERROR]


def used_names(source: str | os.PathLike[str] | bytes) -> frozenset[str]:
    """The catalogue names a template uses (``posts[].site`` for ``post.site`` in a loop).

    Args:
        source: a .docx path or its bytes.

    Raises:
        TemplateError: the file cannot be read or is not a Word document.
    """
    _, linter = _analyse(source)
    return frozenset(linter.used)


def format_report(findings: Sequence[Finding], *, name: str = "") -> str:
    """The findings as a jurist reads them, with a closing count.

    Args:
        findings: from :func:`lint`.
        name: the template's file name, for the heading.
    """
    errors = sum(f.severity == ERROR for f in findings)
    notes = len(findings) - errors
    lines = [str(f) for f in findings]
    head = f"{name} : " if name else ""
    count = f"{errors} erreur{'s' if errors > 1 else ''}, {notes} note{'s' if notes > 1 else ''}"
    verdict = "modèle utilisable" if not errors else "modèle à corriger avant toute génération"
    return "\n".join([*lines, f"{head}{count} — {verdict}."]) + "\n"
