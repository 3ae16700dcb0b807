"""Gender as a choice list on both forms, kept as a code, labels from one place (issue 15)."""

from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.forms.answers import SHARED, fill, post_page
from workflow.record.catalogue import BY_PATH
from workflow.record.options import GENDERS

GENDER = BY_PATH["victim_gender"]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("female", "Female"),
        ("non_binary", "Non-binary"),
        ("self_describe", "Prefer to self-describe"),
        ("not_known", "Not known"),
        ("Woman (cis)", "Woman (cis)"),  # an older web form's free text, as written
        ("F", "F"),  # a mailed form's own word the reader kept as written
        ("", "Not given"),
    ],
)
def test_a_gender_is_shown_by_its_label_and_old_text_as_written(stored: str, shown: str) -> None:
    assert GENDER.shown(stored) == shown


def test_the_codes_fit_the_column_and_the_reader_keeps_the_same_codes() -> None:
    from mailbox.values import read_gender

    codes = dict(GENDERS)
    assert all(len(code) <= 60 for code in codes)
    assert read_gender("Woman")[0] in codes and read_gender("M")[0] in codes


@pytest.mark.parametrize("kind", ["marac", "stalking"])
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"victim_gender": ""}, "Select the victim's gender, or Not known"),
        ({"victim_gender": "woman"}, "Select the victim's gender, or Not known"),
        ({"victim_gender": "self_describe"}, "Enter the victim's gender in their words"),
        (
            {"victim_gender": "female", "victim_gender_description": "Woman"},
            "Select Prefer to self-describe, or leave this empty",
        ),
        ({"victim_gender": "not_known"}, None),
        ({"victim_gender": "self_describe", "victim_gender_description": "Agender"}, None),
    ],
)
def test_both_forms_ask_gender_as_a_choice(
    client: FlaskClient, kind: str, change: dict[str, Any], error: str | None
) -> None:
    csrf = fill(client, kind, {})
    response = post_page(client, kind, "victim", {**SHARED["victim"], **change}, csrf)
    if error is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 200 and error in unescape(response.get_data(as_text=True))
