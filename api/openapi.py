"""The OpenAPI document: the contract's Profile is the request body of POST /v1/assessments.

The endpoint reads the raw body and validates it with the engine (for the engine's bilingual field
errors), so FastAPI cannot see the model from the signature; the schema is added here instead.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from engine import Profile

PROFILE_REF = "#/components/schemas/Profile"


def profile_request_body() -> dict[str, Any]:
    """`openapi_extra` for an endpoint whose body is a contract profile."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": PROFILE_REF}}}}}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        # The profile's parts are prefixed (ProfileCompany …) so they never clash with the output's.
        schema = Profile.model_json_schema(ref_template="#/components/schemas/Profile{model}")
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in schema.pop("$defs", {}).items():
            schemas[f"Profile{name}"] = definition
        schemas["Profile"] = schema
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
