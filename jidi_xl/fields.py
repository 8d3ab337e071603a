"""The field catalogue: every input of the case format declared once.

Each :class:`Field` says its place in the case (its key inside a :class:`Section` or :class:`Table`, so its
path is ``area.building_m2``), its type, unit, range, code list (a ``codes.yaml`` kind), its Chinese label
and help text, and — when it is on the standard workbook — its defined name and the workbook group it sits
in. Flag groups (第六条 items, 第七条 service functions, 第八条 features) and tables (roster, staff,
penalties, revocations, changes, rubric, overrides) are declarations too: a group's width is
``len(group.fields)``, never a typed number.

From this module are derived: the JSON Schema (:func:`case_schema`; the committed
``schema/case.schema.json`` is its output for the default rule-set), the workbook's input cells, names
and validation (``workbooks.layout``), the two directions of the case ⇄ cells codec
(``workbooks.generate.case_cells``, ``workbooks.reader``), the UDF argument contracts (``udfs.tables``,
``udfs.functions``) and the field tables of the docs.

This is the case format: it sits below ``udfs`` and ``workbooks`` and imports neither. The fields derived
from a code list (第七条 service functions, 第八条 features) are expanded from the rule-set passed in
(:func:`code_flags`), never from a rule-set loaded at import time.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .ruleset import DEFAULT_RULESET, KEY_PATTERN   # constants only: importing the module loads no rule-set

if TYPE_CHECKING:   # only for annotations: the catalogue is data, it loads no rule-set
    from .ruleset import RuleSet

FORMAT = "jidi-xl/case@1"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
OUTCOME_CODES = ("PASS", "FAIL", "REVIEW")

#: Chinese names of the code lists, as the workbook's drop-downs and the docs name them.
CODE_KINDS = {"industries": "所属产业", "size_classes": "企业规模", "degrees": "学历", "titles": "职称",
              "penalty_kinds": "处罚类型", "penalty_subjects": "处罚对象", "revocation_grounds": "撤销原因",
              "change_kinds": "变更事项", "service_functions": "服务功能", "encouraged_features": "鼓励特征"}

# Workbook sheets (their names are the workbook's; the layout owns everything else about them).
S_BASIC, S_ROSTER, S_STAFF, S_CONDUCT, S_CHANGES, S_EVAL, S_OVR = (
    "基本信息", "入驻企业", "服务人员", "处罚与撤销", "重大变更", "绩效评价", "复核改判")


# -- declarations ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One input value.

    ``type``: ``string`` · ``date`` (text YYYY-MM-DD) · ``boolean`` · ``number`` · ``integer`` · ``code``
    (one code of ``codes``, or of ``enum``) · ``codes`` (an array of distinct codes) · ``numbers`` (an
    array of numbers or nulls). ``kind`` is the workbook's cell kind (``workbooks.layout.KINDS``), derived
    from the type unless given. ``name`` is the workbook's defined name; ``""``: not on the workbook (or,
    for a table column, named ``<table name>_<key>``).
    """

    key: str
    type: str
    label: str = ""
    help: str = ""
    name: str = ""
    kind: str = ""
    unit: str = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    min_length: int | None = None
    max_items: int | None = None
    codes: str | None = None          # a codes.yaml kind
    enum: tuple | None = None          # a fixed code list (no labels), when not from codes.yaml
    pattern: str | None = None
    default: Any = None
    description: str = ""              # the schema's description (English or the code legend)
    cells: tuple[tuple[str, str, str], ...] = ()   # a ``codes`` field typed into single cells: (name, label, help)
    # docs/case-format.md (its tables are generated from these: :func:`doc_tables`); ``{param.path}`` is
    # filled from the rule-set (jidi_xl.texts.fill), so the docs state the rule-set's figures
    doc: str = ""                      # 含义 (default: the label)
    missing: str = ""                  # 缺失时: what an absent value does (default: its section's)
    article: str = ""                  # 条款 / 用于
    path: str = ""                     # set by the enclosing Section/Table: "area.building_m2"

    @property
    def cell_kind(self) -> str:
        if self.kind:
            return self.kind
        if self.type in ("code", "codes") and self.codes:
            return f"code:{self.codes}"
        return {"string": "text", "date": "date", "boolean": "bool", "number": "number", "integer": "int"}.get(self.type, "text")


@dataclass(frozen=True)
class Section:
    """An object of the case (``area``, ``operator``…, or the root)."""

    key: str
    items: tuple                       # Field | Section | Table | CodeFlags, in case (schema) order
    required: bool = False
    nullable: bool = True
    doc: str = ""                      # docs: 含义 of its row in the enclosing table
    missing: str = ""                  # docs: 缺失时 of each of its fields that does not say its own
    article: str = ""                  # docs: 用于 / 条款
    path: str = ""


@dataclass(frozen=True)
class Table:
    """An array of objects: each item has the ``columns`` (Fields). On the workbook: one row per item,
    ``rows`` rows, the block named ``name`` whose columns are the fields that have a ``label``."""

    key: str
    columns: tuple[Field, ...]
    name: str = ""
    label: str = ""                    # the block's Chinese name (its cells are "label·header")
    rows: int = 0
    required: bool = False
    nullable: bool = True
    min_items: int | None = None
    incomplete: str = ""               # the reader's message for a row lacking a required column
    doc: str = ""                      # docs: 含义 of its row in the enclosing table
    missing: str = ""                  # docs: 缺失时 of that row
    article: str = ""                  # docs: 用于 / 条款
    inline: bool = False               # docs: its columns are rows of the enclosing table (no table of its own)
    path: str = ""

    @property
    def input_columns(self) -> tuple[Field, ...]:
        return tuple(c for c in self.columns if c.label)

    @property
    def headers(self) -> list[str]:
        return [c.label for c in self.input_columns]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.input_columns]

    def column(self, key: str) -> Field:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class CodeFlags:
    """An array of codes of a code list entered as one 是/否 cell per code (第七条, 第八条). Its fields are
    the rule-set's code list: :func:`code_flags` expands them."""

    key: str
    codes: str
    name: str                           # the group's defined name over its cells
    prefix: str                         # each cell's name: prefix + code
    doc: str = ""                       # docs: 含义 of its row in the top-level table
    article: str = ""                   # docs: 用于
    path: str = ""


