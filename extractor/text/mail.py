"""E-mail (.eml, RFC 822/MIME): the text part, or else the HTML part, and the Date: header.

The standard library's `email` package parses the message; an HTML body goes
through the web-page reader (main content only).
"""
from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import date

from ..textio import InputError

__all__ = ["Read", "read_mail"]


@dataclass
class Read:
    body: str
    subtype: str  # "plain" or "html"
    charset: str
    sent: date | None  # the day of the Date: header, in the sender's own time zone


def read_mail(data: bytes, where: str) -> Read:
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not message.keys():
        raise InputError(f"{where}: not an e-mail (no header)")
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        attached = [p.get_filename() for p in message.iter_attachments() if p.get_filename()]
        also = f" (attachments: {', '.join(attached)}; read them on their own)" if attached else ""
        raise InputError(f"{where}: e-mail with no text or HTML part{also}")
    charset = part.get_content_charset() or "us-ascii"
    try:
        body = part.get_content()
    except (LookupError, UnicodeError) as exc:
        raise InputError(f"{where}: e-mail text in an unreadable charset {charset!r} ({type(exc).__name__})") from None
    if not isinstance(body, str) or not body.strip():
        raise InputError(f"{where}: e-mail whose text part is empty")
    return Read(body, part.get_content_subtype(), charset, _sent(message))


def _sent(message) -> date | None:
    header = message.get("Date")
    moment = getattr(header, "datetime", None)  # None when the header cannot be parsed
    return moment.date() if moment is not None else None
