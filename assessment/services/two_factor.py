"""A second factor for administrators: time-based one-time codes (RFC 6238), as produced by any
authenticator app. Pure of Flask; the views keep the pending secret and the half-done login."""

from __future__ import annotations

import time

import pyotp
import segno
from sqlalchemy.orm import Session

from ..db import begin_write
from ..models import User
from . import accounts, audit
from .errors import N_, UserError

# One step either side: a phone whose clock is 30 s off still works.
VALID_WINDOW = 1


class TwoFactorError(UserError):
    pass


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG markup (no image request, no script)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#1b2733", light="#ffffff")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, last_step: int | None, now: float) -> int | None:
    """The time step the code belongs to, if it is valid and newer than the last one used."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue  # a code already used, or older than one used: refused (no replay)
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def enable(
    session: Session, user: User, secret: str, code: str, *, now: float | None = None
) -> None:
    """Turn the second factor on, once the person shows a code from the app they set up."""
    step = _matching_step(secret, code, None, time.time() if now is None else now)
    if step is None:
        raise TwoFactorError(N_("the code does not match; check your phone's clock and try again"))
    begin_write(session)
    user.totp_secret = secret
    user.totp_last_step = step
    audit.record(session, user, "two_factor_on", "user", user.id)
    session.commit()


def disable(session: Session, user: User, actor: User) -> None:
    """Turn it off: by the person (after a valid code) or by another administrator (lost phone)."""
    begin_write(session)
    user.totp_secret = None
    user.totp_last_step = None
    audit.record(session, actor, "two_factor_off", "user", user.id)
    session.commit()


def verify(
    session: Session,
    user: User,
    code: str,
    *,
    lockout_threshold: int,
    lockout_minutes: int,
    now: float | None = None,
) -> bool:
    """Check a code at login. A wrong code counts towards the lockout like a wrong password; a
    right one is spent, so it cannot be replayed."""
    if not user.totp_secret or accounts.is_locked(user):
        return False
    begin_write(session)
    step = _matching_step(
        user.totp_secret, code, user.totp_last_step, time.time() if now is None else now
    )
    if step is None:
        accounts.count_failure(session, user, lockout_threshold, lockout_minutes)
        session.commit()
        return False
    user.failed_logins = 0
    user.totp_last_step = step
    session.commit()
    return True
