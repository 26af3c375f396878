"""Unit tests of handover/store.py on SQLite and on the PostgreSQL server on 127.0.0.1:5432.

PostgreSQL must be running (``make test`` starts it); the PostgreSQL cases create a
temporary database and drop it afterwards. They fail, never skip, when the server is down.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from handover import store as store_module
from handover.store import (
    LOCKOUT,
    SESSION_IDLE,
    SESSION_MAX,
    Handover,
    HandoverStore,
    Tombstone,
    get_store,
)

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "een lang en geheim wachtwoord"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class Clock:
    """A settable clock (naive UTC) for expiry and lock-out tests."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def _pg_admin() -> sa.engine.Engine:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable on 127.0.0.1:5432 as user postgres ({exc.orig}). "
            "Start it with `make services`; these tests do not skip.",
            pytrace=False,
        )
    return engine


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A temporary PostgreSQL database for this module, dropped afterwards."""
    name = "handover_test_" + uuid.uuid4().hex[:8]
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    # No fsync wait per commit: the tests commit often and need no durability.
    yield f"postgresql://postgres@127.0.0.1:5432/{name}?options=-csynchronous_commit%3Doff"
    with admin.connect() as conn:
        conn.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    """An empty database: a fresh SQLite file, or the module's PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'handover.db'}"
        return
    url = request.getfixturevalue("pg_url")
    yield url
    # Empty the tables for the next test (much faster than dropping and creating them).
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(  # a connection a test forgot must not block the truncate
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        present = set(sa.inspect(conn).get_table_names())
        for table in reversed(store_module.metadata.sorted_tables):
            if table.name in present:
                conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(db_url: str, clock: Clock) -> Iterator[HandoverStore]:
    handover_store = HandoverStore(db_url, password_hasher=FAST_HASHER, clock=clock)
    yield handover_store
    handover_store.dispose()


def _seed(store: HandoverStore) -> None:
    """Two organisations in Amsterdam, one in Utrecht, one national; accounts for most."""
    store.add_organisation("gem-ams", "Schuldhulp Amsterdam", "municipal_debt_help",
                           ["GM0363", "GM0362"])
    store.add_organisation("wijk-ams", "Buurtteam Amsterdam", "wijkteam", ["GM0363"])
    store.add_organisation("gem-utr", "Schuldhulp Utrecht", "municipal_debt_help", ["GM0344"])
    store.add_organisation("shm-nl", "SchuldHulpMaatje landelijk", "volunteer", ["*"])
    store.add_account("anna", "gem-ams", "reviewer", PASSWORD)
    store.add_account("bram", "wijk-ams", "reviewer", PASSWORD)
    store.add_account("vera", "shm-nl", "admin", PASSWORD)


def _handover(store: HandoverStore, person: str = "person-1", org: str = "gem-ams",
              code: str | None = "GM0363", days: int = 30) -> str:
    return store.create_handover(
        person_id=person,
        organisation_id=org,
        municipality_code=code,
        scope="summary_transcript",
        summary={"needs": ["cutoff", "debts"], "urgent": True, "text": "Energie wordt afgesloten"},
        transcript=[
            {"speaker": "user", "text": "Ze sluiten mijn stroom af, ik heet [NAAM]."},
            {"speaker": "bot", "text": "Dat is spoed. Wil je hulp van de gemeente?"},
        ],
        contact={"phone": "[TELEFOON]", "via_chat": True},
        expires_in_days=days,
    )


# ----------------------------------------------------------------- setup and routing


def test_tables_are_created_on_first_use(db_url: str) -> None:
    HandoverStore(db_url, password_hasher=FAST_HASHER).dispose()
    engine = sa.create_engine(db_url)
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert {"handover_handovers", "handover_consents", "handover_tombstones",
            "handover_organisations", "handover_accounts", "handover_audit",
            "handover_sessions", "handover_login_throttle"} <= names


def test_get_store_one_per_url_and_default_from_env(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert get_store(url) is get_store(url)
    assert get_store(url) is not get_store(f"sqlite:///{tmp_path / 'b.db'}")
    monkeypatch.setenv("HANDOVER_DB_URL", url)
    assert get_store() is get_store(url)
    monkeypatch.delenv("HANDOVER_DB_URL")
    assert store_module.default_url().endswith("/var/handover.db")


def test_organisation_needs_an_active_reader(store: HandoverStore) -> None:
    store.add_organisation("gem-ams", "Schuldhulp Amsterdam", "municipal_debt_help", ["GM0363"])
    assert store.organisation_for("GM0363", ["municipal_debt_help"]) is None
    store.add_account("anna", "gem-ams", "reviewer", PASSWORD)
    org = store.organisation_for("gm0363 ", ["municipal_debt_help"])
    assert org is not None and org.id == "gem-ams" and org.municipality_codes == ("GM0363",)
    store.set_account_active("anna", False)
    assert store.organisation_for("GM0363", ["municipal_debt_help"]) is None


def test_organisation_for_kind_preference_and_national(store: HandoverStore) -> None:
    _seed(store)
    assert store.organisation_for("GM0363", ["wijkteam", "municipal_debt_help"]).id == "wijk-ams"
    assert store.organisation_for("GM0363", ["municipal_debt_help", "wijkteam"]).id == "gem-ams"
    assert store.organisation_for("GM0362", ["wijkteam"]) is None  # Amstelveen: no wijkteam
    # Utrecht has an organisation but no account: the national volunteers take it.
    assert store.organisation_for("GM0344", ["municipal_debt_help"]) is None
    assert store.organisation_for("GM0344", ["municipal_debt_help", "volunteer"]).id == "shm-nl"
    assert store.organisation_for(None, ["municipal_debt_help", "volunteer"]).id == "shm-nl"
    assert store.organisation_for(None, ["municipal_debt_help"]) is None
    assert store.organisation_for("GM0363", []) is None
    with pytest.raises(ValueError):
        store.organisation_for("GM0363", ["bank"])
    with pytest.raises(ValueError):
        store.organisation_for("Amsterdam", ["wijkteam"])


def test_account_scope_must_cover_the_municipality(store: HandoverStore) -> None:
    store.add_organisation("gem-ams", "Schuldhulp", "municipal_debt_help", ["GM0363", "GM0362"])
    store.add_account("amstelveen", "gem-ams", "reviewer", PASSWORD, ["GM0362"])
    assert store.organisation_for("GM0362", ["municipal_debt_help"]).id == "gem-ams"
    assert store.organisation_for("GM0363", ["municipal_debt_help"]) is None
    with pytest.raises(ValueError):
        store.add_account("x-utrecht", "gem-ams", "reviewer", PASSWORD, ["GM0344"])


def test_validation_of_organisations_and_accounts(store: HandoverStore) -> None:
    with pytest.raises(ValueError):
        store.add_organisation("gem", "Gemeente", "bank", ["GM0363"])
    with pytest.raises(ValueError):
        store.add_organisation("gem", "Gemeente", "wijkteam", [])
    store.add_organisation("gem", "Gemeente", "wijkteam", ["GM0363"])
    with pytest.raises(ValueError):
        store.add_organisation("gem", "Nog een", "wijkteam", ["GM0363"])
    with pytest.raises(ValueError):
        store.add_account("anna", "gem", "reviewer", "kort")
    with pytest.raises(ValueError):
        store.add_account("anna", "gem", "superuser", PASSWORD)
    with pytest.raises(ValueError):
        store.add_account("anna", "nope", "reviewer", PASSWORD)
    account = store.add_account("Anna", "gem", "reviewer", PASSWORD)
    assert account.username == "anna"
    with pytest.raises(ValueError):
        store.add_account("ANNA", "gem", "admin", PASSWORD)
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(store_module.accounts.c.password_hash)).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


# ----------------------------------------------------------------- handovers and consent


def test_create_handover_stores_consent_and_content(store: HandoverStore, clock: Clock) -> None:
    _seed(store)
    handover_id = _handover(store)
    [stored] = store.handovers_for("person-1")
    assert isinstance(stored, Handover)
    assert stored.id == handover_id and len(handover_id) == 32
    assert stored.organisation_id == "gem-ams" and stored.municipality_code == "GM0363"
    assert stored.summary["needs"] == ["cutoff", "debts"]
    assert stored.transcript[0] == {
        "speaker": "user", "text": "Ze sluiten mijn stroom af, ik heet [NAAM]."
    }
    assert stored.contact == {"phone": "[TELEFOON]", "via_chat": True}
    assert stored.status == "new" and stored.note == ""
    assert stored.expires_at == clock.now + timedelta(days=30)
    [consent] = store.consents_for("person-1")
    assert consent["handover_id"] == handover_id
    assert consent["organisation_id"] == "gem-ams"
    assert consent["municipality_code"] == "GM0363"
    assert consent["scope"] == "summary_transcript"
    assert consent["given_at"] == clock.now
    assert consent["expires_at"] == clock.now + timedelta(days=30)


def test_unicode_round_trip(store: HandoverStore) -> None:
    _seed(store)
    store.create_handover("p-ü", "gem-ams", "GM0363", "summary", {"text": "Één café – ‘ok’ 😊"},
                          [{"speaker": "user", "text": "ik ben bang 😟"}], {"email": "[EMAIL]"})
    [stored] = store.handovers_for("p-ü")
    assert stored.summary["text"] == "Één café – ‘ok’ 😊"
    assert stored.transcript[0]["text"] == "ik ben bang 😟"


@pytest.mark.parametrize(
    "change",
    [
        {"organisation_id": "nope"},
        {"organisation_id": "gem-utr", "municipality_code": "GM0363"},  # does not serve it
        {"municipality_code": "*"},
        {"municipality_code": "Amsterdam"},
        {"person_id": ""},
        {"scope": ""},
        {"contact": {}},
        {"contact": {"via_chat": False}},
        {"contact": {"phone": "[TELEFOON]", "address": "x"}},
        {"transcript": [{"speaker": "user"}]},
        {"transcript": "tekst"},
        {"summary": {"when": datetime(2026, 1, 1)}},
        {"expires_in_days": 0},
        {"expires_in_days": 400},
    ],
)
def test_create_handover_validates(store: HandoverStore, change: dict) -> None:
    _seed(store)
    args = dict(person_id="p", organisation_id="gem-ams", municipality_code="GM0363",
                scope="summary", summary={}, transcript=[], contact={"phone": "[TELEFOON]"})
    args.update(change)
    with pytest.raises(ValueError):
        store.create_handover(**args)
    assert store.handovers_for("p") == []


def test_national_organisation_takes_unknown_municipality(store: HandoverStore) -> None:
    _seed(store)
    handover_id = _handover(store, org="shm-nl", code=None)
    vera = store.get_account("vera")
    assert [h.id for h in store.list_for_account(vera)] == [handover_id]


def test_delete_for_person_leaves_only_tombstones(store: HandoverStore, clock: Clock) -> None:
    _seed(store)
    first = _handover(store, "person-1")
    second = _handover(store, "person-1", org="wijk-ams")
    other = _handover(store, "person-2")
    assert store.delete_for_person("person-1") == 2
    assert store.handovers_for("person-1") == [] and store.consents_for("person-1") == []
    assert [h.id for h in store.handovers_for("person-2")] == [other]
    assert len(store.consents_for("person-2")) == 1
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(store_module.tombstones)).fetchall()
        content = conn.execute(
            sa.select(store_module.handovers.c.id).where(
                store_module.handovers.c.id.in_([first, second])
            )
        ).fetchall()
    assert content == []
    assert sorted((r.id, r.organisation_id, r.reason) for r in rows) == sorted(
        [(first, "gem-ams", "withdrawn"), (second, "wijk-ams", "withdrawn")]
    )
    assert all(r.removed_at == clock.now for r in rows)
    assert set(store_module.tombstones.c.keys()) == {"id", "organisation_id", "removed_at",
                                                     "reason"}
    assert store.delete_for_person("person-1") == 0
    anna = store.get_account("anna")
    gone = store.get_for_account(anna, first)
    assert isinstance(gone, Tombstone) and gone.reason == "withdrawn"
    # The other organisation's tombstone is not even acknowledged.
    assert store.get_for_account(anna, second) is None


