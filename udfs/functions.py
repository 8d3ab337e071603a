"""The ``JIDI_`` functions: each converts its cells, calls one ``jidi_xl`` rule and returns one value.

Catalogue with arguments and articles: docs/udfs.md. No rule logic lives here.
"""
from __future__ import annotations

import functools
from datetime import date

from jidi_xl import checks
from jidi_xl import fields as F
from jidi_xl import readings
from jidi_xl.results import Outcome, apply_override, combine, outcome_of
from jidi_xl import rules
from jidi_xl.rules.chapter4 import GRADES, consequence
from jidi_xl.rules.recognition import VERDICT_ZH
from jidi_xl.rules.recognition import failing as failing_articles_of

from . import context, tables
from jidi_xl.errors import RuleSetError

from .adapters import UdfInputError, boolean, cells, code, identity, integer, is_empty, number, scalar, to_date
from .registry import PART_ARG, Arg, pick, udf

R = Arg  # brevity in the catalogue below


def rs():
    """The rule-set of the current evaluation, as the host set it from the workbook (:mod:`udfs.context`)."""
    return context.current()


def _ref(x, field="参照日期") -> date:
    d = to_date(x, field)
    if d is None:
        snap = readings.evaluation_snapshot(2000)        # the evaluation's snapshot day (readings.EVAL_SNAPSHOT)
        raise UdfInputError(field, f"缺少参照日期（申请受理截止日期或评价年度{snap.month}月{snap.day}日）")
    rs().check_in_force(d, field)
    return d


_PLAIN_ARG = (str, int, float, bool, type(None))


def _once(rule: str, args: tuple, compute):
    """``compute()`` (a rule's result from the cells ``args``) once per evaluation for the same cells.

    The result / 数据 / 理由 cells of one rule (评价结果!D13, G13, H13 = ``JIDI_ART6_8(in_staff,in_staff_declared
    [,"数据"|"理由"])``) ask the same question; measured, each call converted its cells and evaluated the rule
    again. In one evaluation (:func:`udfs.context.memo`: the headless engine's ``using`` block per workbook) the
    result — or the input error it raised, raised again — is kept under the rule, the rule-set and the cells: a
    range argument by :func:`udfs.adapters.identity` (the memo holds its arrays alive, as the roster's), a plain
    value by its type and value. Anything else (xlwings' lists, no memo: Excel, LibreOffice, a bare call) is
    computed as before, every call."""
    scratch = context.memo()
    if scratch is None:
        return compute()
    key: list = [rule, rs().key]
    held = []
    for a in args:
        ident = identity(a)
        if ident is not None:
            key.append(ident[0])
            held.append(ident[1])
        elif type(a) in _PLAIN_ARG:
            key.append((type(a).__name__, a))
        else:
            return compute()
    k = tuple(key)
    hit = scratch.get(k)
    if hit is None:
        try:
            hit = (held, compute(), None)
        except (UdfInputError, RuleSetError) as exc:
            hit = (held, None, exc)
        scratch[k] = hit
    if hit[2] is not None:
        raise hit[2]
    return hit[1]


@functools.lru_cache(maxsize=None)
def _width(group: str) -> int:
    """:func:`jidi_xl.fields.width` of a 第六条 group (a fixed declaration: measured, finding it in the catalogue
    was ≈0.1 ms a call)."""
    return F.width(group)


def _flags(x, group: str, field: str) -> list[bool | None]:
    """The 是/否 cells of a 第六条 flag group of the field catalogue; its width is the group's."""
    n = _width(group)
    vals = cells(x)
    if len(vals) < n:
        raise UdfInputError(field, f"应引用 {n} 个是/否单元格，实际 {len(vals)} 个")
    return [boolean(v, f"{field}第{i + 1}项") for i, v in enumerate(vals[:n])]


# -- firm size and 第六条第（五）项 ----------------------------------------------------------------------

@udf("JIDI_SIZE_CLASS", "按《中小企业划型标准规定》判定企业规模（大型/中型/小型/微型）", "size", "规模中文名或“待核实”",
     R("sector", "划型行业"), R("employees", "从业人员（人）"), R("revenue", "营业收入（万元）"),
     R("assets", "资产总额（万元）"), R("declared", "已申报规模（可空）", optional=True), PART_ARG)
