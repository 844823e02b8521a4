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
    yes_no = "yes_no"
    tech_domain = "tech_domain"
    grade = "grade"
    incident_kind = "incident_kind"


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

# incident kind code → label; the template offers the labels, the reader accepts either
INCIDENT_KINDS: dict[str, Bilingual] = {
    "safety": Bilingual(zh="安全生产事故", en="Safety"),
    "quality": Bilingual(zh="质量事故", en="Quality"),
    "environment": Bilingual(zh="环境违法行为", en="Environment"),
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
