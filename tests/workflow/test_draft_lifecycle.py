"""A web referral draft's lifecycle without the web: start, save a page, discard; its lifetimes."""

from datetime import timedelta

from workflow.models.referral import Pathway
from workflow.store.db import Database
from workflow.web_referrals import lifecycle

LIFETIMES = lifecycle.Lifetimes(hours=24, shared_minutes=30)


def test_a_draft_on_a_shared_computer_lasts_minutes_and_says_so() -> None:
    assert LIFETIMES.of(shared=False) == timedelta(hours=24)
    assert LIFETIMES.of(shared=True) == timedelta(minutes=30)
    assert LIFETIMES.words(shared=False) == "24 hours"
    assert LIFETIMES.words(shared=True) == "30 minutes"


def test_the_first_unsaved_page_is_where_a_referrer_goes_on() -> None:
    asked = ["referrer", "victim", "contact"]
    assert lifecycle.first_unsaved(asked, {"referrer": {}}) == "victim"
    assert lifecycle.first_unsaved(asked, {slug: {} for slug in asked}) is None


def test_a_page_saved_is_kept_and_a_discarded_draft_is_gone(database: Database) -> None:
    pathway, lifetime = Pathway.STALKING_IDVA, LIFETIMES.of(shared=False)
    token = lifecycle.begin(database, pathway, lifetime, {})
    saved = lifecycle.save_page(database, token, pathway, "referrer", {"a": ["1"]}, lifetime)
    assert saved is not None and saved.pages == {"referrer": {"a": ["1"]}}
    assert lifecycle.unsent_pages(database, token, pathway) == {"referrer": {"a": ["1"]}}
    assert lifecycle.find(database, token, Pathway.MARAC) is None  # another form's key
    lifecycle.discard(database, token)
    assert lifecycle.find(database, token, pathway) is None
    assert lifecycle.save_page(database, token, pathway, "victim", {}, lifetime) is None
