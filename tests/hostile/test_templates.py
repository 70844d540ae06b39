"""Hostile templates (``generate --template``, ``lint``): tags, computations, packages."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tests.hostile.conftest import (
    TEMPLATE,
    UNREADABLE,
    Run,
    assert_refused,
    template_members,
    zip_with,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "saone-et-loire.toml"
BODY = "word/document.xml"


def with_paragraph(text: str) -> dict[str, bytes]:
    """The bundled template's members with a first paragraph holding ``text``."""
    members = template_members()
    paragraph = f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>".encode()
    members[BODY] = members[BODY].replace(b"<w:body>", b"<w:body>" + paragraph, 1)
    return members


def generate(tmp_path: Path, cli: Callable[..., Run], template: bytes | Path) -> tuple[Run, Path]:
    """``generate`` the example with ``template``; the run and its output folder."""
    if isinstance(template, bytes):
        path = tmp_path / "modele.docx"
        path.write_bytes(template)
    else:
        path = template
    out = tmp_path / "out"
    return cli("generate", EXAMPLE, "--out", out, "--template", path), out


def refuses(tmp_path: Path, cli: Callable[..., Run], text: str, says: str = "") -> Run:
    """``generate`` with a template holding ``text`` is refused: exit 4, nothing written."""
    run, out = generate(tmp_path, cli, zip_with(with_paragraph(text)))
    assert_refused(run, TEMPLATE, out=out, says=says)
    return run


