"""Outgoing e-mail over SMTP (STARTTLS and login when configured). Used for the links people ask
for themselves; nothing is sent when no server is configured."""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = True

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MailSettings | None:
        if not config.get("MAIL_SERVER"):
            return None
        return cls(
            host=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            sender=config["MAIL_FROM"],
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            starttls=bool(config["MAIL_STARTTLS"]),
        )


def send(settings: MailSettings, to: str, subject: str, body: str) -> None:
    message = EmailMessage()  # refuses line breaks in headers: no header injection
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.host, settings.port, timeout=20) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)


def send_later(settings: MailSettings, to: str, subject: str, body: str) -> threading.Thread:
    """Send from a thread, so that the page answers in the same time whether or not a message
    goes out (the answer must not tell who has an account)."""

    def _run() -> None:
        try:
            send(settings, to, subject, body)
        except (OSError, smtplib.SMTPException) as error:
            log.error("could not send mail to the SMTP server %s: %s", settings.host, error)

    thread = threading.Thread(target=_run, name="mail", daemon=True)
    thread.start()
    return thread
