#!/usr/bin/env python3
"""Refresh the generated parts of docs/case-format.md and docs/report-format.md.

    python docs/make_docs.py            # rewrite the generated blocks in place
    python docs/make_docs.py --check    # exit 1 if a generated block is out of date (tests/test_docs.py)

Generated blocks sit between ``<!-- BEGIN generated: NAME -->`` and ``<!-- END generated: NAME -->``:

* ``fields`` (case-format.md): every input field of the field catalogue ``jidi_xl/fields.py``;
* ``table-…`` (case-format.md): the table of each object of the case (the top level, ``base``, ``area``,
  ``firms.roster`` …), from the same catalogue (``jidi_xl.fields.doc_tables``: 类型, 单位, 含义, 条款, 缺失时);
  the prose between them is written by hand;
* ``override-rules`` (case-format.md): the conditions a reviewer may override, from the rules' declarations;
* ``codes`` (case-format.md): every enumeration of ``jidi_xl/params/codes.yaml`` with its Chinese labels;
* ``sectors`` (case-format.md): the 300号 size table of ``jidi_xl/params/size_standards.yaml``;
* ``report-*`` (report-format.md): real ``jidi-xl evaluate … --json`` output for cases of ``examples/``.
  The report blocks follow the engine's wording, so ``--check`` compares them by shape only (the same keys);
  run this script to refresh their text after the engine's messages change.
"""
from __future__ import annotations

import contextlib
import json
import re
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jidi_xl.cli import main as cli  # noqa: E402
from jidi_xl.ruleset import PARAMS_DIR  # noqa: E402

CASE_DOC = ROOT / "docs" / "case-format.md"
REPORT_DOC = ROOT / "docs" / "report-format.md"

# codes.yaml kind → (中文名, where the case format uses it)
CODE_KINDS = {
    "industries": ("产业领域（主导产业、企业所属产业）", "`firms.leading_industries[]`, `firms.roster[].industry`"),
    "size_classes": ("企业规模", "`firms.roster[].size_class`"),
    "degrees": ("学历", "`staff.members[].degree`"),
    "titles": ("技术职称", "`staff.members[].title`"),
    "penalty_kinds": ("处罚种类", "`conduct.penalties[].kind`"),
    "penalty_subjects": ("处罚对象", "`conduct.penalties[].subject`"),
    "service_functions": ("服务功能（第七条）", "`service_functions[]`"),
    "encouraged_features": ("鼓励发展特征（第八条）", "`encouraged[]`"),
    "change_kinds": ("重大变更事项（第十七条）", "`changes[].kind`"),
    "revocation_grounds": ("撤销原因（第十四条、第十五条）", "`revocations[].ground`"),
}
INDICATOR = {"employees": "从业人员", "revenue": "营业收入", "assets": "资产总额"}


def codes_block() -> str:
    codes = yaml.safe_load((PARAMS_DIR / "codes.yaml").read_text(encoding="utf-8"))
    unknown = set(codes) - set(CODE_KINDS)
    if unknown:
        raise SystemExit(f"codes.yaml has kinds this script does not describe: {sorted(unknown)}; add them to CODE_KINDS")
    out = []
    for kind, (zh, where) in CODE_KINDS.items():
        out += [f"#### `{kind}` — {zh}", "", f"用于 {where}。", "", "| 代码 code | 中文 |", "|---|---|"]
        out += [f"| `{code}` | {label} |" for code, label in codes[kind].items()]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def sectors_block() -> str:
    table = yaml.safe_load((PARAMS_DIR / "size_standards.yaml").read_text(encoding="utf-8"))
    units = table["units"]

    def bounds(b: dict) -> str:
        return " 且 ".join(f"{INDICATOR[k]} ≥ {v:,} {units[k]}" for k, v in b.items())

    out = [f"来源：{table['document']}（`jidi_xl/params/size_standards.yaml`）。", "",
           "| `sector` | 行业 | 用到的指标 | 大型 | 中型 | 小型 | 微型 |", "|---|---|---|---|---|---|---|"]
    for code, s in table["sectors"].items():
        b = s["bounds"]
        used = [k for k in INDICATOR if any(k in x for x in b.values())]
        out.append(f"| `{code}` | {s['label']} | {'、'.join(INDICATOR[k] for k in used)} | {bounds(b['large'])} | "
                   f"{bounds(b['medium'])} | {bounds(b['small'])} | 任一指标低于小型下限 |")
    return "\n".join(out) + "\n"