def size_class(sector, employees, revenue, assets, declared=None, part=None):
    r = rules.size_class(rs(), tables.sector_code(rs(), sector, "划型行业"), number(employees, "从业人员"),
                         number(revenue, "营业收入"), number(assets, "资产总额"), code(declared, "已申报规模", "size_classes", rs()))
    if part is None:
        return rs().label("size_classes", r.value) if r.value else r.outcome.zh
    return pick(r, part)


def _art6_5(roster, leading, hpp, share: str | None = None):
    """The 第六条第（五）项 result of these cells; one evaluation per workbook and arguments (the memo).

    ``share`` lets a function that reads only parts of the result independent of an argument it does not have take
    any result of the same workbook already computed with some value of it (measured: each evaluation classifies
    the 150 firms again, ≈3 ms): ``"lead"`` — the leading industries, ratios and counts, which
    :func:`jidi_xl.rules.firms.art6_5_firms` derives from the roster and the leading industries before it looks at
    the 高精尖 declaration (JIDI_LEADING_INDUSTRIES, JIDI_CONCENTRATION); ``"any"`` — n, the firms that count, which it
    derives from the roster alone (JIDI_SMALL_MICRO_COUNT). Without such a result, the missing argument is blank."""
    given = [code(v, "主导产业", "industries", rs()) for v in cells(leading)] if leading is not None else []
    lead = tuple(c for c in given if c)
    # a blank roster is "not entered" (待核实), as a case without firms.roster, not n = 0
    firms = tables.roster(rs(), roster) or None
    args = (rs(), firms, lead or None, boolean(hpp, "高精尖制造业基地"))
    scratch = context.memo()
    if scratch is None:
        return _art6_5_for(*args)
    # in one evaluation the roster is one object (tables.roster's memo): keyed by it, held alive with the entry
    base = ("art6_5", args[0].key, id(firms))
    if share is not None:
        hit = scratch.get(base + (("lead", args[2]) if share == "lead" else ("any",)))
        if hit is not None:
            return hit[1]
    key = base + (args[2], args[3])
    hit = scratch.get(key)
    if hit is None:
        # (computed directly: the content cache would hash the 150 firms for a roster met once)
        hit = scratch[key] = (firms, _art6_5_for.__wrapped__(*args))
        scratch.setdefault(base + ("lead", args[2]), hit)
        scratch.setdefault(base + ("any",), hit)
    return hit[1]


@functools.lru_cache(maxsize=16)
def _art6_5_for(ruleset, firms, leading, hpp):
    """One recalculation asks ~8 cells about the same roster (n, ratio, track, result, figures, reason…);
    the rule-set is part of the key, so two workbooks of different rule-sets never share a result."""
    return rules.art6_5_firms(ruleset, firms, list(leading) if leading else None, hpp)


@udf("JIDI_ART6_5", "第六条第（五）项：入驻本市小微企业数与主导产业集聚度（两条通道）", "art6_5", "结果/数据/理由/依据，或值的键 n/ratio/ratio_all/track/leading",
     R("roster", "入驻企业名册（9列，见 docs/udfs.md）", range=True), R("leading", "主导产业（至多2格，可空则按名册推定）", range=True),
     R("hpp", "是否申报为聚集高精尖制造业企业的基地（是/否）"), PART_ARG)
def art6_5(roster, leading, hpp, part=None):
    r = _art6_5(roster, leading, hpp)
    p = scalar(part, "part") if part is not None else None
    if r.value is None and p in ("n", "ratio", "ratio_all", "track", "leading", "leading_count", "pending"):
        return None
    if p == "track":
        return {"general": "一般基地", "hpp": "高精尖制造业基地"}.get(r.value["track"], "未达标")
    if p == "leading":
        return "、".join(rs().label("industries", c) for c in r.value["leading"])
    return pick(r, part)


@udf("JIDI_SMALL_MICRO_COUNT", "入驻本市小型、微型企业家数 n（规模待核实的企业不计入）", "art6_5", "整数",
     R("roster", "入驻企业名册（9列）", range=True))
def small_micro_count(roster):
    # n of the 第六条第（五）项 result (the firms whose status counts: rules.firms.art6_5_firms), taken from the
    # workbook's evaluation of it (_art6_5's share="any"; measured: classifying the roster once more was ≈4 ms); a
    # blank roster is None, as the result's value
    r = _art6_5(roster, None, None, share="any")
    return None if r.value is None else r.value["n"]


