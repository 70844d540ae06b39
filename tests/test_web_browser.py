"""The web page in a real browser: Debian's Chromium, driven by Selenium and chromedriver.

The page runs in uvicorn on 127.0.0.1 and a free port; the browser has JavaScript turned
off, as the main path must work without it. Outside CI the tests are skipped where
Chromium or its driver is absent; in CI (CI=true) that is a failure, as for LibreOffice.

Screenshots go to a temporary folder, or to the folder named by ``ISCG_DOCS_SCREENSHOTS``
(``ISCG_DOCS_SCREENSHOTS=docs pytest tests/test_web_browser.py`` refreshes the README's).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")
pytest.importorskip("selenium", reason="selenium is not installed")

import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait
from starlette.applications import Starlette

from iscg_docs.web.app import create_app
from tests.helpers import run

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "examples" / "saone-et-loire.xlsx"
REFERENCES = ("CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _program(path: str, name: str) -> str | None:
    return path if Path(path).is_file() else shutil.which(name)


@pytest.fixture(scope="module")
def programs() -> tuple[str, str]:
    """Chromium and chromedriver, from the system (the project installs no browser)."""
    browser = _program(CHROMIUM, "chromium")
    driver = _program(CHROMEDRIVER, "chromedriver")
    if browser is None or driver is None:
        message = "not installed: chromium and chromium-driver (Debian packages)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return browser, driver


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


TOKEN = "jeton-du-service-juridique"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The page, served by uvicorn in a thread; its address."""
    yield from _serve(create_app())


@pytest.fixture(scope="module")
def guarded_server() -> Iterator[str]:
    """The page with an access token, as on an intranet."""
    yield from _serve(create_app(token=TOKEN))