@dataclass(frozen=True)
class Group:
    """A block of the workbook's 基本信息 sheet (or the 绩效评价 sheet's fields): its article, title,
    note and fields in sheet order. ``flags``: the defined name over its leading 是/否 fields
    (``flag_fields``), the argument of the article's ``JIDI_`` function; its width is their number."""

    key: str
    sheet: str
    article: str
    title: str
    note: str = ""
    fields: tuple[str, ...] = ()        # case paths, in sheet order
    flags: str | None = None
    flag_count: int = 0                 # how many leading fields the flags name spans (set by _group)
    codeflags: str | None = None        # a CodeFlags path: the group is its expanded cells
    articles: tuple[str, ...] = ()      # per field, for a sheet that shows an article on every row


# -- the catalogue ---------------------------------------------------------------------------------

def _flag(key, label, name, help="", **docs) -> Field:
    return Field(key, "boolean", label, help, name, **docs)


def _date(key, label="", help="", name="", required=False, description="", **docs) -> Field:
    return Field(key, "date", label, help, name, required=required, description=description, **docs)


#: The top-level comment key of a case file: a generated file says so here (``examples/*.json`` name the
#: script that writes them); the schema allows it, the reader ignores it, the workbook has no cell for it.
COMMENT = "$comment"

CASE = Section("", (
    Field(COMMENT, "string", "文件注释（读取时忽略）", description="a comment on the file (a generated file names its "
          "generator here); ignored by the reader"),
    Field("format", "const", default=FORMAT, required=True),
    Field("ruleset", "string", "规则集编号", default=DEFAULT_RULESET, pattern=KEY_PATTERN, article="全部",
          doc="规则集编号，默认 `\"bj-2022\"`（`jidi_xl/params/bj-2022.yaml`）；`\"bj-2022@2025\"` 为该规则集加 2025 年度通知"
              "（`jidi_xl/params/bj-2022/notices/2025.yaml`，见 docs/notices.md），此时评价年度须是该通知评价的年度；"
              "未知编号或通知年度是输入错误"),
    Field("case_id", "string", "案例编号", "用于文件名和报告，可空", "in_case_id", article="报告",
          doc="案例编号，出现在报告中；不填时用文件路径"),
    Field("description", "string", "案例说明（可空）", "", "in_description", doc="案例说明（中文）"),
    Section("base", (
        Field("name", "string", "示范基地名称", "必填", "in_base_name", required=True, min_length=1, missing="输入错误"),
        Field("operator_name", "string", "运营主体名称", "", "in_operator_name", doc="运营主体（企业）名称"),
        Field("credit_code", "string", "运营主体统一社会信用代码", "18 位", "in_operator_credit_code", kind="credit_code",
              doc="运营主体统一社会信用代码（18 位）"),
    ), required=True, nullable=False, doc="基地基本信息", article="报告", missing="仅用于展示"),
    Section("recognition", (
        _date("reference_date", "申请受理截止日期（认定参照日）",
              "认定评价的参照日：成立年限、处罚期间、入驻企业数均以此日为准（spec §1）", "in_ref_date", required=True,
              doc="当年申报通知的**申请受理截止日期**，认定的参照日期", article="spec §1", missing="输入错误"),
    ), doc="认定评价：有此项才做认定", article="第六条、第七条、第十五条"),
    Section("evaluation", (
        Field("year", "integer", "绩效评价年度", "绩效评价针对的自然年（通常为上一年）；基础条件按该年 12 月 31 日复核",
              "in_eval_year", kind="year", required=True, minimum=2000, maximum=2100, unit="年", article="第十三条",
              doc="评价年度；规则集带年度通知时（`ruleset` 为 `\"bj-2022@2025\"` 等），须是该通知评价的年度（2025 年通知评价 "
                  "2024 年度），否则是输入错误", missing="输入错误"),
        _flag("participated", "按要求参加绩效评价", "in_participated", "未按要求参加的，视同评价结果不合格",
              doc="是否按要求参加绩效评价；`false` → 视同不合格", article="第十三条",
              missing="评价结果待核实（除非基础门槛或得分已判定不合格）"),
        _flag("false_materials", "在申请认定和绩效评价中提供虚假材料和数据", "in_false_materials", "选“是”属第十五条撤销情形",
              doc="申请认定或绩效评价中是否提供虚假材料和数据", article="第十五条第（一）项",
              missing="第十五条情形待核实（不影响评价等级）"),
        Field("score", "number", "评价总分（直接录入，可空）", "百分制；同时填写专家评分时以专家均分为准", "in_entered_score",
              kind="points", unit="分", minimum=0, article="第十三条、第十四条",
              doc="录入的评价总分（百分制）；超过满分 {chapter4.max_score} 是输入错误。同时给出 `rubric` 时以专家评分为准，"
                  "二者不一致会在报告中注明", missing="若也无 `rubric`：得分待核实 → 评价结果待核实"),
        Section("rubric", (
            Table("indicators", (
                Field("code", "string", "指标代码", name="in_rubric_codes", required=True, doc="指标编号，如 `E1`"),
                Field("name", "string", "指标名称", name="in_rubric_names"),
                Field("max_points", "number", "指标满分", name="in_max_points", kind="points", required=True,
                      exclusive_minimum=0, doc="专家打分的满分"),
                Field("weight", "number", "指标权重（空=满分）", name="in_weights", kind="points", exclusive_minimum=0,
                      doc="该指标折算后的分值（权重），默认等于 `max_points`；全部指标的权重之和必须等于 {chapter4.max_score}，"
                          "否则是输入错误"),
            ), label="评价指标", required=True, nullable=False, min_items=1, rows=10, inline=True, doc="评价指标，按顺序"),
            Table("experts", (
                Field("name", "string", "专家姓名", name="in_expert_names", doc="专家姓名或代号"),
                Field("scores", "numbers", "专家评分（行=指标，列=专家）", name="in_scores", kind="points", required=True,
                      minimum=0, doc="与 `indicators` 一一对应的得分，个数不符或超过该指标满分是输入错误；有 `null` → 得分待核实"),
            ), label="评审专家", required=True, nullable=False, min_items=1, rows=9, inline=True, doc="评审专家"),
        ), doc="指标体系与专家评分（见下）", article="spec §7", missing="用 `score`"),
        _date("decision_date", "撤销决定日期（适用第十五条时）", "用于计算{art15.ban_years:zh}年内不得再次申请的截止日", "in_decision_date",
              description="date of the Bureau's revocation decision, when 第十五条 applies (for the ban end date)",
              doc="市经济和信息化局作出撤销决定的日期（第十五条情形成立时，用于计算“{art15.ban_years:zh}年内不得再次申请”的截止日）",
              article="第十五条", missing="报告不给出限制截止日"),
    ), required=False, doc="年度绩效评价：有此项才做绩效评价", article="第十三条、第十四条、第十五条"),
    Section("operator", (
        _flag("independent_legal_person", "具有独立法人资格", "in_independent_legal_person",
              doc="具有独立法人资格（“一般应”，可由复核改判）"),
        _flag("registered_in_beijing", "注册地在本市", "in_registered_in_beijing"),
        _date("established_on", "运营主体成立日期", "满{art6_1.min_years_established:zh}年按周年计算，含当日", "in_established_on",
              doc="成立日期；成立日期 + {art6_1.min_years_established} 年（周年计算，2 月 29 日 + {art6_1.min_years_established} 年 = "
                  "2 月 28 日）≤ 参照日期即“成立时间{art6_1.min_years_established:zh}年以上”。晚于参照日期是输入错误"),
        _flag("rolling_incubation", "具有滚动孵化小型、微型企业成长的功能", "in_rolling_incubation"),
    ), doc="运营主体", article="第六条第（一）项", missing="第六条第（一）项待核实"),
    Section("conduct", (
        _flag("good_operation", "经营状况良好，管理规范", "in_good_operation",
              missing="第六条第（二）项待核实（有期间内处罚时仍为不符合）"),
        _flag("serious_dishonesty", "存在司法、行政机关认定的严重失信行为", "in_serious_dishonesty",
              "选“是”表示存在严重失信行为（不符合）",
              doc="单位或法定代表人**存在**司法、行政机关认定的严重失信行为（`true` → 不符合）",
              missing="第六条第（二）项待核实；绩效评价中第十五条情形待核实"),
        Table("penalties", (
            _date("date", "处罚日期", required=True, doc="处罚决定日期"),
            Field("kind", "code", "处罚类型", codes="penalty_kinds", required=True, doc="处罚种类"),
            Field("subject", "code", "处罚对象", codes="penalty_subjects", required=True),
            Field("description", "string", "说明"),
        ), "in_penalties", "处罚记录", rows=50, incomplete="处罚记录须填写日期、类型和对象",
            doc="单位、法定代表人或其他人员受到的处罚记录（见下）；`[]` 表示已核查、无处罚",
            missing="处罚记录未核查：第六条第（二）项待核实；绩效评价中第十五条情形待核实（确实无处罚时请填 `[]`，以示已核查）"),
    ), doc="经营与诚信", article="第六条第（二）项、第十五条"),
    Section("planning", (
        _flag("project_approval_complete", "基地建设立项手续完备", "in_project_approval_complete"),
        _flag("fits_policy", "符合本市产业政策和发展规划", "in_fits_policy"),
        _flag("clear_positioning", "具有明确的发展方向、产业定位和完善的管理制度", "in_clear_positioning"),
    ), doc="立项与产业定位", article="第六条第（三）项", missing="第六条第（三）项待核实"),
    Section("area", (
        Field("building_m2", "number", "基地建筑总面积（平方米）", "只填数字，不带单位", "in_building_m2", unit="m²", minimum=0,
              doc="基地建筑总面积；不少于 {art6_4.min_building_area_m2}（含本数）"),
        Field("public_service_m2", "number", "公共服务空间（平方米）", "不能大于建筑总面积", "in_public_service_m2", unit="m²",
              minimum=0, doc="公共服务空间面积；不少于 {art6_4.min_public_service_area_m2}（含本数）。大于建筑总面积是输入错误"),
    ), doc="场地面积", article="第六条第（四）项", missing="第六条第（四）项待核实"),
    Section("firms", (
        Field("leading_industries", "codes", codes="industries", max_items=2, name="in_leading",
              cells=(("in_leading_1", "主导产业一", "从下拉列表选择；可空"), ("in_leading_2", "主导产业二", "从下拉列表选择；可空")),
              doc="基地申报的主导产业",
              missing="不填或 `[]`：取本市小微企业中家数最多的两个产业（并列时按代码表顺序），报告注明“推定”"),
        _flag("hpp_manufacturing", "申报为聚集“高精尖”领域制造业企业的基地", "in_hpp",
              "选“是”且主导产业均在高精尖清单内时，另按 {art6_5.hpp.min_firms} 家、{art6_5.hpp.min_concentration} 的通道判断",
              doc="基地申报为聚集“高精尖”领域制造业企业的基地",
              missing="主导产业全部在高精尖清单内时，高精尖通道是否适用待确认：一般通道不通过时第六条第（五）项最多为待核实；"
                      "主导产业不全在清单内时高精尖通道不适用"),
        Table("roster", (
            Field("name", "string", "企业名称", name="in_roster_name", required=True, min_length=1, missing="输入错误"),
            Field("credit_code", "string", "统一社会信用代码", "18 位，不得重复", "in_roster_credit_code", kind="credit_code",
                  description="统一社会信用代码 (18 chars)",
                  doc="统一社会信用代码：18 位，按 GB 32100-2015 校验（31 个字符，不含 I、O、S、V、Z；末位校验码），位数、字符或"
                      "校验码不对是输入错误，写出该企业的行 `firms.roster[i].credit_code`；同一代码出现两次是输入错误（大小写、"
                      "首尾空格、全角字符不计）。`base.credit_code` 同样校验", missing="不做校验和重复检查"),
            Field("industry", "code", "所属产业", "每家企业只属于一个产业", "in_roster_industry", codes="industries",
                  doc="企业所属产业（每家只有一个）", missing="计入家数，但不算主导产业企业；若可能改变结论则待核实"),
            Field("sector", "string", "划型行业", "划型所依据的行业", "in_roster_sector", kind="sector",
                  description="《中小企业划型标准规定》 sector code (size_standards.yaml)",
                  doc="划型行业（300号文件的行业门类），见[规模划型](#企业规模划型300号文件)", missing="未申报规模时：规模待核实"),
            Field("employees", "integer", "从业人员（人）", name="in_roster_employees", unit="人", minimum=0, doc="从业人员",
                  missing="该行业用到此指标且未申报规模时：规模待核实"),
            Field("revenue_10k", "number", "营业收入（万元）", name="in_roster_revenue", unit="万元", minimum=0,
                  doc="营业收入（上一年度）", missing="该行业用到此指标且未申报规模时：规模待核实"),
            Field("assets_10k", "number", "资产总额（万元）", name="in_roster_assets", unit="万元", minimum=0, doc="资产总额",
                  missing="该行业用到此指标且未申报规模时：规模待核实"),
            Field("size_class", "code", "企业规模（已申报）", "已申报的规模；空则按指标判定", "in_roster_size_class",
                  codes="size_classes", doc="**申报的**企业规模；填写后直接采用，不再按指标划型", missing="按指标划型"),
            Field("beijing_registered", "boolean", "注册地在本市", "注册地在本市选“是”", "in_roster_beijing",
                  missing="该企业是否计入待核实"),
        ), "in_roster", "入驻企业名册", rows=1000, incomplete="入驻企业有数据但缺少企业名称",
            doc="参照日期时的入驻企业名单（在基地内有场地的企业），每家一行（见下）",
            missing="不填：第六条第（五）项待核实；`[]`：0 家 → 不符合"),
    ), doc="主导产业与入驻企业名单", article="第六条第（五）项"),
    Section("governance", (
        _flag("governance_structure", "运营主体治理结构完善、运营管理规范", "in_governance_structure"),
        _flag("strategic_plan", "有明确的战略规划", "in_strategic_plan"),
        _flag("development_goals", "有明确的发展目标", "in_development_goals"),
        _flag("implementation_plan", "有明确的实施方案", "in_implementation_plan"),
    ), doc="治理与规划", article="第六条第（六）项", missing="第六条第（六）项待核实"),
    Section("management", (
        _flag("management_rules", "具有健全的管理制度", "in_management_rules"),
        _flag("service_process", "具有完备的服务流程", "in_service_process"),
        _flag("service_ledger", "具有明晰的服务台账", "in_service_ledger"),
        _flag("fee_standards", "具有明确的收费标准", "in_fee_standards"),
        _flag("quality_supervision", "具有服务质量监督保证措施", "in_quality_supervision"),
    ), doc="管理制度与服务台账", article="第六条第（七）项", missing="第六条第（七）项待核实"),
    Section("staff", (
        Field("declared_qualified", "integer", "申报的本科及以上学历或中级及以上职称服务人员数（人）", "未填名单时按此人数判断",
              "in_staff_declared", unit="人", minimum=0,
              doc="申报的符合条件人数（本科及以上学历或中级及以上职称）",
              missing="若也无 `members`：第六条第（八）项待核实"),
        Table("members", (
            Field("name", "string", "姓名", required=True),
            Field("degree", "code", "学历", codes="degrees", missing="该人是否计入待定；可能影响结论时待核实"),
            Field("title", "code", "职称", codes="titles", doc="技术职称", missing="该人是否计入待定；可能影响结论时待核实"),
        ), "in_staff", "服务人员名单", rows=200, incomplete="服务人员有数据但缺少姓名", inline=True,
            doc="为小微企业服务的人员名单；**有名单时以名单为准**，与申报人数不一致会在报告中注明", missing="用 `declared_qualified`"),
    ), doc="服务人员", article="第六条第（八）项"),
    Section("satisfaction", (
        Field("rate", "number", "入驻小微企业用户满意度（%）", "按百分比填写，如 92%", "in_satisfaction_rate", kind="percent",
              minimum=0, maximum=1, unit="比率", doc="入驻小微企业用户满意度；不低于 {art6_9.min_satisfaction}（含本数）",
              missing="若也无问卷数：第六条第（九）项待核实"),
        Field("satisfied", "integer", "满意问卷数（份）", "", "in_satisfied", unit="份", minimum=0, doc="满意的有效问卷数"),
        Field("responses", "integer", "有效问卷数（份）", "", "in_responses", unit="份", minimum=0,
              doc="有效问卷数；与 `satisfied` 同时填写时按 `satisfied/responses` 精确计算。`satisfied > responses`、"
                  "`responses = 0`、或与 `rate` 相差超过 0.001 是输入错误"),
        _flag("free_public_service", "为入驻企业提供一定的公益性免费服务", "in_free_public_service",
              doc="为入驻企业提供一定的公益性免费服务（两部分须同时具备）", missing="第六条第（九）项待核实"),
    ), doc="满意度与公益服务", article="第六条第（九）项"),
    Section("service_station", (
        _flag("office_and_equipment", "配有固定的办公场所和服务设备", "in_station_office"),
        _flag("staff_with_posts", "配有明确岗位设置的服务工作人员", "in_station_staff"),
        _flag("work_guides", "具有完备的工作指南和制度流程", "in_station_guides"),
        _flag("brokering_services", "统筹调配服务资源，为入驻企业提供各类对接服务", "in_station_brokering"),
    ), doc="企业服务站", article="第六条第（十）项", missing="第六条第（十）项待核实"),
    CodeFlags("service_functions", "service_functions", "in_service_functions", "in_sf_", doc="具备的服务功能", article="第七条"),
    CodeFlags("encouraged", "encouraged_features", "in_encouraged", "in_enc_", doc="鼓励发展特征",
              article="第八条（不作为条件）"),
    Table("revocations", (
        _date("date", "撤销日期", required=True),
        Field("ground", "code", "撤销原因", codes="revocation_grounds", required=True),
    ), "in_revocations", "撤销记录", rows=10, incomplete="撤销记录须填写日期和原因", doc="以往被撤销称号的记录",
        article="第十五条（再次申请限制）"),
    Table("changes", (
        Field("kind", "code", "变更事项", codes="change_kinds", required=True, missing="输入错误"),
        _date("changed_on", "变更日期", required=True, doc="发生变更的日期", missing="输入错误"),
        _date("filed_on", "备案日期", doc="报市经济和信息化局备案的日期；早于变更日期是输入错误",
              missing="该项备案待核实，报告给出备案期限"),
    ), "in_changes", "重大变更", rows=10, incomplete="重大变更须填写变更事项和变更日期", doc="重大变更事项及备案日期",
        article="第十七条"),
    # One row per overridable rule on the workbook (the rules' registry gives the rows: workbooks.layout).
    Table("overrides", (
        Field("rule", "string", required=True, doc="被改判的条件编号（见下表）；每个条件最多一条改判"),
        Field("outcome", "code", "改判结果", "留空表示不改判", "in_ovr", kind="outcome", enum=OUTCOME_CODES, required=True,
              doc="改判后的结果"),
        Field("justification", "string", "改判理由", "改判必须附书面理由（至少 4 个字）", "in_ovr_reason", kind="reason",
              required=True, min_length=4, doc="书面理由"),
        Field("reviewer", "string", "复核人", "", "in_ovr_reviewer"),
    ), "in_overrides", "复核改判（结果、理由、复核人）", doc="复核人对单项条件的改判", article="任一条件"),
), required=True, nullable=False)

