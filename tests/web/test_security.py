"""A reviewer's checks on the web side: headers on every kind of response, downloads, redirects,
sessions, sign-in that does not reveal accounts, and IDVAs kept to their own referrals."""

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select
from werkzeug.datastructures import Headers

from app import create_app
from tests.factories import PASSWORD, make_referral, make_user
from tests.queue.builders import add_message
from tests.web.pages import csrf_token, post_form, sign_in
from views.staff import download_filename
from workflow.models import Attachment, AuditEvent, Referral
from workflow.models.staff import Role
from workflow.store.db import Database

HOSTILE_NAME = 'invoice"\r\nSet-Cookie: stolen=1; x=\u202egpj.html'


def _assert_frame_headers(headers: Headers, where: str) -> None:
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert "camera=()" in headers.get("Permissions-Policy", ""), where


def _assert_private(headers: Headers, where: str) -> None:
    _assert_frame_headers(headers, where)
    assert headers.get("Cache-Control") == "no-store", where


def _coordinator(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org")


def _attachment_ids(database: Database) -> list[int]:
    with database.uow() as uow:
        return [
            a.id or 0 for a in uow.session.exec(select(Attachment).order_by(col(Attachment.id)))
        ]


def test_every_kind_of_response_carries_the_security_headers(
    app: Flask, database: Database
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a real server's 500, not a test traceback

    @app.get("/boom")
    def boom() -> Any:
        raise RuntimeError("a bug")

    referral = make_referral(database)
    message = add_message(database, referral.id, attachments=[("a.pdf", "application/pdf", b"%")])
    anonymous, desk = app.test_client(), app.test_client()
    _coordinator(desk, database)
    begun = anonymous.post(
        "/refer/stalking/start", data={"csrf_token": csrf_token(anonymous, "/refer/stalking")}
    )
    first_page = begun.headers["Location"]
    responses = {
        "sign-in page": anonymous.get("/sign-in"),
        "public form index": anonymous.get("/refer/"),
        "public form page (echoes typed data)": anonymous.get(first_page),
        "check your answers (redirect when incomplete)": anonymous.get("/refer/stalking/check"),
        "queue": desk.get("/queue"),
        "referral page": desk.get(f"/referrals/{referral.id}"),
        "original email": desk.get(f"/messages/{message.id}/original"),
        "attachment": desk.get(f"/attachments/{_attachment_ids(database)[0]}"),
        "CSV export": desk.post("/queue/export", data={"csrf_token": csrf_token(desk, "/queue")}),
        "400 (no CSRF token)": desk.post("/queue/export"),
        "403": desk.get("/admin/users"),
        "404": desk.get("/referrals/999999"),
        "405": desk.get("/queue/export"),
        "500": desk.get("/boom"),
    }
    expected = {"400": 400, "403": 403, "404": 404, "405": 405, "500": 500}
    for where, response in responses.items():
        code = expected.get(where.split()[0])
        assert code is None or response.status_code == code, (where, response.status_code)
        _assert_private(response.headers, where)
    for where in ("original email", "attachment", "CSV export"):
        assert responses[where].headers["Content-Security-Policy"].startswith("sandbox"), where
    static = anonymous.get("/static/css/app.css")
    _assert_frame_headers(static.headers, "static file")
    static.close()


def test_oversized_and_throttled_requests_carry_the_headers(app: Flask, database: Database) -> None:
    client = app.test_client()
    token = csrf_token(client, "/refer/stalking")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    too_big = client.post("/sign-in", data={"csrf_token": token, "email": "x" * 4096})
    assert too_big.status_code == 413
    _assert_private(too_big.headers, "413")
    app.config["REFERRAL_STARTS_PER_HOUR"] = 0
    limited = client.post("/refer/stalking/start", data={"csrf_token": token})
    assert limited.status_code == 429
    _assert_private(limited.headers, "429")


def test_hsts_and_secure_cookie_behind_tls(database: Database, database_url: str) -> None:
    app = _app(database, database_url, BEHIND_TLS=True)
    make_user(database, Role.COORDINATOR)
    client = app.test_client()
    response = sign_in(client, "coordinator@example.org")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    cookies = response.headers.getlist("Set-Cookie")
    cookie = next(c for c in cookies if c.startswith("__Host-session="))
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie, cookie
    known = next(c for c in cookies if c.startswith("__Host-known-browser="))
    for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert flag in known, known


def test_a_hostile_attachment_downloads_as_inert_bytes_under_a_safe_name(
    client: FlaskClient, database: Database
) -> None:
    referral = make_referral(database)
    add_message(
        database,
        referral.id,
        attachments=[
            (HOSTILE_NAME, "text/html", b"<script>alert(1)</script>"),
            ("drawing.svg", "image/svg+xml", b"<svg onload='alert(1)'/>"),
            ("Résumé.pdf", "application/pdf", b"%PDF-1.4"),
        ],
    )
    _coordinator(client, database)
    html, svg, pdf = (client.get(f"/attachments/{i}") for i in _attachment_ids(database))
    assert html.status_code == 200 and html.data == b"<script>alert(1)</script>"
    assert html.mimetype == svg.mimetype == "application/octet-stream"
    assert pdf.mimetype == "application/pdf"
    disposition = html.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition and "\u202e" not in disposition
    assert "stolen" not in "".join(html.headers.getlist("Set-Cookie"))
    assert pdf.headers["Content-Disposition"].endswith("filename*=UTF-8''R%C3%A9sum%C3%A9.pdf")


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.docx", "report.docx"),
        ('a"b\\c/d"e.pdf', "d_e.pdf"),  # a path is not part of the name
        ("line\r\nbreak.pdf", "linebreak.pdf"),
        ("\u202efdp.exe", "fdp.exe"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ("na\u200bme\u2066.pdf", "name.pdf"),
        ("  ..  ", "download-7"),
        ("x" * 400 + ".xlsx", "x" * 145 + ".xlsx"),
    ],
)
def test_download_names_are_cleaned(name: str, safe: str) -> None:
    assert download_filename(name, "download-7") == safe


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_sign_in_never_redirects_off_site(
    client: FlaskClient, database: Database, target: str
) -> None:
    make_user(database, Role.COORDINATOR)
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"email": "coordinator@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/", target


def test_sign_in_keeps_a_local_next(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in?next=/queue%3Fstate%3Dreceived",
        data={"email": "coordinator@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/queue?state=received"


def test_sign_in_starts_a_fresh_session(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, "coordinator@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_needs_its_csrf_token(client: FlaskClient, database: Database) -> None:
    _coordinator(client, database)
    assert client.post("/sign-out").status_code == 400
    assert client.get("/queue").status_code == 200
    assert client.get("/sign-out").status_code == 405
    token = csrf_token(client, "/queue")
    client.post("/sign-out", data={"csrf_token": token})
    assert client.get("/queue").status_code == 302


def test_a_password_change_signs_out_every_other_session(app: Flask, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "coordinator@example.org")
    sign_in(elsewhere, "coordinator@example.org")
    new = "a brand new passphrase 42"
    changed = post_form(here, "/change-password", {"current": PASSWORD, "new": new, "confirm": new})
    assert changed.status_code == 302, changed.get_data(as_text=True)
    assert here.get("/queue").status_code == 200
    response = elsewhere.get("/queue")
    assert "/sign-in" in response.headers["Location"]
    assert elsewhere.get("/queue").status_code == 302


def _sign_in_message(client: FlaskClient, email: str, password: str) -> str:
    html = sign_in(client, email, password).get_data(as_text=True)
    match = re.search(r'govuk-error-message">\s*<span[^>]*>Error:</span>\s*([^<]+)<', html)
    assert match, html
    return match.group(1).strip()


def test_lockout_does_not_reveal_which_accounts_exist(app: Flask, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    real, unknown = app.test_client(), app.test_client()
    said_real = [_sign_in_message(real, "coordinator@example.org", "wrong!") for _ in range(7)]
    said_unknown = [_sign_in_message(unknown, "nobody@example.org", "wrong!") for _ in range(7)]
    assert said_real == said_unknown
    assert "locked" in said_unknown[-1] and "locked" not in said_unknown[0]


def _allocate(database: Database, referral: Referral, idva_id: int) -> None:
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral.id)
        assert stored is not None
        stored.allocated_idva_id = idva_id
        uow.commit()


def test_an_idva_cannot_reach_another_idvas_referral_by_any_route(
    app: Flask, database: Database
) -> None:
    referral = make_referral(database)
    message = add_message(database, referral.id, attachments=[("a.pdf", "application/pdf", b"%")])
    owner = make_user(database, Role.IDVA, "owner@example.org")
    intruder = make_user(database, Role.IDVA, "other@example.org")
    _allocate(database, referral, owner.id or 0)
    with database.uow() as uow:
        version = uow.session.get(Referral, referral.id).version  # type: ignore[union-attr]
    ids = {
        "referral_id": referral.id,
        "message_id": message.id,
        "attachment_id": _attachment_ids(database)[0],
    }
    other = app.test_client()
    sign_in(other, "other@example.org")
    app.config["WTF_CSRF_ENABLED"] = False  # the guard, not the token, is under test
    form = {"version": str(version), "text": "A note", "path": "x"}
    tried = []
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", ())
        if "idva" not in roles or not set(rule.arguments) & set(ids):
            continue
        url = rule.build({name: ids.get(name, "x") for name in rule.arguments})[1]  # type: ignore[index]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            status = other.open(url, method=method, data=form).status_code
            assert status == 403, (method, url, status)
            tried.append((method, rule.endpoint))
    assert {e for _, e in tried} >= {
        "staff.referral",
        "staff.message_download",
        "staff.attachment_download",
        "casework.note",
        "contact.record",
        "contact.confirm_channel",
        "contact.withdraw",
    }
    with database.uow() as uow:
        after = uow.session.get(Referral, referral.id)
        assert after is not None and after.version == version
        refused = uow.session.exec(
            select(AuditEvent).where(col(AuditEvent.action).in_(["view", "download", "note"]))
        ).all()
        assert all(e.actor_id != intruder.id for e in refused)


def _app(database: Database, database_url: str, **settings: Any) -> Flask:
    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "k" * 32, "TESTING": True, **settings}
    )
    app.extensions["database"] = database
    return app


def test_behind_a_proxy_each_client_has_its_own_sign_in_limit(
    database: Database, database_url: str
) -> None:
    app = _app(database, database_url, PROXY_HOPS=1)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()

    def attempt(address: str) -> int:
        return client.post(
            "/sign-in",
            data={"email": "nobody@example.org", "password": "x"},
            headers={"X-Forwarded-For": address},
        ).status_code

    statuses = [attempt("192.0.2.10") for _ in range(21)]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
    assert attempt("198.51.100.7") == 200  # another referrer behind the same proxy


def test_without_a_proxy_a_forged_forwarded_for_is_ignored(
    database: Database, database_url: str
) -> None:
    app = _app(database, database_url, PROXY_HOPS=0)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    statuses = [
        client.post(
            "/sign-in",
            data={"email": "nobody@example.org", "password": "x"},
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        ).status_code
        for n in range(21)
    ]
    assert statuses[-1] == 429


def test_every_post_without_its_csrf_token_changes_nothing(app: Flask, database: Database) -> None:
    referral = make_referral(database)
    desk = app.test_client()
    _coordinator(desk, database)
    with database.uow() as uow:
        before = uow.session.get(Referral, referral.id).version  # type: ignore[union-attr]
    posts = [r for r in app.url_map.iter_rules() if "POST" in (r.methods or set())]
    assert len(posts) > 10
    for rule in posts:
        values = {name: referral.id if "id" in name else "x" for name in rule.arguments}
        url = rule.build({**values, "kind": "stalking"} if "kind" in values else values)[1]  # type: ignore[index]
        response = desk.post(url, data={"version": str(before), "text": "note", "q": "a"})
        public = getattr(app.view_functions[rule.endpoint], "is_public", False)
        # The public referral forms say "this page had expired" and show the page again (or
        # go back to its start); every other form, the public sign-in and set-up pages
        # included, is refused with 400.
        forms_page = public and rule.endpoint.startswith("referral_forms.")
        refused = (200, 302) if forms_page else (400,)
        assert response.status_code in refused, (rule.rule, response.status_code)
    with database.uow() as uow:
        assert uow.session.get(Referral, referral.id).version == before  # type: ignore[union-attr]
    assert desk.get("/queue").status_code == 200  # sign-out refused too: still signed in


def test_an_expired_post_to_a_form_that_does_not_exist_is_a_404(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().post("/refer/nope/start")
    assert response.status_code == 404
    _assert_private(response.headers, "404 from the expired-page handler")
