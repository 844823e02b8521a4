"""Web hygiene of the stored pools, on SQLite and PostgreSQL: login, upload and logout refuse other sites;
the browser's cookie is a session of its own (expiring, ended on logout, never the API token); stored data
is never cached; files under the data folder are 0600; `hnte users list|revoke|rotate`."""

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from typer.testing import CliRunner, Result

from cli.main import app as cli_app
from storage.database import dispose_engines, get_engine, session_scope
from storage.models import WebSession
from storage.users import add_user
from tests.hostile.web_helpers import bearer, client, finished, jsonl, profiles, upload, upload_env  # noqa: F401
from tests.storage.conftest import db_url, use_db  # noqa: F401

OURS = "http://testserver"
FOREIGN_HEADERS = [
    {"origin": "https://evil.example"},
    {"origin": "null"},
    {"origin": "http://testserver.evil.example"},
    {"referer": "https://evil.example/pools"},
    {"sec-fetch-site": "cross-site"},
    {"origin": "http://evil.example", "referer": f"{OURS}/pools"},  # Origin wins
]


def sign_in(web: TestClient, token: str, **headers: str):
    return web.post("/pools/login", data={"token": token}, headers=headers, follow_redirects=False)


@pytest.mark.parametrize("foreign", FOREIGN_HEADERS)
def test_login_upload_and_logout_refuse_another_site(client, use_db: str, foreign: dict) -> None:  # noqa: F811
    token = add_user("区科技局", "bureau")
    refused = sign_in(client, token, **foreign)
    assert refused.status_code == 403 and "hnte_session" not in refused.headers.get("set-cookie", "")
    assert "其他网站" in refused.text
    assert sign_in(client, token, origin=OURS).status_code == 303
    forged = client.post("/pools/upload", files={"file": ("a.jsonl", jsonl(profiles(2)))}, headers=foreign)
    assert forged.status_code == 403
    forged_api = upload(client, token, jsonl(profiles(2)), **foreign)
    assert forged_api.status_code == 403 and "another site" in forged_api.json()["message"]["en"]
    assert client.get("/v1/pools", headers=bearer(token)).json() == []  # nothing was stored
    assert client.post("/pools/logout", headers=foreign, follow_redirects=False).status_code == 403
    assert client.get("/pools", headers={"accept": "text/html"}).status_code == 200  # still signed in
    same_site = client.post(
        "/pools/upload",
        files={"file": ("a.jsonl", jsonl(profiles(2)))},
        headers={"origin": OURS},
        follow_redirects=False,
    )
    assert same_site.status_code == 303
    referred = client.post("/pools/logout", headers={"referer": f"{OURS}/pools"}, follow_redirects=False)
    assert referred.status_code == 303


def test_the_cookie_is_a_session_of_its_own_that_logout_ends(client, use_db: str) -> None:  # noqa: F811
    token = add_user("区科技局", "bureau")
    login = sign_in(client, token)
    cookie = login.headers["set-cookie"]
    assert token not in cookie and token[5:] not in cookie
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower() and "expires=" in cookie.lower()
    session_id = client.cookies.get("hnte_session")
    assert session_id and session_id.startswith("hntesid_")
    with get_engine().connect() as connection:
        stored = [tuple(map(str, row)) for row in connection.execute(text("SELECT * FROM sessions"))]
    assert len(stored) == 1 and session_id not in str(stored)  # only its hash is kept
    # the API token is not a cookie: a raw token in the cookie opens nothing
    raw = TestClient(client.app, cookies={"hnte_session": token, "hnte_token": token})
    assert raw.get("/v1/pools").status_code == 401
    # a copy of the cookie works until logout, and not after
    copy = TestClient(client.app, cookies={"hnte_session": session_id})
    assert copy.get("/v1/pools").status_code == 200
    assert client.post("/pools/logout", follow_redirects=False).status_code == 303
    assert copy.get("/v1/pools").status_code == 401
    assert copy.get("/pools", headers={"accept": "text/html"}).status_code == 401


