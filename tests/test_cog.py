"""Tests for iscg_docs.model.cog: the shipped COG data, lookups, suggestions, bad files."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import pickle
import re
import subprocess
import sys
import tarfile
import zlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from iscg_docs.errors import InputError, IscgError
from iscg_docs.model import cog
from iscg_docs.model.cog import (
    AmbiguousName,
    Commune,
    EpciCategory,
    Referentiel,
    ReferentielError,
    Tncc,
    UnknownName,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "iscg_docs" / "model" / cog.DATA_FILE


@pytest.fixture(scope="module")
def ref() -> Referentiel:
    """The shipped referential."""
    return cog.referentiel()


# Every département's name after « de », generated from the data with Departement.of
# and then read line by line against French usage (Le Monde, the départements' own
# sites): all 101 are right. La Réunion keeps its capital: the COG names the département
# « La Réunion » (TNCC 0), as its Conseil départemental writes « de La Réunion ».
DEPARTEMENTS_DE = {
    "01": "de l’Ain", "02": "de l’Aisne", "03": "de l’Allier",
    "04": "des Alpes-de-Haute-Provence", "05": "des Hautes-Alpes",
    "06": "des Alpes-Maritimes", "07": "de l’Ardèche", "08": "des Ardennes",
    "09": "de l’Ariège", "10": "de l’Aube", "11": "de l’Aude", "12": "de l’Aveyron",
    "13": "des Bouches-du-Rhône", "14": "du Calvados", "15": "du Cantal",
    "16": "de la Charente", "17": "de la Charente-Maritime", "18": "du Cher",
    "19": "de la Corrèze", "21": "de la Côte-d'Or", "22": "des Côtes-d'Armor",
    "23": "de la Creuse", "24": "de la Dordogne", "25": "du Doubs", "26": "de la Drôme",
    "27": "de l’Eure", "28": "d’Eure-et-Loir", "29": "du Finistère",
    "2A": "de la Corse-du-Sud", "2B": "de la Haute-Corse", "30": "du Gard",
    "31": "de la Haute-Garonne", "32": "du Gers", "33": "de la Gironde",
    "34": "de l’Hérault", "35": "d’Ille-et-Vilaine", "36": "de l’Indre",
    "37": "d’Indre-et-Loire", "38": "de l’Isère", "39": "du Jura", "40": "des Landes",
    "41": "du Loir-et-Cher", "42": "de la Loire", "43": "de la Haute-Loire",
    "44": "de la Loire-Atlantique", "45": "du Loiret", "46": "du Lot",
    "47": "du Lot-et-Garonne", "48": "de la Lozère", "49": "de Maine-et-Loire",
    "50": "de la Manche", "51": "de la Marne", "52": "de la Haute-Marne",
    "53": "de la Mayenne", "54": "de Meurthe-et-Moselle", "55": "de la Meuse",
    "56": "du Morbihan", "57": "de la Moselle", "58": "de la Nièvre", "59": "du Nord",
    "60": "de l’Oise", "61": "de l’Orne", "62": "du Pas-de-Calais",
    "63": "du Puy-de-Dôme", "64": "des Pyrénées-Atlantiques",
    "65": "des Hautes-Pyrénées", "66": "des Pyrénées-Orientales", "67": "du Bas-Rhin",
    "68": "du Haut-Rhin", "69": "du Rhône", "70": "de la Haute-Saône",
    "71": "de Saône-et-Loire", "72": "de la Sarthe", "73": "de la Savoie",
    "74": "de la Haute-Savoie", "75": "de Paris", "76": "de la Seine-Maritime",
    "77": "de Seine-et-Marne", "78": "des Yvelines", "79": "des Deux-Sèvres",
    "80": "de la Somme", "81": "du Tarn", "82": "du Tarn-et-Garonne", "83": "du Var",
    "84": "du Vaucluse", "85": "de la Vendée", "86": "de la Vienne",
    "87": "de la Haute-Vienne", "88": "des Vosges", "89": "de l’Yonne",
    "90": "du Territoire de Belfort", "91": "de l’Essonne", "92": "des Hauts-de-Seine",
    "93": "de la Seine-Saint-Denis", "94": "du Val-de-Marne", "95": "du Val-d'Oise",
    "971": "de la Guadeloupe", "972": "de la Martinique", "973": "de la Guyane",
    "974": "de La Réunion", "976": "de Mayotte",
}  # fmt: skip


class TestDepartements:
    def test_every_departement_de(self, ref: Referentiel) -> None:
        """Every département of the data links with « de » as the reviewed table says."""
        assert {d.code: d.of for d in ref.departements} == DEPARTEMENTS_DE

    @pytest.mark.parametrize(
        ("query", "article", "de"),
        [
            ("Ain", "l’Ain", "de l’Ain"),
            ("Hauts-de-Seine", "les Hauts-de-Seine", "des Hauts-de-Seine"),
            ("Rhône", "le Rhône", "du Rhône"),
            ("Haute-Saône", "la Haute-Saône", "de la Haute-Saône"),
            ("Eure-et-Loir", "Eure-et-Loir", "d’Eure-et-Loir"),
            ("Saône-et-Loire", "Saône-et-Loire", "de Saône-et-Loire"),
            ("Bouches-du-Rhône", "les Bouches-du-Rhône", "des Bouches-du-Rhône"),
            ("La Réunion", "La Réunion", "de La Réunion"),
            ("Territoire de Belfort", "le Territoire de Belfort", "du Territoire de Belfort"),
            ("Haute-Marne", "la Haute-Marne", "de la Haute-Marne"),
        ],
        ids=lambda v: v if isinstance(v, str) and " " not in v else None,
    )
    def test_hand_checked_sample(self, ref: Referentiel, query: str, article: str, de: str) -> None:
        """A sample written by hand, independently of the table: article and « de »."""
        dep = ref.departement(query)
        assert (dep.with_article, dep.of) == (article, de)

    def test_names_carry_no_article(self, ref: Referentiel) -> None:
        """The COG writes départements without their article (what of() relies on)."""
        for dep in ref.departements:
            assert cog.split_article(dep.name, dep.tncc)[0] == "", dep

    @pytest.mark.parametrize(
        ("query", "code"),
        [
            ("71", "71"),
            ("1", "01"),
            ("2a", "2A"),
            ("974", "974"),
            ("saone et loire", "71"),
            ("SAÔNE-ET-LOIRE", "71"),
            ("le Rhône", "69"),
            ("l’Ain", "01"),
            ("Cotes d'armor", "22"),
            ("la reunion", "974"),
        ],
    )
    def test_by_code_or_name(self, ref: Referentiel, query: str, code: str) -> None:
        """By code, or by name whatever the case, accents, hyphens, apostrophes, article."""
        assert ref.departement(query).code == code

    def test_unknown_with_suggestion(self, ref: Referentiel) -> None:
        """A misspelt name gets the closest official one, in French."""
        with pytest.raises(UnknownName) as info:
            ref.departement("Saone et Loir")
        assert str(info.value) == (
            "« Saone et Loir » n'est pas un département ; vouliez-vous dire « Saône-et-Loire » ?"
        )
        assert info.value.suggestions == ("Saône-et-Loire",)
        assert info.value.kind == "departement"

    @pytest.mark.parametrize("query", ["20", "975", "Saint-Pierre-et-Miquelon", "Corse", ""])
    def test_not_a_departement(self, ref: Referentiel, query: str) -> None:
        """Corse (20) and the collectivités d'outre-mer are not départements of the data."""
        with pytest.raises(UnknownName, match="n'est pas un département"):
            ref.departement(query)