#: The reviewer's 是/否 "the penalty record was checked". Its case value is the *presence* of
#: conduct.penalties: 是 → conduct.penalties = the table's rows (possibly []); blank/否 → the rows if any,
#: else the key is absent (待核实) — spec §0: a blank table alone never reads as "checked, none".
PENALTIES_CHECKED = Field("penalties_checked", "boolean", "处罚记录已核查", "已核查信用中国、裁判文书等记录；无处罚也须选“是”",
                          "in_penalties_checked", path="conduct.penalties")

#: The workbook's groups of single input cells, in sheet order.
GROUPS: tuple[Group, ...] = (
    Group("kind", S_BASIC, "", "基地与评价类型", "认定（申请受理截止日期）和绩效评价（评价年度）至少填写一项",
          ("case_id", "base.name", "base.operator_name", "base.credit_code", "description", "recognition.reference_date",
           "evaluation.year")),
    Group("art6_1", S_BASIC, "第六条第（一）项", "运营主体资格与成立时间", "一般应具有独立法人资格，注册地在本市，成立{art6_1.min_years_established:zh}年以上，具有滚动孵化功能",
          ("operator.independent_legal_person", "operator.registered_in_beijing", "operator.rolling_incubation",
           "operator.established_on"), flags="in_art6_1_flags"),
    Group("art6_2", S_BASIC, "第六条第（二）项", "诚信守法", "处罚记录及“处罚记录已核查”填在“处罚与撤销”工作表",
          ("conduct.good_operation", "conduct.serious_dishonesty")),
    Group("art6_3", S_BASIC, "第六条第（三）项", "立项与产业定位", "",
          ("planning.project_approval_complete", "planning.fits_policy", "planning.clear_positioning"), flags="in_art6_3_flags"),
    Group("art6_4", S_BASIC, "第六条第（四）项", "场地面积", "建筑总面积不少于 {art6_4.min_building_area_m2} 平方米，公共服务空间不少于 {art6_4.min_public_service_area_m2} 平方米（含本数）",
          ("area.building_m2", "area.public_service_m2")),
    Group("art6_5", S_BASIC, "第六条第（五）项", "入驻企业与主导产业", "入驻企业名册填在“入驻企业”工作表；主导产业可空（按名册推定）",
          ("firms.leading_industries", "firms.hpp_manufacturing")),
    Group("art6_6", S_BASIC, "第六条第（六）项", "治理与规划", "",
          ("governance.governance_structure", "governance.strategic_plan", "governance.development_goals",
           "governance.implementation_plan"), flags="in_art6_6_flags"),
    Group("art6_7", S_BASIC, "第六条第（七）项", "管理制度与服务台账", "",
          ("management.management_rules", "management.service_process", "management.service_ledger",
           "management.fee_standards", "management.quality_supervision"), flags="in_art6_7_flags"),
    Group("art6_8", S_BASIC, "第六条第（八）项", "服务人员", "名单填在“服务人员”工作表；填写名单时以名单为准",
          ("staff.declared_qualified",)),
    Group("art6_9", S_BASIC, "第六条第（九）项", "满意度与公益服务", "满意度可直接填写，或填写满意问卷数和有效问卷数（精确比较，不低于 {art6_9.min_satisfaction}）",
          ("satisfaction.rate", "satisfaction.satisfied", "satisfaction.responses", "satisfaction.free_public_service")),
    Group("art6_10", S_BASIC, "第六条第（十）项", "企业服务站", "",
          ("service_station.office_and_equipment", "service_station.staff_with_posts", "service_station.work_guides",
           "service_station.brokering_services"), flags="in_art6_10_flags"),
    Group("art7", S_BASIC, "第七条", "服务功能", "至少具备{art7.min_functions:zh}项；含基地引入的第三方专业机构的服务。每项均须选择“是”或“否”",
          codeflags="service_functions"),
    Group("art8", S_BASIC, "第八条", "鼓励发展特征（不作为认定条件，供优先支持参考）", "每项均须选择“是”或“否”；全部留空表示未填",
          codeflags="encouraged"),
    Group("evaluation", S_EVAL, "", "绩效评价", "",
          ("evaluation.participated", "evaluation.false_materials", "evaluation.decision_date", "evaluation.score"),
          articles=("第十三条", "第十五条第（一）项", "第十五条", "第十三条")),
)


