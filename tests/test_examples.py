"""The worked examples of fixtures/examples (copied from the shared spec): `hnte assess --format json`
gives their fields."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cases import mismatches

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "examples"
NAMES = sorted(p.name.removesuffix(".expected.json") for p in EXAMPLES.glob("*.expected.json"))


def test_examples_are_there() -> None:
    assert len(NAMES) >= 4, f"no worked examples found in {EXAMPLES}"


@pytest.mark.parametrize("name", NAMES)
def test_cli_json_matches_example(name: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "assess", "--format", "json", str(EXAMPLES / f"{name}.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assessment = json.loads(run.stdout)
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert mismatches(expected, assessment) == []
