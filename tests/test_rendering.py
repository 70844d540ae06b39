"""Tests for iscg_docs.rendering helpers that the template tests do not reach."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iscg_docs.errors import TemplateError
from iscg_docs.rendering import check_context


class TestCheckContext:
    """check_context refuses text XML cannot hold and says where it is."""

    @pytest.mark.parametrize(
        ("context", "where"),
        [
            ({"title": "a\x01b"}, "title"),
            ({"parties": [{"name": "ok"}, {"name": "bad\x0b"}]}, "parties[1].name"),
            ({"rows": ("x", ["y", "\ufffe"])}, "rows[1][1]"),
        ],
        ids=["top-level", "list-of-dicts", "nested-sequences"],
    )
    def test_refused_with_its_place(self, context: dict[str, Any], where: str) -> None:
        """The error names the key path of the offending string."""
        with pytest.raises(TemplateError) as error:
            check_context(context)
        assert error.value.where == where

    def test_first_in_order(self) -> None:
        """With several bad strings, the first in the context's order is reported."""
        with pytest.raises(TemplateError) as error:
            check_context({"a": ["fine", "x\x02"], "b": "y\x03"})
        assert error.value.where == "a[1]"

    @given(
        st.recursive(
            st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cn"))) | st.booleans(),
            lambda inner: st.lists(inner) | st.dictionaries(st.text(max_size=3), inner),
            max_leaves=20,
        )
    )
    def test_clean_text_passes(self, value: Any) -> None:
        """Printable text in any nesting of lists and mappings is accepted."""
        check_context({"value": value})
