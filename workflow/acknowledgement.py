"""Tell the referring professional we have their referral: the reference and what happens next.

Only ever to the referrer, never the victim, and only to a sender on the professional-domain list:
a victim who writes in is answered by a person (domain.md), and an unknown address could be the
perpetrator's. The mail carries no victim details: a reference is all the referrer needs.
"""

from datetime import timedelta

from sqlmodel import Session

from workflow import outbox, referrer_domains, throttle
from workflow.models import Outbox, Referral
from workflow.models.referral import Pathway
from workflow.policy import Policy
from workflow.reference import subject_tag

# A burst of referrals from one address is normal (a police hub); a flood is a loop or abuse.
ACKNOWLEDGEMENTS_PER_HOUR = 20

NEXT_STEPS = {
    Pathway.MARAC: (
        "The MARAC coordinator will check the referral and the DASH risk assessment within one "
        "working day and will contact you if anything is missing. If the risk to the victim "
        "increases before then, call the police on 999 and the MARAC advice line on 01480 847718."
    ),
    Pathway.STALKING_IDVA: (
        "The Stalking & Harassment IDVA service will check the referral within one working day "
        "and allocate an IDVA, who will contact the victim using the safe-contact details you "
        "gave. If the risk increases, call the police on 999. National Stalking Helpline: "
        "0808 802 0300."
    ),
}


def queue_acknowledgement(
    session: Session,
    referral: Referral,
    policy: Policy,
    *,
    in_reply_to: str | None = None,
    references: str | None = None,
) -> Outbox | None:
    """Queue one acknowledgement for this referral; None when it must not or need not be sent."""
    address = (referral.referrer_email or "").strip().lower()
    if not address or not referrer_domains.is_professional(session, address, policy):
        return None
    if not throttle.allow(session, f"ack:{address}", ACKNOWLEDGEMENTS_PER_HOUR, timedelta(hours=1)):
        return None
    headers = {}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = " ".join(filter(None, [references, in_reply_to]))
    return outbox.enqueue(
        session,
        kind="acknowledgement",
        to=[address],
        subject=f"{subject_tag(referral.reference)} Referral received",
        body_text=_body(referral),
        dedupe_key=f"acknowledgement:{referral.reference}",
        referral_id=referral.id,
        headers=headers,
    )


def _body(referral: Referral) -> str:
    greeting = f"Dear {referral.referrer_name}," if referral.referrer_name else "Hello,"
    return "\n\n".join(
        [
            greeting,
            f"Thank you for your referral. Its reference is {referral.reference}. Please quote it "
            "in the subject line of any email about this referral, and reply to this email to "
            "send an updated risk assessment.",
            NEXT_STEPS[Pathway(referral.pathway)],
            "This is an automatic message. For security it does not repeat any details of the "
            "person you referred.",
        ]
    )