def test_purge_expired(store: HandoverStore, clock: Clock) -> None:
    _seed(store)
    short = _handover(store, "person-1", days=1)
    long = _handover(store, "person-2", days=30)
    assert store.purge_expired() == 0
    assert store.purge_expired(clock.now + timedelta(days=1, seconds=1)) == 1
    assert store.handovers_for("person-1") == [] and store.consents_for("person-1") == []
    assert [h.id for h in store.handovers_for("person-2")] == [long]
    # Aware datetimes are converted to UTC.
    later = (clock.now + timedelta(days=31)).replace(tzinfo=timezone.utc)
    assert store.purge_expired(later.astimezone(timezone(timedelta(hours=2)))) == 1
    anna = store.get_account("anna")
    assert store.get_for_account(anna, short).reason == "expired"
    assert store.get_for_account(anna, long).reason == "expired"


def test_expired_handover_is_not_shown_before_the_purge(store: HandoverStore,
                                                        clock: Clock) -> None:
    _seed(store)
    handover_id = _handover(store, days=1)
    anna = store.get_account("anna")
    clock.advance(timedelta(days=2))
    assert store.list_for_account(anna) == []
    assert not store.set_status(anna, handover_id, "contacted")
    gone = store.get_for_account(anna, handover_id)
    assert isinstance(gone, Tombstone) and gone.reason == "expired"
    assert store.handovers_for("person-1") == []