@udf("JIDI_LEADING_INDUSTRIES", "主导产业：已申报的，或按名册中本市小微企业最多的产业推定（个数为规则集的主导产业数）", "art6_5", "文本",
     R("roster", "入驻企业名册（9列）", range=True), R("leading", "已申报主导产业（可空）", range=True, optional=True))
def leading_industries(roster, leading=None):
    r = _art6_5(roster, leading, None, share="lead")
    if r.value is None:
        return None
    names = "、".join(rs().label("industries", c) for c in r.value["leading"])
    return f"{names}（推定）" if r.value["leading_derived"] and names else names


@udf("JIDI_CONCENTRATION", "主导产业企业集聚度 = 主导产业本市小微企业数 ÷ 本市小微企业数 n", "art6_5_concentration", "比率（0–1）",
     R("roster", "入驻企业名册（9列）", range=True), R("leading", "主导产业（可空）", range=True, optional=True),
     R("over", "“all” 时按全部入驻企业计（参考值）", optional=True))
def concentration(roster, leading=None, over=None):
    r = _art6_5(roster, leading, None, share="lead")
    if r.value is None:
        return None
    return r.value["ratio_all"] if scalar(over, "over") == "all" else r.value["ratio"]


@udf("JIDI_TRACK", "第六条第（五）项由哪条通道满足：一般基地/高精尖制造业基地/未达标", "art6_5", "文本",
     R("roster", "入驻企业名册（9列）", range=True), R("leading", "主导产业", range=True), R("hpp", "是否申报高精尖制造业基地"))
def track(roster, leading, hpp):
    r = _art6_5(roster, leading, hpp)
    if r.value is None:
        return None
    return {"general": "一般基地", "hpp": "高精尖制造业基地"}.get(r.value["track"], "未达标")


# The reviewer's 处罚记录已核查 flag (spec §0): only 是 makes a blank penalty table "checked, none".
CHECKED_ARG = R("checked", "处罚记录已核查（是/否）：选“是”时空表即无处罚；空或“否”且无记录为待核实")


# -- 第六条 other items ---------------------------------------------------------------------------------

@udf("JIDI_ART6_1", "第六条第（一）项：独立法人、注册在本市、成立年限（规则集门槛）、滚动孵化功能", "art6_1", "结果/数据/理由/依据",
     R("ref_date", "参照日期"), R("flags", f"独立法人资格、注册地在本市、滚动孵化功能（{F.width('art6_1')}格是/否）", range=True),
     R("established_on", "成立日期"), PART_ARG)
def art6_1(ref_date, flags, established_on, part=None):
    def compute():
        a, b, c = _flags(flags, "art6_1", "运营主体")
        return rules.art6_1_operator(rs(), _ref(ref_date), a, b, to_date(established_on, "成立日期"), c)
    return pick(_once("art6_1", (ref_date, flags, established_on), compute), part)


@udf("JIDI_ART6_2", "第六条第（二）项：经营良好，申请前规定年限内无刑事及严重行政处罚，无严重失信", "art6_2", "结果/数据/理由/依据",
     R("ref_date", "参照日期"), R("good_operation", "经营良好、管理规范（是/否）"),
     R("penalties", "处罚记录（4列：日期、类型、对象、说明）", range=True), CHECKED_ARG,
     R("dishonesty", "存在严重失信行为（是/否）"), PART_ARG)
def art6_2(ref_date, good_operation, penalties, checked, dishonesty, part=None):
    def compute():
        return rules.art6_2_conduct(rs(), _ref(ref_date), boolean(good_operation, "经营良好"),
                                    tables.penalty_record(rs(), penalties, checked), boolean(dishonesty, "严重失信"))
    return pick(_once("art6_2", (ref_date, good_operation, penalties, checked, dishonesty), compute), part)


@udf("JIDI_ART6_3", "第六条第（三）项：立项手续、产业政策、发展方向与定位", "art6_3", "结果/数据/理由/依据",
     R("flags", f"{F.width('art6_3')}格是/否", range=True), PART_ARG)
def art6_3(flags, part=None):
    return pick(_once("art6_3", (flags,), lambda: rules.art6_3_planning(rs(), *_flags(flags, "art6_3", "立项与定位"))),
                part)


