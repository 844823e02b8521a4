"""Item 1: absurd numbers, digit counts and nesting are field errors at validation — a 422, exit 2 or a row
error, quickly, before any arithmetic — never a 500, a traceback or a stall. And no text holds U+0000."""

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.commands import hnte
from tests.hostile.files import example

TOO_LARGE = "数值过大"


def with_raw(path: str, raw: str) -> str:
    """The eligible example as JSON text, with the value at `path` (e.g. "years.0.sales_revenue") written
    as the raw JSON text `raw` (a number no JSON library would write)."""
    profile = example()
    *parents, last = path.split(".")
    node = profile
    for part in parents:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    node[last] = "@@RAW@@"
    return json.dumps(profile, ensure_ascii=False).replace('"@@RAW@@"', raw)


HOSTILE = [
    ("years.0.sales_revenue", "1e100000", "years[0].sales_revenue"),
    ("years.1.rd_expense", "1e500000", "years[1].rd_expense"),
    ("years.2.net_assets", "-1e999999999999999999", "years[2].net_assets"),
    ("funding.valuation_usd", "1e309", "funding.valuation_usd"),
    ("ip.class1", str(2**64), "ip.class1"),
    ("ip.class2", "9" * 5000, "ip.class2"),
    ("years.0.achievements_transformed", "1" + "0" * 4400, "years[0].achievements_transformed"),
    ("years.0.staff_total", "0." + "0" * 5000 + "1", "years[0].staff_total"),
    ("years.0.year", "9" * 30, "years[0].year"),
    ("upkeep.ip_applications", "1e16", "upkeep.ip_applications"),
    ("years.1.total_assets", "1e" + "9" * 30, "years[1].total_assets"),  # beyond what Decimal holds
]


@pytest.mark.parametrize(("path", "raw", "field"), HOSTILE, ids=[raw[:12] for _, raw, _ in HOSTILE])
def test_api_names_the_field_of_an_absurd_number(client: TestClient, path: str, raw: str, field: str) -> None:
    started = time.monotonic()
    response = client.post("/v1/assessments", content=with_raw(path, raw), headers={"content-type": "application/json"})
    assert time.monotonic() - started < 5  # a stall would take minutes; not a speed goal
    assert response.status_code == 422, response.text[:300]
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert field in errors
    assert errors[field]["zh"] and errors[field]["en"]


def test_the_bound_itself_is_assessed(client: TestClient) -> None:
    body = with_raw("years.0.sales_revenue", "1e15")
    assert client.post("/v1/assessments", content=body).status_code == 200
    above = with_raw("years.0.sales_revenue", "1000000000000000.0001")
    assert client.post("/v1/assessments", content=above).status_code == 422


def test_deep_nesting_is_one_clear_error(client: TestClient) -> None:
    for depth in (100_000, 65):
        body = '{"company": ' + "[" * depth + "]" * depth + "}"
        response = client.post("/v1/assessments", content=body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["message"]["en"].startswith("The JSON is nested too deeply")
    # a nesting the contract allows passes the depth check and is judged on its fields
    shallow = client.post("/v1/assessments", content='{"company": ' + "[" * 50 + "]" * 50 + "}")
    assert shallow.status_code == 422 and "nested" not in shallow.text


@pytest.mark.parametrize("where", ["company.name", "company.town", "company.credit_code", "incidents.0.note"])
def test_nul_is_refused_in_every_text_field(client: TestClient, where: str) -> None:
    profile = example()
    profile["incidents"] = [{"kind": "safety", "date": "2020-01-01", "note": "ok"}]
    *parents, last = where.split(".")
    node = profile
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = "江海\u0000科技"
    response = client.post("/v1/assessments", json=profile)
    assert response.status_code == 422
    field = where.replace(".0.", "[0].")
    messages = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert "U+0000" in messages[field]["zh"] and "U+0000" in messages[field]["en"]


def test_cli_exits_2_with_the_field_and_no_traceback(tmp_path: Path) -> None:
    for index, (path, raw, field) in enumerate(HOSTILE[:7]):
        source = tmp_path / f"p{index}.json"
        source.write_text(with_raw(path, raw), encoding="utf-8")
        result = hnte("assess", str(source))
        assert result.returncode == 2, result.stderr[-500:]
        assert field in result.stderr and TOO_LARGE in result.stderr and "Traceback" not in result.stderr
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = hnte("assess", str(deep))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "nested too deeply" in result.stderr


def test_the_cli_reads_text_that_is_not_utf8_as_an_input_error(tmp_path: Path) -> None:
    source = tmp_path / "profile.json"
    source.write_bytes(b"\xff\xfe\x00{")
    result = hnte("assess", str(source))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "Not valid JSON" in result.stderr


@pytest.mark.parametrize("raw", ["9" * 5000, "1e100000", "[" * 100_000])
def test_the_self_check_pages_never_fail_on_hostile_json(client: TestClient, raw: str) -> None:
    text = with_raw("ip.class1", raw)
    report = client.post("/report", data={"profile_json": text}, headers={"accept": "text/html"})
    edit = client.post("/edit", files={"profile_file": ("p.json", text.encode())}, headers={"accept": "text/html"})
    for response in (report, edit):
        assert response.status_code in (200, 422), response.status_code
        assert "Traceback" not in response.text


@pytest.mark.parametrize(("key", "count", "limit"), [("incidents", 25_000, 1000), ("years", 20_000, 300)])
def test_long_lists_are_one_error(client: TestClient, key: str, count: int, limit: int) -> None:
    profile = example()
    entries = [{"kind": "safety", "date": "2010-01-01"} for _ in range(count)]
    profile[key] = entries if key == "incidents" else [{"year": 1000 + i} for i in range(count)]
    response = client.post("/v1/assessments", json=profile)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0] == {"field": key, "message": {"zh": f"最多 {limit} 项", "en": f"At most {limit} entries"}}
    assert len(errors) < 10
