"""/healthz, the OpenAPI document and /docs, the headers on every response, CORS, errors without traces."""

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "rules_version": response.headers["x-rules-version"]}
    assert client.head("/healthz").status_code == 200
    assert client.head("/").status_code == 200


def test_openapi_shows_the_profile_as_request_body_and_the_assessment_as_response(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/v1/assessments"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Profile"}
    schemas = document["components"]["schemas"]
    assert {"name", "registered_on"} <= set(schemas["ProfileCompany"]["properties"])
    assert "years" in schemas["Profile"]["properties"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Assessment"}
    assert "verdict" in schemas["Assessment"]["properties"]
    assert "422" in operation["responses"]
    assert "/v1/rulepacks/{pack_id}" in document["paths"]


def test_docs_work_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "<script>" not in page.text  # no inline script: the CSP forbids them
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/assets/..%2F..%2Fpyproject.toml").status_code == 404


def test_every_response_carries_the_rules_version(client: TestClient) -> None:
    version = client.get("/healthz").headers["x-rules-version"]
    for path in ("/", "/rulepacks", "/v1/rulepacks", "/openapi.json", "/static/style.css", "/no-such-page"):
        assert client.get(path).headers.get("x-rules-version") == version, path


def test_html_has_the_security_headers(client: TestClient) -> None:
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "same-origin"
    assert "<script>" not in page.text


def test_cors_is_closed_unless_configured(client: TestClient, make_client) -> None:
    preflight = {"origin": "https://partner.example", "access-control-request-method": "POST"}
    closed = client.options("/v1/assessments", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    opened = make_client(cors_origins=["https://partner.example"])
    response = opened.options("/v1/assessments", headers=preflight)
    assert response.headers["access-control-allow-origin"] == "https://partner.example"
    other = opened.options("/v1/assessments", headers={**preflight, "origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_cors_origins_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("HNTE_CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]


def test_an_unexpected_error_shows_no_trace_or_path() -> None:
    app = create_app(Settings())

    @app.get("/v1/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail in /work/main/api/somewhere.py")

    @app.get("/boom-page")
    async def boom_page() -> None:
        raise RuntimeError("secret detail in /work/main/api/somewhere.py")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/boom")
        assert response.status_code == 500
        assert response.json()["message"]["zh"]
        page = client.get("/boom-page", headers={"accept": "text/html"})
        assert page.status_code == 500
        for text in (response.text, page.text):
            assert "Traceback" not in text and "/work/" not in text and "secret" not in text
        assert response.headers["x-rules-version"]