class TestCommunes:
    @pytest.mark.parametrize(
        ("name", "dep", "de"),
        [
            ("Hannapes", "02", "de Hannapes"),
            ("Ham", "80", "de Ham"),
            ("Hirson", "02", "d’Hirson"),
            ("Le Creusot", "71", "du Creusot"),
            ("La Clayette", "71", "de La Clayette"),
            ("Les Bizots", "71", "des Bizots"),
            ("L'Abergement-de-Cuisery", "71", "de L'Abergement-de-Cuisery"),
            ("Aux Marais", "60", "des Marais"),
            ("Los Masos", "66", "de Los Masos"),
            ("Autun", "71", "d’Autun"),
        ],
    )
    def test_de(self, ref: Referentiel, name: str, dep: str, de: str) -> None:
        """Aspirated h (Hannapes, Ham) against mute h (Hirson), and each written article."""
        assert ref.commune(name, dep).of == de

    def test_written_articles_match_tncc(self, ref: Referentiel) -> None:
        """Every commune of TNCC 2 to 8 starts with its article, as the grammar expects."""
        for dep in ref.departements:
            for commune in ref.communes(dep):
                written, _ = cog.split_article(commune.name, commune.tncc)
                assert bool(written) == (commune.tncc >= Tncc.LE), commune

    @pytest.mark.parametrize(
        "query",
        ["montceau les mines", "MONTCEAU-LES-MINES", "Montceau les Mines", "montceaulesmines"],
    )
    def test_name_variants(self, ref: Referentiel, query: str) -> None:
        """Case, hyphens and spaces do not matter."""
        assert ref.commune(query, "Saône-et-Loire").insee == "71306"

    @pytest.mark.parametrize(
        "query", ["l'abergement de cuisery", "L’Abergement-de-Cuisery", "labergement-de-cuisery"]
    )
    def test_apostrophes(self, ref: Referentiel, query: str) -> None:
        """Straight, curly or no apostrophe find the same commune."""
        assert ref.commune(query, "71").name == "L'Abergement-de-Cuisery"

    def test_record(self, ref: Referentiel) -> None:
        """A commune carries its codes, population and its vintage, and its EPCI."""
        assert ref.commune("Montceau-les-Mines", "71") == Commune(
            insee="71306",
            name="Montceau-les-Mines",
            tncc=Tncc.DE,
            departement="71",
            siren="217103068",
            population=17064,
            population_millesime=2023,
            epci_siren="247100290",
        )

    def test_mayotte_population_vintage(self, ref: Referentiel) -> None:
        """Mayotte's populations are INSEE's 2017 figures, and say so."""
        assert ref.commune("Mamoudzou", "976").population_millesime == 2017
        assert ref.population_exceptions == {"976": 2017}
        assert ref.population_millesime == 2023

    def test_by_code(self, ref: Referentiel) -> None:
        """An INSEE code finds its commune, Corsican codes included."""
        assert ref.commune_by_code("71306").name == "Montceau-les-Mines"
        assert ref.commune_by_code("2a004").name == "Ajaccio"

    @pytest.mark.parametrize("code", ["71999", "75101", "97501", "", "Blanzy"])
    def test_unknown_code(self, ref: Referentiel, code: str) -> None:
        """No current commune has the code: not found, in French (arrondissements and COM too)."""
        with pytest.raises(UnknownName) as info:
            ref.commune_by_code(code)
        assert str(info.value) == f"« {code} » n'est le code INSEE d'aucune commune actuelle."

    def test_homonym_needs_departement(self, ref: Referentiel) -> None:
        """Three communes « La Haye »: without département, each candidate is listed."""
        with pytest.raises(AmbiguousName) as info:
            ref.commune("La Haye")
        assert info.value.candidates == (
            "La Haye (Manche, 50)",
            "La Haye (Seine-Maritime, 76)",
            "La Haye (Vosges, 88)",
        )
        assert str(info.value) == (
            "plusieurs communes s'appellent « La Haye » : La Haye (Manche, 50), "
            "La Haye (Seine-Maritime, 76), La Haye (Vosges, 88) ; précisez le département."
        )
        assert ref.commune("La Haye", "Vosges").insee.startswith("88")

    def test_unique_name_without_departement(self, ref: Referentiel) -> None:
        """A name unique in France needs no département."""
        assert ref.commune("Sanvignes-les-Mines").departement == "71"

    def test_typo_with_suggestion(self, ref: Referentiel) -> None:
        """The issue's example, word for word."""
        with pytest.raises(UnknownName) as info:
            ref.commune("Montceau-les-Mine", "Saône-et-Loire")
        assert str(info.value) == (
            "« Montceau-les-Mine » n'est pas une commune de Saône-et-Loire ; "
            "vouliez-vous dire « Montceau-les-Mines » ?"
        )
        assert info.value.suggestions == ("Montceau-les-Mines",)

    def test_typo_linking_follows_tncc(self, ref: Referentiel) -> None:
        """The message names the département with its own linking word: « du Rhône »."""
        with pytest.raises(
            UnknownName,
            match=re.escape(
                "n'est pas une commune du Rhône ; vouliez-vous dire « Villeurbanne » ?"
            ),
        ):
            ref.commune("Villeurbane", "69")

    def test_several_suggestions(self, ref: Referentiel) -> None:
        """Close names, all about as close, are offered together, best first."""
        found = ref.closest_communes("Saint-Valier")
        assert [c.name for c in found] == ["Saint-Vallier"] * 3
        with pytest.raises(
            UnknownName, match=r"vouliez-vous dire « Saint-Vallier \(Charente, 16\) », "
        ):
            ref.commune("Saint-Valier")

    def test_commune_nouvelle_suggested(self, ref: Referentiel) -> None:
        """An old name that begins a commune nouvelle's gets it first."""
        with pytest.raises(UnknownName) as info:
            ref.commune("Louhans", "71")
        assert info.value.suggestions[0] == "Louhans-Châteaurenaud"

    def test_wrong_departement(self, ref: Referentiel) -> None:
        """A commune looked for in the wrong département: the message says where it is."""
        with pytest.raises(UnknownName) as info:
            ref.commune("Hirson", "71")
        assert str(info.value) == (
            "« Hirson » n'est pas une commune de Saône-et-Loire ; ce nom est celui d'une "
            "commune d'un autre département : Hirson (Aisne, 02)."
        )

    def test_nothing_close(self, ref: Referentiel) -> None:
        """No suggestion at all: the message simply ends."""
        with pytest.raises(UnknownName) as info:
            ref.commune("Bassin minier", "71")
        assert str(info.value) == "« Bassin minier » n'est pas une commune de Saône-et-Loire."
        assert info.value.suggestions == ()
        with pytest.raises(UnknownName, match=r"n'est le nom d'aucune commune\.$"):
            ref.commune("Bassin minier")

    def test_epci_given_as_commune(self, ref: Referentiel) -> None:
        """An EPCI's name is not a commune's."""
        with pytest.raises(UnknownName, match="n'est pas une commune de Saône-et-Loire"):
            ref.commune("Mâconnais Beaujolais Agglomération", "71")

    def test_unknown_departement(self, ref: Referentiel) -> None:
        """The département itself must exist."""
        with pytest.raises(UnknownName, match="« Saône » n'est pas un département"):
            ref.commune("Blanzy", "Saône")

    def test_counts(self, ref: Referentiel) -> None:
        """101 départements and every current commune of them (COG 2026)."""
        assert len(ref.departements) == 101
        assert sum(len(ref.communes(d)) for d in ref.departements) == 34875


