"""The authenticator's QR code: an otpauth:// URI drawn as inline SVG by segno (no script,
no image request, no inline style: the staff pages' CSP holds)."""
from __future__ import annotations

import pyotp
import segno
from markupsafe import Markup

ISSUER = "Amparo"


def otpauth_uri(email: str, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """An <svg> (segno's own output: attributes only, no style attribute)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff",
                                               svgclass="qr", lineclass="qrline")
    return Markup(svg)  # noqa: S704 - made here from a URI, not from input
