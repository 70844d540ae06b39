"""The lint's checks: tags as typed, blocks, syntax, and names against the vocabulary."""

from __future__ import annotations

import difflib
import io
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from iscg_docs.docx.environment import make_environment
from iscg_docs.docx.lint.document import (
    BLOCKS,
    CURLY,
    MISTYPED,
    STRAY,
    TAG,
    Para,
    Part,
    Tag,
    excerpt,
    find_tags,
    norm,
)
from iscg_docs.docx.lint.findings import ERROR, MAPPING, NOTE, Finding, Vocabulary

__all__ = ["Linter"]


class Linter:
    """The findings of one template, part by part, against a vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        from docxtpl import DocxTemplate

        self.vocabulary = vocabulary
        self.env = make_environment(vocabulary.filters)
        self.scratch = DocxTemplate(io.BytesIO())
        self.types = {v.name: v.type for v in vocabulary.names}
        self.top = {re.split(r"[.\[]", v.name)[0] for v in vocabulary.names}
        listing = vocabulary.listing
        self.see = f" (liste complète : {listing})" if listing else ""
        self.records = {n[: i + 2] for n in self.types for i in _find_all(n, "[].")}
        self.findings: list[Finding] = []
        self.used: set[str] = set()

    def add(self, severity: str, code: str, message: str, where: str, excerpt: str = "") -> None:
        finding = Finding(severity, code, message, where, excerpt)
        if finding not in self.findings:
            self.findings.append(finding)

    def error(self, code: str, message: str, tag: Tag) -> None:
        self.add(ERROR, code, message, tag.para.where, excerpt(tag.para, tag))

    # -- one part -------------------------------------------------------------

    def part(self, part: Part) -> None:
        tags: list[Tag] = []
        by_cell: dict[Any, list[Para]] = {}
        by_row: dict[Any, list[Para]] = {}
        for para in part.paras:
            if para.cell is not None:
                by_cell.setdefault(para.cell, []).append(para)
                by_row.setdefault(para.row, []).append(para)
        for para in part.paras:
            if "{" not in para.text and "}" not in para.text:
                continue
            found = find_tags(para)
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

    def typing(self, para: Para) -> None:
        """Braces that look like a tag but are not one: ``{ {``, a lone ``{{``."""
        rest = TAG.sub(" ", para.text)
        where, around = para.where, excerpt(para)
        if MISTYPED.search(rest):
            self.add(
                ERROR,
                "balise-mal-tapee",
                "accolades séparées par une espace (« { { » ou « } } ») : une balise s'écrit "
                "sans espace entre les accolades, « {{ variable }} » ou « {% if … %} ».",
                where,
                around,
            )
        elif m := STRAY.search(rest):
            self.add(
                ERROR,
                "balise-incomplete",
                f"« {m.group()} » sans sa moitié dans ce paragraphe : une balise s'ouvre et se "
                "ferme dans le même paragraphe, « {{ … }} », « {% … %} » ou « {# … #} ».",
                where,
                around,
            )

    def joined(self, para: Para, found: list[Tag]) -> set[Tag]:
        """Tags Word's formatting split in a way docxtpl cannot join back."""
        from lxml import etree

        if para.element is None or not found:
            return set()
        if len(found) > 1 and any(t.prefix in ("p", "tr", "tc") for t in found):
            return set()  # docxtpl drops the rest with the paragraph: texte-supprime says so
        patched = self.scratch.patch_xml(etree.tostring(para.element, encoding="unicode"))
        survivors = Counter(norm(t) for t in TAG.findall(patched))
        broken = set()
        for tag in found:
            key = norm(tag.raw)
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
        self, tag: Tag, by_cell: dict[Any, list[Para]], by_row: dict[Any, list[Para]]
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

    def structure(self, tags: list[Tag]) -> None:
        if not tags:
            return
        lines = [self.line(t) for t in tags]
        stack: list[int] = []
        for i, tag in enumerate(tags):
            kw = tag.keyword
            if tag.kind != "{%" or not kw:
                continue
            if kw in BLOCKS or kw == "set-block":
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

    def line(self, tag: Tag) -> str:
        body = tag.body.translate(CURLY).replace("\n", " ")
        if tag.kind == "{#":
            return ""
        if tag.kind == "{{":
            return f"{{{{ {body} }}}}"
        if tag.keyword in ("vm", "hm"):
            return ""
        if tag.keyword in ("colspan", "cellbg"):
            return f"{{{{ {body[len(tag.keyword) :]} }}}}"
        return f"{{% {body} %}}"

    def unclosed(self, tag: Tag) -> None:
        name = _end(tag.keyword)
        self.error(
            "bloc-non-ferme",
            f"bloc « {name} » ouvert ici jamais fermé par « end{name} » : ajoutez "
            f"« {{%{tag.prefix + ' ' if tag.prefix else ' '}end{name} %}} » à l'endroit où le "
            "bloc doit finir.",
            tag,
        )

    def across(self, opener: Tag, closer: Tag) -> None:
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
                    excerpt(opener.para, opener),
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

    def parse(self, tags: list[Tag], tail: str) -> None:
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

    def names(self, tree: Any, tags: list[Tag]) -> None:
        """Check the names, attributes, filters and tests of a part's parsed tags."""
        scope = _Scope(tree, tags, self.top)
        self.loops(scope)
        self.variables(scope)
        self.attributes(scope)
        self.filters(scope)

    def loops(self, scope: _Scope) -> None:
        """Name each loop variable after its list: ``post`` in ``posts`` is ``posts[]``."""
        from jinja2 import nodes

        for loop in scope.tree.find_all(nodes.For):
            if isinstance(loop.target, nodes.Name):
                items = {f"{p}[]" for p in scope.resolve(loop.iter)}
                self.used |= scope.resolve(loop.iter)
                if items:
                    scope.loops.setdefault(loop.target.name, set()).update(items)

    def variables(self, scope: _Scope) -> None:
        """Names the template reads that are neither in the vocabulary nor bound by it."""
        from jinja2 import nodes

        for name in scope.tree.find_all(nodes.Name):
            if name.ctx != "load":
                continue
            if name.name in self.top:
                self.used.add(name.name)
            elif name.name not in scope.bound:
                self.error(
                    "variable-inconnue",
                    f"variable inconnue « {name.name} »{_guess(name.name, self.top)} : elle "
                    f"n'existe pas dans {self.vocabulary.data}{self.see}.",
                    scope.at(name),
                )

    def attributes(self, scope: _Scope) -> None:
        """Attributes the sandbox refuses, and keys a listed mapping or record lacks."""
        from jinja2 import nodes

        for node in scope.tree.find_all((nodes.Getattr, nodes.Getitem)):
            key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(key, str) and key.startswith("_"):
                # The sandbox refuses these at render time; say so before a batch starts.
                self.error(
                    "construction-interdite",
                    f"« {key} » est un attribut interne que le modèle ne peut pas lire : un "
                    f"modèle n'affiche que {self.vocabulary.data} et les filtres fournis.",
                    scope.at(node),
                )
                continue
            parents = scope.resolve(node.node)
            if not parents:
                continue
            attr = node.attr if isinstance(node, nodes.Getattr) else None
            if attr is None:
                self.used |= scope.resolve(node)
                continue
            checked = [p for p in parents if self.types.get(p) == MAPPING or p in self.records]
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
                    f"« {attr} » n'existe pas dans « {sorted(checked)[0]} »"
                    f"{_guess(attr, known)}{self.see}.",
                    scope.at(node),
                )

    def filters(self, scope: _Scope) -> None:
        """Filters and tests the environment does not have."""
        from jinja2 import nodes

        filters = set(self.env.filters)
        listing = self.vocabulary.listing
        where = f" : les filtres disponibles sont listés par « {listing} »" if listing else ""
        for f in scope.tree.find_all(nodes.Filter):
            if f.name not in filters:
                self.error(
                    "filtre-inconnu",
                    f"filtre inconnu « {f.name} »{_guess(f.name, filters)}{where}.",
                    scope.at(f),
                )
        for t in scope.tree.find_all(nodes.Test):
            if t.name not in self.env.tests:
                self.error(
                    "test-inconnu",
                    f"test inconnu « {t.name} »{_guess(t.name, set(self.env.tests))}.",
                    scope.at(t),
                )

    # -- the whole template --------------------------------------------------------

    def unused(self) -> None:
        """A note for each topmost name of the vocabulary the template never uses."""

        def used(name: str) -> bool:
            return any(u == name or u.startswith((name + ".", name + "[")) for u in self.used)

        reported: list[str] = []
        for v in self.vocabulary.names:
            if used(v.name) or any(v.name.startswith((r + ".", r + "[")) for r in reported):
                continue
            reported.append(v.name)
            self.add(
                NOTE,
                "variable-inutilisee",
                f"« {v.name} » ({v.description}) n'est utilisée nulle part dans le modèle.",
                "modèle",
            )


class _Scope:
    """One part's parsed tags: what its loops and assignments bind, and what names mean."""

    def __init__(self, tree: Any, tags: list[Tag], top: set[str]) -> None:
        from jinja2 import nodes

        self.tree = tree
        self.tags = tags
        self.top = top
        self.loops: dict[str, set[str]] = {}
        self.bound = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        if any(True for _ in tree.find_all(nodes.For)):
            self.bound.add("loop")
        if any(True for _ in tree.find_all((nodes.Macro, nodes.CallBlock))):
            self.bound |= {"caller", "varargs", "kwargs"}

    def at(self, node: Any) -> Tag:
        """The tag a node was parsed from: one tag a line."""
        return self.tags[min(max((node.lineno or 1) - 1, 0), len(self.tags) - 1)]

    def resolve(self, node: Any) -> set[str]:
        """The vocabulary names an expression may stand for (``posts[].site``)."""
        from jinja2 import nodes

        if isinstance(node, nodes.Name):
            if node.name in self.loops:
                return self.loops[node.name]
            return {node.name} if node.name in self.top else set()
        if isinstance(node, nodes.Getattr):
            return {f"{p}.{node.attr}" for p in self.resolve(node.node)}
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            key = node.arg.value
            parents = self.resolve(node.node)
            if isinstance(key, int) and not isinstance(key, bool):
                return {f"{p}[]" for p in parents}
            if isinstance(key, str):
                return {f"{p}.{key}" for p in parents}
        return set()


def _find_all(text: str, sub: str) -> Iterator[int]:
    i = text.find(sub)
    while i != -1:
        yield i
        i = text.find(sub, i + 1)


def _end(keyword: str) -> str:
    return "set" if keyword == "set-block" else keyword


def _neutral(tag: Tag) -> str:
    """A tag with the same block role and a body that parses, to look past an error."""
    kw = tag.keyword
    if tag.kind == "{{" or tag.kind == "{#":
        return ""
    if kw == "for":
        m = re.match(r"for\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+in\b", tag.body)
        return f"{{% for {m.group(1) if m else '_'} in [] %}}"
    if kw in BLOCKS or kw == "set-block":
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
