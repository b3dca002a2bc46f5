"""One typed error tree, mapped to HTTP in one handler (api/errors.py).

Messages are generic and never carry personal data: they may reach logs and clients.
"""
from __future__ import annotations


class AmparoError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "error"
    http_status = 400

    def __init__(self, message: str = "", *, code: str | None = None,
                 fields: dict[str, str] | None = None) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        if code:
            self.code = code
        self.fields = fields or {}


class Invalid(AmparoError):
    """The input is not valid."""

    code = "invalid"
    http_status = 422


class NotFound(AmparoError):
    """Not found."""

    code = "not_found"
    http_status = 404


class Unauthorized(AmparoError):
    """Authentication required."""

    code = "unauthorized"
    http_status = 401


class Forbidden(AmparoError):
    """Not allowed."""

    code = "forbidden"
    http_status = 403


class Conflict(AmparoError):
    """The request conflicts with the current state."""

    code = "conflict"
    http_status = 409


class IllegalTransition(Conflict):
    """This move is not allowed from the current status."""

    code = "illegal_transition"


class TooManyRequests(AmparoError):
    """Too many attempts; try again later."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str = "", *, retry_after: int = 0, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after  # seconds; sent as Retry-After


class TooLarge(AmparoError):
    """The upload is too large."""

    code = "too_large"
    http_status = 413


class Busy(AmparoError):
    """The service is busy; try again in a moment."""

    code = "busy"
    http_status = 503


class ConfigurationError(AmparoError):
    """The service is not configured safely."""

    code = "configuration"
    http_status = 500


class ExternalServiceError(AmparoError):
    """An external service failed; the step will be retried."""

    code = "external_service"
    http_status = 502
