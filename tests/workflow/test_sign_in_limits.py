"""Sign-in limits: five free failures, then waits that double up to 15 minutes; the same for an
email with or without an account; a known browser counted apart; at most about a hundred
guesses a day at one account; simultaneous tries counted before their passwords are checked."""

from datetime import datetime, timedelta

import pytest

from tests.factories import PASSWORD, make_user
from workflow.actors import Actor
from workflow.models import User, utcnow
from workflow.models.staff import Role
from workflow.staff import accounts, sign_in, sign_in_limits
from workflow.store.db import Database

MINUTE = timedelta(minutes=1)


def _try(database: Database, email: str, password: str, now: datetime, browser: str = "") -> str:
    with database.uow() as uow:
        try:
            sign_in.authenticate(uow, email, password, now, "key", known_browser=browser or None)
        except sign_in.SignInRefused as refused:
            return str(refused)
    return "signed in"


def test_the_waits_double_from_one_minute_up_to_fifteen() -> None:
    waits = [sign_in_limits.delay(n) for n in range(4, 12)]
    assert waits == [timedelta(0), *(MINUTE * m for m in (1, 2, 4, 8, 15, 15, 15))]


@pytest.mark.parametrize("email", ["coordinator@example.org", "nobody@example.org"])
def test_the_same_schedule_for_an_email_with_or_without_an_account(
    database: Database, email: str
) -> None:
    make_user(database, Role.COORDINATOR)
    start = utcnow()
    said = [_try(database, email, "wrong guess number", start) for _ in range(6)]
    assert said[:5] == [sign_in.WRONG_CREDENTIALS] * 5
    assert said[5] == sign_in.locked_message(MINUTE)
    assert "Try again in 1 minute," in said[5]
    assert _try(database, email, "wrong guess number", start + MINUTE) == sign_in.WRONG_CREDENTIALS
    assert "Try again in 2 minutes" in _try(database, email, "again", start + MINUTE)


def test_the_right_password_waits_too_but_clears_the_count_once_in(database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    email, start = "coordinator@example.org", utcnow()
    for _ in range(5):
        _try(database, email, "wrong guess number", start)
    assert "locked" in _try(database, email, PASSWORD, start)
    assert _try(database, email, PASSWORD, start + MINUTE) == "signed in"
    for _ in range(5):  # the count started again from none
        assert (
            _try(database, email, "wrong guess number", start + MINUTE) == sign_in.WRONG_CREDENTIALS
        )


def test_a_known_browser_is_not_held_up_by_someone_elses_guessing(database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    email, start = "coordinator@example.org", utcnow()
    for n in range(10):  # a stranger keeps the account waiting, guessing as often as allowed
        _try(database, email, "wrong guess number", start + MINUTE * 15 * n)
    later = start + MINUTE * (15 * 9 + 1)
    assert "locked" in _try(database, email, PASSWORD, later)
    assert _try(database, email, PASSWORD, later, browser="b" * 32) == "signed in"


def test_a_known_browsers_own_guesses_wait_like_anyone_elses(database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    email, start, browser = "coordinator@example.org", utcnow(), "c" * 32
    for _ in range(5):
        _try(database, email, "wrong guess number", start, browser)
    assert "locked" in _try(database, email, PASSWORD, start, browser)
    assert _try(database, email, PASSWORD, start) == "signed in"  # strangers' count is apart


def test_at_most_about_a_hundred_guesses_a_day_reach_one_account(database: Database) -> None:
    start, reached = utcnow(), 0
    bucket = sign_in_limits.email_bucket("coordinator@example.org")
    with database.uow() as uow:
        for minute in range(24 * 60):  # a wrong guess a minute, all day, from anywhere
            now = start + MINUTE * minute
            reached += not sign_in_limits.begin_attempt(uow.session, bucket, now)
    assert reached <= 5 + 4 + 24 * 4  # five free, the doubling waits, then four an hour
    assert reached >= 90  # and the owner is never shut out for longer than 15 minutes


def test_the_counts_lapse_a_day_after_the_last_failure(database: Database) -> None:
    start = utcnow()
    for _ in range(8):
        _try(database, "nobody@example.org", "wrong guess", start)
    later = start + sign_in_limits.FORGET_AFTER
    assert _try(database, "nobody@example.org", "wrong guess", later) == sign_in.WRONG_CREDENTIALS


def test_an_administrators_unlock_clears_strangers_count(database: Database) -> None:
    user = make_user(database, Role.COORDINATOR)
    admin = make_user(database, Role.ADMIN)
    email, start = "coordinator@example.org", utcnow()
    for _ in range(6):
        _try(database, email, "wrong guess number", start)
    with database.uow() as uow:
        assert uow.session.get(User, user.id).locked_until is not None  # type: ignore[union-attr]
        accounts.unlock(uow, Actor.of(admin), user.id or 0)
    assert _try(database, email, PASSWORD, start) == "signed in"


def test_a_try_is_counted_before_its_password_is_checked(database: Database) -> None:
    now = utcnow()
    with database.uow() as uow:
        bucket = sign_in_limits.email_bucket("nobody@example.org")
        waits = [sign_in_limits.begin_attempt(uow.session, bucket, now) for _ in range(7)]
    # Five tries begun together (none finished) use up the free ones; the sixth already waits.
    assert waits[:5] == [timedelta(0)] * 5 and waits[5] == MINUTE and waits[6] == MINUTE
