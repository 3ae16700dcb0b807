"""Staff accounts and their roles."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from workflow.models.base import enum_type, utcnow


class Role(StrEnum):
    COORDINATOR = "coordinator"
    IDVA = "idva"
    MANAGER = "manager"
    ADMIN = "admin"
    # A MARAC agency representative: sees only the sittings they are invited to (issue 18).
    AGENCY = "agency"


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    role: Role = Field(sa_type=enum_type(Role))
    password_hash: str = Field(max_length=255)
    active: bool = True
    must_change_password: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    password_changed_at: datetime | None = None
    # A case-reading role asked for and not yet approved by a second administrator or manager.
    pending_role: Role | None = Field(default=None, sa_type=enum_type(Role))
    pending_role_by: str | None = Field(default=None, max_length=254)  # who asked (actor label)
    pending_role_new_account: bool = False  # the account was made for it and is off until then
    # A one-time set-up link after a reset: only its SHA-256 is kept; the administrator never
    # sees the link, which goes to the account's own address.
    setup_token_hash: str | None = Field(default=None, max_length=64, index=True)
    setup_expires_at: datetime | None = None
    # Two-factor sign-in (workflow/staff/two_factor.py). The TOTP secret must be readable to check a
    # code, so it is kept as it is; it counts only once confirmed (enrolled), and the last
    # time-step accepted is kept so one code can never be used twice.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enrolled_at: datetime | None = None
    totp_last_step: int | None = None


class RecoveryCode(SQLModel, table=True):
    """A one-time code for signing in without the authenticator app; only its argon2 hash."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    code_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    used_at: datetime | None = None
