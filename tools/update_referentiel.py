"""Rebuild iscg_docs/model/cog.json.gz from Etalab's découpage administratif (npm).

Run from the repository root::

    python tools/update_referentiel.py                      # version 6.0.0, via npm pack
    python tools/update_referentiel.py --tarball FILE.tgz   # a tarball already fetched

It fetches ``@etalab/decoupage-administratif`` with ``npm pack`` (npm must be installed
and the registry reachable), reads the départements, the current communes and the EPCI
with their members straight from the tarball, keeps what iscg-docs uses and writes one
gzip-compressed JSON file inside the package. The file records where it comes from
(package, version, tarball digest, licences) and the vintage of the legal populations,
which the package does not state in its data: the table :data:`POPULATIONS` holds it for
the versions that were checked, and ``--millesime`` gives it for any other.

Only metropolitan and overseas départements (zones ``metro`` and ``drom``) are kept. The
package also lists the collectivités d'outre-mer (zone ``com``): they are not
départements, their communes carry no TNCC, and the package gives every one of them
TNCC 0 (« de Île de Clipperton »), which is a filler, not the COG's word.

The output is deterministic: the same tarball gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "iscg_docs" / "model" / "cog.json.gz"
PACKAGE = "@etalab/decoupage-administratif"
DEFAULT_VERSION = "6.0.0"
#: Bumped when the layout of the file changes; iscg_docs.model.cog refuses other values.
FORMAT = 1
ZONES = ("metro", "drom")
CATEGORIES = ("CC", "CA", "CU", "METRO", "MET69")

#: The vintage (millésime) of the legal populations each checked version carries, and
#: the départements whose figures are older. For 6.0.0 (COG 2026): the upstream build
#: reads INSEE's « populations légales 2023 » (commit « Update pop 2023 », January 2026;
#: README source https://www.insee.fr/fr/statistiques/8680726), except Mayotte, whose
#: figures come from INSEE's 2017 census of Mayotte (README: « population Mayotte INSEE
#: 2017 »; Mamoudzou 71 437).
POPULATIONS: dict[str, tuple[int, dict[str, int]]] = {
    "6.0.0": (2023, {"976": 2017}),
}
#: The COG year each checked version follows (the package README's table).
COG_YEARS = {"6.0.0": 2026}


class Refused(Exception):
    """The package's data do not look as expected: nothing is written."""


def npm_pack(version: str, folder: Path) -> Path:
    """Fetch the package's tarball into ``folder`` with ``npm pack``; return its path."""
    result = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--json", "--pack-destination", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    (info,) = json.loads(result.stdout)
    return folder / str(info["filename"])


def read_tarball(path: Path) -> dict[str, Any]:
    """The package's package.json, README and data files, parsed, keyed by file name."""
    wanted = {
        "package/package.json": "package",
        "package/data/departements.json": "departements",
        "package/data/communes.json": "communes",
        "package/data/epci.json": "epci",
    }
    out: dict[str, Any] = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar.getmembers():
            if member.name in wanted:
                stream = tar.extractfile(member)
                if stream is None:
                    raise Refused(f"{member.name} n'est pas un fichier")
                out[wanted[member.name]] = json.load(stream)
    missing = sorted(set(wanted.values()) - set(out))
    if missing:
        raise Refused(f"fichiers absents du paquet : {', '.join(missing)}")
    return out


def require(rows: Sequence[Mapping[str, Any]], what: str, fields: Sequence[str]) -> None:
    """Refuse the data if one row lacks a field we keep (nothing is made up)."""
    for row in rows:
        absent = [f for f in fields if row.get(f) in (None, "")]
        if absent:
            raise Refused(f"{what} {row.get('code')} ({row.get('nom')}) sans {', '.join(absent)}")