@dataclass(frozen=True)
class Check:
    """A cross-field check declared with the fields it compares (applied by :mod:`jidi_xl.checks`):
    ``small`` must not exceed ``big``; the problem is reported on ``small``."""

    id: str
    small: str
    big: str
    message: str        # with {small} and {big}


CHECKS: tuple[Check, ...] = (
    Check("public_space", "area.public_service_m2", "area.building_m2",
          "公共服务空间 {small} m² 大于建筑总面积 {big} m²，数据矛盾；请核对两项面积"),
    Check("satisfied", "satisfaction.satisfied", "satisfaction.responses", "满意数 {small} 大于有效问卷数 {big}；请核对"),
)
CHECK = {c.id: c for c in CHECKS}

#: The argument cells of each condition's ``JIDI_`` function on the workbook, by rule id: the UDF argument
#: contracts. ``{ref}`` is the block's date (the layout fills it in), ``group:K`` the flag group ``K`` of
#: :data:`GROUPS`, ``checked`` the 处罚记录已核查 cell (:data:`PENALTIES_CHECKED`); anything else a case path
#: (a field, a table or a code-flag list).
CONDITION_ARGS: dict[str, tuple[str, ...]] = {
    "art6_1": ("{ref}", "group:art6_1", "operator.established_on"),
    "art6_2": ("{ref}", "conduct.good_operation", "conduct.penalties", "checked", "conduct.serious_dishonesty"),
    "art6_3": ("group:art6_3",),
    "art6_4": ("area.building_m2", "area.public_service_m2"),
    "art6_5": ("firms.roster", "firms.leading_industries", "firms.hpp_manufacturing"),
    "art6_6": ("group:art6_6",),
    "art6_7": ("group:art6_7",),
    "art6_8": ("staff.members", "staff.declared_qualified"),
    "art6_9": ("satisfaction.rate", "satisfaction.satisfied", "satisfaction.responses", "satisfaction.free_public_service"),
    "art6_10": ("group:art6_10",),
    "art7": ("service_functions",),
    "art15": ("{ref}", "revocations"),
    "art15_triggers": ("evaluation.year", "evaluation.false_materials", "conduct.penalties", "checked",
                       "conduct.serious_dishonesty"),
}


