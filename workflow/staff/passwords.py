"""The rules a staff password must meet, each refused with a message that names it.

Common and breached passwords are checked offline, against data shipped in the zxcvbn package
(maintained on PyPI, pinned in requirements.lock): its list of the 30,000 passwords seen most
often in breach corpora, and its estimator, which also sees through a common password with digits
or symbols added, keyboard walks, sequences, repeats and dates. Nothing is sent anywhere.
"""

import re
from functools import cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from workflow.errors import DomainError

MIN_LENGTH = 12
MIN_STRENGTH = 3  # zxcvbn's 0–4; 3 means "safely unguessable" for an online attacker
_ESTIMATED_CHARACTERS = 100  # the estimator's time grows with length; a longer one is long enough
# Every rule, for the form's hint: people should not have to find them by failing.
RULES = (
    f"{MIN_LENGTH} characters or more, not a common or easily guessed password (for example a "
    "common word with numbers or symbols added, a keyboard pattern or a date), and not "
    "containing your email name"
)

TOO_SHORT = f"Password must be {MIN_LENGTH} characters or more."
CONTAINS_EMAIL_NAME = "Password must not contain your email name."
COMMON = (
    "Password is on a list of common passwords that attackers try first. "
    "Choose another: three or four unrelated words work well."
)
GUESSABLE = (
    "Password is too easy to guess{why}. Choose another: three or four unrelated words work well."
)


class WeakPassword(DomainError):
    """A new password breaks one of the rules; the message says which."""


@cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def _core(password: str) -> str:
    """The password without case and without digits or symbols padded on at either end."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def check(password: str, email: str) -> None:
    """Raise WeakPassword naming the first rule `password` breaks for the account `email`."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(TOO_SHORT)
    name = email.split("@")[0].lower()
    if name and name in password.lower():
        raise WeakPassword(CONTAINS_EMAIL_NAME)
    if password.lower() in _common() or _core(password) in _common():
        raise WeakPassword(COMMON)
    estimate = zxcvbn(password[:_ESTIMATED_CHARACTERS], user_inputs=[name])
    if estimate["score"] < MIN_STRENGTH:
        warning = str(estimate["feedback"].get("warning") or "").rstrip(".")
        raise WeakPassword(
            GUESSABLE.format(why=f" ({warning[:1].lower()}{warning[1:]})" if warning else "")
        )
