"""read: path -> Document.  (Minimal UTF-8 .txt reader; replaced by the full readers package.)"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..document import Document
from ..errors import InputError
from ..models import Source


def read_text(text: str, name: str = "<text>") -> Document:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(text, Source(path=name, format="txt", encoding="utf-8", sha256=sha, chars=len(text)))


def read(path: str | Path) -> Document:
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path=str(path))
    data = p.read_bytes()
    text = data.decode("utf-8-sig")
    sha = hashlib.sha256(data).hexdigest()
    return Document(text, Source(path=str(path), format="txt", encoding="utf-8", sha256=sha, chars=len(text)))
