"""The characters no text of a convention may hold: one rule, for validation and rendering."""

from __future__ import annotations

import re

__all__ = ["FORBIDDEN", "RESERVED", "SUPERSCRIPT_CLOSE", "SUPERSCRIPT_OPEN", "UNTYPABLE"]

#: C0 controls but tab, line feed and carriage return (XML 1.0 forbids them), DEL (which
#: no reader sees), lone surrogates U+D800–U+DFFF (no UTF-8 for them: lxml's recovering
#: parser silently cuts the document at the first one, the encoder raises) and the
#: non-characters U+FFFE and U+FFFF.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

#: Run markup the .docx writer reads in rendered text (private-use characters, which no
#: font draws and no reader types): the text between them is written as a superscript run
#: with the surrounding run's properties (``1\ue000er\ue001`` gives 1ᵉʳ).
SUPERSCRIPT_OPEN = "\ue000"
SUPERSCRIPT_CLOSE = "\ue001"
#: The characters that are markup, not text: the data may not hold them, so text a user
#: typed can never ask for formatting.
RESERVED = re.compile("[\ue000\ue001]")

#: What the data may not hold: :data:`FORBIDDEN` and :data:`RESERVED`.
UNTYPABLE = re.compile(f"{FORBIDDEN.pattern[:-1]}\ue000\ue001]")
