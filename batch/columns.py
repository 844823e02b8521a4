"""The flat layout of a contract profile in a spreadsheet: one row per firm, one column per field.

Each column's key is the field's contract path (``years[1].staff_total``), so a validation error's
field names its column directly. The three accounting-year groups and the incident slots are numbered
column groups; a group left entirely empty is simply absent from the profile.
"""

from dataclasses import dataclass
from enum import StrEnum

from engine.bilingual import Bilingual


class Kind(StrEnum):
    text = "text"
    date = "date"
    money = "money"  # 万元, at most 4 decimals, not negative
    signed_money = "signed_money"  # net assets may be negative
    headcount = "headcount"  # annual averages, may be fractional
    count = "count"  # whole numbers
    year = "year"
    year_list = "year_list"  # years as text, "2022, 2023, 2024"
    yes_no = "yes_no"
    tech_domain = "tech_domain"
    grade = "grade"
    incident_kind = "incident_kind"
    relocation = "relocation"  # recognition.relocation: whole / partial


@dataclass(frozen=True)
class Column:
    key: str  # the contract path
    zh: str
    en: str
    kind: Kind
    group: str  # the column group's id (see GROUPS)


YEAR_SLOTS = 3
INCIDENT_SLOTS = 3

# group id → its heading in the template
GROUPS: dict[str, Bilingual] = {
    "company": Bilingual(zh="企业基本信息", en="Company"),
    **{f"year{i}": Bilingual(zh=f"会计年度 {i + 1}", en=f"Accounting year {i + 1}") for i in range(YEAR_SLOTS)},
    "ip": Bilingual(zh="知识产权", en="Intellectual property"),
    "rd_management": Bilingual(zh="研发组织管理（是/否）", en="R&D management (yes/no)"),
    **{
        f"incident{i}": Bilingual(zh=f"安全/质量/环境事故 {i + 1}", en=f"Incident {i + 1}")
        for i in range(INCIDENT_SLOTS)
    },
    # the cultivation ladder's optional sections (docs/ladder.md); empty cells take their defaults
    "recognition": Bilingual(zh="高企证书（培育阶梯，选填）", en="HNTE certificate (ladder, optional)"),
    "enterprise": Bilingual(zh="企业情况（培育阶梯，选填，是/否）", en="The enterprise (ladder, optional, yes/no)"),
    "achievements": Bilingual(zh="奖励与标准（培育阶梯，选填）", en="Awards and standards (ladder, optional)"),
    "funding": Bilingual(zh="融资与估值（培育阶梯，选填）", en="Funding and valuation (ladder, optional)"),
    "upkeep": Bilingual(zh="本年度维持事项（培育阶梯，选填）", en="This year's upkeep (ladder, optional)"),
}

