"""Tests for iscg-docs command line (in process, CliRunner style, and as a subprocess)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from iscg_docs.cli import ExitCode, commands, main
from iscg_docs.cli.parser import build_parser
from iscg_docs.cli.variables import FORMATS
from tests.helpers import edited_example, invoke, run

REFS = ["CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03"]
#: The example's documents in the order generate writes them: the conventions, then the
#: Bresse convention's avenant n° 1, its consolidated version and the comparison.
FILES = [
    *(f"{r}.docx" for r in REFS),
    *(f"{REFS[2]}-{kind}-1.docx" for kind in ("avenant", "consolidee", "comparaison")),
]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


class TestExitCode:
    """The exit codes the README documents."""

    def test_values(self) -> None:
        """Each code keeps the number scripts already test for."""
        assert {c.name: int(c) for c in ExitCode} == {
            "OK": 0,
            "INVALID": 1,
            "INPUT": 2,
            "OUTPUT": 3,
            "TEMPLATE": 4,
            "INTERRUPTED": 130,
        }


class TestParser:
    """One sub-command each, dispatched by the parser."""

    @pytest.mark.parametrize(
        ("argv", "command"),
        [
            (["check", "f.toml"], commands.check),
            (["generate", "f.toml", "--out", "d"], commands.generate),
            (["variables"], commands.variables),
            (["lint", "m.docx"], commands.lint),
            (["workbook-template", "f.xlsx"], commands.workbook_template),
        ],
        ids=["check", "generate", "variables", "lint", "workbook-template"],
    )
    def test_each_command_names_its_function(self, argv: list[str], command: object) -> None:
        """The parsed arguments carry the function that runs the sub-command."""
        assert build_parser().parse_args(argv).func is command

    def test_format_choices(self) -> None:
        """--format offers exactly the formats the catalogue printer knows."""
        for fmt in FORMATS:
            assert build_parser().parse_args(["variables", "--format", fmt]).format == fmt

    def test_usage_error(self) -> None:
        """An unknown command is a usage error, exit 2, explained on standard error."""
        result = invoke("frobnicate")
        assert result.code == ExitCode.INPUT
        assert result.out == ""
        assert "frobnicate" in result.err

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["frobnicate"], "iscg-docs : erreur : argument COMMANDE : choix invalide : "),
            (["generate"], "erreur : arguments obligatoires manquants : FICHIER, --out"),
            (["check", "a.toml", "--frob"], "erreur : arguments non reconnus : --frob"),
            (["generate", "a.toml", "--out"], "argument --out : une valeur est attendue"),
        ],
    )
    def test_usage_errors_in_french(self, argv: list[str], expected: str) -> None:
        """argparse's own messages reach the user in French, with the usage line."""
        result = invoke(*argv)
        assert result.code == ExitCode.INPUT
        assert result.err.startswith("utilisation : iscg-docs")
        assert expected in result.err

    def test_help_in_french(self) -> None:
        """--help's usage line, section titles and own options are in French."""
        text = invoke("generate", "--help").out
        assert text.startswith("utilisation : iscg-docs generate")
        assert "options\N{NO-BREAK SPACE}:" in text
        assert "afficher cette aide et quitter" in text
        assert "show this help" not in text

    def test_help_on_stdout(self) -> None:
        """--help is a result: standard output, exit 0."""
        result = invoke("--help")
        assert result.code == ExitCode.OK
        assert "workbook-template" in result.out
        assert result.err == ""

    def test_version_on_stdout(self) -> None:
        """--version prints the program's name and version on standard output."""
        result = invoke("--version")
        assert result.code == ExitCode.OK
        assert result.out.startswith("iscg-docs ")

    def test_streams_given_are_the_only_ones_used(self, capsys: pytest.CaptureFixture[str]) -> None:
        """With out and err given, nothing reaches the process's own streams."""
        out, err = io.StringIO(), io.StringIO()
        assert main(["frobnicate"], out=out, err=err) == 2
        assert main(["--help"], out=out, err=err) == 0
        assert capsys.readouterr() == ("", "")


#: A post's commune the Code officiel géographique does not hold, knowingly: a warning.
_BLANZY_NOUVEAU = 'commune = "Blanzy-Nouveau"\nhors_referentiel = true'


