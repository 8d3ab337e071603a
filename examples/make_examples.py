#!/usr/bin/env python3
"""Write the example cases of ``examples/`` (format ``jidi-xl/case@1``, docs/case-format.md).

    python examples/make_examples.py [OUT_DIR]      # default: the folder of this script

Deterministic: every roster comes from a seeded ``random.Random``, so the committed files are exactly
what this script writes (tests/test_examples.py checks it). The firms, people and bases are invented;
the 统一社会信用代码 carry valid check characters (GB 32100-2015 and GB 11714) but belong to no one.

Each case starts from :func:`clean_case` — a base meeting every condition of 第六条 and 第七条 — and
changes only what its file name says. Firm sizes are mostly *derived* from sector, employees,
revenue and assets by 《中小企业划型标准规定》(工信部联企业〔2011〕300号); about one firm in eight
declares its size instead. The expected verdicts are in ``examples/expected.json``.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))      # run as a script from anywhere
from jidi_xl.values import CREDIT_CODE_ALPHABET, credit_code_check_character  # noqa: E402

FORMAT = "jidi-xl/case@1"
REF = "2025-06-30"          # 申请受理截止日期 used by the recognition cases

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


# --- the base every example starts from -----------------------------------------------------------

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


# --- the examples ------------------------------------------------------------------------------

def examples() -> dict[str, dict]:
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
