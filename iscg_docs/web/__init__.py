"""``iscg-docs serve``: a page to check a file and take the documents away, in a browser.

Modules: ``work`` (what is done with an upload, through the public API, in a temporary
folder), ``views`` and ``chart`` (what the check page shows), ``guard`` (token, upload
limit, headers), ``app`` (the Starlette routes). Starlette and uvicorn come with the
``web`` extra and are imported only when the page starts, so the command line runs
without them.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import re
import socket
import sys
from typing import TextIO

__all__ = ["TOKEN_VARIABLE", "is_loopback", "parse_size", "serve"]

#: The environment variable holding the access token.
TOKEN_VARIABLE = "ISCG_DOCS_TOKEN"

_EXIT_OK = 0
_EXIT_USAGE = 2
_SIZE = re.compile(r"(\d+)\s*(|o|k|ko|kb|kio|m|mo|mb|mio)", re.IGNORECASE)
_UNITS = {"": 1, "o": 1, "k": 1024, "m": 1024 * 1024}


def parse_size(text: str) -> int:
    """A size in bytes from ``5M``, ``5 Mo``, ``500k``, ``500ko`` or ``1048576``.

    Raises:
        ValueError: the text is no size, or is zero; the message is French.
    """
    match = _SIZE.fullmatch(text.strip())
    if match is None or int(match[1]) == 0:
        raise ValueError(
            f"taille non reconnue « {text} » ; écrivez par exemple 5M (5 Mo) ou 500k (500 ko)."
        )
    return int(match[1]) * _UNITS[match[2][:1].lower()]


def is_loopback(host: str) -> bool:
    """True when ``host`` is reachable only from this machine (127.0.0.1, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    max_upload: str = "5M",
    *,
    err: TextIO | None = None,
) -> int:
    """Run the page until Ctrl-C.

    Args:
        host: the address to listen on; other than the loopback only with a token set
            in ``ISCG_DOCS_TOKEN``, which every request must then carry.
        port: the port.
        max_upload: the largest file accepted (``5M`` by default).
        err: where to print messages (standard error by default).

    Returns:
        An exit code: 0 when stopped, 2 when the page cannot start (missing extra, an
        open address without a token, a wrong size).
    """
    stream = err if err is not None else sys.stderr
    try:
        limit = parse_size(max_upload)
    except ValueError as e:
        print(f"Erreur : --max-upload : {e}", file=stream)
        return _EXIT_USAGE
    token = os.environ.get(TOKEN_VARIABLE) or None
    if not is_loopback(host) and token is None:
        print(
            f"Erreur : la page serait ouverte à d'autres machines ({host}) sans protection. "
            f"Définissez un jeton d'accès dans la variable {TOKEN_VARIABLE} "
            "(par exemple : export ISCG_DOCS_TOKEN=$(python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(24))')), ou gardez --host 127.0.0.1.",
            file=stream,
        )
        return _EXIT_USAGE
    try:
        import uvicorn

        from iscg_docs.web.app import create_app
    except ModuleNotFoundError as e:
        print(
            f"Erreur : la page web demande des paquets absents ({e.name}). Installez-les "
            "avec : pip install 'iscg-docs[web]'",
            file=stream,
        )
        return _EXIT_USAGE
    refusal = _cannot_listen(host, port)
    if refusal is not None:
        print(f"Erreur : {refusal}", file=stream)
        return _EXIT_USAGE
    shown = f"[{host}]" if ":" in host else host
    print(
        f"Page ouverte sur http://{shown}:{port}/ (Ctrl-C pour l'arrêter)"
        + (" ; jeton d'accès exigé." if token else "."),
        file=stream,
    )
    try:
        uvicorn.run(
            create_app(max_upload=limit, token=token),
            host=host,
            port=port,
            log_level="warning",
            server_header=False,
        )
    except SystemExit:  # uvicorn exits when it cannot start; it has said why
        return _EXIT_USAGE
    return _EXIT_OK


def _cannot_listen(host: str, port: int) -> str | None:
    """Why the page could not listen on ``host``:``port``, in French, or None if it can.

    Tried before uvicorn starts, so that a port in use gets a French sentence rather than
    uvicorn's log line.
    """
    from iscg_docs.errors import os_reason

    if not 0 < port < 65536:
        return f"le port doit être compris entre 1 et 65535 ({port} donné)."
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except socket.gaierror:
        return f"adresse inconnue « {host} » (option --host)."
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            return (
                f"le port {port} est déjà utilisé sur {host} ; choisissez-en un autre avec --port."
            )
        return f"impossible d'écouter sur {host}, port {port} ({os_reason(e)})."
    return None
