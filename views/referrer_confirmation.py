"""The public page a web-form referrer opens from the acknowledgement to confirm their address.

Opening the link only shows a button: mail security scanners follow links, and confirming must
be the referrer's own act. The page names the reference and nothing the referrer typed.
"""

from typing import Any

from flask import Blueprint, render_template

from forms.referrer_confirmation import ConfirmReferrerForm
from views.deps import policy, uow
from views.security import public
from workflow.errors import DomainError, NotFound, StaleReferral
from workflow.web_referrals import referrer_confirmation

bp = Blueprint("referrer_confirmation", __name__, url_prefix="/confirm-referrer")


@bp.route("/<token>", methods=["GET", "POST"])
@public
def confirm(token: str) -> Any:
    """Show the confirmation button for a usable link, and confirm when it is pressed."""
    form = ConfirmReferrerForm()
    with uow() as work:
        try:
            shown = referrer_confirmation.pending(work.session, token)
        except NotFound:
            return _invalid("This link is not valid. Check you copied all of it.", 404)
        except DomainError as spent:
            return _invalid(str(spent), 410)
    if form.validate_on_submit():
        try:
            with uow() as work:
                reference = referrer_confirmation.confirm(work, token, policy())
        except StaleReferral:
            form.submit.errors = ["Something changed at the same time: press the button again."]
        except DomainError as spent:
            return _invalid(str(spent), 410)
        else:
            return render_template("referral/confirmed.html", reference=reference)
    return render_template("referral/confirm.html", form=form, reference=shown.reference)


def _invalid(message: str, status: int) -> Any:
    return render_template("referral/confirm.html", form=None, invalid=message), status
