"""Extra staff for the soak benchmark: one account per simulated staff member, so each signs
in with a code of their own (a TOTP code is good for one sign-in). Run in the server's
environment (same database, data directory and keys); prints one line per account in the
format of `amparo seed`, which tests/e2e/harness.py `seed` reads.

    AMPARO_DATABASE_URL=... python -m bench.soak_staff --roles reviewer,caseworker --count 30

E-mail addresses are obviously fake (bench-<role>-NN@example.invalid).
"""
from __future__ import annotations

import argparse
import re



def parse_staff(out: str) -> list[tuple[str, str, str, str]]:
    """(role, e-mail, password, TOTP secret) per line printed by `main`."""
    return re.findall(r"^(\w+) (\S+@\S+) password=(\S+) totp_secret=(\S+)$", out, re.M)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--roles", required=True, help="comma-separated; assigned in turn")
    parser.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    from models.core.db import session_scope
    from models.people.service import add_to_panel, create_user
    from models.programmes.service import programme_by_slug

    roles = args.roles.split(",")
    lines = []
    with session_scope() as session:
        programme = programme_by_slug(session, None)
        for i in range(args.count):
            role = roles[i % len(roles)]
            email = f"bench-{role.replace('_', '-')}-{i:02d}@example.invalid"
            user, password, totp = create_user(session, email=email, role=role)
            if role == "reviewer":
                add_to_panel(session, user=user, programme_id=programme.id)
            lines.append(f"{role} {email} password={password} totp_secret={totp}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
