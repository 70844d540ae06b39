"""Typed, frozen records that describe a framework convention and the conventions under it.

Each record checks its own fields when it is built (types, ranges, money as ``Decimal``);
rules that span several records (shares adding up, references to parties, ETP under the
framework) live in :mod:`iscg_docs.model.rules`, which reports all of them at once.

Glossary (identifier → French legal term):

========================  =====================================================
``Framework``             convention cadre État / Département / collectivités
``Convention``            convention triennale (territoriale) de financement
``Party``                 partie à la convention (État, Département, commune, EPCI…)
``Signatory``             signataire (représentant légal de la partie)
``Deliberation``          délibération autorisant la signature
``Post``                  poste d'ISCG (lieu d'exercice et quotité)
``Post.job``              poste mutualisé / mixte : un même intervenant
``quotite``               quotité de travail, en ETP (équivalent temps plein)
``Force.POLICE``          commissariat de police nationale
``Force.GENDARMERIE``     unité de gendarmerie (brigade, compagnie)
``Period``                durée de la convention
``FundingPlan``           plan de financement
``FundingYear.cost``      coût annuel des postes (salaire et charges)
``StateShare``            participation de l'État (FIPD), par année
``departement_rate``      taux de prise en charge du Département sur le reste à charge
``SplitShare``            clé de répartition entre les collectivités
========================  =====================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property
from typing import Any

import attrs
from attrs import field, frozen

from iscg_docs.model.kinds import (
    COLLECTIVITY_KINDS,
    EpciKind,
    Force,
    Gender,
    PartyKind,
    Role,
    SplitMethod,
)
from iscg_docs.model.validators import (
    a_date,
    avenant_number,
    flag,
    identifier,
    ids,
    insee,
    instance_of,
    member_of,
    money,
    name,
    optional,
    points,
    population,
    positive_decimal,
    quotite,
    records,
    siren,
    text,
    tuple_of,
    tuple_of_ids,
    years_count,
)

__all__ = [
    "AVENANT_SECTIONS",
    "COLLECTIVITY_KINDS",
    "Avenant",
    "Convention",
    "Deliberation",
    "EpciKind",
    "Force",
    "Framework",
    "FundingPlan",
    "FundingYear",
    "Gender",
    "Party",
    "PartyKind",
    "PartySignatory",
    "Period",
    "Post",
    "Role",
    "Signatory",
    "SplitMethod",
    "SplitShare",
    "StateShare",
    "add_years",
]


# The enumerations live in kinds.py and are re-exported here, where records are built.


# --------------------------------------------------------------------------- dates


def add_years(start: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February goes to 1 March in a common year.

    So a period starting on 29 February 2024 ends on 28 February, the day before.
    """
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, month=3, day=1)


# --------------------------------------------------------------------------- parties


@frozen
class Deliberation:
    """The deliberation that authorises a collectivity's signatory to sign.

    Attributes:
        body: the deliberating body, e.g. "conseil municipal", "conseil communautaire",
            "Assemblée départementale", "commission permanente".
        date: the date of the sitting.
        number: the deliberation's number as the collectivity writes it.
    """

    body: str = field(validator=text)
    date: dt.date = field(validator=a_date)
    number: str = field(validator=text)


@frozen
class Signatory:
    """Who signs for a party.

    Attributes:
        role: the office (Préfet, Président, Maire…); with ``gender`` it gives the title.
        full_name: the signer's name as printed under the signature ("Jean Dupont").
        gender: the gender of the office holder, for "le Préfet" / "la Préfète".
        title_suffix: what follows the title: "de Saône-et-Loire", "du Conseil départemental";
            for an office named in its own name (a co-signatory of kind ``autre``), the
            whole rest of the office: "du groupement de gendarmerie départementale de
            Saône-et-Loire".
        title: the title itself when ``role`` is ``autre`` (already agreed, without article),
            e.g. "Directrice départementale de la sécurité publique".
        delegate_title: when the signer acts by delegation, the signer's own title with its
            article ("le Secrétaire général de la préfecture"); the document then reads
            "Pour le Préfet … et par délégation, le Secrétaire général …".
    """

    role: Role = field(validator=member_of(Role))
    full_name: str = field(validator=text)
    gender: Gender = field(validator=member_of(Gender))
    title_suffix: str | None = field(default=None, validator=optional(text))
    title: str | None = field(default=None, validator=optional(text))
    delegate_title: str | None = field(default=None, validator=optional(text))