_COMPANY = (
    ("company.name", "企业名称", "Company name", Kind.text),
    ("company.credit_code", "统一社会信用代码", "Unified social credit code", Kind.text),
    ("company.town", "所在区镇", "Town / district", Kind.text),
    ("company.registered_on", "注册成立日期", "Registered on", Kind.date),
    ("application_date", "计划申报日期", "Planned application date", Kind.date),
    ("tech_domain", "技术领域", "Technology domain", Kind.tech_domain),
)
_YEAR = (
    ("year", "年度", "Year", Kind.year),
    ("sales_revenue", "销售收入（万元）", "Sales revenue (10k CNY)", Kind.money),
    ("total_revenue", "总收入（万元）", "Total revenue (10k CNY)", Kind.money),
    ("high_tech_revenue", "高新技术产品（服务）收入（万元）", "High-tech revenue (10k CNY)", Kind.money),
    ("rd_expense", "研发费用（万元）", "R&D expense (10k CNY)", Kind.money),
    ("rd_expense_domestic", "境内研发费用（万元）", "R&D expense in China (10k CNY)", Kind.money),
    ("net_assets", "年末净资产（万元）", "Net assets at year end (10k CNY)", Kind.signed_money),
    ("total_assets", "资产总额（万元）", "Total assets (10k CNY)", Kind.money),
    ("total_costs", "成本费用总额（万元）", "Total costs (10k CNY)", Kind.money),
    ("staff_total", "职工总数（年均）", "Total staff (annual average)", Kind.headcount),
    ("staff_sci_tech", "科技人员数（年均）", "S&T staff (annual average)", Kind.headcount),
    ("achievements_transformed", "科技成果转化数（项）", "S&T results transformed", Kind.count),
    ("employees", "从业人员（人，选填）", "Employees (optional)", Kind.headcount),  # the ladder's gazelle
)
_IP = (
    ("ip.class1", "Ⅰ类知识产权（件）", "Class I IP", Kind.count),
    ("ip.class2", "Ⅱ类知识产权（件）", "Class II IP", Kind.count),
    ("ip.class2_used", "其中已用于认定的Ⅱ类（件）", "Class II already used", Kind.count),
    ("ip.self_developed", "自主研发取得", "Self-developed", Kind.yes_no),
    ("ip.supports_main_products", "对主要产品发挥核心支持作用", "Supports the main products", Kind.yes_no),
    ("ip.advancement", "技术先进程度自评（A–E）", "Advancement grade (A–E)", Kind.grade),
    ("ip.core_support", "核心支持作用自评（A–E）", "Core support grade (A–E)", Kind.grade),
    ("ip.standards", "参与编制标准", "Drafted standards", Kind.yes_no),
)
_RD_MANAGEMENT = (
    ("rd_org_system", "研发组织管理制度", "R&D management rules"),
    ("rd_accounting_system", "研发投入核算体系", "R&D accounting system"),
    ("rd_aux_accounts", "研发费用辅助账", "R&D auxiliary accounts"),
    ("rd_institution", "内部研发机构", "In-house R&D institution"),
    ("industry_university_research", "产学研合作", "Industry–university–research cooperation"),
    ("transformation_incentives", "成果转化激励制度", "Transformation incentives"),
    ("open_innovation_platform", "开放式创新创业平台", "Open innovation platform"),
    ("talent_training", "人才培养与绩效评价", "Talent training and evaluation"),
    ("talent_incentives", "人才引进与激励制度", "Talent incentives"),
)
_INCIDENT = (
    ("kind", "事故类型", "Kind", Kind.incident_kind),
    ("date", "发生日期", "Date", Kind.date),
    ("note", "说明", "Note", Kind.text),
)

