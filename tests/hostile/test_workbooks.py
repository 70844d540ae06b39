"""Hostile workbooks: far cells, zip bombs, damaged or encrypted members, DTDs."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from tests.hostile.conftest import INVALID, UNREADABLE, Run, assert_refused, zip_with

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "saone-et-loire.xlsx"
SHEET = "xl/worksheets/sheet2.xml"  # « Cadre »


def members() -> dict[str, bytes]:
    """The example workbook's members, in order."""
    with zipfile.ZipFile(EXAMPLE) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def edited(tmp_path: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    """The example workbook changed by ``edit`` through openpyxl."""
    workbook = openpyxl.load_workbook(EXAMPLE)
    edit(workbook)
    path = tmp_path / "cadre.xlsx"
    workbook.save(path)
    return path


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "cadre.xlsx"
    path.write_bytes(data)
    return path


def patch_central(data: bytes, name: str, offset: int, fmt: str, value: int) -> bytes:
    """``data`` with a field of ``name``'s central directory record (and local header)
    replaced: what a crafted zip declares, whatever it holds."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46 : central + 46 + length] == name.encode():
            struct.pack_into(fmt, out, central + offset, value)
        central = out.find(b"PK\x01\x02", central + 4)
    struct.pack_into(fmt, out, info.header_offset + offset - 2, value)
    return bytes(out)


class TestFarCells:
    """Only the cells holding something are walked; a value far out is refused."""

    @pytest.mark.parametrize("cell", ["XFD1048576", "A1048576", "XFD2"])
    def test_value_far_out(self, tmp_path: Path, cli: Callable[..., Run], cell: str) -> None:
        """A value at the sheet's far corner: refused at once, not minutes of reading."""

        def far(workbook: openpyxl.Workbook) -> None:
            workbook["Postes"][cell] = "x"

        out = tmp_path / "out"
        run = cli("generate", edited(tmp_path, far), "--out", out)
        assert_refused(run, UNREADABLE, out=out, says="effacez les cellules")

    def test_formatting_far_out(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A formatted but empty cell at XFD1048576 is read as the table it ends."""

        def styled(workbook: openpyxl.Workbook) -> None:
            workbook["Postes"]["XFD1048576"].font = Font(bold=True)
            workbook["Cadre"]["XFD1048576"].font = Font(bold=True)

        run = cli("check", edited(tmp_path, styled))
        assert run.code == 0, run.stderr
        assert "Traceback" not in run.stderr


class TestZip:
    """A member's declared size, method and flags are checked before openpyxl reads it."""

    def test_bomb(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A shared-strings member of 60 MB of zeros, compressed to 60 kB."""
        parts = {**members(), "xl/sharedStrings.xml": bytes(60 * 1024 * 1024)}
        assert_refused(cli("check", write(tmp_path, zip_with(parts))), UNREADABLE, says="Mo")

    def test_ratio(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """5 MB of spaces in a sheet: small, but compressed a thousand times."""
        xml = members()[SHEET]
        parts = {**members(), SHEET: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 5_000_000)}
        assert_refused(cli("check", write(tmp_path, zip_with(parts))), UNREADABLE, says="Mo")

    def test_declared_size(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A member declaring 1.5 GB uncompressed, as a shared-strings bomb does."""
        data = patch_central(zip_with(members()), SHEET, 24, "<I", 1_500_000_000)
        assert_refused(cli("check", write(tmp_path, data)), UNREADABLE, says="1431 Mo")

    def test_encrypted(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A member flagged as encrypted."""
        data = patch_central(zip_with(members()), SHEET, 8, "<H", 0x1)
        assert_refused(cli("check", write(tmp_path, data)), UNREADABLE, says="chiffré")

    def test_unknown_method(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A member compressed by a method no reader here knows (99: AES)."""
        data = patch_central(zip_with(members()), SHEET, 10, "<H", 99)
        assert_refused(cli("check", write(tmp_path, data)), UNREADABLE, says="méthode inconnue")

    def test_corrupt_stream(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A member whose deflate stream is damaged in the middle."""
        data = bytearray(zip_with(members()))
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            info = archive.getinfo(SHEET)
        start = info.header_offset + 30 + len(SHEET)
        for i in range(start + 20, start + 60):
            data[i] ^= 0x5A
        assert_refused(cli("check", write(tmp_path, bytes(data))), UNREADABLE, says="endommagée")

    def test_not_a_zip(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """An encrypted Office file is no zip at all (an OLE container)."""
        data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)
        assert_refused(cli("check", write(tmp_path, data)), UNREADABLE, says="lisible")

    def test_truncated(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A workbook cut off in the middle of its members."""
        data = zip_with(members())
        assert_refused(cli("check", write(tmp_path, data[: len(data) // 2])), UNREADABLE)


_XXE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY x SYSTEM '
    b'"file:///etc/passwd">]>\n'
)
_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


class TestXml:
    """Damaged XML, DTDs and missing parts are refused in French."""

    @pytest.mark.parametrize(
        "name", [SHEET, "xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml"]
    )
    def test_malformed(self, tmp_path: Path, cli: Callable[..., Run], name: str) -> None:
        """A part cut in the middle of a tag."""
        parts = {**members(), name: members()[name][:200]}
        assert_refused(cli("check", write(tmp_path, zip_with(parts))), UNREADABLE, says="lisible")

    @pytest.mark.parametrize("name", ["xl/styles.xml", SHEET, "xl/workbook.xml"])
    def test_missing_part(self, tmp_path: Path, cli: Callable[..., Run], name: str) -> None:
        """A part the workbook refers to is absent."""
        parts = members()
        del parts[name]
        run = cli("check", write(tmp_path, zip_with(parts)))
        assert "Traceback" not in run.stderr
        assert run.code in (INVALID, UNREADABLE), run.stderr

    @pytest.mark.parametrize("dtd", [_XXE, _LAUGHS], ids=["xxe", "billion-laughs"])
    @pytest.mark.parametrize("name", [SHEET, "xl/sharedStrings.xml"])
    def test_dtd(self, tmp_path: Path, cli: Callable[..., Run], dtd: bytes, name: str) -> None:
        """Any DTD is refused: no entity is ever read or expanded."""
        body = members().get(name, b"<sst/>").split(b"?>", 1)[-1]
        parts = {**members(), name: dtd + body}
        assert_refused(cli("check", write(tmp_path, zip_with(parts))), UNREADABLE, says="DTD")

    def test_bad_encoding(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A part declaring an encoding no XML reader knows."""
        xml = b'<?xml version="1.0" encoding="x-bogus"?>\n' + members()[SHEET]
        parts = {**members(), SHEET: xml}
        assert_refused(cli("check", write(tmp_path, zip_with(parts))), UNREADABLE, says="encodage")


def test_date_out_of_range(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """A date serial no calendar holds is said so, not called a formula giving #VALUE!."""

    def far_date(workbook: openpyxl.Workbook) -> None:
        workbook["Cadre"]["B7"].value = 99_999_999
        workbook["Cadre"]["B7"].number_format = "DD/MM/YYYY"

    run = cli("check", edited(tmp_path, far_date))
    assert_refused(run, INVALID, says="ne correspond à aucune date")
    assert "formule" not in run.stderr


def test_compression_still_read(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """The example rezipped stored (no compression) is still a workbook."""
    data = zip_with(members(), compression=zipfile.ZIP_STORED)
    run = cli("check", write(tmp_path, data))
    assert run.code == 0, run.stderr


def test_too_many_cells(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """310 000 formatted cells within 10 000 rows: refused before openpyxl builds them."""
    letters = [chr(ord("A") + i) for i in range(26)] + ["AA", "AB", "AC", "AD", "AE"]
    rows = b"".join(
        b'<row r="%d">' % r
        + b"".join(b'<c r="%s%d" s="0"/>' % (c.encode(), r) for c in letters)
        + b"</row>"
        for r in range(2, 10_002)
    )
    parts = members()
    parts[SHEET] = parts[SHEET].replace(b"</sheetData>", rows + b"</sheetData>")
    run = cli("check", write(tmp_path, zip_with(parts)))
    assert_refused(run, UNREADABLE, says="cellules")
