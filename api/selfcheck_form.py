"""The self-check form: its fields (with the definitions a firm needs, hnte-rules.md §4), the conversion of
a submitted form into a contract profile, and of a profile back into form values.

Every input's ``name`` is its contract path (``company.name``, ``years[1].rd_expense``, ``ip.class1``),
so the engine's field errors land next to the right input. A blank input means the field is absent.
"""

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

# The ladder's inputs (docs/ladder.md) add: "year" (a calendar year), "year_list" ("2022, 2023"), "flag" (a box
# whose unticked state is the section's default, so it is left out) and "choice" (blank / yes / no, for the
# answers whose blank means "not stated": a default of yes, or unknown) and "relocation" (blank / whole /
# partial: recognition.relocation).
Kind = Literal[
    "text",
    "date",
    "money",
    "signed_money",
    "headcount",
    "count",
    "bool",
    "grade",
    "domain",
    "year",
    "year_list",
    "flag",
    "choice",
    "relocation",
]
NUMBER_KINDS = frozenset({"money", "signed_money", "headcount", "count", "year"})
YEAR_COLUMNS = 3
INCIDENT_ROWS = 3


@dataclass(frozen=True)
class Field:
    name: str  # the contract path (inside a year entry for the year table)
    kind: Kind
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""
    required: bool = False
    default: Any = None
    extra: dict[str, str] = field(default_factory=dict)  # HTML attributes (maxlength, pattern …)


COMPANY_FIELDS = (
    Field(
        "company.name",
        "text",
        "企业名称",
        "Company name",
        "与营业执照一致。",
        "As on the business licence.",
        required=True,
        extra={"maxlength": "200"},
    ),
    Field(
        "company.credit_code",
        "text",
        "统一社会信用代码",
        "Unified social credit code",
        "18 位，可不填；填写时按 GB 32100-2015 校验第 18 位。",
        "18 characters, optional; when given, the check character (GB 32100-2015) is verified.",
        extra={
            "maxlength": "18",
            "minlength": "18",
            "pattern": "[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}",
            "autocomplete": "off",
        },
    ),
    Field(
        "company.town",
        "text",
        "所在区镇",
        "District / town",
        "用于区域汇总，可不填。",
        "Used for district totals; optional.",
        extra={"maxlength": "100"},
    ),
    Field(
        "company.registered_on",
        "date",
        "注册成立日期",
        "Date of registration",
        "营业执照上的成立日期。注册满 365 个日历天数方可申报。",
        "The founding date on the business licence; a firm may apply after 365 calendar days.",
        required=True,
    ),
    Field(
        "application_date",
        "date",
        "计划申报日期",
        "Planned application date",
        "默认为今天。“近三个会计年度”指申报年度之前的三个会计年度。",
        "Today by default. The window is the three accounting years before the application year.",
    ),
    Field(
        "tech_domain",
        "domain",
        "核心技术所属领域",
        "Domain of the core technology",
        "《国家重点支持的高新技术领域》八大领域之一；不确定可留空。",
        "One of the eight domains of the national catalogue; leave blank if not sure.",
    ),
)

DOMAINS: tuple[tuple[str, str, str], ...] = (
    ("electronic_information", "电子信息", "Electronic information"),
    ("biomedicine", "生物与新医药", "Biotechnology and new medicine"),
    ("aerospace", "航空航天", "Aerospace"),
    ("new_materials", "新材料", "New materials"),
    ("high_tech_services", "高技术服务", "High-tech services"),
    ("new_energy", "新能源与节能", "New energy and energy saving"),
    ("resources_environment", "资源与环境", "Resources and environment"),
    ("advanced_manufacturing", "先进制造与自动化", "Advanced manufacturing and automation"),
)

