"""Plain-text reader: bytes of a .txt file -> ``Document`` (format "txt").

The encoding is detected, never assumed, and decoding is always strict:

1. a byte-order mark: UTF-8 ("utf-8-sig"), UTF-32 or UTF-16 ("utf-32", "utf-16");
2. NUL bytes: UTF-16 without a BOM ("utf-16-le" / "utf-16-be") when the NULs sit almost all on
   one byte parity, as the high bytes of ASCII characters do; otherwise the file is binary;
3. strict UTF-8 ("utf-8");
4. strict GB18030 ("gb18030", which also covers GBK and GB2312), accepted only when the result is
   plausible Chinese: of the non-ASCII characters most are CJK ideographs and nearly all are from
   the GB2312 repertoire; hardly any control or private-use characters.  Big5 or Latin-1 bytes
   that happen to decode as GB18030 fail this test (EUC-KR Hangul does not: see known limits).

Anything else is undecodable.  After decoding, CRLF and CR (and the other Unicode line separators)
become "\\n".  That normalised string is ``Document.raw``: every span and line number counts in it,
not in the bytes or in the undecoded line endings.  A BOM is not part of ``raw``.

Known limits: EUC-KR (and some EUC-JP) text decodes as valid GB2312 hanzi and is taken for
GB18030; BOM-less UTF-16 with no ASCII at all (no digits, no newlines) has no NUL pattern to go by
and is undecodable; only the first 20,000 characters are judged.
"""

from __future__ import annotations

import re
from functools import cache

from ..document import Document
from ..errors import InputError
from .base import make_document

# longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "utf-32"),
    (b"\xff\xfe", "utf-16", "utf-16"),
    (b"\xfe\xff", "utf-16", "utf-16"),
)
_MAX_BAD_SHARE = 0.01  # control / private-use characters a real text may contain
_MIN_CJK_SHARE = 0.5  # of the non-ASCII characters, for GB18030 text (the rest: punctuation)
_MIN_GB2312_SHARE = 0.8  # of the non-ASCII characters, for GB18030 text
_SAMPLE = 20_000  # characters looked at by the plausibility checks

