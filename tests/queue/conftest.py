"""Fixtures for the coordinator's queue: staff signed in through the real sign-in page."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_user
from tests.web.pages import sign_in
from workflow.models import User
from workflow.models.staff import Role
from workflow.store.db import Database


@pytest.fixture
def coordinator(database: Database) -> User:
    return make_user(database, Role.COORDINATOR, name="Cara Coordinator")


@pytest.fixture
def idva(database: Database) -> User:
    return make_user(database, Role.IDVA, name="Ivy Idva")


@pytest.fixture
def desk(client: FlaskClient, coordinator: User) -> FlaskClient:
    """A test client signed in as the coordinator."""
    sign_in(client, coordinator.email)
    return client


@pytest.fixture
def idva_client(app: Flask, idva: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, idva.email)
    return client
