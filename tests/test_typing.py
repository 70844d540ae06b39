"""Tests that the records' constructors are typed for a caller building them in code.

They run ``mypy --strict`` on two small user scripts: one that builds a framework as the
README shows, which must pass, and one that passes integers as parties and a text as the
conventions, which must be rejected before it ever runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("mypy")

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
    import datetime as dt
    from decimal import Decimal

    from iscg_docs import Framework, Party, PartyKind

    framework = Framework(
        title="Convention cadre",
        state="etat",
        departement="cd71",
        etp_authorised=Decimal(6),
        departement_rate=Decimal(50),
        approved_on=dt.date(2020, 12, 17),
        parties=(Party(id=i, kind=PartyKind.COMMUNE, name=i) for i in ("a", "b")),
        conventions=[],
    )
    count: int = len(framework.parties)
    first: Party = framework.parties[0]
"""

BAD = """
    import datetime as dt
    from decimal import Decimal

    from iscg_docs import Framework

    Framework(
        title="Convention cadre",
        state="etat",
        departement="cd71",
        etp_authorised=Decimal(6),
        departement_rate=Decimal(50),
        approved_on=dt.date(2020, 12, 17),
        parties=[1, 2, 3],
        conventions="nonsense",
    )
"""


@pytest.fixture(scope="module")
def mypy(tmp_path_factory: pytest.TempPathFactory) -> object:
    cache = tmp_path_factory.mktemp("mypy-cache")

    def run(source: str, name: str) -> subprocess.CompletedProcess[str]:
        script = cache.parent / name
        script.write_text(textwrap.dedent(source), encoding="utf-8")
        command = [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent"]
        return subprocess.run(
            [*command, "--cache-dir", str(cache), str(script)],
            capture_output=True,
            text=True,
            check=False,
            cwd=script.parent,
            # An editable install is an import hook mypy cannot follow: point it at the tree.
            env={**os.environ, "MYPYPATH": str(ROOT)},
        )

    return run


class TestConstructorTypes:
    def test_a_framework_built_in_code_type_checks(self, mypy: object) -> None:
        """Records passed as a generator or a list are what the constructor accepts."""
        result = mypy(GOOD, "good_user.py")  # type: ignore[operator]
        assert result.returncode == 0, result.stdout

    def test_wrong_records_are_rejected_by_the_type_checker(self, mypy: object) -> None:
        """Integers as parties and a text as the conventions fail mypy, field by field."""
        result = mypy(BAD, "bad_user.py")  # type: ignore[operator]
        assert result.returncode == 1
        assert '"int"; expected "Party"' in result.stdout
        assert 'Argument "conventions" to "Framework"' in result.stdout
