"""The one .docx zip writer: members in a fixed order, dated one fixed epoch; and the
checks a zip a user hands in (a template, a workbook) passes before anything parses it."""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from isal import isal_zlib

from iscg_docs._files import MEGABYTE, Refused, read_regular
from iscg_docs.errors import TemplateError, os_reason

__all__ = [
    "ZIP_EPOCH",
    "Entry",
    "Member",
    "check_zip",
    "compress",
    "layout",
    "normalize_package",
    "read_members",
    "template_bytes",
    "write_zip",
]

#: The date of every member: the earliest a zip can hold, so it says nothing.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# Members are deflated with ISA-L (isal) at its fastest level: 20 times faster than
# zlib's default level, for members a quarter larger (1.5 kB of a 43 kB document).
# Members copied from another zip keep the compression they had there.
_LEVEL = 0
_ZIP_LIMIT = 0xFFFFFFFF
# What a member's local header and central record say about the writer: version 2.0
# (deflate), made on Unix, read and write for the owner only.
_VERSION = 20
_MADE_BY = 3 << 8 | _VERSION
_PERMISSIONS = 0o600 << 16


class Member(NamedTuple):
    """A zip member kept in compressed form: what the central directory needs."""

    name: str
    method: int
    crc: int
    compressed: bytes
    size: int


class Entry(NamedTuple):
    """A member laid out at :data:`ZIP_EPOCH`: what does not change between documents."""

    name: str
    local: bytes  # local file header, then the compressed data
    central: bytes  # central directory record up to its offset field
    encoded_name: bytes


def read_members(package: bytes) -> Iterator[Member]:
    """Yield the members of a zip file with their compressed bytes, in order."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist():
            offset = info.header_offset
            name_length, extra_length = struct.unpack("<HH", package[offset + 26 : offset + 30])
            start = offset + 30 + name_length + extra_length
            yield Member(
                name=info.filename,
                method=info.compress_type,
                crc=info.CRC,
                compressed=package[start : start + info.compress_size],
                size=info.file_size,
            )


def compress(name: str, data: bytes) -> Member:
    """Deflate ``data`` for a member named ``name``."""
    compressed = isal_zlib.compress(data, _LEVEL, -15)
    return Member(name, zipfile.ZIP_DEFLATED, isal_zlib.crc32(data), compressed, len(data))


def _dos(date_time: tuple[int, ...]) -> tuple[int, int]:
    """MS-DOS time and date fields for ``date_time``."""
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


_DOS_TIME, _DOS_DATE = _dos(ZIP_EPOCH)


def _headers(member: Member) -> tuple[bytes, bytes, bytes]:
    """The local header, central record (up to the offset) and encoded name of a member."""
    if max(member.size, len(member.compressed)) >= _ZIP_LIMIT:
        raise ValueError("package too large for a zip without ZIP64")
    name = member.name.encode("utf-8")
    flags = 0 if member.name.isascii() else 0x800
    common = struct.pack(
        "<HHHHHIII",
        _VERSION,
        flags,
        member.method,
        _DOS_TIME,
        _DOS_DATE,
        member.crc,
        len(member.compressed),
        member.size,
    )
    local = b"PK\x03\x04" + common + struct.pack("<HH", len(name), 0) + name
    central = (
        b"PK\x01\x02"
        + struct.pack("<H", _MADE_BY)
        + common
        + struct.pack("<HHHHHI", len(name), 0, 0, 0, 0, _PERMISSIONS)
    )
    return local, central, name


def layout(members: tuple[Member, ...]) -> tuple[Entry, ...]:
    """Lay ``members`` out once: the headers and data of members a document keeps."""
    entries = []
    for member in members:
        local, central, name = _headers(member)
        entries.append(Entry(member.name, local + member.compressed, central, name))
    return tuple(entries)


def write_zip(
    members: tuple[Member, ...],
    replaced: Mapping[str, bytes],
    laid_out: tuple[Entry, ...] | None = None,
) -> bytes:
    """Write a zip of ``members``, compressing afresh those named in ``replaced``.

    Members keep their order and are dated :data:`ZIP_EPOCH`, so equal content gives
    equal bytes. The others are copied compressed, as stored, from ``laid_out`` when
    given (it must be ``layout(members)``).
    """
    if laid_out is None:
        laid_out = layout(members)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for entry in laid_out:
        if entry.name in replaced:
            member = compress(entry.name, replaced[entry.name])
            local, head, name = _headers(member)
            local += member.compressed
        else:
            local, head, name = entry.local, entry.central, entry.encoded_name
        if offset >= _ZIP_LIMIT:
            raise ValueError("package too large for a zip without ZIP64")
        out.append(local)
        central.append(head + struct.pack("<I", offset) + name)
        offset += len(local)
    directory = b"".join(central)
    out.append(directory)
    count = len(laid_out)
    out.append(
        b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, len(directory), offset, 0)
    )
    return b"".join(out)


def normalize_package(data: bytes, *, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite a .docx zip through :func:`write_zip`, members in the same order.

    Args:
        data: a .docx file's bytes.
        replace: members whose content to replace, by name.

    Returns:
        The same members dated :data:`ZIP_EPOCH`, so equal content gives equal bytes.
    """
    return write_zip(tuple(read_members(data)), replace or {})