@udf("JIDI_ART6_4", "第六条第（四）项：建筑总面积、公共服务空间不少于规则集门槛", "art6_4", "结果/数据/理由/依据",
     R("building_area", "建筑总面积（㎡）"), R("public_area", "公共服务空间（㎡）"), PART_ARG)
def art6_4(building_area, public_area, part=None):
    def compute():
        b, p = number(building_area, "建筑总面积"), number(public_area, "公共服务空间")
        bad = checks.not_more("public_space", p, b)
        if bad:
            raise UdfInputError("公共服务空间", bad)
        return rules.art6_4_area(rs(), b, p)
    return pick(_once("art6_4", (building_area, public_area), compute), part)


@udf("JIDI_ART6_6", "第六条第（六）项：治理结构、战略规划、发展目标、实施方案", "art6_6", "结果/数据/理由/依据",
     R("flags", f"{F.width('art6_6')}格是/否", range=True), PART_ARG)
def art6_6(flags, part=None):
    return pick(_once("art6_6", (flags,), lambda: rules.art6_6_governance(rs(), *_flags(flags, "art6_6", "治理与规划"))),
                part)


@udf("JIDI_ART6_7", "第六条第（七）项：管理制度、服务流程、服务台账、收费标准、质量监督", "art6_7", "结果/数据/理由/依据",
     R("flags", f"{F.width('art6_7')}格是/否", range=True), PART_ARG)
def art6_7(flags, part=None):
    return pick(_once("art6_7", (flags,), lambda: rules.art6_7_management(rs(), *_flags(flags, "art6_7", "管理制度"))),
                part)


@udf("JIDI_ART6_8", "第六条第（八）项：本科及以上学历或中级及以上职称的服务人员不少于规则集门槛", "art6_8", "结果/数据/理由/依据/值（人数）",
     R("staff", "服务人员名单（3列：姓名、学历、职称）", range=True), R("declared", "申报的符合条件人数（可空）"), PART_ARG)
def art6_8(staff, declared, part=None):
    return pick(_once("art6_8", (staff, declared),
                      lambda: rules.art6_8_staff(rs(), tables.staff(rs(), staff), integer(declared, "申报人数"))), part)


@udf("JIDI_ART6_9", "第六条第（九）项：满意度不低于规则集门槛且提供公益性免费服务", "art6_9", "结果/数据/理由/依据/值（满意度）",
     R("rate", "满意度（0–100%，可空）"), R("satisfied", "满意问卷数（可空）"), R("responses", "有效问卷数（可空）"),
     R("free_service", "提供公益性免费服务（是/否）"), PART_ARG)
def art6_9(rate, satisfied, responses, free_service, part=None):
    def compute():
        r, s, n = number(rate, "满意度"), integer(satisfied, "满意问卷数"), integer(responses, "有效问卷数")
        for field, bad in (("满意度", checks.over_percent(r)), ("满意问卷数", checks.not_more("satisfied", s, n))):
            if bad:
                raise UdfInputError(field, bad)
        return rules.art6_9_satisfaction(rs(), r, s, n, boolean(free_service, "公益性免费服务"))
    return pick(_once("art6_9", (rate, satisfied, responses, free_service), compute), part)


@udf("JIDI_ART6_10", "第六条第（十）项：企业服务站（场所设备、岗位人员、工作指南、对接服务）", "art6_10", "结果/数据/理由/依据",
     R("flags", f"{F.width('art6_10')}格是/否", range=True), PART_ARG)
def art6_10(flags, part=None):
    return pick(_once("art6_10", (flags,), lambda: rules.art6_10_station(rs(), *_flags(flags, "art6_10", "企业服务站"))),
                part)


# The width of the 第七条/第八条 groups is the rule-set's code list (jidi_xl.fields.code_flags), known only once
# a rule-set is chosen: the argument says so rather than a typed number that would go stale.
SF_FLAGS = "服务功能每项一格是/否（按代码表 service_functions 的顺序）"


# -- 第七条、第八条、第十五条 and the verdict ------------------------------------------------------------

def _art7(flags):
    return _once("art7", (flags,),
                 lambda: rules.art7_services(rs(), tables.flag_list(rs(), flags, "service_functions", "服务功能")))


@udf("JIDI_ART7", "第七条：服务功能具备项数不少于规则集门槛", "art7", "结果/数据/理由/依据/值",
     R("flags", SF_FLAGS + "（创业辅导…产业链服务）", range=True), PART_ARG)