YEAR_FIELDS = (
    Field(
        "sales_revenue",
        "money",
        "销售收入（万元）",
        "Sales revenue (10,000 CNY)",
        "主营业务收入 + 其他业务收入，按企业所得税年度纳税申报表口径，不含视同销售收入。",
        "Main business + other business revenue, as on the corporate income tax return, without deemed sales.",
    ),
    Field(
        "total_revenue",
        "money",
        "总收入（万元）",
        "Total revenue (10,000 CNY)",
        "收入总额 − 不征税收入。最近一年必填。",
        "Total income minus non-taxable income. Needed for the latest year.",
    ),
    Field(
        "high_tech_revenue",
        "money",
        "高新技术产品（服务）收入（万元）",
        "High-tech product and service revenue (10,000 CNY)",
        "核心技术属于八大领域的产品（服务）收入，加技术性收入（技术转让、技术服务、接受委托研发）。",
        "Revenue of products and services whose core technology is in the eight domains, plus technical "
        "income (technology transfer, technical services, commissioned R&D).",
    ),
    Field(
        "rd_expense",
        "money",
        "研究开发费用（万元）",
        "R&D expense (10,000 CNY)",
        "指引规定的八类费用：人员人工、直接投入、折旧、摊销、设计、装备调试与试验、委托外部研发（按 80% 计）、"
        "其他（不超过总额 20%）。",
        "The Guidelines' eight categories: personnel, direct inputs, depreciation, amortisation, design, "
        "equipment trials, commissioned external R&D (at 80%), other (at most 20% of the total).",
    ),
    Field(
        "rd_expense_domestic",
        "money",
        "其中：境内研发费用（万元）",
        "of which incurred in China (10,000 CNY)",
        "在中国境内发生的研究开发费用，不得大于研发费用总额。",
        "R&D expense incurred in China; at most the total.",
    ),
    Field(
        "net_assets",
        "signed_money",
        "年末净资产（万元）",
        "Net assets at year end (10,000 CNY)",
        "资产总额 − 负债总额，可为负数。",
        "Total assets minus total liabilities; may be negative.",
    ),
    Field(
        "total_assets",
        "money",
        "资产总额（万元）",
        "Total assets (10,000 CNY)",
        "可不填（用于科技型中小企业等梯度评价）。",
        "Optional (used by the ladder tiers).",
    ),
    Field(
        "total_costs",
        "money",
        "成本费用支出总额（万元）",
        "Total costs and expenses (10,000 CNY)",
        "可不填（用于科技型中小企业等梯度评价）。",
        "Optional (used by the ladder tiers).",
    ),
    Field(
        "staff_total",
        "headcount",
        "职工总数（人，年平均）",
        "Total staff (annual average)",
        "全年月平均人数的平均值，可有小数。最近一年必填。",
        "The average of the monthly averages of the year; may be fractional. Needed for the latest year.",
    ),
    Field(
        "staff_sci_tech",
        "headcount",
        "科技人员（人，年平均）",
        "S&T personnel (annual average)",
        "直接从事研发和相关技术创新活动，以及专门从事上述活动的管理和提供直接技术服务的人员，当年累计工作 183 天以上。",
        "Staff directly in R&D and related innovation, or managing or directly serving it, with at least "
        "183 days of work in the year.",
    ),
    Field(
        "achievements_transformed",
        "count",
        "科技成果转化数（项）",
        "S&T results transformed (number)",
        "当年完成转化的科技成果数；同一成果转化为多个产品或在境内外转化，只计一次。",
        "Results transformed in the year; one result turned into several products, or at home and abroad, counts once.",
    ),
)

