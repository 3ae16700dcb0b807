"""The queue CSV with every answer: formulas kept as text, the download audited as such."""

import csv
import io

from flask.testing import FlaskClient

from tests.factories import make_referral
from tests.queue.builders import audit_actions
from tests.web.pages import csrf_token
from workflow.models import User
from workflow.store.db import Database


def test_every_answer_csv_guards_formulas_and_is_audited(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    referral = make_referral(database, details={"unsafe_to_speak_to": "=HYPERLINK(evil)"})
    body = {"csrf_token": csrf_token(desk, "/queue"), "every": "Download with every answer"}
    rows = list(
        csv.reader(io.StringIO(desk.post("/queue/export", data=body).get_data(as_text=True)))
    )
    header, row = rows[0], rows[1]
    cell = row[header.index("Who is safe to speak to: Who must not be spoken to")]
    assert cell == "'=HYPERLINK(evil)"
    assert "victim_name" not in header and "The victim: Full name" in header
    event = audit_actions(database, "queue")[-1]
    assert (event.action, event.actor_id) == ("export", coordinator.id)
    assert event.after["every_answer"] is True and event.after["references"] == [referral.reference]
    assert "with every answer" in event.summary
