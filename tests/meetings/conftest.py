"""Fixtures for the meeting tests: a coordinator."""

import pytest

from tests.factories import actor_for, make_user
from workflow.actors import Actor
from workflow.models.staff import Role
from workflow.store.db import Database


@pytest.fixture
def coordinator(database: Database) -> Actor:
    return actor_for(make_user(database, Role.COORDINATOR))