#: The largest template file read, in bytes: the bundled one takes 40 kB.
TEMPLATE_LIMIT = 20 * MEGABYTE
#: The largest XML part of a template: docxtpl holds about 40 times its size in memory
#: while compiling it; a 500-page document takes 5 MB.
TEMPLATE_XML_LIMIT = 10 * MEGABYTE


def template_bytes(source: str | os.PathLike[str] | bytes, name: str) -> bytes:
    """A template's bytes, read from a regular file and checked by :func:`check_zip`.

    Args:
        source: a .docx path or its bytes.
        name: the template's name, for errors.

    Raises:
        TemplateError: the file cannot be read, is no regular file, is too large, or is
            a zip that :func:`check_zip` refuses.
    """
    try:
        data = source if isinstance(source, bytes) else read_regular(source, TEMPLATE_LIMIT)
    except Refused as e:
        raise TemplateError(f"modèle illisible ({e.reason}).", name) from None
    except OSError as e:
        raise TemplateError(f"modèle illisible ({os_reason(e)}).", name) from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError(
            "ce fichier n'est pas un document Word (.docx) : pas une archive zip.", name
        )
    try:
        check_zip(data, xml_limit=TEMPLATE_XML_LIMIT)
    except Refused as e:
        raise TemplateError(f"ce document Word (.docx) est refusé : {e.reason}.", name) from None
    return data


#: The most a member of a zip a user hands in may hold, uncompressed, and all of them.
MEMBER_LIMIT = 50 * MEGABYTE
TOTAL_LIMIT = 100 * MEGABYTE
# XML compresses 5 to 20 times; a member beyond this ratio (and a megabyte) is a bomb.
_RATIO_LIMIT = 200
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_WIDE = tuple(
    re.compile(re.escape("<!DOCTYPE".encode(codec)), re.IGNORECASE)
    for codec in ("utf-16-le", "utf-16-be")
)
_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_XML_ENCODINGS = frozenset({"utf-8", "utf8", "utf-16", "utf16", "ascii", "us-ascii"})


def check_zip(data: bytes, *, xml_limit: int | None = None) -> None:
    """Refuse a zip that would make a reader hang, exhaust memory or parse a DTD.

    Every member is inflated once here, so a corrupt stream is found before a parser
    meets it: a member encrypted, compressed by another method than deflate, larger
    than :data:`MEMBER_LIMIT` (all of them: :data:`TOTAL_LIMIT`) or far more than XML
    compresses; an XML member with a DTD (external entities, entity expansion) or an
    encoding declaration XML readers do not all know.

    Args:
        data: the zip's bytes.
        xml_limit: the largest XML member, uncompressed, if lower than the others'.

    Raises:
        Refused: why, in French.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_sizes(infos, xml_limit)
            for info in infos:
                _check_member(info.filename, archive.read(info))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as e:
        raise Refused(f"archive zip endommagée ({type(e).__name__})") from None


def _check_sizes(infos: list[zipfile.ZipInfo], xml_limit: int | None) -> None:
    total = 0
    for info in infos:
        name = info.filename
        if info.flag_bits & 0x1:
            raise Refused(f"l'élément « {name} » est chiffré (protégé par un mot de passe)")
        if info.compress_type not in _METHODS:
            raise Refused(
                f"l'élément « {name} » est compressé par une méthode inconnue "
                f"(n° {info.compress_type})"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MEMBER_LIMIT or (info.file_size > MEGABYTE and ratio > _RATIO_LIMIT):
            raise Refused(
                f"l'élément « {name} » se décompresse en {info.file_size / MEGABYTE:.0f} Mo "
                f"(limite : {MEMBER_LIMIT // MEGABYTE} Mo, {_RATIO_LIMIT} fois sa taille "
                "compressée)"
            )
        if xml_limit is not None and _is_xml(name) and info.file_size > xml_limit:
            raise Refused(
                f"la partie « {name} » fait {info.file_size / MEGABYTE:.0f} Mo de XML "
                f"(limite : {xml_limit // MEGABYTE} Mo)"
            )
        total += info.file_size
    if total > TOTAL_LIMIT:
        raise Refused(
            f"l'archive se décompresse en {total / MEGABYTE:.0f} Mo "
            f"(limite : {TOTAL_LIMIT // MEGABYTE} Mo)"
        )


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _check_member(name: str, content: bytes) -> None:
    if not _is_xml(name):
        return
    if _DTD.search(content) or any(p.search(content) for p in _DTD_WIDE):
        raise Refused(
            f"l'élément « {name} » contient une définition de type de document (DTD), "
            "refusée : elle peut lire d'autres fichiers ou démultiplier le texte"
        )
    declared = _DECLARATION.match(content.lstrip(b"\xef\xbb\xbf"))
    if declared is not None:
        encoding = declared.group(1).decode("ascii", "replace").lower()
        if encoding not in _XML_ENCODINGS:
            raise Refused(
                f"l'élément « {name} » déclare un encodage inconnu ou refusé « {encoding} » "
                "(UTF-8 attendu)"
            )