def art7(flags, part=None):
    return pick(_art7(flags), part)


@udf("JIDI_ART7_COUNT", "第七条：具备的服务功能项数", "art7", "整数",
     R("flags", SF_FLAGS, range=True))
def art7_count(flags):
    return len(_art7(flags).value or [])


@udf("JIDI_ART8", "第八条：鼓励发展特征（不作为认定条件）", "art8", "数据/理由/值",
     R("flags", "鼓励特征每项一格是/否（按代码表 encouraged_features 的顺序）", range=True), PART_ARG)
def art8(flags, part=None):
    return pick(rules.art8_encouraged(rs(), tables.flag_list(rs(), flags, "encouraged_features", "鼓励特征")), part or "数据")


@udf("JIDI_BAN", "第十五条：是否在撤销称号后的再次申请限制期内", "art15", "结果/数据/理由/依据",
     R("ref_date", "申请受理截止日期"), R("revocations", "撤销记录（2列：日期、原因）", range=True), PART_ARG)
def ban(ref_date, revocations, part=None):
    def compute():
        ref = _ref(ref_date)
        return rules.reapplication_ban(rs(), ref, tables.revocations(rs(), revocations, ref))
    return pick(_once("art15", (ref_date, revocations), compute), part)


@udf("JIDI_BAN_END", "第十五条：撤销后可再次申请的最早日期（撤销日加限制年数，按周年）", "art15", "日期",
     R("revoked_on", "撤销日期"))
def ban_end(revoked_on):
    d = to_date(revoked_on, "撤销日期")
    return rules.ban_end(rs(), d) if d else None


@udf("JIDI_OVERRIDE", "复核改判：有理由时以改判结果为准，否则为计算结果", None, "符合/不符合/待核实",
     R("computed", "计算结果"), R("override", "改判结果（可空）"), R("justification", "改判理由"), reading="override")
def override(computed, override, justification):
    ov = scalar(override, "改判结果")
    if ov is not None:
        try:
            ov = Outcome.parse(str(ov).strip())
        except ValueError:
            raise UdfInputError("改判结果", f"未知的取值 {ov!r}；请从下拉列表选择（符合、不符合、待核实）") from None
    j = scalar(justification, "改判理由")
    try:
        return apply_override(outcome_of(scalar(computed, "计算结果")), ov, None if j is None else str(j)).zh
    except ValueError as exc:
        raise UdfInputError("改判理由", str(exc)) from None


@udf("JIDI_COMBINE", "合并多项结果：任一不符合则不符合，否则任一待核实则待核实，否则符合", None, "符合/不符合/待核实",
     R("outcomes", "各项结果", range=True), reading="three_valued")
def combine_(outcomes):
    return combine(outcome_of(v) for v in cells(outcomes) if not is_empty(v)).zh


@udf("JIDI_RECOGNITION", "认定结论：各项认定条件（第六条、第七条、第十五条再次申请限制）的合并结果", "recognition", "结论文本",
     R("outcomes", "各项条件的最终结果", range=True))
def recognition(outcomes):
    return VERDICT_ZH[combine(outcome_of(v) for v in cells(outcomes))]


@udf("JIDI_FAILING_ARTICLES", "不符合（或待核实）的条款，按条款顺序", "recognition", "文本",
     R("outcomes", "各项结果", range=True), R("articles", "对应条款", range=True))
def failing(outcomes, articles):
    outs = [outcome_of(v) for v in cells(outcomes)]
    arts = []
    for i, a in enumerate(cells(articles)):
        a = scalar(a, f"对应条款第{i + 1}项")
        if a is None:
            raise UdfInputError(f"对应条款第{i + 1}项", "缺少条款名称；请引用与结果一一对应的条款单元格")
        arts.append(str(a))
    if len(outs) != len(arts):
        raise UdfInputError("articles", "结果与条款的单元格数不一致")
    return "、".join(failing_articles_of(zip(arts, outs), combine(outs))) or "无"


# -- 第四章 evaluation ---------------------------------------------------------------------------------

