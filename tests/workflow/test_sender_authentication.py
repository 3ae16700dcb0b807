"""The receiving server's Authentication-Results, believed only from the configured server."""

from workflow.inbound.sender_authentication import (
    FAILED,
    MISSING,
    NOT_CHECKED,
    VERIFIED,
    aligned,
    check,
    counts_as_known,
    words,
)

OURS = "mx.desk.example.org"
POLICE = "ruth.example@cambs.pnn.police.uk"


def test_dmarc_pass_from_the_trusted_server_authenticates_the_sender() -> None:
    header = (
        f"{OURS}; spf=pass smtp.mailfrom=cambs.pnn.police.uk; "
        "dkim=pass header.d=cambs.pnn.police.uk header.s=s1; "
        "dmarc=pass header.from=cambs.pnn.police.uk"
    )
    found = check([header], OURS, POLICE)
    assert found.verdict == VERIFIED and found.trusted
    assert (found.spf, found.dkim, found.dmarc) == ("pass", "pass", "pass")
    assert "Authenticated" in words(found.as_json()) and "DMARC pass" in words(found.as_json())


def test_an_aligned_dkim_or_spf_pass_is_enough_without_dmarc() -> None:
    dkim = f"{OURS} 1; dkim=pass (good signature) header.d=pnn.police.uk"
    assert check([dkim], OURS, POLICE).verdict == VERIFIED
    spf = f"{OURS}; spf=pass smtp.mailfrom=bounces@cambs.pnn.police.uk"
    assert check([spf], OURS, POLICE).verdict == VERIFIED


def test_a_pass_for_another_domain_is_misaligned() -> None:
    header = f"{OURS}; spf=pass smtp.mailfrom=evil.example; dkim=pass header.d=evil.example"
    found = check([header], OURS, POLICE)
    assert found.verdict == FAILED and not found.trusted
    assert check([f"{OURS}; dmarc=pass header.from=evil.example"], OURS, POLICE).verdict == FAILED


def test_a_failure_or_none_is_not_authenticated() -> None:
    header = f"{OURS}; spf=fail smtp.mailfrom=cambs.pnn.police.uk; dkim=none; dmarc=fail"
    assert check([header], OURS, POLICE).verdict == FAILED
    assert check([f"{OURS}; none"], OURS, POLICE).verdict == FAILED


def test_only_the_topmost_header_of_the_trusted_server_counts() -> None:
    forged = f"{OURS}; dmarc=pass header.from=cambs.pnn.police.uk"  # written by the sender
    other = "mx.elsewhere.example; dmarc=pass header.from=cambs.pnn.police.uk"
    assert check([other], OURS, POLICE).verdict == MISSING  # another server's word is not ours
    ours_first = f"{OURS}; dmarc=fail header.from=cambs.pnn.police.uk"
    assert check([ours_first, forged], OURS, POLICE).verdict == FAILED
    assert check([], OURS, POLICE).verdict == MISSING


def test_without_a_configured_server_nothing_is_checked() -> None:
    found = check([f"{OURS}; dmarc=fail"], None, POLICE)
    assert found.verdict == NOT_CHECKED and found.trusted
    assert counts_as_known(found.as_json()) and counts_as_known(None)
    assert not counts_as_known(check([], OURS, POLICE).as_json())


def test_alignment_is_relaxed_to_parent_and_sub_domains() -> None:
    assert aligned("police.uk", "cambs.pnn.police.uk")
    assert aligned("mail.cambs.pnn.police.uk", "cambs.pnn.police.uk")
    assert not aligned("notpolice.uk", "police.uk") and not aligned("", "police.uk")
