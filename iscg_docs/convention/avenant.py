"""Avenants: the amendment document and the consolidated convention, both from renderings.

The consolidated convention after avenant n is the convention template rendered on
:meth:`~iscg_docs.model.records.Convention.state_after` ``(n)``, its header saying which
version it is. The avenant is drafted by rendering the convention before and after it,
cutting both bodies into articles at their headings, and comparing them: each article
whose rendered text changes is cited, and its new text is copied from the consolidated
rendering into the avenant. No article is worded twice, so an edit of the convention
template can never make the avenant say something the convention does not.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from iscg_docs._resources import bundled_file
from iscg_docs.convention.articles import ARTICLES, number_articles
from iscg_docs.convention.avenant_context import (
    AVENANT_CATALOGUE,
    Change,
    ChangeKind,
    build_avenant_context,
)
from iscg_docs.convention.context import build_context
from iscg_docs.convention.properties import avenant_properties, consolidated_properties
from iscg_docs.convention.render import ConventionRenderer, FrenchRenderer
from iscg_docs.docx.lint import Checked, Vocabulary, check
from iscg_docs.docx.renderer import Renderer
from iscg_docs.docx.sections import (
    Element,
    block_text,
    blocks_equal,
    body_blocks,
    drop_last_section,
    insert_blocks,
    last_section_blocks,
    paragraphs_of_style,
    split_sections,
)
from iscg_docs.errors import TemplateError
from iscg_docs.french import FILTERS
from iscg_docs.model.records import Convention, Framework, Signatory

__all__ = [
    "AVENANT_TEMPLATE_NAME",
    "AvenantRenderer",
    "Comparison",
    "RenderedArticle",
    "avenant_context",
    "avenant_vocabulary",
    "changed_articles",
    "check_avenant_template",
    "compare_states",
    "default_avenant_template",
    "framework_after",
    "render_avenant",
    "render_consolidated",
    "rendered_articles",
]

#: File name of the avenant template, at the repository root and in the package.
AVENANT_TEMPLATE_NAME = "avenant.docx"

#: The style id of the convention template's article headings.
HEADING_STYLE = "Heading1"

#: The style id of the convention's title paragraph.
TITLE_STYLE = "Title"

#: How the closing formula after the last article begins in the convention template.
CLOSING = "Fait à "

#: How the heading of the annex after the signatures (the financing plan) begins, and
#: the key its text has among the articles.
ANNEX = "Annexe"
ANNEX_KEY = "annexe"


def default_avenant_template() -> Path:
    """The bundled avenant template.

    Raises:
        FileNotFoundError: it is missing (a broken installation).
    """
    found = bundled_file("templates", AVENANT_TEMPLATE_NAME)
    if found is None:
        raise FileNotFoundError(
            f"bundled template {AVENANT_TEMPLATE_NAME} not found; reinstall iscg-docs"
        )
    return found


def framework_after(framework: Framework, convention: Convention, number: int) -> Framework:
    """The framework whose parties sign as they do after avenants 1 to ``number``.

    An avenant may name who now signs for a party (a new Maire after an election); the
    latest avenant that does wins.
    """
    signatories: dict[str, Signatory] = {}
    for avenant in convention.avenants[:number]:
        for signing in avenant.signatories:
            signatories[signing.party] = signing.signatory
    if not signatories:
        return framework
    parties = tuple(
        attrs.evolve(p, signatory=signatories[p.id]) if p.id in signatories else p
        for p in framework.parties
    )
    return attrs.evolve(framework, parties=parties)


@frozen
class RenderedArticle:
    """One article of a rendered convention.

    Attributes:
        ref: "l'article 4".
        title: its heading after the number: "Financement".
        blocks: its paragraphs and tables, heading excluded.
    """

    ref: str
    title: str
    blocks: tuple[Element, ...]


def _closing(block: Element) -> bool:
    return block_text(block).startswith(CLOSING)


def rendered_articles(
    package: bytes, framework: Framework, state: Convention
) -> dict[str, RenderedArticle]:
    """The articles of a rendered convention, by key (``financement``), in order.

    The annex after the signatures (the financing plan), if any, comes last under
    :data:`ANNEX_KEY`, cited as « l’annexe ».

    Args:
        package: the .docx rendered for ``state``.
        framework: the framework it was rendered with.
        state: the convention rendered.

    Raises:
        TemplateError: an article present in ``state`` has no heading in the rendering.
    """
    sections = split_sections(body_blocks(package), HEADING_STYLE, end=_closing)
    out: dict[str, RenderedArticle] = {}
    for key, numbered in number_articles(framework, state).items():
        if not numbered.present:
            continue
        found = [
            s
            for s in sections
            if s.heading == numbered.number or s.heading.startswith(numbered.number + " ")
        ]
        if not found:
            raise TemplateError(
                f"l'article « {numbered.number} » n'a pas de titre de style « Titre 1 » "
                "dans la convention rendue : l'avenant ne peut pas le citer."
            )
        title = found[0].heading[len(numbered.number) :].strip(" \u00a0–-:")
        out[key] = RenderedArticle(numbered.ref, title, found[0].blocks)
    annex = _annex(package)
    if annex is not None:
        out[ANNEX_KEY] = annex
    return out


def _ends_with_annex(package: bytes) -> bool:
    """Whether the document's last section is an annex (its first text starts « Annexe »)."""
    texts = [t for t in map(block_text, last_section_blocks(package)) if t.strip()]
    return bool(texts) and texts[0].startswith(ANNEX)


