"""French designations of parties and signatories: articles, contractions, agreed titles."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from iscg_docs.french.dates import long_date
from iscg_docs.french.text import NBSP, agree, capitalize, elides, join, strip_article, with_article
from iscg_docs.model.place_names import of as place_of
from iscg_docs.model.places import epci_kind, official_name
from iscg_docs.model.records import (
    Deliberation,
    EpciKind,
    Gender,
    Party,
    PartyKind,
    Role,
    Signatory,
)

__all__ = [
    "authorisation",
    "deliberating_body",
    "deliberation_citation",
    "designation",
    "designation_all",
    "named_by_office",
    "noun_phrase",
    "of",
    "of_all",
    "represented_by",
    "signatory_block",
    "signatory_title",
    "to",
    "to_all",
]

_EPCI = {
    EpciKind.COMMUNAUTE_DE_COMMUNES: "communauté de communes",
    EpciKind.COMMUNAUTE_D_AGGLOMERATION: "communauté d’agglomération",
    EpciKind.COMMUNAUTE_URBAINE: "communauté urbaine",
    EpciKind.METROPOLE: "métropole",
}
_DEFAULT_GENDER = {
    PartyKind.ETAT: Gender.MASCULINE,
    PartyKind.DEPARTEMENT: Gender.MASCULINE,
    PartyKind.COMMUNE: Gender.FEMININE,
    PartyKind.EPCI: Gender.FEMININE,
    PartyKind.CCAS: Gender.MASCULINE,
    PartyKind.CIAS: Gender.MASCULINE,
    PartyKind.ASSOCIATION: Gender.FEMININE,
}


def _de(name: str, kind: PartyKind | None = None) -> str:
    """ "de" before a proper name: "de Blanzy", "d'Hirson", "du Creusot", "de Hannapes".

    A Département's or commune's name (``kind`` given) found in the Code officiel
    géographique links as its TNCC says, with its official spelling; any other name by
    its first letter.
    """
    official = None if kind is None else official_name(kind, name)
    if official is not None:
        return place_of(*official)
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    return ("d’" if elides(name) else "de ") + name


def _noun(party: Party) -> tuple[str, Gender]:
    """The noun phrase without article, and its gender."""
    place = _kind(party)  # a party outside the data is not named after a namesake in it
    gender = party.gender or _DEFAULT_GENDER.get(party.kind)
    if party.designation is not None:
        phrase = party.designation
    elif party.kind is PartyKind.ETAT:
        phrase = "État"
    elif party.kind is PartyKind.DEPARTEMENT:
        phrase = "Département " + _de(party.name, place)
    elif party.kind is PartyKind.COMMUNE:
        phrase = "commune " + _de(party.name, place)
    elif party.kind is PartyKind.EPCI:
        category = epci_kind(party)
        if category is None:
            raise ValueError(
                f"la partie « {party.id} » est un EPCI : précisez sa catégorie (epci_kind) "
                "ou sa désignation."
            )
        phrase = f"{_EPCI[category]} {party.name}"
    elif party.kind is PartyKind.CCAS:
        phrase = "centre communal d’action sociale " + _de(party.name, place)
    elif party.kind is PartyKind.CIAS:
        phrase = f"centre intercommunal d’action sociale {party.name}"
    elif party.kind is PartyKind.ASSOCIATION:
        phrase = f"association {party.name}"
    else:
        raise ValueError(
            f"la partie « {party.id} » est de nature « autre » : sa désignation "
            "(designation) est obligatoire."
        )
    if gender is None:
        raise ValueError(
            f"la partie « {party.id} » : précisez le genre (gender) de sa désignation « {phrase} »."
        )
    return phrase, gender


def _with(party: Party, after: str) -> str:
    if named_by_office(party):
        assert party.signatory is not None  # named_by_office says so
        return with_article(_office(party.signatory), party.signatory.gender, after)
    phrase, gender = _noun(party)
    return with_article(phrase, gender, after)


#: The offices of the State's services that sign in their own name: a parquet, a
#: direction of the police or a gendarmerie unit is no legal person that a signatory
#: represents. ``autre`` is a title the data write (« Commissaire de police, chef de la
#: circonscription de sécurité publique de Mâcon »).
_OFFICES = frozenset({Role.PREFET, Role.PROCUREUR, Role.DIRECTEUR, Role.COMMANDANT, Role.AUTRE})


def named_by_office(party: Party) -> bool:
    """Whether the party is named by its signatory's office, not as a service.

    So it is for a party of kind ``autre`` (a parquet, a DDSP, a groupement de
    gendarmerie) signed by a préfet, procureur, directeur, commandant or an ``autre``
    title: « la procureure de la République près le tribunal judiciaire de Mâcon, Mme … »,
    not « le parquet …, représenté par … ».

    Args:
        party: the party.

    Returns:
        True when :func:`designation` gives the office.
    """
    signatory = party.signatory
    return party.kind is PartyKind.AUTRE and signatory is not None and signatory.role in _OFFICES


def noun_phrase(party: Party) -> str:
    """A party's noun phrase without article: "commune de Blanzy", "État".

    Args:
        party: the party.

    Returns:
        What :func:`designation` puts after "le", "la" or "l'".

    Raises:
        ValueError: as for :func:`designation`.
    """
    return _noun(party)[0]


def designation(party: Party) -> str:
    """A party as subject, with its article: "l'État", "la commune de Blanzy".

    The noun phrase comes from the kind and name ("Département de Saône-et-Loire",
    "communauté d'agglomération Mâconnais Beaujolais Agglomération", "commune d'Autun",
    "commune du Creusot"); ``party.designation`` and ``party.gender`` override it. A
    party :func:`named_by_office` is its signatory's office, agreed with the signatory:
    "la procureure de la République près le tribunal judiciaire de Mâcon".

    Args:
        party: the party.

    Returns:
        "le …", "la …" or "l'…".

    Raises:
        ValueError: an ``autre`` party without designation, or an EPCI without epci_kind.
    """
    return _with(party, "")


def of(party: Party) -> str:
    """A party after "de", contracted: "de l'État", "du Département de Saône-et-Loire".

    Args:
        party: the party.

    Returns:
        "du …", "de la …" or "de l'…".

    Raises:
        ValueError: as for :func:`designation`.
    """
    return _with(party, "de")


def to(party: Party) -> str:
    """A party after "à", contracted: "à l'État", "au Département …", "à la commune …".

    Args:
        party: the party.

    Returns:
        "au …", "à la …" or "à l'…".

    Raises:
        ValueError: as for :func:`designation`.
    """
    return _with(party, "à")


def _kind(party: Party) -> PartyKind | None:
    """The kind whose official names may link ``party``'s: none outside the data."""
    return None if party.hors_referentiel else party.kind


