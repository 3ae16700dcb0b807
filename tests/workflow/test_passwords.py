"""Password rules: each refusal names the rule it broke; common and breached ones are refused
offline, including a common password padded with digits or symbols."""

import pytest

from tests.factories import PASSWORD
from workflow.staff import passwords
from workflow.staff.passwords import WeakPassword

EMAIL = "holly.martin@example.org"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", passwords.TOO_SHORT),
        ("xx-holly.martin-2026-xx", passwords.CONTAINS_EMAIL_NAME),
        ("Password1234!", passwords.COMMON),  # "password" with digits and a symbol added
        ("!!sunshine2026", passwords.COMMON),
        ("1q2w3e4r5t6y", passwords.COMMON),  # on the list as it is
        ("qwertyuiopasdf", "too easy to guess"),  # a keyboard walk
        ("abcdefghijklmn", "too easy to guess"),  # a sequence
        ("aaaaaaaaaaaaaa", "too easy to guess"),  # a repeat
    ],
)
def test_each_refusal_says_which_rule_failed(password: str, message: str) -> None:
    with pytest.raises(WeakPassword) as refused:
        passwords.check(password, EMAIL)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    "password", [PASSWORD, "a much longer new passphrase", "Violet-Gravel-Tuesday-71"]
)
def test_long_uncommon_passwords_are_accepted(password: str) -> None:
    passwords.check(password, EMAIL)


def test_the_list_is_bundled_and_large() -> None:
    from workflow.staff.passwords import _common

    common = _common()
    assert len(common) >= 30_000 and {"123456", "password", "qwerty"} <= common


def test_every_rule_is_in_the_hint() -> None:
    for words in ("12 characters", "common", "easily guessed", "email name"):
        assert words in passwords.RULES