# ----------------------------------------------------------------- review access


def test_visibility_by_organisation_and_municipality(store: HandoverStore) -> None:
    _seed(store)
    store.add_account("amstelveen", "gem-ams", "reviewer", PASSWORD, ["GM0362"])
    ams = _handover(store, "p1", org="gem-ams", code="GM0363")
    amv = _handover(store, "p2", org="gem-ams", code="GM0362")
    wijk = _handover(store, "p3", org="wijk-ams", code="GM0363")
    anna, bram = store.get_account("anna"), store.get_account("bram")
    amstelveen = store.get_account("amstelveen")
    assert {h.id for h in store.list_for_account(anna)} == {ams, amv}
    assert [h.id for h in store.list_for_account(amstelveen)] == [amv]
    assert [h.id for h in store.list_for_account(bram)] == [wijk]
    assert store.get_for_account(bram, ams) is None
    assert store.get_for_account(amstelveen, ams) is None
    assert store.get_for_account(anna, ams).id == ams
    assert not store.set_status(bram, ams, "done")
    assert not store.set_note(bram, ams, "ik was hier")
    [stored] = store.handovers_for("p1")
    assert stored.status == "new" and stored.note == ""


def test_status_note_and_audit(store: HandoverStore, clock: Clock) -> None:
    _seed(store)
    handover_id = _handover(store)
    anna = store.get_account("anna")
    assert store.get_for_account(anna, handover_id, "10.0.0.1").status == "new"
    clock.advance(timedelta(minutes=1))
    assert store.set_status(anna, handover_id, "contacted", "10.0.0.1")
    assert store.set_note(anna, handover_id, "Gebeld op maandag.\r\nTerugbellen.", "10.0.0.1")
    with pytest.raises(ValueError):
        store.set_status(anna, handover_id, "klaar")
    with pytest.raises(ValueError):
        store.set_note(anna, handover_id, "x" * 5000)
    [stored] = store.handovers_for("person-1")
    assert stored.status == "contacted" and stored.status_label == "contact opgenomen"
    assert stored.note == "Gebeld op maandag.\nTerugbellen."
    assert stored.updated_by == "anna" and stored.updated_at == clock.now
    entries = store.audit_entries("gem-ams")
    assert [e.action for e in entries] == ["note", "status", "view"]
    assert all(e.username == "anna" and e.handover_id == handover_id for e in entries)
    assert all(e.client_ip == "10.0.0.1" for e in entries)
    assert entries[1].detail == "nieuw -> contact opgenomen"
    assert "Gebeld" not in (entries[0].detail or "")  # the note text stays out of the log
    bram = store.get_account("bram")
    store.get_for_account(bram, handover_id)
    assert store.audit_entries("wijk-ams")[0].action == "view_denied"
    assert store.audit_entries(handover_id=handover_id)[0].organisation_id == "wijk-ams"


