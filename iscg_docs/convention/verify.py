"""A generated convention read back and checked, as a jurist would before signing it."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from attrs import frozen

from iscg_docs.convention.verify_read import Table, body_items, read_package
from iscg_docs.convention.verify_totals import Plan, check_totals, read_plan
from iscg_docs.errors import TemplateError
from iscg_docs.french.parse import parse_money_words, parse_number_words
from iscg_docs.model.financing import Financing

__all__ = ["Finding", "verify_document"]


@frozen
class Finding:
    """One thing found wrong in a generated document.

    Attributes:
        code: stable identifier, e.g. ``montant-lettres`` (see :data:`CODES`).
        where: where it stands: "corps, paragraphe 12", "tableau 2, ligne 3, cellule 1",
            "en-tête", "pied de page", "document" for the document as a whole.
        message: what is wrong, in French.
        excerpt: the text concerned, as Word shows it.
    """

    code: str
    where: str
    message: str
    excerpt: str = ""

    def __str__(self) -> str:
        line = f"erreur [{self.code}] {self.where} : {self.message}"
        return f"{line}\n    « {self.excerpt} »" if self.excerpt else line


#: Every finding's code, with what it means.
CODES = {
    "balise-restante": "une balise {{ }}, {% %} ou {# #} du modèle est restée dans le texte",
    "espace-ponctuation": "une espace sécable avant « : ; ! ? »",
    "espace-date": "une espace sécable entre le jour et le mois",
    "montant-lettres": "un montant en lettres ne dit pas la même somme que ses chiffres",
    "renvoi-article": "un renvoi à un article qui n'existe pas",
    "signature-manquante": "une partie nommée au préambule n'a pas de bloc de signature",
    "exemplaires": "le nombre d'exemplaires originaux diffère du nombre de blocs de signature",
    "total-incoherent": "les montants du plan de financement ne s'additionnent pas, ou le texte, "
    "le tableau et le plan calculé ne disent pas les mêmes totaux",
}

_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_TAG = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_SPACE_BEFORE = re.compile(r"\S( +)[:;!?]")
_DAY_MONTH = re.compile(rf"\b(?:\d{{1,2}}|1er) +(?:{_MONTHS})\b")
# Every match of a check's pattern contains one of these strings: a paragraph without
# them is skipped unscanned (a substring test costs far less than a regex scan).
_ANY_MONTH = re.compile(_MONTHS)
#: An amount in figures as the documents print it: "25 000,00 €" (any kind of space).
_FIGURES = re.compile(r"\((\d{1,3}(?:[ \u00a0\u202f]\d{3})*,\d{2})[ \u00a0\u202f]?€\)")
#: The words of an amount, read backwards from just before its figures.
_NUMERALS = (
    r"zéro|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
    r"quinze|seize|vingts?|trente|quarante|cinquante|soixante|cents?|mille|millions?|"
    r"milliards?|et|euros?|centimes?|d['’]"
)
_WORDS_BEFORE = re.compile(rf"(?:(?<!\w)(?:{_NUMERALS})(?:[ \u00a0-]+|(?<=['’])|$))+$", re.I)
#: A heading: "Article 1er – Objet", "Article 12 - Litiges".
_HEADING = re.compile(r"^Article (\d+)(?:er)? *[–—-]")
#: A reference to this convention's own article: "l'article 4", "L'article 4 est…", not
#: "l'article 226-13" nor "l'article 5 de la loi".
_REFERENCE = re.compile(
    r"\b[lL]['’]article (\d+)(?:er)?\b(?![-\d])(?! +(?:du|de la|de l['’]|des|de ce|de cette)\b)"
)
_COPIES = re.compile(r"\ben ([\w\s-]+?) \((\d+)\) exemplaires originaux\b")
_PARTIES_START = ("entre les soussignés", "en présence de")
_PARTIES_END = "ci-après dénommé"
_REPRESENTED = re.compile(r",\s*représentée? par\s+(?:M\.|Mme|Mlle)?\s*([^,;]+)")


@frozen
class _Para:
    """A paragraph of the document: its place and its text as Word shows it."""

    where: str
    text: str


@frozen
class _Document:
    """What the checks read: paragraphs in order, and each signature block's lines."""

    paragraphs: tuple[_Para, ...]
    blocks: tuple[tuple[str, ...], ...]
    plan: Plan | None = None


