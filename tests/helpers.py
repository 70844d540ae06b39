"""Helpers shared by several test modules."""

from __future__ import annotations

import io
import os
import resource
import signal
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from iscg_docs.cli import main
from iscg_docs.model.records import Framework, FundingYear, Period


@frozen
class CliResult:
    """What one in-process run of the command line gave: its exit code and both streams."""

    code: int
    out: str
    err: str


def invoke(*args: str) -> CliResult:
    """Run the command line in process, standard output and standard error apart."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return CliResult(code, out.getvalue(), err.getvalue())


def run(*args: str) -> tuple[int, str]:
    """Run the command line in process; return its exit code and everything it printed."""
    printed = io.StringIO()
    code = main(list(args), out=printed, err=printed)
    return code, printed.getvalue()


def with_years(fw: Framework, ref: str, years: int, step: Decimal = Decimal(100)) -> Framework:
    """The framework with convention ``ref`` lasting ``years`` years, costs rising by ``step``."""
    c = fw.convention(ref)
    first = c.funding.years[0]
    funding = attrs.evolve(
        c.funding,
        years=tuple(
            FundingYear(cost=first.cost + step * i, state=first.state) for i in range(years)
        ),
    )
    c2 = attrs.evolve(c, period=Period(start=c.period.start, years=years), funding=funding)
    return attrs.evolve(
        fw, conventions=tuple(c2 if x.reference == ref else x for x in fw.conventions)
    )


def edited_example(example: Path, folder: Path, old: str, new: str) -> Path:
    """A copy of the example file in ``folder`` with ``old`` replaced by ``new`` once.

    Raises:
        AssertionError: ``old`` is not in the example, so the test would check nothing.
    """
    text = example.read_text("utf-8")
    assert old in text, f"{old!r} is not in {example.name}"
    path = folder / f"edited{example.suffix}"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def stock_docx(
    template: str | os.PathLike[str] | bytes,
    context: Mapping[str, Any],
    *,
    properties: Mapping[str, str] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> bytes:
    """``template`` rendered by stock docxtpl in the renderer's environment, as a reference.

    The core properties are set and the package written as the renderer does, so the
    members can be compared one by one with :class:`~iscg_docs.docx.renderer.Renderer`'s.
    """
    from docxtpl import DocxTemplate

    from iscg_docs.docx.environment import make_environment, translate_template_errors
    from iscg_docs.docx.package import normalize_package
    from iscg_docs.docx.renderer import check_context, core_properties_xml

    check_context(context)
    data = template if isinstance(template, bytes) else Path(template).read_bytes()
    tpl = DocxTemplate(io.BytesIO(data))
    with translate_template_errors():
        tpl.render(dict(context), make_environment(filters), autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    core_name = tpl.docx.part.package._core_properties_part.partname.membername
    with zipfile.ZipFile(io.BytesIO(data)) as original:
        core_blob = original.read(core_name) if core_name in original.namelist() else None
    return normalize_package(
        buffer.getvalue(),
        replace={core_name: core_properties_xml(core_blob, properties or {})},
    )


def used_names(source: str | os.PathLike[str] | bytes) -> frozenset[str]:
    """The catalogue names a convention template uses (``posts[].site`` for ``post.site``
    in a loop over ``posts``)."""
    from iscg_docs.convention.render import check_template

    return check_template(source).used


#: The memory a command line run in a subprocess may take (its workers each as much).
CLI_MEMORY = 2 * 1024**3


def cli_process(
    *args: str | os.PathLike[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    closed: tuple[int, ...] = (),
    file_size: int | None = None,
    **streams: Any,
) -> subprocess.CompletedProcess[bytes]:
    """``python -m iscg_docs ARGS`` in a subprocess, as a user runs it, under limits.

    Args:
        args: the command line.
        cwd: where it runs.
        env: variables set on top of this process's environment.
        timeout: seconds before it counts as a hang (``subprocess.TimeoutExpired``).
        closed: the descriptors it starts without, as ``>&-`` (1) or ``2>&-`` (2) do.
        file_size: the largest file it may write (``RLIMIT_FSIZE``), to make a disk "full".
        streams: ``stdout`` and ``stderr`` for :func:`subprocess.run` (both captured by
            default).

    Returns:
        The finished process, its streams as bytes (their encoding is part of the test).
    """

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CLI_MEMORY, CLI_MEMORY))
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG rather than a kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
        for fd in closed:
            os.close(fd)

    streams.setdefault("stdout", subprocess.PIPE)
    streams.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "iscg_docs", *map(str, args)],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
        preexec_fn=limits,
        **streams,
    )
