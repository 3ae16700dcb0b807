"""Checklists that arrived by mail for a referral that already exists, waiting for a person.

A mailed update is only a proposal: it lives in its own table, so nothing that reads the record
(the rules, the deadlines, the safety block, the exports) can take it for the current checklist
until a coordinator accepts it and it becomes the referral's next assessment version.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel

from workflow.models.base import enum_type, json_dict, json_list, utcnow
from workflow.models.referral import Instrument


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ProposedAssessment(SQLModel, table=True):
    """One mailed checklist proposed as the referral's next version, and what became of it."""

    __tablename__ = "proposed_assessment"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    message_id: int = Field(foreign_key="inbound_message.id", index=True)
    instrument: Instrument = Field(sa_type=enum_type(Instrument))
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=json_dict())
    score: int = 0  # computed from the answers, never taken from the form
    completed_date: date | None = None
    provenance: dict[str, Any] = Field(default_factory=dict, sa_type=json_dict())
    # Answers read with doubt: flagged on the referral only once the proposal is accepted.
    needs_review: list[str] = Field(default_factory=list, sa_type=json_list())
    # The referrer, someone whose earlier update was accepted, or a professional address whose
    # mail the receiving server authenticated: else the coordinator must say they checked.
    sender_known: bool = False
    from_address: str = Field(default="", max_length=254)
    status: ProposalStatus = Field(
        default=ProposalStatus.PROPOSED, sa_type=enum_type(ProposalStatus), index=True
    )
    decided_at: datetime | None = None
    decided_by: str = Field(default="", max_length=254)
    decision_reason: str = Field(default="", max_length=2000)
    # The assessment version it became when accepted.
    assessment_id: int | None = Field(default=None, foreign_key="assessment.id")
    created_at: datetime = Field(default_factory=utcnow)