def verify_document(
    source: str | os.PathLike[str] | bytes, *, financing: Financing | None = None
) -> tuple[Finding, ...]:
    """Read a generated .docx back and check what a jurist checks before signing.

    Checked: each amount in words says the same sum as its figures; each « l'article N »
    points to an article heading that exists; each party named before the visas has a
    signature block; « en N exemplaires originaux » equals the number of blocks; no
    template tag is left; no breaking space before « : ; ! ? » nor between a day and its
    month; the plan's table adds up, the commitments the text lists are its totals, and
    (with ``financing``) the table is the computed plan.

    Args:
        source: the path of a .docx, or its bytes.
        financing: the plan the document was generated from, to compare its totals with.

    Returns:
        The findings in document order, check by check; empty when the document is clean.

    Raises:
        TemplateError: the file cannot be read or is not a Word document.
    """
    document = _read(source)
    return (
        *_tags(document.paragraphs),
        *_spaces(document.paragraphs),
        *_amounts(document.paragraphs),
        *_references(document.paragraphs),
        *_signatures(document),
        *(
            Finding(*finding)
            for finding in check_totals(
                document.plan,
                [(p.where, p.text) for p in document.paragraphs if p.where.startswith("corps")],
                financing,
            )
        ),
    )


# --------------------------------------------------------------------------- reading


def _read(source: str | os.PathLike[str] | bytes) -> _Document:
    """The document's paragraphs (body, tables, headers, footers) and signature blocks."""
    try:
        body, margins = read_package(source)
    except Exception as error:  # zip, XML and package errors alike: a bad file
        raise TemplateError(f"document illisible : {error}") from error
    if body is None:
        raise TemplateError("document illisible : le document n'a pas de corps")
    paragraphs: list[_Para] = []
    blocks: list[tuple[str, ...]] = []
    signing = annexed = False
    count = tables = 0
    plan: Plan | None = None
    for item in body_items(body):
        if isinstance(item, str):
            count += 1
            paragraphs.append(_Para(f"corps, paragraphe {count}", item))
            # An annex after the signatures (the financing plan) holds no signature.
            annexed = annexed or (signing and item.lstrip().startswith("Annexe"))
            signing = (signing or "exemplaires originaux" in item) and not annexed
        else:
            tables += 1
            paragraphs.extend(
                _Para(f"tableau {tables}, ligne {r}, cellule {c}", text)
                for r, c, texts in item
                for text in texts
            )
            if plan is None:
                plan = read_plan(_texts(item))
            # Every table after « exemplaires originaux » and before an annex holds
            # signatures (the parties', then the cosignatories' under their own heading).
            if signing:
                blocks.extend(_blocks(item))
    paragraphs.extend(_Para(where, text) for where, texts in margins for text in texts)
    return _Document(tuple(paragraphs), tuple(blocks), plan)


def _texts(table: Table) -> list[list[str]]:
    """Each row's cell texts (a cell's paragraphs joined by line breaks)."""
    rows: list[list[str]] = []
    for r, _, texts in table:
        if len(rows) < r:
            rows.append([])
        rows[-1].append("\n".join(texts))
    return rows


def _blocks(table: Table) -> Iterator[tuple[str, ...]]:
    """Each signatory's block: a cell starting « Pour … » or a row's head, and the cells below.

    A block spans two rows (designation and title, then the room to sign and the name),
    so an odd row starts a block even without « Pour » (an office signing in its own
    name: « Le Procureur de la République … »); an even row's cell that does not start
    with « Pour » continues the block above it in its column.
    """
    columns: dict[int, list[list[str]]] = {}
    for r, c, texts in table:
        # A block writes place names with non-breaking hyphens; the preamble, with hyphens.
        lines = [t.strip().replace("\u2011", "-") for t in texts if t.strip()]
        if not lines:
            continue
        blocks = columns.setdefault(c, [])
        if lines[0].startswith("Pour ") or r % 2 == 1 or not blocks:
            blocks.append(lines)
        else:
            blocks[-1].extend(lines)
    for blocks in columns.values():
        yield from (tuple(b) for b in blocks)


# --------------------------------------------------------------------------- checks


def _excerpt(text: str, start: int, end: int, margin: int = 30) -> str:
    head = "…" if start > margin else ""
    tail = "…" if end + margin < len(text) else ""
    return f"{head}{text[max(0, start - margin) : end + margin]}{tail}"


def _tags(paragraphs: Sequence[_Para]) -> Iterator[Finding]:
    for p in paragraphs:
        if "{" not in p.text and "}" not in p.text:
            continue
        m = _TAG.search(p.text)
        if m:
            yield Finding(
                "balise-restante",
                p.where,
                f"la balise « {m.group()} » du modèle est restée dans le document : une "
                "variable ou une condition n'a pas été remplacée.",
                _excerpt(p.text, m.start(), m.end()),
            )


def _spaces(paragraphs: Sequence[_Para]) -> Iterator[Finding]:
    for p in paragraphs:
        t = p.text
        spaced = " :" in t or " ;" in t or " !" in t or " ?" in t
        for m in _SPACE_BEFORE.finditer(p.text) if spaced else ():
            sign = p.text[m.end() - 1]
            yield Finding(
                "espace-ponctuation",
                p.where,
                f"espace sécable avant « {sign} » : la ligne peut se couper avant le signe ; "
                "il faut une espace insécable.",
                _excerpt(p.text, m.start(), m.end()),
            )
        for m in _DAY_MONTH.finditer(p.text) if _ANY_MONTH.search(p.text) else ():
            yield Finding(
                "espace-date",
                p.where,
                f"espace sécable dans « {m.group()} » : le jour et le mois peuvent être "
                "séparés en fin de ligne ; il faut une espace insécable.",
                _excerpt(p.text, m.start(), m.end()),
            )


