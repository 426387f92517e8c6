"""read: path -> Document.  The first pipeline stage.

Takes a file path, the bytes of stdin, or a str; gives a ``Document`` whose ``raw`` is the text
as read (decoded, line breaks normalised to "\\n", before any cleaning), with its ``Source``
(path, format, encoding, sha256 of the input bytes, chars = len(raw)).

What a file is comes from its content first, then its extension:

- ``%PDF-`` -> PDF (``pdf``); a ZIP with ``word/document.xml`` -> Word (``docx``);
- a known binary signature (PNG, JPEG, GIF, ZIP, ELF, OLE2 .doc/.xls, archives…) -> ``InputError``;
- OLE2 or RTF bytes named .doc/.dot/.wps/.wpt/.rtf -> converted to .docx by LibreOffice (``office``);
- a .docx or .pdf name whose bytes are not a ZIP / PDF -> ``InputError`` (corrupt);
- a .html/.htm name, or bytes that start like an HTML page -> ``html``;
- anything else -> plain text (``text``), with encoding detection.

Every failure is an ``InputError`` naming the file; no other exception leaves ``read`` or
``read_bytes``.  python-docx, lxml and pypdfium2 are imported only by the reader that needs them.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from ..document import Document
from ..errors import InputError
from ..models import Source
from . import sniff
from .base import blank, normalise_newlines

__all__ = ["read", "read_bytes", "read_text"]

_HTML_SUFFIXES = frozenset((".html", ".htm", ".xhtml", ".shtml"))
# legacy word-processor files converted by LibreOffice (readers/office.py) when named as such
_LEGACY_WORD_SUFFIXES = frozenset((".doc", ".dot", ".wps", ".wpt", ".rtf"))


def read(path: str | Path) -> Document:
    """Read the document at ``path``."""
    name = str(path)
    file = Path(path)
    try:
        if file.is_dir():
            raise InputError("is a directory, not a document", path=name)
        if file.exists() and not stat.S_ISREG(file.stat().st_mode):
            raise InputError("not a regular file (a pipe, socket or device): save the document to a file", path=name)
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except PermissionError:
        raise InputError("permission denied", path=name) from None
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror or err}", path=name) from None
    except ValueError as err:  # e.g. a NUL character in the path
        raise InputError(f"invalid path: {err}", path=name) from None
    return read_bytes(data, name)


def read_bytes(data: bytes, name: str) -> Document:
    """Read a document given as bytes (e.g. stdin); ``name`` is its path or "-", for messages."""
    # ``not data.strip()`` without copying data that starts with a visible byte (bytes.strip and
    # bytes.isspace agree on ASCII whitespace)
    if not data or (data[:1].isspace() and not data.strip()):
        raise InputError("empty file", path=name)
    suffix = suffix_of(name).lower()
    kind = sniff.magic(data)
    if kind == sniff.PDF or (suffix == ".pdf" and sniff.pdf_header_near_start(data)):
        from .pdf import read_pdf

        return read_pdf(data, name)
    if kind == sniff.ZIP:
        return _read_zip(data, name, suffix)
    if suffix in _LEGACY_WORD_SUFFIXES and kind in (sniff.OLE2, "RTF document") and not sniff.ole2_encrypted(data):
        from .office import read_legacy_word

        return read_legacy_word(data, name, "OLE2" if kind == sniff.OLE2 else "RTF")
    if kind == sniff.OLE2:
        if sniff.ole2_encrypted(data):
            raise InputError("password-protected document: remove the password (save a copy without it) and try again", path=name)
        if suffix == ".docx":
            raise InputError("not a .docx: a legacy Word .doc (OLE2) renamed .docx; save it as .docx", path=name)
        raise InputError("legacy Office file (.doc/.xls, OLE2) not supported: save it as .docx", path=name)
    if kind is not None:
        raise InputError(f"binary file ({kind}), not a text document", path=name)
    if suffix == ".docx":
        raise InputError("corrupt .docx: not a ZIP package", path=name)
    if suffix == ".pdf":
        raise InputError("corrupt .pdf: no %PDF- header", path=name)
    if suffix in _HTML_SUFFIXES or sniff.looks_like_html(data):
        from .html import read_html

        return read_html(data, name)
    from .text import read_txt

    return read_txt(data, name)


def suffix_of(name: str) -> str:
    """``Path(name).suffix``, without building a Path for an ordinary name: one whose last
    component (after the last "/") is neither empty nor "." (those Path normalises away)."""
    base = name[name.rfind("/") + 1 :]
    if not base or base == ".":
        return Path(name).suffix
    dot = base.rfind(".")
    return base[dot:] if 0 < dot < len(base) - 1 else ""


def read_text(text: str, name: str = "<text>") -> Document:
    """A document given directly as a str (plain text; its sha256 is of its UTF-8 bytes)."""
    raw = normalise_newlines(text)
    if blank(raw):
        raise InputError("empty text", path=name)
    sha = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    return Document(raw, Source(path=name, format="txt", encoding="utf-8", sha256=sha, chars=len(raw)))


def _read_zip(data: bytes, name: str, suffix: str) -> Document:
    from .docx import docx_package, read_docx

    package = docx_package(data)
    if package is not None:
        return read_docx(data, name, package)
    if suffix == ".docx":
        raise InputError("corrupt .docx: not a readable Word package", path=name)
    raise InputError("binary file (ZIP archive, not a .docx), not a text document", path=name)
