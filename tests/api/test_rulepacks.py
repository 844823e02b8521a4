"""GET /v1/rulepacks and /v1/rulepacks/{id}: what the engine applies, readable by a policy officer."""

from fastapi.testclient import TestClient

from engine import default_assessor


def test_list_names_every_pack_with_its_effective_dates(client: TestClient) -> None:
    response = client.get("/v1/rulepacks")
    assert response.status_code == 200
    packs = {pack["id"]: pack for pack in response.json()}
    assert set(packs) == {pack.id for pack in default_assessor().packs}
    national = packs["hnte-national-2016"]
    assert national["effective_from"] == "2016-01-01"
    assert national["version"] == response.headers["x-rules-version"]
    assert national["in_force_today"] is True
    assert national["title"]["zh"] and national["title"]["en"]


def test_detail_has_every_rule_with_citation_thresholds_bands_and_messages(client: TestClient) -> None:
    response = client.get("/v1/rulepacks/hnte-national-2016")
    assert response.status_code == 200
    pack = response.json()
    targets = {tid: t for group in pack["groups"] for tid, t in group["targets"].items()}
    rd = targets["rd_expense_ratio"]
    assert "第十一条（五）" in rd["citation"]
    assert any(rule["passed"] is False and rule["message"]["zh"] and rule["message"]["en"] for rule in rd["rules"])
    assert pack["parameters"]["min_registration_days"]["in_force"] == 365
    assert targets["net_assets"]["bands"]["steps"], "growth bands are listed"


def test_parameters_can_be_read_on_a_date(client: TestClient) -> None:
    pack = client.get("/v1/rulepacks/hnte-national-2016", params={"date": "2020-01-01"}).json()
    assert pack["parameters"]["min_registration_days"]["in_force"] == 365
    assert client.get("/v1/rulepacks/hnte-national-2016", params={"date": "not-a-date"}).status_code == 422


def test_unknown_pack_is_404_in_both_languages(client: TestClient) -> None:
    response = client.get("/v1/rulepacks/no-such-pack")
    assert response.status_code == 404
    assert response.json()["message"] == {"zh": "未找到该页面或资源。", "en": "Not found."}


def test_the_pack_page_reads_like_the_rules(client: TestClient) -> None:
    page = client.get("/rulepacks/hnte-national-2016", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "研究开发费用占销售收入比例" in page.text
    assert "第十一条（五）" in page.text
    assert "sci_tech_staff_ratio ≥ 0.1" in page.text  # a condition with its value in force
    english = client.get("/rulepacks/hnte-national-2016?lang=en")
    assert "R&amp;D expense to sales ratio" in english.text
    assert client.get("/rulepacks").status_code == 200


def test_every_pack_reads_as_data_and_as_a_page(client: TestClient) -> None:
    for pack in default_assessor().packs:
        data = client.get(f"/v1/rulepacks/{pack.id}")
        assert data.status_code == 200 and data.json()["version"] == pack.version
        page = client.get(f"/rulepacks/{pack.id}")
        assert page.status_code == 200 and pack.version in page.text
        for text in (data.text, page.text):  # no internal path in what the service sends
            assert str(pack.source) not in text and str(pack.source.parent) not in text
