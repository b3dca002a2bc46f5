"""Real `amparo serve` instances on their own loopback addresses (127.0.0.2, .3, .4), each
with its own SQLite database, data directory, secrets and keys; linked to each other by
their admins through the JSON API, as two funds would after comparing fingerprints."""
from __future__ import annotations

import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx

from tests.e2e.harness import AMPARO, Deployment, base_env, seed
from tests.support.server import START_TIMEOUT, ServerProcess, free_port

ADMIN, CASEWORKER = "admin@demo.amparo.invalid", "caseworker@demo.amparo.invalid"


@dataclass
class HostServer(ServerProcess):
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass
class Instance:
    name: str
    deployment: Deployment
    keys: dict[str, str]
    data_dir: Path

    @property
    def url(self) -> str:
        return self.deployment.url

    def api(self, method: str, path: str, who: str | None = None, **kw: Any) -> httpx.Response:
        headers = self.deployment.login(who) if who else {}
        return httpx.request(method, self.url + "/api/v1" + path, headers=headers,
                             timeout=60, **kw)

    def link(self, other: "Instance", *, kinds: list[str], checks: bool = True,
             per_day: int = 20) -> str:
        r = self.api("POST", "/network/peers", ADMIN, json={
            "name": f"Fund {other.name}", "url": other.url,
            "sign_public": other.keys["sign_public"], "box_public": other.keys["box_public"],
            "referral_kinds": kinds, "checks_allowed": checks, "checks_per_day": per_day})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def files_text(self) -> bytes:
        """Every byte under the data directory (database, WAL, Prefect's store) and the log."""
        out = [self.deployment.server.log_path.read_bytes()]
        for path in self.data_dir.rglob("*"):
            if path.is_file():
                out.append(path.read_bytes())
        return b"\n".join(out)


def start(name: str, host: str, root: Path, *, dispatcher: bool) -> Instance:
    tmp = root / name
    tmp.mkdir(parents=True)
    env = base_env(tmp, f"sqlite:///{tmp / 'data' / 'amparo.db'}",
                   SimpleNamespace(url="http://127.0.0.1:9"),  # no Stripe here
                   AMPARO_SECRET_KEY=f"network-{name}-secret-0123456789-abcdefghijkl",
                   AMPARO_ENCRYPTION_KEYS=f"{name}k:" + (name.upper() * 43)[:43],
                   AMPARO_DISPATCHER="on" if dispatcher else "off")
    (tmp / "data").mkdir()
    staff, output = seed(env)
    keys = dict(line.split("=", 1) for line in subprocess.run(
        [AMPARO, "network", "keys"], env=env, check=True, capture_output=True, text=True,
        timeout=60).stdout.splitlines())
    port = free_port()
    server = HostServer(command=[AMPARO, "serve", "--host", host],
                        env={**os.environ, **env, "AMPARO_PORT": str(port),
                             "PYTHONUNBUFFERED": "1"},
                        port=port, log_path=tmp / "server.log", timeout=START_TIMEOUT + 60,
                        host=host).start()
    return Instance(name, Deployment(env=env, server=server, staff=staff, seed_output=output),
                    keys, tmp / "data")


def start_all(specs: list[tuple[str, str, bool]]) -> tuple[list[Instance], Path]:
    root = Path(tempfile.mkdtemp(prefix="amparo-network-"))
    with ThreadPoolExecutor(len(specs)) as pool:
        futures = [pool.submit(start, name, host, root, dispatcher=d) for name, host, d in specs]
        started, failure = [], None
        for future in futures:
            try:
                started.append(future.result())
            except Exception as exc:  # noqa: BLE001 - stop the others, then fail
                failure = exc
    if failure is not None:
        for instance in started:
            instance.deployment.server.stop()
        raise failure
    return started, root