def _annex(package: bytes) -> RenderedArticle | None:
    """The annex after the signatures, if the rendering has one, as an article of its own."""
    blocks = body_blocks(package)
    closing = next((i for i, b in enumerate(blocks) if _closing(b)), len(blocks))
    for section in split_sections(blocks[closing:], HEADING_STYLE):
        if section.heading.startswith(ANNEX):
            title = section.heading[len(ANNEX) :].strip(" \u00a0–-:")
            return RenderedArticle("l’annexe", title, section.blocks)
    return None


def _marker(key: str) -> str:
    return f"[[iscg-docs : texte de l'article {key}]]"


def changed_articles(
    before: Mapping[str, RenderedArticle], after: Mapping[str, RenderedArticle]
) -> list[Change]:
    """The articles whose rendered text or number differs between two states, in order.

    Args:
        before: the articles of the convention before the avenant.
        after: the articles after it.

    Returns:
        One change per article rewritten, renumbered, inserted or removed; the text of
        a rewritten or inserted article is to be copied at its ``marker``.
    """
    changes: list[Change] = []
    previous = ""
    for key in (*(a.key for a in ARTICLES), ANNEX_KEY):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None:
            if not blocks_equal(old.blocks, new.blocks):
                changes.append(
                    Change(
                        ChangeKind.REWRITTEN,
                        new.title,
                        old.ref,
                        new.ref,
                        marker=_marker(key),
                        annex=key == ANNEX_KEY,
                    )
                )
            elif old.ref != new.ref:
                changes.append(Change(ChangeKind.RENUMBERED, new.title, old.ref, new.ref))
        elif new is not None:
            changes.append(
                Change(
                    ChangeKind.INSERTED,
                    new.title,
                    new_ref=new.ref,
                    after_ref=previous,
                    marker=_marker(key),
                )
            )
        elif old is not None:
            changes.append(Change(ChangeKind.REMOVED, old.title, old_ref=old.ref))
        if old is not None:
            previous = f"{old.ref} « {old.title} »"
    return changes


def avenant_vocabulary() -> Vocabulary:
    """What an avenant template may use: the avenant catalogue's names and the French filters."""
    return Vocabulary(
        names=AVENANT_CATALOGUE,
        filters=FILTERS,
        data="les données de l'avenant",
        listing="iscg-docs variables --avenant",
    )