# ----------------------------------------------------------------- login and sessions


def test_authenticate_and_account_lockout(store: HandoverStore, clock: Clock) -> None:
    _seed(store)
    assert store.authenticate("Anna", PASSWORD, "10.0.0.1").account.username == "anna"
    for attempt in range(5):
        result = store.authenticate("anna", "fout", f"10.0.1.{attempt}")
        assert result.account is None and result.locked == (attempt == 4)
    locked = store.authenticate("anna", PASSWORD, "10.0.2.1")
    assert locked.account is None and locked.locked
    assert store.authenticate("bram", PASSWORD, "10.0.2.1").account is not None
    clock.advance(LOCKOUT - timedelta(seconds=1))
    assert store.authenticate("anna", PASSWORD, "10.0.2.2").locked
    clock.advance(timedelta(seconds=2))
    assert store.authenticate("anna", PASSWORD, "10.0.2.2").account is not None
    actions = [e.action for e in store.audit_entries("gem-ams")]
    assert actions.count("login_failed") == 5 and actions.count("login_locked") == 2


def test_ip_lockout_covers_all_usernames(store: HandoverStore, clock: Clock) -> None:
    _seed(store)
    for name in ("anna", "bram", "vera", "nobody", "x.y"):
        assert store.authenticate(name, "fout", "192.0.2.7").account is None
    assert store.authenticate("anna", PASSWORD, "192.0.2.7").locked
    assert store.authenticate("anna", PASSWORD, "192.0.2.8").account is not None
    clock.advance(LOCKOUT + timedelta(seconds=1))
    assert store.authenticate("bram", PASSWORD, "192.0.2.7").account is not None


