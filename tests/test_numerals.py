"""Chinese numerals read without cn2an agree with cn2an wherever cn2an reads them."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govplan.numerals import chinese_int, to_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105), ("两千", 2000), ("两万", 20000), ("二〇二三", 2023),
     ("三万五千", 35000), ("一千零一十", 1010), ("零", 0), ("十一万", 110000), ("三亿零五万", 300050000)],
)
def test_common_numerals(text: str, value: int) -> None:
    assert chinese_int(text) == value
    assert to_number(text) == value


@pytest.mark.parametrize("text", ["十四五", "百", "一二三四", "三十十", "万"])
def test_not_numbers_are_left_to_cn2an_which_refuses_them(text: str) -> None:
    if text == "一二三四":  # digit by digit, as 二〇二三
        assert chinese_int(text) == 1234
        return
    assert chinese_int(text) is None
    with pytest.raises(ValueError):
        to_number(text)


@pytest.mark.parametrize(("text", "value"), [("一百五", 150), ("三万五", 35000), ("三点五", 3.5)])
def test_colloquial_and_decimal_numerals_go_to_cn2an(text: str, value: float) -> None:
    assert chinese_int(text) is None
    assert float(to_number(text)) == value


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 10**9))
def test_agrees_with_cn2an_on_its_own_writing(n: int) -> None:
    text = cn2an.an2cn(n, "low")
    try:
        expected = int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return  # cn2an cannot read back some of its own outputs (五亿二千零九十一)
    assert chinese_int(text) == expected


def test_a_run_of_numerals_cn2an_cannot_read_is_a_value_error() -> None:
    import pytest

    from govplan.numerals import to_number

    with pytest.raises(ValueError):
        to_number("十十〇")


def test_targets_survive_a_numeral_run_that_is_no_number() -> None:
    from govplan.targets import find_targets

    found = find_targets("新建十十〇万个，完成改造15个小区。", year=2023)
    assert [(t.value, t.unit) for t in found] == [(15, "个")]
