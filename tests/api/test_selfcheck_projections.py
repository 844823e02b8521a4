"""The self-check form's projected years (the forward plan's expected figures, docs/plan.md): a collapsed part
built from the catalogue's `projections` section; typed projections reach the profile and the report's 申报规划;
blank ones leave the profile as it was; saved answers carry them; their errors land on their inputs."""

import html
import json
import re

from fastapi.testclient import TestClient

from api.selfcheck_form import PROJECTION_COLUMNS, PROJECTION_FIELDS, form_from_profile, profile_from_form
from engine import default_assessor, validate_profile
from engine.plan import Planner
from tests.api.conftest import example
from tests.api.test_selfcheck import hidden_profile


def plan_statuses(page: str) -> list[tuple[str, str]]:
    return re.findall(r'id="plan-([\d-]+)" class="[^"]*" data-status="(\w+)"', page)


def as_of_year(page: str) -> int:
    match = re.search(r"规划日期 (\d{4})-", page)
    assert match, "the plan section says its date"
    return int(match.group(1))


def test_the_form_has_a_collapsed_projections_part_with_every_year_field(client: TestClient) -> None:
    page = client.get("/").text
    assert re.search(r'<details class="projection-inputs" id="section-projections">', page)  # collapsed
    part = page[page.index('id="section-projections"') :].split("</details>")[0]
    assert "七、预计年度（规划用）" in part and "<script" not in part
    for column in range(PROJECTION_COLUMNS):
        assert f'name="projections[{column}].year"' in part
        for spec in PROJECTION_FIELDS:
            assert f'name="projections[{column}].{spec.name}"' in part, spec.name
            assert html.escape(spec.zh, quote=False) in part, spec.name
    assert "7. Projected years (for the plan)" in client.get("/?lang=en").text


def test_blank_projections_leave_the_profile_as_it_was() -> None:
    profile = example("eligible-firm")
    values = form_from_profile(profile).values
    # the projected years are headed by the years after the year table's last, ready to be typed in
    last = max(int(values[f"years[{column}].year"]) for column in range(3))
    assert [values[f"projections[{c}].year"] for c in range(PROJECTION_COLUMNS)] == [
        str(last + 1 + c) for c in range(PROJECTION_COLUMNS)
    ]
    assert "projections" not in profile_from_form(values).profile


def test_typed_projections_reach_the_profile_and_the_plan(client: TestClient) -> None:
    values = form_from_profile(example("eligible-firm")).values
    before = client.post("/report", data=values).text
    year = as_of_year(before)  # the current year is open in the plan: without a projection it is carried forward
    assert f"{year}年未提供预测" in before
    typed = {
        **values,
        "projections[1].year": str(year),
        **{f"projections[1].{s.name}": values[f"years[2].{s.name}"] for s in PROJECTION_FIELDS},
        "projections[1].rd_expense": "900",  # more R&D than the year before, as the firm plans
    }
    typed["projections[1].rd_expense_domestic"] = "880"
    page = client.post("/report", data=typed).text
    carried = hidden_profile(page)
    (projection,) = carried["projections"]  # column 0 left blank (only its year): no entry
    assert projection["year"] == year and projection["rd_expense"] == 900 and projection["rd_expense_domestic"] == 880
    assert str(projection["sales_revenue"]) == values["years[2].sales_revenue"]
    assert f"{year}年未提供预测" not in page  # the plan used the projection instead of carrying a year forward
    plan = Planner(default_assessor()).plan(validate_profile(carried))
    assert plan_statuses(page) == [(c["date"], c["status"]) for c in plan["candidates"]]


def test_saved_answers_carry_the_projections_and_load_back_open(client: TestClient) -> None:
    values = {
        **form_from_profile(example("eligible-firm")).values,
        "projections[0].year": "2025",
        "projections[0].sales_revenue": "12,000.5",
        "projections[0].rd_expense": "600",
    }
    saved = client.post("/profile.json", data=values)
    assert saved.status_code == 200
    profile = json.loads(saved.content)
    assert profile["projections"] == [{"year": 2025, "sales_revenue": 12000.5, "rd_expense": 600}]
    loaded = client.post("/edit", files={"profile_file": ("answers.json", saved.content, "application/json")}).text
    assert re.search(r'<details class="projection-inputs" id="section-projections" open>', loaded)
    assert 'name="projections[0].sales_revenue" value="12000.5"' in loaded
    assert 'name="projections[0].year" value="2025"' in loaded
    assert client.post("/profile.json", data=form_from_profile(profile).values).json() == profile


def test_a_bad_projection_is_shown_on_its_input_in_its_column(client: TestClient) -> None:
    values = {
        **form_from_profile(example("eligible-firm")).values,
        "projections[1].year": "2026",
        "projections[1].rd_expense": "10",
        "projections[1].rd_expense_domestic": "20",  # more than the R&D expense it is part of
    }
    response = client.post("/report", data=values)
    assert response.status_code == 422
    page = response.text
    assert re.search(r'<details class="projection-inputs" id="section-projections" open>', page)
    cell = page.split('id="f-projections-1-rd_expense_domestic"')[1].split("</td>")[0]
    assert 'class="field-error"' in cell
    assert "预计 2026 年" in page.split('id="error-summary"')[1].split("</section>")[0]