def test_failures_outside_the_window_do_not_add_up(store: HandoverStore, clock: Clock) -> None:
    _seed(store)
    for _ in range(4):
        store.authenticate("anna", "fout", "10.0.0.1")
    clock.advance(LOCKOUT + timedelta(seconds=1))
    assert not store.authenticate("anna", "fout", "10.0.0.1").locked
    assert store.authenticate("anna", PASSWORD, "10.0.0.1").account is not None


def test_inactive_and_unknown_accounts_cannot_log_in(store: HandoverStore) -> None:
    _seed(store)
    store.set_account_active("anna", False)
    assert store.authenticate("anna", PASSWORD, "10.0.0.1").account is None
    assert store.authenticate("nobody", PASSWORD, "10.0.0.2").account is None
    store.set_account_active("anna", True)
    assert store.authenticate("anna", PASSWORD, "10.0.0.3").account is not None


def test_weak_hash_is_upgraded_on_login(db_url: str, clock: Clock) -> None:
    weak = HandoverStore(db_url, password_hasher=PasswordHasher(time_cost=1, memory_cost=512,
                                                               parallelism=1), clock=clock)
    _seed(weak)
    weak.dispose()
    stronger = HandoverStore(db_url, password_hasher=FAST_HASHER, clock=clock)
    assert stronger.authenticate("anna", PASSWORD, "10.0.0.1").account is not None
    with stronger.engine.connect() as conn:
        new_hash = conn.execute(
            sa.select(store_module.accounts.c.password_hash).where(
                store_module.accounts.c.username == "anna"
            )
        ).scalar()
    assert "m=1024" in new_hash
    stronger.dispose()