# -- walking the catalogue ----------------------------------------------------------------------------

def _set_paths(node, prefix: str):
    path = f"{prefix}.{node.key}" if prefix and node.key else (node.key or prefix)
    if isinstance(node, Section):
        return replace(node, path=path, items=tuple(_set_paths(x, path) for x in node.items))
    if isinstance(node, Table):
        return replace(node, path=path, columns=tuple(replace(c, path=f"{path}[].{c.key}") for c in node.columns))
    return replace(node, path=path)


CASE = _set_paths(CASE, "")


def walk(node=None) -> Iterator:
    """Every declaration under ``node`` (the whole case by default), depth first, in case order."""
    node = CASE if node is None else node
    yield node
    if isinstance(node, Section):
        for x in node.items:
            yield from walk(x)


_INDEX: tuple[Any, dict[str, Any]] | None = None     # (the CASE it was made from, path -> declaration)


def find(path: str):
    """The declaration at a case path (``area.building_m2``, ``firms.roster``, ``firms.roster[].name``).

    Looked up in an index of the catalogue made on the first call (the first declaration of a path in
    :func:`walk`'s order, a table's columns right after the table, as a walk would meet them): the layout and the
    reader ask ≈250 times per process, and each walk visited the whole catalogue (≈10 ms of a cold ``recalc``)."""
    global _INDEX
    if _INDEX is None or _INDEX[0] is not CASE:
        index: dict[str, Any] = {}
        for node in walk():
            index.setdefault(node.path, node)
            if isinstance(node, Table):
                for c in node.columns:
                    index.setdefault(c.path, c)
        _INDEX = (CASE, index)
    try:
        return _INDEX[1][path]
    except (KeyError, TypeError):
        raise KeyError(f"no field {path!r} in the catalogue (jidi_xl/fields.py)") from None


