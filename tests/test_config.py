"""Settings come from the environment (docs/contract.md), and unsafe ones stop the service."""

import pytest

import config


def test_every_mail_job_setting_can_be_set_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given = {
        "POLL_INTERVAL_SECONDS": "61",
        "REMINDER_INTERVAL_SECONDS": "301",
        "OUTBOX_INTERVAL_SECONDS": "31",
        "IMAP_TIMEOUT_SECONDS": "11",
        "IMAP_BACKOFF_SECONDS": "12",
        "IMAP_BATCH": "13",
        "SMTP_BACKOFF_SECONDS": "14",
        "SCHEDULER_LEASE_SECONDS": "15",
        "IMAP_LEASE_SECONDS": "16",
    }
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COORDINATORS_EMAIL", "desk@cambs.example.org")
    settings = config.load({"SECRET_KEY": "x" * 32})
    assert {name: settings[name] for name in given} == {k: int(v) for k, v in given.items()}
    assert settings["COORDINATORS_EMAIL"] == "desk@cambs.example.org"


def test_the_public_referral_form_limits_can_be_set_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = (
        "REFERRAL_DRAFT_HOURS",
        "REFERRAL_SHARED_DRAFT_MINUTES",
        "REFERRAL_STARTS_PER_HOUR",
        "REFERRAL_SENDS_PER_HOUR",
    )
    for name in names:
        monkeypatch.delenv(name, raising=False)
    defaults = config.load({"SECRET_KEY": "x" * 32})
    assert tuple(defaults[name] for name in names) == (24, 30, 60, 30)
    given = {
        "REFERRAL_DRAFT_HOURS": "8",
        "REFERRAL_SHARED_DRAFT_MINUTES": "10",
        "REFERRAL_STARTS_PER_HOUR": "5",
        "REFERRAL_SENDS_PER_HOUR": "2",
    }
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    settings = config.load({"SECRET_KEY": "x" * 32})
    assert {name: settings[name] for name in given} == {k: int(v) for k, v in given.items()}


def test_clear_text_imap_is_refused_for_a_remote_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAP_HOST", "mail.example.org")
    monkeypatch.setenv("IMAP_SECURITY", "none")
    with pytest.raises(config.ConfigurationError, match="loopback"):
        config.load({"SECRET_KEY": "x" * 32})


def test_two_factor_sign_in_is_required_in_production_unless_set_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REQUIRE_TWO_FACTOR", raising=False)
    monkeypatch.setenv("APP_ENV", "development")
    assert config.load({"SECRET_KEY": "x" * 32})["REQUIRE_TWO_FACTOR"] is False
    monkeypatch.setenv("APP_ENV", "production")
    assert config.load({"SECRET_KEY": "x" * 32})["REQUIRE_TWO_FACTOR"] is True
    monkeypatch.setenv("REQUIRE_TWO_FACTOR", "0")
    assert config.load({"SECRET_KEY": "x" * 32})["REQUIRE_TWO_FACTOR"] is False
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("REQUIRE_TWO_FACTOR", "1")
    assert config.load({"SECRET_KEY": "x" * 32})["REQUIRE_TWO_FACTOR"] is True
