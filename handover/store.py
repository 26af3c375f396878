"""Storage for consented handovers to a professional (project issue #6).

One module holds everything the handover needs in a database (SQLite or PostgreSQL, via
SQLAlchemy Core; tables are created on first use):

* **organisations** that can receive a handover (municipal debt help, sociaal wijkteam,
  volunteer coordinator) and the municipality codes (``GM0363``) each one serves; ``*``
  means "every municipality" (a national organisation) and is also the only match when
  the municipality is unknown;
* **accounts** of professionals (role ``reviewer`` or ``admin``; an admin also reviews and
  may read the audit log of the own organisation), argon2id password hashes, an optional
  narrower municipality scope per account;
* **consent records** and **handovers** (summary, already redacted transcript, contact
  wishes), each with an expiry; withdrawal or expiry deletes both and leaves only a
  **tombstone** (id, organisation, removed_at, reason) so the review page can say the
  handover is gone without showing anything of it;
* **sessions**, **login throttling** (lock-out after 5 failures, per account and per client
  IP; 15 minutes, doubling for every further lock-out up to 24 hours; the check and the
  count are one atomic step, so parallel attempts cannot slip past it) and the **audit
  log** of the review web app.

The action server uses :func:`get_store`, :meth:`HandoverStore.organisation_for`,
:meth:`HandoverStore.create_handover` and :meth:`HandoverStore.delete_for_person`; the
review app (``handover.review``) and ``scripts/handover_admin.py`` use the rest.

All times are stored as naive UTC. Methods accept aware datetimes and convert them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool, StaticPool

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "handover.db"
DB_URL_ENV = "HANDOVER_DB_URL"

KINDS: Tuple[str, ...] = ("municipal_debt_help", "wijkteam", "volunteer")
ROLES: Tuple[str, ...] = ("reviewer", "admin")
STATUSES: Tuple[str, ...] = ("new", "contacted", "done")
STATUS_LABELS: Dict[str, str] = {
    "new": "nieuw",
    "contacted": "contact opgenomen",
    "done": "afgerond",
}
ALL_MUNICIPALITIES = "*"
CONTACT_KEYS: FrozenSet[str] = frozenset({"phone", "email", "via_chat"})

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)  # the counting window and the first lock-out
MAX_LOCKOUT = timedelta(hours=24)  # lock-outs double up to this
LOCKOUT_MEMORY = timedelta(hours=24)  # a key without a lock-out for this long starts again
REDACTION_MODES: Tuple[str, ...] = ("deduce", "patterns")
SESSION_IDLE = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=8)
MAX_NOTE_CHARS = 4000
MAX_EXPIRY_DAYS = 365
MIN_PASSWORD_CHARS = 12

_CODE_RE = re.compile(r"^GM\d{4}$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")

metadata = sa.MetaData()

organisations = sa.Table(
    "handover_organisations",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

org_municipalities = sa.Table(
    "handover_org_municipalities",
    metadata,
    sa.Column(
        "organisation_id",
        sa.String(64),
        sa.ForeignKey("handover_organisations.id"),
        primary_key=True,
    ),
    sa.Column("municipality_code", sa.String(8), primary_key=True),
)

accounts = sa.Table(
    "handover_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column(
        "organisation_id",
        sa.String(64),
        sa.ForeignKey("handover_organisations.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_login_at", sa.DateTime, nullable=True),
)

account_municipalities = sa.Table(
    "handover_account_municipalities",
    metadata,
    sa.Column(
        "account_id", sa.Integer, sa.ForeignKey("handover_accounts.id"), primary_key=True
    ),
    sa.Column("municipality_code", sa.String(8), primary_key=True),
)

consents = sa.Table(
    "handover_consents",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("person_id", sa.String(128), nullable=False, index=True),
    sa.Column("handover_id", sa.String(32), nullable=False, index=True),
    sa.Column("organisation_id", sa.String(64), nullable=False),
    sa.Column("municipality_code", sa.String(8), nullable=True),
    sa.Column("scope", sa.String(64), nullable=False),
    sa.Column("given_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
)

handovers = sa.Table(
    "handover_handovers",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("person_id", sa.String(128), nullable=False, index=True),
    sa.Column("organisation_id", sa.String(64), nullable=False, index=True),
    sa.Column("municipality_code", sa.String(8), nullable=True),
    sa.Column("scope", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("transcript", sa.Text, nullable=False),
    sa.Column("contact", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, default="new"),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.Column("updated_by", sa.String(64), nullable=True),
    # How the transcript was redacted: "deduce" (names too), "patterns" (deduce was not
    # available: patterns only, names may be left), or NULL (not known).
    sa.Column("redaction", sa.String(16), nullable=True),
)

tombstones = sa.Table(
    "handover_tombstones",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("organisation_id", sa.String(64), nullable=False),
    sa.Column("removed_at", sa.DateTime, nullable=False, index=True),
    sa.Column("reason", sa.String(16), nullable=False),
)

sessions = sa.Table(
    "handover_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column(
        "account_id", sa.Integer, sa.ForeignKey("handover_accounts.id"), nullable=False
    ),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
)

login_throttle = sa.Table(
    "handover_login_throttle",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),  # failed or in-flight attempts
    sa.Column("window_start", sa.DateTime, nullable=False),
    sa.Column("locked_until", sa.DateTime, nullable=True),
    sa.Column("lockouts", sa.Integer, nullable=False, server_default="0"),  # in a row
)

# Columns added after the first release: created on existing databases at start-up.
_ADDED_COLUMNS: Tuple[Tuple[str, str, str], ...] = (
    ("handover_handovers", "redaction", "VARCHAR(16)"),
    ("handover_login_throttle", "lockouts", "INTEGER NOT NULL DEFAULT 0"),
)

audit_log = sa.Table(
    "handover_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("account_id", sa.Integer, nullable=True),
    sa.Column("username", sa.String(64), nullable=True),
    sa.Column("organisation_id", sa.String(64), nullable=True, index=True),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("handover_id", sa.String(64), nullable=True, index=True),
    sa.Column("detail", sa.Text, nullable=True),
    sa.Column("client_ip", sa.String(64), nullable=True),
)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Organisation:
    """An organisation that can receive handovers."""

    id: str
    name: str
    kind: str
    municipality_codes: Tuple[str, ...]


@dataclass(frozen=True)
class Account:
    """A professional's account. ``municipality_codes`` empty = the organisation's own."""

    id: int
    username: str
    organisation_id: str
    role: str
    active: bool
    municipality_codes: Tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        """True for the admin role (may read the organisation's audit log)."""
        return self.role == "admin"


@dataclass(frozen=True)
class Handover:
    """A handover with its consent data, as stored."""

    id: str
    person_id: str
    organisation_id: str
    municipality_code: Optional[str]
    scope: str
    created_at: datetime
    expires_at: datetime
    summary: Dict[str, Any]
    transcript: List[Dict[str, str]]
    contact: Dict[str, Any]
    status: str
    note: str
    updated_at: Optional[datetime]
    updated_by: Optional[str]
    redaction: Optional[str] = None  # "deduce", "patterns" or None (unknown)

    @property
    def patterns_only(self) -> bool:
        """True when names may be left in the transcript (deduce was not available)."""
        return self.redaction == "patterns"

    @property
    def status_label(self) -> str:
        """The Dutch label of the status ("nieuw", "contact opgenomen", "afgerond")."""
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class Tombstone:
    """What is left of a withdrawn or expired handover: no content at all."""

    id: str
    organisation_id: str
    removed_at: datetime
    reason: str  # "withdrawn" or "expired"


@dataclass(frozen=True)
class Session:
    """A logged-in session of the review app."""

    token_hash: str
    account: Account
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class LoginResult:
    """Outcome of :meth:`HandoverStore.authenticate`: an account, or why not."""

    account: Optional[Account]
    locked: bool = False
    retry_after: Optional[timedelta] = None  # when locked: how long the lock still runs


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: datetime
    username: Optional[str]
    organisation_id: Optional[str]
    action: str
    handover_id: Optional[str]
    detail: Optional[str]
    client_ip: Optional[str]


# --------------------------------------------------------------------------- helpers


def utcnow() -> datetime:
    """The current time as naive UTC (how times are stored)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_naive_utc(moment: datetime) -> datetime:
    """Aware datetimes converted to UTC and made naive; naive ones are taken as UTC."""
    if moment.tzinfo is not None:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def normalise_code(code: Optional[str]) -> Optional[str]:
    """``" gm0363 "`` -> ``"GM0363"``; ``None`` stays ``None``; else ValueError."""
    if code is None:
        return None
    value = str(code).strip().upper()
    if value == ALL_MUNICIPALITIES or _CODE_RE.match(value):
        return value
    raise ValueError(f"not a CBS municipality code (GM + 4 digits) or '*': {code!r}")


def lockout_duration(level: int) -> timedelta:
    """How long the ``level``-th lock-out in a row lasts (0: 15 min, 1: 30 min, ... 24 h)."""
    return min(LOCKOUT * (2 ** min(max(level, 0), 16)), MAX_LOCKOUT)


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive and stored in lower case."""
    return str(username).strip().lower()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not JSON-serialisable: {exc}") from exc


def check_password_strength(password: str) -> None:
    """Raise ValueError when a password is too weak to store."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    if password.strip() != password:
        raise ValueError("password must not start or end with whitespace")


def _clean_transcript(transcript: Sequence[Dict[str, Any]]) -> List[Dict[str, str]]:
    if not isinstance(transcript, (list, tuple)):
        raise ValueError("transcript must be a list of {'speaker', 'text'} dicts")
    cleaned: List[Dict[str, str]] = []
    for turn in transcript:
        if not isinstance(turn, dict):
            raise ValueError("transcript entries must be dicts")
        speaker, text = turn.get("speaker"), turn.get("text")
        if not isinstance(speaker, str) or not isinstance(text, str):
            raise ValueError("transcript entries need string 'speaker' and 'text'")
        cleaned.append({"speaker": speaker[:32], "text": text})
    return cleaned


def _clean_contact(contact: Dict[str, Any]) -> Dict[str, Any]:
    if not isinstance(contact, dict):
        raise ValueError("contact must be a dict")
    unknown = set(contact) - CONTACT_KEYS
    if unknown:
        raise ValueError(f"unknown contact keys: {sorted(unknown)}")
    cleaned: Dict[str, Any] = {}
    for key in ("phone", "email"):
        value = contact.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or len(value.strip()) > 200:
            raise ValueError(f"contact {key} must be a short string")
        if value.strip():
            cleaned[key] = value.strip()
    if "via_chat" in contact:
        if not isinstance(contact["via_chat"], bool):
            raise ValueError("contact via_chat must be a bool")
        cleaned["via_chat"] = contact["via_chat"]
    if not (cleaned.get("phone") or cleaned.get("email") or cleaned.get("via_chat")):
        raise ValueError("contact needs a phone number, an e-mail address or via_chat=True")
    return cleaned


def _engine_for(url: str) -> Engine:
    """An engine with SQLite tuned for two processes (action server + review app)."""
    url_obj = sa.engine.make_url(url)
    if url_obj.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, future=True)
    database = url_obj.database or ""
    if database in ("", ":memory:"):
        engine = sa.create_engine(
            url,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
            future=True,
        )
    else:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # A small pool (SQLAlchemy 1.4 would reopen the file for every connection);
        # each connection is used by one thread at a time.
        engine = sa.create_engine(
            url,
            poolclass=QueuePool,
            pool_size=5,
            connect_args={"timeout": 15, "check_same_thread": False},
            future=True,
        )

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if database not in ("", ":memory:"):
            # WAL: the action server writes while the review app reads. NORMAL sync is
            # safe in WAL mode (no corruption); only the last commits can be lost on a
            # power cut.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


# --------------------------------------------------------------------------- store


class HandoverStore:
    """Handovers, consent records, accounts, sessions and the audit log in one database."""

    def __init__(
        self,
        url: str,
        password_hasher: Optional[PasswordHasher] = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """Connect to ``url`` and create the tables when missing.

        ``password_hasher`` defaults to argon2-cffi's RFC 9106 low-memory profile (argon2id,
        t=3, m=64 MiB, p=4); tests pass a cheaper one. ``clock`` returns naive UTC.
        """
        self.url = url
        self.engine = _engine_for(url)
        self.hasher = password_hasher or PasswordHasher()
        self.clock = clock
        self._dummy_hash: Optional[str] = None
        try:
            metadata.create_all(self.engine)
        except sa.exc.SQLAlchemyError:
            # Another process may have created the tables at the same moment.
            metadata.create_all(self.engine)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Add columns that newer versions need to tables an older version created."""
        for table, column, ddl in _ADDED_COLUMNS:
            present = {c["name"] for c in sa.inspect(self.engine).get_columns(table)}
            if column in present:
                continue
            try:
                with self.engine.begin() as conn:
                    conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}")
            except sa.exc.SQLAlchemyError:
                # Another process may have added it at the same moment.
                present = {c["name"] for c in sa.inspect(self.engine).get_columns(table)}
                if column not in present:
                    raise

    def now(self) -> datetime:
        """The store's current time (naive UTC)."""
        return to_naive_utc(self.clock())

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()

    # ----------------------------------------------------------- organisations

    def add_organisation(
        self, org_id: str, name: str, kind: str, municipality_codes: Iterable[str]
    ) -> Organisation:
        """Create an organisation serving the given municipality codes (``*`` = all)."""
        org_id = str(org_id).strip().lower()
        if not _ID_RE.match(org_id):
            raise ValueError("organisation id: lower-case letters, digits, '-' or '_'")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if not name.strip():
            raise ValueError("organisation name is empty")
        codes = sorted({c for c in (normalise_code(x) for x in municipality_codes) if c})
        if not codes:
            raise ValueError("an organisation must serve at least one municipality")
        with self.engine.begin() as conn:
            exists = sa.select(organisations.c.id).where(organisations.c.id == org_id)
            if conn.execute(exists).first():
                raise ValueError(f"organisation {org_id!r} exists already")
            conn.execute(
                organisations.insert().values(
                    id=org_id, name=name.strip(), kind=kind, created_at=self.now()
                )
            )
            conn.execute(
                org_municipalities.insert(),
                [{"organisation_id": org_id, "municipality_code": c} for c in codes],
            )
        return Organisation(org_id, name.strip(), kind, tuple(codes))

    def set_organisation_municipalities(self, org_id: str, codes: Iterable[str]) -> None:
        """Replace the municipality codes an organisation serves."""
        cleaned = sorted({c for c in (normalise_code(x) for x in codes) if c})
        if not cleaned:
            raise ValueError("an organisation must serve at least one municipality")
        with self.engine.begin() as conn:
            if self._organisation(conn, org_id) is None:
                raise ValueError(f"no organisation {org_id!r}")
            conn.execute(
                org_municipalities.delete().where(org_municipalities.c.organisation_id == org_id)
            )
            conn.execute(
                org_municipalities.insert(),
                [{"organisation_id": org_id, "municipality_code": c} for c in cleaned],
            )

    def get_organisation(self, org_id: str) -> Optional[Organisation]:
        """The organisation with this id, or None."""
        with self.engine.connect() as conn:
            return self._organisation(conn, org_id)

    def list_organisations(self) -> List[Organisation]:
        """All organisations, by id."""
        with self.engine.connect() as conn:
            ids = conn.execute(sa.select(organisations.c.id).order_by(organisations.c.id))
            return [org for org in (self._organisation(conn, r[0]) for r in ids) if org]

    def _organisation(self, conn: Connection, org_id: str) -> Optional[Organisation]:
        row = conn.execute(organisations.select().where(organisations.c.id == org_id)).first()
        if row is None:
            return None
        codes = conn.execute(
            sa.select(org_municipalities.c.municipality_code)
            .where(org_municipalities.c.organisation_id == org_id)
            .order_by(org_municipalities.c.municipality_code)
        ).scalars()
        return Organisation(row.id, row.name, row.kind, tuple(codes))

    def organisation_for(
        self, municipality_code: Optional[str], kinds: Sequence[str]
    ) -> Optional[Organisation]:
        """An organisation that can take a handover for this municipality, or None.

        ``kinds`` is an order of preference: the first kind with a match wins; within a
        kind an organisation that names the municipality goes before a national one (``*``),
        then by id. The organisation must have at least one active account (reviewer or
        admin) whose scope covers the municipality, so that someone can read the handover.
        ``municipality_code`` None (unknown) only matches national organisations.
        """
        code = normalise_code(municipality_code)
        for kind in kinds:
            if kind not in KINDS:
                raise ValueError(f"unknown organisation kind {kind!r}; one of {KINDS}")
        wanted = [ALL_MUNICIPALITIES] if code in (None, ALL_MUNICIPALITIES) else [
            code,
            ALL_MUNICIPALITIES,
        ]
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    organisations.c.id,
                    organisations.c.kind,
                    org_municipalities.c.municipality_code,
                )
                .join(
                    org_municipalities,
                    org_municipalities.c.organisation_id == organisations.c.id,
                )
                .where(organisations.c.kind.in_(list(kinds)))
                .where(org_municipalities.c.municipality_code.in_(wanted))
            ).fetchall()
            ranked = sorted(
                rows,
                key=lambda r: (
                    list(kinds).index(r.kind),
                    r.municipality_code == ALL_MUNICIPALITIES,
                    r.id,
                ),
            )
            seen: set = set()
            for row in ranked:
                if row.id in seen:
                    continue
                seen.add(row.id)
                if self._has_reader(conn, row.id, code):
                    return self._organisation(conn, row.id)
        return None

    def _has_reader(self, conn: Connection, org_id: str, code: Optional[str]) -> bool:
        """Whether an active account of ``org_id`` may read a handover for ``code``."""
        ids = conn.execute(
            sa.select(accounts.c.id).where(
                accounts.c.organisation_id == org_id,
                accounts.c.active.is_(True),
                accounts.c.role.in_(ROLES),
            )
        ).scalars()
        for account_id in ids:
            account = self._account(conn, account_id)
            if account and self._covers(self._scope(conn, account), code):
                return True
        return False

    # ----------------------------------------------------------- accounts

    def add_account(
        self,
        username: str,
        organisation_id: str,
        role: str,
        password: str,
        municipality_codes: Iterable[str] = (),
    ) -> Account:
        """Create an account; ``municipality_codes`` narrows the organisation's scope."""
        name = normalise_username(username)
        if not _USERNAME_RE.match(name):
            raise ValueError("username: 2-64 of a-z, 0-9, '.', '_', '@', '-'")
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        check_password_strength(password)
        codes = sorted({c for c in (normalise_code(x) for x in municipality_codes) if c})
        password_hash = self.hasher.hash(password)
        with self.engine.begin() as conn:
            org = self._organisation(conn, organisation_id)
            if org is None:
                raise ValueError(f"no organisation {organisation_id!r}")
            if ALL_MUNICIPALITIES not in org.municipality_codes:
                outside = [c for c in codes if c not in org.municipality_codes]
                if outside:
                    raise ValueError(f"organisation does not serve {outside}")
            if conn.execute(sa.select(accounts.c.id).where(accounts.c.username == name)).first():
                raise ValueError(f"username {name!r} exists already")
            result = conn.execute(
                accounts.insert().values(
                    username=name,
                    organisation_id=org.id,
                    role=role,
                    password_hash=password_hash,
                    active=True,
                    created_at=self.now(),
                )
            )
            account_id = int(result.inserted_primary_key[0])
            if codes:
                conn.execute(
                    account_municipalities.insert(),
                    [{"account_id": account_id, "municipality_code": c} for c in codes],
                )
        return Account(account_id, name, org.id, role, True, tuple(codes))

    def set_password(self, username: str, password: str) -> None:
        """Set a new password; ends the account's sessions and lifts its lock-out."""
        check_password_strength(password)
        name = normalise_username(username)
        password_hash = self.hasher.hash(password)
        with self.engine.begin() as conn:
            account_id = conn.execute(
                sa.select(accounts.c.id).where(accounts.c.username == name)
            ).scalar()
            if account_id is None:
                raise ValueError(f"no account {name!r}")
            conn.execute(
                accounts.update()
                .where(accounts.c.id == account_id)
                .values(password_hash=password_hash)
            )
            conn.execute(sessions.delete().where(sessions.c.account_id == account_id))
            conn.execute(login_throttle.delete().where(login_throttle.c.key == "user:" + name))

    def set_account_active(self, username: str, active: bool) -> None:
        """Activate or deactivate an account; deactivation ends its sessions."""
        name = normalise_username(username)
        with self.engine.begin() as conn:
            account_id = conn.execute(
                sa.select(accounts.c.id).where(accounts.c.username == name)
            ).scalar()
            if account_id is None:
                raise ValueError(f"no account {name!r}")
            conn.execute(
                accounts.update().where(accounts.c.id == account_id).values(active=active)
            )
            if not active:
                conn.execute(sessions.delete().where(sessions.c.account_id == account_id))

    def get_account(self, username: str) -> Optional[Account]:
        """The account with this username, or None."""
        name = normalise_username(username)
        with self.engine.connect() as conn:
            account_id = conn.execute(
                sa.select(accounts.c.id).where(accounts.c.username == name)
            ).scalar()
            return self._account(conn, account_id) if account_id is not None else None

    def list_accounts(self, organisation_id: Optional[str] = None) -> List[Account]:
        """All accounts (of one organisation), by username."""
        query = sa.select(accounts.c.id).order_by(accounts.c.username)
        if organisation_id is not None:
            query = query.where(accounts.c.organisation_id == organisation_id)
        with self.engine.connect() as conn:
            ids = conn.execute(query).scalars().all()
            return [a for a in (self._account(conn, i) for i in ids) if a]

    def account_scope(self, account: Account) -> FrozenSet[str]:
        """The municipality codes an account may see (may contain ``*``)."""
        with self.engine.connect() as conn:
            return self._scope(conn, account)

    def _account(self, conn: Connection, account_id: int) -> Optional[Account]:
        row = conn.execute(accounts.select().where(accounts.c.id == account_id)).first()
        if row is None:
            return None
        codes = conn.execute(
            sa.select(account_municipalities.c.municipality_code)
            .where(account_municipalities.c.account_id == account_id)
            .order_by(account_municipalities.c.municipality_code)
        ).scalars()
        return Account(
            row.id, row.username, row.organisation_id, row.role, bool(row.active), tuple(codes)
        )

    def _scope(self, conn: Connection, account: Account) -> FrozenSet[str]:
        org_codes = set(
            conn.execute(
                sa.select(org_municipalities.c.municipality_code).where(
                    org_municipalities.c.organisation_id == account.organisation_id
                )
            ).scalars()
        )
        if not account.municipality_codes:
            return frozenset(org_codes)
        if ALL_MUNICIPALITIES in org_codes:
            return frozenset(account.municipality_codes)
        # An account never sees more than its organisation serves now.
        return frozenset(c for c in account.municipality_codes if c in org_codes)

    @staticmethod
    def _covers(scope: FrozenSet[str], code: Optional[str]) -> bool:
        return ALL_MUNICIPALITIES in scope or (code is not None and code in scope)

    # ----------------------------------------------------------- login and sessions

    def _verify(self, password_hash: Optional[str], password: str) -> bool:
        """Check a password; with no hash, spend the same time and return False."""
        if password_hash is None:
            if self._dummy_hash is None:
                self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
            password_hash = self._dummy_hash
            with contextlib.suppress(VerificationError, InvalidHashError):
                self.hasher.verify(password_hash, password)
            return False
        try:
            return bool(self.hasher.verify(password_hash, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    # Throttling. Every attempt first takes a slot for its username key and its IP key in
    # one transaction, with conditional UPDATEs (atomic on SQLite and PostgreSQL: the row
    # is locked and the condition re-checked), and only then is the password checked. So
    # at most MAX_FAILED_LOGINS attempts per key and window get that far, however many run
    # in parallel; a success gives the slots back, a failure keeps them as failures.

    def _ensure_throttle_row(self, conn: Connection, key: str, now: datetime) -> None:
        values = {"key": key, "failures": 0, "window_start": now, "locked_until": None,
                  "lockouts": 0}
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            conn.execute(pg_insert(login_throttle).values(**values).on_conflict_do_nothing())
        elif conn.dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            conn.execute(sqlite_insert(login_throttle).values(**values).on_conflict_do_nothing())
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            exists = conn.execute(
                sa.select(login_throttle.c.key).where(login_throttle.c.key == key)
            ).first()
            if exists is None:
                conn.execute(login_throttle.insert().values(**values))

    @staticmethod
    def _not_locked(now: datetime) -> Any:
        return sa.or_(login_throttle.c.locked_until.is_(None), login_throttle.c.locked_until <= now)

    def _take_slot(self, conn: Connection, key: str, now: datetime) -> bool:
        """Count one attempt for ``key`` if it is not locked and has a slot left."""
        self._ensure_throttle_row(conn, key, now)
        conn.execute(  # a window that is over starts again (unless a lock-out runs)
            login_throttle.update()
            .where(
                login_throttle.c.key == key,
                login_throttle.c.window_start <= now - LOCKOUT,
                self._not_locked(now),
            )
            .values(failures=0, window_start=now)
        )
        taken = conn.execute(
            login_throttle.update()
            .where(
                login_throttle.c.key == key,
                login_throttle.c.failures < MAX_FAILED_LOGINS,
                self._not_locked(now),
            )
            .values(failures=login_throttle.c.failures + 1)
        ).rowcount
        return bool(taken)

    @staticmethod
    def _give_back_slot(conn: Connection, key: str) -> None:
        conn.execute(
            login_throttle.update()
            .where(login_throttle.c.key == key, login_throttle.c.failures > 0)
            .values(failures=login_throttle.c.failures - 1)
        )

    def _start_lockout(self, conn: Connection, key: str, now: datetime) -> bool:
        """Lock ``key`` when its failures reached the limit; True when this call locked it.

        The first lock-out lasts ``LOCKOUT``; each further one within ``LOCKOUT_MEMORY`` of
        the previous one lasts twice as long, up to ``MAX_LOCKOUT``.
        """
        row = conn.execute(
            login_throttle.select().where(login_throttle.c.key == key).with_for_update()
        ).first()
        if row is None or row.failures < MAX_FAILED_LOGINS:
            return False
        if row.locked_until is not None and row.locked_until > now:
            return False
        recent = row.locked_until is not None and now - row.locked_until < LOCKOUT_MEMORY
        level = int(row.lockouts or 0) if recent else 0
        duration = lockout_duration(level)
        started = conn.execute(
            login_throttle.update()
            .where(
                login_throttle.c.key == key,
                login_throttle.c.failures >= MAX_FAILED_LOGINS,
                self._not_locked(now),
            )
            .values(failures=0, window_start=now, locked_until=now + duration,
                    lockouts=level + 1)
        ).rowcount
        return bool(started)

    def _lock_left(self, conn: Connection, keys: Sequence[str], now: datetime) -> timedelta:
        until = conn.execute(
            sa.select(sa.func.max(login_throttle.c.locked_until)).where(
                login_throttle.c.key.in_(list(keys))
            )
        ).scalar()
        if until is None or until <= now:
            return LOCKOUT  # all slots taken by attempts still in progress
        return until - now

    def authenticate(self, username: str, password: str, client_ip: str) -> LoginResult:
        """Check a login; counts failures per account and per IP and writes the audit log.

        After ``MAX_FAILED_LOGINS`` failures within ``LOCKOUT`` for the username (whether
        it exists or not) or for the client IP, every login for that username or from that
        IP is refused, even with the right password: for ``LOCKOUT`` the first time, then
        twice as long for every further lock-out (up to ``MAX_LOCKOUT``). The check and the
        count are atomic: parallel attempts cannot get more than ``MAX_FAILED_LOGINS``
        passwords checked per window.
        """
        name = normalise_username(username)[:64]
        keys = ["user:" + name, "ip:" + client_ip]
        now = self.now()
        row: Any = None
        with self.engine.begin() as conn:
            row = conn.execute(accounts.select().where(accounts.c.username == name)).first()
            known = row.username if row is not None else None
            org_id = row.organisation_id if row is not None else None
            # Both slots or none: a refused attempt must not use up the other key's slot.
            taken: List[str] = []
            for key in keys:
                if not self._take_slot(conn, key, now):
                    break
                taken.append(key)
            if len(taken) < len(keys):
                for key in taken:
                    self._give_back_slot(conn, key)
                self._audit(conn, None, known, org_id, "login_locked", None, None, client_ip)
                return LoginResult(None, locked=True, retry_after=self._lock_left(conn, keys, now))
        usable = row is not None and bool(row.active)
        ok = self._verify(row.password_hash if usable else None, password)
        now = self.now()
        with self.engine.begin() as conn:
            if not ok:
                started = [self._start_lockout(conn, key, now) for key in keys]
                detail = "inactive account" if row is not None and not usable else None
                self._audit(conn, None, known, org_id, "login_failed", None, detail, client_ip)
                if any(started):
                    return LoginResult(None, locked=True,
                                       retry_after=self._lock_left(conn, keys, now))
                return LoginResult(None)
            # A success clears the account's counter and lock history; the IP gets its
            # slot back (it was not a failure) but keeps its other failures.
            conn.execute(login_throttle.delete().where(login_throttle.c.key == keys[0]))
            self._give_back_slot(conn, keys[1])
            values: Dict[str, Any] = {"last_login_at": now}
            if self.hasher.check_needs_rehash(row.password_hash):
                values["password_hash"] = self.hasher.hash(password)
            conn.execute(accounts.update().where(accounts.c.id == row.id).values(**values))
            account = self._account(conn, row.id)
            self._audit(conn, row.id, row.username, org_id, "login", None, None, client_ip)
        return LoginResult(account)

    def unlock(self, username: str) -> bool:
        """Lift the lock-out of a username (and forget its failures); True if there was one."""
        key = "user:" + normalise_username(username)
        with self.engine.begin() as conn:
            return bool(
                conn.execute(login_throttle.delete().where(login_throttle.c.key == key)).rowcount
            )

    def create_session(self, account: Account) -> Tuple[str, Session]:
        """A new session; returns the cookie token (only its hash is stored) and the session."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = self.now()
        token_hash = _hash_token(token)
        with self.engine.begin() as conn:
            conn.execute(
                sessions.insert().values(
                    token_hash=token_hash,
                    account_id=account.id,
                    csrf_token=csrf,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + SESSION_MAX,
                )
            )
        return token, Session(token_hash, account, csrf, now + SESSION_MAX)

    def get_session(self, token: Optional[str]) -> Optional[Session]:
        """The live session for a cookie token (idle 30 min / 8 h at most), or None."""
        if not token or len(token) > 200:
            return None
        token_hash = _hash_token(token)
        now = self.now()
        with self.engine.begin() as conn:
            row = conn.execute(sessions.select().where(sessions.c.token_hash == token_hash)).first()
            if row is None:
                return None
            if row.expires_at <= now or row.last_seen_at <= now - SESSION_IDLE:
                conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash))
                return None
            account = self._account(conn, row.account_id)
            if account is None or not account.active:
                conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash))
                return None
            if now - row.last_seen_at > timedelta(seconds=30):
                conn.execute(
                    sessions.update()
                    .where(sessions.c.token_hash == token_hash)
                    .values(last_seen_at=now)
                )
        return Session(token_hash, account, row.csrf_token, row.expires_at)

    def end_session(self, session: Session, client_ip: Optional[str] = None) -> None:
        """Log out: delete the session and write the audit log."""
        with self.engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.token_hash == session.token_hash))
            acc = session.account
            self._audit(conn, acc.id, acc.username, acc.organisation_id, "logout", None, None,
                        client_ip)

    # ----------------------------------------------------------- handovers (action server)

    def create_handover(
        self,
        person_id: str,
        organisation_id: str,
        municipality_code: Optional[str],
        scope: str,
        summary: dict,
        transcript: List[dict],
        contact: dict,
        expires_in_days: int = 30,
        redaction: Optional[str] = None,
    ) -> str:
        """Store a consent record and its handover; returns the handover id.

        ``transcript`` must already be redacted (list of ``{"speaker", "text"}``);
        ``contact`` has ``phone``, ``email`` and/or ``via_chat`` (at least one). The
        organisation must exist and serve the municipality (or all municipalities).

        ``redaction`` says how the transcript was redacted: ``"deduce"`` or ``"patterns"``
        (names may be left; the review app says so). When it is not given, the mode the
        redactor attached to ``transcript`` is used (``handover.redact.redact_transcript``
        returns a list with a ``redaction_mode``), else it stays unknown.
        """
        if not isinstance(person_id, str) or not person_id.strip() or len(person_id) > 128:
            raise ValueError("person_id must be a non-empty string of at most 128 characters")
        if not isinstance(scope, str) or not scope.strip() or len(scope) > 64:
            raise ValueError("scope must be a non-empty string of at most 64 characters")
        if not isinstance(summary, dict):
            raise ValueError("summary must be a dict")
        if not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
            raise ValueError(f"expires_in_days must be 1..{MAX_EXPIRY_DAYS}")
        code = normalise_code(municipality_code)
        if code == ALL_MUNICIPALITIES:
            raise ValueError("a handover is for one municipality (or None), not '*'")
        if redaction is None:
            redaction = getattr(transcript, "redaction_mode", None)
        if redaction is not None and redaction not in REDACTION_MODES:
            raise ValueError(f"redaction must be one of {REDACTION_MODES} or None")
        summary_json = _dumps(summary)
        transcript_json = _dumps(_clean_transcript(transcript))
        contact_json = _dumps(_clean_contact(contact))
        now = self.now()
        expires = now + timedelta(days=expires_in_days)
        handover_id = uuid.uuid4().hex
        with self.engine.begin() as conn:
            org = self._organisation(conn, organisation_id)
            if org is None:
                raise ValueError(f"no organisation {organisation_id!r}")
            if not self._covers(frozenset(org.municipality_codes), code):
                raise ValueError(f"organisation {org.id!r} does not serve {code!r}")
            conn.execute(
                consents.insert().values(
                    id=uuid.uuid4().hex,
                    person_id=person_id,
                    handover_id=handover_id,
                    organisation_id=org.id,
                    municipality_code=code,
                    scope=scope.strip(),
                    given_at=now,
                    expires_at=expires,
                )
            )
            conn.execute(
                handovers.insert().values(
                    id=handover_id,
                    person_id=person_id,
                    organisation_id=org.id,
                    municipality_code=code,
                    scope=scope.strip(),
                    created_at=now,
                    expires_at=expires,
                    summary=summary_json,
                    transcript=transcript_json,
                    contact=contact_json,
                    status="new",
                    note="",
                    redaction=redaction,
                )
            )
        return handover_id

    def handovers_for(self, person_id: str) -> List[Handover]:
        """All stored handovers of a person, oldest first (for tests and erasure checks)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                handovers.select()
                .where(handovers.c.person_id == person_id)
                .order_by(handovers.c.created_at, handovers.c.id)
            ).fetchall()
        return [self._handover(r) for r in rows]

    def consents_for(self, person_id: str) -> List[Dict[str, Any]]:
        """The consent records of a person (for tests and a person's access request)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                consents.select()
                .where(consents.c.person_id == person_id)
                .order_by(consents.c.given_at)
            ).fetchall()
        return [dict(r._mapping) for r in rows]

    def delete_for_person(self, person_id: str) -> int:
        """Withdrawal: delete all handovers and consent records of a person at once.

        Leaves a tombstone (id, organisation, removed_at, reason "withdrawn") per handover.
        Returns the number of handovers removed.
        """
        now = self.now()
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(handovers.c.id, handovers.c.organisation_id).where(
                    handovers.c.person_id == person_id
                )
            ).fetchall()
            self._bury(conn, rows, now, "withdrawn")
            conn.execute(consents.delete().where(consents.c.person_id == person_id))
        return len(rows)

    def purge_expired(self, now: Optional[datetime] = None) -> int:
        """Delete handovers and consent records past their expiry; returns handovers removed."""
        moment = to_naive_utc(now) if now is not None else self.now()
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(handovers.c.id, handovers.c.organisation_id).where(
                    handovers.c.expires_at <= moment
                )
            ).fetchall()
            self._bury(conn, rows, moment, "expired")
            conn.execute(consents.delete().where(consents.c.expires_at <= moment))
        return len(rows)

    def _bury(self, conn: Connection, rows: Sequence[Any], now: datetime, reason: str) -> None:
        """Replace handovers by tombstones (in the caller's transaction)."""
        ids = [r.id for r in rows]
        if not ids:
            return
        existing = set(
            conn.execute(sa.select(tombstones.c.id).where(tombstones.c.id.in_(ids))).scalars()
        )
        new = [
            {"id": r.id, "organisation_id": r.organisation_id, "removed_at": now, "reason": reason}
            for r in rows
            if r.id not in existing
        ]
        if new:
            conn.execute(tombstones.insert(), new)
        conn.execute(consents.delete().where(consents.c.handover_id.in_(ids)))
        conn.execute(handovers.delete().where(handovers.c.id.in_(ids)))

    def purge_housekeeping(
        self, now: Optional[datetime] = None, audit_days: int = 365, tombstone_days: int = 365
    ) -> Dict[str, int]:
        """Delete dead sessions, old throttle rows, and audit lines / tombstones past retention."""
        moment = to_naive_utc(now) if now is not None else self.now()
        counts: Dict[str, int] = {}
        with self.engine.begin() as conn:
            counts["sessions"] = conn.execute(
                sessions.delete().where(
                    sa.or_(
                        sessions.c.expires_at <= moment,
                        sessions.c.last_seen_at <= moment - SESSION_IDLE,
                    )
                )
            ).rowcount
            # Keep a key while its window or lock runs, and for LOCKOUT_MEMORY after its last
            # lock-out (so the next one is longer).
            counts["throttle"] = conn.execute(
                login_throttle.delete().where(
                    login_throttle.c.window_start <= moment - LOCKOUT,
                    sa.or_(
                        login_throttle.c.locked_until.is_(None),
                        login_throttle.c.locked_until <= moment - LOCKOUT_MEMORY,
                    ),
                )
            ).rowcount
            counts["audit"] = conn.execute(
                audit_log.delete().where(audit_log.c.at <= moment - timedelta(days=audit_days))
            ).rowcount
            counts["tombstones"] = conn.execute(
                tombstones.delete().where(
                    tombstones.c.removed_at <= moment - timedelta(days=tombstone_days)
                )
            ).rowcount
        return counts

    @staticmethod
    def _handover(row: Any) -> Handover:
        return Handover(
            id=row.id,
            person_id=row.person_id,
            organisation_id=row.organisation_id,
            municipality_code=row.municipality_code,
            scope=row.scope,
            created_at=row.created_at,
            expires_at=row.expires_at,
            summary=json.loads(row.summary),
            transcript=json.loads(row.transcript),
            contact=json.loads(row.contact),
            status=row.status,
            note=row.note or "",
            updated_at=row.updated_at,
            updated_by=row.updated_by,
            redaction=row.redaction,
        )

    # ----------------------------------------------------------- handovers (review app)

    def _visible(self, conn: Connection, account: Account) -> Any:
        """SQL condition: handovers of the account's organisation and municipalities."""
        scope = self._scope(conn, account)
        condition = handovers.c.organisation_id == account.organisation_id
        if ALL_MUNICIPALITIES not in scope:
            condition = sa.and_(condition, handovers.c.municipality_code.in_(sorted(scope)))
        return condition

    def list_for_account(
        self,
        account: Account,
        status: Optional[str] = None,
        client_ip: Optional[str] = None,
    ) -> List[Handover]:
        """Live handovers the account may see, newest first; writes one audit line."""
        now = self.now()
        with self.engine.begin() as conn:
            query = handovers.select().where(
                self._visible(conn, account), handovers.c.expires_at > now
            )
            if status is not None:
                query = query.where(handovers.c.status == status)
            rows = conn.execute(
                query.order_by(handovers.c.created_at.desc(), handovers.c.id)
            ).fetchall()
            shown = [self._handover(r) for r in rows]
            detail = f"{len(shown)} getoond"
            if shown:
                detail += ": " + ",".join(h.id for h in shown)
            self._audit(conn, account.id, account.username, account.organisation_id, "list",
                        None, detail, client_ip)
        return shown

    def get_for_account(
        self, account: Account, handover_id: str, client_ip: Optional[str] = None
    ) -> Union[Handover, Tombstone, None]:
        """A handover the account may see, its tombstone, or None (not found / not theirs).

        A handover past its expiry is purged here and its tombstone returned. Writes the
        audit log: ``view``, ``view_removed`` or ``view_denied``.
        """
        handover_id = str(handover_id)[:64]
        now = self.now()
        acc = account
        with self.engine.begin() as conn:
            row = conn.execute(
                handovers.select().where(
                    handovers.c.id == handover_id, self._visible(conn, account)
                )
            ).first()
            if row is not None and row.expires_at <= now:
                self._bury(conn, [row], now, "expired")
                conn.execute(consents.delete().where(consents.c.expires_at <= now))
                row = None
            if row is not None:
                self._audit(conn, acc.id, acc.username, acc.organisation_id, "view",
                            handover_id, None, client_ip)
                return self._handover(row)
            stone = conn.execute(
                tombstones.select().where(
                    tombstones.c.id == handover_id,
                    tombstones.c.organisation_id == account.organisation_id,
                )
            ).first()
            if stone is not None:
                self._audit(conn, acc.id, acc.username, acc.organisation_id, "view_removed",
                            handover_id, stone.reason, client_ip)
                return Tombstone(stone.id, stone.organisation_id, stone.removed_at, stone.reason)
            self._audit(conn, acc.id, acc.username, acc.organisation_id, "view_denied",
                        handover_id, None, client_ip)
        return None

    def _change(
        self,
        account: Account,
        handover_id: str,
        values: Dict[str, Any],
        action: str,
        detail: Callable[[Any], str],
        client_ip: Optional[str],
    ) -> bool:
        now = self.now()
        acc = account
        with self.engine.begin() as conn:
            row = conn.execute(
                handovers.select().where(
                    handovers.c.id == handover_id,
                    self._visible(conn, account),
                    handovers.c.expires_at > now,
                )
            ).first()
            if row is None:
                self._audit(conn, acc.id, acc.username, acc.organisation_id, action + "_denied",
                            str(handover_id)[:64], None, client_ip)
                return False
            conn.execute(
                handovers.update()
                .where(handovers.c.id == handover_id)
                .values(updated_at=now, updated_by=account.username, **values)
            )
            self._audit(conn, acc.id, acc.username, acc.organisation_id, action, handover_id,
                        detail(row), client_ip)
        return True

    def set_status(
        self, account: Account, handover_id: str, status: str, client_ip: Optional[str] = None
    ) -> bool:
        """Change the status; False when the handover is not there for this account."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        return self._change(
            account,
            handover_id,
            {"status": status},
            "status",
            lambda row: f"{STATUS_LABELS.get(row.status, row.status)} -> {STATUS_LABELS[status]}",
            client_ip,
        )

    def set_note(
        self, account: Account, handover_id: str, note: str, client_ip: Optional[str] = None
    ) -> bool:
        """Save the note; False when the handover is not there. The audit log gets no text."""
        note = note.replace("\r\n", "\n").strip()
        if len(note) > MAX_NOTE_CHARS:
            raise ValueError(f"note longer than {MAX_NOTE_CHARS} characters")
        return self._change(
            account, handover_id, {"note": note}, "note",
            lambda _row: f"{len(note)} tekens", client_ip,
        )

    # ----------------------------------------------------------- audit log

    def _audit(
        self,
        conn: Connection,
        account_id: Optional[int],
        username: Optional[str],
        organisation_id: Optional[str],
        action: str,
        handover_id: Optional[str],
        detail: Optional[str],
        client_ip: Optional[str],
    ) -> None:
        conn.execute(
            audit_log.insert().values(
                at=self.now(),
                account_id=account_id,
                username=username,
                organisation_id=organisation_id,
                action=action,
                handover_id=handover_id,
                detail=detail,
                client_ip=(client_ip or None) and client_ip[:64],
            )
        )

    def audit(
        self,
        account: Optional[Account],
        action: str,
        handover_id: Optional[str] = None,
        detail: Optional[str] = None,
        client_ip: Optional[str] = None,
    ) -> None:
        """Write one audit line (for events outside the methods above)."""
        with self.engine.begin() as conn:
            self._audit(
                conn,
                account.id if account else None,
                account.username if account else None,
                account.organisation_id if account else None,
                action,
                handover_id,
                detail,
                client_ip,
            )

    def audit_entries(
        self,
        organisation_id: Optional[str] = None,
        handover_id: Optional[str] = None,
        limit: int = 500,
    ) -> List[AuditEntry]:
        """Audit lines, newest first; of one organisation and/or one handover."""
        query = audit_log.select().order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        if organisation_id is not None:
            query = query.where(audit_log.c.organisation_id == organisation_id)
        if handover_id is not None:
            query = query.where(audit_log.c.handover_id == handover_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit)).fetchall()
        return [
            AuditEntry(r.id, r.at, r.username, r.organisation_id, r.action, r.handover_id,
                       r.detail, r.client_ip)
            for r in rows
        ]


# --------------------------------------------------------------------------- one per URL

_STORES: Dict[str, HandoverStore] = {}
_STORES_LOCK = threading.Lock()


def default_url() -> str:
    """``$HANDOVER_DB_URL``, else SQLite in ``<project>/var/handover.db``."""
    return os.environ.get(DB_URL_ENV) or f"sqlite:///{DEFAULT_DB_PATH}"


def get_store(url: Optional[str] = None) -> HandoverStore:
    """The process-wide store (one engine) for ``url`` (default: :func:`default_url`)."""
    key = url or default_url()
    with _STORES_LOCK:
        store = _STORES.get(key)
        if store is None:
            store = HandoverStore(key)
            _STORES[key] = store
        return store