IP_FIELDS = (
    Field(
        "ip.class1",
        "count",
        "Ⅰ类知识产权（件）",
        "Class I IP (number)",
        "发明专利（含国防专利）、植物新品种、国家级农作物品种、国家新药、国家一级中药保护品种、集成电路布图设计专有权；"
        "须在中国境内授权、有效、归申报企业所有，申请中的不计。",
        "Invention patents (incl. defence patents), new plant varieties, national crop varieties, national new "
        "drugs, first-grade protected Chinese medicines, IC layout designs — granted in China, valid, owned "
        "by the firm; pending applications do not count.",
        default=0,
    ),
    Field(
        "ip.class2",
        "count",
        "Ⅱ类知识产权（件）",
        "Class II IP (number)",
        "实用新型专利、外观设计专利、软件著作权等；商标不计。",
        "Utility models, designs, software copyrights etc.; trademarks do not count.",
        default=0,
    ),
    Field(
        "ip.class2_used",
        "count",
        "其中：已用于以往认定的Ⅱ类（件）",
        "of which used in an earlier recognition",
        "Ⅱ类知识产权只能用于一次认定；Ⅰ类可重复使用。",
        "Class II IP may be used for one recognition only; Class I may be used again.",
        default=0,
    ),
    Field(
        "ip.advancement",
        "grade",
        "技术先进程度（自评）",
        "Advancement of the technology (self-assessed)",
        "A 国际领先 … E 一般；不确定可留空（按 0–8 分全区间预测）。",
        "A leading … E ordinary; leave blank if unsure (the whole 0–8 range is predicted).",
    ),
    Field(
        "ip.core_support",
        "grade",
        "对主要产品的核心支持作用（自评）",
        "Core support to the main products (self-assessed)",
        "A 强 … E 无；不确定可留空（按 0–8 分全区间预测）。",
        "A strong … E none; leave blank if unsure (the whole 0–8 range is predicted).",
    ),
    Field(
        "ip.self_developed",
        "bool",
        "部分知识产权来自自主研发",
        "Some of the IP comes from own R&D",
        "不勾选表示全部通过受让、受赠、并购取得。",
        "Unticked: all of it was acquired by transfer, gift or merger.",
        default=True,
    ),
    Field(
        "ip.supports_main_products",
        "bool",
        "知识产权对主要产品（服务）发挥核心支持作用",
        "The IP gives core technical support to the main products",
        default=True,
    ),
    Field(
        "ip.standards",
        "bool",
        "参与编制国家或行业标准、检测方法、技术规范",
        "Took part in drafting national or industry standards, test methods or technical specifications",
        default=False,
    ),
)

RD_MANAGEMENT_FIELDS = (
    Field(
        "rd_management.rd_org_system", "bool", "制定了研究开发的组织管理制度", "R&D organisation and management rules"
    ),
    Field("rd_management.rd_accounting_system", "bool", "建立了研发投入核算体系", "An R&D input accounting system"),
    Field("rd_management.rd_aux_accounts", "bool", "编制了研发费用辅助账", "R&D expense auxiliary accounts"),
    Field(
        "rd_management.rd_institution",
        "bool",
        "设立了内部研究开发机构并具备相应科研条件",
        "An internal R&D institution with research conditions",
    ),
    Field(
        "rd_management.industry_university_research",
        "bool",
        "与高校、科研院所开展产学研合作",
        "Cooperation with universities and research institutes",
    ),
    Field(
        "rd_management.transformation_incentives",
        "bool",
        "建立了科技成果转化的组织实施与激励奖励制度",
        "Rules and rewards for transforming S&T results",
    ),
    Field(
        "rd_management.open_innovation_platform",
        "bool",
        "建立了开放式的创新创业平台",
        "An open innovation and start-up platform",
    ),
    Field(
        "rd_management.talent_training",
        "bool",
        "开展科技人员和职工的培养进修、职工技能培训",
        "Training of S&T staff and workers",
    ),
    Field(
        "rd_management.talent_incentives",
        "bool",
        "建立了人才引进、绩效评价与奖励制度",
        "Talent introduction, performance evaluation and rewards",
    ),
)

INCIDENT_KINDS: tuple[tuple[str, str, str], ...] = (
    ("safety", "重大安全事故", "Major safety accident"),
    ("quality", "重大质量事故", "Major quality accident"),
    ("environment", "严重环境违法行为", "Serious environmental violation"),
)
GRADES = ("A", "B", "C", "D", "E")

