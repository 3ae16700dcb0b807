"""Tell auto-replies, bounces, our own mail and victims writing in apart from referrals."""

from __future__ import annotations

import re
from email.message import Message
from typing import Any

from mailbox.mime import header_text
from workflow.inbound.personal_mail import PERSONAL_MAIL

FREE_MAIL = PERSONAL_MAIL  # one list of providers, in workflow
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


# How a professional signs off: a role or an agency on a short line of its own near the end.
_SIGNATURE = re.compile(
    r"\b(constable|sergeant|inspector|detective|officer|\bpc\b|\bdc\b|\bds\b|idva|isva"
    r"|social worker|nurse|midwife|health visitor|practitioner|case ?worker|support worker"
    r"|manager|co-?ordinator|advis[eo]r|safeguarding|\bgp\b|\bdr\b|doctor|teacher|lead"
    r"|constabulary|police|council|nhs|trust|hospital|surgery|school|academy|housing|probation"
    r"|services|charity|women'?s aid|refuge|directorate|department)\b",
    re.I,
)
SIGNATURE_LINES = 8


def signed_professionally(body_text: str) -> bool:
    """Tell whether the message ends with a professional's signature (a role or an agency)."""
    lines = [ln.strip() for ln in body_text.splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith(">")][-SIGNATURE_LINES:]
    return any(len(ln.split()) <= 8 and _SIGNATURE.search(ln) for ln in lines)


def same_person(first: str | None, second: str | None) -> bool:
    """Tell whether two names (or a name and a mailbox's local part) name the same person."""
    a, b = _name_words(first), _name_words(second)
    if not a or not b:
        return False
    if len(a) == 1 or len(b) == 1:  # "pamelaroberts87": the other name's words run together
        joined, words = ("".join(a), b) if len(a) == 1 else ("".join(b), a)
        return len(words) > 1 and words[0] in joined and words[-1] in joined
    return a[-1] == b[-1] and a[0][0] == b[0][0]


def _name_words(name: str | None) -> list[str]:
    return re.findall(r"[a-z]{2,}", (name or "").lower())


def self_referral_with_form(
    from_address: str, from_name: str, body_text: str, referral: dict[str, Any]
) -> bool:
    """Tell whether a form came from the victim themselves rather than a professional.

    From a personal mailbox anything short of a professional signature, about someone else, in a
    professional's words, goes to a person: a victim's own DASH must never join the queue as a
    professional referral. From an organisation's domain only plain evidence counts.
    """
    if PROFESSIONAL.search(from_address):
        return False
    victim = (referral.get("victim") or {}).get("name")
    referrer = (referral.get("referrer") or {}).get("name")
    local = from_address.split("@")[0]
    about_self = any(same_person(other, victim) for other in (from_name, local, referrer))
    voice = len(_VICTIM_VOICE.findall(body_text[:20_000]))
    if FREE_MAIL.search(from_address):
        return about_self or voice > 0 or not signed_professionally(body_text)
    return about_self and voice > 0
