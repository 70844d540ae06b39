"""Tests for iscg_docs.batch details the CLI tests do not pin."""

from __future__ import annotations

import hashlib

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iscg_docs import __version__
from iscg_docs.batch import _fingerprints
from iscg_docs.records import Framework
from tests.strategies import frameworks


def reference_fingerprint(fw: Framework, index: int, draft: bool, template: str) -> str:
    """The fingerprint as manifests written so far define it."""
    shared = attrs.evolve(fw, conventions=())
    text = repr((shared, fw.conventions[index], draft, template, __version__))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TestFingerprints:
    """Fingerprints stay those of existing manifests, so a rerun skips up-to-date files."""

    @pytest.mark.parametrize("draft", [False, True], ids=["final", "draft"])
    def test_example(self, framework: Framework, draft: bool) -> None:
        """Each example convention keeps the fingerprint of the tuple-repr definition."""
        indexes = range(len(framework.conventions))
        got = _fingerprints(framework, indexes, draft, "abc123")
        assert got == {i: reference_fingerprint(framework, i, draft, "abc123") for i in indexes}

    @settings(max_examples=25)
    @given(fw=frameworks(), draft=st.booleans(), template=st.text(max_size=8))
    def test_generated(self, fw: Framework, draft: bool, template: str) -> None:
        """Any framework, including quotes and accents in names, gives the same fingerprints."""
        indexes = range(len(fw.conventions))
        got = _fingerprints(fw, indexes, draft, template)
        assert got == {i: reference_fingerprint(fw, i, draft, template) for i in indexes}