@frozen
class Party:
    """A legal person that is a party to a convention.

    The French designation ("la commune de Blanzy", "le Département de l'Ain", "la
    commune du Creusot") is derived from ``kind`` and ``name`` by :mod:`iscg_docs.french`,
    with the article the Code officiel géographique gives the name;
    ``designation`` and ``gender`` override it.

    Attributes:
        id: unique identifier used by the conventions to refer to the party.
        kind: État, Département, commune, EPCI, CCAS/CIAS, association or other.
        name: the official proper name: "Blanzy", "Saône-et-Loire",
            "Mâconnais Beaujolais Agglomération"; for the State, "État".
        epci_kind: for an EPCI, which sort of community it is.
        designation: the noun phrase without article, when the default is wrong.
        gender: the grammatical gender of ``designation``.
        address: postal address (one line).
        siren: SIREN number; checked against the Code officiel géographique.
        insee: a commune's (or its CCAS's) INSEE code, to name it beyond doubt (a homonym,
            a commune of another département); checked against the name.
        hors_referentiel: the party is knowingly absent from the Code officiel
            géographique (a commune nouvelle younger than the data): not finding it is
            a warning, not an error, and a namesake the data hold lends it neither its
            designation nor its population.
        signatory: who signs for it; required for every party that signs.
        deliberation: the deliberation authorising the signature (collectivities).
    """

    id: str = field(validator=identifier)
    kind: PartyKind = field(validator=member_of(PartyKind))
    name: str = field(validator=text)
    signatory: Signatory | None = field(default=None, validator=optional(instance_of(Signatory)))
    epci_kind: EpciKind | None = field(default=None, validator=optional(member_of(EpciKind)))
    designation: str | None = field(default=None, validator=optional(text))
    gender: Gender | None = field(default=None, validator=optional(member_of(Gender)))
    address: str | None = field(default=None, validator=optional(text))
    siren: str | None = field(default=None, validator=siren)
    deliberation: Deliberation | None = field(
        default=None, validator=optional(instance_of(Deliberation))
    )
    insee: str | None = field(default=None, validator=insee)
    hors_referentiel: bool = field(default=False, validator=flag)

    @property
    def is_collectivity(self) -> bool:
        """True for the Département, communes, EPCI and their social action centres."""
        return self.kind in COLLECTIVITY_KINDS


# --------------------------------------------------------------------------- posts and period


@frozen
class Post:
    """One placement of an ISCG: a force, a site, a quotité, an employer.

    A worker shared between a commissariat and a gendarmerie unit ("poste mixte") is two
    posts with the same ``job``.

    Attributes:
        id: identifier of the placement.
        force: police nationale (commissariat) or gendarmerie.
        site: the unit or station, e.g. "commissariat de police de Mâcon",
            "compagnie de gendarmerie de Louhans".
        commune: the commune where the site stands.
        quotite: working time in ETP, ``0 < q <= 1``.
        employer: the identifier of the party that employs the worker.
        job: identifier shared by the placements of one worker, if split.
        hors_referentiel: ``commune`` is knowingly absent from the Code officiel
            géographique: not finding it is a warning, not an error.
    """

    id: str = field(validator=identifier)
    force: Force = field(validator=member_of(Force))
    site: str = field(validator=text)
    commune: str = field(validator=text)
    quotite: Decimal = field(validator=quotite)
    employer: str = field(validator=identifier)
    job: str | None = field(default=None, validator=optional(identifier))
    hors_referentiel: bool = field(default=False, validator=flag)


