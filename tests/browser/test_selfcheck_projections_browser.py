"""A firm opens the self-check's projected years in a real Chromium (under the CSP, no inline script), types what
it expects of the current year, and the report's 申报规划 plans on that instead of carrying a year forward."""

import datetime as dt

from playwright.sync_api import Page, expect

from engine import default_assessor, validate_profile
from engine.plan import Planner
from tests.browser.conftest import screenshot
from tests.browser.test_selfcheck_browser import FIRM, fill_as_a_firm


def test_a_projection_typed_into_the_form_is_used_by_the_plan(page: Page) -> None:
    year = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).year  # the plan's today is UTC+8's
    latest = max(FIRM["years"], key=lambda entry: entry["year"])
    projection = {**latest, "year": year, "rd_expense": latest["rd_expense"] * 2}
    projection["rd_expense_domestic"] = projection["rd_expense"]

    fill_as_a_firm(page)
    expect(page.locator("#f-projections-1-rd_expense")).to_be_hidden()  # collapsed until opened
    page.locator("#section-projections summary").click()
    expect(page.locator("#f-projections-1-rd_expense")).to_be_visible()
    page.fill("#f-projections-1-year", str(year))
    for name, value in projection.items():
        if name != "year":
            page.fill(f"#f-projections-1-{name}", str(value))
    screenshot(page, "selfcheck-projections-zh")
    page.click("#submit-button")

    plan_section = page.locator("#plan")
    expect(plan_section).to_be_visible()
    expect(plan_section).not_to_contain_text(f"{year}年未提供预测")  # the projection stands, nothing carried
    plan = Planner(default_assessor()).plan(validate_profile({**FIRM, "projections": [projection]}))
    for candidate in plan["candidates"]:
        expect(page.locator(f"#plan-{candidate['date']}")).to_have_attribute("data-status", candidate["status"])
