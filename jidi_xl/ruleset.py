"""Versioned rule-set data: every number of law, with its source and effective period; and each year's notice.

A rule-set is a YAML file in ``jidi_xl/params`` (``bj-2022.yaml``) plus the shared tables
(``size_standards.yaml``, ``codes.yaml``). Rule functions read values through :meth:`RuleSet.p`;
a typo in a parameter path is an error, never a silent default.

**Effective period.** A rule-set applies from ``effective_from`` to ``effective_to`` (inclusive; absent or
null = still in force). :func:`ruleset_for` picks the rule-set in force on a reference date; a date no
rule-set covers is an error that says so.

**Notices.** The Bureau issues a notice every year (第十条). It fixes what the Measures leave to it — the
recognition application deadline, and for the annual evaluation the rubric of indicators, the pass and good
scores, the star bands and the funding (第十三条、第十四条). Each notice is one data file beside its rule-set,
``jidi_xl/params/<rule-set>/notices/<YEAR>.yaml``, giving exactly the paths the rule-set lists under
``notice_fixes`` (each a value with its source, ``placeholder: true`` where the figure is not public).
``load_ruleset("bj-2022", notice=2025)`` (or ``load_ruleset("bj-2022@2025")``) returns the rule-set with the
notice's values over its own: the rules read the same paths (``rs.p("chapter4.pass_score")``) either way.
Without a notice, the rule-set's own values apply (for chapter 4: the spec's placeholders, spec §7).

**What "notice year" means (decision).** The notice of year N is the one the Bureau issues in year N: it opens
the recognition applications of year N (its application deadline is in year N) and the performance evaluation
*of year N−1* — the evaluation covers the previous calendar year (spec §1), and is run in the year after it.
So the 2025 notice evaluates 2024 (:data:`NOTICE_EVALUATES`, :func:`notice_for_evaluation`).
"""
from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import RuleSetError

PARAMS_DIR = Path(__file__).parent / "params"
DEFAULT_RULESET = "bj-2022"
#: A notice of year N evaluates the year N + NOTICE_EVALUATES (decision above: the previous calendar year).
NOTICE_EVALUATES = -1
_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
KEY_SEP = "@"           # "bj-2022@2025": rule-set bj-2022 with the notice of 2025 — what a workbook records
#: A rule-set key as a case's ``ruleset`` field may give it (the case schema's pattern is this one).
KEY_PATTERN = r"^[A-Za-z0-9_-]+(" + KEY_SEP + r"[0-9]{4})?$"


def notices_dir(ruleset_id: str) -> Path:
    return PARAMS_DIR / ruleset_id / "notices"


def notice_for_evaluation(year: int) -> int:
    """The notice year that evaluates ``year`` (the next year's notice)."""
    return year - NOTICE_EVALUATES


class YamlError(Exception):
    """A parameter file that is not valid YAML; ``str()`` is PyYAML's message (``__cause__`` its error)."""


# Parsed parameter files are kept in the user's cache folder, by content (the file's SHA-256), so that a cold
# process reads them with pickle instead of importing PyYAML and parsing (measured: import ≈20–25 ms, parsing the
# rule-set's three files ≈15 ms, of a ≈1.1 s cold ``recalc``; pickle.loads of the same values: 0.2 ms). The
# values are the parser's own (what yaml.load gave, pickled: dates stay dates); the key also holds the Python
# version and PyYAML's module file (its path, size and modification time: another PyYAML is another parser), so
# nothing is ever read that this parser, on these bytes, would not give. Trust as for the compiled template
# (jidi_xl.engine.store): the user's own folder; anything unreadable there is ignored and the file parsed again.
# Only the package's own parameter files are kept (one entry per file: writing one removes that file's others, so
# the folder holds what this version ships and no more); a folder given for a test or a deployment
# (PARAMS_DIR set elsewhere) is parsed each time, as before.
_PARSED_DIR = "params"
_PARSED_FORMAT = 1
_OWN_PARAMS = Path(__file__).parent / "params"


def _parser_identity() -> str:
    import importlib.util

    spec = importlib.util.find_spec("yaml")
    origin = spec.origin if spec is not None else None
    if not origin:
        return "no yaml"
    st = os.stat(origin)
    return f"{origin}:{st.st_size}:{st.st_mtime_ns}"