@frozen
class Period:
    """The convention's duration: a start date and a whole number of years.

    Attributes:
        start: first day of the convention.
        years: number of years (three for a convention triennale).
    """

    start: dt.date = field(validator=a_date)
    years: int = field(default=3, validator=years_count)

    @property
    def end(self) -> dt.date:
        """The last day: the day before the ``years``-th anniversary of ``start``."""
        return add_years(self.start, self.years) - dt.timedelta(days=1)

    def year_bounds(self, index: int) -> tuple[dt.date, dt.date]:
        """First and last day of convention year ``index`` (0-based)."""
        first = add_years(self.start, index)
        return first, add_years(self.start, index + 1) - dt.timedelta(days=1)


# --------------------------------------------------------------------------- funding


@frozen
class StateShare:
    """The State's (FIPD) contribution for one year: an amount, or a rate of the cost.

    Exactly one of ``amount`` and ``rate`` is given; zero is allowed (no FIPD that year).
    ``provisional`` marks a forecast (the FIPD of that year is not yet granted): the
    convention then says « montant prévisionnel », never that the State does not pay.
    """

    amount: Decimal | None = field(default=None, validator=optional(money))
    rate: Decimal | None = field(default=None, validator=optional(points))
    provisional: bool = field(default=False, validator=instance_of(bool))


@frozen
class FundingYear:
    """The cost of the posts and the State's contribution for one convention year.

    Attributes:
        cost: total annual cost of the posts (salary, charges, running costs), > 0.
        state: the State's contribution for that year.
    """

    cost: Decimal = field(validator=money)
    state: StateShare = field(factory=StateShare, validator=instance_of(StateShare))


@frozen
class SplitShare:
    """One collectivity's place in the split of what remains after State and Département.

    Attributes:
        party: identifier of the paying collectivity.
        percent: its share in points, for the ``percent`` method.
        population: its population, for the ``population`` method.
    """

    party: str = field(validator=identifier)
    percent: Decimal | None = field(default=None, validator=optional(points))
    population: int | None = field(default=None, validator=population)


# Typed converters: attrs gives ``__init__`` each converter's parameter type, so a caller
# building records in code is told by the type checker that ``parties=[1, 2]`` is wrong.
# mypy's attrs plugin does not specialise a generic converter, hence one per record.


def _years(value: Iterable[FundingYear]) -> tuple[FundingYear, ...]:
    return records(value)


def _shares(value: Iterable[SplitShare]) -> tuple[SplitShare, ...]:
    return records(value)


@frozen
class FundingPlan:
    """How the posts are paid for, year by year.

    Attributes:
        years: one entry per convention year, in order.
        split_method: how the collectivities share the rest.
        split: the collectivities that pay the rest, and their key.
        departement_rate: the Département's rate of what remains after the State, in
            points; ``None`` means the framework's rate.
    """

    years: tuple[FundingYear, ...] = field(converter=_years, validator=tuple_of(FundingYear))
    split: tuple[SplitShare, ...] = field(converter=_shares, validator=tuple_of(SplitShare))
    split_method: SplitMethod = field(default=SplitMethod.PERCENT, validator=member_of(SplitMethod))
    departement_rate: Decimal | None = field(default=None, validator=optional(points))


# --------------------------------------------------------------------------- conventions


def _posts(value: Iterable[Post]) -> tuple[Post, ...]:
    return records(value)


def _optional_posts(value: Iterable[Post] | None) -> tuple[Post, ...] | None:
    return None if value is None else records(value)


def _optional_ids(value: list[str] | tuple[str, ...] | None) -> tuple[str, ...] | None:
    return None if value is None else ids(value)


