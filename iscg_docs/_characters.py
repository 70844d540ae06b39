"""The characters no text of a convention may hold: one rule, for validation and rendering."""

from __future__ import annotations

import re

__all__ = ["FORBIDDEN"]

#: C0 controls but tab, line feed and carriage return (XML 1.0 forbids them), DEL (which
#: no reader sees), lone surrogates U+D800–U+DFFF (no UTF-8 for them: lxml's recovering
#: parser silently cuts the document at the first one, the encoder raises) and the
#: non-characters U+FFFE and U+FFFF.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
