"""Tell the referring professional we have their referral: the reference and what happens next.

Only ever to the referrer, never the victim, and only to a sender on the professional-domain list:
a victim who writes in is answered by a person (docs/domain.md), and an unknown address could be the
perpetrator's. The mail carries no victim details and no text anyone typed ("Dear colleague", not
a typed name: the public form would otherwise let anyone put words in our trusted mail to an
officer); a reference is all the referrer needs. A web-form referral's acknowledgement also
carries the link that confirms the typed address (workflow/web_referrals/referrer_confirmation.py).
"""

from datetime import timedelta

from sqlmodel import Session

from workflow.inbound import referrer_domains
from workflow.models import Outbox, Referral
from workflow.models.referral import Pathway
from workflow.policy import Policy
from workflow.referrals.reference import subject_tag
from workflow.store import outbox, throttle

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
    confirm_link: str | None = None,
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
        subject=f"{subject_tag(referral.reference)} Referral received"
        + (": please confirm your email address" if confirm_link else ""),
        body_text=_body(referral, confirm_link),
        dedupe_key=f"acknowledgement:{referral.reference}",
        referral_id=referral.id,
        headers=headers,
    )


def _confirmation(link: str) -> list[str]:
    return [
        "Our online referral form was sent giving this email address as the referrer's. If you "
        "sent it, confirm your email address by opening this link within 72 hours and pressing "
        f"the button on the page:\n{link}",
        "Until then the referral is marked as from an unconfirmed referrer. If you did not make "
        "this referral, do not open the link: call the MARAC advice line on 01480 847718.",
    ]


def _body(referral: Referral, confirm_link: str | None = None) -> str:
    return "\n\n".join(
        [
            "Dear colleague,",
            f"Thank you for your referral. Its reference is {referral.reference}. Please quote it "
            "in the subject line of any email about this referral, and reply to this email to "
            "send an updated risk assessment.",
            *(_confirmation(confirm_link) if confirm_link else []),
            NEXT_STEPS[Pathway(referral.pathway)],
            "This is an automatic message. For security it does not repeat any details of the "
            "person you referred.",
        ]
    )
