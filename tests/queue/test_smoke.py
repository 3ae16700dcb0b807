from flask.testing import FlaskClient

from tests.factories import make_referral
from tests.web.pages import check_page


def test_pages_render(desk: FlaskClient, database) -> None:
    r = make_referral(database, needs_review=["dash.answers.7", "victim.postcode"])
    for url in ["/queue", "/needs-a-person", f"/referrals/{r.id}", f"/referrals/{r.id}/consent",
                f"/referrals/{r.id}/allocate", f"/referrals/{r.id}/close", f"/referrals/{r.id}/note",
                f"/referrals/{r.id}/duplicate", f"/referrals/{r.id}/correct/dash.answers.7",
                f"/referrals/{r.id}/correct/victim.postcode"]:
        response = desk.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[-3000:])
        check_page(response.get_data(as_text=True))
