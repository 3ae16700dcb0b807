"""One list of lawful bases (issue 15): the public MARAC form and the consent check offer the
same bases, the referral stores the code, and values stored under the older lists still show."""

from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_referral, make_user
from tests.forms.answers import fill, marac, start
from tests.forms.test_referral_forms import only, send
from tests.web.pages import check_page, sign_in
from workflow.models.staff import Role
from workflow.record import lawful_bases
from workflow.store.db import Database

WITHOUT_CONSENT = {
    "victim_aware": "no",
    "consent": "not_asked_unsafe",
    "consent_not_sought_reason": "He reads her phone",
    "lawful_basis": "public_task",
}


def _labels() -> list[str]:
    return [label for _, label in lawful_bases.choices()]


def test_the_list_holds_the_corrected_bases_and_never_9_2_b() -> None:
    labels = " ".join(_labels())
    for cited in ("6(1)(e)", "9(2)(g)", "Schedule 1 Part 2 paragraph 18", "6(1)(d)", "9(2)(c)"):
        assert cited in labels
    assert "DPA 2018 Part 3" in labels and "9(2)(b)" not in labels
    assert [code for code, _ in lawful_bases.choices()] == [
        "public_task",
        "vital_interests",
        "law_enforcement",
    ]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("", ""),
        ("public_task", lawful_bases.LAWFUL_BASES[0].label),
        ("vital_interests", lawful_bases.LAWFUL_BASES[1].label),
        ("law_enforcement", lawful_bases.LAWFUL_BASES[2].label),
        (
            "To protect someone's life: UK GDPR Article 6(1)(d) and Article 9(2)(b)",
            "9(2)(b) is the employment condition, not vital interests) "
            "(recorded under an older list)",
        ),
        (
            "A task in the public interest: UK GDPR Article 6(1)(e) and Article 9(2)(g)",
            "Article 9(2)(g) (recorded under an older list)",
        ),
        (
            "UK GDPR Art 6(1)(e) public task; Art 9(2)(g) substantial public interest",
            "Public task and substantial public interest (Art 6(1)(e), Art 9(2)(g)) "
            "(recorded under an older list)",
        ),
        (
            "UK GDPR Art 6(1)(d) vital interests; Art 9(2)(c) vital interests",
            "Vital interests (Art 6(1)(d), Art 9(2)(c)) (recorded under an older list)",
        ),
        ("Art 6(1)(e)", "Art 6(1)(e) (recorded under an older list)"),  # typed elsewhere
    ],
)
def test_every_stored_value_has_a_label(stored: str, shown: str) -> None:
    assert lawful_bases.describe(stored).endswith(shown)
    current = {"public_task", "vital_interests", "law_enforcement"}
    assert lawful_bases.is_current(stored) is (stored in current)


def test_both_forms_offer_the_one_list(app: Flask, client: FlaskClient, database: Database) -> None:
    start(client, "marac")
    public = unescape(client.get("/refer/marac/consent").get_data(as_text=True))
    referral = make_referral(database)
    coordinator = make_user(database, Role.COORDINATOR)
    staff = app.test_client()
    sign_in(staff, coordinator.email)
    consent = unescape(staff.get(f"/referrals/{referral.id}/consent").get_data(as_text=True))
    for page in (public, consent):
        check_page(page)
        assert all(label in page for label in _labels())
        assert "9(2)(b)" not in page
        for code, _ in lawful_bases.choices():
            assert f'value="{code}"' in page


def test_the_marac_form_stores_the_code_and_the_staff_page_shows_its_label(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    pages = marac(18)
    pages["consent"] = WITHOUT_CONSENT
    csrf = fill(client, "marac", pages)
    send(client, "marac", csrf)
    referral = only(database)
    assert referral.lawful_basis == "public_task"
    coordinator = make_user(database, Role.COORDINATOR)
    staff = app.test_client()
    sign_in(staff, coordinator.email)
    page = unescape(staff.get(f"/referrals/{referral.id}").get_data(as_text=True))
    assert lawful_bases.LAWFUL_BASES[0].label in page


def test_an_older_stored_basis_shows_flagged(app: Flask, database: Database) -> None:
    old = "To protect someone's life: UK GDPR Article 6(1)(d) and Article 9(2)(b)"
    referral = make_referral(database, lawful_basis=old)
    coordinator = make_user(database, Role.COORDINATOR)
    staff = app.test_client()
    sign_in(staff, coordinator.email)
    page = unescape(staff.get(f"/referrals/{referral.id}").get_data(as_text=True))
    check_page(page)
    assert f"{old} (9(2)(b) is the employment condition" in page
    assert "(recorded under an older list)" in page
