"""The default JSON names the next tier without what it lacks (engine/detail.py); the self-check report page
and the CLI's text report still show the next tier's missing criteria, built with the ladder's detail."""

import json
from collections.abc import Iterator
from html import escape

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from engine import default_assessor, validate_profile
from tests.commands import hnte
from tests.ladder.test_ladder import profile_of


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as test_client:
        yield test_client


def _failing(profile: dict) -> list[dict]:  # type: ignore[type-arg]
    nxt = default_assessor().assess(validate_profile(profile))["ladder"]["next_tier"]
    assert nxt["failing"], "the profile's next tier lacks something"
    return nxt["failing"]


def test_the_report_page_shows_what_the_next_tier_lacks(client: TestClient) -> None:
    profile = profile_of("sme")
    default = client.post("/v1/assessments", json=profile).json()["ladder"]["next_tier"]
    assert "failing" not in default  # not in the default JSON …
    response = client.post("/report", data={"profile_json": json.dumps(profile, ensure_ascii=False), "lang": "zh"})
    assert response.status_code == 200
    block = response.text.split('id="ladder-next"')[1].split("</div>")[0]
    for entry in _failing(profile):  # … and on the page, each with its title and message
        assert escape(entry["title"]["zh"], quote=False) in block
        assert escape(entry["message"]["zh"], quote=False) in block
    assert block.count("<li ") == len(_failing(profile))


def test_the_text_report_shows_what_the_next_tier_lacks() -> None:
    profile = profile_of("sme")
    run = hnte("assess", "--lang", "en", "-", stdin=json.dumps(profile, ensure_ascii=False))
    assert run.returncode == 0, run.stderr
    panel = run.stdout.split("Next tier:")[1].split("╰")[0]  # the ladder's panel, before every tier's detail
    words = " ".join(panel.replace("│", " ").split())
    for entry in _failing(profile):
        assert entry["title"]["en"] in words
    data = json.loads(hnte("assess", "--format", "json", "-", stdin=json.dumps(profile)).stdout)
    assert "failing" not in data["ladder"]["next_tier"]
