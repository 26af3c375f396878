"""The review web app through aiohttp's test client: login, CSRF, lock-out, isolation,
audit entries, tombstones and the security headers."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from handover.store import LOCKOUT, SESSION_IDLE, HandoverStore
from tests.review.conftest import (
    PASSWORD,
    SECRET_PHONE,
    SECRET_SUMMARY,
    SECRET_TURN,
    Clock,
    MakeClient,
    Seed,
    csrf_of,
    logged_in,
    login,
)

pytestmark = pytest.mark.anyio

GONE_TEXT = "Deze overdracht is ingetrokken of verlopen"


def _paths(seeded: Seed) -> list:
    return [
        "/",
        "/overdrachten",
        "/overdrachten?status=new",
        f"/overdrachten/{seeded.ams}",
        "/audit",
        "/bestaat-niet",
        f"/overdrachten/{uuid.uuid4().hex}",
    ]


async def test_every_page_needs_login(make_client: MakeClient, seeded: Seed) -> None:
    client = await make_client()
    for path in _paths(seeded):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"] == "/login", path
    for path in (f"/overdrachten/{seeded.ams}/status", f"/overdrachten/{seeded.ams}/notitie",
                 "/logout"):
        response = await client.post(path, data={"status": "done", "note": "x"},
                                     allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/login", path
    page = await client.get("/login")
    assert page.status == 200 and "Inloggen" in await page.text()
    css = await client.get("/static/review.css")
    assert css.status == 200


async def test_security_headers(make_client: MakeClient, seeded: Seed) -> None:
    client = await logged_in(make_client, "anna")
    for path in ("/login", "/overdrachten", f"/overdrachten/{seeded.ams}",
                 f"/overdrachten/{seeded.wijk}"):
        response = await client.get(path, allow_redirects=False)
        headers = response.headers
        assert "default-src 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["Cache-Control"] == "no-store", path
    redirect = await (await make_client()).get("/overdrachten", allow_redirects=False)
    assert redirect.headers["X-Frame-Options"] == "DENY"
    assert redirect.headers["Cache-Control"] == "no-store"


async def test_login_sets_a_strict_httponly_session_cookie(make_client: MakeClient,
                                                           seeded: Seed) -> None:
    client = await make_client()
    response = await login(client, "anna")
    assert response.status == 303 and response.headers["Location"] == "/overdrachten"
    cookie = next(v for v in response.headers.getall("Set-Cookie")
                  if v.startswith("review_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    page = await client.get("/overdrachten")
    html = await page.text()
    assert page.status == 200 and seeded.ams in html and seeded.wijk not in html
    assert "Amsterdam" in html and "afsluiting van gas, stroom of water" in html
    assert "Spoed" in html and "nieuw" in html
    # Logged in: /login goes straight on.
    again = await client.get("/login", allow_redirects=False)
    assert again.status == 303 and again.headers["Location"] == "/overdrachten"


async def test_wrong_password_and_unknown_user_look_the_same(make_client: MakeClient,
                                                             seeded: Seed) -> None:
    client = await make_client()
    wrong = await login(client, "anna", "fout wachtwoord")
    unknown = await login(client, "niemand", "fout wachtwoord")
    assert wrong.status == unknown.status == 401
    assert "klopt niet" in await wrong.text() and "klopt niet" in await unknown.text()
    assert "review_session" not in client.session.cookie_jar.filter_cookies(client.make_url("/"))


async def test_login_without_csrf_token_is_refused(make_client: MakeClient,
                                                   seeded: Seed) -> None:
    client = await make_client()
    response = await client.post("/login", data={"username": "anna", "password": PASSWORD},
                                 allow_redirects=False)
    assert response.status == 403
    await client.get("/login")  # sets the login cookie, but the form token is missing
    response = await client.post(
        "/login", data={"username": "anna", "password": PASSWORD, "csrf_token": "geraden"},
        allow_redirects=False,
    )
    assert response.status == 403
    assert (await client.get("/overdrachten", allow_redirects=False)).status == 303


async def test_post_without_valid_csrf_token_is_rejected(
    make_client: MakeClient, store: HandoverStore, seeded: Seed
) -> None:
    client = await logged_in(make_client, "anna")
    url = f"/overdrachten/{seeded.ams}/status"
    for data in ({"status": "done"}, {"status": "done", "csrf_token": "x" * 43}):
        response = await client.post(url, data=data, allow_redirects=False)
        assert response.status == 403
        assert "formulier is verlopen" in await response.text()
    # A token from another session does not work either.
    other = await logged_in(make_client, "ad")
    foreign = csrf_of(await (await other.get("/overdrachten")).text())
    response = await client.post(url, data={"status": "done", "csrf_token": foreign},
                                 allow_redirects=False)
    assert response.status == 403
    # The right token from another origin is refused too.
    token = csrf_of(await (await client.get("/overdrachten")).text())
    response = await client.post(url, data={"status": "done", "csrf_token": token},
                                 headers={"Origin": "https://evil.example"},
                                 allow_redirects=False)
    assert response.status == 403
    assert store.handovers_for("person-ams")[0].status == "new"
    rejected = [e for e in store.audit_entries("gem-ams") if e.action == "csrf_rejected"]
    assert len(rejected) == 4 and rejected[0].username == "anna"


async def test_account_lockout_after_five_failures(
    make_client: MakeClient, clock: Clock, store: HandoverStore, seeded: Seed
) -> None:
    client = await make_client()
    for attempt in range(4):
        response = await login(client, "anna", "fout", ip=f"10.1.0.{attempt}")
        assert response.status == 401
    response = await login(client, "anna", "fout", ip="10.1.0.9")
    assert response.status == 429 and "15 minuten" in await response.text()
    # The right password from a fresh IP: still locked (per account).
    response = await login(client, "anna", PASSWORD, ip="10.2.0.1")
    assert response.status == 429
    # Another account from that IP is fine.
    assert (await login(await make_client(), "ad", ip="10.2.0.1")).status == 303
    clock.advance(LOCKOUT + timedelta(seconds=1))
    assert (await login(client, "anna", PASSWORD, ip="10.2.0.1")).status == 303
    actions = [e.action for e in store.audit_entries("gem-ams")]
    assert actions.count("login_failed") == 5 and "login_locked" in actions


async def test_ip_lockout_after_five_failures(make_client: MakeClient, clock: Clock,
                                              seeded: Seed) -> None:
    client = await make_client()
    for name in ("anna", "ad", "bram", "iemand", "nog.iemand"):
        await login(client, name, "fout", ip="203.0.113.5")
    assert (await login(client, "bram", PASSWORD, ip="203.0.113.5")).status == 429
    assert (await login(client, "bram", PASSWORD, ip="203.0.113.6")).status == 303


async def test_other_organisation_gets_404(
    make_client: MakeClient, store: HandoverStore, seeded: Seed
) -> None:
    bram = await logged_in(make_client, "bram")
    listing = await (await bram.get("/overdrachten")).text()
    assert seeded.wijk in listing and seeded.ams not in listing
    foreign = await bram.get(f"/overdrachten/{seeded.ams}")
    missing = await bram.get(f"/overdrachten/{uuid.uuid4().hex}")
    assert foreign.status == missing.status == 404
    body = await foreign.text()
    assert body == await missing.text()  # nothing tells them apart
    assert SECRET_SUMMARY not in body and SECRET_PHONE not in body
    token = csrf_of(listing)
    for path, data in ((f"/overdrachten/{seeded.ams}/status", {"status": "done"}),
                       (f"/overdrachten/{seeded.ams}/notitie", {"note": "was hier"})):
        response = await bram.post(path, data={**data, "csrf_token": token},
                                   allow_redirects=False)
        assert response.status == 404
    [stored] = store.handovers_for("person-ams")
    assert stored.status == "new" and stored.note == ""
    actions = [e.action for e in store.audit_entries("wijk-ams")]
    assert {"view_denied", "status_denied", "note_denied"} <= set(actions)


async def test_account_outside_the_municipality_gets_404(make_client: MakeClient,
                                                         seeded: Seed) -> None:
    client = await logged_in(make_client, "amstelveen")
    assert seeded.ams not in await (await client.get("/overdrachten")).text()
    assert (await client.get(f"/overdrachten/{seeded.ams}")).status == 404


async def test_detail_status_note_and_audit(
    make_client: MakeClient, store: HandoverStore, seeded: Seed
) -> None:
    client = await logged_in(make_client, "anna")
    page = await client.get(f"/overdrachten/{seeded.ams}")
    html = await page.text()
    assert page.status == 200
    for text in (SECRET_SUMMARY, SECRET_TURN, SECRET_PHONE, "Via de chat", "Spoed",
                 "4 - schuldhulp van de gemeente", "samenvatting en gesprek",
                 "een ouder of verzorger", "4 jaar, 9 jaar", "Al genoemd in de chat",
                 "Amsterdam"):
        assert text in html, text
    assert "<script>window.__pwned" not in html  # autoescape
    assert "&lt;script&gt;window.__pwned" in html
    token = csrf_of(html)
    response = await client.post(f"/overdrachten/{seeded.ams}/status",
                                 data={"status": "contacted", "csrf_token": token},
                                 allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == f"/overdrachten/{seeded.ams}?opgeslagen=status"
    html = await (await client.get(response.headers["Location"])).text()
    assert "De status is opgeslagen" in html and "contact opgenomen" in html
    response = await client.post(f"/overdrachten/{seeded.ams}/notitie",
                                 data={"note": "Maandag gebeld <b>", "csrf_token": token},
                                 allow_redirects=False)
    assert response.status == 303
    html = await (await client.get(response.headers["Location"])).text()
    assert "Maandag gebeld &lt;b&gt;" in html
    too_long = await client.post(f"/overdrachten/{seeded.ams}/notitie",
                                 data={"note": "x" * 4001, "csrf_token": token})
    assert too_long.status == 400
    bad_status = await client.post(f"/overdrachten/{seeded.ams}/status",
                                   data={"status": "weg", "csrf_token": token})
    assert bad_status.status == 400
    [stored] = store.handovers_for("person-ams")
    assert stored.status == "contacted" and stored.note == "Maandag gebeld <b>"
    entries = [e for e in store.audit_entries("gem-ams") if e.username == "anna"]
    actions = [e.action for e in entries]
    assert actions[-1] == "login" and "list" not in actions[:1]
    assert actions.count("view") == 3
    assert "status" in actions and "note" in actions
    status = next(e for e in entries if e.action == "status")
    assert status.handover_id == seeded.ams and status.detail == "nieuw -> contact opgenomen"
    note = next(e for e in entries if e.action == "note")
    assert "Maandag" not in (note.detail or "")


async def test_list_filter_and_list_audit(make_client: MakeClient, store: HandoverStore,
                                          seeded: Seed) -> None:
    client = await logged_in(make_client, "anna")
    assert seeded.ams in await (await client.get("/overdrachten?status=new")).text()
    html = await (await client.get("/overdrachten?status=done")).text()
    assert seeded.ams not in html and "Er zijn geen overdrachten" in html
    lists = [e for e in store.audit_entries("gem-ams") if e.action == "list"]
    assert len(lists) == 2
    assert any(seeded.ams in (e.detail or "") for e in lists)


async def test_audit_page_for_admins_only(make_client: MakeClient, store: HandoverStore,
                                          seeded: Seed) -> None:
    anna = await logged_in(make_client, "anna")
    await anna.get(f"/overdrachten/{seeded.ams}")
    assert (await anna.get("/audit")).status == 403
    bram = await logged_in(make_client, "bram")
    await bram.get(f"/overdrachten/{seeded.wijk}")
    admin = await logged_in(make_client, "ad")
    page = await admin.get("/audit")
    html = await page.text()
    assert page.status == 200
    assert "overdracht bekeken" in html and "anna" in html and seeded.ams[:8] in html
    assert "bram" not in html and seeded.wijk[:8] not in html  # other organisation
    filtered = await (await admin.get(f"/audit?overdracht={seeded.ams}")).text()
    assert "overdracht bekeken" in filtered and "ingelogd" not in filtered
    assert any(e.action == "audit_view" and e.username == "ad"
               for e in store.audit_entries("gem-ams"))


async def test_withdrawn_handover_shows_only_the_notice(
    make_client: MakeClient, store: HandoverStore, seeded: Seed
) -> None:
    client = await logged_in(make_client, "anna")
    assert (await client.get(f"/overdrachten/{seeded.ams}")).status == 200
    assert store.delete_for_person("person-ams") == 1
    page = await client.get(f"/overdrachten/{seeded.ams}")
    html = await page.text()
    assert page.status == 410 and GONE_TEXT in html
    for secret in (SECRET_SUMMARY, SECRET_TURN, SECRET_PHONE, "Via de chat", "Notitie"):
        assert secret not in html, secret
    assert seeded.ams not in await (await client.get("/overdrachten")).text()
    token = csrf_of(html)
    response = await client.post(f"/overdrachten/{seeded.ams}/status",
                                 data={"status": "done", "csrf_token": token},
                                 allow_redirects=False)
    assert response.status == 404
    # The other organisation does not even learn that it existed.
    bram = await logged_in(make_client, "bram")
    assert (await bram.get(f"/overdrachten/{seeded.ams}")).status == 404
    assert any(e.action == "view_removed" and e.detail == "withdrawn"
               for e in store.audit_entries("gem-ams"))


async def test_expired_handover_shows_only_the_notice(
    make_client: MakeClient, store: HandoverStore, clock: Clock, seeded: Seed
) -> None:
    client = await logged_in(make_client, "bram")
    clock.advance(timedelta(days=31))
    client = await logged_in(make_client, "bram")  # the old session timed out
    page = await client.get(f"/overdrachten/{seeded.wijk}")
    html = await page.text()
    assert page.status == 410 and GONE_TEXT in html and "Geen geld" not in html
    assert store.handovers_for("person-wijk") == []


async def test_logout_ends_the_session(make_client: MakeClient, store: HandoverStore,
                                       seeded: Seed) -> None:
    client = await logged_in(make_client, "anna")
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))["review_session"]
    token = csrf_of(await (await client.get("/overdrachten")).text())
    response = await client.post("/logout", data={"csrf_token": token}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
    assert (await client.get("/overdrachten", allow_redirects=False)).status == 303
    # The old cookie value is dead on the server, not only in this browser.
    thief = await make_client()
    thief.session.cookie_jar.update_cookies({"review_session": cookie.value})
    assert (await thief.get("/overdrachten", allow_redirects=False)).status == 303
    assert store.audit_entries("gem-ams")[0].action == "logout"


async def test_idle_session_times_out(make_client: MakeClient, clock: Clock,
                                      seeded: Seed) -> None:
    client = await logged_in(make_client, "anna")
    clock.advance(SESSION_IDLE - timedelta(minutes=1))
    assert (await client.get("/overdrachten", allow_redirects=False)).status == 200
    clock.advance(SESSION_IDLE + timedelta(seconds=1))
    response = await client.get("/overdrachten", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"


async def test_deactivated_account_is_logged_out(make_client: MakeClient,
                                                 store: HandoverStore, seeded: Seed) -> None:
    client = await logged_in(make_client, "anna")
    store.set_account_active("anna", False)
    assert (await client.get("/overdrachten", allow_redirects=False)).status == 303
