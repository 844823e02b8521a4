"""A recognised firm opens the self-check's ladder section in a real browser, types its certificate and
this year's facts, and reads its ladder in the report."""

from playwright.sync_api import Page, expect

from engine import default_assessor, validate_profile
from tests.browser.conftest import screenshot
from tests.browser.test_selfcheck_browser import FIRM, fill_as_a_firm


def test_the_ladder_section_opens_takes_the_inputs_and_the_report_shows_the_tiers(page: Page) -> None:
    fill_as_a_firm(page)
    section = page.locator("#section-ladder")
    expect(page.locator("#f-recognition-certificate_date")).to_be_hidden()  # collapsed until opened
    section.locator("summary").click()
    expect(page.locator("#f-recognition-certificate_date")).to_be_visible()

    # the employee table's headings follow the year inputs of section 2
    first = int(FIRM["application_date"][:4]) - 3
    headings = section.locator("th.year-mirror")
    expect(headings).to_have_text([str(first), str(first + 1), str(first + 2)])
    page.fill("#f-years-2-year", str(first + 3))
    expect(headings.nth(2)).to_have_text(str(first + 3))
    page.fill("#f-years-2-year", str(first + 2))

    page.fill("#f-recognition-certificate_date", "2022-12-12")
    page.fill("#f-recognition-annual_reports_filed", "2022, 2023, 2024")
    page.set_checked("#f-enterprise-abnormal_operation_list", True)
    page.fill("#f-upkeep-ip_applications", "6")
    page.fill("#f-upkeep-ip_applications_class1", "1")
    page.select_option("#f-upkeep-rd_projects_filed", "yes")
    page.fill("#f-years-2-employees", "120")
    page.click("#submit-button")

    typed = {
        **FIRM,
        "recognition": {"certificate_date": "2022-12-12", "annual_reports_filed": [2022, 2023, 2024]},
        "enterprise": {"abnormal_operation_list": True},
        "upkeep": {"ip_applications": 6, "ip_applications_class1": 1, "rd_projects_filed": True},
        "years": [{**entry, "employees": 120} if entry["year"] == first + 2 else entry for entry in FIRM["years"]],
    }
    ladder = default_assessor().assess(validate_profile(typed))["ladder"]
    assert ladder["summary"]["tech_sme"] == "not_met"  # the abnormal-operation list rules it out
    for tier, status in ladder["summary"].items():
        expect(page.locator(f"#tier-{tier}")).to_have_attribute("data-status", status)
    expect(page.locator("#ladder-upkeep")).to_contain_text("2025-12-12")  # the certificate's expiry
    screenshot(page, "report-ladder-zh")
