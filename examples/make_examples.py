#!/usr/bin/env python3
"""Write the example cases of ``examples/`` (format ``jidi-xl/case@1``, docs/case-format.md).

    python examples/make_examples.py [OUT_DIR]      # default: the folder of this script

Deterministic: every roster comes from a seeded ``random.Random``, so the committed files are exactly
what this script writes (tests/test_examples.py checks it). The firms, people and bases are invented;
the 统一社会信用代码 carry valid check characters (GB 32100-2015 and GB 11714) but belong to no one.

The roster builder, credit codes, size profiles and :func:`clean_case` — a base meeting every condition
of 第六条 and 第七条 — are the project's one case synthesiser, :mod:`jidi_xl.synth` (shared with the
benchmark and the property tests). Each case here starts from ``clean_case`` and changes only what its
file name says. Firm sizes are mostly *derived* from sector, employees, revenue and assets by
《中小企业划型标准规定》(工信部联企业〔2011〕300号); about one firm in eight declares its size instead.
The expected verdicts are in ``examples/expected/results.json``.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:          # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from jidi_xl.synth import REF, Roster, clean_case, rubric  # noqa: E402

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