def test_a_session_expires(client, use_db: str) -> None:  # noqa: F811
    sign_in(client, add_user("区科技局", "bureau"))
    assert client.get("/v1/pools").status_code == 200
    with session_scope() as session:
        session.execute(update(WebSession).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert client.get("/v1/pools").status_code == 401


def test_stored_data_is_never_cached(client, use_db: str) -> None:  # noqa: F811
    token = add_user("区科技局", "bureau")
    job = finished(client, token, upload(client, token, jsonl(profiles(3, seed=4))).json()["id"])
    pool, job_id = job["pool_id"], job["id"]
    for path in (
        "/v1/pools",
        f"/v1/pools/{pool}",
        f"/v1/pools/{pool}/firms",
        f"/v1/batches/{job_id}",
        f"/v1/batches/{job_id}/result",
        "/v1/pools/999999",
        "/pools",
        f"/pools/{pool}",
        f"/pools/{pool}/export.xlsx",
        f"/pools/jobs/{job_id}",
        "/pools/login",
    ):
        response = client.get(path, headers={**bearer(token), "accept": "text/html"})
        assert response.status_code in (200, 404), path
        assert response.headers["cache-control"] == "no-store", path
    assert client.get("/v1/pools").headers["cache-control"] == "no-store"  # the 401 too


def test_files_under_the_data_folder_are_private(client, use_db: str, upload_env: Path) -> None:  # noqa: F811
    token = add_user("区科技局", "bureau")
    job = finished(client, token, upload(client, token, jsonl(profiles(3, seed=5))).json()["id"])
    assert stat.S_IMODE(upload_env.stat().st_mode) == 0o700
    files = [p for p in upload_env.iterdir()]
    assert files == [upload_env / f"{job['id']}.xlsx"]  # the upload itself is gone
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    if use_db.startswith("sqlite"):
        database = Path(use_db.removeprefix("sqlite:///"))
        for path in (database, Path(f"{database}-wal"), Path(f"{database}.lock")):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_default_database_folder_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HNTE_DATABASE_URL", raising=False)
    previous = os.umask(0o022)  # a usual umask, under which files come out world-readable
    try:
        add_user("区科技局", "bureau")
    finally:
        os.umask(previous)
        dispose_engines()
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "var" / "hnte.db").stat().st_mode) == 0o600


def hnte(database: str, *args: str) -> Result:
    """The `hnte` command, in process (its start-up costs seconds as a subprocess on a busy machine)."""
    return CliRunner().invoke(cli_app, list(args), env={"HNTE_DATABASE_URL": database, "COLUMNS": "200"})


def test_users_list_revoke_and_rotate(client, use_db: str) -> None:  # noqa: F811
    alice = add_user("alice 代理", "intermediary")
    bureau = add_user("区科技局", "bureau")
    sign_in(client, alice)
    assert client.get("/v1/pools").status_code == 200
    listing = hnte(use_db, "users", "list")
    assert listing.exit_code == 0, listing.output
    assert "alice 代理" in listing.stdout and "区科技局" in listing.stdout and "intermediary" in listing.stdout
    assert alice not in listing.stdout and bureau not in listing.stdout  # never a token

    revoked = hnte(use_db, "users", "revoke", "alice 代理")
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/v1/pools").status_code == 401  # her session ended
    assert client.get("/v1/pools", headers=bearer(alice)).status_code == 401  # her token too
    assert sign_in(client, alice).status_code == 401
    assert "revoked" in hnte(use_db, "users", "list").stdout
    assert client.get("/v1/pools", headers=bearer(bureau)).status_code == 200  # nobody else

    rotated = hnte(use_db, "users", "rotate", "alice 代理")
    assert rotated.exit_code == 0, rotated.output
    new = rotated.stdout.strip()
    assert new.startswith("hnte_") and new != alice and "\n" not in new
    assert client.get("/v1/pools", headers=bearer(new)).status_code == 200
    assert client.get("/v1/pools", headers=bearer(alice)).status_code == 401
    missing = hnte(use_db, "users", "revoke", "nobody")
    assert missing.exit_code == 2 and "nobody" in missing.stderr


def test_a_proxy_s_public_origin_can_be_trusted(use_db: str, upload_env: Path) -> None:  # noqa: F811
    from api.app import create_app
    from api.settings import Settings

    token = add_user("区科技局", "bureau")
    app = create_app(Settings(trusted_origins="https://pools.example.gov.cn"))
    with TestClient(app, base_url="http://127.0.0.1:8000") as web:
        assert sign_in(web, token, origin="https://pools.example.gov.cn").status_code == 303
        assert sign_in(web, token, origin="https://pools.example.gov.cn:443").status_code == 303
        assert sign_in(web, token, origin="http://pools.example.gov.cn").status_code == 403  # another scheme
        assert sign_in(web, token, origin="https://evil.example").status_code == 403
        assert sign_in(web, token, origin="http://127.0.0.1:8000").status_code == 303
    with TestClient(create_app(Settings()), base_url="http://pools.example.gov.cn:80") as web:
        assert sign_in(web, token, origin="http://pools.example.gov.cn").status_code == 303  # default port
        assert sign_in(web, token, origin="http://pools.example.gov.cn:8080").status_code == 403
