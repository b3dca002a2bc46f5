"""The `amparo` command line (CONTRACT.md, "Command line")."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from api.processes import prepare_runtime
from models.core.settings import get_settings

app = typer.Typer(help="Amparo: rapid-response protection workflows.", no_args_is_help=True)
user_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit chain.", no_args_is_help=True)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys.", no_args_is_help=True)
programme_app = typer.Typer(help="Programmes and their rules.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(programme_app, name="programme")
network_app = typer.Typer(help="The network of funds (docs/network.md).", no_args_is_help=True)
app.add_typer(network_app, name="network")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration (alembic upgrade heads); says whether it created the database."""
    from models.core.migrate import upgrade_and_describe
    typer.echo(upgrade_and_describe(get_settings().database_url))


@app.command()
def serve(host: str = typer.Option("127.0.0.1"), migrate: bool = typer.Option(True)) -> None:
    """Serve the API, the forms, the staff pages and the dispatcher."""
    prepare_runtime()
    if migrate:
        db_upgrade()
    from api import processes
    from api.app import create_app
    settings = get_settings()
    try:
        sock = processes.bind(host, settings.port)  # before the siblings, who inherit it
    except OSError as exc:
        typer.echo(f"Cannot listen on {host}:{settings.port}: {exc.strerror} "
                   "(another server on that port? set AMPARO_PORT)", err=True)
        raise typer.Exit(1) from exc
    siblings = None
    if settings.api_processes > 1:
        siblings = processes.Siblings(sock, settings.api_processes - 1).start()
    typer.echo(_addresses(host))
    try:
        processes.serve(create_app(), sock)
    finally:
        if siblings is not None:
            siblings.stop()


def _addresses(host: str) -> str:
    """Where a person goes, printed once at start (`make run` ends with these lines)."""
    settings = get_settings()
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{settings.port}"
    lines = ["Amparo is starting:",
             f"  apply (defenders):  {base}/apply",
             f"  follow a case:      {base}/status",
             f"  staff:              {base}/staff"]
    if settings.mode == "embedded" and settings.dispatcher_enabled and settings.prefect_ui_port:
        lines.append(f"  Prefect UI (flow runs, on this machine only): "
                     f"http://127.0.0.1:{settings.prefect_ui_port} (unless that port is taken)")
    lines.append("A new login for a demo account: amparo user reset EMAIL "
                 "(e.g. admin@demo.amparo.invalid); list accounts: amparo user list")
    return "\n".join(lines)


@app.command()
def dispatch() -> None:
    """Run the flow runner alone: the dispatcher lanes and, embedded, the sweeper (what
    `amparo serve` starts beside the API; for `AMPARO_DISPATCHER=off` API processes)."""
    prepare_runtime()
    from flows.runner import main

    main()


@user_app.command("add")
def user_add(email: str, role: str = typer.Option(..., "--role"),
             password_file: Path | None = typer.Option(None, "--password-file"),
             panel: str | None = typer.Option(None, "--panel"),
             on_call: bool = typer.Option(False, "--on-call")) -> None:
    """Create a staff user; prints the generated password (if any) and the TOTP secret."""
    from models.core.db import session_scope
    from models.core.errors import AmparoError
    from models.people.service import add_to_panel, create_user
    from models.programmes.service import programme_by_slug

    password = password_file.read_text().strip() if password_file else None
    try:
        with session_scope() as session:
            user, generated, totp = create_user(session, email=email, role=role,
                                                password=password)
            if role == "reviewer" or panel:
                programme = programme_by_slug(session, panel)
                add_to_panel(session, user=user, programme_id=programme.id, on_call=on_call)
    except AmparoError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    if generated:
        typer.echo(f"password={generated}")
    typer.echo(f"totp_secret={totp}")


@user_app.command("list")
def user_list() -> None:
    """Every staff account: e-mail, role, active or disabled, last sign-in."""
    from sqlmodel import select
    from models.core.db import session_scope
    from models.people.tables import StaffUser

    with session_scope(read_only=True) as session:
        users = session.exec(select(StaffUser).order_by(StaffUser.email)).all()
        for u in users:
            last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never"
            typer.echo(f"{u.email}\t{u.role}\t{'active' if u.active else 'disabled'}\t{last}")


def _with_user(email: str, action) -> None:  # noqa: ANN001
    """Run `action(session, user)` on the account with this e-mail; errors exit 2."""
    from models.core.db import session_scope
    from models.core.errors import AmparoError
    from models.people.service import user_by_email

    try:
        with session_scope() as session:
            action(session, user_by_email(session, email))
    except AmparoError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc


