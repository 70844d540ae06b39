"""Write a large, valid framework of invented collectivities, for batch benchmarks.

    python benchmarks/make_large_input.py -n 300 -o /tmp/large.toml

The file has the schema of ``examples/saone-et-loire.toml``: a State, a Département,
a few non-funding co-signatories, and ``n`` conventions, each with its own invented
communes and communities of communes, posts, costs and split. Every value is made up;
the output depends only on ``n`` and ``--seed``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import tomllib
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

# Pieces of invented French place names; none is meant to be a real commune.
_HEADS = (
    "Bel", "Beau", "Chante", "Clair", "Font", "Grand", "Haut", "Mont", "Neuf", "Roche",
    "Saint-Aub", "Sainte-Odil", "Val", "Vieil", "Ver", "Mar", "Lou", "Bren", "Cor", "Sauv",
)  # fmt: skip
_TAILS = (
    "aval", "bois", "champ", "court", "fontaine", "lieu", "mont", "ville", "villers",
    "ignac", "ange", "erre", "igny", "oux", "ay", "elles", "ac", "ières", "ot", "an",
)  # fmt: skip
_RIVERS = ("Arroux", "Bourbince", "Dheune", "Grosne", "Seille", "Sâne", "Reyssouze", "Vouge")
_FIRST = ("Anne", "Paul", "Claire", "Louis", "Hélène", "Marc", "Sophie", "Jean", "Léa", "Yves")
_EPCI_KINDS = (
    "communaute_de_communes",
    "communaute_d_agglomeration",
    "communaute_urbaine",
    "metropole",
)
_START = dt.date(2021, 1, 1)
#: A post's quotité: often part time, shared between a commissariat and a gendarmerie unit
#: or between communes. A convention has 0.94 ETP on average, so that 10 000 conventions
#: stay within the most ETP a framework may authorise (10 000, more than France's ISCG).
_QUOTITES = (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"), Decimal("1"))


def commune_name(rng: random.Random) -> str:
    """An invented commune name such as "Montignac-sur-Grosne"."""
    name = rng.choice(_HEADS) + rng.choice(_TAILS)
    roll = rng.random()
    if roll < 0.25:
        name += f"-sur-{rng.choice(_RIVERS)}"
    elif roll < 0.35:
        name += "-les-Mines"
    return name


def _signatory(rng: random.Random, role: str, **extra: str) -> dict[str, Any]:
    return {
        "role": role,
        "gender": rng.choice("mf"),
        "full_name": f"{rng.choice(_FIRST)} Exemple",
        **extra,
    }


def _deliberation(rng: random.Random, body: str, serial: int) -> dict[str, Any]:
    return {
        "body": body,
        "date": dt.date(2021, 1, 4) + dt.timedelta(days=rng.randrange(50)),
        "number": f"2021-{serial:04d}",
    }


def _percents(rng: random.Random, n: int) -> list[Decimal]:
    """``n`` percentages in hundredths of a point, each positive, adding up to 100."""
    cuts = sorted(rng.sample(range(1, 10_000), n - 1))
    bounds = [0, *cuts, 10_000]
    return [Decimal(b - a).scaleb(-2) for a, b in itertools.pairwise(bounds)]


def _convention(rng: random.Random, k: int, parties: list[dict[str, Any]]) -> dict[str, Any]:
    """Convention ``k``; its collectivities are appended to ``parties``."""
    members = []
    for m in range(rng.randint(1, 4)):
        pid = f"c{k:04d}-{m}"
        if m == 0 and rng.random() < 0.3:
            party = {
                "id": pid,
                "kind": "epci",
                "epci_kind": rng.choice(_EPCI_KINDS),
                "name": f"Communauté du {commune_name(rng)}",
                "signatory": _signatory(rng, "president"),
                "deliberation": _deliberation(rng, "conseil communautaire", k),
            }
        else:
            party = {
                "id": pid,
                "kind": "commune",
                "name": commune_name(rng),
                "signatory": _signatory(rng, "maire"),
                "deliberation": _deliberation(rng, "conseil municipal", k),
            }
        # Invented names: knowingly absent from the Code officiel géographique.
        party["hors_referentiel"] = True
        if rng.random() < 0.5:
            party["address"] = f"Hôtel de ville, place de la Mairie, 71{rng.randrange(1000):03d}"
        members.append(party)
    parties.extend(members)
    ids = [p["id"] for p in members]

    years = rng.choice((1, 2, 3, 3, 3))
    cost = Decimal(rng.randrange(30_000_00, 70_000_00)).scaleb(-2)
    funding_years = []
    for _ in range(years):
        if rng.random() < 0.5:
            amount = Decimal(rng.randrange(0, int(cost * 50))).scaleb(-2)
            state: dict[str, Any] = {"amount": amount}
        else:
            state = {"rate": Decimal(rng.randrange(0, 8001)).scaleb(-2)}
        funding_years.append({"cost": cost, "state": state})
        cost = (cost * Decimal("1.02")).quantize(Decimal("0.01"))

    method = rng.choice(("percent", "population", "equal"))
    if method == "percent":
        split = [
            {"party": pid, "percent": p}
            for pid, p in zip(ids, _percents(rng, len(ids)), strict=True)
        ]
    elif method == "population":
        split = [{"party": pid, "population": rng.randint(800, 60_000)} for pid in ids]
    else:
        split = [{"party": pid} for pid in ids]

    communes = [p["name"] for p in members if p["kind"] == "commune"]
    commune = communes[0] if communes else commune_name(rng)
    posts = []
    for j in range(rng.randint(1, 2)):
        police = rng.random() < 0.5
        posts.append(
            {
                "id": f"p{k:04d}-{j}",
                "force": "police" if police else "gendarmerie",
                "site": (
                    f"commissariat de police de {commune}"
                    if police
                    else f"brigade de gendarmerie de {commune}"
                ),
                "commune": commune,
                "quotite": rng.choice(_QUOTITES),
                "employer": ids[0],
                "hors_referentiel": True,
            }
        )

    convention: dict[str, Any] = {
        "reference": f"BENCH-ISCG-{k + 1:04d}",
        "territory": f"Secteur de {members[0]['name']}",
        "parties": ids,
        "signed_at": "Mâcon",
        "signed_on": dt.date(2021, 3, 8),
        "period": {"start": _START, "years": years},
        "posts": posts,
        "funding": {"split_method": method, "years": funding_years, "split": split},
    }
    if rng.random() < 0.2:
        convention["cosignatories"] = ["parquet", "ddsp"]
    return convention


def framework_data(n: int, seed: int = 71) -> dict[str, Any]:
    """A valid framework with ``n`` conventions, as TOML would give it (amounts as Decimal).

    Args:
        n: number of conventions.
        seed: the seed of the pseudo-random choices.
    """
    rng = random.Random(seed)
    parties: list[dict[str, Any]] = [
        {
            "id": "etat",
            "kind": "etat",
            "name": "État",
            "signatory": _signatory(rng, "prefet", title_suffix="de Saône-et-Loire"),
        },
        {
            "id": "cd",
            "kind": "departement",
            "name": "Saône-et-Loire",
            "signatory": _signatory(rng, "president", title_suffix="du Conseil départemental"),
            "deliberation": _deliberation(rng, "Commission permanente", 0),
        },
        {
            "id": "parquet",
            "kind": "autre",
            "name": "Parquet de Mâcon",
            "designation": "parquet près le tribunal judiciaire de Mâcon",
            "gender": "m",
            "signatory": _signatory(rng, "procureur", title_suffix="près le tribunal de Mâcon"),
        },
        {
            "id": "ddsp",
            "kind": "autre",
            "name": "Direction départementale de la sécurité publique",
            "designation": "direction départementale de la sécurité publique",
            "gender": "f",
            "signatory": _signatory(rng, "directeur", title_suffix="départemental"),
        },
    ]
    conventions = [_convention(rng, k, parties) for k in range(n)]
    used = sum((p["quotite"] for c in conventions for p in c["posts"]), Decimal(0))
    return {
        "title": "Convention cadre d'essai : collectivités inventées pour les mesures",
        "state": "etat",
        "departement": "cd",
        # What the conventions use, to the whole ETP above, as a département authorises.
        "etp_authorised": used.to_integral_value(rounding=ROUND_CEILING),
        "departement_rate": Decimal(50),
        "approved_on": dt.date(2020, 12, 17),
        "approved_by": "Assemblée départementale",
        "parties": parties,
        "conventions": conventions,
    }


# --------------------------------------------------------------------------- TOML


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # Amounts are written as strings: the loader refuses inexact float literals.
        return json.dumps(str(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        # A JSON string is a valid TOML basic string (\uXXXX escapes included).
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _table(data: dict[str, Any], prefix: str, lines: list[str]) -> None:
    """Scalars first, then sub-tables, then arrays of tables, as TOML requires."""
    nested = {k: v for k, v in data.items() if isinstance(v, dict)}
    arrays = {k: v for k, v in data.items() if isinstance(v, list) and v and isinstance(v[0], dict)}
    for key, value in data.items():
        if key not in nested and key not in arrays:
            lines.append(f"{key} = {_value(value)}")
    for key, value in nested.items():
        lines.append(f"\n[{prefix}{key}]")
        _table(value, f"{prefix}{key}.", lines)
    for key, items in arrays.items():
        for item in items:
            lines.append(f"\n[[{prefix}{key}]]")
            _table(item, f"{prefix}{key}.", lines)


def to_toml(data: dict[str, Any]) -> str:
    """``data`` as TOML text (the subset of TOML this schema needs)."""
    lines = ["# Données inventées pour les mesures de performance (benchmarks/)."]
    _table(data, "", lines)
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    """``value`` as tomllib reads it back: Decimals become strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def main() -> None:
    """Write the file and check that it reads back as the data it was made from."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=300, help="number of conventions (300)")
    parser.add_argument("-o", "--output", type=Path, default=Path("large.toml"))
    parser.add_argument("--seed", type=int, default=71)
    args = parser.parse_args()
    data = framework_data(args.n, args.seed)
    text = to_toml(data)
    if tomllib.loads(text) != _plain(data):
        raise SystemExit("internal error: the TOML does not read back as written")
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {args.n} conventions, {len(data['parties'])} parties")


if __name__ == "__main__":
    main()