def _score_grid(max_points, weights, scores):
    mp = [number(v, f"指标满分第{i + 1}行") for i, v in enumerate(cells(max_points))]
    ws = [number(v, f"指标权重第{i + 1}行") for i, v in enumerate(cells(weights))] if weights is not None else [None] * len(mp)
    rows = [r for r in tables.grid(scores)]
    inds = [{"code": str(i), "max_points": m, **({"weight": w} if w is not None else {})}
            for i, (m, w) in enumerate(zip(mp, ws)) if m is not None]
    n_exp = max((len(r) for r in rows), default=0)
    experts = []
    for j in range(n_exp):
        col = [number(rows[i][j] if j < len(rows[i]) else None, f"专家{j + 1}·指标{i + 1}") for i in range(len(inds))]
        if all(c is None for c in col):
            continue
        for i, (c, ind) in enumerate(zip(col, inds)):
            bad = checks.score_over_indicator(c, ind["max_points"])
            if bad:
                raise UdfInputError(f"专家{j + 1}·指标{i + 1}", bad)
        experts.append({"scores": col})
    return inds, experts


@udf("JIDI_EXPERT_TOTAL", "一位专家的总分：各指标得分按权重折算后相加", "score", "分数",
     R("max_points", "指标满分列", range=True), R("weights", "指标权重列（可空=满分）", range=True), R("scores", "该专家得分列", range=True),
     reading="rubric_weight")
def expert_total(max_points, weights, scores):
    inds, experts = _score_grid(max_points, weights, scores)
    return rules.chapter4.expert_total(inds, experts[0]["scores"]) if experts else None


@udf("JIDI_TRIMMED_MEAN", "专家总分的去极值平均：专家人数达到规则集门槛时去掉最高分和最低分", "score", "分数",
     R("totals", "各专家总分", range=True), reading="trimmed_mean")
def trimmed_mean(totals):
    given = [number(v, f"专家总分第{i + 1}项") for i, v in enumerate(cells(totals))]
    vals = [v for v in given if v is not None]
    return rules.trimmed_mean(rs(), vals) if vals else None


@udf("JIDI_SCORE", "年度评价得分：按指标和专家评分（去极值平均），或录入的总分", "score", "结果/数据/值（得分）",
     R("max_points", "指标满分列", range=True), R("weights", "指标权重列", range=True),
     R("scores", "得分矩阵（行=指标，列=专家，至多9列）", range=True), R("entered", "录入总分（可空）", optional=True), PART_ARG, reading="trimmed_mean")
def score(max_points, weights, scores, entered=None, part=None):
    def compute():
        inds, experts = _score_grid(max_points, weights, scores)
        total = number(entered, "录入总分")
        bad = checks.score_over_max(total, rs().p("chapter4.max_score"))
        if bad:
            raise UdfInputError("录入总分", bad)
        return rules.evaluation_score(rs(), total, {"indicators": inds, "experts": experts} if experts else None)
    return pick(_once("score", (max_points, weights, scores, entered), compute), part or "值")


def _grade_code(g):
    """A grade label → its code; blank or 待核实 → None; anything else is bad input."""
    t = scalar(g, "评价结果")
    if t is None or str(t).strip() == "待核实":
        return None
    for c, zh in GRADES.items():
        if str(t).strip() in (c, zh):
            return c
    raise UdfInputError("评价结果", f"未知的评价结果 {t!r}；应为 不合格/一般/较好/待核实")


@udf("JIDI_GRADE", "评价结果：不合格/一般/较好（未参加或基础条件不符合为不合格）", "grade", "不合格/一般/较好/待核实",
     R("participated", "是否参加评价（是/否）"), R("basic", "基础门槛条件复核结果"), R("score", "评价得分"), PART_ARG)
def grade(participated, basic, score, part=None):
    def compute():
        b = scalar(basic, "基础条件")
        s = number(score, "评价得分")
        return rules.grade(rs(), boolean(participated, "是否参加"), outcome_of(b) if b is not None else Outcome.REVIEW,
                           None if s is None else rules.chapter4._f(s))
    r = _once("grade", (participated, basic, score), compute)
    if part is None:
        return GRADES.get(r.value, "待核实") if r.outcome is not Outcome.REVIEW else "待核实"
    return pick(r, part)


@udf("JIDI_STARS", "星级（1–5），不合格无星级（暂定分档）", "stars", "整数或空",
     R("score", "评价得分"), R("grade", "评价结果"), reading="star_bands")
def stars(score, grade):
    s = number(score, "评价得分")
    return rules.stars(rs(), None if s is None else rules.chapter4._f(s), _grade_code(grade))