class AvenantRenderer:
    """The avenant and convention templates compiled once, for any number of avenants.

    Args:
        template: the avenant template (a .docx path or its bytes); the bundled one
            when omitted.
        convention: the convention renderer whose renderings are compared and copied;
            the bundled convention template when omitted.

    Raises:
        TemplateError: a template cannot be read or has a Jinja syntax error.
    """

    def __init__(
        self,
        template: str | os.PathLike[str] | bytes | None = None,
        *,
        convention: ConventionRenderer | None = None,
    ) -> None:
        source = template if template is not None else default_avenant_template()
        self.avenant: Renderer = FrenchRenderer(source)
        self.convention = convention if convention is not None else ConventionRenderer()

    def render_consolidated(
        self, framework: Framework, convention: Convention, number: int, *, draft: bool = False
    ) -> bytes:
        """The convention as amended by avenants 1 to ``number``, rendered like any convention.

        Raises:
            ValueError: ``number`` is not between 1 and the number of avenants.
        """
        return _consolidated(self.convention, framework, convention, number, draft)

    def render_previous(
        self, framework: Framework, convention: Convention, number: int, *, draft: bool = False
    ) -> bytes:
        """The document avenant ``number`` amends, as it was published: the convention as
        signed for the first avenant, the version consolidated after the one before for
        the others (the OLD side of a tracked-changes comparison).

        Raises:
            ValueError: ``number`` is not between 1 and the number of avenants.
        """
        _check_number(convention, number)
        if number == 1:
            return self.convention.render_convention(framework, convention, draft=draft)
        return self.render_consolidated(framework, convention, number - 1, draft=draft)

    def render_avenant(
        self, framework: Framework, convention: Convention, number: int, *, draft: bool = False
    ) -> bytes:
        """Avenant ``number`` of ``convention``, citing the articles it changes.

        Raises:
            ValueError: ``number`` is not between 1 and the number of avenants.
            TemplateError: a template cannot be used, or the convention template's
                articles cannot be found in its rendering.
        """
        return self.render_both(framework, convention, number, draft=draft)[0]

    def render_both(
        self, framework: Framework, convention: Convention, number: int, *, draft: bool = False
    ) -> tuple[bytes, bytes]:
        """Avenant ``number`` and the convention consolidated after it, each rendered once.

        Returns:
            The avenant's .docx bytes, then the consolidated convention's (the same bytes
            as :meth:`render_consolidated`).

        Raises:
            ValueError: ``number`` is not between 1 and the number of avenants.
            TemplateError: a template cannot be used, or the convention template's
                articles cannot be found in its rendering.
        """
        compared = compare_states(self.convention, framework, convention, number, draft=draft)
        amended = framework_after(framework, convention, number)
        state = convention.state_after(number)
        avenant = convention.avenants[number - 1]
        document = self.avenant.render(
            build_avenant_context(
                amended,
                state,
                avenant,
                compared.changes,
                draft=draft,
                previous=convention.state_after(number - 1),
            ),
            properties=avenant_properties(amended, state, avenant),
        )
        texts = _texts(compared.changes, compared.after)
        if texts:
            document = insert_blocks(document, compared.consolidated, texts)
        if not any(c.annex for c in compared.changes) and _ends_with_annex(document):
            document = drop_last_section(document)
        return document, compared.consolidated


@frozen
class Comparison:
    """A convention rendered before and after an avenant, and what changed.

    Attributes:
        consolidated: the rendering after the avenant (:func:`render_consolidated`).
        after: its articles.
        changes: the articles whose rendered text or number changed, in order.
    """

    consolidated: bytes
    after: dict[str, RenderedArticle]
    changes: list[Change]


def compare_states(
    renderer: ConventionRenderer,
    framework: Framework,
    convention: Convention,
    number: int,
    *,
    draft: bool = False,
) -> Comparison:
    """Render ``convention`` before and after avenant ``number`` and compare its articles.

    Raises:
        ValueError: ``number`` is not between 1 and the number of avenants.
        TemplateError: the convention template's articles cannot be found in a rendering.
    """
    consolidated = _consolidated(renderer, framework, convention, number, draft)
    earlier = framework_after(framework, convention, number - 1)
    before_state = convention.state_after(number - 1)
    previous = renderer.render(build_context(earlier, before_state))
    before = rendered_articles(previous, earlier, before_state)
    amended = framework_after(framework, convention, number)
    after = rendered_articles(consolidated, amended, convention.state_after(number))
    changes = changed_articles(before, after)
    old_title, new_title = _title(previous), _title(consolidated)
    if new_title and old_title != new_title:
        changes.insert(0, Change(ChangeKind.RETITLED, new_title))
    return Comparison(consolidated, after, changes)


