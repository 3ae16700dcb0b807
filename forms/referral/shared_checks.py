"""What the shared pages stop or note, whichever form asks them: too young or out of area stops
a referral early, and check your answers says what the coordinator will check."""

from forms.referral.page import PageForm
from workflow.policy import Policy
from workflow.rules.eligibility import referrer_rule
from workflow.rules.outcome import Result
from workflow.web_referrals.screening import Stop, check_age, check_area, london_today


def shared_stop(slug: str, form: PageForm, policy: Policy) -> Stop | None:
    """Stop a referral early when the victim is too young or lives outside the area."""
    if slug == "victim":
        return check_age(form.data["victim_date_of_birth"], london_today(), policy)
    if slug == "contact":
        return check_area(form.data["victim_postcode"], policy)[0]
    return None


def notes(forms: dict[str, PageForm], policy: Policy) -> list[str]:
    """Say what the coordinator will check before acting, for the check-your-answers page."""
    found = []
    postcode_given = forms["contact"].data["victim_postcode"]
    if check_area(postcode_given, policy)[1].result is Result.CHECK:
        found.append(
            f"The postcode {postcode_given.upper()} is on the county border: the coordinator "
            "will check that the victim lives in Cambridgeshire or Peterborough."
            if postcode_given
            else "You have not given a postcode: the coordinator will check where the victim lives."
        )
    if referrer_rule(forms["referrer"].data["referrer_email"], policy).result is not Result.MET:
        found.append(
            "Your email address is not on our list of agency addresses. The coordinator will "
            "check who you are before acting on this referral, and we will not send an "
            "automatic acknowledgement to it."
        )
    return found