@udf("JIDI_FUNDING_TIER", "资金支持档次（较好且三星及以上，暂定；第十五条撤销则无）", "funding_tier", "整数或空",
     R("stars", "星级"), R("grade", "评价结果"), R("art15", "第十五条情形结果（可空）", optional=True), reading="star_bands")
def funding_tier(stars, grade, art15=None):
    a15 = scalar(art15, "第十五条") if art15 is not None else None
    revoked = a15 is not None and outcome_of(a15) is Outcome.FAIL
    return rules.funding_tier(rs(), integer(stars, "星级"), _grade_code(grade), revoked)


@udf("JIDI_CONSEQUENCE", "评价结果的处理：撤销/保留不支持/分档奖励；第十五条情形优先", "consequence", "文本",
     R("grade", "评价结果"), R("stars", "星级"), R("tier", "资金档次"), R("art15", "第十五条情形结果（可空）", optional=True))
def consequence_(grade, stars, tier, art15=None):
    a15 = scalar(art15, "第十五条") if art15 is not None else None
    revoked = a15 is not None and outcome_of(a15) is Outcome.FAIL
    return consequence(rs(), _grade_code(grade), integer(stars, "星级"), integer(tier, "资金档次"), revoked_art15=revoked)


@udf("JIDI_ART15", "第十五条：评价年度内的撤销情形（虚假材料、刑事及严重行政处罚、严重失信）", "art15_triggers", "结果/数据/理由/依据",
     R("year", "评价年度"), R("false_materials", "提供虚假材料和数据（是/否）"),
     R("penalties", "处罚记录（4列）", range=True), CHECKED_ARG, R("dishonesty", "严重失信行为（是/否）"), PART_ARG)
def art15(year, false_materials, penalties, checked, dishonesty, part=None):
    def compute():
        y = integer(year, "评价年度")
        if y is None:
            raise UdfInputError("评价年度", "缺少评价年度")
        if bad := checks.notice_year(rs(), y):      # the one check of jidi_xl.checks, as the readers make it
            raise UdfInputError("评价年度", bad)
        start, end = readings.evaluation_period(y)
        rs().check_in_force(end, "评价年度截止日")
        return rules.art15_triggers(rs(), start, end, boolean(false_materials, "虚假材料"),
                                    tables.penalty_record(rs(), penalties, checked), boolean(dishonesty, "严重失信"))
    return pick(_once("art15_triggers", (year, false_materials, penalties, checked, dishonesty), compute), part)


# -- 第十七条 ------------------------------------------------------------------------------------------

@udf("JIDI_FILING_DEADLINE", "第十七条：备案期限，变更后第 N 个工作日（N 见规则集；不含变更当日，含调休上班日）", "art17", "日期",
     R("changed_on", "变更日期"))
def filing_deadline(changed_on):
    d = to_date(changed_on, "变更日期")
    # the deadline of JIDI_ART17's own reading: blank when a year has no holiday data (the result is 待核实
    # and its 数据 names the year), as the rules engine leaves it
    return rules.art17_filing(rs(), "name", d, None).value if d else None


@udf("JIDI_WORKDAYS", "两个日期之间的工作日数（不含起始日，含结束日）", "art17", "整数",
     R("start_date", "起始日期"), R("end_date", "结束日期"))
def workdays(start_date, end_date):
    a, b = to_date(start_date, "起始日期"), to_date(end_date, "结束日期")
    return rs().calendar.working_days_between(a, b) if a and b else None


@udf("JIDI_ART17", "第十七条：重大变更是否在规定的工作日数内备案", "art17", "结果/数据/理由/依据/值（期限）",
     R("kind", "变更事项（名称/地址/主营业务）"), R("changed_on", "变更日期"), R("filed_on", "备案日期（可空）"), PART_ARG)
def art17(kind, changed_on, filed_on, part=None):
    def compute():
        k = code(kind, "变更事项", "change_kinds", rs())
        c = to_date(changed_on, "变更日期")
        if k is None or c is None:
            raise UdfInputError("变更事项/变更日期", "须填写变更事项和变更日期")
        f = to_date(filed_on, "备案日期")
        bad = checks.filed_before_change(c, f)
        if bad:
            raise UdfInputError("备案日期", bad)
        return rules.art17_filing(rs(), k, c, f)
    return pick(_once("art17", (kind, changed_on, filed_on), compute), part)