class TestEpci:
    @pytest.mark.parametrize(
        "query",
        [
            "Mâconnais Beaujolais Agglomération",
            "CA Mâconnais Beaujolais Agglomération",
            "communauté d'agglomération Mâconnais-Beaujolais Agglomération",
            "200070308",
            "200 070 308",
        ],
    )
    def test_by_name_or_siren(self, ref: Referentiel, query: str) -> None:
        """By SIREN, or by name with or without its category."""
        epci = ref.epci(query)
        assert (epci.siren, epci.category) == ("200070308", EpciCategory.CA)

    def test_record(self, ref: Referentiel) -> None:
        """Name, stem, long name, category label and members."""
        epci = ref.epci("Bresse Louhannaise Intercom'")
        assert epci.name == "CC Bresse Louhannaise Intercom'"
        assert epci.stem == "Bresse Louhannaise Intercom'"
        assert epci.long_name == "communauté de communes Bresse Louhannaise Intercom'"
        assert epci.category.label == "communauté de communes"
        assert len(ref.members(epci)) == len(epci.members) == 30
        assert ref.commune("Louhans-Châteaurenaud", "71") in ref.members(epci)

    def test_metropole_names_are_kept(self, ref: Referentiel) -> None:
        """A name with no abbreviation is its own stem and long name."""
        epci = ref.epci("Metz Métropole")
        assert epci.category is EpciCategory.METRO
        assert epci.stem == epci.long_name == "Metz Métropole"

    def test_membership_both_ways(self, ref: Referentiel) -> None:
        """A commune's EPCI lists it, and every EPCI member points back to it."""
        commune = ref.commune("Montceau-les-Mines", "71")
        epci = ref.epci_of(commune)
        assert epci is not None
        assert epci.name == "CU Le Creusot Montceau-les-Mines"
        assert commune.insee in epci.members
        for each in ref.epcis:
            assert all(ref.commune_by_code(c).epci_siren == each.siren for c in each.members)

    def test_island_without_epci(self, ref: Referentiel) -> None:
        """The few island communes outside any EPCI say so."""
        sein = ref.commune("Île-de-Sein", "29")
        assert sein.epci_siren is None
        assert ref.epci_of(sein) is None

    def test_ambiguous(self, ref: Referentiel) -> None:
        """Two EPCI « du Sud »: the SIREN tells them apart."""
        with pytest.raises(AmbiguousName, match="plusieurs EPCI s'appellent « du Sud »") as info:
            ref.epci("du Sud")
        assert len(info.value.candidates) == 2

    def test_typo(self, ref: Referentiel) -> None:
        """A misspelt EPCI gets the closest official name."""
        with pytest.raises(UnknownName) as info:
            ref.epci("Maconais Beaujolais Agglo")
        assert info.value.suggestions == ("CA Mâconnais Beaujolais Agglomération",)

    def test_unknown_siren(self, ref: Referentiel) -> None:
        """A SIREN no EPCI has (here, a commune's)."""
        with pytest.raises(UnknownName, match="n'est le SIREN d'aucun EPCI à fiscalité propre"):
            ref.epci("217103068")


