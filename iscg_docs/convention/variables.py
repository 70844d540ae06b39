"""Template variables declared once: each says what it means and how it is computed.

A declaration is a tree of :class:`Node`. :func:`compile_nodes` makes it one function
that builds a context (plain str, bool, lists and dicts) from a source; :func:`catalogue`
walks the same tree to list every
variable with its meaning, for the jurist who edits a template and for the lint. Both
come from one declaration, so a variable cannot be computed without being described.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from attrs import frozen

__all__ = [
    "BOOL",
    "DICT",
    "LIST",
    "TEXT",
    "Node",
    "Variable",
    "catalogue",
    "compile_nodes",
    "example_values",
    "flag",
    "group",
    "paths",
    "records",
    "text",
    "texts",
]

TEXT = "texte"
BOOL = "booléen"
LIST = "liste"
DICT = "dictionnaire"

#: How a node reads its value from the source of its parent (the root source for the
#: top-level nodes, the item for the fields of a list item).
Getter = Callable[[Any], Any]


@frozen
class Variable:
    """One entry of the template context, as the catalogue lists it.

    Attributes:
        name: its path: ``reference``, ``parties[].designation``, ``articles.objet.ref``.
        description: what it holds and how it is derived, in French.
        type: "texte", "booléen", "liste" or "dictionnaire".
    """

    name: str
    description: str
    type: str


@frozen
class Node:
    """One declared variable: its key, its meaning and how its value is computed.

    Attributes:
        key: its name in the enclosing dictionary.
        type: "texte", "booléen", "liste" or "dictionnaire".
        description: what it holds, in French.
        get: its value from the parent's source: a text or a boolean for a leaf, the
            source of its fields for a dictionary, the items for a list.
        fields: the fields of a dictionary, or of each item of a list of records.
        item: for a list of texts, what each text holds, in French.
    """

    key: str
    type: str
    description: str
    get: Getter
    fields: tuple[Node, ...] = ()
    item: str = ""


def _same(source: Any) -> Any:
    return source


def text(key: str, description: str, get: Getter) -> Node:
    """A text the template prints."""
    return Node(key, TEXT, description, get)


def flag(key: str, description: str, get: Getter) -> Node:
    """A boolean the template tests."""
    return Node(key, BOOL, description, get)


def group(key: str, description: str, fields: Iterable[Node], get: Getter = _same) -> Node:
    """A dictionary of ``fields``, each read from ``get(source)`` (the source itself by default)."""
    return Node(key, DICT, description, get, tuple(fields))


def records(key: str, description: str, get: Getter, fields: Iterable[Node]) -> Node:
    """A list of dictionaries: one per item ``get`` gives, its ``fields`` read from the item."""
    return Node(key, LIST, description, get, tuple(fields))


def texts(key: str, description: str, item: str, get: Getter) -> Node:
    """A list of texts, each described by ``item``."""
    return Node(key, LIST, description, get, item=item)


#: The fields of a dictionary, each with the function that computes it from the source.
Fields = tuple[tuple[str, Getter], ...]


def _fill(fields: Fields, source: Any) -> dict[str, Any]:
    return {key: compute(source) for key, compute in fields}


def _compile(node: Node) -> Getter:
    """One function computing ``node``'s value from its parent's source.

    A leaf is its own getter, so evaluating a context calls one function per variable.
    """
    get = node.get
    if not node.fields:
        return (lambda source: list(get(source))) if node.type == LIST else get
    fields = tuple((field.key, _compile(field)) for field in node.fields)
    if node.type == DICT:
        return lambda source: _fill(fields, get(source))
    return lambda source: [_fill(fields, item) for item in get(source)]


def compile_nodes(nodes: Iterable[Node]) -> Callable[[Any], dict[str, Any]]:
    """A function computing the dictionary ``nodes`` declare from a source.

    Compile once, at import, and call the result for each source.

    Args:
        nodes: the declared variables.

    Returns:
        Source → key → value, in declaration order; lists and dictionaries are built
        from their fields.
    """
    fields = tuple((node.key, _compile(node)) for node in nodes)
    return lambda source: _fill(fields, source)


def catalogue(nodes: Iterable[Node], prefix: str = "") -> Iterator[Variable]:
    """Every variable ``nodes`` declare, nested ones included, in declaration order.

    The fields of list items are named ``name[].field``; the texts of a list of texts
    are ``name[]``.

    Args:
        nodes: the declared variables.
        prefix: the path of their parent, with its trailing "." or "[].".

    Yields:
        One entry per variable, a container before its fields.
    """
    for node in nodes:
        name = prefix + node.key
        yield Variable(name, node.description, node.type)
        if node.type == DICT:
            yield from catalogue(node.fields, name + ".")
        elif node.fields:
            yield from catalogue(node.fields, name + "[].")
        elif node.type == LIST:
            yield Variable(name + "[]", node.item, TEXT)


def paths(context: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every entry of ``context`` as (catalogue name, value), containers included.

    The fields of list items are named ``name[].field`` (a text item is ``name[]``); every
    item is visited, so a key present in any item is seen.
    """
    yield from _paths(context, "")


def _paths(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            yield name, item
            yield from _paths(item, name)
    elif isinstance(value, list):
        for item in value:
            # A list of records is described by its fields; a list of texts by ``name[]``.
            if not isinstance(item, Mapping):
                yield f"{prefix}[]", item
            yield from _paths(item, f"{prefix}[]")


def example_values(context: Mapping[str, Any]) -> dict[str, Any]:
    """The first value of each catalogue entry in ``context``, leaves only.

    Args:
        context: a context built from a declaration.

    Returns:
        Catalogue name → example value, for entries that are text or booleans.
    """
    out: dict[str, Any] = {}
    for name, value in paths(context):
        if isinstance(value, str | bool) and name not in out:
            out[name] = value
    return out
