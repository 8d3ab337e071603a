"""What a believable input value is, declared once for every face (spec §10).

The case format (:mod:`jidi_xl.case`, which also checks what the workbook reader hands it) and the cell
adapters of the UDFs (:mod:`udfs.adapters`) both call these functions; each turns the Chinese message
returned here into its own error (``InputProblem`` naming a JSON path, ``UdfInputError`` naming a cell).

* numbers: finite, and no larger than :data:`MAX_QUANTITY`;
* number text: ``4999.9`` or ``1,234,567`` — a comma that is not a thousands grouping is refused, never
  dropped (``"4999,9"`` once read as 49,999 m²);
* dates: between :data:`EARLIEST_DATE` and :data:`LATEST_DATE`;
* 统一社会信用代码: GB 32100-2015 — 18 characters of its 31-character alphabet with a valid check character.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Any

# No quantity of a case comes near 10^12: the largest building complexes are about 10^6 m², the largest
# firms' revenue about 10^8 万元, a workforce about 10^6 people, a score at most 100 points. A number beyond
# it is a typing or encoding accident (1e999, a pasted ID number…), not data; it is also where float
# arithmetic on integers stops being exact (2^53 ≈ 9·10^15), so a bound well below that keeps sums exact.
MAX_QUANTITY = 1e12

# No date of a case can precede the People's Republic: a business licence's 成立日期 is the date of
# registration with a PRC authority, and penalties, revocations and changes are later still. The floor also
# catches numbers typed into date cells: a year (2024) is the Excel serial date 1905-07-16, and every serial
# below 18172 lies before 1949-10-01.
EARLIEST_DATE = date(1949, 10, 1)
# The end of the schema's evaluation-year range (``evaluation.year`` ≤ 2100, kept equal by a test): later
# dates are typing accidents (9999-12-31), and date arithmetic (a two-year ban) must not overflow.
LATEST_DATE = date(2100, 12, 31)

# Text that is a number: digits with an optional decimal point, or digits grouped by commas every three.
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def show_number(x: Any) -> str:
    """A number for a message, even one too large to format as a float (a 400-digit integer)."""
    if isinstance(x, int) and abs(x) >= 10 ** 15:
        return f"约 10^{int(x.bit_length() * math.log10(2))} 的整数"
    try:
        return f"{x:g}"
    except (TypeError, ValueError, OverflowError):
        return repr(x)


def quantity_problem(x: Any) -> str | None:
    """None for a finite number within ±:data:`MAX_QUANTITY` (or a non-number: types are checked elsewhere)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    if isinstance(x, float) and math.isnan(x):
        return "不是有效数字（NaN）；请填写实际数值"
    if isinstance(x, float) and math.isinf(x):
        return "数值为无穷大（Infinity），不是有效数字；请填写实际数值"
    if abs(x) > MAX_QUANTITY:
        return (f"数值 {show_number(x)} 超出可信范围（绝对值不超过 10^{round(math.log10(MAX_QUANTITY))}）；"
                "请核对是否多输入了数字、粘贴了其他内容或单位换算有误")
    return None


class NumberTextError(ValueError):
    """Text that is not a number; ``str()`` is the Chinese message."""


def parse_number_text(text: str) -> float:
    """The number written in ``text``: ``"5000"``, ``" 4999.9 "``, ``"1,234,567.5"``, ``"1e3"``.

    A comma is a thousands separator only where it groups digits by three from the decimal point
    (``1,234``); anything else (``4999,9``, ``1,23``) is a decimal comma or a typo and is refused rather
    than guessed. ``inf``/``nan`` text is refused by :func:`quantity_problem` after conversion.
    """
    s = unicodedata.normalize("NFKC", text).strip()
    if "," in s:
        if not _GROUPED.fullmatch(s):
            raise NumberTextError(f"“{text.strip()}”中的逗号不是有效的千位分隔符；小数点请用“.”（如 4999.9），"
                                  "千位分隔符须每三位一个（如 1,234,567），或不用分隔符")
        s = s.replace(",", "")
    if not _PLAIN.fullmatch(s) and s.lower().lstrip("+-") not in ("inf", "infinity", "nan"):
        raise NumberTextError(f"应填写数字，实际为文本 {text!r}；请删除文字和单位，只填数字")
    v = float(s)
    problem = quantity_problem(v)
    if problem:
        raise NumberTextError(problem)
    return v


def date_problem(d: date) -> str | None:
    """None for a date within [:data:`EARLIEST_DATE`, :data:`LATEST_DATE`]."""
    if d < EARLIEST_DATE:
        return f"日期 {d} 早于 {EARLIEST_DATE}，不是可信的日期；请按 YYYY-MM-DD 填写完整的真实日期"
    if d > LATEST_DATE:
        return f"日期 {d} 晚于 {LATEST_DATE}，不是可信的日期；请核对年份"
    return None


# -- 统一社会信用代码 (GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》) --------------------------

CREDIT_CODE_LENGTH = 18
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"     # 31 characters: no I, O, S, V, Z
# weight of position i (1-based) is 3^(i-1) mod 31 (GB 32100-2015 §4.2)
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(CREDIT_CODE_LENGTH - 1)]


def normalise_credit_code(x: Any) -> str | None:
    """A code as compared and stored: full-width characters folded (NFKC), trimmed, upper case; blank → None."""
    if x is None:
        return None
    s = unicodedata.normalize("NFKC", str(x)).strip().upper()
    return s or None


def credit_code_check_character(first17: str) -> str:
    """The 18th character of a code whose first 17 characters are ``first17``."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None for a valid (normalised) 统一社会信用代码; else what is wrong and what to do, in Chinese."""
    if len(code) != CREDIT_CODE_LENGTH:
        return (f"统一社会信用代码 {code} 有 {len(code)} 位，应为 {CREDIT_CODE_LENGTH} 位；"
                "请对照营业执照填写，不要含空格或其他字符")
    bad = [c for c in code if c not in CREDIT_CODE_ALPHABET]
    if bad:
        return (f"统一社会信用代码 {code} 含无效字符“{''.join(dict.fromkeys(bad))}”（代码只用数字和除 I、O、S、V、Z "
                "以外的大写字母）；请对照营业执照核对，注意 0 与 O、1 与 I 的区别")
    want = credit_code_check_character(code[:-1])
    if code[-1] != want:
        return (f"统一社会信用代码 {code} 校验位不符（按 GB 32100-2015 计算末位应为“{want}”），"
                "可能有字符录入错误；请对照营业执照逐位核对")
    return None