class TestTags:
    """A template is one file: no include, import or extends, refused when compiled."""

    @pytest.mark.parametrize(
        "tag",
        [
            "{% include 'autre.docx' %}",
            "{% import 'macros' as m %}",
            "{% from 'macros' import f %}",
            "{% extends 'base' %}",
        ],
        ids=["include", "import", "from-import", "extends"],
    )
    def test_refused(self, tmp_path: Path, cli: Callable[..., Run], tag: str) -> None:
        """Refused in French (no loader TypeError)."""
        refuses(tmp_path, cli, tag, says="interdite")

    def test_lint_says_so(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """``lint`` reports it as an error of the template (exit 1)."""
        path = tmp_path / "modele.docx"
        path.write_bytes(zip_with(with_paragraph("{% include 'x' %}")))
        run = cli("lint", path)
        assert_refused(run, 1, says="interdite")


class TestComputations:
    """What a template may compute is bounded, each with a French message."""

    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("{{ 'x' * 10**10 }}", "répétition"),
            ("{{ [1] * 10**10 }}", "répétition"),
            ("{{ 'x'|center(10**10) }}", "center"),
            ("{{ 'x'.ljust(10**10) }}", "nombre trop grand"),
            ("{{ 9 ** (9 ** 9) }}", "bits"),
            ("{{ 10**4000 * 10**4000 }}", "bits"),
            ("{{ '%0999999999d' % 1 }}", "largeur"),
            ("{{ '{:>999999999}'.format(title) }}", "largeur"),
            ("{{ ('x' * 1000000).join(['y'] * 1000000) }}", "caractères"),
            ("{{ ([title] * 1000000)|join }}", "join"),
            ("{{ ('a' * 1000000)|indent('x' * 1000000, first=true) }}", "indent"),
        ],
        ids=[
            "repeat",
            "list-repeat",
            "center",
            "ljust",
            "power",
            "product",
            "percent",
            "format",
            "join",
            "french-join",
            "indent",
        ],
    )
    def test_bounded(self, tmp_path: Path, cli: Callable[..., Run], text: str, says: str) -> None:
        """Refused before Python tries to build it."""
        refuses(tmp_path, cli, text, says=says)

    def test_nested_loops(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """Loops nested over a title: 10**12 iterations, stopped at the step limit."""
        loops = "".join(f"{{% for c{i} in title %}}" for i in range(6))
        ends = "{% endfor %}" * 6
        refuses(tmp_path, cli, loops + ends, says="pas de calcul")

    def test_exponential_loop(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A recursive loop calling itself three times at each level."""
        text = "{% for p in parties recursive %}{{ loop(parties) }}{% endfor %}"
        refuses(tmp_path, cli, text, says="lui-même")

    @pytest.mark.parametrize(
        "text",
        ["{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", "{{ title" + "|upper" * 5000 + " }}"],
        ids=["parentheses", "filters"],
    )
    def test_deep_nesting(self, tmp_path: Path, cli: Callable[..., Run], text: str) -> None:
        """5 000 nested parentheses or filters: no RecursionError."""
        refuses(tmp_path, cli, text, says="imbriqu")

    def test_huge_literal(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """An integer of 5 000 digits in a tag is the template's fault, said so."""
        run = refuses(tmp_path, cli, "{{ " + "9" * 5000 + " }}", says="trop long")
        assert "n'est pas un document Word" not in run.stderr


class TestContext:
    """A template reads the context; it neither changes it nor prints an address."""

    @pytest.mark.parametrize(
        "text",
        ["{{ parties.append(1) }}", "{{ parties.clear() }}", "{{ parties.pop() }}"],
    )
    def test_no_mutation(self, tmp_path: Path, cli: Callable[..., Run], text: str) -> None:
        """Mutating methods are refused by the sandbox."""
        refuses(tmp_path, cli, text, says="interdite")

    @pytest.mark.parametrize("text", ["{{ title.format_map }}", "{{ title.upper }}"])
    def test_no_address(self, tmp_path: Path, cli: Callable[..., Run], text: str) -> None:
        """A method written without its call is refused, never printed as ``0x…``."""
        refuses(tmp_path, cli, text, says="méthode")


class TestFiles:
    """The template file is a regular file of bounded size."""

    @pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
    def test_device(self, tmp_path: Path, cli: Callable[..., Run], device: str) -> None:
        """A symbolic link to a device."""
        link = tmp_path / "modele.docx"
        link.symlink_to(device)
        run, out = generate(tmp_path, cli, link)
        assert_refused(run, TEMPLATE, out=out, says="périphérique")
        assert_refused(cli("lint", link), UNREADABLE, says="périphérique")

    def test_fifo(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A FIFO nobody writes to."""
        fifo = tmp_path / "modele.docx"
        os.mkfifo(fifo)
        run, out = generate(tmp_path, cli, fifo)
        assert_refused(run, TEMPLATE, out=out, says="tube nommé")

    def test_not_docx(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A zip that is no Word document: named, without a BytesIO's address."""
        path = tmp_path / "modele.docx"
        path.write_bytes(zip_with({"a.txt": b"x"}))
        assert_refused(cli("lint", path), UNREADABLE, says="modele.docx")


_XXE = b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
_LAUGHS = b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'


def _patched(name: str, offset: int, fmt: str, value: int) -> bytes:
    """The bundled template with a field of ``name``'s headers set to ``value``."""
    data = bytearray(zip_with(template_members()))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(name)
    struct.pack_into(fmt, data, info.header_offset + offset - 2, value)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + length] == name.encode():
            struct.pack_into(fmt, data, central + offset, value)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


class TestPackage:
    """The template's zip and XML are checked before anything parses them."""

    @pytest.mark.parametrize("dtd", [_XXE, _LAUGHS], ids=["xxe", "billion-laughs"])
    def test_dtd(self, tmp_path: Path, cli: Callable[..., Run], dtd: bytes) -> None:
        """Any DTD in a part is refused."""
        members = template_members()
        head, _, rest = members[BODY].partition(b"?>")
        members[BODY] = head + b"?>" + dtd + rest
        run, out = generate(tmp_path, cli, zip_with(members))
        assert_refused(run, TEMPLATE, out=out, says="DTD")

    def test_bad_encoding(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A part declaring an encoding no reader knows."""
        members = template_members()
        members[BODY] = (
            b'<?xml version="1.0" encoding="x-bogus"?>' + members[BODY].partition(b"?>")[2]
        )
        run, out = generate(tmp_path, cli, zip_with(members))
        assert_refused(run, TEMPLATE, out=out, says="encodage")

    def test_bomb(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A member of 60 MB of zeros."""
        members = {**template_members(), "word/media/bomb.bin": bytes(60 * 1024 * 1024)}
        run, out = generate(tmp_path, cli, zip_with(members))
        assert_refused(run, TEMPLATE, out=out, says="Mo")

    @pytest.mark.parametrize(
        ("offset", "fmt", "value", "says"),
        [
            (24, "<I", 1_500_000_000, "Mo"),
            (8, "<H", 0x1, "chiffré"),
            (10, "<H", 99, "méthode inconnue"),
        ],
        ids=["declared-size", "encrypted", "method"],
    )
    def test_header(
        self,
        tmp_path: Path,
        cli: Callable[..., Run],
        offset: int,
        fmt: str,
        value: int,
        says: str,
    ) -> None:
        """What the body's headers declare is checked before it is inflated."""
        run, out = generate(tmp_path, cli, _patched(BODY, offset, fmt, value))
        assert_refused(run, TEMPLATE, out=out, says=says)

    def test_corrupt_stream(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A body whose deflate stream is damaged."""
        data = bytearray(zip_with(template_members()))
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            info = archive.getinfo(BODY)
        start = info.header_offset + 30 + len(BODY)
        for i in range(start + 100, start + 140):
            data[i] ^= 0x5A
        run, out = generate(tmp_path, cli, bytes(data))
        assert_refused(run, TEMPLATE, out=out, says="zip")


def test_plain_template_still_renders(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """A custom template using loops, filters and methods renders as before."""
    text = "{% for p in parties %}{{ p.designation|upper }} {{ title.lower() }}{% endfor %}"
    run, out = generate(tmp_path, cli, zip_with(with_paragraph(text)))
    assert run.code == 0, run.stderr
    # The three conventions, and the Bresse avenant's three documents.
    assert len(list(out.glob("*.docx"))) == 6


def test_output_size(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """Constant text repeated by loops: refused at the output limit, not gigabytes."""
    loops = "{% for a in title %}{% for b in title %}{% for c in title %}"
    refuses(tmp_path, cli, loops + "x" * 5000 + "{% endfor %}" * 3, says="texte rendu")


def test_core_property_loop(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """Loops in a core property, rendered when the template is compiled, are bounded."""
    members = template_members()
    loops = "".join(f"{{% for c{i} in 'abcdefghijklmnopqrstuvwxyz' %}}" for i in range(7))
    core = members["docProps/core.xml"]
    title = f"<dc:title>{escape(loops + '{% endfor %}' * 7)}</dc:title>".encode()
    start, end = core.find(b"<dc:title"), core.find(b"</dc:title>")
    if start == -1:
        core = core.replace(b"</cp:coreProperties>", title + b"</cp:coreProperties>")
    else:
        core = core[:start] + title + core[end + len(b"</dc:title>") :]
    members["docProps/core.xml"] = core
    run, out = generate(tmp_path, cli, zip_with(members))
    assert_refused(run, TEMPLATE, out=out, says="pas de calcul")


@pytest.mark.parametrize("name", [BODY, "word/styles.xml", "[Content_Types].xml"])
@pytest.mark.parametrize("damage", ["cut", "missing"])
def test_damaged_part(tmp_path: Path, cli: Callable[..., Run], name: str, damage: str) -> None:
    """A part cut short or missing: refused in French by ``generate`` and ``lint``."""
    members = template_members()
    if damage == "cut":
        members[name] = members[name][:300]
    else:
        del members[name]
    run, out = generate(tmp_path, cli, zip_with(members))
    assert_refused(run, TEMPLATE, out=out, says="n'est pas un document Word")
    assert_refused(cli("lint", tmp_path / "modele.docx"), UNREADABLE, says="modele.docx")


def test_huge_xml_part(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """A body of 12 MB of varied text (so no bomb by its ratio): over the XML part limit."""
    members = template_members()
    words = b"".join(
        b"<w:p><w:r><w:t>%08x</w:t></w:r></w:p>" % (i * 2654435761 % 2**32) for i in range(320_000)
    )
    members[BODY] = members[BODY].replace(b"<w:body>", b"<w:body>" + words, 1)
    run, out = generate(tmp_path, cli, zip_with(members))
    assert_refused(run, TEMPLATE, out=out, says="Mo de XML")