# The cultivation ladder's optional sections (docs/ladder.md). Every input may stay blank: a blank input
# is absent, so a form that leaves them all blank gives the v1 profile it gave before.
LADDER_FIELDS = (
    Field(
        "recognition.certificate_date",
        "date",
        "现有高新技术企业证书发证日期",
        "Date of the current HNTE certificate",
        "已认定的企业填写；未认定留空。证书有效期三年，不得晚于计划申报日期。",
        "For a recognised firm; blank if not recognised. A certificate is valid for three years; not after the "
        "application date.",
    ),
    Field(
        "recognition.certificate_number",
        "text",
        "证书编号",
        "Certificate number",
        "如 GR202232001234，可不填。",
        "E.g. GR202232001234; optional.",
        extra={"maxlength": "50"},
    ),
    Field(
        "recognition.annual_reports_filed",
        "year_list",
        "已填报年度发展情况报表的年度",
        "Years whose annual development report was filed",
        "如 2022, 2023, 2024；每年 5 月底前填报上一年度，有效期内累计两年未填报的取消资格。留空表示未说明。",
        "E.g. 2022, 2023, 2024; each year's report is due by 31 May of the next year, and two missing cancel the "
        "status. Blank: not stated.",
        extra={"maxlength": "200"},
    ),
    Field(
        "recognition.change_unreported",
        "flag",
        "发生更名或重大变化（分立、合并、重组、经营业务变化）未在三个月内报告",
        "A name or major change (split, merger, restructuring, change of business) not reported within 3 months",
    ),
    Field(
        "recognition.application_fraud",
        "flag",
        "被认定在申请认定过程中存在严重弄虚作假行为",
        "Found to have seriously falsified the application",
    ),
    Field(
        "recognition.cancelled_on",
        "date",
        "高新技术企业资格被取消的日期",
        "Date the HNTE status was cancelled",
        "资格（因任何原因）已被认定机构取消的，填写取消日期；被取消当年不得再次申请认定。未取消留空。",
        "If the authority has cancelled the status (for any reason), its date; no new application in that year. "
        "Blank if not cancelled.",
    ),
    Field(
        "recognition.relocation",
        "relocation",
        "跨认定机构管理区域迁移",
        "Moved to another recognition authority's region",
        "整体迁移且在有效期内完成的资格继续有效；部分搬迁的由迁入地重新认定（办法第十八条）。未迁移留空。",
        "A whole move completed within the validity keeps the status; after a partial move the new region "
        "recognises the firm anew (Art. 18). Blank if not moved.",
    ),
    Field(
        "enterprise.cit_audit_based",
        "choice",
        "居民企业，企业所得税查账征收",
        "Resident enterprise, CIT assessed on its accounts",
        "留空按“是”处理。",
        "Blank counts as yes.",
    ),
    Field(
        "enterprise.registered_in_jiangsu",
        "choice",
        "在江苏省内注册",
        "Registered in Jiangsu",
        "留空时按统一社会信用代码第 3–4 位（32）判断，未填代码则为待定。",
        "Blank: read from the credit code (characters 3–4 = 32); unknown without a code.",
    ),
    Field(
        "enterprise.branch_office",
        "flag",
        "分公司或其他不具备独立法人资格的机构",
        "A branch or other entity that is not an independent legal person",
    ),
    Field(
        "enterprise.sales_or_trading_company",
        "flag",
        "销售型或贸易型企业",
        "A sales or trading company",
    ),
    Field(
        "enterprise.large_soe_or_foreign_base",
        "flag",
        "大型央企或外资企业的生产基地",
        "A large central SOE, or a foreign firm's production base",
    ),
    Field(
        "enterprise.excluded_sector",
        "flag",
        "烟草、铁路、矿产资源、公用事业等垄断性行业，或房地产、基础设施、金融业",
        "Tobacco, railways, mineral resources, public services or another monopoly; real estate, infrastructure, "
        "banking",
    ),
    Field(
        "enterprise.restricted_industry",
        "flag",
        "产品（服务）属于国家禁止、限制和淘汰类",
        "Products or services of a prohibited, restricted or eliminated kind",
    ),
    Field(
        "enterprise.super_deduction_excluded_industry",
        "flag",
        "属于不适用研发费用加计扣除政策的行业",
        "An industry excluded from the R&D super-deduction",
        "本条件的适用尚待确认（评价结果中注明）。",
        "Whether this condition applies is unconfirmed (the result says so).",
    ),
    Field(
        "enterprise.abnormal_operation_list",
        "flag",
        "被列入经营异常名录",
        "On the list of firms with abnormal operations (经营异常名录)",
    ),
    Field(
        "enterprise.serious_dishonesty_list",
        "flag",
        "被列入严重违法失信名单",
        "On the list of serious violations and dishonesty (严重违法失信名单)",
    ),
    Field(
        "enterprise.research_misconduct",
        "flag",
        "上一年度至今存在严重科研失信行为",
        "Serious research misconduct in the previous or current year",
    ),
    Field(
        "enterprise.serious_fraud",
        "flag",
        "上一年度至今存在严重弄虚作假行为",
        "Serious fraud in the previous or current year",
    ),
    Field(
        "enterprise.specialised_sme",
        "flag",
        "已认定为专精特新企业",
        "A recognised 专精特新 (specialised and innovative) enterprise",
    ),
    Field(
        "enterprise.sci_tech_little_giant",
        "flag",
        "已认定为科技小巨人企业",
        "A recognised 科技小巨人 (sci-tech little giant) enterprise",
    ),
    Field(
        "achievements.national_award_year",
        "year",
        "最近一次获国家级科技奖励的年度",
        "Latest year of a national S&T award",
        "企业为获奖单位前三名；不得晚于申报年度。没有则留空。",
        "With the firm among the first three units; not after the application year. Blank if none.",
    ),
    Field(
        "achievements.provincial_rd_institution",
        "flag",
        "拥有经认定的省部级以上研发机构",
        "A recognised provincial-or-higher R&D institution",
    ),
    Field(
        "achievements.standard_led_year",
        "year",
        "最近一次主导制定国际、国家或行业标准的年度",
        "Latest year the firm led an international, national or industry standard",
        "不得晚于申报年度。没有则留空。",
        "Not after the application year. Blank if none.",
    ),
    Field(
        "achievements.tech_sme_enrolled_year",
        "year",
        "最近一次入库科技型中小企业的年度",
        "Latest year enrolled as a technology-based SME",
        "入库登记编号当年有效，每年须重新评价。不得晚于申报年度；未入库留空。",
        "An enrolment number holds for its year: evaluate again every year. Not after the application year; "
        "blank if never enrolled.",
    ),
    Field(
        "funding.private_investment",
        "flag",
        "已获得私募股权投资",
        "Has received private equity investment",
    ),
    Field(
        "funding.investment_received",
        "choice",
        "获得过投资（任何形式）",
        "Has received investment (of any kind)",
        "潜在独角兽只要求“获得过投资”。留空时按是否获得私募股权投资判断。",
        "A potential unicorn needs any investment. Blank: read from the private-equity answer.",
    ),
    Field("funding.listed", "flag", "已上市", "Listed"),
    Field(
        "funding.valuation_usd",
        "money",
        "最近一次估值（万美元）",
        "Latest valuation (10,000 USD)",
        "单位为万美元（1 亿美元 = 10000）。没有则留空。",
        "In 10,000 US dollars (US$100 million = 10000). Blank if none.",
    ),
    Field(
        "funding.valuation_cny",
        "money",
        "最近一次估值（万元人民币）",
        "Latest valuation (10,000 CNY)",
        "潜在独角兽可按人民币 3 亿元（30000 万元）判断。没有则留空。",
        "The potential-unicorn alternative of ¥300 million (30000). Blank if none.",
    ),
    Field(
        "funding.core_tech_breakthrough",
        "flag",
        "在关键核心技术上取得突破等",
        "A key core-technology breakthrough or similar",
    ),
    Field(
        "upkeep.ip_applications",
        "count",
        "本年度知识产权申请数（件）",
        "IP applications this year (number)",
        "计划申报日期所在年度。留空表示未说明。",
        "In the year of the application date. Blank: not stated.",
    ),
    Field(
        "upkeep.ip_applications_class1",
        "count",
        "其中：Ⅰ类知识产权申请（件）",
        "of which Class I (number)",
        "不得大于申请总数。",
        "At most the total.",
    ),
    Field(
        "upkeep.rd_projects_filed",
        "choice",
        "研发项目均已备案",
        "Every R&D project filed (研发项目备案)",
        "留空表示未说明（待定）。",
        "Blank: not stated (unknown).",
    ),
    Field(
        "upkeep.super_deduction_used",
        "choice",
        "已享受研发费用加计扣除",
        "The R&D super-deduction used",
        "留空表示未说明（待定）。",
        "Blank: not stated (unknown).",
    ),
)
LADDER_YEAR_FIELDS = (
    Field(
        "employees",
        "headcount",
        "从业人员（人）",
        "Employees (从业人员)",
        "用于瞪羚企业的人数标准；不以职工总数代替。可不填。",
        "For the gazelle's employee route; total staff is never used in its place. Optional.",
    ),
)
# the ladder's sections as the form shows them: (legend zh, legend en, section prefix)
LADDER_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("高新技术企业证书", "HNTE certificate", "recognition."),
    ("企业情况", "The enterprise", "enterprise."),
    ("科技成果与荣誉", "Awards and standards", "achievements."),
    ("融资与估值", "Funding and valuation", "funding."),
    ("本年度维持事项", "This year's upkeep", "upkeep."),
)
CHOICES: tuple[tuple[str, str, str], ...] = (("yes", "是", "Yes"), ("no", "否", "No"))
YEAR_LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")