def test_sessions_expire_and_end(store: HandoverStore, clock: Clock) -> None:
    _seed(store)
    anna = store.get_account("anna")
    token, session = store.create_session(anna)
    assert store.get_session(token).account == anna
    assert store.get_session("not-a-token") is None and store.get_session(None) is None
    with store.engine.connect() as conn:
        hashes = conn.execute(sa.select(store_module.sessions.c.token_hash)).scalars().all()
    assert token not in hashes  # only the hash is stored
    clock.advance(SESSION_IDLE + timedelta(seconds=1))
    assert store.get_session(token) is None
    token, _ = store.create_session(anna)
    for _ in range(int(SESSION_MAX / timedelta(minutes=20)) - 1):
        clock.advance(timedelta(minutes=20))
        assert store.get_session(token) is not None
    clock.advance(timedelta(minutes=20))
    assert store.get_session(token) is None  # 8 hours at most, even when active
    token, session = store.create_session(anna)
    store.end_session(session, "10.0.0.1")
    assert store.get_session(token) is None
    token, _ = store.create_session(anna)
    store.set_password("anna", PASSWORD + "!")
    assert store.get_session(token) is None
    token, _ = store.create_session(anna)
    store.set_account_active("anna", False)
    assert store.get_session(token) is None


def test_housekeeping(store: HandoverStore, clock: Clock) -> None:
    _seed(store)
    anna = store.get_account("anna")
    store.create_session(anna)
    store.authenticate("anna", "fout", "10.0.0.1")
    handover_id = _handover(store)
    store.delete_for_person("person-1")
    clock.advance(timedelta(days=400))
    counts = store.purge_housekeeping()
    assert counts["sessions"] == 1 and counts["throttle"] == 2
    assert counts["audit"] >= 1 and counts["tombstones"] == 1
    assert store.get_for_account(anna, handover_id) is None


# ----------------------------------------------------------------- admin command


def test_admin_command(db_url: str, monkeypatch, capsys) -> None:
    import io

    from scripts import handover_admin

    store = HandoverStore(db_url, password_hasher=FAST_HASHER)
    monkeypatch.setitem(store_module._STORES, db_url, store)  # get_store() finds this one

    def run(*args: str, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return handover_admin.main(["--db-url", db_url, *args])

    assert run("add-org", "--id", "gem-ams", "--name", "Schuldhulp Amsterdam",
               "--kind", "municipal_debt_help", "--municipality", "GM0363,GM0362") == 0
    assert run("add-user", "--org", "gem-ams", "--username", "J.Jansen", "--role", "reviewer",
               stdin=PASSWORD + "\n") == 0
    assert run("add-user", "--org", "gem-ams", "--username", "kort", "--role", "admin",
               stdin="kort\n") == 2
    assert run("add-user", "--org", "nope", "--username", "x.y", "--role", "admin",
               stdin=PASSWORD + "\n") == 2
    assert run("list") == 0
    out = capsys.readouterr()
    assert "j.jansen  reviewer  active" in out.out and "at least 12" in out.err
    assert store.authenticate("j.jansen", PASSWORD, "10.0.0.1").account is not None
    assert store.organisation_for("GM0362", ["municipal_debt_help"]).id == "gem-ams"
    assert run("deactivate-user", "--username", "j.jansen") == 0
    assert store.organisation_for("GM0362", ["municipal_debt_help"]) is None
    assert run("activate-user", "--username", "j.jansen") == 0
    assert run("set-password", "--username", "j.jansen", stdin=PASSWORD + "2\n") == 0
    assert store.authenticate("j.jansen", PASSWORD + "2", "10.0.0.1").account is not None
    assert run("purge") == 0
    assert "removed 0 expired handover(s)" in capsys.readouterr().out
    store.dispose()
