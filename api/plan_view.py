"""The report's 申报规划 section (report/_plan.html) and the what-if page: what they show, computed here.

The section plans from today (UTC+8) over the next rounds of rules/plan/rounds.yaml; the what-if form
under it posts a few key figures of the latest window year and gets both assessments side by side.
"""

from typing import Any

from api.report_view import ReportSection, add_report_section
from engine import Profile, default_assessor
from engine.plan import Planner

# the figures the report's what-if form lets the firm edit: (field, zh, en); year fields are the latest
# window year's, the others are paths of the profile
WHAT_IF_YEAR_FIELDS = (
    ("sales_revenue", "销售收入（万元）", "Sales revenue (10,000 CNY)"),
    ("rd_expense", "研究开发费用（万元）", "R&D expense (10,000 CNY)"),
    ("rd_expense_domestic", "境内研究开发费用（万元）", "R&D expense in China (10,000 CNY)"),
    ("high_tech_revenue", "高新技术产品（服务）收入（万元）", "High-tech revenue (10,000 CNY)"),
    ("staff_sci_tech", "科技人员数", "S&T staff"),
    ("achievements_transformed", "科技成果转化数", "Transformations"),
)
WHAT_IF_IP_FIELDS = (
    ("class1", "Ⅰ类知识产权（件）", "Class I IP"),
    ("class2", "Ⅱ类知识产权（件）", "Class II IP"),
)


def plan_context(assessment: dict[str, Any], profile: Profile) -> dict[str, Any]:
    plan = Planner(default_assessor()).plan(profile)
    return {"plan": plan, "what_if": what_if_fields(assessment, profile)}


def what_if_fields(assessment: dict[str, Any], profile: Profile) -> dict[str, Any]:
    """The latest window year's entry (its index in `years`) and the current values of the editable figures."""
    window = assessment.get("window") or []
    latest = window[-1] if window else None
    index = next((i for i, e in enumerate(profile.years) if e.year == latest), None)
    fields = []
    if index is not None:
        entry = profile.years[index]
        for name, zh, en in WHAT_IF_YEAR_FIELDS:
            value = getattr(entry, name)
            fields.append({"path": f"years[{index}].{name}", "label": {"zh": f"{latest} {zh}", "en": f"{latest} {en}"},
                           "value": "" if value is None else f"{value}"})
    for name, zh, en in WHAT_IF_IP_FIELDS:
        fields.append({"path": f"ip.{name}", "label": {"zh": zh, "en": en}, "value": f"{getattr(profile.ip, name)}"})
    return {"year": latest, "fields": fields}


add_report_section(ReportSection("plan", "report/_plan.html", plan_context))
