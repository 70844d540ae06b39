"""Tests for iscg_docs.output.atomic: the one writer of files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from iscg_docs.errors import OutputError
from iscg_docs.output.atomic import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    commit,
    remove_stale_temporaries,
    sync_files,
    sync_threads,
    write_atomic,
    write_temporary,
)


class TestWriteAtomic:
    """write_atomic: the old file or the new one, never a part."""

    def test_writes_and_leaves_no_temporary(self, tmp_path: Path) -> None:
        """The file holds the data and no temporary file is left beside it."""
        target = tmp_path / "a.docx"
        write_atomic(target, b"abc")
        assert target.read_bytes() == b"abc"
        assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]

    def test_pieces(self, tmp_path: Path) -> None:
        """Content given in pieces is written whole, in order."""
        write_atomic(tmp_path / "a.txt", (piece for piece in (b"ab", b"", b"cd")))
        assert (tmp_path / "a.txt").read_bytes() == b"abcd"

    def test_missing_folder(self, tmp_path: Path) -> None:
        """A folder that does not exist is an OutputError naming it, in French."""
        with pytest.raises(OutputError, match="n'existe pas") as caught:
            write_atomic(tmp_path / "absent" / "a.docx", b"abc")
        assert "absent" in str(caught.value)

    def test_replaces_by_default(self, tmp_path: Path) -> None:
        """An existing file is replaced when overwriting is allowed (the default)."""
        target = tmp_path / "a.docx"
        target.write_bytes(b"old")
        write_atomic(target, b"new")
        assert target.read_bytes() == b"new"

    def test_refuses_to_overwrite(self, tmp_path: Path) -> None:
        """overwrite=False leaves an existing file alone and says so in French."""
        target = tmp_path / "modele.xlsx"
        target.write_bytes(b"mine")
        with pytest.raises(OutputError, match="existe déjà"):
            write_atomic(target, b"theirs", overwrite=False)
        assert target.read_bytes() == b"mine"
        assert [p.name for p in tmp_path.iterdir()] == ["modele.xlsx"]

    def test_file_appearing_meanwhile_is_kept(self, tmp_path: Path) -> None:
        """A file created between the temporary's writing and its rename is not replaced."""
        target = tmp_path / "modele.xlsx"
        tmp = write_temporary(target, b"theirs")
        target.write_bytes(b"mine")
        with pytest.raises(OutputError, match="existe déjà"):
            commit(tmp, target, overwrite=False)
        assert target.read_bytes() == b"mine"
        assert [p.name for p in tmp_path.iterdir()] == ["modele.xlsx"]

    @pytest.mark.parametrize("umask", [0o022, 0o002, 0o077], ids=oct)
    def test_mode_follows_the_umask(self, tmp_path: Path, umask: int) -> None:
        """The file gets 0666 less the umask, as a file the user creates: 0644 usually."""
        old = os.umask(umask)
        try:
            write_atomic(tmp_path / "a.docx", b"abc")
        finally:
            os.umask(old)
        assert stat.S_IMODE((tmp_path / "a.docx").stat().st_mode) == 0o666 & ~umask

    def test_failed_write_leaves_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If writing fails midway (a full disk), neither the file nor a temporary remains."""

        def full(fd: int) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
        with pytest.raises(OutputError, match="plus de place sur le disque"):
            write_atomic(tmp_path / "a.docx", b"abc")
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("overwrite", [True, False], ids=["replace", "link"])
    def test_failed_rename_leaves_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, overwrite: bool
    ) -> None:
        """If moving into place fails, neither the file nor a temporary remains."""

        def broken(*args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "link", broken)
        monkeypatch.setattr(os, "replace", broken)
        with pytest.raises(OutputError, match="écriture impossible"):
            write_atomic(tmp_path / "modele.xlsx", b"abc", overwrite=overwrite)
        assert list(tmp_path.iterdir()) == []


class TestStaleTemporaries:
    def test_removed(self, tmp_path: Path) -> None:
        """What a killed run left (temporary files and PDF folders) goes; the rest stays."""
        (tmp_path / f"{TEMP_PREFIX}abc{TEMP_SUFFIX}").write_bytes(b"partial")
        (tmp_path / f"{TEMP_PREFIX}pdf-xyz").mkdir()
        (tmp_path / f"{TEMP_PREFIX}pdf-xyz" / "a.pdf").write_bytes(b"%PDF")
        (tmp_path / "a.docx").write_bytes(b"doc")
        remove_stale_temporaries(tmp_path)
        assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]


class TestSyncFiles:
    """sync_files: every file of a group flushed once, by threads kept between groups."""

    @pytest.mark.parametrize("count", [1, 2, 7, 32, 33])
    def test_each_file_flushed_once(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
    ) -> None:
        """However many files and threads, each file is flushed exactly once."""
        flushed: list[int] = []
        real = os.fsync

        def spy(fd: int) -> None:
            flushed.append(os.fstat(fd).st_ino)
            real(fd)

        monkeypatch.setattr(os, "fsync", spy)
        paths = []
        for k in range(count):
            (tmp_path / f"f{k}").write_bytes(b"x")
            paths.append(str(tmp_path / f"f{k}"))
        with sync_threads() as threads:
            sync_files(paths, threads)
            sync_files(paths[:1], threads)
        sync_files(paths)
        inodes = [os.stat(p).st_ino for p in paths]
        assert sorted(flushed) == sorted([*inodes, inodes[0], *inodes])

    def test_missing_file_is_an_output_error(self, tmp_path: Path) -> None:
        """A file that cannot be flushed stops the group with the library's error."""
        (tmp_path / "a").write_bytes(b"x")
        with sync_threads() as threads, pytest.raises(OutputError):
            sync_files([str(tmp_path / "a"), str(tmp_path / "gone")], threads)
