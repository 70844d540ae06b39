"""The Starlette application: routes, error pages, and the protections put around them."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any
from urllib.parse import quote

from attrs import frozen
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from iscg_docs._version import __version__
from iscg_docs.errors import InputError, IscgError, ValidationError
from iscg_docs.web import views, work
from iscg_docs.web.guard import (
    BodyLimit,
    SafeHeaders,
    TokenGate,
    UploadTooLarge,
    set_cookie,
    token_matches,
)

__all__ = ["DEFAULT_MAX_UPLOAD", "create_app", "size_text"]

#: The upload limit when ``--max-upload`` is not given: 5 Mo.
DEFAULT_MAX_UPLOAD = 5 * 1024 * 1024

_HERE = Path(__file__).resolve().parent
_MEDIA = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".toml": "application/toml",
}
_UNEXPECTED = (
    "Une erreur inattendue s'est produite ; rien n'a été conservé. Réessayez, et si elle "
    "revient, transmettez le fichier à la personne qui gère la page."
)
_STATUS_MESSAGES = {404: "Cette page n'existe pas.", 405: "Cette adresse ne s'ouvre pas ainsi."}


def size_text(size: int) -> str:
    """A size as a jurist reads it: « 5 Mo », « 1,5 Mo », « 500 ko »."""
    mega = 1024 * 1024
    if size >= mega and size % mega == 0:
        return f"{size // mega} Mo"
    if size >= mega:
        return f"{size / mega:.1f} Mo".replace(".", ",")
    return f"{max(1, size // 1024)} ko"


@frozen
class _Site:
    """What every route needs: the templates, the upload limit, the access token."""

    env: Environment
    max_upload: int
    token: str | None

    @property
    def too_large(self) -> str:
        return (
            f"Le fichier dépasse la taille maximale acceptée ({size_text(self.max_upload)}). "
            "Allégez-le ou demandez à la personne qui a lancé la page de relever la limite "
            "(option --max-upload)."
        )

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(name).render(**context), status_code=status)

    def refused(self, message: str, status: int) -> HTMLResponse:
        return self.page("erreur.html", status, message=message)


def _site(request: Request) -> _Site:
    site: _Site = request.app.state.site
    return site


class _Refused(Exception):
    """A request the page answers with a French message and a status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message, status)
        self.message = message
        self.status = status


