"""Valid answers for every page of both referral forms, and a client that walks them."""

import re
from typing import Any

from flask.testing import FlaskClient

REFERRER = {
    "referrer_name": "Holly Martin",
    "referrer_role": "Police Sergeant",
    "referrer_agency_type": "police",
    "referrer_agency": "Cambridgeshire Constabulary, Safeguarding Hub",
    "referrer_phone": "01632 960001",
    "referrer_email": "holly.martin@cambs.pnn.police.uk",
}
SHARED: dict[str, dict[str, Any]] = {
    "referrer": REFERRER,
    "victim": {
        "victim_name": "Jade Allen",
        "victim_aliases": "Jade Smith",
        "victim_date_of_birth": ["27", "1", "1990"],
        "victim_gender": "Female",
    },
    "contact": {
        "victim_address": "1 Example Road\nPeterborough",
        "victim_postcode": "PE1 1AA",
        "victim_phone": "07700 900982",
    },
    "safe-contact": {
        "safe_call": "yes",
        "safe_voicemail": "no",
        "safe_text": "yes",
        "safe_email": "dont_know",
        "safe_letter": "no",
        "safe_times": "Weekdays 9am to 3pm",
    },
    "about-victim": {"language": "English", "interpreter": "no"},
}
STALKING: dict[str, dict[str, Any]] = {
    **SHARED,
    "consent": {"consent": "given"},
    "suspect": {"suspect_name": "Dan Kerr", "suspect_relationship": "neighbour"},
    "behaviour": {
        "behaviour_what": "Waits outside her flat and sends messages every night.",
        "behaviour_since": ["1", "3", "2026"],
        "behaviour_last": ["20", "11", "2026"],
        "behaviour_how_often": "Every day",
        "behaviour_where": ["online", "offline"],
    },
    "screening-1": {f"q{n}": "yes" if n <= 3 else "no" for n in range(1, 7)},
    "screening-2": {f"q{n}": "dont_know" for n in range(7, 12)},
    "police": {"police_reported": "yes", "crime_reference": "CF0123450626"},
    "others-at-risk": {"children_at_risk": "no", "others_at_risk": "no"},
    "wants": {"victim_wants": "Safety planning and support with the police."},
}


def dash_pages(yes: int) -> dict[str, dict[str, Any]]:
    """The four DASH pages with the first `yes` questions answered Yes, the rest No."""
    pages: dict[str, dict[str, Any]] = {}
    for page in range(4):
        answers = {}
        for n in range(page * 6 + 1, page * 6 + 7):
            answers[f"q{n}"] = "yes" if n <= yes else "no"
        pages[f"dash-{page + 1}"] = answers
    return pages


# The optional stalking screening the MARAC form asks after a Yes to DASH Q8: partly answered.
MARAC_STALKING: dict[str, dict[str, Any]] = {
    "stalking-1": {"q1": "yes", "q5": "yes", "q5_comment": "Follows her car", "q6": "dont_know"},
    "stalking-2": {},
}


DASH_CLOSING: dict[str, Any] = {
    "dash_completed_date": ["18", "11", "2026"],
    "dash_completed_with": "victim",
    "dash_children_at_risk": "no",
}


def marac(yes: int = 18) -> dict[str, dict[str, Any]]:
    """A complete MARAC referral whose DASH scores `yes` (Q8 is Yes from 8 up)."""
    return {
        **SHARED,
        "perpetrator": {"perpetrator_name": "Ryan Allen", "perpetrator_relationship": "ex_partner"},
        "children": {"children_count": "2"},
        **dash_pages(yes),
        **(MARAC_STALKING if yes >= 8 else {}),
        "dash-closing": DASH_CLOSING,
        "criteria": {
            "reason_for_referral": "Assault last week; threats to kill.",
            "professional_judgement": "no",
            "police_incidents_12m": "1",
            "last_incident": ["20", "11", "2026"],
            "previous_marac": "no",
        },
        "consent": {"victim_aware": "yes", "consent": "given"},
        "safety": {"victim_afraid_of": "Ryan Allen"},
    }


def token(client: FlaskClient, url: str) -> str:
    """Return the CSRF token on a page."""
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, url
    return found.group(1)


def start(client: FlaskClient, kind: str) -> str:
    """Start a draft; return the CSRF token for the posts that follow."""
    csrf = token(client, f"/refer/{kind}")
    response = client.post(f"/refer/{kind}/start", data={"csrf_token": csrf})
    assert response.status_code == 302, response.status_code
    return csrf


def post_page(client: FlaskClient, kind: str, slug: str, data: dict[str, Any], csrf: str) -> Any:
    """Post one page as a browser would."""
    return client.post(f"/refer/{kind}/{slug}", data={**data, "csrf_token": csrf})


def fill(client: FlaskClient, kind: str, pages: dict[str, dict[str, Any]]) -> str:
    """Start a draft and save every page; return the CSRF token."""
    csrf = start(client, kind)
    for slug, data in pages.items():
        response = post_page(client, kind, slug, data, csrf)
        assert response.status_code == 302, (slug, response.get_data(as_text=True)[:4000])
    return csrf


def submit_token(html: str) -> str:
    """Return the one-time submission token on a check-your-answers page."""
    found = re.search(r'name="submit_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


MARAC_EXAMPLE = marac()
