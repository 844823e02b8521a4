"""The OpenAPI document: the contract's Profile is the request body of POST /v1/assessments.

The endpoint reads the raw body and validates it with the engine (for the engine's bilingual field
errors), so FastAPI cannot see the model from the signature; the schema is added here instead.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from engine import Profile
from engine.fields import FieldSpec, catalogue

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
        describe_fields(schema)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in schema.pop("$defs", {}).items():
            schemas[f"Profile{name}"] = definition
        schemas["Profile"] = schema
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def field_description(spec: FieldSpec) -> str:
    """A field's words for API readers, from the field catalogue: name, unit, definition, allowed values."""
    heading = spec.heading()
    parts = [f"{heading.zh} / {heading.en}"]
    if spec.hint is not None:
        parts.append(f"{spec.hint.zh} / {spec.hint.en}")
    if spec.values:
        parts.append("; ".join(f"`{c.code}` {c.label.zh} / {c.label.en}" for c in spec.values))
    return "\n\n".join(parts)


def _model_of(prop: dict[str, Any]) -> tuple[str | None, bool]:
    """The model a property refers to (by name), and whether it is a list of them."""
    candidates = [prop, *prop.get("anyOf", [])]
    for candidate in candidates:
        if "$ref" in candidate:
            return candidate["$ref"].rsplit("Profile", 1)[-1], False
        items = candidate.get("items") or {}
        if "$ref" in items:
            return items["$ref"].rsplit("Profile", 1)[-1], True
    return None, False


def describe_fields(schema: dict[str, Any]) -> None:
    """Every property of the profile schema gets its catalogue description (in place)."""
    definitions = schema.get("$defs", {})

    def walk(model: dict[str, Any], prefix: str) -> None:
        for name, prop in (model.get("properties") or {}).items():
            path = f"{prefix}{name}"
            child, listed = _model_of(prop)
            if child is not None and child in definitions:
                walk(definitions[child], f"{path}[]." if listed else f"{path}.")
            spec = catalogue().get(path)
            if spec is not None:
                prop["description"] = field_description(spec)

    walk(schema, "")