def fields() -> list[Field]:
    """Every single-valued field (table columns excluded), in case order."""
    return [n for n in walk() if isinstance(n, Field)]


def tables() -> list[Table]:
    return [n for n in walk() if isinstance(n, Table)]


TABLE = {t.path: t for t in tables()}
ROSTER, STAFF, PENALTIES = TABLE["firms.roster"], TABLE["staff.members"], TABLE["conduct.penalties"]
REVOCATIONS, CHANGES, OVERRIDES = TABLE["revocations"], TABLE["changes"], TABLE["overrides"]
INDICATORS, EXPERTS = TABLE["evaluation.rubric.indicators"], TABLE["evaluation.rubric.experts"]
GROUP = {g.key: g for g in GROUPS}


def group_fields(g: Group) -> list[Field]:
    return [find(p) for p in g.fields]


def flag_fields(g: Group) -> list[Field]:
    """The leading 是/否 fields a group's ``flags`` name spans: the arguments of its article's function."""
    if not g.flags:
        return []
    out = []
    for f in group_fields(g):
        if f.type != "boolean":
            break
        out.append(f)
    return out


def code_flags(cf: CodeFlags | str, rs: "RuleSet") -> list[Field]:
    """The 是/否 cells of a code list, one per code of ``rs`` (its codes.yaml), in the list's order."""
    node: CodeFlags = find(cf) if isinstance(cf, str) else cf
    return [Field(c, "boolean", lbl, "", f"{node.prefix}{c}", path=f"{node.path}[{c}]") for c, lbl in rs.codes[node.codes].items()]


def argument_name(arg: str) -> str:
    """The workbook defined name of one entry of :data:`CONDITION_ARGS` (``{ref}`` is returned as is)."""
    if arg == "{ref}":
        return arg
    if arg == "checked":
        return PENALTIES_CHECKED.name
    if arg.startswith("group:"):
        g = GROUP[arg[6:]]
        if g.flags:
            return g.flags
        if g.codeflags is None:
            raise ValueError(f"flag group {arg[6:]} declares neither flags nor codeflags")
        return find(g.codeflags).name
    return find(arg).name


def width(group_key: str, rs: "RuleSet | None" = None) -> int:
    """How many cells a flag group's ``JIDI_`` argument spans (第六条 items; 第七条/第八条 need ``rs``)."""
    g = GROUP[group_key]
    if g.codeflags:
        if rs is None:
            raise ValueError(f"the width of {group_key} comes from the rule-set's code list: pass rs")
        return len(code_flags(g.codeflags, rs))
    return len(flag_fields(g))


# -- the JSON Schema ----------------------------------------------------------------------------------

def _legend(rs: "RuleSet", kind: str) -> str:
    return "; ".join(f"{c}={lbl}" for c, lbl in rs.codes[kind].items())


