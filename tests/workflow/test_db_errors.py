"""A failed statement's error (what reaches logs and tracebacks) never carries its values: the
engine is made with hide_parameters, so a victim's name in a query stays out of the text."""

import pytest
import sqlalchemy as sa

from workflow.store.db import make_engine


def test_a_failed_statements_error_does_not_carry_its_values(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError) as failed:
            connection.execute(
                sa.text("SELECT * FROM no_such_table WHERE victim_name = :name"),
                {"name": "Jade Allen"},
            )
    finally:
        engine.dispose()
    said = str(failed.value)
    assert "Jade Allen" not in said
    assert "parameters hidden" in said