@frozen
class PartySignatory:
    """Who signs an avenant for a party, when not the convention's signatory (after an
    election, a new Maire).

    Attributes:
        party: the party's identifier.
        signatory: who signs for it.
    """

    party: str = field(validator=identifier)
    signatory: Signatory = field(validator=instance_of(Signatory))


def _party_signatories(value: Iterable[PartySignatory]) -> tuple[PartySignatory, ...]:
    return records(value)


#: The sections of a convention an avenant may replace, whole.
AVENANT_SECTIONS = ("funding", "posts", "period", "parties", "cosignatories")


@frozen
class Avenant:
    """An amendment to a convention: the sections it replaces, whole, from its date on.

    Attributes:
        number: 1 for the first avenant, then 2, 3…
        object: what it amends, e.g. "participation de l'État (FIPD) pour 2023".
        signed_at: the place of signature.
        signed_on: the date of signature, if known.
        funding: the new funding plan (every year, and the split).
        posts: the new posts.
        period: the new duration (an extension).
        parties: the new parties besides the State and the Département (a collectivity
            joins or leaves; its split goes in ``funding``).
        cosignatories: the new non-funding co-signatories.
        signatories: who signs the avenant for a party, when not the convention's own
            signatory.
    """

    number: int = field(validator=avenant_number)
    object: str = field(validator=text)
    signed_at: str = field(validator=text)
    signed_on: dt.date | None = field(default=None, validator=optional(a_date))
    funding: FundingPlan | None = field(default=None, validator=optional(instance_of(FundingPlan)))
    posts: tuple[Post, ...] | None = field(
        default=None, converter=_optional_posts, validator=optional(tuple_of(Post))
    )
    period: Period | None = field(default=None, validator=optional(instance_of(Period)))
    parties: tuple[str, ...] | None = field(
        default=None, converter=_optional_ids, validator=optional(tuple_of_ids)
    )
    cosignatories: tuple[str, ...] | None = field(
        default=None, converter=_optional_ids, validator=optional(tuple_of_ids)
    )
    signatories: tuple[PartySignatory, ...] = field(
        default=(), converter=_party_signatories, validator=tuple_of(PartySignatory)
    )

    @property
    def sections(self) -> dict[str, Any]:
        """The sections it replaces, by name, in :data:`AVENANT_SECTIONS` order."""
        return {s: getattr(self, s) for s in AVENANT_SECTIONS if getattr(self, s) is not None}


def _avenants(value: Iterable[Avenant]) -> tuple[Avenant, ...]:
    return records(value)


@frozen
class Convention:
    """A convention triennale under a framework: one territory, its posts and funding.

    Attributes:
        reference: the convention's reference, e.g. "CD71-ISCG-2021-01".
        territory: the territory's name, e.g. "Bassin minier".
        parties: identifiers of the parties besides the State and the Département
            (collectivities, employer), in the order they are listed.
        posts: the placements it funds.
        period: its duration.
        funding: its funding plan.
        signed_at: the place of signature ("Mâcon").
        signed_on: the date of signature, if known.
        cosignatories: identifiers of non-funding co-signatories (procureur, DDSP,
            groupement de gendarmerie).
        avenants: its amendments, in order; the fields above are the convention as first
            signed, :meth:`state_after` the convention as amended.
    """

    reference: str = field(validator=name)
    territory: str = field(validator=name)
    parties: tuple[str, ...] = field(converter=ids, validator=tuple_of_ids)
    posts: tuple[Post, ...] = field(converter=_posts, validator=tuple_of(Post))
    period: Period = field(validator=instance_of(Period))
    funding: FundingPlan = field(validator=instance_of(FundingPlan))
    signed_at: str = field(validator=text)
    signed_on: dt.date | None = field(default=None, validator=optional(a_date))
    cosignatories: tuple[str, ...] = field(default=(), converter=ids, validator=tuple_of_ids)
    avenants: tuple[Avenant, ...] = field(
        default=(), converter=_avenants, validator=tuple_of(Avenant)
    )

    @property
    def etp(self) -> Decimal:
        """Total quotité of the posts, in ETP."""
        return sum((p.quotite for p in self.posts), Decimal(0))

    def state_after(self, number: int) -> Convention:
        """The convention as amended by its avenants 1 to ``number`` (0: as first signed).

        Each avenant replaces whole sections; the result keeps those avenants as its
        history, so a document can say which consolidated version it is.

        Raises:
            ValueError: ``number`` is not between 0 and the number of avenants.
        """
        if not 0 <= number <= len(self.avenants):
            raise ValueError(
                f"la convention {self.reference} compte {len(self.avenants)} avenant(s), "
                f"pas d'état après l'avenant n° {number}."
            )
        changes: dict[str, Any] = {}
        for avenant in self.avenants[:number]:
            changes.update(avenant.sections)
        return attrs.evolve(self, **changes, avenants=self.avenants[:number])

    def state_on(self, day: dt.date) -> Convention:
        """The convention in force on ``day``: amended by the avenants signed by then."""
        signed = [a for a in self.avenants if a.signed_on is not None and a.signed_on <= day]
        return self.state_after(len(signed))


