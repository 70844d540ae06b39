"""Hypothesis strategies shared by the test modules."""

from __future__ import annotations

from hypothesis import strategies as st

# Characters that break XML or Jinja when a template fails to escape them.
_AWKWARD = "&<>\"'{}%#«»’ \u00a0é€漢😀"

# Text a user may type: any printable character, with the awkward ones made common.
# Control, surrogate, unassigned and private characters are left out: XML 1.0 cannot
# carry some of them at all.
user_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(_AWKWARD),
        st.characters(exclude_categories=("Cc", "Cs", "Cn", "Co")),
    ),
    max_size=40,
)
