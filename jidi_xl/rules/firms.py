"""第六条第（五）项 and footnote 1 — resident small/micro firms and leading-industry concentration (spec §3).

Also the firm size class of 《中小企业划型标准规定》(工信部联企业〔2011〕300号), read from the data table.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from .. import readings
from ..case import Firm
from ..results import Outcome, Result, pct
from ..ruleset import RuleSet
from .declare import CONDITION, Rule, wire

SIZE_ART = "工信部联企业〔2011〕300号"
SIZE = Rule("size", SIZE_ART, "企业规模", source=SIZE_ART)
ART6_5 = Rule("art6_5", "第六条第（五）项", "入驻企业与集聚度", role=CONDITION, overridable=True, basic=True)
ART = ART6_5.article    # old public name
#: footnote 1 of 第六条第（五）项: the definition of 企业集聚度 (what JIDI_CONCENTRATION computes)
ART6_5_CONCENTRATION = ART6_5.part("企业集聚度", id="art6_5_concentration", article="第六条第（五）项 脚注1",
                                   quote="企业集聚度指基地内属于主导产业的入驻企业家数与入驻企业总数之比。")
TRACKS = {"general": ART6_5.part("一般基地", id="art6_5_general"),
          "hpp": ART6_5.part("高精尖制造业基地", id="art6_5_hpp")}
INDICATOR_ZH = {"employees": "从业人员", "revenue": "营业收入", "assets": "资产总额"}


@SIZE
def size_class(rs: RuleSet, sector: str | None, employees: float | None = None, revenue_10k: float | None = None,
               assets_10k: float | None = None, declared: str | None = None) -> Result:
    """大型、中型和小型企业须同时满足所列指标的下限，否则下划一档；微型企业只须满足所列指标中的一项即可。

    A firm's size class: the declared one if given, else derived from the 300号 table (spec §3).
    大/中/小 need every listed indicator at or above that class's lower bound (checked from 大型 down);
    otherwise 微型. A missing indicator that the sector uses → REVIEW (value None), except where the
    known ones already decide: decision (ours, spec §3 leaves it implicit) — 300号 makes a firm 微型 when
    ANY one indicator is below the 小型 bound, so one known indicator below it decides 微型 whatever the
    missing ones are (readings.SIZE_KNOWN_DECIDE). (:func:`classify_roster` likewise counts a firm as small/micro when a known
    indicator is below the 中型 bound.)
    """
    if declared:
        return SIZE.result(Outcome.PASS, f"申报规模：{rs.label('size_classes', declared)}",
                      "采用申报的企业规模", value=declared)
    table = rs.size_standards["sectors"]
    if sector is None:
        return SIZE.result(Outcome.REVIEW, "未填行业（划型）", "缺少划型行业，无法判定规模")
    bounds = table[sector]["bounds"]
    got = {"employees": employees, "revenue": revenue_10k, "assets": assets_10k}
    needed = sorted({k for b in bounds.values() for k in b}, key=list(INDICATOR_ZH).index)
    missing = [INDICATOR_ZH[k] for k in needed if got[k] is None]
    shown = "，".join(f"{INDICATOR_ZH[k]} {got[k]:g}{rs.size_standards['units'][k]}" for k in needed if got[k] is not None)
    below_small = [k for k in needed if got[k] is not None and got[k] < bounds["small"][k]]
    if missing and below_small:
        k = below_small[0]
        return SIZE.result(Outcome.PASS,
                           f"{table[sector]['label']}：{shown}；{INDICATOR_ZH[k]}低于小型下限 {bounds['small'][k]:g}{rs.size_standards['units'][k]}（缺 {'、'.join(missing)}，不影响结论）",
                      f"任一指标低于小型下限即为微型，按{table[sector]['label']}标准划为微型", value="micro")
    if missing:
        return SIZE.result(Outcome.REVIEW, f"{table[sector]['label']}：{shown or '无指标'}；缺 {'、'.join(missing)}",
                      f"缺少{'、'.join(missing)}，无法判定规模")
    for cls in ("large", "medium", "small"):
        if all(got[k] >= v for k, v in bounds[cls].items()):
            break
    else:
        cls = "micro"
    ref = bounds["small"] if cls == "micro" else bounds[cls]
    rel = "未达" if cls == "micro" else "均达到"
    limits = "、".join(f"{INDICATOR_ZH[k]}{v:g}{rs.size_standards['units'][k]}" for k, v in ref.items())
    return SIZE.result(Outcome.PASS,
                       f"{table[sector]['label']}：{shown}；{rel}{'小型' if cls == 'micro' else rs.label('size_classes', cls)}下限（{limits}）",
                  f"按{table[sector]['label']}标准划为{rs.label('size_classes', cls)}", value=cls)


@dataclass(frozen=True)
class FirmStatus:
    """Whether a roster firm is one of the n resident Beijing small/micro firms (None: not yet known)."""

    firm: Firm
    size: Result
    counts: bool | None


def _below_medium(rs: RuleSet, f: Firm) -> bool:
    got = {"employees": f.employees, "revenue": f.revenue_10k, "assets": f.assets_10k}
    return any(got[k] is not None and got[k] < v for k, v in rs.size_standards["sectors"][f.sector]["bounds"]["medium"].items())


def classify_roster(rs: RuleSet, firms: Sequence[Firm]) -> list[FirmStatus]:
    small_micro = set(rs.p("art6_5.small_micro_classes"))
    out = []
    for f in firms:
        sz = size_class(rs, f.sector, f.employees, f.revenue_10k, f.assets_10k, f.size_class)
        is_sm = None if sz.value is None else sz.value in small_micro
        if is_sm is None and f.sector is not None and _below_medium(rs, f):
            is_sm = True   # 中型/大型 need every indicator at or above the 中型 bound: one known below decides
        bj = f.beijing_registered
        if is_sm is False or bj is False:
            counts = False
        elif is_sm is None or bj is None:
            counts = None
        else:
            counts = True
        out.append(FirmStatus(f, sz, counts))
    return out


def derive_leading(rs: RuleSet, industries: Sequence[str]) -> list[str]:
    """The two most frequent industries; ties broken by the order of the industry code list (readings.LEADING_DERIVED)."""
    order = {c: i for i, c in enumerate(rs.code_list("industries"))}
    counts = Counter(i for i in industries if i)
    ranked = sorted(counts, key=lambda c: (-counts[c], order.get(c, len(order))))
    return ranked[: readings.LEADING_DERIVED.value(rs)]


def _track(rs: RuleSet, key: str, n: int, ln: int, a: int, b: int, c: int, un: int,
           shown_r: Fraction | None) -> Result:
    """One track of 第六条第（五）项, allowing for firms still pending (spec §3).

    ``n`` firms surely count, ``ln`` of them in a leading industry and ``un`` of unknown industry; ``a``/``b``/``c``
    pending firms (size or registration unknown) are of a leading / other / unknown industry. PASS when every
    resolution passes, FAIL when none can, else REVIEW (the pending data could change the outcome).
    """
    part = TRACKS[key]
    name = part.title
    need_n = rs.p(f"art6_5.{key}.min_firms")
    need_r = rs.p(f"art6_5.{key}.min_concentration")
    # worst case: no pending firm counts (fewest firms); pending other/unknown count, unknown are not leading (lowest ratio)
    worst_den = n + b + c
    can_fail = n < need_n or not worst_den or Fraction(ln, worst_den) < need_r
    # best case: every possibly-leading firm counts and is leading; only as many other firms as the count needs
    extra = max(0, need_n - (n + a + c))
    best_den = n + a + c + extra
    can_pass = extra <= b and bool(best_den) and Fraction(ln + a + c + un, best_den) >= need_r
    outcome = Outcome.PASS if not can_fail else Outcome.FAIL if not can_pass else Outcome.REVIEW
    shown_n, shown_l = n, ln
    max_n = n + a + b + c
    r_best = Fraction(ln + a + c + un, n + a + c) if n + a + c else None
    r_txt = f"{shown_l}/{shown_n} = {pct(shown_r)}" if shown_r is not None else "0/0（无本市小微企业）"
    fig = (f"{name}：本市小微企业 {shown_n} 家 {'≥' if shown_n >= need_n else '<'} {need_n}；"
           f"集聚度 {r_txt} {'≥' if shown_r is not None and shown_r >= need_r else '<'} {pct(need_r)}")
    if outcome is Outcome.PASS:
        reason = f"{name}企业数和集聚度均达标"
    elif outcome is Outcome.FAIL:
        reasons = []
        if max_n < need_n:
            reasons.append(f"本市小微企业不足{need_n}家")
        if r_best is None or r_best < need_r:
            reasons.append(f"主导产业集聚度低于{pct(need_r)}")
        reason = f"{name}：" + "，".join(reasons or [f"企业数达到{need_n}家时集聚度无法达到{pct(need_r)}"])
    else:
        reason = f"{name}：部分企业规模/注册地/行业待核实，结果取决于核实情况"
    return part.result(outcome, fig, reason,
                       value={"n": shown_n, "ratio": shown_r, "min_firms": need_n, "min_ratio": need_r})


@ART6_5
def art6_5_firms(rs: RuleSet, firms: Sequence[Firm] | None, leading_industries: Sequence[str] | None,
                 hpp_manufacturing: bool | None) -> Result:
    """基地入驻本市小型、微型企业原则上不少于60家，且其中两个主导产业的企业集聚度不低于60%。
    对聚集……“高精尖”领域制造业企业的基地，……不少于40家，且……集聚度不低于80%。

    Footnote 1 (企业集聚度) is declared as ART6_5_CONCENTRATION. Decisions (spec §3; readings.CONCENTRATION,
    readings.TWO_TRACKS): the ratio is over the n resident Beijing small/micro firms (“其中”); the ratio over
    all resident firms is reported beside it. 6(5) passes on the general track, or on the 高精尖 track when
    the base declares 高精尖 manufacturing and all its leading industries are in the 高精尖 list. Firms whose
    size, registration or industry is unknown count toward neither total; the outcome is REVIEW when
    resolving them could change it. No roster at all (``firms`` None) is missing input → REVIEW; an empty
    roster is n = 0 → FAIL.
    """
    if firms is None:
        return ART6_5.result(Outcome.REVIEW, "未填入驻企业名单",
                      "缺少入驻企业名单，无法计算企业数和集聚度", value=None)
    statuses = classify_roster(rs, firms)
    sure = [s for s in statuses if s.counts]
    maybe = [s for s in statuses if s.counts is None]
    derived = not leading_industries
    leading = list(leading_industries or derive_leading(rs, [s.firm.industry for s in sure if s.firm.industry]))
    lead = set(leading)

    n = len(sure)
    l_sure = sum(1 for s in sure if s.firm.industry in lead)
    l_unknown_ind = sum(1 for s in sure if s.firm.industry is None)
    # pending firms (may or may not count), by industry: leading / other / unknown
    p_lead = sum(1 for s in maybe if s.firm.industry in lead)
    p_other = sum(1 for s in maybe if s.firm.industry is not None and s.firm.industry not in lead)
    p_unknown = sum(1 for s in maybe if s.firm.industry is None)
    ratio = Fraction(l_sure, n) if n else None
    all_resident = len(statuses)
    all_lead = sum(1 for s in statuses if s.firm.industry in lead)
    ratio_all = Fraction(all_lead, all_resident) if all_resident else None

    counts = (n, l_sure, p_lead, p_other, p_unknown, l_unknown_ind, ratio)
    general = _track(rs, "general", *counts)
    hpp_list = set(readings.TWO_TRACKS.value(rs))
    in_list = bool(leading) and lead <= hpp_list
    # the 高精尖 track needs both the declaration and every leading industry in the list: either one false → not applicable
    applies = False if not in_list or hpp_manufacturing is False else (None if hpp_manufacturing is None else True)
    hpp = _track(rs, "hpp", *counts)
    if applies is False:
        why = "未申报为聚集高精尖制造业企业的基地" if hpp_manufacturing is False else "主导产业不全在高精尖领域清单内"
        hpp = TRACKS["hpp"].result(Outcome.FAIL, hpp.figures + f"（不适用：{why}）", f"高精尖通道不适用：{why}", value=hpp.value)

    # Either track carries (an OR, spec §3). A track whose applicability is unknown can at best be REVIEW.
    h_eff = hpp.outcome if applies else Outcome.FAIL if applies is False or hpp.outcome is Outcome.FAIL else Outcome.REVIEW
    if general.outcome is Outcome.PASS:
        outcome, carried = Outcome.PASS, "general"
    elif h_eff is Outcome.PASS:
        outcome, carried = Outcome.PASS, "hpp"
    elif general.outcome is Outcome.FAIL and h_eff is Outcome.FAIL:
        outcome, carried = Outcome.FAIL, None
    else:
        outcome, carried = Outcome.REVIEW, None

    lead_txt = "、".join(rs.label("industries", c) for c in leading) or "无"
    fig = (f"主导产业：{lead_txt}{'（按入驻企业行业分布推定）' if derived else ''}；"
           f"{general.figures}；{hpp.figures}；"
           f"入驻企业总数 {all_resident} 家，按全部入驻企业计集聚度 {pct(ratio_all) if ratio_all is not None else '—'}（参考）")
    if maybe:
        fig += f"；另有 {len(maybe)} 家规模/注册地待核实，未计入"
    if outcome is Outcome.PASS:
        reason = f"通过{'一般' if carried == 'general' else '高精尖'}通道：{(general if carried == 'general' else hpp).reason}"
    elif outcome is Outcome.FAIL:
        reason = general.reason + ("；" + hpp.reason if applies is not False else "")
    else:
        reason = "企业数或集聚度取决于待核实的数据" if maybe or general.outcome is Outcome.REVIEW else "是否适用高精尖通道待确认"
    if n == 0 and not maybe:
        reason = "无入驻本市小型、微型企业，" + reason
    return ART6_5.result(outcome, fig, reason, parts=(general, hpp), value={
        "n": n, "pending": len(maybe), "leading": leading, "leading_derived": derived,
        "leading_count": l_sure, "ratio": ratio, "ratio_all": ratio_all, "resident_total": all_resident,
        "track": carried, "hpp_applies": applies})


# -- where each rule reads a case (jidi_xl.evaluate computes the declared rules through these) -------------

wire(ART6_5, "firms.roster", "firms.leading_industries", "firms.hpp_manufacturing")