def _parse_yaml(data: bytes, path: Path) -> Any:
    import io

    import yaml

    # libyaml's parser where PyYAML has it (the same safe constructor, so the same values): the pure-Python one
    # took ≈0.1 s of a cold ``recalc`` for the rule-set and notice files (measured)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    stream = io.StringIO(data.decode("utf-8"))
    stream.name = str(path)          # what PyYAML's messages name (as the open file it was given before)
    try:
        return yaml.load(stream, Loader=loader)  # noqa: S506 — a safe loader (SafeLoader or its C twin)
    except yaml.YAMLError as exc:
        raise YamlError(str(exc)) from exc


def _load_yaml(path: Path) -> Any:
    """The values of a parameter file (YAML), from the cache of parsed files when it holds these bytes (above).
    Raises :class:`YamlError` for a file that is not valid YAML, OSError/UnicodeDecodeError as reading would."""
    import hashlib
    import pickle

    from . import user_cache_dir

    data = Path(path).read_bytes()
    try:
        rel = Path(path).resolve().relative_to(_OWN_PARAMS.resolve())
    except ValueError:
        return _parse_yaml(data, path)
    key = f"{_PARSED_FORMAT}|{sys.version}|{_parser_identity()}|{hashlib.sha256(data).hexdigest()}"
    stem = "_".join(rel.parts)
    kept = user_cache_dir() / _PARSED_DIR / f"{stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pickle"
    try:
        got = pickle.loads(kept.read_bytes())
        if isinstance(got, tuple) and len(got) == 2 and got[0] == key:
            return got[1]
    except Exception:  # noqa: BLE001 — missing, unreadable, not ours: parse the file
        pass
    value = _parse_yaml(data, path)
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{kept.name}.", suffix=".tmp", dir=kept.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, kept)            # atomic: a reader sees the old file or the new one
            for other in kept.parent.glob(f"{stem}-*.pickle"):
                if other != kept:
                    other.unlink(missing_ok=True)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:                          # a read-only home…: parsed again next time, nothing else changes
        pass
    return value


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


@dataclass(frozen=True)
class Notice:
    """One year's notice: its identity and its parameter nodes ({path: {value, unit, source, placeholder}})."""
    ruleset: str
    year: int
    title: str
    document: str
    source: str
    file: Path
    params: dict[str, dict]

    @property
    def evaluation_year(self) -> int:
        return self.year + NOTICE_EVALUATES


class RuleSet:
    def __init__(self, data: dict, size_standards: dict, codes: dict, notice: Notice | None = None):
        self.data = data
        self.id: str = data["id"]
        self.title: str = data["title"]
        self.document: str = data["document"]
        self.effective_from: date = data["effective_from"]
        self.effective_to: date | None = data.get("effective_to")
        self.notice_info = notice
        #: the notice year (None: the rule-set's own values) and the key a workbook records
        self.notice: int | None = notice.year if notice else None
        self.key: str = ruleset_key(self.id, self.notice)
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
    def in_force(self, ref: date) -> bool:
        return self.effective_from <= ref and (self.effective_to is None or ref <= self.effective_to)

    def check_in_force(self, ref: date, what: str = "参照日期") -> None:
        if ref < self.effective_from:
            raise RuleSetError(
                f"{what} {ref.isoformat()} 早于规则集 {self.id}（{self.document}）的施行日期 "
                f"{self.effective_from.isoformat()}，不能用本办法评价；请改用当时有效的办法。"
                f" ({what} is before rule-set {self.id} came into force)"
            )
        if self.effective_to is not None and ref > self.effective_to:
            raise RuleSetError(
                f"{what} {ref.isoformat()} 晚于规则集 {self.id}（{self.document}）的失效日期 "
                f"{self.effective_to.isoformat()}，不能用本办法评价；请改用当时有效的办法。"
                f" ({what} is after rule-set {self.id} ceased to apply)"
            )

    def __repr__(self) -> str:
        return f"<RuleSet {self.key}>"


def ruleset_key(ruleset_id: str, notice: int | None) -> str:
    return ruleset_id if notice is None else f"{ruleset_id}{KEY_SEP}{notice}"