def _title(package: bytes) -> str:
    """The convention's title as rendered: its first paragraph of style « Title »."""
    titles = paragraphs_of_style(body_blocks(package), TITLE_STYLE)
    return titles[0] if titles else ""


def avenant_context(
    framework: Framework,
    convention: Convention,
    number: int,
    *,
    draft: bool = False,
    renderer: ConventionRenderer | None = None,
) -> dict[str, Any]:
    """The context the avenant template is rendered with, for avenant ``number``.

    Args:
        framework: a validated framework.
        convention: one of its conventions, with its avenants.
        number: 1 for the first avenant.
        draft: "PROJET" on every page and the signature date left blank.
        renderer: the convention renderer to compare with; the bundled template's by default.
    """
    compared = compare_states(
        renderer or ConventionRenderer(), framework, convention, number, draft=draft
    )
    amended = framework_after(framework, convention, number)
    state = convention.state_after(number)
    avenant = convention.avenants[number - 1]
    return build_avenant_context(
        amended,
        state,
        avenant,
        compared.changes,
        draft=draft,
        previous=convention.state_after(number - 1),
    )


def _texts(
    changes: Sequence[Change], after: Mapping[str, RenderedArticle]
) -> dict[str, tuple[Element, ...]]:
    by_marker = {_marker(key): article for key, article in after.items()}
    return {c.marker: by_marker[c.marker].blocks for c in changes if c.marker}


def _consolidated(
    renderer: ConventionRenderer,
    framework: Framework,
    convention: Convention,
    number: int,
    draft: bool,
) -> bytes:
    _check_number(convention, number)
    amended = framework_after(framework, convention, number)
    state = convention.state_after(number)
    return renderer.render(
        build_context(amended, state, draft=draft, consolidated=number),
        properties=consolidated_properties(amended, state, number),
    )


def _check_number(convention: Convention, number: int) -> None:
    if not 1 <= number <= len(convention.avenants):
        raise ValueError(
            f"la convention {convention.reference} compte {len(convention.avenants)} "
            f"avenant(s), pas d'avenant n° {number}."
        )


def render_avenant(
    framework: Framework,
    convention: Convention,
    number: int,
    *,
    draft: bool = False,
    template: str | os.PathLike[str] | bytes | None = None,
) -> bytes:
    """Render avenant ``number`` of a convention into .docx bytes.

    For many avenants, build one :class:`AvenantRenderer`.

    Args:
        framework: a validated framework.
        convention: one of its conventions, with its avenants.
        number: 1 for the first avenant.
        draft: "PROJET" on every page and the signature date left blank.
        template: another avenant template; the bundled one by default.

    Raises:
        ValueError: the convention has no avenant ``number``.
        TemplateError: a template cannot be used.
    """
    return AvenantRenderer(template).render_avenant(framework, convention, number, draft=draft)


def render_consolidated(
    framework: Framework, convention: Convention, number: int, *, draft: bool = False
) -> bytes:
    """Render the convention as amended by its avenants 1 to ``number`` into .docx bytes.

    Args:
        framework: a validated framework.
        convention: one of its conventions, with its avenants.
        number: the last avenant taken into account.
        draft: "PROJET" on every page and the signature date left blank.

    Raises:
        ValueError: the convention has no avenant ``number``.
        TemplateError: the template cannot be used.
    """
    return _consolidated(ConventionRenderer(), framework, convention, number, draft)


def check_avenant_template(source: str | os.PathLike[str] | bytes) -> Checked[Renderer]:
    """Lint an avenant template and, when it has no error, compile it once.

    Raises:
        TemplateError: the file cannot be read or is not a Word document.
    """

    def compile(data: bytes, *, name: str) -> Renderer:
        return FrenchRenderer(data, name=name)

    return check(source, avenant_vocabulary(), compile)
