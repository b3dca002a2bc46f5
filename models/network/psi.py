"""Private set intersection over normalised identity tokens (openmined-psi, ECDH).

Each side turns a person into a few tokens (phone, e-mail, name + country), each combined
with the purpose category and a date band. The asking side learns which of its own
elements the other side also holds, and nothing else; the answering side learns only how
many elements were asked (always the same number: padded). Pure functions, no database.
"""
from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Iterable

import private_set_intersection.python as psi

BANDS = ("open", "last_90_days", "last_year")  # most recent first
PER_PERSON = 3  # phone, e-mail, name + country
ASKED = PER_PERSON * len(BANDS)  # every check asks exactly this many elements
FPR = 1e-9


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in kept).split())


def phone_token(phone: str | None) -> str | None:
    digits = "".join(ch for ch in (phone or "") if ch.isdigit()).lstrip("0")
    return f"phone:{digits}" if len(digits) >= 6 else None


def email_token(email: str | None) -> str | None:
    text = unicodedata.normalize("NFKC", (email or "").strip()).casefold()
    local, at, domain = text.partition("@")
    if not at or not local or not domain:
        return None
    local = local.split("+", 1)[0]
    return f"email:{local}@{domain}"


def name_token(name: str | None, country: str | None) -> str | None:
    words = sorted(_fold(name or "").split())
    if not words or not country:
        return None
    return f"name:{' '.join(words)}|{country.strip().upper()}"


def identity_tokens(*, name: str | None, email: str | None, phone: str | None,
                    country: str | None) -> list[str]:
    found = [phone_token(phone), email_token(email), name_token(name, country)]
    return [t for t in found if t]


def element(token: str, purpose: str, band: str) -> str:
    """What enters the intersection: a hash, so no clear identity is ever in a set."""
    return hashlib.sha256(f"amparo-psi-1|{purpose}|{band}|{token}".encode()).hexdigest()


def asking_elements(tokens: list[str], purpose: str) -> list[tuple[str, str]]:
    """(element, band) for every band, padded with random elements to exactly ASKED."""
    out = [(element(t, purpose, band), band) for t in tokens[:PER_PERSON] for band in BANDS]
    while len(out) < ASKED:
        out.append((secrets.token_hex(32), ""))
    secrets.SystemRandom().shuffle(out)
    return out


def held_elements(people: Iterable[tuple[list[str], str]], purpose: str) -> list[str]:
    """The answering side's set: each person's tokens in the band of their grant."""
    return sorted({element(t, purpose, band) for tokens, band in people for t in tokens})


class Asker:
    """The asking side of one check: its secret key lives only as long as this object."""

    def __init__(self, tokens: list[str], purpose: str) -> None:
        self._pairs = asking_elements(tokens, purpose)
        self._client = psi.client.CreateWithNewKey(True)

    def request(self) -> bytes:
        return self._client.CreateRequest([e for e, _ in self._pairs]).SerializeToString()

    def bands(self, setup: bytes, response: bytes) -> set[str]:
        """The bands of the elements the other side also holds."""
        setup_msg = psi.ServerSetup()
        setup_msg.ParseFromString(setup)
        response_msg = psi.Response()
        response_msg.ParseFromString(response)
        found = self._client.GetIntersection(setup_msg, response_msg)
        return {self._pairs[i][1] for i in found if self._pairs[i][1]}


def answer(request: bytes, held: list[str]) -> tuple[bytes, bytes]:
    """(setup, response) for one request; a request of any other size is refused."""
    request_msg = psi.Request()
    request_msg.ParseFromString(request)
    if len(request_msg.encrypted_elements) != ASKED:
        raise ValueError("a check asks exactly the agreed number of elements")
    server = psi.server.CreateWithNewKey(True)
    setup = server.CreateSetupMessage(FPR, ASKED, held or [secrets.token_hex(32)],
                                      psi.DataStructure.RAW)
    return setup.SerializeToString(), server.ProcessRequest(request_msg).SerializeToString()


def best_band(bands: set[str]) -> str | None:
    return next((band for band in BANDS if band in bands), None)