@user_app.command("disable")
def user_disable(email: str) -> None:
    """Shut a staff member out at once: every token and page session ends."""
    from models.people.service import set_active
    _with_user(email, lambda s, u: set_active(s, user=u, active=False, actor_id="cli"))
    typer.echo(f"disabled: {email}")


@user_app.command("reset")
def user_reset(email: str) -> None:
    """A new password and authenticator secret (printed once); earlier sessions end."""
    from models.people.service import reset_credentials
    out: list[str] = []
    _with_user(email, lambda s, u: out.extend(reset_credentials(s, user=u, actor_id="cli")))
    typer.echo(f"password={out[0]}")
    typer.echo(f"totp_secret={out[1]}")


@user_app.command("recovery-codes")
def user_recovery_codes(email: str) -> None:
    """Ten one-time recovery codes (printed once) for a lost phone; unused old ones void."""
    from models.people.recovery import issue_codes
    out: list[str] = []
    _with_user(email, lambda s, u: out.extend(issue_codes(s, user_id=u.id, actor_id="cli")))
    for code in out:
        typer.echo(code)


@programme_app.command("list")
def programme_list() -> None:
    """Every programme: slug, version, active or not, currency, cap, kinds, name."""
    from models.core.db import session_scope
    from models.programmes import repository
    from models.programmes.service import programme_json

    with session_scope(read_only=True) as session:
        for p in map(programme_json, repository.programmes(session)):
            typer.echo(f"{p['slug']}\tv{p['version']}\t{'active' if p['active'] else 'inactive'}"
                       f"\t{p['currency']} {p['cap']}\t{','.join(p['kinds'])}\t{p['name']}")


@programme_app.command("show")
def programme_show(slug: str) -> None:
    """One programme's current rules (JSON, amounts in major units), its panel and versions."""
    import json

    from models.core.db import session_scope
    from models.programmes import repository
    from models.programmes.service import panel_json, programme_json

    with session_scope(read_only=True) as session:
        programme = repository.by_slug(session, slug)
        if programme is None:
            typer.echo(f"error: unknown programme {slug}", err=True)
            raise typer.Exit(2)
        shown = programme_json(programme)
        shown["panel"] = panel_json(session, programme)
        shown["versions"] = [{"number": v.number, "actor_id": v.actor_id, "reason": v.reason,
                              "at": v.created_at.isoformat()}
                             for v in repository.versions(session, programme.id)]
    typer.echo(json.dumps(shown, indent=2, sort_keys=True, default=str))


@network_app.command("keys")
def network_keys() -> None:
    """This instance's public keys (made on first use) and their fingerprints."""
    from models.network.keys import identity
    me = identity()
    typer.echo(f"sign_public={me.sign_public}\nbox_public={me.box_public}")
    typer.echo(f"sign_fingerprint={me.sign_fingerprint}\nbox_fingerprint={me.box_fingerprint}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Exit 0 when every event verifies; else exit 1 naming the first that does not."""
    from models.core import audit
    from models.core.db import session_scope

    with session_scope() as session:
        result = audit.verify(session)
    if result.ok:
        typer.echo(f"audit chain ok: {result.count} events")
        return
    typer.echo(f"audit chain broken at event {result.bad_seq}: {result.reason}", err=True)
    raise typer.Exit(1)


@keys_app.command("rotate")
def keys_rotate(batch: int = typer.Option(500, help="rows per transaction")) -> None:
    """Re-encrypt every value not under the first key of AMPARO_ENCRYPTION_KEYS."""
    from models.core.rotation import rotate_all
    from models.sealed import KEYRING
    counts = rotate_all(KEYRING, batch=batch)
    typer.echo("re-encrypted: " + ", ".join(f"{k}={v}" for k, v in counts.items()))


@app.command()
def erase(application_id: str, reason: str = typer.Option("request", help="request | retention | other")) -> None:
    """Erase the personal data of the person behind an application (crypto-shredding)."""
    from models.applications.erasure import erase_application_person
    from models.core.db import session_scope
    from models.core.errors import AmparoError

    try:
        with session_scope() as session:
            count = erase_application_person(session=session, application_id=application_id,
                                             actor_id="cli", reason=reason)
    except AmparoError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"erased: {count} application(s)" if count else "already erased")


@app.command()
def seed() -> None:
    """Create the demo programme and demo staff (logins printed once)."""
    from models.seed import seed_demo
    for line in seed_demo():
        typer.echo(line)


def main() -> None:  # pragma: no cover - console entry
    app(prog_name="amparo")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
