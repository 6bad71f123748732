"""Sending mail: SMTP when configured, else a log line (with the link only in development)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib

from worksync.common.config import Environment
from worksync.identity.config import IdentitySettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailMessage:
    to: str
    subject: str
    text: str


class Mailer(Protocol):
    async def send(self, message: MailMessage) -> None: ...


class SmtpMailer:
    def __init__(self, settings: IdentitySettings) -> None:
        if settings.smtp_host is None:
            raise ValueError("SmtpMailer needs IDENTITY_SMTP_HOST")
        self._settings = settings
        self._host = settings.smtp_host

    async def send(self, message: MailMessage) -> None:
        settings = self._settings
        email = EmailMessage()
        email["From"] = settings.mail_from
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.text)
        await aiosmtplib.send(
            email,
            hostname=self._host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            use_tls=settings.smtp_implicit_tls,
            start_tls=settings.smtp_starttls and not settings.smtp_implicit_tls,
            timeout=settings.smtp_timeout_seconds,
        )


class LogMailer:
    """Mail as a log line. Mails carry secrets (reset links), so their text is logged only
    in development, where the developer needs the link and nobody else reads the logs."""

    def __init__(self, environment: Environment) -> None:
        self._include_text = environment is Environment.DEVELOPMENT

    async def send(self, message: MailMessage) -> None:
        if self._include_text:
            logger.info("mail to %s: %s\n%s", message.to, message.subject, message.text)
        else:
            logger.info("mail to %s: %s (not sent: no SMTP host)", message.to, message.subject)


def create_mailer(settings: IdentitySettings) -> Mailer:
    if settings.smtp_host:
        return SmtpMailer(settings)
    return LogMailer(settings.environment)
