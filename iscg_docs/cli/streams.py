"""Standard output and error as a console may hold them: any encoding, closed, full.

A Windows console (cp1252), ``LANG=C`` (ASCII) or a Latin-1 terminal cannot carry every
character of a French message: what it cannot carry is written as the nearest ASCII
(« État » as « Etat », a narrow no-break space as a space, « € » as « EUR »), never as a
``UnicodeEncodeError``. A standard output that is closed, full or a pipe whose reader
left raises :class:`OutputClosed`, which :func:`iscg_docs.cli.main` turns into exit 3.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
import unicodedata
from typing import TextIO, cast

__all__ = ["NEAREST", "Checked", "OutputClosed", "console_streams", "silence_stdout"]

#: The error handler :func:`console_streams` gives the standard streams.
NEAREST = "iscg-docs-nearest"

#: What a character no console encoding may hold is written as (ASCII, so any encoding
#: takes it); other characters lose their accents, and "?" stands for the rest.
_NEAREST = {
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2011": "-",
    "\u2026": "...",
    "\u20ac": "EUR",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u00e6": "ae",
    "\u00c6": "AE",
    "\u00b0": "o",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2192": "->",
    "\u00d7": "x",
}


class OutputClosed(Exception):
    """A stream could not be written (closed, full, or a pipe nobody reads).

    Args:
        stream: the :class:`Checked` stream that failed.
        reason: the system's error.
    """

    def __init__(self, stream: Checked, reason: str) -> None:
        super().__init__(reason)
        self.stream = stream


class Checked:
    """A text stream whose write and flush failures raise :class:`OutputClosed`.

    Args:
        stream: the stream to write to.
        drop: drop what cannot be written instead of raising (for messages: a command's
            exit code says more than the failure to tell why).
    """

    def __init__(self, stream: TextIO, *, drop: bool = False) -> None:
        self.stream = stream
        self.drop = drop

    def write(self, text: str) -> int:
        """Write ``text``; an ``OSError`` of the stream becomes :class:`OutputClosed`."""
        try:
            return self.stream.write(text)
        except OSError as e:
            return self._failed(e, len(text))

    def flush(self) -> None:
        """Flush the stream; an ``OSError`` becomes :class:`OutputClosed`."""
        try:
            self.stream.flush()
        except OSError as e:
            self._failed(e, 0)

    def _failed(self, error: OSError, size: int) -> int:
        if self.drop:
            return size
        raise OutputClosed(self, str(error)) from error

    def isatty(self) -> bool:
        """Whether the stream is a terminal."""
        return self.stream.isatty()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)

    def as_text_io(self) -> TextIO:
        """This object where a ``TextIO`` is expected (``print(file=…)`` needs ``write``)."""
        return cast(TextIO, self)


def _nearest(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the nearest ASCII for the characters the encoding lacks."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    replaced = []
    for char in error.object[error.start : error.end]:
        if char in _NEAREST:
            replaced.append(_NEAREST[char])
            continue
        bare = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
        replaced.append(bare or "?")
    return "".join(replaced), error.end


codecs.register_error(NEAREST, _nearest)


def console_streams() -> tuple[TextIO | None, TextIO]:
    """``sys.stdout`` and ``sys.stderr``, made to write what their encoding cannot carry.

    Returns:
        Standard output, or None if it is closed (``>&-``); standard error, or a stream
        that drops what it is given if it is closed.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=NEAREST)
    return sys.stdout, sys.stderr if sys.stderr is not None else io.StringIO()


def silence_stdout() -> None:
    """Point standard output at the null device, so that the flush at exit cannot fail
    again on what it still holds (and print « Exception ignored » with exit 120)."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, AttributeError, ValueError):
        pass
