#!/usr/bin/env python3
"""Write the example cases of ``examples/`` (format ``jidi-xl/case@1``, docs/case-format.md).

    python examples/make_examples.py [OUT_DIR]      # default: the folder of this script

Deterministic: every roster comes from a seeded ``random.Random``, so the committed files are exactly
what this script writes (tests/test_examples.py checks it). The firms, people and bases are invented;
the 统一社会信用代码 carry valid check characters (GB 32100-2015 and GB 11714) but belong to no one.

The cases themselves — :func:`jidi_xl.synth.examples` — and the roster builder, credit codes, size profiles
and ``clean_case`` (a base meeting every condition of 第六条 and 第七条) are the project's one case
synthesiser, :mod:`jidi_xl.synth` (shared with the benchmark and the property tests); this script only
writes them as JSON. Each case starts from ``clean_case`` and changes only what its file name says.
Firm sizes are mostly *derived* from sector, employees, revenue and assets by 《中小企业划型标准规定》(工信部联企业〔2011〕300号); about one firm in eight declares its size instead.
The expected verdicts are in ``examples/expected/results.json``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:          # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from jidi_xl.fields import COMMENT  # noqa: E402 — the case format's comment key
from jidi_xl.synth import examples as synthesised  # noqa: E402 — the data; this script only writes it

#: the first key of every file written here: a generated file says so in its first lines
GENERATED = "本文件由 examples/make_examples.py 生成，请勿手工修改"


def examples() -> dict[str, dict]:
    """The synthesiser's example cases, each headed by the generated-file comment (:data:`GENERATED`)."""
    return {stem: {COMMENT: GENERATED, **case} for stem, case in synthesised().items()}


# --- writing -------------------------------------------------------------------------------------

def _flat(v) -> bool:
    return not isinstance(v, (dict, list)) or (isinstance(v, list) and all(_flat(x) and not isinstance(x, list) for x in v))


def dumps(v, indent: int = 0) -> str:
    """JSON with one line per list item when the item is a flat record (a firm, a staff member, an expert)."""
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(v, dict) and v:
        body = ",\n".join(f"{inner}{json.dumps(k, ensure_ascii=False)}: {dumps(x, indent + 2)}" for k, x in v.items())
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(v, list) and v and not all(_flat(x) and not isinstance(x, list) for x in v):
        if all(isinstance(x, dict) and all(_flat(y) for y in x.values()) for x in v):
            body = ",\n".join(inner + json.dumps(x, ensure_ascii=False, separators=(", ", ": ")) for x in v)
        else:
            body = ",\n".join(inner + dumps(x, indent + 2) for x in v)
        return "[\n" + body + "\n" + pad + "]"
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))


def write(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, case in examples().items():
        path = out_dir / f"{stem}.json"
        path.write_text(dumps(case) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    for p in write(target):
        print(p)