def _figures(text: str) -> Decimal:
    """ "25 000,00" → Decimal("25000.00")."""
    return Decimal(re.sub(r"[ \u00a0\u202f]", "", text).replace(",", "."))


def _in_words(before: str) -> tuple[str, Decimal | None]:
    """The amount in words ending ``before``, and its value; None if none reads.

    The numeral words that precede the figures may begin with prose words that are also
    numerals (« et », « un »): the longest run that reads as an amount wins.
    """
    m = _WORDS_BEFORE.search(before.rstrip())
    if m is None:
        return "", None
    tokens = m.group().strip().split(" ")
    for start in range(len(tokens)):
        words = " ".join(tokens[start:])
        value = _money(words)
        if value is not None:
            return words, value
    return m.group().strip(), None


@functools.lru_cache(maxsize=4096)
def _money(words: str) -> Decimal | None:
    """``parse_money_words``, None for words that do not read as an amount; cached, as a
    batch's documents repeat the same amounts and the same prose before them."""
    try:
        return parse_money_words(words)
    except ValueError:
        return None


def _amounts(paragraphs: Sequence[_Para]) -> Iterator[Finding]:
    for p in paragraphs:
        for m in _FIGURES.finditer(p.text) if "€)" in p.text else ():
            words, value = _in_words(p.text[: m.start()])
            if not words:
                continue  # figures alone, as in a table: nothing to compare
            figures = _figures(m.group(1))
            if value == figures:
                continue
            said = "ne se lit pas comme un montant" if value is None else f"dit {value} €"
            yield Finding(
                "montant-lettres",
                p.where,
                f"« {words} » {said} mais les chiffres disent {m.group(1)} € : "
                "le montant en lettres et le montant en chiffres doivent être identiques.",
                _excerpt(p.text, m.start() - len(words) - 1, m.end(), margin=10),
            )


def _references(paragraphs: Sequence[_Para]) -> Iterator[Finding]:
    headings = set()
    for p in paragraphs:
        m = _HEADING.match(p.text)
        if m:
            headings.add(int(m.group(1)))
    for p in paragraphs:
        if _HEADING.match(p.text):
            continue
        for m in _REFERENCE.finditer(p.text) if "article " in p.text else ():
            number = int(m.group(1))
            if number not in headings:
                known = ", ".join(str(n) for n in sorted(headings)) or "aucun"
                yield Finding(
                    "renvoi-article",
                    p.where,
                    f"renvoi à l'article {number}, qui n'existe pas dans la convention "
                    f"(articles présents : {known}).",
                    _excerpt(p.text, m.start(), m.end()),
                )


def _parties(paragraphs: Sequence[_Para]) -> Iterator[_Para]:
    """The party clauses: after « Entre les soussignés » or « En présence de », up to
    « ci-après dénommé… »."""
    inside = False
    for p in paragraphs:
        text = p.text.strip()
        lowered = text.lower()
        if lowered.startswith(_PARTIES_START):
            inside = True
        elif lowered.startswith(_PARTIES_END):
            inside = False
        elif inside and text:
            yield p


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("\u00a0", " ").split()).casefold()


def _signed(clause: str, blocks: Sequence[tuple[str, ...]]) -> bool:
    """Whether a block names the party of ``clause``, or its signatory."""
    designation = _plain(re.split(r"[,;]", clause, maxsplit=1)[0])
    signatory = _REPRESENTED.search(clause)
    name = _plain(signatory.group(1)) if signatory else ""
    for block in blocks:
        lines = [_plain(line) for line in block]
        if any(line.removeprefix("pour ") == designation for line in lines):
            return True
        if name and any(line == name or line.endswith(" " + name) for line in lines):
            return True
    return False


def _signatures(document: _Document) -> Iterator[Finding]:
    blocks = document.blocks
    for p in _parties(document.paragraphs):
        if not _signed(p.text, blocks):
            yield Finding(
                "signature-manquante",
                p.where,
                "cette partie est nommée au préambule mais aucun bloc de signature ne la "
                "nomme, ni son représentant.",
                p.text.strip(),
            )
    for p in document.paragraphs:
        m = _COPIES.search(p.text) if "exemplaires originaux" in p.text else None
        if m is None:
            continue
        try:
            words = parse_number_words(m.group(1))
        except ValueError:
            words = -1
        figures = int(m.group(2))
        if words != figures or figures != len(blocks):
            yield Finding(
                "exemplaires",
                p.where,
                f"« {m.group(1)} ({figures}) exemplaires originaux » pour {len(blocks)} "
                f"bloc{'s' if len(blocks) > 1 else ''} de signature : il faut un exemplaire "
                "par signataire, écrit de même en lettres et en chiffres.",
                _excerpt(p.text, m.start(), m.end()),
            )
