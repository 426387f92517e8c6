"""The text a document was read as, and the cleaned text with its map back to it.

``Document.raw`` is the source text as read (after decoding, before cleaning): every ``span``
and ``line`` in the output counts in it.  ``CleanText`` is what the later stages read: the
cleaned string plus, for every cleaned character, the index of the raw character it came from.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .models import Source, Span


@dataclass(frozen=True, slots=True)
class Document:
    raw: str
    source: Source
    # a reader may flag what it knows about the layout, e.g. "table" rows from .docx
    hints: tuple[str, ...] = ()
    # (raw line index, level 1-9) of lines the source marks as headings (Word heading styles)
    headings: tuple[tuple[int, int], ...] = ()


_NEWLINE = re.compile("\n")


@dataclass(frozen=True, slots=True)
class CleanText:
    text: str
    origin: tuple[int, ...]  # origin[i] = raw index of text[i]; len(origin) == len(text)
    raw: str
    _line_starts: tuple[int, ...] = field(default=(), repr=False)

    @classmethod
    def identity(cls, raw: str) -> CleanText:
        return cls.build(raw, tuple(range(len(raw))), raw)

    @classmethod
    def build(cls, text: str, origin: tuple[int, ...], raw: str) -> CleanText:
        assert len(text) == len(origin)
        # a line starts at 0 and after each newline (one scan, no Python loop a line)
        return cls(text, origin, raw, (0, *map(re.Match.end, _NEWLINE.finditer(raw))))

    def raw_pos(self, i: int) -> int:
        """Raw index of cleaned index ``i`` (``i == len(text)`` maps to the end of the raw text)."""
        if i >= len(self.origin):
            return len(self.raw)
        return self.origin[i]

    def span(self, start: int, end: int) -> Span:
        """Raw [start, end) covering cleaned [start, end)."""
        if end <= start:
            pos = self.raw_pos(start)
            return (pos, pos)
        return (self.origin[start], self.origin[end - 1] + 1)

    def line(self, i: int) -> int:
        """1-based raw line of cleaned index ``i``."""
        origin = self.origin
        return bisect.bisect_right(self._line_starts, origin[i] if i < len(origin) else len(self.raw))

    def lines(self) -> list[tuple[int, int]]:
        """(start, end) of every line of the cleaned text, end excluding the newline."""
        out = []
        start = 0
        text = self.text
        while True:
            nl = text.find("\n", start)
            if nl < 0:
                out.append((start, len(text)))
                return out
            out.append((start, nl))
            start = nl + 1
