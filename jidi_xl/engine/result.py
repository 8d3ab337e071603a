"""What a recalculation returns: the values of every formula cell, the cells ending in an Excel error value,
the cells formulas did not compute, and the UDFs that raised (:class:`RecalcResult`), with its error types.
Part of the generic engine (:mod:`jidi_xl.engine.recalc` runs the recalculation)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .normalize import NormalizeReport

__all__ = ["CellError", "UdfFailure", "RecalcLoadError", "RecalcError", "RecalcResult"]


@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str
    value: str          # "#DIV/0!", "#NAME?", ...
    formula: str        # as stored, without '='

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell} = {self.value}  (={self.formula})"


@dataclass(frozen=True)
class UdfFailure:
    sheet: str | None   # None when the UDF ran in a defined name or outside a cell
    cell: str | None
    function: str
    message: str        # "ExceptionType: text"

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet else (self.cell or "?")
        return f"{where}: {self.function} 出错 (raised) {self.message}"


class RecalcLoadError(RuntimeError):
    """formulas could not load/parse the workbook (after lint + normalise)."""


class RecalcError(Exception):
    """Raised by :meth:`RecalcResult.raise_for_problems`."""

    def __init__(self, result: "RecalcResult"):
        self.result = result
        super().__init__(result.summary())


@dataclass
class RecalcResult:
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    errors: list[CellError] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    udf_failures: list[UdfFailure] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    normalize: NormalizeReport | None = None

    @property
    def ok(self) -> bool:
        """No error value, no missing cell, no UDF exception."""
        return not (self.errors or self.missing or self.udf_failures)

    def summary(self, limit: int = 20) -> str:
        lines = [f"公式单元格 {len(self.values)} 个 (formula cells); 错误值 {len(self.errors)} (error values); "
                 f"缺失 {len(self.missing)} (missing); UDF 异常 {len(self.udf_failures)} (UDF exceptions)"]
        for f in self.udf_failures[:limit]:
            lines.append(f"  UDF: {f}")
        for e in self.errors[:limit]:
            lines.append(f"  错误 error: {e}")
        for s, c in self.missing[:limit]:
            lines.append(f"  缺失 missing: {s}!{c} （未被计算，可能是循环引用或计算崩溃 not computed: "
                         f"circular reference or crash）")
        return "\n".join(lines)

    def raise_for_problems(self) -> "RecalcResult":
        if not self.ok:
            raise RecalcError(self)
        return self
