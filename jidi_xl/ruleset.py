"""Versioned rule-set data: every number of law, with its source and effective date.

A rule-set is a YAML file in ``jidi_xl/params`` (``bj-2022.yaml``) plus the shared tables
(``size_standards.yaml``, ``codes.yaml``). Rule functions read values through :meth:`RuleSet.p`;
a typo in a parameter path is an error, never a silent default.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from .errors import RuleSetError

PARAMS_DIR = Path(__file__).parent / "params"
DEFAULT_RULESET = "bj-2022"


def _load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _exact(v: Any) -> Any:
    """Ratios are written "3/5" in the data and read as exact fractions."""
    if isinstance(v, str) and "/" in v:
        num, den = v.split("/")
        return Fraction(int(num), int(den))
    return v


@dataclass(frozen=True)
class Param:
    path: str
    value: Any
    unit: str
    source: str
    placeholder: bool


class RuleSet:
    def __init__(self, data: dict, size_standards: dict, codes: dict):
        self.data = data
        self.id: str = data["id"]
        self.title: str = data["title"]
        self.document: str = data["document"]
        self.effective_from: date = data["effective_from"]
        self.size_standards = size_standards
        self.codes = codes
        from .calendar import WorkCalendar

        self.calendar = WorkCalendar(data.get("calendar_years") or {})

    # -- parameters ---------------------------------------------------------------------------
    def param(self, path: str) -> Param:
        node: Any = self.data
        for key in path.split("."):
            if not isinstance(node, dict) or key not in node:
                raise KeyError(f"rule-set {self.id} has no parameter {path!r}")
            node = node[key]
        if not isinstance(node, dict) or "value" not in node:
            raise KeyError(f"{path!r} in rule-set {self.id} is a group, not a parameter")
        return Param(path, _exact(node["value"]), node.get("unit", ""), node.get("source", ""),
                     bool(node.get("placeholder", False)))

    def p(self, path: str) -> Any:
        """The value of a parameter (ratios as Fractions)."""
        return self.param(path).value

    def parameters(self) -> list[Param]:
        """Every parameter, in file order (for the workbook's parameter sheet and docs)."""
        out: list[Param] = []

        def walk(node: Any, prefix: str) -> None:
            if isinstance(node, dict) and "value" in node:
                out.append(self.param(prefix))
            elif isinstance(node, dict):
                for k, v in node.items():
                    walk(v, f"{prefix}.{k}" if prefix else k)

        for key, node in self.data.items():
            if isinstance(node, dict) and key not in ("calendar_years",):
                walk(node, key)
        return out

    # -- codes ----------------------------------------------------------------------------------
    def label(self, kind: str, code: str) -> str:
        return self.codes[kind].get(code, code)

    def code_list(self, kind: str) -> list[str]:
        return list(self.codes[kind])

    def code_for(self, kind: str, text: str) -> str | None:
        """A code from either the code itself or its Chinese label (workbook drop-downs use labels)."""
        table = self.codes[kind]
        if text in table:
            return text
        for code, lbl in table.items():
            if lbl == text:
                return code
        return None

    # -- dates ----------------------------------------------------------------------------------
    def check_in_force(self, ref: date, what: str = "参照日期") -> None:
        if ref < self.effective_from:
            raise RuleSetError(
                f"{what} {ref.isoformat()} 早于规则集 {self.id}（{self.document}）的施行日期 "
                f"{self.effective_from.isoformat()}，不能用本办法评价；请改用当时有效的办法。"
                f" ({what} is before rule-set {self.id} came into force)"
            )


@functools.lru_cache(maxsize=None)
def load_ruleset(ruleset_id: str = DEFAULT_RULESET) -> RuleSet:
    path = PARAMS_DIR / f"{ruleset_id}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in PARAMS_DIR.glob("*-20*.yaml")))
        raise RuleSetError(f"未知规则集 {ruleset_id!r}；现有：{known} (unknown rule-set)")
    return RuleSet(_load_yaml(path), _load_yaml(PARAMS_DIR / "size_standards.yaml"),
                   _load_yaml(PARAMS_DIR / "codes.yaml"))