def _communes(parties: Sequence[Party]) -> str | None:
    """ "communes de Blanzy, Montceau-les-Mines et d'Autun", or None if not all communes."""
    if len(parties) < 2 or any(
        p.kind is not PartyKind.COMMUNE or p.designation is not None for p in parties
    ):
        return None
    # One "de" serves the list; a name that would need "d'", "du" or "des" keeps it.
    names = [_de(parties[0].name, _kind(parties[0]))]
    for p in parties[1:]:
        linked = _de(p.name, _kind(p))
        names.append(linked[3:] if linked.startswith("de ") else linked)
    return "communes " + join(names)


def _all(parties: Iterable[Party], plural: str, each: Callable[[Party], str]) -> str:
    items = list(parties)
    if not items:
        raise ValueError("aucune partie à désigner.")
    group = _communes(items)
    if group is not None:
        return plural + group
    return join(each(p) for p in items)


def designation_all(parties: Iterable[Party]) -> str:
    """Several parties as subject: "les communes de Blanzy et d'Autun", or a plain list.

    Two or more communes (without designation override) are grouped; any other set is
    the :func:`join` of each :func:`designation`.

    Args:
        parties: the parties, in order.

    Returns:
        The group designation.

    Raises:
        ValueError: no party, or as for :func:`designation`.
    """
    return _all(parties, "les ", designation)