# The ladder's sections, one group each (docs/ladder.md has each field's meaning and default).
_LADDER: dict[str, tuple[tuple[str, str, str, Kind], ...]] = {
    "recognition": (
        ("certificate_date", "证书发证日期", "Certificate date", Kind.date),
        ("certificate_number", "证书编号", "Certificate number", Kind.text),
        ("annual_reports_filed", "已填报年度报表的年度", "Annual reports filed (years)", Kind.year_list),
        ("change_unreported", "重大变化未按期报告", "Change not reported", Kind.yes_no),
        ("application_fraud", "申请中严重弄虚作假", "Fraud in the application", Kind.yes_no),
        ("cancelled_on", "资格被取消日期", "Status cancelled on", Kind.date),
        ("relocation", "跨区域迁移（整体/部分）", "Moved region (whole / partial)", Kind.relocation),
    ),
    "enterprise": (
        ("cit_audit_based", "居民企业查账征收（空=是）", "CIT on its accounts (empty = yes)", Kind.yes_no),
        (
            "registered_in_jiangsu",
            "在江苏注册（空=按信用代码）",
            "Registered in Jiangsu (empty = credit code)",
            Kind.yes_no,
        ),
        ("branch_office", "非独立法人（分支机构）", "Branch office", Kind.yes_no),
        ("sales_or_trading_company", "销售或贸易型企业", "Sales or trading company", Kind.yes_no),
        ("large_soe_or_foreign_base", "大型央企或外资生产基地", "Large SOE or foreign base", Kind.yes_no),
        ("excluded_sector", "垄断、房地产、基建、金融等行业", "Excluded sector", Kind.yes_no),
        ("restricted_industry", "禁止、限制和淘汰类", "Restricted industry", Kind.yes_no),
        ("super_deduction_excluded_industry", "不适用加计扣除的行业", "Excluded from the super-deduction", Kind.yes_no),
        ("abnormal_operation_list", "列入经营异常名录", "On the abnormal operation list", Kind.yes_no),
        ("serious_dishonesty_list", "列入严重违法失信名单", "On the serious dishonesty list", Kind.yes_no),
        ("research_misconduct", "严重科研失信行为", "Research misconduct", Kind.yes_no),
        ("serious_fraud", "严重弄虚作假行为", "Serious fraud", Kind.yes_no),
        ("specialised_sme", "专精特新企业", "专精特新 enterprise", Kind.yes_no),
        ("sci_tech_little_giant", "科技小巨人企业", "科技小巨人 enterprise", Kind.yes_no),
    ),
    "achievements": (
        ("national_award_year", "国家级科技奖励年度", "National S&T award year", Kind.year),
        ("provincial_rd_institution", "省部级以上研发机构", "Provincial R&D institution", Kind.yes_no),
        ("standard_led_year", "主导制定标准年度", "Standard led, year", Kind.year),
        ("tech_sme_enrolled_year", "科技型中小企业入库年度", "Tech-SME enrolment year", Kind.year),
    ),
    "funding": (
        ("private_investment", "获得私募股权投资", "Private investment", Kind.yes_no),
        ("investment_received", "获得过投资（空=按私募）", "Any investment (empty = private investment)", Kind.yes_no),
        ("listed", "已上市", "Listed", Kind.yes_no),
        ("valuation_usd", "估值（万美元）", "Valuation (10k USD)", Kind.money),
        ("valuation_cny", "估值（万元）", "Valuation (10k CNY)", Kind.money),
        ("core_tech_breakthrough", "关键核心技术突破", "Core technology breakthrough", Kind.yes_no),
    ),
    "upkeep": (
        ("ip_applications", "本年知识产权申请数（件）", "IP applications this year", Kind.count),
        ("ip_applications_class1", "其中Ⅰ类（件）", "of which Class I", Kind.count),
        ("rd_projects_filed", "研发项目均已备案（空=未说明）", "R&D projects filed (empty = not stated)", Kind.yes_no),
        (
            "super_deduction_used",
            "已享受加计扣除（空=未说明）",
            "Super-deduction used (empty = not stated)",
            Kind.yes_no,
        ),
    ),
}

# incident kind code → label; the template offers the labels, the reader accepts either
INCIDENT_KINDS: dict[str, Bilingual] = {
    "safety": Bilingual(zh="安全生产事故", en="Safety"),
    "quality": Bilingual(zh="质量事故", en="Quality"),
    "environment": Bilingual(zh="环境违法行为", en="Environment"),
}
# recognition.relocation code → label (办法 第十八条)
RELOCATIONS: dict[str, Bilingual] = {
    "whole": Bilingual(zh="整体迁移", en="Whole move"),
    "partial": Bilingual(zh="部分搬迁", en="Partial move"),
}
GRADES = ("A", "B", "C", "D", "E")
YES = ("是", "yes", "y", "true", "1")
NO = ("否", "no", "n", "false", "0")


def _columns() -> tuple[Column, ...]:
    columns = [Column(key, zh, en, kind, "company") for key, zh, en, kind in _COMPANY]
    for slot in range(YEAR_SLOTS):
        columns += [Column(f"years[{slot}].{field}", zh, en, kind, f"year{slot}") for field, zh, en, kind in _YEAR]
    columns += [Column(key, zh, en, kind, "ip") for key, zh, en, kind in _IP]
    columns += [Column(f"rd_management.{key}", zh, en, Kind.yes_no, "rd_management") for key, zh, en in _RD_MANAGEMENT]
    for slot in range(INCIDENT_SLOTS):
        columns += [
            Column(f"incidents[{slot}].{field}", zh, en, kind, f"incident{slot}") for field, zh, en, kind in _INCIDENT
        ]
    for section, fields in _LADDER.items():
        columns += [Column(f"{section}.{field}", zh, en, kind, section) for field, zh, en, kind in fields]
    return tuple(columns)


COLUMNS: tuple[Column, ...] = _columns()
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
NAME_KEY = "company.name"


def column_letter(index: int) -> str:
    """0 → 'A', 26 → 'AA' (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