def fields_block() -> str:
    from jidi_xl.fields import markdown_table
    from jidi_xl.ruleset import load_ruleset

    return ("本表由 `python docs/make_docs.py` 根据字段目录 `jidi_xl/fields.py` 生成，请勿手工修改"
            "（JSON Schema 与工作簿的填写区也由该目录生成）。\n\n" + markdown_table(load_ruleset()))


def anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    return "#" + re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def code_link(kind: str) -> str:
    """The link to a code list's table in the ``codes`` block (its heading is written by :func:`codes_block`)."""
    return anchor(f"{kind} — {CODE_KINDS[kind][0]}")


def section_blocks() -> dict[str, str]:
    from jidi_xl.fields import doc_tables
    from jidi_xl.ruleset import load_ruleset

    return doc_tables(load_ruleset(), code_link)


def override_rules_block() -> str:
    from jidi_xl.rules import RULE_IDS, RULES

    out = ["| `rule` | 条件 |", "|---|---|"]
    out += [f"| `{rid}` | {RULES[rid].article} {RULES[rid].title} |" for rid in RULE_IDS]
    return "\n".join(out) + "\n"


def run_json(case: str) -> dict:
    with contextlib.chdir(ROOT):       # so the report's "file" is the relative path a user would type
        res = CliRunner().invoke(cli, ["evaluate", f"examples/{case}.json", "--json"])
    if res.exit_code != 0:
        raise SystemExit(f"jidi-xl evaluate examples/{case}.json failed:\n{res.output}")
    return json.loads(res.stdout)


def report_blocks() -> dict[str, str]:
    def fence(obj) -> str:
        return "```json\n" + json.dumps(obj, ensure_ascii=False, indent=2) + "\n```\n"

    full = run_json("12_art17_late_filing")
    ev = run_json("10_evaluation_good")["evaluation"]
    ev["basic_conditions"] = ev["basic_conditions"][:1]
    over = next(c for c in run_json("13_override_firm_count_in_principle")["recognition"]["conditions"] if c["rule"] == "art6_5")
    return {"report-full": fence(full), "report-evaluation": fence(ev), "report-override": fence(over)}


BLOCK = re.compile(r"(<!-- BEGIN generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- END generated: (?P=name) -->)", re.S)


def blocks(text: str) -> dict[str, str]:
    return {m["name"]: m["body"] for m in BLOCK.finditer(text)}


def fill(text: str, new: dict[str, str]) -> str:
    return BLOCK.sub(lambda m: m[1] + new.get(m["name"], m["body"]) + m[4], text)


def generated() -> dict[Path, dict[str, str]]:
    return {CASE_DOC: {"fields": fields_block(), "codes": codes_block(), "sectors": sectors_block(),
                       "override-rules": override_rules_block(), **section_blocks()},
            REPORT_DOC: report_blocks()}


def shape(v):
    """The keys of a JSON value, recursively (list items: the union of their shapes)."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        merged: dict = {}
        for x in v:
            s = shape(x)
            if isinstance(s, dict):
                merged.update(s)
        return [merged] if merged else []
    return None


def stale() -> list[str]:
    """Names of generated blocks that differ from what this script would write now."""
    bad = []
    for path, new in generated().items():
        have = blocks(path.read_text(encoding="utf-8"))
        for name, body in new.items():
            if name not in have:
                bad.append(f"{path.name}: block {name} missing")
            elif name.startswith("report-"):
                strip = lambda s: json.loads(s.strip().removeprefix("```json").removesuffix("```"))  # noqa: E731
                if shape(strip(have[name])) != shape(strip(body)):
                    bad.append(f"{path.name}: {name} (keys differ from a real run)")
            elif have[name] != body:
                bad.append(f"{path.name}: {name}")
    return bad


def main(argv: list[str]) -> int:
    if "--check" in argv:
        bad = stale()
        for b in bad:
            print(f"out of date: {b}  — run: python docs/make_docs.py")
        return 1 if bad else 0
    for path, new in generated().items():
        path.write_text(fill(path.read_text(encoding="utf-8"), new), encoding="utf-8")
        print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