def of_all(parties: Iterable[Party]) -> str:
    """Several parties after "de": "des communes de Blanzy et d'Autun", or a list of :func:`of`.

    Args:
        parties: the parties, in order.

    Returns:
        The group designation after "de".

    Raises:
        ValueError: no party, or as for :func:`designation`.
    """
    return _all(parties, "des ", of)


def to_all(parties: Iterable[Party]) -> str:
    """Several parties after "à": "aux communes de Blanzy et d'Autun", or a list of :func:`to`.

    Args:
        parties: the parties, in order.

    Returns:
        The group designation after "à".

    Raises:
        ValueError: no party, or as for :func:`designation`.
    """
    return _all(parties, "aux ", to)


# --------------------------------------------------------------------------- signatories

# Feminine forms as the guide "Femme, j'écris ton nom" (CNRS-INaLF, 1999) gives them.
# The gendarmerie often keeps "le Commandant" for a woman; we print the feminised
# "la Commandante". A unit that insists can use role "autre" with its own title.
_TITLES = {
    Role.PREFET: ("Préfet", "Préfète"),
    Role.PRESIDENT: ("Président", "Présidente"),
    Role.MAIRE: ("Maire", "Maire"),
    Role.PROCUREUR: ("Procureur de la République", "Procureure de la République"),
    Role.DIRECTEUR: ("Directeur", "Directrice"),
    Role.COMMANDANT: ("Commandant", "Commandante"),
}


def _title(signatory: Signatory) -> str:
    """The agreed title without article: "Préfète de Saône-et-Loire"."""
    if signatory.role is Role.AUTRE:
        if signatory.title is None:
            raise ValueError(
                f"le titre de {signatory.full_name} est obligatoire quand sa fonction est « autre »."
            )
        base = signatory.title
    else:
        masculine, feminine = _TITLES[signatory.role]
        base = feminine if signatory.gender is Gender.FEMININE else masculine
    suffix = signatory.title_suffix
    if suffix and signatory.role is Role.DIRECTEUR:
        suffix = _agreed_adjective(suffix, signatory.gender)
    return f"{base} {suffix}" if suffix else base


def _agreed_adjective(suffix: str, gender: Gender) -> str:
    """ "départemental …" agreed with a Directrice: "départementale …" (and back)."""
    first, _, rest = suffix.partition(" ")
    if gender is Gender.FEMININE and first.endswith("al"):
        first += "e"
    elif gender is Gender.MASCULINE and first.endswith("ale"):
        first = first[:-1]
    return f"{first} {rest}" if rest else first


def signatory_title(signatory: Signatory) -> str:
    """The signatory's title with its article: "le Préfet …", "la Préfète …", "la Maire …".

    Args:
        signatory: the signatory; ``gender`` agrees the title and the article,
            ``title_suffix`` follows the title, ``title`` replaces it for role ``autre``.

    Returns:
        The title with "le", "la" or "l'".

    Raises:
        ValueError: role ``autre`` without ``title``.
    """
    return with_article(_title(signatory), signatory.gender)


def _office(signatory: Signatory) -> str:
    """The title as running text names the office: "procureure de la République …"."""
    title = _title(signatory)
    # A title in a sentence starts in lower case; an acronym (« DDSP ») keeps its capitals.
    if len(title) > 1 and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def _civility(signatory: Signatory) -> str:
    # A no-break space keeps "M." or "Mme" on the same line as the name.
    return ("Mme" if signatory.gender is Gender.FEMININE else "M.") + NBSP + signatory.full_name