def _serve(app: Starlette) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go."""
    chosen = os.environ.get("ISCG_DOCS_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(
    programs: tuple[str, str], downloads: Path, monkeypatch_module: pytest.MonkeyPatch
) -> Iterator[WebDriver]:
    """Headless Chromium with JavaScript off, a fresh profile, downloads into a folder."""
    # Selenium Manager must not look for a driver on the internet: the system's is given
    # (Selenium then skips its manager), and offline mode stands guard should that change.
    monkeypatch_module.setenv("SE_OFFLINE", "true")
    browser_path, driver_path = programs
    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="iscg-docs-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1200,900")
    options.add_argument("--lang=fr")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "profile.managed_default_content_settings.javascript": 2,
        },
    )
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def shoot(driver: WebDriver, folder: Path, name: str, height: int = 900) -> None:
    """A screenshot of the window, ``height`` pixels tall."""
    driver.set_window_size(1200, height)
    driver.save_screenshot(str(folder / name))


def check_file(driver: WebDriver, base: str, path: Path) -> None:
    """Open the home page, choose ``path`` and press « Vérifier le fichier »."""
    driver.get(base + "/")
    driver.find_element(By.ID, "fichier").send_keys(str(path))
    driver.find_element(By.ID, "verifier").click()
    WebDriverWait(driver, 60).until(lambda d: d.current_url.endswith("/verification"))
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Vérification de")


def wait_for(folder: Path, name: str, seconds: float = 60) -> Path:
    """The downloaded file once the browser has finished writing it."""
    target = folder / name
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if target.is_file() and not any(folder.glob("*.crdownload")):
            return target
        time.sleep(0.1)
    pytest.fail(f"{name} was not downloaded; the folder holds {sorted(os.listdir(folder))}")


class TestBrowser:
    def test_home(self, browser: WebDriver, server: str, shots: Path) -> None:
        """The home page shows the upload form and the two downloads."""
        browser.get(server + "/")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Vérifier un fichier de conventions"
        assert browser.find_element(By.ID, "classeur-vierge").get_attribute("href") == (
            server + "/classeur-vierge.xlsx"
        )
        shoot(browser, shots, "web-accueil.png", 700)

    def test_plans_and_zip(
        self, browser: WebDriver, server: str, downloads: Path, shots: Path, tmp_path: Path
    ) -> None:
        """Upload the example, read the three plans, take the zip: the command line's bytes."""
        check_file(browser, server, WORKBOOK)
        sections = browser.find_elements(By.CSS_SELECTOR, "section.convention")
        assert [s.get_attribute("data-reference") for s in sections] == list(REFERENCES)
        first = sections[0].find_element(By.CSS_SELECTOR, "table.financement").text
        assert "La commune de Montceau-les-Mines" in first
        assert "134 657,60 €" in first.replace("\u202f", " ").replace("\u00a0", " ")
        assert "3,5 ETP engagés" in browser.find_element(By.ID, "etp").text
        assert sections[0].find_element(By.CSS_SELECTOR, "svg.graphique").is_displayed()
        shoot(browser, shots, "web-verification.png", 1700)

        browser.find_element(By.ID, "telecharger").click()
        zipped = wait_for(downloads, "saone-et-loire-documents.zip")
        out = tmp_path / "cli"
        code, printed = run("generate", str(WORKBOOK), "--out", str(out), "--quiet")
        assert code == 0, printed
        with zipfile.ZipFile(io.BytesIO(zipped.read_bytes())) as archive:
            names = sorted(archive.namelist())
            assert names == sorted(p.name for p in out.iterdir())
            for name in names:
                assert archive.read(name) == (out / name).read_bytes(), name

        browser.find_element(By.ID, "options").screenshot(str(shots / "web-generation.png"))
        sections[0].find_element(By.TAG_NAME, "figure").screenshot(str(shots / "web-graphique.png"))

    def test_one_document(self, browser: WebDriver, server: str, downloads: Path) -> None:
        """Each convention's document downloads alone."""
        check_file(browser, server, WORKBOOK)
        button = browser.find_element(
            By.CSS_SELECTOR, f'button[name="docx"][value="{REFERENCES[2]}"]'
        )
        button.click()
        document = wait_for(downloads, f"{REFERENCES[2]}.docx")
        assert document.read_bytes().startswith(b"PK")

    def test_located_error(
        self, browser: WebDriver, server: str, shots: Path, tmp_path: Path
    ) -> None:
        """A broken workbook: the French error at its sheet, row and column."""
        import openpyxl

        book = openpyxl.load_workbook(WORKBOOK)
        sheet = book["Postes"]
        headers = [c.value for c in sheet[1]]
        sheet.cell(4, headers.index("Quotité (ETP)") + 1).value = "beaucoup"
        broken = tmp_path / "classeur-abime.xlsx"
        book.save(broken)

        check_file(browser, server, broken)
        errors = browser.find_element(By.ID, "erreurs")
        assert errors.find_element(By.TAG_NAME, "h2").text == (
            "Données invalides dans classeur-abime.xlsx :"
        )
        lines = [li.text for li in errors.find_elements(By.CSS_SELECTOR, "ul.probleme li")]
        assert any(
            line.startswith("Feuille « Postes », ligne 4, colonne « Quotité (ETP) » — ")
            and "un nombre est attendu" in line
            for line in lines
        ), lines
        shoot(browser, shots, "web-erreurs.png", 800)

    def test_preview(self, browser: WebDriver, server: str, shots: Path) -> None:
        """« Aperçu de la première page » shows the page as an image, or says what it needs."""
        from iscg_docs.web.work import preview_available

        check_file(browser, server, WORKBOOK)
        if not preview_available():
            assert "poppler-utils" in browser.find_element(By.CSS_SELECTOR, ".actions").text
            return
        check_page = browser.current_window_handle
        browser.find_element(
            By.CSS_SELECTOR, f'button[name="apercu"][value="{REFERENCES[0]}"]'
        ).click()
        # The preview opens in a new tab, so the check page and its forms stay.
        WebDriverWait(browser, 30).until(lambda d: len(d.window_handles) == 2)
        browser.switch_to.window(next(h for h in browser.window_handles if h != check_page))
        try:
            WebDriverWait(browser, 180).until(lambda d: d.current_url.endswith("/apercu"))
            image = browser.find_element(By.ID, "apercu")
            assert image.get_attribute("naturalWidth") not in (None, "0")
            shoot(browser, shots, "web-apercu.png", 900)
        finally:
            browser.close()
            browser.switch_to.window(check_page)

    def test_token(self, browser: WebDriver, guarded_server: str, shots: Path) -> None:
        """With a token, the browser user types it once and then uses the page as usual."""
        browser.get(guarded_server + "/")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Accès protégé"
        shoot(browser, shots, "web-connexion.png", 500)
        browser.find_element(By.ID, "jeton").send_keys("pas le bon")
        browser.find_element(By.CSS_SELECTOR, "form button").click()
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "message"))
        assert browser.find_element(By.ID, "message").text == "Jeton incorrect."
        browser.find_element(By.ID, "jeton").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "form button").click()
        WebDriverWait(browser, 30).until(lambda d: d.current_url == guarded_server + "/")
        check_file(browser, guarded_server, WORKBOOK)
        sections = browser.find_elements(By.CSS_SELECTOR, "section.convention")
        assert len(sections) == 3
