"""Hypothesis strategies for convention records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import attrs
from hypothesis import strategies as st

from iscg_docs.model.records import (
    Convention,
    Deliberation,
    EpciKind,
    Force,
    Framework,
    FundingPlan,
    FundingYear,
    Gender,
    Party,
    PartyKind,
    Period,
    Post,
    Role,
    Signatory,
    SplitMethod,
    SplitShare,
    StateShare,
)

cents = st.integers(min_value=1, max_value=50_000_000).map(lambda n: Decimal(n).scaleb(-2))
hundredths = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n).scaleb(-2))
genders = st.sampled_from(list(Gender))
names = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéèàçÉ -'&<>"), min_size=1, max_size=20
).filter(lambda s: s.strip() != "")


def signatories(role: Role) -> st.SearchStrategy[Signatory]:
    """A signatory holding ``role``."""
    return st.builds(Signatory, role=st.just(role), full_name=names, gender=genders)


def deliberations() -> st.SearchStrategy[Deliberation]:
    """A deliberation dated in 2020, before any generated convention starts."""
    return st.builds(
        Deliberation,
        body=st.sampled_from(["conseil municipal", "conseil communautaire"]),
        date=st.dates(dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
        number=st.from_regex(r"[0-9]{1,4}-[0-9]{2}", fullmatch=True),
    )


def percentages(n: int) -> st.SearchStrategy[list[Decimal]]:
    """``n`` percentages in hundredths of a point adding up to exactly 100."""
    if n == 1:
        return st.just([Decimal(100)])
    cuts = st.lists(st.integers(min_value=0, max_value=10_000), min_size=n - 1, max_size=n - 1).map(
        sorted
    )
    return cuts.map(
        lambda c: [Decimal(b - a).scaleb(-2) for a, b in zip([0, *c], [*c, 10_000], strict=True)]
    )


@st.composite
def state_shares(draw: st.DrawFn, cost: Decimal) -> StateShare:
    """An amount up to the cost, or a rate up to 80 %; provisional or not."""
    provisional = draw(st.booleans())
    if draw(st.booleans()):
        amount = Decimal(draw(st.integers(0, int(cost * 100)))).scaleb(-2)
        return StateShare(amount=amount, provisional=provisional)
    return StateShare(rate=Decimal(draw(st.integers(0, 8000))).scaleb(-2), provisional=provisional)


@st.composite
def frameworks(draw: st.DrawFn, max_conventions: int = 3) -> Framework:
    """A valid framework with 1 to ``max_conventions`` conventions."""
    n_collectivities = draw(st.integers(1, 5))
    state = Party("etat", PartyKind.ETAT, "État", signatory=draw(signatories(Role.PREFET)))
    dep = Party(
        "dep",
        PartyKind.DEPARTEMENT,
        "Saône-et-Loire",
        signatory=draw(signatories(Role.PRESIDENT)),
        deliberation=draw(deliberations()),
    )
    collectivities = []
    for i in range(n_collectivities):
        is_epci = draw(st.booleans())
        collectivities.append(
            Party(
                f"c{i}",
                PartyKind.EPCI if is_epci else PartyKind.COMMUNE,
                draw(names),
                epci_kind=draw(st.sampled_from(list(EpciKind))) if is_epci else None,
                signatory=draw(signatories(Role.PRESIDENT if is_epci else Role.MAIRE)),
                deliberation=draw(deliberations()),
                hors_referentiel=True,  # invented names, not in the Code officiel géographique
            )
        )
    conventions = []
    for k in range(draw(st.integers(1, max_conventions))):
        members = draw(
            st.lists(st.sampled_from(collectivities), min_size=1, unique_by=lambda p: p.id)
        )
        ids = [p.id for p in members]
        years = draw(st.integers(1, 5))
        funding_years = []
        for _ in range(years):
            cost = draw(cents)
            funding_years.append(FundingYear(cost=cost, state=draw(state_shares(cost))))
        method = draw(st.sampled_from(list(SplitMethod)))
        if method is SplitMethod.PERCENT:
            pcts = draw(percentages(len(ids)))
            split = [SplitShare(pid, percent=p) for pid, p in zip(ids, pcts, strict=True)]
        elif method is SplitMethod.POPULATION:
            split = [SplitShare(pid, population=draw(st.integers(1, 500_000))) for pid in ids]
        else:
            split = [SplitShare(pid) for pid in ids]
        posts = [
            Post(
                f"p{j}",
                draw(st.sampled_from(list(Force))),
                f"site {j}",
                "Mâcon",
                Decimal(draw(st.integers(1, 10))) / 10,
                ids[0],
            )
            for j in range(draw(st.integers(1, 2)))
        ]
        conventions.append(
            Convention(
                reference=f"REF-{k}",
                territory=f"Territoire {k}",
                parties=ids,
                posts=posts,
                period=Period(dt.date(2021, 1, 1), years),
                funding=FundingPlan(
                    years=funding_years,
                    split=split,
                    split_method=method,
                    departement_rate=draw(st.one_of(st.none(), hundredths)),
                ),
                signed_at="Mâcon",
            )
        )
    return Framework(
        title="Convention cadre",
        state="etat",
        departement="dep",
        etp_authorised=Decimal(100),
        departement_rate=Decimal(50),
        approved_on=dt.date(2020, 12, 17),
        departement_ceiling_per_etp=draw(st.one_of(st.none(), cents)),
        parties=[state, dep, *collectivities],
        conventions=conventions,
    )


#: Ways to break a convention, each making one or more errors of validation (or a
#: warning of the Code officiel géographique).
_CONVENTION_FAULTS: tuple[Callable[[Convention], Convention], ...] = (
    lambda c: attrs.evolve(c, parties=(*c.parties, "inconnue")),
    lambda c: attrs.evolve(c, cosignatories=(*c.cosignatories, "etat", c.parties[0])),
    lambda c: attrs.evolve(c, posts=()),
    lambda c: attrs.evolve(c, posts=(*c.posts, *c.posts[:1])),
    lambda c: attrs.evolve(c, posts=[attrs.evolve(p, employer="personne") for p in c.posts]),
    lambda c: attrs.evolve(
        c, posts=[attrs.evolve(p, commune="Nulle-Part-sur-Mer") for p in c.posts]
    ),
    lambda c: attrs.evolve(c, posts=[attrs.evolve(p, commune="Saint-Vallier") for p in c.posts]),
    lambda c: attrs.evolve(c, period=Period(dt.date(2001, 1, 1), c.period.years)),
    lambda c: attrs.evolve(c, signed_on=dt.date(2099, 1, 1)),
    lambda c: attrs.evolve(c, reference="CON"),
    lambda c: attrs.evolve(c, reference="REF-0"),
    lambda c: attrs.evolve(c, reference="ref/0"),
    lambda c: attrs.evolve(c, funding=attrs.evolve(c.funding, split=())),
    lambda c: attrs.evolve(
        c, funding=attrs.evolve(c.funding, split=(*c.funding.split, *c.funding.split[:1]))
    ),
    lambda c: attrs.evolve(
        c, funding=attrs.evolve(c.funding, split_method=SplitMethod.PERCENT, split=c.funding.split)
    ),
    lambda c: attrs.evolve(c, funding=attrs.evolve(c.funding, years=c.funding.years[:1] * 6)),
    lambda c: attrs.evolve(
        c,
        funding=attrs.evolve(
            c.funding, years=[FundingYear(Decimal(10), StateShare(amount=Decimal(20)))]
        ),
    ),
)

#: Ways to break a party, for the rules or the Code officiel géographique.
_PARTY_FAULTS: tuple[Callable[[Party], Party], ...] = (
    lambda p: attrs.evolve(p, signatory=None),
    lambda p: attrs.evolve(p, deliberation=None),
    lambda p: attrs.evolve(p, name="Mâcon", hors_referentiel=False, epci_kind=None),
    lambda p: attrs.evolve(p, name="Macon-Nouvelle", hors_referentiel=False, epci_kind=None),
    lambda p: attrs.evolve(p, kind=PartyKind.AUTRE, epci_kind=None),
    lambda p: attrs.evolve(p, id="etat"),
)


@st.composite
def faulty_frameworks(draw: st.DrawFn) -> Framework:
    """A framework of :func:`frameworks` with a few faults drawn in its conventions and
    parties: many errors of many kinds, maybe warnings, maybe none."""
    fw = draw(frameworks(max_conventions=5))
    conventions, parties = list(fw.conventions), list(fw.parties)
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(conventions) - 1))
        conventions[i] = draw(st.sampled_from(_CONVENTION_FAULTS))(conventions[i])
    for _ in range(draw(st.integers(0, 3))):
        k = draw(st.integers(2, len(parties) - 1))
        parties[k] = draw(st.sampled_from(_PARTY_FAULTS))(parties[k])
    return attrs.evolve(fw, conventions=conventions, parties=parties)


# Characters that break XML or Jinja when a template fails to escape them.
_AWKWARD = "&<>\"'{}%#«»’ \u00a0é€漢😀"

#: Text a user may type: any printable character, with the awkward ones made common.
#: Control, surrogate, unassigned and private characters are left out: XML 1.0 cannot
#: carry some of them at all.
user_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(_AWKWARD),
        st.characters(exclude_categories=("Cc", "Cs", "Cn", "Co")),
    ),
    max_size=40,
)

#: A paragraph's text: words of a convention, spaces, punctuation, awkward characters.
paragraph_texts = st.lists(
    st.one_of(
        st.sampled_from(["la", "convention", "État", "17 400,00 €", ",", " ", "2023", "a"]),
        user_text,
    ),
    max_size=8,
).map("".join)


@st.composite
def edited_texts(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """The paragraphs of a document, and the same after a few insertions, deletions and
    rewritings."""
    old = draw(st.lists(paragraph_texts, max_size=6))
    new = list(old)
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, len(new)))
        action = draw(st.sampled_from(["insert", "delete", "edit"]))
        if action == "insert":
            new.insert(where, draw(paragraph_texts))
        elif where < len(new):
            if action == "delete":
                del new[where]
            else:
                new[where] = draw(paragraph_texts)
    return old, new
