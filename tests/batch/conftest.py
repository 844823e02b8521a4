import json
from pathlib import Path
from typing import Any

import pytest

from fixtures.generator import pool

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples"


def example_profiles() -> list[dict[str, Any]]:
    """The shared worked examples (with their names kept) — real firms of every verdict."""
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(EXAMPLES.glob("*.json"))
        if not path.name.endswith(".expected.json")
    ]


@pytest.fixture(scope="session")
def profiles() -> list[dict[str, Any]]:
    """Synthetic firms plus the worked examples, each with a distinct name."""
    return list(pool(60, seed=7)) + example_profiles()


def write_jsonl(path: Path, profiles: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in profiles), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
