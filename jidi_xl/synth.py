"""Realistic case synthesiser: case dicts (format ``jidi-xl/case@1``, docs/case-format.md) from a seed.

One place builds every invented case of the project:

* :func:`examples`, built with :func:`clean_case` and :class:`Roster` — the example cases of ``examples/``
  (every figure of each example picked by hand and stated in its description; ``examples/make_examples.py``
  writes them);
* :func:`bench_case` — the varied, mostly passing cases of ``benchmarks/bench_batch.py``;
* :func:`synth_case` with :class:`Knobs` — the property tests (``tests/property/``): a seed and a few knobs
  (kind, roster size, how often a threshold sits on its bound, missing inputs, overrides).

Every bound that :func:`synth_case` aims at is read from the rule-set (``jidi_xl/params/bj-2022.yaml``,
``size_standards.yaml``) — never written here — so a case sits at, one step below or one step above the
bound of the rule-set it is evaluated with. The figures that are not bounds (roster profiles, realistic
areas, name pools) are invented and belong to no one; the 统一社会信用代码 carry valid check characters
(GB 32100-2015 and GB 11714).

Deterministic: everything comes from a seeded ``random.Random``; the same arguments give the same case.
Not imported by the CLI, the engine or the report (tooling for examples, benchmarks and tests only; of the
package only ``jidi_xl.regenerate`` imports it, through ``examples/make_examples.py`` — ``tests/test_layers.py``).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from .case import FORMAT
from .ruleset import RuleSet, load_ruleset
from .values import CREDIT_CODE_ALPHABET, credit_code_check_character

REF = "2025-06-30"          # 申请受理截止日期 of the examples' recognition cases (clean_case's default)


def fragment(values: dict[str, Any]) -> dict:
    """A case fragment from dotted case paths: ``fragment({AREA: 4999})`` → ``{"area": {"building_m2": 4999}}``.

    For tests, which name a field through its declaration (``AREA = RULES["art6_4"].reads[0]``, or
    ``jidi_xl.fields``) and never by its key; merge the fragment into a case (``kit.make(fragment(…))``)."""
    out: dict = {}
    for path, value in values.items():
        *sections, key = path.split(".")
        node = out
        for s in sections:
            node = node.setdefault(s, {})
        node[key] = value
    return out

# --- 统一社会信用代码 ------------------------------------------------------------------------------

CODE_CHARS = CREDIT_CODE_ALPHABET                          # GB 32100-2015: no I, O, S, V, Z
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]                   # GB 11714 organisation code


def _org_check(body: str) -> str:
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, ORG_WEIGHTS))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def credit_code(rng: random.Random, division: str) -> str:
    """'91' (工商·企业) + 6-digit division + 9-char organisation code + check character."""
    if rng.random() < 0.65:      # registered since 2015: organisation code MA…
        body = "MA0" + "".join(rng.choice(CODE_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(5))
    else:
        body = str(rng.randint(10000000, 99999999))
    first17 = "91" + division + body + _org_check(body)
    return first17 + credit_code_check_character(first17)     # the check parse_case applies


BEIJING_DIVISIONS = ["110101", "110102", "110105", "110106", "110107", "110108", "110111", "110112",
                     "110113", "110114", "110115", "110116", "110302"]
ELSEWHERE = [("天津", "120116"), ("雄安", "133100"), ("上海", "310115"), ("深圳市", "440300"), ("廊坊", "131000")]

# --- firm names --------------------------------------------------------------------------------

HEAD = "星云启蓝翰九天北睿源锐博华弘嘉宏泽瀚恒晨曜知合鼎聚融海凌卓正景德明新微金易京"
TAIL = "河帆明鲸林章枢辰思创途远智达信诚越泰航川宇澜策衡石峰岳舟芯维图麟远数格"
PHRASES = {
    "ngit": ["信息科技", "通信技术", "物联科技", "云计算科技", "网络技术"],
    "ic": ["微电子", "集成电路设计", "半导体科技", "芯片技术", "电子科技"],
    "health": ["生物医药科技", "医疗器械", "生物科技", "医药科技", "基因技术"],
    "icv": ["智能驾驶科技", "车联网技术", "汽车电子", "智行科技"],
    "smart_mfg": ["智能装备", "机器人科技", "精密机械", "自动化技术", "智能制造技术"],
    "ai": ["智算科技", "智能科技", "视觉科技", "数智科技", "认知技术", "机器学习科技"],
    "software": ["软件技术", "信息技术", "数据科技", "软件科技", "网络科技"],
    "new_materials": ["新材料科技", "复合材料", "纳米科技", "材料技术"],
    "new_energy": ["新能源科技", "储能技术", "氢能科技", "光伏科技"],
    "green": ["环保科技", "节能技术", "环境工程技术", "低碳科技"],
    "tech_services": ["检测技术", "知识产权代理", "科技咨询", "技术转移服务", "工业设计"],
    "culture": ["文化传媒", "创意设计", "影视文化", "数字出版", "动漫科技"],
    "fintech": ["金融信息服务", "数字金融科技", "支付科技", "保险经纪科技"],
    "modern_agri": ["农业科技", "种业科技"],
    "business_services": ["企业管理咨询", "人力资源服务", "商务咨询", "会计服务", "法律咨询服务"],
    "consumer": ["餐饮管理", "商贸", "文化用品"],
    "other": ["商贸", "科技发展"],
}

# industry → sector of the 300号 table
SECTOR = {"ngit": "software_it", "ai": "software_it", "software": "software_it", "fintech": "software_it",
          "ic": "industry", "smart_mfg": "industry", "icv": "industry", "new_materials": "industry",
          "new_energy": "industry", "green": "industry", "health": "industry", "tech_services": "other",
          "culture": "other", "business_services": "leasing_business", "consumer": "retail",
          "modern_agri": "agriculture", "other": "other"}

# sector → class → (employees range, revenue range 万元) chosen so the 300号 table gives that class
PROFILE = {
    "software_it": {"micro": [((2, 9), (0, 260)), ((10, 24), (5, 48))], "small": [((10, 96), (50, 980))],
                    "medium": [((120, 280), (1500, 9000))], "large": [((320, 900), (12000, 60000))]},
    "industry": {"micro": [((4, 19), (30, 900)), ((20, 45), (15, 290))], "small": [((20, 280), (300, 1900))],
                 "medium": [((320, 800), (2500, 30000))], "large": [((1200, 3000), (45000, 200000))]},
    "other": {"micro": [((1, 9), (0, 400))], "small": [((10, 95), (60, 3000))],
              "medium": [((110, 280), (2000, 20000))], "large": [((320, 800), (20000, 80000))]},
    "leasing_business": {"micro": [((2, 9), (20, 600))], "small": [((10, 90), (100, 4000))],
                         "medium": [((110, 280), (8500, 60000))], "large": [((320, 900), (130000, 400000))]},
    "agriculture": {"micro": [((2, 8), (5, 48))], "small": [((5, 40), (50, 480))],
                    "medium": [((30, 120), (500, 8000))], "large": [((200, 900), (20000, 60000))]},
    "retail": {"micro": [((2, 9), (20, 300))], "small": [((10, 45), (100, 480))],
               "medium": [((60, 250), (600, 15000))], "large": [((320, 900), (25000, 90000))]},
}
# sectors whose third indicator is assets (资产总额) rather than revenue
ASSETS_SECTORS = {"leasing_business"}


class Roster:
    """Firm names and credit codes unique across all the examples."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.codes: set[str] = set()

    def firm(self, rng: random.Random, industry: str, cls: str, *, beijing: bool = True, declared: bool = False,
             district: str = "110108") -> dict:
        while True:
            phrase = rng.choice(PHRASES[industry])
            brand = rng.choice(HEAD) + rng.choice(TAIL)
            if beijing:
                place, division = "北京", district if rng.random() < 0.6 else rng.choice(BEIJING_DIVISIONS)
            else:
                place, division = rng.choice(ELSEWHERE)
            suffix = "股份有限公司" if cls in ("medium", "large") else rng.choice(["有限公司"] * 5 + ["有限责任公司"])
            name = f"{place}{brand}{phrase}{suffix}"
            if name not in self.names:
                break
        self.names.add(name)
        code = credit_code(rng, division)
        while code in self.codes:
            code = credit_code(rng, division)
        self.codes.add(code)
        f: dict = {"name": name, "credit_code": code, "industry": industry}
        if declared:
            f["size_class"] = cls
        else:
            sector = SECTOR[industry]
            (e_lo, e_hi), (v_lo, v_hi) = rng.choice(PROFILE[sector][cls])
            emp = rng.randint(e_lo, e_hi)
            val = round(rng.uniform(v_lo, v_hi), 1)
            f["sector"] = sector
            f["employees"] = emp
            if sector in ASSETS_SECTORS:
                f["revenue_10k"] = round(val * rng.uniform(0.6, 1.8), 1)
                f["assets_10k"] = val
            else:
                f["revenue_10k"] = val
                f["assets_10k"] = round(val * rng.uniform(0.4, 1.5), 1)
        f["beijing_registered"] = beijing
        return f

    def build(self, rng: random.Random, spec: list[tuple], district: str) -> list[dict]:
        """spec: (count, industry, class[, 'elsewhere']) rows → a shuffled roster; ~1 in 8 Beijing small/micro firms declare their size."""
        out = []
        for row in spec:
            count, industry, cls = row[:3]
            beijing = "elsewhere" not in row[3:]
            for _ in range(count):
                declared = beijing and cls in ("small", "micro") and rng.random() < 0.125
                out.append(self.firm(rng, industry, cls, beijing=beijing, declared=declared, district=district))
        rng.shuffle(out)
        return out