SCALAR_FIELDS: tuple[Field, ...] = (*COMPANY_FIELDS, *IP_FIELDS, *RD_MANAGEMENT_FIELDS)
BOOL_FIELDS = tuple(f for f in SCALAR_FIELDS if f.kind == "bool")


@dataclass
class FormState:
    """What the form shows: the value of every input (by name), the year columns and incident rows."""

    values: dict[str, str]
    year_columns: int
    incident_rows: int
    errors: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def ladder_open(self) -> bool:
        """The collapsed ladder section opens when it holds an answer or an error."""
        names = {spec.name for spec in LADDER_FIELDS}
        employees = [
            f"years[{column}].{spec.name}" for column in range(self.year_columns) for spec in LADDER_YEAR_FIELDS
        ]
        return any(self.values.get(name) for name in (*names, *employees)) or any(
            name in self.errors for name in (*names, *employees)
        )


@dataclass
class Converted:
    """A profile made from a form, and where each list entry came from (for the error paths)."""

    profile: dict[str, Any]
    year_column: list[int]  # profile years[i] came from form column year_column[i]
    incident_row: list[int]


# form → profile -----------------------------------------------------------------------------------


def _number(text: str, kind: Kind) -> Any:
    """'3,200.5' → Decimal('3200.5'); a count → int; text that is no number stays text (the engine says so)."""
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    if kind in ("count", "year") and value == value.to_integral_value():
        return int(value)
    return value


