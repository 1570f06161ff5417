"""An email as a value, and the MIME message built from it.

Names and subjects come from people's records and from imports, so every header value is flattened to
one line before it is set: a CR or LF in a name can never start a header of its own (`Bcc: ...`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

# 7bit: every part is ASCII on the wire (quoted-printable or base64), so any server accepts it and the
# outbox can store the message as text.
POLICY = SMTP.clone(cte_type="7bit")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(value: str) -> str:
    """`value` with every control character (CR, LF, tab, ...) replaced by a space: safe in a header."""
    return " ".join(_CONTROL.sub(" ", value).split())


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email; `method` is a text/calendar part's METHOD (REQUEST, CANCEL)."""

    filename: str
    content_type: str
    data: bytes
    method: str | None = None


@dataclass(frozen=True)
class Email:
    """One message to one person: a plain-text body, optionally an HTML twin and attachments."""

    to: str
    subject: str
    text: str
    html: str | None = None
    to_name: str | None = None
    reply_to: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def _address(email: str, name: str | None = None) -> Address:
    """An address header value; raises ValueError for an address that is not one."""
    address = one_line(email)
    if "@" not in address or " " in address:
        raise ValueError(f"Not an email address: {address!r}")
    local, _, domain = address.rpartition("@")
    return Address(display_name=one_line(name or ""), username=local, domain=domain)


def build(email: Email, sender: str) -> EmailMessage:
    """The MIME message for `email` from `sender`: multipart/alternative when it has HTML, mixed with
    attachments when it has any."""
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = one_line(email.subject)
    msg["From"] = one_line(sender)
    msg["To"] = _address(email.to, email.to_name)
    if email.reply_to:
        msg["Reply-To"] = _address(email.reply_to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    msg.set_content(email.text)
    if email.html is not None:
        msg.add_alternative(email.html, subtype="html")
    for item in email.attachments:
        maintype, _, subtype = item.content_type.partition("/")
        params = {"method": item.method} if item.method else {}
        msg.add_attachment(
            item.data, maintype=maintype, subtype=subtype, filename=one_line(item.filename), params=params
        )
    return msg
