"""Every route × every role: the app's own map is walked, so a new page cannot forget its guard."""

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.factories import make_referral, make_user
from tests.web.pages import sign_in
from workflow.models.staff import Role
from workflow.store.db import Database

# Pages any signed-in member of staff may use, whatever their role.
ANY_STAFF = {
    "staff.home",
    "auth.logout",
    "auth.change_password",
    "auth.sessions_page",
    "auth.sign_out_everywhere",
    "two_factor.status",
    "two_factor.set_up",
    "two_factor.new_recovery_codes",
}
# Served to anyone: the front-end files.
FILES = {"static", "assets"}


def _view(app: Flask, rule: Rule) -> Any:
    return app.view_functions[rule.endpoint]


def _routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in FILES:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule: Rule, referral_id: int) -> str:
    # Every id is the one referral we made: enough to reach the guard and the view behind it.
    values = {name: referral_id if "id" in name else "x" for name in rule.arguments}
    return rule.build(values)[1]  # type: ignore[index]


def _call(client: FlaskClient, method: str, url: str) -> int:
    return client.open(url, method=method, data={}).status_code


@pytest.fixture
def guarded_app(app: Flask) -> Flask:
    return app


def _without_csrf(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = False  # the guard, not the token, is under test here


def test_every_route_declares_who_may_use_it(guarded_app: Flask) -> None:
    undeclared = [
        rule.endpoint
        for rule, _ in _routes(guarded_app)
        if rule.endpoint not in ANY_STAFF
        and not hasattr(_view(guarded_app, rule), "allowed_roles")
        and not getattr(_view(guarded_app, rule), "is_public", False)
    ]
    assert not undeclared, f"routes without @role_required or @public: {undeclared}"


def test_admins_manage_accounts_not_case_content(guarded_app: Flask) -> None:
    for rule, _ in _routes(guarded_app):
        roles = getattr(_view(guarded_app, rule), "allowed_roles", ())
        if rule.endpoint.startswith("admin."):
            assert roles == ("admin",), rule.endpoint
        elif rule.endpoint.startswith("accounts."):  # accounts only, never case content
            assert roles == ("admin", "manager"), rule.endpoint
        else:
            assert "admin" not in roles, f"{rule.endpoint} shows case content to admins"


def test_anonymous_visitors_are_sent_to_sign_in(guarded_app: Flask, database: Database) -> None:
    referral = make_referral(database)
    client = guarded_app.test_client()
    _without_csrf(guarded_app)
    for rule, method in _routes(guarded_app):
        if getattr(_view(guarded_app, rule), "is_public", False):
            continue
        response = client.open(_url(rule, referral.id or 0), method=method, data={})
        assert response.status_code == 302, (rule.rule, method, response.status_code)
        assert "/sign-in" in response.headers["Location"], (rule.rule, method)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_reaches_only_its_own_pages(
    guarded_app: Flask, database: Database, role: Role
) -> None:
    referral = make_referral(database)
    make_user(database, role)
    client = guarded_app.test_client()
    sign_in(client, f"{role.value}@example.org")
    _without_csrf(guarded_app)
    for rule, method in _routes(guarded_app):
        view = _view(guarded_app, rule)
        signs_out = rule.endpoint in {"auth.logout", "auth.sign_out_everywhere"}
        if signs_out or getattr(view, "is_public", False):
            continue
        status = _call(client, method, _url(rule, referral.id or 0))
        allowed = rule.endpoint in ANY_STAFF or role.value in view.allowed_roles
        if allowed:
            # An IDVA is refused a referral not theirs, an agency representative a sitting they
            # are not invited to: the role may use the page, the data decides.
            refused_by_data = role in (Role.IDVA, Role.AGENCY)
            assert status != 403 or refused_by_data, (rule.rule, method, status)
            assert status < 500, (rule.rule, method, status)
        else:
            assert status == 403, (rule.rule, method, role.value, status)