def parse_key(key: str) -> tuple[str, int | None]:
    """``"bj-2022@2025"`` → ("bj-2022", 2025); ``"bj-2022"`` → ("bj-2022", None); RuleSetError when malformed."""
    text = str(key).strip()
    rid, sep, year = text.partition(KEY_SEP)
    # an id names a file in PARAMS_DIR: letters, digits, "-" and "_" only (a workbook's cell must never reach a path
    # outside the package, "../x")
    if not _ID.fullmatch(rid):
        raise RuleSetError(f"规则集编号 {text[:40]!r} 不是有效的编号（只能含字母、数字、- 和 _，如 {DEFAULT_RULESET}）；"
                           f"现有：{', '.join(known_rulesets())} (malformed rule-set id)")
    if not sep:
        return rid, None
    if not (year.isdigit() and len(year) == 4):
        raise RuleSetError(f"规则集编号 {text!r} 的年度通知部分 {year!r} 不是四位年份；应写作如 {rid}{KEY_SEP}2025"
                           f" (malformed rule-set key)")
    return rid, int(year)


def known_rulesets() -> list[str]:
    return sorted(p.stem for p in PARAMS_DIR.glob("*-20*.yaml"))


def known_notices(ruleset_id: str = DEFAULT_RULESET) -> list[int]:
    """The notice years shipped for ``ruleset_id``, ascending."""
    return sorted(int(p.stem) for p in notices_dir(ruleset_id).glob("*.yaml") if p.stem.isdigit())


def _unknown_notice(ruleset_id: str, year: Any) -> RuleSetError:
    years = known_notices(ruleset_id)
    have = "、".join(str(y) for y in years) if years else "（无）"
    return RuleSetError(f"规则集 {ruleset_id} 没有 {year} 年的年度通知；本程序（jidi-xl）已知的通知年度：{have}。"
                        f"请改用已知年度，或升级 jidi-xl 到包含该年通知的版本"
                        f" (unknown notice year {year} for rule-set {ruleset_id}; known: {', '.join(map(str, years))})")


