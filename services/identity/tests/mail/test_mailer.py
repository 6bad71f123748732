"""Mailers: SMTP to a real (tiny, local) SMTP server, and the log mailer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from worksync.common.config import Environment
from worksync.identity.config import IdentitySettings
from worksync.identity.mail.mailer import LogMailer, MailMessage, SmtpMailer, create_mailer
from worksync.identity.mail.messages import password_reset


@dataclass
class SmtpSink:
    """Just enough of RFC 5321 to accept mail (no TLS, no auth)."""

    port: int = 0
    envelopes: list[tuple[str, list[str], str]] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(f"{line}\r\n".encode())
            await writer.drain()

        sender, recipients = "", []
        await reply("220 sink ready")
        while line := (await reader.readline()).decode().rstrip("\r\n"):
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await reply("250 sink")
            elif verb == "MAIL":
                sender = line.split(":", 1)[1].strip()
                await reply("250 ok")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip())
                await reply("250 ok")
            elif verb == "DATA":
                await reply("354 go on")
                body = []
                while (data := (await reader.readline()).decode()) != ".\r\n":
                    body.append(data)
                self.envelopes.append((sender, recipients, "".join(body)))
                await reply("250 queued")
            elif verb == "QUIT":
                await reply("221 bye")
                break
            else:
                await reply("502 not here")
        writer.close()


@pytest.fixture
async def smtp_sink() -> AsyncIterator[SmtpSink]:
    sink = SmtpSink()
    server = await asyncio.start_server(sink.handle, "127.0.0.1", 0)
    sink.port = server.sockets[0].getsockname()[1]
    async with server:
        yield sink


async def test_the_smtp_mailer_delivers(
    smtp_sink: SmtpSink, make_settings: Callable[..., IdentitySettings]
) -> None:
    settings = make_settings(
        smtp_host="127.0.0.1",
        smtp_port=smtp_sink.port,
        smtp_starttls=False,
        mail_from="WorkSync <no-reply@worksync.test>",
    )
    mailer = create_mailer(settings)
    assert isinstance(mailer, SmtpMailer)
    await mailer.send(MailMessage(to="ada@example.com", subject="Hello", text="Hi Ada"))
    [(sender, recipients, data)] = smtp_sink.envelopes
    assert "no-reply@worksync.test" in sender
    assert recipients == ["<ada@example.com>"]
    assert "Subject: Hello" in data
    assert "Hi Ada" in data


def test_without_an_smtp_host_mail_goes_to_the_log(
    make_settings: Callable[..., IdentitySettings],
) -> None:
    assert isinstance(create_mailer(make_settings(smtp_host=None)), LogMailer)


async def test_the_log_mailer_shows_links_in_development_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    message = password_reset(
        "ada@example.com",
        "Ada",
        base_url="https://app.example",
        token="secret-token",
        valid_for=timedelta(hours=1),
    )
    assert "within 1 hour" in message.text
    with caplog.at_level("INFO", logger="worksync.identity.mail.mailer"):
        await LogMailer(Environment.PRODUCTION).send(message)
        await LogMailer(Environment.TEST).send(message)
    assert "secret-token" not in caplog.text
    assert "ada@example.com" in caplog.text
    caplog.clear()
    with caplog.at_level("INFO", logger="worksync.identity.mail.mailer"):
        await LogMailer(Environment.DEVELOPMENT).send(message)
    assert "https://app.example/reset-password?token=secret-token" in caplog.text
