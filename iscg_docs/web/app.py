"""The Starlette application: routes, error pages, and the protections put around them."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

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

from iscg_docs import InputError, IscgError, ValidationError, __version__
from iscg_docs.web import views, work
from iscg_docs.web.guard import BodyLimit, SafeHeaders, TokenGate, UploadTooLarge, set_cookie

__all__ = ["DEFAULT_MAX_UPLOAD", "create_app"]

#: The upload limit when ``--max-upload`` is not given: 5 Mo.
DEFAULT_MAX_UPLOAD = 5 * 1024 * 1024

_HERE = Path(__file__).resolve().parent
_MEDIA = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".toml": "application/toml",
    ".json": "application/json",
}


class _Refused(Exception):
    """A request the page answers with a French message and a status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message, status)
        self.message = message
        self.status = status


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def size_text(size: int) -> str:
    """A size as a jurist reads it: « 5 Mo », « 500 ko »."""
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} Mo"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")
    return f"{max(1, size // 1024)} ko"


def create_app(*, max_upload: int = DEFAULT_MAX_UPLOAD, token: str | None = None) -> Starlette:
    """The page, ready for uvicorn (or Starlette's test client).

    Args:
        max_upload: the largest file accepted, in bytes.
        token: when set, every request must carry it (header, cookie, or ``?jeton=``).
    """
    env = _environment()
    env.globals["max_upload"] = size_text(max_upload)
    env.globals["token_required"] = token is not None

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    def refused(message: str, status: int) -> HTMLResponse:
        return page("erreur.html", status, message=message)

    too_large = (
        f"Le fichier dépasse la taille maximale acceptée ({size_text(max_upload)}). "
        "Allégez-le ou demandez à la personne qui a lancé la page de relever la limite "
        "(option --max-upload)."
    )

    async def upload(request: Request) -> tuple[FormData, str, bytes]:
        """The form, the file's name and its bytes: a new file, or the one sent back."""
        # The file may come back base64-encoded in a hidden field (a third larger).
        async with request.form(
            max_files=1, max_fields=32, max_part_size=max_upload * 4 // 3 + 1024
        ) as form:
            chosen = form.get("fichier")
            if isinstance(chosen, UploadFile) and chosen.filename:
                content = await chosen.read(max_upload + 1)
                name = chosen.filename
            else:
                content = _decode(form.get("contenu"))
                name = str(form.get("nom") or "")
            fields = FormData([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
        if len(content) > max_upload:
            raise _Refused(too_large, 413)
        if not name and not content:
            raise _Refused("Choisissez d'abord un fichier .xlsx, .toml ou .json.", 400)
        return fields, name, content

    async def home(request: Request) -> Response:
        return page("accueil.html")

    async def check(request: Request) -> Response:
        try:
            fields, name, content = await upload(request)
        except _Refused as e:
            return refused(e.message, e.status)
        found = await run_in_threadpool(work.examine, name, content)
        return page("verification.html", **views.check_context(found, content, fields))

    async def generation(request: Request) -> Response:
        try:
            fields, name, content = await upload(request)
        except _Refused as e:
            return refused(e.message, e.status)
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
            return page("verification.html", 422, **context)
        except IscgError as e:
            return refused(f"Erreur : {e}", 500)
        if alone:
            suffix = ".pdf" if fields.get("pdf_de") else ".docx"
            for file_name, data in produced.files:
                if file_name.endswith(suffix):
                    return _attachment(file_name, data)
        stem = Path(work.safe_name(name)).stem
        return _attachment(f"{stem}-documents.zip", work.zip_bytes(produced))

    async def preview(request: Request) -> Response:
        try:
            fields, name, content = await upload(request)
        except _Refused as e:
            return refused(e.message, e.status)
        reference = str(fields.get("apercu") or "")
        context: dict[str, Any] = {"reference": reference, "image": None, "message": None}
        if not work.preview_available():
            context["message"] = views.NO_PREVIEW
        else:
            try:
                png = await run_in_threadpool(
                    lambda: work.preview_png(
                        name, content, reference, draft=fields.get("projet") == "oui"
                    )
                )
                context["image"] = base64.b64encode(png).decode("ascii")
            except IscgError as e:
                context["message"] = f"Erreur : {e}"
        return page("apercu.html", **context)

    async def blank_workbook(request: Request) -> Response:
        from iscg_docs.inputs.workbook import workbook_template_bytes

        data = await run_in_threadpool(workbook_template_bytes)
        return _attachment("classeur-conventions-iscg.xlsx", data)

    async def example(request: Request) -> Response:
        from iscg_docs._resources import bundled_file

        name = request.path_params["name"]
        path = bundled_file("examples", f"saone-et-loire.{name}")
        if name not in ("xlsx", "toml") or path is None:
            raise HTTPException(404)
        return _attachment(path.name, path.read_bytes())

    async def login_form(request: Request) -> Response:
        return page("connexion.html", message=None)

    async def login(request: Request) -> Response:
        from iscg_docs.web.guard import token_matches

        async with request.form(max_files=0, max_fields=4) as form:
            given = str(form.get("jeton") or "")
        if token is None:
            return RedirectResponse("/", status_code=303)
        if not token_matches(given, token):
            return page("connexion.html", 401, message="Jeton incorrect.")
        response = RedirectResponse("/", status_code=303)
        set_cookie(response, token)
        return response

    async def on_too_large(request: Request, exc: Exception) -> Response:
        return refused(too_large, 413)

    async def on_http(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        messages = {404: "Cette page n'existe pas.", 405: "Cette adresse ne s'ouvre pas ainsi."}
        return refused(messages.get(status, "La demande n'a pas pu être traitée."), status)

    async def on_error(request: Request, exc: Exception) -> Response:
        # Never a traceback on the page: the server's log has it.
        return refused(
            "Une erreur inattendue s'est produite ; rien n'a été conservé. Réessayez, et si "
            "elle revient, transmettez le fichier à la personne qui gère la page.",
            500,
        )

    routes = [
        Route("/", home),
        Route("/verification", check, methods=["POST"]),
        Route("/generation", generation, methods=["POST"]),
        Route("/apercu", preview, methods=["POST"]),
        Route("/classeur-vierge.xlsx", blank_workbook),
        Route("/exemple.{name}", example),
        Route("/connexion", login_form),
        Route("/connexion", login, methods=["POST"]),
        Mount("/static", StaticFiles(directory=_HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SafeHeaders)]
    if token is not None:
        middleware.append(
            Middleware(
                TokenGate,
                token=token,
                refuse=lambda request: page("connexion.html", 401, message=None),
            )
        )
    limit = max_upload * 4 // 3 + 64 * 1024
    middleware.append(Middleware(BodyLimit, limit=limit, refuse=lambda: refused(too_large, 413)))
    handlers: Mapping[Any, Any] = {
        UploadTooLarge: on_too_large,
        HTTPException: on_http,
        Exception: on_error,
    }
    return Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)


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
