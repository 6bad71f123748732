"""Mail a request wants sent, sent after its response — so after its transaction committed."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request

from worksync.identity.mail.mailer import Mailer, MailMessage

logger = logging.getLogger(__name__)


async def _deliver(mailer: Mailer, message: MailMessage) -> None:
    try:
        await mailer.send(message)
    except Exception:  # the answer is out; a lost mail is logged, the user can ask again
        logger.exception("sending mail %r to %s failed", message.subject, message.to)


class OutgoingMail:
    def __init__(self, mailer: Mailer, background_tasks: BackgroundTasks) -> None:
        self._mailer = mailer
        self._background_tasks = background_tasks

    def send_after_response(self, message: MailMessage) -> None:
        self._background_tasks.add_task(_deliver, self._mailer, message)


async def get_outgoing_mail(request: Request, background_tasks: BackgroundTasks) -> OutgoingMail:
    return OutgoingMail(request.app.state.mailer, background_tasks)


OutgoingMailDep = Annotated[OutgoingMail, Depends(get_outgoing_mail)]
