"""Whether the receiving mail server authenticated a message's sender (SPF, DKIM, DMARC).

Our own server records its checks in an Authentication-Results header (RFC 8601) named by its
authserv-id. Anyone can write such a header into a message they send, so only the topmost one
whose authserv-id is the one configured (TRUSTED_AUTHSERV_ID) is believed: the receiving server
adds it above everything the sender wrote. The From: address counts as authenticated when DMARC
passed, or when DKIM or SPF passed for a domain aligned with it; anything else is an unknown
sender, however professional its address looks.
"""

import re
from dataclasses import asdict, dataclass, field
from typing import Any

# Verdicts, as stored on the message and shown on its page.
VERIFIED = "pass"  # authenticated and aligned with the From: address
FAILED = "fail"  # the trusted server checked, and it did not authenticate the From: address
MISSING = "missing"  # no header from the trusted server: nothing vouches for the sender
NOT_CHECKED = "not_checked"  # TRUSTED_AUTHSERV_ID is not set: the From: address is taken as is

WORDS = {
    VERIFIED: "Authenticated: the receiving server confirmed the sender's address",
    FAILED: "Not authenticated: the receiving server could not confirm the sender's address",
    MISSING: "Not authenticated: no result from the receiving server",
    NOT_CHECKED: "Not checked (TRUSTED_AUTHSERV_ID is not set)",
}
_COMMENT = re.compile(r"\([^()]*\)")
_METHODS = ("spf", "dkim", "dmarc")


@dataclass(frozen=True)
class SenderCheck:
    """What the trusted server found, and the verdict on the From: address."""

    verdict: str
    authserv_id: str = ""
    spf: str = ""
    dkim: str = ""
    dmarc: str = ""
    # The domains each passing method vouched for (DKIM's d=, SPF's MAIL FROM domain).
    dkim_domains: list[str] = field(default_factory=list)
    spf_domain: str = ""

    @property
    def trusted(self) -> bool:
        """Say whether the sender may be treated as who the From: address says."""
        return self.verdict in (VERIFIED, NOT_CHECKED)

    def as_json(self) -> dict[str, Any]:
        """Return the check as stored on the message."""
        return asdict(self)


def words(stored: dict[str, Any] | None) -> str:
    """Return a stored check in words for the message page."""
    if not stored:
        return "Not recorded (the message arrived before sender checks were kept)"
    verdict = str(stored.get("verdict") or "")
    found = [f"{m.upper()} {stored[m]}" for m in _METHODS if stored.get(m)]
    detail = f" ({', '.join(found)}, by {stored.get('authserv_id')})" if found else ""
    return WORDS.get(verdict, verdict) + detail


def counts_as_known(stored: dict[str, Any] | None) -> bool:
    """Say whether a stored check lets the sender count as who it claims (a message stored
    before checks were kept, or with checking not set up, is judged by its address alone)."""
    return not stored or str(stored.get("verdict")) in (VERIFIED, NOT_CHECKED)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().strip(">").lower().rstrip(".")


def aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment: the same domain, or one a sub-domain of the other."""
    if not domain or not from_domain:
        return False
    return (
        domain == from_domain
        or from_domain.endswith("." + domain)
        or domain.endswith("." + from_domain)
    )


def _results(value: str) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """Split one header into its authserv-id and (method, result, properties) triples."""
    parts = [p.strip() for p in _COMMENT.sub(" ", value).split(";")]
    authserv_id = parts[0].split()[0].lower() if parts and parts[0].split() else ""
    found = []
    for part in parts[1:]:
        tokens = part.split()
        if not tokens or "=" not in tokens[0]:
            continue
        method, _, result = tokens[0].partition("=")
        props = {}
        for token in tokens[1:]:
            key, _, val = token.partition("=")
            props[key.lower()] = val.strip('"').lower()
        found.append((method.split("/")[0].lower(), result.lower(), props))
    return authserv_id, found


def check(headers: list[str], trusted_id: str | None, from_address: str) -> SenderCheck:
    """Return the verdict on the From: address from the message's Authentication-Results headers
    (topmost first), believing only the topmost one from the trusted authserv-id."""
    if not trusted_id:
        return SenderCheck(NOT_CHECKED)
    wanted = trusted_id.strip().lower()
    for header in headers:
        authserv_id, results = _results(header)
        if authserv_id == wanted:
            return _verdict(authserv_id, results, _domain(from_address))
    return SenderCheck(MISSING)


def _verdict(
    authserv_id: str, results: list[tuple[str, str, dict[str, str]]], from_domain: str
) -> SenderCheck:
    first: dict[str, str] = {}
    dkim_domains: list[str] = []
    spf_domain = ""
    dmarc_from = ""
    for method, result, props in results:
        if method not in _METHODS:
            continue
        if method not in first or result == "pass":
            first[method] = result  # a pass among several signatures is what counts
        if method == "dkim" and result == "pass":
            dkim_domains.append(props.get("header.d") or _domain(props.get("header.i", "")))
        if method == "spf" and result == "pass":
            spf_domain = _domain(props.get("smtp.mailfrom") or props.get("smtp.helo") or "")
        if method == "dmarc" and result == "pass":
            dmarc_from = props.get("header.from", from_domain)
    passed = (
        (first.get("dmarc") == "pass" and aligned(dmarc_from, from_domain))
        or any(aligned(d, from_domain) for d in dkim_domains)
        or aligned(spf_domain, from_domain)
    )
    return SenderCheck(
        VERIFIED if passed else FAILED,
        authserv_id,
        first.get("spf", ""),
        first.get("dkim", ""),
        first.get("dmarc", ""),
        dkim_domains,
        spf_domain,
    )
