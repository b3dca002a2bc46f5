"""Create (or serve) the Prefect deployments of prefect.yaml: distributed mode's set-up step.

    python -m flows.deploy            # create the `amparo` process work pool if missing, deploy all
    python -m flows.deploy --serve    # no work pool: run every deployment in this one process

prefect.yaml is the single list of deployments; this reads it, checks that every flow of
flows/registry.py has one, and creates them through the Prefect API of `PREFECT_API_URL`.
Workers then run `prefect worker start --pool amparo` from a checkout of this repository.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows import registry

ROOT = Path(__file__).resolve().parent.parent
PREFECT_YAML = ROOT / "prefect.yaml"
POOL = "amparo"
POOL_TYPE = "process"
# The pool's queues, most urgent first (Prefect's priority 1 is the highest): workers take
# routing and the rest before staff e-mails, which a surge makes by the thousand.
QUEUES = {"default": 1, "notices": 10}


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    entrypoint: str  # flows/<module>.py:<function>
    pool: str = POOL
    queue: str = "default"
    description: str = ""
    tags: tuple[str, ...] = ()
    interval: float | None = None
    cron: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return self.entrypoint.split(":")[0].removesuffix(".py").replace("/", ".")

    @property
    def function(self) -> str:
        return self.entrypoint.split(":")[1]


def read_specs(path: Path = PREFECT_YAML) -> list[DeploymentSpec]:
    doc = yaml.safe_load(path.read_text())
    specs = []
    for item in doc.get("deployments", []):
        schedule = (item.get("schedules") or [{}])[0]
        specs.append(DeploymentSpec(
            name=item["name"], entrypoint=item["entrypoint"],
            pool=(item.get("work_pool") or {}).get("name", POOL),
            queue=(item.get("work_pool") or {}).get("work_queue_name", "default"),
            description=item.get("description", ""), tags=tuple(item.get("tags", [])),
            interval=schedule.get("interval"), cron=schedule.get("cron"),
            parameters=item.get("parameters") or {}))
    return specs


def missing_from_yaml(specs: list[DeploymentSpec]) -> list[str]:
    """Outbox flows of flows/registry.py that prefect.yaml does not deploy."""
    deployed = {(s.module, s.function) for s in specs}
    return sorted(name for name, target in registry.FLOWS.items() if target not in deployed)


def _load(spec: DeploymentSpec) -> Any:
    from prefect import Flow

    return Flow.from_source(source=str(ROOT), entrypoint=spec.entrypoint)


def _to_deployment(spec: DeploymentSpec, flow: Any) -> Any:
    kwargs: dict[str, Any] = {"name": spec.name, "description": spec.description,
                              "work_queue_name": spec.queue,
                              "tags": list(spec.tags), "parameters": spec.parameters}
    if spec.interval:
        kwargs["interval"] = spec.interval
    if spec.cron:
        kwargs["cron"] = spec.cron
    # _sync: a test process may have an event loop running in this thread (Playwright),
    # which would otherwise make Prefect hand back a coroutine.
    return flow.to_deployment(**kwargs, _sync=True)


async def ensure_work_pool(name: str = POOL, pool_type: str = POOL_TYPE) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    async with get_client() as client:
        try:
            await client.create_work_pool(WorkPoolCreate(name=name, type=pool_type))
        except ObjectAlreadyExists:
            pass
        for queue, priority in QUEUES.items():
            try:
                await client.create_work_queue(name=queue, priority=priority,
                                               work_pool_name=name)
            except ObjectAlreadyExists:
                await client.update_work_queue(
                    (await client.read_work_queue_by_name(queue, work_pool_name=name)).id,
                    priority=priority)


def deploy_all(specs: list[DeploymentSpec] | None = None) -> list[str]:
    """Create the work pools and every deployment; returns "<flow>/<deployment>" names."""
    from prefect.deployments.runner import deploy

    specs = specs or read_specs()
    if missing := missing_from_yaml(specs):
        raise SystemExit(f"prefect.yaml lacks deployments for: {', '.join(missing)}")
    names = []
    for pool in sorted({s.pool for s in specs}):
        asyncio.run(ensure_work_pool(pool))
        group = [s for s in specs if s.pool == pool]
        loaded = [(s, _load(s)) for s in group]
        for spec, flow in loaded:  # the dispatcher starts "<flow-name>/<flow-name>"
            if spec.name != flow.name:
                raise SystemExit(f"deployment {spec.name} must be named after its flow {flow.name}")
        deploy(*(_to_deployment(s, f) for s, f in loaded), work_pool_name=pool,
               build=False, push=False, print_next_steps_message=False, ignore_warnings=True)
        names += [f"{f.name}/{s.name}" for s, f in loaded]
    return names


def serve_all(specs: list[DeploymentSpec] | None = None) -> None:
    """One process runs every deployment (no work pool, no worker): small installations."""
    import importlib

    from prefect import serve

    specs = specs or read_specs()
    flows = [getattr(importlib.import_module(s.module), s.function) for s in specs]
    serve(*(_to_deployment(s, f) for s, f in zip(specs, flows, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.deploy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", action="store_true",
                        help="serve every deployment from this process instead of a work pool")
    args = parser.parse_args(argv)
    if args.serve:
        serve_all()
        return 0
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():  # else deployments would go to a throwaway ephemeral API
        parser.error("set PREFECT_API_URL to the Prefect server (e.g. http://prefect:4200/api)")
    for name in deploy_all():
        print(f"deployed {name}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