# The checks count characters with regular expressions (C speed, no Python loop per character).
# _BAD: control (Cc) but for \t \n \v \f \r and \x1a (the DOS end-of-file mark some editors
# leave), private-use (Co), surrogate (Cs) and the non-characters U+FFFE/U+FFFF; these categories
# are fixed by Unicode's stability policy.
_BAD = re.compile(
    "[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffe\uffff"
    "\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)
_NON_ASCII_VISIBLE = re.compile(r"[^\x00-\x7f\s]+")  # \s is exactly str.isspace for a str pattern
_SPACE = re.compile(r"\s+")


@cache  # compiled on first use (GB18030 text only): a cold start of a UTF-8 extract skips it
def _not_cjk() -> re.Pattern[str]:
    return re.compile("[^\u4e00-\u9fff\u3400-\u4dbf]+")


@cache  # compiled on first use (BOM-less UTF-16 only)
def _unusual() -> re.Pattern[str]:
    """Not what _readable calls usual: Latin up to U+024F, CJK ideographs, CJK symbols and punctuation."""
    return re.compile("[^\x00-\u024f\u4e00-\u9fff\u3400-\u4dbf\u2000-\u2bff\u3000-\u30ff\ufe30-\uffef]")


def read_txt(data: bytes, name: str) -> Document:
    """Decode ``data`` and build the document."""
    text, encoding = decode(data, name)
    return make_document(text, data, name, "txt", encoding)


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text in ``data`` and the codec it was decoded with; ``InputError`` when there is none."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _decode_strict(data, codec, name, f"invalid {label} after its byte-order mark"), label
    if b"\x00" in data:
        utf16 = utf16_without_bom(data)
        if utf16 is None:
            raise InputError("binary file: contains NUL bytes", path=name)
        return _decode_strict(data, utf16, name, f"invalid {utf16} text"), utf16
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not utf8_surely_clean(data):
            _check_not_binary(text, name)
        return text, "utf-8"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if plausible_chinese(text):
            return text, "gb18030"
    raise InputError("undecodable: not UTF-8, UTF-16 or GB18030 text", path=name)


def utf16_without_bom(data: bytes) -> str | None:
    """The codec, "utf-16-le" or "utf-16-be", when the NUL bytes say so unmistakably, else None.

    ASCII characters (digits, newlines, punctuation) in UTF-16 have a zero high byte: at odd
    offsets in little-endian, at even offsets in big-endian.  The other parity has NULs only for
    characters such as U+4E00 一, far fewer.  The decoded text must then look like text.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    units = len(data) // 2
    for codec, main, other in (("utf-16-le", odd_nuls, even_nuls), ("utf-16-be", even_nuls, odd_nuls)):
        if main >= 2 and main >= 0.01 * units and main >= 3 * other:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec if _readable(text) else None
    return None


def plausible_chinese(text: str) -> bool:
    """True when ``text`` reads like Chinese rather than bytes forced through a CJK codec.

    Judged on the non-ASCII characters only, so that markup or Latin text around the Chinese does
    not count against it: most must be CJK ideographs, nearly all from the GB2312 repertoire that
    real simplified-Chinese text keeps to (random or Latin-1 bytes mostly land outside it).
    """
    sample = text[:_SAMPLE]
    non_ascii = "".join(_NON_ASCII_VISIBLE.findall(sample))
    if not non_ascii or _bad_share(sample) > _MAX_BAD_SHARE:
        return False
    cjk = len(_not_cjk().sub("", non_ascii))
    # one "?" for each character GB2312 lacks (the string holds no ASCII "?" of its own)
    common = len(non_ascii) - non_ascii.encode("gb2312", errors="replace").count(b"?")
    return cjk >= _MIN_CJK_SHARE * len(non_ascii) and common >= _MIN_GB2312_SHARE * len(non_ascii)


def _readable(text: str) -> bool:
    """Few control characters and nearly all visible characters from scripts a plan uses."""
    sample = text[:_SAMPLE]
    visible = _SPACE.sub("", sample)
    if not visible or _bad_share(sample) > _MAX_BAD_SHARE:
        return False
    usual = len(visible) - len(_unusual().findall(visible))
    return usual >= 0.9 * len(visible)


def _decode_strict(data: bytes, codec: str, name: str, message: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise InputError(f"undecodable: {message}", path=name) from None
    if codec != "utf-8-sig" or not utf8_surely_clean(data):
        _check_not_binary(text, name)
    return text


def _check_not_binary(text: str, name: str) -> None:
    if _bad_share(text[:_SAMPLE]) > _MAX_BAD_SHARE:
        raise InputError("binary file: too many control characters", path=name)


# utf8_surely_clean: the bytes of the characters _BAD matches, in valid UTF-8.  Below U+0080 a
# character is its one byte (the bytes _NOT_BAD_ASCII leaves after deletion); U+0080-U+009F is
# C2 80-9F; U+E000-U+EFFF starts with EE; U+F000-U+F8FF is EF 80-A3 xx; U+FFFE/U+FFFF is EF BF BE/BF;
# planes 15 and 16 start with F3 / F4 (F3 also starts other planes: a superset, which only costs
# the full count); surrogates are never decoded from strict UTF-8.
_NOT_BAD_ASCII = bytes(b for b in range(256) if not _BAD.match(chr(b)) or b >= 0x80)
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_EF_BAD_UTF8 = re.compile(rb"\xef(?:[\x80-\xa3]|\xbf[\xbe\xbf])")


def utf8_surely_clean(data: bytes) -> bool:
    """True when ``data``, valid UTF-8, encodes none of the characters ``_BAD`` matches, so that
    ``_bad_share`` of any part of its text is 0.  Byte tests at C speed: a third of the time of
    counting with ``_BAD`` on the decoded text.  False means "count them"."""
    return (
        not data.translate(None, _NOT_BAD_ASCII)
        and b"\xee" not in data
        and b"\xf3" not in data
        and b"\xf4" not in data
        and _C1_UTF8.search(data) is None
        and _EF_BAD_UTF8.search(data) is None
    )


def _bad_share(text: str) -> float:
    """Share of control, private-use and non-characters: rare in text, common in binary data."""
    if not text:
        return 0.0
    return len(_BAD.findall(text)) / len(text)
