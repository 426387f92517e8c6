"""What every reader shares: newline normalisation and building the ``Document``.

Every reader turns its input into one string, ``Document.raw``, in which all later spans and line
numbers count.  Line breaks in that string are always ``"\\n"``: the readers replace CRLF, CR and
the other Unicode line separators before building the document, so the normalised text *is* the
text as read.
"""

from __future__ import annotations

import hashlib
import re

from ..document import Document
from ..errors import InputError
from ..models import Source

# CRLF first so it becomes one "\n"; then lone CR, vertical tab, form feed, NEL, LS and PS
_LINE_BREAK = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")


def normalise_newlines(text: str) -> str:
    """Every line break as ``"\\n"``."""
    # most texts hold none of the characters _LINE_BREAK matches: six substring tests take a
    # twentieth of the time of one regex scan
    # (every match of _LINE_BREAK holds one of them; written out, not as any() over a generator)
    if (
        "\r" not in text
        and "\v" not in text
        and "\f" not in text
        and "\x85" not in text
        and "\u2028" not in text
        and "\u2029" not in text
    ):
        return text
    return _LINE_BREAK.sub("\n", text)


def blank(text: str) -> bool:
    """``not text.strip()``, without copying a text that starts with a visible character
    (``str.strip`` and ``str.isspace`` agree on what whitespace is)."""
    return not text or (text[0].isspace() and not text.strip())


def make_document(
    raw: str,
    data: bytes,
    name: str,
    fmt: str,
    encoding: str | None = None,
    hints: tuple[str, ...] = (),
    empty: str = "empty file: only whitespace",
    headings: tuple[tuple[int, int], ...] = (),
) -> Document:
    """The ``Document`` for ``raw`` read from ``data``; ``InputError(empty)`` when it holds no text."""
    raw = normalise_newlines(raw)
    if blank(raw):
        raise InputError(empty, path=name)
    source = Source(
        path=name,
        format=fmt,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        chars=len(raw),
    )
    return Document(raw, source, hints, headings)