def _scalar(text: str, kind: Kind) -> Any:
    text = text.strip()
    if kind in NUMBER_KINDS:
        return _number(text, kind) if text else None
    if kind in ("grade", "domain"):
        return text or None  # blank = not known (null)
    return text or None


def _year_list(text: str) -> list[Any] | None:
    """'2022, 2023，2024' → [2022, 2023, 2024]; a part that is no year stays text (the engine says so)."""
    parts = [part for part in YEAR_LIST_SEPARATORS.split(text.strip()) if part]
    return [_number(part, "year") for part in parts] or None


def _ladder_value(text: str, kind: Kind) -> Any:
    """A ladder input's contract value, or None when it is left out (blank, unticked, not stated)."""
    text = text.strip()
    if kind == "flag":
        return True if text in ("on", "true", "1", "yes") else None  # unticked: the default, "not the case"
    if kind == "choice":
        return {"yes": True, "no": False}.get(text, text or None)  # anything else is the engine's to refuse
    if kind == "year_list":
        return _year_list(text)
    if kind == "relocation":
        return text or None  # whole / partial; anything else is the engine's to refuse
    return _scalar(text, kind)


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _count(form: Mapping[str, str], prefix: str, minimum: int) -> int:
    indexes = [minimum - 1]
    for name in form:
        if name.startswith(prefix + "["):
            try:
                indexes.append(int(name[len(prefix) + 1 : name.index("]")]))
            except ValueError:
                continue
    return min(max(indexes) + 1, 50)  # a hand-made form cannot make us loop for long


