"""The Jinja sandbox templates run in, bounded in what a template may compute.

Jinja's immutable sandbox already keeps a template from reading files, running code or
changing the context (``{{ parties.append(1) }}``). This one also bounds the work a
hostile template can ask for, each with a French message:

- no ``include``, ``import`` or ``extends`` (a template is one file), no tree nested
  deeper than :data:`MAX_NESTING` (5 000 parentheses would exhaust Python's stack);
- repetition, concatenation and formatting of text or lists give at most
  :data:`MAX_SIZE` characters or items, integers have at most :data:`MAX_BITS` bits
  (``9**9**9``), and no argument of a call or filter is larger than :data:`MAX_SIZE`
  (``center(10**10)``);
- a render takes at most :data:`MAX_STEPS` loop iterations, calls and operations, :data:`MAX_SECONDS` seconds, and writes at most :data:`MAX_OUTPUT`
  characters per part (within :func:`budget`, which the renderer opens);
- a function or method is never written as text (it would print a memory address).
"""

from __future__ import annotations

import copy
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg

__all__ = [
    "MAX_BITS",
    "MAX_NESTING",
    "MAX_OUTPUT",
    "MAX_SECONDS",
    "MAX_SIZE",
    "MAX_STEPS",
    "LimitError",
    "Sandbox",
    "budget",
]

#: The longest text or list a template may build, and the largest argument it may pass.
MAX_SIZE = 2_000_000
#: The largest integer a template may compute, in bits (about 3 000 digits).
MAX_BITS = 10_000
#: How deeply the expressions and blocks of a template may nest.
MAX_NESTING = 200
#: Loop iterations, calls and intercepted operations one render may make.
MAX_STEPS = 2_000_000
#: The most characters one part of a document may render to.
MAX_OUTPUT = 50_000_000
#: How long one render may take.
MAX_SECONDS = 30.0


class LimitError(SecurityError):
    """A template asked for more than the sandbox grants; the message says what, in French."""


_FORBIDDEN_NODES = {
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
}
# A number in a format specification, or a width taken from the arguments.
_WIDE_PERCENT = re.compile(r"%[-#0 +]*(?:\*|\d{6,})|%[-#0 +]*\d*\.(?:\*|\d{6,})")
_WIDE_FORMAT = re.compile(r"\{[^{}]*:[^{}]*(?:\d{6,}|\{)")

_local = threading.local()