class TestSource:
    def test_provenance(self, ref: Referentiel) -> None:
        """The file says where it comes from, under which licences, of which vintage."""
        assert ref.source.package == "@etalab/decoupage-administratif"
        assert ref.source.version == "6.0.0"
        assert ref.source.licence == "MIT"
        assert ref.source.data_licence == "Licence Ouverte (Etalab)"
        assert ref.source.cog == 2026
        assert ref.source.population == "population municipale"
        assert len(ref.source.sha256) == 64

    def test_budget(self) -> None:
        """The shipped file stays under the 1.5 MB budget."""
        assert DATA.stat().st_size < 1_500_000


class TestBadFile:
    @staticmethod
    def _rewrite(tmp_path: Path, change: object) -> Path:
        """The shipped file with its header changed by ``change(header)``."""
        head, _, body = gzip.decompress(DATA.read_bytes()).partition(b"\n")
        header = json.loads(head)
        assert callable(change)
        change(header)
        target = tmp_path / "cog.json.gz"
        target.write_bytes(gzip.compress(json.dumps(header).encode() + b"\n" + body))
        return target

    def _assert_refused(self, path: Path, reason: str) -> None:
        with pytest.raises(ReferentielError) as info:
            cog.load(path)
        message = str(info.value)
        assert message.startswith(f"{path} : le référentiel géographique")
        assert "tools/update_referentiel.py" in message
        assert reason in message
        assert isinstance(info.value, InputError)

    def test_truncated(self, tmp_path: Path) -> None:
        """A file cut short is refused at load, naming the file and the tool."""
        target = tmp_path / "cog.json.gz"
        target.write_bytes(DATA.read_bytes()[:100_000])
        self._assert_refused(target, "error")

    def test_corrupt_bytes(self, tmp_path: Path) -> None:
        """A flipped byte fails gzip's check."""
        data = bytearray(DATA.read_bytes())
        data[50_000] ^= 0xFF
        target = tmp_path / "cog.json.gz"
        target.write_bytes(bytes(data))
        self._assert_refused(target, "error")

    def test_not_gzip(self, tmp_path: Path) -> None:
        """Anything else than gzip."""
        target = tmp_path / "cog.json.gz"
        target.write_text("communes", "utf-8")
        self._assert_refused(target, "error")

    def test_missing(self, tmp_path: Path) -> None:
        """No file at all: the French reason."""
        self._assert_refused(tmp_path / "absent.json.gz", "fichier ou dossier introuvable")

    def test_other_format(self, tmp_path: Path) -> None:
        """A file of another layout is refused, not misread."""
        target = self._rewrite(tmp_path, lambda h: h.update(format=99))
        self._assert_refused(target, "format 99 au lieu de 1")

    def test_tables_cut(self, tmp_path: Path) -> None:
        """Tables shorter than the header says (a hand-edited or cut file)."""
        target = self._rewrite(tmp_path, lambda h: h.update(taille=h["taille"] + 1))
        self._assert_refused(target, "octets de tables au lieu de")

    def test_header_incomplete(self, tmp_path: Path) -> None:
        """A header without its population."""
        target = self._rewrite(tmp_path, lambda h: h.pop("population"))
        self._assert_refused(target, "KeyError")

    def test_bad_line_found_when_parsed(self, tmp_path: Path) -> None:
        """A malformed line is reported when its département is first read."""
        raw = zlib.decompress(DATA.read_bytes(), wbits=31)
        bad = raw.replace(b"\tBlanzy\t0\t", b"\tBlanzy\tX\t", 1)
        target = tmp_path / "cog.json.gz"
        target.write_bytes(gzip.compress(bad))
        ref = cog.load(target)
        assert ref.departement("71").name == "Saône-et-Loire"
        with pytest.raises(ReferentielError, match=r"tools/update_referentiel\.py"):
            ref.commune("Blanzy", "71")

    def test_bad_line_found_when_indexing(self, tmp_path: Path) -> None:
        """A line without its fields is reported when France is first indexed."""
        raw = zlib.decompress(DATA.read_bytes(), wbits=31)
        line = re.search(rb"\n71040\t[^\n]*", raw)
        assert line is not None
        bad = raw.replace(line.group(), line.group().replace(b"\t", b" "))
        target = tmp_path / "cog.json.gz"
        target.write_bytes(gzip.compress(bad))
        with pytest.raises(ReferentielError, match=r"ValueError"):
            cog.load(target).commune_by_code("71306")


