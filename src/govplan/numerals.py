"""Chinese numerals: the common integers read here, anything else by cn2an.

Plans write numbers in words all the time (十四个, 二〇二三年, 一百二十家, 两千户).  These are read
by ``chinese_int`` without importing cn2an, which costs ~90 ms of a cold start; a numeral it does
not read with certainty (decimals 三点五, colloquial 一百五, mixed 3万五) goes to cn2an's "smart"
mode through ``to_number``, which also raises ``ValueError`` for numerals that are no number
(十四五).
"""

from __future__ import annotations

from decimal import Decimal

_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}


def chinese_int(text: str) -> int | None:
    """The integer a Chinese numeral writes (十二 → 12, 二〇二三 → 2023, 三万五千 → 35000), or None
    when it is not a well-formed integer numeral read the same by every reader."""
    if not text:
        return None
    if all(ch in _DIGITS for ch in text):  # digit by digit: 二〇二三
        if len(text) > 1 and text[0] in "零〇○Ｏ":
            return None
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total = 0  # the sum of finished 万/亿 groups
    section = 0  # the current group below 万
    digit: int | None = None  # a digit waiting for its unit
    last_small = 10_000  # small units must fall within a group: 千 > 百 > 十
    last_big = 10**12
    zero = False
    for ch in text:
        if ch in _DIGITS:
            value = _DIGITS[ch]
            if value == 0:
                if digit is not None:
                    return None
                zero = True
                continue
            if digit is not None:
                return None  # two digits in a row: 十四五
            digit = value
        elif ch in _SMALL:
            unit = _SMALL[ch]
            if unit >= last_small:
                return None
            if digit is None:
                if unit != 10 or not (section == 0 or zero):
                    return None
                digit = 1  # 十 at the head of a group (or after 零) is 一十
            section += digit * unit
            digit, last_small, zero = None, unit, False
        elif ch in _BIG:
            unit = _BIG[ch]
            if unit >= last_big:
                return None
            if digit is not None:
                section += digit
            if section == 0:
                return None
            total += section * unit
            section, digit, last_small, last_big, zero = 0, None, 10_000, unit, False
        else:
            return None
    if digit is not None:
        if last_small > 10 and last_small != 10_000 and not zero:
            return None  # 一百五: colloquial, left to cn2an
        if last_small == 10_000 and last_big != 10**12 and not zero:
            return None  # 三万五: colloquial
        section += digit
    return total + section


def to_number(text: str) -> Decimal:
    """The value of a numeral in words (cn2an "smart" mode where ``chinese_int`` is not sure).
    Raises ValueError for numerals that are no number."""
    value = chinese_int(text)
    if value is not None:
        return Decimal(value)
    import cn2an  # lazy: ~90 ms to import

    try:
        return Decimal(str(cn2an.cn2an(text, "smart")))
    except ValueError:
        raise
    except Exception as err:  # cn2an raises KeyError and others on runs such as 十十〇
        raise ValueError(f"not a number: {text!r} ({type(err).__name__})") from None
