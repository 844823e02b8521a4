"""Privacy between intermediaries: a firm's history (one credit code across pools) shows each viewer only
the names and data of assessments in pools it may see — the bureau sees all, an intermediary only its own.
Over HTTP (API and page), on SQLite and PostgreSQL."""

import random

from engine.credit_code import check_character
from storage.users import add_user
from tests.hostile.web_helpers import bearer, client, finished, jsonl, profiles, upload, upload_env  # noqa: F401
from tests.storage.conftest import db_url, use_db  # noqa: F401


def secret(rng: random.Random, who: str) -> str:
    return f"{who}的秘密客户{rng.randrange(10**9)}"


def test_firm_history_shows_each_viewer_only_what_it_may_see(client, use_db: str) -> None:  # noqa: F811
    rng = random.Random(12)
    alice, bob, bureau = (
        add_user("alice", "intermediary"),
        add_user("bob", "intermediary"),
        add_user("bureau", "bureau"),
    )
    shared = profiles(1, seed=21)[0]
    first17 = "91320684MA" + "".join(rng.choice("0123456789ABCDEFGHJ") for _ in range(7))
    shared["company"]["credit_code"] = first17 + check_character(first17)
    alice_name, alice_town = secret(rng, "alice"), f"alice镇{rng.randrange(1000)}"
    bob_name, bob_town = secret(rng, "bob"), f"bob镇{rng.randrange(1000)}"
    alice_firm = {**shared, "company": {**shared["company"], "name": alice_name, "town": alice_town}}
    bob_firm = {**shared, "company": {**shared["company"], "name": bob_name, "town": bob_town}}
    # alice uploads first (so the stored firm row carries her name), bob second
    for token, firm in ((alice, alice_firm), (bob, bob_firm)):
        job = finished(
            client, token, upload(client, token, jsonl([firm, *profiles(3, seed=rng.randrange(99))])).json()["id"]
        )
        assert job["status"] == "done"
    bob_pool = client.get("/v1/pools", headers=bearer(bob)).json()[0]["id"]
    firm_id = next(
        f["firm_id"]
        for f in client.get(f"/v1/pools/{bob_pool}/firms", headers=bearer(bob)).json()["firms"]
        if f["name"] == bob_name
    )

    seen_by_bob = client.get(f"/v1/firms/{firm_id}/history", headers=bearer(bob))
    assert seen_by_bob.status_code == 200
    assert seen_by_bob.json()["firm"]["name"] == bob_name
    assert [a["name"] for a in seen_by_bob.json()["assessments"]] == [bob_name]
    assert alice_name not in seen_by_bob.text and alice_town not in seen_by_bob.text
    page = client.get(f"/pools/firms/{firm_id}", headers={**bearer(bob), "accept": "text/html"})
    assert page.status_code == 200 and bob_name in page.text
    assert alice_name not in page.text and alice_town not in page.text

    seen_by_alice = client.get(f"/v1/firms/{firm_id}/history", headers=bearer(alice)).json()
    assert seen_by_alice["firm"]["name"] == alice_name
    assert bob_name not in str(seen_by_alice) and bob_town not in str(seen_by_alice)

    seen_by_bureau = client.get(f"/v1/firms/{firm_id}/history", headers=bearer(bureau)).json()
    assert [a["name"] for a in seen_by_bureau["assessments"]] == [alice_name, bob_name]
    assert seen_by_bureau["firm"]["name"] == bob_name  # named as in the latest assessment

    carol = add_user("carol", "intermediary")  # has no pool with this firm: as if it did not exist
    assert client.get(f"/v1/firms/{firm_id}/history", headers=bearer(carol)).status_code == 404
    assert client.get(f"/pools/firms/{firm_id}", headers={**bearer(carol), "accept": "text/html"}).status_code == 404
