"""A referral, its risk assessments and its history of states."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from workflow.models.base import enum_type, json_dict, json_list, utcnow
from workflow.referrals.states import State


class Pathway(StrEnum):
    MARAC = "marac"
    STALKING_IDVA = "stalking_idva"


class Source(StrEnum):
    WEB_FORM = "web_form"
    EMAIL = "email"
    UPLOAD = "upload"


class Consent(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    NOT_ASKED_UNSAFE = "not_asked_unsafe"


class Outcome(StrEnum):
    SUPPORT_COMPLETED = "support_completed"
    HEARD_AT_MARAC = "heard_at_marac"
    NO_CONSENT = "no_consent"
    NOT_ELIGIBLE = "not_eligible"
    DUPLICATE = "duplicate"
    UNABLE_TO_CONTACT = "unable_to_contact"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    SELF_REFERRAL_SIGNPOSTED = "self_referral_signposted"


class Instrument(StrEnum):
    SAFELIVES_DASH_24 = "safelives_dash_24"
    ACPO_DASH_27 = "acpo_dash_27"
    S_DASH_11 = "s_dash_11"


# The version column lives outside the class so the mapper can use it for optimistic locking:
# every UPDATE says WHERE version = the one loaded, so a concurrent change is detected, not lost.
_version = sa.Column("version", sa.Integer, nullable=False, server_default="1")


class Referral(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    pathway: Pathway = Field(sa_type=enum_type(Pathway), index=True)
    state: State = Field(default=State.RECEIVED, sa_type=enum_type(State), index=True)
    source: Source = Field(sa_type=enum_type(Source))

    referrer_name: str = Field(default="", max_length=200)
    referrer_role: str = Field(default="", max_length=200)
    referrer_agency: str = Field(default="", max_length=200, index=True)
    referrer_phone: str = Field(default="", max_length=40)
    referrer_email: str = Field(default="", max_length=254)

    victim_name: str = Field(default="", max_length=200, index=True)
    victim_aliases: list[str] = Field(default_factory=list, sa_type=json_list())
    victim_date_of_birth: date | None = Field(default=None, index=True)
    victim_gender: str = Field(default="", max_length=60)
    victim_address: str = Field(default="", max_length=500)
    victim_postcode: str = Field(default="", max_length=10, index=True)
    victim_phone: str = Field(default="", max_length=40)
    # Per channel (call, voicemail, text, email, letter): True safe, False unsafe, None not known;
    # plus safe_times, alternative_contact and notes. Never contact on a channel not marked safe.
    safe_contact: dict[str, Any] = Field(default_factory=dict, sa_type=json_dict())
    victim_details: dict[str, Any] = Field(default_factory=dict, sa_type=json_dict())

    perpetrators: list[dict[str, Any]] = Field(default_factory=list, sa_type=json_list())
    children_in_household: int | None = None
    children: list[dict[str, Any]] = Field(default_factory=list, sa_type=json_list())

    consent: Consent | None = Field(default=None, sa_type=enum_type(Consent))
    victim_aware: bool | None = None
    consent_not_sought_reason: str = Field(default="", max_length=2000)
    lawful_basis: str = Field(default="", max_length=500)

    professional_judgement: bool = False
    professional_judgement_reason: str = Field(default="", max_length=4000)
    police_incidents_12m: int | None = None
    last_incident: date | None = None
    crime_reference: str = Field(default="", max_length=60)
    reason_for_referral: str = Field(default="", sa_type=sa.Text)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=json_dict())

    # Derived by workflow.rules from the latest assessment; kept here to sort and filter the queue.
    dash_score: int | None = Field(default=None, index=True)
    risk_band: str | None = Field(default=None, max_length=16)
    marac_criteria_met: bool = False
    rule_outcomes: list[dict[str, Any]] = Field(default_factory=list, sa_type=json_list())
    needs_review: list[str] = Field(default_factory=list, sa_type=json_list())

    allocated_idva_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    meeting_date: date | None = None
    # Allocated "MARAC only": no IDVA (the victim declined, or is supported elsewhere) and why.
    marac_only_reason: str = Field(default="", max_length=2000)
    outcome: Outcome | None = Field(default=None, sa_type=enum_type(Outcome))
    duplicate_of_id: int | None = Field(default=None, foreign_key="referral.id")

    received_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    first_contact_at: datetime | None = None
    closed_at: datetime | None = None
    # Kept by workflow.deadlines.steps.refresh_deadline so the queue sorts and filters by due time
    # in SQL.
    state_entered_at: datetime | None = None
    last_activity_at: datetime | None = None
    due_at: datetime | None = Field(default=None, index=True)
    due_kind: str = Field(default="", max_length=16)
    version: int = Field(default=1, sa_column=_version)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _version}


class Assessment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    instrument: Instrument = Field(sa_type=enum_type(Instrument))
    version: int = 1  # 1 for the first checklist of this instrument, then 2, 3... on updates
    # {"1": {"answer": "yes|no|dont_know|null", "comment": "", "source": "", "sub": [...]}}
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=json_dict())
    # Computed from the answers by workflow.rules.risk, never taken from the form.
    score: int = 0
    completed_date: date | None = None
    source_message_id: int | None = Field(default=None, foreign_key="inbound_message.id")
    # Where each answer was read from (file, cell or line), for the coordinator to check.
    provenance: dict[str, Any] = Field(default_factory=dict, sa_type=json_dict())
    created_at: datetime = Field(default_factory=utcnow)


class StateChange(SQLModel, table=True):
    __tablename__ = "state_change"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    from_state: State | None = Field(default=None, sa_type=enum_type(State))
    to_state: State = Field(sa_type=enum_type(State))
    event: str = Field(max_length=32)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    actor_label: str = Field(max_length=254)
    reason: str = Field(default="", max_length=2000)
    at: datetime = Field(default_factory=utcnow)


class ReferenceCounter(SQLModel, table=True):
    __tablename__ = "reference_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0
