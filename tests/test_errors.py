"""Tests for iscg_docs.errors."""

from __future__ import annotations

import errno
import os
import pickle
from pathlib import Path

import pytest

from iscg_docs.errors import (
    InputError,
    IscgError,
    OutputError,
    Problem,
    Severity,
    TemplateError,
    ValidationError,
    format_path,
    os_reason,
)


class TestFormatPath:
    @pytest.mark.parametrize(
        ("parts", "expected"),
        [
            ((), "$"),
            (("conventions",), "conventions"),
            (
                ("conventions", 1, "funding", "split", 2, "percent"),
                "conventions[1].funding.split[2].percent",
            ),
        ],
        ids=["empty", "name", "nested"],
    )
    def test_paths(self, parts: tuple[str | int, ...], expected: str) -> None:
        """Names are dotted, indexes bracketed, the empty path is $."""
        assert format_path(parts) == expected


class TestProblem:
    def test_str_is_message_at_path(self) -> None:
        """A problem reads 'message @ path', as cattrs flattens its errors."""
        p = Problem("split-total", "conventions[0].funding.split", "les pourcentages …")
        assert str(p) == "les pourcentages … @ conventions[0].funding.split"

    def test_location_comes_first(self) -> None:
        """A spreadsheet location, when known, leads the line."""
        p = Problem("x", "a", "m", location="Feuille « Postes », ligne 4")
        assert str(p) == "Feuille « Postes », ligne 4 — m @ a"

    @pytest.mark.parametrize(
        ("inner", "prefix", "expected"),
        [
            ("quotite", ("posts", 1), "posts[1].quotite"),
            ("[2].percent", ("split",), "split[2].percent"),
            ("$", ("conventions", 0), "conventions[0]"),
        ],
        ids=["field", "index", "root"],
    )
    def test_under(self, inner: str, prefix: tuple[str | int, ...], expected: str) -> None:
        """A problem seen from an enclosing record gets the record's path in front."""
        assert Problem("c", inner, "m").under(*prefix).path == expected

    def test_is_a_value_error(self) -> None:
        """Callers can catch the familiar built-in type."""
        assert isinstance(Problem("c", "p", "m"), ValueError)


class TestValidationError:
    def test_groups_problems(self) -> None:
        """It is an ExceptionGroup whose members are the problems, so except* works."""
        problems = [Problem("a", "x", "m1"), Problem("b", "y", "m2")]
        error = ValidationError("Données invalides", problems)
        with pytest.raises(ExceptionGroup) as caught:
            raise error
        assert caught.value.problems == tuple(problems)
        assert error.lines() == ["m1 @ x", "m2 @ y"]
        assert str(error) == "Données invalides (2 problèmes)"

    @pytest.mark.parametrize(
        ("source", "headline"),
        [(None, "Données invalides"), ("cadre.toml", "Données invalides dans cadre.toml")],
        ids=["no-file", "file"],
    )
    def test_one_headline(self, source: str | None, headline: str) -> None:
        """Every reader and rule raises the same headline, naming the file when known."""
        error = ValidationError.of([Problem("a", "x", "m")], source)
        assert error.message == headline
        assert str(error) == f"{headline} (1 problème)"

    def test_except_star(self) -> None:
        """except* Problem catches the problems of the group."""
        seen: list[Problem] = []
        try:
            raise ValidationError("v", [Problem("a", "x", "m")])
        except* Problem as group:
            seen.extend(group.exceptions)  # type: ignore[arg-type]
        assert [p.code for p in seen] == ["a"]

    def test_subgroup_keeps_type(self) -> None:
        """Splitting the group keeps a ValidationError, so lines() still works."""
        error = ValidationError("v", [Problem("a", "x", "m"), Problem("b", "y", "n")])
        sub = error.subgroup(lambda e: isinstance(e, Problem) and e.code == "b")
        assert isinstance(sub, ValidationError)
        assert sub.lines() == ["n @ y"]


class TestPickling:
    @pytest.mark.parametrize(
        "error",
        [
            InputError("fichier introuvable.", "a.toml"),
            Problem("c", "p", "m", "loc"),
            ValidationError("v", [Problem("c", "p", "m")]),
            TemplateError("variable inconnue", "près de « x »"),
            OutputError("existe déjà", "out/a.docx"),
        ],
        ids=lambda e: type(e).__name__,
    )
    def test_round_trip(self, error: IscgError) -> None:
        """Every error survives pickling with its message, so batches can cross processes."""
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert isinstance(again, IscgError)


class TestOsReason:
    """The system's refusals, in French for the messages a jurist reads."""

    @pytest.mark.parametrize(
        ("code", "expected"),
        [
            (errno.EEXIST, "un fichier porte déjà ce nom"),
            (errno.EACCES, "permission refusée"),
            (errno.ENOSPC, "plus de place sur le disque"),
            (errno.ENOTDIR, "un élément du chemin n'est pas un dossier"),
            (errno.EROFS, "disque en lecture seule"),
        ],
        ids=["exists", "permission", "disk-full", "not-a-folder", "read-only"],
    )
    def test_common_reasons_in_french(self, code: int, expected: str) -> None:
        assert os_reason(OSError(code, os.strerror(code))) == expected

    def test_raised_by_the_system(self, tmp_path: Path) -> None:
        """What ``mkdir`` really raises over a file reads in French."""
        target = tmp_path / "a"
        target.write_text("")
        with pytest.raises(FileExistsError) as caught:
            os.mkdir(target)
        assert os_reason(caught.value) == "un fichier porte déjà ce nom"

    def test_other_reasons_keep_the_system_text_and_code(self) -> None:
        """A rarer refusal keeps the system's words and names its code, to look it up."""
        assert os_reason(OSError(errno.ELOOP, "Too many levels of symbolic links")) == (
            "Too many levels of symbolic links, ELOOP"
        )

    def test_without_a_code(self) -> None:
        assert os_reason(OSError("no code")) == "OSError"


class TestSeverity:
    def test_error_by_default(self) -> None:
        """A problem is an error unless it says otherwise."""
        assert Problem("c", "p", "m").severity is Severity.ERROR
        assert not Problem("c", "p", "m").is_warning

    def test_warning_keeps_its_severity(self) -> None:
        """A warning stays a warning seen from an enclosing record, and across processes."""
        warning = Problem("c", "p", "m", severity=Severity.WARNING).under("conventions", 2)
        assert warning.is_warning
        assert warning.path == "conventions[2].p"
        again = pickle.loads(pickle.dumps(warning))
        assert again == warning
        assert again.is_warning
        assert warning != Problem("c", "conventions[2].p", "m")