def represented_by(party: Party) -> str:
    """How a party acts: "représentée par Mme Anne Martin, Présidente du Conseil départemental".

    "représenté(e)" agrees with the party; "M." / "Mme" with the signatory. When the
    signer acts by delegation: "représenté par le Préfet de Saône-et-Loire et, par
    délégation, par M. Paul Durand, Secrétaire général de la préfecture". A party
    :func:`named_by_office` is its office: the signatory follows it alone ("Mme Sophie
    Martin"), or "représenté, par délégation, par M. Paul Durand, Secrétaire général …".

    Args:
        party: a party with a signatory.

    Returns:
        The phrase, to follow the party's designation after a comma.

    Raises:
        ValueError: the party has no signatory, or as for :func:`designation`.
    """
    signatory = party.signatory
    if signatory is None:
        raise ValueError(f"la partie « {party.id} » n'a pas de signataire.")
    if named_by_office(party):
        if signatory.delegate_title:
            verb = agree("représenté", signatory.gender)
            return (
                f"{verb} par {_civility(signatory)}, "
                f"{strip_article(signatory.delegate_title)}, par délégation"
            )
        return _civility(signatory)
    verb = agree("représenté", _noun(party)[1])
    if signatory.delegate_title:
        return (
            f"{verb} par {signatory_title(signatory)} et, par délégation, par "
            f"{_civility(signatory)}, {strip_article(signatory.delegate_title)}"
        )
    return f"{verb} par {_civility(signatory)}, {_title(signatory)}"


def signatory_block(signatory: Signatory) -> list[str]:
    """The lines above a signature: the title, then the name.

    ``["Le Préfet de Saône-et-Loire", "Jean Dupont"]``; by delegation,
    ``["Pour le Préfet de Saône-et-Loire et par délégation, le Secrétaire général de la
    préfecture", "Paul Durand"]``.

    Args:
        signatory: the signatory.

    Returns:
        Two lines; the first starts with a capital.

    Raises:
        ValueError: as for :func:`signatory_title`.
    """
    title = signatory_title(signatory)
    if signatory.delegate_title:
        first = f"Pour {title} et par délégation, {signatory.delegate_title}"
    else:
        first = capitalize(title)
    return [first, signatory.full_name]


# --------------------------------------------------------------------------- deliberations

#: Deliberating bodies whose first word is masculine; any other body is feminine
#: ("la Commission permanente", "l'Assemblée départementale").
_MASCULINE_BODIES = ("conseil", "bureau", "comité", "comite")


def deliberating_body(body: str, after: str = "") -> str:
    """A deliberating body with its article: "le conseil municipal", "de la Commission permanente".

    The gender of the usual bodies is known from their first word.

    Args:
        body: the body as the records name it, without article.
        after: "" or "de", as for :func:`~iscg_docs.french.text.with_article`.

    Returns:
        The body with its article, elided or contracted.
    """
    first = body.split()[0].lower()
    gender = Gender.MASCULINE if first in _MASCULINE_BODIES else Gender.FEMININE
    return with_article(body, gender, after)


def _sitting(deliberation: Deliberation) -> str:
    """ "du 28 janvier 2021 (n° 2021-07)": when the body sat and the deliberation's number."""
    # Non-breaking hyphens keep a number such as "2021-011" on one line.
    number = deliberation.number.replace("-", "\u2011")
    return f"du {long_date(deliberation.date)} (n°{NBSP}{number})"


def authorisation(party: Party) -> str:
    """How the signatory is authorised: "dûment habilitée par délibération du conseil municipal du …".

    "habilité(e)" agrees with the signatory, who is the one authorised.

    Args:
        party: the party.

    Returns:
        The phrase, with the body, the date and the number of the deliberation; the
        empty text when the party has no deliberation or no signatory.
    """
    d = party.deliberation
    if d is None or party.signatory is None:
        return ""
    agreed = agree("habilité", party.signatory.gender)
    return f"dûment {agreed} par délibération {deliberating_body(d.body, 'de')} {_sitting(d)}"


def deliberation_citation(party: Party) -> str | None:
    """A deliberation cited in the visas, without "Vu": "la délibération du conseil … du …".

    Args:
        party: the party.

    Returns:
        "la délibération {body} {of party} du {date} (n° {number})", or None when the
        party has no deliberation.

    Raises:
        ValueError: as for :func:`designation`.
    """
    d = party.deliberation
    if d is None:
        return None
    return f"la délibération {deliberating_body(d.body, 'de')} {of(party)} {_sitting(d)}"