def departements(raw: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """``[code, name, tncc, region code]`` for each département, by code."""
    kept = [d for d in raw if d["zone"] in ZONES]
    require(kept, "département", ("code", "nom", "typeLiaison", "region"))
    return sorted([d["code"], d["nom"], int(d["typeLiaison"]), d["region"]] for d in kept)


def communes(raw: Sequence[Mapping[str, Any]], deps: set[str]) -> list[list[Any]]:
    """``[insee, name, tncc, département, siren, population]`` for each current commune."""
    kept = [c for c in raw if c["type"] == "commune-actuelle" and c["departement"] in deps]
    require(kept, "commune", ("code", "nom", "typeLiaison", "departement", "siren", "population"))
    odd = [c["code"] for c in kept if not 0 <= int(c["typeLiaison"]) <= 8]
    if odd:
        raise Refused(f"TNCC hors de 0 à 8 : {odd}")
    rows = sorted(
        [c["code"], c["nom"], int(c["typeLiaison"]), c["departement"], c["siren"], c["population"]]
        for c in kept
    )
    codes = [r[0] for r in rows]
    if len(set(codes)) != len(codes):
        raise Refused("codes INSEE de communes en double")
    return rows


def epcis(raw: Sequence[Mapping[str, Any]], insee: set[str]) -> list[list[Any]]:
    """``[siren, name, category, [member insee codes]]`` for each EPCI, by SIREN."""
    require(raw, "EPCI", ("code", "nom", "type", "membres"))
    rows = []
    seen: set[str] = set()
    for e in raw:
        if e["type"] not in CATEGORIES:
            raise Refused(f"EPCI {e['code']} : catégorie inconnue {e['type']!r}")
        members = sorted(m["code"] for m in e["membres"])
        unknown = [m for m in members if m not in insee]
        if unknown:
            raise Refused(f"EPCI {e['code']} : membres hors des communes actuelles {unknown}")
        if seen & set(members):
            raise Refused(f"EPCI {e['code']} : une commune appartient à deux EPCI")
        seen.update(members)
        rows.append([e["code"], e["nom"], e["type"], members])
    return sorted(rows)


#: The columns of each table, in the order of a line's tab-separated fields.
FIELDS = {
    "departements": ["code", "nom", "tncc", "region"],
    "communes": ["insee", "nom", "tncc", "siren", "population", "epci"],
    "epcis": ["siren", "nom", "categorie", "membres"],
}


def lines(rows: Sequence[Sequence[Any]]) -> bytes:
    """Rows as UTF-8 text: fields joined by tabs, rows by newlines, lists by spaces."""
    out = []
    for row in rows:
        fields = [" ".join(f) if isinstance(f, list) else str(f) for f in row]
        if any(c in f for f in fields for c in "\t\n"):
            raise Refused(f"tabulation ou saut de ligne dans {row!r}")
        out.append("\t".join(fields))
    return "\n".join(out).encode("utf-8")


def build(
    data: Mapping[str, Any], digest: str, millesime: int, exceptions: Mapping[str, int]
) -> bytes:
    """The referential, uncompressed: a JSON header line, then the tables as text.

    The header holds the metadata and, for each table, the byte range of its text in
    what follows the header; the communes are one table per département. Reading the
    file then costs a small JSON parse, and a lookup decodes and splits only the lines
    it needs: the first lookup stays far under the 100 ms budget, where one JSON
    document of 35 000 records would spend about that parsing alone.
    """
    package = data["package"]
    version = package["version"]
    deps = departements(data["departements"])
    coms = communes(data["communes"], {d[0] for d in deps})
    groups = epcis(data["epci"], {c[0] for c in coms})
    epci_of = {code: siren for siren, _, _, members in groups for code in members}
    by_departement: dict[str, list[list[Any]]] = {d[0]: [] for d in deps}
    for insee, nom, tncc, dep, siren, population in coms:
        row = [insee, nom, tncc, siren, population, epci_of.get(insee, "")]
        by_departement[dep].append(row)
    tables = {"departements": lines(deps), "epcis": lines(groups)}
    tables.update({f"communes/{dep}": lines(rows) for dep, rows in by_departement.items()})
    ranges, offset = {}, 0
    for name, text in tables.items():
        ranges[name] = [offset, offset + len(text)]
        offset += len(text)
    header = {
        "format": FORMAT,
        "source": {
            "paquet": package["name"],
            "version": version,
            "sha256": digest,
            "licence": package["license"],
            # The package's README: « Données : Licence Ouverte ; Code : MIT ».
            "licence_donnees": "Licence Ouverte (Etalab)",
            "origine": "Code officiel géographique (INSEE), EPCI à fiscalité propre (DGCL), "
            "populations légales (INSEE)",
            "cog": COG_YEARS.get(version),
        },
        "population": {
            "nature": "population municipale",
            "millesime": millesime,
            "exceptions": dict(sorted(exceptions.items())),
        },
        "champs": FIELDS,
        "tables": ranges,
        "taille": offset,
    }
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return head + b"\n" + b"".join(tables.values())


def encode(content: bytes) -> bytes:
    """gzip level 9, no name or time in the header: the same content gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(content)
    return buffer.getvalue()


def parse_exception(text: str) -> tuple[str, int]:
    """``976=2017`` → ``("976", 2017)``."""
    dep, _, year = text.partition("=")
    if not dep or not year.isdigit():
        raise argparse.ArgumentTypeError(f"DÉP=ANNÉE attendu, pas {text!r}")
    return dep, int(year)


def main(argv: Sequence[str] | None = None) -> int:
    """Fetch (or read) the tarball, check and reduce its data, write the file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_VERSION, help="version du paquet npm")
    parser.add_argument("--tarball", type=Path, help="un .tgz déjà téléchargé (pas de réseau)")
    parser.add_argument("--millesime", type=int, help="millésime des populations légales")
    parser.add_argument(
        "--exception",
        type=parse_exception,
        action="append",
        default=[],
        metavar="DÉP=ANNÉE",
        help="département dont les populations ont un autre millésime (répétable)",
    )
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or npm_pack(args.version, Path(tmp))
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        try:
            data = read_tarball(tarball)
            version = data["package"]["version"]
            if args.millesime is not None:
                millesime, exceptions = args.millesime, dict(args.exception)
            elif version in POPULATIONS:
                millesime, exceptions = POPULATIONS[version]
            else:
                raise Refused(
                    f"millésime des populations de la version {version} inconnu : --millesime"
                )
            payload = encode(build(data, digest, millesime, exceptions))
        except Refused as e:
            print(f"données refusées : {e}", file=sys.stderr)
            return 1
    args.output.write_bytes(payload)
    print(f"{args.output} : {len(payload)} octets ({PACKAGE} {version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
