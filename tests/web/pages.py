"""Request pages like a person would and check the hygiene every page must have (Notify's idea)."""

import re
from collections import Counter
from html.parser import HTMLParser

from flask.testing import FlaskClient

from tests.factories import PASSWORD


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.h1 = 0
        self.title = ""
        self._in_title = False
        self.error_summary = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        self.h1 += tag == "h1"
        self._in_title = tag == "title"
        if "govuk-error-summary" in (values.get("class") or "").split():
            self.error_summary = True

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False if tag == "title" else self._in_title

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def check_page(html: str) -> _Page:
    """Assert a page has a title, one h1, unique ids, and "Error:" exactly when it shows errors."""
    page = _Page()
    page.feed(html)
    assert page.title.strip(), "page has no title"
    assert page.h1 == 1, f"page has {page.h1} h1 elements"
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert page.title.strip().startswith("Error:") == page.error_summary, page.title
    return page


def csrf_token(client: FlaskClient, url: str) -> str:
    """Fetch a page and return the CSRF token from its form."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, str], **kwargs):  # type: ignore[no-untyped-def]
    """Post a form the way a browser would, with the token from the page."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)}, **kwargs)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, code: str | None = None):  # type: ignore[no-untyped-def]
    """Sign in through the real sign-in page; with `code`, through the two-factor page too."""
    response = post_form(client, "/sign-in", {"email": email, "password": password})
    if code is not None and response.headers.get("Location") == "/sign-in/code":
        return post_form(client, "/sign-in/code", {"code": code})
    return response
