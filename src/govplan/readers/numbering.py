"""Word's automatic numbering: the "一、" / "（二）" / "3." a paragraph shows but does not contain.

A numbered paragraph carries ``w:numPr`` (``w:numId`` + ``w:ilvl``), itself or through its style
(and the style's ``basedOn`` chain).  ``numbering.xml`` maps the ``numId`` to an abstract
definition whose ``w:lvl`` gives, per level, the start value, the number format
(``chineseCounting`` → 一二三, ``decimal``, ``decimalEnclosedCircle`` → ①, …) and the label
pattern (``lvlText`` "（%2）", with ``%1``…``%9`` standing for the counters of levels 1…9).

Counters are kept per abstract definition, as Word does: lists that share one continue each
other, a ``w:startOverride`` restarts its level the first time its ``numId`` is used, and a level
restarts whenever a higher level advances.  Bullets and ``none`` formats give no label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VAL = _W + "val"

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def chinese(n: int, digits: str = _CN_DIGITS, ten: str = "十", hundred: str = "百") -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (as Word's chineseCounting)."""
    if n <= 0:
        return digits[0]
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + ten + (digits[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        tail = "" if rest == 0 else (digits[0] + digits[rest] if rest < 10 else _tens_full(rest, digits, ten))
        return digits[hundreds] + hundred + tail
    return str(n)


def _tens_full(n: int, digits: str, ten: str) -> str:
    tens, ones = divmod(n, 10)
    return digits[tens] + ten + (digits[ones] if ones else "")


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word: A … Z, AA … ZZ, AAA …
    n -= 1
    return chr(ord("A") + n % 26) * (n // 26 + 1)


def _enclosed(n: int, table: str) -> str:
    return table[n - 1] if 1 <= n <= len(table) else str(n)


def _cycle(n: int, table: str) -> str:
    return table[(n - 1) % len(table)]


_FORMATS: dict[str, Any] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalHalfWidth": str,
    "chineseCounting": chinese,
    "chineseCountingThousand": chinese,
    "japaneseCounting": chinese,
    "taiwaneseCounting": chinese,
    "taiwaneseCountingThousand": chinese,
    "ideographDigital": lambda n: "".join(_CN_DIGITS[int(d)] for d in str(n)),
    "chineseLegalSimplified": lambda n: chinese(n, _CN_LEGAL, "拾", "佰"),
    "ideographLegalTraditional": lambda n: chinese(n, _CN_LEGAL, "拾", "佰"),
    "ideographTraditional": lambda n: _cycle(n, _HEAVENLY),
    "ideographZodiac": lambda n: _cycle(n, _EARTHLY),
    "decimalEnclosedCircle": lambda n: _enclosed(n, _CIRCLED),
    "decimalEnclosedCircleChinese": lambda n: _enclosed(n, _CIRCLED),
    "ideographEnclosedCircle": lambda n: _enclosed(n, _CIRCLED),
    "decimalEnclosedParen": lambda n: _enclosed(n, _PAREN),
    "decimalEnclosedFullstop": lambda n: _enclosed(n, _FULLSTOP),
    "upperLetter": _letters,
    "lowerLetter": lambda n: _letters(n).lower(),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "ordinal": str,
    "cardinalText": str,
}


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    legal: bool = False  # w:isLgl: show every level's counter as decimal
    restart: int | None = None  # w:lvlRestart: restart after this level (1-based); None = any higher


@dataclass
class Numbering:
    """The list definitions of one document and the running counters."""

    abstract_of: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    levels: dict[str, dict[int, Level]] = field(default_factory=dict)  # abstractNumId -> ilvl -> Level
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> ilvl -> start
    style_num: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)  # styleId -> numPr
    style_base: dict[str, str] = field(default_factory=dict)  # styleId -> basedOn styleId
    style_name: dict[str, str] = field(default_factory=dict)  # styleId -> name ("heading 1", "标题 2")
    _counters: dict[str, dict[int, int]] = field(default_factory=dict)
    _started: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, document: Any) -> Numbering:
        """Read the numbering and style definitions of a python-docx ``Document``."""
        part = document.part
        try:
            root = part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        try:
            styles = part.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            styles = None
        return cls.of_parts(root, styles)

    @classmethod
    def of_parts(cls, numbering_root: Any, styles_root: Any) -> Numbering:
        """Read the numbering and style definitions from the roots of the numbering and styles
        parts (``w:numbering``, ``w:styles``; None where the package has none)."""
        numbering = cls()
        if numbering_root is not None:
            numbering._read_numbering(numbering_root)
        if styles_root is not None:
            numbering._read_styles(styles_root)
        return numbering

    def _read_numbering(self, root: Any) -> None:
        for abstract in root.iterchildren(_W + "abstractNum"):
            aid = abstract.get(_W + "abstractNumId")
            if aid is None:
                continue
            self.levels[aid] = {int(lvl.get(_W + "ilvl", "0")): _level(lvl) for lvl in abstract.iterchildren(_W + "lvl")}
        for num in root.iterchildren(_W + "num"):
            nid = num.get(_W + "numId")
            ref = num.find(_W + "abstractNumId")
            if nid is None or ref is None:
                continue
            self.abstract_of[nid] = ref.get(_VAL, "")
            for override in num.iterchildren(_W + "lvlOverride"):
                start = override.find(_W + "startOverride")
                if start is not None:
                    self.overrides.setdefault(nid, {})[int(override.get(_W + "ilvl", "0"))] = _int(start.get(_VAL), 1)

    def _read_styles(self, root: Any) -> None:
        for style in root.iterchildren(_W + "style"):
            sid = style.get(_W + "styleId")
            if sid is None:
                continue
            name = style.find(_W + "name")
            if name is not None and name.get(_VAL):
                self.style_name[sid] = name.get(_VAL)
            based = style.find(_W + "basedOn")
            if based is not None and based.get(_VAL):
                self.style_base[sid] = based.get(_VAL)
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                self.style_num[sid] = _num_pr(num_pr)

    def label(self, p: Any) -> str:
        """The label Word shows before paragraph ``p`` ("" when it is not numbered), advancing
        the counters."""
        nid, ilvl = self._num_of(p)
        if not nid or nid == "0":
            return ""
        aid = self.abstract_of.get(nid)
        if aid is None or aid not in self.levels:
            return ""
        levels = self.levels[aid]
        level = ilvl if ilvl is not None else 0
        if level not in levels:
            return ""
        counters = self._counters.setdefault(aid, {})
        if nid not in self._started:
            self._started.add(nid)
            for lvl, start in self.overrides.get(nid, {}).items():
                counters[lvl] = start - 1
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            restart = levels.get(deeper, Level()).restart  # None: after any higher level; 0: never
            if restart is None or (restart > 0 and level <= restart - 1):
                del counters[deeper]
        definition = levels[level]
        if definition.fmt in ("bullet", "none"):
            return ""
        label = definition.text
        for k in range(9):
            token = f"%{k + 1}"
            if token not in label:
                continue
            lvl_def = levels.get(k, Level())
            value = counters.get(k, lvl_def.start)
            fmt = "decimal" if definition.legal and k != level else lvl_def.fmt
            label = label.replace(token, _FORMATS.get(fmt, str)(value))
        return label

    def heading_level(self, p: Any) -> int | None:
        """1…9 when paragraph ``p`` has a heading style (heading 1, 标题 2, or a style based on
        one, or an outline level set on the paragraph or its style), else None."""
        ppr = p.find(_W + "pPr")
        if ppr is None:
            return None
        outline_lvl = ppr.find(_W + "outlineLvl")
        if outline_lvl is not None:
            value = _int(outline_lvl.get(_VAL), 9)
            return value + 1 if value < 9 else None
        pstyle = ppr.find(_W + "pStyle")
        style = None if pstyle is None else pstyle.get(_VAL)
        seen: set[str] = set()
        while style and style not in seen:
            seen.add(style)
            m = _HEADING_STYLE.match(self.style_name.get(style, ""))
            if m:
                return int(m.group(1))
            style = self.style_base.get(style)
        return None

    def _num_of(self, p: Any) -> tuple[str | None, int | None]:
        ppr = p.find(_W + "pPr")
        nid: str | None = None
        ilvl: int | None = None
        style: str | None = None
        if ppr is not None:
            num_pr = ppr.find(_W + "numPr")
            if num_pr is not None:
                nid, ilvl = _num_pr(num_pr)
            pstyle = ppr.find(_W + "pStyle")
            if pstyle is not None:
                style = pstyle.get(_VAL)
        seen: set[str] = set()
        while style and style not in seen and (nid is None or ilvl is None):
            seen.add(style)
            s_nid, s_ilvl = self.style_num.get(style, (None, None))
            nid = nid if nid is not None else s_nid
            ilvl = ilvl if ilvl is not None else s_ilvl
            style = self.style_base.get(style)
        return nid, ilvl


_HEADING_STYLE = re.compile(r"^\s*(?:heading|标题)\s*([1-9])\s*$", re.IGNORECASE)


def _level(lvl: Any) -> Level:
    def val(tag: str) -> str | None:
        child = lvl.find(_W + tag)
        return None if child is None else child.get(_VAL)

    restart = val("lvlRestart")
    legal = lvl.find(_W + "isLgl")
    return Level(
        start=_int(val("start"), 1),
        fmt=val("numFmt") or "decimal",
        text=val("lvlText") or "",
        legal=legal is not None and legal.get(_VAL, "1") not in ("0", "false"),
        restart=None if restart is None else _int(restart, 0),
    )


def _num_pr(num_pr: Any) -> tuple[str | None, int | None]:
    nid = num_pr.find(_W + "numId")
    ilvl = num_pr.find(_W + "ilvl")
    return (None if nid is None else nid.get(_VAL), None if ilvl is None else _int(ilvl.get(_VAL), 0))


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