class _Budget:
    def __init__(self, seconds: float, steps: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.steps = steps


@contextmanager
def budget(seconds: float = MAX_SECONDS, steps: int = MAX_STEPS) -> Iterator[None]:
    """Bound the renders of this thread, until the block ends, to ``steps`` and ``seconds``."""
    outer = getattr(_local, "budget", None)
    _local.budget = _Budget(seconds, steps)
    try:
        yield
    finally:
        _local.budget = outer


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _tick() -> None:
    spent = getattr(_local, "budget", None)
    if spent is None:
        return
    spent.steps -= 1
    if spent.steps < 0:
        raise LimitError(
            f"le modèle fait plus de {_thousands(MAX_STEPS)} pas de calcul (boucles, appels) "
            "pour un seul document"
        )
    if spent.steps % 4096 == 0 and time.monotonic() > spent.deadline:
        raise LimitError(f"le rendu d'un document dépasse {MAX_SECONDS:.0f} secondes")


def _size(value: object, limit: int = MAX_SIZE) -> int:
    """About how many characters ``value`` writes as text, counted up to ``limit`` + 1."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, Mapping):
            total += len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += len(item)
            stack.extend(item)
        else:
            total += 1
    return total


def _check_size(size: int, what: str) -> None:
    if size > MAX_SIZE:
        raise LimitError(f"{what} dépasserait {_thousands(MAX_SIZE)} caractères ou éléments")


def _check_int(value: object) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_BITS:
        raise LimitError(f"un nombre entier dépasserait {MAX_BITS} bits (environ 3 000 chiffres)")


def _check_ints(args: Iterable[object], what: str) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_SIZE:
            raise LimitError(f"{what} reçoit un nombre trop grand ({arg.bit_length()} bits)")
        if isinstance(arg, str | list | tuple):
            _check_size(len(arg), f"un argument de {what}")


def _check_arguments(args: list[object], what: str) -> None:
    _check_ints(args, what)
    _check_size(sum(_size(arg) for arg in args), f"les arguments de {what}")


def _binop_size(operator: str, left: Any, right: Any) -> None:
    sequences = (str, list, tuple)
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, sequences) and isinstance(count, int):
                _check_size(len(seq) * max(count, 0), "une répétition")
        if isinstance(left, int) and isinstance(right, int):
            _check_int(1 << min(left.bit_length() + right.bit_length(), MAX_BITS + 1))
    elif operator == "+" and isinstance(left, sequences) and isinstance(right, sequences):
        _check_size(len(left) + len(right), "une concaténation")
    elif operator == "**" and isinstance(left, int) and isinstance(right, int):
        if right > 0 and abs(left) > 1:
            _check_int(1 << min(left.bit_length() * right, MAX_BITS + 1))
    elif operator == "%" and isinstance(left, str) and _WIDE_PERCENT.search(left):
        raise LimitError("un format « % » demande une largeur ou une précision trop grande")


def finalize(value: Any) -> Any:
    """What ``{{ }}`` writes: never a function (its address), never a huge value."""
    if callable(value) and not hasattr(value, "_undefined_hint"):
        raise LimitError(
            "une fonction ou une méthode ne peut pas être écrite dans le document "
            "(appelez-la avec des parenthèses ou retirez-la)"
        )
    if not isinstance(value, str):
        _check_size(_size(value), "une valeur écrite")
    return value


# Builtin filters whose result may be far larger than their value, and how to bound it.
_GROWING = (
    "center",
    "indent",
    "wordwrap",
    "truncate",
    "batch",
    "slice",
    "join",
    "string",
    "list",
    "tojson",
    "pprint",
    "urlize",
    "xmlattr",
    "replace",
    "format",
    "sum",
)


def _sized(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


class _BoundedFilter:
    """A filter refusing too large an argument or result (it pickles)."""

    def __init__(self, name: str, function: Callable[..., Any]) -> None:
        self.name = name
        self.function = function
        self.__wrapped__ = function  # inspect.unwrap gives the filter it bounds
        self.skip = 0
        passed = _PassArg.from_obj(function)
        if passed is not None:
            self.jinja_pass_arg = passed  # Jinja hands the context or environment first
            self.skip = 1

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name, values = self.name, args[self.skip :]
        _check_arguments([*values, *kwargs.values()], f"le filtre « {name} »")
        if name == "replace" and len(values) >= 3:
            text, old, new = (str(v) for v in values[:3])
            growth = max(len(new) - len(old), 0)
            _check_size(len(text) + (len(text) + 1) * growth, "le filtre « replace »")
        if name == "format" and values and _WIDE_PERCENT.search(str(values[0])):
            raise LimitError("le filtre « format » demande une largeur trop grande")
        if name in ("indent", "wordwrap") and values:
            # Each line of the value gains the indent or the wrap string.
            widths = [v if isinstance(v, int) else len(v) for v in values[1:] if _sized(v)]
            lines = len(str(values[0])) + 1
            _check_size(lines * (max(widths, default=4) + 1), f"le filtre « {name} »")
        result = self.function(*args, **kwargs)
        if isinstance(result, str | list | tuple):
            _check_size(len(result), f"le filtre « {name} »")
        return result


def _loop(iterable: Iterable[Any]) -> Iterator[Any]:
    """The items of a ``for`` loop, each counted against the render's budget."""
    for item in iterable:
        _tick()
        yield item


def _concat(parts: Iterable[str]) -> str:
    """A template's output joined, refused once it passes :data:`MAX_OUTPUT` characters."""
    if getattr(_local, "budget", None) is None:
        return "".join(parts)
    chunks: list[str] = []
    append = chunks.append
    written = 0
    for part in parts:
        written += len(part)
        if written > MAX_OUTPUT:
            raise LimitError(
                f"le texte rendu dépasse {_thousands(MAX_OUTPUT)} caractères pour une partie "
                "du document"
            )
        append(part)
    return "".join(chunks)


class _Generator(CodeGenerator):
    """Jinja's code generator, with every ``for`` loop iterating through ``_loop``."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        guard = nodes.EnvironmentAttribute("iscg_loop", lineno=node.lineno)
        counted = copy.copy(node)
        counted.iter = nodes.Call(guard, [node.iter], [], None, None, lineno=node.lineno)
        super().visit_For(counted, frame)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, bounded as the module says.

    Filters added with :meth:`add_filters` are bounded as the builtin ones are.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})
    code_generator_class = _Generator
    concat = staticmethod(_concat)
    # What every ``for`` loop iterates through (see _Generator).
    iscg_loop = staticmethod(_loop)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, finalize=finalize, **kwargs)
        for name in _GROWING:
            self.filters[name] = _BoundedFilter(name, self.filters[name])

    def add_filters(self, filters: Mapping[str, Callable[..., Any]]) -> None:
        """Offer ``filters`` to templates, each refusing too large an argument or result."""
        self.filters.update({name: _BoundedFilter(name, f) for name, f in filters.items()})

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        try:
            tree = super()._parse(source, name, filename)
        except RecursionError:
            raise TemplateSyntaxError(
                f"expressions imbriquées sur plus de {MAX_NESTING} niveaux", 1, name, filename
            ) from None
        except ValueError:  # Python refuses to read an integer of over 4 300 digits
            raise TemplateSyntaxError(
                "un nombre entier du modèle est trop long", 1, name, filename
            ) from None
        _check_tree(tree, name, filename)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Bound the result of ``*``, ``**``, ``+`` and ``%`` before computing it."""
        _tick()
        _binop_size(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        _check_int(result)
        return result

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Count the call and bound its arguments."""
        _tick()
        if isinstance(getattr(__obj, "__self__", None), str):
            # A string method's result grows with its arguments: ``s.join([s] * 10**6)``.
            _check_arguments([__obj.__self__, *args, *kwargs.values()], "une méthode de texte")
        else:
            _check_ints([*args, *kwargs.values()], "un appel")
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` as the sandbox gives it, refusing a huge width."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and _WIDE_FORMAT.search(str(value.__self__)):
            raise LimitError("un format « {} » demande une largeur ou une précision trop grande")
        return wrapped


def _check_tree(tree: nodes.Template, name: str | None, filename: str | None) -> None:
    """Refuse ``include``, ``import``, ``extends`` and too deep a tree."""
    stack: list[tuple[nodes.Node, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            raise TemplateSyntaxError(
                f"expressions ou blocs imbriqués sur plus de {MAX_NESTING} niveaux",
                node.lineno,
                name,
                filename,
            )
        for kind, tag in _FORBIDDEN_NODES.items():
            if isinstance(node, kind):
                raise TemplateSyntaxError(
                    f"la balise « {tag} » est interdite : un modèle est un seul document",
                    node.lineno,
                    name,
                    filename,
                )
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
