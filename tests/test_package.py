"""Tests for iscg_docs.docx.package: the one zip writer."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from iscg_docs.docx.package import ZIP_EPOCH, normalize_package, read_members, write_zip


def a_zip(members: dict[str, bytes]) -> bytes:
    """A zip of ``members`` written by zipfile, dated now."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def contents(package: bytes) -> list[tuple[str, bytes]]:
    """Every member, decompressed, in order."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert archive.testzip() is None
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


names = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x17F), min_size=1, max_size=12)


class TestWriteZip:
    """Members keep their order and content, dated the one epoch."""

    @settings(max_examples=30, deadline=None)
    @given(members=st.dictionaries(names, st.binary(max_size=300), min_size=1, max_size=5))
    def test_normalize_keeps_members(self, members: dict[str, bytes]) -> None:
        """Same members, same order, same content; every date is the epoch."""
        data = normalize_package(a_zip(members))
        assert contents(data) == list(members.items())
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert {info.date_time for info in archive.infolist()} == {ZIP_EPOCH}

    def test_equal_content_equal_bytes(self) -> None:
        """Two zips of the same members written at different times normalise alike."""
        first = a_zip({"a.xml": b"<a/>", "b.xml": b"<b/>"})
        second = a_zip({"a.xml": b"<a/>", "b.xml": b"<b/>"})
        assert normalize_package(first) == normalize_package(second)

    def test_replaced_members(self) -> None:
        """A replaced member is written with its new content, in its place."""
        package = a_zip({"a.xml": b"<a/>", "b.xml": b"<b/>", "c.xml": b"<c/>"})
        data = write_zip(tuple(read_members(package)), {"b.xml": b"<new/>"})
        assert contents(data) == [("a.xml", b"<a/>"), ("b.xml", b"<new/>"), ("c.xml", b"<c/>")]
        assert normalize_package(package, replace={"b.xml": b"<new/>"}) == data
