"""Tests for iscg_docs.convention.properties: core document properties and file names."""

from __future__ import annotations

import attrs
import pytest

from iscg_docs.convention.properties import document_properties, file_stem
from iscg_docs.model.records import Framework


class TestFileStem:
    """file_stem gives a safe file name."""

    @pytest.mark.parametrize(
        ("reference", "territory", "expected"),
        [
            pytest.param("CD71-ISCG-2021-01", "Bassin minier", "CD71-ISCG-2021-01", id="plain"),
            pytest.param("CD71/ISCG 2021 n°3", "X", "CD71-ISCG-2021-n3", id="slash-space-degree"),
            pytest.param("Mâcon_été", "X", "Macon_ete", id="accents"),
            pytest.param("../../etc/passwd", "X", "etc-passwd", id="traversal"),
            pytest.param("«»", "Bresse bourguignonne", "Bresse-bourguignonne", id="fallback"),
            pytest.param("«»", "…", "convention", id="last-resort"),
        ],
    )
    def test_safe(
        self, framework: Framework, reference: str, territory: str, expected: str
    ) -> None:
        """Only ASCII letters, digits, '-' and '_'; falls back to the territory."""
        c = attrs.evolve(framework.conventions[0], reference=reference, territory=territory)
        stem = file_stem(c)
        assert stem == expected
        assert all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in stem)


class TestDocumentProperties:
    """document_properties gives plain-text core properties."""

    def test_properties(self, framework: Framework) -> None:
        """Title, author, keywords and language are set, in French."""
        props = document_properties(framework, framework.conventions[0])
        assert props["language"] == "fr-FR"
        assert props["author"] == "Département de Saône-et-Loire"
        assert "CD71-ISCG-2021-01" in props["keywords"]
        assert props["title"].startswith("Convention triennale")