def _parties(value: Iterable[Party]) -> tuple[Party, ...]:
    return records(value)


def _conventions(value: Iterable[Convention]) -> tuple[Convention, ...]:
    return records(value)


@frozen
class Framework:
    """The convention cadre État / Département / collectivités and the conventions under it.

    Attributes:
        title: the framework's name.
        state: identifier of the State party.
        departement: identifier of the Département party.
        etp_authorised: the ETP the framework allows (six in Saône-et-Loire).
        departement_rate: the Département's rate of what remains after the State (50).
        approved_on: the date the Assemblée départementale approved the framework.
        approved_by: the body that approved it.
        approved_number: the number of that deliberation, when known.
        departement_ceiling_per_etp: the most the Département pays per ETP and per year,
            when the framework sets a ceiling; above it the collectivities pay the rest.
        tribunal_administratif: the tribunal administratif competent for disputes, without
            article (« tribunal administratif de Lyon »); when absent, the table of
            :mod:`iscg_docs.model.jurisdictions` gives it from the département.
        parties: every party any convention refers to.
        conventions: the conventions under the framework.
    """

    title: str = field(validator=text)
    state: str = field(validator=identifier)
    departement: str = field(validator=identifier)
    etp_authorised: Decimal = field(validator=positive_decimal)
    departement_rate: Decimal = field(validator=points)
    approved_on: dt.date = field(validator=a_date)
    parties: tuple[Party, ...] = field(converter=_parties, validator=tuple_of(Party))
    conventions: tuple[Convention, ...] = field(
        converter=_conventions, validator=tuple_of(Convention)
    )
    approved_by: str = field(default="Assemblée départementale", validator=text)
    approved_number: str | None = field(default=None, validator=optional(text))
    departement_ceiling_per_etp: Decimal | None = field(default=None, validator=optional(money))
    tribunal_administratif: str | None = field(default=None, validator=optional(text))

    def party(self, party_id: str) -> Party:
        """The party with that identifier.

        Raises:
            KeyError: no party has it.
        """
        return self._parties_by_id[party_id]

    @cached_property
    def _parties_by_id(self) -> dict[str, Party]:
        # Built once: a convention's context looks up some twenty parties, and a
        # département's framework lists hundreds. The first party of an identifier wins.
        by_id: dict[str, Party] = {}
        for p in self.parties:
            by_id.setdefault(p.id, p)
        return by_id

    def convention(self, reference: str) -> Convention:
        """The convention with that reference.

        Raises:
            KeyError: no convention has it.
        """
        for c in self.conventions:
            if c.reference == reference:
                return c
        raise KeyError(reference)

    @property
    def etp(self) -> Decimal:
        """ETP used by all conventions under the framework."""
        return sum((c.etp for c in self.conventions), Decimal(0))
