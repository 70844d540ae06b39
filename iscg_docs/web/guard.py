"""The page's protections, as ASGI middleware: access token, upload size, safe headers."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "COOKIE",
    "HEADER",
    "QUERY",
    "BodyLimit",
    "SafeHeaders",
    "TokenGate",
    "UploadTooLarge",
    "token_matches",
]

#: Where a request may carry the access token.
HEADER = "x-iscg-docs-token"
COOKIE = "iscg_docs_jeton"
QUERY = "jeton"

#: Paths open without the token: the login form and its style sheet.
_OPEN = ("/connexion", "/static/")

#: How much of an oversized body is read and thrown away, so the browser gets the French
#: page instead of a reset connection; beyond it the connection is simply closed.
_DRAIN_MAX = 64 * 1024 * 1024


class UploadTooLarge(Exception):
    """The request body went past the upload limit while it was being received."""


def token_matches(given: str | None, token: str) -> bool:
    """True when ``given`` is the token, compared in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


class TokenGate:
    """Every request needs the token: in a header, a cookie, or once in the address.

    A browser user opens ``/connexion``, types the token, and gets it as an HttpOnly,
    SameSite=Strict cookie; a link ``/?jeton=…`` does the same. Scripts send it as
    ``Authorization: Bearer …`` or ``X-ISCG-Docs-Token``.
    """

    def __init__(self, app: ASGIApp, token: str, refuse: Callable[[Request], Response]) -> None:
        self.app = app
        self.token = token
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_OPEN):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        carried = (
            request.headers.get(HEADER),
            _bearer(request),
            request.cookies.get(COOKIE),
        )
        if any(token_matches(c, self.token) for c in carried):
            await self.app(scope, receive, send)
            return
        response: Response
        if token_matches(request.query_params.get(QUERY), self.token):
            # Keep the token out of the address bar and the history: set it, then redirect.
            kept = [(k, v) for k, v in request.query_params.multi_items() if k != QUERY]
            response = RedirectResponse(str(URL(scope=scope).replace_query_params(**dict(kept))))
            set_cookie(response, self.token)
        else:
            response = self.refuse(request)
        await response(scope, receive, send)


def set_cookie(response: Response, token: str) -> None:
    """Give the browser the token, out of reach of scripts and of other sites."""
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")


class BodyLimit:
    """Refuse a request body larger than ``limit`` bytes, counted as it arrives.

    A declared length over the limit is refused before the body is read; a body sent in
    pieces is stopped when it goes past: the endpoint sees :class:`UploadTooLarge`, which
    the application turns into the French page. Nothing unbounded is kept in memory.
    """

    def __init__(self, app: ASGIApp, limit: int, refuse: Callable[[], Response]) -> None:
        self.app = app
        self.limit = limit
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await _drain(receive, int(declared))
            await self.refuse()(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise UploadTooLarge
            return message

        await self.app(scope, counted, send)


async def _drain(receive: Receive, declared: int) -> None:
    """Read and drop a body the server refuses, up to a bound."""
    if declared > _DRAIN_MAX:
        return
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


#: No script runs on these pages, nothing comes from elsewhere, no other site frames them.
_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self' data:; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


class SafeHeaders:
    """Add the headers above to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
