"""The application's own PostgreSQL role: it reads and writes rows, never the schema or the trail.

Migrations run as the role that owns the tables (MIGRATION_DATABASE_URL); the web app and the
scheduler connect as another role (DATABASE_URL) that this module grants exactly what they use.
Only an owner may drop or disable a trigger, alter a table or TRUNCATE without the privilege, so
the app's role cannot undo the audit trail's triggers, and it is not even granted UPDATE, DELETE
or TRUNCATE on the trail: a bug, an injected statement or a stolen app password cannot rewrite it.
"""

import re

import sqlalchemy as sa

APPEND_ONLY_TABLES = ("audit_event",)  # rows may be added and read, never changed or removed
READ_ONLY_TABLES = ("alembic_version",)  # the app reads the schema's revision (readiness)
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class UnsafeAppRole(RuntimeError):
    """The role named for the app could change the schema or the audit trail."""


def grant_app_role(connection: sa.Connection, role: str) -> None:
    """Grant `role` row access to every table, and only INSERT and SELECT on the audit trail.

    Run as the tables' owner after each migration (new tables need their grants). Refuses a role
    that is a superuser or could act as the owner, since grants would not limit it.
    """
    if not _ROLE_NAME.fullmatch(role):
        raise UnsafeAppRole(f"Not a plain role name: {role!r}.")
    _refuse_powerful(connection, role)
    quoted = connection.dialect.identifier_preparer.quote(role)
    schema = connection.dialect.identifier_preparer.quote(
        str(connection.execute(sa.text("SELECT current_schema()")).scalar_one())
    )
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {quoted}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}",
    ]
    statements += [f"REVOKE UPDATE, DELETE ON {t} FROM {quoted}" for t in APPEND_ONLY_TABLES]
    statements += [f"REVOKE INSERT, UPDATE, DELETE ON {t} FROM {quoted}" for t in READ_ONLY_TABLES]
    for statement in statements:
        connection.exec_driver_sql(statement)


def _refuse_powerful(connection: sa.Connection, role: str) -> None:
    row = connection.execute(
        sa.text(
            "SELECT r.rolsuper OR r.rolbypassrls, pg_has_role(r.oid, t.tableowner, 'USAGE') "
            "FROM pg_roles r, pg_tables t "
            "WHERE r.rolname = :role AND t.tablename = 'audit_event' "
            "AND t.schemaname = current_schema()"
        ),
        {"role": role},
    ).first()
    if row is None:
        raise UnsafeAppRole(f"No role {role} (create it first: CREATE ROLE {role} LOGIN).")
    superuser, acts_as_owner = row
    if superuser or acts_as_owner:
        raise UnsafeAppRole(
            f"The app's role {role} must not be a superuser, the tables' owner or a member of "
            "the owner's role: it could then drop the audit trail's triggers."
        )
