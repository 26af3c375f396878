"""Manage the handover database: organisations, accounts of professionals, purging.

Usage (database: --db-url, else $HANDOVER_DB_URL, else sqlite:///var/handover.db):

  python scripts/handover_admin.py add-org --id gem-amsterdam --name "Schuldhulp Amsterdam" \\
      --kind municipal_debt_help --municipality GM0363 [--municipality GM0457 ...]
  python scripts/handover_admin.py set-municipalities --id gem-amsterdam --municipality GM0363
  python scripts/handover_admin.py add-user --org gem-amsterdam --username j.jansen \\
      --role reviewer|admin [--municipality GM0363]      # password: stdin or prompt
  python scripts/handover_admin.py set-password --username j.jansen
  python scripts/handover_admin.py unlock-user --username j.jansen   # lift a login lock-out
  python scripts/handover_admin.py deactivate-user --username j.jansen   (activate-user)
  python scripts/handover_admin.py list
  python scripts/handover_admin.py purge [--audit-days 365] [--tombstone-days 365]

Kinds: municipal_debt_help, wijkteam, volunteer. Municipality codes are CBS codes (GM +
4 digits, see content/municipalities.yml); "*" means every municipality (national).
The password is read from the first line of stdin when stdin is not a terminal (for
scripts: ``printf '%s\\n' "$PW" | python scripts/handover_admin.py add-user ...``),
otherwise it is asked twice without echo. At least 12 characters.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import List, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handover.store import KINDS, ROLES, HandoverStore, default_url, get_store  # noqa: E402


def _codes(values: Optional[Sequence[str]]) -> List[str]:
    """``["GM0363,GM0457", "GM0599"]`` -> three codes."""
    codes: List[str] = []
    for value in values or []:
        codes.extend(part.strip() for part in value.split(",") if part.strip())
    return codes


def read_password(prompt: str = "Wachtwoord: ") -> str:
    """The new password from stdin (not a terminal) or asked twice on the terminal."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    first = getpass.getpass(prompt)
    second = getpass.getpass("Nog een keer: ")
    if first != second:
        raise ValueError("the two passwords differ")
    return first


def cmd_add_org(store: HandoverStore, args: argparse.Namespace) -> str:
    org = store.add_organisation(args.id, args.name, args.kind, _codes(args.municipality))
    return f"organisation {org.id} ({org.kind}) serves {', '.join(org.municipality_codes)}"


def cmd_set_municipalities(store: HandoverStore, args: argparse.Namespace) -> str:
    store.set_organisation_municipalities(args.id, _codes(args.municipality))
    org = store.get_organisation(args.id)
    assert org is not None
    return f"organisation {org.id} now serves {', '.join(org.municipality_codes)}"


def cmd_add_user(store: HandoverStore, args: argparse.Namespace) -> str:
    password = read_password()
    account = store.add_account(
        args.username, args.org, args.role, password, _codes(args.municipality)
    )
    scope = ", ".join(account.municipality_codes) or "all of the organisation's"
    return f"account {account.username} ({account.role}) at {account.organisation_id}; {scope}"


def cmd_set_password(store: HandoverStore, args: argparse.Namespace) -> str:
    store.set_password(args.username, read_password("Nieuw wachtwoord: "))
    return f"password of {args.username} changed; its sessions ended"


def cmd_unlock(store: HandoverStore, args: argparse.Namespace) -> str:
    if store.unlock(args.username):
        return f"lock-out and failed logins of {args.username} cleared"
    return f"{args.username} had no lock-out or failed logins"


def cmd_deactivate(store: HandoverStore, args: argparse.Namespace) -> str:
    store.set_account_active(args.username, False)
    return f"account {args.username} deactivated; its sessions ended"


def cmd_activate(store: HandoverStore, args: argparse.Namespace) -> str:
    store.set_account_active(args.username, True)
    return f"account {args.username} activated"


def cmd_list(store: HandoverStore, args: argparse.Namespace) -> str:
    lines = []
    for org in store.list_organisations():
        lines.append(f"{org.id}  {org.kind}  {org.name}  [{', '.join(org.municipality_codes)}]")
        for acc in store.list_accounts(org.id):
            state = "active" if acc.active else "inactive"
            scope = ", ".join(acc.municipality_codes) or "organisation's municipalities"
            lines.append(f"    {acc.username}  {acc.role}  {state}  [{scope}]")
    return "\n".join(lines) or "no organisations yet"


def cmd_purge(store: HandoverStore, args: argparse.Namespace) -> str:
    removed = store.purge_expired()
    counts = store.purge_housekeeping(
        audit_days=args.audit_days, tombstone_days=args.tombstone_days
    )
    extra = ", ".join(f"{k} {v}" for k, v in counts.items())
    return f"removed {removed} expired handover(s); housekeeping: {extra}"


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db-url", default=None, help="SQLAlchemy URL of the handover database")
    sub = parser.add_subparsers(dest="command", required=True)

    add_org = sub.add_parser("add-org", help="create an organisation")
    add_org.add_argument("--id", required=True)
    add_org.add_argument("--name", required=True)
    add_org.add_argument("--kind", required=True, choices=KINDS)
    add_org.add_argument("--municipality", action="append", required=True,
                         help="CBS code (repeat, or comma-separated); * = all")
    add_org.set_defaults(func=cmd_add_org)

    set_mun = sub.add_parser("set-municipalities", help="replace an organisation's codes")
    set_mun.add_argument("--id", required=True)
    set_mun.add_argument("--municipality", action="append", required=True)
    set_mun.set_defaults(func=cmd_set_municipalities)

    add_user = sub.add_parser("add-user", help="create a reviewer or admin account")
    add_user.add_argument("--org", required=True)
    add_user.add_argument("--username", required=True)
    add_user.add_argument("--role", required=True, choices=ROLES)
    add_user.add_argument("--municipality", action="append",
                          help="narrow the account to these codes (default: the org's)")
    add_user.set_defaults(func=cmd_add_user)

    for name, func, text in (
        ("set-password", cmd_set_password, "set a new password (ends sessions, lifts lock-out)"),
        ("unlock-user", cmd_unlock, "lift a login lock-out of a username"),
        ("deactivate-user", cmd_deactivate, "block an account (ends its sessions)"),
        ("activate-user", cmd_activate, "unblock an account"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("--username", required=True)
        command.set_defaults(func=func)

    listing = sub.add_parser("list", help="organisations and accounts")
    listing.set_defaults(func=cmd_list)

    purge = sub.add_parser("purge", help="delete expired handovers, old sessions and logs")
    purge.add_argument("--audit-days", type=int, default=365)
    purge.add_argument("--tombstone-days", type=int, default=365)
    purge.set_defaults(func=cmd_purge)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command; errors are one line on stderr and exit code 2."""
    args = build_parser().parse_args(argv)
    store = get_store(args.db_url or default_url())
    try:
        print(args.func(store, args))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