def _field_schema(f: Field, rs: "RuleSet") -> dict:
    if f.type == "const":
        return {"const": f.default}
    null = not f.required
    if f.type == "codes":
        if f.codes is None:
            raise ValueError(f"{f.path}: a codes field names its code list")
        out: dict = {"type": ["array", "null"]}
        if f.max_items is not None:
            out["maxItems"] = f.max_items
        out["uniqueItems"] = True
        out["items"] = {"type": "string", "enum": list(rs.codes[f.codes]), "description": _legend(rs, f.codes)}
        return out
    if f.type == "numbers":
        item: dict[str, Any] = {"type": ["number", "null"]}
        if f.minimum is not None:
            item["minimum"] = f.minimum
        return {"type": "array" if f.required else ["array", "null"], "items": item}
    base = {"date": "string", "code": "string"}.get(f.type, f.type)
    out = {"type": [base, "null"] if null else base}
    if f.default is not None:
        out["default"] = f.default
    if f.type == "date":
        if f.required:
            out["format"] = "date"
        out["pattern"] = DATE_PATTERN
    if f.pattern:
        out["pattern"] = f.pattern
    if f.min_length is not None:
        out["minLength"] = f.min_length
    if f.minimum is not None:
        out["minimum"] = f.minimum
    if f.exclusive_minimum is not None:
        out["exclusiveMinimum"] = f.exclusive_minimum
    if f.maximum is not None:
        out["maximum"] = f.maximum
    if f.type == "code":
        codes = list(rs.codes[f.codes]) if f.codes else list(f.enum or ())
        out["enum"] = codes + ([None] if null else [])
        if f.codes:
            out["description"] = _legend(rs, f.codes)
    if f.description:
        out["description"] = f.description
    return out


def _object_schema(props: dict, required: list[str], nullable: bool) -> dict:
    return {"type": ["object", "null"] if nullable else "object", "additionalProperties": False,
            "properties": props, "required": required}


def _node_schema(node, rs: "RuleSet") -> dict:
    if isinstance(node, Field):
        return _field_schema(node, rs)
    if isinstance(node, CodeFlags):
        return {"type": ["array", "null"], "uniqueItems": True,
                "items": {"type": "string", "enum": list(rs.codes[node.codes]), "description": _legend(rs, node.codes)}}
    if isinstance(node, Table):
        out: dict = {"type": ["array", "null"] if node.nullable else "array"}
        if node.min_items is not None:
            out["minItems"] = node.min_items
        item = {"type": "object", "additionalProperties": False,
                "properties": {c.key: _field_schema(c, rs) for c in node.columns},
                "required": [c.key for c in node.columns if c.required]}
        out["items"] = item
        return out
    props = {x.key: _node_schema(x, rs) for x in node.items}
    return _object_schema(props, [x.key for x in node.items if getattr(x, "required", False)], node.nullable)


def case_schema(rs: "RuleSet") -> dict:
    """The JSON Schema (draft 2020-12) of a case under rule-set ``rs`` (its code lists)."""
    root = _node_schema(CASE, rs)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://jidi-xl.example/case.schema.json",
            "$comment": "generated from jidi_xl/fields.py — do not edit (python -m jidi_xl.fields)",
            "title": "jidi-xl case: one base's data for recognition and/or annual evaluation",
            "type": "object", "additionalProperties": False, "required": root["required"],
            "properties": root["properties"]}


# -- the docs' field table ---------------------------------------------------------------------------

_TYPE_DOC = {"string": "string", "date": "date", "boolean": "boolean", "number": "number", "integer": "integer",
             "code": "code", "codes": "array of code", "numbers": "array of number/null", "const": "const"}


def _range_doc(f: Field, span: bool = False) -> str:
    """A field's range in words (``≥ 0，≤ 1``; ``span``: ``0–1``, and 不重复 for an array of codes)."""
    parts = []
    if span and f.minimum is not None and f.maximum is not None:
        parts.append(f"{f.minimum:g}–{f.maximum:g}")
    else:
        if f.minimum is not None:
            parts.append(f"≥ {f.minimum:g}")
        if f.maximum is not None:
            parts.append(f"≤ {f.maximum:g}")
    if f.exclusive_minimum is not None:
        parts.append(f"> {f.exclusive_minimum:g}")
    if f.min_length is not None:
        parts.append(f"至少 {f.min_length} 个字")
    if f.max_items is not None:
        parts.append(f"至多 {f.max_items} 项")
    if span and f.type == "codes":
        parts.append("不重复")
    return "，".join(parts)


def reference_rows(rs: "RuleSet") -> list[tuple[str, ...]]:
    """(case path, type, unit, range, code list, required, Chinese label, workbook name) of every input
    field, in case order: the generated field table of docs/case-format.md."""
    rows: list[tuple[str, ...]] = []

    def row(f: Field, path: str, name: str) -> None:
        codes = f"`{f.codes}`" if f.codes else ("、".join(f"`{c}`" for c in f.enum) if f.enum else "")
        rows.append((f"`{path}`", _TYPE_DOC.get(f.type, f.type), f.unit, _range_doc(f), codes, "是" if f.required else "",
                     f.label, f"`{name}`" if name else ""))

    for node in walk():
        if isinstance(node, Field) and node.type != "const":
            row(node, node.path, node.name)
        elif isinstance(node, CodeFlags):
            cells = code_flags(node, rs)
            rows.append((f"`{node.path}`", "array of code", "", "", f"`{node.codes}`", "", CODE_KINDS.get(node.codes, ""),
                         f"`{node.name}`（{len(cells)} 格：{cells[0].name} …）"))
        elif isinstance(node, Table):
            rows.append((f"`{node.path}[]`", "array", "", f"至少 {node.min_items} 项" if node.min_items else "", "",
                         "是" if node.required else "", node.label, f"`{node.name}`" if node.name else ""))
            for c in node.columns:
                name = c.name or (f"{node.name}_{c.key}" if node.name and c.label else "")
                row(c, f"{node.path}[].{c.key}", name if node is not OVERRIDES else (f"{c.name}_<条件编号>" if c.name else ""))
    return rows