class TestCheck:
    def test_example(self, example_path: Path) -> None:
        """The example is valid: three conventions and 3,5 ETP in all, exit 0."""
        result = invoke("check", str(example_path))
        assert result.code == ExitCode.OK
        assert result.err == ""
        assert "3,5 ETP engagés par 3 conventions" in result.out
        for ref in REFS:
            assert ref in result.out
        assert (
            "les communes de Montceau-les-Mines, Blanzy, Saint-Vallier et Sanvignes-les-Mines"
            in result.out
        )
        assert "134 657,60 €" in result.out

    def test_split_99_99(self, example_path: Path, tmp_path: Path) -> None:
        """A split adding to 99,99 % exits 1 naming that split's path, on standard error."""
        bad = edited_example(example_path, tmp_path, 'percent = "17.5"', 'percent = "17.49"')
        result = invoke("check", str(bad))
        assert result.code == ExitCode.INVALID
        assert result.out == ""
        assert "@ conventions[0].funding.split" in result.err
        assert "99,99 %" in result.err

    def test_float_amount(self, example_path: Path, tmp_path: Path) -> None:
        """A money amount written as a bare TOML float exits 1."""
        bad = edited_example(example_path, tmp_path, 'cost = "66000.00"', "cost = 66000.00")
        code, printed = run("check", str(bad))
        assert code == ExitCode.INVALID
        assert "@ conventions[1].funding.years[0].cost" in printed

    @pytest.mark.parametrize(
        ("name", "content"),
        [("absent.toml", None), ("bad.toml", "title = = 1"), ("bad.csv", "a,b")],
        ids=["missing", "syntax", "format"],
    )
    def test_unreadable(self, tmp_path: Path, name: str, content: str | None) -> None:
        """Unreadable or malformed input exits 2 with a message naming the file."""
        path = tmp_path / name
        if content is not None:
            path.write_text(content, "utf-8")
        result = invoke("check", str(path))
        assert result.code == ExitCode.INPUT
        assert result.out == ""
        assert str(path) in result.err
        assert "Traceback" not in result.err

    def test_interrupted(self, example_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Ctrl-C during a command exits 130 with a word on standard error."""

        def interrupted(*args: object) -> ExitCode:
            raise KeyboardInterrupt

        monkeypatch.setattr(commands, "check", interrupted)
        result = invoke("check", str(example_path))
        assert result.code == ExitCode.INTERRUPTED
        assert result.err.startswith("Interrompu")


class TestGenerateCommand:
    def test_example(self, example_path: Path, tmp_path: Path) -> None:
        """iscg-docs generate writes the three conventions and lists them on standard output."""
        result = invoke("generate", str(example_path), "--out", str(tmp_path))
        assert result.code == ExitCode.OK
        assert result.out.splitlines() == [f"écrit : {tmp_path / f}" for f in FILES]
        assert result.err == ""

    def test_progress_on_stderr(self, example_path: Path, tmp_path: Path) -> None:
        """On a terminal, the progress bar goes to standard error; results stay clean."""

        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        out, err = io.StringIO(), Terminal()
        assert main(["generate", str(example_path), "--out", str(tmp_path)], out=out, err=err) == 0
        assert out.getvalue().splitlines() == [f"écrit : {tmp_path / f}" for f in FILES]
        assert "Conventions" in err.getvalue()
        quiet = Terminal()
        argv = ["generate", str(example_path), "--out", str(tmp_path / "q"), "--quiet"]
        assert main(argv, out=io.StringIO(), err=quiet) == 0
        assert quiet.getvalue() == ""

    def test_warnings_computed_once(
        self, example_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The warnings found while loading are printed once and listed in the manifest,
        without being looked for again."""
        from iscg_docs.model import rules

        edited = edited_example(example_path, tmp_path, 'commune = "Blanzy"', _BLANZY_NOUVEAU)

        def again(*args: object) -> None:
            raise AssertionError("warnings computed again")

        monkeypatch.setattr(rules, "warnings", again)
        result = invoke("generate", str(edited), "--out", str(tmp_path / "out"))
        assert result.code == ExitCode.OK
        (line,) = result.err.splitlines()
        assert line.startswith("Avertissement : ")
        assert "Blanzy-Nouveau" in line
        manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
        assert [w["code"] for w in manifest["warnings"]] == ["unknown-place"]

    def test_invalid_writes_nothing(self, example_path: Path, tmp_path: Path) -> None:
        """Invalid data: every problem shown, exit 1, the output folder not even created."""
        bad = edited_example(example_path, tmp_path, 'percent = "17.5"', 'percent = "17.49"')
        out = tmp_path / "out"
        code, printed = run("generate", str(bad), "--out", str(out))
        assert code == ExitCode.INVALID
        assert "conventions[0].funding.split" in printed
        assert not out.exists()

    def test_conflict_exit_3(self, example_path: Path, tmp_path: Path) -> None:
        """Changed input into a folder of earlier documents: exit 3, nothing changed."""
        assert run("generate", str(example_path), "--out", str(tmp_path))[0] == 0
        before = snapshot(tmp_path)
        result = invoke("generate", str(example_path), "--out", str(tmp_path), "--draft")
        assert result.code == ExitCode.OUTPUT
        assert "--force" in result.err
        assert snapshot(tmp_path) == before
        forced = run("generate", str(example_path), "--out", str(tmp_path), "--draft", "--force")
        assert forced[0] == ExitCode.OK

    def test_keep_going(self, example_path: Path, tmp_path: Path) -> None:
        """--keep-going writes the valid conventions, reports the bad one, exits 1."""
        bad = edited_example(example_path, tmp_path, 'cost = "66000.00"', "cost = 66000.00")
        out = tmp_path / "out"
        assert run("generate", str(bad), "--out", str(out))[0] == ExitCode.INVALID
        assert not out.exists()
        result = invoke("generate", str(bad), "--out", str(out), "--keep-going")
        assert result.code == ExitCode.INVALID
        expected = [FILES[0], *FILES[2:]]
        assert sorted(p.name for p in out.glob("*.docx")) == sorted(expected)
        assert len(result.out.splitlines()) == len(expected)
        assert "Convention « CD71-ISCG-2021-02 » (conventions[1])" in result.err
        assert "conventions[1].funding.years[0].cost" in result.err

    def test_keep_going_only_an_invalid_one(self, example_path: Path, tmp_path: Path) -> None:
        """--only naming just a convention set aside as invalid writes nothing, exit 1."""
        bad = edited_example(example_path, tmp_path, 'cost = "66000.00"', "cost = 66000.00")
        out = tmp_path / "out"
        result = invoke("generate", str(bad), "--out", str(out), "--keep-going", "--only", REFS[1])
        assert result.code == ExitCode.INVALID
        assert result.out == ""
        assert not list(out.glob("*.docx"))
        assert "conventions[1].funding.years[0].cost" in result.err

    def test_keep_going_shared_problem_stops_all(self, example_path: Path, tmp_path: Path) -> None:
        """A problem in shared data (a party) stops everything even with --keep-going."""
        bad = edited_example(example_path, tmp_path, 'id = "blanzy"', 'id = "blanzy!"')
        code, _ = run("generate", str(bad), "--out", str(tmp_path / "out"), "--keep-going")
        assert code == ExitCode.INVALID
        assert not (tmp_path / "out").exists()

    def test_output_folder_is_a_file(self, example_path: Path, tmp_path: Path) -> None:
        """An output "folder" that is a file: exit 3 and why, in French; nothing written."""
        target = tmp_path / "sortie"
        target.write_text("")
        code, printed = run("generate", str(example_path), "--out", str(target))
        assert code == ExitCode.OUTPUT
        assert "un fichier porte déjà ce nom" in printed
        assert "File exists" not in printed
        assert sorted(p.name for p in tmp_path.iterdir()) == ["sortie"]

    def test_only_unknown(self, example_path: Path, tmp_path: Path) -> None:
        """--only with an unknown reference lists the known ones on standard error, exit 2."""
        result = invoke("generate", str(example_path), "--out", str(tmp_path), "--only", "X")
        assert result.code == ExitCode.INPUT
        assert "« X »" in result.err
        assert ", ".join(REFS) in result.err
        assert not list(tmp_path.iterdir())

    def test_jobs_must_be_positive(self, example_path: Path, tmp_path: Path) -> None:
        """--jobs 0 is a usage error."""
        assert run("generate", str(example_path), "--out", str(tmp_path), "--jobs", "0")[0] == 2


class TestWorkbookTemplate:
    def test_writes_once_then_refuses(self, tmp_path: Path) -> None:
        """workbook-template writes an .xlsx once and refuses to overwrite it (exit 3)."""
        target = tmp_path / "modele.xlsx"
        first = invoke("workbook-template", str(target))
        assert first.code == ExitCode.OK
        assert first.out == f"écrit : {target}\n"
        assert zipfile.is_zipfile(target)
        target.write_bytes(b"mine")
        second = invoke("workbook-template", str(target))
        assert second.code == ExitCode.OUTPUT
        assert "existe" in second.err
        assert target.read_bytes() == b"mine"

    def test_force_replaces(self, tmp_path: Path) -> None:
        """--force replaces an existing file, leaving no temporary beside it."""
        target = tmp_path / "modele.xlsx"
        target.write_bytes(b"mine")
        assert invoke("workbook-template", str(target), "--force").code == ExitCode.OK
        assert zipfile.is_zipfile(target)
        assert [p.name for p in tmp_path.iterdir()] == ["modele.xlsx"]

    def test_missing_folder(self, tmp_path: Path) -> None:
        """A target in a folder that does not exist: exit 3, in French."""
        result = invoke("workbook-template", str(tmp_path / "absent" / "modele.xlsx"))
        assert result.code == ExitCode.OUTPUT
        assert "n'existe pas" in result.err


class TestLintCommand:
    def test_report_on_stdout(self, tmp_path: Path) -> None:
        """The lint's report is the command's result: standard output."""
        from iscg_docs.convention.render import default_template

        result = invoke("lint", str(default_template()))
        assert result.code == ExitCode.OK
        assert "0 erreur" in result.out
        assert result.err == ""

    def test_unreadable_on_stderr(self, tmp_path: Path) -> None:
        """A file that is no .docx: exit 2, the message on standard error."""
        path = tmp_path / "notes.txt"
        path.write_text("bonjour", "utf-8")
        result = invoke("lint", str(path))
        assert result.code == ExitCode.INPUT
        assert result.out == ""
        assert result.err.startswith("Erreur : ")


class TestModule:
    def test_python_m(self, example_path: Path) -> None:
        """python -m iscg_docs behaves like the console script."""
        done = subprocess.run(
            [sys.executable, "-m", "iscg_docs", "check", str(example_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "CD71-ISCG-2021-02 — Mâconnais" in done.stdout

    def test_errors_on_stderr(self, tmp_path: Path) -> None:
        """As a process too, a message goes to standard error and nothing to standard output."""
        done = subprocess.run(
            [sys.executable, "-m", "iscg_docs", "check", str(tmp_path / "absent.toml")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == ExitCode.INPUT
        assert done.stdout == ""
        assert "absent.toml" in done.stderr

    def test_check_does_not_import_docx(self, example_path: Path) -> None:
        """check stays light: neither docxtpl, python-docx, lxml nor openpyxl is imported."""
        code = (
            "import sys; from iscg_docs.cli import main; import io; "
            f"main(['check', {str(example_path)!r}], out=io.StringIO(), err=io.StringIO()); "
            "print(sorted(m for m in ('docxtpl', 'docx', 'lxml', 'openpyxl') if m in sys.modules))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def example_documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three example conventions, generated once for the commands that read documents."""
    folder = tmp_path_factory.mktemp("documents")
    example = Path(__file__).resolve().parent.parent / "examples" / "saone-et-loire.toml"
    assert main(["generate", str(example), "--out", str(folder)], out=io.StringIO()) == 0
    return folder


class TestVerifyCommand:
    def test_a_planted_leftover_tag_is_reported(
        self, example_documents: Path, tmp_path: Path
    ) -> None:
        """A document with a template tag left in it: the finding on stdout, exit 1."""
        source = example_documents / f"{REFS[1]}.docx"
        with zipfile.ZipFile(source) as z:
            members = {n: z.read(n) for n in z.namelist()}
        members["word/document.xml"] = members["word/document.xml"].replace(
            b"</w:body>", b"<w:p><w:r><w:t>{{ oubli }}</w:t></w:r></w:p></w:body>", 1
        )
        planted = tmp_path / "planted.docx"
        with zipfile.ZipFile(planted, "w") as z:
            for name, data in members.items():
                z.writestr(name, data)
        result = invoke("verify", str(planted))
        assert result.code == ExitCode.INVALID
        assert "balise-restante" in result.out
        assert "Traceback" not in result.err

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that is not there is a French input error, exit 2."""
        result = invoke("verify", str(tmp_path / "absent.docx"))
        assert result.code == ExitCode.INPUT
        assert "fichier introuvable" in result.err


class TestCompareCommand:
    def test_compare_writes_tracked_changes(self, example_documents: Path, tmp_path: Path) -> None:
        """Comparing a document with another writes NEW with revisions, counted on stdout."""
        old, new = (example_documents / f"{r}.docx" for r in REFS[:2])
        out = tmp_path / "comparaison.docx"
        result = invoke("compare", str(old), str(new), "--out", str(out))
        assert result.code == ExitCode.OK, result.err
        assert result.out.startswith(f"écrit : {out} (")
        assert b"<w:ins " in zipfile.ZipFile(out).read("word/document.xml")
        again = invoke("compare", str(old), str(new), "--out", str(out))
        assert again.code == ExitCode.OUTPUT  # no silent overwrite without --force

    def test_not_a_document(self, example_documents: Path, tmp_path: Path) -> None:
        """A file that is not a .docx: a French error naming it, nothing written."""
        bad = tmp_path / "faux.docx"
        bad.write_bytes(b"pas un document")
        out = tmp_path / "x.docx"
        result = invoke(
            "compare", str(bad), str(example_documents / f"{REFS[0]}.docx"), "--out", str(out)
        )
        assert result.code == ExitCode.INPUT
        assert "faux.docx" in result.err
        assert not out.exists()


class TestAvenantTemplateCommands:
    def test_variables_of_the_avenant(self) -> None:
        """iscg-docs variables --avenant lists the avenant template's variables."""
        result = invoke("variables", "--avenant", "--format", "json")
        assert result.code == ExitCode.OK
        names = {v["name"] for v in json.loads(result.out)["variables"]}
        assert "avenant.number" in names or any(n.startswith("avenant") for n in names)
        assert invoke("variables", "--avenant").out.startswith(
            "Variables et filtres disponibles dans un modèle d'avenant"
        )

    def test_lint_an_avenant_template(self) -> None:
        """The bundled avenant template lints clean as an avenant, not as a convention."""
        template = Path(__file__).resolve().parent.parent / "templates" / "avenant.docx"
        assert invoke("lint", "--avenant", str(template)).code == ExitCode.OK
        assert invoke("lint", str(template)).code == ExitCode.INVALID


def _dangling_reference_template(folder: Path) -> Path:
    """The bundled template with a paragraph citing an article 42 that does not exist."""
    bundled = Path(__file__).resolve().parent.parent / "templates" / "convention_cadre.docx"
    with zipfile.ZipFile(bundled) as z:
        members = {n: z.read(n) for n in z.namelist()}
    body = members["word/document.xml"]
    at = body.rindex(b"<w:sectPr")
    members["word/document.xml"] = (
        body[:at] + b"<w:p><w:r><w:t>Voir l\xe2\x80\x99article 42.</w:t></w:r></w:p>" + body[at:]
    )
    template = folder / "modele.docx"
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return template


class TestGenerateVerifies:
    def test_a_finding_in_a_written_document(self, example_path: Path, tmp_path: Path) -> None:
        """generate reads back what it wrote: a dangling « article 42 » is reported, exit 1,
        and the complete documents stay; --no-verify skips the reading."""
        template = _dangling_reference_template(tmp_path)
        args = ["generate", str(example_path), "--template", str(template), "--only", REFS[0]]
        result = invoke(*args, "--out", str(tmp_path / "a"))
        assert result.code == ExitCode.INVALID
        assert "Anomalie dans CD71-ISCG-2021-01.docx" in result.err
        assert "renvoi-article" in result.err
        assert (tmp_path / "a" / f"{REFS[0]}.docx").is_file()
        quiet = invoke(*args, "--out", str(tmp_path / "b"), "--no-verify")
        assert quiet.code == ExitCode.OK
        assert "Anomalie" not in quiet.err

    def test_workers_report_as_one_process(self, example_path: Path, tmp_path: Path) -> None:
        """With --jobs 2 the workers read back their documents: the same findings, in the
        same order, and the same exit code as with --jobs 1."""
        args = [
            "generate",
            str(example_path),
            "--template",
            str(_dangling_reference_template(tmp_path)),
        ]
        one = invoke(*args, "--out", str(tmp_path / "one"), "--jobs", "1")
        two = invoke(*args, "--out", str(tmp_path / "two"), "--jobs", "2")
        assert one.code == two.code == ExitCode.INVALID
        assert one.err.count("Anomalie dans") >= len(REFS)  # and the avenants
        assert two.err == one.err
        assert two.out.replace("two", "one") == one.out
