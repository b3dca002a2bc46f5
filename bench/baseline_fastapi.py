"""The bare baseline of the surge benchmark: FastAPI + SQLModel + SQLite (WAL), one insert.

It accepts the same JSON body as `POST /api/v1/applications` (validated with the same
pydantic schema) and inserts one row shaped like an application: no encryption, no audit,
no outbox, no Prefect. bench/surge.py drives it with the same client to get the throughput
ratio of the issue ("intake at least half the throughput of a bare FastAPI endpoint").

    python bench/baseline_fastapi.py --port 8765 --db /tmp/baseline.db
"""
from __future__ import annotations

import argparse
import os
import secrets
import uuid
from datetime import datetime, timezone
from pathlib import Path

import uvicorn
from fastapi import FastAPI, HTTPException
from sqlalchemy import event
from sqlmodel import Field, Session, SQLModel, create_engine

from models.applications.schemas import ApplicationIn


class BaselineApplication(SQLModel, table=True):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex, primary_key=True)
    kind: str = Field(index=True)
    status: str = Field(default="submitted", index=True)
    language: str = "en"
    receipt_hash: str = Field(unique=True)
    country: str | None = None
    threat_imminent: bool = False
    priority: int = Field(default=5, index=True)
    payload: str  # the body, as the real endpoint keeps it (sealed there)
    submitted_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))


def make_engine(db_path: Path):  # noqa: ANN201
    engine = create_engine(f"sqlite:///{db_path}", connect_args={"check_same_thread": False,
                                                                  "timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(conn, _record) -> None:  # noqa: ANN001
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")

    SQLModel.metadata.create_all(engine)
    return engine


def create_app(db_path: Path) -> FastAPI:
    engine = make_engine(db_path)
    app = FastAPI()

    @app.post("/api/v1/applications", status_code=201)
    def submit(body: ApplicationIn) -> dict:
        row = BaselineApplication(kind=body.kind, language=body.language,
                                  receipt_hash=secrets.token_hex(16),
                                  country=body.applicant.country,
                                  threat_imminent=body.threat.imminent,
                                  payload=body.model_dump_json())
        with Session(engine, expire_on_commit=False) as session:
            session.add(row)
            session.commit()
        return {"id": row.id, "receipt": "baseline", "status": row.status}

    @app.get("/api/v1/applications/{application_id}")
    def read(application_id: str) -> dict:
        """One row by its key, for the soak benchmark's reads (bench/soak.py)."""
        with Session(engine) as session:
            row = session.get(BaselineApplication, application_id)
        if row is None:
            raise HTTPException(404)
        return {"id": row.id, "kind": row.kind, "status": row.status}

    @app.get("/api/v1/health")
    def health() -> dict:
        return {"status": "ok"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=int(os.environ.get("AMPARO_PORT", "8765")))
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(args.db), host="127.0.0.1", port=args.port, log_level="warning",
                access_log=False)


if __name__ == "__main__":
    main()
