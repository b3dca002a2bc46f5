"""The network's tables: this instance's keys, its peers, the nonces seen, every exchange,
and referrals. No personal data in clear: a referral's case data is held only while it
waits for the receiving fund's answer, sealed (docs/network.md)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, json_field, time_field


class NetworkKeys(SQLModel, table=True):
    """This instance's own keypairs (one row): generated once, private halves sealed."""

    __tablename__ = "network_keys"
    id: str = Field(default="self", primary_key=True, max_length=8)
    sign_public: str = Field(max_length=64)   # Ed25519, base64
    box_public: str = Field(max_length=64)    # X25519, base64
    sign_private_enc: str = Field(sa_type=Text)
    box_private_enc: str = Field(sa_type=Text)
    created_at: datetime = time_field(nullable=False, default_now=True)


class Peer(SQLModel, table=True):
    """Another Amparo, linked by an admin with keys exchanged out of band."""

    __tablename__ = "network_peer"
    id: str = id_field()
    name: str = Field(max_length=120)
    url: str = Field(max_length=300)
    sign_public: str = Field(unique=True, max_length=64)
    box_public: str = Field(max_length=64)
    referral_kinds: list = json_field(default=[])  # kinds this peer may refer to us
    checks_allowed: bool = False                    # may it run co-funding checks with us
    checks_per_day: int = 20
    status: str = Field(default="active", max_length=16)  # active | suspended
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True)
    suspended_at: datetime | None = time_field()


class PeerNonce(SQLModel, table=True):
    """A nonce seen from a peer: the same signed request twice is refused."""

    __tablename__ = "network_nonce"
    __table_args__ = (UniqueConstraint("peer_id", "nonce"),)
    id: str = id_field()
    peer_id: str = Field(max_length=32, index=True)
    nonce: str = Field(max_length=64)
    seen_at: datetime = time_field(nullable=False, default_now=True, index=True)


class PeerExchange(SQLModel, table=True):
    """One exchange with a peer, either way, answered or refused: the admins' counts."""

    __tablename__ = "network_exchange"
    id: str = id_field()
    peer_id: str | None = Field(default=None, max_length=32, index=True)
    direction: str = Field(max_length=3)       # in | out
    kind: str = Field(max_length=32)           # referral, referral_status, check
    outcome: str = Field(max_length=32)        # ok | a refusal code
    at: datetime = time_field(nullable=False, default_now=True, index=True)


class Referral(SQLModel, table=True):
    """A case referred to (role `sent`) or by (role `received`) a peer.

    Sent: `application_id` is our case; `receipt_sealed` the receiving fund's new receipt,
    sealed under a key only the defender's own receipt opens. Received: `payload_enc` holds
    the consented case data until accepted or declined, then it is gone;
    `application_id` is the new application once accepted."""

    __tablename__ = "network_referral"
    id: str = id_field()
    role: str = Field(max_length=8)             # sent | received
    peer_id: str = Field(max_length=32, index=True)
    remote_id: str | None = Field(default=None, max_length=32, index=True)
    application_id: str | None = Field(default=None, max_length=32, index=True)
    kind: str = Field(max_length=16)
    reason: str = Field(max_length=32)
    status: str = Field(default="offered", max_length=16, index=True)
    payload_enc: str | None = Field(default=None, sa_type=Text)
    receipt_sealed: str | None = Field(default=None, sa_type=Text)
    told_status: str | None = Field(default=None, max_length=16)  # what the peer last heard
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True)
    updated_at: datetime = time_field(nullable=False, default_now=True)
    expires_at: datetime | None = time_field(index=True)