# --- the base every example (and benchmark case) starts from -----------------------------------------------------------

STAFF_POOL = [("王磊", "master", "intermediate"), ("李娜", "bachelor", "intermediate"), ("张伟", "doctor", "associate_senior"),
              ("刘洋", "bachelor", "junior"), ("陈静", "master", "none"), ("杨帆", "bachelor", "none"),
              ("赵敏", "none", "intermediate"), ("黄晓东", "master", "senior"), ("周婷", "bachelor", "junior"),
              ("吴昊", "none", "none"), ("徐丽", "none", "junior"), ("孙志强", "bachelor", "intermediate")]


def staff_members() -> list[dict]:
    """10 service staff, exactly 8 of whom qualify under the “any” reading (赵敏 by title only; 陈静, 杨帆, 刘洋 by degree only)."""
    qualified = [p for p in STAFF_POOL if p[1] != "none" or p[2] in ("intermediate", "associate_senior", "senior")]
    unqualified = [p for p in STAFF_POOL if p not in qualified]
    people = qualified[:8] + unqualified[:2]
    return [{"name": n, "degree": d, "title": t} for n, d, t in people]


def clean_case(stem: str, description: str, base_name: str, operator_name: str, district: str, roster: list[dict],
               leading: list[str] | None, *, hpp: bool = False, established: str = "2016-03-18",
               building: float = 12600, public: float = 1150, functions: list[str] | None = None,
               encouraged: list[str] | None = None, staff: str = "members", recognition: bool = True) -> dict:
    rng = random.Random(stem + ":operator")
    case: dict = {"format": FORMAT, "case_id": stem, "description": description,
                  "base": {"name": base_name, "operator_name": operator_name, "credit_code": credit_code(rng, district)}}
    if recognition:
        case["recognition"] = {"reference_date": REF}
    case["operator"] = {"independent_legal_person": True, "registered_in_beijing": True,
                        "established_on": established, "rolling_incubation": True}
    case["conduct"] = {"good_operation": True, "serious_dishonesty": False, "penalties": []}
    case["planning"] = {"project_approval_complete": True, "fits_policy": True, "clear_positioning": True}
    case["area"] = {"building_m2": building, "public_service_m2": public}
    firms: dict = {}
    if leading is not None:
        firms["leading_industries"] = leading
    firms["hpp_manufacturing"] = hpp
    firms["roster"] = roster
    case["firms"] = firms
    case["governance"] = {"governance_structure": True, "strategic_plan": True, "development_goals": True,
                          "implementation_plan": True}
    case["management"] = {"management_rules": True, "service_process": True, "service_ledger": True,
                          "fee_standards": True, "quality_supervision": True}
    case["staff"] = {"members": staff_members()} if staff == "members" else {"declared_qualified": 11}
    responses = rng.randint(60, 90)
    case["satisfaction"] = {"satisfied": responses - rng.randint(1, responses // 10), "responses": responses,
                            "free_public_service": True}
    case["service_station"] = {"office_and_equipment": True, "staff_with_posts": True, "work_guides": True,
                               "brokering_services": True}
    case["service_functions"] = functions or ["startup_coaching", "innovation_support", "information", "financing", "training"]
    case["encouraged"] = encouraged if encouraged is not None else ["high_growth", "cooperation"]
    return case


RUBRIC_INDICATORS = [
    {"code": "E1", "name": "服务能力与服务资源", "max_points": 25},
    {"code": "E2", "name": "服务绩效与服务台账", "max_points": 25},
    {"code": "E3", "name": "入驻企业成长情况", "max_points": 20},
    {"code": "E4", "name": "运营管理与数字化水平", "max_points": 20},
    {"code": "E5", "name": "入驻企业满意度（问卷百分制，折算10分）", "max_points": 100, "weight": 10},
]
EXPERTS = ["专家A", "专家B", "专家C", "专家D", "专家E", "专家F", "专家G"]


def rubric(scores: list[list[float]]) -> dict:
    return {"indicators": RUBRIC_INDICATORS,
            "experts": [{"name": EXPERTS[i], "scores": s} for i, s in enumerate(scores)]}



# --- the benchmark's cases ---------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉婷宇浩凯健俊帆晨欣悦"
BASE_WORDS = ["创业园", "孵化器", "众创空间", "科技园", "创新基地", "产业园", "加速器", "创新港"]
PLACES = ["中关村", "望京", "亦庄", "丽泽", "回龙观", "酒仙桥", "西二旗", "上地", "永定门", "通州", "顺义", "大兴",
          "昌平", "怀柔", "房山", "门头沟", "石景山", "海淀", "朝阳", "丰台", "西城", "东城", "密云", "延庆", "平谷"]
PENALTY_TEXTS = ["消防检查不合格", "违规出租场地", "未按规定报送统计数据", "环保设施未验收"]


def _day(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` non-negative integers (random, deterministic)."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def _rubric(rng: random.Random, quality: float, gap: bool) -> dict:
    """4–8 indicators whose weights sum to 100 (each ≥ 5), 5–9 experts scoring around ``quality``."""
    k = rng.randint(4, 8)
    weights = [w + 5 for w in _split(rng, 100 - 5 * k, k)]           # each ≥ 5, sum 100
    indicators = []
    for j, w in enumerate(weights):
        ind: dict[str, Any] = {"code": f"E{j + 1}", "name": f"评价指标{j + 1}"}
        if rng.random() < 0.3:
            ind["max_points"] = 100
            ind["weight"] = w                                          # scored out of 100, weighted w
        else:
            ind["max_points"] = w
        indicators.append(ind)
    experts: list[dict[str, Any]] = []
    for e in range(rng.randint(5, 9)):
        bias = rng.uniform(-0.06, 0.06)
        scores: list[Any] = []
        for ind in indicators:
            q = min(1.0, max(0.3, quality + bias + rng.uniform(-0.05, 0.05)))
            scores.append(round(ind["max_points"] * q * 2) / 2)          # half points
        experts.append({"name": f"专家{chr(65 + e)}", "scores": scores})
    if gap:
        experts[rng.randrange(len(experts))]["scores"][rng.randrange(k)] = None    # a missing score → REVIEW
    return {"indicators": indicators, "experts": experts}


def bench_case(i: int, firms: int, seed: int) -> dict:
    """One varied, valid case of the benchmark with ``firms`` resident firms; deterministic in (i, firms, seed)."""
    rs = load_ruleset()
    all_industries = rs.code_list("industries")
    functions_all, encouraged_all = rs.code_list("service_functions"), rs.code_list("encouraged_features")
    rng = random.Random(f"jidi-bench:{seed}:{i}")
    stem = f"bench_{i:04d}"
    kind = rng.choices(["recognition", "evaluation", "both"], weights=[45, 25, 30])[0]
    gap = rng.random() < 0.07                                           # a case with REVIEW-making gaps
    district = rng.choice(BEIJING_DIVISIONS)

    ref = _day(rng, date(2023, 1, 1), date(2025, 9, 30))               # 申请受理截止日期
    eval_year = rng.choice([2023, 2024, 2025])
    # the earliest reference date of the case: 认定 → ref; 绩效评价 → 31 December of the year
    snapshot = min(([ref] if kind != "evaluation" else []) + ([date(eval_year, 12, 31)] if kind != "recognition" else []))
    # mostly older than two years; about one base in twelve too young (第六条第（一）项 不符合)
    if rng.random() < 0.08:
        established = _day(rng, snapshot - timedelta(days=700), snapshot - timedelta(days=30))
    else:
        established = _day(rng, date(2008, 1, 1), snapshot - timedelta(days=760))

    # --- roster: leading industries, Beijing small/micro firms, a few medium/large and non-Beijing ones -----
    hpp = rng.random() < 0.2
    if hpp:
        leading = rng.sample(list(rs.p("art6_5.hpp.industries")), rng.choice([1, 2, 2]))
    else:
        leading = rng.sample(all_industries[:-1], 2)
    others = [x for x in all_industries if x not in leading]
    n_else = rng.randint(0, max(0, firms // 25))
    n_big = rng.randint(0, max(0, firms // 30))
    n_sm = max(0, firms - n_else - n_big)
    share = rng.uniform(0.55, 0.92)
    n_lead = round(n_sm * share)
    spec: list[tuple] = []
    for ind, cnt in zip(leading, _split(rng, n_lead, len(leading))):
        micro = round(cnt * rng.uniform(0.55, 0.8))
        spec += [(micro, ind, "micro"), (cnt - micro, ind, "small")]
    side = rng.sample(others, rng.randint(3, 6))
    for ind, cnt in zip(side, _split(rng, n_sm - n_lead, len(side))):
        micro = round(cnt * rng.uniform(0.5, 0.85))
        spec += [(micro, ind, "micro"), (cnt - micro, ind, "small")]
    for ind, cnt in zip([rng.choice(all_industries) for _ in range(2)], _split(rng, n_big, 2)):
        big = sum(rng.random() < 0.25 for _ in range(cnt))
        spec += [(cnt - big, ind, "medium"), (big, ind, "large")]
    for _ in range(n_else):
        spec.append((1, rng.choice(all_industries), rng.choice(["micro", "small"]), "elsewhere"))
    spec = [row for row in spec if row[0] > 0]
    roster = Roster().build(rng, spec, district)
    if gap and rng.random() < 0.6:                                        # firms whose size cannot be derived
        for f in rng.sample(roster, rng.randint(1, 4)):
            if "size_class" not in f:
                f[rng.choice(["employees", "sector"])] = None

    functions = sorted(rng.sample(functions_all, rng.choices(range(1, 9), weights=[2, 4, 12, 16, 14, 10, 6, 4])[0]),
                       key=functions_all.index)
    encouraged = sorted(rng.sample(encouraged_all, rng.randint(0, 4)), key=encouraged_all.index)
    building = round(rng.uniform(3500, 32000), -1)
    public = round(min(building * 0.4, rng.uniform(300, 3200)), -1)
    place = rng.choice(PLACES)
    base_name = f"{place}{rng.choice(HEAD)}{rng.choice(TAIL)}{rng.choice(BASE_WORDS)}"

    case = clean_case(stem, f"性能基准案例 {i}（{kind}{'，含待核实缺项' if gap else ''}）", base_name,
                      f"北京{place}{rng.choice(HEAD)}{rng.choice(TAIL)}科技服务有限公司", district, roster,
                      leading if rng.random() < 0.9 else None, hpp=hpp, established=established.isoformat(),
                      building=building, public=public, functions=functions, encouraged=encouraged,
                      staff="members", recognition=kind != "evaluation")
    if kind != "evaluation":
        case["recognition"] = {"reference_date": ref.isoformat()}

    # --- yes/no facts: mostly 是, now and then 否 ----------------------------------------------------------
    for group in ("operator", "planning", "governance", "management", "service_station"):
        for key, v in case[group].items():
            if isinstance(v, bool) and rng.random() < 0.008:
                case[group][key] = False
    case["conduct"]["good_operation"] = rng.random() > 0.01
    case["conduct"]["serious_dishonesty"] = rng.random() < 0.02

    # --- penalties: none for most; some ordinary, some serious ones in or out of the two-year window -------
    penalties = []
    for _ in range(rng.choices([0, 1, 2, 3], weights=[60, 25, 10, 5])[0]):
        penalties.append({"date": _day(rng, snapshot - timedelta(days=4 * 365), snapshot).isoformat(),
                          "kind": rng.choices(rs.code_list("penalty_kinds"), weights=[1, 6, 20, 8])[0],
                          "subject": rng.choices(rs.code_list("penalty_subjects"), weights=[6, 2, 2])[0],
                          "description": rng.choice(PENALTY_TEXTS)})
    case["conduct"]["penalties"] = sorted(penalties, key=lambda p: p["date"])

    # --- staff: a named list (7–16 people) or a declared count --------------------------------------------
    if rng.random() < 0.6:
        case["staff"] = {"members": [{"name": _person(rng), "degree": rng.choices(rs.code_list("degrees"), weights=[1, 6, 3, 1])[0],
                                      "title": rng.choices(rs.code_list("titles"), weights=[4, 3, 3, 1, 1])[0]}
                                     for _ in range(rng.randint(7, 16))]}
    else:
        case["staff"] = {"declared_qualified": rng.randint(7, 18)}

    # --- satisfaction: counts (exact fraction) or a rate -----------------------------------------------------
    responses = rng.randint(30, 150)
    satisfied = responses - rng.randint(0, responses // (5 if rng.random() < 0.15 else 12))
    if rng.random() < 0.75:
        case["satisfaction"] = {"satisfied": satisfied, "responses": responses, "free_public_service": rng.random() > 0.01}
    else:
        case["satisfaction"] = {"rate": round(satisfied / responses, 3), "free_public_service": True}

    # --- revocations, changes, overrides --------------------------------------------------------------------
    if rng.random() < 0.08:
        case["revocations"] = [{"date": _day(rng, snapshot - timedelta(days=1000), snapshot - timedelta(days=30)).isoformat(),
                                "ground": rng.choice(rs.code_list("revocation_grounds"))}]
    if rng.random() < 0.12:
        changes = []
        for kind_ in rng.sample(rs.code_list("change_kinds"), rng.randint(1, 2)):
            changed = _day(rng, date(2023, 1, 1), date(2025, 6, 30))
            ch: dict[str, Any] = {"kind": kind_, "changed_on": changed.isoformat()}
            if rng.random() < 0.85:
                ch["filed_on"] = (changed + timedelta(days=rng.randint(3, 60))).isoformat()
            changes.append(ch)
        case["changes"] = changes
    if kind != "evaluation" and rng.random() < 0.05:
        case["overrides"] = [{"rule": rng.choice(["art6_4", "art6_5", "art6_8"]), "outcome": rng.choice(["PASS", "FAIL"]),
                              "reviewer": "认定评审专家组（复核）", "justification": "专家组现场核查后书面说明理由，一致同意改判。"}]

    # --- evaluation: a rubric with 5–9 experts (most), an entered score, or not participated ------------------
    if kind != "recognition":
        ev: dict[str, Any] = {"year": eval_year, "participated": rng.random() > 0.05,
                              "false_materials": rng.random() < 0.02}
        quality = rng.uniform(0.75, 0.99)
        how = rng.choices(["rubric", "score", "none"], weights=[70, 26, 4 if gap else 0])[0]
        if how == "rubric":
            ev["rubric"] = _rubric(rng, quality, gap and rng.random() < 0.5)
        elif how == "score":
            ev["score"] = round(quality * 100, 1)
        case["evaluation"] = ev

    # --- REVIEW-making gaps --------------------------------------------------------------------------------------
    if gap:
        what = rng.sample(["satisfaction", "rolling", "functions", "building", "staff"], rng.randint(1, 2))
        if "satisfaction" in what:
            case["satisfaction"] = {"free_public_service": True}
        if "rolling" in what:
            case["operator"]["rolling_incubation"] = None
        if "functions" in what:
            case["service_functions"] = None
        if "building" in what:
            case["area"]["building_m2"] = None
        if "staff" in what:
            case["staff"] = {}
    return case


# --- the property tests' cases: a seed and a few knobs ---------------------------------------------------

KINDS = ("recognition", "evaluation", "both")
TRACKS = ("general", "hpp")
# Plausible dates of the generated cases. Reference dates and evaluation years start once bj-2022 is in force
# (read from the rule-set); changes stop early enough that every 第十七条 deadline stays inside the years the
# working-day calendar covers (chinesecalendar 1.11: to 2026), since a missing year is an error by design.
LAST_REFERENCE_DATE = date(2026, 6, 30)
LAST_CHANGE_DATE = date(2026, 10, 15)
EARLIEST_ESTABLISHED = date(2000, 1, 1)
# The smallest steps a figure is moved off its bound by: one m², one firm, one person, one day, 0.01 point,
# 0.1 % of satisfaction (the tolerance the case format allows between a rate and its counts is 0.001).
AREA_STEPS = (1, 0.5, 0.01)
SCORE_STEP = Fraction(1, 100)
RATE_STEP = Fraction(1, 1000)
# At / below / above a bound: the bound itself and the passing side twice as often as the failing side, so
# that a case with several figures on their bounds still passes now and then.
EDGE_WEIGHTS = (1, 2, 2)
# Off the bounds, a realistic figure clears its threshold, except with this chance (then it misses it well).
CLEAR_MISS = 0.05


@dataclass(frozen=True)
class Knobs:
    """What :func:`synth_case` varies; every other figure is drawn from the seed.

    ``near_boundary`` is the chance, for each threshold of the rule-set, that the case puts its figure at the
    bound, one step below or one step above it (else a realistic figure, usually well clear of it);
    ``missing`` the chance that each optional input is left out (the condition using it becomes 待核实);
    ``overrides`` the chance of a reviewer's override on each overridable condition; ``firms`` the number of
    Beijing small and micro firms of the roster when its bounds are not aimed at (a few medium, large and
    non-Beijing firms come on top; ``None``: no roster entered); ``track`` the 第六条第（五）项 track whose
    bounds the roster aims at; ``changes`` the number of 第十七条 filings; ``false_flags`` the chance that
    each yes/no fact is 否.
    """
    kind: str = "both"
    firms: int | None = 70
    track: str = "general"
    near_boundary: float = 0.5
    missing: float = 0.0
    overrides: float = 0.0
    changes: int = 0
    false_flags: float = 0.02


def _years_before(d: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February → 28 February)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


class _Synth:
    def __init__(self, seed: int, knobs: Knobs, rs: RuleSet):
        if knobs.kind not in KINDS or knobs.track not in TRACKS:
            raise ValueError(f"unknown kind or track: {knobs}")
        self.rng = random.Random(f"jidi-synth:{seed}")
        self.k, self.rs, self.seed = knobs, rs, seed
        self.edges: list[str] = []          # which bounds this case sits on (for its description)

    # -- draws ------------------------------------------------------------------------------------
    def edge(self, what: str, passing: int = 1) -> int | None:
        """-1 / 0 / +1 steps from the bound with probability ``near_boundary``; None: a realistic figure.
        ``passing``: the side of the bound that meets the condition (+1 for “不少于”, -1 for a date that
        must lie before a window or a deadline)."""
        if self.rng.random() >= self.k.near_boundary:
            return None
        d = self.rng.choices((-passing, 0, passing), weights=EDGE_WEIGHTS)[0]
        self.edges.append(f"{what}{'−+'[d > 0] if d else '='}")
        return d

    def drop(self) -> bool:
        return self.rng.random() < self.k.missing

    def flag(self) -> bool:
        return self.rng.random() >= self.k.false_flags

    def misses(self) -> bool:
        """Off the bound: does this realistic figure miss its threshold (rarely) or clear it?"""
        return self.rng.random() < CLEAR_MISS

    # -- the parts ----------------------------------------------------------------------------------
    def dates(self) -> None:
        rng, rs = self.rng, self.rs
        self.ref = _day(rng, rs.effective_from, LAST_REFERENCE_DATE) if self.k.kind != "evaluation" else None
        self.year = rng.randint(rs.effective_from.year, LAST_REFERENCE_DATE.year - 1) if self.k.kind != "recognition" else None
        self.snapshots = [d for d in (self.ref, date(self.year, 12, 31) if self.year else None) if d]
        self.earliest = min(self.snapshots)

    def established(self) -> str:
        years = self.rs.p("art6_1.min_years_established")
        d = self.edge("成立年限", passing=-1)
        if d is not None:
            at = _years_before(self.rng.choice(self.snapshots), years) + timedelta(days=d)
            if at <= self.earliest:
                return at.isoformat()
        return _day(self.rng, EARLIEST_ESTABLISHED, _years_before(self.earliest, years) - timedelta(days=30)).isoformat()

    def penalties(self) -> list[dict]:
        rng, rs = self.rng, self.rs
        kinds, subjects = rs.code_list("penalty_kinds"), rs.code_list("penalty_subjects")
        serious = list(rs.p("art6_2.disqualifying_penalty_kinds"))
        liable = list(rs.p("art6_2.disqualifying_subjects"))
        out = []
        for _ in range(rng.choices([0, 1, 2], weights=[6, 3, 1])[0]):      # mostly ordinary ones (as the benchmark's)
            out.append({"date": _day(rng, _years_before(self.earliest, 4), max(self.snapshots)).isoformat(),
                        "kind": rng.choices(kinds, weights=[1, 6, 20, 8])[0], "subject": rng.choice(subjects),
                        "description": rng.choice(PENALTY_TEXTS)})
        if self.ref is not None:               # 第六条第（二）项: the two-year window's first day
            d = self.edge("处罚期间", passing=-1)
            if d is not None:
                first = _years_before(self.ref, rs.p("art6_2.penalty_window_years"))
                out.append({"date": (first + timedelta(days=d)).isoformat(), "kind": rng.choice(serious),
                            "subject": rng.choice(liable), "description": "严重行政处罚（期间边界）"})
        if self.year is not None:              # 第十五条: the evaluation year's first and last days
            on_first = rng.random() < 0.5
            d = self.edge("评价年度处罚", passing=-1 if on_first else 1)
            if d is not None:
                day = (date(self.year, 1, 1) if on_first else date(self.year, 12, 31)) + timedelta(days=d)
                out.append({"date": day.isoformat(), "kind": rng.choice(serious), "subject": rng.choice(liable),
                            "description": "严重行政处罚（评价年度边界）"})
        return sorted(out, key=lambda p: p["date"])

    def area(self) -> dict:
        rng, rs = self.rng, self.rs
        out = {}
        for key, param, most in (("building_m2", "art6_4.min_building_area_m2", 5.0),
                                 ("public_service_m2", "art6_4.min_public_service_area_m2", 4.0)):
            bound = rs.p(param)
            d = self.edge(key)
            step = rng.choice(AREA_STEPS)
            lo, hi = (0.5, 0.98) if self.misses() else (1.02, most)
            out[key] = bound + d * step if d is not None else round(bound * rng.uniform(lo, hi), -1)
        out["public_service_m2"] = min(out["public_service_m2"], out["building_m2"])
        return out

    def firm_at_bounds(self, f: dict, d: int) -> None:
        """A firm whose size is derived, with its indicators on the 小型 lower bounds of its sector (300号: a
        class when *all* its indicators reach the bound): d = 0 on them (小型), d = -1 one unit below in one
        indicator (微型), d = +1 one unit above (小型). Either way the firm stays small or micro (counted)."""
        bounds = self.rs.size_standards["sectors"].get(f.get("sector"), {}).get("bounds", {}).get("small")
        if not bounds:
            return
        field = {"employees": "employees", "revenue": "revenue_10k", "assets": "assets_10k"}
        for ind, v in bounds.items():
            f[field[ind]] = v
        if d:
            key = field[self.rng.choice(sorted(bounds))]
            f[key] = max(0, f[key] + d)

    def roster(self) -> tuple[list[dict] | None, list[str] | None, bool | None]:
        rng, rs, k = self.rng, self.rs, self.k
        hpp_industries = list(rs.p("art6_5.hpp.industries"))
        industries = rs.code_list("industries")
        track = k.track
        hpp = track == "hpp"
        leading = (rng.sample(hpp_industries, rng.choice([1, 2, 2])) if hpp
                   else rng.sample(industries[:-1], 2))
        min_n = rs.p(f"art6_5.{track}.min_firms")
        min_c: Fraction = rs.p(f"art6_5.{track}.min_concentration")
        dn, dc = self.edge("企业数"), self.edge("集聚度")
        if k.firms is None and dn is None and dc is None:
            return None, leading, hpp
        if dn is not None:
            n = max(0, min_n + dn)
        elif dc is not None:                    # a count the bound divides, so the ratio can sit exactly on it
            n = min_c.denominator * rng.randint(max(1, min_n // min_c.denominator - 2), min_n // min_c.denominator + 4)
        else:
            n = k.firms or 0
        share = rng.uniform(0.2, float(min_c)) if self.misses() else rng.uniform(float(min_c), 0.97)
        lead = math.ceil(min_c * n) + dc if dc is not None else math.ceil(n * share)
        lead = min(max(lead, 0), n)
        extra = rng.randint(0, max(4, n // 10))
        others = [x for x in industries if x not in leading]
        spec: list[tuple] = []
        for ind, cnt in zip(leading, _split(rng, lead, len(leading))):
            micro = round(cnt * rng.uniform(0.4, 0.8))
            spec += [(micro, ind, "micro"), (cnt - micro, ind, "small")]
        side = rng.sample(others, rng.randint(2, 5))
        for ind, cnt in zip(side, _split(rng, n - lead, len(side))):
            micro = round(cnt * rng.uniform(0.4, 0.85))
            spec += [(micro, ind, "micro"), (cnt - micro, ind, "small")]
        for _ in range(extra):                  # not counted: medium/large, or registered elsewhere
            if rng.random() < 0.5:
                spec.append((1, rng.choice(industries), rng.choice(["medium", "large"])))
            else:
                spec.append((1, rng.choice(industries), rng.choice(["micro", "small"]), "elsewhere"))
        roster = Roster().build(rng, [row for row in spec if row[0] > 0], rng.choice(BEIJING_DIVISIONS))
        derived = [f for f in roster if f.get("size_class") is None and f["beijing_registered"]]
        for f in rng.sample(derived, min(len(derived), rng.randint(0, 3))):
            d = self.edge("规模划型")
            if d is not None:
                self.firm_at_bounds(f, d)
        for f in roster:                        # firm-level gaps (a quarter as often): size, industry or seat unknown
            if rng.random() < k.missing / 4:
                f[rng.choice(["employees", "sector", "industry", "beijing_registered", "revenue_10k"])] = None
        declared: list[str] | None = leading
        if rng.random() < 0.1:
            declared = None                     # derived from the roster (推定)
        return roster, declared, hpp if rng.random() < 0.9 or not hpp else None

    def staff(self) -> dict:
        rng, rs = self.rng, self.rs
        need = rs.p("art6_8.min_qualified_staff")
        d = self.edge("服务人员")
        qualified = (need + d if d is not None else rng.randint(0, need - 1) if self.misses()
                     else rng.randint(need, need + 10))
        if rng.random() < 0.4:
            return {"declared_qualified": max(0, qualified)}
        good_deg, good_tit = list(rs.p("art6_8.qualifying_degrees")), list(rs.p("art6_8.qualifying_titles"))
        bad_deg = [x for x in rs.code_list("degrees") if x not in good_deg]
        bad_tit = [x for x in rs.code_list("titles") if x not in good_tit]
        people = []
        for _ in range(max(0, qualified)):      # qualified by both, so the count holds under “any” and “both”
            people.append({"name": _person(rng), "degree": rng.choice(good_deg), "title": rng.choice(good_tit)})
        for _ in range(rng.randint(0, 5)):      # qualified by neither
            people.append({"name": _person(rng), "degree": rng.choice(bad_deg), "title": rng.choice(bad_tit)})
        for _ in range(rng.randint(0, 3)):      # by one of the two: counts under “any” only
            people.append({"name": _person(rng), "degree": rng.choice(good_deg), "title": rng.choice(bad_tit)})
        for p in people:
            if self.drop():
                p[rng.choice(["degree", "title"])] = None
        rng.shuffle(people)
        return {"members": people}

    def satisfaction(self) -> dict:
        rng, rs = self.rng, self.rs
        bound: Fraction = rs.p("art6_9.min_satisfaction")
        d = self.edge("满意度")
        out: dict[str, Any] = {}
        if rng.random() < 0.7:
            if d is not None:
                m = rng.randint(3, 15)
                responses = bound.denominator * m
                satisfied = min(responses, bound.numerator * m + d)
            else:
                responses = rng.randint(20, 150)
                slack = math.floor(responses * (1 - bound))        # the most dissatisfied answers that still clear it
                satisfied = responses - (rng.randint(slack + 1, responses) if self.misses() else rng.randint(0, slack))
            out.update(satisfied=satisfied, responses=responses)
        else:
            lo, hi = (0, bound - RATE_STEP) if self.misses() else (bound, 1)
            rate = bound + d * RATE_STEP if d is not None else Fraction(rng.randint(int(lo * 1000), int(hi * 1000)), 1000)
            out["rate"] = float(min(rate, Fraction(1)))
        out["free_public_service"] = self.flag()
        return out

    def functions(self) -> list[str]:
        codes = self.rs.code_list("service_functions")
        need = self.rs.p("art7.min_functions")
        d = self.edge("服务功能")
        n = (need + d if d is not None else self.rng.randint(0, need - 1) if self.misses()
             else self.rng.randint(need, len(codes)))
        return sorted(self.rng.sample(codes, min(max(n, 0), len(codes))), key=codes.index)

    def revocations(self) -> list[dict]:
        rng, rs = self.rng, self.rs
        grounds = rs.code_list("revocation_grounds")
        out = []
        d = self.edge("再次申请限制", passing=-1) if self.ref is not None else None
        day = (_years_before(self.ref, rs.p("art15.ban_years")) + timedelta(days=d)
               if d is not None and self.ref is not None else None)           # (d is None without a ref)
        if day is not None and day < self.earliest:   # revoked two years (the ban) before the reference date
            out.append({"date": day.isoformat(), "ground": rng.choice(grounds)})
        elif rng.random() < 0.1:               # an older revocation: inside the ban only when it misses
            ban = rs.p("art15.ban_years")
            lo, hi = ((_years_before(self.earliest, ban), self.earliest - timedelta(days=1)) if self.misses()
                      else (_years_before(self.earliest, ban + 3), _years_before(self.earliest, ban) - timedelta(days=2)))
            out.append({"date": _day(rng, lo, hi).isoformat(), "ground": rng.choice(grounds)})
        return out

    def changes(self) -> list[dict]:
        rng, rs = self.rng, self.rs
        from .rules.art17 import filing_deadline    # the deadline itself is the rule's; the case sits around it

        out = []
        for _ in range(self.k.changes):
            changed = _day(rng, rs.effective_from, LAST_CHANGE_DATE)
            ch: dict[str, Any] = {"kind": rng.choice(rs.code_list("change_kinds")), "changed_on": changed.isoformat()}
            d = self.edge("备案期限", passing=-1)
            if d is not None:
                ch["filed_on"] = max(changed, filing_deadline(rs, changed) + timedelta(days=d)).isoformat()
            elif not self.drop():
                ch["filed_on"] = (changed + timedelta(days=rng.randint(0, 60))).isoformat()
            out.append(ch)
        return out

    def evaluation(self) -> dict:
        assert self.year is not None, "evaluation() is called for cases with an evaluation year"
        rng, rs = self.rng, self.rs
        ev: dict[str, Any] = {"year": self.year, "participated": rng.random() > 0.05,
                              "false_materials": rng.random() < 0.03}
        edges = sorted({rs.p("chapter4.pass_score"), rs.p("chapter4.good_score"),
                        *(lo for lo, _ in rs.p("chapter4.star_bands"))})
        top = rs.p("chapter4.max_score")
        d = self.edge("评价得分")
        if d is not None:
            score = min(max(Fraction(rng.choice(edges)) + d * SCORE_STEP, Fraction(0)), Fraction(top))
            ev["score"] = float(score)
        elif rng.random() < 0.6:
            e = self.edge("专家人数")
            quality = rng.uniform(0.6, 0.78) if self.misses() else rng.uniform(0.8, 0.99)
            ev["rubric"] = _rubric(rng, quality, self.drop())
            if e is not None:                   # around the number of experts from which the extremes are dropped
                n = max(1, rs.p("chapter4.trim_min_experts") + e)
                experts = (ev["rubric"]["experts"] * 2)[:n]
                ev["rubric"]["experts"] = [{**x, "name": f"专家{j + 1}"} for j, x in enumerate(experts)]
        else:
            lo, hi = (40, rs.p("chapter4.pass_score") - 1) if self.misses() else (rs.p("chapter4.pass_score"), top)
            ev["score"] = round(rng.uniform(lo, hi), rng.choice([0, 1, 2]))
        if rng.random() < 0.3:
            ev["decision_date"] = _day(rng, date(self.year + 1, 1, 1), date(self.year + 1, 6, 30)).isoformat()
        return ev

    def overrides(self) -> list[dict]:
        from .rules import RULE_IDS

        rng = self.rng
        out = []
        for rule in RULE_IDS:
            if rng.random() < self.k.overrides:
                out.append({"rule": rule, "outcome": rng.choice(["PASS", "FAIL", "REVIEW"]), "reviewer": "复核专家组",
                            "justification": rng.choice(["现场核查后书面说明理由，同意改判。", "经复核，差额在原则上条款内。"])})
        return out

    # -- the whole case ---------------------------------------------------------------------------------
    def case(self) -> dict:
        rng, k = self.rng, self.k
        self.dates()
        roster, leading, hpp = self.roster()
        stem = f"synth_{self.seed}"
        place = rng.choice(PLACES)
        case: dict[str, Any] = {
            "format": FORMAT, "case_id": stem, "description": "",
            "base": {"name": f"{place}{rng.choice(HEAD)}{rng.choice(TAIL)}{rng.choice(BASE_WORDS)}",
                     "operator_name": f"北京{place}{rng.choice(HEAD)}{rng.choice(TAIL)}科技服务有限公司",
                     "credit_code": credit_code(rng, rng.choice(BEIJING_DIVISIONS))}}
        if self.ref is not None:
            case["recognition"] = {"reference_date": self.ref.isoformat()}
        case["operator"] = {"independent_legal_person": self.flag(), "registered_in_beijing": self.flag(),
                            "established_on": self.established(), "rolling_incubation": self.flag()}
        case["conduct"] = {"good_operation": self.flag(), "serious_dishonesty": rng.random() < self.k.false_flags,
                           "penalties": self.penalties()}
        case["planning"] = {"project_approval_complete": self.flag(), "fits_policy": self.flag(),
                            "clear_positioning": self.flag()}
        case["area"] = self.area()
        firms: dict[str, Any] = {"hpp_manufacturing": hpp}
        if leading is not None:
            firms["leading_industries"] = leading
        if roster is not None:
            firms["roster"] = roster
        case["firms"] = firms
        case["governance"] = {"governance_structure": self.flag(), "strategic_plan": self.flag(),
                              "development_goals": self.flag(), "implementation_plan": self.flag()}
        case["management"] = {"management_rules": self.flag(), "service_process": self.flag(),
                              "service_ledger": self.flag(), "fee_standards": self.flag(),
                              "quality_supervision": self.flag()}
        case["staff"] = self.staff()
        case["satisfaction"] = self.satisfaction()
        case["service_station"] = {"office_and_equipment": self.flag(), "staff_with_posts": self.flag(),
                                   "work_guides": self.flag(), "brokering_services": self.flag()}
        case["service_functions"] = self.functions()
        case["encouraged"] = sorted(rng.sample(self.rs.code_list("encouraged_features"), rng.randint(0, 4)),
                                    key=self.rs.code_list("encouraged_features").index)
        case["revocations"] = self.revocations()
        case["changes"] = self.changes()
        if self.year is not None:
            case["evaluation"] = self.evaluation()
        case["overrides"] = self.overrides()
        self.leave_out(case)
        case["description"] = (f"合成案例 {self.seed}（{k.kind}）" + (f"；边界：{'、'.join(self.edges)}" if self.edges else ""))
        return case

    def leave_out(self, case: dict) -> None:
        """Optional inputs left out with probability ``missing``: a scalar becomes null (not filled), an
        object or a list is removed (the case format reads both as not filled)."""
        scalars = [(g, key) for g in ("operator", "conduct", "planning", "area", "governance", "management",
                                      "satisfaction", "service_station") for key in case[g] if key != "penalties"]
        scalars += [("firms", "hpp_manufacturing")] + ([("evaluation", "participated"), ("evaluation", "false_materials")]
                                                       if "evaluation" in case else [])
        for g, key in scalars:
            if self.drop():
                case[g][key] = None
        for g, key in (("conduct", "penalties"), ("firms", "leading_industries"), ("firms", "roster")):
            if self.drop():
                case[g].pop(key, None)
        for key in ("service_functions", "staff", "satisfaction"):
            if self.drop():
                case.pop(key)


def synth_case(seed: int, knobs: Knobs = Knobs(), rs: RuleSet | None = None) -> dict:
    """A realistic, valid case (format jidi-xl/case@1) from ``seed`` and ``knobs``; deterministic in both."""
    return _Synth(seed, knobs, rs or load_ruleset()).case()


# --- the example cases of examples/ ---------------------------------------------------------------

def examples() -> dict[str, dict]:
    """The example cases of ``examples/`` by file stem, each built from :func:`clean_case` changing only what
    its name says (every figure stated in its description). Written by ``examples/make_examples.py``."""
    R = Roster()
    out: dict[str, dict] = {}

    def add(case: dict) -> None:
        out[case["case_id"]] = case

    def rng(stem: str) -> random.Random:
        return random.Random(stem)

    # 01 — the general track: 76 Beijing small/micro firms, 人工智能 + 软件和信息服务 = 52/76 = 68.4%.
    s = "01_general_track_pass"
    roster = R.build(rng(s), [(30, "ai", "micro"), (8, "ai", "small"), (10, "software", "micro"), (4, "software", "small"),
                              (6, "ngit", "micro"), (8, "tech_services", "small"), (4, "business_services", "micro"),
                              (3, "culture", "micro"), (3, "fintech", "small"),
                              (1, "ai", "medium"), (1, "software", "large"), (2, "ai", "small", "elsewhere"),
                              (1, "software", "micro", "elsewhere")], "110108")
    add(clean_case(s, "一般通道通过：入驻本市小微企业 76 家（≥60），主导产业人工智能、软件和信息服务 52 家，集聚度 52/76 = 68.4%（≥60%）；"
                      "另有中型、大型企业各 1 家和外地注册企业 3 家，不计入。其余条件均符合 → 符合认定条件。",
                   "中关村星河智算创业园", "北京星河智算创业园运营管理有限公司", "110108", roster, ["ai", "software"],
                   encouraged=["high_growth", "cooperation", "digital"]))

    # 02 — 45 firms: fails the general track (45 < 60) but passes the 高精尖 track: 集成电路 + 智能制造 = 38/45 = 84.4%.
    s = "02_hpp_track_only_pass"
    roster = R.build(rng(s), [(12, "ic", "micro"), (10, "ic", "small"), (9, "smart_mfg", "micro"), (7, "smart_mfg", "small"),
                              (4, "tech_services", "small"), (3, "new_materials", "micro"),
                              (2, "smart_mfg", "medium"), (1, "ic", "small", "elsewhere"), (1, "smart_mfg", "micro", "elsewhere")],
                     "110302")
    add(clean_case(s, "仅高精尖通道通过：入驻本市小微企业 45 家（<60，一般通道不符合），基地申报为聚集“高精尖”领域制造业企业的基地，"
                      "主导产业集成电路、智能制造均在高精尖清单内，集聚度 38/45 = 84.4%（≥80%），企业数 45 ≥ 40 → 第六条第（五）项经高精尖通道符合，认定符合。",
                   "亦庄芯谷硬科技孵化器", "北京芯谷硬科技孵化器有限公司", "110302", roster, ["ic", "smart_mfg"], hpp=True,
                   building=18500, public=1600,
                   functions=["startup_coaching", "innovation_support", "financing", "professional_consulting", "industry_chain"],
                   encouraged=["high_growth", "cooperation", "hpp_services"]))

    # 03 — building area 4,800 m² < 5,000.
    s = "03_fail_area"
    roster = R.build(rng(s), [(26, "culture", "micro"), (10, "culture", "small"), (12, "software", "micro"), (4, "software", "small"),
                              (8, "business_services", "micro"), (6, "tech_services", "micro"), (2, "consumer", "micro"),
                              (1, "culture", "medium"), (1, "culture", "micro", "elsewhere")], "110105")
    add(clean_case(s, "面积不足：基地建筑总面积 4,800 平方米，低于 5,000 平方米（第六条第（四）项“不少于”含本数）；公共服务空间 620 平方米符合。"
                      "其余条件均符合 → 不符合认定条件，不符合条款：第六条第（四）项。",
                   "望京数字文化创意园", "北京望京数创园区管理有限公司", "110105", roster, ["culture", "software"],
                   building=4800, public=620, staff="declared",
                   functions=["startup_coaching", "information", "training", "management_consulting"], encouraged=[]))

    # 04 / 05 — a serious administrative penalty of the unit on the window's first day, then one day earlier.
    for s, day, verdict in (("04_fail_penalty_in_window", "2023-06-30", "在认定期间内（含两端）→ 不符合认定条件，不符合条款：第六条第（二）项。"),
                            ("05_pass_penalty_one_day_outside", "2023-06-29", "早一天，在两年期间之外 → 不计入，认定符合。")):
        roster = R.build(rng(s), [(22, "health", "micro"), (12, "health", "small"), (14, "smart_mfg", "micro"), (4, "smart_mfg", "small"),
                                  (6, "tech_services", "small"), (4, "new_materials", "micro"), (3, "green", "micro"),
                                  (1, "health", "large"), (2, "health", "small", "elsewhere")], "110114")
        case = clean_case(s, f"处罚认定期间边界：申请受理截止日期 {REF}，两年期间为 2023-06-30 至 {REF}（两端均含）。运营单位于 {day} "
                             f"受到严重行政处罚，{verdict}另有一项 2024 年的一般行政处罚，不影响认定。",
                          "昌平未来医药健康创新港", "北京未来医健创新港科技发展有限公司", "110114", roster, ["health", "smart_mfg"],
                          building=22000, public=2100, encouraged=["cooperation", "hpp_services"])
        case["conduct"]["penalties"] = [
            {"date": day, "kind": "serious_administrative", "subject": "unit",
             "description": "违法建设被责令停止使用并处较大数额罚款（严重行政处罚）"},
            {"date": "2024-08-12", "kind": "administrative", "subject": "unit", "description": "消防设施维护不到位，警告并处罚款"},
        ]
        add(case)

    # 06 — satisfaction not entered; 5 firms whose size cannot be derived (58 counted + 5 pending around the 60 line).
    s = "06_review_missing_data"
    r6 = rng(s)
    roster = R.build(r6, [(20, "tech_services", "micro"), (8, "tech_services", "small"), (12, "business_services", "micro"),
                          (4, "business_services", "small"), (8, "software", "micro"), (6, "culture", "micro"),
                          (1, "business_services", "medium"), (2, "tech_services", "micro", "elsewhere")], "110112")
    # five firms whose size cannot be derived: an indicator their sector needs is not entered and the known ones are
    # at or above the 中型 bound (so the firm could be 中型: it may not be counted yet), or the sector itself is missing
    pending = [R.firm(r6, ind, "micro", district="110112") for ind in ("software", "software", "software", "tech_services",
                                                                       "business_services")]
    pending[0].update(employees=150, revenue_10k=None)
    pending[1].update(employees=120, revenue_10k=None)
    pending[2].update(sector=None, employees=12)
    pending[3].update(employees=None)
    pending[4].update(employees=120, assets_10k=None)
    roster = roster + pending
    random.Random(s + ":shuffle").shuffle(roster)
    case = clean_case(s, "数据不全，待核实：满意度未填写（第六条第（九）项待核实）；5 家企业缺少营业收入、从业人员、资产总额或划型行业，规模无法判定，"
                         "暂不计入；已确定的本市小微企业 58 家，加上这 5 家可能达到 60 家 → 第六条第（五）项待核实。结论：待核实。",
                      "通州运河商务创业基地", "北京运河商务创业服务有限公司", "110112", roster, ["tech_services", "business_services"],
                      staff="declared", functions=["startup_coaching", "financing", "management_consulting", "professional_consulting"])
    case["satisfaction"] = {"free_public_service": True}
    add(case)

    # 07 — revoked under 第十五条（一）for false materials on 2023-09-15: barred until 2025-09-15.
    s = "07_fail_reapplication_ban"
    roster = R.build(rng(s), [(24, "fintech", "micro"), (10, "fintech", "small"), (14, "software", "micro"), (6, "software", "small"),
                              (6, "business_services", "small"), (5, "tech_services", "micro"),
                              (1, "fintech", "large"), (1, "fintech", "small", "elsewhere")], "110106")
    case = clean_case(s, "再次申请限制：该基地 2023-09-15 因在绩效评价中提供虚假材料和数据被撤销称号（第十五条第（一）项），"
                         "两年内不得再次申请，限制至 2025-09-15；本次申请受理截止日期 2025-06-30 在限制期内 → 不符合认定条件，"
                         "不符合条款：第十五条（其余条件均符合）。",
                      "丰台丽泽金融科技孵化器", "北京丽泽金科孵化器管理有限公司", "110106", roster, ["fintech", "software"],
                      established="2015-11-02")
    case["revocations"] = [{"date": "2023-09-15", "ground": "false_materials"}]
    add(case)

    # 08–11 — annual evaluations of recognised bases.
    s = "08_evaluation_fail"
    roster = R.build(rng(s), [(22, "ngit", "micro"), (10, "ngit", "small"), (16, "ai", "micro"), (6, "ai", "small"),
                              (6, "culture", "micro"), (5, "tech_services", "small"), (1, "ngit", "medium")], "110107")
    case = clean_case(s, "2024 年度绩效评价不合格：7 位专家按 5 项指标评分，专家总分 74.7、78.5、81.8、70.0、85.0、76.9、77.1，"
                         "去掉一个最高分和一个最低分后平均 77.8 分，低于合格线 80 分 → 不合格，无星级，撤销示范基地称号（第十四条，"
                         "不受两年再次申请限制）。基础门槛条件复核均符合。",
                      "石景山京西智谷创业园", "北京京西智谷科技服务有限公司", "110107", roster, ["ngit", "ai"], recognition=False)
    case["evaluation"] = {"year": 2024, "participated": True, "false_materials": False, "rubric": rubric([
        [19, 18.5, 15, 14, 82], [20, 19, 16, 15, 85], [21, 20, 16, 16, 88], [18, 17, 14, 13, 80],
        [22, 21, 17, 16, 90], [19.5, 19, 15, 15, 84], [20, 18, 16, 14.5, 86]])}
    add(case)

    s = "09_evaluation_fair"
    roster = R.build(rng(s), [(20, "smart_mfg", "micro"), (12, "smart_mfg", "small"), (10, "icv", "micro"), (6, "icv", "small"),
                              (7, "tech_services", "small"), (4, "new_energy", "micro"), (1, "icv", "medium"),
                              (1, "smart_mfg", "small", "elsewhere")], "110113")
    case = clean_case(s, "2024 年度绩效评价一般：录入评价总分 86.5 分（80 ≤ 得分 < 90）→ 一般，保留示范基地称号，不予资金支持（第十四条）；"
                         "星级按暂定分档为 ★★。",
                      "顺义临空智能装备产业基地", "北京临空智造产业园管理有限公司", "110113", roster, ["smart_mfg", "icv"],
                      hpp=True, recognition=False, staff="declared")
    case["evaluation"] = {"year": 2024, "participated": True, "false_materials": False, "score": 86.5}
    add(case)

    s = "10_evaluation_good"
    roster = R.build(rng(s), [(24, "health", "micro"), (14, "health", "small"), (8, "tech_services", "small"), (6, "tech_services", "micro"),
                              (5, "new_materials", "micro"), (4, "green", "micro"), (1, "health", "medium"),
                              (2, "health", "small", "elsewhere")], "110115")
    case = clean_case(s, "2025 年度绩效评价较好：5 位专家总分 93.6、94.5、98.3、88.2、94.4，去掉一个最高分和一个最低分后平均 94.17 分 "
                         "（≥ 90）→ 较好，★★★★，资金奖励第 2 档（星级分档与资金档次为暂定参数）。",
                      "大兴生物医药创新孵化基地", "北京大兴生物医药孵化器有限公司", "110115", roster, ["health", "tech_services"],
                      recognition=False, building=26000, public=2400,
                      functions=["startup_coaching", "innovation_support", "information", "financing", "training",
                                 "professional_consulting", "industry_chain"],
                      encouraged=["high_growth", "cooperation", "hpp_services", "digital"])
    case["evaluation"] = {"year": 2025, "participated": True, "false_materials": False, "rubric": rubric([
        [24, 23, 19, 18, 96], [23.5, 24, 18.5, 19, 95], [25, 24.5, 19.5, 19.5, 98], [22, 22, 18, 17, 92],
        [24, 23.5, 19, 18.5, 94]])}
    add(case)

    s = "11_evaluation_not_participated"
    roster = R.build(rng(s), [(26, "software", "micro"), (8, "software", "small"), (14, "culture", "micro"), (4, "culture", "small"),
                              (8, "consumer", "micro"), (4, "modern_agri", "micro")], "110111")
    case = clean_case(s, "未参加 2024 年度绩效评价：未按要求参加的，视同为绩效评价结果不合格（第十三条）→ 不合格，撤销示范基地称号（第十四条）。",
                      "房山良乡大学生创业园", "北京良乡大学生创业园管理有限公司", "110111", roster, ["software", "culture"],
                      recognition=False, staff="declared", encouraged=[])
    case["evaluation"] = {"year": 2024, "participated": False, "false_materials": False}
    add(case)

    # 12 — recognised base, name change filed one working day late; an address change filed on its deadline day.
    s = "12_art17_late_filing"
    roster = R.build(rng(s), [(20, "ngit", "micro"), (12, "ngit", "small"), (14, "tech_services", "micro"), (6, "tech_services", "small"),
                              (6, "fintech", "micro"), (5, "culture", "small"), (1, "ngit", "large")], "110102")
    case = clean_case(s, "重大变更备案（第十七条）：基地原名“德胜门科技企业孵化器”，2024-01-15 更名，30 个工作日的备案期限为 2024-02-29，"
                         "2024-03-01 才备案 → 逾期；2024-09-20 地址变更，期限 2024-11-06（国庆假期不计工作日），当日备案 → 按期。"
                         "认定条件均符合。",
                      "西城德胜科技园", "北京德胜科技园发展有限公司", "110102", roster, ["ngit", "tech_services"],
                      established="2012-07-09")
    case["changes"] = [{"kind": "name", "changed_on": "2024-01-15", "filed_on": "2024-03-01"},
                       {"kind": "address", "changed_on": "2024-09-20", "filed_on": "2024-11-06"}]
    add(case)

    # 13 — 57 firms (< 60) but a reviewer accepts 6(5) under “原则上”.
    s = "13_override_firm_count_in_principle"
    roster = R.build(rng(s), [(24, "ngit", "micro"), (6, "ngit", "small"), (8, "ai", "micro"), (2, "ai", "small"),
                              (7, "business_services", "micro"), (6, "tech_services", "small"), (4, "culture", "micro"),
                              (1, "ngit", "medium"), (2, "ai", "micro", "elsewhere")], "110105")
    case = clean_case(s, "复核改判：入驻本市小微企业 57 家（<60），集聚度 40/57 = 70.2%，一般通道计算结果不符合；第六条第（五）项为“原则上不少于60家”，"
                         "复核人书面说明理由后改判为符合，计算结果仍保留并显示 → 符合认定条件（含一项复核改判）。",
                      "朝阳电子城留学人员创业园", "北京电子城留创园运营管理有限公司", "110105", roster, ["ngit", "ai"],
                      encouraged=["cooperation"])
    case["overrides"] = [{"rule": "art6_5", "outcome": "PASS", "reviewer": "认定评审专家组（复核）",
                          "justification": "第六条第（五）项为“原则上不少于60家”：基地已与 4 家本市小微企业签订入驻协议（2025年7月入驻），"
                                           "主导产业集聚度 70.2% 明显高于 60%，专家组一致同意按符合处理。"}]
    add(case)

    # 14 — revoked under 第十四条 (evaluation failed) 14 months earlier: no two-year ban.
    s = "14_pass_art14_revocation_no_ban"
    roster = R.build(rng(s), [(18, "smart_mfg", "micro"), (10, "smart_mfg", "small"), (14, "new_materials", "micro"),
                              (6, "new_materials", "small"), (6, "tech_services", "small"), (5, "new_energy", "micro"),
                              (3, "green", "micro"), (1, "new_materials", "medium"), (1, "smart_mfg", "micro", "elsewhere")],
                     "110116")
    case = clean_case(s, "第十四条撤销不限制再次申请：该基地 2024-04-30 因 2023 年度绩效评价不合格被撤销称号（第十四条），不到两年；"
                         "两年内不得再次申请的限制只适用于第十五条，故不受限制。未申报主导产业，按入驻企业行业分布推定为智能制造、新材料。"
                         "其余条件均符合 → 符合认定条件。",
                      "怀柔科学城硬科技孵化器", "北京怀柔科学城孵化器有限公司", "110116", roster, None,
                      established="2019-05-20", building=9800, public=860,
                      functions=["innovation_support", "financing", "industry_chain"], staff="members")
    case["revocations"] = [{"date": "2024-04-30", "ground": "evaluation_failed"}]
    add(case)
    return out
