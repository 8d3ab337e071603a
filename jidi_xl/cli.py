"""Command line: ``jidi-xl evaluate CASE.json|DIR [--json]`` (recalc, check and batch join it later).

Exit codes: 0 evaluated (whatever the verdicts); 2 the input could not be evaluated (the field is named).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .case import load_case
from .errors import InputError, RuleSetError
from .evaluate import evaluate_case
from .report import render_text, to_dict


def _case_files(target: Path) -> list[Path]:
    if target.is_dir():
        return sorted(target.glob("*.json"))
    return [target]


@click.group(help="北京市小微企业创业创新示范基地评价工具 (jidi-xl)")
def main() -> None:
    pass


@main.command(help="评价案例 JSON 文件或文件夹中的全部案例。 Evaluate a case file or every *.json in a folder.")
@click.argument("target", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（格式见 docs/report-format.md）")
def evaluate(target: Path, as_json: bool) -> None:
    files = _case_files(target)
    if not files:
        click.echo(f"{target}：文件夹中没有 .json 案例文件 (no case files)", err=True)
        sys.exit(2)
    reports, failed = [], 0
    for path in files:
        try:
            rep = evaluate_case(load_case(path))
        except InputError as exc:
            failed += 1
            click.echo(str(exc), err=True)
            reports.append({"file": str(path), "errors": [{"field": p.field, "message": p.message} for p in exc.problems]})
            continue
        except RuleSetError as exc:
            failed += 1
            click.echo(f"{path}：{exc}", err=True)
            reports.append({"file": str(path), "errors": [{"field": "ruleset", "message": str(exc)}]})
            continue
        if as_json:
            reports.append({"file": str(path), **to_dict(rep)})
        else:
            click.echo(f"=== {path} ===")
            click.echo(render_text(rep))
    if as_json:
        # one file → one object; a folder → a list, where a case that could not be evaluated has "errors"
        payload = reports[0] if not target.is_dir() else reports
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    if failed:
        click.echo(f"{failed}/{len(files)} 个案例无法评价（见上方错误信息）", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
