"""Not a GOV.UK service: no crown, no GDS Transport, no Crown copyright."""

from pathlib import Path

from flask.testing import FlaskClient

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_the_stylesheet_asks_for_no_gds_transport_font() -> None:
    css = (STATIC / "govuk" / "govuk-frontend.min.css").read_text()
    assert "GDS Transport" not in css
    assert not (STATIC / "assets" / "fonts").exists()


def test_pages_carry_the_partnerships_name_not_the_crown(client: FlaskClient) -> None:
    html = client.get("/sign-in").get_data(as_text=True)
    assert "Cambridgeshire &amp; Peterborough" in html
    for crown in ("govuk-header__logotype", "Crown copyright", "GOV.UK"):
        assert crown not in html
