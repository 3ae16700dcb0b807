"""Which closure outcomes fit which pathway."""

# Only a MARAC referral is heard at MARAC: the stalking IDVA service is voluntary support, and a
# stalking case that needs MARAC is re-routed as a MARAC referral, not closed as "heard" there.
MARAC_ONLY_OUTCOMES = frozenset({"heard_at_marac"})


def closure_refusal(pathway: str, outcome: str) -> str | None:
    """Return why `outcome` cannot close a referral on `pathway`, or None when it can."""
    if outcome in MARAC_ONLY_OUTCOMES and pathway != "marac":
        return (
            "A stalking referral is not heard at MARAC. Choose another outcome, or refer the "
            "victim to MARAC with a MARAC referral."
        )
    return None
