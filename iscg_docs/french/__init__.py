"""French drafting helpers: dates, amounts, numbers in words, party designations, titles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iscg_docs.french.dates import long_date, period
from iscg_docs.french.numbers import MAX_IN_WORDS as MAX_IN_WORDS
from iscg_docs.french.numbers import Number as Number
from iscg_docs.french.numbers import (
    article_number,
    fte,
    in_words_and_figures,
    money,
    money_full,
    money_in_words,
    number,
    number_in_words,
    ordinal,
    percent,
)
from iscg_docs.french.parties import (
    designation,
    designation_all,
    of,
    of_all,
    represented_by,
    signatory_block,
    signatory_title,
    to,
    to_all,
)
from iscg_docs.french.text import NBSP as NBSP
from iscg_docs.french.text import NNBSP as NNBSP
from iscg_docs.french.text import join, typography

# MAX_IN_WORDS, Number, NBSP and NNBSP are re-exported too ("X as X"); not being
# filters, they stay out of __all__, which lists exactly the keys of FILTERS.
__all__ = [
    "FILTERS",
    "article_number",
    "designation",
    "designation_all",
    "fte",
    "in_words_and_figures",
    "join",
    "long_date",
    "money",
    "money_full",
    "money_in_words",
    "number",
    "number_in_words",
    "of",
    "of_all",
    "ordinal",
    "percent",
    "period",
    "represented_by",
    "signatory_block",
    "signatory_title",
    "to",
    "to_all",
    "typography",
]

#: Every public function under its own name, for ``jinja_env.filters.update(FILTERS)``.
FILTERS: dict[str, Callable[..., Any]] = {
    f.__name__: f
    for f in (
        article_number,
        designation,
        designation_all,
        fte,
        in_words_and_figures,
        join,
        long_date,
        money,
        money_full,
        money_in_words,
        number,
        number_in_words,
        of,
        of_all,
        ordinal,
        percent,
        period,
        represented_by,
        signatory_block,
        signatory_title,
        to,
        to_all,
        typography,
    )
}
