"""Two-factor sign-in: enrolment, codes that work once, recovery codes, limits, reset, audit."""

from datetime import timedelta

import pyotp
import pytest
from sqlmodel import col, select

from tests.factories import SYSTEM, actor_for, enrol_two_factor, make_user, totp_code
from workflow.errors import DomainError
from workflow.models import AuditEvent, RecoveryCode, StaffSession, User, utcnow
from workflow.models.staff import Role
from workflow.staff import sessions, two_factor
from workflow.store.db import Database

STEP = timedelta(seconds=two_factor.STEP_SECONDS)


def _user(database: Database, user_id: int | None) -> User:
    with database.uow() as uow:
        user = uow.session.get(User, user_id)
        assert user is not None
        return user


def _audit(database: Database) -> list[tuple[str, str]]:
    with database.uow() as uow:
        rows = uow.session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))
        return [
            (r.action, r.summary)
            for r in rows
            if "two_factor" in r.action or "recovery" in r.action
        ]


def _enrol(database: Database, user_id: int) -> tuple[str, list[str]]:
    with database.uow() as uow:
        secret = two_factor.begin(uow, user_id).secret
    with database.uow() as uow:
        codes = two_factor.confirm(uow, user_id, totp_code(secret))
    return secret, codes


def _check(database: Database, user_id: int | None, code: str, now=None) -> User:  # type: ignore[no-untyped-def]
    with database.uow() as uow:
        return two_factor.check_code(uow, user_id or 0, code, now)


def test_enrolment_offers_a_qr_code_made_here_and_the_same_secret_until_confirmed(
    database: Database,
) -> None:
    user = make_user(database, Role.COORDINATOR)
    with database.uow() as uow:
        first = two_factor.begin(uow, user.id or 0)
    with database.uow() as uow:
        again = two_factor.begin(uow, user.id or 0)
    assert first.secret == again.secret and len(first.secret) == 32
    assert first.uri.startswith("otpauth://totp/Referral%20desk:coordinator%40example.org?")
    assert "issuer=Referral%20desk" in first.uri and f"secret={first.secret}" in first.uri
    assert first.qr_data_uri().startswith("data:image/svg+xml")
    assert first.grouped_secret.replace(" ", "") == first.secret
    assert not two_factor.enrolled(_user(database, user.id))


def test_a_wrong_enrolment_code_is_refused_and_audited(database: Database) -> None:
    user = make_user(database, Role.IDVA)
    with database.uow() as uow:
        secret = two_factor.begin(uow, user.id or 0).secret
    wrong = totp_code(secret, now=utcnow() - 5 * STEP)
    with database.uow() as uow, pytest.raises(two_factor.CodeRefused):
        two_factor.confirm(uow, user.id or 0, wrong)
    assert not two_factor.enrolled(_user(database, user.id))
    assert _audit(database) == [("two_factor_failed", "enrolment code wrong")]


def test_confirming_enrols_gives_ten_hashed_recovery_codes_and_ends_other_sessions(
    database: Database,
) -> None:
    user = make_user(database, Role.COORDINATOR)
    with database.uow() as uow:
        here = sessions.start(uow.session, user.id or 0, "Firefox on Linux")
        sessions.start(uow.session, user.id or 0, "Chrome on Windows")
        secret = two_factor.begin(uow, user.id or 0).secret
    with database.uow() as uow:
        codes = two_factor.confirm(uow, user.id or 0, totp_code(secret), keep_session=here)
    assert len(codes) == len(set(codes)) == two_factor.RECOVERY_CODE_COUNT
    assert all(len(c) == 11 and c[5] == "-" for c in codes)
    enrolled = _user(database, user.id)
    assert two_factor.enrolled(enrolled) and enrolled.totp_last_step is not None
    with database.uow() as uow:
        stored = [r.code_hash for r in uow.session.exec(select(RecoveryCode))]
        ended = [r.ended_why for r in uow.session.exec(select(StaffSession))]
    assert len(stored) == 10 and all(h.startswith("$argon2id$") for h in stored)
    assert not {c.replace("-", "") for c in codes} & {h[-20:] for h in stored}
    assert sorted(ended) == ["", "two-factor set up"]
    [(action, summary)] = _audit(database)
    assert action == "two_factor_enrolled" and "10 recovery codes" in summary


