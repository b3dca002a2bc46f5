"""A throwaway PostgreSQL 15 server for tests.

`start_postgres()` runs initdb + pg_ctl in a fresh temporary directory and returns a
`PgServer`. PostgreSQL refuses to run as root, so when we are root the binaries run as
the `postgres` system user through `runuser`; otherwise they run as the current user.
Durability is switched off (fsync, synchronous_commit, full_page_writes) for speed;
only 127.0.0.1 is listened on, with trust auth, and the unix socket stays in the
temporary directory so nothing touches /var/run/postgresql.

    pg = start_postgres()
    engine = create_engine(pg.url)           # postgresql+psycopg://postgres@127.0.0.1:P/amparo
    other = pg.create_database("scratch")    # URL of another, empty database
    print(pg.dump("amparo"))                 # pg_dump output as text
    pg.stop()
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PG_BIN = Path(os.environ.get("AMPARO_PG_BIN", "/usr/lib/postgresql/15/bin"))
DEFAULT_DB = "amparo"
PG_USER = "postgres"
START_ATTEMPTS = 3


class PostgresStartError(RuntimeError):
    """PostgreSQL could not be provided; tests that need it must fail, not skip."""


def _free_port() -> int:
    from tests.support.ports import free_port as port_of_this_worker
    return port_of_this_worker()  # a block of its own per xdist worker (tests/support/ports.py)


def _is_root() -> bool:
    return os.geteuid() == 0


def _as_pg_user(cmd: list[str]) -> list[str]:
    # The server binaries refuse root; drop to the postgres system user.
    return ["runuser", "-u", PG_USER, "--", *cmd] if _is_root() else cmd


def _run(cmd: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise PostgresStartError(
            f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def _make_dirs() -> tuple[Path, Path, Path]:
    root = Path(tempfile.mkdtemp(prefix="amparo-pg-"))
    # mkdtemp makes 0700; the postgres user must be able to walk into it.
    root.chmod(0o755)
    data, sock = root / "data", root / "sock"
    data.mkdir(mode=0o700)
    sock.mkdir(mode=0o700)
    if _is_root():
        shutil.chown(data, PG_USER, PG_USER)
        shutil.chown(sock, PG_USER, PG_USER)
        shutil.chown(root, PG_USER, PG_USER)
    return root, data, sock


def _initdb(data: Path) -> None:
    _run(_as_pg_user([
        str(PG_BIN / "initdb"), "-D", str(data), "-U", PG_USER, "-A", "trust",
        "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
    ]), timeout=120)
    hba = data / "pg_hba.conf"
    # Trust only the local socket and 127.0.0.1; nothing else may connect.
    hba.write_text(
        "local all all trust\n"
        "host all all 127.0.0.1/32 trust\n"
    )
    if _is_root():
        shutil.chown(hba, PG_USER, PG_USER)


@dataclass
class PgServer:
    """A running throwaway PostgreSQL server."""

    port: int
    root: Path
    data_dir: Path
    socket_dir: Path
    dbname: str = DEFAULT_DB
    _stopped: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        return self.url_for(self.dbname)

    def url_for(self, dbname: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{dbname}"

    def dsn(self, dbname: str | None = None) -> str:
        """libpq DSN, for psycopg.connect() or command-line tools."""
        return f"host=127.0.0.1 port={self.port} user={PG_USER} dbname={dbname or self.dbname}"

    @property
    def log_path(self) -> Path:
        return self.root / "server.log"

    def create_database(self, name: str) -> str:
        """Create a fresh, empty database and return its SQLAlchemy URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))

    def dump(self, dbname: str | None = None) -> str:
        """The plain-text pg_dump of a database (schema and data)."""
        cmd = [str(PG_BIN / "pg_dump"), "-h", "127.0.0.1", "-p", str(self.port),
               "-U", PG_USER, "--no-owner", "--no-privileges", dbname or self.dbname]
        return _run(cmd, timeout=120).stdout

    def stop(self) -> None:
        """Stop at once (no checkpoint: the data is thrown away) and remove the files."""
        if self._stopped:
            return
        self._stopped = True
        try:
            subprocess.run(_as_pg_user([
                str(PG_BIN / "pg_ctl"), "stop", "-D", str(self.data_dir),
                "-m", "immediate", "-w", "-t", "30",
            ]), capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            pass  # Removing the directory below is what matters most.
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _pg_ctl_start(data: Path, sock: Path, port: int, log: Path) -> bool:
    opts = (
        f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        "-c max_connections=200"
    )
    proc = subprocess.run(_as_pg_user([
        str(PG_BIN / "pg_ctl"), "start", "-D", str(data), "-l", str(log),
        "-w", "-t", "60", "-o", opts,
    ]), capture_output=True, text=True, timeout=90)
    return proc.returncode == 0


def _wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    cmd = [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-U", PG_USER]
    while time.monotonic() < deadline:
        if subprocess.run(cmd, capture_output=True).returncode == 0:
            return
        time.sleep(0.2)
    raise PostgresStartError(f"PostgreSQL on port {port} not ready after {timeout} s")


def _read_log(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-3000:]
    except OSError:
        return "(no server log)"


def start_postgres(dbname: str = DEFAULT_DB) -> PgServer:
    """Start a fresh server with an empty database `dbname`; raises PostgresStartError."""
    if not (PG_BIN / "initdb").exists():
        raise PostgresStartError(
            f"{PG_BIN}/initdb not found: install postgresql-15 (scripts/ensure-test-deps.sh)")
    root, data, sock = _make_dirs()
    try:
        _initdb(data)
        log = root / "server.log"
        for _ in range(START_ATTEMPTS):
            # Another process may grab the port between bind and start: retry.
            port = _free_port()
            if _pg_ctl_start(data, sock, port, log):
                break
        else:
            raise PostgresStartError(f"pg_ctl start failed:\n{_read_log(log)}")
        _wait_ready(port)
    except BaseException:
        subprocess.run(_as_pg_user([str(PG_BIN / "pg_ctl"), "stop", "-D", str(data),
                                    "-m", "immediate"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
        raise
    server = PgServer(port=port, root=root, data_dir=data, socket_dir=sock, dbname=dbname)
    atexit.register(server.stop)  # Never leave a postmaster behind a crashed session.
    server.create_database(dbname)
    return server