def profile_from_form(form: Mapping[str, str]) -> Converted:
    """The contract profile of a submitted form. Blank inputs are absent; unticked boxes are false."""
    profile: dict[str, Any] = {}
    for spec in SCALAR_FIELDS:
        if spec.kind == "bool":
            _put(profile, spec.name, form.get(spec.name) in ("on", "true", "1", "yes"))
            continue
        value = _scalar(form.get(spec.name, ""), spec.kind)
        if value is not None or spec.kind in ("grade", "domain"):
            _put(profile, spec.name, value)
    for spec in LADDER_FIELDS:  # a ladder section appears only when one of its inputs is filled in
        value = _ladder_value(form.get(spec.name, ""), spec.kind)
        if value is not None:
            _put(profile, spec.name, value)

    years, year_column = [], []
    for column in range(_count(form, "years", YEAR_COLUMNS)):
        entry: dict[str, Any] = {}
        for spec in (*YEAR_FIELDS, *LADDER_YEAR_FIELDS):
            value = _scalar(form.get(f"years[{column}].{spec.name}", ""), spec.kind)
            if value is not None:
                entry[spec.name] = value
        if not entry:  # a column left blank: that year's entry is absent
            continue
        year_text = form.get(f"years[{column}].year", "").strip()
        entry = {"year": _number(year_text, "count") if year_text else None, **entry}
        years.append(entry)
        year_column.append(column)
    profile["years"] = years

    incidents, incident_row = [], []
    for row in range(_count(form, "incidents", INCIDENT_ROWS)):
        kind = form.get(f"incidents[{row}].kind", "").strip()
        date = form.get(f"incidents[{row}].date", "").strip()
        note = form.get(f"incidents[{row}].note", "").strip()
        if not (kind or date or note):
            continue
        incident: dict[str, Any] = {"kind": kind or None, "date": date or None}
        if note:
            incident["note"] = note
        incidents.append(incident)
        incident_row.append(row)
    profile["incidents"] = incidents
    return Converted(profile, year_column, incident_row)


_YEAR_LIST_INPUTS = frozenset(spec.name for spec in LADDER_FIELDS if spec.kind == "year_list")


def errors_by_input(errors: list[dict[str, Any]], converted: Converted | None) -> dict[str, list[dict[str, str]]]:
    """The engine's field errors keyed by the input they belong to (list indexes mapped back to the form)."""
    placed: dict[str, list[dict[str, str]]] = {}
    for error in errors:
        path = error["field"]
        if converted is not None:
            path = _form_path(path, "years", converted.year_column)
            path = _form_path(path, "incidents", converted.incident_row)
        if path.startswith("years[") and path.endswith("]"):
            path += ".year"
        message = error["message"]
        listed, _, item = path.partition("[")
        if listed in _YEAR_LIST_INPUTS and item.rstrip("]").isdigit():  # one year of a list input
            number = int(item.rstrip("]")) + 1
            path, message = (
                listed,
                {"zh": f"第 {number} 个年度：{message['zh']}", "en": f"year {number}: {message['en']}"},
            )
        placed.setdefault(path, []).append(message)
    return placed


def _form_path(path: str, prefix: str, origin: list[int]) -> str:
    if not path.startswith(prefix + "["):
        return path
    end = path.index("]")
    try:
        index = int(path[len(prefix) + 1 : end])
        return f"{prefix}[{origin[index]}]{path[end + 1 :]}"
    except (ValueError, IndexError):
        return path


_EXACT = re.compile(r'"\\u0000(-?[0-9.E+-]+)\\u0000"')


