"""`hnte users add` prints a token once and stores only its hash; `hnte batch --pool` stores a pool."""

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from fixtures.generator import pool
from storage.database import dispose_engines
from storage.pools import get_pool
from storage.users import user_for_token

ROOT = Path(__file__).resolve().parents[2]


def hnte(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HNTE_DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_users_add_prints_a_token_once_and_stores_its_hash(use_db: str) -> None:
    added = hnte(use_db, "users", "add", "区科技局", "--role", "bureau")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    assert token.startswith("hnte_") and len(token) > 40
    dispose_engines()
    user = user_for_token(token)
    assert user is not None and user.role == "bureau"
    engine = create_engine(use_db)
    with engine.connect() as connection:
        dump = json.dumps([list(map(str, row)) for row in connection.execute(text("SELECT * FROM users"))])
    engine.dispose()
    assert token not in dump
    again = hnte(use_db, "users", "add", "区科技局", "--role", "bureau")
    assert again.returncode == 2 and "exists already" in again.stderr
    wrong = hnte(use_db, "users", "add", "某人", "--role", "admin")
    assert wrong.returncode == 2 and "bureau" in wrong.stderr


def test_batch_can_store_its_result_as_a_pool(use_db: str, tmp_path: Path) -> None:
    token = hnte(use_db, "users", "add", "agent", "--role", "intermediary").stdout.strip()
    source = tmp_path / "firms.jsonl"
    source.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pool(12, seed=9)))
    scored = hnte(
        use_db,
        "batch",
        str(source),
        "-o",
        str(tmp_path / "out.xlsx"),
        "--pool",
        "秋季",
        "--user",
        "agent",
        "--workers",
        "0",
        "--quiet",
    )
    assert scored.returncode == 0, scored.stderr
    dispose_engines()
    user = user_for_token(token)
    stored = get_pool(user, 1)
    assert stored is not None and stored.name == "秋季" and stored.assessed == 12 and stored.status == "ready"
