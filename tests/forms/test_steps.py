"""The step count stays the same whatever the answers: follow-on pages do not change it."""

import re

import pytest
from flask.testing import FlaskClient

from forms.referral import marac
from tests.forms.answers import marac as marac_answers
from tests.forms.answers import post_page, start


@pytest.mark.parametrize("yes", [5, 17])  # DASH Q8 No (no stalking questions), then Yes
def test_every_page_says_the_same_of_n(client: FlaskClient, yes: int) -> None:
    csrf = start(client, "marac")
    regular = len([p for p in marac.FLOW.pages if p.when is None])
    seen = []
    for slug, data in marac_answers(yes).items():
        html = client.get(f"/refer/marac/{slug}").get_data(as_text=True)
        found = re.search(r"step (\d+) of (\d+)(, follow-on questions)?", html)
        assert found, slug
        seen.append((int(found[1]), int(found[2]), bool(found[3])))
        assert post_page(client, "marac", slug, data, csrf).status_code == 302
    assert {total for _, total, _ in seen} == {regular}
    numbers = [n for n, _, follow_on in seen if not follow_on]
    assert numbers == list(range(1, regular + 1))
    assert all(n == 11 for n, _, follow_on in seen if follow_on)  # after the DASH's last page
    assert len(seen) == regular + (2 if yes >= 8 else 0)