def _node(data: dict, path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _load_notice(base: dict, ruleset_id: str, year: int) -> Notice:
    """Read and check one notice file: the right rule-set and year, every path of ``notice_fixes`` and no other,
    each with a value and a source; a rubric whose weights add up to the maximum score; bands in order."""
    path = notices_dir(ruleset_id) / f"{year}.yaml"
    if not path.exists():
        raise _unknown_notice(ruleset_id, year)
    where = f"{path.relative_to(PARAMS_DIR.parent)}"

    def bad(what: str) -> RuleSetError:
        return RuleSetError(f"年度通知文件 {where}：{what}；请按 {ruleset_id}.yaml 的 notice_fixes 修正该文件"
                            f" (invalid notice file)")

    try:
        raw = _load_yaml(path)
    except YamlError as exc:
        raise bad(f"不是有效的 YAML（{exc}）") from None
    if not isinstance(raw, dict):
        raise bad("应为映射（ruleset、year、title、各参数）")
    if raw.get("ruleset") != ruleset_id:
        raise bad(f"ruleset 为 {raw.get('ruleset')!r}，应为 {ruleset_id!r}")
    if raw.get("year") != year:
        raise bad(f"year 为 {raw.get('year')!r}，与文件名的年度 {year} 不符")
    wanted = list(base.get("notice_fixes") or [])
    params: dict[str, dict] = {}
    for p in wanted:
        node = _node(raw, p)
        if not isinstance(node, dict) or "value" not in node:
            raise bad(f"缺少参数 {p}（每个参数须有 value 和 source，未公开的数值标注 placeholder: true）")
        if not node.get("source"):
            raise bad(f"参数 {p} 缺少 source（来源）")
        params[p] = node

    def leaves(node: Any, prefix: str) -> list[str]:
        if isinstance(node, dict) and "value" in node:
            return [prefix]
        if isinstance(node, dict):
            return [x for k, v in node.items() for x in leaves(v, f"{prefix}.{k}" if prefix else k)]
        return []

    extra = [p for k, v in raw.items() if isinstance(v, dict) for p in leaves(v, k) if p not in params]
    if extra:
        raise bad(f"参数 {'、'.join(extra)} 不是年度通知可以规定的（办法本身的数值在 {ruleset_id}.yaml 中）")
    max_score = Fraction(str(_node(base, "chapter4.max_score")["value"]))
    rubric = params.get("chapter4.rubric", {}).get("value")
    if rubric is not None:
        if not (isinstance(rubric, list) and rubric and all(isinstance(i, dict) and {"code", "name", "max_points"} <= set(i)
                                                             for i in rubric)):
            raise bad("chapter4.rubric 应为指标列表，每项有 code、name、max_points（可选 weight）")
        total = sum(Fraction(str(i.get("weight", i["max_points"]))) for i in rubric)
        if total != max_score:
            raise bad(f"chapter4.rubric 的权重合计 {float(total):g}，应为满分 {max_score}")
    bands = params.get("chapter4.star_bands", {}).get("value")
    if bands is not None and [b[0] for b in bands] != sorted(b[0] for b in bands):
        raise bad("chapter4.star_bands 的下限应从小到大排列")
    deadline = params.get("recognition.application_deadline", {}).get("value")
    if deadline is not None and (not isinstance(deadline, date) or deadline.year != year):
        raise bad(f"recognition.application_deadline {deadline!r} 应为 {year} 年内的日期（第 {year} 年的通知）")
    return Notice(ruleset_id, year, str(raw.get("title", "")), str(raw.get("document", "")), str(raw.get("source", "")),
                  path, params)


def _overlay(base: dict, notice: Notice) -> dict:
    """The rule-set's data with the notice's parameter nodes put in place (new paths added at their group's end)."""
    import copy

    data = copy.deepcopy(base)
    for p, node in notice.params.items():
        *groups, leaf = p.split(".")
        d = data
        for g in groups:
            d = d.setdefault(g, {})
        d[leaf] = copy.deepcopy(node)
    return data


def load_ruleset(ruleset_id: str = DEFAULT_RULESET, notice: int | str | None = None) -> RuleSet:
    """The rule-set ``ruleset_id`` (or a key ``"bj-2022@2025"``), with the notice of year ``notice`` over it.

    Unknown rule-set or notice year → :class:`RuleSetError` in Chinese, listing what the package knows."""
    rid, from_key = parse_key(ruleset_id)
    if notice is not None and not isinstance(notice, int):
        text = str(notice).strip()
        if not (text.isdigit() and len(text) == 4):
            raise RuleSetError(f"年度通知 {notice!r} 不是四位年份；已知：{'、'.join(map(str, known_notices(rid)))}"
                               f" (notice year must be four digits)")
        notice = int(text)
    if from_key is not None and notice is not None and from_key != notice:
        raise RuleSetError(f"规则集编号 {ruleset_id!r} 指定了 {from_key} 年通知，与另给的 {notice} 年不一致"
                           f" (conflicting notice years)")
    return _load(rid, from_key if from_key is not None else notice)


@functools.lru_cache(maxsize=None)
def _load(ruleset_id: str, notice: int | None) -> RuleSet:
    path = PARAMS_DIR / f"{ruleset_id}.yaml"
    if not path.exists():
        known = ", ".join(known_rulesets())
        raise RuleSetError(f"未知规则集 {ruleset_id!r}；现有：{known} (unknown rule-set)")
    base = _load_yaml(path)
    size_standards, codes = _load_yaml(PARAMS_DIR / "size_standards.yaml"), _load_yaml(PARAMS_DIR / "codes.yaml")
    if notice is None:
        return RuleSet(base, size_standards, codes)
    if notice not in known_notices(ruleset_id):
        raise _unknown_notice(ruleset_id, notice)
    n = _load_notice(base, ruleset_id, notice)
    return RuleSet(_overlay(base, n), size_standards, codes, n)


def ruleset_for(ref_date: date, notice: int | None = None) -> RuleSet:
    """The rule-set in force on ``ref_date`` (its effective period holds the date), with ``notice`` over it.

    Decision: exactly one rule-set may be in force on a day (periods do not overlap); a date none covers is
    an error naming the date and the periods the package knows — never the nearest rule-set."""
    found = [r for r in (load_ruleset(rid) for rid in known_rulesets()) if r.in_force(ref_date)]
    if len(found) != 1:
        periods = "；".join(f"{r.id}：{r.effective_from.isoformat()} 起" + (f"至 {r.effective_to.isoformat()}" if r.effective_to else "")
                           for r in (load_ruleset(rid) for rid in known_rulesets()))
        what = "没有" if not found else "有多个"
        raise RuleSetError(f"参照日期 {ref_date.isoformat()} {what}有效的规则集（{periods}）；请核对参照日期"
                           f" (no single rule-set in force on {ref_date.isoformat()})")
    return found[0] if notice is None else load_ruleset(found[0].id, notice)
