"""Messages to employers' people, who are users with an e-mail address rather than attendees.

Rendered when queued, like the attendees' messages (`messages.py`), and written to the outbox in
the transaction of the change that causes them. Employers are platform-wide, so their messages
belong to no organisation.
"""

from __future__ import annotations

from datetime import datetime

from server.i18n import gettext
from server.models import OutboxMessage
from server.models.enums import Channel, MessageKind
from server.notifications.messages import Notice, speaking
from server.values.formatting import local_date


def invitation(
    *, company: str, inviter: str, link: str, expires_at: datetime, language: str
) -> Notice:
    """A company's admin invites a colleague to its employer account."""
    with speaking(language):
        subject = gettext("{inviter} invites you to join {company} on Tremplin").format(
            inviter=inviter, company=company
        )
        lines = [
            gettext("Hello,"),
            "",
            gettext(
                "{inviter} invites you to join the account of {company} on Tremplin, where "
                "companies pledge internships and jobs and meet candidates at job fairs."
            ).format(inviter=inviter, company=company),
            "",
            gettext("Open this link to join:"),
            link,
            "",
            gettext("The link works until {date}.").format(date=local_date(expires_at, "long")),
            gettext("If you did not expect this invitation, you can ignore this message."),
        ]
        short = gettext("Tremplin: join {company} with this link: {link}").format(
            company=company, link=link
        )
        return Notice(language, subject, "\n".join(lines), short, MessageKind.INVITATION)


async def queue_email(recipient: str, notice: Notice) -> OutboxMessage:
    """One e-mail in the outbox. Call inside the transaction of the change."""
    return await OutboxMessage.create(
        channel=Channel.EMAIL,
        recipient=recipient,
        subject=notice.subject[:200],
        body=notice.body,
        language=notice.language,
        kind=notice.kind,
    )
