"""Fill every field of a referral form with a value of its own, send it, and read it back from
the five places staff read a referral: the coordinator's page, the IDVA's view, the print view,
`flask export-referrals` and the queue CSV with every answer.
"""

import csv
import html
import io
import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from wtforms import BooleanField, RadioField

from forms.referral import marac, stalking
from forms.referral.check_answers import shown
from forms.referral.stepper import Flow
from tests.forms.answers import fill, submit_token
from tests.queue.every_field import FIELD_PATHS
from tests.web.pages import check_page, csrf_token
from workflow.models import Referral
from workflow.record.catalogue import BY_PATH, CHILD, PERPETRATOR
from workflow.store.db import Database

FLOWS: dict[str, Flow] = {"marac": marac.FLOW, "stalking": stalking.FLOW}
# "I do not know …" boxes only excuse the field beside them, which is filled instead.
UNKNOWN_BOXES = ("victim_dob_unknown", "victim_postcode_unknown", "victim_phone_unknown")
# The form asks for each child on its own line; each line becomes the child's own card.
ONE_PER_LINE = ("children_details",)
CHANNEL_WORDS = {"yes": "Safe", "no": "Not safe", "dont_know": "Don't know — treat as not safe"}
OUTPUTS = ("coordinator page", "IDVA view", "print view", "export-referrals", "queue CSV")


def normal(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    return " ".join(text.split())


def page_text(markup: str) -> str:
    """Return a page's text as a person reads it: tags gone, entities decoded."""
    return normal(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def _stored(pages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        slug: {k: v if isinstance(v, list) else [v] for k, v in data.items()}
        for slug, data in pages.items()
    }


def expected(kind: str, pages: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Return 'page.field' -> the words each output must hold for that answer."""
    flow, stored = FLOWS[kind], _stored(pages)
    found = {}
    for page in flow.asked(stored):
        form = flow.load(page, stored)
        for field in form:
            if field.name == "csrf_token" or isinstance(field, BooleanField):
                continue
            if _kept_by_a_sibling(kind, form, field):
                continue
            words = shown(field)
            if isinstance(field, RadioField) and re.fullmatch(r"q\d+", field.name):
                words = f"{field.label.text} {words}"  # the question beside its answer
            parts = words.splitlines() if field.name in ONE_PER_LINE else [words]
            if not re.fullmatch(r"q\d+(_\w+)?", field.name):
                path = FIELD_PATHS[kind][field.name]
                label = label_of(path)
                if path.startswith("safe_contact.") and field.data in CHANNEL_WORDS:
                    parts = [CHANNEL_WORDS[field.data]]  # the answer as a caller must read it
                parts = [f"{label} {p}" for p in parts]  # under its own label, nowhere else
            found[f"{page.slug}.{field.name}"] = [normal(p) for p in parts]
    return found


def _kept_by_a_sibling(kind: str, form: Any, field: Any) -> bool:
    """An empty field whose place another answer on its page fills (the two consent reasons,
    each under its own answer, are kept as one): that answer is the one to find."""
    path = FIELD_PATHS[kind].get(field.name)
    return (
        path is not None
        and not field.data
        and any(o is not field and o.data and FIELD_PATHS[kind].get(o.name) == path for o in form)
    )


def label_of(path: str) -> str:
    """Return the label staff read for the answer kept at a catalogue path."""
    parts = path.split(".")
    if parts[0] in ("perpetrators", "children"):
        declared = PERPETRATOR if parts[0] == "perpetrators" else CHILD
        key = "relationship_to_victim" if parts[2] == "relationship" else parts[2]
        return next(item.label for item in declared if item.path == key)
    return BY_PATH[path].label


def unfilled(kind: str, pages: dict[str, dict[str, Any]]) -> list[str]:
    """Return the fields of the form the test left empty (a new field lands here first)."""
    flow, stored = FLOWS[kind], _stored(pages)
    return [
        f"{page.slug}.{field.name}"
        for page in flow.asked(stored)
        for field in flow.load(page, stored)
        if field.name not in ("csrf_token", *UNKNOWN_BOXES)
        and not (pages.get(page.slug) or {}).get(field.name)
    ]


def send(client: FlaskClient, kind: str, pages: dict[str, dict[str, Any]]) -> None:
    """Fill and send a referral through the public form, as a referrer would."""
    csrf = fill(client, kind, pages)
    check = client.get(f"/refer/{kind}/check").get_data(as_text=True)
    token = submit_token(check)
    response = client.post(f"/refer/{kind}/check", data={"csrf_token": csrf, "submit_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def _flatten(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k} {_flatten(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(_flatten(v) for v in value)
    return "" if value is None else str(value)


def _html(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    markup = response.get_data(as_text=True)
    check_page(markup)
    return markup


def outputs(
    app: Flask,
    database: Database,
    desk: FlaskClient,
    idva_client: FlaskClient,
    idva_id: int,
    referral_id: int,
) -> dict[str, str]:
    """Return the text of each of the five outputs for one referral."""
    with database.uow() as uow:
        referral = uow.session.get(Referral, referral_id)
        assert referral is not None
        referral.allocated_idva_id = idva_id  # only the IDVA's own referrals open for them
        reference = referral.reference
        uow.commit()
    found = {
        "coordinator page": page_text(_html(desk, f"/referrals/{referral_id}")),
        "IDVA view": page_text(_html(idva_client, f"/referrals/{referral_id}")),
        "print view": page_text(_html(desk, f"/referrals/{referral_id}/print")),
    }
    lines = app.test_cli_runner().invoke(args=["export-referrals"]).output.splitlines()
    record = next(json.loads(x) for x in lines if json.loads(x)["reference"] == reference)
    found["export-referrals"] = normal(_flatten(record))
    token = csrf_token(desk, "/queue")
    body = {"csrf_token": token, "every": "Download with every answer"}
    rows = list(
        csv.reader(io.StringIO(desk.post("/queue/export", data=body).get_data(as_text=True)))
    )
    row = next(r for r in rows[1:] if r[0] == reference)
    found["queue CSV"] = normal(" ".join(f"{h} {v}" for h, v in zip(rows[0], row, strict=True)))
    return found


def reach(wanted: dict[str, list[str]], texts: dict[str, str]) -> dict[str, list[str]]:
    """Return, for each output, the fields whose words it does not hold."""
    return {
        name: [f for f, words in wanted.items() if any(w not in texts[name] for w in words)]
        for name in OUTPUTS
    }
