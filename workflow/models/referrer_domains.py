"""The email domains of agencies that refer professionally, kept by an administrator."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class ProfessionalDomain(SQLModel, table=True):
    __tablename__ = "professional_domain"

    id: int | None = Field(default=None, primary_key=True)
    # Lower case, no leading "@" or dot; a sub-domain of it counts too (x.police.uk).
    domain: str = Field(max_length=253, unique=True)
    agency: str = Field(default="", max_length=200)  # who it is, for the person reading the list
    added_by: str = Field(default="", max_length=254)  # "" for the list the service started with
    added_at: datetime = Field(default_factory=utcnow)
