"""Tell auto-replies, bounces, our own mail and victims writing in apart from referrals."""

from __future__ import annotations

import re
from email.message import Message

from mailbox.mime import header_text

FREE_MAIL = re.compile(
    r"@(gmail|googlemail|hotmail|outlook|live|msn|yahoo|ymail|icloud|me|mac|aol|btinternet"
    r"|sky|talktalk|virginmedia|protonmail|proton|gmx|mail|yandex|zoho)\.",
    re.I,
)
_BOUNCE_FROM = re.compile(r"mailer-daemon|postmaster|mail delivery (system|subsystem)", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery (status notification|failure|has failed)|returned mail"
    r"|failure notice|mail delivery failed|non.?delivery",
    re.I,
)
_AUTO_SUBJECT = re.compile(
    r"^(automatic reply|auto.?reply|autoreply|out of (the )?office|auto:|ooo\b|away from)", re.I
)
# First-person words of someone describing their own abuse, not a professional's referral.
_VICTIM_VOICE = re.compile(
    r"\bmy (ex|partner|husband|wife|boyfriend|girlfriend|neighbour|stalker)\b"
    r"|\bi('m| am) (really |so |very )?(scared|frightened|afraid|terrified)"
    r"|\bi('m| am) being (stalked|harassed|followed)"
    r"|\bhelp me\b|\bhelp please\b|\bplease help\b|\bi need help\b|\bleave me alone\b"
    r"|\bcan (someone|you) (call|help|ring)\b|\b(he|she) (keeps|won'?t stop)\b",
    re.I,
)
# Professionals write from their organisation's domain; a victim rarely does.
PROFESSIONAL = re.compile(r"(\.gov\.uk|\.nhs\.uk|@nhs\.net|\.police\.uk|\.sch\.uk|\.ac\.uk)$", re.I)


def is_bounce(msg: Message, content_types: list[str]) -> bool:
    """Tell whether the message is a delivery failure report."""
    report = (
        (msg.get_param("report-type") or "") if msg.get_content_type() == "multipart/report" else ""
    )
    if str(report).lower() == "delivery-status" or "message/delivery-status" in content_types:
        return True
    sender = header_text(msg, "From")
    return bool(_BOUNCE_FROM.search(sender) and _BOUNCE_SUBJECT.search(header_text(msg, "Subject")))


def is_autoreply(msg: Message) -> bool:
    """Tell whether the message is an automatic reply (RFC 3834 or the usual vendor headers)."""
    auto = header_text(msg, "Auto-Submitted").lower()
    if auto.startswith("auto-replied"):
        return True
    if msg.get("X-Autoreply") or msg.get("X-Autorespond") or msg.get("X-Auto-Response"):
        return True
    if header_text(msg, "Precedence").lower() == "auto_reply":
        return True
    return bool(_AUTO_SUBJECT.search(header_text(msg, "Subject")))


def is_auto_generated(msg: Message) -> bool:
    """Tell whether a program, not a person, sent the message."""
    auto = header_text(msg, "Auto-Submitted").lower()
    return bool(auto) and auto != "no"


def is_own_mail(from_address: str, own_addresses: frozenset[str]) -> bool:
    """Tell whether the message comes from one of the service's own addresses (a mail loop)."""
    return from_address.lower() in own_addresses


def is_self_referral(from_address: str, body_text: str) -> bool:
    """Tell whether a victim seems to be writing in themselves (never auto-answered)."""
    if PROFESSIONAL.search(from_address):
        return False
    voice = len(_VICTIM_VOICE.findall(body_text[:20_000]))
    return voice >= 2 or (voice >= 1 and bool(FREE_MAIL.search(from_address)))