def profile_to_json(profile: dict[str, Any]) -> str:
    """The profile as JSON text with every figure exactly as given (the saved file, the hidden field)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            # json has no exact decimal: mark the figure's text, then unquote it below.
            return f"\0{value}\0"
        raise TypeError(type(value).__name__)

    text = json.dumps(profile, ensure_ascii=False, indent=2, default=plain)
    return _EXACT.sub(r"\1", text)


# profile → form -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def _ladder_text(value: Any, kind: Kind) -> str:
    if kind == "choice" and isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "year_list" and isinstance(value, list):
        return ", ".join(_text(year) for year in value)
    return _text(value)


def _get(profile: Mapping[str, Any], path: str) -> Any:
    value: Any = profile
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def window_years(application_date: str | None) -> list[int]:
    try:
        year = dt.date.fromisoformat(application_date or "").year
    except ValueError:
        year = dt.date.today().year
    return [year - 3, year - 2, year - 1]


def blank_form(today: dt.date | None = None) -> FormState:
    today = today or dt.date.today()
    return form_from_profile({"application_date": today.isoformat()})


def form_from_profile(profile: Mapping[str, Any]) -> FormState:
    """The form values of a profile (a loaded file, or the answers behind a report), defaults filled in."""
    values: dict[str, str] = {}
    for spec in SCALAR_FIELDS:
        value = _get(profile, spec.name)
        if spec.kind == "bool" and value is None:
            value = spec.default
        values[spec.name] = _text(value)
    if not values["application_date"]:
        values["application_date"] = dt.date.today().isoformat()
    for spec in LADDER_FIELDS:
        values[spec.name] = _ladder_text(_get(profile, spec.name), spec.kind)

    entries = [e for e in profile.get("years") or [] if isinstance(e, Mapping)]
    by_year = {e.get("year"): e for e in entries}
    columns = window_years(values["application_date"])
    columns += [y for y in by_year if y not in columns]  # years outside the window are kept, not lost
    numbered = sorted(y for y in columns if isinstance(y, int))
    others = [y for y in columns if not isinstance(y, int)]
    for column, year in enumerate([*numbered, *others]):
        entry = by_year.get(year, {})
        values[f"years[{column}].year"] = _text(year)
        for spec in (*YEAR_FIELDS, *LADDER_YEAR_FIELDS):
            values[f"years[{column}].{spec.name}"] = _text(entry.get(spec.name))
    year_columns = len(numbered) + len(others)

    incidents = [i for i in profile.get("incidents") or [] if isinstance(i, Mapping)]
    for row, incident in enumerate(incidents):
        for name in ("kind", "date", "note"):
            values[f"incidents[{row}].{name}"] = _text(incident.get(name))
    return FormState(values, year_columns, max(INCIDENT_ROWS, len(incidents) + 1))


def form_from_fields(fields: Mapping[str, str]) -> FormState:
    """The form as the firm typed it (to show it again with the errors next to the inputs)."""
    return FormState(
        dict(fields),
        _count(fields, "years", YEAR_COLUMNS),
        _count(fields, "incidents", INCIDENT_ROWS),
    )


_LABELS = {spec.name: (spec.zh, spec.en) for spec in (*SCALAR_FIELDS, *LADDER_FIELDS)}
_YEAR_LABELS = {spec.name: (spec.zh, spec.en) for spec in (*YEAR_FIELDS, *LADDER_YEAR_FIELDS)}
_INCIDENT_LABELS = {"kind": ("类型", "kind"), "date": ("日期", "date"), "note": ("说明", "note")}


def input_label(name: str, values: Mapping[str, str]) -> dict[str, str]:
    """The words for an input in the error summary: 'years[1].staff_total' → '2023 年 职工总数 …'."""
    if name in _LABELS:
        zh, en = _LABELS[name]
        return {"zh": zh, "en": en}
    prefix, _, field_name = name.partition("].")
    if prefix.startswith("years["):
        year = values.get(f"{prefix}].year", "")
        zh, en = _YEAR_LABELS.get(field_name, ("会计年度", "accounting year"))
        return {"zh": f"{year} 年 {zh}", "en": f"{year}: {en}"}
    if prefix.startswith("incidents["):
        row = int(prefix[len("incidents[") :]) + 1 if prefix[len("incidents[") :].isdigit() else 0
        zh, en = _INCIDENT_LABELS.get(field_name, ("事件", "incident"))
        return {"zh": f"第 {row} 项事件的{zh}", "en": f"incident {row}, {en}"}
    return {"zh": name, "en": name}