class TestErrors:
    @pytest.mark.parametrize(
        "error",
        [
            UnknownName("message", "commune", "X", ("A", "B")),
            AmbiguousName("message", "commune", "La Haye", ("La Haye (Manche, 50)",)),
            ReferentielError("illisible", "cog.json.gz"),
        ],
        ids=type,
    )
    def test_pickle(self, error: IscgError) -> None:
        """Every error crosses processes intact."""
        copy = pickle.loads(pickle.dumps(error))
        assert (type(copy), copy.args, str(copy)) == (type(error), error.args, str(error))

    def test_lookup_errors(self) -> None:
        """Callers can catch the familiar LookupError."""
        assert issubclass(UnknownName, LookupError)
        assert issubclass(AmbiguousName, LookupError)


class TestLaziness:
    def test_import_reads_nothing(self) -> None:
        """Importing iscg_docs (and its CLI) neither imports this module nor reads the file."""
        code = (
            "import sys, iscg_docs, iscg_docs.cli\n"
            "assert 'iscg_docs.model.cog' not in sys.modules\n"
            "from iscg_docs.model import cog\n"
            "assert cog.referentiel.cache_info().currsize == 0\n"
            "cog.referentiel(); cog.referentiel()\n"
            "print(cog.referentiel.cache_info().hits)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        )
        assert result.stdout.strip() == "1"

    def test_departement_parsed_on_demand(self) -> None:
        """A lookup in one département parses that one only."""
        fresh = cog.load()
        fresh.commune("Blanzy", "71")
        assert list(fresh._communes) == ["71"]


def _tool() -> ModuleType:
    """tools/update_referentiel.py, imported from its file (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "update_referentiel", ROOT / "tools" / "update_referentiel.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _package(tmp_path: Path, version: str = "6.0.0", **changes: Any) -> Path:
    """A small npm tarball shaped like @etalab/decoupage-administratif's."""
    files: dict[str, Any] = {
        "package.json": {
            "name": "@etalab/decoupage-administratif",
            "version": version,
            "license": "MIT",
        },
        "data/departements.json": [
            {"code": "69", "region": "84", "nom": "Rhône", "typeLiaison": 2, "zone": "metro"},
            {"code": "976", "region": "06", "nom": "Mayotte", "typeLiaison": 0, "zone": "drom"},
            {
                "code": "975",
                "region": "975",
                "nom": "Saint-Pierre-et-Miquelon",
                "typeLiaison": 0,
                "zone": "com",
            },
        ],
        "data/communes.json": [
            {
                "code": "69123",
                "nom": "Lyon",
                "typeLiaison": 0,
                "departement": "69",
                "type": "commune-actuelle",
                "siren": "216901231",
                "population": 519127,
            },
            {
                "code": "69381",
                "nom": "Lyon 1er Arrondissement",
                "typeLiaison": 0,
                "departement": "69",
                "type": "arrondissement-municipal",
                "population": 1,
            },
            {
                "code": "69266",
                "nom": "Villeurbanne",
                "typeLiaison": 0,
                "departement": "69",
                "type": "commune-actuelle",
                "siren": "216902668",
                "population": 160000,
            },
            {
                "code": "97611",
                "nom": "Mamoudzou",
                "typeLiaison": 0,
                "departement": "976",
                "type": "commune-actuelle",
                "siren": "200008837",
                "population": 71437,
            },
            {
                "code": "97502",
                "nom": "Saint-Pierre",
                "departement": "975",
                "type": "commune-actuelle",
                "population": 5194,
            },
        ],
        "data/epci.json": [
            {
                "code": "200046977",
                "nom": "Métropole de Lyon",
                "type": "MET69",
                "membres": [{"code": "69266"}, {"code": "69123"}],
            },
        ],
    }
    files.update(changes)
    tarball = tmp_path / "package.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        for name, content in files.items():
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return tarball


class TestTool:
    def test_builds_a_loadable_file(self, tmp_path: Path) -> None:
        """From a tarball (no network), a file the module reads, COM left out."""
        out = tmp_path / "cog.json.gz"
        assert _tool().main(["--tarball", str(_package(tmp_path)), "--output", str(out)]) == 0
        ref = cog.load(out)
        assert [d.of for d in ref.departements] == ["du Rhône", "de Mayotte"]
        lyon = ref.commune("lyon", "rhone")
        assert (lyon.epci_siren, lyon.population_millesime) == ("200046977", 2023)
        assert ref.commune("Mamoudzou").population_millesime == 2017
        assert [c.name for c in ref.members(ref.epci("Métropole de Lyon"))] == [
            "Lyon",
            "Villeurbanne",
        ]
        assert ref.source.version == "6.0.0"

    def test_reproducible(self, tmp_path: Path) -> None:
        """The same tarball gives the same bytes."""
        tarball, first, second = _package(tmp_path), tmp_path / "a.gz", tmp_path / "b.gz"
        _tool().main(["--tarball", str(tarball), "--output", str(first)])
        _tool().main(["--tarball", str(tarball), "--output", str(second)])
        assert first.read_bytes() == second.read_bytes()

    def test_missing_tncc_refused(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A commune without typeLiaison stops the tool: nothing is guessed or written."""
        communes = [
            {"code": "69123", "nom": "Lyon", "departement": "69", "type": "commune-actuelle",
             "siren": "216901231", "population": 519127},
        ]  # fmt: skip
        tarball = _package(tmp_path, **{"data/communes.json": communes})
        out = tmp_path / "cog.json.gz"
        assert _tool().main(["--tarball", str(tarball), "--output", str(out)]) == 1
        assert "commune 69123 (Lyon) sans typeLiaison" in capsys.readouterr().err
        assert not out.exists()

    def test_unknown_version_needs_vintage(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A version whose population vintage was not checked needs --millesime."""
        tarball, out = _package(tmp_path, version="7.0.0"), tmp_path / "cog.json.gz"
        assert _tool().main(["--tarball", str(tarball), "--output", str(out)]) == 1
        assert "--millesime" in capsys.readouterr().err
        args = ["--tarball", str(tarball), "--output", str(out), "--millesime", "2024"]
        assert _tool().main([*args, "--exception", "976=2017"]) == 0
        assert cog.load(out).population_millesime == 2024
