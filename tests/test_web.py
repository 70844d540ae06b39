"""Tests for the web page (``iscg-docs serve``) through Starlette's test client."""

from __future__ import annotations

import base64
import html
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")

from starlette.testclient import TestClient

from iscg_docs.web import is_loopback, parse_size
from iscg_docs.web import work as web_work
from iscg_docs.web.app import create_app
from iscg_docs.web.guard import COOKIE, HEADER
from tests.helpers import run

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "examples" / "saone-et-loire.xlsx"
REFERENCES = ("CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03")


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def workbook() -> bytes:
    return WORKBOOK.read_bytes()


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workbook with « beaucoup » as the quotité of « Postes », row 4."""
    import openpyxl

    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book["Postes"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(4, headers.index("Quotité (ETP)") + 1).value = "beaucoup"
    path = tmp_path_factory.mktemp("broken") / "classeur-abime.xlsx"
    book.save(path)
    return path


def text_of(page: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded, spaces joined."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


def upload(client: TestClient, route: str, name: str, content: bytes, **fields: str) -> object:
    return client.post(route, files={"fichier": (name, content)}, data=fields)


def cli_generate(tmp_path: Path, source: Path, *options: str) -> Path:
    out = tmp_path / "cli"
    code, printed = run("generate", str(source), "--out", str(out), "--quiet", *options)
    assert code == 0, printed
    return out


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


class TestHome:
    def test_home(self, client: TestClient) -> None:
        """The home page is French, offers the upload and the two downloads, loads nothing
        from elsewhere and runs no script."""
        r = client.get("/")
        assert r.status_code == 200
        assert '<html lang="fr">' in r.text
        assert 'type="file"' in r.text
        assert 'href="/classeur-vierge.xlsx"' in r.text
        assert 'href="/exemple.xlsx"' in r.text
        assert "<script" not in r.text
        assert not re.search(r"(src|href)=\"(https?:)?//", r.text)
        assert "default-src 'none'" in r.headers["content-security-policy"]

    def test_style_sheet(self, client: TestClient) -> None:
        """The style sheet is served from the package and names only system fonts."""
        r = client.get("/static/style.css")
        assert r.status_code == 200
        assert "url(" not in r.text
        assert "@import" not in r.text

    def test_blank_workbook(self, client: TestClient) -> None:
        """The blank workbook is the one ``workbook-template`` writes."""
        from iscg_docs.inputs.workbook import workbook_template_bytes

        r = client.get("/classeur-vierge.xlsx")
        assert r.status_code == 200
        assert "attachment" in r.headers["content-disposition"]
        assert r.content == workbook_template_bytes()

    @pytest.mark.parametrize("suffix", ["xlsx", "toml"])
    def test_example(self, client: TestClient, suffix: str) -> None:
        """The Saône-et-Loire example downloads as shipped."""
        r = client.get(f"/exemple.{suffix}")
        assert r.status_code == 200
        assert r.content == (ROOT / "examples" / f"saone-et-loire.{suffix}").read_bytes()

    def test_other_example(self, client: TestClient) -> None:
        """No other file is reachable through the example route."""
        assert client.get("/exemple.py").status_code == 404


class TestCheck:
    def test_example(self, client: TestClient, workbook: bytes) -> None:
        """The example's three plans: parties, posts, yearly amounts, chart, ETP used."""
        r = upload(client, "/verification", "saone-et-loire.xlsx", workbook)
        assert r.status_code == 200
        text = text_of(r.text)
        for reference in REFERENCES:
            assert f"{reference} —" in text
        assert "La commune de Montceau-les-Mines" in text
        assert "commissariat de police de Montceau-les-Mines" in text
        assert "134 657,60 €" in text
        assert "3,5 ETP engagés sur 6 ETP autorisés" in text
        assert r.text.count('<svg xmlns="http://www.w3.org/2000/svg" class="graphique"') == 3
        assert "erreurs" not in r.text.split("<main>")[1].split("</h1>")[1][:200]

    def test_summary_is_the_check_text(
        self, client: TestClient, workbook: bytes, example_path: Path
    ) -> None:
        """The text summary is, to the character, what ``iscg-docs check`` prints."""
        r = upload(client, "/verification", "saone-et-loire.xlsx", workbook)
        shown = html.unescape(re.search(r"<pre>(.*?)</pre>", r.text, re.DOTALL)[1])  # type: ignore[index]
        code, printed = run("check", str(WORKBOOK))
        assert code == 0
        assert shown == printed

    def test_located_error(self, client: TestClient, broken: Path) -> None:
        """A wrong cell is reported at its place, in the very words of ``check``; the other
        conventions are still shown."""
        r = upload(client, "/verification", broken.name, broken.read_bytes())
        assert r.status_code == 200
        code, printed = run("check", str(broken))
        assert code == 1
        line = next(x for x in printed.splitlines() if "Feuille « Postes »" in x)
        assert line.strip().removeprefix("- ") in text_of(r.text)
        assert "Données invalides dans classeur-abime.xlsx :" in text_of(r.text)
        assert "Convention « CD71-ISCG-2021-02 » (conventions[1])" in text_of(r.text)
        assert 'data-reference="CD71-ISCG-2021-01"' in r.text
        assert 'data-reference="CD71-ISCG-2021-02"' not in r.text

    def test_warnings(
        self, client: TestClient, workbook: bytes, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Warnings are listed apart, under their convention, and the plans still show."""
        from iscg_docs import Problem, Severity

        found = Problem(
            "avenant-past-year",
            "conventions[2].avenants[0].funding.years[0]",
            "l'avenant n° 1 modifie l'année 1, déjà achevée.",
            severity=Severity.WARNING,
        )
        real = web_work.load_file

        def with_warning(path: Path, **options: Any) -> Any:
            return attrs.evolve(real(path, **options), warnings=(found,))

        monkeypatch.setattr(web_work, "load_file", with_warning)
        r = upload(client, "/verification", "s.xlsx", workbook)
        text = text_of(r.text)
        assert "Avertissements" in text
        assert f"Convention « CD71-ISCG-2021-03 » (conventions[2]) {found}" in text
        assert 'id="erreurs"' not in r.text
        assert r.text.count('class="convention"') == 3

    def test_shared_problem(self, client: TestClient, example_path: Path) -> None:
        """A problem in the shared data stops everything, as on the command line."""
        content = example_path.read_text("utf-8").replace('id = "cd71"', 'id = "cd 71"', 1)
        r = upload(client, "/verification", "cadre.toml", content.encode())
        text = text_of(r.text)
        assert "Données invalides dans cadre.toml :" in text
        assert "Données communes (cadre, parties)" in text
        assert "data-reference" not in r.text

    @pytest.mark.parametrize(
        ("name", "content", "expected"),
        [
            ("binaire.toml", b"\xff\xfe\x00\x01" * 50, "n'est pas encodé en UTF-8"),
            ("syntaxe.toml", b"title = = 1", "syntaxe TOML incorrecte ligne 1"),
            ("macros.xlsm", WORKBOOK.read_bytes(), "format de fichier non reconnu « .xlsm »"),
            ("faux.xlsx", b"PK\x03\x04 not really a zip", "n'est pas un classeur Excel"),
            ("texte.xlsx", b"Convention;Poste\n", "n'est pas un classeur Excel"),
            ("sans-extension", b"x", "aucune extension"),
        ],
        ids=["binary-toml", "toml-syntax", "renamed-xlsm", "fake-zip", "csv-as-xlsx", "no-suffix"],
    )
    def test_unreadable(self, client: TestClient, name: str, content: bytes, expected: str) -> None:
        """A file that is not what it claims gets the command line's French message, never
        a traceback nor the server's temporary folder."""
        r = upload(client, "/verification", name, content)
        assert r.status_code == 200
        text = text_of(r.text)
        assert f"Erreur : {name} : " in text
        assert expected in text
        assert "Traceback" not in r.text
        assert "iscg-docs-web-" not in r.text

    def test_zip_bomb(self, client: TestClient) -> None:
        """A small workbook that would unzip to 150 megabytes gets the command
        line's message, before anything is unzipped."""
        from tests.test_workbook import zip_bomb

        bomb = zip_bomb(WORKBOOK, 150 * 1024 * 1024)
        assert len(bomb) < 1024 * 1024
        r = upload(client, "/verification", "bombe.xlsx", bomb)
        said = (
            "Erreur : bombe.xlsx : ce classeur est refusé : l'élément « xl/worksheets/sheet1.xml » "
        )
        assert said + "se décompresse en 150 Mo" in text_of(r.text)

    def test_path_in_name(self, client: TestClient, workbook: bytes) -> None:
        """A name with folders is reduced to its last part: the client never picks a path."""
        r = upload(client, "/verification", "../../etc/saone-et-loire.xlsx", workbook)
        assert "Vérification de « saone-et-loire.xlsx »" in html.unescape(r.text)

    def test_no_file(self, client: TestClient) -> None:
        """Sending the form without a file asks for one, in French."""
        r = client.post("/verification", data={"nom": ""}, files={"fichier": ("", b"")})
        assert r.status_code == 400
        assert "Choisissez d'abord un fichier" in html.unescape(r.text)

    def test_temporary_folders_removed(
        self,
        client: TestClient,
        workbook: bytes,
        broken: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Nothing is left behind, whatever the outcome."""
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        upload(client, "/verification", "a.xlsx", workbook)
        upload(client, "/verification", "b.xlsx", broken.read_bytes())
        upload(client, "/verification", "c.toml", b"\xff")
        upload(client, "/generation", "d.xlsx", workbook)
        assert list(tmp_path.iterdir()) == []


class TestGenerate:
    def test_zip_is_the_cli_output(
        self, client: TestClient, workbook: bytes, tmp_path: Path
    ) -> None:
        """The zip holds, byte for byte, the documents and manifest ``generate`` writes."""
        r = upload(client, "/generation", "saone-et-loire.xlsx", workbook)
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/zip"
        assert 'filename="saone-et-loire-documents.zip"' in r.headers["content-disposition"]
        out = cli_generate(tmp_path, WORKBOOK)
        got = members(r.content)
        assert sorted(got) == sorted(p.name for p in out.iterdir())
        for name, data in got.items():
            assert data == (out / name).read_bytes(), name

    def test_same_input_same_zip(self, client: TestClient, workbook: bytes) -> None:
        """A fresh upload and the copy the check page sends back give the same zip."""
        first = upload(client, "/generation", "saone-et-loire.xlsx", workbook).content
        fields = {"nom": "saone-et-loire.xlsx", "contenu": base64.b64encode(workbook).decode()}
        second = client.post("/generation", data=fields, files={"fichier": ("", b"")}).content
        assert first == second

    def test_draft_and_one_convention(
        self, client: TestClient, workbook: bytes, tmp_path: Path
    ) -> None:
        """``projet`` and ``seule`` are ``--draft`` and ``--only``."""
        r = upload(
            client,
            "/generation",
            "saone-et-loire.xlsx",
            workbook,
            projet="oui",
            seule="CD71-ISCG-2021-02",
        )
        out = cli_generate(tmp_path, WORKBOOK, "--draft", "--only", "CD71-ISCG-2021-02")
        got = members(r.content)
        assert sorted(got) == ["CD71-ISCG-2021-02.docx", "manifest.json"]
        for name, data in got.items():
            assert data == (out / name).read_bytes(), name

    def test_one_document(self, client: TestClient, workbook: bytes, tmp_path: Path) -> None:
        """A document downloads alone, identical to the one in the zip."""
        fields = {"nom": "saone-et-loire.xlsx", "contenu": base64.b64encode(workbook).decode()}
        r = client.post(
            "/generation",
            data={**fields, "docx": "CD71-ISCG-2021-03"},
            files={"fichier": ("", b"")},
        )
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert 'filename="CD71-ISCG-2021-03.docx"' in r.headers["content-disposition"]
        out = cli_generate(tmp_path, WORKBOOK)
        assert r.content == (out / "CD71-ISCG-2021-03.docx").read_bytes()

    def test_invalid_data(self, client: TestClient, broken: Path) -> None:
        """Invalid shared data gives the check page with its errors, not a file."""
        content = WORKBOOK.read_bytes()
        bad = upload(client, "/generation", "x.toml", b"title = = 1")
        assert bad.status_code == 422
        assert "syntaxe TOML incorrecte" in html.unescape(bad.text)
        # A convention with bad data is left out, as with --keep-going.
        r = upload(client, "/generation", broken.name, broken.read_bytes())
        assert sorted(members(r.content)) == [
            "CD71-ISCG-2021-01.docx",
            "CD71-ISCG-2021-03-avenant-1.docx",
            "CD71-ISCG-2021-03-comparaison-1.docx",
            "CD71-ISCG-2021-03-consolidee-1.docx",
            "CD71-ISCG-2021-03.docx",
            "manifest.json",
        ]
        assert content  # the example itself is untouched

    def test_unknown_reference(self, client: TestClient, workbook: bytes) -> None:
        """A reference that is not in the file is refused by name."""
        r = upload(client, "/generation", "s.xlsx", workbook, seule="NULLE-PART")
        assert r.status_code == 422
        assert "« NULLE-PART »" in html.unescape(r.text)

    def test_damaged_copy(self, client: TestClient) -> None:
        """A hidden copy that is not base64 is refused in French."""
        r = client.post(
            "/generation", data={"nom": "a.toml", "contenu": "%%%"}, files={"fichier": ("", b"")}
        )
        assert r.status_code == 400
        assert "abîmé" in html.unescape(r.text)


class TestPreview:
    def test_without_tools(
        self, client: TestClient, workbook: bytes, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without LibreOffice and poppler, a sentence says how to get the preview."""
        monkeypatch.setattr(web_work, "preview_available", lambda: False)
        fields = {"nom": "s.xlsx", "contenu": base64.b64encode(workbook).decode()}
        r = client.post(
            "/apercu", data={**fields, "apercu": REFERENCES[0]}, files={"fichier": ("", b"")}
        )
        assert r.status_code == 200
        assert "libreoffice-writer-nogui et poppler-utils" in html.unescape(r.text)
        assert "<img" not in r.text

    @pytest.mark.libreoffice
    def test_first_page(self, client: TestClient, workbook: bytes) -> None:
        """With LibreOffice and poppler, the first page comes as a PNG image."""
        if not web_work.preview_available():
            pytest.skip("LibreOffice or poppler is not installed")
        fields = {"nom": "s.xlsx", "contenu": base64.b64encode(workbook).decode()}
        r = client.post(
            "/apercu", data={**fields, "apercu": REFERENCES[1]}, files={"fichier": ("", b"")}
        )
        found = re.search(r'src="data:image/png;base64,([^"]+)"', r.text)
        assert found is not None
        assert base64.b64decode(found[1]).startswith(b"\x89PNG")


class TestPdf:
    @pytest.mark.libreoffice
    def test_zip_with_pdfs(self, client: TestClient, workbook: bytes, tmp_path: Path) -> None:
        """With « PDF », the zip holds a PDF beside each document; the documents are still
        the command line's."""
        if not web_work.pdf_available():
            pytest.skip("LibreOffice is not installed")
        r = upload(client, "/generation", "saone-et-loire.xlsx", workbook, pdf="oui")
        got = members(r.content)
        assert {f"{x}.pdf" for x in REFERENCES} <= {n for n in got if n.endswith(".pdf")}
        assert "CD71-ISCG-2021-03-avenant-1.pdf" in got
        assert all(got[f"{x}.pdf"].startswith(b"%PDF") for x in REFERENCES)
        out = cli_generate(tmp_path, WORKBOOK)
        for reference in REFERENCES:
            assert got[f"{reference}.docx"] == (out / f"{reference}.docx").read_bytes()


class TestLimits:
    def test_file_over_limit(self) -> None:
        """A file over ``--max-upload`` is refused with a French message naming the limit."""
        with TestClient(create_app(max_upload=2048)) as c:
            r = upload(c, "/verification", "gros.toml", b"#" * 2049)
        assert r.status_code == 413
        assert "dépasse la taille maximale acceptée (2 ko)" in html.unescape(r.text)

    def test_declared_length_over_limit(self) -> None:
        """A body announced larger than allowed is refused before it is read."""
        with TestClient(create_app(max_upload=1024)) as c:
            r = upload(c, "/verification", "gros.toml", b"#" * 10_000)
        assert r.status_code == 413

    def test_streamed_body_over_limit(self) -> None:
        """A body sent in pieces, with no length, is stopped once it goes past the limit."""
        sent: list[int] = []

        def pieces() -> Iterator[bytes]:
            for _ in range(100):
                sent.append(1)
                yield b"x" * 1024

        with TestClient(create_app(max_upload=1024)) as c:
            r = c.post(
                "/verification",
                content=pieces(),
                headers={"content-type": "multipart/form-data; boundary=b"},
            )
        assert r.status_code == 413
        assert "taille maximale" in html.unescape(r.text)

    def test_sent_back_at_limit(self) -> None:
        """A file at the limit still comes back through the check page's hidden copy,
        a third larger once encoded."""
        content = b"#" * 2048
        fields = {"nom": "a.toml", "contenu": base64.b64encode(content).decode()}
        with TestClient(create_app(max_upload=2048)) as c:
            r = c.post("/verification", data=fields, files={"fichier": ("", b"")})
        assert r.status_code == 200
        assert "Vérification de « a.toml »" in html.unescape(r.text)

    @pytest.mark.parametrize(
        ("text", "size"),
        [("5M", 5 * 1024 * 1024), ("5 Mo", 5 * 1024 * 1024), ("500k", 500 * 1024), ("1000", 1000)],
    )
    def test_parse_size(self, text: str, size: int) -> None:
        """``--max-upload`` reads sizes as a jurist writes them."""
        assert parse_size(text) == size

    @pytest.mark.parametrize("text", ["", "0", "cinq", "5G", "-1"])
    def test_parse_size_refused(self, text: str) -> None:
        """A size that is not one is refused in French."""
        with pytest.raises(ValueError, match="taille non reconnue"):
            parse_size(text)


class TestToken:
    TOKEN = "s3cret-jeton"

    @pytest.fixture
    def guarded(self) -> Iterator[TestClient]:
        with TestClient(create_app(token=self.TOKEN)) as c:
            yield c

    def test_refused_without(self, guarded: TestClient) -> None:
        """Without the token, every page answers with the login form."""
        for r in (guarded.get("/"), guarded.get("/exemple.toml"), guarded.post("/verification")):
            assert r.status_code == 401
            assert "Jeton d'accès" in html.unescape(r.text)

    @pytest.mark.parametrize(
        "headers",
        [{HEADER: TOKEN}, {"authorization": f"Bearer {TOKEN}"}],
        ids=["header", "bearer"],
    )
    def test_header(self, guarded: TestClient, headers: dict[str, str]) -> None:
        """A script sends the token in a header."""
        assert guarded.get("/", headers=headers).status_code == 200

    def test_wrong(self, guarded: TestClient) -> None:
        """A wrong token is refused, in every place it can be carried."""
        assert guarded.get("/", headers={HEADER: "non"}).status_code == 401
        guarded.cookies.set(COOKIE, "non")
        assert guarded.get("/").status_code == 401
        assert guarded.get("/?jeton=non").status_code == 401

    def test_login_form(self, guarded: TestClient) -> None:
        """The login form sets an HttpOnly, SameSite cookie; the pages open after it."""
        bad = guarded.post("/connexion", data={"jeton": "non"})
        assert bad.status_code == 401
        assert "Jeton incorrect." in bad.text
        r = guarded.post("/connexion", data={"jeton": self.TOKEN}, follow_redirects=False)
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "httponly" in cookie.lower()
        assert "samesite=strict" in cookie.lower()
        assert guarded.get("/").status_code == 200

    def test_link(self, guarded: TestClient) -> None:
        """A link with ``?jeton=`` sets the cookie and takes the token out of the address."""
        r = guarded.get(f"/?jeton={self.TOKEN}", follow_redirects=False)
        assert r.status_code in (302, 303, 307)
        assert "jeton" not in r.headers["location"]
        assert guarded.get("/").status_code == 200

    def test_style_open(self, guarded: TestClient) -> None:
        """The login page's style sheet opens without the token."""
        assert guarded.get("/static/style.css").status_code == 200


class TestErrors:
    def test_not_found(self, client: TestClient) -> None:
        """An unknown address gets a French page."""
        r = client.get("/nulle-part")
        assert r.status_code == 404
        assert "Cette page n'existe pas." in html.unescape(r.text)

    def test_method(self, client: TestClient) -> None:
        """A form route opened as a link gets a French page."""
        r = client.get("/generation")
        assert r.status_code == 405
        assert '<html lang="fr">' in r.text

    def test_unexpected(
        self, client: TestClient, workbook: bytes, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An unforeseen failure shows a French page, never a traceback."""

        def broken(*args: object) -> None:
            raise RuntimeError("secret detail")

        monkeypatch.setattr(web_work, "examine", broken)
        r = upload(client, "/verification", "s.xlsx", workbook)
        assert r.status_code == 500
        assert "Une erreur inattendue s'est produite" in html.unescape(r.text)
        assert "secret detail" not in r.text
        assert "Traceback" not in r.text


class TestConcurrency:
    def test_users_apart(self, client: TestClient, example_path: Path) -> None:
        """Users checking different files at once each see only their own conventions."""
        toml = example_path.read_text("utf-8")
        files = {f"u{i}.toml": toml.replace("CD71-ISCG-2021-", f"U{i}-").encode() for i in range(6)}

        def check(name: str) -> tuple[str, str]:
            return name, upload(client, "/verification", name, files[name]).text

        with ThreadPoolExecutor(6) as pool:
            pages = dict(pool.map(check, files))
        for name, page in pages.items():
            own = name.removesuffix(".toml").upper()
            assert f"{own}-01" in page
            others = [f"U{i}-01" for i in range(6) if f"U{i}" != own]
            assert not any(o in page for o in others)

    def test_generations_apart(self, client: TestClient, workbook: bytes, tmp_path: Path) -> None:
        """Documents generated at once are each the command line's, whole and unmixed."""
        options = [{}, {"projet": "oui"}, {"seule": REFERENCES[1]}, {}]

        def generate(fields: dict[str, str]) -> dict[str, bytes]:
            return members(upload(client, "/generation", "s.xlsx", workbook, **fields).content)

        with ThreadPoolExecutor(4) as pool:
            zips = list(pool.map(generate, options))
        plain = cli_generate(tmp_path / "plain", WORKBOOK)
        draft = cli_generate(tmp_path / "draft", WORKBOOK, "--draft")
        for got, out in zip(zips, [plain, draft, plain, plain], strict=True):
            for name, data in got.items():
                if name != "manifest.json":
                    assert data == (out / name).read_bytes(), name
        assert sorted(zips[2]) == [f"{REFERENCES[1]}.docx", "manifest.json"]
        assert zips[0] == zips[3]


class TestSafeName:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("../../etc/passwd.toml", "passwd.toml"),
            ("C:\\Users\\jurist\\Conventions 2024.xlsx", "Conventions 2024.xlsx"),
            ("Saône-et-Loire.xlsx", "Saône-et-Loire.xlsx"),
            ("", "donnees"),
            ("..", "donnees"),
            (None, "donnees"),
            ("a<b>|c.toml", "a_b_c.toml"),
            ("x" * 200 + ".xlsx", "x" * 75 + ".xlsx"),
        ],
        ids=["parent", "windows", "accents", "empty", "dots", "none", "unsafe", "long"],
    )
    def test_safe_name(self, given: str | None, expected: str) -> None:
        """The upload's name is a plain file name, whatever the client sent."""
        assert web_work.safe_name(given) == expected


class TestServe:
    @pytest.mark.parametrize(
        ("host", "loopback"),
        [
            ("127.0.0.1", True),
            ("localhost", True),
            ("::1", True),
            ("0.0.0.0", False),
            ("192.168.1.10", False),
            ("intranet.cd71.fr", False),
        ],
    )
    def test_is_loopback(self, host: str, loopback: bool) -> None:
        """Only addresses of this machine count as safe without a token."""
        assert is_loopback(host) is loopback

    def test_open_address_needs_token(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """``--host 0.0.0.0`` without ``ISCG_DOCS_TOKEN`` refuses to start, in French."""
        monkeypatch.delenv("ISCG_DOCS_TOKEN", raising=False)
        code, out = run("serve", "--host", "0.0.0.0")
        assert code == 2
        assert "ISCG_DOCS_TOKEN" in out
        assert "sans protection" in out

    def test_bad_size(self) -> None:
        """A wrong ``--max-upload`` is a usage error."""
        code, out = run("serve", "--max-upload", "beaucoup")
        assert code == 2
        assert "taille non reconnue" in out

    def test_missing_extra(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without the web extra, the command says how to install it."""
        monkeypatch.setitem(sys.modules, "uvicorn", None)
        code, out = run("serve")
        assert code == 2
        assert "pip install 'iscg-docs[web]'" in out

    def test_port_in_use(self) -> None:
        """A port already taken is said in French before uvicorn starts."""
        import socket

        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = str(taken.getsockname()[1])
            code, out = run("serve", "--port", port)
        assert code == 2
        assert f"le port {port} est déjà utilisé sur 127.0.0.1" in out

    def test_port_out_of_range(self) -> None:
        """A port past 65535 is a usage error, not a traceback."""
        code, out = run("serve", "--port", "70000")
        assert code == 2
        assert "entre 1 et 65535" in out

    def test_serves(self, tmp_path: Path) -> None:
        """``iscg-docs serve`` answers on 127.0.0.1 until it is stopped."""
        import socket
        import time

        import httpx

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        command = [sys.executable, "-m", "iscg_docs", "serve", "--port", str(port)]
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    r = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                    break
                except httpx.TransportError:
                    assert process.poll() is None, process.stderr.read() if process.stderr else ""
                    assert time.monotonic() < deadline, "the page did not start"
                    time.sleep(0.1)
            assert r.status_code == 200
            assert "Vérifier un fichier de conventions" in r.text
        finally:
            process.terminate()
            _, err = process.communicate(timeout=30)
        assert f"Page ouverte sur http://127.0.0.1:{port}/" in err

    def test_cli_without_starlette(self) -> None:
        """The command line starts without importing Starlette or uvicorn."""
        code = (
            "import sys, iscg_docs.cli; "
            "assert not {'starlette', 'uvicorn'} & set(sys.modules), sorted(sys.modules)"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
