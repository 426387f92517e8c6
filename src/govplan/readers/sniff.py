"""Recognise what a byte string is from its first bytes: a PDF, a ZIP, a known binary, HTML.

Takes the input bytes; gives a label.  Nothing here decodes or parses a whole file.
"""

from __future__ import annotations

import re

PDF = "pdf"
ZIP = "zip"
OLE2 = "ole2"

# magic number -> what to call the file in the error message
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x7fELF", "ELF executable"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"{\\rtf", "RTF document"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# an HTML document starts, after an optional XML declaration, doctype or comments, with one of these
# (the comment body may not contain "-->": a lazy ".*?" there backtracks exponentially)
_HTML_START = re.compile(
    rb"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def magic(data: bytes) -> str | None:
    """``PDF``, ``ZIP``, ``OLE2``, the name of a known binary format, or None for anything else."""
    if data.lstrip(b"\x00\t\n\r\f ").startswith(b"%PDF-"):
        return PDF
    if data.startswith(_ZIP_MAGIC):
        return ZIP
    if data.startswith(_OLE2_MAGIC):
        return OLE2
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return "WebP image"
    # no prefix can match unless the first byte starts one (most text starts otherwise)
    if data[:1] and data[0] in _MAGIC_FIRST_BYTES:
        for prefix, label in _BINARY_MAGIC:
            if data.startswith(prefix):
                return label
    return None


_MAGIC_FIRST_BYTES = frozenset(prefix[0] for prefix, _ in _BINARY_MAGIC)


# an encrypted OOXML file is an OLE2 container with these streams (MS-OFFCRYPTO); names are UTF-16LE
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


def ole2_encrypted(data: bytes) -> bool:
    """True for a password-protected Office document (an OLE2 file holding an EncryptedPackage)."""
    return data.startswith(_OLE2_MAGIC) and any(stream in data for stream in _ENCRYPTED_STREAMS)


def pdf_header_near_start(data: bytes) -> bool:
    """True when ``%PDF-`` occurs in the first 1 KB, where the PDF spec lets a header sit."""
    return b"%PDF-" in data[:1024]


def looks_like_html(data: bytes) -> bool:
    """True when the bytes start like an HTML page (also in UTF-16, whose NULs are ignored here)."""
    head = data[:2048]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    return _HTML_START.match(head.replace(b"\x00", b"")) is not None