async def _upload(request: Request) -> tuple[FormData, str, bytes]:
    """The form's text fields, the file's name and its bytes.

    The file is a new one (« fichier ») or the copy the check page sends back with its
    forms, base64-encoded in a hidden field (« contenu »): the server keeps nothing
    between requests.

    Raises:
        _Refused: no file, a file over the limit, or a damaged copy.
    """
    limit = _site(request).max_upload
    # The hidden copy is a third larger than the file.
    async with request.form(
        max_files=1, max_fields=32, max_part_size=limit * 4 // 3 + 1024
    ) as form:
        chosen = form.get("fichier")
        if isinstance(chosen, UploadFile) and chosen.filename:
            content = await chosen.read(limit + 1)
            name = chosen.filename
        else:
            content = _decode(form.get("contenu"))
            name = str(form.get("nom") or "")
        fields = FormData([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    if len(content) > limit:
        raise _Refused(_site(request).too_large, 413)
    if not name and not content:
        raise _Refused("Choisissez d'abord un fichier .xlsx, .toml ou .json.", 400)
    return fields, name, content


def _decode(value: object) -> bytes:
    """The bytes of the file sent back in the hidden field."""
    if not isinstance(value, str):
        return b""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _Refused(
            "Le fichier renvoyé par la page est abîmé ; choisissez-le à nouveau.", 400
        ) from None


def _attachment(name: str, data: bytes) -> Response:
    """A file to download under ``name``."""
    media = _MEDIA.get(Path(name).suffix, "application/octet-stream")
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=media, headers={"content-disposition": disposition})


async def home(request: Request) -> Response:
    """The upload form and the two downloads."""
    return _site(request).page("accueil.html")


async def check(request: Request) -> Response:
    """Errors, warnings and plans of the uploaded file, and the form to generate."""
    try:
        fields, name, content = await _upload(request)
    except _Refused as e:
        return _site(request).refused(e.message, e.status)
    found = await run_in_threadpool(work.examine, name, content)
    return _site(request).page("verification.html", **views.check_context(found, content, fields))


async def generation(request: Request) -> Response:
    """The zip of the documents and manifest, or one document alone."""
    site = _site(request)
    try:
        fields, name, content = await _upload(request)
    except _Refused as e:
        return site.refused(e.message, e.status)
    draft = fields.get("projet") == "oui"
    alone = fields.get("docx") or fields.get("pdf_de")
    # One document alone: a PDF only when that is the one asked for.
    pdf = bool(fields.get("pdf_de")) if alone else fields.get("pdf") == "oui"
    chosen = str(alone or fields.get("seule") or "")
    only = [chosen] if chosen else None
    try:
        produced = await run_in_threadpool(
            lambda: work.produce(name, content, draft=draft, pdf=pdf, only=only)
        )
    except (InputError, ValidationError) as e:
        # The check page, with what stopped the generation on top of it.
        found = await run_in_threadpool(work.examine, name, content)
        context = views.check_context(found, content, fields)
        if isinstance(e, InputError) and found.error is None:
            context["refusal"] = f"Erreur : {e}"
        return site.page("verification.html", 422, **context)
    except IscgError as e:
        return site.refused(f"Erreur : {e}", 500)
    if alone:
        suffix = ".pdf" if fields.get("pdf_de") else ".docx"
        # The convention's own document: its avenants' documents bear its name and more.
        matching = [(f, data) for f, data in produced.files if f.endswith(suffix)]
        if matching:
            return _attachment(*min(matching, key=lambda item: len(item[0])))
    stem = Path(work.safe_name(name)).stem
    return _attachment(f"{stem}-documents.zip", work.zip_bytes(produced))


async def preview(request: Request) -> Response:
    """A convention's first page as an image, or the sentence saying what it needs."""
    site = _site(request)
    try:
        fields, name, content = await _upload(request)
    except _Refused as e:
        return site.refused(e.message, e.status)
    reference = str(fields.get("apercu") or "")
    context: dict[str, Any] = {"reference": reference, "image": None, "message": None}
    if not work.preview_available():
        context["message"] = views.NO_PREVIEW
        return site.page("apercu.html", **context)
    draft = fields.get("projet") == "oui"
    try:
        png = await run_in_threadpool(
            lambda: work.preview_png(name, content, reference, draft=draft)
        )
        context["image"] = base64.b64encode(png).decode("ascii")
    except IscgError as e:
        context["message"] = f"Erreur : {e}"
    return site.page("apercu.html", **context)


async def blank_workbook(request: Request) -> Response:
    """The documented blank workbook, as ``iscg-docs workbook-template`` writes it."""
    from iscg_docs.inputs.workbook import workbook_template_bytes

    data = await run_in_threadpool(workbook_template_bytes)
    return _attachment("classeur-conventions-iscg.xlsx", data)


async def example(request: Request) -> Response:
    """The Saône-et-Loire example, as a workbook or as TOML."""
    from iscg_docs._resources import bundled_file

    suffix = request.path_params["suffix"]
    path = bundled_file("examples", f"saone-et-loire.{suffix}")
    if suffix not in ("xlsx", "toml") or path is None:
        raise HTTPException(404)
    return _attachment(path.name, path.read_bytes())


async def login_form(request: Request) -> Response:
    """The form where a browser user types the access token."""
    return _site(request).page("connexion.html", message=None)


async def login(request: Request) -> Response:
    """Check the token typed in the form; if right, give it to the browser as a cookie."""
    site = _site(request)
    async with request.form(max_files=0, max_fields=4) as form:
        given = str(form.get("jeton") or "")
    response = RedirectResponse("/", status_code=303)
    if site.token is None:
        return response
    if not token_matches(given, site.token):
        return site.page("connexion.html", 401, message="Jeton incorrect.")
    set_cookie(response, site.token)
    return response


async def _on_too_large(request: Request, exc: Exception) -> Response:
    site = _site(request)
    return site.refused(site.too_large, 413)


async def _on_http(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = _STATUS_MESSAGES.get(status, "La demande n'a pas pu être traitée.")
    return _site(request).refused(message, status)


async def _on_error(request: Request, exc: Exception) -> Response:
    # Never a traceback on the page: the server's log has it.
    return _site(request).refused(_UNEXPECTED, 500)


ROUTES = [
    Route("/", home),
    Route("/verification", check, methods=["POST"]),
    Route("/generation", generation, methods=["POST"]),
    Route("/apercu", preview, methods=["POST"]),
    Route("/classeur-vierge.xlsx", blank_workbook),
    Route("/exemple.{suffix}", example),
    Route("/connexion", login_form),
    Route("/connexion", login, methods=["POST"]),
    Mount("/static", StaticFiles(directory=_HERE / "static"), name="static"),
]


def create_app(*, max_upload: int = DEFAULT_MAX_UPLOAD, token: str | None = None) -> Starlette:
    """The page, ready for uvicorn (or Starlette's test client).

    Args:
        max_upload: the largest file accepted, in bytes.
        token: when set, every request must carry it (header, cookie, or ``?jeton=``).
    """
    env = Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(version=__version__, max_upload=size_text(max_upload))
    site = _Site(env, max_upload, token)
    middleware = [Middleware(SafeHeaders)]
    if token is not None:

        def refuse_login(request: Request) -> Response:
            return site.page("connexion.html", 401, message=None)

        middleware.append(Middleware(TokenGate, token=token, refuse=refuse_login))
    # The body may hold the hidden copy of a file, a third larger, and the form's fields.
    limit = max_upload * 4 // 3 + 64 * 1024

    def refuse_large() -> Response:
        return site.refused(site.too_large, 413)

    middleware.append(Middleware(BodyLimit, limit=limit, refuse=refuse_large))
    app = Starlette(
        routes=ROUTES,
        middleware=middleware,
        exception_handlers={
            UploadTooLarge: _on_too_large,
            HTTPException: _on_http,
            Exception: _on_error,
        },
    )
    app.state.site = site
    return app
