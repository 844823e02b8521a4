"""`make test` sets up what the tests need, or says why it cannot (scripts/test-env.sh, tests/postgres_server.py)."""

import subprocess
from pathlib import Path

import pytest

import tests.postgres_server as server

ROOT = Path(__file__).resolve().parents[1]


def test_without_postgresql_binaries_the_reason_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "postgres_bin", lambda: None)
    with pytest.raises(server.PostgresUnavailable, match="no PostgreSQL binaries"), server.throwaway_postgres():
        pass


def test_the_setup_script_says_in_one_line_what_it_skips_and_still_runs_the_tests(tmp_path: Path) -> None:
    # as on a machine where nothing may be installed and there is no Chromium: one line says so, the command runs
    env = {"PATH": "/usr/bin:/bin", "HNTE_CHROMIUM": str(tmp_path / "no-chromium"), "HNTE_TEST_NO_INSTALL": "1"}
    run = subprocess.run(
        [str(ROOT / "scripts" / "test-env.sh"), "echo", "ran"], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert lines[-1] == "ran"
    assert any("skipping the browser tests" in line for line in lines)
