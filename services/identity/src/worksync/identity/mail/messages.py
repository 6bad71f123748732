"""The mails identity sends; each carries a single-use link to the web app."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from worksync.identity.mail.mailer import MailMessage


def _link(base_url: str, page: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/{page}?{urlencode({'token': token})}"


def _duration(valid_for: timedelta) -> str:
    minutes = int(valid_for.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} minutes"
    hours = minutes // 60
    return "1 hour" if hours == 1 else f"{hours} hours"


def email_verification(
    to: str, display_name: str, *, base_url: str, token: str, valid_for: timedelta
) -> MailMessage:
    link = _link(base_url, "verify-email", token)
    return MailMessage(
        to=to,
        subject="Confirm your WorkSync email address",
        text=(
            f"Hello {display_name},\n\nplease confirm your email address by opening this link "
            f"within {_duration(valid_for)}:\n{link}\n\n"
            "If you did not sign up, do not open it: someone else chose this account's "
            "password. Ignore this mail, or take the account over with 'Forgot password'.\n"
        ),
    )


def password_reset(
    to: str, display_name: str, *, base_url: str, token: str, valid_for: timedelta
) -> MailMessage:
    link = _link(base_url, "reset-password", token)
    return MailMessage(
        to=to,
        subject="Reset your WorkSync password",
        text=(
            f"Hello {display_name},\n\nsomeone asked to reset your password. If it was you, "
            f"open this link within {_duration(valid_for)}:\n{link}\n\n"
            "If it was not you, ignore this mail; your password is unchanged.\n"
        ),
    )
