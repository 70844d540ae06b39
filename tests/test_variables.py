"""Tests for iscg_docs.convention.variables: one declaration gives the context and its catalogue."""

from __future__ import annotations

from typing import Any

from iscg_docs.convention.variables import (
    Variable,
    catalogue,
    compile_nodes,
    example_values,
    flag,
    group,
    paths,
    records,
    text,
    texts,
)

#: A small declaration with every kind of node, read from a plain dict.
DECLARATION = (
    text("name", "le nom", lambda s: s["name"]),
    flag("active", "vrai s'il est actif", lambda s: s["active"]),
    group(
        "address",
        "l'adresse",
        (text("city", "la ville", lambda a: a["city"]),),
        lambda s: s["address"],
    ),
    records(
        "people",
        "les personnes",
        lambda s: s["people"],
        (
            text("first", "le prénom", lambda p: p[0]),
            group("box", "la case", (text("label", "l'étiquette", str.upper),), lambda p: p[1]),
        ),
    ),
    texts("notes", "les notes", "une note", lambda s: (n for n in s["notes"])),
)

BUILD = compile_nodes(DECLARATION)

SOURCE: dict[str, Any] = {
    "name": "Blanzy",
    "active": True,
    "address": {"city": "Mâcon"},
    "people": [("Anne", "a"), ("Paul", "b")],
    "notes": ["une", "deux"],
}


class TestCompileNodes:
    """compile_nodes computes the declared dictionary from a source."""

    def test_values(self) -> None:
        """Leaves, dictionaries, lists of records and lists of texts, in declaration order."""
        assert BUILD(SOURCE) == {
            "name": "Blanzy",
            "active": True,
            "address": {"city": "Mâcon"},
            "people": [
                {"first": "Anne", "box": {"label": "A"}},
                {"first": "Paul", "box": {"label": "B"}},
            ],
            "notes": ["une", "deux"],
        }
        assert list(BUILD(SOURCE)) == [
            "name",
            "active",
            "address",
            "people",
            "notes",
        ]

    def test_compiled_once_called_for_each_source(self) -> None:
        """The compiled function serves any number of sources; an empty list stays empty."""
        other = {**SOURCE, "name": "Autun", "people": [], "notes": []}
        assert BUILD(other) == {**BUILD(SOURCE), "name": "Autun", "people": [], "notes": []}

    def test_group_reads_its_parent_source_by_default(self) -> None:
        """A group without getter reads its fields from the source it is given."""
        nodes = (group("g", "un groupe", (text("x", "x", lambda s: s["x"]),)),)
        assert compile_nodes(nodes)({"x": "1"}) == {"g": {"x": "1"}}


class TestCatalogue:
    """catalogue lists the same declaration, a container before its fields."""

    def test_names_types_descriptions(self) -> None:
        """Fields of list items are ``name[].field``; texts of a list of texts ``name[]``."""
        assert list(catalogue(DECLARATION)) == [
            Variable("name", "le nom", "texte"),
            Variable("active", "vrai s'il est actif", "booléen"),
            Variable("address", "l'adresse", "dictionnaire"),
            Variable("address.city", "la ville", "texte"),
            Variable("people", "les personnes", "liste"),
            Variable("people[].first", "le prénom", "texte"),
            Variable("people[].box", "la case", "dictionnaire"),
            Variable("people[].box.label", "l'étiquette", "texte"),
            Variable("notes", "les notes", "liste"),
            Variable("notes[]", "une note", "texte"),
        ]

    def test_paths_of_the_context_are_the_catalogue(self) -> None:
        """Every path of an evaluated context is a catalogue name, and the reverse."""
        context = BUILD(SOURCE)
        assert {name for name, _ in paths(context)} == {v.name for v in catalogue(DECLARATION)}

    def test_example_values(self) -> None:
        """The first text or boolean of each leaf, containers left out."""
        assert example_values(BUILD(SOURCE)) == {
            "name": "Blanzy",
            "active": True,
            "address.city": "Mâcon",
            "people[].first": "Anne",
            "people[].box.label": "A",
            "notes[]": "une",
        }