def markdown_table(rs: "RuleSet") -> str:
    head = ["字段 field", "类型", "单位", "范围", "代码表", "必填", "中文名称", "工作簿名称"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(x.replace("|", "\\|") for x in r) + " |" for r in reference_rows(rs)]
    return "\n".join(out) + "\n"


# -- the docs' section tables (docs/case-format.md) -------------------------------------------------
#
# Each object of the case (the root, a section, a table of rows) has a table in docs/case-format.md, generated
# here from the declarations above: 字段, 类型, 单位, 含义, 条款, 缺失时 — a column empty in every row of a table
# is left out. A nested section or a table of rows is one row of its parent and has its own table, except a
# table declared ``inline`` (its columns are rows of the parent: ``members[].name``). Decisions: 缺失时 of a
# field that says none is its section's (shown as 同上 when it repeats the row above); 含义 is the field's
# ``doc`` (or its label) with the rule-set's figures filled in, plus a link to its code list.

#: The two sections of which a case needs at least one (jidi_xl.checks.NO_BLOCK says it to the user).
ONE_OF = ("recognition", "evaluation")
DOC_COLUMNS = ("字段", "类型", "单位", "含义", "条款", "缺失时")
TOP_COLUMNS = ("字段", "类型", "必填", "含义", "用于")


def _type_cell(node) -> str:
    if isinstance(node, Section):
        out = "object"
        required = node.required
    elif isinstance(node, Table):
        out = "array" + (f"，≥{node.min_items} 项" if node.min_items else "")
        required = node.required
    elif isinstance(node, CodeFlags):
        return "array of code，不重复"
    else:
        if node.type == "const":
            out = _TYPE_DOC["string"]
        elif node.enum:
            out = " / ".join(f'`"{c}"`' for c in node.enum)
        else:
            out = _TYPE_DOC.get(node.type, node.type)
        rng = _range_doc(node, span=True)
        if rng:
            out += ("，" if rng[0] in "至不" else " ") + rng
        required = node.required
    return out + ("，必填" if required else "")


def _meaning(node, rs: "RuleSet", link) -> str:
    from .texts import fill

    if isinstance(node, Field) and node.type == "const":
        return f'固定为 `"{node.default}"`'
    text = fill(rs, node.doc or getattr(node, "label", "") or "")
    kind = node.codes if isinstance(node, (Field, CodeFlags)) else None
    if kind:
        text += f"，见 [`{kind}`]({link(kind)})"
    return text


def _row_key(node, parent_path: str) -> str:
    rel = node.path[len(parent_path) + 1:] if parent_path else node.path
    return f"`{rel}[]`" if isinstance(node, Table) else f"`{rel}`"


def _doc_rows(node, rs: "RuleSet", link) -> list[dict]:
    """The rows of one object's table: its items (an inline table's columns after its own row)."""
    rows: list[dict] = []
    items = node.columns if isinstance(node, Table) else node.items

    def add(x, key: str, default: str = "") -> None:
        rows.append({"字段": key, "类型": _type_cell(x), "单位": getattr(x, "unit", ""), "含义": _meaning(x, rs, link),
                     "条款": getattr(x, "article", ""), "缺失时": getattr(x, "missing", "") or default})

    for x in items:
        # a section's missing is its own fields' default; a table's is the table's row, not its columns'
        add(x, _row_key(x, node.path) if not isinstance(node, Table) else f"`{x.key}`",
            node.missing if isinstance(node, Section) and isinstance(x, Field) else "")
        if isinstance(x, Table) and x.inline:
            for c in x.columns:
                add(c, f"`{x.key}[].{c.key}`")
    previous = None
    for r in rows:       # a 缺失时 that repeats the row above reads 同上, as a person writes a table
        same = r["缺失时"] and r["缺失时"] == previous
        previous = r["缺失时"]
        if same:
            r["缺失时"] = "同上"
    return rows


def _markdown(columns: tuple[str, ...], rows: list[dict], keep_all: bool = False) -> str:
    cols = [c for c in columns if keep_all or c == "字段" or any(r.get(c) for r in rows)]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join((r.get(c) or "").replace("|", "\\|") for c in cols) + " |" for r in rows]
    return "\n".join(out) + "\n"


def doc_block_name(node) -> str:
    return "table-" + (node.path.replace(".", "-") if node.path else "top")


def doc_tables(rs: "RuleSet", link=lambda kind: f"#{kind}") -> dict[str, str]:
    """{generated block name: markdown table} of every object of the case (``link(kind)``: the docs' anchor of
    a code list). The root's table lists the top-level keys (类型, 必填, 含义, 用于)."""
    top = []
    for x in CASE.items:
        need = "是" if getattr(x, "required", False) else ("二者至少其一" if x.key in ONE_OF else "否")
        top.append({"字段": f"`{x.key}`", "类型": _type_cell(x).removesuffix("，必填"), "必填": need,
                    "含义": _meaning(x, rs, link), "用于": getattr(x, "article", "") or "—"})
    out = {doc_block_name(CASE): _markdown(TOP_COLUMNS, top, keep_all=True)}
    for node in walk():
        if node is CASE:
            continue
        if isinstance(node, Section) or (isinstance(node, Table) and not node.inline):
            out[doc_block_name(node)] = _markdown(DOC_COLUMNS, _doc_rows(node, rs, link))
    return out


#: The generated schema file (``python -m jidi_xl.fields``; ``jidi-xl regenerate``).
SCHEMA_PATH = Path(__file__).parent / "schema" / "case.schema.json"


def schema_text(rs: "RuleSet") -> str:
    import json

    return json.dumps(case_schema(rs), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m jidi_xl.fields [--check]``: write (or check) jidi_xl/schema/case.schema.json."""
    import sys

    from .ruleset import load_ruleset

    argv = sys.argv[1:] if argv is None else argv
    path = SCHEMA_PATH
    text = schema_text(load_ruleset())
    same = path.exists() and path.read_text(encoding="utf-8") == text
    if "--check" in argv:
        if not same:
            print(f"{path} 不是最新，请运行 python -m jidi_xl.fields (stale)", file=sys.stderr)
        return 0 if same else 1
    if not same:
        path.write_text(text, encoding="utf-8")
        print(f"写入 {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
