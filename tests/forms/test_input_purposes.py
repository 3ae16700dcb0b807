"""The referrer's own fields say their purpose (WCAG 1.3.5) and use email and tel inputs."""

import re

import pytest
from flask.testing import FlaskClient

from tests.forms.answers import STALKING, fill, start


def input_for(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, name
    return found[0]


@pytest.mark.parametrize(
    ("name", "autocomplete", "kind"),
    [
        ("referrer_name", "name", "text"),
        ("referrer_role", "organization-title", "text"),
        ("referrer_agency", "organization", "text"),
        ("referrer_phone", "work tel", "tel"),
        ("referrer_email", "work email", "email"),
    ],
)
def test_the_referrer_fields_have_autocomplete_and_types(
    client: FlaskClient, name: str, autocomplete: str, kind: str
) -> None:
    start(client, "marac")
    tag = input_for(client.get("/refer/marac/referrer").get_data(as_text=True), name)
    assert f'autocomplete="{autocomplete}"' in tag and f'type="{kind}"' in tag


def test_the_victims_phone_and_email_get_the_right_keyboard_but_no_autofill(
    client: FlaskClient,
) -> None:
    fill(client, "stalking", {"referrer": STALKING["referrer"], "victim": STALKING["victim"]})
    html = client.get("/refer/stalking/contact").get_data(as_text=True)
    assert 'type="tel"' in input_for(html, "victim_phone")
    assert 'type="email"' in input_for(html, "victim_email")
    assert 'autocomplete="off"' in input_for(html, "victim_email")
