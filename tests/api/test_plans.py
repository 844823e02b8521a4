"""POST /v1/plans, POST /v1/assessments/what-if, the report's 申报规划 section and its what-if page."""

import json
import re
from html import unescape

from fastapi.testclient import TestClient

from tests.plan.plan_cases import plan_profile


def test_plan_endpoint_gives_candidates_and_the_earliest_round(client: TestClient) -> None:
    profile = plan_profile("growing", {"incidents": [{"kind": "safety", "date": "2025-01-10"}]})
    response = client.post("/v1/plans", json={"profile": profile, "as_of": "2025-03-01"})
    assert response.status_code == 200
    plan = response.json()
    assert response.headers["X-Rules-Version"] == plan["rules_version"]
    assert [c["date"] for c in plan["candidates"]] == ["2025-06-30", "2026-06-30", "2027-06-30"]
    assert plan["candidates"][0]["reasons"][0]["code"] == "compliance"
    assert plan["earliest_date"] == "2026-06-30"


def test_plan_endpoint_names_the_bad_field_under_profile(client: TestClient) -> None:
    profile = plan_profile("growing", {"projections": [{"year": 2025, "rd_expense": 10, "rd_expense_domestic": 20}]})
    response = client.post("/v1/plans", json={"profile": profile, "as_of": "2025-03-01"})
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f.startswith("profile.projections[") and f.endswith("rd_expense_domestic") for f in fields), fields
    assert client.post("/v1/plans", json={"profile": profile, "as_of": "2025-3-1"}).status_code == 422


def test_what_if_endpoint_gives_both_assessments_and_the_delta(client: TestClient) -> None:
    profile = plan_profile("growing", {})
    changes = [{"path": "years[2].rd_expense", "value": 10}, {"path": "years[2].rd_expense_domestic", "value": 10}]
    response = client.post("/v1/assessments/what-if", json={"profile": profile, "changes": changes})
    assert response.status_code == 200
    body = response.json()
    assert body["before"]["verdict"] == "eligible" and body["after"]["verdict"] == "not_eligible"
    assert body["delta"]["verdict"] == {"before": "eligible", "after": "not_eligible", "changed": True}
    assert body["delta"]["changed_criteria"] == ["rd_expense_ratio"]
    assert body["delta"]["readiness"]["change"] < 0


def test_what_if_endpoint_refuses_a_path_the_profile_lacks(client: TestClient) -> None:
    profile = plan_profile("growing", {})
    response = client.post("/v1/assessments/what-if",
                           json={"profile": profile, "changes": [{"path": "years[9].rd_expense", "value": 1}]})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "changes[0].path" and error["message"]["zh"] and error["message"]["en"]


def _report(client: TestClient, profile: dict, lang: str) -> str:
    response = client.post("/report", data={"profile_json": json.dumps(profile), "lang": lang})
    assert response.status_code == 200
    return response.text


def test_report_has_the_plan_section_and_a_what_if_form(client: TestClient) -> None:
    page = _report(client, plan_profile("growing", {}), "zh")
    assert 'id="plan"' in page and "申报规划" in page
    assert 'action="/report/what-if"' in page and "<script>" not in page.split('id="plan"')[1]
    english = _report(client, plan_profile("growing", {}), "en")
    assert "Application plan" in english


def test_what_if_page_shows_before_and_after(client: TestClient) -> None:
    profile = plan_profile("growing", {})
    page = _report(client, profile, "en")
    form = page.split('id="what-if-form"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    fields = {unescape(k): unescape(v) for k, v in fields.items()}
    rd_field = next(k for k in fields if k.endswith(".rd_expense"))
    fields[rd_field] = "1"
    fields[rd_field.replace("rd_expense", "rd_expense_domestic")] = "1"
    response = client.post("/report/what-if", data=fields)
    assert response.status_code == 200
    row = response.text.split('id="what-if-rd_expense_ratio"')[1].split("</tr>")[0]
    assert "✓" in row and "✗" in row
    assert 'class="changed"' in response.text