def test_a_code_is_accepted_once_and_an_older_step_never(database: Database) -> None:
    user = make_user(database, Role.COORDINATOR)
    secret, _ = _enrol(database, user.id or 0)
    now = utcnow() + 2 * STEP  # past the step enrolment used
    code = pyotp.TOTP(secret).at(now)
    assert _check(database, user.id, code, now).id == user.id
    with pytest.raises(two_factor.CodeRefused):
        _check(database, user.id, code, now)  # the same code again: a replay
    earlier = pyotp.TOTP(secret).at(now - STEP)
    with pytest.raises(two_factor.CodeRefused):
        _check(database, user.id, earlier, now)  # within the drift, but older than the last used
    assert [a for a, _ in _audit(database)][1:] == [
        "two_factor_accepted",
        "two_factor_failed",
        "two_factor_failed",
    ]


def test_one_step_of_clock_drift_is_allowed_and_two_are_not(database: Database) -> None:
    user = make_user(database, Role.COORDINATOR)
    secret, _ = _enrol(database, user.id or 0)
    now = utcnow() + 10 * STEP
    with pytest.raises(two_factor.CodeRefused):
        _check(database, user.id, pyotp.TOTP(secret).at(now - 2 * STEP), now)
    _check(database, user.id, pyotp.TOTP(secret).at(now - STEP), now)
    _check(database, user.id, pyotp.TOTP(secret).at(now + STEP), now)
    with pytest.raises(two_factor.CodeRefused):
        _check(database, user.id, pyotp.TOTP(secret).at(now + 2 * STEP), now)


def test_a_recovery_code_works_once_however_it_is_typed(database: Database) -> None:
    user = make_user(database, Role.MANAGER)
    _, codes = _enrol(database, user.id or 0)
    _check(database, user.id, " " + codes[3].upper().replace("-", " ") + " ")
    with pytest.raises(two_factor.CodeRefused):
        _check(database, user.id, codes[3])
    with database.uow() as uow:
        assert two_factor.recovery_codes_left(uow.session, user.id or 0) == 9
    assert ("recovery_code_used", "9 left") in _audit(database)


def test_code_entry_is_limited_per_account_even_for_a_right_code(database: Database) -> None:
    user = make_user(database, Role.COORDINATOR)
    secret, _ = _enrol(database, user.id or 0)  # the enrolment code counted as one attempt
    for _ in range(two_factor.CODE_ATTEMPTS - 1):
        with pytest.raises(two_factor.CodeRefused):
            _check(database, user.id, "000000" if totp_code(secret) != "000000" else "111111")
    with pytest.raises(two_factor.CodeRefused, match="Too many codes"):
        _check(database, user.id, totp_code(secret, _user(database, user.id).totp_last_step))
    later = utcnow() + two_factor.CODE_WINDOW + STEP
    _check(database, user.id, pyotp.TOTP(secret).at(later), later)
    assert ("two_factor_failed", "too many codes") in _audit(database)


def test_new_recovery_codes_replace_the_old_ones(database: Database) -> None:
    user = make_user(database, Role.COORDINATOR)
    _, old = _enrol(database, user.id or 0)
    with database.uow() as uow:
        new = two_factor.new_recovery_codes(uow, user.id or 0)
    with pytest.raises(two_factor.CodeRefused):
        _check(database, user.id, old[0])
    _check(database, user.id, new[0])


def test_an_administrator_resets_a_lost_second_factor_and_every_session_ends(
    database: Database,
) -> None:
    admin = make_user(database, Role.ADMIN)
    user = make_user(database, Role.IDVA)
    enrol_two_factor(database, user)
    with database.uow() as uow:
        sessions.start(uow.session, user.id or 0, "Safari on iPhone")
        uow.commit()
    with database.uow() as uow:
        two_factor.reset(uow, actor_for(admin), user.id or 0)
    after = _user(database, user.id)
    assert not two_factor.enrolled(after) and after.totp_secret is None
    assert two_factor.must_enrol(after, required=True)
    assert not two_factor.must_enrol(after, required=False)
    with database.uow() as uow:
        assert list(uow.session.exec(select(RecoveryCode))) == []
        [row] = uow.session.exec(select(StaffSession))
    assert row.ended_why == two_factor.SESSIONS_ENDED_WHY
    assert _audit(database)[-1] == ("two_factor_reset", "was set up; 1 sessions ended")


def test_nobody_resets_their_own_second_factor_but_the_operator_may(database: Database) -> None:
    admin = make_user(database, Role.ADMIN)
    enrol_two_factor(database, admin)
    with database.uow() as uow, pytest.raises(DomainError, match="your own two-factor sign-in"):
        two_factor.reset(uow, actor_for(admin), admin.id or 0)
    with database.uow() as uow:
        two_factor.reset(uow, SYSTEM, admin.id or 0)
    assert not two_factor.enrolled(_user(database, admin.id))
